"""The weekly 督查专报: who may read it and what it lists for a week."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.dashboard.kpi_periods import parse_period
from portal.dashboard.kpi_supervision import supervision_report
from portal.feedback.models import EventAction, OrderEvent
from tests.dashboard.conftest import NOW, end_of, sh

WEEK = "2026-W37"  # Monday 7 to Sunday 13 September 2026


@pytest.fixture
def week_world(db, factory, build):
    a = factory.department("甲局", short_name="甲局")
    b = factory.department("乙局", short_name="乙局")
    # x1: A never answers; reminded, overdue, 督办 and 顶格推进 during the week.
    o1 = build.order(title="路灯损坏多日未修", state="in_progress")
    x1 = build.assignment(
        o1,
        a,
        sh(9, 1),
        due=end_of(9, 8),
        escalation_level=2,
        overdue_at=sh(9, 9, 0, 1),
        escalated_at=sh(9, 9, 0, 1),
        top_escalated_at=sh(9, 11, 0, 1),
    )
    for action, at, note in (
        (EventAction.REMIND, sh(9, 7, 23, 59), "催办：办理期限将至"),
        (EventAction.OVERDUE, sh(9, 9, 0, 1), "甲局办理逾期"),
        (EventAction.ESCALATE, sh(9, 9, 0, 1), "对甲局督办"),
        (EventAction.ESCALATE, sh(9, 11, 0, 1), "督办后仍未办结，报甲局主要负责人顶格推进"),
    ):
        db.session.add(OrderEvent(order_id=o1.id, assignment_id=x1.id, action=action, created_at=at, note=note))
    # x2: B signs an hour after dispatch (deadline 30 minutes), answers in time.
    build.assignment(build.order(), b, sh(9, 9), signed_after=timedelta(hours=1), due=end_of(9, 16), replied=sh(9, 10))
    # x3: A late, but answered before the week: not listed.
    build.assignment(build.order(), a, sh(8, 25), due=end_of(9, 3), replied=sh(9, 5))
    # x4: A in time: not listed.
    build.assignment(build.order(), a, sh(9, 2), due=end_of(9, 10), replied=sh(9, 9))
    # x5: B overdue since 8 Sep, answered on the 12th.
    build.assignment(build.order(), b, sh(9, 1), due=end_of(9, 8), replied=sh(9, 12))
    db.session.commit()
    return a, b


def test_report_lists_late_and_escalated_assignments_by_department(week_world):
    a, b = week_world
    report = supervision_report(parse_period(WEEK), now=NOW)
    by_id = {d.department_id: d for d in report.departments}
    assert set(by_id) == {a.id, b.id}
    da, db_ = by_id[a.id], by_id[b.id]
    assert (da.sign_late, da.overdue, da.still_overdue, da.escalated, da.top_escalated) == (0, 1, 1, 1, 1)
    assert (db_.sign_late, db_.overdue, db_.still_overdue, db_.escalated, db_.top_escalated) == (1, 1, 0, 0, 0)
    assert [i.title for i in da.items] == ["路灯损坏多日未修"]
    assert len(db_.items) == 2
    assert report.departments[0].department_id == a.id  # still overdue comes first


def test_report_items_carry_their_escalation_history(week_world):
    a, _ = week_world
    report = supervision_report(parse_period(WEEK), now=NOW)
    item = next(d for d in report.departments if d.department_id == a.id).items[0]
    assert [h["label"] for h in item.history] == ["催办", "逾期", "督办", "顶格推进"]
    assert item.overdue_days(report.until) == pytest.approx(5.0, abs=0.01)  # 8 Sep 23:59:59 → 14 Sep 00:00


def test_quiet_week_gives_an_empty_report(week_world):
    assert supervision_report(parse_period("2026-W30"), now=NOW).departments == []


@pytest.mark.parametrize("role", ["official", "dispatcher", "admin"])
def test_officials_dispatchers_and_admins_read_the_report(login, users, week_world, role):
    client = login(users[role])
    response = client.get(f"/data/supervision?week={WEEK}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "路灯损坏多日未修" in html and "顶格推进" in html


@pytest.mark.parametrize("role", ["citizen", "entrepreneur", "unit", "editor"])
def test_other_roles_are_refused_the_report(login, users, role):
    assert login(users[role]).get("/data/supervision").status_code == 403
    assert login(users[role]).get("/data/supervision.csv").status_code == 403


def test_anonymous_visitors_must_log_in_for_the_report(client):
    assert client.get("/data/supervision").status_code == 401


def test_report_csv_has_one_row_per_item(login, users, week_world):
    response = login(users["dispatcher"]).get(f"/data/supervision.csv?week={WEEK}")
    assert response.status_code == 200
    lines = response.get_data(as_text=True).lstrip("\ufeff").strip().split("\r\n")
    assert len(lines) == 1 + 3
    assert "顶格推进" in response.get_data(as_text=True)


def test_report_refuses_a_period_that_is_not_a_week(login, users):
    response = login(users["admin"]).get("/data/supervision?week=2026-Q3")
    assert response.status_code == 400
    assert "督查专报按周编制" in response.get_data(as_text=True)
