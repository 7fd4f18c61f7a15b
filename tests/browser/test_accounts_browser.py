"""A newcomer registers through the real page in Chromium, logs out, logs in and sees their name."""

import uuid

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser


def test_citizen_registers_logs_in_and_sees_their_name(page):
    username = f"citizen{uuid.uuid4().hex[:6]}"
    page.goto("/register")
    expect(page).to_have_title("注册 · 政民互动平台")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    expect(page.get_by_label("统一社会信用代码", exact=True)).to_be_hidden()  # shown only for entrepreneurs
    page.get_by_label("用户名").fill(username)
    page.get_by_label("姓名或称呼").fill("胡先生")
    page.get_by_label("密码", exact=True).fill("secret-pass-1")
    page.get_by_label("确认密码").fill("secret-pass-1")
    page.get_by_role("button", name="注册").click()
    expect(page.locator(".flash-success")).to_contain_text("注册成功")
    expect(page.get_by_test_id("user-name")).to_have_text("胡先生")

    page.get_by_role("button", name="退出").click()
    expect(page.get_by_test_id("user-name")).to_have_count(0)
    log_in(page, username, "secret-pass-1")
    expect(page.get_by_test_id("user-name")).to_have_text("胡先生")


def test_entrepreneur_with_wrong_uscc_is_told_which_rule_failed(page):
    page.goto("/register")
    page.get_by_label("企业家（需填写企业统一社会信用代码）").check()
    expect(page.get_by_label("统一社会信用代码", exact=True)).to_be_visible()
    page.get_by_label("用户名").fill(f"ent{uuid.uuid4().hex[:6]}")
    page.get_by_label("姓名或称呼").fill("李女士")
    page.get_by_label("企业名称").fill("青岛海润食品有限公司")
    page.get_by_label("统一社会信用代码", exact=True).fill("91350100M000100Y44")
    page.get_by_label("密码", exact=True).fill("secret-pass-1")
    page.get_by_label("确认密码").fill("secret-pass-1")
    page.get_by_role("button", name="注册").click()
    expect(page.locator("#uscc-error")).to_contain_text("第18位校验码不正确")
    expect(page.get_by_label("统一社会信用代码", exact=True)).to_be_visible()


def test_admin_reaches_user_management_on_a_phone(new_page):
    page = new_page(width=360, height=740)
    log_in(page, "admin")
    page.goto("/admin/users")
    expect(page.get_by_role("heading", name="用户与角色")).to_be_visible()
    expect(page.get_by_role("cell", name="凤城街道办事处", exact=True)).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"page scrolls sideways on a phone: {width}px"
