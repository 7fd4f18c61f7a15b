"""gunicorn settings for one web process of the portal (one port, one gevent worker; docs/OPERATIONS.md).

    gunicorn -c deploy/gunicorn.conf.py wsgi:app          # PORT=5001 in the environment

Socket.IO needs every request of one client to reach the same process, and gunicorn spreads one port's
requests over its workers without affinity: so one worker per port, several ports per machine (one per core),
and nginx pins each client to a port (deploy/nginx/portal.conf). gevent-websocket's worker serves the websockets
without per-message compression (ARCHITECTURE.md, "Async mode").
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5001')}"
worker_class = "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"
workers = 1
# Concurrent connections of the one worker: websockets of a big hearing plus page requests.
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "20000"))
# A gevent worker is never busy for long; a worker that does not answer the arbiter for this long is restarted.
timeout = 60
# On a restart (deploy, systemctl reload) requests in flight get this long; websockets reconnect and resync.
graceful_timeout = 20
keepalive = 5
# Import the app in the worker, after gevent has patched the standard library (no preload_app).
preload_app = False
# One line per request on stdout (journald); nginx keeps the full access log.
accesslog = os.environ.get("ACCESS_LOG", "-") or None  # ACCESS_LOG= (empty): none
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "warning")
# Headers and request lines stay small; bodies are limited by nginx (client_max_body_size) and the app.
limit_request_line = 8190
forwarded_allow_ips = "127.0.0.1,::1"
proc_name = f"portal-web-{os.environ.get('PORT', '5001')}"
