"""What other packages may use of the feedback package; everything else in it is internal.

The dashboard reads work orders for its KPI queries and open-data exports, and its demo history writes them
with the same deadlines the desk sets. import-linter holds other packages to this module (pyproject.toml).
"""

from portal.feedback.models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    Channel,
    EventAction,
    OrderEvent,
    OrderKind,
    OrderState,
    Rating,
    Satisfaction,
    WorkOrder,
)
from portal.feedback.settings import handling_deadline, sign_deadline

__all__ = [
    "Assignment",
    "AssignmentRole",
    "AssignmentState",
    "Channel",
    "EventAction",
    "OrderEvent",
    "OrderKind",
    "OrderState",
    "Rating",
    "Satisfaction",
    "WorkOrder",
    "handling_deadline",
    "sign_deadline",
]
