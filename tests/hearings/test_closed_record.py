"""A closed hearing's questions are the record: no moderation; an archived hearing takes nothing (issue 15, #7)."""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from portal.errors import Conflict
from portal.hearings import commitments, questions
from portal.hearings.models import HearingState, QuestionState


@pytest.mark.parametrize(
    ("state", "message"), [(HearingState.CLOSED, "答辩已结束"), (HearingState.ARCHIVED, "答辩已归档")]
)
def test_hiding_a_question_of_a_finished_hearing_is_a_409_and_the_text_stays(hearings, factory, db, state, message):
    hearing = hearings.hearing()
    q = hearings.question(hearing, QuestionState.APPROVED, text="结束以后这条记录不能再被隐藏吗？")
    pending = hearings.question(hearing, QuestionState.PENDING)
    hearing.state = state
    db.session.commit()
    moderator = factory.user(Role.MODERATOR)
    for question, action, params in [
        (q, "hide", {"reason": "事后隐藏"}),
        (q, "edit", {"text": "改过的记录内容"}),
        (pending, "approve", {}),
        (pending, "reject", {"reason": "事后驳回"}),
    ]:
        with pytest.raises(Conflict) as refused:
            questions.moderate(moderator, question.id, action, **params)
        assert refused.value.status == 409 and message in refused.value.message
        db.session.rollback()
    db.session.refresh(q)
    assert (q.state, q.text) == (QuestionState.APPROVED, "结束以后这条记录不能再被隐藏吗？")
    assert questions.question_menu(factory.user(Role.HOST), hearing) == {}
    assert [row["text"] for row in questions_transcript(hearing) if row["id"] == q.id] == [q.text]


def questions_transcript(hearing):
    from portal.hearings import services

    return services.transcript(hearing)


def test_a_live_hearing_still_offers_and_takes_moderation(hearings, factory):
    hearing = hearings.hearing()
    q = hearings.question(hearing, QuestionState.APPROVED)
    host = factory.user(Role.HOST)
    assert "hide" in questions.question_menu(host, hearing)["approved"]
    assert questions.moderate(host, q.id, "hide", reason="重复").state == QuestionState.HIDDEN


def test_an_archived_hearing_takes_no_new_commitment(hearings, factory):
    from datetime import date, timedelta

    hearing = hearings.hearing(HearingState.ARCHIVED)
    with pytest.raises(Conflict, match="答辩已归档"):
        commitments.flag_commitment(
            factory.user(Role.HOST),
            hearing,
            None,
            factory.department().id,
            "三个月内完成整改",
            date.today() + timedelta(30),
        )


def test_votes_of_a_closed_hearing_cannot_be_withdrawn(hearings, factory, db):
    hearing = hearings.hearing()
    q = hearings.question(hearing, QuestionState.APPROVED)
    voter = factory.user(Role.CITIZEN)
    questions.vote(voter, q.id, "v1")
    hearing.state = HearingState.CLOSED
    db.session.commit()
    with pytest.raises(Conflict, match="答辩已结束"):
        questions.unvote(voter, q.id, "v2")
    db.session.rollback()
    db.session.refresh(q)
    assert q.votes == 1
