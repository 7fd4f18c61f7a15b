"""Assessment periods (考核周期) named in URLs: a month, a quarter, a year, an ISO week or a custom range.

Each period is a half-open interval [start, end) of Asia/Shanghai local midnights, as aware
datetimes, so every query compares stored UTC moments with the same bounds on every database.

Keys: ``2026-11`` (month), ``2026-Q4`` (quarter), ``2026`` (year), ``2026-W47`` (ISO week,
Monday to Sunday), ``2026-01-01..2026-03-31`` (a custom range; both dates inclusive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from portal.errors import Invalid
from portal.times import LOCAL_TZ, to_local, utcnow

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_RANGE_DAYS = 3 * 366

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-?[Ww](\d{1,2})$")
_RANGE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})(?:\.\.|~|_)(\d{4}-\d{1,2}-\d{1,2})$")


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year | week | range
    key: str  # as written in URLs
    label: str  # 2026年11月, 2026年第四季度, ...
    first_day: date
    last_day: date  # inclusive

    @property
    def start(self) -> datetime:
        return _midnight(self.first_day)

    @property
    def end(self) -> datetime:
        """Exclusive end: local midnight after the last day."""
        return _midnight(self.last_day + timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def previous(self) -> Period:
        if self.kind == "month":
            return month(
                *(self.first_day.year, self.first_day.month - 1)
                if self.first_day.month > 1
                else (self.first_day.year - 1, 12)
            )
        if self.kind == "quarter":
            q = (self.first_day.month - 1) // 3 + 1
            return quarter(self.first_day.year, q - 1) if q > 1 else quarter(self.first_day.year - 1, 4)
        if self.kind == "year":
            return year(self.first_day.year - 1)
        if self.kind == "week":
            return week_of(self.first_day - timedelta(days=7))
        return custom(self.first_day - timedelta(days=self.days), self.first_day - timedelta(days=1))

    def next(self) -> Period:
        if self.kind == "month":
            return month(
                *(self.first_day.year, self.first_day.month + 1)
                if self.first_day.month < 12
                else (self.first_day.year + 1, 1)
            )
        if self.kind == "quarter":
            q = (self.first_day.month - 1) // 3 + 1
            return quarter(self.first_day.year, q + 1) if q < 4 else quarter(self.first_day.year + 1, 1)
        if self.kind == "year":
            return year(self.first_day.year + 1)
        if self.kind == "week":
            return week_of(self.first_day + timedelta(days=7))
        return custom(self.last_day + timedelta(days=1), self.last_day + timedelta(days=self.days))

    def is_future(self, now: datetime | None = None) -> bool:
        return self.start > (now or utcnow())


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL_TZ)


def _check_year(y: int) -> None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise Invalid(f"年份须在 {MIN_YEAR} 至 {MAX_YEAR} 之间", field="period")


def month(y: int, m: int) -> Period:
    _check_year(y)
    if not 1 <= m <= 12:
        raise Invalid("月份须在 1 至 12 之间", field="period")
    first = date(y, m, 1)
    last = (date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)) - timedelta(days=1)
    return Period("month", f"{y}-{m:02d}", f"{y}年{m}月", first, last)


QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


def quarter(y: int, q: int) -> Period:
    _check_year(y)
    first = date(y, 3 * q - 2, 1)
    last = (date(y + 1, 1, 1) if q == 4 else date(y, 3 * q + 1, 1)) - timedelta(days=1)
    return Period("quarter", f"{y}-Q{q}", f"{y}年{QUARTER_NAMES[q]}", first, last)


def year(y: int) -> Period:
    _check_year(y)
    return Period("year", str(y), f"{y}年", date(y, 1, 1), date(y, 12, 31))


def week_of(day: date) -> Period:
    """The ISO week (Monday–Sunday) containing ``day``."""
    iso_year, iso_week, _ = day.isocalendar()
    first = day - timedelta(days=day.weekday())
    last = first + timedelta(days=6)
    label = f"{iso_year}年第{iso_week}周（{first.month}月{first.day}日—{last.month}月{last.day}日）"
    return Period("week", f"{iso_year}-W{iso_week:02d}", label, first, last)


def custom(first: date, last: date) -> Period:
    _check_year(first.year)
    _check_year(last.year)
    if last < first:
        raise Invalid("结束日期不能早于开始日期", field="period")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise Invalid("自定义区间最长三年", field="period")
    label = f"{first.year}年{first.month}月{first.day}日至{last.year}年{last.month}月{last.day}日"
    return Period("range", f"{first.isoformat()}..{last.isoformat()}", label, first, last)


def _parse_date(text: str) -> date:
    try:
        y, m, d = (int(part) for part in text.split("-"))
        _check_year(y)
        return date(y, m, d)
    except ValueError:
        raise Invalid(f"日期“{text}”无效", field="period") from None


def parse_period(text: str | None, *, default: str = "year", today: date | None = None) -> Period:
    """Parse a period key from a URL; an empty value gives the current ``default`` period."""
    today = today or to_local(utcnow()).date()
    text = (text or "").strip()
    if not text:
        return current(default, today)
    if m := _MONTH.match(text):
        return month(int(m[1]), int(m[2]))
    if m := _QUARTER.match(text):
        return quarter(int(m[1]), int(m[2]))
    if m := _YEAR.match(text):
        return year(int(m[1]))
    if m := _WEEK.match(text):
        y, w = int(m[1]), int(m[2])
        _check_year(y)
        try:
            return week_of(date.fromisocalendar(y, w, 1))
        except ValueError:
            raise Invalid(f"{y}年没有第{w}周", field="period") from None
    if m := _RANGE.match(text):
        return custom(_parse_date(m[1]), _parse_date(m[2]))
    raise Invalid(
        "统计周期格式不正确：请使用 2026-11（月）、2026-Q4（季度）、2026（年）、2026-W47（周）"
        "或 2026-01-01..2026-03-31（自定义区间）",
        field="period",
    )


def current(kind: str, today: date | None = None) -> Period:
    today = today or to_local(utcnow()).date()
    if kind == "month":
        return month(today.year, today.month)
    if kind == "quarter":
        return quarter(today.year, (today.month - 1) // 3 + 1)
    if kind == "week":
        return week_of(today)
    return year(today.year)
