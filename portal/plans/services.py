"""Reading plans and reporting task progress (调度): the public side of campaign plans."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.accounts.models import Department, User
from portal.accounts.permissions import require
from portal.errors import Invalid, NotFound, get_or_raise
from portal.extensions import db
from portal.outputs import csv_text
from portal.plans import permissions  # noqa: F401  (registers the rules asked below)
from portal.plans.models import Battle, Goal, Plan, PlanState, Task, TaskDepartment, TaskStatus, TaskUpdate
from portal.plans.progress import Progress, is_overdue, local_today, roll_up
from portal.privacy import mask_phone
from portal.times import to_local, utcnow

NOTE_MAX = 1000


# ---- reading -------------------------------------------------------------------------------------------------


def list_plans() -> list[Plan]:
    return list(db.session.scalars(sa.select(Plan).order_by(Plan.year.desc(), Plan.id.desc())))


def current_plan() -> Plan | None:
    """The plan the home page shows: the newest published one, else the newest of any state."""
    published = db.session.scalars(
        sa.select(Plan).where(Plan.state == PlanState.PUBLISHED).order_by(Plan.year.desc(), Plan.id.desc()).limit(1)
    ).first()
    return published or db.session.scalars(sa.select(Plan).order_by(Plan.year.desc(), Plan.id.desc()).limit(1)).first()


def plan_exists(plan_id: int) -> bool:
    return db.session.get(Plan, plan_id) is not None


def get_plan(plan_id: int) -> Plan:
    plan = db.session.scalars(
        sa.select(Plan)
        .where(Plan.id == plan_id)
        .options(selectinload(Plan.battles).selectinload(Battle.goals).selectinload(Goal.tasks))
    ).first()
    if plan is None:
        raise NotFound("该作战方案不存在")
    return plan


def get_task(task_id: int) -> Task:
    return get_or_raise(Task, task_id, "该攻坚任务不存在")


@dataclass
class GoalView:
    goal: Goal
    progress: Progress


@dataclass
class BattleView:
    battle: Battle
    progress: Progress
    goals: list[GoalView]


@dataclass
class PlanOverview:
    plan: Plan
    progress: Progress
    battles: list[BattleView]
    today: date
    goal_count: int = 0


def plan_overview(plan_id: int, today: date | None = None) -> PlanOverview:
    """The plan with the roll-up of every goal and battle and of the whole plan."""
    plan = get_plan(plan_id)
    today = today or local_today()
    battles, all_tasks, goal_count = [], [], 0
    for battle in plan.battles:
        goals = [GoalView(goal, roll_up(goal.tasks, today)) for goal in battle.goals]
        tasks = [t for g in battle.goals for t in g.tasks]
        all_tasks.extend(tasks)
        goal_count += len(goals)
        battles.append(BattleView(battle, roll_up(tasks, today), goals))
    return PlanOverview(plan, roll_up(all_tasks, today), battles, today, goal_count)


@dataclass
class DepartmentProgress:
    department: Department
    progress: Progress


def department_progress(view: PlanOverview) -> list[DepartmentProgress]:
    """督导通报: each lead department's roll-up over the tasks it leads, most overdue and slowest first."""
    by_department: dict[int, list[Task]] = {}
    departments: dict[int, Department] = {}
    for battle in view.battles:
        for goal in battle.goals:
            for task in goal.goal.tasks:
                by_department.setdefault(task.lead_department_id, []).append(task)
                departments[task.lead_department_id] = task.lead_department
    rows = [DepartmentProgress(departments[i], roll_up(tasks, view.today)) for i, tasks in by_department.items()]
    return sorted(rows, key=lambda r: (-r.progress.overdue_count, r.progress.percent or 0, r.department.sort_order))


