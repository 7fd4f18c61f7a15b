"""The rules of enterprise ratings: one per enterprise, target and period; replacement with history; verified
enterprises only; scores and comments checked; the department's answers."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role
from portal.errors import Forbidden, Invalid, Unauthorized
from portal.history import HistoryIsAppendOnly
from portal.ratings import services, targets
from portal.ratings.models import EnterpriseRating, RatingEvent
from portal.ratings.periods import check_period, period_of, previous_periods
from tests.ratings.conftest import scores, uscc


def _ratings(db):
    return db.session.scalars(sa.select(EnterpriseRating).order_by(EnterpriseRating.id)).all()


def test_a_second_rating_in_the_same_period_replaces_the_first_and_the_history_keeps_both(
    db, rater, rate, department_target
):
    user, target = rater(), department_target()
    first = rate(user, target, comment="办事很快", **scores(5, 5, 5, 5, 5))
    second = services.rate(user, target, scores(2, 3, 2, 3, 2), "后来变慢了")
    assert second.replaced and second.rating.id == first.id
    assert [r.scores for r in _ratings(db)] == [(2, 3, 2, 3, 2)]
    events = db.session.scalars(sa.select(RatingEvent).order_by(RatingEvent.id)).all()
    assert [(e.action, e.from_state, e.to_state, e.note) for e in events] == [
        ("rated", None, "5,5,5,5,5", "办事很快"),
        ("replaced", "5,5,5,5,5", "2,3,2,3,2", "办事很快"),
    ]
    events[0].note = "改写历史"
    with pytest.raises(HistoryIsAppendOnly):
        db.session.flush()
    db.session.rollback()


def test_a_new_period_takes_a_new_rating_and_keeps_the_old_one(db, rater, rate, department_target, monkeypatch):
    user, target = rater(), department_target()
    monkeypatch.setattr(services, "current_period", lambda: "2026-Q3")
    rate(user, target, **scores(3, 3, 3, 3, 3))
    monkeypatch.setattr(services, "current_period", lambda: "2026-Q4")
    rate(user, target, **scores(4, 4, 4, 4, 4))
    assert [(r.period, r.overall) for r in _ratings(db)] == [("2026-Q3", 3), ("2026-Q4", 4)]


def test_a_member_rates_only_for_an_enterprise_they_are_a_verified_member_of(db, rater, department_target):
    from portal.accounts.models import Enterprise

    user, target = rater(), department_target()
    other = Enterprise(name="第二家企业", uscc=uscc(999_999))
    db.session.add(other)
    db.session.commit()
    services.rate(user, target, scores(), "")
    with pytest.raises(Forbidden):
        services.rate(user, target, scores(), "", enterprise_id=other.id)
    assert len(_ratings(db)) == 1


def test_periods_are_quarters_in_shanghai_time(ctx):
    from datetime import UTC, datetime

    # 2026-03-31 17:00 UTC is 1 April 01:00 in Shanghai: the second quarter.
    assert period_of(datetime(2026, 3, 31, 17, 0, tzinfo=UTC)) == "2026-Q2"
    assert period_of(datetime(2026, 3, 31, 15, 0, tzinfo=UTC)) == "2026-Q1"
    assert previous_periods("2026-Q1", 3) == ["2025-Q3", "2025-Q4", "2026-Q1"]


def test_a_period_from_a_url_is_checked(ctx):
    assert check_period("2026-q4") == "2026-Q4"
    for bad in ("2026-Q5", "2026-11", "x"):
        with pytest.raises(Invalid):
            check_period(bad)


def test_only_verified_enterprise_members_may_rate(db, factory, rater, department_target):
    target = department_target()
    with pytest.raises(Unauthorized):
        services.rate(None, target, scores())
    citizen = factory.user(Role.CITIZEN)
    with pytest.raises(Forbidden):
        services.rate(citizen, target, scores())
    unverified = factory.user(Role.ENTREPRENEUR)  # has signed up with an enterprise, not yet approved
    with pytest.raises(Forbidden):
        services.rate(unverified, target, scores())
    assert _ratings(db) == []


def test_scores_must_be_1_to_5_and_comments_are_plain_text(db, rater, department_target):
    user, target = rater(), department_target()
    for bad in (0, 6, "5", None):
        with pytest.raises(Invalid):
            services.rate(user, target, scores(attitude=bad))
    rating = services.rate(user, target, scores(), '<b>很好</b><script>alert(1)</script> & <a href="x">链接</a>').rating
    assert rating.comment == "很好alert(1) & 链接"


def test_a_draft_policy_cannot_be_rated(db, ctx):
    from portal.errors import NotFound
    from portal.policies.public import Policy, PolicyStatus

    draft = Policy(title="草稿文件", status=PolicyStatus.DRAFT)
    db.session.add(draft)
    db.session.commit()
    with pytest.raises(NotFound):
        targets.policy_target(draft.id)


def test_the_rated_department_answers_a_comment_and_no_other_may(db, factory, rater, rate, department_target):
    target = department_target()
    rating = rate(rater(), target, comment="窗口排队太久")
    own = factory.user(Role.OFFICIAL)
    own.department_id = target.department_id
    db.session.commit()
    stranger = factory.user(Role.OFFICIAL)
    with pytest.raises(Forbidden):
        services.answer(stranger, rating.id, "不是我们")
    with pytest.raises(Forbidden):
        services.department_comments(stranger, target.department_id, rating.period)
    services.answer(own, rating.id, "已增开窗口")
    assert rating.answer == "已增开窗口"
    assert [c.id for c in services.department_comments(own, target.department_id, rating.period)] == [rating.id]
    assert db.session.scalar(sa.select(RatingEvent.action).order_by(RatingEvent.id.desc())) == "answered"
