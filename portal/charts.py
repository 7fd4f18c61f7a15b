"""Line charts drawn on the server as SVG geometry (no script, no CDN, printable): the shapes templates render.

The dashboard's trends and a hearing's audience curve use them; colours come from CSS classes (``series-0`` …),
so the strict CSP (no inline styles) holds. Foundation: imports no capability package.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    css: str
    label: str
    points: str
    dots: list[tuple[float, float, str]]


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    top: int
    plot_width: int
    plot_height: int
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]
    lines: list[Line]


def count_lines(points: list[tuple[str, int]], label: str, width: int = 720, label_every: int = 1) -> LineChart:
    """One series of counts over time (a hearing's audience per minute) on an axis from 0 to a round maximum.

    ``points`` are (x label, count); every ``label_every``-th x label is drawn, counting back from the last.
    """
    height, left, right, top, bottom = 240, 48, 16, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(1, len(points) - 1)
    peak = max((n for _, n in points), default=0)
    magnitude = 10 ** max(0, len(str(max(peak, 1))) - 1)
    top_value = max(4, -(-peak // magnitude) * magnitude)

    def xy(i: int, n: int) -> tuple[float, float]:
        return round(left + i * step, 1), round(top + plot_h * (1 - n / top_value), 1)

    dots = [(*xy(i, n), f"{x} {label} {n}") for i, (x, n) in enumerate(points)]
    line = Line("series-0", label, " ".join(f"{x},{y}" for x, y, _ in dots), dots)
    x_labels = [
        (round(left + i * step, 1), x) for i, (x, _) in enumerate(points) if (len(points) - 1 - i) % label_every == 0
    ]
    y_ticks = [(round(top + plot_h * (1 - t / 4), 1), str(round(top_value * t / 4))) for t in range(5)]
    return LineChart(width, height, left, top, plot_w, plot_h, x_labels, y_ticks, [line])