def recent_updates(plan_id: int, limit: int = 6) -> list[TaskUpdate]:
    """The plan's latest progress reports (最新调度), newest first."""
    return list(
        db.session.scalars(
            sa.select(TaskUpdate)
            .join(Task, Task.id == TaskUpdate.task_id)
            .where(Task.plan_id == plan_id)
            .options(selectinload(TaskUpdate.task), selectinload(TaskUpdate.actor).selectinload(User.department))
            .order_by(TaskUpdate.created_at.desc(), TaskUpdate.id.desc())
            .limit(limit)
        )
    )


OVERDUE = "overdue"  # a ledger filter value beside the task statuses


@dataclass
class LedgerFilter:
    department_id: int | None = None
    status: str | None = None  # a TaskStatus value or "overdue"
    battle_id: int | None = None


def ledger(plan_id: int, filters: LedgerFilter, today: date | None = None) -> list[Task]:
    """任务台账: the plan's tasks in plan order, filtered by department (lead or participating) and status."""
    today = today or local_today()
    query = (
        sa.select(Task)
        .join(Goal, Task.goal_id == Goal.id)
        .join(Battle, Goal.battle_id == Battle.id)
        .where(Task.plan_id == plan_id)
        .options(
            selectinload(Task.goal).selectinload(Goal.battle),
            selectinload(Task.lead_department),
            selectinload(Task.department_rows).selectinload(TaskDepartment.department),
        )
        .order_by(Battle.position, Battle.id, Goal.position, Goal.id, Task.position, Task.id)
    )
    if filters.department_id:
        participating = sa.select(TaskDepartment.task_id).where(TaskDepartment.department_id == filters.department_id)
        query = query.where(sa.or_(Task.lead_department_id == filters.department_id, Task.id.in_(participating)))
    if filters.battle_id:
        query = query.where(Battle.id == filters.battle_id)
    if filters.status == OVERDUE:
        query = query.where(Task.due_date < today, Task.status != TaskStatus.DONE)
    elif filters.status:
        try:
            query = query.where(Task.status == TaskStatus(filters.status))
        except ValueError:
            raise Invalid("未知的任务状态", field="status") from None
    return list(db.session.scalars(query))


LEDGER_COLUMNS = (
    "编号",
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
    "权重",
    "是否逾期",
    "最近更新",
)


