"""Who may do what with enterprise memberships; asked through ``portal.accounts.permissions``."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Role, User
from portal.accounts.permissions import roles_rule, rule
from portal.enterprises.models import Invitation, Membership, MembershipState
from portal.extensions import db

REVIEW = "enterprises.review"  # approve, refuse, revoke: admins
roles_rule(REVIEW, Role.ADMIN)


@rule("enterprises.apply")
def _apply(user: User, obj: Any) -> bool:
    """Entrepreneurs ask to join an enterprise (and accept invitations)."""
    return user.has_role(Role.ENTREPRENEUR)


@rule("enterprises.own")
def _own(user: User, membership: Membership | None) -> bool:
    """The applicant withdraws their request or leaves the enterprise."""
    return membership is not None and membership.user_id == user.id


@rule("enterprises.view_licence")
def _view_licence(user: User, membership: Membership | None) -> bool:
    """The licence photo: the applicant and admins only (not the other members, not the public)."""
    return membership is not None and (membership.user_id == user.id or user.has_role(Role.ADMIN))


@rule("enterprises.invite")
def _invite(user: User, enterprise_id: int | None) -> bool:
    """A verified member invites colleagues to their enterprise."""
    return enterprise_id is not None and user.has_role(Role.ENTREPRENEUR) and is_verified_member(user, enterprise_id)


@rule("enterprises.cancel_invitation")
def _cancel_invitation(user: User, invitation: Invitation | None) -> bool:
    return invitation is not None and (invitation.inviter_id == user.id or user.has_role(Role.ADMIN))


@rule("enterprises.decline_invitation")
def _decline_invitation(user: User, invitation: Invitation | None) -> bool:
    return invitation is not None and invitation.invitee_id == user.id


def is_verified_member(user: Any, enterprise_id: int | None) -> bool:
    """Whether ``user`` holds an approved membership of the enterprise (anonymous and SYSTEM: no)."""
    user_id = getattr(user, "id", None)
    if user_id is None or enterprise_id is None or not getattr(user, "is_authenticated", False):
        return False
    found = db.session.scalar(
        sa.select(Membership.id).where(
            Membership.user_id == user_id,
            Membership.enterprise_id == enterprise_id,
            Membership.state == MembershipState.APPROVED,
        )
    )
    return found is not None
