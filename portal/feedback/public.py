"""What other packages may use of the feedback package; everything else in it is internal.

Open311 (portal.open311) files orders through the web form's own service (``OrderData``, ``file_order``: the same
validation, masking and notices) and reads public orders with their assignments and reply files.

The dashboard reads work orders for its KPI queries and open-data exports, and its demo history writes them
with the same deadlines the desk sets. import-linter holds other packages to this module (pyproject.toml).
"""

from portal.feedback.enums import CATEGORIES
from portal.feedback.evidence import link_args as evidence_link_args
from portal.feedback.kpi_rules import (
    SATISFIED,
    SATISFIED_VALUES,
    dispatched_judged,
    due_in,
    next_round,
    order_counts,
    rated_rows,
    replied_in,
    replied_in_time,
    signed_in_time,
    supervision_conditions,
    within,
)
from portal.feedback.models import (
    Assignment,
    AssignmentRole,
    AssignmentState,
    Attachment,
    Channel,
    EventAction,
    OrderEvent,
    OrderKind,
    OrderState,
    Rating,
    Satisfaction,
    WorkOrder,
)
from portal.feedback.services import OrderData, file_order
from portal.feedback.settings import handling_deadline, sign_deadline

__all__ = [
    "CATEGORIES",
    "SATISFIED",
    "SATISFIED_VALUES",
    "Assignment",
    "AssignmentRole",
    "AssignmentState",
    "Attachment",
    "Channel",
    "EventAction",
    "OrderData",
    "OrderEvent",
    "OrderKind",
    "OrderState",
    "Rating",
    "Satisfaction",
    "WorkOrder",
    "dispatched_judged",
    "due_in",
    "evidence_link_args",
    "file_order",
    "handling_deadline",
    "next_round",
    "order_counts",
    "rated_rows",
    "replied_in",
    "replied_in_time",
    "sign_deadline",
    "signed_in_time",
    "supervision_conditions",
    "within",
]
