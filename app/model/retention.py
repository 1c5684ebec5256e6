"""When personal data have outlived their purpose (docs/SECURITY.md, docs/DOMAIN.md "P2").

The citizen's personal data (P2) of a case are kept for a set number of calendar
months after the case left the office: its (effective, latest) closing, or the triage
decision that referred it or did not take it. A case that is open again (reopened) or
was never triaged is still with the office and keeps its data. The boundary is
inclusive of the anniversary day itself: data of a case closed on 10 March 2025 with
12 months' retention are purged from 11 March 2026 on. Calendar months end at the end
of a shorter month, so 29 February 2024 plus 12 months is 28 February 2025.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from app.model.eventlog import Event
from app.model.events import FIELD_LABELS, MODELS, erasable_fields
from app.model.kinds import ERASING_KINDS, Kind, Status

#: Statuses whose P2 data age towards the purge, and the date column that starts it.
AGEING: dict[str, str] = {Status.AFGEROND: "closed_on", Status.DOORVERWEZEN: "triaged_on",
                         Status.NIET_IN_BEHANDELING: "triaged_on"}

MIN_MONTHS = 1
MAX_MONTHS = 120


def add_months(day: date, months: int) -> date:
    """``day`` plus calendar months, on the last day of a shorter month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def purge_from(since: date, months: int) -> date:
    """The first day on which P2 data whose retention started ``since`` are purged."""
    return add_months(since, months) + timedelta(days=1)


def retention_start(status: str, closed_on: date | None, triaged_on: date | None
                    ) -> date | None:
    """The date from which a case's P2 data age, or None while it is with the office."""
    column = AGEING.get(status)
    if column == "closed_on":
        return closed_on
    if column == "triaged_on":
        return triaged_on
    return None


# --------------------------------------------------------------------------- in files

#: What an interchange file holds where a required text was erased (it must validate).
ERASED_TEXT = "[tekst gewist]"


def for_file(events: Sequence[Event]) -> list[Event]:
    """A case's events as an interchange file can carry them after erasures.

    Files hold no erasing steps (they are recorded in a register, not read from a
    file): the ``text_erased`` steps are left out, and a field they erased is left out
    too, or holds ``ERASED_TEXT`` where the step needs a text, so the file validates
    and a re-import shows where text was erased. Destroyed cases are not exported.
    """
    erased: dict[str, list[str]] = {}
    for e in events:
        if e.kind == Kind.TEXT_ERASED:
            fields = e.payload.get("fields")
            if isinstance(fields, list):
                erased.setdefault(str(e.payload.get("target")), []).extend(
                    str(f) for f in fields if isinstance(f, str))
    kinds = {e.id: e.kind for e in events}
    out: list[Event] = []
    for e in events:
        if e.kind in ERASING_KINDS:
            continue
        names = erased.get(e.id)
        if names:
            payload = dict(e.payload)
            for name in names:
                if name.startswith("payload.") and isinstance(payload.get("payload"), dict):
                    original = kinds.get(str(payload.get("target")), "")
                    payload["payload"] = _fill(original, dict(payload["payload"]), name[8:])
                else:
                    payload = _fill(e.kind, payload, name)
            e = replace(e, payload=payload)
        out.append(e)
    return out


def _fill(kind: str, payload: dict[str, Any], name: str) -> dict[str, Any]:
    if payload.get(name) is not None:
        return payload
    model = MODELS.get(kind)
    fields = {("with" if n == "with_" else n): f for n, f in model.model_fields.items()} \
        if model else {}
    if name in fields and fields[name].is_required():
        payload[name] = ERASED_TEXT
    else:
        payload.pop(name, None)
    return payload


# --------------------------------------------------------------------------- erasable text


@dataclass(frozen=True)
class ErasableText:
    """One free-text field with text in it, of a step or of one of its corrections."""

    event: Event
    field: str  # as ``text_erased`` names it (``payload.text`` in a correction)
    label: str
    text: str
    correction: bool


def erasable_texts(events: Sequence[Event], event_id: str) -> list[ErasableText]:
    """What "Tekst wissen" on a step can erase: its own free text and that of every
    correction of it, in recording order (the original first)."""
    by_id = {e.id: e for e in events}
    step = by_id.get(event_id)
    if step is None or step.kind in ERASING_KINDS:
        return []
    if step.kind == Kind.CORRECTED:
        original = by_id.get(str(step.payload.get("target", "")))
        step = original or step
    fixes = sorted((e for e in events if e.kind == Kind.CORRECTED
                    and e.payload.get("target") == step.id), key=lambda e: e.hlc)
    versions = [step, *fixes]
    out: list[ErasableText] = []
    for ev in versions:
        corrects = step.kind if ev.kind == Kind.CORRECTED else None
        for name in erasable_fields(ev.kind, corrects):
            value = _value(ev.payload, name)
            if value:
                label = FIELD_LABELS.get(name.removeprefix("payload."), name)
                if ev.kind == Kind.CORRECTED and name == "reason":
                    label = "Reden van de correctie"
                out.append(ErasableText(ev, name, label, value, ev.kind == Kind.CORRECTED))
    return out


def field_value(payload: dict[str, Any], name: str) -> Any:
    """A named field of a step's payload; ``payload.<field>`` is a field of the
    replacement payload a correction holds (``events.erasable_fields``)."""
    if name.startswith("payload."):
        inner = payload.get("payload")
        return inner.get(name.removeprefix("payload.")) if isinstance(inner, dict) else None
    return payload.get(name)


def _value(payload: dict[str, Any], name: str) -> str:
    value = field_value(payload, name)
    if isinstance(value, dict):
        return ", ".join(str(v) for v in value.values() if v)
    return str(value) if value not in (None, "", []) else ""
