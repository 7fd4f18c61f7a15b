"""Live polls (现场表决): the poll's life cycle and history, one answer per account or browser, results hidden until
shown, the host's and the viewer's pages, the transcript; the join code and its QR code; analytics and the
inquiry's reviewed commitments on constructed data."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role
from portal.actors import SYSTEM
from portal.errors import Conflict, Forbidden, Invalid, Unauthorized
from portal.hearings import analytics, join, polls, reviews, services
from portal.hearings.models import (
    CommitmentStatus,
    HearingKind,
    HearingState,
    PollAnswer,
    PollEvent,
    PollState,
    PresenceSample,
    QuestionState,
)
from portal.times import utcnow


@pytest.fixture
def host(factory):
    return factory.user(Role.HOST)


def _poll(host, hearing, multiple=False, anonymous=False, open_now=True, options="支持\n反对\n弃权"):
    return polls.create_poll(
        host,
        hearing,
        "是否支持一业一证改革全面推开？",
        options,
        multiple=multiple,
        allow_anonymous=anonymous,
        open_now=open_now,
    )


def _option(poll, i):
    return poll.options[i].id


def test_a_poll_runs_from_draft_to_closed_and_every_step_is_in_its_history(hearings, host, factory, db):
    hearing = hearings.hearing()
    poll = _poll(host, hearing, open_now=False)
    assert poll.state == PollState.DRAFT and [o.label for o in poll.options] == ["支持", "反对", "弃权"]
    assert polls.state_for(hearing, None, None)["polls"] == []  # a draft is the host's only
    polls.act(host, poll.id, "open")
    polls.act(host, poll.id, "show")
    polls.act(host, poll.id, "hide")
    polls.act(host, poll.id, "close")
    with pytest.raises(Conflict):
        polls.act(host, poll.id, "open")
    events = db.session.scalars(sa.select(PollEvent).where(PollEvent.poll_id == poll.id).order_by(PollEvent.id)).all()
    assert [(e.action, e.from_state, e.to_state) for e in events] == [
        ("create", None, "draft"),
        ("open", "draft", "open"),
        ("show", "open", "open"),
        ("hide", "open", "open"),
        ("close", "open", "closed"),
    ]
    assert all(e.actor_id == host.id for e in events)


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.MODERATOR, Role.OFFICIAL, Role.ADMIN])
def test_only_hosts_create_and_run_polls(hearings, host, factory, role):
    hearing = hearings.hearing()
    poll = _poll(host, hearing)
    other = factory.user(role)
    with pytest.raises(Forbidden):
        polls.create_poll(other, hearing, "问题", "甲\n乙")
    with pytest.raises(Forbidden):
        polls.act(other, poll.id, "close")
    with pytest.raises(Unauthorized):
        polls.act(None, poll.id, "close")


def test_creating_checks_the_options_and_a_retry_returns_the_first_poll(hearings, host):
    hearing = hearings.hearing()
    with pytest.raises(Invalid):
        polls.create_poll(host, hearing, "问题", "只有一个")
    with pytest.raises(Invalid):
        polls.create_poll(host, hearing, "问题", "\n".join(str(i) for i in range(11)))
    first = polls.create_poll(host, hearing, "问题", "甲\n乙\n甲", client_id="c1")
    assert [o.label for o in first.options] == ["甲", "乙"]
    assert polls.create_poll(host, hearing, "问题", "甲\n乙", client_id="c1").id == first.id


def test_one_answer_per_account_and_a_retry_gets_the_first_answer(hearings, host, factory, db):
    hearing = hearings.hearing()
    poll = _poll(host, hearing)
    citizen = factory.user(Role.CITIZEN)
    first = polls.answer(citizen, None, poll.id, [_option(poll, 0)], "a1")
    assert first == {"poll_id": poll.id, "choices": [_option(poll, 0)], "created": True}
    retry = polls.answer(citizen, None, poll.id, [_option(poll, 0)], "a1")
    assert retry["created"] is False and retry["choices"] == [_option(poll, 0)]
    with pytest.raises(Conflict):
        polls.answer(citizen, None, poll.id, [_option(poll, 1)], "a2")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PollAnswer)) == 1


def test_a_batch_with_two_answers_of_one_person_writes_one(hearings, host, factory, db):
    hearing = hearings.hearing()
    poll = _poll(host, hearing)
    citizen = factory.user(Role.CITIZEN)
    a = polls.AnswerRequest(poll.id, citizen.id, None, [_option(poll, 0)], "x1")
    b = polls.AnswerRequest(poll.id, citizen.id, None, [_option(poll, 1)], "x2")
    c = polls.AnswerRequest(poll.id, citizen.id, None, [_option(poll, 0)], "x1")
    polls.apply_answers([a, b, c])
    assert a.result["created"] and isinstance(b.error, Conflict) and c.result["created"] is False
    assert polls.results([poll.id])[poll.id][0] == 1


def test_single_choice_takes_one_option_and_multiple_choice_counts_each(hearings, host, factory):
    hearing = hearings.hearing()
    single, multi = _poll(host, hearing), _poll(host, hearing, multiple=True)
    citizen, other = factory.user(Role.CITIZEN), factory.user(Role.CITIZEN)
    with pytest.raises(Invalid):
        polls.answer(citizen, None, single.id, [_option(single, 0), _option(single, 1)], "s1")
    with pytest.raises(Invalid):
        polls.answer(citizen, None, single.id, [_option(multi, 0)], "s2")  # an option of another poll
    polls.answer(citizen, None, multi.id, [_option(multi, 0), _option(multi, 2)], "m1")
    polls.answer(other, None, multi.id, [_option(multi, 2)], "m2")
    assert polls.results([multi.id])[multi.id][:2] == (2, [1, 0, 2, 0, 0, 0, 0, 0, 0, 0])[:2]
    assert polls.results([multi.id])[multi.id][1][:3] == [1, 0, 2]


def test_anonymous_answers_only_where_allowed_and_once_per_browser(hearings, host, app, db):
    hearing = hearings.hearing()
    closed_to_anonymous, open_to_anonymous = _poll(host, hearing), _poll(host, hearing, anonymous=True)
    with app.test_request_context():
        device = polls.device_from_token(polls.new_device_token())
        assert device and polls.device_from_token("forged.value") is None and polls.device_from_token(7) is None
    with pytest.raises(Unauthorized):
        polls.answer(None, device, closed_to_anonymous.id, [_option(closed_to_anonymous, 0)], "d1")
    with pytest.raises(Unauthorized):
        polls.answer(None, None, open_to_anonymous.id, [_option(open_to_anonymous, 0)], "d1")
    polls.answer(None, device, open_to_anonymous.id, [_option(open_to_anonymous, 0)], "d1")
    with pytest.raises(Conflict):
        polls.answer(None, device, open_to_anonymous.id, [_option(open_to_anonymous, 1)], "d2")
    assert polls.my_answers(hearing.id, None, device) == {str(open_to_anonymous.id): [_option(open_to_anonymous, 0)]}


def test_a_closed_poll_and_a_poll_of_a_closed_hearing_refuse_answers(hearings, host, factory):
    hearing = hearings.hearing()
    poll = _poll(host, hearing)
    citizen = factory.user(Role.CITIZEN)
    polls.act(host, poll.id, "close")
    with pytest.raises(Conflict, match="已结束"):
        polls.answer(citizen, None, poll.id, [_option(poll, 0)], "c1")
    other = _poll(host, hearing)
    services.change_state(host, hearing, "close")
    assert other.state == PollState.CLOSED  # closing the hearing closes its open polls
    with pytest.raises(Conflict):
        polls.answer(citizen, None, other.id, [_option(other, 0)], "c2")


def test_results_are_hidden_from_the_public_until_the_host_shows_them(hearings, host, factory, emitted, monkeypatch):
    from portal.hearings import live

    monkeypatch.setattr(live, "_tick_hooks", [])  # a flusher an earlier socket test started must not flush for us
    hearing = hearings.hearing()
    poll = _poll(host, hearing)
    polls.answer(factory.user(Role.CITIZEN), None, poll.id, [_option(poll, 1)], "r1")
    public = polls.state_for(hearing, None, None)["polls"][0]
    assert "counts" not in public and "total" not in public
    assert polls.state_for(hearing, host, None)["polls"][0]["counts"][str(_option(poll, 1))] == 1
    emitted.clear()
    polls.flush_results()
    assert [(e, room) for e, _, room in emitted] == [("poll_results", f"h{hearing.id}:mod")]
    polls.act(host, poll.id, "show")
    shown = [d for e, d, room in emitted if e == "poll" and room == f"h{hearing.id}"][-1]
    assert shown["results_shown"] and shown["total"] == 1
    polls.answer(factory.user(Role.CITIZEN), None, poll.id, [_option(poll, 0)], "r2")
    emitted.clear()
    polls.flush_results()
    ((event, data, room),) = emitted
    assert (event, room, data["total"]) == ("poll_results", f"h{hearing.id}", 2)
    assert data["version"] > shown["version"]


def test_the_host_creates_and_runs_a_poll_through_the_console_forms(hearings, host, login, db):
    hearing = hearings.hearing()
    client = login(host)
    page = client.get(f"/hearings/{hearing.id}/host").get_data(as_text=True)
    assert 'data-testid="poll-create"' in page
    response = client.post(
        f"/hearings/{hearing.id}/polls",
        data={"question": "您最关注哪项措施？", "options": "一业一证\n证照联办\n", "open_now": "y"},
    )
    assert response.status_code == 302
    poll = polls.hearing_polls(hearing.id)[0]
    assert poll.state == PollState.OPEN and poll.question == "您最关注哪项措施？"
    assert client.post(f"/hearings/polls/{poll.id}/show").status_code == 302
    db.session.refresh(poll)
    assert poll.results_shown
    assert client.post(f"/hearings/polls/{poll.id}/nonsense").status_code == 404


def test_a_viewer_answers_without_scripts_and_sees_the_answer(hearings, host, factory, login):
    hearing = hearings.hearing()
    poll = _poll(host, hearing)
    client = login(factory.user(Role.CITIZEN))
    page = client.get(f"/hearings/{hearing.id}").get_data(as_text=True)
    assert 'data-testid="poll-form"' in page and "结果待主持人公布" in page
    response = client.post(f"/hearings/polls/{poll.id}/answer", data={"choice": str(_option(poll, 2))})
    assert response.status_code == 302
    page = client.get(f"/hearings/{hearing.id}").get_data(as_text=True)
    assert "您已参与：弃权" in page and 'data-testid="poll-form"' not in page
    assert client.post(f"/hearings/polls/{poll.id}/answer", data={"choice": "x"}).status_code == 400


def test_an_anonymous_page_sets_no_cookie_and_the_browser_gets_its_device_token_apart(hearings, host, client):
    hearing = hearings.hearing()
    poll = _poll(host, hearing, anonymous=True)
    page = client.get(f"/hearings/{hearing.id}")
    assert "Set-Cookie" not in page.headers and "csrf" not in page.get_data(as_text=True)  # a proxy may cache it
    assert 'data-testid="poll-form"' in page.get_data(as_text=True)  # the script answers it
    token = client.get("/hearings/device-token")
    assert token.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in token.headers
    device = polls.device_from_token(token.get_json()["device"])
    polls.answer(None, device, poll.id, [_option(poll, 0)], "b1")
    with pytest.raises(Conflict):
        polls.answer(None, device, poll.id, [_option(poll, 1)], "b2")
    assert polls.results([poll.id])[poll.id][0] == 1
    response = client.post(f"/hearings/polls/{poll.id}/answer", data={"choice": str(_option(poll, 0))})
    assert (
        response.status_code == 302 and "/login" in response.headers["Location"]
    )  # no form answers without an account


def test_the_transcript_lists_the_polls_with_their_results(hearings, host, factory, client):
    hearing = hearings.hearing()
    poll = _poll(host, hearing)
    polls.answer(factory.user(Role.CITIZEN), None, poll.id, [_option(poll, 0)], "t1")
    services.change_state(host, hearing, "close")
    page = client.get(f"/hearings/{hearing.id}/transcript").get_data(as_text=True)
    assert 'data-testid="transcript-polls"' in page and poll.question in page
    assert "1 票（100%）" in page and "共 1 人参与" in page
    (record,) = client.get(f"/hearings/{hearing.id}/transcript.json").get_json()["polls"]
    assert record["question"] == poll.question and record["total"] == 1
    assert record["counts"] == {str(o.id): int(o.position == 0) for o in poll.options}


# --- the join code and the QR code ------------------------------------------------------------------------------


def test_join_codes_round_trip_and_resolve_to_the_hearing(hearings, client):
    for hearing_id in (1, 2, 31, 999, 123_456, 2**25 - 1):
        code = join.code_for(hearing_id)
        assert 5 <= len(code) <= 6 and join.hearing_id_for(code.lower()) == hearing_id
    assert join.hearing_id_for("0OIL1") is None and join.hearing_id_for("") is None
    hearing = hearings.hearing()
    response = client.get(f"/j/{join.code_for(hearing.id)}")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/hearings/{hearing.id}")
    assert client.get(f"/j?code={join.code_for(hearing.id)}").status_code == 302
    assert client.get(f"/j/{join.code_for(hearing.id + 1000)}").status_code == 404
    assert client.get("/j?code=!!").status_code == 404
    assert client.get("/j").status_code == 200


def test_the_projector_shows_the_join_code_and_a_qr_code_of_the_join_url(hearings, host, client):
    zxingcpp = pytest.importorskip("zxingcpp")
    hearing = hearings.hearing()
    _poll(host, hearing)
    page = client.get(f"/hearings/{hearing.id}/projector/{hearing.projector_token}").get_data(as_text=True)
    code = join.code_for(hearing.id)
    assert f'<strong data-testid="join-code">{code}</strong>' in page
    url = re.search(r'<p class="join-url">([^<]+)</p>', page).group(1)
    assert url.endswith(f"/j/{code}")
    assert '<svg viewBox="0 0 ' in page and "是否支持一业一证改革全面推开？" in page  # the QR code and the open poll
    # Decode the QR code drawn for that URL (the same call as the page's) and follow it.
    matrix = [list(row) for row in join.qr(url).matrix_iter(scale=4, border=4)]
    pixels = bytes(0 if dark else 255 for row in matrix for dark in row)
    decoded = zxingcpp.read_barcodes(zxingcpp.ImageView(pixels, len(matrix[0]), len(matrix), zxingcpp.ImageFormat.Lum))
    assert [d.text for d in decoded] == [url]
    assert client.get(url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])).status_code == 302


# --- analytics and the inquiry ----------------------------------------------------------------------------------


def test_analytics_count_what_happened(hearings, host, factory, db, login):
    hearing = hearings.hearing()
    answered = hearings.question(hearing, QuestionState.ANSWERED)
    approved = hearings.question(hearing, QuestionState.APPROVED)
    second = hearings.question(hearing, QuestionState.APPROVED)
    hearings.question(hearing, QuestionState.PENDING)
    hearings.question(hearing, QuestionState.HIDDEN)  # published once, then hidden
    from portal.hearings import questions

    for _ in range(3):
        questions.vote(factory.user(Role.CITIZEN), approved.id, "v")
    questions.vote(factory.user(Role.CITIZEN), second.id, "v")
    poll = _poll(host, hearing)
    polls.answer(factory.user(Role.CITIZEN), None, poll.id, [_option(poll, 1)], "p")
    start = utcnow().replace(second=0, microsecond=0) - timedelta(minutes=3)
    for i, n in enumerate([5, 12, 9]):
        analytics.record_presence({hearing.id: n}, start + timedelta(minutes=i))
    analytics.record_presence({hearing.id: 99}, start)  # a second process sampling the same minute: one row
    services.flag_commitment(
        host, hearing, answered.id, factory.department().id, "六月底前完成系统对接", date.today() + timedelta(days=30)
    )
    a = analytics.analytics(host, hearing)
    assert [n for _, n in a.audience] == [5, 12, 9] and a.peak == 12
    assert (a.counts["received"], a.published, a.counts["answered"], a.counts["pending"]) == (5, 4, 1, 1)
    assert (a.votes, a.voters) == (4, 4)
    assert [q.id for q in a.top][:2] == [approved.id, second.id]
    assert a.polls[0]["total"] == 1 and len(a.commitments) == 1
    assert dict(a.commitment_status)[CommitmentStatus.NOT_STARTED] == 1
    with pytest.raises(Forbidden):
        analytics.analytics(factory.user(Role.MODERATOR), hearing)
    client = login(host)
    page = client.get(f"/hearings/{hearing.id}/analytics").get_data(as_text=True)
    assert 'data-testid="audience-chart"' in page and "<strong" not in page.split("最高在线")[0][-10:]
    rows = list(csv.reader(io.StringIO(client.get(f"/hearings/{hearing.id}/analytics.csv").get_data(as_text=True))))
    table = {(r[0], r[1]): r[2] for r in rows[1:]}
    assert table[("概况", "最高在线人数")] == "12" and table[("概况", "投票数")] == "4"
    assert table[(f"表决：{poll.question}", "反对")] == "1"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PresenceSample)) == 3


def test_an_inquiry_lists_the_commitments_of_the_hearings_it_reviews(hearings, host, factory, client, db, runner):
    defense = hearings.hearing(HearingState.CLOSED)
    other = hearings.hearing(HearingState.CLOSED)
    dept = factory.department()
    kept = services.flag_commitment(
        host, defense, None, dept.id, "年底前实现一网通办", date.today() + timedelta(days=60)
    )
    services.flag_commitment(host, other, None, dept.id, "不在本次质询范围内的承诺", date.today() + timedelta(days=60))
    services.update_commitment(host, kept, CommitmentStatus.IN_PROGRESS, "已完成系统招标，证据：招标公告")
    inquiry = hearings.hearing(HearingState.SCHEDULED)
    inquiry.kind = HearingKind.INQUIRY
    db.session.commit()
    reviews.set_reviews(SYSTEM, inquiry, [defense.id])
    with pytest.raises(Conflict):
        reviews.set_reviews(SYSTEM, defense, [other.id])
    assert 'data-testid="reviewed-link"' in client.get(f"/hearings/{inquiry.id}").get_data(as_text=True)
    page = client.get(f"/hearings/{inquiry.id}/reviewed-commitments").get_data(as_text=True)
    assert "年底前实现一网通办" in page and "推进中" in page and "已完成系统招标，证据：招标公告" in page
    assert "不在本次质询范围内的承诺" not in page
    assert client.get(f"/hearings/{defense.id}/reviewed-commitments").status_code == 404
    result = runner.invoke(args=["hearings", "reviews", str(inquiry.id), str(other.id)])
    assert result.exit_code == 0 and other.title in result.output and defense.title not in result.output
