"""The periodic tick: 催签/催办 before deadlines, 逾期 + 督办 after, 顶格推进 when 督办 stays unanswered.

Idempotent: each mark is set once (its timestamp guards it), so running the tick twice, or from two
processes in turn, changes nothing the second time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from portal.actors import SYSTEM
from portal.extensions import db
from portal.feedback import clock, history
from portal.feedback.enums import Escalation, EventAction
from portal.feedback.models import Assignment
from portal.feedback.settings import setting
from portal.feedback.workflow import ESCALATION_STEPS, OPEN_ASSIGNMENT_STATES
from portal.times import to_local


@dataclass
class TickResult:
    sign_reminders: int = 0
    reminders: int = 0
    overdue: int = 0
    top: int = 0

    def __str__(self) -> str:
        return f"催签 {self.sign_reminders}，催办 {self.reminders}，逾期督办 {self.overdue}，顶格推进 {self.top}"


def _next_level(level: Escalation) -> Escalation:
    return dict(ESCALATION_STEPS)[level]


def tick(now: datetime | None = None) -> TickResult:
    """Run every check once over the open assignments."""
    now = now or clock.now()
    result = TickResult()
    sign_window = timedelta(minutes=int(setting("FEEDBACK_SIGN_REMIND_MINUTES")))
    remind_window = timedelta(hours=int(setting("FEEDBACK_REMIND_HOURS")))
    top_after = timedelta(hours=int(setting("FEEDBACK_TOP_ESCALATION_HOURS")))
    open_ = Assignment.state.in_(OPEN_ASSIGNMENT_STATES)

    for a in db.session.scalars(
        sa.select(Assignment).where(
            open_,
            Assignment.signed_at.is_(None),
            Assignment.sign_reminded_at.is_(None),
            Assignment.sign_deadline <= now + sign_window,
        )
    ):
        a.sign_reminded_at = now
        late = now > a.sign_deadline
        note = "已超过签收时限，请立即签收" if late else f"请于{to_local(a.sign_deadline):%H:%M}前签收"
        history.record(a.order, EventAction.REMIND, SYSTEM, assignment=a, note=f"催签：{note}", public=False)
        history.notify(
            history.department_official_ids(a.department_id),
            a.order,
            EventAction.REMIND,
            f"催签：{a.order.title}",
            note,
        )
        result.sign_reminders += 1

    for a in db.session.scalars(
        sa.select(Assignment).where(
            open_, Assignment.reminded_at.is_(None), Assignment.due_at > now, Assignment.due_at <= now + remind_window
        )
    ):
        a.reminded_at = now
        note = f"办理期限为{to_local(a.due_at):%Y-%m-%d %H:%M}，请抓紧办理"
        history.record(a.order, EventAction.REMIND, SYSTEM, assignment=a, note=f"催办：{note}", public=False)
        history.notify(
            history.department_official_ids(a.department_id),
            a.order,
            EventAction.REMIND,
            f"催办：{a.order.title}",
            note,
        )
        result.reminders += 1

    for a in db.session.scalars(
        sa.select(Assignment).where(open_, Assignment.overdue_at.is_(None), Assignment.due_at < now)
    ):
        a.overdue_at = now
        history.record(a.order, EventAction.OVERDUE, SYSTEM, assignment=a, note=f"{a.department.name}办理逾期")
        if a.escalation == Escalation.NONE:
            a.escalation_level, a.escalated_at = _next_level(Escalation.NONE), now
            history.record(a.order, EventAction.ESCALATE, SYSTEM, assignment=a, note=f"对{a.department.name}督办")
        history.notify(
            history.department_official_ids(a.department_id) | history.dispatcher_ids(),
            a.order,
            EventAction.ESCALATE,
            f"逾期督办：{a.order.title}",
            f"{a.department.name}已超过办理期限",
        )
        result.overdue += 1

    for a in db.session.scalars(
        sa.select(Assignment).where(
            open_,
            Assignment.escalation_level == int(Escalation.SUPERVISED),
            Assignment.escalated_at <= now - top_after,
        )
    ):
        a.escalation_level, a.top_escalated_at = _next_level(Escalation.SUPERVISED), now
        note = f"督办后仍未办结，报{a.department.name}主要负责人顶格推进"
        history.record(a.order, EventAction.ESCALATE, SYSTEM, assignment=a, note=note)
        history.notify(
            history.department_official_ids(a.department_id, heads_only=True)
            | history.department_official_ids(a.department_id)
            | history.dispatcher_ids(),
            a.order,
            EventAction.ESCALATE,
            f"顶格推进：{a.order.title}",
            note,
        )
        result.top += 1

    db.session.commit()
    return result
