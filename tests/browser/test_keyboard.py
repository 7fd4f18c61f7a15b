"""Keyboard only: asking and voting in a live hearing, filing feedback, rating an answered order, searching the
policy archive and dispatching an order, each with Tab / Shift+Tab / Enter / Space / arrows and no mouse, every
stop showing a visible focus ring; and live updates said in the page's polite live region."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.hearings.live_support import Mirror, live_db, make_hearing, make_users
from tests.hearings.live_support import log_in as socket_log_in
from tests.support.browser import log_in

pytestmark = pytest.mark.browser

# What has focus, and whether it shows: an outline or a ring (box-shadow) drawn because of :focus-visible.
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return {
    where: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' ' + (el.innerText || el.value || '').trim().slice(0, 30),
    visible: el.matches(':focus-visible') && (outline || style.boxShadow !== 'none'),
  };
}"""


def tab_to(page: Page, selector: str, back: bool = False, limit: int = 120) -> None:
    """Tab (or Shift+Tab) until the focused element matches ``selector``; every stop on the way must show focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focused = page.evaluate(FOCUSED)
        if focused["where"].startswith("body"):
            continue
        assert focused["visible"], f"no visible focus on {focused['where']}"
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with the keyboard")


def choose(page: Page, option_text: str, limit: int = 80) -> None:
    """Arrow down the focused <select> until the option is chosen (arrows change a closed select's value)."""
    for _ in range(limit):
        chosen = page.evaluate("() => document.activeElement.selectedOptions[0]?.textContent.trim()")
        if chosen == option_text:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"option {option_text!r} not reached with the arrow keys")


def announcer(page: Page):
    return page.get_by_test_id("live-announcer")


