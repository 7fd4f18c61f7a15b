"""The tick: 催签, 催办, overdue → 督办, 顶格推进 — each once, however often it runs."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal.feedback import clock, escalation, lifecycle
from portal.feedback.enums import Escalation, EventAction
from portal.feedback.models import Notification, OrderEvent


def _events(db, action):
    return db.session.scalars(sa.select(OrderEvent).where(OrderEvent.action == action)).all()


def test_unsigned_assignment_gets_one_sign_reminder(city, db):
    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    result = escalation.tick(a.sign_deadline - timedelta(minutes=5))
    assert result.sign_reminders == 1 and a.sign_reminded_at is not None
    assert escalation.tick(a.sign_deadline - timedelta(minutes=4)).sign_reminders == 0


def test_reminder_goes_out_before_the_handling_deadline(city, db):
    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, a, "", "")
    assert escalation.tick(a.due_at - timedelta(hours=30)).reminders == 0
    assert escalation.tick(a.due_at - timedelta(hours=2)).reminders == 1
    assert any(n.title.startswith("催办") for n in db.session.scalars(sa.select(Notification)))


def test_overdue_assignment_is_marked_and_escalated_once(city, db):
    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    lifecycle.sign_assignment(city.official_a, a, "", "")
    later = a.due_at + timedelta(minutes=1)
    first = escalation.tick(later)
    assert first.overdue == 1 and a.overdue_at == later and a.escalation == Escalation.SUPERVISED
    second = escalation.tick(later + timedelta(minutes=1))
    assert (second.overdue, second.reminders, second.sign_reminders, second.top) == (0, 0, 0, 0)
    assert len(_events(db, EventAction.OVERDUE)) == 1 and len(_events(db, EventAction.ESCALATE)) == 1
    (overdue,) = _events(db, EventAction.OVERDUE)
    assert overdue.actor_id is None and overdue.actor_label == "系统"  # the tick acts as SYSTEM


def test_supervised_assignment_goes_to_the_head_after_the_configured_time(city, db, app):
    order = city.dispatched()
    a = city.assignment(order, city.dept_a)
    escalation.tick(a.due_at + timedelta(minutes=1))
    app.config["FEEDBACK_TOP_ESCALATION_HOURS"] = 4
    try:
        assert escalation.tick(a.due_at + timedelta(hours=3)).top == 0
        assert escalation.tick(a.due_at + timedelta(hours=5)).top == 1
        assert escalation.tick(a.due_at + timedelta(hours=6)).top == 0
    finally:
        del app.config["FEEDBACK_TOP_ESCALATION_HOURS"]
    assert a.escalation == Escalation.TOP
    head_notices = db.session.scalars(sa.select(Notification).where(Notification.user_id == city.head_a.id)).all()
    assert any("顶格推进" in n.title for n in head_notices)


def test_replied_assignments_are_left_alone(city):
    order = city.replied()
    a = city.assignment(order, city.dept_a)
    result = escalation.tick(a.due_at + timedelta(days=3))
    assert (result.overdue, result.reminders, result.sign_reminders) == (0, 0, 0)


def test_tick_command_runs_and_reports(city, runner):
    city.dispatched()
    with clock.at(clock.now()):
        result = runner.invoke(args=["feedback", "tick"])
    assert result.exit_code == 0 and "催办" in result.output
