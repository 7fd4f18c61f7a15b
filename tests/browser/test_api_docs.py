"""A developer finds the API from 数据公开, reads the rendered OpenAPI document and tries a list in the browser;
on a phone the page reads without sideways scrolling. No console error and no CSP violation (new_page)."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_accessibility import AXE, violations

pytestmark = pytest.mark.browser


def test_developer_reads_the_document_and_tries_the_public_list(page):
    page.goto("/data/")
    page.get_by_role("link", name="开放数据 API").first.click()
    expect(page).to_have_url(re.compile(r"/api/v1/docs$"))
    # exact: the rendered document adds its own heading, 政民互动平台 开放数据 API 1.0 OAS
    expect(page.get_by_role("heading", level=1, name="开放数据 API", exact=True)).to_be_visible()
    operations = page.locator(".opblock-summary")
    expect(operations.first).to_be_visible()
    assert operations.count() >= 12
    for summary in ("公开诉求列表", "承诺事项列表", "攻坚任务列表", "检索政策文件", "部门考核指标"):
        expect(page.locator(".opblock-summary-description", has_text=summary)).to_have_count(1)

    listing = page.locator(".opblock", has=page.locator(".opblock-summary-description", has_text="公开诉求列表"))
    listing.locator(".opblock-summary").click()
    listing.get_by_role("button", name="Try it out").click()
    listing.locator("input[placeholder='q']").fill("升平巷")
    listing.get_by_role("button", name="Execute").click()
    result = listing.locator(".live-responses-table tbody td.response-col_status").first
    expect(result).to_have_text("200")
    body = listing.locator(".live-responses-table .microlight").first
    expect(body).to_contain_text('"total"')
    expect(body).to_contain_text("升平巷")
    expect(listing.locator(".live-responses-table")).to_contain_text('rel="first"')  # the Link header


def test_the_docs_page_on_a_phone_has_no_sideways_scroll_and_no_serious_axe_finding(new_page):
    page = new_page(width=360, height=740)
    page.goto("/api/v1/docs")
    expect(page.locator(".opblock-summary").first).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360
    page.add_script_tag(url=AXE)
    assert not violations(page), violations(page)
