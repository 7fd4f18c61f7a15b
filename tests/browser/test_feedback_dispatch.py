"""The dispatch desk in Chromium: the 主办部门 chosen in the dropdown wins over a pre-ticked suggestion, and a
fresh dispatch reads 30 minutes to sign for."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser


def test_dispatcher_chooses_a_lead_other_than_the_preticked_suggestion(new_page):
    citizen, dispatcher = new_page(), new_page()
    log_in(citizen, "entrepreneur")
    log_in(dispatcher, "dispatcher")
    citizen.goto("/feedback/new")
    citizen.get_by_label("诉求类型").select_option(label="投诉")
    citizen.get_by_label("分类").select_option("营商环境")
    citizen.get_by_label("标题").fill(f"企业变更登记网上申请多次被退回 {uuid.uuid4().hex[:4]}")
    citizen.get_by_role("textbox", name="诉求内容").fill(
        "我公司在一网通办平台申请变更登记，材料已按要求提交三次仍被退回，退回理由不明确。"
    )
    citizen.get_by_role("button", name="提交").click()
    expect(citizen.locator(".flash-success")).to_contain_text("已受理")
    url = f"/feedback/{citizen.get_by_test_id('tracking-no').inner_text()}"

    dispatcher.goto(url)
    suggested = dispatcher.locator(".fb-suggestions li").filter(has_text="市大数据发展管理局")
    expect(suggested.locator('input[type="checkbox"]')).not_to_be_checked()
    expect(dispatcher.get_by_label("主办部门")).to_have_value(
        suggested.locator('input[type="checkbox"]').get_attribute("value")
    )
    dispatcher.get_by_label("主办部门").select_option(label="市行政审批服务局")
    dispatcher.get_by_role("button", name="派单").click()
    expect(dispatcher.get_by_test_id("order-state")).to_contain_text("已派单")

    lead = dispatcher.locator('[data-testid="assignment"]').filter(has_text="主办")
    expect(lead).to_have_count(1)
    expect(lead).to_have_attribute("data-department", "行政审批局")
    expect(lead.locator(".countdown").first).to_have_text("剩余30分钟")
    expect(dispatcher.locator('[data-testid="assignment"]')).to_have_count(1)  # only what was chosen
