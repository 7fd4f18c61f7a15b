"""One place that answers "may this user do this?".

Services call ``require(user, action, obj)``; templates call ``can(action, obj)`` to decide
what to show. Capability packages register their own rules with ``rule(action)`` so that the
policy of each slice lives beside its services yet is asked through one function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from portal.accounts.models import Role, User
from portal.actors import SYSTEM
from portal.errors import Forbidden, Unauthorized

Rule = Callable[[User, Any], bool]
_RULES: dict[str, Rule] = {}


def rule(action: str) -> Callable[[Rule], Rule]:
    """Register the rule deciding ``action``; each action has exactly one rule."""

    def register(fn: Rule) -> Rule:
        if action in _RULES and _RULES[action] is not fn:
            raise RuntimeError(f"permission rule for {action!r} registered twice")
        _RULES[action] = fn
        return fn

    return register


def roles_rule(action: str, *roles: Role) -> None:
    """Shorthand for actions decided by role alone."""
    rule(action)(lambda user, obj: user.has_role(*roles))


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def can(user: Any, action: str, obj: Any = None) -> bool:
    """Whether ``user`` may; ``None`` (anonymous) never may, ``SYSTEM`` (jobs, CLI, demo data) always may."""
    if user is not SYSTEM and not _authenticated(user):
        return False
    try:
        decide = _RULES[action]
    except KeyError:
        raise RuntimeError(f"no permission rule for {action!r}") from None
    return user is SYSTEM or bool(decide(user, obj))


def require(user: Any, action: str, obj: Any = None) -> Any:
    """Return the user (or ``SYSTEM``) when allowed; raise Unauthorized (anonymous) or Forbidden."""
    if user is not SYSTEM and not _authenticated(user):
        raise Unauthorized()
    if not can(user, action, obj):
        raise Forbidden()
    return user


# Accounts' own rules.
roles_rule("admin.access", Role.ADMIN)
roles_rule("users.manage", Role.ADMIN)
roles_rule("departments.manage", Role.ADMIN)


@rule("account.change_password")
@rule("account.end_sessions")
def _change_own_password(user: User, target: User | None) -> bool:
    return target is None or target.id == user.id
