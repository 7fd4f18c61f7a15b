"""Hearing pages: public, consoles, projector, transcript exports, commitment tracking, bad input."""

from __future__ import annotations

import json
from datetime import date, timedelta

from portal.accounts.models import Role
from portal.actors import SYSTEM
from portal.hearings import services
from portal.hearings.models import HearingState, Question, QuestionState


def test_the_public_page_shows_the_queue_to_visitors_without_login(hearings, client):
    hearing = hearings.hearing()
    q = hearings.question(hearing)
    page = client.get(f"/hearings/{hearing.id}").get_data(as_text=True)
    assert (
        q.text in page
        and "登录</a>或" in page
        and '已收到 <strong data-count="received">1</strong> 条：公开 <strong data-count="public">1</strong> 条' in page
    )


def test_the_list_and_the_home_panel_show_live_hearings(hearings, client):
    hearing = hearings.hearing(title="正在直播的答辩")
    assert hearing.title in client.get("/hearings/").get_data(as_text=True)
    assert "正在直播的答辩" in client.get("/").get_data(as_text=True)


def test_asking_without_scripts_posts_the_form(hearings, factory, login, db):
    hearing = hearings.hearing()
    user = factory.user()
    response = login(user).post(f"/hearings/{hearing.id}/questions", data={"text": "不用脚本也能提问吗？"})
    assert response.status_code == 302
    assert db.session.query(Question).one().text == "不用脚本也能提问吗？"


def test_a_too_short_question_is_answered_with_400_and_the_text_kept(hearings, factory, login):
    hearing = hearings.hearing()
    response = login(factory.user()).post(f"/hearings/{hearing.id}/questions", data={"text": "短"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "问题内容太短" in page and "短</textarea>" in page


def test_consoles_are_for_moderators_and_hosts_only(hearings, factory, login):
    hearing = hearings.hearing()
    citizen = login(factory.user(Role.CITIZEN))
    assert citizen.get(f"/hearings/{hearing.id}/moderate").status_code == 403
    assert citizen.get(f"/hearings/{hearing.id}/host").status_code == 403
    assert login(factory.user(Role.MODERATOR)).get(f"/hearings/{hearing.id}/moderate").status_code == 200
    assert login(factory.user(Role.HOST)).get(f"/hearings/{hearing.id}/host").status_code == 200


def test_the_projector_needs_the_token_not_a_login(hearings, client):
    hearing = hearings.hearing()
    assert client.get(f"/hearings/{hearing.id}/projector/{hearing.projector_token}").status_code == 200
    assert client.get(f"/hearings/{hearing.id}/projector/wrong-token").status_code == 404


def test_the_host_closes_the_hearing_and_the_transcript_opens(hearings, factory, login, client, db):
    hearing = hearings.hearing()
    hearings.question(hearing, QuestionState.ANSWERED)
    assert client.get(f"/hearings/{hearing.id}/transcript").status_code == 404
    host = login(factory.user(Role.HOST))
    assert host.post(f"/hearings/{hearing.id}/state/close", data={"confirm": "yes"}).status_code == 302
    db.session.refresh(hearing)
    assert hearing.state == HearingState.CLOSED
    assert client.get(f"/hearings/{hearing.id}/transcript").status_code == 200


def test_transcript_exports_as_csv_and_json(hearings, client, db):
    hearing = hearings.hearing()
    q = hearings.question(hearing, QuestionState.ANSWERED)
    hearing.state = HearingState.CLOSED
    db.session.commit()
    csv_text = client.get(f"/hearings/{hearing.id}/transcript.csv").get_data(as_text=True)
    assert csv_text.startswith("\ufeff编号,提问时间") and q.text in csv_text
    data = json.loads(client.get(f"/hearings/{hearing.id}/transcript.json").get_data(as_text=True))
    assert data["questions"][0]["state"] == "answered" and data["questions"][0]["answer_summary"] == "已答复"


def test_a_host_registers_a_commitment_from_the_console(hearings, factory, login, db):
    hearing = hearings.hearing()
    q = hearings.question(hearing, QuestionState.ANSWERED)
    dept = factory.department()
    due = (date.today() + timedelta(days=60)).isoformat()
    host = login(factory.user(Role.HOST))
    response = host.post(
        f"/hearings/{hearing.id}/host",
        data={"question_id": q.id, "text": "年内完成系统对接", "department_id": dept.id, "due_date": due},
    )
    assert response.status_code == 302
    assert [c.text for c in services.commitments_for_hearing(hearing.id)] == ["年内完成系统对接"]


def test_a_commitment_without_department_is_refused_with_400(hearings, factory, login):
    hearing = hearings.hearing()
    host = login(factory.user(Role.HOST))
    response = host.post(f"/hearings/{hearing.id}/host", data={"text": "没有部门的承诺", "department_id": 0})
    assert response.status_code == 400 and "请选择责任部门" in response.get_data(as_text=True)


def test_officials_of_the_department_record_progress_on_the_commitment_page(hearings, factory, login, client):
    hearing = hearings.hearing()
    dept = factory.department()
    item = services.flag_commitment(SYSTEM, hearing, None, dept.id, "建立数据共享责任清单", date.today())
    assert "记录进展" not in client.get(f"/hearings/commitments/{item.id}").get_data(as_text=True)
    official = login(factory.user(Role.OFFICIAL, department=dept))
    response = official.post(f"/hearings/commitments/{item.id}", data={"status": "done", "note": "清单已印发"})
    assert response.status_code == 302
    assert "清单已印发" in client.get(f"/hearings/commitments/{item.id}").get_data(as_text=True)


def test_the_plan_partial_lists_commitments(app, hearings, factory, ctx):
    from flask import render_template

    hearing = hearings.hearing()
    dept = factory.department("市大数据发展管理局", short_name="大数据局")
    services.flag_commitment(SYSTEM, hearing, None, dept.id, "数据共享纳入考核", date.today())
    html = render_template("hearings/_commitments.html", commitments=services.commitments_for_hearing(hearing.id))
    assert "数据共享纳入考核" in html and "大数据局" in html and "未开始" in html
