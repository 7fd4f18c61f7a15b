"""What other packages may use of the plans package; everything else in it is internal.

Hearings name the plan they belong to and add sections to the plan's overview page (``plan_section``);
enterprise ratings name the task (``Task``) they rate and its lead department.
import-linter holds other packages to this module (pyproject.toml).
"""

from portal.plans.models import Task
from portal.plans.sections import plan_section
from portal.plans.services import list_plans, plan_exists

__all__ = ["Task", "list_plans", "plan_exists", "plan_section"]
