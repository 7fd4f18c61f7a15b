"""Live polls (现场表决 / 快速调查): the host puts a single- or multiple-choice question to the hall.

* The host creates a poll (a draft, or opened at once), opens it, shows or hides its results, closes it: one
  table, ``POLLS``, every step written to the poll's history (``PollEvent``).
* Viewers answer once: an account once per poll, a browser without an account once per poll where the host
  allows anonymous answers (a signed device token the page's script keeps in the browser and sends with its
  answers; anonymous pages set no cookie, so that a proxy may cache them). The unique constraints of
  ``hearing_poll_answers`` hold that, whatever the number of processes; a retry with the same ``client_id`` gets
  the first answer back.
* Answers from sockets are written in batches (as votes are: ``AnswerBatcher``); results are not sent per answer:
  an answer marks its poll dirty and the live queue's tick sends the totals, read from the database, as one
  ``poll_results`` event per poll — to the moderators' room while the results are hidden, to everyone once the
  host shows them.
* Every event about a poll carries the poll's ``version`` (taken in the transaction of the change): clients keep
  the newest. Polls do not take the hearing's ``seq``, so the question queue's clients never see a gap for them.
"""

from __future__ import annotations

import logging
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from portal.accounts.models import User
from portal.accounts.permissions import can, require
from portal.errors import Conflict, DomainError, Invalid, NotFound, Unauthorized, Unavailable, is_unavailable
from portal.extensions import db, socketio
from portal.hearings import live
from portal.hearings.models import (
    MAX_POLL_OPTIONS,
    Hearing,
    HearingState,
    Poll,
    PollAnswer,
    PollEvent,
    PollOption,
    PollState,
)
from portal.history import record
from portal.sockets import MAX_ID
from portal.statemachine import Machine, Transition, row
from portal.times import utcnow

log = logging.getLogger(__name__)

HOST = "hearings.host"
MAX_QUESTION = 200
MAX_OPTION = 100


# --- the anonymous browser's device token -------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="hearings.poll-device")


def new_device_token() -> str:
    """A signed random device id for a browser without an account (``GET /hearings/device-token``; the page's
    script keeps it in the browser's storage and sends it with its answers)."""
    return _serializer().dumps(secrets.token_hex(16))


def device_from_token(value: Any) -> str | None:
    """The device id of a signed token, None when absent or not signed by this site."""
    if not isinstance(value, str) or not value or len(value) > 200:
        return None
    try:
        device = _serializer().loads(value)
    except BadSignature:
        return None
    return device if isinstance(device, str) and len(device) == 32 else None


# --- reading ----------------------------------------------------------------------------------------------------


def get_poll(poll_id: Any) -> Poll:
    try:
        pid = int(poll_id)
    except (TypeError, ValueError):
        pid = 0
    poll = db.session.get(Poll, pid) if 1 <= pid <= MAX_ID else None
    if poll is None:
        raise NotFound("表决不存在")
    return poll


def hearing_polls(hearing_id: int, *, public: bool = True) -> list[Poll]:
    stmt = sa.select(Poll).where(Poll.hearing_id == hearing_id)
    if public:
        stmt = stmt.where(Poll.state != PollState.DRAFT)
    return list(db.session.scalars(stmt.order_by(Poll.id)))


def results(poll_ids: list[int]) -> dict[int, tuple[int, list[int]]]:
    """poll id → (answers, count per option position), counted from the answer rows in one query."""
    if not poll_ids:
        return {}
    columns = [
        sa.func.coalesce(sa.func.sum(sa.case((PollAnswer.choices.op("&")(1 << i) != 0, 1), else_=0)), 0)
        for i in range(MAX_POLL_OPTIONS)
    ]
    rows = db.session.execute(
        sa.select(PollAnswer.poll_id, sa.func.count(), *columns)
        .where(PollAnswer.poll_id.in_(poll_ids))
        .group_by(PollAnswer.poll_id)
    ).all()
    found = {r[0]: (int(r[1]), [int(n) for n in r[2:]]) for r in rows}
    return {pid: found.get(pid, (0, [0] * MAX_POLL_OPTIONS)) for pid in poll_ids}


