"""WSGI entry point for gunicorn with a gevent-websocket worker.

    gunicorn -k geventwebsocket.gunicorn.workers.GeventWebSocketWorker -w 1 -b 127.0.0.1:5000 wsgi:app

One worker per port; several ports behind a proxy with sticky sessions, joined by REDIS_URL
(docs/OPERATIONS.md).
"""

from portal import create_app
from portal.extensions import socketio
from portal.gc_schedule import schedule_full_collections

app = create_app()
schedule_full_collections(app.config["GC_FULL_INTERVAL"], socketio.start_background_task, socketio.sleep)

__all__ = ["app", "socketio"]
