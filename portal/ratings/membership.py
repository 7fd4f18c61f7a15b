"""Who may rate: verified members of enterprises, and how many enterprises could have rated (the index's base).

The one seam between ratings and enterprise membership (``portal.enterprises``).
"""

from __future__ import annotations

from typing import Any

from portal.accounts.models import Enterprise, User
from portal.actors import SYSTEM
from portal.enterprises import services as enterprises

# A placeholder business-licence image for demo members (the upload check reads the PNG signature).
DEMO_LICENCE = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def verified_enterprises(user: Any) -> list[Enterprise]:
    """The enterprises ``user`` is a verified (approved) member of."""
    return enterprises.verified_enterprises(user)


def is_verified_member(user: Any, enterprise_id: int) -> bool:
    return any(e.id == enterprise_id for e in verified_enterprises(user))


def verified_enterprise_count() -> int:
    """How many enterprises have at least one verified member: the share of raters is taken of these."""
    return enterprises.verified_enterprise_count()


def ensure_verified(user: User, name: str, uscc: str) -> Enterprise:
    """Make ``user`` a verified member of the enterprise (demo data): a join request with a licence, approved."""
    for enterprise in verified_enterprises(user):
        if enterprise.uscc == uscc:
            return enterprise
    request = enterprises.JoinRequest(name, uscc, [enterprises.uploads.Upload("营业执照.png", DEMO_LICENCE)])
    membership = enterprises.apply(user, request)
    enterprises.decide(SYSTEM, membership.id, "approve")
    return membership.enterprise