def test_asking_and_voting_with_the_keyboard_and_hearing_what_others_do(live_server, new_page):
    hearing_id = make_hearing(live_server, premoderation=False)
    (other,) = make_users(live_server, 1, prefix="asker")
    page = new_page()
    log_in(page, "citizen")
    page.goto(f"/hearings/{hearing_id}")
    expect(page.locator("#live-root[data-joined]")).to_have_count(1)
    expect(announcer(page)).to_have_attribute("aria-live", "polite")

    tab_to(page, "textarea#text")
    page.keyboard.type("政务服务大厅周末能否开放预约窗口？")
    tab_to(page, ".ask-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("问题已公开，感谢参与。")).to_be_visible()

    # Someone else asks: the new question is said in the live region.
    asker = Mirror(live_server.url, hearing_id, socket_log_in(live_server.url, other)).connect()
    ack = asker.call("ask", {"hearing_id": hearing_id, "text": "夜间办证能否延长到晚上八点？", "client_id": "kb1"})
    assert ack["ok"], ack
    expect(announcer(page)).to_contain_text("新问题：夜间办证能否延长到晚上八点？")

    # Vote for it with Space, reached by Tab.
    vote = page.locator(f'.q-item[data-id="{ack["question"]["id"]}"] [data-slot="vote"]')
    tab_to(page, f'.q-item[data-id="{ack["question"]["id"]}"] [data-slot="vote"]')
    page.keyboard.press("Space")
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(vote).to_contain_text("1")

    # The other person votes for this citizen's question: the new count is said.
    mine = page.get_by_test_id("question").filter(has_text="周末能否开放预约窗口")
    mine_id = int(mine.get_attribute("data-id"))
    assert asker.call("vote", {"question_id": mine_id, "client_id": "kb2"})["ok"]
    expect(mine.locator('[data-slot="votes"]')).to_have_text("1")
    expect(announcer(page)).to_contain_text(re.compile(r"票数更新：.*周末能否开放预约窗口.*1 票"), timeout=8_000)
    asker.disconnect()
    close_hearing(live_server, hearing_id)


def close_hearing(live_server, hearing_id: int) -> None:
    """The demo city has one live hearing, which later tests (the README walkthrough) open by its button."""
    from portal.hearings.models import Hearing, HearingState

    with live_db(live_server) as db:
        db.session.get(Hearing, hearing_id).state = HearingState.CLOSED
        db.session.commit()


def test_filing_feedback_with_the_keyboard_alone(new_page):
    page = new_page()
    log_in(page, "citizen")
    page.goto("/feedback/new")
    tab_to(page, "select#kind")
    choose(page, "投诉")
    tab_to(page, "select#category")
    choose(page, "城市管理")
    tab_to(page, "input#title")
    title = f"背街小巷路灯不亮 {uuid.uuid4().hex[:4]}"
    page.keyboard.type(title)
    tab_to(page, "textarea#description")
    page.keyboard.type("和平路西侧背街小巷的路灯已经坏了两周，晚上出行很不安全，请尽快维修。")
    tab_to(page, ".fb-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".flash-success")).to_contain_text("已受理")
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)


def _order_for(live_server, state: str) -> str:
    """A fresh order of the demo citizen, filed (and, for ``closed``, dispatched, answered and closed)."""
    import sqlalchemy as sa

    from portal.accounts.models import User
    from portal.feedback import lifecycle, services

    with live_db(live_server) as db:

        def user(name: str) -> User:
            return db.session.scalar(sa.select(User).where(User.username == name))

        order = services.file_order(
            user("citizen"),
            services.OrderData(
                kind="complaint",
                category="市场监管",
                title=f"超市售卖过期酸奶 {uuid.uuid4().hex[:4]}",
                description="凤城街道一家超市货架上有三盒酸奶已经过期两天，仍在正常售卖。",
            ),
        )
        if state == "closed":
            official = user("official")
            lifecycle.dispatch_order(user("dispatcher"), order, [official.department_id], official.department_id)
            assignment = order.assignments[0]
            lifecycle.sign_assignment(official, assignment, "", "")
            lifecycle.reply_assignment(official, assignment, "<p>已责令下架并立案调查。</p>")
            lifecycle.close_order(official, order)
        return order.tracking_no


def test_rating_an_answered_order_with_the_keyboard_alone(live_server, new_page):
    tracking_no = _order_for(live_server, "closed")
    page = new_page()
    log_in(page, "citizen")
    page.goto(f"/feedback/{tracking_no}")
    tab_to(page, ".fb-rate input[type=radio]")
    page.keyboard.press("ArrowRight")  # from 满意 to the next choice: arrows move within a radio group
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Space")
    expect(page.locator(".fb-rate input[type=radio]").first).to_be_checked()
    tab_to(page, ".fb-rate textarea")
    page.keyboard.type("处理及时，谢谢。")
    tab_to(page, ".fb-rate button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".fb-ratings")).to_contain_text("满意")
    expect(page.locator(".fb-ratings")).to_contain_text("处理及时，谢谢。")


def test_searching_policies_with_the_keyboard_alone(new_page):
    page = new_page()
    page.goto("/policies/")
    tab_to(page, "input#q")
    page.keyboard.type("吹哨报到")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("result-count")).to_contain_text("找到")
    first = page.get_by_test_id("result").first.locator("h3 a")
    title = first.inner_text()
    tab_to(page, '[data-testid="result"] h3 a')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_dispatching_with_the_keyboard_alone_is_said_to_the_requester(live_server, new_page):
    tracking_no = _order_for(live_server, "submitted")
    citizen, dispatcher = new_page(), new_page()
    log_in(citizen, "citizen")
    citizen.goto(f"/feedback/{tracking_no}")
    log_in(dispatcher, "dispatcher")
    dispatcher.goto(f"/feedback/{tracking_no}")

    tab_to(dispatcher, "select#lead-select")
    choose(dispatcher, "莱芜区市场监督管理局")
    tab_to(dispatcher, "#dispatch-form button[type=submit]")
    dispatcher.keyboard.press("Enter")
    expect(dispatcher.get_by_test_id("order-state")).to_contain_text("已派单")

    # The requester's open page hears about it without a reload: a notice, said politely.
    expect(announcer(citizen)).to_contain_text("新通知：您的诉求已派至承办部门")
    expect(citizen.locator("[data-notice-count]")).to_be_visible()
