"""A journalist searches the public work orders for a street, narrows the list with the filters, opens a result;
on a phone the list of hearing commitments reads as cards without sideways scrolling."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_journalist_searches_filters_and_opens_a_public_order(page):
    page.goto("/feedback/")
    page.get_by_label("查询诉求：输入编号或关键词").fill("升平巷")
    page.get_by_role("button", name="查询").click()
    expect(page).to_have_url(re.compile(r"/feedback/public/\?q=%E5%8D%87%E5%B9%B3%E5%B7%B7"))
    expect(page.get_by_test_id("result-count")).to_contain_text("“升平巷”：共")
    expect(page.locator(".flash, .alert")).to_have_count(0)

    page.get_by_label("办理状态").select_option(label="已办结")
    page.get_by_label("诉求类型").select_option(label="呼叫")
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"state=closed"))
    results = page.get_by_test_id("public-order")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("已办结")
    expect(page.get_by_label("关键词")).to_have_value("升平巷")

    title = results.first.locator(".fb-item-title").inner_text()
    assert "升平巷" in title
    results.first.locator(".fb-item-title").click()
    expect(page).to_have_url(re.compile(r"/feedback/GD\d{8}-\d{6}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)


def test_commitments_read_as_cards_on_a_phone(new_page):
    page = new_page(width=360, height=740)
    page.goto("/hearings/commitments/")
    rows = page.get_by_test_id("commitments").locator("tbody tr")
    expect(rows.first).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    page.get_by_label("状态").select_option(label="逾期")
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"status=overdue"))
    for i in range(rows.count()):
        expect(rows.nth(i)).to_contain_text("逾期")
