"""企业家满意度指数 on a constructed data set whose answers are worked out by hand."""

from __future__ import annotations

import pytest

from portal.ratings import index
from portal.ratings.periods import current_period, previous_periods
from tests.ratings.conftest import scores


def test_a_rating_score_weighs_the_four_dimensions_and_overall_as_the_formula_says():
    assert index.rating_score(**scores()) == pytest.approx(5.0)
    assert index.rating_score(**scores(1, 1, 1, 1, 1)) == pytest.approx(1.0)
    # 0.15 × (4 + 3 + 2 + 5) + 0.40 × 3 = 2.1 + 1.2 = 3.3 → 25 × 2.3 = 57.5
    assert index.to_index(index.rating_score(4, 3, 2, 5, 3)) == 57.5


def test_the_index_of_a_department_is_the_mean_over_enterprises_mapped_to_0_100(app, rater, rate, department_target):
    app.config["RATING_MIN_SAMPLE"] = 3
    try:
        target = department_target()
        other = department_target()
        a, b, c = rater(), rater(), rater()
        rate(a, target)  # 5.0
        rate(b, target, **scores(3, 3, 3, 3, 3))  # 3.0
        rate(c, target, **scores(4, 3, 2, 5, 3))  # 3.3
        rate(a, other, **scores(1, 1, 1, 1, 1))  # another department: not counted
        result = index.satisfaction_index(current_period(), department_id=target.department_id)
        # mean score (5 + 3 + 3.3) / 3 = 3.7667 → 25 × 2.7667 = 69.2
        assert result.sufficient and result.value == 69.2
        assert (result.raters, result.ratings, result.k) == (3, 3, 3)
        assert result.eligible == 3 and result.share == pytest.approx(1.0)
        # 服务态度 (5 + 3 + 4) / 3 = 4 → 75
        assert result.dimensions["attitude"] == 75.0
        city = index.satisfaction_index(current_period())
        # per enterprise: a = (5 + 1) / 2 = 3, b = 3, c = 3.3 → 3.1 → 52.5
        assert city.value == 52.5 and city.raters == 3 and city.ratings == 4
    finally:
        app.config["RATING_MIN_SAMPLE"] = 5


def test_below_k_enterprises_no_figure_is_given_and_at_k_it_is(app, rater, rate, department_target):
    target = department_target()
    for _ in range(4):
        rate(rater(), target, **scores(4, 4, 4, 4, 4))
    below = index.satisfaction_index(current_period(), department_id=target.department_id)
    assert (below.value, below.dimensions, below.sufficient, below.raters, below.k) == (None, None, False, 4, 5)
    rate(rater(), target, **scores(4, 4, 4, 4, 4))
    at_k = index.satisfaction_index(current_period(), department_id=target.department_id)
    assert at_k.sufficient and at_k.value == 75.0 and at_k.raters == 5


def test_the_trend_gives_each_period_oldest_first_and_member_scores_are_empty_without_order_ratings(
    app, rater, rate, department_target
):
    target = department_target()
    periods = previous_periods(current_period(), 4)
    trend = index.satisfaction_trend(periods, department_id=target.department_id)
    assert [r.period for r in trend] == periods and all(r.value is None for r in trend)
    assert index.member_scores(current_period(), target.department_id) == []
