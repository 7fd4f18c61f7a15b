"""Department KPIs on the constructed data set of conftest.kpi_world, hand-computed.

Department A in 2026-Q3 (S = 1 Jul 00:00, E = 1 Oct 00:00 Shanghai):
  dispatched in Q3: a1 a2 a3 a5 a6 a7 a7b a8 = 8; signed in time: all but a2 (late) and a3 (returned) = 6
  due in Q3 (not returned): a1 a2 a4 a7 a7b a8 = 6; answered by the deadline: a1 a4 a7 a8 = 4
  answered in Q3: a1 a2 a4 a5 a7 a7b a8 = 7; in time: a1 a4 a5 a7 a8 = 5; sent back: a7 = 1
  handling hours: 120 + 384 + 216 + 96 + 96 + 336 + 96 = 1344 → 192 on average
  ratings in Q3: o1 基本满意, o4 满意 (1 Jul 00:30 local), o7 不满意 + 满意, o8 (A) 满意 = 5, satisfied 4
    (o5's rating falls on 1 Oct 00:30 local: Q4); 呼叫 ratings: 1 of 1
Department B: b3 b8 b8b dispatched, signed, due and answered in time; b8 sent back (1 of 3);
  handling 192 + 144 + 192 = 528 → 176 h; ratings: o3 满意 (A's assignment was returned, so only B),
  o8 (B) 不满意 = 2, satisfied 1; b8b's round is unrated and counts nowhere; 呼叫: 0 of 1.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.dashboard import kpi
from portal.dashboard.kpi_periods import parse_period, quarter
from portal.feedback.models import OrderKind, Satisfaction
from tests.dashboard.conftest import NOW, end_of, sh

Q3 = quarter(2026, 3)


def table(now=NOW, period=Q3, **kw):
    return kpi.department_kpis(period, now=now, **kw)


def row_of(t, department):
    return next(r for r in t.rows if r.department_id == department.id)


def test_department_a_counts_match_the_hand_computed_figures(kpi_world):
    c = row_of(table(), kpi_world.a).counts
    assert (c.dispatched, c.signed_in_time) == (8, 6)
    assert (c.due, c.due_closed_in_time) == (6, 4)
    assert (c.closed, c.closed_in_time, c.reopened) == (7, 5, 1)
    assert (c.rated, c.satisfied, c.township_rated, c.township_satisfied) == (5, 4, 1, 1)
    assert c.avg_handling_hours == pytest.approx(192.0)


def test_department_a_ratios(kpi_world):
    rates = row_of(table(), kpi_world.a).rates
    assert rates["acceptance"] == pytest.approx(6 / 8)
    assert rates["completion"] == pytest.approx(4 / 6)
    assert rates["on_time"] == pytest.approx(5 / 7)
    assert rates["satisfaction"] == pytest.approx(4 / 5)
    assert rates["township"] == pytest.approx(1.0)
    assert rates["rework"] == pytest.approx(1 / 7)


def test_department_b_unrated_round_is_not_counted_as_satisfied(kpi_world):
    c = row_of(table(), kpi_world.b).counts
    assert (c.dispatched, c.signed_in_time, c.due, c.due_closed_in_time) == (3, 3, 3, 3)
    assert (c.closed, c.closed_in_time, c.reopened) == (3, 3, 1)
    assert (c.rated, c.satisfied) == (2, 1)
    assert (c.township_rated, c.township_satisfied) == (1, 0)
    assert c.avg_handling_hours == pytest.approx(176.0)


def test_default_score_follows_the_documented_weights(kpi_world):
    t = table()
    # A: 320·1 + 170·0.75 + 170·4/6 + 170·0.8 + 100·5/7 + 70·(1 − 1/7)
    assert row_of(t, kpi_world.a).score == pytest.approx(320 + 127.5 + 170 * 4 / 6 + 136 + 500 / 7 + 60)
    # B: 320·0 + 170 + 170 + 170·0.5 + 100 + 70·(1 − 1/3)
    assert row_of(t, kpi_world.b).score == pytest.approx(525 + 70 * 2 / 3)
    assert [r.department_id for r in t.rows] == [kpi_world.a.id, kpi_world.b.id]
    assert [r.rank for r in t.rows] == [1, 2]


def test_laixi_weights_score_the_three_rates_equally(app, kpi_world, monkeypatch):
    monkeypatch.setitem(app.config, "KPI_WEIGHTS", {"acceptance": 1, "completion": 1, "satisfaction": 1})
    t = table()
    assert row_of(t, kpi_world.a).score == pytest.approx(1000 * (0.75 + 4 / 6 + 0.8) / 3)
    assert row_of(t, kpi_world.b).score == pytest.approx(1000 * (1 + 1 + 0.5) / 3)


def test_score_leaves_out_metrics_without_data(kpi_world, factory, build):
    c = factory.department("丙局")
    order = build.order()
    build.assignment(order, c, sh(7, 3), due=end_of(7, 8), replied=sh(7, 6))
    row = row_of(table(), c)
    assert row.rates["satisfaction"] is None and row.rates["township"] is None
    # acceptance, completion, on-time 100%, rework 0%: every weighted metric with data is perfect.
    assert row.score == pytest.approx(1000.0)


def test_misconfigured_weights_are_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "KPI_WEIGHTS", {"speed": 1})
    with app.app_context(), pytest.raises(ValueError, match="unknown metrics"):
        kpi.weights()


def test_totals_add_up_the_departments(kpi_world):
    totals = table().totals
    assert (totals.dispatched, totals.signed_in_time, totals.due, totals.due_closed_in_time) == (11, 9, 9, 7)
    assert (totals.closed, totals.closed_in_time, totals.reopened, totals.rated, totals.satisfied) == (10, 8, 2, 7, 5)


def test_assignment_inside_its_sign_window_is_not_judged_yet(db, factory, build):
    d = factory.department("丁局")
    now = sh(11, 23, 10, 0)
    order = build.order(created=now - timedelta(minutes=5), state="dispatched")
    build.assignment(order, d, now - timedelta(minutes=5), signed_after=None, due=end_of(11, 30))
    assert all(r.department_id != d.id for r in table(now=now, period=parse_period("2026-11")).rows)
    later = row_of(table(now=now + timedelta(hours=1), period=parse_period("2026-11")), d).counts
    assert (later.dispatched, later.signed_in_time) == (1, 0)


def test_assignments_not_yet_due_are_left_out_of_completion(db, factory, build):
    d = factory.department("戊局")
    now = sh(11, 20, 12, 0)
    early = build.order()
    build.assignment(early, d, sh(11, 2), due=end_of(11, 10), replied=sh(11, 12))  # due and late
    future = build.order()
    build.assignment(future, d, sh(11, 18), due=end_of(11, 27), replied=sh(11, 19))  # answered, not yet due
    c = row_of(table(now=now, period=parse_period("2026-11")), d).counts
    assert (c.due, c.due_closed_in_time) == (1, 0)
    assert (c.closed, c.closed_in_time) == (2, 1)


def test_rows_sort_by_any_column_with_missing_values_last(kpi_world, factory, build):
    c = factory.department("丙局")
    build.assignment(build.order(), c, sh(7, 3), due=end_of(7, 8), replied=sh(7, 6))
    names = [r.name for r in table(sort="satisfaction").rows]  # 丙局 has too few assignments to rank
    assert names == ["甲局", "乙局", "丙局"]  # 0.8, 0.5, none
    names = [r.name for r in table(sort="satisfaction", descending=False).rows]
    assert names == ["乙局", "甲局", "丙局"]


def test_a_period_without_activity_gives_an_empty_table(kpi_world):
    t = table(period=parse_period("2025-Q1"))
    assert t.rows == [] and t.totals.rates["completion"] is None and t.total_score is None


def test_call_ratings_count_for_each_rated_department_only(kpi_world):
    t = table()
    assert row_of(t, kpi_world.a).counts.township_rated == 1
    assert row_of(t, kpi_world.b).counts.township_rated == 1
    assert OrderKind.CALL.value == "call" and Satisfaction.BASIC in kpi.SATISFIED


def test_stored_times_compare_on_shanghai_period_bounds(kpi_world):
    june = kpi.department_kpis(parse_period("2026-06"), now=NOW)
    a = row_of(june, kpi_world.a).counts
    assert a.rated == 0  # o4's rating at 30 June 16:30 UTC is 1 July in Shanghai
    assert a.dispatched == 1  # a4, dispatched 25 June
    assert datetime(2026, 6, 30, 16, 30, tzinfo=UTC) >= Q3.start


def test_departments_below_the_minimum_sample_are_scored_but_not_ranked(kpi_world, factory, build):
    c = factory.department("丙局")
    build.assignment(build.order(), c, sh(7, 3), due=end_of(7, 8), replied=sh(7, 6))
    t = table()
    row = row_of(t, c)
    assert row.score == pytest.approx(1000.0) and not row.ranked and row.rank is None
    assert [r.name for r in t.rows] == ["甲局", "乙局", "丙局"]
    assert [r.rank for r in t.rows] == [1, 2, None]
