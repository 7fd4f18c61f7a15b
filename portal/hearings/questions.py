"""The live question queue: ask, vote, moderate, Now / Next. Every state change writes history and
takes the hearing's next seq in the same transaction; broadcasts follow the commit."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from flask import current_app
from limits import parse
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.attributes import set_committed_value

from portal.accounts.models import Role, User
from portal.accounts.permissions import can, require
from portal.actors import is_system
from portal.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, RateLimited
from portal.extensions import db
from portal.hearings import live, payloads, text
from portal.hearings.models import (
    Hearing,
    HearingState,
    PanelMember,
    Question,
    QuestionEvent,
    QuestionState,
    RaiserKind,
    Vote,
)
from portal.history import record
from portal.rooms import user_room
from portal.sockets import MAX_ID
from portal.statemachine import Machine, Transition, row
from portal.times import utcnow

ACCEPTING = (HearingState.SCHEDULED, HearingState.LIVE)  # questions may be sent in before the hearing opens
VOTABLE = (QuestionState.APPROVED, QuestionState.ANSWERING)


@dataclass
class AskResult:
    question: Question
    created: bool  # False: a retry with a client_id already used
    mine: dict[str, Any] = field(default_factory=dict)  # the asker's view, taken before the commit expires it
    public: bool = False


def _client_id(value: Any) -> str:
    value = str(value or "").strip()
    if not 1 <= len(value) <= 64:
        raise Invalid("缺少客户端编号（client_id）", field="client_id")
    return value


def _rate_limit(kind: str, user: User) -> None:
    storage = live.rate_limit_storage()
    if storage is None:
        return
    limit = _parse_limit(current_app.config.get(f"HEARING_{kind.upper()}_LIMIT") or DEFAULT_LIMITS[kind])
    if not storage.hit(limit, "hearings", kind, str(user.id)):
        what = "提问" if kind == "ask" else "投票"
        raise RateLimited(f"{what}过于频繁：每位用户{_describe(limit)}，请稍后再试")


DEFAULT_LIMITS = {"ask": "5 per minute", "vote": "60 per minute"}
_parse_limit = lru_cache(maxsize=32)(parse)  # parsed once, not on every vote


def _describe(limit) -> str:
    unit = {"second": "秒", "minute": "分钟", "hour": "小时", "day": "天"}.get(limit.GRANULARITY.name, "")
    per = f"每 {limit.multiples} {unit}" if limit.multiples > 1 else f"每{unit}"
    return f"{per}最多 {limit.amount} 次"


def asker_kind(user: User) -> RaiserKind:
    if user.has_role(Role.ENTREPRENEUR):
        return RaiserKind.ENTREPRENEUR
    if user.has_role(Role.OFFICIAL, Role.UNIT):
        return RaiserKind.DEPARTMENT
    return RaiserKind.CITIZEN


def _asker_name(user: User) -> str:
    if user.has_role(Role.ENTREPRENEUR) and user.enterprise is not None:
        return f"{user.display_name}（{user.enterprise.name}）"
    if user.has_role(Role.OFFICIAL, Role.UNIT) and user.department is not None:
        return f"{user.display_name}（{user.department.short_name}）"
    return user.display_name


def _broadcast(q: Question, merged: int | None = None) -> int:
    """Queue the events of one question change: public, moderators' and the asker's view, one seq."""
    seq = live.next_seq(q.hearing_id)
    db.session.flush()
    counts = payloads.counts(q.hearing_id)
    public = {"hearing_id": q.hearing_id, "seq": seq, "question": payloads.question(q, merged), "counts": counts}
    live.emit_after_commit("question", public, live.public_room(q.hearing_id))
    live.emit_after_commit(
        "moderation",
        {"hearing_id": q.hearing_id, "seq": seq, "question": payloads.moderation(q)},
        live.moderators_room(q.hearing_id),
    )
    live.emit_after_commit("mine", {"hearing_id": q.hearing_id, "question": payloads.mine(q)}, user_room(q.author_id))
    return seq


def _broadcast_slots(hearing: Hearing) -> None:
    seq = live.next_seq(hearing.id)
    live.emit_after_commit(
        "now", {"hearing_id": hearing.id, "seq": seq, **payloads.slots(hearing)}, live.public_room(hearing.id)
    )


def get_question(question_id: Any) -> Question:
    try:
        qid = int(question_id)
    except (TypeError, ValueError):
        qid = 0
    question = db.session.get(Question, qid) if 1 <= qid <= MAX_ID else None
    if question is None:
        raise NotFound("问题不存在")
    return question


def ask(actor: User | None, hearing: Hearing, raw_text: str, client_id: Any, anonymous: bool = False) -> AskResult:
    """Submit a question; a retry with the same client_id returns the first one."""
    require(actor, "hearings.ask", hearing)
    client_id = _client_id(client_id)
    refusal: DomainError | None = None
    if hearing.state not in ACCEPTING:
        refusal = Conflict("本场答辩已结束，不再接收提问")
    elif anonymous and not hearing.allow_anonymous:
        refusal = Invalid("本场答辩不接受匿名提问", field="anonymous")
    if refusal is not None:
        first = _first_ask(actor, client_id)  # a retry of a question accepted earlier still gets its answer
        if first is not None:
            return first
        raise refusal
    body = text.question_text(raw_text, hearing.max_question_length)
    flagged = text.sensitive_matches(body)
    # A question of the hearing's own panel (leaders questioning the plan's defenders) is on the record at
    # once: it is never held for moderation, and it is asked in the member's name and title.
    member = panel_seat(hearing, actor)
    if member is not None:
        state, anonymous = QuestionState.APPROVED, False
    else:
        state = QuestionState.PENDING if hearing.premoderation or flagged else QuestionState.APPROVED
    q = Question(
        hearing_id=hearing.id,
        author_id=actor.id,
        client_id=client_id,
        text=body,
        asker_kind=RaiserKind.LEADER if member is not None else asker_kind(actor),
        asker_name=_member_name(member) if member is not None else "匿名提问" if anonymous else _asker_name(actor),
        from_panel=member is not None,
        anonymous=anonymous,
        state=state,
        flagged="、".join(flagged),
        published_at=utcnow() if state == QuestionState.APPROVED else None,
    )
    db.session.add(q)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # a retry: the unique (author, client_id) holds the first question
        db.session.rollback()
        first = _first_ask(actor, client_id)
        if first is None:
            raise
        return first
    # Checked after the insert (no query for retries on the hot path), so a retry never counts; over the
    # limit, the question is taken back out.
    try:
        _rate_limit("ask", actor)
    except DomainError:
        db.session.rollback()
        raise
    # The hot path of a live hearing: the author is the actor (no query to load it for the moderators'
    # view), a new question has nothing merged into it, and the ack is built before the commit.
    set_committed_value(q, "author", actor)
    if member is not None:
        note = "答辩团成员提问，不经审核直接公开"
    else:
        note = f"含敏感词「{q.flagged}」，转人工审核" if flagged else ""
    record(QuestionEvent, actor, "ask", None, q.state, question_id=q.id, note=note)
    _broadcast(q, merged=0)
    result = AskResult(q, True, payloads.mine(q), q.state.public)
    db.session.commit()
    return result


def panel_seat(hearing: Hearing, actor: Any) -> PanelMember | None:
    """The actor's seat on the hearing's panel (答辩团), if they have one."""
    if actor is None or is_system(actor):
        return None
    return db.session.scalar(
        sa.select(PanelMember).where(PanelMember.hearing_id == hearing.id, PanelMember.user_id == actor.id).limit(1)
    )


def _member_name(member: PanelMember) -> str:
    return f"{member.name}（{member.title}）" if member.title else member.name


def _first_ask(actor: User, client_id: str) -> AskResult | None:
    first = db.session.scalar(
        sa.select(Question).where(Question.author_id == actor.id, Question.client_id == client_id)
    )
    if first is None:
        return None
    return AskResult(first, False, payloads.mine(first), first.state.public)


def _question_row(question_id: Any):
    """(hearing id, question state, hearing state) in one query: voting is the hot path."""
    try:
        qid = int(question_id)
    except (TypeError, ValueError):
        raise NotFound("问题不存在") from None
    if not 1 <= qid <= MAX_ID:
        raise NotFound("问题不存在")
    row = db.session.execute(
        sa.select(Question.id, Question.hearing_id, Question.state, Hearing.state)
        .join(Hearing, Hearing.id == Question.hearing_id)
        .where(Question.id == qid)
    ).first()
    if row is None:
        raise NotFound("问题不存在")
    return row


def _insert_vote(question_id: int, user_id: int, client_id: str) -> bool:
    """INSERT … ON CONFLICT DO NOTHING on (question, user): concurrent retries never duplicate."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = (
        insert(Vote.__table__)
        .values(question_id=question_id, user_id=user_id, client_id=client_id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["question_id", "user_id"])
        .returning(Vote.__table__.c.id)
    )
    return db.session.execute(stmt).first() is not None


