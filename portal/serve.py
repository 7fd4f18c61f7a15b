"""Serve the portal with gevent + gevent-websocket: ``python -m portal.serve``.

gevent-websocket has no per-message compression, so each broadcast is encoded once and
written as is to every client (see ARCHITECTURE.md, "Async mode").

``--prepare`` (what ``make run`` uses) first migrates the database and loads the demo data once, in this same
process (one interpreter start instead of three), and leaves the search index to a background process so that
the site answers while the index is built. It prints what a newcomer needs and nothing else; ``--verbose``
logs at INFO as before.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
from flask import Flask  # noqa: E402

from portal import create_app  # noqa: E402
from portal.extensions import socketio  # noqa: E402
from portal.gc_schedule import schedule_full_collections  # noqa: E402
from portal.jobs import start_background_jobs  # noqa: E402

log = logging.getLogger(__name__)


def quiet_logging() -> None:
    """Warnings and errors only: no INFO chatter from the jobs, alembic, engineio or the access log."""
    logging.getLogger().setLevel(logging.WARNING)
    for name in ("alembic", "geventwebsocket.handler", "engineio", "socketio"):
        logging.getLogger(name).setLevel(logging.WARNING)


def port_taken(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def prepare(app: Flask) -> subprocess.Popen | None:
    """Migrate, load the demo data once; start writing the search index in a separate process if rows wait
    for it (returned, so that the in-process indexer starts after it)."""
    from flask_migrate import upgrade

    from portal.demo import load_once
    from portal.search import indexer

    app.config["MIGRATE_KEEP_APP_LOGGING"] = True
    with app.app_context():
        upgrade(revision="heads")
        load_once(index_later=True, echo=lambda line: None)
        if not indexer.pending(app):
            return None
    log_path = Path(app.instance_path) / "search-index.log"
    with log_path.open("ab") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "portal", "search", "drain"],
            env={**os.environ, "RUN_BACKGROUND_JOBS": "0"},
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )


def start_jobs_after(app: Flask, indexing: subprocess.Popen | None) -> None:
    """The periodic jobs (one of them heals an empty index) start once the background index writer is done."""
    if indexing is not None:
        indexing.wait()  # cooperative: subprocess is patched by gevent
    start_background_jobs(app)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the portal (gevent + gevent-websocket).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--access-log", action="store_true", help="log every request")
    parser.add_argument("--prepare", action="store_true", help="migrate and load the demo data once first")
    parser.add_argument("--verbose", action="store_true", help="log at INFO (background jobs, migrations)")
    args = parser.parse_args()

    app = create_app()
    if not args.verbose:
        quiet_logging()
    if not args.access_log:  # gevent-websocket logs every HTTP request at INFO whatever socketio.run is told
        logging.getLogger("geventwebsocket.handler").setLevel(logging.WARNING)
    if port_taken(args.host, args.port):
        print(f"Port {args.port} on {args.host} is in use; choose another one, e.g. PORT={args.port + 1} make run")
        sys.stdout.flush()
        os._exit(1)  # not sys.exit: interpreter shutdown under gevent prints noise about finalised greenlets
    indexing: subprocess.Popen | None = None

    def stop(*_signal) -> None:
        """Ctrl-C: say so and leave at once (a KeyboardInterrupt under gevent prints the hub's report of it, and
        interpreter shutdown prints noise about finalised greenlets). Demo data cut short loads again next time."""
        if indexing is not None and indexing.poll() is None:
            indexing.terminate()
        print("Stopped.", flush=True)
        os._exit(0)

    if args.prepare:
        signal.signal(signal.SIGINT, stop)  # while migrating and loading (no greenlet switches there)
        if not _demo_loaded(app):
            print("First start: creating the database and the demo city (a minute or so) ...", flush=True)
        indexing = prepare(app)
    if app.config["RUN_BACKGROUND_JOBS"]:
        socketio.start_background_task(start_jobs_after, app, indexing)
    schedule_full_collections(app.config["GC_FULL_INTERVAL"], socketio.start_background_task, socketio.sleep)
    log.info("serving on http://%s:%s", args.host, args.port)
    if args.prepare:
        print(welcome(app, args.host, args.port), flush=True)
    gevent.signal_handler(signal.SIGINT, stop)  # while serving: run by the hub
    socketio.run(app, host=args.host, port=args.port, log_output=args.access_log, allow_unsafe_werkzeug=False)


def welcome(app: Flask, host: str, port: int) -> str:
    """Where to open the site, the demo accounts' password (from the demo data) and how to stop."""
    from portal import demo

    with app.app_context():
        password = demo.read("accounts").get("password")
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    lines = ["", f"The portal is running: open http://{shown}:{port}/"]
    if password:
        lines.append(
            "Demo accounts: citizen, entrepreneur, official, dispatcher, moderator, host, editor, admin, ..."
            f" (README.md lists them); every one has the password {password}"
        )
    lines += ["Press Ctrl-C to stop.", ""]
    return "\n".join(lines)


def _demo_loaded(app: Flask) -> bool:
    from portal.demo import loaded

    with app.app_context():
        return loaded()


if __name__ == "__main__":
    main()
