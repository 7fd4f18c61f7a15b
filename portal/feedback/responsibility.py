"""The responsibility list (职责边界清单): matter → responsible departments; dispatch suggestions from it."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from portal.accounts.models import Department, User
from portal.accounts.permissions import require
from portal.errors import Conflict, Invalid, get_or_raise
from portal.extensions import db
from portal.feedback.enums import CATEGORIES
from portal.feedback.models import ResponsibilityDepartment, ResponsibilityItem, WorkOrder


@dataclass
class ItemData:
    matter: str
    category: str
    keywords: str
    basis: str
    department_ids: list[int]  # the first one is the lead (主体责任)


def list_items(category: str | None = None) -> list[ResponsibilityItem]:
    query = sa.select(ResponsibilityItem).order_by(ResponsibilityItem.category, ResponsibilityItem.id)
    if category:
        query = query.where(ResponsibilityItem.category == category)
    return list(db.session.scalars(query))


def get_item(item_id: int) -> ResponsibilityItem:
    return get_or_raise(ResponsibilityItem, item_id, "该清单事项不存在")


def find_item(matter: str) -> ResponsibilityItem | None:
    return db.session.scalar(sa.select(ResponsibilityItem).where(ResponsibilityItem.matter == matter))


def _apply(item: ResponsibilityItem, data: ItemData) -> None:
    matter = (data.matter or "").strip()
    if not 2 <= len(matter) <= 120:
        raise Invalid("事项名称须为2至120个字", field="matter")
    if data.category not in CATEGORIES:
        raise Invalid("请选择分类", field="category")
    keywords = " ".join((data.keywords or "").replace("，", " ").replace(",", " ").split())
    if len(keywords) > 400:
        raise Invalid("关键词合计不能超过400个字", field="keywords")
    ids = list(dict.fromkeys(int(d) for d in data.department_ids if d))
    if not ids:
        raise Invalid("请至少选择一个责任部门", field="department_ids")
    if any(db.session.get(Department, d) is None for d in ids):
        raise Invalid("所选部门不存在", field="department_ids")
    other = find_item(matter)
    if other is not None and other is not item:
        raise Conflict("已有同名事项", field="matter")
    item.matter, item.category, item.keywords, item.basis = matter, data.category, keywords, (data.basis or "").strip()
    item.department_rows = [ResponsibilityDepartment(department_id=d, position=i) for i, d in enumerate(ids)]


def create_item(actor: User | None, data: ItemData) -> ResponsibilityItem:
    require(actor, "feedback.manage_responsibilities")
    item = ResponsibilityItem()
    _apply(item, data)
    db.session.add(item)
    db.session.commit()
    return item


def update_item(actor: User, item: ResponsibilityItem, data: ItemData) -> ResponsibilityItem:
    require(actor, "feedback.manage_responsibilities")
    _apply(item, data)
    db.session.commit()
    return item


def delete_item(actor: User, item: ResponsibilityItem) -> None:
    require(actor, "feedback.manage_responsibilities")
    db.session.delete(item)
    db.session.commit()


@dataclass
class Suggestion:
    department: Department
    score: int
    lead: bool
    reasons: list[str]


def suggest_departments(order: WorkOrder, limit: int = 6) -> list[Suggestion]:
    """Departments the list makes responsible for this order: by its category and the words of its text."""
    text = f"{order.title} {order.description} {order.place}"
    assigned = {a.department_id for a in order.current_assignments}  # 增派: only departments not yet on it
    found: dict[int, Suggestion] = {}
    for item in list_items():
        hits = [k for k in item.keyword_list if k in text]
        score = 3 * len(hits) + (2 if item.category == order.category else 0)
        if not hits and item.category != order.category:
            continue
        reason = f"清单事项“{item.matter}”" + (f"（关键词：{'、'.join(hits)}）" if hits else "（同类事项）")
        for row in item.department_rows:
            if row.department_id in assigned:
                continue
            lead = row.position == 0
            s = found.setdefault(row.department_id, Suggestion(row.department, 0, False, []))
            s.score += score + (1 if lead else 0)
            s.lead = s.lead or (lead and bool(hits))
            if reason not in s.reasons:
                s.reasons.append(reason)
    ranked = sorted(found.values(), key=lambda s: (-s.score, s.department.sort_order, s.department.id))
    return ranked[:limit]
