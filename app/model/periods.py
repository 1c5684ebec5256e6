"""The periods the office reports over: ISO weeks, half years, calendar years.

Pure date logic, shared by the Overzicht page (deze week, vorige week), the export
wizards (their presets and file names) and the report's title, so that "last week"
or "the first half year" is one and the same period wherever a figure is shown.

The weekly workbook defaults to the last ISO week that has fully passed (Monday to
Sunday); the report appears twice a year, except for the office's first year, which
has one report over the whole of that year (docs/DOMAIN.md).
"""

from __future__ import annotations

from datetime import date, timedelta

from app.model.nlformat import nl_date

Period = tuple[date, date]

#: The office's first year: one report over the whole year, with the evaluation attached.
FIRST_YEAR = 2025

#: Between the first and the last day of a period, as the screens and the workbook write it.
PERIOD_SEPARATOR = " t/m "


def last_completed_iso_week(today: date) -> Period:
    """Monday to Sunday of the last ISO week that has fully passed (the workbook's
    default period and the Overzicht's "vorige week")."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7), monday - timedelta(days=1)


def current_week(today: date) -> Period:
    """Monday of this week up to and including today (a week still under way)."""
    return today - timedelta(days=today.weekday()), today


def year_to_date(today: date) -> Period:
    return date(today.year, 1, 1), today


def last_completed_half_year(today: date) -> Period:
    if today.month <= 6:
        return date(today.year - 1, 7, 1), date(today.year - 1, 12, 31)
    return date(today.year, 1, 1), date(today.year, 6, 30)


def previous_calendar_year(today: date) -> Period:
    return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)


def default_report_period(today: date) -> tuple[str, Period]:
    """The report's default: the whole first year once its second half has passed (and
    until the next half year has), otherwise the last completed half year."""
    start, end = last_completed_half_year(today)
    if start.year == FIRST_YEAR and start.month == 7:
        return "year", previous_calendar_year(today)
    return "half", (start, end)


def iso_week_of(start: date, end: date) -> tuple[int, int] | None:
    """(ISO year, week) when the period is exactly one ISO week, else None."""
    if start.weekday() == 0 and end == start + timedelta(days=6):
        iso = start.isocalendar()
        return iso.year, iso.week
    return None


def is_calendar_year(start: date, end: date) -> bool:
    return start == date(start.year, 1, 1) and end == date(start.year, 12, 31)


def half_year_of(start: date, end: date) -> int | None:
    """1 or 2 when the period is exactly the first or second half of a year, else None."""
    if start == date(start.year, 1, 1) and end == date(start.year, 6, 30):
        return 1
    if start == date(start.year, 7, 1) and end == date(start.year, 12, 31):
        return 2
    return None


def period_text(start: date, end: date) -> str:
    """"01-12-2025 t/m 07-12-2025"."""
    return f"{nl_date(start)}{PERIOD_SEPARATOR}{nl_date(end)}"


def week_file_name(start: date, end: date) -> str:
    """The workbook's file name: by ISO week when the period is one, else by its dates."""
    week = iso_week_of(start, end)
    if week is not None:
        return f"evaluatie-{week[0]}-W{week[1]:02d}.xlsx"
    return f"evaluatie-{start.isoformat()}-tot-{end.isoformat()}.xlsx"


def report_file_name(start: date, end: date) -> str:
    """The report's file name: by year or half year when the period is one, else by dates."""
    if is_calendar_year(start, end):
        return f"rapportage-{start.year}.html"
    half = half_year_of(start, end)
    if half is not None:
        return f"rapportage-{start.year}-H{half}.html"
    return f"rapportage-{start.isoformat()}-tot-{end.isoformat()}.html"
