"""部门记分卡: the ranking of departments, each department's scorecard, their CSV, and the division scores."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from portal.opendata import csv_response, int_arg
from portal.scorecards import card, csv_rows, divisions, enterprise_index, figures

bp = Blueprint("scorecards", __name__, url_prefix="/scorecards")


def _sort_args() -> tuple[str, bool]:
    sort = request.args.get("sort") or "score"
    if sort not in card.SORT_KEYS:
        sort = "score"
    default_dir = "asc" if sort in card.ASCENDING_FIRST else "desc"
    return sort, (request.args.get("dir") or default_dir) != "asc"


@bp.get("/")
def ranking():
    """Every department's composite score of a period, sortable by each column, with the formula."""
    period = card.parse_period(request.args.get("period"))
    sort, descending = _sort_args()
    result = card.ranking(period, sort, descending)
    return render_template(
        "scorecards/ranking.html", ranking=result, period=period, formula=figures.formula(result.weights)
    )


@bp.get("/ranking.csv")
def ranking_csv():
    period = card.parse_period(request.args.get("period"))
    sort, descending = _sort_args()
    result = card.ranking(period, sort, descending)
    return csv_response(csv_rows.RANKING_HEADER, csv_rows.ranking_rows(result), f"部门排名-{period.key}.csv")


@bp.get("/<int:department_id>")
def department(department_id: int):
    """One department's scorecard: every figure, how it is computed, and a link to the items behind it."""
    period = card.parse_period(request.args.get("period"))
    scorecard = card.scorecard(period, department_id)
    return render_template(
        "scorecards/department.html",
        card=scorecard,
        period=period,
        sections=figures.sections(scorecard),
        formula=figures.formula(scorecard.weights),
        worked=figures.score_method(scorecard),
    )


@bp.get("/<int:department_id>/scorecard.csv")
def department_csv(department_id: int):
    period = card.parse_period(request.args.get("period"))
    scorecard = card.scorecard(period, department_id)
    return csv_response(
        csv_rows.SCORECARD_HEADER, csv_rows.scorecard_rows(scorecard), f"记分卡-{scorecard.name}-{period.key}.csv"
    )


@bp.get("/divisions")
def division_scores():
    """组织力 / 执行力: division and member scores, the commended and the 约谈名单 (officials and admins only)."""
    period = card.parse_period(request.args.get("period"))
    below = int_arg(request.args, "below", "约谈分数线", lo=0, hi=100)
    size = int_arg(request.args, "size", "约谈名单人数", lo=1, hi=50)
    report = divisions.division_report(
        current_user, period, int_arg(request.args, "dept", "部门"), below=below, size=size
    )
    return render_template(
        "scorecards/divisions.html",
        report=report,
        period=period,
        roots=divisions.visible_roots(current_user),
        formula=enterprise_index.METHOD,
    )
