"""Demo ratings (demo/ratings.yaml): enough enterprises rate some departments and a policy to pass k, and too few
rate others, over several quarters for the trend. Idempotent: a rating is looked up by enterprise, target, period."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from portal.accounts import services as accounts
from portal.accounts.models import Department, Enterprise, Role
from portal.actors import SYSTEM
from portal.demo import DemoDataError, demo_loader, read
from portal.extensions import db
from portal.feedback.public import OrderState, WorkOrder
from portal.history import record
from portal.plans.public import Task
from portal.policies.public import Policy, PolicyStatus
from portal.ratings import membership
from portal.ratings.models import EnterpriseRating, RatingEvent
from portal.ratings.periods import current_period, period_of, previous_periods
from portal.ratings.targets import (
    Target,
    department_target,
    order_department_target,
    order_handlers,
    order_member_target,
    policy_target,
    task_target,
)
from portal.times import utcnow


def _rater(row: dict[str, Any], password: str) -> tuple[Enterprise, Any]:
    """The enterprise of a ``raters`` row and a verified member of it (an entrepreneur account), added when missing."""
    user = accounts.find_user(row["member"])
    if user is None:
        user = accounts.create_user(
            SYSTEM,
            accounts.UserData(
                username=row["member"],
                display_name=row["member_name"],
                roles={Role.ENTREPRENEUR},
                password=password,
                enterprise_name=row["name"],
                uscc=str(row["uscc"]),
            ),
        )
    return membership.ensure_verified(user, row["name"], str(row["uscc"])), user


def _target(text: str) -> Target:
    kind, _, what = text.partition(":")
    if kind == "department":
        found = db.session.scalar(sa.select(Department).where(Department.short_name == what))
        if found:
            return department_target(found.id)
    elif kind == "policy":
        found = db.session.scalar(
            sa.select(Policy)
            .where(Policy.title.contains(what), Policy.status != PolicyStatus.DRAFT)
            .order_by(Policy.id)
        )
        if found:
            return policy_target(found.id)
    elif kind == "task":
        found = db.session.scalar(sa.select(Task).where(Task.title.contains(what)).order_by(Task.id))
        if found:
            return task_target(found.id)
    raise DemoDataError(f"ratings.yaml: no {text!r} to rate (is its demo data loaded?)")


def _scores(base: list[int], n: int, quarter: int) -> dict[str, int]:
    """Each enterprise's scores a little off the row's, and a little lower in earlier quarters (a rising trend)."""
    names = ("attitude", "style", "efficiency", "competence", "overall")
    out = {}
    for i, name in enumerate(names):
        wobble = ((n * 7 + i * 3 + quarter * 5) % 5) - 2  # -2..2, deterministic
        value = base[i] + (wobble // 2) - (1 if quarter <= -2 and (n + i) % 2 else 0)
        out[name] = max(1, min(5, value))
    return out


def _add(
    enterprise: Enterprise, user: Any, target: Target, period: str, values: dict, when, comment="", answer=""
) -> int:
    """One rating (and its history row) unless the enterprise already rated the target in that period."""
    exists = db.session.scalar(
        sa.select(EnterpriseRating.id).where(
            EnterpriseRating.enterprise_id == enterprise.id,
            EnterpriseRating.target_key == target.key,
            EnterpriseRating.period == period,
        )
    )
    if exists:
        return 0
    rating = EnterpriseRating(
        enterprise_id=enterprise.id,
        rater_id=user.id,
        period=period,
        kind=target.kind,
        target_key=target.key,
        comment=comment,
        created_at=when,
        updated_at=when,
        **target.columns(),
        **values,
    )
    if comment and answer:
        rating.answer, rating.answered_at = answer, when
    db.session.add(rating)
    db.session.flush()
    event = record(RatingEvent, user, "rated", None, ",".join(map(str, rating.scores)), rating_id=rating.id)
    event.created_at = when
    return 1


def _order_ratings(spec: dict[str, Any], periods: list[str]) -> int:
    """The filing enterprise rates the departments and officials of its closed 涉企 orders of the last two periods."""
    created = 0
    orders = db.session.scalars(
        sa.select(WorkOrder)
        .where(WorkOrder.enterprise_id.is_not(None), WorkOrder.state == OrderState.CLOSED)
        .order_by(WorkOrder.closed_at.desc(), WorkOrder.id)
    )
    done = 0
    for order in orders:
        if done >= int(spec.get("limit", 60)):
            break
        period = period_of(order.closed_at)
        if period not in periods[-2:]:
            continue
        user = order.requester if membership.is_verified_member(order.requester, order.enterprise_id) else None
        if user is None:
            continue
        enterprise = db.session.get(Enterprise, order.enterprise_id)
        done += 1
        for assignment in order_handlers(order):
            values = _scores(spec["scores"], order.id + assignment.department_id, 0)
            target = order_department_target(order.tracking_no, assignment.department_id)
            created += _add(enterprise, user, target, period, values, order.closed_at)
            if assignment.replied_by_id:
                target = order_member_target(order.tracking_no, assignment.replied_by_id)
                values = _scores(spec["scores"], order.id + assignment.replied_by_id, 0)
                created += _add(enterprise, user, target, period, values, order.closed_at)
    return created


@demo_loader(order=60)
def load_ratings(data: dict[str, Any] | None = None) -> str:
    data = read("ratings") if data is None else data
    if not data:
        return "ratings: nothing to load"
    password = str(read("accounts").get("password") or "demo1234")
    raters = [_rater(row, password) for row in data.get("raters") or []]
    periods = previous_periods(current_period(), 8)
    now, created = utcnow(), 0
    for row in data.get("ratings") or []:
        target = _target(row["target"])
        comments, answers = row.get("comments") or [], row.get("answers") or []
        for quarter in row.get("quarters") or [0]:
            period = periods[quarter - 1]
            when = now + timedelta(days=91 * quarter)
            for n, (enterprise, user) in enumerate(raters[: int(row["raters"])]):
                comment = comments[n] if quarter == 0 and n < len(comments) else ""
                answer = answers[n] if n < len(answers) else ""
                values = _scores(row["scores"], n, quarter)
                created += _add(enterprise, user, target, period, values, when, comment, answer)
    if data.get("order_ratings"):
        created += _order_ratings(data["order_ratings"], periods)
    db.session.commit()
    return f"ratings: {created} enterprise ratings by {len(raters)} enterprises and the filers of 涉企 orders"
