"""The outbox indexer: the one writer of the search index (ARCHITECTURE "Search").

Modes (``app.config["SEARCH_INDEXER"]``, env ``SEARCH_INDEXER``):

``enqueue`` writes an outbox row in the caller's transaction and, once that transaction commits, wakes the indexer:

* ``inline`` (embedded default, ``RUN_BACKGROUND_JOBS=1``): after a transaction that wrote outbox rows commits,
  a background task drains the outbox in this process; a ``@periodic`` job drains what a failed task left.
* ``sync``: drain right after commit, in the committing thread (tests, scripts).
* ``worker`` (default when ``RUN_BACKGROUND_JOBS=0``, i.e. several web processes): they only write outbox
  rows; ``flask search worker`` is the single writer.

Concurrency: one drain at a time per index directory, across threads (a lock; a drain requested while one runs
makes the running one loop again, so no request is lost) and across processes (``flock`` on a file in the
index directory). A drain reads the outbox rows its index has not applied (``portal.search.cursor``), then the
documents' current state, writes the index and moves its cursor: an edit committed meanwhile leaves a newer
row for the next round. Rows stay for ``RETENTION`` so that every node's index catches up from them.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import Session

from portal.aftercommit import after_commit
from portal.extensions import db, socketio
from portal.jobs import periodic
from portal.search.cursor import Cursor
from portal.search.outbox import SearchOutbox
from portal.search.provider import WhooshProvider
from portal.times import utcnow

log = logging.getLogger(__name__)

BATCH = 500
FLOCK_TIMEOUT = 30.0
RETENTION = timedelta(days=7)  # outbox rows kept this long, for nodes catching up; then pruned

Doc = Mapping[str, Any]


@dataclass(frozen=True)
class Source:
    """How to read documents of one entity kind for the index."""

    load: Callable[[Session, list[int]], tuple[list[Doc], list[int]]]  # (docs to index, ids to remove)
    all_docs: Callable[[Session], Iterable[Doc]]


_sources: dict[str, Source] = {}
_providers: dict[str, WhooshProvider] = {}
_providers_guard = threading.Lock()
_drain_locks: dict[str, threading.Lock] = {}
_drain_again: set[str] = set()
_drain_guard = threading.Lock()


def register_source(entity: str, source: Source) -> None:
    _sources[entity] = source


def index_dir(app: Flask | None = None) -> str:
    app = app or current_app
    return os.path.realpath(app.config["SEARCH_INDEX_DIR"])


def get_provider(app: Flask | None = None) -> WhooshProvider:
    """The provider of this app's index directory (one per directory per process)."""
    path = index_dir(app)
    with _providers_guard:
        provider = _providers.get(path)
        if provider is None or not Path(path).exists():
            provider = _providers[path] = WhooshProvider(path)
        return provider


def mode(app: Flask | None = None) -> str:
    """``SEARCH_INDEXER`` if set; else ``inline`` where background jobs run in-process, ``worker`` elsewhere."""
    app = app or current_app
    chosen = app.config.get("SEARCH_INDEXER") or os.environ.get("SEARCH_INDEXER")
    if chosen:
        return chosen
    return "inline" if app.config.get("RUN_BACKGROUND_JOBS", True) else "worker"


# -- locking -------------------------------------------------------------------------------------------------


def _thread_lock(path: str) -> threading.Lock:
    with _drain_guard:
        return _drain_locks.setdefault(path, threading.Lock())


