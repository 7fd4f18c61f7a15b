"""Live polls in Chromium: the host opens a poll, a viewer answers, the host shows the results, the viewer and the
projector see them without reloading."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_hearings_live import projector_path
from tests.hearings.live_support import make_hearing
from tests.support.browser import log_in

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def test_the_host_opens_a_poll_a_viewer_answers_and_sees_the_results_once_shown(live_server, new_page):
    hearing_id = make_hearing(live_server)
    host = new_page()
    log_in(host, "host")
    host.goto(f"/hearings/{hearing_id}/host")
    host.get_by_label("表决的问题").fill("您最希望优先推进哪项改革措施？")
    host.get_by_label("选项（每行一个，2 至 10 个）").fill("企业开办一网通办\n证照联办\n工程建设项目审批提速")
    host.get_by_role("button", name="创建表决").click()
    expect(host.get_by_test_id("poll")).to_contain_text("进行中")

    projector = new_page(1920, 1080)
    projector.goto(projector_path(live_server, hearing_id))
    expect(projector.get_by_test_id("polls")).to_contain_text("您最希望优先推进哪项改革措施？")

    viewer = new_page(390, 844)
    log_in(viewer, "citizen")
    viewer.goto(f"/hearings/{hearing_id}")
    expect(viewer.get_by_text("实时连接正常")).to_be_visible()
    poll = viewer.get_by_test_id("poll")
    expect(poll).to_contain_text("结果待主持人公布")
    poll.get_by_label("证照联办").check()
    _shot(viewer, "poll-viewer-360")
    poll.get_by_role("button", name="提交").click()
    expect(poll.get_by_test_id("poll-mine")).to_have_text("您已参与：证照联办")
    expect(poll.get_by_test_id("poll-results")).to_have_count(0)

    # The host watches the answer come in (hidden from the public), then shows the results.
    expect(host.get_by_test_id("poll-total")).to_contain_text("共 1 人参与（仅主持人可见，尚未公布）")
    _shot(host, "poll-host-1280")
    host.get_by_role("button", name="公布结果").click()
    expect(host.get_by_role("button", name="隐藏结果")).to_be_visible()

    results = viewer.get_by_test_id("poll").get_by_test_id("poll-results")
    expect(results.locator("li", has_text="证照联办")).to_contain_text("1 票（100%）")
    expect(results.locator("li", has_text="企业开办一网通办")).to_contain_text("0 票（0%）")
    expect(projector.get_by_test_id("poll-results").locator("li", has_text="证照联办")).to_contain_text("1 票")
    expect(projector.get_by_test_id("join-code")).to_be_visible()
    _shot(viewer, "poll-results-360")
    _shot(projector, "projector-1920")
