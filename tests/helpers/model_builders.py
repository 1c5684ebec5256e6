"""Builders for the model tests: minimal valid payloads and in-memory event logs.

The tables here are written from docs/DOMAIN.md (the asterisked fields of each row), not
copied from ``app.model.events``, so the tests compare the code against the design.
Event logs get strictly increasing hybrid-clock stamps from ``HybridClock`` with a
controlled wall clock, so "later hlc" in a test means "added later" unless a test
chooses the stamp itself.
"""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from app.model.eventlog import Event, HybridClock, new_id

DEVICE = "11111111-1111-4111-8111-111111111111"
OTHER_DEVICE = "22222222-2222-4222-8222-222222222222"
START_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z

#: The business date field of every kind: the first date field in its docs/DOMAIN.md row.
DATE_OF: dict[str, str] = {
    "registered": "received_on",
    "triaged": "decided_on",
    "handover_confirmed": "on",
    "assigned": "on",
    "note": "on",
    "partner_informed": "on",
    "data_requested": "requested_on",
    "consulted": "on",
    "opinion_sent": "sent_on",
    "reminder_sent": "on",
    "service_response": "received_on",
    "escalated": "on",
    "escalation_response": "received_on",
    "paused": "from_on",
    "resumed": "on",
    "deadline_set": "on",
    "deadline_met": "on",
    "closed": "closed_on",
    "closing_interview": "held_on",
    "reopened": "on",
    "story": "on",
    "story_approved": "on",
    "signal_linked": "on",
    "signal_unlinked": "on",
    "text_erased": "on",
    "case_destroyed": "on",
    "signal_created": "created_on",
    "signal_submitted": "on",
    "signal_response": "received_on",
    "signal_feedback_given": "on",
    "signal_closed": "on",
}

#: Required (asterisked) fields per kind in docs/DOMAIN.md. Conditional requirements
#: (referred_to, summary, due_on) are tested separately.
REQUIRED: dict[str, tuple[str, ...]] = {
    "registered": ("received_on", "route", "partner_type", "services", "topics",
                   "target_group", "summary"),
    "triaged": ("decided_on", "decision", "reason_code", "reason"),
    "handover_confirmed": ("on",),
    "assigned": ("on", "handler"),
    "note": ("on", "text"),
    "partner_informed": ("on", "about"),
    "data_requested": ("requested_on", "service", "what"),
    "consulted": ("on", "with"),
    "opinion_sent": ("sent_on", "service", "proposed_solution"),
    "reminder_sent": ("on", "service"),
    "service_response": ("received_on", "service", "response"),
    "escalated": ("on", "service", "level", "reason"),
    "escalation_response": ("received_on", "service", "response"),
    "paused": ("from_on", "procedure", "citizen_consent", "agreed_with"),
    "resumed": ("on",),
    "deadline_set": ("on", "deadline_kind", "start_on"),
    "deadline_met": ("on", "deadline", "result"),
    "closed": ("closed_on", "outcome", "solution", "powers_sufficient"),
    "closing_interview": ("held_on",),
    "reopened": ("on", "reason"),
    "story": ("on", "text"),
    "story_approved": ("on", "by"),
    "signal_linked": ("on", "signal"),
    "signal_unlinked": ("on", "signal"),
    "text_erased": ("on", "target", "fields", "reason"),
    "case_destroyed": ("on", "reason"),
    "corrected": ("target", "payload", "reason"),
    "retracted": ("target", "reason"),
    "signal_created": ("created_on", "title", "problem", "proposed_solution", "theme",
                       "services"),
    "signal_submitted": ("on", "recipient"),
    "signal_response": ("received_on", "status"),
    "signal_feedback_given": ("on", "to"),
    "signal_closed": ("on",),
}