def vote(actor: User | None, question_id: Any, client_id: Any) -> int:
    """One vote per user per question; voting again (a retry) changes nothing. Returns the question id."""
    require(actor, "hearings.vote")
    client_id = _client_id(client_id)
    qid, hearing_id, state, hearing_state = _question_row(question_id)
    if state not in VOTABLE or hearing_state not in ACCEPTING:
        if db.session.scalar(sa.select(Vote.id).where(Vote.question_id == qid, Vote.user_id == actor.id)):
            return qid
        raise Conflict("该问题当前不能投票")
    _rate_limit("vote", actor)
    if _insert_vote(qid, actor.id, client_id):
        db.session.execute(sa.update(Question).where(Question.id == qid).values(votes=Question.votes + 1))
        db.session.commit()
        live.mark_votes_dirty(hearing_id, qid)
    else:
        db.session.commit()
    return qid


def unvote(actor: User | None, question_id: Any, client_id: Any) -> int:
    """Withdraw one's vote; withdrawing a vote one does not have (a retry) changes nothing."""
    require(actor, "hearings.vote")
    _client_id(client_id)
    qid, hearing_id, _, hearing_state = _question_row(question_id)
    if hearing_state not in ACCEPTING:
        if db.session.scalar(sa.select(Vote.id).where(Vote.question_id == qid, Vote.user_id == actor.id)):
            raise Conflict("答辩已结束，投票不能再更改")
        return qid
    deleted = db.session.execute(sa.delete(Vote).where(Vote.question_id == qid, Vote.user_id == actor.id)).rowcount
    if deleted:
        db.session.execute(sa.update(Question).where(Question.id == qid).values(votes=Question.votes - deleted))
    db.session.commit()
    if deleted:
        live.mark_votes_dirty(hearing_id, qid)
    return qid


