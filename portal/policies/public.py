"""What other packages may use of the policies package; everything else in it is internal.

Ratings of policy fulfilment (政策兑现) name the published documents they rate. import-linter holds other
packages to this module (pyproject.toml).
"""

from portal.policies.models import Policy, PolicyStatus

__all__ = ["Policy", "PolicyStatus"]
