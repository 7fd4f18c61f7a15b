"""Serve the portal with gevent + gevent-websocket: ``python -m portal.serve``.

gevent-websocket has no per-message compression, so each broadcast is encoded once and
written as is to every client (see ARCHITECTURE.md, "Async mode").
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import logging  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import socketio  # noqa: E402
from portal.gc_schedule import schedule_full_collections  # noqa: E402
from portal.jobs import start_background_jobs  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the portal (gevent + gevent-websocket).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--access-log", action="store_true", help="log every request")
    args = parser.parse_args()

    app = create_app()
    if not args.access_log:  # gevent-websocket logs every HTTP request at INFO whatever socketio.run is told
        logging.getLogger("geventwebsocket.handler").setLevel(logging.WARNING)
    if app.config["RUN_BACKGROUND_JOBS"]:
        start_background_jobs(app)
    schedule_full_collections(app.config["GC_FULL_INTERVAL"], socketio.start_background_task, socketio.sleep)
    logging.getLogger(__name__).info("serving on http://%s:%s", args.host, args.port)
    socketio.run(app, host=args.host, port=args.port, log_output=args.access_log, allow_unsafe_werkzeug=False)


if __name__ == "__main__":
    main()
