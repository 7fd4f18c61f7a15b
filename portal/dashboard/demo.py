"""Demo history for the data pages: a year of generated work orders, closed and rated.

As many orders as the demo's history.yaml says (3,000) over the past 12 months (fixed seed),
dispatched to the demo departments, signed, answered, closed and rated much like Guiyang's year
(办结率 ≈ 90%, 满意率 ≈ 82%), with reopened orders (发回重办), a few still open and overdue in
recent weeks (催办 → 逾期 → 督办 → 顶格推进), so the 数据公开 page and the 督查专报 have something true to show.

Rows are bulk-inserted straight into the feedback tables (no services: speed) following their
semantics: one assignment per department and round, history rows for every step, ratings per
round (per department for 呼叫). They are marked by ``source_ref`` = ``DEMO_SOURCE`` and tracking
numbers GD<date>-9xxxxx; no notifications are written. Loading twice changes nothing.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from portal import demo as demo_data
from portal.accounts import services as accounts
from portal.accounts.models import Department, Enterprise, User
from portal.demo import demo_loader
from portal.enterprises import services as enterprises
from portal.extensions import db
from portal.feedback import public as feedback
from portal.feedback.public import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    Channel,
    EventAction,
    OrderEvent,
    OrderKind,
    OrderState,
    Rating,
    Satisfaction,
    WorkOrder,
)
from portal.times import LOCAL_TZ, to_local, utcnow

DEMO_SOURCE = "历史数据（演示生成）"  # source_ref of every generated order


def _department_ids() -> dict[str, int]:
    return dict(db.session.execute(sa.select(Department.short_name, Department.id)).all())


@demo_loader(order=35)
def load_history(data: dict[str, Any] | None = None) -> str:
    """Generate the year of history once (parameters: the demo's history.yaml); later runs find it by its marker
    and stop."""
    data = demo_data.read("history") if data is None else data
    if not data.get("count"):
        return "dashboard: no generated history in the demo data"
    existing = db.session.scalar(sa.select(sa.func.count()).where(WorkOrder.source_ref == DEMO_SOURCE))
    if existing:
        return f"dashboard: {existing} generated historical work orders already present"
    depts = _department_ids()
    if "12345热线" not in depts:
        return "dashboard: demo departments missing; history not generated"
    dispatcher = accounts.find_user("dispatcher")
    generator = _Generator(data, depts, dispatcher.id if dispatcher else None, utcnow(), _members())
    counts = generator.run(data["count"])
    db.session.commit()
    return "dashboard: generated {orders} historical work orders, {assignments} assignments, {ratings} ratings".format(
        **counts
    )


def _members() -> list[tuple[int, str, int]]:
    """(user id, name, enterprise id) of every verified member of a demo enterprise: who files the 涉企 orders."""
    out = []
    for enterprise in db.session.scalars(sa.select(Enterprise).order_by(Enterprise.id)):
        for user_id in enterprises.verified_member_ids(enterprise.id):
            out.append((user_id, db.session.get(User, user_id).display_name, enterprise.id))
    return out


class _Generator:
    def __init__(
        self,
        data: dict[str, Any],
        depts: dict[str, int],
        dispatcher_id: int | None,
        now: datetime,
        members: list[tuple[int, str, int]] = (),
    ):
        self.rng, self.depts, self.dispatcher_id, self.now = random.Random(data["seed"]), depts, dispatcher_id, now
        # 涉企 orders: a share of some categories is filed online by a verified member for their enterprise. A
        # random stream of its own, so that the rest of the year is the same with or without enterprises.
        self.members, self.enterprise_share = list(members), data.get("enterprise_share") or {}
        self.enterprise_rng = random.Random(data["seed"] + 1)
        self.seq: dict[str, int] = {}
        self.names = {v: k for k, v in depts.items()}
        self.kinds = [OrderKind(kind) for kind in data["kinds"]]
        self.kind_weights = list(data["kinds"].values())
        self.topics = data["topics"]
        self.calls = data["calls"]
        self.responders = frozenset(data["responders"])
        self.surnames = data["surnames"]

    # --- orders -------------------------------------------------------------------------
    def _tracking(self, created: datetime) -> str:
        day = to_local(created).strftime("%Y%m%d")
        self.seq[day] = self.seq.get(day, 900000) + 1
        return f"GD{day}-{self.seq[day]:06d}"

    def _order_row(self) -> tuple[dict, list[int], OrderKind]:
        rng, now = self.rng, self.now
        kind = rng.choices(self.kinds, self.kind_weights)[0]
        # Older than a day so that today's tracking numbers stay free for real filings.
        # Filed between 07:00 and 22:00 local time on one of the past 364 days (never today).
        day = to_local(now).date() - timedelta(days=rng.randint(1, 364))
        created = datetime(day.year, day.month, day.day, 7, tzinfo=LOCAL_TZ) + timedelta(minutes=rng.randint(0, 900))
        unit_id = None
        if kind == OrderKind.CALL:
            call = rng.choice(self.calls)
            unit, title, category = call["unit"], call["title"], call["category"]
            unit_id = self.depts.get(unit)
            departments = [self.depts[n] for n in call["departments"] if n in self.depts]
            requester = unit
        else:
            category = rng.choice(list(self.topics))
            candidates, titles = self.topics[category]["departments"], self.topics[category]["titles"]
            title = rng.choice(titles)
            available = [self.depts[n] for n in candidates if n in self.depts]
            departments = [rng.choice(available)]
            if rng.random() < 0.15:
                others = [d for d in self.depts.values() if d not in departments and self.names[d] in self.responders]
                departments.append(rng.choice(others))
            requester = rng.choice(self.surnames) + rng.choice(("先生", "女士"))
        row = {
            "tracking_no": self._tracking(created),
            "kind": kind,
            "category": category,
            "title": title,
            "description": f"{title}。希望有关部门尽快核实处理并答复。",
            "place": "",
            "is_public": rng.random() < 0.9,
            "channel": Channel.PHONE if rng.random() < 0.6 else Channel.WEB,
            "source_ref": DEMO_SOURCE,
            "requester_id": None,
            "requester_name": requester,
            "requester_phone": "",
            "filing_unit_id": unit_id,
            "enterprise_id": None,
            "created_at": created,
            "updated_at": created,
        }
        share = self.enterprise_share.get(category, 0) if kind != OrderKind.CALL else 0
        if self.members and self.enterprise_rng.random() < share:
            user_id, name, enterprise_id = self.enterprise_rng.choice(self.members)
            row.update(requester_id=user_id, requester_name=name, channel=Channel.WEB, enterprise_id=enterprise_id)
        return row, departments, kind

    def run(self, count: int) -> dict[str, int]:
        plans = [self._order_row() for _ in range(count)]
        plans.sort(key=lambda p: p[0]["created_at"])
        for row, _, _ in plans:
            row["dispatched_at"] = row["created_at"] + timedelta(minutes=self.rng.randint(5, 90))
        # Core inserts (the tables, not the ORM classes): the ORM's bulk path splices each batch's RETURNING rows
        # onto all the earlier ones, quadratic in the number of rows (~10 s of the demo's load).
        orders = WorkOrder.__table__
        ids = db.session.scalars(
            orders.insert().returning(orders.c.id, sort_by_parameter_order=True), [p[0] for p in plans]
        ).all()
        self.assignments, self.events, self.ratings, self.order_updates = [], [], [], []
        for order_id, (row, departments, kind) in zip(ids, plans, strict=True):
            self._lifecycle(order_id, row, departments, kind)
        assignments = Assignment.__table__
        assignment_ids = db.session.scalars(
            assignments.insert().returning(assignments.c.id, sort_by_parameter_order=True),
            [a for a, _ in self.assignments],
        ).all()
        for assignment_id, (_, refs) in zip(assignment_ids, self.assignments, strict=True):
            for ref in refs:
                ref["assignment_id"] = assignment_id
        db.session.execute(sa.insert(Rating), self.ratings)
        db.session.execute(sa.insert(OrderEvent), sorted(self.events, key=lambda e: e["created_at"]))
        db.session.execute(
            sa.update(WorkOrder.__table__).where(WorkOrder.__table__.c.id == sa.bindparam("b_id")),
            self.order_updates,
        )
        return {"orders": len(ids), "assignments": len(assignment_ids), "ratings": len(self.ratings)}

    # --- one order's life ---------------------------------------------------------------
    def _event(
        self, order_id, action, at, label, dept=None, refs=None, from_state="", to_state="", note="", public=True
    ):
        event = {
            "order_id": order_id,
            "assignment_id": None,
            "actor_id": None,
            "actor_label": label,
            "department_id": dept,
            "action": action,
            "from_state": str(from_state),
            "to_state": str(to_state),
            "note": note,
            "is_public": public,
            "created_at": at,
        }
        self.events.append(event)
        if refs is not None:
            refs.append(event)
        return event

    def _lifecycle(self, order_id: int, row: dict, departments: list[int], kind: OrderKind) -> None:
        rng, now = self.rng, self.now
        created, dispatched = row["created_at"], row["dispatched_at"]
        self._event(
            order_id,
            EventAction.SUBMIT,
            created,
            "诉求人" if kind != OrderKind.CALL else row["requester_name"],
            to_state=OrderState.SUBMITTED,
            note="提交诉求",
        )
        names = "、".join(f"{self.names[d]}（{'主办' if i == 0 else '协办'}）" for i, d in enumerate(departments))
        self._event(
            order_id,
            EventAction.DISPATCH,
            dispatched,
            "12345热线",
            self.depts.get("12345热线"),
            from_state=OrderState.SUBMITTED,
            to_state=OrderState.DISPATCHED,
            note=f"派往{names}",
        )
        state, closed_at, satisfaction, rated_at, round_no, reopen_count = OrderState.DISPATCHED, None, None, None, 1, 0
        start = dispatched
        while True:
            shares = [self._assignment(order_id, d, i == 0, round_no, start, kind) for i, d in enumerate(departments)]
            replies = [replied for _, replied in shares]
            if any(r is None for r in replies):
                state = OrderState.IN_PROGRESS
                break
            closed_at = max(replies) + timedelta(minutes=rng.randint(10, 240))
            if closed_at >= now:
                state, closed_at = OrderState.REPLIED, None
                break
            state = OrderState.CLOSED
            for share, _ in shares:
                share.update(state=AssignmentState.CLOSED, closed_at=closed_at)
            self._event(
                order_id,
                EventAction.CLOSE,
                closed_at,
                self.names[departments[0]],
                departments[0],
                from_state=OrderState.REPLIED,
                to_state=OrderState.CLOSED,
                note="已办结",
            )
            rated = closed_at + timedelta(hours=0.5 + rng.random() * 48)
            if rated >= now or rng.random() < (0.15 if round_no == 1 else 0.75):
                break  # not rated (yet): never counted as satisfied
            values = self._ratings(order_id, departments, round_no, kind, rated)
            satisfaction, rated_at = max(values, key=list(Satisfaction).index), rated
            note = "；".join(v.label for v in values)
            self._event(order_id, EventAction.RATE, rated, "诉求人", from_state=state, to_state=state, note=note)
            if Satisfaction.UNSATISFIED not in values or round_no > 1:
                break
            round_no, reopen_count, start = round_no + 1, reopen_count + 1, rated
            self._event(
                order_id,
                EventAction.REOPEN,
                rated,
                "诉求人",
                from_state=OrderState.CLOSED,
                to_state=OrderState.DISPATCHED,
                note="评价不满意，发回重办",
            )
        self.order_updates.append(
            {
                "b_id": order_id,
                "state": state,
                "closed_at": closed_at,
                "satisfaction": satisfaction,
                "rated_at": rated_at,
                "round": round_no,
                "reopen_count": reopen_count,
            }
        )

    def _ratings(self, order_id, departments, round_no, kind, at) -> list[Satisfaction]:
        rng = self.rng
        if kind == OrderKind.CALL:  # the calling unit rates each department (Laiwu: mostly full marks)
            weights, targets = (80, 16, 4), departments
        else:
            weights, targets = ((54, 24, 22) if round_no == 1 else (55, 45, 0)), [None]
        values = []
        for dept in targets:
            value = rng.choices(list(Satisfaction), weights)[0]
            values.append(value)
            self.ratings.append(
                {
                    "order_id": order_id,
                    "assignment_id": None,
                    "department_id": dept,
                    "round": round_no,
                    "value": value,
                    "comment": "",
                    "rater_id": None,
                    "created_at": at,
                }
            )
        return values

    def _assignment(self, order_id, dept, lead, round_no, start, kind) -> tuple[dict, datetime | None]:
        """One department's share: sign-for, answer (or still open); returns its row and reply time."""
        rng, now = self.rng, self.now
        refs: list[dict] = []
        sign_deadline = feedback.sign_deadline(kind, start)
        due = feedback.handling_deadline(kind, start)
        signed = start + timedelta(minutes=rng.expovariate(1 / 11))
        signed = signed if signed < now else None
        label = self.names[dept]
        row = {
            "order_id": order_id,
            "department_id": dept,
            "round": round_no,
            "role": AssignmentRole.LEAD if lead else AssignmentRole.ASSIST,
            "instructions": "" if round_no == 1 else "发回重办",
            "dispatched_at": start,
            "dispatched_by_id": self.dispatcher_id,
            "sign_deadline": sign_deadline,
            "signed_at": signed,
            "handler_name": rng.choice(self.surnames) + rng.choice(("工", "科长", "主任")) if signed else "",
            "handler_phone": f"0531-7622{rng.randint(1000, 9999)}" if signed else "",
            "due_at": due,
            "original_due_at": due,
            "started_at": signed,
            "escalation_level": 0,
            "state": AssignmentState.IN_PROGRESS,
            "replied_at": None,
            "reply_html": "",
            "closed_at": None,
            "reminded_at": None,
            "overdue_at": None,
            "escalated_at": None,
            "top_escalated_at": None,
        }
        self.assignments.append((row, refs))
        if signed is None:
            row["state"] = AssignmentState.DISPATCHED
            return row, None
        self._event(
            order_id,
            EventAction.SIGN,
            signed,
            label,
            dept,
            refs,
            OrderState.DISPATCHED,
            OrderState.SIGNED,
            "已签收，正在办理" + ("（超时签收）" if signed > sign_deadline else ""),
        )
        span = (due - signed).total_seconds()
        recent = (now - due).days < 21
        draw = rng.random()
        if draw < 0.905:
            replied = signed + timedelta(seconds=span * (0.1 + 0.85 * rng.random()))
        elif recent and draw < 0.96:
            replied = None  # still open past its deadline: the 督查专报's material
        else:
            replied = due + timedelta(hours=4 + rng.random() * 96)
        if replied is not None and replied >= now:
            replied = None
        # The tick's marks: 催办 a day before the deadline, 逾期 + 督办 after it, 顶格推进 48 h later.
        if due - timedelta(hours=24) < (replied or now):
            self._event(
                order_id,
                EventAction.REMIND,
                due - timedelta(hours=24),
                "系统",
                refs=refs,
                note="催办：办理期限将至，请抓紧办理",
                public=False,
            )
            row["reminded_at"] = due - timedelta(hours=24)
        if due < (replied or now):
            row.update(
                overdue_at=due + timedelta(minutes=1), escalated_at=due + timedelta(minutes=1), escalation_level=1
            )
            self._event(
                order_id, EventAction.OVERDUE, due + timedelta(minutes=1), "系统", refs=refs, note=f"{label}办理逾期"
            )
            self._event(
                order_id, EventAction.ESCALATE, due + timedelta(minutes=1), "系统", refs=refs, note=f"对{label}督办"
            )
            top = due + timedelta(hours=48, minutes=1)
            if top < (replied or now):
                row.update(top_escalated_at=top, escalation_level=2)
                self._event(
                    order_id,
                    EventAction.ESCALATE,
                    top,
                    "系统",
                    refs=refs,
                    note=f"督办后仍未办结，报{label}主要负责人顶格推进",
                )
        if replied is None:
            return row, None
        row.update(state=AssignmentState.REPLIED, replied_at=replied, reply_html="<p>经核实，已按规定处理完毕。</p>")
        self._event(
            order_id,
            EventAction.REPLY,
            replied,
            label,
            dept,
            refs,
            OrderState.IN_PROGRESS,
            OrderState.REPLIED,
            "经核实，已按规定处理完毕。",
        )
        return row, replied
