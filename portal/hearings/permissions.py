"""Who may do what in hearings."""

from __future__ import annotations

from portal.accounts.models import Role, User
from portal.accounts.permissions import roles_rule, rule

roles_rule("hearings.moderate", Role.MODERATOR, Role.HOST)  # approve, reject, edit, merge, hide
roles_rule("hearings.host", Role.HOST)  # Now / Next, answered, open and close, commitments
roles_rule("hearings.manage", Role.HOST, Role.ADMIN)  # create and edit hearings


@rule("hearings.ask")
def _ask(user: User, hearing) -> bool:
    return user.active  # any account: citizens, entrepreneurs, units, officials, media


@rule("hearings.vote")
def _vote(user: User, question) -> bool:
    return user.active


@rule("hearings.commitment.update")
def _update_commitment(user: User, commitment) -> bool:
    """Hosts, and officials of the department that made the promise (the lead department)."""
    if user.has_role(Role.HOST):
        return True
    return commitment is not None and user.has_role(Role.OFFICIAL) and user.department_id == commitment.department_id


roles_rule("hearings.analytics", Role.HOST, Role.ADMIN)  # a hearing's analytics page and CSV


@rule("hearings.panel")
def _panel(user: User, hearing) -> bool:
    """Members of the hearing's 答辩团 who have an account linked to their seat: take and answer questions."""
    return hearing is not None and any(p.user_id == user.id for p in getattr(hearing, "panel", ()))
