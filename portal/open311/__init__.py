"""Open311 GeoReport v2 over the public work orders (http://wiki.open311.org/GeoReport_v2)."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from portal.open311.views import bp

    app.register_blueprint(bp)
