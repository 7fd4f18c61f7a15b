"""Work orders (诉求 / 呼叫), their assignments to departments, history, ratings and the responsibility list.

Field names here are relied on by the KPI queries (portal/dashboard/kpi*.py): keep them stable.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Department, Enterprise, User
from portal.extensions import db, str_enum
from portal.feedback.enums import (
    AssignmentRole,
    AssignmentState,
    Channel,
    Escalation,
    EventAction,
    ExtensionState,
    OrderKind,
    OrderState,
    Satisfaction,
)
from portal.history import History
from portal.times import UTCDateTime, utcnow

__all__ = [
    "Assignment",
    "AssignmentRole",
    "AssignmentState",
    "Attachment",
    "Channel",
    "Escalation",
    "EventAction",
    "ExtensionRequest",
    "ExtensionState",
    "Notification",
    "OrderEvent",
    "OrderKind",
    "OrderState",
    "Rating",
    "ReplyTemplate",
    "ResponsibilityDepartment",
    "ResponsibilityItem",
    "Satisfaction",
    "WorkOrder",
]


class WorkOrder(db.Model):
    """One request from a citizen, an enterprise or a unit, e.g. GD20261123-000123."""

    __tablename__ = "work_orders"
    __table_args__ = (sa.Index("ix_work_orders_state_created", "state", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_no: Mapped[str] = mapped_column(sa.String(20), unique=True)
    kind: Mapped[OrderKind] = mapped_column(str_enum(OrderKind))
    category: Mapped[str] = mapped_column(sa.String(40), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text)
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)  # 区（市）
    street_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)  # 镇街
    is_public: Mapped[bool] = mapped_column(default=True)
    # The text holds a phone number, ID number, plate or house number (privacy.has_personal): the public
    # reads it masked; a dispatcher checks the masking once (personal_checked_at, with a history event).
    personal_data: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    personal_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel), default=Channel.WEB)
    source_ref: Mapped[str] = mapped_column(sa.String(120), default="")  # e.g. the hearing commitment it came from
    # The requester: never shown to the public (privacy.mask_name on public pages, phone never).
    requester_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    requester_name: Mapped[str] = mapped_column(sa.String(40))
    requester_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    filing_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)  # 呼叫单位
    # 涉企: filed on behalf of this enterprise by one of its verified members (portal.enterprises). Dispatchers,
    # departments and the requester see which; the public sees only that the order concerns an enterprise.
    enterprise_id: Mapped[int | None] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))  # operator of a phone entry
    state: Mapped[OrderState] = mapped_column(str_enum(OrderState), default=OrderState.SUBMITTED)
    round: Mapped[int] = mapped_column(default=1)  # 1 + times reopened (发回重办)
    reopen_count: Mapped[int] = mapped_column(default=0)
    satisfaction: Mapped[Satisfaction | None] = mapped_column(str_enum(Satisfaction))  # latest overall rating
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first dispatch
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first reply of the current round
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)  # latest 办结
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    requester: Mapped[User | None] = relationship(foreign_keys=[requester_id])
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    district: Mapped[Department | None] = relationship(foreign_keys=[district_id])
    street: Mapped[Department | None] = relationship(foreign_keys=[street_id])
    filing_unit: Mapped[Department | None] = relationship(foreign_keys=[filing_unit_id])
    enterprise: Mapped[Enterprise | None] = relationship()
    assignments: Mapped[list[Assignment]] = relationship(
        back_populates="order", order_by="(Assignment.round, Assignment.id)", cascade="all, delete-orphan"
    )
    events: Mapped[list[OrderEvent]] = relationship(back_populates="order", order_by="OrderEvent.id", viewonly=True)
    ratings: Mapped[list[Rating]] = relationship(back_populates="order", order_by="Rating.id")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="order", order_by="Attachment.id")

    @property
    def current_assignments(self) -> list[Assignment]:
        """Assignments of the current round that were not returned."""
        return [a for a in self.assignments if a.round == self.round and a.state != AssignmentState.RETURNED]

    @property
    def lead_assignment(self) -> Assignment | None:
        return next((a for a in self.current_assignments if a.role == AssignmentRole.LEAD), None)

    def __repr__(self) -> str:
        return f"<WorkOrder {self.tracking_no} {self.state}>"


class Assignment(db.Model):
    """The order sent to one department (主办 or 协办) in one round, with its own deadlines."""

    __tablename__ = "assignments"
    __table_args__ = (
        sa.Index("ix_assignments_department_state", "department_id", "state"),
        sa.Index("ix_assignments_dispatched_at", "dispatched_at"),
        sa.Index("ix_assignments_due_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("work_orders.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"))
    role: Mapped[AssignmentRole] = mapped_column(str_enum(AssignmentRole), default=AssignmentRole.LEAD)
    round: Mapped[int] = mapped_column(default=1)
    state: Mapped[AssignmentState] = mapped_column(str_enum(AssignmentState), default=AssignmentState.DISPATCHED)
    instructions: Mapped[str] = mapped_column(sa.Text, default="")  # the dispatcher's note (e.g. 晚上7点集中处置)
    dispatched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dispatched_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    sign_deadline: Mapped[datetime] = mapped_column(UTCDateTime)  # natural time, default 30 minutes
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    handler_name: Mapped[str] = mapped_column(sa.String(40), default="")  # 经办人, named at sign-for
    handler_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # handling deadline (working days), after extensions
    original_due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # as first set at dispatch
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reply_html: Mapped[str] = mapped_column(sa.Text, default="")  # sanitised with bleach
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_reason: Mapped[str] = mapped_column(sa.Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when the tick marked it overdue (逾期)
    escalation_level: Mapped[int] = mapped_column(sa.SmallInteger, default=0)  # an Escalation value
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 催办 before the handling deadline
    sign_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 催签 before the sign-for deadline
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 督办
    top_escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # 顶格推进

    order: Mapped[WorkOrder] = relationship(back_populates="assignments")
    department: Mapped[Department] = relationship()
    signed_by: Mapped[User | None] = relationship(foreign_keys=[signed_by_id])
    replied_by: Mapped[User | None] = relationship(foreign_keys=[replied_by_id])
    extension_requests: Mapped[list[ExtensionRequest]] = relationship(
        back_populates="assignment", order_by="ExtensionRequest.id"
    )

    @property
    def is_open(self) -> bool:
        return self.state in (AssignmentState.DISPATCHED, AssignmentState.SIGNED, AssignmentState.IN_PROGRESS)

    @property
    def escalation(self) -> Escalation:
        return Escalation(self.escalation_level or 0)

    @property
    def pending_extension(self) -> ExtensionRequest | None:
        return next((x for x in self.extension_requests if x.state == ExtensionState.PENDING), None)

    def __repr__(self) -> str:
        return f"<Assignment {self.order_id}→{self.department_id} {self.state}>"


class ExtensionRequest(db.Model):
    """延期申请: asked before the deadline with a reason and a new date; decided by a dispatcher."""

    __tablename__ = "extension_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    requested_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    previous_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state: Mapped[ExtensionState] = mapped_column(str_enum(ExtensionState), default=ExtensionState.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assignment: Mapped[Assignment] = relationship(back_populates="extension_requests")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])


class OrderEvent(History, db.Model):
    """Append-only history: who did what, when, from which state to which (rows are never changed)."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("work_orders.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assignments.id"), index=True)
    actor_label: Mapped[str] = mapped_column(sa.String(80), default="")  # public wording: "区城管局", "系统"
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    # An order's history names its actions by enum, keeps "" for no state and is read by time.
    action: Mapped[EventAction] = mapped_column(str_enum(EventAction, length=24))
    from_state: Mapped[str] = mapped_column(sa.String(20), default="")
    to_state: Mapped[str] = mapped_column(sa.String(20), default="")
    is_public: Mapped[bool] = mapped_column(default=True)  # shown on the public timeline
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    order: Mapped[WorkOrder] = relationship(back_populates="events")
    assignment: Mapped[Assignment | None] = relationship()
    department: Mapped[Department | None] = relationship()


