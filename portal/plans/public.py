"""What other packages may use of the plans package; everything else in it is internal.

Hearings name the plan they belong to, add sections to the plan's overview page (``plan_section``) and to a
task's page (``task_section``: the commitments that follow the task), list a plan's tasks for the commitment
form and show a task's progress reports on a commitment (``plan_tasks``, ``task_brief``); enterprise ratings
name the task (``Task``) they rate and its lead department. Consultations (征求意见) take a plan's structure as
the draft people comment on (``plan_draft``) and show what changed from it with the plan's own version diff
(``compare``). Department scorecards count the tasks each department leads (``led_task_counts``).
import-linter holds other packages to this module (pyproject.toml).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.plans.models import Task
from portal.plans.progress import local_today
from portal.plans.sections import plan_section, task_section
from portal.plans.services import get_plan, list_plans, plan_exists
from portal.plans.task_list import led_task_counts
from portal.plans.tasks_brief import TaskBrief, plan_tasks, task_brief
from portal.plans.versions import Change, VersionDiff, compare, snapshot


@dataclass(frozen=True)
class PlanDraft:
    """A plan as a consultation needs it: who drafted it and its whole structure (a version snapshot)."""

    id: int
    title: str
    version_label: str
    lead_department_id: int | None
    snapshot: dict[str, Any]


def plan_draft(plan_id: int) -> PlanDraft:
    """The plan's current structure (NotFound for no such plan)."""
    plan = get_plan(plan_id)
    return PlanDraft(plan.id, plan.title, plan.version_label, plan.lead_department_id, snapshot(plan))


__all__ = [
    "Change",
    "PlanDraft",
    "Task",
    "TaskBrief",
    "VersionDiff",
    "compare",
    "led_task_counts",
    "list_plans",
    "local_today",
    "plan_draft",
    "plan_exists",
    "plan_section",
    "plan_tasks",
    "task_brief",
    "task_section",
]
