"""Who may do what with campaign plans."""

from __future__ import annotations

from portal.accounts.models import Role, User
from portal.accounts.permissions import roles_rule, rule
from portal.plans.models import Task

# Creating and editing plans, changing their state and publishing versions: the 攻势指挥部 (admins).
roles_rule("plans.manage", Role.ADMIN)


@rule("plans.update_task")
def _lead_department_official(user: User, task: Task | None) -> bool:
    """Only officials of the task's lead department (牵头部门) report its progress; admins may correct it."""
    if user.has_role(Role.ADMIN):
        return True
    if task is None or not user.has_role(Role.OFFICIAL):
        return False
    return user.department_id is not None and user.department_id == task.lead_department_id


@rule("plans.see_contact")
def _see_full_contact(user: User, task: Task | None) -> bool:
    """The contact's full phone is for the plan's managers and the lead department, masked for everyone else."""
    return _lead_department_official(user, task)
