"""Broadcasting the live queue: rooms, the per-hearing seq, emits after commit, coalesced votes, presence.

Every server event carries the hearing's ``seq``, taken from the database in the transaction that
made the change, and is emitted only after that transaction commits. Vote counts are not emitted
per vote: a vote marks its question dirty and a per-process task flushes the dirty counts, read
from the database, as one ``votes`` event per hearing per tick, so the cost grows with the tick
rate rather than with the vote rate. With REDIS_URL set, emits go through the Redis message queue.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from typing import Any

import redis
import sqlalchemy as sa
from flask import Flask, current_app
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from portal.aftercommit import after_commit
from portal.errors import is_unavailable
from portal.extensions import db, limiter, socketio
from portal.hearings.models import Hearing, Question

log = logging.getLogger(__name__)

NAMESPACE = "/hearings"
TICK_SECONDS = 0.2  # votes and presence are flushed at most this often (≤ 250 ms)
PRESENCE_TTL = 90  # seconds a socket counts as present without a refresh (Redis presence)


def public_room(hearing_id: int) -> str:
    return f"h{hearing_id}"


def moderators_room(hearing_id: int) -> str:
    return f"h{hearing_id}:mod"


def next_seq(hearing_id: int) -> int:
    """Take the hearing's next event number inside the current transaction (row-locked on PostgreSQL)."""
    stmt = (
        sa.update(Hearing)
        .where(Hearing.id == hearing_id)
        .values(seq=Hearing.seq + 1)
        .returning(Hearing.seq)
        .execution_options(synchronize_session=False)
    )
    return db.session.execute(stmt).scalar_one()


def current_seq(hearing_id: int) -> int:
    return db.session.scalar(sa.select(Hearing.seq).where(Hearing.id == hearing_id)) or 0


# --- emits after commit ----------------------------------------------------------------------


def emit_after_commit(event_name: str, data: dict[str, Any], room: str) -> None:
    """Emit once the current transaction commits (and never if it rolls back)."""
    after_commit(partial(emitter.send, [(event_name, data, room)]))


def _emit(batch) -> None:
    for event_name, data, room in batch:
        try:
            socketio.emit(event_name, data, to=room, namespace=NAMESPACE)
        except Exception:  # a broken message queue must not undo a committed change
            log.exception("emit %s to %s failed", event_name, room)


class _Emitter:
    """Under gevent, one greenlet per process sends the committed events in commit order, so the
    handler that committed returns (and frees its database connection) without waiting for a
    broadcast to thousands of sockets. Elsewhere (tests, threading mode) emits are sent inline."""

    def __init__(self) -> None:
        self.queue = None

    def send(self, batch) -> None:
        server = socketio.server
        if server is None or server.eio.async_mode != "gevent":
            _emit(batch)
            return
        if self.queue is None:
            self.queue = server.eio.create_queue()
            socketio.start_background_task(self._loop)
        self.queue.put(batch)

    def _loop(self) -> None:
        while True:
            _emit(self.queue.get())


emitter = _Emitter()


# --- coalesced votes ------------------------------------------------------------------------

_lock = threading.Lock()
_dirty_votes: dict[int, set[int]] = defaultdict(set)
_dirty_presence: set[int] = set()
_flusher_started = False
_tick_hooks: list[Callable[[], Any]] = []


def on_tick(fn: Callable[[], Any]) -> Callable[[], Any]:
    """Run ``fn()`` on every tick of the flusher, after votes and presence (poll results, presence samples)."""
    if fn not in _tick_hooks:
        _tick_hooks.append(fn)
    return fn


def mark_votes_dirty(hearing_id: int, question_id: int) -> None:
    """Called after a vote commits; the next tick sends the question's count from the database."""
    with _lock:
        _dirty_votes[hearing_id].add(question_id)


def flush_votes() -> int:
    """Send one ``votes`` event per hearing whose counts changed since the last flush; returns the count."""
    global _dirty_votes
    with _lock:
        dirty, _dirty_votes = _dirty_votes, defaultdict(set)
    pending = list(dirty.items())
    try:
        while pending:
            hearing_id, question_ids = pending[0]
            seq = next_seq(hearing_id)
            rows = db.session.execute(sa.select(Question.id, Question.votes).where(Question.id.in_(question_ids)))
            counts = {str(qid): votes for qid, votes in rows}
            emit_after_commit(
                "votes", {"hearing_id": hearing_id, "seq": seq, "counts": counts}, public_room(hearing_id)
            )
            db.session.commit()
            pending.pop(0)
    except Exception:
        # The database went away mid-flush (a restart): keep the counts not sent for the next tick, or the
        # clients would show the old counts until those questions are voted on again.
        with _lock:
            for hearing_id, question_ids in pending:
                _dirty_votes[hearing_id] |= question_ids
        raise
    return len(dirty)


def ensure_flusher(app: Flask) -> None:
    """Start this process's flusher once (every process that accepts votes runs one)."""
    global _flusher_started
    with _lock:
        if _flusher_started:
            return
        _flusher_started = True
    socketio.start_background_task(_flush_loop, app)


