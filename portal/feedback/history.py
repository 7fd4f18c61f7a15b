"""The append-only history of a work order and the in-app notices that go with it."""

from __future__ import annotations

from functools import partial

import sqlalchemy as sa

from portal.accounts.models import DepartmentPosition, Role, User, UserRole
from portal.actors import LABEL as SYSTEM_LABEL
from portal.actors import is_system
from portal.aftercommit import after_commit
from portal.extensions import db, socketio
from portal.feedback import clock
from portal.feedback.enums import EventAction
from portal.feedback.models import Assignment, Notification, OrderEvent, WorkOrder
from portal.history import record as append
from portal.rooms import user_room

NAMESPACE = "/notices"


def actor_label(actor: User | None, order: WorkOrder) -> str:
    """How the public timeline names who acted: never the requester's own name."""
    if is_system(actor):
        return SYSTEM_LABEL
    if order.filing_unit is not None and actor.department_id == order.filing_unit_id:
        return order.filing_unit.name
    if actor.id == order.requester_id:
        return "诉求人"
    if actor.department is not None:
        return actor.department.name
    return "工作人员"


def record(
    order: WorkOrder,
    action: EventAction,
    actor: User | None,
    *,
    assignment: Assignment | None = None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    public: bool = True,
) -> OrderEvent:
    """Add one history row in the caller's transaction."""
    return append(
        OrderEvent,
        actor,
        action,
        str(from_state or ""),
        str(to_state or ""),
        note=note,
        order_id=order.id,
        assignment_id=assignment.id if assignment is not None else None,
        actor_label=actor_label(actor, order),
        department_id=actor.department_id,
        is_public=public,
        created_at=clock.now(),
    )


def notify(user_ids: set[int], order: WorkOrder | None, kind: EventAction, title: str, body: str = "") -> None:
    """In-app notices, added in the caller's transaction and pushed live once it commits."""
    # A plain path: the tick runs outside any request, where url_for has no server to build on.
    url = f"/feedback/{order.tracking_no}" if order is not None else ""
    for user_id in sorted(user_ids):
        db.session.add(
            Notification(
                user_id=user_id,
                order_id=order.id if order else None,
                kind=kind.value,
                title=title[:120],
                body=body[:400],
                url=url,
                created_at=clock.now(),
            )
        )
        payload = {"kind": kind.value, "title": title, "body": body, "url": url}
        after_commit(partial(socketio.emit, "notice", payload, to=user_room(user_id), namespace=NAMESPACE))


def requester_ids(order: WorkOrder) -> set[int]:
    ids = {order.requester_id} if order.requester_id else set()
    if order.filing_unit_id is not None:
        ids |= set(
            db.session.scalars(
                sa.select(User.id)
                .join(UserRole, UserRole.user_id == User.id)
                .where(User.department_id == order.filing_unit_id, User.active, UserRole.role == Role.UNIT)
            )
        )
    return ids


def department_official_ids(department_id: int, heads_only: bool = False) -> set[int]:
    query = (
        sa.select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.department_id == department_id, User.active, UserRole.role == Role.OFFICIAL)
    )
    if heads_only:
        query = query.where(User.position == DepartmentPosition.HEAD)
    return set(db.session.scalars(query))


def dispatcher_ids() -> set[int]:
    return set(
        db.session.scalars(
            sa.select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.active, UserRole.role == Role.DISPATCHER)
        )
    )


def unread_count(user: User) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )
