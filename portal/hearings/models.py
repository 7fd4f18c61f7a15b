"""Hearings (公开答辩 / 公开质询), their panel, the live question queue, votes and commitments."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Department, User
from portal.extensions import db, str_enum
from portal.history import History
from portal.times import UTCDateTime, utcnow


class HearingKind(enum.StrEnum):
    DEFENSE = "defense"  # 公开答辩: a plan defended before it is adopted
    INQUIRY = "inquiry"  # 公开质询: the yearly review of how a plan was carried out

    @property
    def label(self) -> str:
        return {"defense": "公开答辩", "inquiry": "公开质询"}[self.value]


class HearingState(enum.StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    CLOSED = "closed"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return {"scheduled": "即将开始", "live": "正在直播", "closed": "已结束", "archived": "已归档"}[self.value]

    @property
    def css(self) -> str:
        return {
            "scheduled": "status-info",
            "live": "status-danger",
            "closed": "status-muted",
            "archived": "status-muted",
        }[self.value]


class RaiserKind(enum.StrEnum):
    """Who raises a question: the kinds the articles name, plus the public."""

    LEADER = "leader"  # 市级领导
    DEPARTMENT = "department"  # 部门
    ENTREPRENEUR = "entrepreneur"  # 企业家
    EXPERT = "expert"  # 专家学者
    CITIZEN = "citizen"  # 市民
    MEDIA = "media"  # 媒体

    @property
    def label(self) -> str:
        return RAISER_LABELS[self]


RAISER_LABELS = {
    RaiserKind.LEADER: "市级领导",
    RaiserKind.DEPARTMENT: "部门",
    RaiserKind.ENTREPRENEUR: "企业家",
    RaiserKind.EXPERT: "专家学者",
    RaiserKind.CITIZEN: "市民",
    RaiserKind.MEDIA: "媒体",
}


class QuestionState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    ANSWERING = "answering"
    ANSWERED = "answered"
    REJECTED = "rejected"
    MERGED = "merged"
    HIDDEN = "hidden"
    WITHDRAWN = "withdrawn"  # 撤回: by its asker, before it was approved

    @property
    def label(self) -> str:
        return {
            "pending": "待审核",
            "approved": "已公开",
            "answering": "正在回答",
            "answered": "已回答",
            "rejected": "未通过",
            "merged": "已合并",
            "hidden": "已隐藏",
            "withdrawn": "已撤回",
        }[self.value]

    @property
    def public(self) -> bool:
        return self in PUBLIC_STATES


PUBLIC_STATES = frozenset({QuestionState.APPROVED, QuestionState.ANSWERING, QuestionState.ANSWERED})


class CommitmentStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {"not_started": "未开始", "in_progress": "推进中", "done": "已完成", "overdue": "逾期"}[self.value]

    @property
    def css(self) -> str:
        return {
            "not_started": "status-muted",
            "in_progress": "status-info",
            "done": "status-ok",
            "overdue": "status-danger",
        }[self.value]


class Hearing(db.Model):
    __tablename__ = "hearings"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    kind: Mapped[HearingKind] = mapped_column(str_enum(HearingKind))
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    place: Mapped[str] = mapped_column(sa.String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    livestream_url: Mapped[str] = mapped_column(sa.String(300), default="")
    agenda: Mapped[str] = mapped_column(sa.Text, default="")  # one item per line: "09:00 主持人宣布开始"
    state: Mapped[HearingState] = mapped_column(str_enum(HearingState), default=HearingState.SCHEDULED)
    premoderation: Mapped[bool] = mapped_column(default=True)
    allow_anonymous: Mapped[bool] = mapped_column(default=False)
    max_question_length: Mapped[int] = mapped_column(default=300)
    projector_token: Mapped[str] = mapped_column(sa.String(40), unique=True)
    # Monotonic event counter: every broadcast of this hearing takes the next value in its transaction.
    seq: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    now_question_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hearing_questions.id", use_alter=True))
    next_question_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hearing_questions.id", use_alter=True))
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    panel: Mapped[list[PanelMember]] = relationship(
        back_populates="hearing", order_by="PanelMember.sort_order", cascade="all, delete-orphan"
    )
    raisers: Mapped[list[Raiser]] = relationship(
        back_populates="hearing", order_by="Raiser.sort_order", cascade="all, delete-orphan"
    )
    commitments: Mapped[list[Commitment]] = relationship(back_populates="hearing", order_by="Commitment.id")

    @property
    def agenda_items(self) -> list[tuple[str, str]]:
        items = []
        for line in self.agenda.splitlines():
            line = line.strip()
            if line:
                time_part, _, rest = line.partition(" ")
                items.append((time_part, rest) if rest and ":" in time_part else ("", line))
        return items

    @property
    def is_open(self) -> bool:
        return self.state == HearingState.LIVE


class HearingEvent(History, db.Model):
    """Append-only history of a hearing's state: opened, closed, reopened, archived, by whom and when."""

    __tablename__ = "hearing_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(sa.ForeignKey("hearings.id", ondelete="CASCADE"), index=True)


