"""Enterprise memberships: join requests with the business licence, review, invitations, and who is verified.

Other capabilities ask ``verified_enterprises(user)`` and ``is_verified_member(user, enterprise_id)``: only an
approved membership counts (the enterprise declared at sign-up, ``User.enterprise_id``, grants nothing).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from portal import uploads
from portal.accounts.models import Enterprise, Role, User
from portal.accounts.permissions import can, require
from portal.accounts.services import enterprise_for, find_user
from portal.enterprises.models import (
    OPEN_STATES,
    Invitation,
    InvitationEvent,
    InvitationState,
    Membership,
    MembershipEvent,
    MembershipState,
    MembershipVia,
)
from portal.enterprises.permissions import REVIEW, is_verified_member
from portal.errors import Conflict, Forbidden, Invalid, NotFound, get_or_raise
from portal.extensions import db
from portal.history import record
from portal.inputs import check_text
from portal.statemachine import Machine, Transition, row
from portal.times import utcnow

__all__ = [
    "INVITATIONS",
    "MEMBERSHIPS",
    "JoinRequest",
    "accept_invitation",
    "apply",
    "decide",
    "invite",
    "is_verified_member",
    "verified_enterprise_count",
    "verified_enterprises",
]

UPLOAD_AREA = "enterprises"
DEFAULTS: dict[str, int] = {
    "ENTERPRISE_LICENCE_MAX_MB": 10,
    "ENTERPRISE_INVITATION_DAYS": 14,
}
REASON_LIMIT = 500


def setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


# -- who is verified (the questions other capabilities ask) ------------------------------------------------------


def verified_enterprises(user: Any) -> list[Enterprise]:
    """The enterprises ``user`` is an approved member of, by name; empty for anonymous visitors and SYSTEM."""
    user_id = getattr(user, "id", None)
    if user_id is None or not getattr(user, "is_authenticated", False):
        return []
    return list(
        db.session.scalars(
            sa.select(Enterprise)
            .join(Membership, Membership.enterprise_id == Enterprise.id)
            .where(Membership.user_id == user_id, Membership.state == MembershipState.APPROVED)
            .order_by(Enterprise.name, Enterprise.id)
        )
    )


def verified_member_ids(enterprise_id: int) -> list[int]:
    """The user ids of an enterprise's approved members."""
    return list(
        db.session.scalars(
            sa.select(Membership.user_id)
            .where(Membership.enterprise_id == enterprise_id, Membership.state == MembershipState.APPROVED)
            .order_by(Membership.user_id)
        )
    )


# -- the machines -----------------------------------------------------------------------------------------------


def _reason(t: Transition, text: str) -> str:
    text = check_text((text or "").strip(), field="reason", limit=REASON_LIMIT)
    if t.needs_reason and not text:
        raise Invalid("请填写理由" if t.action != "refuse" else "请填写不予通过的理由", field="reason")
    return text


def _decided(actor: Any, membership: Membership, t: Transition, reason: str = "") -> str:
    text = _reason(t, reason)
    if t.action in ("approve", "refuse", "revoke"):
        membership.decided_by_id = actor.id
        membership.decided_at = utcnow()
        membership.reason = text
    return text


def _record_membership(actor: Any, membership: Membership, t: Transition, before: Any, note: Any) -> None:
    record(MembershipEvent, actor, t.action, before, membership.state, note=note or "", membership_id=membership.id)


M = MembershipState
MEMBERSHIPS = Machine(
    "enterprises.membership",
    "Enterprise memberships (企业认证与成员)",
    (
        row("approve", "通过", M.PENDING, M.APPROVED, REVIEW, effect=_decided),
        row("refuse", "不予通过", M.PENDING, M.REFUSED, REVIEW, effect=_decided, needs_reason=True),
        row("withdraw", "撤回申请", M.PENDING, M.WITHDRAWN, "enterprises.own", effect=_decided),
        row("leave", "退出企业", M.APPROVED, M.LEFT, "enterprises.own", effect=_decided),
        row("revoke", "撤销认证", M.APPROVED, M.REVOKED, REVIEW, effect=_decided, needs_reason=True),
    ),
    can=can,
    states=list(MembershipState),
    record=_record_membership,
    who_labels={
        REVIEW: "系统管理员",
        "enterprises.own": "申请人本人",
    },
    notes="a request is created `pending` by 申请加入企业 (with the licence photo) or `approved` by accepting an "
    "invitation; only `approved` counts as a verified member",
)


