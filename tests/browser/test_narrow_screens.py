"""At 360 px: the main menu opens from its 菜单 button, no page scrolls sideways as a whole, the KPI table
keeps its department column in place while its figures scroll, and status badges stay on one line."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser

# The main pages, as the role that uses each of them.
PAGES = {
    None: [
        "/",
        "/hearings/",
        "/hearings/1",
        "/feedback/",
        "/feedback/new",
        "/plans/",
        "/plans/1",
        "/plans/1/tasks",
        "/consultations/2",
        "/consultations/1/report",
        "/consultations/1/changes",
    ],
    "dispatcher": ["/feedback/desk", "/data/", "/data/supervision"],
    "official": ["/feedback/workbench"],
    "host": ["/hearings/1/host", "/hearings/manage/"],
    "moderator": ["/hearings/1/moderate", "/consultations/2/moderate"],
    "editor": ["/policies/", "/policies/manage/"],
    "admin": ["/admin/users"],
}
# Elements wider than the viewport that no scrolling box around them contains.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let parent = el.parentElement, contained = false;
    while (parent && !contained) {
      contained = ['auto', 'scroll', 'hidden'].includes(getComputedStyle(parent).overflowX);
      parent = parent.parentElement;
    }
    if (!contained) out.push(`${el.tagName.toLowerCase()}.${el.className} (right edge ${Math.round(box.right)} px)`);
  }
  return {scrollWidth: document.documentElement.scrollWidth, width, out: out.slice(0, 5)};
}"""


def test_the_menu_opens_from_its_button_and_reaches_every_section(new_page):
    page = new_page(width=360)
    page.goto("/")
    menu = page.get_by_role("navigation", name="主导航")
    toggle = page.get_by_role("button", name="菜单")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    data_link = menu.get_by_role("link", name="数据公开")
    expect(data_link).to_be_visible()
    # Every section is on screen at once: nothing hides past the right edge.
    for link in menu.get_by_role("link").all():
        box = link.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, link.inner_text()
    data_link.click()
    expect(page).to_have_url(f"{page.url.split('/data/')[0]}/data/")
    expect(page.get_by_role("heading", name="部门考核指标")).to_be_visible()
    expect(menu).to_be_hidden()  # a new page starts with the menu closed
    page.get_by_role("button", name="菜单").click()
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    assert page.console_errors == []


def test_at_1280_the_menu_is_a_bar_without_a_button(new_page):
    page = new_page(width=1280)
    page.goto("/")
    expect(page.get_by_role("button", name="菜单")).to_be_hidden()
    expect(page.get_by_role("navigation", name="主导航").get_by_role("link", name="数据公开")).to_be_visible()


@pytest.mark.parametrize("role", list(PAGES), ids=lambda role: role or "anonymous")
def test_no_main_page_is_wider_than_a_phone(new_page, role):
    page = new_page(width=360)
    if role:
        log_in(page, role)
    for path in PAGES[role]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        found = page.evaluate(OVERFLOWING)
        assert found["scrollWidth"] <= found["width"] and not found["out"], f"{path} as {role}: {found}"
    assert page.console_errors == []


def test_the_kpi_table_keeps_the_department_column_in_place_and_charts_fit(new_page):
    page = new_page(width=360)
    page.goto("/data/")
    table = page.get_by_test_id("kpi-table")
    first = table.get_by_test_id("kpi-row").first.locator("th.dept")
    before = first.bounding_box()
    wrap = page.locator(".table-wrap").filter(has=table)
    wrap.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    after = first.bounding_box()
    wrap_box = wrap.bounding_box()
    assert wrap.evaluate("el => el.scrollLeft") > 0
    assert abs(after["x"] - wrap_box["x"]) <= 2 and after["x"] <= before["x"]  # pinned at the left edge
    assert after["width"] >= 80  # a readable column, not one character per line
    for chart in ("chart-trend-narrow", "chart-bars-narrow"):
        svg = page.get_by_test_id(chart)
        expect(svg).to_be_visible()
        box, figure = svg.bounding_box(), svg.locator("xpath=..").bounding_box()
        assert box["width"] <= figure["width"] + 1, chart
    expect(page.get_by_test_id("chart-bars")).to_be_hidden()


def test_workbench_status_badges_stay_on_one_line(new_page):
    page = new_page(width=360)
    log_in(page, "official")
    page.goto("/feedback/workbench")
    badge = page.get_by_test_id("workbench-row").first.locator(".status").first
    expect(badge).to_be_visible()
    height = badge.evaluate("el => el.getBoundingClientRect().height")
    line = badge.evaluate("el => parseFloat(getComputedStyle(el).lineHeight)")
    assert height < 1.6 * line
