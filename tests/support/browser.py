"""Steps shared by browser tests."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def log_in(page: Page, username: str, password: str = "demo1234") -> None:
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_test_id("user-name")).to_be_visible()
