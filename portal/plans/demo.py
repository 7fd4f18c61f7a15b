"""Demo loader: the campaign plan of the demo's plans.yaml (docs/DEMO-DATA.md) — 高效青岛建设攻势 3.0 with the
published 2.0 it replaced, and its progress history."""

from __future__ import annotations

import copy
import math
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa

from portal import demo as demo_data
from portal.accounts import demo as people
from portal.accounts.models import Department, Role, User, UserRole
from portal.actors import SYSTEM
from portal.demo import demo_loader
from portal.extensions import db
from portal.plans import editing, services
from portal.plans.models import Milestone, Plan, PlanState, PlanVersion, Task, TaskStatus, TaskUpdate
from portal.plans.progress import local_today
from portal.plans.versions import snapshot
from portal.times import LOCAL_TZ


def _dept(short: str) -> Department:
    return db.session.get(Department, people.department_id(short))


def _at(day: date | str, hour: int = 10) -> datetime:
    """A local working-hours moment of a day, as aware UTC."""
    day = date.fromisoformat(day) if isinstance(day, str) else day
    return datetime.combine(day, time(hour), LOCAL_TZ).astimezone(UTC)


def _mark_milestones(task: Task, today: date) -> None:
    """Tick milestones in order as far as the task's progress goes (all of them when it is done)."""
    ms = sorted(task.milestones, key=lambda m: m.due_date)
    done_count = len(ms) if task.status == TaskStatus.DONE else math.floor(len(ms) * task.progress / 100)
    for milestone in ms[:done_count]:
        if milestone.due_date <= today:
            milestone.done, milestone.done_on = True, milestone.due_date


def _build_plan(spec: dict[str, Any]) -> tuple[Plan, dict[str, Task]]:
    plan = editing.create_plan(
        SYSTEM,
        editing.PlanData(
            title=spec["title"],
            version_label=str(spec["version_label"]),
            year=spec["year"],
            summary=spec["summary"],
            lead_department_id=_dept(spec["lead_department"]).id,
        ),
    )
    plan.created_at = _at(spec["created_on"])
    tasks: dict[str, Task] = {}
    for battle_spec in spec["battles"]:
        battle = editing.add_battle(SYSTEM, plan.id, battle_spec["title"], battle_spec.get("description", ""))
        for goal_spec in battle_spec["goals"]:
            goal = editing.add_goal(SYSTEM, battle.id, goal_spec["title"])
            for row in goal_spec["tasks"]:
                tasks[row["key"]] = editing.create_task(
                    SYSTEM,
                    editing.TaskData(
                        goal_id=goal.id,
                        title=row["title"],
                        lead_department_id=_dept(row["lead"]).id,
                        participating_department_ids=[_dept(p).id for p in row.get("participating", [])],
                        responsible_leader=spec["leaders"][battle_spec["title"]],
                        contact_name=row.get("contact", ""),
                        contact_phone=str(row.get("phone", "")),
                        start_date=row["start"],
                        due_date=row["due"],
                        weight=row.get("weight", 1),
                        milestones="\n".join(f"{m['due']} {m['title']}" for m in row.get("milestones", [])),
                    ),
                )
    return plan, tasks


def _iso(value: date | str) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def _earlier_snapshot(spec: dict[str, Any], v3: dict, tasks: dict[str, Task]) -> dict:
    """The earlier version as published, sharing task ids with the current tasks it carried over."""
    by_id = {t["id"]: t for b in v3["battles"] for g in b["goals"] for t in g["tasks"]}
    battles = []
    for battle_spec in spec["battles"]:
        snap_goals = []
        for goal_spec in battle_spec["goals"]:
            snap_tasks = []
            for row in goal_spec["tasks"]:
                if "keep" in row:
                    task = copy.deepcopy(by_id[tasks[row["keep"]].id])
                    task["milestones"] = [m for m in task["milestones"] if m["due_date"] < f"{spec['year'] + 1}-12-31"]
                else:
                    task = {
                        "id": None,
                        "description": "",
                        "responsible_leader": spec["responsible_leader"],
                        "contact_name": "",
                        "weight": 1,
                        "milestones": [],
                    }
                for key, field in (("title", "title"), ("start", "start_date"), ("due", "due_date")):
                    if key in row:
                        task[field] = _iso(row[key]) if key != "title" else row[key]
                if "lead" in row:
                    task["lead_department"] = _dept(row["lead"]).name
                if "participating" in row:
                    task["participating_departments"] = [_dept(p).name for p in row["participating"]]
                snap_tasks.append(task)
            snap_goals.append({"id": None, "title": goal_spec["title"], "description": "", "tasks": snap_tasks})
        battles.append(
            {"id": None, "title": battle_spec["title"], "description": battle_spec["description"], "goals": snap_goals}
        )
    return {**v3, "title": spec["title"], "version_label": str(spec["label"]), "year": spec["year"], "battles": battles}


