"""Open data: ``GET /api/v1/ratings/index?period=2026-Q4`` — the satisfaction index, aggregates only."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from portal.ratings import pages
from portal.ratings.periods import check_period

bp = Blueprint("ratings_api", __name__, url_prefix="/api/v1/ratings")


@bp.get("/index")
def index_json():
    """City-wide, per-department and per-policy index of a period; ``value`` is null below k enterprises."""
    return jsonify(pages.index_json(check_period(request.args.get("period"))))
