"""Intake and look-up of work orders: filing (web, phone, unit call, hearing), tracking numbers, lists.

The lifecycle after intake is in ``lifecycle.py``; deadlines and escalation in ``escalation.py``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import Department, Role, User
from portal.accounts.permissions import can, require
from portal.enterprises import services as enterprises
from portal.errors import Conflict, Forbidden, Invalid, NotFound, get_or_raise
from portal.extensions import db
from portal.feedback import attachments as files
from portal.feedback import clock, history
from portal.feedback.enums import CATEGORIES, Channel, EventAction, OrderKind, OrderState
from portal.feedback.models import Assignment, Attachment, Notification, WorkOrder
from portal.feedback.permissions import can_view
from portal.privacy import has_personal, mask_name, mask_personal, mask_phone
from portal.times import to_local

PHONE_RE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
TRACKING_RE = re.compile(r"^GD\d{8}-\d{6}$")


@dataclass
class OrderData:
    kind: str
    category: str
    title: str
    description: str
    place: str = ""
    district_id: int | None = None
    street_id: int | None = None
    is_public: bool = True
    requester_name: str = ""
    requester_phone: str = ""
    channel: str = Channel.WEB.value
    source_ref: str = ""
    uploads: list[files.Upload] = field(default_factory=list)
    enterprise_id: int | None = None  # 以企业名义: one of the filer's verified enterprises


def _kind(value: str) -> OrderKind:
    try:
        return OrderKind(value)
    except ValueError:
        raise Invalid("请选择诉求类型", field="kind") from None


def _text(value: str, name: str, label: str, lo: int, hi: int) -> str:
    value = (value or "").strip()
    if len(value) < lo:
        raise Invalid(f"{label}至少需要{lo}个字" if lo > 1 else f"请填写{label}", field=name)
    if len(value) > hi:
        raise Invalid(f"{label}不能超过{hi}个字", field=name)
    return value


def _phone(value: str, required: bool) -> str:
    value = (value or "").strip().replace(" ", "")
    if not value:
        if required:
            raise Invalid("请填写联系电话", field="requester_phone")
        return ""
    if not PHONE_RE.match(value):
        raise Invalid("请填写11位手机号或带区号的固定电话", field="requester_phone")
    return value


def _department(dept_id: int | None, name: str, label: str) -> Department | None:
    if not dept_id:
        return None
    dept = db.session.get(Department, dept_id)
    if dept is None:
        raise Invalid(f"{label}不存在", field=name)
    return dept


def _enterprise(actor: User, enterprise_id: int | None, channel: Channel, kind: OrderKind) -> int | None:
    """以企业名义提交: only for a verified member of that enterprise (whatever the form was made to send)."""
    if enterprise_id is None:
        return None
    if channel == Channel.PHONE or kind == OrderKind.CALL:
        raise Invalid("热线代录和呼叫不能以企业名义提交", field="enterprise_id")
    if not enterprises.is_verified_member(actor, enterprise_id):
        raise Forbidden("您不是该企业的认证成员，不能以企业名义提交")
    return enterprise_id


def next_tracking_no(now=None) -> str:
    """GD + local date + a six-digit number of the day: GD20261123-000123."""
    day = to_local(now or clock.now()).strftime("%Y%m%d")
    prefix = f"GD{day}-"
    last = db.session.scalar(
        sa.select(sa.func.max(WorkOrder.tracking_no)).where(WorkOrder.tracking_no.like(prefix + "%"))
    )
    number = int(last[-6:]) + 1 if last else 1
    return f"{prefix}{number:06d}"


def file_order(actor: User, data: OrderData) -> WorkOrder:
    """受理: validate, store the order and its files, record history — or save nothing at all."""
    kind = _kind(data.kind)
    channel = Channel(data.channel) if data.channel in {c.value for c in Channel} else Channel.WEB
    require(actor, "feedback.enter_phone" if channel == Channel.PHONE else "feedback.file")
    if kind == OrderKind.CALL:
        require(actor, "feedback.call")
    if data.category not in CATEGORIES:
        raise Invalid("请选择诉求分类", field="category")
    title = _text(data.title, "title", "标题", 4, 60)
    description = _text(data.description, "description", "诉求内容", 10, 5000)
    place = _text(data.place, "place", "地点", 0, 200)
    district = _department(data.district_id, "district_id", "所属区（市）")
    street = _department(data.street_id, "street_id", "所属镇街")
    if channel == Channel.PHONE:
        name = _text(data.requester_name, "requester_name", "来电人姓名", 1, 40)
        phone = _phone(data.requester_phone, required=True)
        requester_id = None
    else:
        name = _text(data.requester_name or actor.display_name, "requester_name", "联系人", 1, 40)
        phone = _phone(data.requester_phone or actor.phone or "", required=False)
        requester_id = actor.id
    enterprise_id = _enterprise(actor, data.enterprise_id, channel, kind)
    checked = files.check(data.uploads)

    order = WorkOrder(
        kind=kind,
        category=data.category,
        title=title,
        description=description,
        place=place,
        district_id=district.id if district else None,
        street_id=street.id if street else None,
        is_public=bool(data.is_public),
        personal_data=has_personal(title, description, place),
        channel=channel,
        source_ref=(data.source_ref or "")[:120],
        requester_id=requester_id,
        requester_name=name,
        requester_phone=phone,
        filing_unit_id=actor.department_id if kind == OrderKind.CALL else None,
        enterprise_id=enterprise_id,
        entered_by_id=actor.id if channel == Channel.PHONE else None,
        state=OrderState.SUBMITTED,
        created_at=clock.now(),
    )
    for attempt in range(5):
        order.tracking_no = next_tracking_no()
        try:
            with db.session.begin_nested():
                db.session.add(order)
                db.session.flush()
            break
        except IntegrityError:
            if attempt == 4:
                raise Conflict("系统繁忙，请稍后重新提交") from None
    files.store(order, checked, actor.id)
    history.record(order, EventAction.SUBMIT, actor, to_state=OrderState.SUBMITTED, note=_submit_note(order))
    history.notify(history.dispatcher_ids() - {actor.id}, order, EventAction.SUBMIT, f"新诉求待派单：{title}")
    if order.requester_id:
        history.notify(
            {order.requester_id}, order, EventAction.SUBMIT, f"您的诉求已受理，编号 {order.tracking_no}", title
        )
    db.session.commit()
    return order


def _submit_note(order: WorkOrder) -> str:
    if order.channel == Channel.PHONE:
        return "热线来电，话务员代为登记"
    if order.kind == OrderKind.CALL and order.filing_unit is not None:
        return f"{order.filing_unit.name}发起呼叫"
    if order.channel == Channel.HEARING:
        return "公开答辩承诺事项转办"
    return f"网上提交{order.kind.label}"


def find_order(tracking_no: str) -> WorkOrder | None:
    return db.session.scalar(sa.select(WorkOrder).where(WorkOrder.tracking_no == (tracking_no or "").strip().upper()))


def get_order_for(user, tracking_no: str) -> WorkOrder:
    """The order if this user may see it; a private order is 'not found' to everyone else."""
    order = find_order(tracking_no)
    if order is None or not can_view(user, order):
        raise NotFound("未找到该编号的诉求，或该诉求不公开")
    return order


def get_assignment(assignment_id: int) -> Assignment:
    return get_or_raise(Assignment, assignment_id, "该派单记录不存在")


def get_attachment_for(user, attachment_id: int) -> Attachment:
    """Reply files go with the order; the requester's own files only to those who may see contact details."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or not can_view(user, attachment.order):
        raise NotFound("附件不存在")
    if attachment.assignment_id is None and not can(user, "feedback.view_private", attachment.order):
        raise NotFound("附件不存在")
    return attachment


