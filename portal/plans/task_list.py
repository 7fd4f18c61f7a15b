"""攻坚任务 of every plan as one public list: filters (plan, department, status, progress), pages, open data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from portal.accounts.models import Department, User
from portal.errors import Invalid
from portal.extensions import db
from portal.opendata import Page, choice_arg, flag_arg, int_arg, iso, text_arg
from portal.plans.models import Battle, Goal, Plan, Task, TaskDepartment, TaskStatus, TaskUpdate
from portal.plans.progress import is_overdue
from portal.privacy import mask_phone
from portal.times import to_local

OVERDUE = "overdue"  # a status filter value beside the task statuses

SORTS: dict[str, tuple[str, tuple]] = {
    "plan": (
        "方案顺序",
        (Plan.year.desc(), Plan.id.desc(), Battle.position, Battle.id, Goal.position, Goal.id, Task.position, Task.id),
    ),
    "due": ("完成时限最近", (Task.due_date.is_(None), Task.due_date.asc(), Task.id.asc())),
    "progress": ("进度从低到高", (Task.progress.asc(), Task.id.asc())),
    "progress_desc": ("进度从高到低", (Task.progress.desc(), Task.id.asc())),
    "updated": ("最近更新", (Task.updated_at.desc(), Task.id.desc())),
}


@dataclass(frozen=True)
class TaskFilter:
    q: str = ""
    plan_id: int | None = None
    department_id: int | None = None
    status: str | None = None  # a TaskStatus value or "overdue"
    progress_min: int | None = None
    progress_max: int | None = None
    lead: bool = False  # with ``department_id``: only the tasks it leads (牵头), not those it takes part in
    sort: str = "plan"

    @property
    def active(self) -> bool:
        return bool(self.q or self.plan_id or self.department_id or self.status or self.lead) or (
            self.progress_min is not None or self.progress_max is not None
        )


def parse_filter(args: Mapping[str, str]) -> TaskFilter:
    low = int_arg(args, "progress_min", "最低进度", lo=0, hi=100)
    high = int_arg(args, "progress_max", "最高进度", lo=0, hi=100)
    if low is not None and high is not None and high < low:
        raise Invalid("最高进度不能低于最低进度", field="progress_max")
    return TaskFilter(
        q=text_arg(args, "q", "关键词"),
        plan_id=int_arg(args, "plan", "作战方案"),
        department_id=int_arg(args, "dept", "责任部门"),
        status=choice_arg(args, "status", [*(s.value for s in TaskStatus), OVERDUE], "任务状态"),
        progress_min=low,
        progress_max=high,
        lead=flag_arg(args, "lead", "牵头"),
        sort=choice_arg(args, "sort", SORTS, "排序方式") or "plan",
    )


def _filtered(f: TaskFilter, today: date):
    query = (
        sa.select(Task)
        .join(Goal, Task.goal_id == Goal.id)
        .join(Battle, Goal.battle_id == Battle.id)
        .join(Plan, Task.plan_id == Plan.id)
    )
    if f.plan_id:
        query = query.where(Task.plan_id == f.plan_id)
    if f.department_id and f.lead:
        query = query.where(Task.lead_department_id == f.department_id)
    elif f.lead:
        raise Invalid("“牵头”需要同时选择责任部门", field="lead")
    elif f.department_id:
        participating = sa.select(TaskDepartment.task_id).where(TaskDepartment.department_id == f.department_id)
        query = query.where(sa.or_(Task.lead_department_id == f.department_id, Task.id.in_(participating)))
    if f.status == OVERDUE:
        query = query.where(Task.due_date < today, Task.status != TaskStatus.DONE)
    elif f.status:
        query = query.where(Task.status == TaskStatus(f.status))
    if f.progress_min is not None:
        query = query.where(Task.progress >= f.progress_min)
    if f.progress_max is not None:
        query = query.where(Task.progress <= f.progress_max)
    for term in f.q.split()[:8]:
        term = term.lower()
        query = query.where(
            sa.or_(
                sa.func.lower(Task.title).contains(term, autoescape=True),
                sa.func.lower(Task.description).contains(term, autoescape=True),
            )
        )
    return query


def led_task_counts(today: date) -> dict[int, dict[str, int]]:
    """Per lead department, the tasks it leads in every plan: total, done, overdue and the sum of their progress
    (the list filtered by ``dept``, ``lead=1`` and ``status`` shows the same tasks)."""
    query = (
        _filtered(TaskFilter(), today)
        .with_only_columns(
            Task.lead_department_id,
            sa.func.count(),
            sa.func.count().filter(Task.status == TaskStatus.DONE),
            sa.func.count().filter(Task.due_date < today, Task.status != TaskStatus.DONE),
            sa.func.coalesce(sa.func.sum(Task.progress), 0),
        )
        .group_by(Task.lead_department_id)
    )
    return {
        dept: {"total": total, "done": done, "overdue": overdue, "progress_sum": int(progress)}
        for dept, total, done, overdue, progress in db.session.execute(query)
    }


def _options(query):
    return query.options(
        selectinload(Task.plan),
        selectinload(Task.goal).selectinload(Goal.battle),
        selectinload(Task.lead_department),
        selectinload(Task.department_rows).selectinload(TaskDepartment.department),
        selectinload(Task.milestones),
    )


def search(f: TaskFilter, page: int, per_page: int, today: date) -> Page:
    query = _filtered(f, today)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.with_only_columns(Task.id).subquery())) or 0
    items = db.session.scalars(
        _options(query).order_by(*SORTS[f.sort][1]).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return Page(items=list(items), total=total, page=page, per_page=per_page)


def export(f: TaskFilter, limit: int, today: date) -> list[Task]:
    return list(db.session.scalars(_options(_filtered(f, today)).order_by(*SORTS[f.sort][1]).limit(limit)))


def feed_updates(f: TaskFilter, limit: int, today: date) -> list[TaskUpdate]:
    """Newest progress reports (调度) of the filtered tasks."""
    ids = _filtered(f, today).with_only_columns(Task.id).scalar_subquery()
    return list(
        db.session.scalars(
            sa.select(TaskUpdate)
            .where(TaskUpdate.task_id.in_(ids))
            .options(selectinload(TaskUpdate.task), selectinload(TaskUpdate.actor).selectinload(User.department))
            .order_by(TaskUpdate.created_at.desc(), TaskUpdate.id.desc())
            .limit(limit)
        )
    )


def task_json(task: Task, today: date) -> dict[str, object]:
    """A task's public fields, as ``GET /api/v1/plans/tasks/<id>`` and a plan's JSON give them."""
    return {
        "id": task.id,
        "title": task.title,
        "lead_department": task.lead_department.name,
        "participating_departments": [d.name for d in task.participating_departments],
        "responsible_leader": task.responsible_leader,
        "contact": {"name": task.contact_name, "phone": mask_phone(task.contact_phone)},
        "start_date": task.start_date.isoformat() if task.start_date else None,
        "due_date": task.due_date.isoformat() if task.due_date else None,
        "status": task.status.value,
        "status_label": task.status.label,
        "progress": task.progress,
        "weight": task.weight,
        "overdue": is_overdue(task, today),
        "milestones": [{"title": m.title, "due_date": m.due_date.isoformat(), "done": m.done} for m in task.milestones],
        "url": url_for("plans.task", task_id=task.id, _external=True),
    }


def summary(task: Task, today: date) -> dict:
    """A task in the JSON list: the fields of ``GET /api/v1/plans/tasks/<id>`` without its history, with its plan."""
    return task_json(task, today) | {
        "plan": {
            "id": task.plan.id,
            "title": task.plan.title,
            "url": url_for("plans_api.plan", plan_id=task.plan_id, _external=True),
        },
        "battle": task.goal.battle.title,
        "goal": task.goal.title,
        "updated_at": iso(task.updated_at),
        "api_url": url_for("plans_api.task", task_id=task.id, _external=True),
    }


CSV_HEADER = (
    "编号",
    "作战方案",
    "攻坚战",
    "攻坚目标",
    "攻坚任务",
    "牵头部门",
    "参与部门",
    "分管领导",
    "联系人",
    "联系电话",
    "开始日期",
    "完成时限",
    "状态",
    "进度（%）",
    "是否逾期",
    "最近更新",
    "链接",
)


def csv_rows(tasks: list[Task], today: date) -> list[list[object]]:
    return [
        [
            t.id,
            t.plan.title,
            t.goal.battle.title,
            t.goal.title,
            t.title,
            t.lead_department.name,
            "、".join(d.name for d in t.participating_departments),
            t.responsible_leader,
            t.contact_name,
            mask_phone(t.contact_phone),
            t.start_date.isoformat() if t.start_date else "",
            t.due_date.isoformat() if t.due_date else "",
            t.status.label,
            t.progress,
            "是" if is_overdue(t, today) else "否",
            to_local(t.updated_at).strftime("%Y-%m-%d %H:%M"),
            url_for("plans.task", task_id=t.id, _external=True),
        ]
        for t in tasks
    ]


def filter_departments() -> list[Department]:
    """Departments that lead or take part in a task of any plan."""
    lead = sa.select(Task.lead_department_id)
    participating = sa.select(TaskDepartment.department_id)
    return list(
        db.session.scalars(
            sa.select(Department)
            .where(sa.or_(Department.id.in_(lead), Department.id.in_(participating)))
            .order_by(Department.sort_order, Department.id)
        )
    )
