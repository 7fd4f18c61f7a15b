"""Which assignments and ratings each department KPI counts: one definition, read by the KPI table
(``portal.dashboard.kpi``) and by the public list of the orders behind a figure (``evidence``).

Every function takes the assignments (or ratings) table and the half-open period [start, end) as
aware datetimes, and returns SQL conditions or selects; the KPI module documents the meaning.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from portal.feedback.models import Assignment, Rating, Satisfaction

SATISFIED = (Satisfaction.SATISFIED, Satisfaction.BASIC)
SATISFIED_VALUES = tuple(s.value for s in SATISFIED)


def within(column: Any, start: datetime, end: datetime):
    return sa.and_(column >= start, column < end)


def dispatched_judged(a, start: datetime, end: datetime, now: datetime):
    """承接率's denominator: dispatched in the period and signed, or past the sign-for deadline."""
    return sa.and_(within(a.c.dispatched_at, start, end), sa.or_(a.c.signed_at.is_not(None), a.c.sign_deadline < now))


def signed_in_time(a):
    return a.c.signed_at <= a.c.sign_deadline


def due_in(a, start: datetime, end: datetime, now: datetime):
    """办结率's denominator: handling deadline in [start, min(end, now)), not returned."""
    return sa.and_(within(a.c.due_at, start, min(end, now)), a.c.returned_at.is_(None))


def replied_in_time(a):
    return a.c.replied_at <= a.c.due_at


def replied_in(a, start: datetime, end: datetime):
    return within(a.c.replied_at, start, end)


def next_round(a, start: datetime):
    """发回重办: the later-round assignments dispatched since the period began, and the join condition
    matching an assignment to the next round of the same order and department."""
    later = Assignment.__table__.alias("later_round")
    nxt = (
        sa.select(later.c.order_id, later.c.department_id, later.c.round)
        .where(later.c.round > 1, later.c.dispatched_at >= start)
        .subquery("next_round")
    )
    on = sa.and_(nxt.c.order_id == a.c.order_id, nxt.c.department_id == a.c.department_id, nxt.c.round == a.c.round + 1)
    return nxt, on


def rated_rows(start: datetime, end: datetime, *where):
    """Ratings given in the period, one row per department they concern: (department_id, order_id,
    value, addressed). Addressed ratings (a calling unit rating each department: 镇街评价) go to their
    department; a rating of the whole order goes to every department with a non-returned assignment
    in the rated round. ``where``: further conditions on the ratings (the 涉企 split)."""
    a, r = Assignment.__table__, Rating.__table__
    in_period = within(r.c.created_at, start, end)
    addressed = sa.select(
        r.c.department_id.label("department_id"), r.c.order_id, r.c.value, sa.literal(1).label("addressed")
    ).where(in_period, r.c.department_id.is_not(None), *where)
    shared = (
        sa.select(a.c.department_id.label("department_id"), r.c.order_id, r.c.value, sa.literal(0).label("addressed"))
        .select_from(
            r.join(a, sa.and_(a.c.order_id == r.c.order_id, a.c.round == r.c.round, a.c.returned_at.is_(None)))
        )
        .where(in_period, r.c.department_id.is_(None), *where)
    )
    return sa.union_all(addressed, shared).subquery("rated")


def supervision_conditions(a, start: datetime, until: datetime):
    """督查专报 of the week [start, until): (listed, sign_late, overdue, escalated, top escalated)."""
    sign_late = sa.and_(
        a.c.sign_deadline < until,
        sa.or_(a.c.signed_at.is_(None), sa.and_(a.c.signed_at > start, a.c.signed_at > a.c.sign_deadline)),
    )
    overdue = sa.and_(
        a.c.due_at < until,
        sa.or_(a.c.replied_at.is_(None), sa.and_(a.c.replied_at > start, a.c.replied_at > a.c.due_at)),
    )
    escalated = sa.or_(
        sa.and_(a.c.escalated_at >= start, a.c.escalated_at < until),
        sa.and_(a.c.top_escalated_at >= start, a.c.top_escalated_at < until),
    )
    top = sa.and_(a.c.top_escalated_at >= start, a.c.top_escalated_at < until)
    # The listing as a flat OR of index-friendly arms (signed_at, replied_at, escalation times),
    # equivalent to sign_late OR overdue OR escalated, so PostgreSQL combines index scans.
    arms = sa.or_(
        sa.and_(a.c.signed_at.is_(None), a.c.sign_deadline < until),
        sa.and_(a.c.signed_at > start, a.c.signed_at > a.c.sign_deadline, a.c.sign_deadline < until),
        sa.and_(a.c.replied_at.is_(None), a.c.due_at < until),
        sa.and_(a.c.replied_at > start, a.c.replied_at > a.c.due_at, a.c.due_at < until),
        sa.and_(a.c.escalated_at >= start, a.c.escalated_at < until),
        sa.and_(a.c.top_escalated_at >= start, a.c.top_escalated_at < until),
    )
    listed = sa.and_(a.c.returned_at.is_(None), a.c.dispatched_at < until, arms)
    return listed, sign_late, overdue, escalated, top


def order_counts(o, start: datetime, end: datetime) -> dict[str, Any]:
    """数据公开's city-wide order totals: 受理, 转办 (first dispatch), 办结, 参评 and 满意 in the period."""
    rated = within(o.c.rated_at, start, end)
    return {
        "submitted": within(o.c.created_at, start, end),
        "dispatched": within(o.c.dispatched_at, start, end),
        "closed": within(o.c.closed_at, start, end),
        "rated": rated,
        "satisfied": sa.and_(rated, o.c.satisfaction.in_(SATISFIED_VALUES)),
    }
