"""The moderation console of a closed hearing offers no question actions and says why (issue 15, #7)."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.security.socket_support import make_hearing, make_question, set_hearing_state
from tests.support.browser import log_in

pytestmark = pytest.mark.browser


def test_a_closed_hearing_console_offers_no_question_actions(live_server, new_page):
    hearing_id = make_hearing(live_server, premoderation=False)
    make_question(live_server, hearing_id, "approved", text="结束前公开的问题：能否延长办事大厅的服务时间？")
    page = new_page()
    log_in(page, "moderator")
    page.goto(f"/hearings/{hearing_id}/moderate")
    item = page.get_by_test_id("question").filter(has_text="延长办事大厅")
    expect(item.get_by_role("button", name="隐藏")).to_be_visible()  # live: the moderator may hide it

    set_hearing_state(live_server, hearing_id, "closed")
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/hearings/{hearing_id}/moderate")
        expect(page.get_by_test_id("record-closed")).to_have_text("答辩已结束，提问记录不能再审核或修改。")
        expect(item).to_be_visible()
        expect(page.get_by_text("实时连接正常")).to_be_visible()  # the console script has drawn the queue
        expect(item.locator('[data-slot="actions"] button')).to_have_count(0)
        if os.environ.get("SCREENSHOT_DIR"):
            page.screenshot(path=f"{os.environ['SCREENSHOT_DIR']}/closed-console-{width}.png", full_page=True)
