"""The life of a work order after intake: dispatch, sign-for, return, handle, extend, reply, close, rate.

Three tables (``ORDERS``, ``ASSIGNMENTS``, ``EXTENSIONS``, at the end) decide each step: the state, the
permission rule for the actor and the row's guard (deadline, one request at a time, rated once a round); the
row's effect changes rows and writes history and notices; the service commits the one transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import bleach
import sqlalchemy as sa

from portal.accounts.models import Department, User
from portal.accounts.permissions import can
from portal.errors import Conflict, Invalid
from portal.extensions import db
from portal.feedback import attachments as files
from portal.feedback import clock, history, settings
from portal.feedback.calendar import end_of_day
from portal.feedback.enums import (
    AssignmentRole,
    AssignmentState,
    EventAction,
    ExtensionState,
    OrderState,
)
from portal.feedback.models import Assignment, ExtensionRequest, WorkOrder
from portal.feedback.services import PHONE_RE
from portal.feedback.workflow import derive_order_state
from portal.statemachine import Machine, Transition, row
from portal.times import to_local, utcnow

ALLOWED_TAGS = ["p", "br", "strong", "em", "ul", "ol", "li", "a"]
ALLOWED_ATTRIBUTES = {"a": ["href"]}


def sanitize(html: str) -> str:
    """Replies are rich text: a small set of tags, links marked nofollow, everything else stripped."""
    cleaned = bleach.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, strip=True)
    cleaned = bleach.linkify(cleaned, callbacks=[bleach.callbacks.nofollow], skip_tags=["pre"], parse_email=False)
    if "<" not in cleaned.strip()[:1]:  # plain text: keep its paragraphs
        cleaned = "".join(f"<p>{line}</p>" for line in cleaned.split("\n") if line.strip()) or cleaned
    return cleaned.strip()


def _refresh_order_state(order: WorkOrder) -> None:
    current = [a for a in order.assignments if a.round == order.round]
    live = [a.state for a in current if a.state != AssignmentState.RETURNED]
    new_state = derive_order_state(live, returned_all=bool(current) and not live)
    if new_state == OrderState.REPLIED and order.replied_at is None:
        order.replied_at = clock.now()
    order.state = new_state


def lock_order(order: WorkOrder, *watched: Assignment | ExtensionRequest) -> None:
    """Take the order for this transaction before any step on it or its assignments, then read it again.

    Two people acting on one order at once (two dispatchers, two officials signing or replying, a double-clicked
    rating) each read the order before either wrote it; both passed the table's checks and both steps were applied.
    The order's row is written first (PostgreSQL locks the row, SQLite the database, until commit), so the second
    waits for the first to commit; everything read before is then read again, and when the order's state, or the
    state of the assignment or request acted on, is not what the person saw, the step is refused (409) with what
    happened meanwhile. A step that still applies (增派 after another 增派) goes on against the fresh state.
    """
    seen = [(obj, obj.state) for obj in (order, *watched)]
    db.session.execute(
        sa.update(WorkOrder)
        .where(WorkOrder.id == order.id)
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()  # read after the lock: what the other step committed
    for obj, state in seen:
        if obj.state != state:
            what = "诉求" if obj is order else ("延期申请" if isinstance(obj, ExtensionRequest) else "办理事项")
            raise Conflict(
                f"该{what}刚刚已由他人处理，状态已由「{state.label}」变为「{obj.state.label}」。"
                "请刷新页面查看最新情况后再操作。"
            )


def dispatch_order(
    actor: User, order: WorkOrder, department_ids: list[int], lead_id: int | None, instructions: str = ""
) -> list[Assignment]:
    """派单 (or 增派/改派 while open): one assignment per department, one of them the lead."""
    lock_order(order)
    action = "dispatch" if ORDERS.allows("dispatch", order.state) else "reassign"
    created = ORDERS.fire(
        actor, order, action, department_ids=department_ids, lead_id=lead_id, instructions=instructions
    )
    db.session.commit()
    return created


def _dispatched(
    actor: User,
    order: WorkOrder,
    t: Transition,
    department_ids: list[int] = (),
    lead_id: int | None = None,
    instructions: str = "",
) -> list[Assignment]:
    wanted = list(dict.fromkeys(int(d) for d in department_ids if d))
    if not wanted:
        raise Invalid("请至少选择一个承办部门", field="departments")
    active = {a.department_id for a in order.current_assignments}
    wanted = [d for d in wanted if d not in active]
    if not wanted:
        raise Invalid("所选部门已在办理此诉求", field="departments")
    departments = [db.session.get(Department, d) for d in wanted]
    if any(d is None for d in departments):
        raise Invalid("所选部门不存在", field="departments")
    has_lead = order.lead_assignment is not None
    if lead_id is None or int(lead_id) not in wanted:
        if has_lead:
            lead_id = None
        elif len(wanted) == 1:
            lead_id = wanted[0]
        else:
            raise Invalid("请在所选部门中指定一个主办部门", field="lead")
    if has_lead and lead_id is not None:
        raise Invalid("该诉求已有主办部门，增派的部门只能协办", field="lead")
    now = clock.now()
    instructions = (instructions or "").strip()[:1000]
    created = []
    for dept in departments:
        assignment = Assignment(
            order=order,
            department_id=dept.id,
            role=AssignmentRole.LEAD if dept.id == lead_id else AssignmentRole.ASSIST,
            round=order.round,
            state=AssignmentState.DISPATCHED,
            instructions=instructions,
            dispatched_at=now,
            dispatched_by_id=actor.id,
            sign_deadline=settings.sign_deadline(order.kind, now),
            due_at=settings.handling_deadline(order.kind, now),
            original_due_at=settings.handling_deadline(order.kind, now),
        )
        db.session.add(assignment)
        created.append(assignment)
    db.session.flush()
    before = order.state
    order.dispatched_at = order.dispatched_at or now
    _refresh_order_state(order)
    names = "、".join(f"{d.name}（{'主办' if d.id == lead_id else '协办'}）" for d in departments)
    note = f"派往{names}" + (f"。要求：{instructions}" if instructions else "")
    history.record(order, EventAction.DISPATCH, actor, from_state=before, to_state=order.state, note=note)
    for a in created:
        history.notify(
            history.department_official_ids(a.department_id),
            order,
            EventAction.DISPATCH,
            f"新派单（{a.role.label}）：{order.title}",
            f"请于 {to_local(a.sign_deadline):%m-%d %H:%M} 前签收，{to_local(a.due_at):%m-%d} 前办结。",
        )
    history.notify(history.requester_ids(order), order, EventAction.DISPATCH, "您的诉求已派至承办部门", note)
    return created


def _reason(t: Transition, text: str, message: str = "请填写理由", field: str = "reason") -> str:
    text = (text or "").strip()
    if t.needs_reason and not text:
        raise Invalid(message, field=field)
    return text


def _signed(
    actor: User, assignment: Assignment, t: Transition, handler_name: str = "", handler_phone: str = "", note: str = ""
) -> None:
    """签收: name the handling official and phone (shown to the requester, masked to the public)."""
    handler_name = (handler_name or "").strip() or actor.display_name
    handler_phone = (handler_phone or "").strip().replace(" ", "") or (actor.phone or "")
    if len(handler_name) > 40:
        raise Invalid("经办人姓名不能超过40个字", field="handler_name")
    if not PHONE_RE.match(handler_phone):
        raise Invalid("请填写经办人的11位手机号或带区号的固定电话", field="handler_phone")
    order = assignment.order
    before = order.state
    assignment.state = AssignmentState.SIGNED
    assignment.signed_at = clock.now()
    assignment.signed_by_id = actor.id
    assignment.handler_name, assignment.handler_phone = handler_name, handler_phone
    _refresh_order_state(order)
    late = "（超时签收）" if assignment.signed_at > assignment.sign_deadline else ""
    text = (note or "").strip()[:500] or "已签收，正在办理"
    history.record(
        order,
        EventAction.SIGN,
        actor,
        assignment=assignment,
        from_state=before,
        to_state=order.state,
        note=f"{text}{late}",
    )
    history.notify(
        history.requester_ids(order),
        order,
        EventAction.SIGN,
        f"{assignment.department.name}已签收您的诉求",
        f"经办人：{handler_name}，电话：{handler_phone}",
    )


def sign_many(actor: User, assignments: list[Assignment], handler_name: str, handler_phone: str) -> int:
    """Bulk 签收 from the workbench: every one must be allowed, or none is signed."""
    for a in assignments:
        ASSIGNMENTS.check(actor, a, "sign")
    for a in assignments:
        sign_assignment(actor, a, handler_name, handler_phone)
    return len(assignments)


def _returned(actor: User, assignment: Assignment, t: Transition, reason: str = "") -> None:
    """退单: not ours — back to the dispatcher with the reason."""
    reason = _reason(t, reason)
    order = assignment.order
    before = order.state
    assignment.state = AssignmentState.RETURNED
    assignment.returned_at = clock.now()
    assignment.return_reason = reason[:1000]
    if assignment.role == AssignmentRole.LEAD:
        assignment.role = AssignmentRole.ASSIST  # the dispatcher names a new lead when re-dispatching
    _refresh_order_state(order)
    history.record(
        order,
        EventAction.RETURN,
        actor,
        assignment=assignment,
        from_state=before,
        to_state=order.state,
        note=reason,
        public=False,
    )
    history.notify(
        history.dispatcher_ids(),
        order,
        EventAction.RETURN,
        f"{assignment.department.name}退单：{order.title}",
        reason,
    )


def _started(actor: User, assignment: Assignment, t: Transition, note: str = "") -> None:
    _progress(actor, assignment, EventAction.START, note or "已开始办理")


def _progressed(actor: User, assignment: Assignment, t: Transition, note: str = "") -> None:
    note = (note or "").strip()
    if not note:
        raise Invalid("请填写办理进展", field="note")
    _progress(actor, assignment, EventAction.PROGRESS, note[:1000])


def _progress(actor: User, assignment: Assignment, action: EventAction, note: str) -> None:
    order = assignment.order
    before = order.state
    assignment.state = AssignmentState.IN_PROGRESS
    assignment.started_at = assignment.started_at or clock.now()
    _refresh_order_state(order)
    history.record(order, action, actor, assignment=assignment, from_state=before, to_state=order.state, note=note)
    history.notify(history.requester_ids(order), order, action, f"{assignment.department.name}：{action.label}", note)


def _extension_requested(
    actor: User, assignment: Assignment, t: Transition, new_date: date | str | None = None, reason: str = ""
) -> ExtensionRequest:
    """延期申请: before the deadline (the row's guard, with one pending request at a time), a reason, a later date."""
    reason = _reason(t, reason)
    new_date = _date(new_date) if isinstance(new_date, str) else new_date
    if new_date is None:
        raise Invalid("请选择新的办结日期", field="new_date")
    new_due = end_of_day(new_date)
    if new_due <= assignment.due_at:
        raise Invalid("新的办结日期须晚于当前期限", field="new_date")
    request = ExtensionRequest(
        created_at=clock.now(),
        assignment=assignment,
        requested_by_id=actor.id,
        reason=reason[:1000],
        requested_due_at=new_due,
        previous_due_at=assignment.due_at,
    )
    db.session.add(request)
    db.session.flush()
    order = assignment.order
    history.record(
        order,
        EventAction.REQUEST_EXTENSION,
        actor,
        assignment=assignment,
        note=f"申请延期至{new_date:%Y-%m-%d}：{reason}",
        public=False,
    )
    history.notify(
        history.dispatcher_ids(),
        order,
        EventAction.REQUEST_EXTENSION,
        f"{assignment.department.name}申请延期：{order.title}",
        reason,
    )
    return request


def _extension_decided(actor: User, request: ExtensionRequest, t: Transition, note: str = "") -> None:
    """同意 moves the deadline to the requested date; 不同意 needs a reason."""
    approve = t.to == ExtensionState.APPROVED
    note = _reason(t, note, "请填写不同意延期的理由", "note")
    assignment = request.assignment
    request.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
    request.decided_by_id, request.decided_at, request.decision_note = actor.id, clock.now(), note[:1000]
    if approve:
        assignment.due_at = request.requested_due_at
        assignment.reminded_at = None  # a new deadline gets its own reminder
    order = assignment.order
    event = EventAction.APPROVE_EXTENSION if approve else EventAction.REFUSE_EXTENSION
    text = f"办理期限延至{to_local(request.requested_due_at):%Y-%m-%d}" if approve else f"不同意延期：{note}"
    history.record(order, event, actor, assignment=assignment, note=text, public=approve)
    recipients = history.department_official_ids(assignment.department_id)
    if approve:
        recipients |= history.requester_ids(order)
    history.notify(recipients, order, event, f"{assignment.department.name}的延期申请{request.state.label}", text)


def _replied(
    actor: User, assignment: Assignment, t: Transition, reply: str = "", uploads: list[files.Upload] = ()
) -> None:
    """答复: sanitised rich text and files; when every department replied the lead may close."""
    body = sanitize(reply)
    if len(bleach.clean(body, tags=[], strip=True).strip()) < 5:
        raise Invalid("答复内容至少需要5个字", field="reply")
    checked = files.check(list(uploads), field="reply_files")
    order = assignment.order
    before = order.state
    assignment.state = AssignmentState.REPLIED
    assignment.replied_at = clock.now()
    assignment.replied_by_id = actor.id
    assignment.reply_html = body
    files.store(order, checked, actor.id, assignment)
    _refresh_order_state(order)
    history.record(
        order,
        EventAction.REPLY,
        actor,
        assignment=assignment,
        from_state=before,
        to_state=order.state,
        note=bleach.clean(body, tags=[], strip=True)[:500],
    )
    history.notify(
        history.requester_ids(order), order, EventAction.REPLY, f"{assignment.department.name}已答复您的诉求"
    )
    lead = order.lead_assignment
    if order.state == OrderState.REPLIED and lead is not None:
        history.notify(
            history.department_official_ids(lead.department_id),
            order,
            EventAction.REPLY,
            f"各部门均已答复，请办结：{order.title}",
        )


def _closed(actor: User, order: WorkOrder, t: Transition, note: str = "") -> None:
    """办结 by the lead department once every assignment has replied."""
    now = clock.now()
    for a in order.current_assignments:
        a.state, a.closed_at = AssignmentState.CLOSED, now
    before = order.state
    order.state, order.closed_at = OrderState.CLOSED, now
    history.record(order, EventAction.CLOSE, actor, from_state=before, to_state=order.state, note=(note or "")[:500])
    history.notify(history.requester_ids(order), order, EventAction.CLOSE, "您的诉求已办结，请评价", order.title)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise Invalid("日期格式不正确", field="new_date") from None


# -- the tables ------------------------------------------------------------------------------------------------
# Assignments (one per department and round) move by users' actions; the order's state follows from its current
# assignments (``workflow.derive_order_state``), except for dispatch, close and rate, which act on the order
# itself. Overdue and escalation are not states but marks the periodic tick sets (``workflow.ESCALATION_STEPS``).

DISPATCH, HANDLE, CLOSE, RATE = "feedback.dispatch", "feedback.handle", "feedback.close", "feedback.rate"
WHO = {
    DISPATCH: "dispatchers (派单员)",
    HANDLE: "officials of the assigned department",
    CLOSE: "officials of the lead department",
    RATE: "the requester",
}


def _round_still_open(request: ExtensionRequest) -> str | None:
    assignment = request.assignment
    if assignment.round != assignment.order.round:
        return "该延期申请所属的办理轮次已结束（诉求已发回重办），无需再审核"
    return None


def _before_deadline(assignment: Assignment) -> str | None:
    if clock.now() > assignment.due_at:
        return "已超过办理期限，不能再申请延期"
    if assignment.pending_extension is not None:
        return "已有一个延期申请在审核中"
    return None


def _not_rated_this_round(order: WorkOrder) -> str | None:
    return "该诉求本轮已评价" if any(r.round == order.round for r in order.ratings) else None


Ord, Asg, Ext = OrderState, AssignmentState, ExtensionState
ORDERS = Machine(
    "feedback.order",
    "Work orders (诉求工单)",
    (
        row(
            "dispatch",
            "派单",
            {Ord.SUBMITTED, Ord.RETURNED},
            Ord.DISPATCHED,
            DISPATCH,
            effect=_dispatched,
            derived=True,
        ),
        row(
            "reassign",
            "增派/改派",
            {Ord.DISPATCHED, Ord.SIGNED, Ord.IN_PROGRESS},
            Ord.DISPATCHED,
            DISPATCH,
            effect=_dispatched,
            derived=True,
        ),
        row("close", "办结", Ord.REPLIED, Ord.CLOSED, CLOSE, effect=_closed),
        # Rating keeps a closed order closed; 不满意 reopens it (发回重办) to the same departments (rating.py).
        row("rate", "评价", Ord.CLOSED, None, RATE, guard=_not_rated_this_round),
    ),
    can=can,
    states=list(OrderState),
    who_labels=WHO,
    notes="between dispatch and close the order's state follows its current assignments (signed, in progress, "
    "replied, returned); 不满意 reopens a closed order to the same departments.",
)
ASSIGNMENTS = Machine(
    "feedback.assignment",
    "Assignments of a work order (承办部门的办理)",
    (
        row("sign", "签收", Asg.DISPATCHED, Asg.SIGNED, HANDLE, effect=_signed),
        row("return", "退单", Asg.DISPATCHED, Asg.RETURNED, HANDLE, effect=_returned, needs_reason=True),
        row("start", "开始办理", Asg.SIGNED, Asg.IN_PROGRESS, HANDLE, effect=_started),
        row("progress", "记录进展", {Asg.SIGNED, Asg.IN_PROGRESS}, Asg.IN_PROGRESS, HANDLE, effect=_progressed),
        row(
            "request_extension",
            "申请延期",
            {Asg.SIGNED, Asg.IN_PROGRESS},
            None,
            HANDLE,
            effect=_extension_requested,
            guard=_before_deadline,
            needs_reason=True,
        ),
        row("reply", "答复", {Asg.SIGNED, Asg.IN_PROGRESS}, Asg.REPLIED, HANDLE, effect=_replied),
    ),
    can=can,
    states=list(AssignmentState),
    who_labels=WHO,
    notes="each action writes the order's history and notices; 办结 closes every assignment of the round.",
)
EXTENSIONS = Machine(
    "feedback.extension",
    "Extension requests (延期申请)",
    (
        row(
            "approve_extension",
            "同意延期",
            Ext.PENDING,
            Ext.APPROVED,
            DISPATCH,
            effect=_extension_decided,
            guard=_round_still_open,
        ),
        row(
            "refuse_extension",
            "不同意延期",
            Ext.PENDING,
            Ext.REFUSED,
            DISPATCH,
            effect=_extension_decided,
            guard=_round_still_open,
            needs_reason=True,
        ),
    ),
    can=can,
    states=list(ExtensionState),
    who_labels=WHO,
)


def act(actor: User, assignment: Assignment, action: str, **params: Any) -> Any:
    """One row of ``ASSIGNMENTS`` on an assignment, committed: the work pages pass the action's name."""
    lock_order(assignment.order, assignment)
    result = ASSIGNMENTS.fire(actor, assignment, action, **params)
    db.session.commit()
    return result


def sign_assignment(actor: User, assignment: Assignment, handler_name: str, handler_phone: str, note: str = "") -> None:
    act(actor, assignment, "sign", handler_name=handler_name, handler_phone=handler_phone, note=note)


def return_assignment(actor: User, assignment: Assignment, reason: str) -> None:
    act(actor, assignment, "return", reason=reason)


def start_assignment(actor: User, assignment: Assignment, note: str = "") -> None:
    act(actor, assignment, "start", note=note)


def record_progress(actor: User, assignment: Assignment, note: str) -> None:
    act(actor, assignment, "progress", note=note)


def request_extension(actor: User, assignment: Assignment, new_date: date | None, reason: str) -> ExtensionRequest:
    return act(actor, assignment, "request_extension", new_date=new_date, reason=reason)


def reply_assignment(actor: User, assignment: Assignment, html: str, uploads: list[files.Upload] = ()) -> None:
    act(actor, assignment, "reply", reply=html, uploads=uploads)


def decide_extension(actor: User, request: ExtensionRequest, approve: bool, note: str = "") -> None:
    lock_order(request.assignment.order, request)
    EXTENSIONS.fire(actor, request, "approve_extension" if approve else "refuse_extension", note=note)
    db.session.commit()


def close_order(actor: User, order: WorkOrder, note: str = "") -> None:
    lock_order(order)
    ORDERS.fire(actor, order, "close", note=note)
    db.session.commit()


def available_actions(user: User, assignment: Assignment) -> list[str]:
    """The assignment's actions this user may take now, straight from the table."""
    return [t.action for t in ASSIGNMENTS.available(user, assignment)]


def can_transition(user: User, action: str, order: WorkOrder) -> bool:
    return ORDERS.may(user, action, order)
