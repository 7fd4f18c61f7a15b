"""Plan versions: a JSON snapshot of the whole structure, and a readable diff between two snapshots."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from portal.plans.models import Plan, Task

SNAPSHOT_FORMAT = 1

# Fields compared between versions, in display order, with their Chinese labels.
PLAN_FIELDS = {"title": "方案名称", "year": "年度", "summary": "方案说明", "lead_department": "牵头单位"}
BATTLE_FIELDS = {"title": "名称", "description": "说明"}
GOAL_FIELDS = {"title": "名称", "description": "说明", "battle": "所属攻坚战"}
TASK_FIELDS = {
    "title": "任务名称",
    "description": "任务内容",
    "goal": "所属目标",
    "lead_department": "牵头部门",
    "participating_departments": "参与部门",
    "responsible_leader": "分管领导",
    "contact_name": "联系人",
    "start_date": "开始日期",
    "due_date": "完成时限",
    "weight": "权重",
    "milestones": "时间节点",
}


def _task_snapshot(task: Task) -> dict[str, Any]:
    # The contact's phone stays out: snapshots are public.
    return {
        "id": task.id,
        "title": task.title,
        "description": task.description,
        "lead_department": task.lead_department.name,
        "participating_departments": [d.name for d in task.participating_departments],
        "responsible_leader": task.responsible_leader,
        "contact_name": task.contact_name,
        "start_date": task.start_date.isoformat() if task.start_date else None,
        "due_date": task.due_date.isoformat() if task.due_date else None,
        "weight": task.weight,
        "milestones": [{"due_date": m.due_date.isoformat(), "title": m.title} for m in task.milestones],
    }


def snapshot(plan: Plan) -> dict[str, Any]:
    """The plan's structure as published: battles → goals → tasks with every defining field."""
    return {
        "format": SNAPSHOT_FORMAT,
        "title": plan.title,
        "version_label": plan.version_label,
        "year": plan.year,
        "summary": plan.summary,
        "lead_department": plan.lead_department.name if plan.lead_department else None,
        "battles": [
            {
                "id": battle.id,
                "title": battle.title,
                "description": battle.description,
                "goals": [
                    {
                        "id": goal.id,
                        "title": goal.title,
                        "description": goal.description,
                        "tasks": [_task_snapshot(task) for task in goal.tasks],
                    }
                    for goal in battle.goals
                ],
            }
            for battle in plan.battles
        ],
    }


def snapshot_counts(snap: dict[str, Any]) -> dict[str, int]:
    goals = [g for b in snap["battles"] for g in b["goals"]]
    return {"battles": len(snap["battles"]), "goals": len(goals), "tasks": sum(len(g["tasks"]) for g in goals)}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Change:
    kind: str  # added | removed | changed
    title: str
    context: str = ""  # where it sits: "攻坚战 › 目标"
    fields: list[FieldChange] = field(default_factory=list)
    node_id: int | None = None  # the battle's, goal's or task's id (the new one's; a removed item's old one)


@dataclass
class VersionDiff:
    plan: list[FieldChange]
    battles: list[Change]
    goals: list[Change]
    tasks: list[Change]
    old_counts: dict[str, int]
    new_counts: dict[str, int]

    def count(self, level: str, kind: str) -> int:
        return sum(1 for c in getattr(self, level) if c.kind == kind)

    @property
    def empty(self) -> bool:
        return not (self.plan or self.battles or self.goals or self.tasks)


def _show(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "（无）"
    if isinstance(value, list):
        if value and isinstance(value[0], dict):
            return "；".join(f"{m['due_date']} {m['title']}" for m in value)
        return "、".join(str(v) for v in value)
    return str(value)


def _field_changes(old: dict[str, Any], new: dict[str, Any], labels: dict[str, str]) -> list[FieldChange]:
    return [
        FieldChange(label, _show(old.get(key)), _show(new.get(key)))
        for key, label in labels.items()
        if old.get(key) != new.get(key)
    ]


def _match(old: list[dict], new: list[dict]) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """Pair items of two versions: by database id first (same item, maybe renamed), then by title."""
    pairs, old_left, new_left = [], list(old), []
    by_id = {o["id"]: o for o in old if o.get("id") is not None}
    for item in new:
        twin = by_id.pop(item["id"], None) if item.get("id") is not None else None
        if twin is not None:
            pairs.append((twin, item))
            old_left.remove(twin)
        else:
            new_left.append(item)
    by_title = {o["title"]: o for o in old_left}
    added = []
    for item in new_left:
        twin = by_title.pop(item["title"], None)
        if twin is not None:
            pairs.append((twin, item))
            old_left.remove(twin)
        else:
            added.append(item)
    return pairs, old_left, added


def _flatten(snap: dict[str, Any]) -> tuple[list[dict], list[dict]]:
    goals, tasks = [], []
    for battle in snap["battles"]:
        for goal in battle["goals"]:
            goals.append({**goal, "battle": battle["title"]})
            for task in goal["tasks"]:
                tasks.append({**task, "goal": goal["title"], "battle": battle["title"]})
    return goals, tasks


def compare(old: dict[str, Any], new: dict[str, Any]) -> VersionDiff:
    """What changed from ``old`` to ``new``: battles, goals and tasks added, removed, and changed field by field."""
    result = VersionDiff(
        plan=_field_changes(old, new, PLAN_FIELDS),
        battles=[],
        goals=[],
        tasks=[],
        old_counts=snapshot_counts(old),
        new_counts=snapshot_counts(new),
    )
    pairs, removed, added = _match(old["battles"], new["battles"])
    result.battles += [Change("added", b["title"], node_id=b.get("id")) for b in added]
    result.battles += [Change("removed", b["title"], node_id=b.get("id")) for b in removed]
    for a, b in pairs:
        if changes := _field_changes(a, b, BATTLE_FIELDS):
            result.battles.append(Change("changed", b["title"], fields=changes, node_id=b.get("id")))

    old_goals, old_tasks = _flatten(old)
    new_goals, new_tasks = _flatten(new)
    pairs, removed, added = _match(old_goals, new_goals)
    result.goals += [Change("added", g["title"], g["battle"], node_id=g.get("id")) for g in added]
    result.goals += [Change("removed", g["title"], g["battle"], node_id=g.get("id")) for g in removed]
    for a, b in pairs:
        if changes := _field_changes(a, b, GOAL_FIELDS):
            result.goals.append(Change("changed", b["title"], b["battle"], changes, b.get("id")))

    pairs, removed, added = _match(old_tasks, new_tasks)
    result.tasks += [Change("added", t["title"], f"{t['battle']} › {t['goal']}", node_id=t.get("id")) for t in added]
    result.tasks += [
        Change("removed", t["title"], f"{t['battle']} › {t['goal']}", node_id=t.get("id")) for t in removed
    ]
    for a, b in pairs:
        if changes := _field_changes(a, b, TASK_FIELDS):
            result.tasks.append(Change("changed", b["title"], f"{b['battle']} › {b['goal']}", changes, b.get("id")))
    return result
