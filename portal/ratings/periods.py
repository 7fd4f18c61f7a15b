"""Rating periods: a quarter by default (``2026-Q4``, Asia/Shanghai), or a month / year (``RATING_PERIOD``)."""

from __future__ import annotations

import re
from datetime import datetime

from flask import current_app

from portal.errors import Invalid
from portal.times import to_local, utcnow

PATTERNS = {
    "quarter": re.compile(r"\d{4}-Q[1-4]"),
    "month": re.compile(r"\d{4}-(0[1-9]|1[0-2])"),
    "year": re.compile(r"\d{4}"),
}


def period_length() -> str:
    length = current_app.config.get("RATING_PERIOD", "quarter")
    return length if length in PATTERNS else "quarter"


def period_of(moment: datetime, length: str | None = None) -> str:
    """The period a moment (UTC) falls in, by its local date in Asia/Shanghai."""
    day = to_local(moment)
    length = length or period_length()
    if length == "month":
        return f"{day.year}-{day.month:02d}"
    if length == "year":
        return f"{day.year}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def current_period() -> str:
    return period_of(utcnow())


def check_period(value: str | None) -> str:
    """A period from a URL (``?period=2026-Q4``), or the current one; 400 for anything else."""
    if not value:
        return current_period()
    value = value.strip().upper()
    if not PATTERNS[period_length()].fullmatch(value):
        raise Invalid("评价周期格式应为 2026-Q4", field="period")
    return value


def previous_periods(period: str, count: int) -> list[str]:
    """``count`` periods ending with ``period``, oldest first (the trend's x axis)."""
    out = [period]
    while len(out) < count:
        out.append(_previous(out[-1]))
    return out[::-1]


def _previous(period: str) -> str:
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", period):
        year, q = int(m[1]), int(m[2])
        return f"{year}-Q{q - 1}" if q > 1 else f"{year - 1}-Q4"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
        year, month = int(m[1]), int(m[2])
        return f"{year}-{month - 1:02d}" if month > 1 else f"{year - 1}-12"
    return str(int(period) - 1)


def period_label(period: str) -> str:
    if m := re.fullmatch(r"(\d{4})-Q([1-4])", period):
        return f"{m[1]}年第{'一二三四'[int(m[2]) - 1]}季度"
    if m := re.fullmatch(r"(\d{4})-(\d{2})", period):
        return f"{m[1]}年{int(m[2])}月"
    return f"{period}年"
