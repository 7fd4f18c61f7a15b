"""Who may do what with work orders; asked through ``require``/``can`` of portal.accounts.permissions."""

from __future__ import annotations

from typing import Any

from portal.accounts.models import Role, User
from portal.accounts.permissions import can, roles_rule, rule
from portal.feedback.enums import Channel
from portal.feedback.models import Assignment, WorkOrder

roles_rule("feedback.dispatch", Role.DISPATCHER, Role.ADMIN)  # 派单, 审核延期, 改派
roles_rule("feedback.enter_phone", Role.DISPATCHER, Role.ADMIN)  # 热线话务员代录
roles_rule("feedback.manage_responsibilities", Role.ADMIN)  # 职责边界清单


@rule("feedback.file")
def _file(user: User, obj: Any) -> bool:
    """Anyone logged in may ask, complain or suggest."""
    return True


@rule("feedback.call")
def _call(user: User, obj: Any) -> bool:
    """A 呼叫 is filed on behalf of a township, street or department by one of its people."""
    return user.department_id is not None and user.has_role(Role.UNIT, Role.OFFICIAL)


@rule("feedback.workbench")
def _workbench(user: User, obj: Any) -> bool:
    return user.department_id is not None and user.has_role(Role.OFFICIAL)


@rule("feedback.handle")
def _handle(user: User, assignment: Assignment | None) -> bool:
    """Sign for, return, handle, reply and ask for more time: the officials of the assigned department."""
    if not _workbench(user, None):
        return False
    return assignment is None or assignment.department_id == user.department_id


@rule("feedback.close")
def _close(user: User, order: WorkOrder | None) -> bool:
    """办结: the lead department (or a dispatcher on its behalf)."""
    if user.has_role(Role.DISPATCHER, Role.ADMIN):
        return True
    lead = order.lead_assignment if order is not None else None
    return lead is not None and _handle(user, lead)


@rule("feedback.rate")
def _rate(user: User, order: WorkOrder | None) -> bool:
    """The requester rates; for a 呼叫 the filing unit's people rate each department; a hotline caller's
    rating is recorded by a dispatcher on the return call (回访)."""
    if order is None:
        return False
    if order.requester_id == user.id:
        return True
    if order.channel == Channel.PHONE and user.has_role(Role.DISPATCHER):
        return True
    return order.filing_unit_id is not None and user.department_id == order.filing_unit_id


@rule("feedback.view_private")
def _view_private(user: User, order: WorkOrder | None) -> bool:
    """Private orders, contact details and the requester's files: requester, involved officials, dispatchers."""
    if order is None:
        return False
    if user.has_role(Role.DISPATCHER, Role.ADMIN) or order.requester_id == user.id:
        return True
    if user.department_id is None:
        return False
    if order.filing_unit_id == user.department_id:
        return True
    return user.has_role(Role.OFFICIAL) and any(a.department_id == user.department_id for a in order.assignments)


def can_view(user: Any, order: WorkOrder) -> bool:
    """Public orders are open to everyone, anonymous visitors included."""
    return order.is_public or can(user, "feedback.view_private", order)