def public_orders(page: int = 1, per_page: int = 20, kind: str | None = None, state: str | None = None):
    query = sa.select(WorkOrder).where(WorkOrder.is_public.is_(True))
    if kind in {k.value for k in OrderKind}:
        query = query.where(WorkOrder.kind == OrderKind(kind))
    if state in {s.value for s in OrderState}:
        query = query.where(WorkOrder.state == OrderState(state))
    query = query.order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def public_counts() -> dict[str, int]:
    rows = db.session.execute(
        sa.select(WorkOrder.state, sa.func.count()).where(WorkOrder.is_public.is_(True)).group_by(WorkOrder.state)
    ).all()
    counts = {state.value: n for state, n in rows}
    counts["total"] = sum(counts.values())
    return counts


def my_orders(user: User, page: int = 1):
    """What I filed, and for a unit's people the calls their unit filed."""
    condition = WorkOrder.requester_id == user.id
    if user.department_id is not None and user.has_role(Role.UNIT):
        condition = sa.or_(condition, WorkOrder.filing_unit_id == user.department_id)
    query = sa.select(WorkOrder).where(condition).order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc())
    return db.paginate(query, page=page, per_page=20, error_out=False)


def notices_for(user: User, page: int = 1):
    query = (
        sa.select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return db.paginate(query, page=page, per_page=30, error_out=False)


def mark_notices_read(user: User, notice_id: int | None = None) -> int:
    stmt = sa.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notice_id is not None:
        stmt = stmt.where(Notification.id == notice_id)
    count = db.session.execute(stmt.values(read_at=clock.now())).rowcount
    db.session.commit()
    return count


def requester_label(order: WorkOrder) -> str:
    """Who filed an order, as the public reads it: a unit's name, a person's surname."""
    return order.filing_unit.name if order.filing_unit else mask_name(order.requester_name)


def public_facts(order: WorkOrder) -> dict:
    """What anyone may read of an order, masked: its kind, text, place, state and who filed it (a unit's name, a
    person's surname)."""
    return {
        "tracking_no": order.tracking_no,
        "kind": order.kind.value,
        "kind_label": order.kind.label,
        "category": order.category,
        "title": mask_personal(order.title),
        "description": mask_personal(order.description),
        "place": mask_personal(order.place),
        "district": order.district.short_name if order.district else None,
        "street": order.street.short_name if order.street else None,
        "state": order.state.value,
        "state_label": order.state.label,
        "requester": requester_label(order),
    }


def public_view(order: WorkOrder) -> dict:
    """The public fields of an order (page and API): no contact, no requester's files, no private notes."""
    return public_facts(order) | {
        "channel": order.channel.value,
        "created_at": order.created_at.isoformat(),
        "closed_at": order.closed_at.isoformat() if order.closed_at else None,
        "satisfaction": order.satisfaction.value if order.satisfaction else None,
        "departments": [
            {
                "department": a.department.name,
                "role": a.role.value,
                "round": a.round,
                "state": a.state.value,
                "state_label": a.state.label,
                "dispatched_at": a.dispatched_at.isoformat(),
                "signed_at": a.signed_at.isoformat() if a.signed_at else None,
                "handler": mask_name(a.handler_name) if a.handler_name else None,
                "handler_phone": mask_phone(a.handler_phone) if a.handler_phone else None,
                "due_at": a.due_at.isoformat(),
                "replied_at": a.replied_at.isoformat() if a.replied_at else None,
                "reply_html": a.reply_html or None,
            }
            for a in order.assignments
        ],
        "timeline": [
            {
                "at": e.created_at.isoformat(),
                "action": e.action.value,
                "label": e.action.label,
                "by": e.actor_label,
                "note": mask_personal(e.note),
            }
            for e in order.events
            if e.is_public
        ],
    }
