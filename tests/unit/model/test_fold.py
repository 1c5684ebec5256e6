"""The fold (docs/ARCHITECTURE.md "The fold", docs/DOMAIN.md lifecycle and phases).

Everything a handler sees of a case is folded from its events, so these tests build
small event logs in memory and check the state the fold derives: status and phase,
resolution path, corrections and retractions, pauses, deadlines, signals, ``as_of``,
and that the fold is total and deterministic.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.model.eventlog import Event
from app.model.fold import CaseState, Conflict, effective_events, fold_case, fold_signal
from tests.helpers.model_builders import OTHER_DEVICE, START_MS, Log, case_log

D = date.fromisoformat
STATUSES = {"aangemeld", "in_behandeling", "doorverwezen", "niet_in_behandeling",
            "afgerond"}
PHASES = {"pauzeknop_actief", "geescaleerd", "wacht_op_reactie", "onderzoek"}


def violated(state: Any) -> set[str]:
    return {event_id for event_id, _ in state.violations}


def kinds(state: CaseState) -> list[str]:
    return [e.kind for e in state.effective]


# --- status and phase ------------------------------------------------------------------


def test_registered_case_is_aangemeld_without_phase() -> None:
    log = case_log(received_on="2025-03-03", triage=None)
    state = fold_case(log.events)
    assert state.status == "aangemeld"
    assert state.phase is None
    assert state.received_on == D("2025-03-03")
    assert state.number == "2025-TST-0001"
    assert state.registered_by == "Anna"
    assert state.violations == []


@pytest.mark.parametrize("decision", ["doorverwezen", "niet_in_behandeling"])
def test_referred_or_refused_case_has_no_phase(decision: str) -> None:
    state = fold_case(case_log(triage=decision).events)
    assert state.status == decision
    assert state.phase is None
    assert state.triaged_on == D("2025-03-05")
    assert state.triage is not None and state.triage["decision"] == decision


def test_in_treatment_starts_in_onderzoek() -> None:
    state = fold_case(case_log().events)
    assert (state.status, state.phase) == ("in_behandeling", "onderzoek")


def test_opinion_without_response_waits_for_the_service() -> None:
    log = case_log()
    log.add("opinion_sent", "2025-03-10", service="belastingdienst")
    state = fold_case(log.events)
    assert state.phase == "wacht_op_reactie"
    assert state.waiting_since == D("2025-03-10")


def test_response_of_that_service_ends_waiting() -> None:
    log = case_log()
    log.add("opinion_sent", "2025-03-10", service="belastingdienst")
    log.add("service_response", "2025-03-20", service="belastingdienst")
    state = fold_case(log.events)
    assert state.phase == "onderzoek"
    assert state.waiting_since is None


def test_response_of_another_service_does_not_end_waiting() -> None:
    log = case_log()
    log.add("opinion_sent", "2025-03-10", service="belastingdienst")
    log.add("service_response", "2025-03-20", service="dienst_toeslagen")
    assert fold_case(log.events).phase == "wacht_op_reactie"


def test_response_dated_before_the_opinion_does_not_count() -> None:
    """Only a *later* service_response ends the wait."""
    log = case_log()
    log.add("service_response", "2025-03-08")
    log.add("opinion_sent", "2025-03-10")
    assert fold_case(log.events).phase == "wacht_op_reactie"


def test_second_opinion_after_a_response_waits_again() -> None:
    log = case_log()
    log.add("opinion_sent", "2025-03-10")
    log.add("service_response", "2025-03-20")
    log.add("opinion_sent", "2025-03-25")
    state = fold_case(log.events)
    assert state.phase == "wacht_op_reactie"
    assert state.waiting_since == D("2025-03-25")


def test_waiting_since_is_the_oldest_open_opinion() -> None:
    log = case_log()
    log.add("opinion_sent", "2025-03-12", service="dienst_toeslagen")
    log.add("opinion_sent", "2025-03-10", service="belastingdienst")
    log.add("opinion_sent", "2025-03-15", service="belastingdienst")
    assert fold_case(log.events).waiting_since == D("2025-03-10")


def test_escalation_beats_waiting() -> None:
    log = case_log()
    log.add("opinion_sent", "2025-03-10")
    log.add("escalated", "2025-03-20")
    assert fold_case(log.events).phase == "geescaleerd"


def test_escalation_response_ends_escalation() -> None:
    log = case_log()
    log.add("opinion_sent", "2025-03-10")
    log.add("escalated", "2025-03-20")
    log.add("escalation_response", "2025-03-25")
    assert fold_case(log.events).phase == "wacht_op_reactie"
    log.add("service_response", "2025-03-26")
    assert fold_case(log.events).phase == "onderzoek"


def test_escalation_response_before_the_escalation_does_not_count() -> None:
    log = case_log()
    log.add("escalation_response", "2025-03-18")
    log.add("escalated", "2025-03-20")
    assert fold_case(log.events).phase == "geescaleerd"


def test_pause_beats_everything() -> None:
    log = case_log()
    log.add("opinion_sent", "2025-03-10")
    log.add("escalated", "2025-03-20")
    log.add("paused", "2025-03-21")
    state = fold_case(log.events)
    assert state.phase == "pauzeknop_actief"
    assert state.pause_running
    log.add("resumed", "2025-03-25")
    state = fold_case(log.events)
    assert state.phase == "geescaleerd"
    assert not state.pause_running


def test_phase_counts_only_steps_after_the_latest_reopening() -> None:
    log = case_log()
    log.add("opinion_sent", "2025-03-10")
    log.add("escalated", "2025-03-15")
    log.add("closed", "2025-03-20")
    log.add("reopened", "2025-04-01")
    state = fold_case(log.events)
    assert (state.status, state.phase) == ("in_behandeling", "onderzoek")
    assert state.waiting_since is None
    assert state.reopened == 1
    assert state.closed_on is None and state.closing is None
    log.add("opinion_sent", "2025-04-05")
    assert fold_case(log.events).phase == "wacht_op_reactie"


def test_closed_case_is_afgerond_with_closing() -> None:
    log = case_log()
    log.add("closed", "2025-03-20", outcome="deels_opgelost")
    state = fold_case(log.events)
    assert state.status == "afgerond"
    assert state.phase is None
    assert state.closed_on == D("2025-03-20")
    assert state.closing is not None and state.closing["outcome"] == "deels_opgelost"


# --- resolution path ----------------------------------------------------------------------


def test_closed_without_escalation() -> None:
    log = case_log()
    log.add("opinion_sent", "2025-03-10")
    log.add("closed", "2025-03-20")
    assert fold_case(log.events).path == "zonder_escalatie"


@pytest.mark.parametrize("escalated_on", ["2025-03-12", "2025-03-20"])
def test_closed_after_escalation_on_or_before_closing(escalated_on: str) -> None:
    log = case_log()
    log.add("escalated", escalated_on)
    log.add("escalation_response", "2025-03-20")
    log.add("closed", "2025-03-20")
    assert fold_case(log.events).path == "na_escalatie"


def test_escalation_in_an_earlier_round_still_counts() -> None:
    log = case_log()
    log.add("escalated", "2025-03-10")
    log.add("closed", "2025-03-20")
    log.add("reopened", "2025-04-01")
    log.add("closed", "2025-04-10")
    state = fold_case(log.events)
    assert state.closed_on == D("2025-04-10")
    assert state.path == "na_escalatie"


def test_path_only_for_closed_cases() -> None:
    log = case_log()
    log.add("escalated", "2025-03-10")
    assert fold_case(log.events).path is None
    log.add("closed", "2025-03-20")
    log.add("reopened", "2025-03-25")
    assert fold_case(log.events).path is None


def test_retracted_escalation_gives_zonder_escalatie() -> None:
    log = case_log()
    esc = log.add("escalated", "2025-03-10")
    log.add("closed", "2025-03-20")
    log.retract(esc)
    assert fold_case(log.events).path == "zonder_escalatie"


# --- corrections --------------------------------------------------------------------------


def test_latest_correction_by_hlc_wins() -> None:
    log = case_log()
    note = log.add("note", "2025-03-10", text="eerste")
    c1 = log.correct(note, text="tweede")
    c2 = log.correct(note, supersedes=c1, text="derde")
    state = fold_case(log.events)
    eff = next(e for e in state.effective if e.id == note.id)
    assert eff.payload["text"] == "derde"
    assert [c.id for c in eff.corrections] == [c1.id, c2.id]
    assert state.log.conflicts == []
    assert len(state.effective) == 3  # corrections are not steps of their own


def test_supersedes_chain_of_three() -> None:
    log = case_log()
    note = log.add("note", "2025-03-10", text="a")
    c1 = log.correct(note, text="b")
    c2 = log.correct(note, supersedes=c1, text="c")
    log.correct(note, supersedes=c2, text="d")
    eff = next(e for e in fold_case(log.events).effective if e.id == note.id)
    assert eff.payload["text"] == "d"


def test_correction_changes_the_decision_and_thus_the_status() -> None:
    log = case_log(triage=None)
    triage = log.add("triaged", "2025-03-05", decision="in_behandeling")
    log.correct(triage, decision="doorverwezen", referred_to="juridisch_loket")
    state = fold_case(log.events)
    assert state.status == "doorverwezen"
    assert state.triage is not None and state.triage["referred_to"] == "juridisch_loket"
    assert state.violations == []


def test_correction_moves_a_date_and_reorders_the_sequence() -> None:
    log = case_log()
    log.add("opinion_sent", "2025-03-10")
    response = log.add("service_response", "2025-03-20")
    assert fold_case(log.events).phase == "onderzoek"
    log.correct(response, received_on="2025-03-08")
    state = fold_case(log.events)
    assert kinds(state) == ["registered", "triaged", "service_response", "opinion_sent"]
    eff = next(e for e in state.effective if e.id == response.id)
    assert eff.on == D("2025-03-08")
    assert state.phase == "wacht_op_reactie"


def test_correction_of_the_registration_date() -> None:
    log = case_log(received_on="2025-03-03")
    reg = log.events[0]
    log.correct(reg, received_on="2025-03-01")
    state = fold_case(log.events)
    assert state.received_on == D("2025-03-01")
    assert state.violations == []


def test_correction_that_moves_a_step_before_receipt_is_a_violation() -> None:
    log = case_log(received_on="2025-03-03")
    note = log.add("note", "2025-03-10")
    log.correct(note, on="2025-03-01")
    assert note.id in violated(fold_case(log.events))


def test_order_within_a_day_is_by_hlc() -> None:
    log = case_log()
    late = log.add("closed", "2025-03-10", ms=START_MS + 10_000_000)
    # recorded later on another laptop whose clock is behind: an earlier stamp
    early = log.add("opinion_sent", "2025-03-10", ms=START_MS + 5_000_000,
                    device=OTHER_DEVICE)
    assert early.hlc < late.hlc
    state = fold_case(log.events)
    assert [e.id for e in state.effective][-2:] == [early.id, late.id]
    assert state.violations == []


def test_conflicting_corrections_are_listed_and_later_hlc_wins() -> None:
    log = case_log()
    note = log.add("note", "2025-03-10", text="origineel")
    # made on two laptops without knowledge of each other; B's stamp is later,
    # although B's event is added to the list first
    b = log.correct(note, device=OTHER_DEVICE, ms=START_MS + 9_000_000, text="laptop B")
    a = log.correct(note, ms=START_MS + 8_000_000, text="laptop A")
    assert b.hlc > a.hlc
    state = fold_case(log.events)
    eff = next(e for e in state.effective if e.id == note.id)
    assert eff.payload["text"] == "laptop B"
    assert state.log.conflicts == [Conflict(note.id, None, winner=b.id, loser=a.id)]
    assert state.violations == []


def test_conflict_on_the_same_superseded_correction() -> None:
    log = case_log()
    note = log.add("note", "2025-03-10", text="a")
    c1 = log.correct(note, text="b")
    x = log.correct(note, supersedes=c1, text="x")
    y = log.correct(note, supersedes=c1, text="y", device=OTHER_DEVICE)
    state = fold_case(log.events)
    assert state.log.conflicts == [Conflict(note.id, c1.id, winner=y.id, loser=x.id)]
    eff = next(e for e in state.effective if e.id == note.id)
    assert eff.payload["text"] == "y"


def test_resolving_correction_becomes_effective() -> None:
    log = case_log()
    note = log.add("note", "2025-03-10", text="a")
    log.correct(note, text="b")
    winner = log.correct(note, text="c", device=OTHER_DEVICE)
    log.correct(note, supersedes=winner, text="opgelost")
    eff = next(e for e in fold_case(log.events).effective if e.id == note.id)
    assert eff.payload["text"] == "opgelost"


def test_resolved_conflict_is_no_longer_listed() -> None:
    log = case_log()
    note = log.add("note", "2025-03-10", text="a")
    log.correct(note, text="b")
    winner = log.correct(note, text="c", device=OTHER_DEVICE)
    log.correct(note, supersedes=winner, text="opgelost")
    assert fold_case(log.events).log.conflicts == []


def test_no_conflict_for_corrections_of_different_events() -> None:
    log = case_log()
    n1 = log.add("note", "2025-03-10", text="a")
    n2 = log.add("note", "2025-03-11", text="b")
    log.correct(n1, text="a2")
    log.correct(n2, text="b2")
    assert fold_case(log.events).log.conflicts == []


def test_correction_pointing_nowhere_is_a_problem_not_an_error() -> None:
    log = case_log()
    bad = log.raw("corrected", {"target": "bestaat-niet", "reason": "x",
                                "payload": {"on": "2025-03-10", "text": "x"}}, D("2025-03-10"))
    state = fold_case(log.events)
    assert bad.id in {e for e, _ in state.log.problems}
    assert bad.id in violated(state)
    assert state.status == "in_behandeling"


def test_correction_of_a_correction_is_a_problem() -> None:
    log = case_log()
    note = log.add("note", "2025-03-10")
    c1 = log.correct(note, text="b")
    bad = log.raw("corrected", {"target": c1.id, "payload": {"on": "2025-03-10"},
                                "reason": "x"}, D("2025-03-10"))
    state = fold_case(log.events)
    assert bad.id in violated(state)
    eff = next(e for e in state.effective if e.id == note.id)
    assert eff.payload["text"] == "b"


@pytest.mark.parametrize("new", [None, "tekst", {}, {"text": "zonder datum"},
                                 {"on": "geen datum", "text": "x"}])
def test_correction_without_usable_payload_is_a_problem(new: Any) -> None:
    log = case_log()
    note = log.add("note", "2025-03-10", text="origineel")
    bad = log.raw("corrected", {"target": note.id, "payload": new, "reason": "x"},
                  D("2025-03-10"))
    state = fold_case(log.events)
    assert bad.id in violated(state)
    eff = next(e for e in state.effective if e.id == note.id)
    assert eff.payload["text"] == "origineel"


# --- retractions --------------------------------------------------------------------------


def test_retraction_voids_the_target() -> None:
    log = case_log()
    closed = log.add("closed", "2025-03-20")
    assert fold_case(log.events).status == "afgerond"
    log.retract(closed)
    state = fold_case(log.events)
    assert state.status == "in_behandeling"
    assert [e.id for e in state.log.voided] == [closed.id]
    assert closed.id not in {e.id for e in state.effective}


def test_retraction_voids_every_correction_of_the_target() -> None:
    log = case_log()
    note = log.add("note", "2025-03-10")
    c1 = log.correct(note, on="2025-03-12")
    log.correct(note, supersedes=c1, on="2025-03-14")
    log.retract(note)
    state = fold_case(log.events)
    assert "note" not in kinds(state)
    assert state.last_step_on == D("2025-03-05")


def test_retracting_a_correction_falls_back_to_the_previous_payload() -> None:
    log = case_log()
    note = log.add("note", "2025-03-10", text="a")
    c1 = log.correct(note, text="b")
    c2 = log.correct(note, supersedes=c1, text="c")
    log.retract(c2)
    eff = next(e for e in fold_case(log.events).effective if e.id == note.id)
    assert eff.payload["text"] == "b"
    log.retract(c1)
    eff = next(e for e in fold_case(log.events).effective if e.id == note.id)
    assert eff.payload["text"] == "a"
    assert eff.corrections == ()


def test_retracting_the_only_correction_restores_the_original_date() -> None:
    log = case_log()
    response = log.add("service_response", "2025-03-20")
    fix = log.correct(response, received_on="2025-03-25")
    log.retract(fix)
    eff = next(e for e in fold_case(log.events).effective if e.id == response.id)
    assert eff.on == D("2025-03-20")


def test_registration_cannot_be_retracted() -> None:
    log = case_log()
    bad = log.retract(log.events[0])
    state = fold_case(log.events)
    assert bad.id in violated(state)
    assert state.status == "in_behandeling"
    assert kinds(state)[0] == "registered"


def test_retraction_pointing_nowhere_is_a_problem() -> None:
    log = case_log()
    bad = log.raw("retracted", {"target": "bestaat-niet", "reason": "x"}, D("2025-03-10"))
    state = fold_case(log.events)
    assert bad.id in violated(state)
    assert len(state.effective) == 2


def test_retraction_turns_a_violation_into_a_valid_case() -> None:
    log = case_log()
    second = log.add("triaged", "2025-03-06", decision="niet_in_behandeling")
    assert violated(fold_case(log.events)) == {second.id}
    log.retract(second)
    state = fold_case(log.events)
    assert state.violations == []
    assert state.status == "in_behandeling"


def test_step_before_receipt_is_reported_for_its_date() -> None:
    log = case_log(received_on="2025-03-03", triage=None)
    early = log.add("triaged", "2025-02-28", decision="in_behandeling")
    state = fold_case(log.events)
    reasons = dict(state.violations)
    assert early.id in reasons
    assert "03-03-2025" in reasons[early.id]


def test_step_before_receipt_does_not_make_the_registration_a_violation() -> None:
    log = case_log(received_on="2025-03-03", triage=None)
    early = log.add("triaged", "2025-02-28", decision="in_behandeling")
    assert violated(fold_case(log.events)) == {early.id}


def test_step_before_receipt_is_still_folded_like_any_other() -> None:
    """docs/ARCHITECTURE.md: a rule-breaking step (after a merge) is folded and flagged."""
    log = case_log(received_on="2025-03-03", triage=None)
    log.add("triaged", "2025-02-28", decision="in_behandeling")
    state = fold_case(log.events)
    assert (state.status, state.phase) == ("in_behandeling", "onderzoek")
    assert state.triaged_on == date(2025, 2, 28)


# --- pauses -------------------------------------------------------------------------------


def test_pause_ended_by_resumed() -> None:
    log = case_log()
    pause = log.add("paused", "2025-03-06", procedure="Dwanginvordering")
    log.add("resumed", "2025-03-16")
    state = fold_case(log.events)
    assert len(state.pauses) == 1
    p = state.pauses[0]
    assert (p.event_id, p.start, p.end, p.ended_by) == (pause.id, D("2025-03-06"),
                                                        D("2025-03-16"), "resumed")
    assert p.procedure == "Dwanginvordering"
    assert state.paused_days() == 10
    assert not state.pause_running


def test_pause_ended_by_closing() -> None:
    log = case_log()
    log.add("paused", "2025-03-06")
    log.add("closed", "2025-03-26")
    state = fold_case(log.events)
    p = state.pauses[0]
    assert (p.end, p.ended_by) == (D("2025-03-26"), "closed")
    assert state.paused_days() == 20
    assert not state.pause_running


def test_running_pause_counts_up_to_a_given_day() -> None:
    log = case_log()
    log.add("paused", "2025-03-06")
    state = fold_case(log.events)
    assert state.pause_running
    assert state.pauses[0].end is None
    assert state.paused_days() == 0
    assert state.paused_days(until=D("2025-03-09")) == 3


def test_several_pauses_add_up() -> None:
    log = case_log()
    log.add("paused", "2025-03-06")
    log.add("resumed", "2025-03-08")
    log.add("paused", "2025-03-10")
    log.add("resumed", "2025-03-15")
    state = fold_case(log.events)
    assert state.paused_days() == 2 + 5
    assert [p.ended_by for p in state.pauses] == ["resumed", "resumed"]


# --- deadlines ----------------------------------------------------------------------------


def test_statutory_due_on_computed_when_absent() -> None:
    """docs/DOMAIN.md example: dagtekening Saturday 22-03-2025 -> Tuesday 06-05-2025."""
    log = case_log()
    d = log.raw("deadline_set", {"on": "2025-03-24", "deadline_kind": "bezwaartermijn",
                                 "start_on": "2025-03-22"}, D("2025-03-24"))
    state = fold_case(log.events)
    [deadline] = state.deadlines
    assert deadline.event_id == d.id
    assert deadline.kind == "bezwaartermijn"
    assert deadline.start_on == D("2025-03-22")
    assert deadline.due_on == D("2025-05-06")
    assert deadline.set_on == D("2025-03-24")
    assert deadline.met_on is None and deadline.result is None


def test_recorded_due_on_is_kept() -> None:
    """A recorded due_on never moves, even if the calendar would now say otherwise."""
    log = case_log()
    log.add("deadline_set", "2025-03-24", start_on="2025-03-22", due_on="2025-05-05")
    assert fold_case(log.events).deadlines[0].due_on == D("2025-05-05")


def test_other_deadline_uses_its_entered_due_on() -> None:
    log = case_log()
    log.add("deadline_set", "2025-03-24", deadline_kind="beslistermijn",
            start_on="2025-03-20", due_on="2025-06-30")
    assert fold_case(log.events).deadlines[0].due_on == D("2025-06-30")


def test_deadline_met_and_next_deadline() -> None:
    log = case_log()
    first = log.add("deadline_set", "2025-03-06", deadline_kind="overig",
                    start_on="2025-03-01", due_on="2025-04-01")
    second = log.add("deadline_set", "2025-03-06", deadline_kind="overig",
                     start_on="2025-03-01", due_on="2025-05-01")
    state = fold_case(log.events)
    assert state.next_deadline() is not None
    assert state.next_deadline().event_id == first.id  # type: ignore[union-attr]
    log.add("deadline_met", "2025-03-28", deadline=first.id, result="gehaald")
    state = fold_case(log.events)
    met = next(d for d in state.deadlines if d.event_id == first.id)
    assert (met.met_on, met.result) == (D("2025-03-28"), "gehaald")
    assert state.next_deadline().event_id == second.id  # type: ignore[union-attr]
    log.add("deadline_met", "2025-04-28", deadline=second.id, result="verstreken")
    assert fold_case(log.events).next_deadline() is None


def test_corrected_deadline_start_moves_the_due_date() -> None:
    log = case_log()
    d = log.raw("deadline_set", {"on": "2025-03-24", "deadline_kind": "bezwaartermijn",
                                 "start_on": "2025-03-10"}, D("2025-03-24"))
    log.correct(d, start_on="2025-03-22")
    assert fold_case(log.events).deadlines[0].due_on == D("2025-05-06")


# --- signals of a case --------------------------------------------------------------------


def test_linked_signals_in_link_order_without_doubles() -> None:
    log = case_log()
    log.add("signal_linked", "2025-03-10", signal="S-2025-TST-002")
    log.add("signal_linked", "2025-03-11", signal="S-2025-TST-001")
    log.add("signal_linked", "2025-03-12", signal="S-2025-TST-002")
    assert fold_case(log.events).signals == ["S-2025-TST-002", "S-2025-TST-001"]
    log.add("signal_unlinked", "2025-03-13", signal="S-2025-TST-002")
    state = fold_case(log.events)
    assert state.signals == ["S-2025-TST-001"]


def test_retracted_link_is_not_a_link() -> None:
    log = case_log()
    link = log.add("signal_linked", "2025-03-10", signal="S-2025-TST-001")
    log.retract(link)
    assert fold_case(log.events).signals == []


# --- other derived fields -----------------------------------------------------------------


def test_handler_is_the_latest_assignment() -> None:
    log = case_log()
    assert fold_case(log.events).handler is None
    log.add("assigned", "2025-03-06", handler="Bert")
    log.add("assigned", "2025-03-08", handler="Carla")
    assert fold_case(log.events).handler == "Carla"


def test_approved_story_is_the_latest_story_before_the_approval() -> None:
    log = case_log()
    first = log.add("story", "2025-03-10", text="Eerste versie.")
    log.add("story_approved", "2025-03-11", by="Carla")
    state = fold_case(log.events)
    assert state.approved_story is not None and state.approved_story.id == first.id
    log.add("story", "2025-03-12", text="Tweede versie.", actor="Anna")
    state = fold_case(log.events)
    assert len(state.stories) == 2
    # a new story needs its own approval before it reaches a report
    assert state.approved_story is not None
    assert state.approved_story.id == first.id


def test_last_step_on_is_the_latest_business_date() -> None:
    log = case_log()
    log.add("note", "2025-04-01")
    log.add("note", "2025-03-15")
    assert fold_case(log.events).last_step_on == D("2025-04-01")


def test_flagged_event_is_folded_like_any_other() -> None:
    log = case_log()
    flagged = log.add("closed", "2025-03-10", flag="samengevoegd: regel gebroken")
    assert fold_case(log.events).status == "afgerond"
    assert flagged.flag


# --- as_of --------------------------------------------------------------------------------


def test_as_of_ignores_later_events() -> None:
    log = case_log()
    log.add("opinion_sent", "2025-03-10")
    log.add("closed", "2025-03-20")
    at = fold_case(log.events, as_of=D("2025-03-15"))
    assert (at.status, at.phase) == ("in_behandeling", "wacht_op_reactie")
    assert at.closed_on is None and at.path is None
    assert fold_case(log.events, as_of=D("2025-03-20")).status == "afgerond"
    assert fold_case(log.events, as_of=D("2025-03-04")).status == "aangemeld"


def test_pause_resumed_on_as_of_is_not_running() -> None:
    log = case_log()
    log.add("paused", "2025-03-06")
    log.add("resumed", "2025-03-10")
    on_day = fold_case(log.events, as_of=D("2025-03-10"))
    assert not on_day.pause_running
    assert on_day.phase == "onderzoek"
    assert on_day.paused_days() == 4
    before = fold_case(log.events, as_of=D("2025-03-09"))
    assert before.pause_running
    assert before.phase == "pauzeknop_actief"
    assert before.paused_days(until=D("2025-03-09")) == 3


def test_as_of_uses_the_corrected_date() -> None:
    log = case_log()
    closed = log.add("closed", "2025-03-10")
    log.correct(closed, closed_on="2025-03-30")
    assert fold_case(log.events, as_of=D("2025-03-15")).status == "in_behandeling"
    assert fold_case(log.events, as_of=D("2025-03-30")).status == "afgerond"


def test_effective_events_as_of_drops_later_steps_only() -> None:
    log = case_log()
    log.add("note", "2025-03-10")
    log.add("note", "2025-03-11")
    eff = effective_events(log.events, as_of=D("2025-03-10")).effective
    assert [e.on for e in eff] == [D("2025-03-03"), D("2025-03-05"), D("2025-03-10")]


# --- signals ------------------------------------------------------------------------------


def signal_log() -> Log:
    log = Log(entity="signal")
    log.add("signal_created", "2025-04-20")
    return log


def test_signal_status_progression() -> None:
    log = signal_log()
    state = fold_signal(log.events)
    assert (state.status, state.created_on, state.number) == ("concept", D("2025-04-20"),
                                                             "S-2025-TST-001")
    log.add("signal_submitted", "2025-04-25")
    assert fold_signal(log.events).status == "ingediend"
    log.add("signal_response", "2025-05-10")
    state = fold_signal(log.events)
    assert state.status == "reactie_ontvangen"
    assert state.awaiting_feedback
    log.add("signal_feedback_given", "2025-05-12")
    state = fold_signal(log.events)
    assert state.status == "teruggekoppeld"
    assert not state.awaiting_feedback
    log.add("signal_closed", "2025-06-01")
    state = fold_signal(log.events)
    assert state.status == "gesloten"
    assert state.closed_on == D("2025-06-01")
    assert state.next_steps == []
    assert state.violations == []


def test_signal_new_response_after_feedback_awaits_feedback_again() -> None:
    log = signal_log()
    log.add("signal_submitted", "2025-04-25")
    log.add("signal_response", "2025-05-10")
    log.add("signal_feedback_given", "2025-05-12")
    log.add("signal_response", "2025-05-20")
    state = fold_signal(log.events)
    assert state.awaiting_feedback
    assert len(state.responses) == 2


def test_signal_step_after_closing_is_a_violation() -> None:
    log = signal_log()
    log.add("signal_closed", "2025-05-01")
    late = log.add("signal_submitted", "2025-05-02")
    assert violated(fold_signal(log.events)) == {late.id}


def test_signal_correction_after_closing_is_allowed() -> None:
    log = signal_log()
    sub = log.add("signal_submitted", "2025-04-25", recipient="ibtd")
    log.add("signal_closed", "2025-05-01")
    log.correct(sub, recipient="dienst_toeslagen")
    state = fold_signal(log.events)
    assert state.violations == []
    assert state.submissions[0].payload["recipient"] == "dienst_toeslagen"


def test_signal_created_twice_is_a_violation() -> None:
    log = signal_log()
    again = log.add("signal_created", "2025-04-21")
    assert violated(fold_signal(log.events)) == {again.id}


# --- totality and determinism -------------------------------------------------------------

CASE_STEP_KINDS = [
    "registered", "triaged", "handover_confirmed", "assigned", "note", "partner_informed",
    "data_requested", "consulted", "opinion_sent", "reminder_sent", "service_response",
    "escalated", "escalation_response", "paused", "resumed", "deadline_set",
    "deadline_met", "closed", "closing_interview", "reopened", "story", "story_approved",
    "signal_linked", "signal_unlinked",
]

#: docs/DOMAIN.md: statuses in which each kind may be recorded.
_ANY = frozenset(STATUSES)
ALLOWED: dict[str, frozenset[str]] = {
    "triaged": frozenset({"aangemeld"}),
    "handover_confirmed": frozenset({"doorverwezen"}),
    "paused": frozenset({"in_behandeling"}),
    "resumed": frozenset({"in_behandeling"}),
    "closed": frozenset({"in_behandeling"}),
    "closing_interview": frozenset({"afgerond", "doorverwezen"}),
    "reopened": frozenset({"afgerond"}),
    **{k: frozenset({"in_behandeling"}) for k in (
        "data_requested", "opinion_sent", "reminder_sent", "service_response", "escalated",
        "escalation_response")},
    **{k: _ANY for k in ("assigned", "note", "partner_informed", "consulted", "story",
                         "story_approved", "signal_linked", "signal_unlinked",
                         "deadline_set", "deadline_met")},
}

_step = st.tuples(
    st.sampled_from([*CASE_STEP_KINDS, "corrected", "retracted", "signal_closed",
                     "garbage"]),
    st.integers(min_value=-5, max_value=60),     # day offset from 2025-03-01
    st.integers(min_value=0, max_value=10**6),   # choice of target / variant
    st.booleans(),                               # well-formed payload?
)


def _build(steps: list[tuple[str, int, int, bool]], first_registered: bool) -> list[Event]:
    log = Log()
    base = D("2025-03-01")
    if first_registered:
        log.add("registered", "2025-03-01")
    decisions = ["in_behandeling", "doorverwezen", "niet_in_behandeling"]
    for kind, offset, choice, good in steps:
        on = (base + timedelta(days=offset)).isoformat()
        originals = [e for e in log.events if e.kind not in ("corrected", "retracted")]
        corrections = [e for e in log.events if e.kind == "corrected"]
        if kind == "corrected" and originals:
            target = originals[choice % len(originals)] if good else log.events[
                choice % len(log.events)]
            sup = corrections[choice % len(corrections)] if corrections and choice % 3 == 0 \
                else None
            if good:
                new = dict(target.payload)
                for name in ("on", "received_on", "decided_on", "sent_on", "closed_on",
                             "from_on", "held_on", "requested_on", "created_on"):
                    if name in new:
                        new[name] = on
                log.correct(target, supersedes=sup, base=new)
            else:
                log.raw("corrected", {"target": target.id, "payload": {"x": 1},
                                      "reason": "?"}, D(on))
        elif kind == "retracted" and log.events:
            target = log.events[choice % len(log.events)] if good else None
            if target is not None:
                log.retract(target)
            else:
                log.raw("retracted", {"target": "nergens", "reason": "?"}, D(on))
        elif kind in ("corrected", "retracted"):
            continue
        elif kind == "garbage":
            log.raw("note", {} if good else {"on": 12, "text": None}, D(on))
        elif not good:
            log.raw(kind, {}, D(on))  # a payload that lost every field
        else:
            fields: dict[str, Any] = {}
            if kind == "triaged":
                fields["decision"] = decisions[choice % 3]
                fields["referred_to"] = "bd_lrh"
            elif kind == "deadline_met":
                sets = [e for e in log.events if e.kind == "deadline_set"]
                fields["deadline"] = sets[choice % len(sets)].id if sets else "nergens"
            elif kind == "story_approved":
                fields["by"] = ["Anna", "Carla"][choice % 2]
            elif kind in ("signal_linked", "signal_unlinked"):
                fields["signal"] = f"S-2025-TST-00{choice % 3}"
            elif kind == "deadline_set" and choice % 2:
                fields["deadline_kind"] = "beslistermijn"
                fields["due_on"] = "2025-06-01"
            log.add(kind, on, actor=["Anna", "Bert"][choice % 2], **fields)
    return log.events


def _oracle_status_violations(state: CaseState) -> set[str]:
    """Steps that docs/DOMAIN.md's status table refuses, replaying the effects ourselves."""
    status: str | None = None
    out: set[str] = set()
    for eff in state.effective:
        kind = eff.kind
        if kind == "registered":
            if status is not None:
                out.add(eff.id)
            status = "aangemeld"  # folded like any other, even when it breaks a rule
            continue
        if status is None:
            out.add(eff.id)  # before any registration; its effect still applies
        elif kind in ALLOWED and status not in ALLOWED[kind]:
            out.add(eff.id)
        if kind not in ALLOWED:
            out.add(eff.id)
        if kind == "triaged" and eff.payload.get("decision") in STATUSES:
            status = eff.payload["decision"]
        elif kind == "closed":
            status = "afgerond"
        elif kind == "reopened":
            status = "in_behandeling"
    return out


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(steps=st.lists(_step, min_size=0, max_size=25), first_registered=st.booleans(),
       seed=st.randoms(use_true_random=False))
