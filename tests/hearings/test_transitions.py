"""The question state machine: every transition allowed from its sources, refused elsewhere and by role."""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from portal.errors import Conflict, Forbidden, Unauthorized
from portal.hearings import questions
from portal.hearings.models import QuestionEvent, QuestionState
from portal.hearings.states import QUESTION_TRANSITIONS, allowed_actions

REACHABLE = [
    QuestionState.PENDING,
    QuestionState.APPROVED,
    QuestionState.ANSWERING,
    QuestionState.ANSWERED,
    QuestionState.REJECTED,
    QuestionState.HIDDEN,
]
CASES = [(action, state) for action in QUESTION_TRANSITIONS for state in REACHABLE]


def params_for(action, hearings, hearing):
    if action == "merge":
        return {"into": hearings.question(hearing).id}
    return {"reason": "与本场主题无关", "text": "修改后的问题内容，更正了错字", "summary": "已答复"}


@pytest.mark.parametrize(("action", "state"), CASES, ids=[f"{a}-from-{s.value}" for a, s in CASES])
def test_transition_is_allowed_exactly_from_its_source_states(action, state, hearings, factory, db):
    hearing = hearings.hearing()
    q = hearings.question(hearing, state)
    host = factory.user(Role.HOST)
    t = QUESTION_TRANSITIONS[action]
    params = params_for(action, hearings, hearing)
    if state in t.sources:
        questions.moderate(host, q.id, action, **params)
        db.session.refresh(q)
        assert q.state == (t.target or state)
        last = db.session.query(QuestionEvent).filter_by(question_id=q.id).order_by(QuestionEvent.id.desc()).first()
        assert (last.action, last.from_state, last.to_state) == (action, state.value, q.state.value)
    else:
        with pytest.raises(Conflict):
            questions.moderate(host, q.id, action, **params)
        db.session.refresh(q)
        assert q.state == state


@pytest.mark.parametrize("action", list(QUESTION_TRANSITIONS))
def test_citizens_may_not_moderate_or_host(action, hearings, factory):
    hearing = hearings.hearing()
    q = hearings.question(hearing, QuestionState.PENDING if action in ("approve", "reject") else QuestionState.APPROVED)
    with pytest.raises(Forbidden):
        questions.moderate(factory.user(Role.CITIZEN), q.id, action, reason="x", text="新的问题内容文字", into=q.id)


@pytest.mark.parametrize("action", [a for a, t in QUESTION_TRANSITIONS.items() if t.permission == "hearings.host"])
def test_moderators_may_not_take_the_hosts_actions(action, hearings, factory):
    hearing = hearings.hearing()
    state = QuestionState.ANSWERING if action == "answered" else QuestionState.APPROVED
    q = hearings.question(hearing, state)
    with pytest.raises(Forbidden):
        questions.moderate(factory.user(Role.MODERATOR), q.id, action)


@pytest.mark.parametrize("action", [a for a, t in QUESTION_TRANSITIONS.items() if t.permission == "hearings.moderate"])
def test_moderators_may_take_moderation_actions(action, hearings, factory, db):
    hearing = hearings.hearing()
    q = hearings.question(
        hearing, QuestionState.PENDING if action in ("approve", "reject", "edit") else QuestionState.APPROVED
    )
    questions.moderate(factory.user(Role.MODERATOR), q.id, action, **params_for(action, hearings, hearing))
    assert db.session.get(type(q), q.id).state != QuestionState.PENDING or action == "edit"


def test_anonymous_visitors_are_asked_to_log_in(hearings):
    q = hearings.question(hearings.hearing(), QuestionState.PENDING)
    with pytest.raises(Unauthorized):
        questions.moderate(None, q.id, "approve")


def test_allowed_actions_follow_the_table():
    assert allowed_actions(QuestionState.PENDING) == ["approve", "reject", "edit"]
    assert allowed_actions(QuestionState.APPROVED) == ["edit", "merge", "hide", "answering"]
    assert allowed_actions(QuestionState.ANSWERED) == ["hide"]
    assert allowed_actions(QuestionState.REJECTED) == []