def ledger_csv(plan_id: int, filters: LedgerFilter, today: date | None = None) -> str:
    """任务台账 as CSV with a BOM, contact phones masked as on the public pages."""
    today = today or local_today()
    table: list[list[object]] = [list(LEDGER_COLUMNS)]
    for task in ledger(plan_id, filters, today):
        table.append(
            [
                task.id,
                task.goal.battle.title,
                task.goal.title,
                task.title,
                task.lead_department.name,
                "、".join(d.name for d in task.participating_departments),
                task.responsible_leader,
                task.contact_name,
                mask_phone(task.contact_phone),
                task.start_date.isoformat() if task.start_date else "",
                task.due_date.isoformat() if task.due_date else "",
                task.status.label,
                task.progress,
                task.weight,
                "是" if is_overdue(task, today) else "否",
                to_local(task.updated_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return csv_text(table)


def ledger_departments(plan_id: int) -> list[Department]:
    """Departments that lead or take part in a task of the plan (the ledger's filter choices)."""
    lead = sa.select(Task.lead_department_id).where(Task.plan_id == plan_id)
    participating = (
        sa.select(TaskDepartment.department_id)
        .join(Task, Task.id == TaskDepartment.task_id)
        .where(Task.plan_id == plan_id)
    )
    return list(
        db.session.scalars(
            sa.select(Department)
            .where(sa.or_(Department.id.in_(lead), Department.id.in_(participating)))
            .order_by(Department.sort_order, Department.id)
        )
    )


def task_is_overdue(task: Task, today: date | None = None) -> bool:
    return is_overdue(task, today or local_today())


# ---- reporting progress (调度) -------------------------------------------------------------------------------


@dataclass
class ProgressReport:
    """What a lead-department official submits: raw strings from a form or JSON, validated here."""

    progress: str | int | None
    note: str
    status: str | None = None  # derived from progress when empty
    report_date: str | date | None = None  # defaults to today (Asia/Shanghai)
    milestones_done: set[int] | None = None  # ids of the milestones done after this report; None = unchanged


def parse_progress(value: str | int | None) -> int:
    try:
        number = int(str(value).strip().rstrip("%"))
    except (TypeError, ValueError):
        raise Invalid("请填写 0 到 100 之间的整数进度", field="progress") from None
    if not 0 <= number <= 100:
        raise Invalid("进度必须在 0 到 100 之间", field="progress")
    return number


def parse_date(value: str | date | None, field_name: str, label: str, *, required: bool = False) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Invalid(f"请填写{label}", field=field_name)
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"{label}格式应为 年-月-日，例如 2021-06-30", field=field_name) from None


def _status_for(progress: int, requested: str | None, current: TaskStatus) -> TaskStatus:
    if not requested:
        if progress == 100:
            return TaskStatus.DONE
        if progress == 0 and current in (TaskStatus.NOT_STARTED, TaskStatus.SUSPENDED):
            return current
        return TaskStatus.IN_PROGRESS
    try:
        status = TaskStatus(requested)
    except ValueError:
        raise Invalid("未知的任务状态", field="status") from None
    if status == TaskStatus.DONE and progress != 100:
        raise Invalid("标记为“已完成”时，进度应为 100%", field="status")
    if progress == 100 and status != TaskStatus.DONE:
        raise Invalid("进度为 100% 时，请将状态设为“已完成”", field="status")
    if status == TaskStatus.NOT_STARTED and progress != 0:
        raise Invalid("“未启动”的任务进度应为 0", field="status")
    return status


def report_progress(
    actor: User | None, task_id: int, report: ProgressReport, now: datetime | None = None
) -> TaskUpdate:
    """A dated progress report on a task by its lead department: changes progress, status and milestones
    and appends one row to the task's history in the same transaction."""
    task = get_task(task_id)
    require(actor, "plans.update_task", task)
    now = now or utcnow()
    today = local_today(now)
    progress = parse_progress(report.progress)
    note = (report.note or "").strip()
    if not note:
        raise Invalid("请填写进展说明", field="note")
    if len(note) > NOTE_MAX:
        raise Invalid(f"进展说明不能超过 {NOTE_MAX} 字（当前 {len(note)} 字）", field="note")
    report_date = parse_date(report.report_date, "report_date", "调度日期") or today
    if report_date > today:
        raise Invalid("调度日期不能晚于今天", field="report_date")
    status = _status_for(progress, report.status, task.status)

    changes = []
    if report.milestones_done is not None:
        known = {m.id for m in task.milestones}
        if not report.milestones_done <= known:
            raise Invalid("所选节点不属于该任务", field="milestones")
        for milestone in task.milestones:
            done = milestone.id in report.milestones_done
            if done and not milestone.done:
                milestone.done, milestone.done_on = True, report_date
                changes.append(f"完成节点：{milestone.title}")
            elif not done and milestone.done:
                milestone.done, milestone.done_on = False, None
                changes.append(f"撤销完成：{milestone.title}")

    update = TaskUpdate(
        task=task,
        actor_id=actor.id,
        created_at=now,
        report_date=report_date,
        old_progress=task.progress,
        new_progress=progress,
        old_status=task.status,
        new_status=status,
        note=note,
        milestone_changes="\n".join(changes),
    )
    task.progress, task.status, task.updated_at = progress, status, now
    if status == TaskStatus.DONE and task.completed_on is None:
        task.completed_on = report_date
    elif status != TaskStatus.DONE:
        task.completed_on = None
    db.session.add(update)
    db.session.commit()
    return update


def task_history(task_id: int) -> list[TaskUpdate]:
    return list(
        db.session.scalars(
            sa.select(TaskUpdate)
            .where(TaskUpdate.task_id == task_id)
            .options(selectinload(TaskUpdate.actor).selectinload(User.department))
            .order_by(TaskUpdate.created_at.desc(), TaskUpdate.id.desc())
        )
    )
