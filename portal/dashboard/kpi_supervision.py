"""The weekly supervision report (督查专报): what stood still or ran late in a week, by department.

For the week [S, E) (Monday to Monday, Asia/Shanghai) and E' = min(E, now), an assignment that
was not returned is listed when at some moment of the week
  - 超时未签收: it was past its sign-for deadline and not signed
    (sign_deadline < E' and not signed by then, or signed after S and after the deadline);
  - 逾期未办结: it was past its handling deadline and not answered
    (due_at < E' and not replied, or replied after S and after the deadline);
  - 督办 / 顶格推进: it was escalated during the week.
Each item carries its escalation history (催办, 逾期, 督办, 顶格推进 events up to E').
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from portal.accounts.models import Department
from portal.dashboard.kpi_periods import Period
from portal.extensions import db
from portal.feedback import public as rules
from portal.feedback.public import Assignment, EventAction, OrderEvent, WorkOrder
from portal.times import utcnow

HISTORY_ACTIONS = (EventAction.REMIND, EventAction.OVERDUE, EventAction.ESCALATE)


@dataclass
class ReportItem:
    assignment_id: int
    order_id: int
    tracking_no: str
    title: str
    department_id: int
    role: str
    dispatched_at: datetime
    sign_deadline: datetime
    signed_at: datetime | None
    due_at: datetime
    replied_at: datetime | None
    escalation_level: int
    sign_late: bool
    overdue: bool
    escalated: bool
    history: list[dict] = field(default_factory=list)

    @property
    def still_open(self) -> bool:
        return self.replied_at is None

    def overdue_days(self, until: datetime) -> float:
        end = self.replied_at or until
        return max(0.0, (end - self.due_at).total_seconds() / 86400)


@dataclass
class DepartmentSummary:
    department_id: int
    name: str
    sign_late: int
    overdue: int
    still_overdue: int
    escalated: int
    top_escalated: int
    items: list[ReportItem] = field(default_factory=list)


@dataclass
class SupervisionReport:
    period: Period
    until: datetime  # E' = min(week end, now)
    departments: list[DepartmentSummary]

    @property
    def item_count(self) -> int:
        return sum(len(d.items) for d in self.departments)

    def total(self, name: str) -> int:
        return sum(getattr(d, name) for d in self.departments)


def summary_query(period: Period, until: datetime) -> sa.Select:
    a = Assignment.__table__
    listed, sign_late, overdue, escalated, top = rules.supervision_conditions(a, period.start, until)
    count = sa.func.count
    return (
        sa.select(
            a.c.department_id,
            count().filter(sign_late).label("sign_late"),
            count().filter(overdue).label("overdue"),
            count().filter(overdue, sa.or_(a.c.replied_at.is_(None), a.c.replied_at >= until)).label("still_overdue"),
            count().filter(escalated).label("escalated"),
            count().filter(top).label("top_escalated"),
        )
        .where(listed)
        .group_by(a.c.department_id)
    )


def items_query(period: Period, until: datetime) -> sa.Select:
    a, o = Assignment.__table__, WorkOrder.__table__
    listed, sign_late, overdue, escalated, _ = rules.supervision_conditions(a, period.start, until)

    def of_order(column):  # a primary-key lookup per listed row, never a scan of all orders
        return sa.select(column).where(o.c.id == a.c.order_id).scalar_subquery()

    return (
        sa.select(
            a.c.id.label("assignment_id"),
            a.c.order_id,
            of_order(o.c.tracking_no).label("tracking_no"),
            of_order(o.c.title).label("title"),
            a.c.department_id,
            a.c.role,
            a.c.dispatched_at,
            a.c.sign_deadline,
            a.c.signed_at,
            a.c.due_at,
            a.c.replied_at,
            a.c.escalation_level,
            sign_late.label("sign_late"),
            overdue.label("overdue"),
            escalated.label("escalated"),
        )
        .where(listed)
        .order_by(a.c.department_id, a.c.due_at, a.c.id)
    )


def history_query(period: Period, until: datetime) -> sa.Select:
    a, e = Assignment.__table__, OrderEvent.__table__
    listed, *_ = rules.supervision_conditions(a, period.start, until)
    return (
        sa.select(e.c.assignment_id, e.c.action, e.c.created_at, e.c.note, e.c.actor_label)
        .select_from(e.join(a, a.c.id == e.c.assignment_id))
        .where(listed, e.c.action.in_([x.value for x in HISTORY_ACTIONS]), e.c.created_at < until)
        .order_by(e.c.assignment_id, e.c.created_at, e.c.id)
    )


def supervision_report(period: Period, *, now: datetime | None = None) -> SupervisionReport:
    now = now or utcnow()
    until = min(period.end, now)
    summaries = {row["department_id"]: row for row in db.session.execute(summary_query(period, until)).mappings()}
    names = dict(
        db.session.execute(sa.select(Department.id, Department.name).where(Department.id.in_(list(summaries)))).all()
    )
    history: dict[int, list[dict]] = defaultdict(list)
    for row in db.session.execute(history_query(period, until)).mappings().all():
        action = EventAction(row["action"])
        note = row["note"] or ""
        label = action.label
        if action == EventAction.ESCALATE and "顶格" in note:
            label = "顶格推进"
        elif action == EventAction.REMIND and note.startswith("催签"):
            label = "催签"
        note = note.removeprefix(f"{label}：")
        entry = {"action": action.value, "label": label, "at": row["created_at"], "note": note}
        history[row["assignment_id"]].append(entry)
    departments = {
        dep_id: DepartmentSummary(
            dep_id,
            names.get(dep_id, "（已删除的部门）"),
            row["sign_late"],
            row["overdue"],
            row["still_overdue"],
            row["escalated"],
            row["top_escalated"],
        )
        for dep_id, row in summaries.items()
    }
    for row in db.session.execute(items_query(period, until)).mappings().all():
        item = ReportItem(**row, history=history.get(row["assignment_id"], []))
        departments[item.department_id].items.append(item)
    ordered = sorted(departments.values(), key=lambda d: (-(d.still_overdue + d.overdue), -len(d.items), d.name))
    return SupervisionReport(period, until, ordered)
