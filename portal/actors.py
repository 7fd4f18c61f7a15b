"""Who is acting when no person is: ``SYSTEM``, the portal itself (jobs, the CLI, demo loaders).

Services take an ``actor``: a ``User`` (a person's account), ``SYSTEM``, or ``None`` — an anonymous visitor,
refused wherever an account is needed. ``SYSTEM`` passes every permission rule (``permissions.can``); what
it does is recorded with ``actor_id`` NULL, which timelines show as 系统. It is never a logged-in user: no
request carries it, so no socket event or form can act as it.

Foundation: imports no capability package.
"""

from __future__ import annotations

from typing import Any


class SystemActor:
    """The portal acting on its own authority; has the attributes services read from an actor."""

    id = None
    department_id = None
    department = None
    enterprise_id = None
    username = "system"
    display_name = "系统"
    title = ""
    is_authenticated = True
    is_active = True
    is_anonymous = False
    roles: frozenset[Any] = frozenset()

    def has_role(self, *roles: Any) -> bool:
        return False  # no account roles: permission rules let SYSTEM through before they look at roles

    def get_id(self) -> None:
        return None

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = SystemActor()

LABEL = SYSTEM.display_name  # how histories name what SYSTEM did (actor_id NULL)


def is_system(actor: Any) -> bool:
    return actor is SYSTEM
