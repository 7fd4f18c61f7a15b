"""Consultations (征求意见), their sections, comments, supports (附议) and history."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Department, User
from portal.extensions import db, str_enum
from portal.history import History
from portal.times import UTCDateTime, utcnow


class ConsultationState(enum.StrEnum):
    DRAFT = "draft"  # 准备中 (not public)
    OPEN = "open"  # 征求意见中 (between opens_at and closes_at comments are taken)
    CLOSED = "closed"  # 已截止 (the department answers the last comments)
    PUBLISHED = "published"  # 已公布采纳情况

    @property
    def label(self) -> str:
        return {"draft": "准备中", "open": "征求意见中", "closed": "已截止", "published": "已公布采纳情况"}[self.value]

    @property
    def css(self) -> str:
        return {"draft": "status-muted", "open": "status-ok", "closed": "status-warn", "published": "status-info"}[
            self.value
        ]


class SubjectKind(enum.StrEnum):
    PLAN = "plan"  # 作战方案
    POLICY = "policy"  # 政策文件（草案）

    @property
    def label(self) -> str:
        return {"plan": "作战方案", "policy": "政策文件"}[self.value]


class SectionLevel(enum.StrEnum):
    BATTLE = "battle"  # 攻坚战
    GOAL = "goal"  # 攻坚目标
    TASK = "task"  # 攻坚任务
    PREAMBLE = "preamble"  # 文件开头（条文之前）
    ARTICLE = "article"  # 第X条 / 第N段

    @property
    def label(self) -> str:
        return {"battle": "攻坚战", "goal": "攻坚目标", "task": "攻坚任务", "preamble": "序言", "article": "条款"}[
            self.value
        ]


class CommentState(enum.StrEnum):
    PENDING = "pending"  # 待审核
    APPROVED = "approved"  # 已公开
    REJECTED = "rejected"  # 不予公开
    HIDDEN = "hidden"  # 已隐藏

    @property
    def label(self) -> str:
        return {"pending": "待审核", "approved": "已公开", "rejected": "不予公开", "hidden": "已隐藏"}[self.value]

    @property
    def css(self) -> str:
        return {
            "pending": "status-warn",
            "approved": "status-ok",
            "rejected": "status-danger",
            "hidden": "status-muted",
        }[self.value]


class Answer(enum.StrEnum):
    ADOPTED = "adopted"  # 采纳
    PARTLY = "partly"  # 部分采纳
    NOT_ADOPTED = "not_adopted"  # 不采纳

    @property
    def label(self) -> str:
        return {"adopted": "采纳", "partly": "部分采纳", "not_adopted": "不采纳"}[self.value]

    @property
    def css(self) -> str:
        return {"adopted": "status-ok", "partly": "status-info", "not_adopted": "status-muted"}[self.value]


class Consultation(db.Model):
    """A draft (a plan's structure or a policy's text) open for comment for a period before its hearing."""

    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SubjectKind] = mapped_column(str_enum(SubjectKind))
    # No relationships to plans or policies: the packages meet only through their public modules.
    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    policy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("policies.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")  # 征求意见说明
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)  # 起草部门
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    premoderation: Mapped[bool] = mapped_column(default=True)  # 先审后发
    max_comment_length: Mapped[int] = mapped_column(default=1000)
    state: Mapped[ConsultationState] = mapped_column(
        str_enum(ConsultationState), default=ConsultationState.DRAFT, index=True
    )
    draft_label: Mapped[str] = mapped_column(sa.String(60), default="")  # 征求意见稿 version: "3.0（草案）", "第 2 版"
    draft: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)  # the text as opened (snapshot)
    report_note: Mapped[str] = mapped_column(sa.Text, default="")  # the department's summary of the report
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    department: Mapped[Department] = relationship()
    sections: Mapped[list[Section]] = relationship(
        back_populates="consultation", order_by="Section.position", cascade="all, delete-orphan"
    )
    events: Mapped[list[ConsultationEvent]] = relationship(
        back_populates="consultation", order_by="ConsultationEvent.id", cascade="all, delete-orphan"
    )

    def accepting(self, now: datetime) -> bool:
        """Whether comments are taken now: open, and inside the period."""
        return self.state == ConsultationState.OPEN and self.opens_at <= now < self.closes_at


class Section(db.Model):
    """One part of the draft people comment on: a battle, goal or task of a plan, an article of a policy."""

    __tablename__ = "consultation_sections"
    __table_args__ = (sa.UniqueConstraint("consultation_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    key: Mapped[str] = mapped_column(sa.String(40))  # "task:12", "article:3": what the diff matches on
    level: Mapped[SectionLevel] = mapped_column(str_enum(SectionLevel))
    number: Mapped[str] = mapped_column(sa.String(40), default="")  # 第三条, 攻坚战一, 目标 1.2, 任务 1.2.3
    title: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    context: Mapped[str] = mapped_column(sa.String(300), default="")  # where it sits: 攻坚战 › 目标, 第二章

    consultation: Mapped[Consultation] = relationship(back_populates="sections")

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}".strip() if self.number else self.title


class Comment(db.Model):
    """A comment on one section (意见): moderated like hearing questions, answered by the drafting department."""

    __tablename__ = "consultation_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation_sections.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    author_name: Mapped[str] = mapped_column(sa.String(100))  # as shown to the public: display name or 匿名
    anonymous: Mapped[bool] = mapped_column(default=False)
    text: Mapped[str] = mapped_column(sa.Text)
    state: Mapped[CommentState] = mapped_column(str_enum(CommentState), default=CommentState.PENDING, index=True)
    flagged: Mapped[str] = mapped_column(sa.String(200), default="")  # sensitive words that held it
    reject_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    supports: Mapped[int] = mapped_column(default=0)  # 附议 count
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[Answer | None] = mapped_column(str_enum(Answer), index=True)
    answer_reason: Mapped[str] = mapped_column(sa.Text, default="")
    # The section or article the answer says the comment changed (shown beside it in the final version's diff).
    changed_section_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("consultation_sections.id", ondelete="SET NULL")
    )
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    section: Mapped[Section] = relationship(foreign_keys=[section_id])
    changed_section: Mapped[Section | None] = relationship(foreign_keys=[changed_section_id])
    author: Mapped[User] = relationship(foreign_keys=[author_id])

    @property
    def public(self) -> bool:
        return self.state == CommentState.APPROVED


class Support(db.Model):
    """One person's 附议 of a comment (one per person, retractable)."""

    __tablename__ = "consultation_supports"
    __table_args__ = (sa.UniqueConstraint("comment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(sa.ForeignKey("consultation_comments.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ConsultationEvent(History, db.Model):
    """Append-only history of a consultation and its comments: every state change, moderation and answer."""

    __tablename__ = "consultation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    comment_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("consultation_comments.id", ondelete="CASCADE"), index=True
    )

    consultation: Mapped[Consultation] = relationship(back_populates="events")
