"""The policy status machine as one table, read by the service, the templates and the tests.

draft → published (现行有效) → amended (已修改) | expired (失效) | repealed (废止); an amended document can
still expire or be repealed. Expired and repealed documents are final.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.policies.models import PolicyStatus as S


@dataclass(frozen=True)
class Transition:
    action: str  # URL/form name
    label: str  # button text
    source: frozenset[S]
    target: S
    needs_reason: bool


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("publish", "发布", frozenset({S.DRAFT}), S.IN_FORCE, False),
        Transition("amend", "标记为已修改", frozenset({S.IN_FORCE}), S.AMENDED, True),
        Transition("expire", "宣布失效", frozenset({S.IN_FORCE, S.AMENDED}), S.EXPIRED, True),
        Transition("repeal", "废止", frozenset({S.IN_FORCE, S.AMENDED}), S.REPEALED, True),
    )
}


def allowed_actions(status: S) -> list[Transition]:
    """Transitions available from ``status``, in table order."""
    return [t for t in TRANSITIONS.values() if status in t.source]
