"""The whole work-order loop in Chromium with the demo accounts, each actor in their own browser context:
citizen files → dispatcher dispatches to two departments → both sign and reply → the lead closes →
citizen rates 不满意 → reopened → both reply again → closed → rated 满意."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser

LEAD, ASSIST = "区城管局", "区市场监管局"
LEAD_NAME, ASSIST_NAME = "莱芜区综合行政执法局", "莱芜区市场监督管理局"


def _assignment(page: Page, department: str, state: str):
    return page.locator(f'[data-testid="assignment"][data-department="{department}"][data-state="{state}"]')


def _sign_and_reply(page: Page, url: str, department: str, text: str) -> None:
    page.goto(url)
    block = _assignment(page, department, "dispatched")
    block.get_by_label("响应（公开）").fill("我单位于今晚7点准时报到")
    block.get_by_role("button", name="签收").click()
    expect(page.locator(".flash-success")).to_contain_text("已签收")
    block = _assignment(page, department, "signed")
    block.get_by_label("答复内容", exact=False).fill(text)
    block.get_by_role("button", name="提交答复").click()
    expect(page.locator(".flash-success")).to_contain_text("已答复")
    expect(_assignment(page, department, "replied").last).to_contain_text(text)


def _close(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="办结").click()
    expect(page.get_by_test_id("order-state")).to_contain_text("已办结")


def test_the_whole_loop_from_filing_to_satisfied(new_page):
    citizen, dispatcher, lead, assist = new_page(), new_page(), new_page(), new_page(width=390)
    log_in(citizen, "citizen")
    log_in(dispatcher, "dispatcher")
    log_in(lead, "laiwu_cg")
    log_in(assist, "official")
    title = f"升平巷车库无照烧烤扰民 {uuid.uuid4().hex[:4]}"

    citizen.goto("/feedback/new")
    citizen.get_by_label("诉求类型").select_option(label="投诉")
    citizen.get_by_label("分类").select_option("城市管理")
    citizen.get_by_label("标题").fill(title)
    citizen.get_by_role("textbox", name="诉求内容").fill(
        "升平巷有人在车库里无照经营烧烤，每天营业到深夜，油烟和噪音很大。"
    )
    citizen.get_by_label("地点").fill("凤城街道升平巷")
    citizen.get_by_role("button", name="提交").click()
    expect(citizen.locator(".flash-success")).to_contain_text("已受理")
    tracking_no = citizen.get_by_test_id("tracking-no").inner_text()
    url = f"/feedback/{tracking_no}"

    assist.goto("/feedback/workbench")  # online: the dispatch notice arrives live
    dispatcher.goto("/feedback/desk")
    dispatcher.get_by_role("link", name=tracking_no).click()
    suggestions = dispatcher.locator(".fb-suggestions li")
    for box in suggestions.locator('input[type="checkbox"]').all():
        box.uncheck()
    dispatcher.get_by_label("主办部门").select_option(label=LEAD_NAME)
    suggestions.filter(has_text=ASSIST_NAME).locator('input[type="checkbox"]').check()
    dispatcher.get_by_label("派单要求").fill("请于今晚7点到升平巷集中处置")
    dispatcher.get_by_role("button", name="派单").click()
    expect(dispatcher.get_by_test_id("order-state")).to_contain_text("已派单")
    expect(assist.locator("[data-notice-count]")).to_be_visible()

    _sign_and_reply(lead, url, LEAD, "当晚联合执法，已依法取缔该经营点。")
    _sign_and_reply(assist, url, ASSIST, "经营者无营业执照，已责令停止经营。")
    _close(lead, url)

    citizen.goto(url)
    expect(citizen.get_by_test_id("order-state")).to_contain_text("已办结")
    citizen.get_by_label("不满意", exact=True).check()
    citizen.get_by_label("意见（可不填）").fill("取缔后第二天又开始营业了")
    citizen.get_by_role("button", name="提交评价").click()
    expect(citizen.get_by_test_id("order-state")).to_contain_text("第2轮办理")
    expect(citizen.get_by_test_id("order-state")).to_contain_text("已派单")

    _sign_and_reply(lead, url, LEAD, "再次联合检查，设施已全部收缴，安排专人巡查。")
    _sign_and_reply(assist, url, ASSIST, "已对经营者立案处罚。")
    _close(lead, url)

    citizen.goto(url)
    citizen.get_by_label("满意", exact=True).check()
    citizen.get_by_role("button", name="提交评价").click()
    expect(citizen.locator(".flash-success")).to_contain_text("感谢您的评价")
    expect(citizen.locator(".fb-ratings").last).to_contain_text("满意")
    expect(citizen.get_by_test_id("timeline")).to_contain_text("发回重办")
    assert "13800000002" not in new_page().goto(url).text()  # the public never sees the requester's phone
