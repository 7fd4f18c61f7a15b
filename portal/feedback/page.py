"""The order page's context, shared by the views that render it (after an action fails too)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request
from flask_login import current_user

from portal.accounts import services as accounts
from portal.accounts.permissions import can
from portal.errors import DomainError
from portal.extensions import db
from portal.feedback import clock, lifecycle, rating, responsibility
from portal.feedback.enums import OrderState, Satisfaction
from portal.feedback.models import ReplyTemplate, WorkOrder


def reply_templates_for(department_id: int | None) -> list[ReplyTemplate]:
    query = sa.select(ReplyTemplate).where(
        sa.or_(ReplyTemplate.department_id.is_(None), ReplyTemplate.department_id == department_id)
    )
    return list(db.session.scalars(query.order_by(ReplyTemplate.id)))


def render_order(
    order: WorkOrder, error: DomainError | None = None, action: str = "", assignment_id: int = 0, values=None
):
    """The order page; after a failed action, with that action's error and the values that were typed."""
    private = can(current_user, "feedback.view_private", order)
    rounds: dict[int, list] = {}
    for a in order.assignments:
        rounds.setdefault(a.round, []).append(a)
    user = current_user if current_user.is_authenticated else None
    actions = {a.id: lifecycle.available_actions(user, a) for a in order.assignments} if user else {}
    dispatching = user is not None and (
        lifecycle.can_transition(user, "dispatch", order) or lifecycle.can_transition(user, "reassign", order)
    )
    context = {
        "order": order,
        "private": private,
        "rounds": sorted(rounds.items(), reverse=True),
        "actions": actions,
        "events": [e for e in order.events if private or e.is_public],
        "can_close": user is not None and lifecycle.can_transition(user, "close", order),
        "can_rate": user is not None and lifecycle.can_transition(user, "rate", order),
        "rating_targets": rating.rating_targets(order),
        "satisfactions": list(Satisfaction),
        "dispatching": dispatching,
        "suggestions": responsibility.suggest_departments(order) if dispatching else [],
        "departments": accounts.list_departments() if dispatching else [],
        "templates": reply_templates_for(user.department_id) if user is not None and actions else [],
        "now": clock.now(),
        "error": error,
        "error_action": action,
        "error_assignment": assignment_id,
        "form_values": (values if values is not None else request.form) if error is not None else {},
        "closed": order.state == OrderState.CLOSED,
    }
    status = error.status if error is not None else 200
    return render_template("feedback/order.html", **context), status
