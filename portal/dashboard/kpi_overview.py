"""City-wide figures for the 数据公开 page: order totals of a period and a monthly trend.

Order totals count work orders, like Guiyang's yearly report (12,934 转办, 10,316 结案, 8,469
满意件): 受理 = orders filed in the period, 转办 = orders first dispatched in it, 办结 = orders
closed in it, 参评 / 满意 = orders rated in it and whose latest rating is 满意 or 基本满意.
The trend gives, per month, 办结率 as defined in ``kpi`` (assignments due in the month that were
answered in time) and 满意率 over the ratings given that month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from portal.dashboard.kpi import SATISFIED, ratio
from portal.dashboard.kpi_periods import Period, month
from portal.extensions import db
from portal.feedback import public as rules
from portal.feedback.public import Assignment, Rating, WorkOrder
from portal.times import to_local, utcnow


@dataclass(frozen=True)
class Overview:
    submitted: int
    dispatched: int
    closed: int
    rated: int
    satisfied: int

    @property
    def satisfaction_rate(self) -> float | None:
        return ratio(self.satisfied, self.rated)

    @property
    def closed_share(self) -> float | None:
        return ratio(self.closed, self.dispatched)


def _in(column, start: datetime, end: datetime):
    return sa.and_(column >= start, column < end)


def overview(period: Period) -> Overview:
    """Five counts, each a scalar subquery answered by its own index range."""
    o = WorkOrder.__table__
    start, end = period.start, period.end

    def counted(*where) -> sa.ScalarSelect:
        return sa.select(sa.func.count()).select_from(o).where(*where).scalar_subquery()

    row = (
        db.session.execute(
            sa.select(
                *(counted(where).label(name) for name, where in rules.order_counts(o, start, end).items()),
            )
        )
        .mappings()
        .one()
    )
    return Overview(**row)


@dataclass(frozen=True)
class MonthPoint:
    period: Period
    due: int
    closed_in_time: int
    rated: int
    satisfied: int

    @property
    def completion(self) -> float | None:
        return ratio(self.closed_in_time, self.due)

    @property
    def satisfaction(self) -> float | None:
        return ratio(self.satisfied, self.rated)


def months_ending(period: Period, count: int = 12, now: datetime | None = None) -> list[Period]:
    """The ``count`` calendar months ending with the period's last month (or the current one)."""
    now = now or utcnow()
    last = min(period.last_day, to_local(now).date())
    months, y, m = [], last.year, last.month
    for _ in range(count):
        months.append(month(y, m))
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return list(reversed(months))


def monthly_trend(period: Period, count: int = 12, now: datetime | None = None) -> list[MonthPoint]:
    """办结率 and 满意率 per month: two queries, one FILTER column pair per month."""
    now = now or utcnow()
    months = months_ending(period, count, now)
    a, r = Assignment.__table__, Rating.__table__
    good = r.c.value.in_([s.value for s in SATISFIED])
    a_cols, r_cols = [], []
    for i, p in enumerate(months):
        due = sa.and_(_in(a.c.due_at, p.start, min(p.end, now)), a.c.returned_at.is_(None))
        a_cols += [
            sa.func.count().filter(due).label(f"due_{i}"),
            sa.func.count().filter(due, a.c.replied_at <= a.c.due_at).label(f"ok_{i}"),
        ]
        rated = _in(r.c.created_at, p.start, p.end)
        r_cols += [
            sa.func.count().filter(rated).label(f"rated_{i}"),
            sa.func.count().filter(rated, good).label(f"good_{i}"),
        ]
    first, last = months[0].start, months[-1].end
    a_row = db.session.execute(sa.select(*a_cols).where(_in(a.c.due_at, first, min(last, now)))).mappings().one()
    r_row = db.session.execute(sa.select(*r_cols).where(_in(r.c.created_at, first, last))).mappings().one()
    return [
        MonthPoint(p, a_row[f"due_{i}"], a_row[f"ok_{i}"], r_row[f"rated_{i}"], r_row[f"good_{i}"])
        for i, p in enumerate(months)
    ]
