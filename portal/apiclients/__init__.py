"""API clients (接口调用方): registered programs with a key each, per-key rate limits, usage and revocation."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.apiclients import gate, models, views  # noqa: F401

    gate.init_app(app)
    app.register_blueprint(views.bp)
