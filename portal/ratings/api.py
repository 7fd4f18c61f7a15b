"""Open data: ``GET /api/v1/ratings/index?period=2026-Q4`` — the satisfaction index, aggregates only."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from portal.apidoc import endpoint
from portal.opendata import conditional
from portal.ratings import pages
from portal.ratings.periods import check_period
from portal.ratings.schemas import RatingIndex, RatingIndexQuery

bp = Blueprint("ratings_api", __name__, url_prefix="/api/v1/ratings")


@bp.get("/index")
@endpoint(
    summary="企业满意度指数",
    description="一个评价周期的全市、各部门与各政策的企业满意度指数；只有汇总数字，不含任何企业或个人。"
    "参评企业少于 k 家的数字不公布（value 为 null）。",
    tag="ratings",
    query=RatingIndexQuery,
    ok=RatingIndex,
    etag=True,
)
def index_json():
    """City-wide, per-department and per-policy index of a period; ``value`` is null below k enterprises."""
    return conditional(jsonify(pages.index_json(check_period(request.args.get("period")))))
