"""Hearings (公开答辩 / 公开质询): panels, the live question queue over Socket.IO, transcripts, commitments."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Wired here, not at import time, so that importing the package's models or services loads no views.
    from portal.extensions import socketio
    from portal.hearings import (  # noqa: F401  (register rules, routes, plan page sections)
        commitments,
        demo,
        manage,
        permissions,
        plan_sections,
        poll_demo,
        views,
        views_lists,
        views_polls,
    )
    from portal.hearings.cli import hearings_cli
    from portal.hearings.events import HearingsNamespace
    from portal.hearings.live import NAMESPACE, init_live

    app.register_blueprint(views.bp)
    app.register_blueprint(manage.bp)
    app.register_blueprint(views_lists.api)
    app.register_blueprint(views_polls.bp)
    app.cli.add_command(hearings_cli)
    init_live(app)
    socketio.on_namespace(HearingsNamespace(NAMESPACE))
