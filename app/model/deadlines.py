"""Statutory deadlines: bezwaar- and beroepstermijn (docs/DOMAIN.md "Legal deadlines").

A missed bezwaartermijn usually cannot be repaired, so the register computes the last
day instead of asking a helper to count weeks on a calendar. The rules are Awb 6:7-6:9
(six weeks, starting the day after bekendmaking or dagtekening) and the Algemene
termijnenwet (a term that ends on a Saturday, Sunday or recognised holiday runs on to
the next working day).

The statutory holidays follow from the law and from Easter, so they are code. The days
equated to a holiday by royal decree change every few years and are data in
``resources/holidays.toml``. The computed ``due_on`` is stored with the event when a
deadline is recorded, so editing that file later never moves a recorded deadline.

Pure Python on purpose: the CLI ``deadline`` command, the GUI and the event validation
all need the same answer, without a register or Qt.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from app.model.errors import UserError
from app.model.nlformat import nl_date, weekday_date
from app.model.resources import read_toml, resource

__all__ = [
    "PAUSE_WARNING",
    "POSTING_NOTE",
    "STATUTORY_WEEKS",
    "DeadlineResult",
    "DecreeFile",
    "HolidayCalendar",
    "HolidayFileError",
    "compute_due_on",
    "easter_sunday",
    "explain",
    "falls_in_pause",
    "legal_deadline",
    "load_decree_days",
    "load_decree_file",
    "statutory_holidays",
    "uncovered_year_warning",
]

STATUTORY_WEEKS: dict[str, int] = {"bezwaartermijn": 6, "beroepstermijn": 6}
"""Kinds whose last day follows from the law; every other kind is entered as a due date."""

POSTING_NOTE = (
    "Een bezwaar- of beroepschrift dat per post is verzonden, is op tijd als het vóór "
    "het einde van de termijn ter post is bezorgd en uiterlijk een week na afloop van "
    "de termijn is ontvangen (art. 6:9 Awb)."
)

PAUSE_WARNING = "de pauzeknop schort de wettelijke termijn niet op"

_WEEKEND_REASONS = {5: "een zaterdag", 6: "een zondag"}
_GREGORIAN_FROM = 1583


class HolidayFileError(UserError, ValueError):
    """A holidays file that cannot be used; the message is Dutch and names the file.

    A ValueError so that front doors which already report bad input in Dutch can show
    it without knowing about this module.
    """


def easter_sunday(year: int) -> date:
    """Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).

    Computed rather than listed so that Goede Vrijdag, Tweede Paasdag, Hemelvaartsdag
    and Tweede Pinksterdag are right for any year without anyone maintaining a table.
    """
    if year < _GREGORIAN_FROM:
        raise ValueError(f"Pasen is alleen te berekenen vanaf {_GREGORIAN_FROM}")
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def statutory_holidays(year: int) -> dict[date, str]:
    """The holidays recognised by Atw art. 3 itself, with their Dutch names.

    Atw art. 3 names "the day the King's birthday is celebrated": 27 April, or 26 April
    when the 27th is a Sunday. That 26th is then always a Saturday, so it never extends
    a term on its own, but it is named so the explanation reads correctly.
    Bevrijdingsdag counts every year for the Atw, unlike for many collective labour
    agreements.
    """
    easter = easter_sunday(year)
    kingsday = date(year, 4, 27)
    if kingsday.weekday() == 6:
        kingsday = date(year, 4, 26)
    days = {
        date(year, 1, 1): "Nieuwjaarsdag",
        easter - timedelta(days=2): "Goede Vrijdag",
        easter + timedelta(days=1): "Tweede Paasdag",
        kingsday: "Koningsdag",
        date(year, 5, 5): "Bevrijdingsdag",
        easter + timedelta(days=39): "Hemelvaartsdag",
        easter + timedelta(days=50): "Tweede Pinksterdag",
        date(year, 12, 25): "Eerste Kerstdag",
        date(year, 12, 26): "Tweede Kerstdag",
    }
    return dict(sorted(days.items()))


@dataclass(frozen=True)
class DecreeFile:
    """The days equated to holidays by decree, and the last year the file is complete for.

    ``complete_through`` is None for a file that does not say: then nothing is known to
    be complete and every term gets the warning, which is the safe side.
    """

    days: dict[date, str]
    complete_through: int | None


def load_decree_file(path: Path | None = None) -> DecreeFile:
    """Read a holidays file: ``complete_through = JJJJ`` and ``[[day]]`` blocks.

    Strict about shape (only ``[[day]]`` tables with a TOML date and a name) because a
    typo such as ``datum`` or a quoted date would otherwise silently drop a day and
    shorten someone's objection term.
    """
    shipped_path = resource("holidays.toml")
    shipped = path is None or path == shipped_path
    path = path or shipped_path
    data = read_toml(path, "feestdagen", "feestdagenbestand", HolidayFileError,
                     shipped=shipped)

    unknown = sorted(set(data) - {"day", "complete_through"})
    if unknown:
        raise HolidayFileError(
            f"{path}: onbekende sleutel(s) {', '.join(unknown)}; verwacht alleen "
            "complete_through en [[day]]"
        )
    complete = data.get("complete_through")
    if complete is not None and (isinstance(complete, bool) or not isinstance(complete, int)):
        raise HolidayFileError(
            f"{path}: 'complete_through' moet een jaartal zijn zoals 2028 (zonder "
            "aanhalingstekens)"
        )
    entries = data.get("day", [])
    if not isinstance(entries, list):
        raise HolidayFileError(f"{path}: 'day' moet een lijst van [[day]]-blokken zijn")

    days: dict[date, str] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: dag {number}"
        if not isinstance(entry, dict):
            raise HolidayFileError(f"{where} is geen [[day]]-blok")
        extra = sorted(set(entry) - {"date", "name"})
        if extra:
            raise HolidayFileError(
                f"{where}: onbekende sleutel(s) {', '.join(extra)}; verwacht date en name"
            )
        when = entry.get("date")
        # datetime is a subclass of date, but a time of day makes no sense here.
        if not isinstance(when, date) or isinstance(when, datetime):
            raise HolidayFileError(
                f"{where}: 'date' moet een datum zijn zoals 2025-05-30 (zonder aanhalingstekens)"
            )
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            raise HolidayFileError(f"{where}: 'name' moet een niet-lege tekst zijn")
        if when in days:
            raise HolidayFileError(f"{where}: datum {nl_date(when)} staat er meer dan eens in")
        if complete is not None and when.year > complete:
            raise HolidayFileError(
                f"{where}: {nl_date(when)} ligt na complete_through = {complete}; verhoog "
                "complete_through als het besluit voor dat jaar compleet is opgenomen"
            )
        days[when] = name.strip()
    return DecreeFile(dict(sorted(days.items())), complete)


def load_decree_days(path: Path | None = None) -> dict[date, str]:
    """Only the days of a holidays file (see ``load_decree_file``)."""
    return load_decree_file(path).days


class HolidayCalendar:
    """Statutory holidays plus decree days, answering "does a term end on this day?".

    The decree days are passed in rather than read here so tests and a future settings
    screen can use another file; statutory holidays are computed per year on demand.
    When a decree day coincides with a statutory holiday the statutory name wins,
    because that is the legal ground.
    """

    def __init__(self, decree_days: Mapping[date, str] | None = None,
                 complete_through: int | None = None) -> None:
        self._decree = dict(decree_days or {})
        self.complete_through = complete_through
        self._years: dict[int, dict[date, str]] = {}

    @classmethod
    def from_file(cls, path: Path) -> HolidayCalendar:
        file = load_decree_file(path)
        return cls(file.days, file.complete_through)

    @classmethod
    def default(cls) -> HolidayCalendar:
        """The calendar from the shipped file, read once per process."""
        return _default_calendar()

    def covers(self, year: int) -> bool:
        """Whether the decree days of ``year`` are known: the file says it is complete
        through that year. Earlier years count as known (no decree is ever withdrawn
        retroactively), later ones do not."""
        return self.complete_through is not None and year <= self.complete_through

    def holidays(self, year: int) -> dict[date, str]:
        """All holidays of ``year``, statutory and by decree, in date order."""
        cached = self._years.get(year)
        if cached is None:
            merged = {d: n for d, n in self._decree.items() if d.year == year}
            merged.update(statutory_holidays(year))
            cached = dict(sorted(merged.items()))
            self._years[year] = cached
        return dict(cached)

    def name_of(self, d: date) -> str | None:
        if d.year not in self._years:
            self.holidays(d.year)
        return self._years[d.year].get(d)

    def is_non_working(self, d: date) -> bool:
        return d.weekday() >= 5 or self.name_of(d) is not None

    def reason(self, d: date) -> str | None:
        """Why a term cannot end on ``d``, phrased to follow "is" in the explanation.

        A holiday name takes precedence over the weekday (Eerste Kerstdag on a Saturday
        reads as Eerste Kerstdag) because it is the more specific and recognisable
        ground. None for a working day.
        """
        name = self.name_of(d)
        if name is not None:
            return name
        return _WEEKEND_REASONS.get(d.weekday())


@lru_cache(maxsize=1)
def _default_calendar() -> HolidayCalendar:
    return HolidayCalendar.from_file(resource("holidays.toml"))


@dataclass(frozen=True)
class DeadlineResult:
    start: date
    weeks: int
    nominal: date
    last_day: date
    skipped: tuple[tuple[date, str], ...]
    explanation: str


def _dm(d: date) -> str:
    return f"{d.day:02d}-{d.month:02d}"


def legal_deadline(
    start: date, weeks: int = 6, calendar: HolidayCalendar | None = None
) -> DeadlineResult:
    """The last day of a term of ``weeks`` weeks, with a Dutch explanation.

    ``start`` is the dagtekening or bekendmaking itself: the term starts the next day
    (Awb 6:8), so it ends on the same weekday ``weeks`` weeks later. If that day is not
    a working day the term runs on (Atw art. 1). The explanation lists every skipped day
    so a helper can check the result against a paper calendar and tell the citizen.
    """
    if weeks < 1:
        raise ValueError("een termijn duurt minstens één week")
    cal = calendar or HolidayCalendar.default()
    nominal = start + timedelta(weeks=weeks)
    last_day = nominal
    skipped: list[tuple[date, str]] = []
    while (why := cal.reason(last_day)) is not None:
        skipped.append((last_day, why))
        last_day += timedelta(days=1)

    unit = "week" if weeks == 1 else "weken"
    head = f"{weeks} {unit} na {nl_date(start)}: "
    parts = [
        f"{_dm(d)} is {why}" if i == 0 else f"{_dm(d)} {why}" for i, (d, why) in enumerate(skipped)
    ]
    tail = f"laatste dag {weekday_date(last_day)}"
    explanation = head + (", ".join(parts) + "; " if parts else "") + tail
    return DeadlineResult(
        start=start,
        weeks=weeks,
        nominal=nominal,
        last_day=last_day,
        skipped=tuple(skipped),
        explanation=explanation,
    )


def compute_due_on(
    deadline_kind: str, start_on: date, calendar: HolidayCalendar | None = None
) -> date | None:
    """The ``due_on`` to store for a statutory kind; None when the helper enters it.

    Beslistermijn and betalingstermijn depend on the service and the decision, so the
    register does not guess them (docs/DOMAIN.md).
    """
    weeks = STATUTORY_WEEKS.get(deadline_kind)
    if weeks is None:
        return None
    return legal_deadline(start_on, weeks, calendar).last_day


def explain(
    deadline_kind: str, start_on: date, calendar: HolidayCalendar | None = None
) -> list[str]:
    """Lines to show next to a computed deadline: the calculation, then the Awb 6:9 note.

    The posting rule is shown every time because helpers and citizens often think the
    letter must arrive on the last day; empty for kinds without a statutory term.
    """
    weeks = STATUTORY_WEEKS.get(deadline_kind)
    if weeks is None:
        return []
    cal = calendar or HolidayCalendar.default()
    result = legal_deadline(start_on, weeks, cal)
    lines = [result.explanation, POSTING_NOTE]
    warning = uncovered_year_warning(result.last_day, cal)
    if warning:
        lines.append(warning)
    return lines


def uncovered_year_warning(last_day: date, calendar: HolidayCalendar | None = None) -> str:
    """The warning for a last day in a year the holidays file is not complete for.

    Decrees equating days with holidays appear about every three years; guessing the
    next one (it is not always the Friday after Hemelvaartsdag) would make a computed
    term look certain when it is not. Empty when the year is covered.
    """
    cal = calendar or HolidayCalendar.default()
    year = last_day.year
    if cal.covers(year):
        return ""
    return (f"Let op: voor {year} is nog geen besluit gelijkstelling opgenomen; "
            "controleer de Staatscourant, de laatste dag kan later liggen.")


def falls_in_pause(due_on: date, pauses: Iterable[tuple[date, date | None]]) -> bool:
    """Whether ``due_on`` lies in a pause ``[from_on, end)``; ``end`` None means running.

    The pauzeknop is an agreement with a service, not a legal suspension, so a deadline
    inside a pause still expires; callers use this to show ``PAUSE_WARNING``. The end is
    exclusive to match docs/DOMAIN.md: a pause resumed on a day is no longer running then.
    """
    return any(start <= due_on and (end is None or due_on < end) for start, end in pauses)
