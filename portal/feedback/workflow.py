"""The work-order state machine: ONE table of transitions, read by the services, templates and tests.

Assignments (one per department and round) move by users' actions; the order's state follows from
its current assignments (``derive_order_state``), except for dispatch, close and rate, which act on
the order itself. Overdue and escalation are not states but marks the periodic tick sets
(``ESCALATION_STEPS``).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from portal.feedback.enums import AssignmentState as A
from portal.feedback.enums import Escalation, ExtensionState
from portal.feedback.enums import OrderState as O


@dataclass(frozen=True)
class Transition:
    action: str
    label: str  # button text
    target: str  # "order", "assignment" or "extension"
    sources: frozenset[Enum]
    to: Enum | None  # None: the state does not change (the action records something)
    permission: str
    before_deadline: bool = False  # refused once the assignment's handling deadline has passed
    needs_reason: bool = False


def _t(action, label, target, sources, to, permission, **kw) -> Transition:
    return Transition(action, label, target, frozenset(sources), to, permission, **kw)


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        _t("dispatch", "派单", "order", {O.SUBMITTED, O.RETURNED}, O.DISPATCHED, "feedback.dispatch"),
        _t(
            "reassign",
            "增派/改派",
            "order",
            {O.DISPATCHED, O.SIGNED, O.IN_PROGRESS},
            O.DISPATCHED,
            "feedback.dispatch",
        ),
        _t("sign", "签收", "assignment", {A.DISPATCHED}, A.SIGNED, "feedback.handle"),
        _t("return", "退单", "assignment", {A.DISPATCHED}, A.RETURNED, "feedback.handle", needs_reason=True),
        _t("start", "开始办理", "assignment", {A.SIGNED}, A.IN_PROGRESS, "feedback.handle"),
        _t("progress", "记录进展", "assignment", {A.SIGNED, A.IN_PROGRESS}, A.IN_PROGRESS, "feedback.handle"),
        _t(
            "request_extension",
            "申请延期",
            "assignment",
            {A.SIGNED, A.IN_PROGRESS},
            None,
            "feedback.handle",
            before_deadline=True,
            needs_reason=True,
        ),
        _t("reply", "答复", "assignment", {A.SIGNED, A.IN_PROGRESS}, A.REPLIED, "feedback.handle"),
        _t(
            "approve_extension",
            "同意延期",
            "extension",
            {ExtensionState.PENDING},
            ExtensionState.APPROVED,
            "feedback.dispatch",
        ),
        _t(
            "refuse_extension",
            "不同意延期",
            "extension",
            {ExtensionState.PENDING},
            ExtensionState.REFUSED,
            "feedback.dispatch",
            needs_reason=True,
        ),
        _t("close", "办结", "order", {O.REPLIED}, O.CLOSED, "feedback.close"),
        # Rating keeps a closed order closed; 不满意 reopens it (发回重办) to the same departments.
        _t("rate", "评价", "order", {O.CLOSED}, None, "feedback.rate"),
    )
}

# Where 不满意 sends an order, and the escalation a repeated 不满意 brings.
REOPEN_TO = O.DISPATCHED
REOPEN_ESCALATES_FROM_ROUND = 2  # the second unsatisfied rating escalates the new round (督办)

# The tick's marks on an open assignment: overdue → 督办 → 顶格推进 (after a configurable time).
ESCALATION_STEPS: tuple[tuple[Escalation, Escalation], ...] = (
    (Escalation.NONE, Escalation.SUPERVISED),
    (Escalation.SUPERVISED, Escalation.TOP),
)

OPEN_ASSIGNMENT_STATES = frozenset({A.DISPATCHED, A.SIGNED, A.IN_PROGRESS})
OPEN_ORDER_STATES = frozenset({O.SUBMITTED, O.DISPATCHED, O.SIGNED, O.IN_PROGRESS, O.REPLIED, O.RETURNED})


def transitions_for(target: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if t.target == target]


def allows(action: str, state: Enum) -> bool:
    return state in TRANSITIONS[action].sources


def derive_order_state(assignment_states: list[A], returned_all: bool) -> O:
    """The order's state from its current round's assignments (returned ones left out)."""
    if returned_all or not assignment_states:
        return O.RETURNED
    if all(s in (A.REPLIED, A.CLOSED) for s in assignment_states):
        return O.REPLIED
    if any(s in (A.IN_PROGRESS, A.REPLIED) for s in assignment_states):
        return O.IN_PROGRESS
    # Left: a mix of 待签收 and 已签收; the order counts as signed once every department signed.
    return O.DISPATCHED if any(s == A.DISPATCHED for s in assignment_states) else O.SIGNED
