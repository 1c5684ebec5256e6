"""Is every laptop's week in? One line per device, the same on every screen.

The team lead merges every handler's bundle into one register (docs/ARCHITECTURE.md, "Exchange
bundles"); before the weekly workbook is made, they need to see which laptop has not
sent its week. The register keeps per device its code, handler, event count, last
step and the last bundle that carried its events (``Register.device_activity``);
this module turns that into the words Beheer -> Uitwisselen, the Weekronde and the
workbook's Verantwoording all show ("apparaat ZWL (Anna de Vries): laatste stap 12
dagen oud"), so they never disagree.

The age of the last step is counted from the device's own wall clock at that step
(``recorded_at``), in Europe/Amsterdam days; the hybrid clock is only a fallback,
because it follows the highest stamp the laptop ever received and so runs ahead when
another laptop's clock did.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from app.model.dates import local_moment, utc_moment
from app.model.eventlog import parse_hlc

#: A last step older than this many days means the laptop's week is not in.
STALE_AFTER_DAYS = 7


@dataclass(frozen=True)
class DeviceLine:
    """One device as the team lead sees it."""

    device: str
    code: str | None
    handler: str | None
    events: int
    last_step: datetime | None  # local time (Europe/Amsterdam) of the last step
    age_days: int | None  # days between the last step and today (0: today)
    received_at: datetime | None  # local time the last bundle with its events arrived
    received_from: str | None  # that bundle's file name
    own: bool  # this register's own device

    @property
    def name(self) -> str:
        """The device as people call it: its code (or a UUID prefix) and its handler."""
        code = self.code or f"onbekend ({self.device[:8]})"
        return f"{code} ({self.handler})" if self.handler else code

    @property
    def stale(self) -> bool:
        """Its last step is older than a week (never for this register's own device)."""
        return not self.own and (self.age_days is None or self.age_days > STALE_AFTER_DAYS)

    @property
    def age_text(self) -> str:
        if self.age_days is None:
            return "nog geen stap"
        if self.age_days <= 0:
            return "laatste stap van vandaag"
        if self.age_days == 1:
            return "laatste stap 1 dag oud"
        return f"laatste stap {self.age_days} dagen oud"

    @property
    def text(self) -> str:
        """``apparaat ZWL (Anna de Vries): laatste stap 12 dagen oud``."""
        own = ", dit register" if self.own else ""
        return f"apparaat {self.name}{own}: {self.age_text}"


def hlc_moment(hlc: str) -> datetime | None:
    try:
        ms, _counter, _device = parse_hlc(hlc)
        return local_moment(datetime.fromtimestamp(ms / 1000, tz=UTC))
    except (ValueError, OverflowError, OSError):
        return None


def device_line(*, device: str, code: str | None, handler: str | None, events: int,
                last_hlc: str, last_recorded_at: str | None, received_at: str | None,
                received_from: str | None, own: bool, today: date) -> DeviceLine:
    last = utc_moment(last_recorded_at) or hlc_moment(last_hlc)
    age = (today - last.date()).days if last is not None and events else None
    return DeviceLine(device, code, handler or None, events,
                      last if events else None, age, utc_moment(received_at),
                      received_from or None, own)


@dataclass(frozen=True)
class RoundVerdict:
    """After the team lead read the week's bundles: whose week is not in."""

    missing: list[DeviceLine]  # sent no bundle in this round
    stale: list[DeviceLine]  # last step older than a week (bundle or not)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.stale


def week_round(lines: Iterable[DeviceLine], senders: Collection[str]) -> RoundVerdict:
    """Which laptops sent nothing in this round (``senders``: the device codes of the
    bundles read) and which have no step in the last week. This register's own device
    is neither."""
    others = [line for line in lines if not line.own]
    missing = [line for line in others if (line.code or line.device) not in senders]
    return RoundVerdict(missing, [line for line in others if line.stale])
