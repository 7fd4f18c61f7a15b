"""What a plan's overview page shows from the hearings: the plan's hearings and the commitments made at them."""

from __future__ import annotations

from typing import Any

from portal.hearings import services
from portal.plans.public import plan_section


@plan_section(order=10, template="hearings/_plan_hearings.html")
def plan_hearings(plan_id: int) -> dict[str, Any] | None:
    """The plan's 公开答辩 and 公开质询; left out when there are none."""
    hearings = services.hearings_for_plan(plan_id)
    return {"hearings": hearings} if hearings else None


@plan_section(order=20, template="hearings/_plan_commitments.html")
def plan_commitments(plan_id: int) -> dict[str, Any]:
    """承诺事项 made at the plan's hearings (the section says so when there are none)."""
    return {"commitments": services.commitments_for_plan(plan_id)}
