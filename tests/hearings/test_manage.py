"""Hearing management: hosts and admins set up and edit hearings through the pages; bad input saves nothing."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role
from portal.hearings import services, setup
from portal.hearings.models import Hearing, HearingKind, HearingState, RaiserKind
from portal.times import LOCAL_TZ


@pytest.fixture
def plan(db):
    from portal.plans.models import Plan

    plan = Plan(title="高效建设攻势作战方案", year=2026)
    db.session.add(plan)
    db.session.commit()
    return plan


@pytest.fixture
def official(factory):
    dept = factory.department("市行政审批局")
    user = factory.user(Role.OFFICIAL, username="shenpi", display_name="李审批", department=dept)
    user.title = "市行政审批局局长"
    from portal.extensions import db

    db.session.commit()
    return user


def form(plan, **overrides) -> dict:
    data = {
        "kind": "inquiry",
        "plan_id": str(plan.id),
        "title": "攻势落实情况公开质询",
        "summary": "对攻势一年来的落实情况进行公开质询。",
        "starts_at": "2026-12-20T09:00",
        "ends_at": "2026-12-20T11:30",
        "place": "市民中心第一会议室",
        "livestream_url": "https://live.example.gov.cn/inquiry",
        "agenda": "09:00 主持人宣布质询开始\n09:10 牵头部门报告落实情况\n09:40 提问与答复",
        "panel": "王明 | 副市长\n@shenpi",
        "raisers": "企业家 | 张伟 | 某某科技有限公司\n媒体 | 陈晨 | 青岛日报",
        "premoderation": "y",
        "max_question_length": "300",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def count(db) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Hearing))


@pytest.mark.parametrize("role", [Role.HOST, Role.ADMIN])
def test_hosts_and_admins_create_a_hearing_through_the_form(role, factory, login, plan, official, db):
    client = login(factory.user(role))
    assert client.get("/hearings/manage/new").status_code == 200
    response = client.post("/hearings/manage/new", data=form(plan))
    assert response.status_code == 302
    hearing = db.session.scalars(sa.select(Hearing)).one()
    assert (hearing.kind, hearing.plan_id, hearing.state) == (HearingKind.INQUIRY, plan.id, HearingState.SCHEDULED)
    assert hearing.starts_at == datetime(2026, 12, 20, 9, 0, tzinfo=LOCAL_TZ).astimezone(UTC)
    assert [(p.name, p.title, p.is_lead) for p in hearing.panel] == [
        ("王明", "副市长", True),
        ("李审批", "市行政审批局局长", False),
    ]
    assert hearing.panel[1].user_id == official.id and hearing.panel[1].department_id == official.department_id
    assert [(r.kind, r.name, r.organisation) for r in hearing.raisers] == [
        (RaiserKind.ENTREPRENEUR, "张伟", "某某科技有限公司"),
        (RaiserKind.MEDIA, "陈晨", "青岛日报"),
    ]


def test_the_created_hearing_is_listed_and_its_public_page_shows_panel_raisers_and_agenda(
    factory, login, client, plan, official
):
    login(factory.user(Role.HOST)).post("/hearings/manage/new", data=form(plan))
    assert "攻势落实情况公开质询" in client.get("/hearings/").get_data(as_text=True)
    hearing_id = services.list_hearings()[0].id
    page = client.get(f"/hearings/{hearing_id}").get_data(as_text=True)
    for text in ("副市长", "李审批", "张伟", "某某科技有限公司", "青岛日报", "牵头部门报告落实情况", "09:10"):
        assert text in page


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.OFFICIAL, Role.MODERATOR])
def test_other_roles_are_refused_every_management_page(role, factory, login, hearings, plan, db):
    hearing = hearings.hearing(HearingState.CLOSED)
    client = login(factory.user(role))
    assert client.get("/hearings/manage/").status_code == 403
    assert client.get("/hearings/manage/new").status_code == 403
    assert client.post("/hearings/manage/new", data=form(plan)).status_code == 403
    assert client.get(f"/hearings/manage/{hearing.id}/edit").status_code == 403
    assert client.post(f"/hearings/manage/{hearing.id}/edit", data=form(plan)).status_code == 403
    assert client.post(f"/hearings/manage/{hearing.id}/token").status_code == 403
    assert client.post(f"/hearings/{hearing.id}/state/archive", data={"back": "manage"}).status_code == 403
    assert count(db) == 1 and hearing.state == HearingState.CLOSED


def test_visitors_are_sent_to_the_login_page(client):
    response = client.get("/hearings/manage/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


BAD_INPUT = {
    "missing-title": ({"title": ""}, "请填写名称"),
    "long-title": ({"title": "长" * 201}, "名称最多 200 字"),
    "end-before-start": ({"ends_at": "2026-12-20T08:00"}, "结束时间应晚于开始时间"),
    "bad-start": ({"starts_at": "明天上午"}, "请填写开始时间"),
    "bad-end": ({"ends_at": "下午"}, "时间格式有误"),
    "http-livestream": ({"livestream_url": "http://live.example.gov.cn/x"}, "直播地址须为以 https:// 开头的完整网址"),
    "no-plan": ({"plan_id": "0"}, "都须关联一个作战方案"),
    "unknown-plan": ({"plan_id": "99999"}, "所选作战方案不存在"),
    "agenda-without-time": ({"agenda": "09:00 开始\n主持人致辞"}, "议程第 2 行应为“时间 事项”"),
    "agenda-out-of-order": ({"agenda": "10:00 提问\n09:00 开始"}, "议程第 2 行的时间早于上一项"),
    "agenda-bad-time": ({"agenda": "25:00 开始"}, "议程第 1 行的时间“25:00”无效"),
    "empty-panel": ({"panel": ""}, "请至少填写一名答辩团成员"),
    "panel-without-title": ({"panel": "王明"}, "答辩团第 1 行缺少职务"),
    "panel-unknown-user": ({"panel": "@nobody | 局长"}, "答辩团第 1 行：找不到用户“nobody”"),
    "panel-unknown-department": ({"panel": "王明 | 局长 | 不存在的局"}, "找不到部门“不存在的局”"),
    "raiser-bad-kind": ({"raisers": "网红 | 张伟"}, "提问人第 1 行的类别“网红”无效"),
    "raiser-without-name": ({"raisers": "企业家"}, "提问人第 1 行应为“类别 | 姓名 | 单位”"),
    "question-length": ({"max_question_length": "5"}, "问题字数上限应在 20 到 2000 之间"),
    "bad-kind": ({"kind": "party"}, "请选择公开答辩或公开质询"),
}


@pytest.mark.parametrize(("overrides", "message"), BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_is_answered_with_400_and_a_message_and_nothing_is_saved(
    overrides, message, factory, login, plan, official, db
):
    response = login(factory.user(Role.HOST)).post("/hearings/manage/new", data=form(plan, **overrides))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(db) == 0


def test_bad_input_on_edit_keeps_the_saved_hearing(factory, login, plan, official, db):
    client = login(factory.user(Role.HOST))
    client.post("/hearings/manage/new", data=form(plan))
    hearing = db.session.scalars(sa.select(Hearing)).one()
    response = client.post(f"/hearings/manage/{hearing.id}/edit", data=form(plan, title="新名称", panel=""))
    assert response.status_code == 400 and "请至少填写一名答辩团成员" in response.get_data(as_text=True)
    db.session.expire_all()
    assert hearing.title == "攻势落实情况公开质询" and len(hearing.panel) == 2


def test_the_edit_page_shows_the_saved_values(factory, login, plan, official):
    client = login(factory.user(Role.ADMIN))
    client.post("/hearings/manage/new", data=form(plan))
    hearing_id = services.list_hearings()[0].id
    page = client.get(f"/hearings/manage/{hearing_id}/edit").get_data(as_text=True)
    assert "王明 | 副市长" in page and "@shenpi | 市行政审批局局长 | 市行政审批局" in page
    assert "企业家 | 张伟 | 某某科技有限公司" in page and 'value="2026-12-20T09:00"' in page


def test_editing_a_live_hearing_keeps_its_queue_and_tells_connected_clients(
    factory, login, hearings, plan, official, db, emitted
):
    hearing = hearings.hearing(HearingState.LIVE, plan_id=plan.id)
    question = hearings.question(hearing)
    hearing.now_question_id = question.id
    db.session.commit()
    seq_before = hearing.seq
    emitted.clear()
    response = login(factory.user(Role.HOST)).post(
        f"/hearings/manage/{hearing.id}/edit",
        data=form(plan, kind="defense", title="改过的名称", premoderation=None),
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert hearing.title == "改过的名称" and hearing.premoderation is False
    assert hearing.state == HearingState.LIVE and hearing.now_question_id == question.id
    [(event, data, room)] = emitted
    assert event == "hearing" and room == f"h{hearing.id}"
    assert data["hearing_id"] == hearing.id and data["seq"] == seq_before + 1
    assert data["hearing"]["title"] == "改过的名称" and data["hearing"]["place"] == "市民中心第一会议室"
    snapshot = services.snapshot(hearing, None)
    assert snapshot["hearing"]["title"] == "改过的名称" and snapshot["now"]["id"] == question.id


def test_the_schedule_of_a_closed_hearing_cannot_change(factory, login, hearings, plan, official, db):
    hearing = hearings.hearing(HearingState.CLOSED, plan_id=plan.id)
    starts_at = hearing.starts_at
    response = login(factory.user(Role.HOST)).post(
        f"/hearings/manage/{hearing.id}/edit", data=form(plan, kind="defense")
    )
    assert response.status_code == 409 and "答辩已结束，不能修改时间" in response.get_data(as_text=True)
    db.session.expire_all()
    assert hearing.starts_at == starts_at and hearing.title != "攻势落实情况公开质询"


def test_a_closed_hearing_can_still_get_its_replay_link_and_title_fixed(factory, login, hearings, plan, official, db):
    hearing = hearings.hearing(HearingState.CLOSED, plan_id=plan.id)
    client = login(factory.user(Role.HOST))
    page = client.get(f"/hearings/manage/{hearing.id}/edit").get_data(as_text=True)
    assert "答辩已结束，时间不能再修改" in page
    fields = {
        "starts_at": setup.form_time(hearing.starts_at),
        "ends_at": setup.form_time(hearing.ends_at),
        "livestream_url": "https://live.example.gov.cn/replay",
    }
    response = client.post(
        f"/hearings/manage/{hearing.id}/edit", data=form(plan, kind="defense", title="答辩（回放）", **fields)
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert hearing.title == "答辩（回放）" and hearing.livestream_url == "https://live.example.gov.cn/replay"


def test_an_archived_hearing_is_not_edited(factory, login, hearings, plan, db):
    hearing = hearings.hearing(HearingState.ARCHIVED, plan_id=plan.id)
    response = login(factory.user(Role.ADMIN)).post(f"/hearings/manage/{hearing.id}/edit", data=form(plan))
    assert response.status_code == 409


def test_regenerating_the_projector_token_retires_the_old_url(factory, login, client, hearings):
    hearing = hearings.hearing()
    old = f"/hearings/{hearing.id}/projector/{hearing.projector_token}"
    assert client.get(old).status_code == 200
    assert login(factory.user(Role.ADMIN)).post(f"/hearings/manage/{hearing.id}/token").status_code == 302
    assert client.get(old).status_code == 404
    assert client.get(f"/hearings/{hearing.id}/projector/{hearing.projector_token}").status_code == 200


@pytest.mark.parametrize("role", [Role.ADMIN, Role.HOST])
def test_a_closed_hearing_is_archived_from_the_list(role, factory, login, hearings, db, emitted):
    """One route archives, for hosts and admins alike: the list's button posts to the hearing's state route."""
    hearing = hearings.hearing(HearingState.CLOSED)
    client = login(factory.user(role))
    page = client.get("/hearings/manage/").get_data(as_text=True)
    assert f'action="/hearings/{hearing.id}/state/archive"' in page
    response = client.post(f"/hearings/{hearing.id}/state/archive", data={"back": "manage"})
    assert response.status_code == 302 and response.location.endswith(f"/hearings/manage/#hearing-{hearing.id}")
    assert hearing.state == HearingState.ARCHIVED and [e for e, _, _ in emitted] == ["hearing"]
    assert client.post(f"/hearings/manage/{hearing.id}/archive").status_code in (404, 405)  # the old route is gone


def test_a_citizen_cannot_archive(factory, login, hearings):
    hearing = hearings.hearing(HearingState.CLOSED)
    assert login(factory.user(Role.CITIZEN)).post(f"/hearings/{hearing.id}/state/archive").status_code == 403
    assert hearing.state == HearingState.CLOSED


def test_only_a_closed_hearing_can_be_archived(factory, login, hearings):
    hearing = hearings.hearing(HearingState.LIVE)
    client = login(factory.user(Role.HOST))
    assert f'action="/hearings/{hearing.id}/state/archive"' not in client.get("/hearings/manage/").get_data(
        as_text=True
    )
    response = client.post(f"/hearings/{hearing.id}/state/archive", data={"back": "manage"}, follow_redirects=True)
    assert "不能归档" in response.get_data(as_text=True)
    assert hearing.state == HearingState.LIVE


def test_the_list_shows_every_hearing_with_its_state_and_console_links(factory, login, hearings):
    scheduled = hearings.hearing(HearingState.SCHEDULED, title="下周的答辩")
    archived = hearings.hearing(HearingState.ARCHIVED, title="去年的质询")
    page = login(factory.user(Role.HOST)).get("/hearings/manage/").get_data(as_text=True)
    assert "下周的答辩" in page and "去年的质询" in page and "已归档" in page and "即将开始" in page
    assert f"/hearings/{scheduled.id}/host" in page and f"/hearings/{archived.id}/projector/" in page


def test_the_hearings_index_links_management_for_hosts_only(factory, login, client):
    assert "答辩管理" in login(factory.user(Role.ADMIN)).get("/hearings/").get_data(as_text=True)
    assert "答辩管理" not in login(factory.user(Role.MODERATOR)).get("/hearings/").get_data(as_text=True)
    assert "答辩管理" not in client.get("/hearings/").get_data(as_text=True)


def test_a_live_hearing_keeps_its_plan(factory, login, hearings, plan, official, db):
    from portal.plans.models import Plan

    other = Plan(title="另一个作战方案", year=2025)
    db.session.add(other)
    db.session.commit()
    hearing = hearings.hearing(HearingState.LIVE, plan_id=plan.id)
    response = login(factory.user(Role.HOST)).post(
        f"/hearings/manage/{hearing.id}/edit", data=form(other, kind="defense")
    )
    assert response.status_code == 409 and "不能再更改关联的作战方案" in response.get_data(as_text=True)
    db.session.expire_all()
    assert hearing.plan_id == plan.id


def test_a_live_hearing_without_a_plan_can_still_be_linked_to_one(factory, login, hearings, plan, official, db):
    hearing = hearings.hearing(HearingState.LIVE)
    client = login(factory.user(Role.HOST))
    assert 'name="plan_id"' in client.get(f"/hearings/manage/{hearing.id}/edit").get_data(as_text=True)
    response = client.post(f"/hearings/manage/{hearing.id}/edit", data=form(plan, kind="defense"))
    assert response.status_code == 302
    db.session.expire_all()
    assert hearing.plan_id == plan.id


def test_the_host_console_and_the_public_page_link_the_edit_page(factory, login, hearings):
    hearing = hearings.hearing(HearingState.SCHEDULED)
    host = login(factory.user(Role.HOST))
    assert f"/hearings/manage/{hearing.id}/edit" in host.get(f"/hearings/{hearing.id}/host").get_data(as_text=True)
    assert f"/hearings/manage/{hearing.id}/edit" in host.get(f"/hearings/{hearing.id}").get_data(as_text=True)


def test_the_cli_lists_hearings_and_issues_a_new_projector_url(runner, hearings):
    hearing = hearings.hearing(title="命令行里的答辩")
    old = hearing.projector_token
    assert "命令行里的答辩" in runner.invoke(args=["hearings", "list"]).output
    result = runner.invoke(args=["hearings", "projector-token", str(hearing.id)])
    assert result.exit_code == 0 and hearing.projector_token != old
    assert f"/hearings/{hearing.id}/projector/{hearing.projector_token}" in result.output


def test_the_cli_refuses_to_archive_a_live_hearing(runner, hearings):
    hearing = hearings.hearing(HearingState.LIVE)
    result = runner.invoke(args=["hearings", "archive", str(hearing.id)])
    assert result.exit_code != 0 and "不能归档" in result.output