def queue_vote(actor: User | None, question_id: Any, client_id: Any, add: bool = True) -> int:
    """Vote or withdraw through this process's batch writer (the socket path); returns the question id."""
    from portal.hearings.votes import VoteRequest, batcher  # votes imports this module (its writer applies batches)

    require(actor, "hearings.vote")
    client_id = _client_id(client_id)
    try:
        qid = int(question_id)
    except (TypeError, ValueError):
        raise NotFound("问题不存在") from None
    if not 1 <= qid <= MAX_ID:  # no such row, and a number the database could not even compare
        raise NotFound("问题不存在")
    if add:
        _rate_limit("vote", actor)
    return batcher.submit(current_app._get_current_object(), VoteRequest(actor.id, qid, client_id, add))


def apply_votes(requests: list) -> None:
    """Write a batch of votes in one transaction: the last action per (user, question) wins, the
    counts move by the vote rows really written, every request gets its result or its error."""
    qids = {r.question_id for r in requests}
    # One query for the questions' states and the votes the batch's users already have on them.
    rows = db.session.execute(
        sa.select(Question.id, Question.hearing_id, Question.state, Hearing.state, Vote.user_id)
        .join(Hearing, Hearing.id == Question.hearing_id)
        .outerjoin(Vote, sa.and_(Vote.question_id == Question.id, Vote.user_id.in_({r.user_id for r in requests})))
        .where(Question.id.in_(qids))
    ).all()
    info = {qid: (hearing_id, state, hearing_state) for qid, hearing_id, state, hearing_state, _ in rows}
    existing = {(qid, user_id) for qid, _, _, _, user_id in rows if user_id is not None}
    final: dict[tuple[int, int], Any] = {}
    for r in requests:
        if r.question_id not in info:
            r.error = NotFound("问题不存在")
            continue
        _, state, hearing_state = info[r.question_id]
        key = (r.question_id, r.user_id)
        if r.add and key not in existing and (state not in VOTABLE or hearing_state not in ACCEPTING):
            r.error = Conflict("该问题当前不能投票")
            continue
        if not r.add and key in existing and hearing_state not in ACCEPTING:  # the counts are the record now
            r.error = Conflict("答辩已结束，投票不能再更改")
            continue
        r.result = r.question_id
        final[key] = r
    adds = [r for key, r in final.items() if r.add and key not in existing]
    removes = [key for key, r in final.items() if not r.add and key in existing]
    if adds:
        dialect = db.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        now = utcnow()
        values = [
            {"question_id": r.question_id, "user_id": r.user_id, "client_id": r.client_id, "created_at": now}
            for r in adds
        ]
        # executemany: one cached statement whatever the batch size (SQLAlchemy sends it as one
        # multi-row INSERT … RETURNING), where .values(rows) compiled a new statement for every batch.
        # RETURNING names the rows really inserted (a concurrent duplicate is skipped by ON CONFLICT).
        added = db.session.scalars(
            insert(Vote.__table__)
            .on_conflict_do_nothing(index_elements=["question_id", "user_id"])
            .returning(Vote.__table__.c.question_id),
            values,
        ).all()
    else:
        added = []
    removed = (
        db.session.scalars(
            sa.delete(Vote)
            .where(sa.tuple_(Vote.question_id, Vote.user_id).in_(removes))
            .returning(Vote.question_id)
            .execution_options(synchronize_session=False)
        ).all()
        if removes
        else []
    )
    # The count moves by the rows written, never recounted from the rows: a question's count may
    # include votes that have no row (counts carried over from the record of an earlier hearing).
    delta = Counter(added)
    delta.subtract(Counter(removed))
    touched = {qid for qid, n in delta.items() if n}
    if touched:
        db.session.execute(
            sa.update(Question)
            .where(Question.id.in_(touched))
            .values(votes=Question.votes + sa.case({qid: delta[qid] for qid in touched}, value=Question.id, else_=0))
            .execution_options(synchronize_session=False)
        )
    db.session.commit()
    for qid in touched:
        live.mark_votes_dirty(info[qid][0], qid)


