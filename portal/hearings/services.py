"""Hearings: create, open and close, snapshots for clients, transcripts; commitments re-exported.

Question operations (ask, vote, moderate, Now / Next) live in ``portal.hearings.questions``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from portal.accounts.models import User
from portal.accounts.permissions import can, require
from portal.errors import Invalid, NotFound, get_or_raise
from portal.extensions import db
from portal.hearings import live, payloads, polls
from portal.hearings.commitments import (  # noqa: F401  (part of this module's interface)
    commitments_for_hearing,
    commitments_for_plan,
    commitments_for_task,
    flag_commitment,
    update_commitment,
)
from portal.hearings.models import (
    PUBLIC_STATES,
    Hearing,
    HearingEvent,
    HearingKind,
    HearingState,
    PanelMember,
    Question,
    QuestionState,
    Raiser,
    RaiserKind,
    Vote,
)
from portal.history import record
from portal.statemachine import Machine, Transition, row
from portal.times import to_local, utcnow


@dataclass
class PanelData:
    name: str
    title: str
    department_id: int | None = None
    user_id: int | None = None
    is_lead: bool = False


@dataclass
class HearingData:
    kind: HearingKind
    title: str
    starts_at: datetime
    plan_id: int | None = None
    summary: str = ""
    place: str = ""
    ends_at: datetime | None = None
    livestream_url: str = ""
    agenda: str = ""
    premoderation: bool = True
    allow_anonymous: bool = False
    max_question_length: int = 300
    panel: list[PanelData] = field(default_factory=list)
    raisers: list[tuple[RaiserKind, str, str]] = field(default_factory=list)  # (kind, name, organisation)


def set_people(hearing: Hearing, data: HearingData) -> None:
    """The hearing's panel (答辩团) and question-raisers, in the order given, replacing what it had. A member who
    stays (same account, or same name without one) keeps their seat, so the questions they took keep their
    answerer when the hearing is edited."""
    seats = {(p.user_id, p.name if p.user_id is None else ""): p for p in hearing.panel}
    panel = []
    for i, p in enumerate(data.panel):
        seat = seats.pop((p.user_id, p.name if p.user_id is None else ""), None) or PanelMember()
        seat.name, seat.title, seat.department_id = p.name, p.title, p.department_id
        seat.user_id, seat.is_lead, seat.sort_order = p.user_id, p.is_lead, i
        panel.append(seat)
    hearing.panel = panel
    hearing.raisers = [Raiser(kind=k, name=n, organisation=o, sort_order=i) for i, (k, n, o) in enumerate(data.raisers)]


def create_hearing(actor: User | None, data: HearingData) -> Hearing:
    """Schedule a hearing (the demo loader and CLI act as SYSTEM)."""
    require(actor, "hearings.manage")
    if not data.title.strip():
        raise Invalid("请填写答辩名称", field="title")
    if data.livestream_url and not data.livestream_url.startswith(("https://", "http://")):
        raise Invalid("直播地址须以 https:// 开头", field="livestream_url")
    if not 20 <= data.max_question_length <= 2000:
        raise Invalid("问题字数上限应在 20 到 2000 之间", field="max_question_length")
    hearing = Hearing(
        kind=data.kind,
        title=data.title.strip(),
        plan_id=data.plan_id,
        summary=data.summary,
        place=data.place,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        livestream_url=data.livestream_url,
        agenda=data.agenda,
        premoderation=data.premoderation,
        allow_anonymous=data.allow_anonymous,
        max_question_length=data.max_question_length,
        projector_token=secrets.token_urlsafe(18),
    )
    set_people(hearing, data)
    db.session.add(hearing)
    db.session.commit()
    return hearing


def get_hearing(hearing_id: int) -> Hearing:
    return get_or_raise(Hearing, hearing_id, "答辩不存在")


def hearing_by_token(hearing_id: int, token: str) -> Hearing:
    hearing = db.session.get(Hearing, hearing_id)
    if hearing is None or not secrets.compare_digest(hearing.projector_token.encode(), (token or "").encode()):
        raise NotFound("投屏地址无效")
    return hearing


def list_hearings(states: tuple[HearingState, ...] | None = None) -> list[Hearing]:
    stmt = sa.select(Hearing)
    if states:
        stmt = stmt.where(Hearing.state.in_(states))
    order = sa.case({HearingState.LIVE.value: 0, HearingState.SCHEDULED.value: 1}, value=Hearing.state, else_=2)
    return list(db.session.scalars(stmt.order_by(order, Hearing.starts_at.desc())))


def hearings_for_plan(plan_id: int) -> list[Hearing]:
    return list(db.session.scalars(sa.select(Hearing).where(Hearing.plan_id == plan_id).order_by(Hearing.starts_at)))


def broadcast(hearing: Hearing) -> None:
    """Take the next seq (so cached snapshots renew) and tell connected clients after commit."""
    seq = live.next_seq(hearing.id)
    data = {"hearing_id": hearing.id, "seq": seq, "hearing": payloads.hearing(hearing)}
    data["counts"] = payloads.counts(hearing.id)
    live.emit_after_commit("hearing", data, live.public_room(hearing.id))


# -- the hearing's state: one table ------------------------------------------------------------------------------
# scheduled → live → closed → archived; hosts open and close a hearing, and may reopen one closed by mistake
# within REOPEN_WITHIN of its closing; hosts and admins archive a closed one (the public record).

REOPEN_WITHIN = timedelta(days=1)
HOST, MANAGE = "hearings.host", "hearings.manage"


def _opened(actor: User | None, hearing: Hearing, t: Transition) -> str:
    hearing.opened_at = utcnow()
    return ""


def _closed(actor: User | None, hearing: Hearing, t: Transition) -> str:
    hearing.closed_at = utcnow()
    return ""


def _within_reopen_window(hearing: Hearing) -> str | None:
    if hearing.closed_at is None or utcnow() - hearing.closed_at > REOPEN_WITHIN:
        return "答辩结束已超过一天，不能重新开始；如需继续，请新建一场答辩"
    return None


def _reopened(actor: User | None, hearing: Hearing, t: Transition) -> str:
    note = f"误结束后重新开始（原结束时间 {to_local(hearing.closed_at):%Y-%m-%d %H:%M}）"
    hearing.closed_at = None
    return note


def _recorded(actor: User | None, hearing: Hearing, t: Transition, before: HearingState, note: str | None) -> None:
    record(HearingEvent, actor, t.action, before, hearing.state, hearing_id=hearing.id, note=note or "")


H = HearingState
HEARINGS = Machine(
    "hearings.hearing",
    "Hearings (公开答辩)",
    (
        row("open", "开始答辩", H.SCHEDULED, H.LIVE, HOST, effect=_opened),
        row("close", "结束答辩", H.LIVE, H.CLOSED, HOST, effect=_closed),
        row("reopen", "重新开始答辩", H.CLOSED, H.LIVE, HOST, effect=_reopened, guard=_within_reopen_window),
        row("archive", "归档", H.CLOSED, H.ARCHIVED, MANAGE),
    ),
    can=can,
    states=list(HearingState),
    refusal="答辩当前状态为「{state}」，不能{action}",
    unknown="未知操作",
    record=_recorded,
    who_labels={HOST: "hosts", MANAGE: "hosts, administrators"},
    notes="every change is written to the hearing's history and pushed to connected clients; reopening only "
    "within a day of closing.",
)


def change_state(actor: User | None, hearing: Hearing, action: str) -> Hearing:
    """Open, close, reopen (within a day of closing) or archive a hearing: one row of ``HEARINGS``, written to
    the hearing's history and broadcast (the CLI acts as SYSTEM)."""
    HEARINGS.fire(actor, hearing, action)
    if hearing.state == HearingState.CLOSED:
        polls.close_open_polls(actor, hearing)  # the record is final: open polls close with the hearing
    broadcast(hearing)
    db.session.commit()
    return hearing


