"""In an English browser (locale en-US) the native file, date and week pickers would say "Choose Files",
"No file chosen" and mm/dd/yyyy: around each of them the page speaks Chinese — a Chinese label and hint, a 选择文件
button with the chosen names for files, the chosen date or week echoed in Chinese — and a file still uploads."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in
from tests.support.demo import demo_ids

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")
# What Chromium's own pickers say in English; none of it may be the text we put around them.
ENGLISH = re.compile(r"choose|no file|file chosen|browse|mm/dd|yyyy|week", re.IGNORECASE)
PICKERS = """() => {
  document.querySelectorAll('details').forEach((d) => { d.open = true; });
  return Array.from(document.querySelectorAll('input[type=file], input[type=date], input[type=week], input[type=month]'))
    .map((input) => {
      const described = (input.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
        .map((id) => document.getElementById(id)).filter(Boolean);
      const field = input.parentElement;
      return {
        name: input.name, type: input.type,
        label: input.labels.length ? input.labels[0].innerText.trim() : '',
        hint: described.map((el) => el.innerText.trim()).join(' '),
        width: input.getBoundingClientRect().width,
        face: Array.from(field.querySelectorAll('.file-button, .file-names')).map((el) => el.innerText.trim()),
      };
    });
}"""


@pytest.fixture(scope="module")
def ids(live_server):
    return demo_ids(live_server)


def pages_with_pickers(i) -> dict[str | None, list[str]]:
    return {
        None: ["/data/", "/policies/", "/feedback/public/"],
        "citizen": ["/feedback/new"],
        "official": [f"/feedback/{i['official_open']}"],
        "dispatcher": ["/data/supervision", "/feedback/phone"],
        "host": [f"/hearings/{i['live_hearing']}/host"],
        "shenpi": [f"/plans/tasks/{i['shenpi_task']}"],
        "editor": ["/policies/manage/new"],
        "admin": [f"/plans/admin/{i['plan']}/tasks/new"],
    }


def test_every_native_picker_is_labelled_and_explained_in_chinese(new_page, ids):
    seen = set()
    problems = []
    for role, paths in pages_with_pickers(ids).items():
        page = new_page(locale="en-US")
        if role:
            log_in(page, role)
        for path in paths:
            page.goto(path)
            pickers = page.evaluate(PICKERS)
            assert pickers, f"{path}: no picker found"
            for p in pickers:
                seen.add(p["type"])
                where = f"{path} {p['type']} {p['name']}"
                if not CJK.search(p["label"]) or ENGLISH.search(p["label"]):
                    problems.append(f"{where}: label {p['label']!r}")
                if not CJK.search(p["hint"]) or ENGLISH.search(p["hint"]):
                    problems.append(f"{where}: hint {p['hint']!r}")
                if p["type"] == "file" and (p["width"] > 1 or p["face"] != ["选择文件", "未选择文件"]):
                    problems.append(
                        f"{where}: the native control shows ({p['width']} px) or no Chinese face {p['face']}"
                    )
        page.context.close()
    assert not problems, "\n".join(problems)
    assert seen == {"file", "date", "week"}


def test_the_chosen_date_and_week_are_echoed_in_chinese(new_page):
    page = new_page(locale="en-US")
    log_in(page, "dispatcher")
    page.goto("/data/supervision")
    page.get_by_label("周次", exact=True).fill("2026-W48")
    expect(page.locator("#week-input-picker")).to_contain_text("已选：2026年第48周（11月23日至11月29日）")
    page.goto("/data/")
    page.get_by_text("自定义区间").click()
    page.get_by_label("开始日期").fill("2026-12-01")
    expect(page.locator("#range-from-picker")).to_contain_text("已选：2026年12月1日（星期二）")
    # The hint names the parts in the order this browser shows them: mm/dd/yyyy here.
    expect(page.locator("#range-from-picker")).to_contain_text("按 月/日/年 填写")


def test_a_chinese_browser_is_told_year_month_day(new_page, ids):
    page = new_page(locale="zh-CN")
    log_in(page, "host")
    page.goto(f"/hearings/{ids['live_hearing']}/host")
    hint = page.locator("[data-picker-hint=date]").first
    expect(hint).to_contain_text("按 年/月/日 填写")


def test_a_file_chosen_through_the_chinese_face_is_named_and_uploaded(new_page, tmp_path):
    photo = tmp_path / "路灯照片.png"
    photo.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    page = new_page(locale="en-US")
    log_in(page, "citizen")
    page.goto("/feedback/new")
    expect(page.get_by_test_id("file-names")).to_have_text("未选择文件")
    page.get_by_label("诉求类型").select_option(label="投诉")
    page.get_by_label("分类").select_option("城市管理")
    title = f"路灯损坏无人维修 {uuid.uuid4().hex[:4]}"
    page.get_by_label("标题").fill(title)
    page.get_by_role("textbox", name="诉求内容").fill("和平路西侧背街小巷的路灯已经坏了两周，晚上出行很不安全。")
    with page.expect_file_chooser() as chooser:  # the 选择文件 button opens the native chooser
        page.locator(".file-button").click()
    chooser.value.set_files(str(photo))
    expect(page.get_by_test_id("file-names")).to_have_text("已选择 1 个文件：路灯照片.png")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".flash-success")).to_contain_text("已受理")
    expect(page.get_by_role("link", name=re.compile("路灯照片"))).to_be_visible()
