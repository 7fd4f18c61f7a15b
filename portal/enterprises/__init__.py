"""Enterprises: who belongs to which enterprise (join requests with the business licence, review, invitations)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Wired here, not at import time, so that importing the package's models or services loads no views.
    from portal.enterprises import demo, permissions, services, views  # noqa: F401  (demo registers its loader)

    app.register_blueprint(views.bp)
