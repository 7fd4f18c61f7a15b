"""What other packages may use of the hearings package; everything else in it is internal.

The department scorecards count commitments made in hearings, as the public list of commitments filters
them. import-linter holds other packages to this module (pyproject.toml).
"""

from portal.hearings.commitment_list import status_counts as commitment_status_counts
from portal.hearings.models import CommitmentStatus

__all__ = ["CommitmentStatus", "commitment_status_counts"]
