"""Consultations: create from a plan or a policy draft, open, close, publish the report; read them.

Every operation takes the acting user explicitly (a ``User``, ``None`` for anonymous, ``SYSTEM`` for the demo
and the CLI) and decides who may through ``portal.accounts.permissions``. State changes go through the
``CONSULTATIONS`` table and write a ``ConsultationEvent`` in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Department
from portal.accounts.permissions import can, require
from portal.consultation import drafts
from portal.consultation.models import (
    Comment,
    CommentState,
    Consultation,
    ConsultationEvent,
    ConsultationState,
    Section,
    SubjectKind,
)
from portal.errors import Conflict, Invalid, NotFound
from portal.extensions import db
from portal.history import record
from portal.moderation import plain_text
from portal.plans.public import plan_draft
from portal.policies.public import policy_draft
from portal.statemachine import Machine, Transition, row
from portal.times import utcnow

MANAGE = "consultation.manage"
MAX_DAYS = 180  # a period longer than half a year is a typo
MIN_MINUTES = 60


@dataclass
class ConsultationData:
    """What the drafting department supplies to open a draft for comment."""

    kind: SubjectKind | str
    subject_id: int
    title: str = ""
    summary: str = ""
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    department_id: int | None = None
    premoderation: bool = True
    max_comment_length: int = 1000


def _period(opens_at: datetime | None, closes_at: datetime | None) -> tuple[datetime, datetime]:
    if opens_at is None or closes_at is None:
        raise Invalid("请填写征求意见的开始和截止时间", field="opens_at" if opens_at is None else "closes_at")
    if closes_at - opens_at < timedelta(minutes=MIN_MINUTES):
        raise Invalid("截止时间应晚于开始时间至少 1 小时", field="closes_at")
    if closes_at - opens_at > timedelta(days=MAX_DAYS):
        raise Invalid(f"征求意见期不能超过 {MAX_DAYS} 天", field="closes_at")
    return opens_at, closes_at


def _draft(kind: SubjectKind, subject_id: int) -> tuple[str, str, int | None, dict[str, Any], list]:
    """(title, version label, the drafter's department, the snapshot kept, the sections) of the subject."""
    if kind == SubjectKind.PLAN:
        plan = plan_draft(subject_id)
        return (
            plan.title,
            f"{plan.version_label} 征求意见稿",
            plan.lead_department_id,
            plan.snapshot,
            drafts.plan_sections(plan.snapshot),
        )
    policy = policy_draft(subject_id)
    if not policy.is_draft:
        raise Conflict("只有草稿状态的政策文件可以征求意见")
    snap = {"title": policy.title, "doc_number": policy.doc_number, "version": policy.version, "text": policy.body_text}
    return policy.title, f"第 {policy.version} 版草案", None, snap, drafts.policy_sections(policy.body_text)


def create_consultation(actor: Any, data: ConsultationData) -> Consultation:
    """A consultation in 准备中 on the subject's text as it is now, cut into sections."""
    try:
        kind = SubjectKind(data.kind)
    except ValueError:
        raise Invalid("请选择征求意见的对象（作战方案或政策草案）", field="kind") from None
    require(actor, MANAGE, data.department_id)
    title, label, drafter, snap, sections = _draft(kind, data.subject_id)
    department_id = data.department_id or drafter or getattr(actor, "department_id", None)
    if department_id is None or db.session.get(Department, department_id) is None:
        raise Invalid("请选择起草部门", field="department_id")
    require(actor, MANAGE, department_id)
    if not sections:
        raise Invalid("草案没有可以征求意见的内容（作战方案没有攻坚战，或文件没有正文）", field="subject_id")
    opens_at, closes_at = _period(data.opens_at, data.closes_at)
    if not 100 <= data.max_comment_length <= 5000:
        raise Invalid("意见字数上限应在 100 到 5000 之间", field="max_comment_length")
    heading = plain_text(data.title)[:200] or f"关于《{title}》（征求意见稿）公开征求意见"
    c = Consultation(
        kind=kind,
        plan_id=data.subject_id if kind == SubjectKind.PLAN else None,
        policy_id=data.subject_id if kind == SubjectKind.POLICY else None,
        title=heading,
        summary=plain_text(data.summary)[:5000],
        department_id=department_id,
        opens_at=opens_at,
        closes_at=closes_at,
        premoderation=bool(data.premoderation),
        max_comment_length=data.max_comment_length,
        draft_label=label,
        draft=snap,
        created_by_id=getattr(actor, "id", None),
    )
    c.sections = [
        Section(
            position=i,
            key=s.key,
            level=s.level,
            number=s.number,
            title=s.title[:300],
            body=s.body,
            context=s.context[:300],
        )
        for i, s in enumerate(sections)
    ]
    db.session.add(c)
    db.session.flush()
    record(ConsultationEvent, actor, "create", None, c.state, consultation_id=c.id)
    db.session.commit()
    return c


# -- the state machine ---------------------------------------------------------------------------------------


def _still_ahead(c: Consultation) -> str | None:
    return "截止时间已过，请先修改征求意见期" if c.closes_at <= utcnow() else None


def _closed(actor: Any, c: Consultation, t: Transition, **params: Any) -> dict[str, Any]:
    c.closed_at = utcnow()
    return {}


def unfinished(c: Consultation) -> tuple[int, int]:
    """(comments waiting for a moderator, public comments without an answer)."""
    rows = db.session.execute(
        sa.select(Comment.state, Comment.answer.is_(None), sa.func.count())
        .where(Comment.consultation_id == c.id)
        .group_by(Comment.state, Comment.answer.is_(None))
    ).all()
    pending = sum(n for state, _, n in rows if state == CommentState.PENDING)
    unanswered = sum(n for state, no_answer, n in rows if state == CommentState.APPROVED and no_answer)
    return pending, unanswered


def _all_answered(c: Consultation) -> str | None:
    pending, unanswered = unfinished(c)
    if pending or unanswered:
        return f"还有 {pending} 条意见待审核、{unanswered} 条意见未答复，全部处理后才能公布采纳情况"
    return None


def _published(actor: Any, c: Consultation, t: Transition, **params: Any) -> dict[str, Any]:
    c.report_note = plain_text(params.get("note") or "")[:5000]
    c.published_at = utcnow()
    return {"note": c.report_note[:300]}


def _recorded(actor: Any, c: Consultation, t: Transition, before: Any, extra: dict[str, Any] | None) -> None:
    record(ConsultationEvent, actor, t.action, before, c.state, consultation_id=c.id, **(extra or {}))


S = ConsultationState
# draft → open (comments between opens_at and closes_at) → closed → published (the 意见采纳情况 report).
CONSULTATIONS = Machine(
    "consultation",
    "Consultations on a draft (征求意见)",
    (
        row("open", "发布征求意见", S.DRAFT, S.OPEN, MANAGE, guard=_still_ahead),
        row("close", "截止征求意见", S.OPEN, S.CLOSED, MANAGE, effect=_closed),
        row("publish", "公布采纳情况", S.CLOSED, S.PUBLISHED, MANAGE, effect=_published, guard=_all_answered),
    ),
    can=can,
    states=list(ConsultationState),
    refusal="征求意见当前为「{state}」，不能「{action}」",
    unknown="未知的操作",
    record=_recorded,
    who_labels={MANAGE: "editors of the drafting department, admins"},
    notes="comments are taken while open and between opens_at and closes_at; the report is published once no "
    "comment waits for moderation or for an answer.",
)


def change_state(actor: Any, consultation_id: int, action: str, **params: Any) -> Consultation:
    c = get_consultation(actor, consultation_id)
    CONSULTATIONS.fire(actor, c, action, **params)
    db.session.commit()
    return c


# -- reading ---------------------------------------------------------------------------------------------------


def get_consultation(viewer: Any, consultation_id: Any) -> Consultation:
    """The consultation; one still being prepared exists only for those who may manage or answer it."""
    c = db.session.get(Consultation, consultation_id) if isinstance(consultation_id, int) else None
    if c is None or (c.state == ConsultationState.DRAFT and not may_answer(viewer, c)):
        raise NotFound("该征求意见不存在")
    return c


def may_answer(viewer: Any, c: Consultation) -> bool:
    return can(viewer, MANAGE, c) or can(viewer, "consultation.answer", c)


def list_consultations(viewer: Any) -> list[Consultation]:
    """Open ones first, then the rest newest first; ones being prepared only for those who may see them."""
    rows = db.session.scalars(sa.select(Consultation).order_by(Consultation.opens_at.desc(), Consultation.id.desc()))
    order = {S.OPEN: 0, S.DRAFT: 1, S.CLOSED: 2, S.PUBLISHED: 3}
    seen = [c for c in rows if c.state != S.DRAFT or may_answer(viewer, c)]
    return sorted(seen, key=lambda c: order[c.state])


def for_plan(plan_id: int) -> list[Consultation]:
    return list(
        db.session.scalars(
            sa.select(Consultation)
            .where(Consultation.plan_id == plan_id, Consultation.state != S.DRAFT)
            .order_by(Consultation.opens_at.desc())
        )
    )


def for_policy(policy_id: int) -> list[Consultation]:
    return list(
        db.session.scalars(
            sa.select(Consultation)
            .where(Consultation.policy_id == policy_id, Consultation.state != S.DRAFT)
            .order_by(Consultation.opens_at.desc())
        )
    )


def section_of(c: Consultation, section_id: Any) -> Section:
    section = db.session.get(Section, section_id) if isinstance(section_id, int) else None
    if section is None or section.consultation_id != c.id:
        raise NotFound("该章节不存在")
    return section


def manageable_departments(actor: Any) -> list[Department]:
    """The departments ``actor`` may open consultations for: every one for admins, their own for editors."""
    departments = db.session.scalars(sa.select(Department).order_by(Department.id)).all()
    return [d for d in departments if can(actor, MANAGE, d.id)]
