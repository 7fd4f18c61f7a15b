"""Sections other packages add to a plan's overview page (indico-style template hooks).

The plans package knows nothing of who contributes: a package that relates things to plans (hearings: the
plan's 公开答辩 and their 承诺事项) registers a section here, and the overview renders each in order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SectionContext = Callable[[int], dict[str, Any] | None]


@dataclass(frozen=True)
class PlanSection:
    order: int
    template: str
    context: SectionContext  # plan id → the template's variables, or None to leave the section out


_SECTIONS: dict[str, PlanSection] = {}


def plan_section(order: int, template: str) -> Callable[[SectionContext], SectionContext]:
    """Register a section of the plan overview: ``template`` rendered with what the decorated function returns."""

    def register(fn: SectionContext) -> SectionContext:
        _SECTIONS[template] = PlanSection(order, template, fn)
        return fn

    return register


def sections_for(plan_id: int) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every registered section that has something to show for the plan, in order."""
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: s.order):
        context = section.context(plan_id)
        if context is not None:
            shown.append((section.template, context))
    return shown
