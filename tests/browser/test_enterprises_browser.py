"""An entrepreneur joins an enterprise in Chromium: 申请加入企业 with a photo of the business licence chosen from
disk, an admin approves it in the review queue (seeing the photo), and the member then finds the enterprise in
我的企业 and as a 以企业名义提交 choice on the feedback form."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser

LICENCE = Path(__file__).resolve().parents[2] / "demo" / "enterprises" / "licence-sample.png"
NAME, CODE = "青岛莱西测试机械有限公司", "91370285163560001U"


def test_an_entrepreneur_joins_an_enterprise_and_files_for_it(new_page):
    page = new_page()
    page.goto("/register")
    page.get_by_label("企业家（需填写企业统一社会信用代码）").check()
    page.get_by_label("用户名").fill(f"ent{uuid.uuid4().hex[:6]}")
    page.get_by_label("姓名或称呼").fill("马先生")
    page.get_by_label("企业名称").fill(NAME)
    page.get_by_label("统一社会信用代码", exact=True).fill(CODE)
    page.get_by_label("密码", exact=True).fill("secret-pass-1")
    page.get_by_label("确认密码").fill("secret-pass-1")
    page.get_by_role("button", name="注册").click()
    expect(page.get_by_test_id("user-name")).to_have_text("马先生")

    page.get_by_test_id("my-enterprises-link").click()
    expect(page.get_by_test_id("no-enterprise")).to_be_visible()
    page.get_by_role("link", name="申请加入企业").first.click()
    page.get_by_label("企业名称").fill(NAME)
    page.get_by_label("统一社会信用代码").fill(CODE.lower())
    page.get_by_label("营业执照照片").set_input_files(LICENCE)  # a path: read from disk, as a file picker does
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".flash-success")).to_contain_text("审核通过后")
    expect(page.get_by_test_id("my-request").first).to_contain_text("待审核")

    admin = new_page()
    log_in(admin, "admin")
    admin.goto("/enterprises/review")
    request = admin.get_by_test_id("join-request").filter(has_text="马先生")
    expect(request.get_by_test_id("licence-image")).to_be_visible()
    assert request.get_by_test_id("licence-image").evaluate("img => img.naturalWidth") > 0  # the photo loads
    request.get_by_role("button", name="通过", exact=True).click()
    expect(admin.locator(".flash-success")).to_contain_text("已通过")

    page.goto("/enterprises/")
    expect(page.get_by_test_id("my-enterprise")).to_contain_text(NAME)
    page.goto("/feedback/new")
    choice = page.get_by_label("以企业名义提交")
    expect(choice.locator("option", has_text=NAME)).to_have_count(1)
    choice.select_option(label=NAME)