def payload(poll: Poll, counted: tuple[int, list[int]] | None = None, *, host: bool = False) -> dict[str, Any]:
    """A poll as clients show it; the results only for the host's view or once the host has shown them."""
    data: dict[str, Any] = {
        "id": poll.id,
        "hearing_id": poll.hearing_id,
        "version": poll.version,
        "question": poll.question,
        "multiple": poll.multiple,
        "allow_anonymous": poll.allow_anonymous,
        "state": poll.state.value,
        "state_label": poll.state.label,
        "results_shown": poll.results_shown,
        "options": [{"id": o.id, "label": o.label} for o in poll.options],
    }
    if host or poll.results_shown:
        total, per_position = counted if counted is not None else results([poll.id])[poll.id]
        data["total"] = total
        data["counts"] = {str(o.id): per_position[o.position] for o in poll.options}
    return data


def results_payload(poll: Poll, counted: tuple[int, list[int]]) -> dict[str, Any]:
    total, per_position = counted
    return {
        "hearing_id": poll.hearing_id,
        "poll_id": poll.id,
        "version": poll.version,
        "total": total,
        "counts": {str(o.id): per_position[o.position] for o in poll.options},
    }


def choice_ids(poll: Poll, mask: int) -> list[int]:
    return [o.id for o in poll.options if mask & (1 << o.position)]


def my_answers(hearing_id: int, user: User | None, device: str | None) -> dict[str, list[int]]:
    """poll id → the option ids this account (or, without one, this browser) chose."""
    if user is None and device is None:
        return {}
    who = PollAnswer.user_id == user.id if user is not None else PollAnswer.device == device
    rows = db.session.execute(
        sa.select(PollAnswer.poll_id, PollAnswer.choices)
        .join(Poll, Poll.id == PollAnswer.poll_id)
        .where(Poll.hearing_id == hearing_id, who)
    ).all()
    polls = {p.id: p for p in hearing_polls(hearing_id)}
    return {str(pid): choice_ids(polls[pid], mask) for pid, mask in rows if pid in polls}


def state_for(hearing: Hearing, user: User | None, device: str | None) -> dict[str, Any]:
    """What a client shows of the hearing's polls: every poll (drafts for the host), results as allowed, and the
    client's own answers."""
    host = can(user, HOST, hearing)
    polls = hearing_polls(hearing.id, public=not host)
    counted = results([p.id for p in polls])
    return {
        "ok": True,
        "host": host,
        "polls": [payload(p, counted[p.id], host=host) for p in polls],
        "mine": my_answers(hearing.id, user, device),
        "can_answer_anonymously": device is not None,
    }


def transcript_polls(hearing: Hearing) -> list[dict[str, Any]]:
    """The polls of the hearing's record: every poll put to the hall, with its final results (the transcript is
    public once the hearing has ended)."""
    put = hearing_polls(hearing.id)
    counted = results([p.id for p in put])
    return [payload(p, counted[p.id], host=True) for p in put]


# --- broadcasting -----------------------------------------------------------------------------------------------


def next_version(poll: Poll) -> int:
    stmt = (
        sa.update(Poll)
        .where(Poll.id == poll.id)
        .values(version=Poll.version + 1)
        .returning(Poll.version)
        .execution_options(synchronize_session=False)
    )
    version = db.session.execute(stmt).scalar_one()
    sa.orm.attributes.set_committed_value(poll, "version", version)
    return version


