"""A constructed set of work orders with hand-computed KPIs (see test_kpi.py for the arithmetic).

Rows go straight into the feedback tables, as a year of history would, so each case controls
every timestamp. Times are Asia/Shanghai wall-clock unless written with UTC.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal.feedback.models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    OrderKind,
    OrderState,
    Rating,
    Satisfaction,
    WorkOrder,
)

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
_seq = itertools.count(1)


def sh(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SH)


def end_of(month: int, day: int) -> datetime:
    return datetime(2026, month, day, 23, 59, 59, tzinfo=SH)


class Builder:
    def __init__(self, db):
        self.db = db

    def order(self, kind: OrderKind = OrderKind.COMPLAINT, created: datetime | None = None, **kw) -> WorkOrder:
        created = created or sh(7, 1)
        order = WorkOrder(
            tracking_no=f"GD20260701-{next(_seq):06d}",
            kind=kind,
            category="城市管理",
            title=kw.pop("title", "测试诉求"),
            description="测试",
            requester_name=kw.pop("requester_name", "胡先生"),
            requester_phone=kw.pop("requester_phone", "13912345678"),
            created_at=created,
            dispatched_at=kw.pop("dispatched_at", created),
            state=kw.pop("state", OrderState.CLOSED),
            **kw,
        )
        self.db.session.add(order)
        self.db.session.flush()
        return order

    def assignment(
        self,
        order: WorkOrder,
        department,
        dispatched: datetime,
        *,
        signed_after: timedelta | None = timedelta(minutes=10),
        due: datetime,
        replied: datetime | None = None,
        round: int = 1,
        returned: datetime | None = None,
        lead: bool = True,
        **kw,
    ) -> Assignment:
        state = (
            AssignmentState.RETURNED if returned else (AssignmentState.REPLIED if replied else AssignmentState.SIGNED)
        )
        a = Assignment(
            order_id=order.id,
            department_id=department.id,
            role=AssignmentRole.LEAD if lead else AssignmentRole.ASSIST,
            round=round,
            state=kw.pop("state", state),
            dispatched_at=dispatched,
            sign_deadline=dispatched + timedelta(minutes=30),
            signed_at=dispatched + signed_after if signed_after is not None else None,
            due_at=due,
            original_due_at=due,
            replied_at=replied,
            returned_at=returned,
            **kw,
        )
        self.db.session.add(a)
        self.db.session.flush()
        return a

    def rating(self, order: WorkOrder, value: Satisfaction, at: datetime, *, round: int = 1, department=None) -> Rating:
        r = Rating(
            order_id=order.id,
            department_id=department.id if department is not None else None,
            round=round,
            value=value,
            created_at=at,
        )
        self.db.session.add(r)
        order.satisfaction, order.rated_at = value, at
        self.db.session.flush()
        return r


@pytest.fixture
def build(db):
    return Builder(db)


@dataclass
class World:
    a: object
    b: object


@pytest.fixture
def kpi_world(db, factory, build) -> World:
    """Two departments A and B with the cases of test_kpi.py, around 2026-Q3."""
    A = factory.department("甲局", short_name="甲局")
    B = factory.department("乙局", short_name="乙局")
    S, U, BASIC = Satisfaction.SATISFIED, Satisfaction.UNSATISFIED, Satisfaction.BASIC

    o1 = build.order()
    build.assignment(o1, A, sh(7, 10), due=end_of(7, 20), replied=sh(7, 15))  # a1: all in time
    build.rating(o1, BASIC, sh(9, 1))
    o2 = build.order()
    build.assignment(o2, A, sh(7, 11), signed_after=timedelta(minutes=45), due=end_of(7, 25), replied=sh(7, 27))  # a2
    o3 = build.order()  # a3: returned unsigned by A, re-dispatched to B, rated as a whole
    build.assignment(o3, A, sh(7, 12), signed_after=None, due=end_of(7, 26), returned=sh(7, 12, 10, 20))
    build.assignment(o3, B, sh(7, 12), due=end_of(7, 26), replied=sh(7, 20))  # b3
    build.rating(o3, S, sh(7, 22))
    o4 = build.order(created=sh(6, 25, year=2026))  # a4: dispatched in Q2, due and answered in Q3
    build.assignment(o4, A, sh(6, 25), due=end_of(7, 5), replied=sh(7, 4))
    build.rating(o4, S, datetime(2026, 6, 30, 16, 30, tzinfo=UTC))  # 1 July 00:30 in Shanghai
    o5 = build.order()  # a5: answered in Q3, due in Q4; rated in Q4 (1 Oct 00:30 Shanghai)
    build.assignment(o5, A, sh(9, 25), due=end_of(10, 10), replied=sh(9, 29))
    build.rating(o5, S, datetime(2026, 9, 30, 16, 30, tzinfo=UTC))
    o6 = build.order()  # a6: dispatched in Q3, answered and due in Q4
    build.assignment(o6, A, sh(9, 28), due=end_of(10, 12), replied=sh(10, 11))
    o7 = build.order()  # a7 → 不满意 → a7b (round 2, answered late) → 满意
    build.assignment(o7, A, sh(8, 1), due=end_of(8, 10), replied=sh(8, 5))
    build.rating(o7, U, sh(8, 6), round=1)
    build.assignment(o7, A, sh(8, 6), due=end_of(8, 15), replied=sh(8, 20), round=2)
    build.rating(o7, S, sh(8, 21), round=2)
    o8 = build.order(OrderKind.CALL)  # a 呼叫: the unit rates A 满意 and B 不满意; B's round 2 is unrated
    build.assignment(o8, A, sh(9, 1), due=end_of(9, 8), replied=sh(9, 5))
    build.assignment(o8, B, sh(9, 1), due=end_of(9, 8), replied=sh(9, 7), lead=False)
    build.rating(o8, S, sh(9, 10), department=A)
    build.rating(o8, U, sh(9, 10), department=B)
    build.assignment(o8, B, sh(9, 10), due=end_of(9, 20), replied=sh(9, 18), round=2, lead=False)
    build.db.session.commit()
    return World(A, B)