def hearing_history(hearing: Hearing) -> list[HearingEvent]:
    return list(
        db.session.scalars(
            sa.select(HearingEvent).where(HearingEvent.hearing_id == hearing.id).order_by(HearingEvent.id)
        )
    )


def panel_by_role(hearing: Hearing) -> list[PanelMember]:
    return sorted(hearing.panel, key=lambda p: (not p.is_lead, p.sort_order))


def raisers_by_kind(hearing: Hearing) -> list[tuple[RaiserKind, list[Raiser]]]:
    groups: dict[RaiserKind, list[Raiser]] = {}
    for raiser in hearing.raisers:
        groups.setdefault(raiser.kind, []).append(raiser)
    return [(kind, groups[kind]) for kind in RaiserKind if kind in groups]


def public_questions(hearing: Hearing, order: str = "votes") -> list[Question]:
    stmt = sa.select(Question).where(Question.hearing_id == hearing.id, Question.state.in_(PUBLIC_STATES))
    if order == "time":
        stmt = stmt.order_by(Question.created_at.desc(), Question.id.desc())
    else:
        stmt = stmt.order_by(Question.votes.desc(), Question.created_at.asc(), Question.id.asc())
    return list(db.session.scalars(stmt))


# The public part of a hearing's snapshot, per process, valid while the hearing's seq is unchanged:
# every change that a snapshot shows takes a seq, so a join costs one query while nothing happens.
# (Keyed by id and the random projector token, so a recreated row with a reused id never matches.)
_public_snapshots: dict[tuple[int, str], tuple[int, dict[str, Any]]] = {}


