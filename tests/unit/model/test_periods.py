"""The periods the office reports over, one function for the Overzicht, the export
wizards and the report (app/model/periods.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.model.periods import (
    FIRST_YEAR,
    current_week,
    default_report_period,
    half_year_of,
    is_calendar_year,
    iso_week_of,
    last_completed_half_year,
    last_completed_iso_week,
    period_text,
    previous_calendar_year,
    report_file_name,
    week_file_name,
    year_to_date,
)

DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


@pytest.mark.parametrize(("today", "start", "end", "name"), [
    (date(2025, 12, 10), date(2025, 12, 1), date(2025, 12, 7), "evaluatie-2025-W49.xlsx"),
    (date(2025, 12, 8), date(2025, 12, 1), date(2025, 12, 7), "evaluatie-2025-W49.xlsx"),
    (date(2025, 12, 7), date(2025, 11, 24), date(2025, 11, 30), "evaluatie-2025-W48.xlsx"),
    (date(2025, 1, 8), date(2024, 12, 30), date(2025, 1, 5), "evaluatie-2025-W01.xlsx"),
])
def test_last_completed_iso_week(today: date, start: date, end: date, name: str) -> None:
    assert last_completed_iso_week(today) == (start, end)
    assert week_file_name(start, end) == name
    assert week_file_name(date(2025, 3, 1), date(2025, 6, 30)) == \
        "evaluatie-2025-03-01-tot-2025-06-30.xlsx"


@pytest.mark.parametrize(("today", "kind", "period", "name"), [
    (date(2026, 3, 2), "year", (date(2025, 1, 1), date(2025, 12, 31)), "rapportage-2025.html"),
    (date(2026, 1, 1), "year", (date(2025, 1, 1), date(2025, 12, 31)), "rapportage-2025.html"),
    (date(2025, 12, 10), "half", (date(2025, 1, 1), date(2025, 6, 30)),
     "rapportage-2025-H1.html"),
    (date(2026, 7, 1), "half", (date(2026, 1, 1), date(2026, 6, 30)),
     "rapportage-2026-H1.html"),
    (date(2027, 2, 1), "half", (date(2026, 7, 1), date(2026, 12, 31)),
     "rapportage-2026-H2.html"),
])
def test_default_report_period(today: date, kind: str, period: tuple[date, date],
                               name: str) -> None:
    assert default_report_period(today) == (kind, period)
    assert report_file_name(*period) == name



@given(DAYS)
def test_the_last_completed_week_is_a_whole_iso_week_before_today(today: date) -> None:
    start, end = last_completed_iso_week(today)
    assert start.weekday() == 0 and end - start == timedelta(days=6)
    assert end < today <= end + timedelta(days=7)
    assert iso_week_of(start, end) == (start.isocalendar().year, start.isocalendar().week)


@given(DAYS)
def test_this_week_runs_from_monday_up_to_today(today: date) -> None:
    start, end = current_week(today)
    assert start.weekday() == 0 and end == today and today - start < timedelta(days=7)
    # on the Monday after, this week is the last completed one
    next_monday = start + timedelta(days=7)
    assert last_completed_iso_week(next_monday) == (start, start + timedelta(days=6))


def test_this_week_on_a_sunday_is_the_whole_week() -> None:
    assert current_week(date(2025, 12, 14)) == (date(2025, 12, 8), date(2025, 12, 14))
    assert iso_week_of(*current_week(date(2025, 12, 14))) == (2025, 50)
    assert iso_week_of(*current_week(date(2025, 12, 10))) is None


@pytest.mark.parametrize(("today", "half", "year"), [
    (date(2025, 6, 30), (date(2024, 7, 1), date(2024, 12, 31)),
     (date(2024, 1, 1), date(2024, 12, 31))),
    (date(2025, 7, 1), (date(2025, 1, 1), date(2025, 6, 30)),
     (date(2024, 1, 1), date(2024, 12, 31))),
    (date(2026, 1, 1), (date(2025, 7, 1), date(2025, 12, 31)),
     (date(2025, 1, 1), date(2025, 12, 31))),
])
def test_half_years_and_calendar_years(today: date, half: tuple[date, date],
                                       year: tuple[date, date]) -> None:
    assert last_completed_half_year(today) == half
    assert previous_calendar_year(today) == year
    assert year_to_date(today) == (date(today.year, 1, 1), today)
    assert half_year_of(*half) == (1 if half[0].month == 1 else 2)
    assert is_calendar_year(*year) and not is_calendar_year(*half)


def test_only_exact_half_years_are_named() -> None:
    assert half_year_of(date(2025, 1, 1), date(2025, 6, 29)) is None
    assert half_year_of(date(2025, 7, 2), date(2025, 12, 31)) is None
    assert report_file_name(date(2025, 1, 1), date(2025, 6, 29)) == \
        "rapportage-2025-01-01-tot-2025-06-29.html"


def test_the_first_year_is_reported_whole_only_once() -> None:
    assert default_report_period(date(FIRST_YEAR + 1, 6, 30))[0] == "year"
    assert default_report_period(date(FIRST_YEAR + 1, 7, 1))[0] == "half"
    assert default_report_period(date(FIRST_YEAR + 2, 1, 1)) == \
        ("half", (date(FIRST_YEAR + 1, 7, 1), date(FIRST_YEAR + 1, 12, 31)))


def test_period_text_is_dutch_dates_with_t_m() -> None:
    assert period_text(date(2025, 12, 1), date(2025, 12, 7)) == "01-12-2025 t/m 07-12-2025"
