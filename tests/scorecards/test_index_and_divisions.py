"""The enterprise index on the scorecard (below and above k), and the division and member scores (组织力 /
执行力) with the commended and the 约谈名单, on known ratings."""

from __future__ import annotations

import pytest

from portal.accounts.models import DepartmentPosition, Role
from portal.errors import Forbidden, Unauthorized
from portal.scorecards import card as cards
from portal.scorecards import divisions
from tests.scorecards.conftest import enterprises, rate
from tests.scorecards.links import evidence_links, target_count
from tests.scorecards.test_scorecard import A_KPI, B_KPI

Q3 = cards.parse_period("2026-Q3")


def test_index_counts_in_the_score_above_k_and_says_sample_too_small_below(index_world):
    a = cards.scorecard(Q3, index_world.a.id)
    assert a.index.value == pytest.approx(75.0) and a.index.raters == 5
    assert a.score == pytest.approx((50 * A_KPI / 10 + 20 * 75 + 15 * 50 + 15 * 50) / 100)
    b = cards.scorecard(Q3, index_world.b.id)
    assert b.index.value is None and b.index.raters == 4
    assert b.score == pytest.approx(B_KPI / 10)  # the index is left out, not counted as 0


def test_scorecard_page_shows_index_or_sample_too_small(client, index_world):
    a = client.get(f"/scorecards/{index_world.a.id}?period=2026-Q3").get_data(as_text=True)
    assert 'data-testid="figure-index">75.0<' in a
    b = client.get(f"/scorecards/{index_world.b.id}?period=2026-Q3").get_data(as_text=True)
    assert 'data-testid="figure-index">样本不足<' in b


def test_index_figures_link_to_exactly_the_ratings_counted(client, index_world):
    html = client.get(f"/scorecards/{index_world.a.id}?period=2026-Q3").get_data(as_text=True)
    ratings_links = [link for link in evidence_links(html) if link["href"].startswith("/ratings/items")]
    assert {link["testid"] for link in ratings_links} >= {"figure-index", "figure-raters"}
    for link in ratings_links:
        kind, count, details = target_count(client, link["href"])
        assert (kind, count, details["rows"]) == ("ratings", 5, 5)  # 5 enterprises, one rating each
    page = client.get(ratings_links[0]["href"]).get_data(as_text=True)
    assert "测试企业" not in page  # counted, never named
    html = client.get(f"/scorecards/{index_world.b.id}?period=2026-Q3").get_data(as_text=True)
    link = next(link for link in evidence_links(html) if link["testid"] == "figure-index")
    assert 'data-testid="insufficient"' in client.get(link["href"]).get_data(as_text=True)


@pytest.fixture
def division_world(db, factory, card_world):
    """甲局 (A) with 一科 and 二科 below it. Ratings of 2026-Q3 (5 enterprises each unless said):
    一科: 张 all 5 (index 100), 王 all 3 (50), 赵 all 5 but by 3 enterprises only (样本不足);
    二科: 李 all 4 (75), 陈 all 2 (25).
    一科 total = 100 + 50 = 150 (mean 75); 二科 = 75 + 25 = 100 (mean 50).
    Commended (≥ 90): 张. 约谈 below 60: 陈 25, 王 50; below 40: 陈 only; size 1: 陈."""
    a = card_world.a
    one = factory.department("甲局一科", parent=a)
    two = factory.department("甲局二科", parent=a)
    people = {
        name: factory.user(Role.OFFICIAL, display_name=name, department=dep)
        for name, dep in (("张", one), ("王", one), ("赵", one), ("李", two), ("陈", two))
    }
    head = factory.user(Role.OFFICIAL, display_name="一科科长", department=one, position=DepartmentPosition.HEAD)
    raters = enterprises(db, 5)
    rate(db, raters, "2026-Q3", one, (5,) * 5, member=people["张"])
    rate(db, raters, "2026-Q3", one, (3,) * 5, member=people["王"])
    rate(db, raters[:3], "2026-Q3", one, (5,) * 5, member=people["赵"])
    rate(db, raters, "2026-Q3", two, (4,) * 5, member=people["李"])
    rate(db, raters, "2026-Q3", two, (2,) * 5, member=people["陈"])
    db.session.commit()
    return {"a": a, "one": one, "two": two, "head": head, **people}


def test_division_totals_are_the_sum_of_scored_members(users, division_world):
    report = divisions.division_report(users["admin"], Q3, division_world["a"].id)
    by_name = {d.name: d for d in report.divisions}
    one, two = by_name["甲局一科"], by_name["甲局二科"]
    assert one.total == pytest.approx(150.0) and one.mean == pytest.approx(75.0)
    assert two.total == pytest.approx(100.0) and two.mean == pytest.approx(50.0)
    assert one.head == "一科科长"
    zhao = next(m for m in one.members if m.name == "赵")
    assert zhao.index is None and zhao.raters == 3  # below k: listed, not scored
    assert [x.member.name for x in report.commended] == ["张"]
    assert [x.member.name for x in report.talk] == ["陈", "王"]


def test_talk_list_threshold_and_size_are_configurable(app, users, division_world, monkeypatch):
    report = divisions.division_report(users["admin"], Q3, division_world["a"].id, below=40)
    assert [x.member.name for x in report.talk] == ["陈"]
    report = divisions.division_report(users["admin"], Q3, division_world["a"].id, size=1)
    assert [x.member.name for x in report.talk] == ["陈"]
    monkeypatch.setitem(app.config, "SCORECARD_TALK_BELOW", 80)
    report = divisions.division_report(users["admin"], Q3, division_world["a"].id)
    assert [x.member.name for x in report.talk] == ["陈", "王", "李"]


def test_an_official_sees_their_own_tree_only(division_world, factory):
    member = division_world["王"]  # of 一科
    assert divisions.division_report(member, Q3).scope.id == division_world["one"].id
    with pytest.raises(Forbidden):
        divisions.division_report(member, Q3, division_world["two"].id)  # a sibling unit
    with pytest.raises(Forbidden):
        divisions.division_report(member, Q3, division_world["a"].id)  # the unit above
    boss = factory.user(Role.OFFICIAL, department=division_world["a"])
    assert {d.name for d in divisions.division_report(boss, Q3).divisions} >= {"甲局一科", "甲局二科"}


def test_the_public_and_other_roles_cannot_see_member_scores(users, division_world):
    with pytest.raises(Unauthorized):
        divisions.division_report(None, Q3, division_world["a"].id)
    for role in ("citizen", "entrepreneur", "unit", "dispatcher", "moderator", "host", "editor"):
        with pytest.raises(Forbidden):
            divisions.division_report(users[role], Q3, division_world["a"].id)


def test_division_page_as_the_head_of_a_department(client, login, division_world):
    url = f"/scorecards/divisions?period=2026-Q3&dept={division_world['a'].id}"
    assert client.get(url).status_code in (401, 302)
    page = login(division_world["head"]).get("/scorecards/divisions?period=2026-Q3&below=60&size=5")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "约谈名单" in html and "之<strong>和</strong>" in html
    assert login(division_world["head"]).get(url).status_code == 403  # 甲局 is above 一科
    assert "陈" not in client.get("/scorecards/?period=2026-Q3").get_data(as_text=True)
    for bad in ("below=101", "size=0", "size=x", "dept=abc"):
        assert login(division_world["head"]).get(f"/scorecards/divisions?{bad}").status_code == 400
