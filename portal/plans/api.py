"""Public JSON: plans with their structure and rolled-up progress."""

from __future__ import annotations

from flask import Blueprint, jsonify, url_for

from portal.apidoc import endpoint
from portal.opendata import conditional
from portal.plans import services
from portal.plans.progress import local_today
from portal.plans.schemas import PlanDetail, PlanList, TaskDetail
from portal.plans.task_list import task_json

bp = Blueprint("plans_api", __name__, url_prefix="/api/v1/plans")


@bp.get("")
@endpoint(summary="作战方案列表", description="每个方案及其总体进度。", tag="plans", ok=PlanList, etag=True)
def index():
    """Every plan with its overall progress."""
    items = []
    for plan in services.list_plans():
        view = services.plan_overview(plan.id)
        items.append(
            {
                "id": plan.id,
                "title": plan.title,
                "version": plan.version_label,
                "year": plan.year,
                "state": plan.state.value,
                "progress": view.progress.as_dict(),
                "url": url_for("plans_api.plan", plan_id=plan.id, _external=True),
            }
        )
    return conditional(jsonify(plans=items))


@bp.get("/<int:plan_id>")
@endpoint(
    summary="一个作战方案",
    description="攻坚战 → 攻坚目标 → 攻坚任务，每一级带加权进度；已发布的版本；as_of 为判断逾期的日期。",
    tag="plans",
    ok=PlanDetail,
    not_found=True,
)
def plan(plan_id: int):
    """One plan: battles → goals → tasks, each level with its weighted progress."""
    view = services.plan_overview(plan_id)
    plan = view.plan
    return jsonify(
        id=plan.id,
        title=plan.title,
        version=plan.version_label,
        year=plan.year,
        state=plan.state.value,
        state_label=plan.state.label,
        lead_department=plan.lead_department.name if plan.lead_department else None,
        as_of=view.today.isoformat(),
        progress=view.progress.as_dict(),
        versions=[
            {"number": v.number, "label": v.label, "published_at": v.published_at.isoformat()} for v in plan.versions
        ],
        battles=[
            {
                "id": b.battle.id,
                "title": b.battle.title,
                "progress": b.progress.as_dict(),
                "goals": [
                    {
                        "id": g.goal.id,
                        "title": g.goal.title,
                        "progress": g.progress.as_dict(),
                        "tasks": [task_json(t, view.today) for t in g.goal.tasks],
                    }
                    for g in b.goals
                ],
            }
            for b in view.battles
        ],
    )


@bp.get("/tasks/<int:task_id>")
@endpoint(summary="一项攻坚任务及其调度记录", tag="plans", ok=TaskDetail, not_found=True)
def task(task_id: int):
    """One task with its milestones and its update history (调度记录), newest first."""
    task = services.get_task(task_id)
    today = local_today()
    body = task_json(task, today)
    body["plan_id"] = task.plan_id
    body["battle"] = task.goal.battle.title
    body["goal"] = task.goal.title
    body["history"] = [
        {
            "report_date": u.report_date.isoformat(),
            "recorded_at": u.created_at.isoformat(),
            "by": u.actor.display_name if u.actor else None,
            "department": u.actor.department.name if u.actor and u.actor.department else None,
            "progress": [u.old_progress, u.new_progress],
            "status": [u.old_status.value, u.new_status.value],
            "note": u.note,
            "milestones": u.milestone_changes.splitlines(),
        }
        for u in services.task_history(task.id)
    ]
    return jsonify(body)