def _publish(data: dict[str, Any], plan: Plan, tasks: dict[str, Task]) -> None:
    earlier = data["earlier_version"]
    db.session.add(
        PlanVersion(
            plan=plan,
            number=1,
            label=str(earlier["label"]),
            title=earlier["title"],
            note=earlier["note"],
            snapshot=_earlier_snapshot(earlier, snapshot(plan), tasks),
            published_at=_at(earlier["published_on"]),
        )
    )
    db.session.commit()
    for step in data["states"]:
        editing.change_state(SYSTEM, plan.id, PlanState(step["state"]), step["note"], at=_at(step["on"]))
    published = data["published"]
    editing.publish_version(SYSTEM, plan.id, published["note"], published_at=_at(published["on"]))


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


def _ledger_entry(ledger: dict[str, Any], task: Task, actor_id: int | None, today: date) -> TaskUpdate:
    """The 调度 record behind a task's demo progress: its completion, or the latest quarterly dispatch."""
    done = [m for m in task.milestones if m.done]
    pending = [m for m in task.milestones if not m.done]
    step = ledger["step"]
    if task.status == TaskStatus.DONE:
        day = task.completed_on or task.due_date
        note = ledger["done_note"]
    else:
        day = min(ledger["latest_dispatch"], today)
        note = ledger["dispatch_note"]
        note += f"已完成“{done[-1].title}”，" if done else "前期准备工作已完成，"
        note += f"正在推进“{pending[0].title}”。" if pending else "正在组织总结评估。"
    return TaskUpdate(
        task=task,
        actor_id=actor_id,
        created_at=_at(day, 17),
        report_date=day,
        # Earlier dispatches predate the platform: this entry moves on from the previous quarter's figure.
        old_progress=max(0, task.progress - step),
        new_progress=task.progress,
        old_status=TaskStatus.IN_PROGRESS if task.progress > step else TaskStatus.NOT_STARTED,
        new_status=task.status,
        note=note,
        milestone_changes="\n".join(f"完成节点：{m.title}" for m in done),
    )


def _progress(data: dict[str, Any], tasks: dict[str, Task], today: date) -> int:
    """Bring each task to its demo progress: through recorded reports where the demo has them, else by one
    ledger entry from the lead department (or the ledger's office user)."""
    targets = {row["key"]: row["progress"] for b in data["plan"]["battles"] for g in b["goals"] for row in g["tasks"]}
    reports = 0
    for row in data.get("progress_reports", []):
        services.report_progress(
            people.user(row["by"]),
            tasks[row["task"]].id,
            services.ProgressReport(progress=row["progress"], note=row["note"], report_date=row["on"]),
            now=_at(row["on"], 17),
        )
        reports += 1
    reported = {row["task"] for row in data.get("progress_reports", [])}
    officials = _officials_by_department()
    ledger = data["ledger"]
    office = people.user(ledger["office"])
    for key, task in tasks.items():
        if key in reported:
            continue
        task.progress = targets[key]
        task.status = TaskStatus.DONE if task.progress == 100 else TaskStatus.IN_PROGRESS
        if task.status == TaskStatus.DONE:
            task.completed_on = task.due_date
        _mark_milestones(task, today)
        entry = _ledger_entry(ledger, task, officials.get(task.lead_department_id, office.id), today)
        db.session.add(entry)
        task.updated_at = entry.created_at
        reports += 1
    for key in reported:
        _mark_milestones(tasks[key], today)
    db.session.commit()
    return reports


@demo_loader(order=10)
def load_plans(data: dict[str, Any] | None = None) -> str:
    data = demo_data.read("plans") if data is None else data
    if "plan" not in data:
        return "plans: no plan in the demo data"
    existing = db.session.scalars(sa.select(Plan).where(Plan.title == data["plan"]["title"])).first()
    if existing is not None:
        return "plans: plan already present"
    today = local_today()
    plan, tasks = _build_plan(data["plan"])
    _publish(data, plan, tasks)
    reports = _progress(data, tasks, today)
    milestones = db.session.scalar(sa.select(sa.func.count(Milestone.id)).join(Task).where(Task.plan_id == plan.id))
    return (
        f"plans: 1 plan with {len(plan.battles)} battles, {len(tasks)} tasks, "
        f"{milestones} milestones, {reports} progress reports, 2 published versions"
    )
