"""Dates and one case's timeline, as the simulation moves forward through them.

Dates are ordinals (``date.toordinal``) while simulating: a large register reuses a
few thousand days, and integer arithmetic with one cached ISO string per day is far
cheaper than ``date`` objects per step.
"""

from __future__ import annotations

from datetime import date
from typing import Any

#: A step as it will stand in the interchange file; references to other steps are
#: the step dicts themselves until ``eventlists.resolve`` turns them into positions.
Event = dict[str, Any]


def fwd(o: int) -> int:
    """Move a date ordinal forward to a working day: the office does not work weekends.

    ``date(1, 1, 1)`` has ordinal 1 and was a Monday, so ``(o - 1) % 7`` is the weekday.
    """
    w = (o - 1) % 7
    return o + 2 if w == 5 else o + 1 if w == 6 else o


def back(o: int) -> int:
    """Move back to a working day, for steps that must stay before a last day."""
    w = (o - 1) % 7
    return o - 1 if w == 5 else o - 2 if w == 6 else o


class Iso(dict[int, str]):
    """ISO strings per ordinal, made once: a large register reuses a few thousand dates."""

    def __missing__(self, o: int) -> str:
        s = date.fromordinal(o).isoformat()
        self[o] = s
        return s


class PastEnd(Exception):
    """The next step would fall after ``end``: the case simply has not got there yet."""


class Timeline:
    """One case's (or signal's) events in date order, with the steps already planned.

    A pause ends on a planned day and administrative follow-ups (a deadline met, a
    handover confirmed) happen on their own day; they are kept aside and slotted in
    as the simulation passes their date, so the list stays sorted without a sort.
    """

    __slots__ = ("end", "events", "iso", "paused", "pending", "resume_at", "seq", "t")

    def __init__(self, start: int, end: int, iso: Iso) -> None:
        self.t = start
        self.end = end
        self.iso = iso
        self.events: list[Event] = []
        self.pending: list[tuple[int, int, Event]] = []
        self.resume_at: int | None = None
        self.paused = False
        self.seq = 0

    def _emit(self, d: int, ev: Event) -> None:
        self.events.append(ev)
        if d > self.t:
            self.t = d

    def _flush(self, upto: int) -> None:
        while True:
            nxt = self.pending[0][0] if self.pending else None
            ra = self.resume_at
            if ra is not None and ra <= upto and (nxt is None or ra <= nxt):
                self._emit(ra, {"kind": "resumed", "on": self.iso[ra]})
                self.resume_at = None
                self.paused = False
            elif nxt is not None and nxt <= upto:
                d, _, ev = self.pending.pop(0)
                self._emit(d, ev)
            else:
                return

    def add(self, d: int, kind: str, field: str, payload: Event | None = None) -> Event:
        """Record a step on ``d`` (never before the previous one); past ``end`` the case
        stops, after whatever was planned up to ``end`` has happened."""
        if d < self.t:
            d = self.t
        self._flush(min(d, self.end))
        if d > self.end:
            raise PastEnd
        ev: Event = {"kind": kind, field: self.iso[d]}
        if payload:
            ev.update(payload)
        self._emit(d, ev)
        return ev

    def later(self, d: int, kind: str, field: str, payload: Event) -> Event:
        """Plan an administrative step (allowed in any status) for a later day."""
        if d < self.t:
            d = self.t
        ev: Event = {"kind": kind, field: self.iso[d]}
        ev.update(payload)
        self.seq += 1
        self.pending.append((d, self.seq, ev))
        self.pending.sort(key=lambda p: (p[0], p[1]))
        return ev

    def finish(self) -> list[Event]:
        self._flush(self.end)
        return self.events