_MINIMAL: dict[str, dict[str, Any]] = {
    "registered": {
        "route": "maatschappelijke_partner", "partner_type": "sociaal_raadslieden",
        "services": ["belastingdienst"], "topics": ["inkomstenbelasting"],
        "target_group": "burger", "summary": "Aanslag vastgelopen na bezwaar.",
    },
    "triaged": {"decision": "in_behandeling", "reason_code": "vastgelopen_casus",
                "reason": "Vastgelopen na bezwaar."},
    "handover_confirmed": {},
    "assigned": {"handler": "Bert"},
    "note": {"text": "Gebeld met de aandrager."},
    "partner_informed": {"about": "ontvangst"},
    "data_requested": {"service": "belastingdienst", "what": "Dossieroverzicht"},
    "consulted": {"with": "Teamleider invordering"},
    "opinion_sent": {"service": "belastingdienst",
                     "proposed_solution": "Betalingsregeling herzien."},
    "reminder_sent": {"service": "belastingdienst"},
    "service_response": {"service": "belastingdienst", "response": "overgenomen"},
    "escalated": {"service": "belastingdienst", "level": "teamleider",
                  "reason": "Geen reactie op de zienswijze."},
    "escalation_response": {"service": "belastingdienst", "response": "overgenomen"},
    "paused": {"procedure": "Dwanginvordering", "citizen_consent": True,
               "agreed_with": "Teamleider invordering"},
    "resumed": {},
    "deadline_set": {"deadline_kind": "bezwaartermijn"},  # start_on added below
    "deadline_met": {"deadline": "onbekend", "result": "gehaald"},
    "closed": {"outcome": "opgelost", "solution": "Aanslag verminderd.",
               "powers_sufficient": "ja"},
    "closing_interview": {},
    "reopened": {"reason": "De dienst voert de oplossing niet uit."},
    "story": {"text": "Een zzp'er liep vast in de invordering."},
    "story_approved": {"by": "Carla"},
    "signal_linked": {"signal": "S-2025-TST-001"},
    "signal_unlinked": {"signal": "S-2025-TST-001"},
    "text_erased": {"target": "onbekend", "fields": ["text"], "reason": "BSN getypt."},
    "case_destroyed": {"reason": "Archiefwet: bewaartermijn verstreken."},
    "signal_created": {"title": "Brieven onbegrijpelijk", "problem": "Te complex.",
                       "proposed_solution": "Brief herschrijven.",
                       "theme": "dienstverlening", "services": ["belastingdienst"]},
    "signal_submitted": {"recipient": "ksms_belastingdienst"},
    "signal_response": {"status": "in_behandeling"},
    "signal_feedback_given": {"to": "Aandragers"},
    "signal_closed": {},
    "corrected": {"target": "onbekend", "payload": {}, "reason": "Tikfout."},
    "retracted": {"target": "onbekend", "reason": "Registratiefout."},
}

CASE_KINDS_DOMAIN: tuple[str, ...] = (
    "registered", "triaged", "handover_confirmed", "assigned", "note", "partner_informed",
    "data_requested", "consulted", "opinion_sent", "reminder_sent", "service_response",
    "escalated", "escalation_response", "paused", "resumed", "deadline_set",
    "deadline_met", "closed", "closing_interview", "reopened", "story", "story_approved",
    "signal_linked", "signal_unlinked", "text_erased", "case_destroyed",
)
SIGNAL_KINDS_DOMAIN: tuple[str, ...] = (
    "signal_created", "signal_submitted", "signal_response", "signal_feedback_given",
    "signal_closed",
)
META_KINDS_DOMAIN: tuple[str, ...] = ("corrected", "retracted")
ALL_KINDS_DOMAIN = CASE_KINDS_DOMAIN + SIGNAL_KINDS_DOMAIN + META_KINDS_DOMAIN


def payload(kind: str, on: str | None = "2025-03-10", **fields: Any) -> dict[str, Any]:
    """A valid payload of ``kind`` with only its required fields, dated ``on``."""
    p = copy.deepcopy(_MINIMAL[kind])
    date_field = DATE_OF.get(kind)
    if date_field is not None and on is not None:
        p[date_field] = on
    if kind == "deadline_set":
        p.setdefault("start_on", on)
    for name, value in fields.items():
        p["with" if name == "with_" else name] = value
    return p


