"""Enterprise ratings of policy fulfilment (政策兑现), plan tasks, departments and the officials who answered.

One row per enterprise, target and period (``period`` is ``YYYY-Qn`` in Asia/Shanghai by default): a later rating
in the same period replaces the scores in place, and every change is appended to :class:`RatingEvent`.
Who rated (``enterprise_id``, ``rater_id``) is never shown outside the admin's audited view.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Department, Enterprise, User
from portal.extensions import db, str_enum
from portal.history import AppendOnly, History
from portal.times import UTCDateTime, utcnow


class TargetKind(enum.StrEnum):
    POLICY = "policy"  # 政策兑现: a published policy
    TASK = "task"  # a plan task (任务)
    DEPARTMENT = "department"  # a department's service
    ORDER_DEPARTMENT = "order_department"  # a department that handled a closed 涉企 work order
    ORDER_MEMBER = "order_member"  # the official named on that department's reply

    @property
    def label(self) -> str:
        return TARGET_LABELS[self]


TARGET_LABELS = {
    TargetKind.POLICY: "政策兑现",
    TargetKind.TASK: "任务落实",
    TargetKind.DEPARTMENT: "部门服务",
    TargetKind.ORDER_DEPARTMENT: "诉求办理部门",
    TargetKind.ORDER_MEMBER: "诉求经办人",
}

# The four dimensions, in the order of the form: (column, label).
DIMENSIONS = (
    ("attitude", "服务态度"),
    ("style", "工作作风"),
    ("efficiency", "办事效率"),
    ("competence", "业务能力"),
)
SCORE_LABELS = {1: "很不满意", 2: "不满意", 3: "一般", 4: "满意", 5: "很满意"}


class EnterpriseRating(db.Model):
    """The current rating of one target by one enterprise in one period."""

    __tablename__ = "enterprise_ratings"
    __table_args__ = (
        sa.UniqueConstraint("enterprise_id", "target_key", "period", name="uq_enterprise_ratings_target_period"),
        sa.Index("ix_enterprise_ratings_period_department", "period", "department_id"),
        sa.Index("ix_enterprise_ratings_period_policy", "period", "policy_id"),
        sa.Index("ix_enterprise_ratings_period_member", "period", "member_id"),
        sa.CheckConstraint(
            "attitude BETWEEN 1 AND 5 AND style BETWEEN 1 AND 5 AND efficiency BETWEEN 1 AND 5"
            " AND competence BETWEEN 1 AND 5 AND overall BETWEEN 1 AND 5",
            name="ck_enterprise_ratings_scores",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id", ondelete="CASCADE"))
    rater_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    period: Mapped[str] = mapped_column(sa.String(10))  # 2026-Q4
    kind: Mapped[TargetKind] = mapped_column(str_enum(TargetKind, length=20))
    target_key: Mapped[str] = mapped_column(sa.String(60))  # "policy:12", "order_member:77:5"
    policy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("policies.id", ondelete="CASCADE"))
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plan_tasks.id", ondelete="CASCADE"), index=True)
    # The department answerable for the rating: the rated one, the task's lead, the order's assignment.
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("work_orders.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assignments.id", ondelete="CASCADE"))
    member_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # the official rated
    attitude: Mapped[int] = mapped_column(sa.SmallInteger)  # 服务态度
    style: Mapped[int] = mapped_column(sa.SmallInteger)  # 工作作风
    efficiency: Mapped[int] = mapped_column(sa.SmallInteger)  # 办事效率
    competence: Mapped[int] = mapped_column(sa.SmallInteger)  # 业务能力
    overall: Mapped[int] = mapped_column(sa.SmallInteger)  # 总体评价
    comment: Mapped[str] = mapped_column(sa.Text, default="")  # plain text (bleach-stripped)
    answer: Mapped[str] = mapped_column(sa.Text, default="")  # the department's public answer
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enterprise: Mapped[Enterprise] = relationship()
    rater: Mapped[User | None] = relationship(foreign_keys=[rater_id])
    member: Mapped[User | None] = relationship(foreign_keys=[member_id])
    department: Mapped[Department | None] = relationship()
    events: Mapped[list[RatingEvent]] = relationship(back_populates="rating", order_by="RatingEvent.id", viewonly=True)

    @property
    def scores(self) -> tuple[int, int, int, int, int]:
        return (self.attitude, self.style, self.efficiency, self.competence, self.overall)

    def __repr__(self) -> str:
        return f"<EnterpriseRating {self.target_key} {self.period}>"


class RatingEvent(History, db.Model):
    """Append-only history of a rating: given, replaced (scores before → after, the earlier comment), answered."""

    __tablename__ = "enterprise_rating_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    rating_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprise_ratings.id", ondelete="CASCADE"), index=True)

    rating: Mapped[EnterpriseRating] = relationship(back_populates="events")


class RatingAuditEntry(AppendOnly, db.Model):
    """One admin view of who rated (append-only): who looked, at what, when."""

    __tablename__ = "rating_audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    viewer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    what: Mapped[str] = mapped_column(sa.String(200))  # e.g. "raters of policy:12 in 2026-Q4"
    path: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    viewer: Mapped[User | None] = relationship()
