"""The showcase: the open cases a trainee must see on the demo's last day."""

from __future__ import annotations

import random
from typing import Any

from app.demo import draws, phrases
from app.demo.eventlists import copy_payload, resolve
from app.demo.generator import Generator
from app.demo.timeline import Event, back, fwd

SHOWCASE_SPAN = 90


def showcase_cases(gen: Generator, rng: random.Random, end: int) -> list[dict[str, Any]]:
    """Open cases that show, on the day ``end``, what the office watches every day.

    A simulated year rarely ends with an escalation still open or a term running out
    next week, yet Termijnbewaking, "Termijn binnen 14 dagen" and "Open escalaties" are
    what a trainee must learn to read. So the demo adds, relative to ``end``: an overdue
    and two soon-due deadlines (one of them inside a running pause), open escalations
    at two levels, two cases waiting for a service (one past its reply date, with a
    reminder), a paused case, a conflict between two corrections made without knowledge
    of each other (docs/ARCHITECTURE.md "The fold"), and three handlers with several open
    cases each. Dates are working days; the intake texts come from the simulation's own
    phrase tables, so they pass the personal-data lint like every other case.
    """
    handlers = rng.sample(phrases.HANDLERS, 3)
    a, b, c = handlers
    out: list[dict[str, Any]] = []

    def day(offset: int) -> int:
        """A working day ``offset`` days before ``end`` (never after it)."""
        return back(end - offset)

    remedies: dict[int, str] = {}

    def start(ref: str, received: int, handler: str) -> tuple[list[Event], str]:
        reg, info = gen._registered(received)
        svc: str = info["services"][0]
        decided = fwd(received + rng.randint(1, 4))
        events: list[Event] = [
            reg,
            {"kind": "partner_informed", "on": gen.iso[received], "about": "ontvangst",
             "how": draws.HOW(rng)},
            {"kind": "triaged", "decided_on": gen.iso[decided], "decision": "in_behandeling",
             "reason_code": "vastgelopen_casus",
             "reason": rng.choice(phrases.TRIAGE_REASON["vastgelopen_casus"])},
            {"kind": "assigned", "on": gen.iso[decided], "handler": handler},
        ]
        out.append({"ref": ref, "events": events})
        remedies[id(events)] = info["remedy"]
        return events, svc

    def opinion(events: list[Event], svc: str, sent: int, due: int | None = None) -> None:
        ev: Event = {"kind": "opinion_sent", "sent_on": gen.iso[sent], "service": svc,
                     "proposed_solution": rng.choice(phrases.PROPOSAL[remedies[id(events)]])}
        if due is not None:
            ev["reply_due_on"] = gen.iso[due]
        events.append(ev)

    def refused(events: list[Event], kind: str, svc: str, on: int) -> None:
        events.append({"kind": kind, "received_on": gen.iso[on], "service": svc,
                       "response": "gemotiveerd_afgewezen",
                       "summary": "De dienst ziet geen ruimte en licht dat schriftelijk toe."})

    def escalate(events: list[Event], svc: str, on: int, level: str) -> None:
        events.append({"kind": "escalated", "on": gen.iso[on], "service": svc, "level": level,
                       "reason": rng.choice(phrases.ESCALATION_REASON)})

    # 1. an overdue bezwaartermijn: its last day lies about ten days back
    events, svc = start("T-01", day(60), a)
    events.append({"kind": "deadline_set", "on": gen.iso[day(55)],
                   "deadline_kind": "bezwaartermijn", "start_on": gen.iso[end - 42 - 12],
                   "description": "Bezwaartermijn tegen de aanslag; bezwaar nog niet ingediend."})
    events.append({"kind": "data_requested", "requested_on": gen.iso[day(40)], "service": svc,
                   "what": "Dossieroverzicht met aanslagen en betalingen"})

    # 2. a bezwaartermijn that ends within a week, and a beslistermijn in ten days
    events, svc = start("T-02", day(35), b)
    events.append({"kind": "deadline_set", "on": gen.iso[day(30)],
                   "deadline_kind": "bezwaartermijn", "start_on": gen.iso[end - 42 + 4],
                   "description": "Bezwaartermijn tegen de terugvordering."})
    events.append({"kind": "deadline_set", "on": gen.iso[day(30)],
                   "deadline_kind": "beslistermijn", "start_on": gen.iso[day(45)],
                   "due_on": gen.iso[fwd(end + 10)],
                   "description": "De dienst beslist op het bezwaar."})

    # 3. an open escalation at the first level
    events, svc = start("T-03", day(75), a)
    opinion(events, svc, day(55))
    refused(events, "service_response", svc, day(30))
    escalate(events, svc, day(12), "teamleider")

    # 4. an open escalation two levels up, after a refusal at the first
    events, svc = start("T-04", day(85), c)
    opinion(events, svc, day(70))
    refused(events, "service_response", svc, day(60))
    escalate(events, svc, day(50), "teamleider")
    refused(events, "escalation_response", svc, day(35))
    escalate(events, svc, day(8), "directeur")

    # 5. waiting for the service, the reply due in two weeks
    events, svc = start("T-05", day(40), b)
    opinion(events, svc, day(14), fwd(end + 14))

    # 6. waiting for the service past its reply date: a reminder went out
    events, svc = start("T-06", day(70), c)
    opinion(events, svc, day(45), day(10))
    events.append({"kind": "reminder_sent", "on": gen.iso[day(3)], "service": svc})

    # 7. paused, with a bezwaartermijn that ends inside the pause: it still runs
    events, svc = start("T-07", day(50), a)
    events.append({"kind": "paused", "from_on": gen.iso[day(20)],
                   "procedure": "Invordering van de aanslag",
                   "citizen_consent": True, "agreed_with": "Teamleider Invordering"})
    events.append({"kind": "deadline_set", "on": gen.iso[day(18)],
                   "deadline_kind": "bezwaartermijn", "start_on": gen.iso[end - 42 + 9],
                   "description": "Bezwaartermijn tegen de beschikking."})

    # 8. two laptops corrected the same assignment without knowing of each other
    events, svc = start("T-08", day(30), b)
    assignment = events[3]
    for other in (c, a):
        fixed = copy_payload(assignment)
        fixed["handler"] = other
        events.append({"kind": "corrected", "target": assignment, "payload": fixed,
                       "reason": "Casus overgedragen na het casusoverleg."})
    for case in out:
        resolve(case["events"])
    return out