def _hearing(q: Question) -> Hearing:
    return db.session.get(Hearing, q.hearing_id)


def _published(actor: User | None, q: Question, t: Transition, **params: Any) -> dict[str, Any]:
    q.published_at = utcnow()
    return {}


def _rejected(actor: User | None, q: Question, t: Transition, **params: Any) -> dict[str, Any]:
    reason = text.plain_text(params.get("reason") or "")
    if not reason:
        raise Invalid("请填写不予公开的理由（提问人可见）", field="reason")
    q.reject_reason = reason[:300]
    return {"note": q.reject_reason}


def _edited(actor: User | None, q: Question, t: Transition, **params: Any) -> dict[str, Any]:
    new_text = text.question_text(params.get("text") or "", _hearing(q).max_question_length)
    if new_text == q.text:
        raise Invalid("内容没有变化", field="text")
    before, q.text = q.text, new_text
    return {"text_before": before}


def _merged(actor: User | None, q: Question, t: Transition, **params: Any) -> dict[str, Any]:
    votes = q.votes
    target = _merge(q, params.get("into"), actor)
    return {"note": f"合并到问题 #{target.id}，{votes} 票并入（两题都投过的只计一次）"}


def _hidden(actor: User | None, q: Question, t: Transition, **params: Any) -> dict[str, Any]:
    hearing = _hearing(q)
    for slot in ("now_question_id", "next_question_id"):
        if getattr(hearing, slot) == q.id:
            setattr(hearing, slot, None)
    return {"note": text.plain_text(params.get("reason") or "")[:300]}


