"""What other packages may use of the dashboard package; everything else in it is internal.

Enterprise ratings draw their index trend with ``value_lines``; the department scorecards show each department's
KPIs of a period exactly as 数据公开 computes them. import-linter holds other packages to this module.
"""

from portal.dashboard.charts import NARROW_LINES_WIDTH, LineChart, value_lines
from portal.dashboard.kpi import METRICS, SCORE_SCALE, Counts, DepartmentKpi, min_sample
from portal.dashboard.kpi_periods import Period, current, parse_period
from portal.dashboard.services import kpi_table

__all__ = [
    "METRICS",
    "NARROW_LINES_WIDTH",
    "SCORE_SCALE",
    "Counts",
    "DepartmentKpi",
    "LineChart",
    "Period",
    "current",
    "kpi_table",
    "min_sample",
    "parse_period",
    "value_lines",
]
