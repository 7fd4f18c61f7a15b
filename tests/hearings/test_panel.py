"""The panel (答辩团) answers: take, reassign, answer; panel questions skip moderation; the asker revises or
withdraws a question until it is approved. Services, history and the live events they queue."""

from __future__ import annotations

import pytest

from portal.accounts.models import Role
from portal.errors import Conflict, Forbidden, Invalid, Unauthorized
from portal.hearings import live, questions, services
from portal.hearings.models import QuestionState


@pytest.fixture
def panel(hearings, factory):
    """A live, premoderated hearing with two members on its panel who have accounts."""
    lead_dept = factory.department("行政审批服务局", short_name="审批局")
    other_dept = factory.department("市发展改革委", short_name="发改委")
    mayor = factory.user(Role.OFFICIAL, department=lead_dept, display_name="王明")
    director = factory.user(Role.OFFICIAL, department=other_dept, display_name="李华")
    hearing = hearings.hearing(
        premoderation=True,
        panel=[
            services.PanelData(name="王明", title="副市长", department_id=lead_dept.id, user_id=mayor.id, is_lead=True),
            services.PanelData(name="李华", title="主任", department_id=other_dept.id, user_id=director.id),
        ],
    )
    seats = {p.user_id: p for p in hearing.panel}
    return hearing, mayor, director, seats[mayor.id], seats[director.id]


def _events(q) -> list[tuple[str, str | None, str]]:
    return [(e.action, e.from_state, e.to_state) for e in q.history]


def test_a_panel_member_takes_an_approved_question_and_it_is_answered_now(panel, hearings, emitted, db):
    hearing, mayor, _, seat, _ = panel
    q = hearings.question(hearing)
    questions.moderate(mayor, q.id, "take")
    db.session.refresh(hearing)
    assert q.state == QuestionState.ANSWERING and q.answerer_id == seat.id
    assert hearing.now_question_id == q.id
    assert _events(q)[-1] == ("take", "approved", "answering")
    assert "王明（审批局）" in q.history[-1].note
    now = [d for e, d, r in emitted if e == "now" and r == live.public_room(hearing.id)][-1]
    assert now["now"]["answerer"] == {
        "id": seat.id,
        "name": "王明",
        "title": "副市长",
        "department": "审批局",
        "lead": True,
    }


def test_the_member_answering_records_the_summary_and_it_goes_out_live(panel, hearings, emitted, db):
    hearing, mayor, director, _, _ = panel
    q = hearings.question(hearing)
    questions.moderate(mayor, q.id, "take")
    with pytest.raises(Forbidden):  # another member of the panel may not answer for him
        questions.moderate(director, q.id, "answer", summary="不是我回答的")
    with pytest.raises(Invalid):
        questions.moderate(mayor, q.id, "answer", summary="  ")
    questions.moderate(mayor, q.id, "answer", summary="年内实现一业一证全覆盖")
    db.session.refresh(hearing)
    assert q.state == QuestionState.ANSWERED and q.answer_summary == "年内实现一业一证全覆盖"
    assert hearing.now_question_id is None
    assert q.history[-1].action == "answer" and q.history[-1].note == "年内实现一业一证全覆盖"
    public = [d for e, d, r in emitted if e == "question" and r == live.public_room(hearing.id)][-1]
    assert public["question"]["answer_summary"] == "年内实现一业一证全覆盖"
    assert public["question"]["answerer"]["name"] == "王明"


def test_a_member_takes_the_question_the_host_started_when_nobody_has_it(panel, hearings, factory):
    hearing, mayor, director, _seat, _ = panel
    q = hearings.question(hearing, QuestionState.ANSWERING)
    questions.moderate(director, q.id, "take")
    assert q.answerer.user_id == director.id
    with pytest.raises(Conflict, match="李华"):  # taken: the host reassigns, members do not grab
        questions.moderate(mayor, q.id, "take")


def test_only_one_question_is_answered_at_a_time(panel, hearings):
    hearing, mayor, director, _, _ = panel
    first, second = hearings.question(hearing), hearings.question(hearing)
    questions.moderate(mayor, first.id, "take")
    with pytest.raises(Conflict):
        questions.moderate(director, second.id, "take")


