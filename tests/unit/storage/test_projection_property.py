"""Rebuilt projections equal incremental ones, over random sequences of steps.

Hypothesis drives a register through whatever steps the workflow offers (and random
corrections, retractions and back-dated steps, which may be refused); afterwards the
stored projections must equal a rebuild from the events (what ``verify`` checks).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.model.errors import UserError
from app.storage.projections import case_rows
from app.storage.verify import verify
from tests.helpers.registers import make_register, registration

START = date(2025, 1, 6)


def payload_for(kind: str, on: date, state: Any, draw: Any, signal: str) -> dict[str, Any]:
    d = on.isoformat()
    service = draw(st.sampled_from(["belastingdienst", "dienst_toeslagen"]))
    response = draw(st.sampled_from(["overgenomen", "deels_overgenomen",
                                     "gemotiveerd_afgewezen"]))
    if kind == "triaged":
        decision = draw(st.sampled_from(["in_behandeling", "in_behandeling", "doorverwezen",
                                         "niet_in_behandeling"]))
        p = {"decided_on": d, "decision": decision, "reason_code": "vastgelopen_casus",
             "reason": "Beoordeeld."}
        if decision == "doorverwezen":
            p["referred_to"] = "bd_lrh"
        return p
    simple: dict[str, dict[str, Any]] = {
        "assigned": {"on": d, "handler": draw(st.sampled_from(["Anna", "Bram"]))},
        "note": {"on": d, "text": "Notitie."},
        "partner_informed": {"on": d, "about": "tussenstand"},
        "consulted": {"on": d, "with": "LRH"},
        "data_requested": {"requested_on": d, "service": service, "what": "Dossier"},
        "opinion_sent": {"sent_on": d, "service": service, "proposed_solution": "Matigen."},
        "reminder_sent": {"on": d, "service": service},
        "service_response": {"received_on": d, "service": service, "response": response,
                             "summary": "Motivering."},
        "escalated": {"on": d, "service": service, "level": "teamleider", "reason": "Nee."},
        "escalation_response": {"received_on": d, "service": service, "response": response},
        "paused": {"from_on": d, "procedure": "invordering", "citizen_consent": True,
                   "agreed_with": "Teamleider"},
        "resumed": {"on": d},
        "deadline_set": {"on": d, "deadline_kind": "bezwaartermijn",
                         "start_on": (on - timedelta(days=10)).isoformat()},
        "closed": {"closed_on": d, "outcome": "opgelost", "solution": "Opgelost.",
                   "powers_sufficient": "ja", "powers_used": ["regiefunctie"]},
        "closing_interview": {"held_on": d, "citizen_score": draw(st.integers(1, 10))},
        "reopened": {"on": d, "reason": "Nieuwe brief."},
        "story": {"on": d, "text": "Een verhaal."},
        "story_approved": {"on": d, "by": "Tweede lezer"},
        "signal_linked": {"on": d, "signal": signal},
        "signal_unlinked": {"on": d, "signal": signal},
        "handover_confirmed": {"on": d, "by": "LRH"},
    }
    if kind == "deadline_met":
        open_ = [x.event_id for x in state.deadlines if x.met_on is None]
        return {"on": d, "deadline": open_[0], "result": "gehaald"}
    return simple[kind]


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    reg = make_register(tmp_path_factory.mktemp("prop"))
    reg.today = lambda: date(2026, 6, 30)
    sig = reg.create_signal({"created_on": "2025-01-02", "title": "Signaal",
                             "problem": "Knelpunt.", "proposed_solution": "Oplossing.",
                             "theme": "overig", "services": ["belastingdienst"]})
    yield reg, sig.number
    reg.close()


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(data=st.data())
def test_incremental_projection_equals_rebuild(shared, data):
    reg, signal = shared
    received = START + timedelta(days=data.draw(st.integers(0, 200)))
    n = reg.register_case(registration(received_on=received.isoformat())).number
    day = received
    for _ in range(data.draw(st.integers(1, 14))):
        state = reg.case(n).state
        action = data.draw(st.sampled_from(["step", "step", "step", "correct", "retract"]))
        try:
            if action == "step" and state.next_steps:
                kind = data.draw(st.sampled_from(state.next_steps))
                back = data.draw(st.integers(-5, 20))
                on = max(received, day + timedelta(days=back))
                reg.append(n, kind, payload_for(kind, on, state, data.draw, signal))
                day = max(day, on)
            elif action == "correct" and len(state.effective) > 1:
                eff = data.draw(st.sampled_from(state.effective[1:]))
                if eff.kind in ("signal_linked", "signal_unlinked", "deadline_met"):
                    continue
                from app.model.events import DATE_FIELD

                shift = data.draw(st.integers(-3, 3))
                new = dict(eff.payload)
                field = DATE_FIELD[eff.kind]
                new[field] = max(received, eff.on + timedelta(days=shift)).isoformat()
                reg.correct(eff.id, new, "Correctie in test")
            elif action == "retract" and len(state.effective) > 1:
                eff = data.draw(st.sampled_from(state.effective[1:]))
                reg.retract(eff.id, "Registratiefout")
        except UserError:
            pass  # refused with a reason: the register must be unchanged and consistent
    events = reg.case(n).events
    _, rebuilt, deadlines, _links = case_rows(events)
    stored = reg.conn.execute("SELECT * FROM cases WHERE number = ?", (n,)).fetchone()
    assert tuple(stored) == rebuilt
    stored_deadlines = {r[0] for r in reg.conn.execute(
        "SELECT event_id FROM deadlines WHERE case_id = ?", (rebuilt[0],))}
    assert stored_deadlines == {d[0] for d in deadlines}
    state = reg.case(n).state
    assert not state.violations  # the register never accepted a rule-breaking step


def test_verify_after_the_random_walks(shared):
    reg, _ = shared
    report = verify(reg)
    assert report.ok, report.problems