def _broadcast(poll: Poll) -> None:
    """The poll's change, after commit: the host's view to the moderators' room, the public view to everyone
    (not while it is a draft)."""
    next_version(poll)
    db.session.flush()
    counted = results([poll.id])[poll.id]
    live.emit_after_commit("poll_host", payload(poll, counted, host=True), live.moderators_room(poll.hearing_id))
    if poll.state != PollState.DRAFT:
        live.emit_after_commit("poll", payload(poll, counted), live.public_room(poll.hearing_id))


_lock = threading.Lock()
_dirty: set[int] = set()


def mark_dirty(poll_id: int) -> None:
    with _lock:
        _dirty.add(poll_id)


@live.on_tick
def flush_results() -> int:
    """One ``poll_results`` per poll answered since the last tick, counted from the database: to everyone when
    its results are shown, else to the moderators' room (the host watches them come in)."""
    global _dirty
    with _lock:
        dirty, _dirty = _dirty, set()
    pending = sorted(dirty)
    try:
        while pending:
            poll = db.session.get(Poll, pending[0])
            if poll is not None:
                next_version(poll)
                data = results_payload(poll, results([poll.id])[poll.id])
                room = live.public_room if poll.results_shown else live.moderators_room
                live.emit_after_commit("poll_results", data, room(poll.hearing_id))
            db.session.commit()
            pending.pop(0)
    except Exception:
        with _lock:
            _dirty.update(pending)
        raise
    return len(dirty)


# --- the host's side --------------------------------------------------------------------------------------------


def parse_options(raw: str) -> list[str]:
    """The options, one per line: 2 to MAX_POLL_OPTIONS different ones, each at most MAX_OPTION characters."""
    options: list[str] = []
    for line in (raw or "").splitlines():
        line = " ".join(line.split())
        if line and line not in options:
            options.append(line)
    if len(options) < 2:
        raise Invalid("请至少填写两个选项（每行一个）", field="options")
    if len(options) > MAX_POLL_OPTIONS:
        raise Invalid(f"选项最多 {MAX_POLL_OPTIONS} 个", field="options")
    if any(len(o) > MAX_OPTION for o in options):
        raise Invalid(f"每个选项最多 {MAX_OPTION} 字", field="options")
    return options


def create_poll(
    actor: User | None,
    hearing: Hearing,
    question: str,
    options_text: str,
    *,
    multiple: bool = False,
    allow_anonymous: bool = False,
    client_id: str = "",
    open_now: bool = False,
) -> Poll:
    """A new poll (a draft, or open at once); a retry with the same client id returns the first one."""
    require(actor, HOST, hearing)
    client_id = (client_id or secrets.token_hex(8)).strip()[:64]
    first = db.session.scalar(sa.select(Poll).where(Poll.hearing_id == hearing.id, Poll.client_id == client_id))
    if first is not None:
        return first
    if hearing.state not in (HearingState.SCHEDULED, HearingState.LIVE):
        raise Conflict("答辩已结束，不能再发起表决")
    question = " ".join((question or "").split())
    if not question:
        raise Invalid("请填写表决的问题", field="question")
    if len(question) > MAX_QUESTION:
        raise Invalid(f"问题最多 {MAX_QUESTION} 字", field="question")
    labels = parse_options(options_text)
    poll = Poll(
        hearing_id=hearing.id,
        client_id=client_id,
        question=question,
        multiple=bool(multiple),
        allow_anonymous=bool(allow_anonymous),
        created_by_id=actor.id,
        options=[PollOption(position=i, label=label) for i, label in enumerate(labels)],
    )
    db.session.add(poll)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # the same create, concurrently
        db.session.rollback()
        first = db.session.scalar(sa.select(Poll).where(Poll.hearing_id == hearing.id, Poll.client_id == client_id))
        if first is None:
            raise
        return first
    record(PollEvent, actor, "create", None, poll.state, poll_id=poll.id, note=f"{len(labels)} 个选项")
    if open_now and hearing.state == HearingState.LIVE:  # before the hearing opens, a draft
        POLLS.fire(actor, poll, "open")
    _broadcast(poll)
    db.session.commit()
    return poll


