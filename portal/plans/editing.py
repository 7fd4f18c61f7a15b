"""Editing plans (攻势指挥部): structure, plan state machine and publishing versions."""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa

from portal.accounts.models import Department, User
from portal.accounts.permissions import can, require
from portal.errors import Conflict, DomainError, Invalid, NotFound, get_or_raise
from portal.extensions import db
from portal.inputs import bounded_int, to_id
from portal.plans.models import (
    Battle,
    Goal,
    Milestone,
    Plan,
    PlanState,
    PlanStateChange,
    PlanVersion,
    Task,
    TaskDepartment,
)
from portal.plans.services import get_plan, get_task, parse_date
from portal.plans.versions import snapshot
from portal.statemachine import Machine, Transition, row
from portal.times import utcnow


@contextmanager
def _changing():
    """Apply edits without premature autoflush; refused edits leave nothing half-changed in the session."""
    try:
        with db.session.no_autoflush:
            yield
    except DomainError:
        db.session.rollback()
        raise


def _text(value: str | None, label: str, field_name: str, max_len: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise Invalid(f"请填写{label}", field=field_name)
    if len(text) > max_len:
        raise Invalid(f"{label}不能超过 {max_len} 字", field=field_name)
    return text


def _department(department_id: int | str | None, label: str, field_name: str, *, required: bool) -> Department | None:
    if department_id in (None, "", 0, "0"):
        if required:
            raise Invalid(f"请选择{label}", field=field_name)
        return None
    dept_id = to_id(department_id)
    dept = db.session.get(Department, dept_id) if dept_id is not None else None
    if dept is None:
        raise Invalid(f"{label}不存在", field=field_name)
    return dept


def _int(value: str | int | None, label: str, field_name: str, low: int, high: int, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = bounded_int(value)
    except ValueError:
        raise Invalid(f"{label}应为整数", field=field_name) from None
    if not low <= number <= high:
        raise Invalid(f"{label}应在 {low} 到 {high} 之间", field=field_name)
    return number


# ---- plan ----------------------------------------------------------------------------------------------------


@dataclass
class PlanData:
    title: str
    version_label: str
    year: int | str
    summary: str = ""
    lead_department_id: int | str | None = None


def _apply_plan(plan: Plan, data: PlanData) -> None:
    plan.title = _text(data.title, "方案名称", "title", 120)
    label = _text(data.version_label, "版本号", "version_label", 20)
    if not re.fullmatch(r"[0-9A-Za-z.\-]+", label):
        raise Invalid("版本号只能包含数字、字母、点和横线，例如 3.0", field="version_label")
    plan.version_label = label
    plan.year = _int(data.year, "年度", "year", 2000, 2100, 0)
    if not plan.year:
        raise Invalid("请填写年度", field="year")
    plan.summary = _text(data.summary, "方案说明", "summary", 4000, required=False)
    dept = _department(data.lead_department_id, "牵头单位", "lead_department_id", required=False)
    plan.lead_department_id = dept.id if dept else None


def create_plan(actor: User | None, data: PlanData) -> Plan:
    require(actor, "plans.manage")
    plan = Plan(state=PlanState.DRAFT)
    with _changing():
        _apply_plan(plan, data)
    db.session.add(plan)
    db.session.commit()
    return plan


def update_plan(actor: User, plan_id: int, data: PlanData) -> Plan:
    require(actor, "plans.manage")
    plan = get_plan(plan_id)
    with _changing():
        _apply_plan(plan, data)
    db.session.commit()
    return plan


# ---- the plan's life: one table ------------------------------------------------------------------------------
# Drafted, defended at a public hearing (公开答辩), revised, published; a published plan may be taken up again
# for the next revision. Publishing freezes a version.

MANAGE = "plans.manage"


def _noted(actor: User | None, plan: Plan, t: Transition, note: str = "", at: datetime | None = None, **params) -> dict:
    """The state change's note, and its time when a loader replays an earlier change (``at``)."""
    return {"note": _text(note, "说明", "note", 500, required=False)} | ({"created_at": at} if at else {})


def _frozen(actor: User | None, plan: Plan, t: Transition, note: str = "", published_at=None, **params) -> PlanVersion:
    """发布: the whole structure as the plan's next version, labelled with its version number."""
    if any(v.label == plan.version_label for v in plan.versions):
        raise Conflict(f"版本 {plan.version_label} 已发布过，请先修改版本号（例如 {plan.version_label}.1）")
    version = PlanVersion(
        plan=plan,
        number=max((v.number for v in plan.versions), default=0) + 1,
        label=plan.version_label,
        title=plan.title,
        note=_text(note, "发布说明", "note", 500, required=False),
        snapshot=snapshot(plan),
        published_by_id=actor.id,
    )
    if published_at is not None:
        version.published_at = published_at
    db.session.add(version)
    return version


def _recorded(actor: User | None, plan: Plan, t: Transition, before: PlanState, result) -> None:
    # Publishing is recorded at the version's time; the other changes carry their note (and time) from ``_noted``.
    fields = result if isinstance(result, dict) else {"created_at": result.published_at or utcnow()}
    db.session.add(PlanStateChange(plan=plan, actor_id=actor.id, old_state=before, new_state=plan.state, **fields))


P = PlanState
PLANS = Machine(
    "plans.plan",
    "Campaign plans (作战方案)",
    (
        row("defend", "记为已公开答辩", {P.DRAFT, P.REVISED}, P.DEFENDED, MANAGE, effect=_noted),
        row("revise", "进入修订", {P.DEFENDED, P.PUBLISHED}, P.REVISED, MANAGE, effect=_noted),
        row(
            "publish",
            "发布版本",
            {P.DEFENDED, P.REVISED},
            P.PUBLISHED,
            MANAGE,
            effect=_frozen,
            refusal="方案当前为“{state}”，须先经公开答辩才能发布",
        ),
    ),
    can=can,
    states=list(PlanState),
    refusal="方案当前为“{state}”，不能变更为“{to}”",
    record=_recorded,
    who_labels={MANAGE: "administrators (攻势指挥部)"},
    notes="every change is written to the plan's state history; publishing freezes the structure as a version.",
)


def change_state(
    actor: User | None, plan_id: int, new_state: PlanState | str, note: str = "", at: datetime | None = None
) -> Plan:
    """Move the plan to ``new_state`` by the row of ``PLANS`` leading there; publishing goes through
    ``publish_version``. ``at`` dates the change when a loader replays an earlier one (history is append-only)."""
    plan = get_plan(plan_id)
    try:
        new_state = PlanState(new_state)
    except ValueError:
        raise Invalid("未知的方案状态", field="state") from None
    if new_state == PlanState.PUBLISHED:
        raise Invalid("发布请填写版本号并使用“发布版本”", field="state")
    action = next((t.action for t in PLANS if t.to == new_state), None)
    if action is None:
        raise Conflict(f"方案当前为“{plan.state.label}”，不能变更为“{new_state.label}”")
    PLANS.fire(actor, plan, action, note=note, at=at)
    db.session.commit()
    return plan


def publish_version(actor: User | None, plan_id: int, note: str = "", published_at=None) -> PlanVersion:
    """发布: freeze the whole structure as the plan's next version, labelled with its version number."""
    version = PLANS.fire(actor, get_plan(plan_id), "publish", note=note, published_at=published_at)
    db.session.commit()
    return version


# ---- battles and goals ---------------------------------------------------------------------------------------


def _next_position(items) -> int:
    return max((i.position for i in items), default=0) + 1


def add_battle(actor: User | None, plan_id: int, title: str, description: str = "") -> Battle:
    require(actor, "plans.manage")
    plan = get_plan(plan_id)
    battle = Battle(
        plan=plan,
        position=_next_position(plan.battles),
        title=_text(title, "攻坚战名称", "title", 120),
        description=_text(description, "说明", "description", 2000, required=False),
    )
    db.session.add(battle)
    db.session.commit()
    return battle


def get_battle(battle_id: int) -> Battle:
    return get_or_raise(Battle, battle_id, "该攻坚战不存在")


def get_goal(goal_id: int) -> Goal:
    return get_or_raise(Goal, goal_id, "该攻坚目标不存在")


def update_battle(actor: User, battle_id: int, title: str, description: str = "") -> Battle:
    require(actor, "plans.manage")
    battle = get_battle(battle_id)
    battle.title = _text(title, "攻坚战名称", "title", 120)
    battle.description = _text(description, "说明", "description", 2000, required=False)
    db.session.commit()
    return battle


def add_goal(actor: User | None, battle_id: int, title: str, description: str = "") -> Goal:
    require(actor, "plans.manage")
    battle = get_battle(battle_id)
    goal = Goal(
        battle=battle,
        position=_next_position(battle.goals),
        title=_text(title, "目标名称", "title", 200),
        description=_text(description, "说明", "description", 2000, required=False),
    )
    db.session.add(goal)
    db.session.commit()
    return goal


def update_goal(actor: User, goal_id: int, title: str, description: str = "") -> Goal:
    require(actor, "plans.manage")
    goal = get_goal(goal_id)
    goal.title = _text(title, "目标名称", "title", 200)
    goal.description = _text(description, "说明", "description", 2000, required=False)
    db.session.commit()
    return goal


def delete_battle(actor: User, battle_id: int) -> int:
    require(actor, "plans.manage")
    battle = get_battle(battle_id)
    plan_id = battle.plan_id
    db.session.delete(battle)
    db.session.commit()
    return plan_id


def delete_goal(actor: User, goal_id: int) -> int:
    require(actor, "plans.manage")
    goal = get_goal(goal_id)
    plan_id = goal.battle.plan_id
    db.session.delete(goal)
    db.session.commit()
    return plan_id


# ---- tasks ---------------------------------------------------------------------------------------------------


@dataclass
class TaskData:
    goal_id: int | str | None
    title: str
    lead_department_id: int | str | None
    description: str = ""
    participating_department_ids: list[int | str] = field(default_factory=list)
    responsible_leader: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    start_date: str | date | None = None
    due_date: str | date | None = None
    weight: int | str | None = 1
    milestones: str = ""  # one per line: "2021-06-30 出台实施方案"


MILESTONE_LINE = re.compile(r"^\s*(\d{4}-\d{1,2}-\d{1,2})\s+(.+?)\s*$")


def parse_milestones(text: str) -> list[tuple[date, str]]:
    """Milestones from lines of ``YYYY-MM-DD 标题``; a clear message names the first bad line."""
    result = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        match = MILESTONE_LINE.match(line)
        if not match:
            raise Invalid(f"时间节点第 {number} 行格式应为“2021-06-30 节点内容”", field="milestones")
        y, m, d = (int(x) for x in match.group(1).split("-"))
        try:
            when = date(y, m, d)
        except ValueError:
            raise Invalid(f"时间节点第 {number} 行的日期无效", field="milestones") from None
        if len(match.group(2)) > 200:
            raise Invalid(f"时间节点第 {number} 行内容不能超过 200 字", field="milestones")
        result.append((when, match.group(2)))
    return result


def milestones_text(task: Task) -> str:
    return "\n".join(f"{m.due_date.isoformat()} {m.title}" for m in task.milestones)


def _apply_task(task: Task, data: TaskData) -> None:
    goal_id = to_id(data.goal_id)
    goal = get_goal(goal_id) if goal_id is not None else None
    if goal is None:
        raise Invalid("请选择所属攻坚目标", field="goal_id")
    if task.plan_id is not None and goal.battle.plan_id != task.plan_id:
        raise Invalid("所属目标须在同一方案内", field="goal_id")
    task.goal, task.plan_id = goal, goal.battle.plan_id
    task.title = _text(data.title, "任务名称", "title", 200)
    task.description = _text(data.description, "任务内容", "description", 4000, required=False)
    lead = _department(data.lead_department_id, "牵头部门", "lead_department_id", required=True)
    task.lead_department_id = lead.id
    task.responsible_leader = _text(data.responsible_leader, "分管领导", "responsible_leader", 60, required=False)
    task.contact_name = _text(data.contact_name, "联系人", "contact_name", 40, required=False)
    phone = _text(data.contact_phone, "联系电话", "contact_phone", 20, required=False)
    if phone and not re.fullmatch(r"[0-9\-+ ]{5,20}", phone):
        raise Invalid("联系电话只能包含数字、空格、+ 和 -", field="contact_phone")
    task.contact_phone = phone
    task.start_date = parse_date(data.start_date, "start_date", "开始日期")
    task.due_date = parse_date(data.due_date, "due_date", "完成时限", required=True)
    if task.start_date and task.due_date < task.start_date:
        raise Invalid("完成时限不能早于开始日期", field="due_date")
    task.weight = _int(data.weight, "权重", "weight", 0, 100, 1)
    ids = {to_id(i) or 0 for i in data.participating_department_ids if str(i).strip()} - {lead.id}
    for dept_id in ids:
        _department(dept_id, "参与部门", "participating_department_ids", required=True)
    task.department_rows = [r for r in task.department_rows if r.department_id in ids] + [
        TaskDepartment(department_id=i) for i in sorted(ids - {r.department_id for r in task.department_rows})
    ]
    wanted = parse_milestones(data.milestones)
    existing = {(m.due_date, m.title): m for m in task.milestones}
    task.milestones = [existing.get(key) or Milestone(due_date=key[0], title=key[1]) for key in wanted]


def create_task(actor: User | None, data: TaskData) -> Task:
    require(actor, "plans.manage")
    task = Task()
    with _changing():
        _apply_task(task, data)
        task.position = _next_position([t for t in task.goal.tasks if t is not task])
    db.session.add(task)
    db.session.commit()
    return task


def update_task(actor: User, task_id: int, data: TaskData) -> Task:
    """Edit a task's definition; its progress and status change only through progress reports."""
    require(actor, "plans.manage")
    task = get_task(task_id)
    with _changing():
        _apply_task(task, data)
    db.session.commit()
    return task


def delete_task(actor: User, task_id: int) -> int:
    require(actor, "plans.manage")
    task = get_task(task_id)
    plan_id = task.plan_id
    db.session.delete(task)
    db.session.commit()
    return plan_id


def version_by_number(plan_id: int, number: int) -> PlanVersion:
    version = db.session.scalars(
        sa.select(PlanVersion).where(PlanVersion.plan_id == plan_id, PlanVersion.number == number)
    ).first()
    if version is None:
        raise NotFound("该版本不存在")
    return version
