"""公开诉求 as CSV: thousands of rows read as plain columns (no ORM objects), masked as on the page."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import aliased

from portal.accounts.models import Department
from portal.extensions import db
from portal.feedback import clock
from portal.feedback.enums import AssignmentRole, AssignmentState
from portal.feedback.listing import OPEN_ASSIGNMENT, OrderFilter, matching_ids
from portal.feedback.models import Assignment, WorkOrder
from portal.privacy import mask_name, mask_personal
from portal.times import LOCAL_TZ

HEADER = (
    "编号",
    "类型",
    "分类",
    "标题",
    "诉求内容",
    "地点",
    "区（市）",
    "镇街",
    "诉求人",
    "涉企",
    "办理状态",
    "承办部门",
    "是否逾期",
    "满意度",
    "提交时间",
    "办结时间",
    "链接",
)
CHUNK = 500
FORMAT = "%Y-%m-%d %H:%M"


def rows(f: OrderFilter, limit: int) -> list[list[object]]:
    """The filtered list in its order, up to ``limit`` rows, with the columns of ``HEADER``."""
    ids = matching_ids(f, limit)
    now = clock.now()
    # One url_for, not one per row: the order page is this prefix and the tracking number.
    prefix = url_for("feedback.order", tracking_no="X", _external=True).removesuffix("X")
    out: dict[int, list[object]] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        handling = _handling(chunk, now)
        for row in _orders(chunk):
            names, overdue = handling.get(row.id, ([], False))
            out[row.id] = [
                row.tracking_no,
                row.kind.label,
                row.category,
                mask_personal(row.title),
                mask_personal(row.description),
                mask_personal(row.place),
                row.district or "",
                row.street or "",
                row.unit or mask_name(row.requester_name),
                "是" if row.enterprise_id is not None else "否",
                row.state.label,
                "、".join(names),
                "是" if overdue else "否",
                row.satisfaction.label if row.satisfaction else "",
                row.created_at.astimezone(LOCAL_TZ).strftime(FORMAT),
                row.closed_at.astimezone(LOCAL_TZ).strftime(FORMAT) if row.closed_at else "",
                prefix + row.tracking_no,
            ]
    return [out[i] for i in ids if i in out]


def _orders(ids: list[int]):
    district, street, unit = aliased(Department), aliased(Department), aliased(Department)
    return db.session.execute(
        sa.select(
            WorkOrder.id,
            WorkOrder.tracking_no,
            WorkOrder.kind,
            WorkOrder.category,
            WorkOrder.title,
            WorkOrder.description,
            WorkOrder.place,
            WorkOrder.requester_name,
            WorkOrder.state,
            WorkOrder.satisfaction,
            WorkOrder.created_at,
            WorkOrder.closed_at,
            district.short_name.label("district"),
            street.short_name.label("street"),
            unit.name.label("unit"),
            WorkOrder.enterprise_id,
        )
        .outerjoin(district, district.id == WorkOrder.district_id)
        .outerjoin(street, street.id == WorkOrder.street_id)
        .outerjoin(unit, unit.id == WorkOrder.filing_unit_id)
        .where(WorkOrder.id.in_(ids))
    )


def _handling(ids: list[int], now) -> dict[int, tuple[list[str], bool]]:
    """Per order: the departments of its current round (lead first, 部门（主办）) and whether one is overdue
    (the rules of ``listing.departments`` and ``listing.is_overdue``)."""
    result = db.session.execute(
        sa.select(
            Assignment.id,
            Assignment.order_id,
            Assignment.round,
            Assignment.role,
            Assignment.state,
            Assignment.due_at,
            Assignment.overdue_at,
            Department.name,
            WorkOrder.round.label("order_round"),
        )
        .join(Department, Department.id == Assignment.department_id)
        .join(WorkOrder, WorkOrder.id == Assignment.order_id)
        .where(Assignment.order_id.in_(ids))
        .order_by(Assignment.order_id, Assignment.id)
    )
    current: dict[int, list] = defaultdict(list)
    overdue: dict[int, bool] = defaultdict(bool)
    for a in result:
        if a.state == AssignmentState.RETURNED:
            continue
        if a.overdue_at is not None or (a.state in OPEN_ASSIGNMENT and a.due_at < now):
            overdue[a.order_id] = True
        if a.round == a.order_round:
            current[a.order_id].append((a.role != AssignmentRole.LEAD, a.id, f"{a.name}（{a.role.label}）"))
    return {
        order_id: ([name for *_, name in sorted(current.get(order_id, []))], overdue[order_id])
        for order_id in set(current) | set(overdue)
    }