def _hearing_live(poll: Poll) -> str | None:
    hearing = db.session.get(Hearing, poll.hearing_id)
    return None if hearing.state == HearingState.LIVE else "答辩未在进行中，不能开始表决"


def _results_hidden(poll: Poll) -> str | None:
    return "结果已公布" if poll.results_shown else None


def _results_shown(poll: Poll) -> str | None:
    return None if poll.results_shown else "结果尚未公布"


def _opened(actor: User | None, poll: Poll, t: Transition) -> str:
    poll.opened_at = utcnow()
    return ""


def _closed(actor: User | None, poll: Poll, t: Transition) -> str:
    poll.closed_at = utcnow()
    return f"共 {results([poll.id])[poll.id][0]} 人参与"


def _show(actor: User | None, poll: Poll, t: Transition) -> str:
    poll.results_shown = True
    return f"公布时 {results([poll.id])[poll.id][0]} 人参与"


def _hide(actor: User | None, poll: Poll, t: Transition) -> str:
    poll.results_shown = False
    return ""


def _recorded(actor: User | None, poll: Poll, t: Transition, before: PollState, note: str | None) -> None:
    record(PollEvent, actor, t.action, before, poll.state, poll_id=poll.id, note=note or "")


P = PollState
POLLS = Machine(
    "hearings.poll",
    "Live polls (现场表决)",
    (
        row("open", "开始表决", P.DRAFT, P.OPEN, HOST, effect=_opened, guard=_hearing_live),
        row("show", "公布结果", (P.DRAFT, P.OPEN, P.CLOSED), None, HOST, effect=_show, guard=_results_hidden),
        row("hide", "隐藏结果", (P.DRAFT, P.OPEN, P.CLOSED), None, HOST, effect=_hide, guard=_results_shown),
        row("close", "结束表决", P.OPEN, P.CLOSED, HOST, effect=_closed),
    ),
    can=can,
    states=list(PollState),
    refusal="表决当前状态为「{state}」，不能{action}",
    unknown="未知的表决操作",
    record=_recorded,
    subject=lambda poll: db.session.get(Hearing, poll.hearing_id),
    who_labels={HOST: "hosts"},
    notes="a draft is seen by the host only; answers are taken while open (one per account, or per browser where "
    "anonymous answers are allowed); results stay hidden from the public until shown; every step is written to "
    "the poll's history and pushed to connected clients.",
)
POLL_ACTIONS = frozenset(t.action for t in POLLS)


def act(actor: User | None, poll_id: Any, action: str) -> Poll:
    """Open, show or hide the results of, or close a poll: one row of ``POLLS``."""
    poll = get_poll(poll_id)
    POLLS.fire(actor, poll, action)
    _broadcast(poll)
    db.session.commit()
    return poll


def close_open_polls(actor: Any, hearing: Hearing) -> None:
    """When the hearing closes, its open polls close with it (the record is final)."""
    for poll in db.session.scalars(sa.select(Poll).where(Poll.hearing_id == hearing.id, Poll.state == P.OPEN)):
        POLLS.fire(actor, poll, "close")
        _broadcast(poll)


def history(poll_ids: list[int]) -> dict[int, list[PollEvent]]:
    out: dict[int, list[PollEvent]] = {pid: [] for pid in poll_ids}
    if poll_ids:
        for event in db.session.scalars(
            sa.select(PollEvent).where(PollEvent.poll_id.in_(poll_ids)).order_by(PollEvent.id)
        ):
            out[event.poll_id].append(event)
    return out


# --- answering ------------------------------------------------------------------------------------------------


@dataclass
class AnswerRequest:
    poll_id: int
    user_id: int | None
    device: str | None
    option_ids: list[int]
    client_id: str
    result: dict[str, Any] | None = None
    error: DomainError | None = None
    done: Any = field(default=None, repr=False)

    @property
    def key(self) -> tuple[int, str]:
        return (self.poll_id, f"u{self.user_id}" if self.user_id is not None else f"d{self.device}")


