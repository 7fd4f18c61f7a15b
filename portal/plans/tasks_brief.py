"""A task as other packages show it: its title and plan, lead department, progress, status and progress reports
(plain values, so that nothing outside the plans package touches its models)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.plans.models import Task, TaskUpdate
from portal.plans.progress import is_overdue, local_today


@dataclass(frozen=True)
class Report:
    report_date: date
    progress: int
    status_label: str
    note: str


@dataclass(frozen=True)
class TaskBrief:
    id: int
    plan_id: int
    plan_title: str
    title: str
    lead_department_id: int
    lead_department: str
    progress: int
    status_label: str
    overdue: bool
    due_date: date | None
    reports: list[Report] = field(default_factory=list)


def plan_tasks(plan_id: int | None) -> list[tuple[int, str, int]]:
    """(id, title, lead department id) of the plan's tasks in the plan's order: the commitment form's choices."""
    if plan_id is None:
        return []
    rows = db.session.execute(
        sa.select(Task.id, Task.title, Task.lead_department_id)
        .where(Task.plan_id == plan_id)
        .order_by(Task.goal_id, Task.position, Task.id)
    )
    return [(tid, title, dept) for tid, title, dept in rows]


def task_brief(task_id: int | None, reports: int = 0) -> TaskBrief | None:
    """The task, with its latest ``reports`` progress reports (newest first); None when there is no such task."""
    task = db.session.get(Task, task_id) if task_id else None
    if task is None:
        return None
    latest = []
    if reports:
        latest = [
            Report(u.report_date, u.new_progress, u.new_status.label, u.note)
            for u in db.session.scalars(
                sa.select(TaskUpdate)
                .where(TaskUpdate.task_id == task.id)
                .order_by(TaskUpdate.created_at.desc(), TaskUpdate.id.desc())
                .limit(reports)
            )
        ]
    return TaskBrief(
        id=task.id,
        plan_id=task.plan_id,
        plan_title=task.plan.title,
        title=task.title,
        lead_department_id=task.lead_department_id,
        lead_department=task.lead_department.name,
        progress=task.progress,
        status_label=task.status.label,
        overdue=is_overdue(task, local_today()),
        due_date=task.due_date,
        reports=latest,
    )
