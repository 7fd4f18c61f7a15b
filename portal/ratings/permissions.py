"""Who may see who rated: administrators only (and every such view is audited)."""

from __future__ import annotations

from portal.accounts.models import Role
from portal.accounts.permissions import roles_rule

roles_rule("ratings.raters", Role.ADMIN)
