"""Policy documents, their versions, status changes, attachments and links."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db, str_enum
from portal.history import AppendOnly
from portal.times import UTCDateTime, utcnow


class PolicyStatus(enum.StrEnum):
    DRAFT = "draft"  # 草稿 (not public)
    IN_FORCE = "in_force"  # 现行有效
    AMENDED = "amended"  # 已修改
    EXPIRED = "expired"  # 失效
    REPEALED = "repealed"  # 废止

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def css(self) -> str:
        return STATUS_CSS[self]


STATUS_LABELS = {
    PolicyStatus.DRAFT: "草稿",
    PolicyStatus.IN_FORCE: "现行有效",
    PolicyStatus.AMENDED: "已修改",
    PolicyStatus.EXPIRED: "失效",
    PolicyStatus.REPEALED: "废止",
}
STATUS_CSS = {
    PolicyStatus.DRAFT: "status-muted",
    PolicyStatus.IN_FORCE: "status-ok",
    PolicyStatus.AMENDED: "status-info",
    PolicyStatus.EXPIRED: "status-warn",
    PolicyStatus.REPEALED: "status-danger",
}

# Document types (文种) offered by the forms and the search filters.
DOC_TYPES = ("通知", "意见", "办法", "规定", "方案", "决定", "通告", "规划", "解读", "新闻")


class BodyFormat(enum.StrEnum):
    TEXT = "text"
    HTML = "html"


class Policy(db.Model):
    """A document of the archive; its current state. Every change also writes a :class:`PolicyVersion`."""

    __tablename__ = "policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    doc_number: Mapped[str] = mapped_column(sa.String(80), default="", index=True)  # 文号
    issuer: Mapped[str] = mapped_column(sa.String(120), default="")  # 发文机关
    doc_type: Mapped[str] = mapped_column(sa.String(20), default="")  # 文种
    written_on: Mapped[date | None] = mapped_column(sa.Date)  # 成文日期
    published_on: Mapped[date | None] = mapped_column(sa.Date)  # 发布日期
    year: Mapped[int | None] = mapped_column(sa.Integer)  # when only the year is known
    status: Mapped[PolicyStatus] = mapped_column(str_enum(PolicyStatus), default=PolicyStatus.DRAFT, index=True)
    status_on: Mapped[date | None] = mapped_column(sa.Date)  # date of the latest status change
    topics: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    body_format: Mapped[BodyFormat] = mapped_column(str_enum(BodyFormat), default=BodyFormat.TEXT)
    body: Mapped[str] = mapped_column(sa.Text, default="")  # plain text, or sanitised HTML
    body_text: Mapped[str] = mapped_column(sa.Text, default="")  # plain text, for search and diffs
    script: Mapped[str] = mapped_column(sa.String(10), default="zh-Hans")  # zh-Hans / zh-Hant, as written
    interprets_id: Mapped[int | None] = mapped_column(sa.ForeignKey("policies.id", ondelete="SET NULL"))
    source_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)  # natural key of imports
    version: Mapped[int] = mapped_column(sa.Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    interprets: Mapped[Policy | None] = relationship(remote_side=[id], back_populates="interpretations")
    interpretations: Mapped[list[Policy]] = relationship(back_populates="interprets", order_by="Policy.id")
    versions: Mapped[list[PolicyVersion]] = relationship(
        back_populates="policy", order_by="PolicyVersion.number", cascade="all, delete-orphan"
    )
    status_changes: Mapped[list[PolicyStatusChange]] = relationship(
        back_populates="policy", order_by="PolicyStatusChange.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[PolicyAttachment]] = relationship(
        back_populates="policy", order_by="PolicyAttachment.id", cascade="all, delete-orphan"
    )
    links: Mapped[list[PolicyLink]] = relationship(
        back_populates="policy", order_by="PolicyLink.id", cascade="all, delete-orphan"
    )

    @property
    def is_public(self) -> bool:
        return self.status != PolicyStatus.DRAFT

    @property
    def display_date(self) -> date | None:
        return self.published_on or self.written_on

    @property
    def display_year(self) -> int | None:
        day = self.display_date
        return day.year if day else self.year

    def __repr__(self) -> str:
        return f"<Policy {self.id} {self.title}>"


class PolicyVersion(db.Model):
    """An immutable snapshot of a document after one change (append-only)."""

    __tablename__ = "policy_versions"
    __table_args__ = (sa.UniqueConstraint("policy_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(sa.ForeignKey("policies.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(sa.Integer)
    title: Mapped[str] = mapped_column(sa.String(300))
    doc_number: Mapped[str] = mapped_column(sa.String(80), default="")
    issuer: Mapped[str] = mapped_column(sa.String(120), default="")
    doc_type: Mapped[str] = mapped_column(sa.String(20), default="")
    written_on: Mapped[date | None] = mapped_column(sa.Date)
    published_on: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[PolicyStatus] = mapped_column(str_enum(PolicyStatus))
    topics: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    body_format: Mapped[BodyFormat] = mapped_column(str_enum(BodyFormat), default=BodyFormat.TEXT)
    body: Mapped[str] = mapped_column(sa.Text, default="")
    body_text: Mapped[str] = mapped_column(sa.Text, default="")
    summary: Mapped[str] = mapped_column(sa.String(300), default="")  # what changed, for the history list
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The document's own date for this version (成文/发布/生效 date of an imported or transitioned document);
    # None = the version is dated by when it was recorded (``created_at``).
    dated_on: Mapped[date | None] = mapped_column(sa.Date)

    policy: Mapped[Policy] = relationship(back_populates="versions")
    actor = relationship("User")


class PolicyStatusChange(AppendOnly, db.Model):
    """One transition of the status machine, with its effective date and reason (append-only)."""

    __tablename__ = "policy_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(sa.ForeignKey("policies.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[PolicyStatus] = mapped_column(str_enum(PolicyStatus))
    to_status: Mapped[PolicyStatus] = mapped_column(str_enum(PolicyStatus))
    effective_on: Mapped[date] = mapped_column(sa.Date)
    reason: Mapped[str] = mapped_column(sa.String(500), default="")
    version_number: Mapped[int] = mapped_column(sa.Integer)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    policy: Mapped[Policy] = relationship(back_populates="status_changes")
    actor = relationship("User")


class PolicyAttachment(db.Model):
    __tablename__ = "policy_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(sa.ForeignKey("policies.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(200))  # as uploaded, for display and download
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100), default="application/octet-stream")
    size: Mapped[int] = mapped_column(sa.Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    policy: Mapped[Policy] = relationship(back_populates="attachments")


class LinkKind(enum.StrEnum):
    PLAN = "plan"  # 作战方案
    HEARING = "hearing"  # 公开答辩

    @property
    def label(self) -> str:
        return {"plan": "作战方案", "hearing": "公开答辩"}[self.value]


class PolicyLink(db.Model):
    """A link to a plan or a hearing. No foreign key: those packages are optional in a deployment."""

    __tablename__ = "policy_links"
    __table_args__ = (sa.UniqueConstraint("policy_id", "kind", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(sa.ForeignKey("policies.id", ondelete="CASCADE"), index=True)
    kind: Mapped[LinkKind] = mapped_column(str_enum(LinkKind))
    target_id: Mapped[int] = mapped_column(sa.Integer)
    label: Mapped[str] = mapped_column(sa.String(200), default="")

    policy: Mapped[Policy] = relationship(back_populates="links")