def file_event(kind: str, on: str | None = "2025-03-10", **fields: Any) -> dict[str, Any]:
    """The same payload in interchange form: ``{"kind": ..., ...}``."""
    return {"kind": kind, **payload(kind, on, **fields)}


class Log:
    """The events of one case or signal, built in memory like the register would.

    Every event gets the next stamp of a hybrid clock whose wall clock advances one
    second per event, so hlc order is the order of the ``add`` calls unless ``ms``
    is given.
    """

    def __init__(self, entity: str = "case", actor: str = "Anna", device: str = DEVICE,
                 number: str | None = None) -> None:
        self.entity = entity
        self.entity_id = new_id()
        self.actor = actor
        self.device = device
        self.number = number or ("2025-TST-0001" if entity == "case" else "S-2025-TST-001")
        self.clocks: dict[str, HybridClock] = {}
        self.ms = START_MS
        self.events: list[Event] = []
        self.by_id: dict[str, Event] = {}

    def _hlc(self, device: str, ms: int | None) -> str:
        clock = self.clocks.setdefault(device, HybridClock(device))
        if ms is None:
            self.ms += 1000
            ms = self.ms
        return clock.next(wall_ms=ms)

    def raw(self, kind: str, body: dict[str, Any], occurred_on: date, *,
            actor: str | None = None, device: str | None = None, ms: int | None = None,
            flag: str | None = None) -> Event:
        """Append an event exactly as given (no validation, no derived date)."""
        dev = device or self.device
        ev = Event(
            id=new_id(),
            entity=self.entity,
            entity_id=self.entity_id,
            number=self.number if not self.events else None,
            kind=kind,
            occurred_on=occurred_on,
            hlc=self._hlc(dev, ms),
            actor=self.actor if actor is None else actor,
            device=dev,
            payload=body,
            recorded_at="2025-01-01T00:00:00Z",
            flag=flag,
        )
        self.events.append(ev)
        self.by_id[ev.id] = ev
        return ev

    def add(self, kind: str, on: str, *, actor: str | None = None,
            device: str | None = None, ms: int | None = None, flag: str | None = None,
            **fields: Any) -> Event:
        body = payload(kind, on, **fields)
        return self.raw(kind, body, date.fromisoformat(on), actor=actor, device=device,
                        ms=ms, flag=flag)

    def correct(self, target: Event, *, supersedes: Event | None = None,
                base: dict[str, Any] | None = None, ms: int | None = None,
                device: str | None = None, **changes: Any) -> Event:
        """A ``corrected`` event with the target's payload (or ``base``) plus changes."""
        new = dict(target.payload if base is None else base)
        for name, value in changes.items():
            new["with" if name == "with_" else name] = value
        body: dict[str, Any] = {"target": target.id, "payload": new,
                                "reason": "Correctie."}
        if supersedes is not None:
            body["supersedes"] = supersedes.id
        date_field = DATE_OF.get(target.kind, "")
        on = new.get(date_field)
        occurred = date.fromisoformat(on) if isinstance(on, str) else target.occurred_on
        return self.raw("corrected", body, occurred, ms=ms, device=device)

    def retract(self, target: Event, *, ms: int | None = None) -> Event:
        body = {"target": target.id, "reason": "Registratiefout."}
        return self.raw("retracted", body, target.occurred_on, ms=ms)


def case_log(received_on: str = "2025-03-03", *, triage: str | None = "in_behandeling",
             triaged_on: str = "2025-03-05", actor: str = "Anna") -> Log:
    """A registered case, triaged with ``triage`` unless it is None."""
    log = Log(actor=actor)
    log.add("registered", received_on)
    if triage is not None:
        extra = {"referred_to": "bd_lrh"} if triage == "doorverwezen" else {}
        log.add("triaged", triaged_on, decision=triage, **extra)
    return log
