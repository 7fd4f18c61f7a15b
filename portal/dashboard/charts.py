"""Charts drawn on the server as SVG geometry: no script, no CDN, printable, readable without CSS.

Templates render the shapes computed here (``templates/dashboard/_chart_*.html``); colours come from
CSS classes, so the strict CSP (no inline styles) holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.charts import Line, LineChart
from portal.dashboard.kpi import DepartmentKpi
from portal.dashboard.kpi_overview import MonthPoint

# Phone-sized drawings: shown instead of the wide ones below 640 px (static/css/dashboard.css).
NARROW_PLOT = 170
NARROW_LINES_WIDTH = 340


def percent(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    css: str


@dataclass(frozen=True)
class BarRow:
    name: str
    y: float
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    plot_width: int
    rows: list[BarRow]
    ticks: list[tuple[float, str]]
    series: list[tuple[str, str]]


def department_bars(
    rows: list[DepartmentKpi], metrics=(("completion", "办结率"), ("satisfaction", "满意率")), plot: int = 532
) -> BarChart:
    """Horizontal grouped bars, one group per department (by its name, as in the KPI table), 0–100%.

    ``plot`` is the bars' full length; a phone gets a narrower drawing (see NARROW_PLOT) so that its
    labels keep a readable size instead of shrinking with a wide one.
    """
    right, top, row_height, bar_height = 56, 28, 34, 12
    # Room for the longest name at the labels' 12px (one CJK character is about as wide as the font size).
    left = max(132, 16 + 12 * max((len(row.name) for row in rows), default=0))
    width = left + plot + right
    out = []
    for i, row in enumerate(rows):
        y0 = top + i * row_height
        bars = []
        for j, (key, label) in enumerate(metrics):
            rate = row.rates[key]
            bars.append(
                Bar(
                    left,
                    y0 + 4 + j * (bar_height + 2),
                    round(plot * (rate or 0), 1),
                    bar_height,
                    f"{label} {percent(rate)}",
                    f"series-{j}" if rate is not None else "series-none",
                )
            )
        out.append(BarRow(row.name, y0 + row_height / 2, bars))
    height = top + len(rows) * row_height + 8
    ticks = [(left + plot * t / 100, f"{t}%") for t in range(0, 101, 25)]
    series = [(f"series-{j}", label) for j, (_, label) in enumerate(metrics)]
    return BarChart(width, height, left, plot, out, ticks, series)


def monthly_lines(points: list[MonthPoint], width: int = 720, label_every: int = 1) -> LineChart:
    """办结率 and 满意率 per month on a 0–100% axis; months without data leave a gap in the dots.

    A narrow drawing (for phones) labels every ``label_every``-th month so that the labels do not overlap.
    """
    height, left, right, top, bottom = 260, 48, 16, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(points) - 1)

    def xy(i: int, rate: float) -> tuple[float, float]:
        return round(left + i * step, 1), round(top + plot_h * (1 - rate), 1)

    lines = []
    for j, (attr, label) in enumerate((("completion", "办结率"), ("satisfaction", "满意率"))):
        dots = []
        for i, p in enumerate(points):
            rate = getattr(p, attr)
            if rate is not None:
                x, y = xy(i, rate)
                dots.append((x, y, f"{p.period.label} {label} {percent(rate)}"))
        lines.append(Line(f"series-{j}", label, " ".join(f"{x},{y}" for x, y, _ in dots), dots))
    x_labels = [
        (round(left + i * step, 1), f"{p.period.first_day.month}月")
        for i, p in enumerate(points)
        if (len(points) - 1 - i) % label_every == 0
    ]
    y_ticks = [(round(top + plot_h * (1 - t / 100), 1), f"{t}%") for t in range(0, 101, 25)]
    return LineChart(width, height, left, top, plot_w, plot_h, x_labels, y_ticks, lines)


def value_lines(
    x_labels: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    width: int = 720,
    maximum: float = 100,
    unit: str = "",
    label_every: int = 1,
) -> LineChart:
    """Any series of values on a 0–``maximum`` axis (e.g. an index per quarter); None leaves a gap in the dots."""
    height, left, right, top, bottom = 220, 48, 40, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(x_labels) - 1)

    def xy(i: int, value: float) -> tuple[float, float]:
        return round(left + i * step, 1), round(top + plot_h * (1 - value / maximum), 1)

    lines = []
    for j, (label, values) in enumerate(series):
        dots = []
        for i, value in enumerate(values):
            if value is not None:
                x, y = xy(i, value)
                dots.append((x, y, f"{x_labels[i]} {label} {value:g}{unit}"))
        lines.append(Line(f"series-{j}", label, " ".join(f"{x},{y}" for x, y, _ in dots), dots))
    labels = [
        (round(left + i * step, 1), text)
        for i, text in enumerate(x_labels)
        if (len(x_labels) - 1 - i) % label_every == 0
    ]
    y_ticks = [(round(top + plot_h * (1 - t / 100), 1), f"{maximum * t / 100:g}{unit}") for t in range(0, 101, 25)]
    return LineChart(width, height, left, top, plot_w, plot_h, labels, y_ticks, lines)
