"""WSGI entry point for gunicorn with a gevent-websocket worker.

    gunicorn -k geventwebsocket.gunicorn.workers.GeventWebSocketWorker -w 1 -b 127.0.0.1:5000 wsgi:app

One worker per port; several ports behind a proxy with sticky sessions, joined by REDIS_URL
(docs/OPERATIONS.md).
"""

from portal import create_app
from portal.extensions import socketio

app = create_app()

__all__ = ["app", "socketio"]
