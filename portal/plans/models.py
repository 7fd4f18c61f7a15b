"""Campaign plans: 攻势作战方案 → 攻坚战 → 攻坚目标 → 攻坚任务, with milestones, history and versions."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Department, User
from portal.extensions import db, str_enum
from portal.history import AppendOnly
from portal.times import UTCDateTime, utcnow


class PlanState(enum.StrEnum):
    DRAFT = "draft"  # 起草
    DEFENDED = "defended"  # 已公开答辩
    REVISED = "revised"  # 已修订
    PUBLISHED = "published"  # 已发布

    @property
    def label(self) -> str:
        return PLAN_STATE_LABELS[self]


PLAN_STATE_LABELS = {
    PlanState.DRAFT: "起草中",
    PlanState.DEFENDED: "已答辩",
    PlanState.REVISED: "已修订",
    PlanState.PUBLISHED: "已发布",
}


class TaskStatus(enum.StrEnum):
    NOT_STARTED = "not_started"  # 未启动
    IN_PROGRESS = "in_progress"  # 推进中
    DONE = "done"  # 已完成
    SUSPENDED = "suspended"  # 暂缓

    @property
    def label(self) -> str:
        return TASK_STATUS_LABELS[self]


TASK_STATUS_LABELS = {
    TaskStatus.NOT_STARTED: "未启动",
    TaskStatus.IN_PROGRESS: "推进中",
    TaskStatus.DONE: "已完成",
    TaskStatus.SUSPENDED: "暂缓",
}


class Plan(db.Model):
    """A campaign plan (作战方案), e.g. 高效青岛建设攻势 3.0 作战方案."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    version_label: Mapped[str] = mapped_column(sa.String(20), default="1.0")  # the version being worked on
    year: Mapped[int]
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    lead_department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    state: Mapped[PlanState] = mapped_column(str_enum(PlanState), default=PlanState.DRAFT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    lead_department: Mapped[Department | None] = relationship()
    battles: Mapped[list[Battle]] = relationship(
        back_populates="plan", order_by="(Battle.position, Battle.id)", cascade="all, delete-orphan"
    )
    tasks: Mapped[list[Task]] = relationship(viewonly=True, order_by="Task.id")
    versions: Mapped[list[PlanVersion]] = relationship(
        back_populates="plan", order_by="PlanVersion.number", cascade="all, delete-orphan"
    )
    state_changes: Mapped[list[PlanStateChange]] = relationship(
        back_populates="plan", order_by="PlanStateChange.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Plan {self.title}>"


class Battle(db.Model):
    """攻坚战: a line of attack within a plan."""

    __tablename__ = "plan_battles"
    # Ids identify the same node across versions: never reuse a deleted one (SQLite would).
    __table_args__: ClassVar[dict] = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    plan: Mapped[Plan] = relationship(back_populates="battles")
    goals: Mapped[list[Goal]] = relationship(
        back_populates="battle", order_by="(Goal.position, Goal.id)", cascade="all, delete-orphan"
    )


class Goal(db.Model):
    """攻坚目标: a measurable goal of a battle."""

    __tablename__ = "plan_goals"
    # Ids identify the same node across versions: never reuse a deleted one (SQLite would).
    __table_args__: ClassVar[dict] = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    battle_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_battles.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")

    battle: Mapped[Battle] = relationship(back_populates="goals")
    tasks: Mapped[list[Task]] = relationship(
        back_populates="goal", order_by="(Task.position, Task.id)", cascade="all, delete-orphan"
    )


class TaskDepartment(db.Model):
    """A participating department (参与部门) of a task."""

    __tablename__ = "plan_task_departments"

    task_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_tasks.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), primary_key=True, index=True)

    department: Mapped[Department] = relationship()