def test_fold_is_total_reports_violations_and_is_deterministic(
        steps: list[tuple[str, int, int, bool]], first_registered: bool,
        seed: random.Random) -> None:
    events = _build(steps, first_registered)
    if not events:
        return
    state = fold_case(events)  # must never raise

    ids = {e.id for e in events}
    assert violated(state) <= ids
    assert state.status in STATUSES
    if state.status == "in_behandeling":
        assert state.phase in PHASES
    else:
        assert state.phase is None
    assert (state.closed_on is not None) == (state.status == "afgerond")
    assert (state.path is not None) == (state.status == "afgerond")
    for p in state.pauses:
        assert p.end is None or p.end >= p.start
    assert state.paused_days() >= 0
    if not state.violations:
        assert sum(p.end is None for p in state.pauses) <= 1

    first = state.effective[0] if state.effective else None
    if first is not None and first.kind != "registered":
        # a log that does not start with its registration is reported at once
        assert first.id in violated(state)
    elif first is not None:
        # every step that the rules table refuses is reported, not raised
        assert _oracle_status_violations(state) <= violated(state)
        # nothing dated before the date of receipt passes silently
        for eff in state.effective:
            if eff.on < state.received_on:
                assert eff.id in violated(state)
    # the effective sequence is sorted by (date, hlc)
    keys = [(e.on, e.hlc) for e in state.effective]
    assert keys == sorted(keys)

    # determinism: the order of the input list does not matter
    shuffled = list(events)
    seed.shuffle(shuffled)
    assert fold_case(shuffled) == state
    # and as_of never raises either
    fold_case(events, as_of=D("2025-03-15"))


