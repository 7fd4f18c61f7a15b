"""Queries behind the official workbench and the dispatcher desk."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from portal.accounts.models import User
from portal.accounts.permissions import require
from portal.errors import Conflict, Invalid, get_or_raise
from portal.extensions import db
from portal.feedback import clock, history
from portal.feedback.enums import AssignmentState, EventAction, ExtensionState, OrderKind, OrderState
from portal.feedback.models import Assignment, ExtensionRequest, ReplyTemplate, WorkOrder
from portal.feedback.workflow import OPEN_ASSIGNMENT_STATES

WORKBENCH_TABS = ("open", "dispatched", "signed", "in_progress", "overdue", "replied", "closed", "returned")


def _open():
    return Assignment.state.in_(OPEN_ASSIGNMENT_STATES)


def _enterprise_orders():
    """涉企: orders filed on behalf of an enterprise."""
    return sa.select(WorkOrder.id).where(WorkOrder.enterprise_id.is_not(None))


def department_assignments(
    department_id: int, state: str = "open", q: str = "", kind: str = "", enterprise: bool = False
) -> list[Assignment]:
    query = (
        sa.select(Assignment)
        .join(WorkOrder, WorkOrder.id == Assignment.order_id)
        .options(joinedload(Assignment.order))
        .where(Assignment.department_id == department_id)
    )
    if state == "open":
        query = query.where(_open())
    elif state == "overdue":
        query = query.where(_open(), Assignment.due_at < clock.now())
    elif state in {s.value for s in AssignmentState}:
        query = query.where(Assignment.state == AssignmentState(state))
    if kind in {k.value for k in OrderKind}:
        query = query.where(WorkOrder.kind == OrderKind(kind))
    if enterprise:
        query = query.where(WorkOrder.enterprise_id.is_not(None))
    q = (q or "").strip()
    if q:
        query = query.where(sa.or_(WorkOrder.tracking_no.contains(q.upper()), WorkOrder.title.contains(q)))
    order = (
        (Assignment.due_at.asc(),)
        if state in ("open", "overdue", "dispatched", "signed", "in_progress")
        else (Assignment.dispatched_at.desc(),)
    )
    return list(db.session.scalars(query.order_by(*order, Assignment.id).limit(200)))


def department_counts(department_id: int) -> dict[str, int]:
    rows = db.session.execute(
        sa.select(Assignment.state, sa.func.count())
        .where(Assignment.department_id == department_id)
        .group_by(Assignment.state)
    ).all()
    counts = {s.value: n for s, n in rows}
    counts["open"] = sum(counts.get(s.value, 0) for s in OPEN_ASSIGNMENT_STATES)
    counts["overdue"] = db.session.scalar(
        sa.select(sa.func.count()).where(
            Assignment.department_id == department_id, _open(), Assignment.due_at < clock.now()
        )
    )
    return counts


def add_reply_template(actor: User, title: str, body: str) -> ReplyTemplate:
    require(actor, "feedback.workbench")
    title, body = (title or "").strip(), (body or "").strip()
    if not 2 <= len(title) <= 60:
        raise Invalid("模板名称须为2至60个字", field="title")
    if len(body) < 5:
        raise Invalid("模板内容至少需要5个字", field="body")
    template = ReplyTemplate(department_id=actor.department_id, title=title, body=body[:5000])
    db.session.add(template)
    db.session.commit()
    return template


def get_extension(request_id: int) -> ExtensionRequest:
    return get_or_raise(ExtensionRequest, request_id, "该延期申请不存在")


def _unchecked_personal():
    return sa.and_(WorkOrder.personal_data.is_(True), WorkOrder.personal_checked_at.is_(None))


def check_personal(actor: User, order: WorkOrder) -> None:
    """已核对: a dispatcher has read the masked text of an order flagged for personal data."""
    require(actor, "feedback.dispatch")
    if not order.personal_data:
        raise Conflict("该诉求未检出个人信息，无需核对")
    if order.personal_checked_at is not None:
        raise Conflict("该诉求的个人信息已核对")
    order.personal_checked_at = clock.now()
    history.record(order, EventAction.CHECK_PERSONAL, actor, note="已核对公开内容中的个人信息遮挡", public=False)
    db.session.commit()


def _awaiting_decision():
    """Pending extension requests of a round still being handled (a request of a round sent back is moot)."""
    return sa.and_(
        ExtensionRequest.state == ExtensionState.PENDING,
        ExtensionRequest.assignment_id.in_(
            sa.select(Assignment.id)
            .join(WorkOrder, Assignment.order_id == WorkOrder.id)
            .where(Assignment.round == WorkOrder.round)
        ),
    )


TABS = ("new", "returned", "extensions", "unsigned", "overdue", "personal")


def desk_data(tab: str, enterprise: bool = False) -> list:
    """The rows of a desk tab; ``enterprise`` keeps the 涉企 orders only."""
    ent_orders = (WorkOrder.id.in_(_enterprise_orders()),) if enterprise else ()
    ent_assignments = (Assignment.order_id.in_(_enterprise_orders()),) if enterprise else ()
    if tab == "personal":
        return list(
            db.session.scalars(
                sa.select(WorkOrder).where(_unchecked_personal(), *ent_orders).order_by(WorkOrder.created_at.desc())
            )
        )
    if tab == "extensions":
        of_enterprise = (
            (ExtensionRequest.assignment_id.in_(sa.select(Assignment.id).where(*ent_assignments)),)
            if enterprise
            else ()
        )
        return list(
            db.session.scalars(
                sa.select(ExtensionRequest)
                .where(_awaiting_decision(), *of_enterprise)
                .order_by(ExtensionRequest.created_at)
            )
        )
    if tab == "overdue":
        return list(
            db.session.scalars(
                sa.select(Assignment)
                .where(_open(), Assignment.due_at < clock.now(), *ent_assignments)
                .order_by(Assignment.due_at)
            )
        )
    if tab == "unsigned":
        return list(
            db.session.scalars(
                sa.select(Assignment)
                .where(Assignment.state == AssignmentState.DISPATCHED, *ent_assignments)
                .order_by(Assignment.sign_deadline)
            )
        )
    if tab == "returned":
        # A return in the current round not yet answered by a later dispatch (增派/改派).
        later = aliased(Assignment)
        has_returned = sa.exists().where(
            Assignment.order_id == WorkOrder.id,
            Assignment.state == AssignmentState.RETURNED,
            Assignment.round == WorkOrder.round,
            ~sa.exists().where(later.order_id == WorkOrder.id, later.dispatched_at > Assignment.returned_at),
        )
        query = sa.select(WorkOrder).where(
            WorkOrder.state.notin_([OrderState.CLOSED, OrderState.REPLIED]), has_returned, *ent_orders
        )
        return list(db.session.scalars(query.order_by(WorkOrder.updated_at.desc())))
    return list(
        db.session.scalars(
            sa.select(WorkOrder)
            .where(WorkOrder.state == OrderState.SUBMITTED, *ent_orders)
            .order_by(WorkOrder.created_at)
        )
    )


def desk_counts() -> dict[str, int]:
    def count(stmt) -> int:
        return db.session.scalar(stmt) or 0

    return {
        "new": count(sa.select(sa.func.count()).where(WorkOrder.state == OrderState.SUBMITTED)),
        "returned": len(desk_data("returned")),
        "extensions": count(sa.select(sa.func.count()).where(_awaiting_decision())),
        "unsigned": count(sa.select(sa.func.count()).where(Assignment.state == AssignmentState.DISPATCHED)),
        "overdue": count(sa.select(sa.func.count()).where(_open(), Assignment.due_at < clock.now())),
        "personal": count(sa.select(sa.func.count()).where(_unchecked_personal())),
    }
