"""Open data: ``GET /api/v1/data/kpi?period=2026-Q3`` — department KPIs, no personal data."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from portal.apidoc import endpoint
from portal.dashboard import services
from portal.dashboard.schemas import Kpi, KpiQuery
from portal.opendata import conditional

bp = Blueprint("dashboard_api", __name__, url_prefix="/api/v1/data")


@bp.get("/kpi")
@endpoint(
    summary="部门考核指标",
    description="一个统计周期内各部门的计数、比率（0–1，分母为 0 时为 null）、1000 分制综合得分、合计、"
    "全市概况与近 12 个月趋势。"
    "不含个人信息。指标定义见 /data/ 页面；同一张表的 CSV：/data/kpi.csv。",
    tag="data",
    query=KpiQuery,
    ok=Kpi,
    etag=True,
)
def kpi():
    """Department KPIs of a period with counts, ratios, scores, totals and the monthly trend."""
    period = services.period_from_args(request.args)
    return conditional(jsonify(services.kpi_json(services.data_page(period))))
