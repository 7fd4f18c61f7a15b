"""What other packages may use of the dashboard package: its server-drawn SVG charts.

Enterprise ratings draw their index trend with ``value_lines``. import-linter holds other packages to this module.
"""

from portal.dashboard.charts import NARROW_LINES_WIDTH, LineChart, value_lines

__all__ = ["NARROW_LINES_WIDTH", "LineChart", "value_lines"]
