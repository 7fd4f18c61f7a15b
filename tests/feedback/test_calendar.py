"""Deadlines in working days of the mainland calendar (chinesecalendar 1.11.0 knows 2004–2026)."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from portal.feedback import calendar
from portal.feedback.calendar import add_working_days, deadline, is_working_day, working_days_between

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def end_of(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d, 23, 59, 59, tzinfo=SHANGHAI)


# 2025 National Day + Mid-Autumn: 10-01..10-08 off; make-up workdays Sun 09-28 and Sat 10-11.
@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (shanghai(2025, 9, 26), 1, end_of(2025, 9, 28)),  # Fri → the make-up Sunday, Saturday 27 is rest
        (shanghai(2025, 9, 28), 1, end_of(2025, 9, 29)),
        (shanghai(2025, 9, 30), 1, end_of(2025, 10, 9)),  # the whole holiday is skipped
        (shanghai(2025, 9, 30), 3, end_of(2025, 10, 11)),  # Thu 9, Fri 10, make-up Sat 11
        (shanghai(2025, 9, 30), 4, end_of(2025, 10, 13)),
        (shanghai(2025, 10, 3), 1, end_of(2025, 10, 9)),  # filed during the holiday
        (shanghai(2025, 9, 22), 15, end_of(2025, 10, 17)),  # 投诉: 23–26, 28, 29, 30, 9, 10, 11, 13–17
    ],
)
def test_deadline_across_national_day_2025(start, days, expected):
    assert deadline(start, days) == expected


# 2026 Spring Festival: 02-15..02-23 off; make-up workdays Sat 02-14 and Sat 02-28.
@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (shanghai(2026, 2, 13), 1, end_of(2026, 2, 14)),  # Fri → make-up Saturday
        (shanghai(2026, 2, 14), 1, end_of(2026, 2, 24)),
        (shanghai(2026, 2, 12), 5, end_of(2026, 2, 26)),  # 13, 14, 24, 25, 26
        (shanghai(2026, 2, 26), 2, end_of(2026, 2, 28)),  # Fri 27, make-up Sat 28
        (shanghai(2026, 2, 27), 1, end_of(2026, 2, 28)),
        (shanghai(2026, 2, 28), 1, end_of(2026, 3, 2)),  # Sun 1 March is rest
    ],
)
def test_deadline_across_spring_festival_2026(start, days, expected):
    assert deadline(start, days) == expected


def test_deadline_across_spring_festival_2025_with_make_up_sunday():
    # 2025: 01-28..02-04 off; make-up workdays Sun 01-26 and Sat 02-08.
    assert deadline(shanghai(2025, 1, 24), 1) == end_of(2025, 1, 26)
    assert deadline(shanghai(2025, 1, 27), 1) == end_of(2025, 2, 5)
    assert deadline(shanghai(2025, 2, 6), 2) == end_of(2025, 2, 8)


def test_deadline_uses_the_shanghai_date_of_a_late_night_utc_start():
    before_midnight = datetime(2025, 9, 27, 15, 0, tzinfo=UTC)  # Sat 27 23:00 in Shanghai
    after_midnight = datetime(2025, 9, 27, 17, 0, tzinfo=UTC)  # Sun 28 01:00 in Shanghai (make-up day)
    assert deadline(before_midnight, 1) == end_of(2025, 9, 28)
    assert deadline(after_midnight, 1) == end_of(2025, 9, 29)


def test_deadline_accepts_any_time_zone_and_returns_shanghai_end_of_day():
    start = datetime(2026, 2, 12, 11, 0, tzinfo=ZoneInfo("America/New_York"))  # Fri 13 00:00 in Shanghai
    result = deadline(start, 1)
    assert result == end_of(2026, 2, 14)
    assert result.utcoffset().total_seconds() == 8 * 3600
    assert result.astimezone(UTC) == datetime(2026, 2, 14, 15, 59, 59, tzinfo=UTC)


def test_zero_working_days_ends_the_same_local_day_even_on_a_holiday():
    assert deadline(shanghai(2025, 10, 1, 8), 0) == end_of(2025, 10, 1)
    assert deadline(datetime(2025, 9, 30, 16, 30, tzinfo=UTC), 0) == end_of(2025, 10, 1)


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="naive"):
        deadline(datetime(2025, 10, 1, 10, 0), 3)


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError, match="negative"):
        deadline(shanghai(2025, 10, 1), -1)


def test_non_integer_working_days_are_refused():
    with pytest.raises(TypeError):
        deadline(shanghai(2025, 10, 1), 1.5)


def test_is_working_day_knows_holidays_and_make_up_days():
    assert is_working_day(date(2025, 9, 28))  # Sunday, make-up workday
    assert is_working_day(date(2025, 10, 11))  # Saturday, make-up workday
    assert not is_working_day(date(2025, 10, 8))  # Wednesday, holiday
    assert not is_working_day(date(2026, 2, 16))  # Monday, Spring Festival
    assert not is_working_day(date(2026, 11, 21))  # ordinary Saturday
    assert is_working_day(date(2026, 11, 23))  # ordinary Monday


def test_working_days_between_counts_days_after_the_first_up_to_the_second():
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 11)) == 3
    assert working_days_between(date(2025, 10, 11), date(2025, 9, 30)) == -3
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 13)) == 0
    assert add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)


def test_unknown_year_falls_back_to_monday_to_friday_and_warns_once(monkeypatch, caplog):
    assert 2027 not in calendar.KNOWN_YEARS
    monkeypatch.setattr(calendar, "_warned_years", set())
    # Alembic's fileConfig() disables loggers that exist when migrations run in the same process.
    monkeypatch.setattr(calendar.log, "disabled", False)
    with caplog.at_level(logging.WARNING, logger="portal.feedback.calendar"):
        # Thu 2026-12-31 + 2: Fri 2027-01-01 counts (no holiday data for 2027), then Mon 01-04.
        assert deadline(shanghai(2026, 12, 31), 2) == end_of(2027, 1, 4)
        assert deadline(shanghai(2027, 3, 5), 1) == end_of(2027, 3, 8)
        assert deadline(shanghai(2027, 6, 1), 3) == end_of(2027, 6, 4)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "2027" in warnings[0].getMessage()
    assert "Monday–Friday" in warnings[0].getMessage()
