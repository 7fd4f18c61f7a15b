"""What clients receive: question, hearing and count payloads shared by snapshots and events."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.hearings.models import (
    PUBLIC_STATES,
    Commitment,
    Hearing,
    HearingState,
    PanelMember,
    Question,
    QuestionState,
)
from portal.hearings.text import held_reason
from portal.times import to_local


def _time(value) -> str | None:
    return to_local(value).strftime("%H:%M") if value else None


def merged_counts(hearing_id: int) -> dict[int, int]:
    rows = db.session.execute(
        sa.select(Question.merged_into_id, sa.func.count())
        .where(Question.hearing_id == hearing_id, Question.state == QuestionState.MERGED)
        .group_by(Question.merged_into_id)
    )
    return {into: n for into, n in rows if into is not None}


def question(q: Question, merged: int | None = None) -> dict[str, Any]:
    """The public view of a question; questions not (or no longer) public show only their state."""
    if q.state not in PUBLIC_STATES:
        return {"id": q.id, "visible": False, "state": q.state.value, "merged_into": q.merged_into_id}
    if merged is None:
        merged = db.session.scalar(
            sa.select(sa.func.count()).where(Question.merged_into_id == q.id, Question.state == QuestionState.MERGED)
        )
    return {
        "id": q.id,
        "visible": True,
        "text": q.text,
        "asker": q.asker_name,
        "kind": q.asker_kind.value,
        "kind_label": q.asker_kind.label,
        "state": q.state.value,
        "state_label": q.state.label,
        "votes": q.votes,
        "time": _time(q.published_at or q.created_at),
        "created_at": q.created_at.isoformat(),
        "answer_summary": q.answer_summary,
        "merged_count": merged or 0,
        "answerer": member(q.answerer) if q.answerer_id else None,
        "from_panel": q.from_panel,
    }


def member(p: PanelMember | None) -> dict[str, Any] | None:
    """A member of the panel as pages show who answers: name, title, department."""
    if p is None:
        return None
    return {"id": p.id, "name": p.name, "title": p.title, "department": p.department_name, "lead": p.is_lead}


def moderation(q: Question) -> dict[str, Any]:
    """A moderator's view: every state, the text, the sensitive words that held it back."""
    return {
        "id": q.id,
        "text": q.text,
        "asker": q.asker_name,
        "author": q.author.display_name,
        "kind_label": q.asker_kind.label,
        "state": q.state.value,
        "state_label": q.state.label,
        "flagged": q.flagged,
        "votes": q.votes,
        "time": _time(q.created_at),
        "reject_reason": q.reject_reason,
        "merged_into": q.merged_into_id,
        "answerer": member(q.answerer) if q.answerer_id else None,
        "from_panel": q.from_panel,
    }


def mine(q: Question) -> dict[str, Any]:
    """The asker's own view, with the moderator's reason when it was not published."""
    return {
        "id": q.id,
        "text": q.text,
        "state": q.state.value,
        "state_label": q.state.label,
        "reject_reason": q.reject_reason,
        "held_reason": held_reason(q.flagged) if q.state == QuestionState.PENDING else "",
        "merged_into": q.merged_into_id,
        "time": _time(q.created_at),
        "editable": q.state == QuestionState.PENDING,  # the asker may revise or withdraw it until approved
    }


def counts(hearing_id: int) -> dict[str, int]:
    """已收到 N 条：公开 M 条（the ones listed），合并、隐藏、待审核、不予公开: the parts add up to what
    was received, so that nothing disappears silently."""
    rows = dict(
        db.session.execute(
            sa.select(Question.state, sa.func.count()).where(Question.hearing_id == hearing_id).group_by(Question.state)
        ).all()
    )
    by_state = {QuestionState(k): v for k, v in rows.items()}
    return {
        "received": sum(by_state.values()),
        "public": sum(by_state.get(s, 0) for s in PUBLIC_STATES),
        "merged": by_state.get(QuestionState.MERGED, 0),
        "hidden": by_state.get(QuestionState.HIDDEN, 0),
        "pending": by_state.get(QuestionState.PENDING, 0),
        "rejected": by_state.get(QuestionState.REJECTED, 0),
        "withdrawn": by_state.get(QuestionState.WITHDRAWN, 0),
        "answered": by_state.get(QuestionState.ANSWERED, 0),
    }


def hearing(h: Hearing) -> dict[str, Any]:
    return {
        "id": h.id,
        "title": h.title,
        "kind": h.kind.value,
        "kind_label": h.kind.label,
        "state": h.state.value,
        "state_label": h.state.label,
        "premoderation": h.premoderation,
        "allow_anonymous": h.allow_anonymous,
        "max_question_length": h.max_question_length,
        "place": h.place,
        "schedule": schedule(h),
        "livestream_url": h.livestream_url,
    }


def schedule(h: Hearing) -> str:
    """The times as the pages show them (Beijing time): an ended hearing its real start and end
    (opened and closed, which may differ from the plan), others the planned schedule."""
    if h.state in (HearingState.CLOSED, HearingState.ARCHIVED) and h.opened_at and h.closed_at:
        return f"{_span(h.opened_at, h.closed_at)}（实际起止）"
    return _span(h.starts_at, h.ends_at) if h.ends_at and h.ends_at >= h.starts_at else _span(h.starts_at, None)


def _span(start, end) -> str:
    start, end = to_local(start), to_local(end) if end else None
    text = start.strftime("%Y-%m-%d %H:%M")
    if end is None:
        return text
    return f"{text} – {end.strftime('%H:%M' if end.date() == start.date() else '%Y-%m-%d %H:%M')}"


def slots(h: Hearing) -> dict[str, Any]:
    now = db.session.get(Question, h.now_question_id) if h.now_question_id else None
    nxt = db.session.get(Question, h.next_question_id) if h.next_question_id else None
    return {"now": question(now) if now else None, "next": question(nxt) if nxt else None}


def commitment(c: Commitment) -> dict[str, Any]:
    """A commitment as the tables list it (the hearing page, the host console); the page builds its links."""
    due = c.due_date
    return {
        "id": c.id,
        "text": c.text,
        "question_id": c.question_id,
        "department": c.department.short_name,
        "due_date": due.isoformat(),
        "due_label": f"{due.year}年{due.month}月{due.day}日",
        "status": c.status.value,
        "status_label": c.status.label,
        "status_css": c.status.css,
        "source_label": c.hearing.kind.label,
    }
