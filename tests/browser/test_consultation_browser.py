"""A citizen comments on a section of the draft plan through the form, a moderator approves, the drafting
department answers 采纳 with a reason, and the citizen later sees the answer under the section (Chromium)."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser

CONSULTATION = "关于高效青岛建设攻势3.0作战方案年度任务调整公开征求意见"  # open in the demo data
SECTION = "数字政府建设"  # 攻坚战四 of the demo plan


def open_consultation(page) -> None:
    page.goto("/consultations/")
    page.get_by_role("link", name=CONSULTATION, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(CONSULTATION)


def section(page):
    return page.get_by_test_id("section").filter(has=page.get_by_role("heading", name=re.compile(f"{SECTION}$")))


def test_a_citizens_comment_is_approved_answered_and_the_answer_shows_under_its_section(new_page):
    words = f"建议数字政府建设公开年度建设清单和验收结果（{uuid.uuid4().hex[:6]}）"
    reason = "采纳。年度建设清单将在数据公开栏目发布。"

    citizen = new_page()
    log_in(citizen, "citizen")
    open_consultation(citizen)
    part = section(citizen)
    part.get_by_text(re.compile("^对攻坚战.*发表意见$")).click()
    part.get_by_label("您的意见").fill(words)
    part.get_by_role("button", name="提交意见").click()
    expect(citizen.locator(".flash-success")).to_contain_text("审核通过后公开")
    expect(citizen.get_by_test_id("my-comment").filter(has_text=words)).to_contain_text("待审核")

    moderator = new_page()
    log_in(moderator, "moderator")
    open_consultation(moderator)
    moderator.get_by_role("link", name="审核台").click()
    item = moderator.get_by_test_id("pending-comment").filter(has_text=words)
    item.get_by_role("button", name="通过").click()
    expect(moderator.locator(".flash-success")).to_contain_text("已公开")
    expect(moderator.get_by_test_id("pending-comment").filter(has_text=words)).to_have_count(0)

    department = new_page()
    log_in(department, "bangongting")  # 市政府办公室, the plan's lead department
    open_consultation(department)
    department.get_by_role("link", name="答复意见").click()
    item = department.get_by_test_id("answer-item").filter(has_text=words)
    item.get_by_label("采纳", exact=True).check()
    item.get_by_label("答复理由（公开）").fill(reason)
    item.get_by_role("button", name="提交答复").click()
    expect(department.locator(".flash-success")).to_contain_text("采纳")

    open_consultation(citizen)
    comment = section(citizen).get_by_test_id("comment").filter(has_text=words)
    expect(comment.get_by_test_id("answer")).to_contain_text(reason)
    expect(comment.get_by_test_id("answer-label")).to_have_text("采纳")
    assert not citizen.console_errors