class Rating(db.Model):
    """满意 / 基本满意 / 不满意 per order and round; a unit that filed a 呼叫 rates each department."""

    __tablename__ = "ratings"
    __table_args__ = (sa.Index("ix_ratings_department_created", "department_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("work_orders.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assignments.id"))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))  # None: the whole order
    round: Mapped[int] = mapped_column(default=1)
    value: Mapped[Satisfaction] = mapped_column(str_enum(Satisfaction))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    rater_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[WorkOrder] = relationship(back_populates="ratings")
    department: Mapped[Department | None] = relationship()


class Attachment(db.Model):
    """An image or PDF of the request or of a reply, stored under UPLOAD_DIR by a random name."""

    __tablename__ = "order_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("work_orders.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("assignments.id"))  # set for reply files
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(sa.String(200))
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(60))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[WorkOrder] = relationship(back_populates="attachments")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Notification(db.Model):
    """An in-app notice (通知); also pushed live over Socket.IO when the user is online."""

    __tablename__ = "notifications"
    __table_args__ = (sa.Index("ix_notifications_user_read", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("work_orders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(24))  # an EventAction value
    title: Mapped[str] = mapped_column(sa.String(120))
    body: Mapped[str] = mapped_column(sa.String(400), default="")
    url: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ResponsibilityItem(db.Model):
    """One matter of the 职责边界清单 and the departments responsible for it."""

    __tablename__ = "responsibility_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter: Mapped[str] = mapped_column(sa.String(120), unique=True)
    category: Mapped[str] = mapped_column(sa.String(40), index=True)
    keywords: Mapped[str] = mapped_column(sa.String(400), default="")  # separated by spaces or commas
    basis: Mapped[str] = mapped_column(sa.Text, default="")  # legal basis / division of duties
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    department_rows: Mapped[list[ResponsibilityDepartment]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ResponsibilityDepartment.position"
    )

    @property
    def keyword_list(self) -> list[str]:
        return [k for k in self.keywords.replace("，", " ").replace(",", " ").split() if k]


class ResponsibilityDepartment(db.Model):
    __tablename__ = "responsibility_departments"

    item_id: Mapped[int] = mapped_column(sa.ForeignKey("responsibility_items.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), primary_key=True)
    position: Mapped[int] = mapped_column(default=0)  # 0 = the lead (主体责任), then the assisting ones

    department: Mapped[Department] = relationship(lazy="joined")


class ReplyTemplate(db.Model):
    """A reusable reply text of one department (or every department when department_id is None)."""

    __tablename__ = "reply_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(60))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
