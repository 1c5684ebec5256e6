"""Business dates: "today" is the local date in Europe/Amsterdam (docs/ARCHITECTURE.md).

A handler on a laptop abroad or a CI machine in UTC must still see the date the office
sees, or a step recorded late in the evening would land on the wrong day.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

# dd-mm-jjjj lives with the other Dutch formatting; re-exported for existing importers.
from app.model.nlformat import nl_date as nl_date

try:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        #: The office's time zone; None without tz data (then the machine's own clock).
        AMSTERDAM: ZoneInfo | None = ZoneInfo("Europe/Amsterdam")
    except ZoneInfoNotFoundError:  # pragma: no cover - only without tz data (Windows)
        AMSTERDAM = None
except ImportError:  # pragma: no cover
    AMSTERDAM = None


def today() -> date:
    if AMSTERDAM is None:  # pragma: no cover
        return date.today()
    return datetime.now(AMSTERDAM).date()


def now_local() -> datetime:
    """The wall clock in Europe/Amsterdam, for "gemaakt op" lines and workbooks."""
    return datetime.now(AMSTERDAM) if AMSTERDAM is not None else datetime.now()


def local_moment(moment: datetime) -> datetime:
    """An aware moment as Amsterdam time (unchanged without tz data)."""
    return moment.astimezone(AMSTERDAM) if AMSTERDAM is not None else moment


def utc_moment(text: str | None) -> datetime | None:
    """An ISO UTC stamp (``2025-03-10T16:02:11Z``) as a local moment, None if unreadable."""
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return local_moment(moment)


def utc_now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def as_date(value: object) -> date | None:
    """A payload value as a date; anything unreadable is None (the fold never raises)."""
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def parse_date(text: str) -> date:
    """Accept ISO ``JJJJ-MM-DD`` and Dutch ``dd-mm-jjjj``; raise ValueError in Dutch."""
    s = text.strip()
    try:
        if len(s) == 10 and s[4] == "-":
            return date.fromisoformat(s)
        parts = s.replace("/", "-").replace(".", "-").split("-")
        if len(parts) == 3 and len(parts[2]) == 4:
            return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        pass
    raise ValueError(f"'{text}' is geen geldige datum (dd-mm-jjjj of jjjj-mm-dd)")
