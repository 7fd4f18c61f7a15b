"""The question state machine: every transition allowed from its sources, refused elsewhere and by role."""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from portal.errors import Conflict, Forbidden, Invalid, Unauthorized
from portal.hearings import questions
from portal.hearings.models import QuestionEvent, QuestionState
from portal.hearings.questions import QUESTIONS

REACHABLE = [
    QuestionState.PENDING,
    QuestionState.APPROVED,
    QuestionState.ANSWERING,
    QuestionState.ANSWERED,
    QuestionState.REJECTED,
    QuestionState.HIDDEN,
    QuestionState.WITHDRAWN,
]
CASES = [(t.action, state) for t in QUESTIONS for state in REACHABLE]


def params_for(action, hearings, hearing):
    if action == "merge":
        return {"into": hearings.question(hearing).id}
    if action == "reassign":
        return {"member": hearing.panel[0].id}
    return {"reason": "与本场主题无关", "text": "修改后的问题内容，更正了错字", "summary": "已答复"}


def actor_for(action, q, hearing, factory, db):
    """Who takes the row: the asker for theirs, the panel member answering for the panel's, else a host."""
    who = QUESTIONS[action].who
    if who == "hearings.ask":
        return q.author
    if who == "hearings.panel":
        seat = hearing.panel[0]
        if q.state == QuestionState.ANSWERING and action == "answer":
            q.answerer_id = seat.id
            db.session.commit()
        return db.session.get(type(q.author), seat.user_id)
    return factory.user(Role.HOST)


def _panel_hearing(hearings, factory):
    from portal.hearings.services import PanelData

    member = factory.user(Role.OFFICIAL)
    return hearings.hearing(panel=[PanelData(name="王明", title="副市长", user_id=member.id, is_lead=True)])


@pytest.mark.parametrize(("action", "state"), CASES, ids=[f"{a}-from-{s.value}" for a, s in CASES])
def test_transition_is_allowed_exactly_from_its_source_states(action, state, hearings, factory, db):
    hearing = _panel_hearing(hearings, factory)
    q = hearings.question(hearing, state)
    host = actor_for(action, q, hearing, factory, db)
    t = QUESTIONS[action]
    params = params_for(action, hearings, hearing)
    if state in t.sources:
        questions.moderate(host, q.id, action, **params)
        db.session.refresh(q)
        assert q.state == (t.to or state)
        last = db.session.query(QuestionEvent).filter_by(question_id=q.id).order_by(QuestionEvent.id.desc()).first()
        assert (last.action, last.from_state, last.to_state) == (action, state.value, q.state.value)
    else:
        with pytest.raises(Conflict):
            questions.moderate(host, q.id, action, **params)
        db.session.refresh(q)
        assert q.state == state


@pytest.mark.parametrize("action", [t.action for t in QUESTIONS])
def test_citizens_may_not_moderate_or_host(action, hearings, factory):
    hearing = hearings.hearing()
    pending = action in ("approve", "reject", "revise", "withdraw")  # another's question: the asker's rows
    q = hearings.question(hearing, QuestionState.PENDING if pending else QuestionState.APPROVED)
    with pytest.raises(Forbidden):
        questions.moderate(factory.user(Role.CITIZEN), q.id, action, reason="x", text="新的问题内容文字", into=q.id)


@pytest.mark.parametrize("action", [t.action for t in QUESTIONS if t.who == "hearings.host"])
def test_moderators_may_not_take_the_hosts_actions(action, hearings, factory):
    hearing = hearings.hearing()
    state = QuestionState.ANSWERING if action == "answered" else QuestionState.APPROVED
    q = hearings.question(hearing, state)
    with pytest.raises(Forbidden):
        questions.moderate(factory.user(Role.MODERATOR), q.id, action)


@pytest.mark.parametrize("action", [t.action for t in QUESTIONS if t.who == "hearings.moderate"])
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
    def allowed_actions(state):
        return [t.action for t in QUESTIONS.from_state(state)]

    assert allowed_actions(QuestionState.PENDING) == ["approve", "reject", "edit", "revise", "withdraw"]
    assert allowed_actions(QuestionState.APPROVED) == ["edit", "merge", "hide", "next", "answering", "take", "reassign"]
    assert allowed_actions(QuestionState.ANSWERING) == ["answered", "take", "reassign", "answer"]
    assert allowed_actions(QuestionState.ANSWERED) == ["hide"]
    assert allowed_actions(QuestionState.REJECTED) == []
    assert allowed_actions(QuestionState.WITHDRAWN) == []


def test_an_unknown_action_is_refused_with_a_clear_error(hearings, factory):
    q = hearings.question(hearings.hearing(), QuestionState.PENDING)
    with pytest.raises(Invalid, match="未知的审核操作"):
        questions.moderate(factory.user(Role.HOST), q.id, "delete")


def test_the_consoles_draw_the_buttons_each_role_may_take_from_the_table(hearings, factory, login):
    import json
    import re

    hearing = hearings.hearing()
    pages = {Role.MODERATOR: f"/hearings/{hearing.id}/moderate", Role.HOST: f"/hearings/{hearing.id}/host"}
    for role, url in pages.items():
        user = factory.user(role)
        response = login(user).get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, html[:300]
        menu = json.loads(re.search(r"data-actions='([^']*)'", html).group(1))
        for t in QUESTIONS:
            for state in QuestionState:
                # every account may take the asker's rows (on its own questions); the panel's need a seat
                may = {"hearings.moderate": True, "hearings.host": role == Role.HOST, "hearings.ask": True}
                expected = state in t.sources and may.get(t.who, False)
                assert (t.action in menu[state.value]) == expected, (role, t.action, state)
