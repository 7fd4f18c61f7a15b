"""A lead-department official reports progress in Chromium and the plan's battle bar moves; a citizen cannot."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser

PLAN = "高效青岛建设攻势 3.0 作战方案"
TASK = "优化审管协同机制，开展跨部门业务流程再造"  # led by 行政审批局 in the demo plan
BATTLE = "审批提质增效"


def battle_value(page) -> float:
    page.get_by_role("link", name="方案总览", exact=True).click()
    bar = page.get_by_role("progressbar", name=re.compile(f"^{BATTLE}进度"))
    return float(bar.get_attribute("value"))


def open_task(page) -> None:
    page.goto("/plans/")
    page.get_by_role("link", name=PLAN, exact=True).click()
    page.get_by_role("link", name="任务台账", exact=True).click()
    page.get_by_role("link", name=TASK, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TASK)


def test_lead_official_updates_progress_and_the_battle_bar_moves(page):
    log_in(page, "shenpi")
    page.goto("/plans/")
    page.get_by_role("link", name=PLAN, exact=True).click()
    before = battle_value(page)

    open_task(page)
    page.get_by_label("当前进度（%）").fill("95")
    page.get_by_label("进展说明").fill("审管协同平台完成全市推广，剩余两个区（市）正在对接。")
    page.get_by_role("button", name="提交进展").click()

    expect(page.locator(".flash-success")).to_contain_text("进展已更新")
    history = page.get_by_test_id("history-item").first
    expect(history).to_contain_text("审管协同平台完成全市推广")
    expect(history).to_contain_text("95%")
    expect(history).to_contain_text("刘洋")

    page.get_by_role("link", name=PLAN, exact=True).click()
    assert battle_value(page) > before


def test_bad_progress_shows_a_chinese_message_next_to_the_field(page):
    log_in(page, "shenpi")
    open_task(page)
    page.get_by_label("当前进度（%）").fill("120")
    page.get_by_label("进展说明").fill("测试")
    page.get_by_role("button", name="提交进展").click()
    expect(page.locator(".field.has-error")).to_contain_text("进度必须在 0 到 100 之间")


def test_citizen_sees_the_task_but_no_edit_form(page):
    log_in(page, "citizen")
    open_task(page)
    expect(page.get_by_role("heading", name="时间表与路线图")).to_be_visible()
    expect(page.get_by_role("heading", name="报送进展")).to_have_count(0)
    expect(page.locator("textarea[name=note]")).to_have_count(0)
    expect(page.get_by_test_id("contact")).to_contain_text("****")
