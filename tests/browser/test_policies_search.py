"""A journalist searches the archive, narrows by a facet, opens a result and copies its citation; an editor
publishes a document and finds it through the search (the live server's outbox indexer)."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser


def test_journalist_searches_narrows_by_facet_opens_a_result_and_copies_the_citation(page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/policies/")
    page.get_by_label("检索词").fill("限时办结")
    page.get_by_label("检索词").press("Enter")
    expect(page).to_have_url(re.compile(r"/policies/\?q=%E9%99%90"))
    expect(page.get_by_test_id("result-count")).to_contain_text("找到")

    facet = page.locator("a[data-facet=status]", has_text="废止")
    facet.click()
    expect(page).to_have_url(re.compile(r"status=repealed"))
    results = page.get_by_test_id("result")
    expect(results.first).to_be_visible()
    for i in range(results.count()):
        expect(results.nth(i).locator(".status")).to_have_text("废止")
    expect(page.locator("a[data-facet=status][aria-current=true]")).to_contain_text("废止")

    title = results.first.locator("h3 a").inner_text()
    results.first.locator("h3 a").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator(".status-notice")).to_contain_text("废止。理由：规范性文件清理")
    citation = page.get_by_test_id("citation").inner_text()
    assert citation.startswith(f"《{title}》（筑") and citation.endswith(page.url)

    page.get_by_test_id("copy-citation").click()
    expect(page.locator(".copy-status")).to_have_text("已复制到剪贴板")
    assert page.evaluate("navigator.clipboard.readText()") == citation


def test_a_traditional_query_finds_the_article_on_a_phone(new_page):
    page = new_page(width=360, height=740)
    page.goto("/policies/?q=" + "鄉呼縣應")
    first = page.get_by_test_id("result").first
    expect(first).to_contain_text("萊蕪區12345熱線")
    expect(first.locator("mark").first).to_have_text("鄉呼縣應")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360


def test_editor_publishes_a_document_and_it_becomes_searchable(page):
    marker = uuid.uuid4().hex[:6]
    log_in(page, "editor")
    page.goto("/policies/manage/new")
    page.get_by_label("标题").fill(f"贵阳市数智督查工作规程{marker}")
    page.get_by_label("文号").fill(f"筑府办发〔2021〕{int(marker, 16) % 900 + 100}号")
    page.get_by_label("发文机关").fill("贵阳市人民政府办公厅")
    page.get_by_label("文种").select_option("办法")
    page.get_by_label("正文", exact=True).fill("第一条　运用数智督查平台跟踪督办。")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".status-notice")).to_contain_text("草稿")

    page.get_by_role("link", name="发布").click()
    page.get_by_label("生效日期").fill("2021-03-01")
    page.get_by_role("button", name="确认发布").click()
    expect(page.locator(".flash-success")).to_contain_text("已发布")

    # The index is written by the outbox indexer after commit, not by the request: allow it a moment.
    for _ in range(20):
        page.goto(f"/policies/?q={marker}")
        if page.get_by_test_id("result").count() == 1:
            break
        page.wait_for_timeout(250)
    expect(page.get_by_test_id("result")).to_have_count(1)
