"""The portal: public hearings, feedback work orders and the policy archive.

The factory's functions import what they wire: ``python -m portal.serve`` imports this package before it
patches the standard library for gevent, so importing ``portal`` must load nothing but Flask and the config.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

from flask import Flask

from portal.config import ROOT, load_config

# Capability packages, each a vertical slice exposing ``init_app(app)`` that registers
# its blueprints, CLI commands, Socket.IO handlers and demo loader.
CAPABILITIES = (
    "accounts",
    "pages",
    "enterprises",
    "plans",
    "feedback",
    "hearings",
    "policies",
    "consultation",
    "dashboard",
    "ratings",
    "apiclients",
    "open311",
    "scorecards",
)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; ``config`` overrides settings (tests pass their database here)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    register_extensions(app)
    register_search(app)
    register_capabilities(app)
    register_api_document(app)
    register_error_handlers(app)
    register_commands(app)
    if app.config.get("PROXY_COUNT"):
        # Behind nginx (deploy/nginx/portal.conf): the client's address (rate limits, log-in throttle) and the
        # scheme (Secure cookies, absolute links in feeds and Link headers) come from that many proxies' headers.
        from werkzeug.middleware.proxy_fix import ProxyFix

        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]
    return app


def register_extensions(app: Flask) -> None:
    from portal import extensions as ext
    from portal import inputs, outputs
    from portal.security import init_security

    inputs.init_app(app)  # before any route: ``<int:...>`` is the bounded converter
    outputs.init_app(app)
    ext.db.init_app(app)
    app.teardown_appcontext(ext.release_session)  # runs before Flask-SQLAlchemy's own (teardowns run in reverse)
    ext.migrate.init_app(app, ext.db, directory=str(ROOT / "migrations"), render_as_batch=True)
    ext.login_manager.init_app(app)
    ext.csrf.init_app(app)
    bind_process_extensions(app)
    init_security(app)

    from portal import assets, templating

    templating.init_app(app)
    assets.init_app(app)


def bind_process_extensions(app: Flask) -> None:
    """Bind the extensions that hold process-wide state (rate-limit storage, the Socket.IO server).

    One app per process in production; tests that build a second app call this again for the first.
    """
    from portal import extensions as ext
    from portal import sockets
    from portal.security import SOCKET_HEADERS

    ext.limiter.init_app(app)
    # Socket.IO keeps options from an earlier init_app: forget the previous app's message queue
    # so that this app's REDIS_URL alone decides.
    ext.socketio.server_options.pop("client_manager", None)
    previous = ext.socketio.server
    async_mode = app.config.get("SOCKETIO_ASYNC_MODE") or _async_mode()
    if async_mode == "gevent" and app.config.get("SOCKETIO_DIRECT_WRITES", True):
        from portal.websocket_writes import install

        install()
    ext.socketio.init_app(
        app,
        async_mode=async_mode,
        message_queue=app.config["REDIS_URL"],
        channel=app.config.get("SOCKETIO_CHANNEL", "portal-socketio"),
        # No CORS: pages are same-origin. The Origin check of every namespace is portal.sockets.origin_check.
        cors_allowed_origins=[],
        max_http_buffer_size=sockets.MAX_MESSAGE_BYTES,
        manage_session=False,
        ping_interval=app.config.get("SOCKETIO_PING_INTERVAL", 25),
        ping_timeout=app.config.get("SOCKETIO_PING_TIMEOUT", 20),
    )
    if previous is not None:
        # Handlers declared with @socketio.on after the first init_app live only on that first
        # server (Flask-SocketIO's design); carry them over to the new one.
        for namespace, events in previous.handlers.items():
            for event, handler in events.items():
                ext.socketio.server.handlers.setdefault(namespace, {}).setdefault(event, handler)
        for namespace, handler in previous.namespace_handlers.items():
            if namespace not in ext.socketio.server.namespace_handlers:
                ext.socketio.server.register_namespace(handler)
    sockets.install(app, ext.socketio.server, SOCKET_HEADERS)


def _async_mode() -> str:
    """gevent when the serving process patched the stdlib (make run, gunicorn); threading otherwise."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a pinned requirement
        return "threading"
    return "gevent" if monkey.is_module_patched("socket") else "threading"


def register_search(app: Flask) -> None:
    """The search engine: its outbox indexer and ``flask search``; capabilities register their document sources."""
    from portal.search import cli, indexer

    indexer.init_app(app)
    app.cli.add_command(cli.search_cli)


def register_capabilities(app: Flask) -> None:
    for name in CAPABILITIES:
        importlib.import_module(f"portal.{name}").init_app(app)


def register_api_document(app: Flask) -> None:
    """``/api/v1/openapi.json``, generated from the endpoints' declarations, and its page ``/api/v1/docs``."""
    from portal.apidoc.views import bp

    app.register_blueprint(bp)


def register_error_handlers(app: Flask) -> None:
    from portal.errors import register_error_handlers as register

    register(app)


def register_commands(app: Flask) -> None:
    from portal.backup import backup_command, restore_command
    from portal.demo import demo_cli
    from portal.statemachine import docs_cli

    app.cli.add_command(demo_cli)
    app.cli.add_command(docs_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