CLOSED_RECORD = {
    HearingState.CLOSED: "答辩已结束，提问记录不能再审核或修改",
    HearingState.ARCHIVED: "答辩已归档，记录不能再作任何修改",
}


def hearing_open(hearing: Hearing) -> str | None:
    """Why the questions of this hearing take no moderation any more (closed: the record; archived: nothing)."""
    return CLOSED_RECORD.get(hearing.state)


def _record_open(q: Question) -> str | None:
    return hearing_open(_hearing(q))


def question_menu(actor: User | None, hearing: Hearing) -> dict[str, list[str]]:
    """The question actions a console offers: none once the hearing is closed or archived."""
    return {} if hearing_open(hearing) else QUESTIONS.menu(actor, hearing)


def _may_answer_now(q: Question) -> str | None:
    hearing = _hearing(q)
    if (closed := hearing_open(hearing)) is not None:
        return closed
    if hearing.state != HearingState.LIVE:
        return "答辩尚未开始，不能开始回答"
    if hearing.now_question_id and hearing.now_question_id != q.id:
        return "请先将正在回答的问题标记为已回答"
    return None


def _answering(actor: User | None, q: Question, t: Transition, **params: Any) -> dict[str, Any]:
    hearing = _hearing(q)
    hearing.now_question_id = q.id
    if hearing.next_question_id == q.id:
        hearing.next_question_id = None
    return {}


def _answered(actor: User | None, q: Question, t: Transition, **params: Any) -> dict[str, Any]:
    q.answer_summary = text.plain_text(params.get("summary") or "")[:1000]
    q.answered_at = utcnow()
    hearing = _hearing(q)
    if hearing.now_question_id == q.id:
        hearing.now_question_id = None
    return {"note": q.answer_summary}


def _queued_next(actor: User | None, q: Question, t: Transition, **params: Any) -> dict[str, Any]:
    _hearing(q).next_question_id = q.id
    return {}


def _may_take(q: Question) -> str | None:
    if q.state == QuestionState.ANSWERING:
        if (closed := _record_open(q)) is not None:
            return closed
        if q.answerer is not None:
            return f"该问题已由{q.answerer.name}回答"
        return None
    return _may_answer_now(q)


def _seat(hearing: Hearing, actor: User | None, member_id: Any = None) -> PanelMember:
    """The panel member acting (SYSTEM names one: the demo loader)."""
    member = _panel_member(hearing, member_id) if is_system(actor) else panel_seat(hearing, actor)
    if member is None:
        raise Forbidden("您不是本场答辩团成员")
    return member


def _panel_member(hearing: Hearing, member_id: Any) -> PanelMember:
    try:
        mid = int(member_id)
    except (TypeError, ValueError):
        mid = 0
    member = next((p for p in hearing.panel if p.id == mid), None)
    if member is None:
        raise Invalid("请选择本场答辩团的成员", field="member")
    return member


def _taken(actor: User | None, q: Question, t: Transition, **params: Any) -> dict[str, Any]:
    """我来回答: a member of the panel takes the question; an approved one becomes the one answered now."""
    hearing = _hearing(q)
    member = _seat(hearing, actor, params.get("member"))
    if q.state == QuestionState.APPROVED:
        _answering(actor, q, t)
    q.answerer = member
    q.state = QuestionState.ANSWERING
    return {"note": f"{_member_label(member)}：我来回答"}


def _reassigned(actor: User | None, q: Question, t: Transition, **params: Any) -> dict[str, Any]:
    """The host gives the question to another member of the panel (改派)."""
    member = _panel_member(_hearing(q), params.get("member"))
    if q.answerer_id == member.id:
        raise Conflict(f"该问题已由{member.name}回答")
    before = _member_label(q.answerer) if q.answerer is not None else "未指定"
    q.answerer = member
    return {"note": f"改由{_member_label(member)}回答（原：{before}）"}


