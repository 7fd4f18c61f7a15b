"""The life of a work order after intake: dispatch, sign-for, return, handle, extend, reply, close, rate.

Each operation checks the transition table (``workflow.TRANSITIONS``) for the state, the permission
rule for the actor and the deadline where it matters, then changes rows, writes history and notices
in one transaction.
"""

from __future__ import annotations

from datetime import date

import bleach

from portal.accounts.models import Department, User
from portal.accounts.permissions import can, require
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
from portal.feedback.workflow import TRANSITIONS, derive_order_state
from portal.times import to_local

ALLOWED_TAGS = ["p", "br", "strong", "em", "ul", "ol", "li", "a"]
ALLOWED_ATTRIBUTES = {"a": ["href"]}


def check_transition(action: str, actor: User, state, obj) -> None:
    """State first (409), then permission (403): the table decides both."""
    transition = TRANSITIONS[action]
    require(actor, transition.permission, obj)
    if state not in transition.sources:
        raise Conflict(f"当前状态（{state.label}）不能{transition.label}")


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


def dispatch_order(
    actor: User, order: WorkOrder, department_ids: list[int], lead_id: int | None, instructions: str = ""
) -> list[Assignment]:
    """派单 (or 增派/改派 while open): one assignment per department, one of them the lead."""
    action = "dispatch" if order.state in TRANSITIONS["dispatch"].sources else "reassign"
    check_transition(action, actor, order.state, order)
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
    names = "、".join(f"{d.short_name}（{'主办' if d.id == lead_id else '协办'}）" for d in departments)
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
    db.session.commit()
    return created


def _assignment_step(action: str, actor: User, assignment: Assignment, note: str = "") -> str:
    check_transition(action, actor, assignment.state, assignment)
    transition = TRANSITIONS[action]
    note = (note or "").strip()
    if transition.needs_reason and not note:
        raise Invalid("请填写理由", field="reason")
    if transition.before_deadline and clock.now() > assignment.due_at:
        raise Conflict("已超过办理期限，不能再申请延期")
    return note


def sign_assignment(actor: User, assignment: Assignment, handler_name: str, handler_phone: str, note: str = "") -> None:
    """签收: name the handling official and phone (shown to the requester, masked to the public)."""
    _assignment_step("sign", actor, assignment)
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
        f"{assignment.department.short_name}已签收您的诉求",
        f"经办人：{handler_name}，电话：{handler_phone}",
    )
    db.session.commit()


def sign_many(actor: User, assignments: list[Assignment], handler_name: str, handler_phone: str) -> int:
    """Bulk 签收 from the workbench: every one must be allowed, or none is signed."""
    for a in assignments:
        _assignment_step("sign", actor, a)
    for a in assignments:
        sign_assignment(actor, a, handler_name, handler_phone)
    return len(assignments)


def return_assignment(actor: User, assignment: Assignment, reason: str) -> None:
    """退单: not ours — back to the dispatcher with the reason."""
    reason = _assignment_step("return", actor, assignment, reason)
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
        f"{assignment.department.short_name}退单：{order.title}",
        reason,
    )
    db.session.commit()


def start_assignment(actor: User, assignment: Assignment, note: str = "") -> None:
    _assignment_step("start", actor, assignment)
    _progress(actor, assignment, EventAction.START, note or "已开始办理")


def record_progress(actor: User, assignment: Assignment, note: str) -> None:
    note = _assignment_step("progress", actor, assignment, note)
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
    history.notify(
        history.requester_ids(order), order, action, f"{assignment.department.short_name}：{action.label}", note
    )
    db.session.commit()


def request_extension(actor: User, assignment: Assignment, new_date: date | None, reason: str) -> ExtensionRequest:
    """延期申请: before the deadline, with a reason and a later date; one pending request at a time."""
    reason = _assignment_step("request_extension", actor, assignment, reason)
    if assignment.pending_extension is not None:
        raise Conflict("已有一个延期申请在审核中")
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
        f"{assignment.department.short_name}申请延期：{order.title}",
        reason,
    )
    db.session.commit()
    return request


def decide_extension(actor: User, request: ExtensionRequest, approve: bool, note: str = "") -> None:
    """同意 moves the deadline to the requested date; 不同意 needs a reason."""
    action = "approve_extension" if approve else "refuse_extension"
    check_transition(action, actor, request.state, request)
    note = (note or "").strip()
    if TRANSITIONS[action].needs_reason and not note:
        raise Invalid("请填写不同意延期的理由", field="note")
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
    history.notify(recipients, order, event, f"{assignment.department.short_name}的延期申请{request.state.label}", text)
    db.session.commit()


def reply_assignment(actor: User, assignment: Assignment, html: str, uploads: list[files.Upload] = ()) -> None:
    """答复: sanitised rich text and files; when every department replied the lead may close."""
    _assignment_step("reply", actor, assignment)
    body = sanitize(html)
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
        history.requester_ids(order), order, EventAction.REPLY, f"{assignment.department.short_name}已答复您的诉求"
    )
    lead = order.lead_assignment
    if order.state == OrderState.REPLIED and lead is not None:
        history.notify(
            history.department_official_ids(lead.department_id),
            order,
            EventAction.REPLY,
            f"各部门均已答复，请办结：{order.title}",
        )
    db.session.commit()


def close_order(actor: User, order: WorkOrder, note: str = "") -> None:
    """办结 by the lead department once every assignment has replied."""
    check_transition("close", actor, order.state, order)
    now = clock.now()
    for a in order.current_assignments:
        a.state, a.closed_at = AssignmentState.CLOSED, now
    before = order.state
    order.state, order.closed_at = OrderState.CLOSED, now
    history.record(order, EventAction.CLOSE, actor, from_state=before, to_state=order.state, note=(note or "")[:500])
    history.notify(history.requester_ids(order), order, EventAction.CLOSE, "您的诉求已办结，请评价", order.title)
    db.session.commit()


def available_actions(user: User, assignment: Assignment) -> list[str]:
    """The assignment's actions this user may take now, straight from the transition table."""
    return [
        t.action
        for t in TRANSITIONS.values()
        if t.target == "assignment"
        and assignment.state in t.sources
        and can(user, t.permission, assignment)
        and not (t.before_deadline and clock.now() > assignment.due_at)
        and not (t.action == "request_extension" and assignment.pending_extension is not None)
    ]


def can_transition(user: User, action: str, order: WorkOrder) -> bool:
    t = TRANSITIONS[action]
    if order.state not in t.sources or not can(user, t.permission, order):
        return False
    return not (action == "rate" and any(r.round == order.round for r in order.ratings))
