"""What the public index pages, the CSV and the JSON show: figures only when k enterprises rated, never who."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.accounts.models import Department
from portal.dashboard.public import NARROW_LINES_WIDTH, LineChart, value_lines
from portal.extensions import db
from portal.policies.public import Policy
from portal.ratings import index, services
from portal.ratings.index import FORMULA, IndexResult
from portal.ratings.models import TargetKind
from portal.ratings.periods import period_label, previous_periods
from portal.ratings.targets import target_of

TREND_PERIODS = 6
PUBLIC_ORDER_TARGET = "涉企诉求办理"  # a work order is never named publicly: its requester is known to the department


@dataclass
class IndexPage:
    period: str
    label: str
    result: IndexResult
    trend: list[IndexResult]
    chart: LineChart
    narrow_chart: LineChart
    comments: list
    formula: str = FORMULA


def trend_charts(trend: list[IndexResult]) -> tuple[LineChart, LineChart]:
    """The index per period, wide (``2026 Q4``) and for phones (``Q4``); periods below k leave a gap."""
    series = [("满意度指数", [r.value for r in trend])]
    wide = value_lines([r.period.replace("-", " ") for r in trend], series)
    narrow = value_lines([r.period[-2:] for r in trend], series, width=NARROW_LINES_WIDTH)
    return wide, narrow


def index_page(period: str, *, department_id: int | None = None, policy_id: int | None = None) -> IndexPage:
    trend = index.satisfaction_trend(
        previous_periods(period, TREND_PERIODS), department_id=department_id, policy_id=policy_id
    )
    wide, narrow = trend_charts(trend)
    comments = services.public_comments(period, department_id=department_id, policy_id=policy_id)
    return IndexPage(period, period_label(period), trend[-1], trend, wide, narrow, comments)


def public_target(rating) -> str:
    """A rating's target as the public and the department may read it (work orders unnamed)."""
    if rating.kind in (TargetKind.ORDER_DEPARTMENT, TargetKind.ORDER_MEMBER):
        return PUBLIC_ORDER_TARGET
    return target_of(rating.kind, rating.target_key)


def department_rows(period: str) -> list[tuple[Department, IndexResult]]:
    """Every department that was rated in the period, with its index (or 样本不足), best first then by name."""
    results = index.indexes_by(period, "department_id")
    if not results:
        return []
    departments = db.session.scalars(sa.select(Department).where(Department.id.in_(results))).all()
    rows = [(d, results[d.id]) for d in departments]
    return sorted(rows, key=lambda r: (r[1].value is None, -(r[1].value or 0), r[0].sort_order, r[0].id))


def policy_rows(period: str) -> list[tuple[Policy, IndexResult]]:
    results = index.indexes_by(period, "policy_id")
    if not results:
        return []
    policies = db.session.scalars(sa.select(Policy).where(Policy.id.in_(results))).all()
    rows = [(p, results[p.id]) for p in policies]
    return sorted(rows, key=lambda r: (r[1].value is None, -(r[1].value or 0), r[0].id))


def csv_rows(period: str) -> list[list[object]]:
    """The aggregates of a period: city-wide, per department, per policy; no figure below k."""
    header = ["周期", "范围", "名称", "满意度指数", "参评企业数", "已认证企业数", "参评率", "最低样本数", "说明"]

    def row(scope: str, name: str, r: IndexResult) -> list[object]:
        share = f"{r.share * 100:.1f}%" if r.share is not None else ""
        return [
            period, scope, name,
            r.value if r.sufficient else "",
            r.raters, r.eligible, share, r.k,
            "" if r.sufficient else "样本不足",
        ]  # fmt: skip

    rows = [header, row("全市", "全市", index.satisfaction_index(period))]
    rows += [row("部门", d.name, r) for d, r in department_rows(period)]
    rows += [row("政策", p.title, r) for p, r in policy_rows(period)]
    return rows


def index_json(period: str) -> dict:
    return {
        "period": period,
        "label": period_label(period),
        "formula": FORMULA,
        "k": index.min_sample(),
        "city": index.satisfaction_index(period).as_dict(),
        "departments": [{"name": d.name, **r.as_dict()} for d, r in department_rows(period)],
        "policies": [{"title": p.title, **r.as_dict()} for p, r in policy_rows(period)],
    }
