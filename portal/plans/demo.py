"""Demo loader: the 高效青岛建设攻势 3.0 plan with an earlier published 2.0, progress history and officials."""

from __future__ import annotations

import copy
import math
from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from portal.accounts import services as accounts
from portal.accounts.models import Department, DepartmentPosition, Role, User, UserRole
from portal.demo import demo_loader
from portal.extensions import db
from portal.plans import demo_data as data
from portal.plans import demo_data_v2 as v2
from portal.plans import editing, services
from portal.plans.models import Milestone, Plan, PlanState, PlanVersion, Task, TaskStatus, TaskUpdate
from portal.plans.progress import local_today
from portal.plans.versions import snapshot
from portal.times import LOCAL_TZ

DEMO_PASSWORD = "demo1234"


def _dept(short: str) -> Department:
    dept = accounts.find_department(short)
    if dept is None:
        raise RuntimeError(f"demo department {short!r} missing: load the accounts demo first")
    return dept


def _at(day: date | str, hour: int = 10) -> datetime:
    """A local working-hours moment of a day, as aware UTC."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime.combine(day, time(hour), LOCAL_TZ).astimezone(UTC)


def _ensure_officials() -> int:
    created = 0
    for username, name, dept, title, phone in data.OFFICIALS:
        if accounts.find_user(username) is not None:
            continue
        accounts.create_user(
            None,
            accounts.UserData(
                username=username,
                display_name=name,
                roles={Role.OFFICIAL},
                password=DEMO_PASSWORD,
                phone=phone,
                department_id=_dept(dept).id,
                position=DepartmentPosition.LIAISON,
                title=title,
            ),
        )
        created += 1
    return created


def _mark_milestones(task: Task, today: date) -> None:
    """Tick milestones in order as far as the task's progress goes (all of them when it is done)."""
    ms = sorted(task.milestones, key=lambda m: m.due_date)
    done_count = len(ms) if task.status == TaskStatus.DONE else math.floor(len(ms) * task.progress / 100)
    for milestone in ms[:done_count]:
        if milestone.due_date <= today:
            milestone.done, milestone.done_on = True, milestone.due_date


def _build_plan(today: date) -> tuple[Plan, dict[str, Task]]:
    plan = editing.create_plan(
        None,
        editing.PlanData(
            title=data.PLAN["title"],
            version_label=data.PLAN["version_label"],
            year=data.PLAN["year"],
            summary=data.PLAN["summary"],
            lead_department_id=_dept(data.PLAN["lead_department"]).id,
        ),
    )
    plan.created_at = _at("2021-01-15")
    tasks: dict[str, Task] = {}
    for battle_title, battle_desc, goals in data.BATTLES:
        battle = editing.add_battle(None, plan.id, battle_title, battle_desc)
        for goal_title, task_rows in goals:
            goal = editing.add_goal(None, battle.id, goal_title)
            for key, title, lead, parts, contact, start, due, _progress, weight, milestones in task_rows:
                task = editing.create_task(
                    None,
                    editing.TaskData(
                        goal_id=goal.id,
                        title=title,
                        lead_department_id=_dept(lead).id,
                        participating_department_ids=[_dept(p).id for p in parts],
                        responsible_leader=data.LEADERS[battle_title],
                        contact_name=contact,
                        contact_phone=f"1390532{int(key[1:]):04d}",
                        start_date=start,
                        due_date=due,
                        weight=weight,
                        milestones="\n".join(f"{d} {t}" for d, t in milestones),
                    ),
                )
                tasks[key] = task
    return plan, tasks


def _v2_snapshot(v3: dict, tasks: dict[str, Task]) -> dict:
    """Version 2.0 as published in 2020, sharing task ids with the 3.0 tasks it carried over."""
    by_id = {t["id"]: t for b in v3["battles"] for g in b["goals"] for t in g["tasks"]}
    battles = []
    for battle_title, battle_desc, goals in v2.V2_BATTLES:
        snap_goals = []
        for goal_title, items in goals:
            snap_tasks = []
            for kind, payload, *rest in items:
                if kind == "keep":
                    task = copy.deepcopy(by_id[tasks[payload].id])
                    overrides = dict(rest[0])
                    if "lead_department" in overrides:
                        overrides["lead_department"] = _dept(overrides["lead_department"]).name
                    if "participating_departments" in overrides:
                        overrides["participating_departments"] = [
                            _dept(p).name for p in overrides["participating_departments"]
                        ]
                    task.update(overrides)
                    task["milestones"] = [m for m in task["milestones"] if m["due_date"] < "2021-12-31"]
                else:
                    title, lead, parts, start, due = payload
                    task = {
                        "id": None,
                        "title": title,
                        "description": "",
                        "lead_department": _dept(lead).name,
                        "participating_departments": [_dept(p).name for p in parts],
                        "responsible_leader": "分管副市长",
                        "contact_name": "",
                        "start_date": start,
                        "due_date": due,
                        "weight": 1,
                        "milestones": [],
                    }
                snap_tasks.append(task)
            snap_goals.append({"id": None, "title": goal_title, "description": "", "tasks": snap_tasks})
        battles.append({"id": None, "title": battle_title, "description": battle_desc, "goals": snap_goals})
    return {**v3, "title": "高效青岛建设攻势 2.0 作战方案", "version_label": "2.0", "year": 2020, "battles": battles}