def _panel_answered(actor: User | None, q: Question, t: Transition, **params: Any) -> dict[str, Any]:
    """The answering member records the answer's summary (a host's clerk uses ``answered``)."""
    hearing = _hearing(q)
    member = _seat(hearing, actor, params.get("member") or q.answerer_id)
    if q.answerer_id != member.id:
        raise Forbidden("只有正在回答该问题的答辩团成员可以记录答复")
    if not text.plain_text(params.get("summary") or ""):
        raise Invalid("请填写答复摘要", field="summary")
    return _answered(actor, q, t, **params)


def _member_label(member: PanelMember) -> str:
    return f"{member.name}（{member.department_name or member.title}）"


def _own(actor: User | None, q: Question) -> None:
    if not is_system(actor) and q.author_id != actor.id:
        raise Forbidden("只能修改或撤回自己的提问")


def _revised(actor: User | None, q: Question, t: Transition, **params: Any) -> dict[str, Any]:
    """The asker corrects their question while it waits for moderation; the text before stays in history."""
    _own(actor, q)
    return _edited(actor, q, t, **params)


def _withdrawn(actor: User | None, q: Question, t: Transition, **params: Any) -> dict[str, Any]:
    _own(actor, q)
    return {"note": text.plain_text(params.get("reason") or "")[:300]}


def _recorded(actor: User | None, q: Question, t: Transition, before: QuestionState, extra: dict[str, Any]) -> None:
    record(QuestionEvent, actor, t.action, before, q.state, question_id=q.id, **extra)


Q = QuestionState
MODERATE, HOST, PANEL, ASKER = "hearings.moderate", "hearings.host", "hearings.panel", "hearings.ask"

# pending → approved → answering → answered; pending → rejected; approved → merged (into another);
# approved|answered → hidden; an edit keeps the state and the original text in history; "next" puts an
# approved question in the host's Next slot. Once the hearing is closed its questions are the record: no
# action applies (the guards), and an archived hearing takes nothing at all.
QUESTIONS = Machine(
    "hearings.question",
    "Hearing questions (答辩提问)",
    (
        row("approve", "通过", Q.PENDING, Q.APPROVED, MODERATE, effect=_published, guard=_record_open),
        row(
            "reject",
            "不予公开",
            Q.PENDING,
            Q.REJECTED,
            MODERATE,
            effect=_rejected,
            needs_reason=True,
            guard=_record_open,
        ),
        row("edit", "修改错字", {Q.PENDING, Q.APPROVED}, None, MODERATE, effect=_edited, guard=_record_open),
        row("merge", "合并为重复", Q.APPROVED, Q.MERGED, MODERATE, effect=_merged, guard=_record_open),
        row("hide", "隐藏", {Q.APPROVED, Q.ANSWERED}, Q.HIDDEN, MODERATE, effect=_hidden, guard=_record_open),
        row("next", "排到下一个", Q.APPROVED, None, HOST, effect=_queued_next, guard=_record_open),
        row("answering", "开始回答", Q.APPROVED, Q.ANSWERING, HOST, effect=_answering, guard=_may_answer_now),
        row("answered", "标记已回答", Q.ANSWERING, Q.ANSWERED, HOST, effect=_answered, guard=_record_open),
        row(
            "take",
            "我来回答",
            {Q.APPROVED, Q.ANSWERING},
            Q.ANSWERING,
            PANEL,
            effect=_taken,
            guard=_may_take,
            derived=True,
        ),
        row("reassign", "改派", {Q.APPROVED, Q.ANSWERING}, None, HOST, effect=_reassigned, guard=_record_open),
        row("answer", "记录答复", Q.ANSWERING, Q.ANSWERED, PANEL, effect=_panel_answered, guard=_record_open),
        row("revise", "修改提问", Q.PENDING, None, ASKER, effect=_revised, guard=_record_open),
        row("withdraw", "撤回提问", Q.PENDING, Q.WITHDRAWN, ASKER, effect=_withdrawn, guard=_record_open),
    ),
    can=can,
    subject=_hearing,
    states=list(QuestionState),
    refusal="问题当前为「{state}」，不能「{action}」",
    unknown="未知的审核操作",
    record=_recorded,
    who_labels={
        MODERATE: "moderators, hosts",
        HOST: "hosts",
        PANEL: "members of the hearing's panel (answer: the member answering it)",
        ASKER: "the question's asker",
    },
    notes="every action writes a question event; the Now / Next slots follow answering, take, answered, answer, "
    "hide and next; a panel member takes an approved question when none is answered, or the one answered now "
    "when nobody has taken it; no action once the hearing is closed or archived.",
)
SLOT_ACTIONS = frozenset({"next", "answering", "answered", "hide", "take", "reassign", "answer"})


