"""Sections other packages add to a plan's overview page: the ``"plans.overview"`` page of
``portal.pagesections`` (the plan's 公开答辩 and their 承诺事项, its 征求意见 and their reports), and to a task's
page: ``"plans.task"`` (the 承诺事项 that follow the task).

The plans package knows nothing of who contributes: a package that relates things to plans registers a
section here, and the overview renders each in order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from portal import pagesections
from portal.pagesections import SectionContext, page_section

PAGE = "plans.overview"
TASK_PAGE = "plans.task"
_SECTIONS = pagesections._SECTIONS.setdefault(PAGE, {})  # template → section, for tests that leave one out


def plan_section(order: int, template: str) -> Callable[[SectionContext], SectionContext]:
    """Register a section of the plan overview: ``template`` rendered with what the decorated function returns
    for the plan's id."""
    return page_section(PAGE, order, template)


def sections_for(plan_id: int) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every registered section that has something to show for the plan, in order."""
    return pagesections.sections_for(PAGE, plan_id)


def task_section(order: int, template: str) -> Callable[[SectionContext], SectionContext]:
    """Register a section of a task's page: ``template`` rendered with what the decorated function returns for
    the task's id (None leaves it out)."""
    return page_section(TASK_PAGE, order, template)


def task_sections_for(task_id: int) -> list[tuple[str, dict[str, Any]]]:
    return pagesections.sections_for(TASK_PAGE, task_id)
