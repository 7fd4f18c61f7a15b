"""Who may do what in consultations (征求意见).

The drafting department (起草部门) owns its consultation: its editors open, close and publish the report, its
editors and officials answer the comments; administrators may do both. Moderators review comments under the
same queue rules as hearing questions. Anyone signed in may comment and support (附议).
"""

from __future__ import annotations

from typing import Any

from portal.accounts.models import Role, User
from portal.accounts.permissions import roles_rule, rule

roles_rule("consultation.moderate", Role.MODERATOR, Role.ADMIN)  # approve, reject, hide comments


def _department_id(subject: Any) -> int | None:
    """The drafting department of a consultation (or the department id itself, when one is being chosen)."""
    if subject is None or isinstance(subject, int):
        return subject
    return getattr(subject, "department_id", None)


@rule("consultation.manage")
def _manage(user: User, subject: Any) -> bool:
    """Create, open, close, publish: admins; editors of the drafting department (any department: None)."""
    if user.has_role(Role.ADMIN):
        return True
    if not user.has_role(Role.EDITOR) or user.department_id is None:
        return False
    department_id = _department_id(subject)
    return department_id is None or department_id == user.department_id


@rule("consultation.answer")
def _answer(user: User, subject: Any) -> bool:
    """Answer comments (采纳 / 部分采纳 / 不采纳): admins; editors and officials of the drafting department."""
    if user.has_role(Role.ADMIN):
        return True
    if not user.has_role(Role.EDITOR, Role.OFFICIAL) or user.department_id is None:
        return False
    department_id = _department_id(subject)
    return department_id is None or department_id == user.department_id


@rule("consultation.comment")
def _comment(user: User, subject: Any) -> bool:
    return user.active  # any account: citizens, entrepreneurs, units, officials, media
