"""Who belongs to which enterprise: join requests and memberships (one row each), invitations, their history.

An enterprise (``portal.accounts.models.Enterprise``) is identified by its 统一社会信用代码. A person becomes a
verified member either by a join request with a photo of the business licence that an admin approves, or by
accepting an invitation from a verified member. One person may belong to several enterprises.
``User.enterprise_id`` stays what the person declared when signing up: it grants nothing; only an approved
membership does.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Enterprise, User
from portal.extensions import db, str_enum
from portal.history import History
from portal.times import UTCDateTime, utcnow


class MembershipState(enum.StrEnum):
    PENDING = "pending"  # 待审核
    APPROVED = "approved"  # 已认证
    REFUSED = "refused"  # 未通过
    WITHDRAWN = "withdrawn"  # 已撤回
    LEFT = "left"  # 已退出
    REVOKED = "revoked"  # 已撤销

    @property
    def label(self) -> str:
        return MEMBERSHIP_LABELS[self]


MEMBERSHIP_LABELS = {
    MembershipState.PENDING: "待审核",
    MembershipState.APPROVED: "已认证",
    MembershipState.REFUSED: "未通过",
    MembershipState.WITHDRAWN: "已撤回",
    MembershipState.LEFT: "已退出",
    MembershipState.REVOKED: "已撤销",
}
# A person has at most one membership in these states per enterprise.
OPEN_STATES = frozenset({MembershipState.PENDING, MembershipState.APPROVED})


class MembershipVia(enum.StrEnum):
    LICENCE = "licence"  # 营业执照审核
    INVITATION = "invitation"  # 同事邀请

    @property
    def label(self) -> str:
        return {"licence": "营业执照审核", "invitation": "成员邀请"}[self.value]


class Membership(db.Model):
    """A person's request to join an enterprise and, once approved, their membership."""

    __tablename__ = "enterprise_memberships"
    __table_args__ = (sa.Index("ix_enterprise_memberships_user_state", "user_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    state: Mapped[MembershipState] = mapped_column(str_enum(MembershipState), default=MembershipState.PENDING)
    via: Mapped[MembershipVia] = mapped_column(str_enum(MembershipVia), default=MembershipVia.LICENCE)
    # The enterprise name as the applicant typed it (the admin sees it beside the registered one).
    claimed_name: Mapped[str] = mapped_column(sa.String(120), default="")
    # The business licence photo (join requests only): stored under UPLOAD_DIR/enterprises by a random name.
    licence_filename: Mapped[str | None] = mapped_column(sa.String(200))
    licence_stored_name: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    licence_content_type: Mapped[str | None] = mapped_column(sa.String(60))
    licence_size: Mapped[int | None]
    licence_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    invitation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enterprise_invitations.id"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # why refused or revoked
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enterprise: Mapped[Enterprise] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    invitation: Mapped[Invitation | None] = relationship(foreign_keys=[invitation_id])
    events: Mapped[list[MembershipEvent]] = relationship(order_by="MembershipEvent.id", viewonly=True)

    @property
    def has_licence(self) -> bool:
        return self.licence_stored_name is not None

    @property
    def licence_is_image(self) -> bool:
        return (self.licence_content_type or "").startswith("image/")


class MembershipEvent(History, db.Model):
    """Append-only: every state change of a membership (applied, approved, refused with the reason, …)."""

    __tablename__ = "enterprise_membership_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    membership_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enterprise_memberships.id", ondelete="CASCADE"), index=True
    )


class InvitationState(enum.StrEnum):
    OPEN = "open"  # 待接受
    ACCEPTED = "accepted"  # 已接受
    CANCELLED = "cancelled"  # 已取消
    DECLINED = "declined"  # 已谢绝

    @property
    def label(self) -> str:
        return {"open": "待接受", "accepted": "已接受", "cancelled": "已取消", "declined": "已谢绝"}[self.value]


class Invitation(db.Model):
    """A verified member invites a colleague: by user name (only that person may accept) or by a link whose
    code anyone signed in as an entrepreneur may use once. Only the code's SHA-256 is stored."""

    __tablename__ = "enterprise_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    inviter_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    invitee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    state: Mapped[InvitationState] = mapped_column(str_enum(InvitationState), default=InvitationState.OPEN)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enterprise: Mapped[Enterprise] = relationship()
    inviter: Mapped[User] = relationship(foreign_keys=[inviter_id])
    invitee: Mapped[User | None] = relationship(foreign_keys=[invitee_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    events: Mapped[list[InvitationEvent]] = relationship(order_by="InvitationEvent.id", viewonly=True)

    @property
    def by_link(self) -> bool:
        return self.invitee_id is None


class InvitationEvent(History, db.Model):
    """Append-only: every state change of an invitation."""

    __tablename__ = "enterprise_invitation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    invitation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enterprise_invitations.id", ondelete="CASCADE"), index=True
    )
