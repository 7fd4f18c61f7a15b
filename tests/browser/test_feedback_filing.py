"""The filing form in Chromium: a file over the limit is caught before sending (typed text kept), and personal
details typed into the text are pointed out as they will be hidden."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_filing_form_checks_file_size_and_points_out_personal_details(new_page, tmp_path):
    page = new_page()
    log_in(page, "citizen")
    page.goto("/feedback/new")
    expect(page.get_by_test_id("privacy-note")).to_contain_text("公开时将自动隐去")
    expect(page.locator("#privacy-live")).to_be_hidden()
    page.get_by_label("诉求类型").select_option(label="投诉")
    page.get_by_label("分类").select_option("城市管理")
    page.get_by_label("标题").fill("楼道堆放杂物堵塞消防通道")
    page.get_by_role("textbox", name="诉求内容").fill("我的手机13912345678，住升平巷5号楼2单元301，楼道里堆满了杂物。")
    expect(page.locator("#privacy-live")).to_be_visible()
    expect(page.locator("#privacy-live")).to_contain_text("手机号")
    expect(page.locator("#privacy-live")).to_contain_text("门牌号")

    big = tmp_path / "现场照片.png"  # a path: the browser reads it from disk, as from a person's file picker
    big.write_bytes(PNG + b"\x00" * (10 * 1024 * 1024 + 1))
    page.get_by_label("附件").set_input_files(big)
    expect(page.locator(".upload-error")).to_contain_text("超过10MB")
    page.get_by_role("button", name="提交").click()
    page.wait_for_timeout(800)  # a submission that was not stopped would have navigated by now
    assert page.url.endswith("/feedback/new")
    expect(page.get_by_label("标题")).to_have_value("楼道堆放杂物堵塞消防通道")
    expect(page.locator(".flash-success")).to_have_count(0)

    small = {"name": "现场照片.png", "mimeType": "image/png", "buffer": PNG}
    page.get_by_label("附件").set_input_files(small)
    expect(page.locator(".upload-error")).to_be_hidden()
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".flash-success")).to_contain_text("已受理")
    expect(page.locator("h1")).to_contain_text("楼道堆放杂物堵塞消防通道")
    expect(page.get_by_test_id("description")).to_contain_text("13912345678")  # the filer reads the original
    expect(page.get_by_test_id("personal-note")).to_be_visible()
