"""A case's or signal's list of steps while the demo builds it.

Until the list is written out, a step that points at another (a correction, a
retraction, a deadline met) holds that step itself, so steps can be inserted anywhere
without renumbering; ``resolve`` then turns the references into the 0-based positions
of the interchange format (docs/INTERCHANGE.md). Each list stays in business-date
order, so the file order and the importer's ``(date, position)`` order agree.
"""

from __future__ import annotations

from app.demo.timeline import Event
from app.model.events import DATE_FIELD


def _bdate(ev: Event, events: list[Event]) -> str:
    """Business date of an event in a list whose references are still objects."""
    kind = ev["kind"]
    if kind == "corrected":
        target: Event = ev["target"]
        return str(ev["payload"][DATE_FIELD[target["kind"]]])
    if kind == "retracted":
        return _bdate(ev["target"], events)
    return str(ev[DATE_FIELD[kind]])


def insert_sorted(events: list[Event], ev: Event) -> None:
    """Insert after every event dated on or before ``ev``, as the importer would order it."""
    d = _bdate(ev, events)
    i = len(events)
    while i > 1 and _bdate(events[i - 1], events) > d:
        i -= 1
    events.insert(i, ev)


def insert_after(events: list[Event], target: Event, ev: Event) -> None:
    """Put a correction or retraction right after its target (and earlier corrections of
    it): same business date, so the list stays in date order."""
    i = next(k for k, e in enumerate(events) if e is target) + 1
    while (
        i < len(events)
        and events[i]["kind"] in ("corrected", "retracted")
        and events[i]["target"] is target
    ):
        i += 1
    events.insert(i, ev)


def resolve(events: list[Event]) -> None:
    """Turn event references into the 0-based positions the interchange format uses."""
    pos = {id(e): i for i, e in enumerate(events)}
    for e in events:
        kind = e["kind"]
        if kind == "deadline_met":
            e["deadline"] = pos[id(e["deadline"])]
        elif kind in ("corrected", "retracted"):
            e["target"] = pos[id(e["target"])]
            if "supersedes" in e:
                e["supersedes"] = pos[id(e["supersedes"])]


def copy_payload(ev: Event) -> Event:
    """The payload of ``ev`` without ``kind``, with its own lists and dicts, so that a
    correction never shares (and later changes) a value of the event it corrects."""
    return {
        k: list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v
        for k, v in ev.items()
        if k not in ("kind", "flag")
    }


