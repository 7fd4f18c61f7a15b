"""Comments on a draft's sections: write, moderate (the hearing questions' queue rules), support (附议), answer.

A comment waits for a moderator when the consultation moderates first (先审后发) or when it holds a sensitive
word (``portal.moderation``); otherwise it is public at once. Moderators approve, reject (with a reason the
commenter reads) or hide; the drafting department answers each public comment 采纳 / 部分采纳 / 不采纳 with a
reason, and may name the section the comment changed. Every step writes a ``ConsultationEvent``.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.accounts.models import Role, User
from portal.accounts.permissions import can, require
from portal.consultation.models import (
    Answer,
    Comment,
    CommentState,
    Consultation,
    ConsultationEvent,
    ConsultationState,
    Section,
    Support,
)
from portal.consultation.services import section_of
from portal.errors import Conflict, Invalid, NotFound
from portal.extensions import db
from portal.history import record
from portal.moderation import held_for_review, plain_text
from portal.statemachine import Machine, Transition, row
from portal.times import utcnow

MODERATE, ANSWER = "consultation.moderate", "consultation.answer"
MIN_LENGTH = 5
ANONYMOUS_NAME = "匿名"


def commenter_name(user: User) -> str:
    """How a comment is signed in public (as hearing questions are): the display name, with the enterprise of an
    entrepreneur or the department of an official."""
    if user.has_role(Role.ENTREPRENEUR) and user.enterprise is not None:
        return f"{user.display_name}（{user.enterprise.name}）"
    if user.has_role(Role.OFFICIAL, Role.UNIT) and user.department is not None:
        return f"{user.display_name}（{user.department.short_name}）"
    return user.display_name


def comment_text(raw: str, max_length: int) -> str:
    text = plain_text(raw)
    if len(text) < MIN_LENGTH:
        raise Invalid(f"意见内容太短，请至少写 {MIN_LENGTH} 个字", field="text")
    if len(text) > max_length:
        raise Invalid(f"意见不能超过 {max_length} 字（当前 {len(text)} 字）", field="text")
    return text


def add_comment(actor: Any, c: Consultation, section_id: Any, raw_text: str, anonymous: bool = False) -> Comment:
    """A comment on one section, public at once or held for a moderator."""
    require(actor, "consultation.comment", c)
    section = section_of(c, section_id)
    if not c.accepting(utcnow()):
        if c.state == ConsultationState.OPEN and utcnow() < c.opens_at:
            raise Conflict("征求意见尚未开始")
        raise Conflict("征求意见已截止，不再接收意见")
    text = comment_text(raw_text, c.max_comment_length)
    held, flagged = held_for_review(c.premoderation, text)
    comment = Comment(
        consultation_id=c.id,
        section_id=section.id,
        author_id=actor.id,
        author_name=ANONYMOUS_NAME if anonymous else commenter_name(actor),
        anonymous=bool(anonymous),
        text=text,
        state=CommentState.PENDING if held else CommentState.APPROVED,
        flagged="、".join(flagged)[:200],
        published_at=None if held else utcnow(),
    )
    db.session.add(comment)
    db.session.flush()
    note = f"含敏感词「{comment.flagged}」，转人工审核" if flagged else ""
    record(
        ConsultationEvent, actor, "comment", None, comment.state, consultation_id=c.id, comment_id=comment.id, note=note
    )
    db.session.commit()
    return comment


def get_comment(comment_id: Any) -> Comment:
    comment = db.session.get(Comment, comment_id) if isinstance(comment_id, int) else None
    if comment is None:
        raise NotFound("该意见不存在")
    return comment


def _consultation(comment: Comment) -> Consultation:
    return db.session.get(Consultation, comment.consultation_id)


def _record_open(comment: Comment) -> str | None:
    """Once the report is published the comments are its record: no moderation or answer changes them."""
    c = _consultation(comment)
    if c.state == ConsultationState.PUBLISHED:
        return "采纳情况已公布，意见记录不能再修改"
    if c.state == ConsultationState.DRAFT:
        return "征求意见尚未发布"
    return None


def _approved(actor: Any, comment: Comment, t: Transition, **params: Any) -> dict[str, Any]:
    comment.published_at = utcnow()
    return {}


def _reason(params: dict[str, Any], message: str) -> str:
    reason = plain_text(params.get("reason") or "")
    if not reason:
        raise Invalid(message, field="reason")
    return reason[:300]


def _rejected(actor: Any, comment: Comment, t: Transition, **params: Any) -> dict[str, Any]:
    comment.reject_reason = _reason(params, "请填写不予公开的理由（意见人可见）")
    return {"note": comment.reject_reason}


def _hidden(actor: Any, comment: Comment, t: Transition, **params: Any) -> dict[str, Any]:
    comment.reject_reason = _reason(params, "请填写隐藏的理由（意见人可见）")
    return {"note": comment.reject_reason}


def _answered(actor: Any, comment: Comment, t: Transition, **params: Any) -> dict[str, Any]:
    try:
        answer = Answer(params.get("answer") or "")
    except ValueError:
        raise Invalid("请选择采纳、部分采纳或不采纳", field="answer") from None
    reason = plain_text(params.get("reason") or "")
    if not reason:
        raise Invalid("请填写答复理由（公开）", field="reason")
    if len(reason) > 2000:
        raise Invalid(f"答复理由不能超过 2000 字（当前 {len(reason)} 字）", field="reason")
    changed = params.get("changed_section_id")
    section: Section | None = None
    if changed not in (None, "", 0):
        section = db.session.get(Section, changed) if isinstance(changed, int) else None
        if section is None or section.consultation_id != comment.consultation_id:
            raise Invalid("修改的章节不属于本次征求意见", field="changed_section_id")
    if answer == Answer.NOT_ADOPTED:
        section = None  # a comment not adopted changed nothing (the form preselects the comment's own section)
    was = comment.answer
    comment.answer, comment.answer_reason = answer, reason
    comment.changed_section_id = section.id if section is not None else None
    comment.answered_by_id, comment.answered_at = getattr(actor, "id", None), utcnow()
    where = f"；修改了{section.heading}" if section is not None else ""
    again = f"（原为{was.label}）" if was is not None else ""
    return {"note": f"{answer.label}{again}：{reason[:200]}{where}"}


def _recorded(actor: Any, comment: Comment, t: Transition, before: Any, extra: dict[str, Any] | None) -> None:
    record(
        ConsultationEvent,
        actor,
        t.action,
        before,
        comment.state,
        consultation_id=comment.consultation_id,
        comment_id=comment.id,
        **(extra or {}),
    )


C = CommentState
# pending → approved | rejected (reason); approved → hidden (reason); an approved comment is answered (again,
# until the report is published) without changing its state. Nothing changes once the report is published.
COMMENTS = Machine(
    "consultation.comment",
    "Consultation comments (征求意见)",
    (
        row("approve", "通过", C.PENDING, C.APPROVED, MODERATE, effect=_approved, guard=_record_open),
        row(
            "reject",
            "不予公开",
            C.PENDING,
            C.REJECTED,
            MODERATE,
            effect=_rejected,
            needs_reason=True,
            guard=_record_open,
        ),
        row("hide", "隐藏", C.APPROVED, C.HIDDEN, MODERATE, effect=_hidden, needs_reason=True, guard=_record_open),
        row("answer", "答复", C.APPROVED, None, ANSWER, effect=_answered, needs_reason=True, guard=_record_open),
    ),
    can=can,
    subject=_consultation,
    states=list(CommentState),
    refusal="意见当前为「{state}」，不能「{action}」",
    unknown="未知的操作",
    record=_recorded,
    who_labels={MODERATE: "moderators, admins", ANSWER: "editors and officials of the drafting department, admins"},
    notes="held for moderation as hearing questions are (先审后发, or a sensitive word); answered 采纳 / 部分采纳 / "
    "不采纳 with a reason; no action once the report is published.",
)


def act(actor: Any, comment_id: Any, action: str, **params: Any) -> Comment:
    """Apply one row of ``COMMENTS`` (approve, reject, hide, answer)."""
    comment = get_comment(comment_id)
    COMMENTS.fire(actor, comment, action, **params)
    db.session.commit()
    return comment


def support(actor: Any, comment_id: Any, add: bool = True) -> Comment:
    """附议 a public comment while the consultation takes comments; one per person, retractable."""
    require(actor, "consultation.comment")
    comment = get_comment(comment_id)
    if comment.state != CommentState.APPROVED:
        raise NotFound("该意见不存在")
    if not _consultation(comment).accepting(utcnow()):
        raise Conflict("征求意见已截止，附议不能再更改")
    if comment.author_id == actor.id:
        raise Conflict("不能附议自己的意见")
    mine = db.session.scalar(sa.select(Support).where(Support.comment_id == comment.id, Support.user_id == actor.id))
    if add and mine is None:
        db.session.add(Support(comment_id=comment.id, user_id=actor.id))
        db.session.flush()
    elif not add and mine is not None:
        db.session.delete(mine)
        db.session.flush()
    comment.supports = db.session.scalar(sa.select(sa.func.count()).where(Support.comment_id == comment.id))
    db.session.commit()
    return comment


def supported_by(user: Any, c: Consultation) -> set[int]:
    """Ids of the comments of ``c`` that ``user`` supports."""
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        db.session.scalars(
            sa.select(Support.comment_id)
            .join(Comment, Comment.id == Support.comment_id)
            .where(Comment.consultation_id == c.id, Support.user_id == user.id)
        )
    )


def public_comments(c: Consultation) -> list[Comment]:
    """The approved comments, by section, most supported first."""
    return list(
        db.session.scalars(
            sa.select(Comment)
            .where(Comment.consultation_id == c.id, Comment.state == CommentState.APPROVED)
            .order_by(Comment.section_id, Comment.supports.desc(), Comment.id)
        )
    )


def own_comments(user: Any, c: Consultation) -> list[Comment]:
    """The viewer's comments that the public does not see (pending, rejected, hidden), with why."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        db.session.scalars(
            sa.select(Comment)
            .where(Comment.consultation_id == c.id, Comment.author_id == user.id, Comment.state != C.APPROVED)
            .order_by(Comment.id)
        )
    )


def queue(c: Consultation, state: CommentState) -> list[Comment]:
    return list(
        db.session.scalars(
            sa.select(Comment).where(Comment.consultation_id == c.id, Comment.state == state).order_by(Comment.id)
        )
    )


def history(comment: Comment) -> list[ConsultationEvent]:
    return list(
        db.session.scalars(
            sa.select(ConsultationEvent)
            .where(ConsultationEvent.comment_id == comment.id)
            .order_by(ConsultationEvent.id)
        )
    )
