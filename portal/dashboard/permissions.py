"""Who may read what on the data pages: the KPI pages are public; the 督查专报 is internal."""

from __future__ import annotations

from portal.accounts.models import Role
from portal.accounts.permissions import roles_rule

# The weekly supervision report names stalled orders and their escalation history: for the
# officials who answer for them, the dispatchers who chase them and the administrators.
roles_rule("dashboard.supervision", Role.OFFICIAL, Role.DISPATCHER, Role.ADMIN)
