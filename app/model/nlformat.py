"""Dutch formatting of numbers, percentages, dates and weekdays: one place for all screens.

The dashboard, the case tab and lists, the report, the case overview, the signal forms
and the CLI's printed figures all show the same figure, so they must show it the same
way: a mean score of 7,08 may not read 7,1 on one screen and 7,08 on paper. Every
front door formats through this module (the workbook writes numbers into cells and
only uses it for the text around them).

Numbers, percentages and the names of weekdays and months come from Babel (the CLDR
data for ``nl_NL``), not from hand-written ``replace(".", ",")`` tricks, which broke on
negative numbers and large ones. The short date stays the fixed pattern the office
writes on every letter, dd-mm-jjjj, whatever the locale data says.

``SOON_DAYS`` is the horizon of "binnen 14 dagen" (Termijnbewaking, the dashboard, the
case list's preset and the metric ``deadlines.due_next_14d``): one constant, so the
words and the counting can never drift apart.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext

from babel.dates import get_day_names, get_month_names
from babel.numbers import format_decimal, format_percent

__all__ = [
    "LOCALE",
    "MONTHS",
    "NO_VALUE",
    "SOON_DAYS",
    "WEEKDAYS",
    "as_date",
    "clock",
    "date_time",
    "long_date",
    "metric",
    "nl_date",
    "number",
    "percentage",
    "soon_horizon",
    "weekday",
    "weekday_date",
]

LOCALE = "nl_NL"

#: Days ahead that count as "soon" for a deadline (inclusive: today + 14 is soon).
SOON_DAYS = 14

#: What a value that does not exist prints as (an empty cell is easy to overlook).
NO_VALUE = "–"

#: maandag .. zondag, indexed by ``date.weekday()``.
WEEKDAYS: tuple[str, ...] = tuple(str(get_day_names("wide", locale=LOCALE)[i]) for i in range(7))

#: januari .. december, indexed by ``month - 1``.
MONTHS: tuple[str, ...] = tuple(
    str(get_month_names("wide", locale=LOCALE)[m]) for m in range(1, 13)
)

Number = int | float | Decimal


def as_date(value: object) -> date | None:
    """A date from a date, a datetime or ISO text (``JJJJ-MM-DD``, optionally with a time)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _text_of(value: object) -> str:
    """What a non-date shows as: nothing for None, else the text as it is."""
    return "" if value is None else str(value)


def nl_date(value: date | datetime | str | None) -> str:
    """dd-mm-jjjj, the way the office writes dates; text that is no date stays as is."""
    d = as_date(value)
    if d is None:
        return _text_of(value)
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def long_date(value: date | datetime | str | None) -> str:
    """'1 januari 2025', for titles and periods that people read aloud."""
    d = as_date(value)
    if d is None:
        return _text_of(value)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def weekday(d: date) -> str:
    """'maandag'."""
    return WEEKDAYS[d.weekday()]


def weekday_date(d: date) -> str:
    """'maandag 03-03-2025': a period's first and last day, a deadline's last day."""
    return f"{weekday(d)} {nl_date(d)}"


def clock(moment: datetime) -> str:
    """'14:30'."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def date_time(moment: datetime) -> str:
    """'03-03-2025 14:30': when an export was made."""
    return f"{nl_date(moment)} {clock(moment)}"


def number(value: Number | bool | None, decimals: int | None = None) -> str:
    """Dutch notation: 1.234 and 12,5; None is a dash, a yes/no is ja or nee.

    Without ``decimals`` a whole number shows none and a fraction shows what it
    carries, at least one and at most two (12,0 days; 7,08 as a mean score); with
    ``decimals`` exactly that many.
    """
    if value is None:
        return NO_VALUE
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if decimals is None:
        pattern = "#,##0" if isinstance(value, int) else "#,##0.0#"
    else:
        pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    with localcontext() as ctx:
        ctx.rounding = ROUND_HALF_UP  # 2,25 -> 2,3, as Excel's AFRONDEN and docs/DOMAIN.md
        return format_decimal(value, format=pattern, locale=LOCALE)


def percentage(fraction: Number | None, decimals: int = 0) -> str:
    """A share as a Dutch percentage: 0.125 -> '13%' (or '12,5%' with one decimal)."""
    if fraction is None:
        return NO_VALUE
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "") + "%"
    with localcontext() as ctx:
        ctx.rounding = ROUND_HALF_UP
        return format_percent(fraction, format=pattern, locale=LOCALE)


def metric(key: str, value: Number | None) -> str:
    """A catalogue figure (docs/DOMAIN.md) with the precision the catalogue gives it.

    Score means (``*.mean``) carry two decimals and day figures one, also when the
    last decimal is a zero (7,10 next to 7,08), so a column of figures lines up and
    every screen and report prints the same text for the same key.
    """
    if value is None:
        return NO_VALUE
    if isinstance(value, bool):
        return number(value)
    if key.endswith(".mean"):
        return number(value, 2)
    if isinstance(value, int):
        return number(value)
    return number(value, 1)


def soon_horizon(today: date) -> date:
    """The last day that still counts as "binnen 14 dagen" from ``today``."""
    return today + timedelta(days=SOON_DAYS)
