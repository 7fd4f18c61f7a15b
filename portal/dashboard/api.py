"""Open data: ``GET /api/v1/data/kpi?period=2026-Q3`` — department KPIs, no personal data."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from portal.dashboard import services

bp = Blueprint("dashboard_api", __name__, url_prefix="/api/v1/data")


@bp.get("/kpi")
def kpi():
    """Department KPIs of a period with counts, ratios, scores, totals and the monthly trend."""
    period = services.period_from_args(request.args)
    return jsonify(services.kpi_json(services.data_page(period)))
