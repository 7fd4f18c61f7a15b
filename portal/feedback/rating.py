"""Rating after 办结 (满意 / 基本满意 / 不满意) and reopening (发回重办) on 不满意.

Unrated orders stay unrated (``satisfaction`` None), never counted as satisfied.
"""

from __future__ import annotations

from portal.accounts.models import User
from portal.errors import Invalid
from portal.extensions import db
from portal.feedback import clock, history, settings
from portal.feedback.enums import AssignmentRole, AssignmentState, Escalation, EventAction, OrderKind, Satisfaction
from portal.feedback.lifecycle import ORDERS, lock_order
from portal.feedback.models import Assignment, Rating, WorkOrder
from portal.feedback.workflow import REOPEN_ESCALATES_FROM_ROUND, REOPEN_TO


def rating_targets(order: WorkOrder) -> list[Assignment | None]:
    """A unit's 呼叫 is rated per department; everything else once for the whole order."""
    if order.kind == OrderKind.CALL and order.filing_unit_id is not None:
        return list(order.current_assignments)
    return [None]


def is_rated(order: WorkOrder) -> bool:
    return any(r.round == order.round for r in order.ratings)


def rate_order(actor: User, order: WorkOrder, values: dict[int | None, tuple[str, str]]) -> list[Rating]:
    """评价 after 办结; 不满意 reopens (发回重办) to the same departments, a second time escalated (督办)."""
    lock_order(order)  # a double submit: the second finds the order rated (or reopened)
    ORDERS.check(actor, order, "rate")  # closed, the requester, not yet rated this round
    ratings = []
    for target in rating_targets(order):
        key = target.department_id if target is not None else None
        value, comment = values.get(key, ("", ""))
        try:
            satisfaction = Satisfaction(value)
        except ValueError:
            label = f"对{target.department.name}的评价" if target is not None else "评价"
            raise Invalid(f"请选择{label}：满意、基本满意或不满意", field=f"rating_{key or 'order'}") from None
        ratings.append(
            Rating(
                order_id=order.id,
                assignment_id=target.id if target is not None else None,
                department_id=key,
                round=order.round,
                value=satisfaction,
                comment=(comment or "").strip()[:1000],
                rater_id=actor.id,
                created_at=clock.now(),
            )
        )
    db.session.add_all(ratings)
    worst = max((r.value for r in ratings), key=list(Satisfaction).index)
    order.satisfaction, order.rated_at = worst, clock.now()
    summary = "；".join(
        (f"{t.department.name}：" if t is not None else "") + r.value.label
        for t, r in zip(rating_targets(order), ratings, strict=True)
    )
    history.record(order, EventAction.RATE, actor, from_state=order.state, to_state=order.state, note=summary)
    unsatisfied = [r for r in ratings if r.value == Satisfaction.UNSATISFIED]
    if unsatisfied:
        _reopen(actor, order, unsatisfied)
    db.session.commit()
    return ratings


def _reopen(actor: User, order: WorkOrder, unsatisfied: list[Rating]) -> None:
    previous = {a.department_id: a for a in order.current_assignments}
    departments = [r.department_id for r in unsatisfied if r.department_id] or list(previous)
    now = clock.now()
    order.round += 1
    order.reopen_count += 1
    escalate = order.reopen_count >= REOPEN_ESCALATES_FROM_ROUND
    before = order.state
    for i, dept_id in enumerate(departments):
        old = previous.get(dept_id)
        role = old.role if old is not None else AssignmentRole.ASSIST
        if AssignmentRole.LEAD not in {previous[d].role for d in departments if d in previous}:
            role = AssignmentRole.LEAD if i == 0 else AssignmentRole.ASSIST
        db.session.add(
            Assignment(
                order=order,
                department_id=dept_id,
                role=role,
                round=order.round,
                state=AssignmentState.DISPATCHED,
                instructions=f"发回重办：{unsatisfied[0].comment}" if unsatisfied[0].comment else "发回重办",
                dispatched_at=now,
                dispatched_by_id=None,
                sign_deadline=settings.sign_deadline(order.kind, now),
                due_at=settings.handling_deadline(order.kind, now),
                original_due_at=settings.handling_deadline(order.kind, now),
                escalation_level=Escalation.SUPERVISED if escalate else Escalation.NONE,
                escalated_at=now if escalate else None,
            )
        )
    db.session.flush()
    order.state = REOPEN_TO
    order.replied_at = None
    names = "、".join(d.department.name for d in order.current_assignments)
    note = f"评价不满意，发回{names}重办" + ("；再次不满意，列入督办" if escalate else "")
    history.record(order, EventAction.REOPEN, actor, from_state=before, to_state=order.state, note=note)
    for a in order.current_assignments:
        history.notify(
            history.department_official_ids(a.department_id),
            order,
            EventAction.ESCALATE if escalate else EventAction.REOPEN,
            f"{'督办' if escalate else '发回重办'}：{order.title}",
            note,
        )
    if escalate:
        history.notify(history.dispatcher_ids(), order, EventAction.ESCALATE, f"再次不满意，列入督办：{order.title}")
    history.notify(history.requester_ids(order), order, EventAction.REOPEN, "您的诉求已发回重办", note)