def _invitation_guard(invitation: Invitation) -> str | None:
    if invitation.expires_at <= utcnow():
        return "邀请已过期，请联系邀请人重新邀请"
    return None


def _record_invitation(actor: Any, invitation: Invitation, t: Transition, before: Any, note: Any) -> None:
    record(InvitationEvent, actor, t.action, before, invitation.state, note=note or "", invitation_id=invitation.id)


Inv = InvitationState
INVITATIONS = Machine(
    "enterprises.invitation",
    "Invitations to an enterprise (成员邀请)",
    (
        row("accept", "接受邀请", Inv.OPEN, Inv.ACCEPTED, "enterprises.apply", guard=_invitation_guard),
        row("decline", "谢绝", Inv.OPEN, Inv.DECLINED, "enterprises.decline_invitation"),
        row("cancel", "取消邀请", Inv.OPEN, Inv.CANCELLED, "enterprises.cancel_invitation"),
    ),
    can=can,
    states=list(InvitationState),
    record=_record_invitation,
    who_labels={
        "enterprises.apply": "企业家（按用户名邀请的：仅被邀请人）",
        "enterprises.decline_invitation": "被邀请人",
        "enterprises.cancel_invitation": "邀请人或系统管理员",
    },
    notes="created `open` by a verified member (by user name or as a one-time link); expires after "
    "ENTERPRISE_INVITATION_DAYS days",
)


# -- join requests ----------------------------------------------------------------------------------------------


@dataclass
class JoinRequest:
    enterprise_name: str
    uscc: str
    licence: list[uploads.Upload] = field(default_factory=list)


def _open_membership(user_id: int, enterprise_id: int) -> Membership | None:
    return db.session.scalar(
        sa.select(Membership).where(
            Membership.user_id == user_id,
            Membership.enterprise_id == enterprise_id,
            Membership.state.in_(OPEN_STATES),
        )
    )


def _refuse_duplicate(user_id: int, enterprise_id: int) -> None:
    existing = _open_membership(user_id, enterprise_id)
    if existing is not None:
        if existing.state == MembershipState.APPROVED:
            raise Conflict("您已是该企业的认证成员")
        raise Conflict("您已提交过加入该企业的申请，正在审核中", field="uscc")


def apply(actor: Any, data: JoinRequest) -> Membership:
    """申请加入企业: the code (GB 32100-2015), the name and one photo of the business licence; commits."""
    require(actor, "enterprises.apply")
    name = check_text((data.enterprise_name or "").strip(), field="enterprise_name", limit=120)
    checked = uploads.check(
        data.licence,
        limit=1,
        max_mb=setting("ENTERPRISE_LICENCE_MAX_MB"),
        field="licence",
        noun="营业执照照片",
    )
    if not checked:
        raise Invalid("请上传营业执照照片", field="licence")
    with db.session.no_autoflush:
        enterprise = enterprise_for(name, data.uscc)
    if enterprise.id is not None:
        _refuse_duplicate(actor.id, enterprise.id)
    db.session.flush()
    f = checked[0]
    membership = Membership(
        enterprise_id=enterprise.id,
        user_id=actor.id,
        state=MembershipState.PENDING,
        via=MembershipVia.LICENCE,
        claimed_name=name,
        licence_filename=f.filename,
        licence_stored_name=uploads.write(UPLOAD_AREA, f),
        licence_content_type=f.content_type,
        licence_size=len(f.data),
        licence_sha256=f.sha256,
    )
    db.session.add(membership)
    db.session.flush()
    record(MembershipEvent, actor, "apply", None, membership.state, note=name, membership_id=membership.id)
    db.session.commit()
    return membership


def get_membership(membership_id: int) -> Membership:
    return get_or_raise(Membership, membership_id, "该申请不存在")


def get_membership_for(actor: Any, membership_id: int) -> Membership:
    """A membership its own person or an admin may see (others: 404, as if it did not exist)."""
    membership = get_membership(membership_id)
    if not can(actor, "enterprises.view_licence", membership):
        if actor is None or not getattr(actor, "is_authenticated", False):
            require(actor, "enterprises.view_licence", membership)
        raise NotFound("该申请不存在")
    return membership


