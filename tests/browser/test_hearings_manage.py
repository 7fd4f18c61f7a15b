"""Setting up a hearing in Chromium: the host creates a 公开质询 on the demo plan, opens it, the public sees it live."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser


def test_a_host_sets_up_an_inquiry_opens_it_and_the_public_page_shows_it_live(live_server, new_page):
    title = f"攻势落实情况公开质询 {uuid.uuid4().hex[:6]}"
    host = new_page()
    log_in(host, "host")
    host.goto("/hearings/")
    host.get_by_role("link", name="新建答辩").click()
    host.get_by_label("公开质询").check()
    expect(host.get_by_label("作战方案")).to_contain_text("高效青岛建设攻势")
    host.get_by_label("名称").fill(title)
    host.get_by_label("开始时间").fill("2026-12-28T09:00")
    host.get_by_label("结束时间").fill("2026-12-28T11:30")
    host.get_by_label("地点").fill("市人大常委会会议厅")
    host.get_by_label("议程").fill("09:00 质询开始\n09:10 牵头部门报告落实情况\n09:40 现场质询与答复")
    host.get_by_label("答辩团").fill("王明 | 副市长\n@official | 区市场监管局局长")
    host.get_by_label("提问人").fill("媒体 | 陈晨 | 青岛日报\n企业家 | 张伟 | 某某科技有限公司")
    host.get_by_role("button", name="创建答辩").click()
    expect(host.get_by_text("已创建公开质询")).to_be_visible()

    row = host.locator("tr", has_text=title)
    expect(row).to_contain_text("即将开始")
    row.get_by_role("link", name="主持台").click()
    host.get_by_role("button", name="开始答辩").click()
    expect(host.get_by_text("答辩状态已更新为「正在直播」")).to_be_visible()

    public = new_page(390, 844)
    public.goto(host.url.removesuffix("/host"))
    expect(public.get_by_role("heading", name=title)).to_be_visible()
    expect(public.locator(".hearing-head [data-slot=hearing-state]")).to_have_text("正在直播")
    expect(public.get_by_text("实时连接正常")).to_be_visible()
    expect(public.locator(".panel-list")).to_contain_text("王明")
    expect(public.locator(".agenda")).to_contain_text("牵头部门报告落实情况")
    expect(public.locator(".raisers")).to_contain_text("青岛日报")


def test_a_title_edited_during_a_live_hearing_reaches_open_pages_without_reload(live_server, new_page):
    from tests.hearings.live_support import make_hearing

    hearing_id = make_hearing(live_server)
    public = new_page(390, 844)
    public.goto(f"/hearings/{hearing_id}")
    expect(public.get_by_text("实时连接正常")).to_be_visible()

    host = new_page()
    log_in(host, "host")
    host.goto(f"/hearings/manage/{hearing_id}/edit")
    expect(host.get_by_text("本场正在直播")).to_be_visible()
    host.get_by_label("作战方案").select_option(index=1)
    host.get_by_label("名称").fill("更正后的答辩名称")
    host.get_by_label("地点").fill("市民中心第二会议室")
    host.get_by_label("答辩团").fill("王明 | 副市长")
    host.get_by_role("button", name="保存修改").click()
    expect(host.get_by_text("答辩信息已保存")).to_be_visible()

    expect(public.get_by_role("heading", name="更正后的答辩名称")).to_be_visible()
    expect(public.locator("[data-slot=hearing-place]")).to_have_text("市民中心第二会议室")
