"""Work that runs once the current transaction commits, and never if it rolls back.

Live emits, the search indexer's wake-up and notice pushes must not happen for a change that is later
rolled back, and must not be forgotten when it commits. Services register such work inside their
transaction with ``after_commit(fn)``; it runs after the outermost transaction of that session commits.

* Commit of the outermost transaction: every registered callable runs once, in registration order, after
  the transaction has ended (so a callable may use the session again; it then starts a new transaction).
* Rollback of the outermost transaction, or ``close()`` without a commit: all registered work is dropped.
* Savepoints (``begin_nested``): work registered inside a savepoint that is rolled back is dropped, the
  rest of the transaction's work is kept; releasing a savepoint keeps its work for the outer commit.
* Registering the same callable object twice at the same level runs it once (a wake-up registered by
  every row of a bulk load); distinct objects (``functools.partial``, lambdas) each run.
* A callable that raises is logged; the others still run. The commit itself has already happened.

This module is foundation: it imports no capability package.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from portal.extensions import db

log = logging.getLogger(__name__)

_PENDING = "after_commit_pending"  # session.info: [(transaction registered in, callable)]
_READY = "after_commit_ready"  # session.info: callables of a committed transaction, run when it ends

Work = Callable[[], Any]


def after_commit(fn: Work, session: Session | None = None) -> None:
    """Run ``fn()`` after the current transaction of ``session`` (default ``db.session``) commits."""
    if session is None:
        session = db.session()
    elif not isinstance(session, Session):  # a scoped_session proxy
        session = session()
    if not session.in_transaction():
        session.begin()
    level = session.get_nested_transaction() or session.get_transaction()
    pending = session.info.setdefault(_PENDING, [])
    if not any(tx is level and registered is fn for tx, registered in pending):
        pending.append((level, fn))


def pending_count(session: Session) -> int:
    """How many callables wait for ``session`` to commit (for tests and diagnostics)."""
    return len(session.info.get(_PENDING, ()))


def _within(tx: SessionTransaction | None, savepoint: SessionTransaction) -> bool:
    while tx is not None:
        if tx is savepoint:
            return True
        tx = tx.parent
    return False


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint was released: its work waits for the outer commit
        return
    pending = session.info.pop(_PENDING, None)
    if pending:
        session.info[_READY] = [fn for _, fn in pending]


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous: SessionTransaction) -> None:
    boundary: SessionTransaction | None = previous
    while boundary is not None and not boundary.nested and boundary.parent is not None:
        boundary = boundary.parent  # an inner (flush) transaction: the rollback went to its savepoint or root
    if boundary is None or boundary.parent is None:
        session.info.pop(_PENDING, None)
        return
    pending = session.info.get(_PENDING)
    if pending:
        pending[:] = [(tx, fn) for tx, fn in pending if not _within(tx, boundary)]


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    session.info.pop(_PENDING, None)  # rolled back or closed without a commit
    ready = session.info.pop(_READY, None)
    for fn in ready or ():
        try:
            fn()
        except Exception:  # the change is committed; one failed follow-up must not stop the others
            log.exception("after-commit work %r failed", fn)