def decide(actor: Any, membership_id: int, action: str, reason: str = "") -> Membership:
    """Approve, refuse (reason required), withdraw, leave or revoke (reason required); commits."""
    membership = get_membership_for(actor, membership_id)  # others: 401 / 404 before the machine's 403
    MEMBERSHIPS.fire(actor, membership, action, reason=reason)
    db.session.commit()
    return membership


def licence_path(membership: Membership) -> Path:
    if membership.licence_stored_name is None:
        raise NotFound("该申请没有营业执照照片")
    return uploads.upload_dir(UPLOAD_AREA) / membership.licence_stored_name


def licence_for(actor: Any, membership_id: int) -> tuple[Membership, Path]:
    """The licence photo, for the applicant and admins only."""
    membership = get_membership_for(actor, membership_id)
    return membership, licence_path(membership)


def my_memberships(actor: Any) -> list[Membership]:
    """Every request and membership of ``actor``, newest first."""
    require(actor, "enterprises.apply")
    return list(
        db.session.scalars(
            sa.select(Membership)
            .where(Membership.user_id == actor.id)
            .options(selectinload(Membership.enterprise))
            .order_by(Membership.created_at.desc(), Membership.id.desc())
        )
    )


def review_queue(actor: Any, state: MembershipState = MembershipState.PENDING, limit: int = 200) -> list[Membership]:
    """Requests in ``state`` for the admins' review, oldest first (pending) or newest first."""
    require(actor, REVIEW)
    query = (
        sa.select(Membership)
        .where(Membership.state == state, Membership.via == MembershipVia.LICENCE)
        .options(selectinload(Membership.enterprise), selectinload(Membership.user))
    )
    order = Membership.created_at.asc() if state == MembershipState.PENDING else Membership.decided_at.desc()
    return list(db.session.scalars(query.order_by(order, Membership.id).limit(limit)))


def pending_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Membership).where(Membership.state == MembershipState.PENDING)
    )


def members_of(actor: Any, enterprise_id: int) -> list[Membership]:
    """The approved members of an enterprise: for its members and admins."""
    if not (is_verified_member(actor, enterprise_id) or can(actor, REVIEW)):
        require(actor, "enterprises.apply")
        raise Forbidden()
    return list(
        db.session.scalars(
            sa.select(Membership)
            .where(Membership.enterprise_id == enterprise_id, Membership.state == MembershipState.APPROVED)
            .options(selectinload(Membership.user))
            .order_by(Membership.created_at, Membership.id)
        )
    )


# -- invitations ------------------------------------------------------------------------------------------------


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


@dataclass
class NewInvitation:
    invitation: Invitation
    code: str | None  # the link's code, shown once to the inviter (only its hash is kept)


def invite(actor: Any, enterprise_id: int, username: str = "") -> NewInvitation:
    """A verified member invites a colleague by user name, or (no name) makes a one-time link; commits."""
    require(actor, "enterprises.invite", enterprise_id)
    enterprise = get_or_raise(Enterprise, enterprise_id, "企业不存在")
    username = (username or "").strip()
    invitee = None
    code = None
    if username:
        invitee = find_user(username)
        if invitee is None or not invitee.active:
            raise Invalid("没有这个用户名的账号，请核对", field="username")
        if not invitee.has_role(Role.ENTREPRENEUR):
            raise Invalid("只能邀请企业家账号；请对方先注册为企业家", field="username")
        if invitee.id == actor.id or is_verified_member(invitee, enterprise.id):
            raise Conflict("对方已是该企业的认证成员", field="username")
        open_one = db.session.scalar(
            sa.select(Invitation.id).where(
                Invitation.enterprise_id == enterprise.id,
                Invitation.invitee_id == invitee.id,
                Invitation.state == InvitationState.OPEN,
                Invitation.expires_at > utcnow(),
            )
        )
        if open_one is not None:
            raise Conflict("已向对方发出邀请，等待对方接受", field="username")
    else:
        code = secrets.token_urlsafe(18)
    invitation = Invitation(
        enterprise_id=enterprise.id,
        inviter_id=actor.id,
        invitee_id=invitee.id if invitee is not None else None,
        code_hash=_code_hash(code) if code else None,
        state=InvitationState.OPEN,
        expires_at=utcnow() + timedelta(days=setting("ENTERPRISE_INVITATION_DAYS")),
    )
    db.session.add(invitation)
    db.session.flush()
    note = f"邀请 {invitee.display_name}" if invitee is not None else "邀请链接"
    record(InvitationEvent, actor, "invite", None, invitation.state, note=note, invitation_id=invitation.id)
    db.session.commit()
    return NewInvitation(invitation, code)


