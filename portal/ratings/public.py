"""What other packages may use of the ratings package (scorecards): the satisfaction index and member scores.

``satisfaction_index(period, department_id=None, policy_id=None)`` → :class:`IndexResult` (``value`` None below k);
``satisfaction_trend(periods, ...)``; ``indexes_by(period, "department_id" | "policy_id")``;
``member_scores(period, department_id)`` → [:class:`MemberScore`]; ``FORMULA`` is the formula as shown on pages.
"""

from portal.ratings.index import (
    FORMULA,
    IndexResult,
    MemberScore,
    indexes_by,
    member_scores,
    min_sample,
    satisfaction_index,
    satisfaction_trend,
)
from portal.ratings.periods import current_period, period_label, previous_periods

__all__ = [
    "FORMULA",
    "IndexResult",
    "MemberScore",
    "current_period",
    "indexes_by",
    "member_scores",
    "min_sample",
    "period_label",
    "previous_periods",
    "satisfaction_index",
    "satisfaction_trend",
]
