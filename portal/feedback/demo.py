"""Demo work orders from the demo's feedback.yaml (docs/DEMO-DATA.md): the 职责边界清单, reply templates and
orders told step by step — filed, dispatched, signed for, answered, closed and rated — through the feedback
services, each step at its own time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from portal import demo as demo_data
from portal.accounts.demo import department_id, user
from portal.accounts.models import Enterprise
from portal.actors import SYSTEM
from portal.demo import demo_loader, moment
from portal.extensions import db
from portal.feedback import clock, escalation, lifecycle, rating, responsibility, services
from portal.feedback.models import ReplyTemplate, WorkOrder
from portal.times import to_local, utcnow

ORDER_FIELDS = ("kind", "category", "title", "description", "place")


def _assignment(order: WorkOrder, department: str):
    dept_id = department_id(department)
    return next(a for a in reversed(order.assignments) if a.department_id == dept_id)


def _step(order: WorkOrder, step: dict[str, Any]) -> None:
    actor = user(step["by"])
    action = step["do"]
    if action == "dispatch":
        departments = [department_id(d) for d in step["departments"]]
        lifecycle.dispatch_order(actor, order, departments, department_id(step["lead"]), step.get("instructions", ""))
    elif action == "sign":
        note = step.get("note", "已签收，正在办理")
        lifecycle.sign_assignment(actor, _assignment(order, step["department"]), actor.display_name, actor.phone, note)
    elif action == "start":
        lifecycle.start_assignment(actor, _assignment(order, step["department"]), step.get("note", ""))
    elif action == "reply":
        lifecycle.reply_assignment(actor, _assignment(order, step["department"]), step["text"])
    elif action == "extend":
        share = _assignment(order, step["department"])
        until = (to_local(share.due_at) + timedelta(days=step["days"])).date()
        lifecycle.request_extension(actor, share, until, step["reason"])
    elif action == "return":
        lifecycle.return_assignment(actor, _assignment(order, step["department"]), step["reason"])
    elif action == "close":
        lifecycle.close_order(actor, order, step.get("note", ""))
    elif action == "rate":
        ratings = {department_id(d): (value, comment) for d, (value, comment) in step["ratings"].items()}
        rating.rate_order(actor, order, ratings)
    else:
        raise demo_data.DemoDataError(f"feedback.yaml: unknown step {action!r} of order {order.source_ref}")


def _enterprise_id(name: str | None) -> int | None:
    """以企业名义: the demo enterprise by name (its filer must be a verified member: enterprises.yaml)."""
    if not name:
        return None
    found = db.session.scalar(sa.select(Enterprise.id).where(Enterprise.name == name))
    if found is None:
        raise demo_data.DemoDataError(f"feedback.yaml: enterprise {name!r} is not in enterprises.yaml")
    return found


def _order(row: dict[str, Any], now: datetime) -> bool:
    """File one order and take it through its steps, unless the demo already holds it."""
    if db.session.scalar(sa.select(WorkOrder.id).where(WorkOrder.source_ref == row["ref"])) is not None:
        return False
    fields = {name: row[name] for name in ORDER_FIELDS if name in row}
    with clock.at(moment(row["at"], now)):
        order = services.file_order(
            user(row["by"]),
            services.OrderData(
                source_ref=row["ref"],
                district_id=department_id(row.get("district")),
                street_id=department_id(row.get("street")),
                enterprise_id=_enterprise_id(row.get("enterprise")),
                **fields,
            ),
        )
    for step in row.get("steps", []):
        with clock.at(moment(step["at"], now)):
            _step(order, step)
    return True


def _lists(data: dict[str, Any]) -> None:
    for row in data.get("responsibilities", []):
        if responsibility.find_item(row["matter"]) is None:
            departments = [department_id(d) for d in row["departments"]]
            responsibility.create_item(
                SYSTEM,
                responsibility.ItemData(row["matter"], row["category"], row["keywords"], row["basis"], departments),
            )
    for row in data.get("reply_templates", []):
        dept_id = department_id(row.get("department"))
        exists = db.session.scalar(
            sa.select(ReplyTemplate.id).where(
                ReplyTemplate.title == row["title"], ReplyTemplate.department_id == dept_id
            )
        )
        if exists is None:
            db.session.add(ReplyTemplate(department_id=dept_id, title=row["title"], body=row["body"]))
    db.session.commit()


@demo_loader(order=30)
def load_feedback(data: dict[str, Any] | None = None) -> str:
    data = demo_data.read("feedback") if data is None else data
    _lists(data)
    now = utcnow()
    orders = sum(_order(row, now) for row in data.get("orders", []))
    result = escalation.tick()
    return f"feedback: {orders} work orders created; tick: {result}"