def _request(actor: User | None, device: str | None, poll_id: Any, option_ids: list[int], client_id: Any):
    client_id = str(client_id or "").strip()
    if not 1 <= len(client_id) <= 64:
        raise Invalid("缺少客户端编号（client_id）", field="client_id")
    if actor is not None and not actor.is_active:
        raise Unauthorized()
    if actor is None and device is None:
        raise Unauthorized("请登录后参与表决（若本次表决允许匿名参与，请刷新页面后重试）")
    try:
        pid = int(poll_id)
    except (TypeError, ValueError):
        raise NotFound("表决不存在") from None
    if not 1 <= pid <= MAX_ID:
        raise NotFound("表决不存在")
    if not option_ids:
        raise Invalid("请选择选项", field="choices")
    return AnswerRequest(pid, actor.id if actor is not None else None, device, list(option_ids), client_id)


def answer(actor: User | None, device: str | None, poll_id: Any, option_ids: list[int], client_id: Any) -> dict:
    """Answer a poll now (a form post, tests): ``{"poll_id", "choices", "created"}``; raises the refusal."""
    request = _request(actor, device, poll_id, option_ids, client_id)
    apply_answers([request])
    if request.error is not None:
        raise request.error
    return request.result


def queue_answer(actor: User | None, device: str | None, poll_id: Any, option_ids: list[int], client_id: Any) -> dict:
    """Answer through this process's batch writer (the socket path)."""
    request = _request(actor, device, poll_id, option_ids, client_id)
    return batcher.submit(current_app._get_current_object(), request)


def _insert():
    return pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert


def apply_answers(requests: list[AnswerRequest]) -> None:
    """Write a batch of answers in one transaction. Each request gets its result or its error: a first answer is
    written; a retry (same person, same client id) gets the answer written before; a second answer is refused."""
    polls = {p.id: p for p in db.session.scalars(sa.select(Poll).where(Poll.id.in_({r.poll_id for r in requests})))}
    hearing_states = dict(
        db.session.execute(
            sa.select(Hearing.id, Hearing.state).where(Hearing.id.in_({p.hearing_id for p in polls.values()}))
        ).all()
    )
    users = {r.user_id for r in requests if r.user_id is not None}
    devices = {r.device for r in requests if r.user_id is None}
    existing: dict[tuple[int, str], tuple[int, str]] = {}
    if polls:
        who = sa.or_(PollAnswer.user_id.in_(users), PollAnswer.device.in_(devices))
        for pid, uid, dev, mask, cid in db.session.execute(
            sa.select(
                PollAnswer.poll_id, PollAnswer.user_id, PollAnswer.device, PollAnswer.choices, PollAnswer.client_id
            ).where(PollAnswer.poll_id.in_(polls), who)
        ):
            existing[(pid, f"u{uid}" if uid is not None else f"d{dev}")] = (mask, cid)
    to_write: dict[tuple[int, str], AnswerRequest] = {}
    for r in requests:
        poll = polls.get(r.poll_id)
        if poll is None:
            r.error = NotFound("表决不存在")
            continue
        earlier = existing.get(r.key) or (
            (to_write[r.key].result["mask"], to_write[r.key].client_id) if r.key in to_write else None
        )
        if earlier is not None:
            mask, cid = earlier
            if cid == r.client_id:  # a retry of the answer already taken
                r.result = {"poll_id": poll.id, "choices": choice_ids(poll, mask), "created": False, "mask": mask}
            else:
                r.error = Conflict("您已参与过本次表决，每人只能表决一次")
            continue
        if poll.state != PollState.OPEN or hearing_states.get(poll.hearing_id) != HearingState.LIVE:
            r.error = Conflict("本次表决已结束" if poll.state == PollState.CLOSED else "本次表决尚未开始")
            continue
        if r.user_id is None and not poll.allow_anonymous:
            r.error = Unauthorized("本次表决需登录后参与")
            continue
        positions = {o.id: o.position for o in poll.options}
        if any(oid not in positions for oid in r.option_ids):
            r.error = Invalid("所选选项不属于本次表决", field="choices")
            continue
        if not poll.multiple and len(r.option_ids) != 1:
            r.error = Invalid("本次表决为单选，请只选择一项", field="choices")
            continue
        mask = sum(1 << positions[oid] for oid in r.option_ids)
        r.result = {"poll_id": poll.id, "choices": choice_ids(poll, mask), "created": True, "mask": mask}
        to_write[r.key] = r
    written: set[tuple[int, str]] = set()
    if to_write:
        now = utcnow()
        rows = [
            {
                "poll_id": r.poll_id,
                "user_id": r.user_id,
                "device": r.device if r.user_id is None else None,
                "choices": r.result["mask"],
                "client_id": r.client_id,
                "created_at": now,
            }
            for r in to_write.values()
        ]
        table = PollAnswer.__table__
        # ON CONFLICT DO NOTHING on either unique constraint: an answer another process wrote meanwhile stays
        # the one answer; RETURNING names the rows really written.
        for pid, uid, dev in db.session.execute(
            _insert()(table).on_conflict_do_nothing().returning(table.c.poll_id, table.c.user_id, table.c.device),
            rows,
        ):
            written.add((pid, f"u{uid}" if uid is not None else f"d{dev}"))
    for key, r in to_write.items():
        if key not in written:
            r.result, r.error = None, Conflict("您已参与过本次表决，每人只能表决一次")
    db.session.commit()
    for pid in {key[0] for key in written}:
        mark_dirty(pid)
    for r in requests:
        if r.result is not None:
            r.result = {k: v for k, v in r.result.items() if k != "mask"}


