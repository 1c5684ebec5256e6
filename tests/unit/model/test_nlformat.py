"""Dutch formatting: one text per figure and date on every screen, report and CLI."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from app.model.nlformat import (
    MONTHS,
    NO_VALUE,
    SOON_DAYS,
    WEEKDAYS,
    clock,
    date_time,
    long_date,
    metric,
    nl_date,
    number,
    percentage,
    soon_horizon,
    weekday,
    weekday_date,
)


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, None, "0"),
        (1234, None, "1.234"),
        (1234567, None, "1.234.567"),
        (-1234, None, "-1.234"),
        (12.5, None, "12,5"),
        (12.0, None, "12,0"),  # a day figure keeps its decimal
        (7.08, None, "7,08"),
        (1234.5, None, "1.234,5"),
        (-0.5, None, "-0,5"),
        (Decimal("7.10"), None, "7,1"),
        (2.25, 1, "2,3"),  # half away from zero, as Excel and docs/DOMAIN.md round
        (2.35, 1, "2,4"),
        (-2.25, 1, "-2,3"),
        (7.1, 2, "7,10"),
        (1234.5, 0, "1.235"),
        (None, None, NO_VALUE),
        (True, None, "ja"),
        (False, None, "nee"),
    ],
)
def test_number(value: object, decimals: int | None, expected: str) -> None:
    assert number(value, decimals) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("interview.citizen.mean", 7.1, "7,10"),  # score means: always 2 decimals
        ("interview.helper.mean", 7.08, "7,08"),
        ("interview.helper.mean", 8, "8,00"),
        ("leadtime.gross.median_days", 12.0, "12,0"),  # day figures: 1 decimal
        ("leadtime.gross.median_days", 73.55, "73,6"),
        ("leadtime.gross.max_days", 120, "120"),  # a whole day count stays whole
        ("intake.total", 1234, "1.234"),
        ("intake.total", None, "–"),
    ],
)
def test_metric_has_the_catalogue_precision(key: str, value: object, expected: str) -> None:
    assert metric(key, value) == expected  # type: ignore[arg-type]


def test_percentage() -> None:
    assert percentage(0.125) == "13%"
    assert percentage(0.125, 1) == "12,5%"
    assert percentage(1) == "100%"
    assert percentage(12.345) == "1.235%"
    assert percentage(None) == NO_VALUE


def test_dates() -> None:
    d = date(2025, 3, 3)
    assert nl_date(d) == "03-03-2025"
    assert nl_date(datetime(2025, 12, 31, 23, 59)) == "31-12-2025"
    assert nl_date("2025-03-03") == "03-03-2025"
    assert nl_date("2025-03-03T10:00:00Z") == "03-03-2025"
    assert nl_date(None) == "" and nl_date("") == ""
    assert nl_date("geen datum") == "geen datum"  # text that is no date stays as is
    assert nl_date(date(5, 1, 2)) == "02-01-0005"  # strftime would not pad the year
    assert long_date(date(2025, 1, 1)) == "1 januari 2025"
    assert long_date("2025-12-31") == "31 december 2025"
    assert weekday(d) == "maandag" and weekday(date(2025, 3, 9)) == "zondag"
    assert weekday_date(date(2025, 5, 6)) == "dinsdag 06-05-2025"
    moment = datetime(2025, 3, 3, 9, 5)
    assert clock(moment) == "09:05"
    assert date_time(moment) == "03-03-2025 09:05"
    assert WEEKDAYS == ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag",
                        "zaterdag", "zondag")
    assert MONTHS[0] == "januari" and MONTHS[4] == "mei" and MONTHS[11] == "december"


def test_soon_horizon_is_fourteen_days_inclusive() -> None:
    assert SOON_DAYS == 14
    assert soon_horizon(date(2025, 12, 20)) == date(2026, 1, 3)
