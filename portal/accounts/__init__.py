"""Accounts: users, roles, departments, enterprises, log-in and permissions."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Wired here, not at import time, so that importing the package's models or services loads no views.
    from portal.accounts import admin, demo, sessions, views  # noqa: F401  (demo registers its loader)
    from portal.accounts.cli import users_cli
    from portal.accounts.models import User
    from portal.extensions import login_manager

    login_manager.login_view = "accounts.login"
    login_manager.login_message = "请先登录"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        # Session and remember-me cookies name a login session ("id:key"); an ended session signs nobody in.
        return sessions.load(user_id)

    app.register_blueprint(views.bp)
    app.register_blueprint(admin.bp)
    app.cli.add_command(users_cli)