class AnswerBatcher:
    """Answers gathered for a short tick are written in one transaction; each answer's ack follows that commit
    (2,000 people answering within seconds cost a few transactions, not 2,000)."""

    WRITE_SECONDS = 0.05

    def __init__(self) -> None:
        self.pending: list[AnswerRequest] = []
        self.running = False

    def submit(self, app: Flask, request: AnswerRequest) -> dict[str, Any]:
        request.done = socketio.server.eio.create_event()
        self.pending.append(request)
        if not self.running:
            self.running = True
            socketio.start_background_task(self._loop, app)
        if not request.done.wait(timeout=30):
            raise DomainError("表决处理超时，请重试")
        if request.error is not None:
            raise request.error
        return request.result

    def _loop(self, app: Flask) -> None:
        while True:
            socketio.sleep(self.WRITE_SECONDS)
            batch, self.pending = self.pending, []
            if not batch:
                continue
            write_batch(app, batch)
            for request in batch:
                request.done.set()


def write_batch(app: Flask, batch: list[AnswerRequest]) -> None:
    """The batch in one transaction; if that fails, each answer on its own (one bad answer fails only itself)."""
    with app.app_context():
        try:
            apply_answers(batch)
            return
        except Exception as error:
            db.session.rollback()
            if is_unavailable(error):
                failure = Unavailable("服务暂时不可用，表决未提交，请稍后重试")
                for request in batch:
                    request.result, request.error = None, failure
                return
            log.warning("writing %d poll answers together failed (%s); writing them one by one", len(batch), error)
        finally:
            db.session.remove()
        for request in batch:
            request.result, request.error = None, None
            try:
                apply_answers([request])
            except Exception as error:
                db.session.rollback()
                if is_unavailable(error):
                    request.error = Unavailable("服务暂时不可用，表决未提交，请稍后重试")
                else:
                    log.exception("writing the answer to poll %s failed", request.poll_id)
                    request.error = DomainError("系统繁忙，表决未提交，请重试")
            finally:
                db.session.remove()


batcher = AnswerBatcher()
