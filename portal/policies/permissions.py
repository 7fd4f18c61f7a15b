"""Who may do what in the policy archive: editors and administrators manage documents."""

from __future__ import annotations

from portal.accounts.models import Role
from portal.accounts.permissions import roles_rule

# Create, edit, attach files, link, publish, amend, expire and repeal; see drafts.
roles_rule("policies.manage", Role.EDITOR, Role.ADMIN)