class PanelMember(db.Model):
    """A member of the 答辩团: the vice mayor in charge and the heads of implementing departments."""

    __tablename__ = "hearing_panel_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(sa.ForeignKey("hearings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(sa.String(40))
    title: Mapped[str] = mapped_column(sa.String(80))  # 副市长, 市行政审批局局长
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id"))
    is_lead: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)

    hearing: Mapped[Hearing] = relationship(back_populates="panel")
    department: Mapped[Department | None] = relationship()

    @property
    def department_name(self) -> str:
        return self.department.short_name if self.department is not None else ""


class Raiser(db.Model):
    """An invited question-raiser (提问人) of a given kind: leader, department, enterprise, expert, media."""

    __tablename__ = "hearing_raisers"

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(sa.ForeignKey("hearings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RaiserKind] = mapped_column(str_enum(RaiserKind))
    name: Mapped[str] = mapped_column(sa.String(80))
    organisation: Mapped[str] = mapped_column(sa.String(120), default="")
    sort_order: Mapped[int] = mapped_column(default=0)

    hearing: Mapped[Hearing] = relationship(back_populates="raisers")


class Question(db.Model):
    __tablename__ = "hearing_questions"
    __table_args__ = (sa.UniqueConstraint("author_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(sa.ForeignKey("hearings.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    client_id: Mapped[str] = mapped_column(sa.String(64))  # generated by the client: retries never duplicate
    text: Mapped[str] = mapped_column(sa.Text)
    asker_kind: Mapped[RaiserKind] = mapped_column(str_enum(RaiserKind))
    asker_name: Mapped[str] = mapped_column(sa.String(80))  # shown publicly; "匿名提问" when anonymous
    anonymous: Mapped[bool] = mapped_column(default=False)
    state: Mapped[QuestionState] = mapped_column(str_enum(QuestionState), default=QuestionState.PENDING, index=True)
    flagged: Mapped[str] = mapped_column(sa.String(200), default="")  # sensitive words that routed it to moderation
    reject_reason: Mapped[str] = mapped_column(sa.String(300), default="")
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hearing_questions.id"))
    answer_summary: Mapped[str] = mapped_column(sa.Text, default="")
    # The panel member (答辩团成员) who took the question (我来回答) or to whom the host gave it.
    answerer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hearing_panel_members.id", ondelete="SET NULL"))
    from_panel: Mapped[bool] = mapped_column(default=False)  # asked by a member of the hearing's panel (答辩团提问)
    votes: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    author: Mapped[User] = relationship()
    answerer: Mapped[PanelMember | None] = relationship()
    merged_into: Mapped[Question | None] = relationship(remote_side=[id])
    history: Mapped[list[QuestionEvent]] = relationship(order_by="QuestionEvent.id", viewonly=True)


class QuestionEvent(History, db.Model):
    """Append-only history of a question: every transition and every edit (with the text before)."""

    __tablename__ = "hearing_question_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("hearing_questions.id", ondelete="CASCADE"), index=True)
    text_before: Mapped[str | None] = mapped_column(sa.Text)


class Vote(db.Model):
    __tablename__ = "hearing_votes"
    __table_args__ = (sa.UniqueConstraint("question_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("hearing_questions.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    client_id: Mapped[str] = mapped_column(sa.String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Commitment(db.Model):
    """承诺事项: a promise made in an answer, tracked until done; the plan and the 公开质询 list it."""

    __tablename__ = "hearing_commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(sa.ForeignKey("hearings.id"), index=True)
    question_id: Mapped[int | None] = mapped_column(sa.ForeignKey("hearing_questions.id"))
    plan_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plans.id"), index=True)
    # The plan task (攻坚任务) the promise belongs to, where there is one: the commitment follows its progress.
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("plan_tasks.id", ondelete="SET NULL"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("departments.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    due_date: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[CommitmentStatus] = mapped_column(str_enum(CommitmentStatus), default=CommitmentStatus.NOT_STARTED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    hearing: Mapped[Hearing] = relationship(back_populates="commitments")
    question: Mapped[Question | None] = relationship()
    department: Mapped[Department] = relationship()
    updates: Mapped[list[CommitmentUpdate]] = relationship(order_by="CommitmentUpdate.id", viewonly=True)


class CommitmentUpdate(db.Model):
    """Append-only history of a commitment's status, each change with a dated note."""

    __tablename__ = "hearing_commitment_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(sa.ForeignKey("hearing_commitments.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    from_status: Mapped[str | None] = mapped_column(sa.String(20))
    to_status: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[User | None] = relationship()

    @property
    def from_label(self) -> str:
        return CommitmentStatus(self.from_status).label if self.from_status else ""

    @property
    def to_label(self) -> str:
        return CommitmentStatus(self.to_status).label


# --- the hall takes part: live polls, presence samples, the hearings an inquiry reviews ------------------------


class PollState(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"draft": "未开始", "open": "进行中", "closed": "已结束"}[self.value]


MAX_POLL_OPTIONS = 10  # an answer keeps its choices as one bit per option


class Poll(db.Model):
    """现场表决 / 快速调查: a single- or multiple-choice question the host puts to the hall."""

    __tablename__ = "hearing_polls"
    __table_args__ = (sa.UniqueConstraint("hearing_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(sa.ForeignKey("hearings.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(sa.String(64))  # a retried create never makes a second poll
    question: Mapped[str] = mapped_column(sa.String(200))
    multiple: Mapped[bool] = mapped_column(default=False)
    allow_anonymous: Mapped[bool] = mapped_column(default=False)  # one answer per browser without an account
    state: Mapped[PollState] = mapped_column(str_enum(PollState), default=PollState.DRAFT)
    results_shown: Mapped[bool] = mapped_column(default=False)
    # Every event about this poll carries the next version: clients keep the newest only.
    version: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    options: Mapped[list[PollOption]] = relationship(
        order_by="PollOption.position", cascade="all, delete-orphan", lazy="selectin"
    )


class PollOption(db.Model):
    __tablename__ = "hearing_poll_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("hearing_polls.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()  # 0 … MAX_POLL_OPTIONS - 1: the option's bit in an answer
    label: Mapped[str] = mapped_column(sa.String(100))


class PollAnswer(db.Model):
    """One answer per account, or per browser (a signed device token) where the poll allows anonymous answers:
    the unique constraints hold that whatever the number of processes."""

    __tablename__ = "hearing_poll_answers"
    __table_args__ = (sa.UniqueConstraint("poll_id", "user_id"), sa.UniqueConstraint("poll_id", "device"))

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("hearing_polls.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    device: Mapped[str | None] = mapped_column(sa.String(40))
    choices: Mapped[int] = mapped_column()  # bit i set: option at position i chosen
    client_id: Mapped[str] = mapped_column(sa.String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PollEvent(History, db.Model):
    """Append-only history of a poll: created, opened, results shown or hidden, closed."""

    __tablename__ = "hearing_poll_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(sa.ForeignKey("hearing_polls.id", ondelete="CASCADE"), index=True)


class PresenceSample(db.Model):
    """How many were watching a live hearing, once a minute (the analytics' audience curve)."""

    __tablename__ = "hearing_presence_samples"
    __table_args__ = (sa.UniqueConstraint("hearing_id", "minute"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hearing_id: Mapped[int] = mapped_column(sa.ForeignKey("hearings.id", ondelete="CASCADE"), index=True)
    minute: Mapped[datetime] = mapped_column(UTCDateTime)
    count: Mapped[int] = mapped_column()


class HearingReview(db.Model):
    """A 公开质询 (inquiry) reviews the commitments made at earlier hearings."""

    __tablename__ = "hearing_reviews"
    __table_args__ = (sa.UniqueConstraint("inquiry_id", "reviewed_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    inquiry_id: Mapped[int] = mapped_column(sa.ForeignKey("hearings.id", ondelete="CASCADE"), index=True)
    reviewed_id: Mapped[int] = mapped_column(sa.ForeignKey("hearings.id", ondelete="CASCADE"), index=True)