def moderate(actor: User | None, question_id: Any, action: str, **params: Any) -> Question:
    """Apply one row of ``QUESTIONS`` (moderators' and hosts' actions, the panel's take and answer, the
    asker's revise and withdraw)."""
    q = get_question(question_id)
    QUESTIONS.fire(actor, q, action, **params)
    if action != "next":  # the question itself is unchanged when it only takes the Next slot
        _broadcast(q)
    if action in SLOT_ACTIONS:
        _broadcast_slots(_hearing(q))
    db.session.commit()
    return q


def _merge(q: Question, into: Any, actor: User | None) -> Question:
    """Merge a duplicate: its votes move to the target, each voter of either question counted once,
    both askers kept. The target's count grows by the duplicate's count less the voters of both (the
    count, not a recount of vote rows: seeded and imported counts carry no rows)."""
    target = get_question(into)
    if target.id == q.id or target.hearing_id != q.hearing_id:
        raise Invalid("请选择本场答辩中的另一个问题", field="into")
    if target.state not in (QuestionState.APPROVED, QuestionState.ANSWERING, QuestionState.ANSWERED):
        raise Conflict("只能合并到已公开的问题")
    on_target = sa.select(Vote.user_id).where(Vote.question_id == target.id)
    both = db.session.execute(
        sa.delete(Vote)
        .where(Vote.question_id == q.id, Vote.user_id.in_(on_target))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.execute(
        sa.update(Vote)
        .where(Vote.question_id == q.id)
        .values(question_id=target.id)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(target)
    db.session.refresh(q)
    before, added = target.votes, max(q.votes - both, 0)
    db.session.execute(
        sa.update(Question)
        .where(Question.id == target.id)
        .values(votes=Question.votes + added)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        sa.update(Question).where(Question.id == q.id).values(votes=0).execution_options(synchronize_session=False)
    )
    db.session.refresh(target)
    db.session.refresh(q)
    q.merged_into_id, q.state = target.id, QuestionState.MERGED
    note = f"合并入问题 #{q.id}（提问人：{q.asker_name}），票数 {before} → {target.votes}"
    record(QuestionEvent, actor, "merge_in", target.state, target.state, question_id=target.id, note=note)
    _broadcast(target)
    return target


def set_next(actor: User | None, hearing: Hearing, q: Question) -> Question:
    """Put an approved question into the Next slot (the host's queue of one)."""
    return moderate(actor, q.id, "next")


def answered_next(actor: User | None, hearing: Hearing, summary: str = "") -> Question | None:
    """ "Answered, next" in one action: the current question is answered, Next becomes Now."""
    require(actor, "hearings.host", hearing)
    if hearing.state != HearingState.LIVE:
        raise Conflict("答辩未在进行中")
    if hearing.now_question_id is None and hearing.next_question_id is None:
        raise Conflict("没有正在回答或排在下一个的问题")
    if hearing.now_question_id is not None:
        moderate(actor, hearing.now_question_id, "answered", summary=summary)
    if hearing.next_question_id is not None:
        return moderate(actor, hearing.next_question_id, "answering")
    return None
