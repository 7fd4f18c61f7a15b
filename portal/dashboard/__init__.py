"""Public accountability pages (数据公开): department KPIs, charts, open data, the weekly 督查专报."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    # Wired here, not at import time, so that importing the package's models or services loads no views.
    from portal.dashboard import api, demo, kpi, panels, permissions, views  # noqa: F401  (register themselves)

    kpi.weights()  # fail at start-up, not on a page, when KPI_WEIGHTS is misconfigured
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
