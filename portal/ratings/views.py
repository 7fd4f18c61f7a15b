"""Public pages of the 企业家满意度指数: city-wide, per department, per policy, the ratings counted, the CSV."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from portal.accounts.models import Department
from portal.errors import get_or_raise
from portal.outputs import csv_response
from portal.ratings import pages, services
from portal.ratings.periods import check_period, period_label, previous_periods
from portal.ratings.targets import policy_target

bp = Blueprint("ratings", __name__, url_prefix="/ratings")


@bp.context_processor
def _shared() -> dict:
    return {
        "dimension_labels": list(pages.index.DIMENSION_LABELS.items()),
        "can_rate": bool(services.rater_enterprises(current_user)),
        "public_target": pages.public_target,
    }


def _period() -> str:
    return check_period(request.args.get("period"))


def _period_choices(period: str) -> list[tuple[str, str]]:
    return [(p, period_label(p)) for p in reversed(previous_periods(period, pages.TREND_PERIODS))]


@bp.get("/")
def index():
    """The city-wide index of a period, its trend, and the index of every department and policy rated."""
    period = _period()
    return render_template(
        "ratings/index.html",
        page=pages.index_page(period),
        departments=pages.department_rows(period),
        policies=pages.policy_rows(period),
        periods=_period_choices(period),
    )


@bp.get("/departments/<int:department_id>")
def department(department_id: int):
    """A department's index: figure (or 样本不足), formula, trend, share of raters, comments and answers."""
    period = _period()
    dept = get_or_raise(Department, department_id, "部门不存在")
    return render_template(
        "ratings/subject.html",
        page=pages.index_page(period, department_id=dept.id),
        subject=dept.name,
        scope="department",
        subject_id=dept.id,
        periods=_period_choices(period),
        rate_kind="department",
    )


@bp.get("/policies/<int:policy_id>")
def policy(policy_id: int):
    """A published policy's index (政策兑现)."""
    period = _period()
    target = policy_target(policy_id)
    return render_template(
        "ratings/subject.html",
        page=pages.index_page(period, policy_id=policy_id),
        subject=target.title,
        scope="policy",
        subject_id=policy_id,
        periods=_period_choices(period),
        rate_kind="policy",
    )


@bp.get("/items")
def items():
    """The ratings behind a figure, without who gave them (only when the figure is shown)."""
    period = _period()
    department_id = request.args.get("department", type=int)
    policy_id = request.args.get("policy", type=int)
    if department_id is not None:
        subject = get_or_raise(Department, department_id, "部门不存在").name
    elif policy_id is not None:
        subject = policy_target(policy_id).title
    else:
        subject = "全市"
    result = pages.index.satisfaction_index(period, department_id=department_id, policy_id=policy_id)
    ratings = services.counted_ratings(period, department_id=department_id, policy_id=policy_id)
    return render_template(
        "ratings/items.html",
        result=result,
        ratings=ratings,
        subject=subject,
        label=period_label(period),
        score=pages.index.rating_score,
        to_index=pages.index.to_index,
    )


@bp.get("/index.csv")
def index_csv():
    """The aggregates of a period as CSV: no figure where fewer than k enterprises rated."""
    period = _period()
    return csv_response(pages.csv_rows(period), f"attachment; filename=satisfaction-{period}.csv")
