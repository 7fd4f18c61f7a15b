"""Department KPIs (部门考核指标) for a period, computed in SQL on SQLite and PostgreSQL alike.

Everything is counted per assignment (one department's share of one order in one round), in a
half-open period [S, E) of Asia/Shanghai midnights (see ``kpi_periods``); ``now`` is the moment
of the query and E' = min(E, now). Each ratio is None when its denominator is 0 (shown "—").

承接率 acceptance
    denominator: assignments dispatched in [S, E) whose sign-for deadline has passed by now or that
    were signed (an assignment still inside its 30 minutes is not judged yet);
    numerator: those signed at or before their sign-for deadline. An assignment returned (退单)
    without signing counts as not accepted.
办结率 completion
    denominator: assignments "due in the period": handling deadline (``due_at``, after approved
    extensions) in [S, E'), not returned; numerator: those of them whose department replied
    (its 办结 answer, ``replied_at``) at or before the deadline. Orders not yet due are not counted.
按时办结率 on-time
    denominator: assignments whose department replied in [S, E); numerator: those replied at or
    before their deadline.
满意率 satisfaction
    denominator: ratings given in [S, E) that concern the department: a rating addressed to it
    (a unit rating each department of its 呼叫), or a rating of the whole order given to every
    department with a non-returned assignment in the rated round; numerator: 满意 + 基本满意.
    Unrated orders are in neither: they are never counted as satisfied.
镇街评价 township (Laiwu's 乡呼县应 rating)
    as 满意率, restricted to the ratings addressed to the department: those a unit that filed a
    呼叫 gives each responding department.
返工率 rework
    denominator: as 按时办结率 (replied in [S, E)); numerator: those sent back (发回重办), i.e. the
    same order has an assignment to the same department in the next round.
平均办理时长 handling time
    mean of replied_at − dispatched_at over the assignments replied in [S, E), in hours.

Score (综合得分, 1000 points): ``KPI_WEIGHTS`` maps metrics to relative weights;
score = 1000 × Σ wᵢ·rᵢ / Σ wᵢ over the metrics with data, where rᵢ is the rate and, for 返工率,
1 − rate. Departments with fewer than ``KPI_MIN_SAMPLE`` (default 5) dispatched plus answered
assignments in the period are scored but not ranked.

The default weights (``DEFAULT_WEIGHTS``) follow Laiwu: ratings by townships make 32% of the
score (320 of 1000, like 160 of 500), the remaining 680 go to 承接率 170, 办结率 170, 满意率 170,
按时办结率 100, 返工率 70. Laixi's scheme (承接率, 办结率, 满意率 equally, worth 50 of the city's
1000 points) is ``{"acceptance": 1, "completion": 1, "satisfaction": 1}``; its 50-point share
is score / 20.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from portal.accounts.models import Department
from portal.dashboard.kpi_periods import Period
from portal.extensions import db
from portal.feedback import public as rules
from portal.feedback.public import Assignment, Rating, WorkOrder
from portal.times import utcnow

SCORE_SCALE = 1000
SATISFIED = rules.SATISFIED

METRICS: dict[str, str] = {
    "acceptance": "承接率",
    "completion": "办结率",
    "on_time": "按时办结率",
    "satisfaction": "满意率",
    "township": "镇街评价",
    "rework": "返工率",
}
# Higher is better for every metric but rework.
INVERTED = frozenset({"rework"})
DEFAULT_WEIGHTS: dict[str, float] = {
    "township": 320,
    "acceptance": 170,
    "completion": 170,
    "satisfaction": 170,
    "on_time": 100,
    "rework": 70,
}

DEFAULT_MIN_SAMPLE = 5

# Indexes the KPI and supervision queries need, declared here against the feedback tables
# (created by migration 0210_feedback_kpi); declaring them attaches them to the tables' metadata.
# The composite ones carry every column their query reads, so PostgreSQL answers from the index
# alone (index-only scans) once autovacuum has set the visibility map.
_A, _R, _O = Assignment, Rating, WorkOrder
KPI_INDEXES = (
    sa.Index("ix_assignments_kpi_dispatched", _A.dispatched_at, _A.department_id, _A.sign_deadline, _A.signed_at),
    sa.Index("ix_assignments_kpi_due", _A.due_at, _A.department_id, _A.returned_at, _A.replied_at),
    sa.Index(
        "ix_assignments_kpi_replied",
        *(_A.replied_at, _A.department_id, _A.due_at, _A.dispatched_at, _A.order_id, _A.round),
    ),
    sa.Index("ix_assignments_order_round_department", _A.order_id, _A.round, _A.department_id, _A.returned_at),
    sa.Index("ix_assignments_kpi_rounds", _A.round, _A.dispatched_at, _A.order_id, _A.department_id),
    sa.Index("ix_assignments_signed_at", _A.signed_at),
    sa.Index("ix_assignments_escalated_at", _A.escalated_at),
    sa.Index("ix_assignments_top_escalated_at", _A.top_escalated_at),
    sa.Index("ix_ratings_kpi_created", _R.created_at, _R.department_id, _R.order_id, _R.round, _R.value),
    sa.Index("ix_work_orders_created_at", _O.created_at),
    sa.Index("ix_work_orders_dispatched_at", _O.dispatched_at),
    sa.Index("ix_work_orders_rated_at_satisfaction", _O.rated_at, _O.satisfaction),
)


class epoch_seconds(FunctionElement):  # a SQL function, named like one
    """Seconds since 1970 of a stored (naive UTC) timestamp, portable."""

    type = sa.Float()
    inherit_cache = True


@compiles(epoch_seconds)
def _epoch_default(element, compiler, **kw) -> str:
    return f"EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})"


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element, compiler, **kw) -> str:
    return f"((julianday({compiler.process(element.clauses, **kw)}) - 2440587.5) * 86400.0)"


def weights() -> dict[str, float]:
    configured = current_app.config.get("KPI_WEIGHTS") if has_app_context() else None
    chosen = dict(configured or DEFAULT_WEIGHTS)
    unknown = set(chosen) - set(METRICS)
    if unknown:
        raise ValueError(f"KPI_WEIGHTS has unknown metrics {sorted(unknown)}; known: {sorted(METRICS)}")
    if any(w < 0 for w in chosen.values()) or not any(w > 0 for w in chosen.values()):
        raise ValueError("KPI_WEIGHTS needs non-negative weights and at least one positive weight")
    return {k: float(v) for k, v in chosen.items() if v > 0}


def min_sample() -> int:
    """Departments with fewer dispatched plus answered assignments than this are scored but not ranked."""
    configured = current_app.config.get("KPI_MIN_SAMPLE") if has_app_context() else None
    return int(configured if configured is not None else DEFAULT_MIN_SAMPLE)


def ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


@dataclass
class Counts:
    """The additive counts behind the ratios; rows of the table and their totals alike."""

    dispatched: int = 0
    signed_in_time: int = 0
    due: int = 0
    due_closed_in_time: int = 0
    closed: int = 0
    closed_in_time: int = 0
    reopened: int = 0
    handling_seconds: float = 0.0
    rated: int = 0
    satisfied: int = 0
    township_rated: int = 0
    township_satisfied: int = 0

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def rates(self) -> dict[str, float | None]:
        return {
            "acceptance": ratio(self.signed_in_time, self.dispatched),
            "completion": ratio(self.due_closed_in_time, self.due),
            "on_time": ratio(self.closed_in_time, self.closed),
            "satisfaction": ratio(self.satisfied, self.rated),
            "township": ratio(self.township_satisfied, self.township_rated),
            "rework": ratio(self.reopened, self.closed),
        }

    @property
    def avg_handling_hours(self) -> float | None:
        return self.handling_seconds / self.closed / 3600 if self.closed else None

    def score(self, chosen: dict[str, float] | None = None) -> float | None:
        chosen = chosen if chosen is not None else weights()
        rates = self.rates
        points = total = 0.0
        for metric, weight in chosen.items():
            rate = rates[metric]
            if rate is None:
                continue
            points += weight * ((1 - rate) if metric in INVERTED else rate)
            total += weight
        return SCORE_SCALE * points / total if total else None


@dataclass
class DepartmentKpi:
    department_id: int
    name: str
    short_name: str
    counts: Counts
    score: float | None = None
    rank: int | None = None
    ranked: bool = True  # False below the minimum sample: scored, but not ranked

    @property
    def rates(self) -> dict[str, float | None]:
        return self.counts.rates


@dataclass
class KpiTable:
    period: Period
    now: datetime
    rows: list[DepartmentKpi]
    totals: Counts
    weights: dict[str, float] = field(default_factory=dict)

    @property
    def total_score(self) -> float | None:
        return self.totals.score(self.weights)


COUNT_COLUMNS = (
    "dispatched",
    "signed_in_time",
    "due",
    "due_closed_in_time",
    "closed",
    "closed_in_time",
    "reopened",
    "rated",
    "satisfied",
    "township_rated",
    "township_satisfied",
)


def _branch(department_id, source, where, group_by, **counts) -> sa.Select:
    """One aggregate over one index range: the named counts, zero for the others."""
    columns = [counts.get(name, sa.literal(0)).label(name) for name in COUNT_COLUMNS]
    seconds = counts.get("handling_seconds", sa.literal(0.0)).label("handling_seconds")
    return (
        sa.select(department_id.label("department_id"), *columns, seconds)
        .select_from(source)
        .where(*where)
        .group_by(group_by)
    )


# 涉企 split: every count restricted to the orders filed on behalf of an enterprise, or to the others.
SCOPES: dict[str, str] = {"enterprise": "涉企诉求", "other": "其他诉求"}


def _scope(order_id: Any, scope: str) -> tuple[ColumnElement[bool], ...]:
    if scope == "all":
        return ()
    of_enterprises = sa.select(WorkOrder.id).where(WorkOrder.enterprise_id.is_not(None))
    return (order_id.in_(of_enterprises),) if scope == "enterprise" else (order_id.not_in(of_enterprises),)


def kpi_counts_query(period: Period, now: datetime, scope: str = "all") -> sa.Select:
    """Every count of the table in one statement: four aggregates, each over its own index range
    (assignments dispatched, due and answered in the period; ratings given in it), summed per
    department. Nothing outside the period is read, and PostgreSQL may run the branches in parallel.
    ``scope`` "enterprise" / "other" counts only the 涉企 orders / only the others.
    Which rows each count takes is defined once in ``feedback.kpi_rules`` (the evidence lists read it too)."""
    a, r = Assignment.__table__, Rating.__table__
    a_scope, r_scope = _scope(a.c.order_id, scope), _scope(r.c.order_id, scope)
    start, end = period.start, period.end
    count = sa.func.count
    in_time = rules.replied_in_time(a)
    # 发回重办: the few round ≥ 2 assignments dispatched since the period began (a reopening
    # follows the answer it rejects), matched to their previous round by order and department.
    nxt, on_next = rules.next_round(a, start)
    with_next = a.outerjoin(nxt, on_next)
    rated = rules.rated_rows(start, end, *r_scope)
    good = rated.c.value.in_(rules.SATISFIED_VALUES)
    call = rated.c.addressed == 1

    parts = sa.union_all(
        _branch(
            a.c.department_id,
            a,
            (rules.dispatched_judged(a, start, end, now), *a_scope),
            a.c.department_id,
            dispatched=count(),
            signed_in_time=count().filter(rules.signed_in_time(a)),
        ),
        _branch(
            a.c.department_id,
            a,
            (rules.due_in(a, start, end, now), *a_scope),
            a.c.department_id,
            due=count(),
            due_closed_in_time=count().filter(in_time),
        ),
        _branch(
            a.c.department_id,
            with_next,
            (rules.replied_in(a, start, end), *a_scope),
            a.c.department_id,
            closed=count(),
            closed_in_time=count().filter(in_time),
            reopened=count(nxt.c.order_id),
            handling_seconds=sa.func.sum(epoch_seconds(a.c.replied_at) - epoch_seconds(a.c.dispatched_at)),
        ),
        _branch(
            rated.c.department_id,
            rated,
            (),
            rated.c.department_id,
            rated=count(),
            satisfied=count().filter(good),
            township_rated=count().filter(call),
            township_satisfied=count().filter(call, good),
        ),
    ).subquery("parts")
    return sa.select(
        parts.c.department_id,
        *(sa.cast(sa.func.sum(parts.c[name]), sa.Integer).label(name) for name in COUNT_COLUMNS),
        sa.func.coalesce(sa.func.sum(parts.c.handling_seconds), 0.0).label("handling_seconds"),
    ).group_by(parts.c.department_id)


def department_kpis(
    period: Period, *, now: datetime | None = None, sort: str = "score", descending: bool = True
) -> KpiTable:
    """The department KPI table of ``period``: one aggregate statement, then names and scores."""
    now = now or utcnow()
    counts = {
        row["department_id"]: Counts(**{k: v for k, v in row.items() if k != "department_id"})
        for row in db.session.execute(kpi_counts_query(period, now)).mappings()
    }
    chosen = weights()
    departments = {d.id: d for d in db.session.scalars(sa.select(Department).where(Department.id.in_(list(counts))))}
    minimum = min_sample()
    rows = [
        DepartmentKpi(
            dep_id,
            departments[dep_id].name,
            departments[dep_id].short_name,
            c,
            c.score(chosen),
            ranked=c.dispatched + c.closed >= minimum,
        )
        for dep_id, c in counts.items()
        if dep_id in departments
    ]
    rankable = sorted((r for r in rows if r.ranked and r.score is not None), key=lambda r: (-r.score, r.name))
    for rank, row in enumerate(rankable, start=1):
        row.rank = rank
    totals = Counts()
    for row in rows:
        totals.add(row.counts)
    return KpiTable(period, now, sort_rows(rows, sort, descending), totals, chosen)


def scope_totals(period: Period, *, now: datetime | None = None) -> dict[str, Counts]:
    """The city's totals of 涉企 orders and of the others (SCOPES), counted as the table counts."""
    now = now or utcnow()
    out = {}
    for scope in SCOPES:
        totals = Counts()
        for row in db.session.execute(kpi_counts_query(period, now, scope)).mappings():
            totals.add(Counts(**{k: v for k, v in row.items() if k != "department_id"}))
        out[scope] = totals
    return out


SORT_KEYS = ("score", "name", "dispatched", "due", "rated", "handling", *METRICS)


def sort_rows(rows: list[DepartmentKpi], key: str, descending: bool = True) -> list[DepartmentKpi]:
    """Sort by a column; departments without a value go last either way."""
    if key not in SORT_KEYS and key != "_score":
        key = "score"
    if key == "name":
        return sorted(rows, key=lambda r: r.name, reverse=descending)

    if key == "score":  # ranked departments first, then those with too few assignments to rank
        ranked = [r for r in rows if r.ranked]
        return sort_rows(ranked, "_score", descending) + sort_rows(
            [r for r in rows if not r.ranked], "_score", descending
        )

    def value(row: DepartmentKpi) -> float | None:
        if key == "_score":
            return row.score
        if key == "handling":
            return row.counts.avg_handling_hours
        if key in ("dispatched", "due", "rated"):
            return getattr(row.counts, key)
        return row.rates[key]

    present = [r for r in rows if value(r) is not None]
    missing = [r for r in rows if value(r) is None]
    present.sort(key=lambda r: (value(r), r.name), reverse=descending)
    return present + sorted(missing, key=lambda r: r.name)
