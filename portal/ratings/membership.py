"""Who may rate: verified members of enterprises, and how many enterprises could have rated (the index's base).

The one seam between ratings and enterprise membership (``portal.enterprises``).
"""

from __future__ import annotations

import sqlalchemy as sa

from portal.accounts.models import Enterprise, Role, User, UserRole
from portal.extensions import db


def verified_enterprises(user: User | None) -> list[Enterprise]:
    """The enterprises ``user`` is a verified member of."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.has_role(Role.ENTREPRENEUR):
        return []
    return [user.enterprise] if user.enterprise is not None else []


def is_verified_member(user: User | None, enterprise_id: int) -> bool:
    return any(e.id == enterprise_id for e in verified_enterprises(user))


def verified_enterprise_count() -> int:
    """How many enterprises have at least one verified member: the share of raters is taken of these."""
    query = (
        sa.select(sa.func.count(sa.distinct(User.enterprise_id)))
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.enterprise_id.is_not(None), User.active.is_(True), UserRole.role == Role.ENTREPRENEUR)
    )
    return db.session.scalar(query) or 0


def ensure_verified(user: User, enterprise: Enterprise) -> None:
    """Make ``user`` a verified member of ``enterprise`` (demo data and tests only)."""
    if user.enterprise_id != enterprise.id:
        user.enterprise_id = enterprise.id
    db.session.flush()