class Task(db.Model):
    """攻坚任务: the unit of work, with a lead department, milestones and a progress percentage."""

    __tablename__ = "plan_tasks"
    # Ids identify the same node across versions: never reuse a deleted one (SQLite would).
    __table_args__: ClassVar[dict] = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    # Denormalised from goal → battle → plan so that the ledger filters tasks of a plan in one query.
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    goal_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_goals.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    lead_department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)  # 牵头部门
    responsible_leader: Mapped[str] = mapped_column(sa.String(60), default="")  # 分管领导
    contact_name: Mapped[str] = mapped_column(sa.String(40), default="")  # 联系人
    contact_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    start_date: Mapped[date | None] = mapped_column(sa.Date)
    due_date: Mapped[date | None] = mapped_column(sa.Date, index=True)
    status: Mapped[TaskStatus] = mapped_column(str_enum(TaskStatus), default=TaskStatus.NOT_STARTED, index=True)
    progress: Mapped[int] = mapped_column(default=0)  # 0–100
    weight: Mapped[int] = mapped_column(default=1)
    completed_on: Mapped[date | None] = mapped_column(sa.Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    plan: Mapped[Plan] = relationship()
    goal: Mapped[Goal] = relationship(back_populates="tasks")
    lead_department: Mapped[Department] = relationship()
    department_rows: Mapped[list[TaskDepartment]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    milestones: Mapped[list[Milestone]] = relationship(
        back_populates="task", order_by="(Milestone.due_date, Milestone.id)", cascade="all, delete-orphan"
    )
    updates: Mapped[list[TaskUpdate]] = relationship(
        back_populates="task", order_by="TaskUpdate.id.desc()", cascade="all, delete-orphan"
    )

    @property
    def participating_departments(self) -> list[Department]:
        return [row.department for row in self.department_rows]

    def __repr__(self) -> str:
        return f"<Task {self.title}>"


class Milestone(db.Model):
    """A dated step of a task's 时间表与路线图."""

    __tablename__ = "plan_milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_tasks.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    due_date: Mapped[date]
    done: Mapped[bool] = mapped_column(default=False)
    done_on: Mapped[date | None] = mapped_column(sa.Date)

    task: Mapped[Task] = relationship(back_populates="milestones")


class TaskUpdate(db.Model):
    """Append-only history of a task: every progress report, status change and milestone tick."""

    __tablename__ = "plan_task_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_tasks.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    report_date: Mapped[date]  # the date the note speaks for (调度日期)
    old_progress: Mapped[int]
    new_progress: Mapped[int]
    old_status: Mapped[TaskStatus] = mapped_column(str_enum(TaskStatus))
    new_status: Mapped[TaskStatus] = mapped_column(str_enum(TaskStatus))
    note: Mapped[str] = mapped_column(sa.Text)
    milestone_changes: Mapped[str] = mapped_column(sa.Text, default="")  # e.g. "完成：出台实施细则"

    task: Mapped[Task] = relationship(back_populates="updates")
    actor: Mapped[User | None] = relationship()


class PlanVersion(db.Model):
    """A published version of a plan, frozen as a JSON snapshot of its whole structure."""

    __tablename__ = "plan_versions"
    __table_args__ = (sa.UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # 1, 2, 3 … in publishing order
    label: Mapped[str] = mapped_column(sa.String(20))  # e.g. "2.0"
    title: Mapped[str] = mapped_column(sa.String(120))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    plan: Mapped[Plan] = relationship(back_populates="versions")
    published_by: Mapped[User | None] = relationship()


class PlanStateChange(AppendOnly, db.Model):
    """Append-only record of a plan's state transitions (起草 → 答辩 → 修订 → 发布)."""

    __tablename__ = "plan_state_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    old_state: Mapped[PlanState] = mapped_column(str_enum(PlanState))
    new_state: Mapped[PlanState] = mapped_column(str_enum(PlanState))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    plan: Mapped[Plan] = relationship(back_populates="state_changes")
    actor: Mapped[User | None] = relationship()
