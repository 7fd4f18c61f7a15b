"""The panel (答辩团) on the platform, in Chromium: the vice mayor takes a question on the panel console and answers
it while a citizen watches the public page and the hall's projector, with no reload anywhere."""

from __future__ import annotations

import os
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from portal.actors import SYSTEM
from tests.browser.test_hearings_live import projector_path
from tests.hearings.live_support import live_db
from tests.support.browser import log_in

pytestmark = pytest.mark.browser


def _panel_hearing(live_server) -> tuple[int, int]:
    """A live hearing whose panel is the demo's vice mayor (lead) and approval bureau head, with one public question
    (rows written directly: this process has no Socket.IO server to emit from)."""
    from portal.accounts.models import User
    from portal.hearings import services
    from portal.hearings.models import HearingKind, HearingState, Question, QuestionState, RaiserKind
    from portal.times import utcnow

    with live_db(live_server) as db:
        names = ["vicemayor", "approval", "citizen"]
        people = {u.username: u for u in db.session.scalars(sa.select(User).where(User.username.in_(names)))}
        panel = [
            services.PanelData(p.display_name, p.title, p.department_id, p.id, lead)
            for p, lead in ((people["vicemayor"], True), (people["approval"], False))
        ]
        hearing = services.create_hearing(
            SYSTEM,
            services.HearingData(
                kind=HearingKind.DEFENSE,
                title=f"答辩团测试答辩{uuid.uuid4().hex[:4]}",
                starts_at=utcnow() - timedelta(minutes=5),
                premoderation=True,
                panel=panel,
            ),
        )
        hearing.state, hearing.opened_at = HearingState.LIVE, utcnow()
        q = Question(
            hearing_id=hearing.id,
            author_id=people["citizen"].id,
            client_id=uuid.uuid4().hex,
            text="企业开办能否全程网办、一天办结？",
            asker_kind=RaiserKind.CITIZEN,
            asker_name="胡明",
            state=QuestionState.APPROVED,
            published_at=utcnow(),
        )
        db.session.add(q)
        db.session.commit()
        return hearing.id, q.id


def _shoot(page, name: str) -> None:
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=f"{os.environ['SCREENSHOT_DIR']}/{name}.png", full_page=True)


def test_a_panel_member_takes_and_answers_a_question_while_a_citizen_watches(live_server, new_page):
    hearing_id, question_id = _panel_hearing(live_server)
    citizen = new_page(360, 800)
    log_in(citizen, "citizen")
    citizen.goto(f"/hearings/{hearing_id}")
    expect(citizen.get_by_text("实时连接正常")).to_be_visible()
    projector = new_page(1280, 720)
    projector.goto(projector_path(live_server, hearing_id))
    expect(projector.get_by_test_id("projector-queue")).to_contain_text("全程网办")

    mayor = new_page(1280, 900)
    log_in(mayor, "vicemayor")
    mayor.goto(f"/hearings/{hearing_id}")
    mayor.get_by_role("link", name="答辩团席").click()
    expect(mayor.get_by_text("实时连接正常")).to_be_visible()
    item = mayor.locator(f'[data-testid="question"][data-id="{question_id}"]')
    item.get_by_role("button", name="我来回答").click()

    who = "正在回答：刘志强（副市长 · 市政府）"
    expect(citizen.get_by_test_id("now-answerer")).to_have_text(who)
    expect(citizen.get_by_test_id("now-card")).to_contain_text("全程网办")
    expect(projector.get_by_test_id("now-answerer")).to_have_text(who)
    expect(mayor.locator('[data-slot="roster"]')).to_contain_text("正在回答")
    _shoot(mayor, "panel-console-1280")
    _shoot(citizen, "panel-public-answering-360")
    _shoot(projector, "panel-projector-1280")
    if os.environ.get("SCREENSHOT_DIR"):
        for page, name in ((mayor, "panel-console-360"), (projector, "panel-projector-360")):
            page.set_viewport_size({"width": 360, "height": 800})
            _shoot(page, name)
        mayor.set_viewport_size({"width": 1280, "height": 900})

    mayor.get_by_label("答复摘要（公开显示在问题下方和答辩实录中）").fill("年内实现企业开办全程网办、一日办结")
    mayor.get_by_role("button", name="答复完毕").click()

    answered = citizen.locator(f'[data-testid="question"][data-id="{question_id}"]')
    expect(answered).to_contain_text("年内实现企业开办全程网办、一日办结")
    expect(answered).to_contain_text("答复人：刘志强（副市长 · 市政府）")
    expect(citizen.get_by_test_id("now-card")).to_contain_text("暂无正在回答的问题")
    _shoot(citizen, "panel-public-answered-360")

    host = new_page(1280, 900)
    log_in(host, "host")
    host.goto(f"/hearings/{hearing_id}/host")
    expect(host.locator(f'[data-testid="question"][data-id="{question_id}"]')).to_contain_text("答复人：刘志强")
    _shoot(host, "panel-host-1280")
    if os.environ.get("SCREENSHOT_DIR"):
        host.set_viewport_size({"width": 360, "height": 800})
        _shoot(host, "panel-host-360")

    with live_db(live_server) as db:
        from portal.hearings.models import Question

        q = db.session.get(Question, question_id)
        assert q.state.value == "answered" and q.answerer.name == "刘志强"
        assert [e.action for e in q.history][-2:] == ["take", "answer"]


def test_a_citizen_withdraws_a_question_and_the_moderator_sees_it_go(live_server, new_page):
    hearing_id, _ = _panel_hearing(live_server)
    moderator = new_page(1280, 900)
    log_in(moderator, "moderator")
    moderator.goto(f"/hearings/{hearing_id}/moderate")
    citizen = new_page(360, 800)
    log_in(citizen, "citizen")
    citizen.goto(f"/hearings/{hearing_id}")
    expect(citizen.get_by_text("审核员和主持人在审核台、主持台仍能看到您的账号名称")).to_have_count(
        0
    )  # not anonymous here
    citizen.get_by_label("您的问题").fill("政务大厅周末能否延时服务")
    citizen.get_by_role("button", name="提交问题").click()
    mine = citizen.locator("#mine")
    expect(mine).to_contain_text("待审核")
    pending = moderator.get_by_test_id("pending-list")
    expect(pending).to_contain_text("政务大厅周末能否延时服务")

    mine.get_by_role("button", name="修改").click()
    mine.get_by_label("修改问题（审核前可改，原文保留在记录中）").fill("政务大厅周末能否延时服务到晚上八点？")
    mine.get_by_role("button", name="保存修改").click()
    expect(pending).to_contain_text("晚上八点")
    _shoot(citizen, "panel-mine-360")

    citizen.once("dialog", lambda dialog: dialog.accept())
    mine.get_by_role("button", name="撤回").click()
    expect(mine).to_contain_text("已撤回")
    expect(pending.locator("li")).to_have_count(0)
