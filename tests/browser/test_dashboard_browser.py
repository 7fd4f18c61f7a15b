"""数据公开 in a real browser: the table, the charts and the weekly report render cleanly."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser


def test_data_page_shows_the_kpi_table_and_charts(page):
    page.goto("/data/")
    expect(page.get_by_role("heading", name="部门考核指标")).to_be_visible()
    rows = page.get_by_test_id("kpi-row")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 10  # the generated year reaches every responding department
    expect(page.get_by_test_id("chart-trend")).to_be_visible()
    expect(page.get_by_test_id("chart-bars").locator("rect.bar").first).to_be_visible()
    expect(page.get_by_test_id("overview-completion")).to_contain_text("%")


def test_sorting_and_period_selection_travel_in_the_url(page):
    page.goto("/data/")
    page.get_by_role("link", name="满意率").click()
    expect(page).to_have_url(re.compile(r"/data/\?period=\d{4}&sort=satisfaction&dir=desc$"))
    page.get_by_label("统计周期", exact=True).select_option(index=2)
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_test_id("kpi-table")).to_be_visible()
    assert "sort=satisfaction" in page.url


def test_data_page_fits_a_phone(new_page):
    page = new_page(width=360)
    page.goto("/data/")
    expect(page.get_by_test_id("kpi-table")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_dispatcher_reads_last_weeks_supervision_report(page):
    log_in(page, "dispatcher")
    page.goto("/data/supervision")
    expect(page.get_by_text("督查专报", exact=False).first).to_be_visible()
    expect(page.get_by_role("button", name="打印 / 存为 PDF")).to_be_visible()
    expect(page.get_by_test_id("report-summary")).to_be_visible()