def _publish(plan: Plan, tasks: dict[str, Task]) -> None:
    db.session.add(
        PlanVersion(
            plan=plan,
            number=1,
            label="2.0",
            title="高效青岛建设攻势 2.0 作战方案",
            note="攻势 2.0 作战方案，经公开答辩后发布。",
            snapshot=_v2_snapshot(snapshot(plan), tasks),
            published_at=_at(data.V2_PUBLISHED),
        )
    )
    db.session.commit()
    editing.change_state(None, plan.id, PlanState.DEFENDED, "在公开答辩会上由分管副市长带领答辩团答辩")
    editing.change_state(None, plan.id, PlanState.REVISED, "根据答辩意见精简任务，压减 45%")
    editing.publish_version(
        None, plan.id, "经公开答辩、征求专家学者和代表委员意见后修订发布。", published_at=_at(data.V3_PUBLISHED)
    )
    for change, day in zip(plan.state_changes, (data.V3_DEFENDED, date(2021, 4, 2), data.V3_PUBLISHED), strict=True):
        change.created_at = _at(day)
    db.session.commit()


def _officials_by_department() -> dict[int, int]:
    rows = db.session.execute(
        sa.select(User.department_id, User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.OFFICIAL, User.department_id.is_not(None))
        .order_by(User.id)
    )
    found: dict[int, int] = {}
    for department_id, user_id in rows:
        found.setdefault(department_id, user_id)
    return found


def _ledger_entry(task: Task, actor_id: int | None, today: date) -> TaskUpdate:
    """The 调度 record behind a task's demo progress: its completion, or the latest quarterly dispatch."""
    done = [m for m in task.milestones if m.done]
    pending = [m for m in task.milestones if not m.done]
    if task.status == TaskStatus.DONE:
        day = task.completed_on or task.due_date
        note = "经攻势指挥部办公室验收，任务完成，予以销号。"
    else:
        day = min(date(2026, 9, 30), today)
        note = "第三季度调度："
        note += f"已完成“{done[-1].title}”，" if done else "前期准备工作已完成，"
        note += f"正在推进“{pending[0].title}”。" if pending else "正在组织总结评估。"
    return TaskUpdate(
        task=task,
        actor_id=actor_id,
        created_at=_at(day, 17),
        report_date=day,
        # Earlier dispatches predate the platform: this entry moves on from the previous quarter's figure.
        old_progress=max(0, task.progress - 15),
        new_progress=task.progress,
        old_status=TaskStatus.IN_PROGRESS if task.progress > 15 else TaskStatus.NOT_STARTED,
        new_status=task.status,
        note=note,
        milestone_changes="\n".join(f"完成节点：{m.title}" for m in done),
    )


def _progress(tasks: dict[str, Task], today: date) -> int:
    """Bring each task to its demo progress: through recorded reports where the demo has them, else by one
    ledger entry from the lead department (or the 指挥部办公室 at the 市政府办公室)."""
    targets = {row[0]: row[7] for _, _, goals in data.BATTLES for _, rows in goals for row in rows}
    reports = 0
    for key, username, day, progress, note in data.HISTORY:
        services.report_progress(
            accounts.find_user(username),
            tasks[key].id,
            services.ProgressReport(progress=progress, note=note, report_date=day),
            now=_at(day, 17),
        )
        reports += 1
    reported = {row[0] for row in data.HISTORY}
    officials = _officials_by_department()
    office = accounts.find_user("bangongting")
    for key, task in tasks.items():
        if key in reported:
            continue
        task.progress = targets[key]
        task.status = TaskStatus.DONE if task.progress == 100 else TaskStatus.IN_PROGRESS
        if task.status == TaskStatus.DONE:
            task.completed_on = task.due_date
        _mark_milestones(task, today)
        entry = _ledger_entry(task, officials.get(task.lead_department_id, office.id), today)
        db.session.add(entry)
        task.updated_at = entry.created_at
        reports += 1
    for key in reported:
        _mark_milestones(tasks[key], today)
    db.session.commit()
    return reports


@demo_loader(order=10)
def load_plans() -> str:
    officials = _ensure_officials()
    existing = db.session.scalars(sa.select(Plan).where(Plan.title == data.PLAN["title"])).first()
    if existing is not None:
        return f"plans: {officials} officials created; plan already present"
    today = local_today()
    plan, tasks = _build_plan(today)
    _publish(plan, tasks)
    reports = _progress(tasks, today)
    milestones = db.session.scalar(sa.select(sa.func.count(Milestone.id)).join(Task).where(Task.plan_id == plan.id))
    return (
        f"plans: {officials} officials, 1 plan with {len(plan.battles)} battles, {len(tasks)} tasks, "
        f"{milestones} milestones, {reports} progress reports, 2 published versions"
    )
