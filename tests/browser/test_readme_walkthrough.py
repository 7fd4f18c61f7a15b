"""README.md, "What to try, role by role", walked through in Chromium exactly as written: links followed by their
names from the home page, the demo accounts, the demo data. A step that stops working here means the README
(or the product) must change."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import log_in

pytestmark = pytest.mark.browser


def nav(page: Page, name: str) -> None:
    page.goto("/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name=name, exact=True).click()


def live_hearing(page: Page) -> None:
    nav(page, "公开答辩")
    # The demo has one live hearing; other browser tests on the same server may have opened more.
    demo_hearing = page.locator(".hearing-card", has_text="审批提质增效攻坚战专题公开答辩")
    demo_hearing.get_by_role("link", name="进入直播提问").click()
    expect(page.get_by_text("实时连接正常")).to_be_visible()


def test_citizen_asks_in_the_live_hearing_and_files_a_complaint(new_page):
    page = new_page()
    log_in(page, "citizen")
    live_hearing(page)
    page.get_by_label("您的问题").fill("周末能否开放政务服务大厅的预约办理？")
    page.get_by_role("button", name="提交问题").click()
    expect(page.locator("#mine")).to_contain_text("周末能否开放政务服务大厅的预约办理？")
    expect(page.locator("#mine")).to_contain_text("待审核")

    nav(page, "问政")
    page.get_by_role("link", name="我要留言").first.click()
    page.get_by_label("诉求类型").select_option(label="投诉")
    page.get_by_label("分类").select_option("城市管理")
    title = f"小区门口共享单车堆放占道 {uuid.uuid4().hex[:4]}"
    page.get_by_label("标题").fill(title)
    page.get_by_role("textbox", name="诉求内容").fill("小区门口人行道上堆满共享单车，行人只能走机动车道，很危险。")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".flash-success")).to_contain_text("已受理")
    expect(page.get_by_test_id("tracking-no")).to_have_text(re.compile(r"^GD\d{8}-\d{6}$"))
    page.get_by_role("link", name="我的诉求").first.click()
    expect(page.get_by_text(title)).to_be_visible()

    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("link", name="登录")).to_be_visible()
    expect(page.get_by_test_id("user-name")).to_have_count(0)


def test_entrepreneur_sees_the_enterprise_and_votes(new_page):
    page = new_page()
    log_in(page, "entrepreneur")
    page.get_by_test_id("user-name").click()
    expect(page.get_by_role("heading", name="我的账号")).to_be_visible()
    expect(page.locator("main")).to_contain_text("青岛海润食品有限公司")
    expect(page.locator("main")).to_contain_text("91370200MA3C5XYK0R")

    live_hearing(page)
    answering = page.get_by_test_id("now-card")
    expect(answering).to_contain_text("李海燕（青岛海润食品有限公司）")
    vote = page.get_by_test_id("question").filter(has_text="政务服务APP").get_by_role("button")
    before = int(re.search(r"\d+", vote.inner_text()).group())
    vote.click()
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(vote).to_contain_text(str(before + 1))


def test_moderator_approves_the_waiting_question(new_page):
    page = new_page()
    log_in(page, "moderator")
    live_hearing(page)
    page.get_by_role("link", name="审核台").click()
    pending = page.get_by_test_id("pending-list").locator("li").filter(has_text="老年人不会用手机")
    pending.get_by_role("button", name="通过").click()
    expect(pending).to_have_count(0)
    expect(page.locator("main")).to_contain_text("老年人不会用手机")


def test_host_moves_the_queue_on_and_opens_the_projector(new_page):
    page = new_page()
    log_in(page, "host")
    live_hearing(page)
    page.get_by_role("link", name="主持台").click()
    now = page.get_by_test_id("now-card")
    expect(now).to_contain_text("许可证到期换证")
    page.get_by_role("button", name="已回答，下一个").click()
    expect(now).not_to_contain_text("许可证到期换证")
    with page.expect_popup() as popup:
        page.get_by_role("link", name="打开投屏页").click()
    expect(popup.value.locator("body")).to_contain_text("审批提质增效攻坚战")

    nav(page, "公开答辩")
    page.get_by_role("link", name="答辩管理").click()
    page.get_by_role("link", name="新建答辩").click()
    expect(page.get_by_label("答辩团")).to_be_visible()


def test_dispatcher_dispatches_with_the_suggested_department_and_reads_the_report(new_page):
    page = new_page()
    log_in(page, "dispatcher")
    nav(page, "问政")
    page.get_by_role("link", name="派单台").click()
    page.get_by_role("row").filter(has_text="企业开办网上申请多次被退回").get_by_role("link").first.click()
    expect(page.get_by_test_id("order-state")).to_contain_text("已受理")
    expect(page.get_by_label("主办部门")).not_to_have_value("")
    page.get_by_role("button", name="派单", exact=True).click()
    expect(page.get_by_test_id("order-state")).to_contain_text("已派单")

    nav(page, "数据公开")
    page.get_by_role("link", name="督查专报").click()
    expect(page).to_have_title(re.compile("督查专报"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("周")  # this week's report


def test_official_answers_an_order_of_the_department(new_page):
    page = new_page()
    log_in(page, "official")
    nav(page, "问政")
    page.get_by_role("link", name="部门工作台").click()
    expect(page.locator("main")).to_contain_text("区市场监管局")
    page.get_by_role("row").filter(has_text="超市销售过期食品").get_by_role("link").first.click()
    page.get_by_label("答复内容", exact=False).fill("经现场检查，已责令超市下架过期食品并立案调查。")
    page.get_by_role("button", name="提交答复").click()
    expect(page.locator(".flash-success")).to_contain_text("已答复")
    expect(page.get_by_test_id("order-state")).to_contain_text("已回复")


def test_editor_publishes_a_document_that_search_finds(new_page):
    page = new_page()
    log_in(page, "editor")
    nav(page, "政策文库")
    page.get_by_role("link", name="管理文件").click()
    page.get_by_role("link", name="新建文件").click()
    marker = uuid.uuid4().hex[:6]
    title = f"关于规范政务服务预约办理的通知{marker}"
    page.get_by_label("标题").fill(title)
    page.get_by_label("文号").fill(f"青政办字〔2026〕{int(marker, 16) % 900 + 100}号")
    page.get_by_label("发文机关").fill("青岛市人民政府办公厅")
    page.get_by_label("文种").select_option("通知")
    page.get_by_label("正文", exact=True).fill("各区、市人民政府：政务服务大厅实行预约办理，周末提供延时服务。")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator(".status-notice")).to_contain_text("草稿")
    page.get_by_role("link", name="发布").click()
    page.get_by_label("生效日期").fill("2026-12-01")
    page.get_by_role("button", name="确认发布").click()
    expect(page.locator(".flash-success")).to_contain_text("已发布")

    nav(page, "政策文库")
    for _ in range(20):  # "a moment later": the index is written right after the commit, in the background
        page.get_by_label("检索词").fill(marker)
        page.get_by_label("检索词").press("Enter")
        if page.get_by_test_id("result").count():
            break
        page.wait_for_timeout(250)
    expect(page.get_by_test_id("result")).to_have_count(1)
    expect(page.get_by_test_id("result")).to_contain_text(title)


def test_journalist_searches_both_scripts_reads_the_figures_and_the_transcript(new_page):
    page = new_page()
    for query in ("鄉呼縣應", "乡呼县应"):
        nav(page, "政策文库")
        page.get_by_label("检索词").fill(query)
        page.get_by_label("检索词").press("Enter")
        first = page.get_by_test_id("result").first
        expect(first).to_contain_text("萊蕪區12345熱線")
        expect(first.locator("mark").first).to_have_text("鄉呼縣應")

    nav(page, "数据公开")
    for figure in ("承接率", "办结率", "满意率"):
        expect(page.locator("main table").first).to_contain_text(figure)

    nav(page, "公开答辩")
    # The demo's closed hearing (other browser tests on the same server may have closed more).
    closed = page.locator(".hearing-card", has_text="高效青岛建设攻势3.0作战方案公开答辩")
    closed.get_by_role("link", name="答辩实录").click()
    expect(page.get_by_role("heading", name="答辩实录")).to_be_visible()
    expect(page.locator("main")).to_contain_text("高效青岛建设攻势3.0作战方案公开答辩")
