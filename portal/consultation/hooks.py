"""Links to a subject's consultations on the pages of other packages (``portal.pagesections``): the plan's
overview, the hearing of that plan, and the policy document (its final version)."""

from __future__ import annotations

from typing import Any

from portal.consultation import services
from portal.consultation.report import comment_counts
from portal.pagesections import page_section
from portal.plans.public import plan_section


def _context(consultations: list) -> dict[str, Any] | None:
    if not consultations:
        return None
    return {"consultations": [(c, sum(comment_counts(c).values())) for c in consultations]}


@plan_section(order=5, template="consultation/_links.html")
def plan_consultations(plan_id: int) -> dict[str, Any] | None:
    """The plan's consultations (征求意见) with their reports; left out when there are none."""
    return _context(services.for_plan(plan_id))


@page_section("hearings.show", order=10, template="consultation/_links.html")
def hearing_consultations(hearing: Any) -> dict[str, Any] | None:
    """The consultations on the plan the hearing defends."""
    plan_id = getattr(hearing, "plan_id", None)
    return _context(services.for_plan(plan_id)) if plan_id else None


@page_section("policies.detail", order=10, template="consultation/_links.html")
def policy_consultations(policy: Any) -> dict[str, Any] | None:
    return _context(services.for_policy(policy.id))
