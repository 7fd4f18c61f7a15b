"""The working-day calendar: the one module that knows which days count for deadlines.

A limit of N working days from moment ``t`` ends at 23:59:59 Asia/Shanghai of the Nth working
day after ``t``'s local date (the day ``t`` falls on does not count, whatever the hour). Working
days follow the mainland calendar of the State Council's yearly notice: weekends and public
holidays are rest days, make-up workdays (调休上班, often a Saturday or Sunday) are working days.
The data come from ``chinesecalendar`` (pinned); for a year it does not know, the calendar falls
back to Monday–Friday and logs a warning once per year, so an operator knows to upgrade it.

Natural-time limits (e.g. sign-for within 30 minutes) are plain ``timedelta`` additions and do
not go through this module.
"""

from __future__ import annotations

import logging
import threading
from datetime import date, datetime, time, timedelta

import chinese_calendar
from chinese_calendar import constants as _cn

from portal.times import LOCAL_TZ

log = logging.getLogger(__name__)

END_OF_DAY = time(23, 59, 59)
KNOWN_YEARS = range(min(_cn.holidays).year, max(_cn.holidays).year + 1)

_warned_years: set[int] = set()
_warn_lock = threading.Lock()


def _warn_fallback(year: int) -> None:
    if year in _warned_years:
        return
    with _warn_lock:
        if year in _warned_years:
            return
        _warned_years.add(year)
    log.warning(
        "chinesecalendar %s knows the years %d–%d only; working days of %d are computed as Monday–Friday "
        "without public holidays or make-up workdays (upgrade chinesecalendar once the State Council "
        "publishes that year's holiday notice)",
        chinese_calendar.__version__,
        KNOWN_YEARS.start,
        KNOWN_YEARS.stop - 1,
        year,
    )


def is_known_year(year: int) -> bool:
    """Whether the holiday data cover ``year`` (outside it, working days are Monday–Friday)."""
    return year in KNOWN_YEARS


def is_working_day(day: date) -> bool:
    """A working day of the mainland calendar: a weekday that is no holiday, or a make-up workday."""
    if isinstance(day, datetime):
        raise TypeError("is_working_day takes a date; convert a datetime with portal.times.to_local(...).date()")
    if not is_known_year(day.year):
        _warn_fallback(day.year)
        return day.weekday() < 5
    if day in _cn.workdays:
        return True
    return day.weekday() < 5 and day not in _cn.holidays


def add_working_days(day: date, working_days: int) -> date:
    """The Nth working day after ``day`` (``day`` itself for 0)."""
    _check_days(working_days)
    count = 0
    while count < working_days:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return day


def deadline(start: datetime, working_days: int) -> datetime:
    """End (23:59:59 Asia/Shanghai, aware) of the Nth working day after ``start``'s local date.

    ``working_days=0`` means the end of ``start``'s own local day.
    """
    _check_aware(start)
    local_day = start.astimezone(LOCAL_TZ).date()
    return end_of_day(add_working_days(local_day, working_days))


def end_of_day(day: date) -> datetime:
    """23:59:59 Asia/Shanghai of ``day`` as an aware datetime."""
    return datetime.combine(day, END_OF_DAY, tzinfo=LOCAL_TZ)


def working_days_between(a: date, b: date) -> int:
    """How many working days lie after ``a`` up to and including ``b`` (negative when ``b`` < ``a``)."""
    if isinstance(a, datetime) or isinstance(b, datetime):
        raise TypeError("working_days_between takes dates (local dates, see portal.times.to_local)")
    if b < a:
        return -working_days_between(b, a)
    return sum(1 for offset in range(1, (b - a).days + 1) if is_working_day(a + timedelta(days=offset)))


def _check_aware(moment: datetime) -> None:
    if not isinstance(moment, datetime):
        raise TypeError(f"deadline needs an aware datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetime given; deadlines need an aware datetime (portal.times.utcnow())")


def _check_days(working_days: int) -> None:
    if isinstance(working_days, bool) or not isinstance(working_days, int):
        raise TypeError(f"working_days must be an int, got {type(working_days).__name__}")
    if working_days < 0:
        raise ValueError(f"working_days must not be negative, got {working_days}")