@contextmanager
def _process_lock(path: str, timeout: float = FLOCK_TIMEOUT) -> Iterator[bool]:
    """Exclusive ``flock`` on the index directory's drain lock file; yields False after ``timeout``."""
    Path(path).mkdir(parents=True, exist_ok=True)
    fd = os.open(os.path.join(path, "drain.lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        delay = 0.01
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    yield False
                    return
                time.sleep(delay)  # cooperative under gevent (time is patched)
                delay = min(delay * 2, 0.25)
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# -- draining ------------------------------------------------------------------------------------------------


def _engine():
    return db.engine


def _drain_rounds(app: Flask) -> int:
    """Apply every outbox row this index has not applied yet (caller holds both locks)."""
    path = index_dir(app)
    provider = get_provider(app)
    cursor = Cursor.load(path) or Cursor()
    done = 0
    with Session(_engine()) as session:
        highest = session.scalar(sa.select(sa.func.max(SearchOutbox.id)))
        if highest is not None and highest < cursor.upto:
            log.warning("search outbox ids went back (%s < %s): re-applying every retained row", highest, cursor.upto)
            cursor = Cursor()
    while True:
        with Session(_engine()) as session:
            rows = session.execute(
                sa.select(SearchOutbox.id, SearchOutbox.entity, SearchOutbox.entity_id, SearchOutbox.created_at)
                .where(SearchOutbox.id > cursor.upto)
                .order_by(SearchOutbox.id)
                .limit(BATCH + len(cursor.seen))
            ).all()
            fresh = [row for row in rows if row.id not in cursor.seen]
            by_entity: dict[str, set[int]] = defaultdict(set)
            for row in fresh:
                by_entity[row.entity].add(row.entity_id)
            for entity, ids in by_entity.items():
                source = _sources.get(entity)
                if source is None:
                    log.warning("search outbox: no source registered for %r; skipping %d rows", entity, len(ids))
                    continue
                docs, gone = source.load(session, sorted(ids))
                if docs:
                    provider.index_documents(docs)
                if gone:
                    provider.delete(gone)
                done += len(ids)
        cursor.advance([(row.id, row.created_at) for row in rows], utcnow())
        cursor.save(path)
        if not fresh:
            return done


def prune(app: Flask | None = None, retention: timedelta = RETENTION) -> int:
    """Delete outbox rows older than ``retention`` (every node has applied them long since)."""
    with Session(_engine()) as session:
        result = session.execute(sa.delete(SearchOutbox).where(SearchOutbox.created_at < utcnow() - retention))
        session.commit()
        return result.rowcount or 0


def pending(app: Flask | None = None) -> int:
    """Rows this index has not applied yet."""
    cursor = Cursor.load(index_dir(app)) or Cursor()
    with Session(_engine()) as session:
        ids = session.scalars(sa.select(SearchOutbox.id).where(SearchOutbox.id > cursor.upto)).all()
    return sum(1 for row_id in ids if row_id not in cursor.seen)


def drain(app: Flask | None = None, *, block: bool = True) -> int:
    """Apply pending outbox rows to the index; returns how many documents were written or removed.

    ``block=False`` returns at once when another thread of this process is draining: that drain runs one more
    round for us, so nothing committed before this call is left behind.
    """
    app = app or current_app._get_current_object()
    path = index_dir(app)
    lock = _thread_lock(path)
    done = 0
    while True:
        with _drain_guard:
            _drain_again.add(path)
        if not lock.acquire(blocking=block):
            return done
        try:
            with _drain_guard:
                _drain_again.discard(path)
            with _process_lock(path) as locked:
                if not locked:
                    log.warning("search index %s: another process drains; leaving rows to it", path)
                    return done
                done += _drain_rounds(app)
        finally:
            lock.release()
        with _drain_guard:
            if path not in _drain_again:
                return done
        block = False  # someone asked while we ran: go again unless another thread took over


def rebuild(app: Flask | None = None, procs: int = 1) -> int:
    """Rebuild the index from the database; the cursor then stands at the outbox rows already visible.

    ``procs`` > 1 builds in that many forked processes (``flask search rebuild --procs``); the in-process
    indexer (under gevent in web processes) keeps 1."""
    app = app or current_app._get_current_object()
    path = index_dir(app)
    with _thread_lock(path), _process_lock(path, timeout=300) as locked:
        if not locked:
            raise RuntimeError(f"search index {path} is being drained by another process")
        with Session(_engine()) as session:
            # Rows first, documents second: a change committed in between is applied again later (harmless).
            rows = session.execute(sa.select(SearchOutbox.id, SearchOutbox.created_at)).all()
            docs: list[Doc] = []
            for source in _sources.values():
                docs.extend(source.all_docs(session))
            count = get_provider(app).rebuild(docs, procs=procs)
        cursor = Cursor()
        cursor.advance([(row.id, row.created_at) for row in rows], utcnow())
        cursor.save(path)
    return count


def _run_drain(app: Flask) -> None:
    with app.app_context():
        try:
            drain(app, block=False)
        except Exception:  # the periodic job retries; a user's request never sees this
            log.exception("search outbox drain failed")


def enqueue(session: Session, entity: str, entity_id: int) -> None:
    """Record that ``entity`` #``entity_id`` changed, in the caller's transaction; wake the indexer after it commits."""
    session.add(SearchOutbox(entity=entity, entity_id=entity_id))
    after_commit(wake, session)  # once per transaction, however many rows it writes


def wake() -> None:
    """Apply the committed outbox rows as this app's mode says (nothing in ``worker`` mode)."""
    try:
        app = current_app._get_current_object()
    except RuntimeError:  # no app context: the periodic job or the worker picks the rows up
        return
    how = mode(app)
    if how == "sync":
        _run_drain(app)
    elif how == "inline":
        socketio.start_background_task(_run_drain, app)


def ensure_populated(app: Flask) -> int:
    """Rebuild an index that is empty (e.g. its directory was deleted), has no cursor or was built with an older
    schema (``schema.schema_is_current``), if there are documents."""
    provider = get_provider(app)
    current = provider.schema_current()
    if current and provider.view().doc_count and Cursor.load(index_dir(app)) is not None:
        return 0
    with Session(_engine()) as session:
        has_docs = any(True for source in _sources.values() for _ in source.all_docs(session))
    if not has_docs:
        return 0
    why = "is empty or has no outbox cursor" if current else "was built with an older schema"
    log.info("search index %s %s: rebuilding from the database", index_dir(app), why)
    return rebuild(app)


def init_app(app: Flask) -> None:
    """Install the periodic fallback."""

    state = {"checked": False, "pruned": 0.0}

    @periodic(5)
    def search_outbox_fallback() -> None:
        """Drain rows a failed background drain left behind; heal an empty index once per process."""
        current = current_app._get_current_object()
        if mode(current) == "worker":
            return
        if not state["checked"]:
            state["checked"] = True
            ensure_populated(current)
        drain(current, block=False)
        if time.monotonic() - state["pruned"] > 3600:
            state["pruned"] = time.monotonic()
            prune(current)


@contextmanager
def deferred(app: Flask) -> Iterator[None]:
    """Bulk loads: commits only write outbox rows; the caller drains once at the end."""
    previous = app.config.get("SEARCH_INDEXER")
    app.config["SEARCH_INDEXER"] = "worker"
    try:
        yield
    finally:
        app.config["SEARCH_INDEXER"] = previous
