"""after_commit: work registered in a transaction runs once after it commits, never after a rollback."""

from __future__ import annotations

import functools
import logging

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.aftercommit import after_commit, pending_count


@pytest.fixture
def table(db):
    """A real table to write to, so that commits and rollbacks are of real rows."""
    from portal.search.outbox import SearchOutbox

    def count() -> int:
        with Session(db.engine) as other:  # what another connection sees: only committed rows
            return other.scalar(sa.select(sa.func.count(SearchOutbox.id)).where(SearchOutbox.entity == "t"))

    def add(entity_id: int) -> None:
        db.session.add(SearchOutbox(entity="t", entity_id=entity_id))
        db.session.flush()

    return add, count


def test_work_runs_once_after_the_commit_and_sees_the_committed_rows(db, table):
    add, count = table
    ran = []
    add(1)
    after_commit(lambda: ran.append(count()))
    assert ran == []
    db.session.commit()
    assert ran == [1]  # ran after the commit: another connection already sees the row
    db.session.commit()  # a later commit does not run it again
    assert ran == [1]


def test_rolled_back_work_never_runs(db, table):
    add, count = table
    ran = []
    add(1)
    after_commit(lambda: ran.append("rolled back"))
    db.session.rollback()
    add(2)
    after_commit(lambda: ran.append("committed"))
    db.session.commit()
    assert ran == ["committed"]
    assert count() == 1


def test_work_registered_outside_a_transaction_waits_for_the_next_commit(db):
    db.session.commit()
    ran = []
    after_commit(lambda: ran.append(1))
    assert ran == [] and pending_count(db.session()) == 1
    db.session.commit()
    assert ran == [1]


def test_a_closed_session_drops_its_work(db, table):
    add, _ = table
    ran = []
    add(1)
    after_commit(lambda: ran.append(1))
    db.session.remove()
    db.session.commit()
    assert ran == []


def test_a_savepoint_rollback_drops_only_the_work_registered_inside_it(db, table):
    add, count = table
    ran = []
    add(1)
    after_commit(lambda: ran.append("outer"))
    savepoint = db.session.begin_nested()
    add(2)
    after_commit(lambda: ran.append("inner, rolled back"))
    savepoint.rollback()
    with db.session.begin_nested():  # released: its work waits for the outer commit
        add(3)
        after_commit(lambda: ran.append("inner, released"))
    assert ran == []
    db.session.commit()
    assert ran == ["outer", "inner, released"]
    assert count() == 2


def test_a_released_savepoint_inside_a_rolled_back_one_is_dropped_with_it(db, table):
    add, _ = table
    ran = []
    outer = db.session.begin_nested()
    with db.session.begin_nested():
        add(1)
        after_commit(lambda: ran.append("inner"))
    outer.rollback()
    db.session.commit()
    assert ran == []


def test_the_same_callable_twice_runs_once_and_distinct_ones_each_run(db):
    ran = []

    def wake() -> None:
        ran.append("wake")

    for i in range(3):
        after_commit(wake)
        after_commit(functools.partial(ran.append, i))
    db.session.commit()
    assert ran == ["wake", 0, 1, 2]


def test_a_failing_callable_is_logged_and_the_others_still_run(db, caplog):
    ran = []

    def broken() -> None:
        raise RuntimeError("the message queue is down")

    after_commit(lambda: ran.append("before"))
    after_commit(broken)
    after_commit(lambda: ran.append("after"))
    with caplog.at_level(logging.ERROR, logger="portal.aftercommit"):
        db.session.commit()
    assert ran == ["before", "after"]
    assert "the message queue is down" in caplog.text


def test_work_may_use_the_session_after_the_commit(db, table):
    add, _ = table
    seen = []
    add(1)
    after_commit(lambda: seen.append(db.session.scalar(sa.select(sa.literal(7)))))
    db.session.commit()
    assert seen == [7]


def test_a_failed_flush_drops_the_transactions_work(db, table):
    from portal.search.outbox import SearchOutbox

    ran = []
    after_commit(lambda: ran.append(1))
    db.session.add(SearchOutbox(id=10**9, entity="t", entity_id=1))
    db.session.add(SearchOutbox(id=10**9, entity="t", entity_id=2))  # same primary key: the flush fails
    with pytest.raises(sa.exc.SQLAlchemyError):
        db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert ran == []
