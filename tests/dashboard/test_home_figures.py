"""The home page and 数据公开 give the same 受理/办结 figures for the same period, with the period rule beside 办结."""

from __future__ import annotations

import re

import pytest

from portal.accounts.demo import load_accounts
from portal.dashboard.demo import load_history
from portal.enterprises.demo import load_enterprises
from portal.feedback.demo import load_feedback


def _figure(html: str, testid: str) -> int:
    match = re.search(rf'data-testid="{testid}">(?:<a [^>]*>)?([\d,]+)<', html)  # the figure, or its evidence link
    assert match, testid
    return int(match[1].replace(",", ""))


def _closed_figures(html: str) -> list[int]:
    """Every number the page labels 办结 (…办结 N 件), whichever panel shows it."""
    text = re.sub(r"<[^>]+>", " ", html)
    return [int(n.replace(",", "")) for n in re.findall(r"办结\s*([\d,]+)\s*件", text)]


@pytest.mark.slow
def test_home_and_data_page_agree_on_demo_data(db, client):
    load_accounts()
    load_enterprises()
    load_feedback()
    load_history()
    home = client.get("/").get_data(as_text=True)
    data = client.get("/data/").get_data(as_text=True)

    submitted, closed = _figure(data, "overview-submitted"), _figure(data, "overview-closed")
    assert submitted > 0 and closed > 0
    assert _figure(home, "home-submitted") == submitted
    assert _figure(home, "home-closed") == closed
    assert set(_closed_figures(home)) <= {closed}  # no other panel of the home page shows a different 办结
    for page in (home, data):
        assert "含本期之前受理的诉求" in page  # the rule that lets 办结 exceed 受理, beside the figure