def _public_snapshot(hearing: Hearing, seq: int) -> dict[str, Any]:
    key = (hearing.id, hearing.projector_token)
    cached = _public_snapshots.get(key)
    if cached is not None and cached[0] == seq:
        return cached[1]
    db.session.refresh(hearing)
    merged = payloads.merged_counts(hearing.id)
    data = {
        "ok": True,
        "seq": seq,
        "hearing": payloads.hearing(hearing),
        "questions": [payloads.question(q, merged.get(q.id, 0)) for q in public_questions(hearing, "time")],
        "counts": payloads.counts(hearing.id),
        "commitments": [payloads.commitment(c) for c in commitments_for_hearing(hearing.id)],
        **payloads.slots(hearing),
    }
    _public_snapshots[key] = (seq, data)
    return data


def snapshot(hearing: Hearing, user: User | None) -> dict[str, Any]:
    """Everything a client shows, with the seq it is current to (read first: later events are newer)."""
    seq = live.current_seq(hearing.id)
    data: dict[str, Any] = {
        **_public_snapshot(hearing, seq),
        "presence": live.presence.count(hearing.id),
        "mine": [],
        "voted": [],
        "pending": [],
    }
    if user is not None and user.is_authenticated:
        own = db.session.scalars(
            sa.select(Question)
            .where(Question.hearing_id == hearing.id, Question.author_id == user.id)
            .order_by(Question.id.desc())
        )
        data["mine"] = [payloads.mine(q) for q in own]
        data["voted"] = list(
            db.session.scalars(
                sa.select(Vote.question_id)
                .join(Question, Question.id == Vote.question_id)
                .where(Question.hearing_id == hearing.id, Vote.user_id == user.id)
            )
        )
        if can(user, "hearings.moderate", hearing):
            pending = db.session.scalars(
                sa.select(Question)
                .where(Question.hearing_id == hearing.id, Question.state == QuestionState.PENDING)
                .order_by(Question.id)
            )
            data["pending"] = [payloads.moderation(q) for q in pending]
    return data


def transcript(hearing: Hearing) -> list[dict[str, Any]]:
    """Every question of a closed hearing: state, votes, answer and commitments; unpublished text withheld."""
    commitments: dict[int, list] = {}
    for c in commitments_for_hearing(hearing.id):
        if c.question_id:
            commitments.setdefault(c.question_id, []).append(c)
    rows = []
    questions = db.session.scalars(
        sa.select(Question).where(Question.hearing_id == hearing.id).order_by(Question.created_at, Question.id)
    )
    for q in questions:
        shown = q.state in PUBLIC_STATES or q.state == QuestionState.MERGED
        rows.append(
            {
                "id": q.id,
                "asked_at": local_iso(q.created_at),
                "asker": q.asker_name if shown else "",
                "kind": q.asker_kind.label,
                "text": q.text if shown else "",
                "state": q.state.value,
                "state_label": q.state.label,
                "reason": q.reject_reason,
                "merged_into": q.merged_into_id,
                "votes": q.votes,
                "answer_summary": q.answer_summary,
                "answerer": _answerer_label(q.answerer) if q.answerer_id and shown else "",
                "from_panel": q.from_panel,
                "answered_at": local_iso(q.answered_at),
                "commitments": [
                    {
                        "text": c.text,
                        "department": c.department.name,
                        "due_date": c.due_date.isoformat(),
                        "status": c.status.label,
                    }
                    for c in commitments.get(q.id, [])
                ],
            }
        )
    return rows


def _answerer_label(member: PanelMember | None) -> str:
    if member is None:
        return ""
    where = " · ".join(part for part in (member.title, member.department_name) if part)
    return f"{member.name}（{where}）" if where else member.name


def local_iso(value: datetime | None) -> str | None:
    """Beijing time with its offset, as the pages show times: 2026-12-20T09:05:00+08:00."""
    return to_local(value).isoformat(timespec="seconds") if value else None


def transcript_available(hearing: Hearing) -> bool:
    return hearing.state in (HearingState.CLOSED, HearingState.ARCHIVED)
