"""The items behind a published figure (计数依据): which assignments, ratings or orders a KPI, a
数据公开 total or a 督查专报 count took, as a filter of the public list of orders.

``?kpi=<name>&kpi_from=YYYY-MM-DD&kpi_to=YYYY-MM-DD&dept=<id>`` selects the orders of the items the
figure ``name`` counted for that department (all departments without ``dept``) in those days (``kpi_scope``:
only the 涉企 orders, ``enterprise``, or only the others, ``other``); the
conditions are those of ``kpi_rules``, the same the figures are computed with. A figure counts
items (an assignment, a rating) and the list shows orders: the page says how many items the figure
counted, how many orders they belong to, and how many of them belong to orders their requester did
not make public (counted, never shown).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from portal.errors import Invalid
from portal.feedback import kpi_rules as rules
from portal.feedback.models import Assignment, WorkOrder
from portal.opendata import choice_arg, date_arg
from portal.times import LOCAL_TZ

MAX_DAYS = 3 * 366 + 1
SCOPES = {"enterprise": "涉企诉求", "other": "其他诉求"}


@dataclass(frozen=True)
class Kind:
    label: str  # what the figure counts, as the list's heading says it
    unit: str  # 条派单记录 / 条评价 / 件诉求
    build: Callable[[datetime, datetime, datetime, int | None], sa.Select]  # (start, end, now, dept) → order_id rows


def _assignments(where: Callable[[sa.Table, datetime, datetime, datetime], object]):
    def build(start: datetime, end: datetime, now: datetime, dept: int | None) -> sa.Select:
        a = Assignment.__table__
        query = sa.select(a.c.order_id).where(where(a, start, end, now))
        return query.where(a.c.department_id == dept) if dept else query

    return build


def _reopened(start: datetime, end: datetime, now: datetime, dept: int | None) -> sa.Select:
    a = Assignment.__table__
    nxt, on_next = rules.next_round(a, start)
    query = sa.select(a.c.order_id).select_from(a.join(nxt, on_next)).where(rules.replied_in(a, start, end))
    return query.where(a.c.department_id == dept) if dept else query


def _ratings(good: bool, addressed: bool):
    def build(start: datetime, end: datetime, now: datetime, dept: int | None) -> sa.Select:
        rated = rules.rated_rows(start, end)
        query = sa.select(rated.c.order_id)
        if good:
            query = query.where(rated.c.value.in_(rules.SATISFIED_VALUES))
        if addressed:
            query = query.where(rated.c.addressed == 1)
        return query.where(rated.c.department_id == dept) if dept else query

    return build


def _orders(name: str):
    def build(start: datetime, end: datetime, now: datetime, dept: int | None) -> sa.Select:
        o = WorkOrder.__table__
        return sa.select(o.c.id.label("order_id")).where(rules.order_counts(o, start, end)[name])

    return build


def _supervision(part: int, still_open: bool = False):
    """Part of the 督查专报 of [start, min(end, now)): 0 listed, 1 超时未签收, 2 逾期, 3 督办, 4 顶格推进."""

    def where(a, start: datetime, end: datetime, now: datetime):
        until = min(end, now)
        conditions = rules.supervision_conditions(a, start, until)
        chosen = sa.and_(conditions[0], conditions[part])
        if still_open:
            chosen = sa.and_(chosen, sa.or_(a.c.replied_at.is_(None), a.c.replied_at >= until))
        return chosen

    return _assignments(where)


KINDS: dict[str, Kind] = {
    "dispatched": Kind(
        "派单（已签收或已过签收期限）",
        "条派单记录",
        _assignments(lambda a, s, e, n: rules.dispatched_judged(a, s, e, n)),
    ),
    "signed_in_time": Kind(
        "按时签收的派单",
        "条派单记录",
        _assignments(lambda a, s, e, n: sa.and_(rules.dispatched_judged(a, s, e, n), rules.signed_in_time(a))),
    ),
    "due": Kind("到期应办结的派单", "条派单记录", _assignments(lambda a, s, e, n: rules.due_in(a, s, e, n))),
    "due_closed_in_time": Kind(
        "到期应办结且按期办结的派单",
        "条派单记录",
        _assignments(lambda a, s, e, n: sa.and_(rules.due_in(a, s, e, n), rules.replied_in_time(a))),
    ),
    "due_late": Kind(
        "到期应办结但未按期办结（逾期）的派单",
        "条派单记录",
        _assignments(
            lambda a, s, e, n: sa.and_(
                rules.due_in(a, s, e, n), sa.or_(a.c.replied_at.is_(None), a.c.replied_at > a.c.due_at)
            )
        ),
    ),
    "closed": Kind("本期答复（办结）的派单", "条派单记录", _assignments(lambda a, s, e, n: rules.replied_in(a, s, e))),
    "closed_in_time": Kind(
        "本期按时答复的派单",
        "条派单记录",
        _assignments(lambda a, s, e, n: sa.and_(rules.replied_in(a, s, e), rules.replied_in_time(a))),
    ),
    "reopened": Kind("本期答复后被发回重办的派单", "条派单记录", _reopened),
    "rated": Kind("本期参评的评价", "条评价", _ratings(good=False, addressed=False)),
    "satisfied": Kind("本期满意与基本满意的评价", "条评价", _ratings(good=True, addressed=False)),
    "township_rated": Kind("本期镇街（呼叫单位）评价", "条评价", _ratings(good=False, addressed=True)),
    "township_satisfied": Kind("本期镇街评价中的满意与基本满意", "条评价", _ratings(good=True, addressed=True)),
    "orders_submitted": Kind("本期受理的诉求", "件诉求", _orders("submitted")),
    "orders_dispatched": Kind("本期首次转办的诉求", "件诉求", _orders("dispatched")),
    "orders_closed": Kind("本期办结的诉求", "件诉求", _orders("closed")),
    "orders_rated": Kind("本期参评的诉求", "件诉求", _orders("rated")),
    "orders_satisfied": Kind("本期评价满意或基本满意的诉求", "件诉求", _orders("satisfied")),
    "supervised": Kind("列入督查专报的派单", "条派单记录", _supervision(0)),
    "sign_late": Kind("超时未签收的派单", "条派单记录", _supervision(1)),
    "overdue": Kind("逾期未办结的派单", "条派单记录", _supervision(2)),
    "still_overdue": Kind("至周末仍逾期未办结的派单", "条派单记录", _supervision(2, still_open=True)),
    "escalated": Kind("本周督办或顶格推进的派单", "条派单记录", _supervision(3)),
    "top_escalated": Kind("本周顶格推进的派单", "条派单记录", _supervision(4)),
}


@dataclass(frozen=True)
class Evidence:
    """A figure's items, asked for in the list's arguments."""

    kind: str
    first_day: date
    last_day: date
    department_id: int | None
    scope: str | None = None  # 涉企 split: "enterprise" (filed for an enterprise) or "other"

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first_day, time(0), tzinfo=LOCAL_TZ)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last_day + timedelta(days=1), time(0), tzinfo=LOCAL_TZ)

    @property
    def label(self) -> str:
        return KINDS[self.kind].label

    @property
    def scope_label(self) -> str:
        return SCOPES.get(self.scope or "", "")

    @property
    def unit(self) -> str:
        return KINDS[self.kind].unit

    def items(self, now: datetime) -> sa.Select:
        """One row (order_id) per counted item."""
        query = KINDS[self.kind].build(self.start, self.end, now, self.department_id)
        if self.scope is None:
            return query
        counted = query.subquery("in_scope")
        of_enterprises = sa.select(WorkOrder.id).where(WorkOrder.enterprise_id.is_not(None))
        in_scope = counted.c.order_id.in_(of_enterprises)
        return sa.select(counted.c.order_id).where(in_scope if self.scope == "enterprise" else sa.not_(in_scope))


def parse(args: Mapping[str, str], department_id: int | None) -> Evidence | None:
    kind = choice_arg(args, "kpi", KINDS, "统计口径")
    scope = choice_arg(args, "kpi_scope", SCOPES, "涉企范围")
    first, last = date_arg(args, "kpi_from", "统计开始日期"), date_arg(args, "kpi_to", "统计结束日期")
    if kind is None:
        if first or last:
            raise Invalid("统计区间需要同时指定统计口径", field="kpi")
        return None
    if not (first and last):
        raise Invalid("统计口径需要统计开始和结束日期", field="kpi_from")
    if last < first:
        raise Invalid("统计结束日期不能早于开始日期", field="kpi_to")
    if (last - first).days >= MAX_DAYS:
        raise Invalid("统计区间最长三年", field="kpi_to")
    return Evidence(kind, first, last, department_id, scope)


@dataclass(frozen=True)
class Tally:
    items: int  # what the figure counted
    orders: int  # distinct orders those items belong to
    hidden_items: int  # items of orders not made public: counted, not listed
    hidden_orders: int


def tally(evidence: Evidence, now: datetime, session) -> Tally:
    rows = evidence.items(now).subquery("counted")
    o = WorkOrder.__table__
    hidden = sa.not_(o.c.is_public)
    row = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.count(sa.distinct(rows.c.order_id)),
            sa.func.count().filter(hidden),
            sa.func.count(sa.distinct(rows.c.order_id)).filter(hidden),
        ).select_from(rows.join(o, o.c.id == rows.c.order_id))
    ).one()
    return Tally(*row)


def link_args(
    kind: str, first_day: date, last_day: date, department_id: int | None = None, scope: str | None = None
) -> dict[str, object]:
    """The public list's arguments for a figure (``url_for('feedback.public_list', **link_args(...))``)."""
    if kind not in KINDS:
        raise KeyError(kind)
    args: dict[str, object] = {"kpi": kind, "kpi_from": first_day.isoformat(), "kpi_to": last_day.isoformat()}
    if department_id:
        args["dept"] = department_id
    if scope:
        args["kpi_scope"] = scope
    return args
