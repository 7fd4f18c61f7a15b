"""Hearing states, snapshots, transcripts and commitments."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from portal.accounts.models import Role
from portal.actors import SYSTEM
from portal.errors import Conflict, Forbidden, Invalid
from portal.hearings import services
from portal.hearings.commitments import mark_overdue_commitments
from portal.hearings.models import CommitmentStatus, HearingEvent, HearingState, QuestionState
from portal.hearings.services import HEARINGS

STATES = list(HearingState)
CASES = [(t.action, state) for t in HEARINGS for state in STATES]
ALLOWED = {"hearings.host": [Role.HOST], "hearings.manage": [Role.HOST, Role.ADMIN]}


@pytest.mark.parametrize(("action", "state"), CASES, ids=[f"{a}-from-{s.value}" for a, s in CASES])
def test_every_row_of_the_hearing_table_from_every_state(action, state, hearings, factory, emitted, db):
    """Each role the row allows moves the hearing (history written, one broadcast); others get 403; 409 elsewhere."""
    t = HEARINGS[action]
    for role in (Role.CITIZEN, Role.MODERATOR, Role.OFFICIAL, Role.ADMIN, Role.HOST):
        if role in ALLOWED[t.who]:
            continue
        with pytest.raises(Forbidden):
            services.change_state(factory.user(role), hearings.hearing(state), action)
    for role in ALLOWED[t.who]:
        hearing = hearings.hearing(state)
        actor = factory.user(role)
        emitted.clear()
        if state in t.sources:
            services.change_state(actor, hearing, action)
            assert hearing.state == t.to
            assert [e for e, _, _ in emitted] == ["hearing"]
            event = db.session.query(HearingEvent).filter_by(hearing_id=hearing.id).one()
            assert (event.action, event.from_state, event.to_state, event.actor_id) == (
                action,
                state.value,
                t.to.value,
                actor.id,
            )
        else:
            with pytest.raises(Conflict, match=t.label):
                services.change_state(actor, hearing, action)
            assert hearing.state == state


def test_anonymous_visitors_and_unknown_actions_are_refused(hearings, factory):
    from flask_login import AnonymousUserMixin

    from portal.errors import Unauthorized

    with pytest.raises(Unauthorized):
        services.change_state(AnonymousUserMixin(), hearings.hearing(HearingState.SCHEDULED), "open")
    with pytest.raises(Invalid, match="未知操作"):
        services.change_state(factory.user(Role.HOST), hearings.hearing(HearingState.SCHEDULED), "delete")


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.MODERATOR, Role.OFFICIAL])
def test_only_hosts_open_a_hearing(role, hearings, factory):
    with pytest.raises(Forbidden):
        services.change_state(factory.user(role), hearings.hearing(HearingState.SCHEDULED), "open")


def test_the_snapshot_shows_public_questions_mine_and_votes(hearings, factory):
    hearing = hearings.hearing()
    me = factory.user()
    public = hearings.question(hearing, author=me)
    pending = hearings.question(hearing, QuestionState.PENDING, author=me)
    hearings.question(hearing, QuestionState.REJECTED)
    snap = services.snapshot(hearing, me)
    assert [q["id"] for q in snap["questions"]] == [public.id]
    assert {q["id"] for q in snap["mine"]} == {public.id, pending.id}
    assert snap["pending"] == []  # only moderators see others' pending questions
    assert snap["counts"] == {
        "received": 3,
        "public": 1,
        "merged": 0,
        "hidden": 0,
        "pending": 1,
        "rejected": 1,
        "withdrawn": 0,
        "answered": 0,
    }
    assert services.snapshot(hearing, factory.user(Role.MODERATOR))["pending"][0]["id"] == pending.id


def test_the_transcript_accounts_for_every_question_without_publishing_rejected_text(hearings, factory):
    hearing = hearings.hearing()
    answered = hearings.question(hearing, QuestionState.ANSWERED)
    rejected = hearings.question(hearing, QuestionState.REJECTED, text="不该公开的问题内容")
    rows = {row["id"]: row for row in services.transcript(hearing)}
    assert rows[answered.id]["text"] and rows[answered.id]["state"] == "answered"
    assert rows[rejected.id]["text"] == "" and rows[rejected.id]["reason"] == "与主题无关"


def test_a_host_flags_an_answer_as_a_commitment_tracked_for_the_plan(hearings, factory):
    hearing = hearings.hearing()
    q = hearings.question(hearing, QuestionState.ANSWERED)
    dept = factory.department("市行政审批服务局")
    item = services.flag_commitment(
        factory.user(Role.HOST), hearing, q.id, dept.id, "推行一业一证改革", date.today() + timedelta(days=30)
    )
    assert item.status == CommitmentStatus.NOT_STARTED and item.updates[0].note == "答辩中作出承诺"
    assert services.commitments_for_hearing(hearing.id) == [item]


def test_commitments_need_an_answered_question_and_a_future_due_date(hearings, factory):
    hearing = hearings.hearing()
    host, dept = factory.user(Role.HOST), factory.department()
    approved = hearings.question(hearing)
    with pytest.raises(Conflict):
        services.flag_commitment(host, hearing, approved.id, dept.id, "承诺内容文字", date.today() + timedelta(days=3))
    with pytest.raises(Invalid, match="不能早于今天"):
        services.flag_commitment(host, hearing, None, dept.id, "承诺内容文字", date.today() - timedelta(days=3))


def test_the_lead_departments_officials_update_a_commitment_with_a_note(hearings, factory):
    hearing = hearings.hearing()
    dept, other = factory.department(), factory.department()
    item = services.flag_commitment(SYSTEM, hearing, None, dept.id, "建立数据共享责任清单", date.today())
    official = factory.user(Role.OFFICIAL, department=dept)
    with pytest.raises(Invalid, match="进展说明"):
        services.update_commitment(official, item, "in_progress", "")
    services.update_commitment(official, item, "in_progress", "清单已起草")
    assert item.status == CommitmentStatus.IN_PROGRESS
    assert [(u.from_status, u.to_status) for u in item.updates][-1] == ("not_started", "in_progress")
    with pytest.raises(Forbidden):
        services.update_commitment(factory.user(Role.OFFICIAL, department=other), item, "done", "别的部门")


def test_commitments_past_due_become_overdue(hearings, factory):
    hearing = hearings.hearing()
    dept = factory.department()
    late = services.flag_commitment(SYSTEM, hearing, None, dept.id, "逾期的承诺事项", date.today() - timedelta(days=2))
    done = services.flag_commitment(
        SYSTEM, hearing, None, dept.id, "已完成的承诺事项", date.today() - timedelta(days=2)
    )
    services.update_commitment(factory.user(Role.HOST), done, "done", "已完成")
    assert mark_overdue_commitments() == 1
    assert late.status == CommitmentStatus.OVERDUE and done.status == CommitmentStatus.DONE