def _flush_loop(app: Flask) -> None:
    last_refresh = 0.0
    while True:
        socketio.sleep(TICK_SECONDS)
        with app.app_context():
            try:
                flush_votes()
                flush_presence()
                for hook in _tick_hooks:
                    hook()
                if presence.redis is not None and (presence.lost or time.monotonic() - last_refresh > PRESENCE_TTL / 3):
                    presence.refresh()
                    last_refresh = time.monotonic()
            except Exception as error:
                if is_unavailable(error):
                    log.warning("live queue flush: database or Redis unavailable: %s", error)
                else:
                    log.exception("live queue flush failed")
                db.session.rollback()
            finally:
                db.session.remove()


# --- presence -------------------------------------------------------------------------------


class Presence:
    """Sockets watching each hearing: in-process, or a Redis sorted set per hearing shared by all workers."""

    def __init__(self) -> None:
        self.local: dict[int, set[str]] = defaultdict(set)
        self.redis = None
        self.prefix = "portal"
        self.lost = False  # a Redis command failed: refresh at the next tick

    def configure(self, app: Flask) -> None:
        url = app.config.get("REDIS_URL")
        self.prefix = f"{app.config.get('SOCKETIO_CHANNEL', 'portal-socketio')}:presence"
        if url:
            self.redis = redis.Redis.from_url(url)

    def _key(self, hearing_id: int) -> str:
        return f"{self.prefix}:{hearing_id}"

    def _redis_call(self, command: str, *args: Any) -> Any:
        """One Redis command, or None while Redis is out of reach: presence is a convenience, so the live queue
        keeps working without it (each process counts its own sockets) and refreshes Redis once it is back."""
        try:
            return getattr(self.redis, command)(*args)
        except redis.RedisError as error:
            if not self.lost:
                log.warning("presence: Redis unavailable (%s); counting this process's sockets only", error)
            self.lost = True
            return None

    def join(self, hearing_id: int, sid: str) -> None:
        self.local[hearing_id].add(sid)
        if self.redis is not None:
            self._redis_call("zadd", self._key(hearing_id), {sid: time.time()})
        _dirty_presence.add(hearing_id)

    def leave(self, hearing_id: int, sid: str) -> None:
        self.local[hearing_id].discard(sid)
        if self.redis is not None:
            self._redis_call("zrem", self._key(hearing_id), sid)
        _dirty_presence.add(hearing_id)

    def leave_all(self, sid: str) -> None:
        for hearing_id, sids in list(self.local.items()):
            if sid in sids:
                self.leave(hearing_id, sid)

    def count(self, hearing_id: int) -> int:
        if self.redis is None:
            return len(self.local.get(hearing_id, ()))
        key = self._key(hearing_id)
        self._redis_call("zremrangebyscore", key, 0, time.time() - PRESENCE_TTL)
        count = self._redis_call("zcard", key)
        return len(self.local.get(hearing_id, ())) if count is None else int(count)

    def refresh(self) -> None:
        """Keep this process's sockets alive in Redis; sockets of a crashed worker expire."""
        now, lost = time.time(), self.lost
        self.lost = False
        for hearing_id, sids in self.local.items():
            if sids:
                self._redis_call("zadd", self._key(hearing_id), dict.fromkeys(sids, now))
        if lost and not self.lost:
            log.info("presence: Redis is back; this process's sockets are counted there again")


presence = Presence()


def flush_presence() -> None:
    global _dirty_presence
    with _lock:
        dirty, _dirty_presence = _dirty_presence, set()
    for hearing_id in dirty:
        data = {"hearing_id": hearing_id, "seq": current_seq(hearing_id), "count": presence.count(hearing_id)}
        emitter.send([("presence", data, public_room(hearing_id))])


def init_live(app: Flask) -> None:
    presence.configure(app)


class ProcessWindows:
    """Fixed-window counters held in this process: what limits' MemoryStorage does for one process,
    without its lock per key and the expiry timer thread it starts anew every 10 ms while hits keep
    coming (a greenlet under gevent; about 5% of the server's CPU at 300 votes/s, py-spy)."""

    def __init__(self) -> None:
        self.windows: dict[str, tuple[int, float]] = {}
        self.lock = threading.Lock()

    def hit(self, item, *identifiers: str, cost: int = 1) -> bool:
        with self.lock:
            return self._hit(item, item.key_for(*identifiers), cost)

    def _hit(self, item, key: str, cost: int) -> bool:
        now = time.time()
        if len(self.windows) > 50_000:  # forget expired windows now and then
            self.windows = {k: w for k, w in self.windows.items() if w[1] > now}
        count, ends = self.windows.get(key, (0, 0.0))
        if now >= ends:
            count, ends = 0, now + item.get_expiry()
        count += cost
        self.windows[key] = (count, ends)
        return count <= item.amount


_process_windows = ProcessWindows()


def rate_limit_storage():
    """flask-limiter's strategy when it is shared (Redis); this process's own windows when the
    limiter keeps fixed windows in memory anyway (one process, nothing to share)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True) or getattr(limiter, "_storage", None) is None:
        return None
    strategy = limiter.limiter
    if type(strategy) is FixedWindowRateLimiter and type(strategy.storage) is MemoryStorage:
        return _process_windows
    return strategy
