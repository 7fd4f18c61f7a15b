"""A journalist (no account) opens a department's scorecard, follows a figure to its orders and downloads it."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_journalist_follows_a_scorecard_figure_to_its_orders_and_downloads_the_csv(page):
    page.goto("/data/")
    page.get_by_role("link", name="部门记分卡").click()
    expect(page.get_by_test_id("ranking-formula")).to_contain_text("综合得分 =")
    first = page.get_by_test_id("ranking-row").first
    name = first.locator("th a").inner_text()
    first.locator("th a").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.get_by_role("heading", name="计算方法")).to_be_visible()
    expect(page.get_by_test_id("score-worked")).to_contain_text("=")

    figure = page.get_by_test_id("figure-dispatched")
    dispatched = int(figure.inner_text().split()[0])
    assert dispatched > 0
    figure.click()
    expect(page.get_by_test_id("evidence")).to_contain_text(name)
    assert int(page.get_by_test_id("evidence-items").inner_text()) == dispatched
    expect(page.get_by_test_id("public-order").first).to_be_visible()

    page.go_back()
    with page.expect_download() as download:
        page.get_by_test_id("scorecard-csv").click()
    with open(download.value.path(), encoding="utf-8-sig") as f:
        rows = list(csv.reader(io.StringIO(f.read())))
    assert rows[0][:3] == ["部分", "指标", "数值"]
    row = next(r for r in rows if r[1] == "派单")
    assert int(row[2]) == dispatched and "kpi=dispatched" in row[7]