def test_shuffled_input_gives_the_same_state() -> None:
    log = case_log()
    note = log.add("note", "2025-03-10", text="a")
    c1 = log.correct(note, text="b")
    log.correct(note, text="c", device=OTHER_DEVICE)
    log.correct(note, supersedes=c1, text="d")
    log.add("opinion_sent", "2025-03-12")
    log.add("paused", "2025-03-13")
    log.add("closed", "2025-03-20")
    log.add("closing_interview", "2025-03-21", citizen_score=8)
    reference = fold_case(log.events)
    rng = random.Random(7)
    for _ in range(20):
        shuffled = list(log.events)
        rng.shuffle(shuffled)
        assert fold_case(shuffled) == reference


def test_fold_without_registration_does_not_raise() -> None:
    log = Log()
    note = log.add("note", "2025-03-10")
    state = fold_case(log.events)
    assert note.id in violated(state)
    assert state.status == "aangemeld"


def test_fold_signal_without_creation_does_not_raise() -> None:
    log = Log(entity="signal")
    step = log.add("signal_submitted", "2025-04-25")
    state = fold_signal(log.events)
    assert step.id in violated(state)
    assert state.status == "ingediend"


def test_payload_hash_change_is_visible_in_equality() -> None:
    """Sanity check for the determinism test: different payloads give different states."""
    a = case_log()
    b_events = list(a.events)
    original = b_events[1]
    changed = Event(original.id, original.entity, original.entity_id, original.number,
                    original.kind, original.occurred_on, original.hlc, original.actor,
                    original.device, {**original.payload, "reason": "Anders."})
    b_events[1] = changed
    assert fold_case(a.events) != fold_case(b_events)



