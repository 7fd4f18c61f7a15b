"""Feedback work orders (问政 / 诉求 / 呼叫): intake, dispatch, deadlines, replies, ratings, escalation."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user


def init_app(app: Flask) -> None:
    # Wired here, not at import time, so that importing the package's models or services loads no views.
    from portal.feedback import demo, events, models, permissions, views, views_public, views_work  # noqa: F401
    from portal.feedback.api import api
    from portal.feedback.cli import feedback_cli
    from portal.feedback.history import unread_count

    app.register_blueprint(views.bp)
    app.register_blueprint(api)
    app.cli.add_command(feedback_cli)

    @app.context_processor
    def notices_context() -> dict[str, object]:
        """``unread_notices`` for the header's 通知 link (None when logged out)."""
        if not getattr(current_user, "is_authenticated", False):
            return {"unread_notices": None}
        return {"unread_notices": unread_count(current_user)}
