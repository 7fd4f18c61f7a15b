"""A hearing as a person follows it in Chromium: asking while offline, own votes after a reconnect,
commitments and answered questions arriving without a reload."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.hearings.live_support import Mirror, live_db, make_hearing, wait_for
from tests.hearings.live_support import log_in as socket_log_in
from tests.support.browser import log_in

pytestmark = pytest.mark.browser

OFFLINE_NOISE = ("ERR_INTERNET_DISCONNECTED", "WebSocket", "ERR_NETWORK_CHANGED")


def _forget_offline_noise(page) -> None:
    """Requests that fail while the browser is offline are what the test does, not a script error."""
    page.console_errors[:] = [e for e in page.console_errors if not any(n in e for n in OFFLINE_NOISE)]


def _questions(live_server, hearing_id: int, text: str) -> int:
    from portal.hearings.models import Question

    with live_db(live_server) as db:
        return db.session.scalar(
            sa.select(sa.func.count()).where(Question.hearing_id == hearing_id, Question.text == text)
        )


def test_a_question_asked_offline_is_kept_and_sent_once_on_reconnect(live_server, new_page):
    hearing_id = make_hearing(live_server, premoderation=False)
    page = new_page(390, 844)
    log_in(page, "citizen")
    page.goto(f"/hearings/{hearing_id}")
    expect(page.get_by_text("实时连接正常")).to_be_visible()
    text = f"断网时提的问题能保住吗？{uuid.uuid4().hex[:4]}"
    page.get_by_label("您的问题").fill(text)
    page.mouse.wheel(0, 3000)  # scrolled down: the offline notice must still be in view

    page.context.set_offline(True)
    banner = page.get_by_test_id("offline-banner")
    expect(banner).to_be_visible()
    box, viewport = banner.bounding_box(), page.viewport_size
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"] + 1, (box, viewport)

    page.get_by_role("button", name="提交问题").click()
    expect(page.get_by_text("问题已保存在本机，恢复连接后将自动提交").first).to_be_visible()
    assert page.url.endswith(f"/hearings/{hearing_id}")  # not the browser's error page
    expect(banner).to_contain_text("1 个问题已保存在本机")
    assert _questions(live_server, hearing_id, text) == 0

    page.context.set_offline(False)
    expect(page.get_by_text("问题已公开，感谢参与。")).to_be_visible(timeout=20_000)
    expect(banner).to_be_hidden()
    expect(page.get_by_test_id("question").filter(has_text=text)).to_have_count(1)
    page.reload()  # nothing left in the outbox to send a second time
    expect(page.get_by_text("实时连接正常")).to_be_visible()
    page.wait_for_timeout(500)
    assert _questions(live_server, hearing_id, text) == 1
    _forget_offline_noise(page)


def test_own_votes_show_as_cast_after_a_reconnect(live_server, new_page):
    hearing_id = make_hearing(live_server, premoderation=False)
    asker = Mirror(live_server.url, hearing_id, socket_log_in(live_server.url, "entrepreneur", "demo1234")).connect()
    qid = asker.call("ask", {"hearing_id": hearing_id, "text": "重连后我的投票还在吗？", "client_id": "r1"})[
        "question"
    ]["id"]
    asker.disconnect()
    page = new_page()
    log_in(page, "citizen")
    page.goto(f"/hearings/{hearing_id}")
    expect(page.get_by_text("实时连接正常")).to_be_visible()
    vote = page.locator(f'[data-testid="question"][data-id="{qid}"] [data-slot="vote"]')
    expect(vote).to_have_attribute("aria-pressed", "false")

    # The connection drops; the vote is buffered and sent together with the rejoin when it is back.
    page.evaluate("window.HearingsLive.socket.disconnect()")
    vote.click()
    page.evaluate("window.HearingsLive.socket.connect()")
    expect(page.get_by_text("实时连接正常")).to_be_visible()
    page.wait_for_timeout(800)  # the rejoin's snapshot and the vote's ack have both arrived
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(vote).to_contain_text("1")

    page.reload()  # a fresh snapshot carries the person's own votes
    expect(page.get_by_text("实时连接正常")).to_be_visible()
    expect(vote).to_have_attribute("aria-pressed", "true")


def test_new_commitments_and_answered_questions_arrive_without_a_reload(live_server, new_page):
    hearing_id = make_hearing(live_server, premoderation=False)
    host_socket = Mirror(live_server.url, hearing_id, socket_log_in(live_server.url, "host", "demo1234")).connect()
    public = new_page(390, 844)
    public.goto(f"/hearings/{hearing_id}")
    expect(public.get_by_text("实时连接正常")).to_be_visible()
    public.evaluate("window.notReloaded = true")

    host = new_page()
    log_in(host, "host")
    host.goto(f"/hearings/{hearing_id}/host")
    expect(host.get_by_text("实时连接正常")).to_be_visible()
    expect(host.get_by_label("对应问题")).to_contain_text("暂无已回答的问题")

    ask = host_socket.call("ask", {"hearing_id": hearing_id, "text": "审批窗口能否延时服务？", "client_id": "c1"})
    qid = ask["question"]["id"]
    for action in ("answering", "answered"):
        assert host_socket.call(
            "moderate", {"hearing_id": hearing_id, "question_id": qid, "action": action, "summary": "工作日延至19点"}
        )["ok"]
    # The host's list of answered questions has it, selected, without a reload.
    expect(host.get_by_label("对应问题")).to_have_value(str(qid))

    host.get_by_label("承诺内容").fill("年内审批窗口工作日延时至19点")
    host.get_by_label("责任部门").select_option(label="市行政审批服务局")
    host.get_by_label("完成时限").fill((date.today() + timedelta(days=60)).isoformat())
    host.get_by_role("button", name="登记承诺").click()
    expect(host.get_by_text("承诺事项已登记")).to_be_visible()

    section = public.locator("[data-slot=commitments-section]")
    expect(section).to_be_visible()
    expect(section).to_contain_text("年内审批窗口工作日延时至19点")
    expect(section).to_contain_text("未开始")
    assert public.evaluate("window.notReloaded") is True
    assert wait_for(lambda: host_socket.received("commitment"), 5)
    host_socket.disconnect()


def test_a_moderator_merges_a_duplicate_in_the_console_and_the_votes_combine(live_server, new_page):
    from tests.hearings.live_support import make_users

    hearing_id = make_hearing(live_server, premoderation=False)
    names = make_users(live_server, 3, prefix="mconsole")
    clients = [Mirror(live_server.url, hearing_id, socket_log_in(live_server.url, n)).connect() for n in names]
    try:
        target = clients[0].call(
            "ask", {"hearing_id": hearing_id, "text": "公积金提取能否全程网办？", "client_id": "t"}
        )
        dup = clients[1].call("ask", {"hearing_id": hearing_id, "text": "公积金可以网上提取吗？", "client_id": "d"})
        target_id, dup_id = target["question"]["id"], dup["question"]["id"]
        # The duplicate has 2 votes (one of them the target's asker), the target 1.
        for client, qid in ((clients[0], dup_id), (clients[2], dup_id), (clients[1], target_id)):
            assert client.call("vote", {"question_id": qid, "client_id": f"v{qid}"})["ok"]

        public = new_page(390, 844)
        public.goto(f"/hearings/{hearing_id}")
        expect(public.get_by_text("实时连接正常")).to_be_visible()
        moderator = new_page()
        log_in(moderator, "moderator")
        moderator.goto(f"/hearings/{hearing_id}/moderate")
        expect(moderator.get_by_text("实时连接正常")).to_be_visible()
        item = moderator.locator(f'[data-testid="question"][data-id="{dup_id}"]')
        item.get_by_role("button", name="合并为重复…").click()
        item.get_by_label("合并到").select_option(str(target_id))
        item.get_by_role("button", name="合并", exact=True).click()

        target_item = public.locator(f'[data-testid="question"][data-id="{target_id}"]')
        expect(target_item.locator('[data-slot="votes"]')).to_have_text("3")
        expect(target_item).to_contain_text("已合并 1 条相同问题")
        expect(public.locator(f'[data-testid="question"][data-id="{dup_id}"]')).to_have_count(0)
        expect(public.locator('[data-count="merged"]').first).to_have_text("1")
    finally:
        for client in clients:
            client.disconnect()
