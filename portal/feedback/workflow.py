"""The work order's derived state and its marks: the order's state from its assignments, where 不满意 sends
it, the tick's escalation steps. The transition tables are in ``portal.feedback.lifecycle`` (ORDERS,
ASSIGNMENTS, EXTENSIONS). Overdue and escalation are not states but marks the periodic tick sets.
"""

from __future__ import annotations

from portal.feedback.enums import AssignmentState as A
from portal.feedback.enums import Escalation
from portal.feedback.enums import OrderState as O

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