def test_the_host_reassigns_to_another_member_and_history_says_so(panel, hearings, factory):
    hearing, mayor, director, seat, other_seat = panel
    q = hearings.question(hearing)
    questions.moderate(mayor, q.id, "take")
    host = factory.user(Role.HOST)
    questions.moderate(host, q.id, "reassign", member=other_seat.id)
    assert q.answerer_id == other_seat.id and q.state == QuestionState.ANSWERING
    assert q.history[-1].action == "reassign" and q.history[-1].note == "改由李华（发改委）回答（原：王明（审批局））"
    with pytest.raises(Invalid):  # a member of another hearing's panel
        questions.moderate(host, q.id, "reassign", member=999999)
    with pytest.raises(Forbidden):
        questions.moderate(mayor, q.id, "reassign", member=seat.id)
    questions.moderate(director, q.id, "answer", summary="由发改委牵头")
    assert q.state == QuestionState.ANSWERED


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.MODERATOR, Role.OFFICIAL, Role.HOST])
def test_people_off_the_panel_cannot_take_or_answer(panel, hearings, factory, role):
    hearing, *_ = panel
    q = hearings.question(hearing)
    with pytest.raises(Forbidden):
        questions.moderate(factory.user(role), q.id, "take")
    with pytest.raises(Unauthorized):
        questions.moderate(None, q.id, "take")
    assert q.state == QuestionState.APPROVED and q.answerer_id is None


def test_a_panel_members_question_is_public_at_once_even_under_premoderation(panel, app, db):
    hearing, mayor, *_ = panel
    app.config["SENSITIVE_WORDS"] = "违禁词"
    try:
        q = questions.ask(mayor, hearing, "请审批局说明违禁词清单的调整计划？", "p1", anonymous=False).question
    finally:
        app.config["SENSITIVE_WORDS"] = None
    assert hearing.premoderation and q.state == QuestionState.APPROVED and q.from_panel
    assert q.asker_name == "王明（副市长）"
    assert q.history[0].note == "答辩团成员提问，不经审核直接公开"
    snap = services.snapshot(hearing, None)
    assert snap["questions"][0]["from_panel"] is True


def test_a_citizen_revises_a_pending_question_and_the_text_before_is_kept(panel, hearings, factory, emitted):
    hearing, *_ = panel
    citizen = factory.user(Role.CITIZEN)
    q = hearings.question(hearing, QuestionState.PENDING, author=citizen, text="一业一证何时推行到全市")
    questions.moderate(citizen, q.id, "revise", text="一业一证何时推行到全市各区？")
    assert q.text == "一业一证何时推行到全市各区？" and q.state == QuestionState.PENDING
    assert q.history[-1].action == "revise" and q.history[-1].text_before == "一业一证何时推行到全市"
    moderation = [d for e, d, r in emitted if e == "moderation" and r == live.moderators_room(hearing.id)][-1]
    assert moderation["question"]["text"] == "一业一证何时推行到全市各区？"


def test_a_citizen_withdraws_a_pending_question(panel, hearings, factory, emitted, db):
    hearing, *_ = panel
    citizen = factory.user(Role.CITIZEN)
    q = hearings.question(hearing, QuestionState.PENDING, author=citizen)
    questions.moderate(citizen, q.id, "withdraw")
    assert q.state == QuestionState.WITHDRAWN
    assert _events(q)[-1] == ("withdraw", "pending", "withdrawn")
    moderation = [d for e, d, r in emitted if e == "moderation" and r == live.moderators_room(hearing.id)][-1]
    assert moderation["question"]["state"] == "withdrawn"
    counts = services.snapshot(hearing, None)["counts"]
    assert counts["withdrawn"] == 1 and counts["pending"] == 0


def test_only_the_asker_revises_or_withdraws_and_only_until_approved(panel, hearings, factory):
    hearing, *_ = panel
    citizen = factory.user(Role.CITIZEN)
    pending = hearings.question(hearing, QuestionState.PENDING, author=citizen)
    for other in (factory.user(Role.CITIZEN), factory.user(Role.MODERATOR)):
        with pytest.raises(Forbidden):
            questions.moderate(other, pending.id, "withdraw")
        with pytest.raises(Forbidden):
            questions.moderate(other, pending.id, "revise", text="别人改写的问题内容")
    approved = hearings.question(hearing, author=citizen)
    with pytest.raises(Conflict):
        questions.moderate(citizen, approved.id, "withdraw")
    with pytest.raises(Conflict):
        questions.moderate(citizen, approved.id, "revise", text="通过后再修改的内容")
    assert pending.state == QuestionState.PENDING and approved.state == QuestionState.APPROVED


def test_editing_the_hearing_keeps_the_seats_of_members_who_stay(panel, hearings, db):
    hearing, mayor, _, seat, _ = panel
    q = hearings.question(hearing)
    questions.moderate(mayor, q.id, "take")
    data = services.HearingData(
        kind=hearing.kind,
        title=hearing.title,
        starts_at=hearing.starts_at,
        panel=[
            services.PanelData(name="王明", title="常务副市长", department_id=seat.department_id, user_id=mayor.id),
            services.PanelData(name="赵新", title="局长"),
        ],
    )
    services.set_people(hearing, data)
    db.session.commit()
    db.session.refresh(q)
    assert [p.name for p in hearing.panel] == ["王明", "赵新"]
    assert hearing.panel[0].id == seat.id and hearing.panel[0].title == "常务副市长"
    assert q.answerer_id == seat.id