def find_invitation_by_code(code: str) -> Invitation:
    code = (code or "").strip()
    invitation = (
        db.session.scalar(sa.select(Invitation).where(Invitation.code_hash == _code_hash(code))) if code else None
    )
    if invitation is None:
        raise NotFound("邀请链接无效，请向邀请人核对")
    return invitation


def _invitation_for(actor: Any, invitation_id: int) -> Invitation:
    """An invitation addressed to ``actor`` by name, or one ``actor`` sent (others: 404)."""
    invitation = get_or_raise(Invitation, invitation_id, "邀请不存在")
    mine = getattr(actor, "id", None) in (invitation.invitee_id, invitation.inviter_id)
    if not mine and not can(actor, REVIEW):
        require(actor, "enterprises.apply")
        raise NotFound("邀请不存在")
    return invitation


def accept_invitation(actor: Any, invitation: Invitation) -> Membership:
    """The invitee becomes an approved member (no licence photo needed); commits."""
    if invitation.invitee_id is not None and invitation.invitee_id != getattr(actor, "id", None):
        require(actor, "enterprises.apply")
        raise Forbidden("这份邀请是发给其他用户的")
    INVITATIONS.check(actor, invitation, "accept")
    if is_verified_member(actor, invitation.enterprise_id):
        raise Conflict("您已是该企业的认证成员")
    pending = _open_membership(actor.id, invitation.enterprise_id)
    INVITATIONS.fire(actor, invitation, "accept")
    invitation.accepted_by_id = actor.id
    if pending is not None:  # a pending request of the same person is settled by the invitation
        MEMBERSHIPS.fire(actor, pending, "withdraw", reason="已通过成员邀请加入")
    membership = Membership(
        enterprise_id=invitation.enterprise_id,
        user_id=actor.id,
        state=MembershipState.APPROVED,
        via=MembershipVia.INVITATION,
        invitation_id=invitation.id,
        decided_by_id=invitation.inviter_id,
        decided_at=utcnow(),
    )
    db.session.add(membership)
    db.session.flush()
    note = f"接受 {invitation.inviter.display_name} 的邀请"
    record(MembershipEvent, actor, "join", None, membership.state, note=note, membership_id=membership.id)
    db.session.commit()
    return membership


def accept_by_id(actor: Any, invitation_id: int) -> Membership:
    return accept_invitation(actor, _invitation_for(actor, invitation_id))


def accept_by_code(actor: Any, code: str) -> Membership:
    require(actor, "enterprises.apply")
    return accept_invitation(actor, find_invitation_by_code(code))


def close_invitation(actor: Any, invitation_id: int, action: str) -> Invitation:
    """Decline (the invitee) or cancel (the inviter, an admin); commits."""
    if action not in ("decline", "cancel"):
        raise Invalid("未知的操作", field="action")
    invitation = _invitation_for(actor, invitation_id)
    INVITATIONS.fire(actor, invitation, action)
    db.session.commit()
    return invitation


def invitations_for(actor: Any) -> list[Invitation]:
    """Open, unexpired invitations addressed to ``actor`` by name."""
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(
                Invitation.invitee_id == actor.id,
                Invitation.state == InvitationState.OPEN,
                Invitation.expires_at > utcnow(),
            )
            .options(selectinload(Invitation.enterprise), selectinload(Invitation.inviter))
            .order_by(Invitation.created_at.desc())
        )
    )


def invitations_sent(actor: Any) -> list[Invitation]:
    """The invitations ``actor`` sent that are still open."""
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.inviter_id == actor.id, Invitation.state == InvitationState.OPEN)
            .options(selectinload(Invitation.enterprise), selectinload(Invitation.invitee))
            .order_by(Invitation.created_at.desc())
        )
    )


def verified_enterprise_count() -> int:
    """How many enterprises have at least one verified (approved, active) member."""
    query = (
        sa.select(sa.func.count(sa.distinct(Membership.enterprise_id)))
        .join(User, User.id == Membership.user_id)
        .where(Membership.state == MembershipState.APPROVED, User.active.is_(True))
    )
    return db.session.scalar(query) or 0
