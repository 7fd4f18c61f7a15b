"""History rows share one shape and one guarantee: written once, never changed or deleted (portal/history.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from portal.actors import SYSTEM
from portal.hearings import services as hearings
from portal.hearings.models import HearingEvent, HearingKind, HearingState
from portal.history import AppendOnly, History, HistoryIsAppendOnly
from portal.policies import services as policies
from portal.policies.models import PolicyStatus, PolicyStatusChange
from portal.times import utcnow


@pytest.fixture
def opened(db):
    """A hearing opened by SYSTEM: one hearing_events row written by the machine's history hook."""
    data = hearings.HearingData(kind=HearingKind.DEFENSE, title="历史测试答辩", starts_at=utcnow() + timedelta(days=1))
    hearing = hearings.create_hearing(SYSTEM, data)
    hearings.change_state(SYSTEM, hearing, "open")
    return hearing


@pytest.fixture
def published(db):
    policy = policies.create_policy(SYSTEM, policies.PolicyData(title="历史测试文件"))
    policies.transition(SYSTEM, policy.id, "publish")
    return policy


def test_the_machine_writes_one_row_through_the_shared_shape(opened, db):
    (event,) = hearings.hearing_history(opened)
    assert isinstance(event, History)
    assert (event.action, event.from_state, event.to_state) == ("open", "scheduled", "live")
    assert event.actor_id is None and event.actor is None  # SYSTEM
    assert event.created_at is not None and opened.state == HearingState.LIVE


def test_a_history_row_cannot_be_changed(opened, db):
    event = hearings.hearing_history(opened)[0]
    event.note = "改写历史"
    with pytest.raises(HistoryIsAppendOnly, match="hearing_events is append-only"):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(HearingEvent, event.id).note != "改写历史"


def test_a_history_row_cannot_be_deleted(opened, db):
    event = hearings.hearing_history(opened)[0]
    db.session.delete(event)
    with pytest.raises(HistoryIsAppendOnly, match="never deleted"):
        db.session.commit()
    db.session.rollback()
    assert len(hearings.hearing_history(opened)) == 1


def test_bulk_statements_cannot_change_or_delete_history(opened, published, db):
    for statement in (
        sa.update(HearingEvent).values(note="改写"),
        sa.delete(HearingEvent).where(HearingEvent.hearing_id == opened.id),
        sa.update(PolicyStatusChange).values(reason="改写"),
        sa.delete(PolicyStatusChange),
    ):
        with pytest.raises(HistoryIsAppendOnly):
            db.session.execute(statement)
        db.session.rollback()
    assert len(hearings.hearing_history(opened)) == 1
    assert len(db.session.scalars(sa.select(PolicyStatusChange)).all()) == 1


def test_policy_status_changes_are_append_only_too(published, db):
    change = published.status_changes[-1]
    assert isinstance(change, AppendOnly) and change.to_status == PolicyStatus.IN_FORCE
    change.reason = "改写"
    with pytest.raises(HistoryIsAppendOnly, match="policy_status_changes"):
        db.session.commit()
    db.session.rollback()


def test_loading_and_flushing_unchanged_rows_is_allowed(opened, db):
    event = hearings.hearing_history(opened)[0]
    event.note = event.note  # the same value: nothing to write
    opened.title = "改名后的答辩"  # the owner changes freely
    db.session.commit()
    assert db.session.get(HearingEvent, event.id).action == "open"


def test_plan_state_changes_are_append_only_and_a_replayed_change_keeps_its_date(db):
    from datetime import UTC, datetime

    from portal.plans import editing
    from portal.plans.models import PlanState, PlanStateChange

    plan = editing.create_plan(SYSTEM, editing.PlanData(title="历史测试方案", version_label="1.0", year=2026))
    day = datetime(2025, 3, 1, 2, 0, tzinfo=UTC)
    editing.change_state(SYSTEM, plan.id, PlanState.DEFENDED, "公开答辩", at=day)
    change = db.session.scalar(sa.select(PlanStateChange).where(PlanStateChange.plan_id == plan.id))
    assert isinstance(change, AppendOnly)
    assert (change.old_state, change.new_state, change.note, change.created_at) == (
        PlanState.DRAFT,
        PlanState.DEFENDED,
        "公开答辩",
        day,
    )
    change.created_at = utcnow()
    with pytest.raises(HistoryIsAppendOnly, match="plan_state_changes"):
        db.session.commit()
    db.session.rollback()
