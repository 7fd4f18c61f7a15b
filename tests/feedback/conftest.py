"""A small city for work-order tests: two departments with officials, a dispatcher, a citizen, a unit."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from portal.accounts.models import DepartmentKind, DepartmentPosition, Role, User
from portal.feedback import lifecycle, rating, services
from portal.feedback.models import Assignment, WorkOrder

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"


@dataclass
class City:
    dept_a: object
    dept_b: object
    street: object
    official_a: User
    official_b: User
    head_a: User
    dispatcher: User
    citizen: User
    other_citizen: User
    unit: User
    admin: User

    def file(self, requester: User | None = None, **fields) -> WorkOrder:
        data = {
            "kind": "complaint",
            "category": "城市管理",
            "title": "小区门口夜间烧烤扰民",
            "description": "每天晚上十点以后小区门口有人烧烤，油烟和噪音很大。",
            "place": "升平巷",
            "requester_phone": "13912345678",
        }
        data.update(fields)
        return services.file_order(requester or self.citizen, services.OrderData(**data))

    def dispatched(self, *depts, requester: User | None = None, **fields) -> WorkOrder:
        order = self.file(requester, **fields)
        depts = depts or (self.dept_a,)
        lifecycle.dispatch_order(self.dispatcher, order, [d.id for d in depts], depts[0].id)
        return order

    def assignment(self, order: WorkOrder, dept) -> Assignment:
        return next(a for a in reversed(order.assignments) if a.department_id == dept.id)

    def official_of(self, dept) -> User:
        return self.official_a if dept.id == self.dept_a.id else self.official_b

    def replied(self, *depts, **fields) -> WorkOrder:
        depts = depts or (self.dept_a,)
        order = self.dispatched(*depts, **fields)
        for d in depts:
            a = self.assignment(order, d)
            lifecycle.sign_assignment(self.official_of(d), a, "", "")
            lifecycle.reply_assignment(self.official_of(d), a, "<p>已现场处理完毕。</p>")
        return order

    def closed(self, *depts, **fields) -> WorkOrder:
        depts = depts or (self.dept_a,)
        order = self.replied(*depts, **fields)
        lifecycle.close_order(self.official_of(depts[0]), order)
        return order

    def rate(self, order: WorkOrder, value: str, rater: User | None = None) -> None:
        rating.rate_order(rater or self.citizen, order, {None: (value, "")})


@pytest.fixture
def city(factory) -> City:
    dept_a = factory.department("测试城管局", short_name="城管局")
    dept_b = factory.department("测试市场监管局", short_name="市场监管局")
    street = factory.department("测试街道", kind=DepartmentKind.TOWNSHIP, short_name="测试街道")
    hotline = factory.department("测试热线", short_name="热线")
    return City(
        dept_a=dept_a,
        dept_b=dept_b,
        street=street,
        official_a=factory.user(Role.OFFICIAL, department=dept_a, phone="13800000101", display_name="刘强"),
        official_b=factory.user(Role.OFFICIAL, department=dept_b, phone="13800000102", display_name="王芳"),
        head_a=factory.user(Role.OFFICIAL, department=dept_a, position=DepartmentPosition.HEAD, display_name="局长"),
        dispatcher=factory.user(Role.DISPATCHER, department=hotline),
        citizen=factory.user(Role.CITIZEN, phone="13912345678", display_name="胡明"),
        other_citizen=factory.user(Role.CITIZEN),
        unit=factory.user(Role.UNIT, department=street),
        admin=factory.user(Role.ADMIN),
    )
