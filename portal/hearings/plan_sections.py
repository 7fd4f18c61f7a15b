"""What a plan's pages show from the hearings: the plan's hearings and the commitments made at them (overview), the
commitments that follow a task (the task's page)."""

from __future__ import annotations

from typing import Any

from portal.hearings import services
from portal.plans.public import plan_section, task_section


@plan_section(order=10, template="hearings/_plan_hearings.html")
def plan_hearings(plan_id: int) -> dict[str, Any] | None:
    """The plan's 公开答辩 and 公开质询; left out when there are none."""
    hearings = services.hearings_for_plan(plan_id)
    return {"hearings": hearings} if hearings else None


@plan_section(order=20, template="hearings/_plan_commitments.html")
def plan_commitments(plan_id: int) -> dict[str, Any]:
    """承诺事项 made at the plan's hearings (the section says so when there are none)."""
    return {"commitments": services.commitments_for_plan(plan_id)}


@task_section(order=10, template="hearings/_task_commitments.html")
def task_commitments(task_id: int) -> dict[str, Any] | None:
    """承诺事项 linked to the task, with their status; left out when there are none."""
    commitments = services.commitments_for_task(task_id)
    return {"commitments": commitments} if commitments else None
