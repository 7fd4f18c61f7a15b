"""A batch of votes never fails for one bad vote in it (issue 15, #1): the writer isolates the vote the database
refuses and writes the others."""

from __future__ import annotations

from portal.accounts.models import Role
from portal.hearings.models import QuestionState
from portal.hearings.votes import VoteRequest, write_batch


def test_a_vote_the_database_cannot_take_fails_alone_and_the_rest_of_its_batch_counts(app, hearings, factory, db):
    hearing = hearings.hearing()
    q = hearings.question(hearing, QuestionState.APPROVED)
    voters = [factory.user(Role.CITIZEN) for _ in range(3)]
    batch = [
        VoteRequest(voters[0].id, q.id, "a", True),
        VoteRequest(voters[1].id, 10**30, "bad", True),  # past every integer column (SQLite: 2**63)
        VoteRequest(voters[1].id, q.id, "b", True),
        VoteRequest(voters[2].id, 2**31, "bad2", True),  # past PostgreSQL's INTEGER
        VoteRequest(voters[2].id, q.id, "c", True),
    ]
    write_batch(app, batch)
    assert [r.result for r in batch] == [q.id, None, q.id, None, q.id]
    assert batch[1].error is not None and batch[3].error is not None
    assert [r.error for r in (batch[0], batch[2], batch[4])] == [None, None, None]
    db.session.expire_all()
    assert db.session.get(type(q), q.id).votes == 3
