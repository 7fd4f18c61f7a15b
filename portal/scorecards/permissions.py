"""Scorecards are public; division and member scores (组织力 / 执行力) are for officials and administrators."""

from __future__ import annotations

from portal.accounts.models import Role
from portal.accounts.permissions import roles_rule

roles_rule("scorecards.divisions", Role.OFFICIAL, Role.ADMIN)