# --- the clock the fold orders by ---------------------------------------------------------


def test_hybrid_clock_is_strictly_increasing_even_when_the_wall_clock_stalls() -> None:
    from app.model.eventlog import HybridClock, parse_hlc

    clock = HybridClock(OTHER_DEVICE)
    stamps = [clock.next(wall_ms=START_MS) for _ in range(5)]
    stamps.append(clock.next(wall_ms=START_MS - 60_000))  # wall clock set back
    stamps.append(clock.next(wall_ms=START_MS + 1))
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == len(stamps)
    assert parse_hlc(stamps[0]) == (START_MS, 0, OTHER_DEVICE)


def test_hybrid_clock_never_issues_below_a_received_stamp() -> None:
    from app.model.eventlog import HybridClock, format_hlc

    ahead = format_hlc(START_MS + 3_600_000, 7, OTHER_DEVICE)  # a laptop an hour ahead
    clock = HybridClock("33333333-3333-4333-8333-333333333333", last=ahead)
    assert clock.next(wall_ms=START_MS) > ahead


def test_hybrid_clock_counter_overflow_moves_to_the_next_millisecond() -> None:
    from app.model.eventlog import HybridClock, format_hlc, parse_hlc

    clock = HybridClock(OTHER_DEVICE, last=format_hlc(START_MS, 99_999, OTHER_DEVICE))
    stamp = clock.next(wall_ms=START_MS)
    assert parse_hlc(stamp)[:2] == (START_MS + 1, 0)
    assert stamp > format_hlc(START_MS, 99_999, OTHER_DEVICE)
