"""Workflow rules of docs/DOMAIN.md ("Rules, checked on the sorted sequence").

The expected table below is written from docs/DOMAIN.md, not imported from
``app.model.workflow.RULES``: every kind is tried in every status, both directly on
the ``CaseMachine`` and through ``fold_case`` (which replays the sorted sequence the
way an append does).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.model.eventlog import Event
from app.model.fold import fold_case
from app.model.workflow import RULES, CaseMachine, SignalMachine
from tests.helpers.model_builders import DATE_OF, Log, case_log

STATUSES = ("aangemeld", "in_behandeling", "doorverwezen", "niet_in_behandeling",
            "afgerond")
#: How a refusal names each status, from the labels in docs/DOMAIN.md.
STATUS_WORDS = {"aangemeld": "aangemeld (te triëren)", "in_behandeling": "in behandeling",
                "doorverwezen": "doorverwezen",
                "niet_in_behandeling": "niet in behandeling genomen", "afgerond": "afgerond"}
ANY = frozenset(STATUSES)
ADMINISTRATIVE = ("assigned", "note", "partner_informed", "consulted", "story",
                  "story_approved", "signal_linked", "signal_unlinked", "deadline_set",
                  "deadline_met")
TREATMENT = ("data_requested", "opinion_sent", "reminder_sent", "service_response",
             "escalated", "escalation_response")

#: docs/DOMAIN.md rules table: kind -> statuses in which it may be recorded.
ALLOWED: dict[str, frozenset[str]] = {
    "triaged": frozenset({"aangemeld"}),
    **{k: ANY for k in ADMINISTRATIVE},
    "handover_confirmed": frozenset({"doorverwezen"}),
    **{k: frozenset({"in_behandeling"}) for k in TREATMENT},
    "paused": frozenset({"in_behandeling"}),
    "resumed": frozenset({"in_behandeling"}),
    "closed": frozenset({"in_behandeling"}),
    "closing_interview": frozenset({"afgerond", "doorverwezen"}),
    "reopened": frozenset({"afgerond"}),
    "text_erased": ANY,
    "case_destroyed": frozenset({"afgerond", "doorverwezen", "niet_in_behandeling"}),
}

SIGNAL = "S-2025-TST-001"


def replay(events: list[Event]) -> tuple[CaseMachine, dict[str, str]]:
    """Check and apply the sorted sequence, as an append does."""
    machine = CaseMachine()
    reasons: dict[str, str] = {}
    for ev in sorted(events, key=lambda e: (e.occurred_on, e.hlc)):
        reason = machine.check(ev.kind, ev.occurred_on, ev.payload, ev.actor)
        if reason is not None:
            reasons[ev.id] = reason
        machine.apply(ev.id, ev.kind, ev.occurred_on, ev.payload, ev.actor)
    return machine, reasons


def case_in(status: str, *, pause: bool = False) -> tuple[Log, Event]:
    """A case in ``status`` that has a story (by Anna), a deadline and a linked signal.

    Returns the log and its deadline_set event.
    """
    log = Log(actor="Anna")
    log.add("registered", "2025-03-03")
    log.add("story", "2025-03-04")
    deadline = log.add("deadline_set", "2025-03-04", start_on="2025-03-01")
    log.add("signal_linked", "2025-03-04", signal=SIGNAL)
    if status == "aangemeld":
        pass
    elif status in ("in_behandeling", "afgerond"):
        log.add("triaged", "2025-03-05", decision="in_behandeling")
        if pause:
            log.add("paused", "2025-03-06")
        if status == "afgerond":
            log.add("closed", "2025-03-07")
    elif status == "doorverwezen":
        log.add("triaged", "2025-03-05", decision="doorverwezen", referred_to="bd_lrh")
    elif status == "niet_in_behandeling":
        log.add("triaged", "2025-03-05", decision="niet_in_behandeling")
    return log, deadline


def candidate_fields(kind: str, deadline: Event) -> dict[str, Any]:
    if kind == "deadline_met":
        return {"deadline": deadline.id}
    if kind == "signal_unlinked":
        return {"signal": SIGNAL}
    if kind == "story_approved":
        return {"by": "Carla"}
    if kind == "triaged":
        return {"decision": "in_behandeling"}
    if kind == "text_erased":
        return {"target": deadline.id, "fields": ["description"]}
    return {}


MATRIX = [(k, s) for k in ALLOWED for s in STATUSES]
#: A destroyed case folds to its tombstone whatever it was (its payloads are erased,
#: so the fold cannot replay them): its rule is checked when it is recorded, below.
FOLD_MATRIX = [(k, s) for k, s in MATRIX if k != "case_destroyed"]


def test_expected_table_covers_every_case_kind_but_registration() -> None:
    assert set(ALLOWED) | {"registered"} == set(RULES)


@pytest.mark.parametrize(("kind", "status"), MATRIX, ids=[f"{k}-{s}" for k, s in MATRIX])
def test_rule_on_the_machine(kind: str, status: str) -> None:
    log, deadline = case_in(status, pause=(kind == "resumed"))
    machine, reasons = replay(log.events)
    assert reasons == {}, "the set-up itself must be valid"
    assert machine.status == status
    reason = machine.check(kind, date(2025, 3, 10), {**candidate_fields(kind, deadline)},
                           "Bert")
    if status in ALLOWED[kind]:
        assert reason is None, f"{kind} must be allowed while {status}: {reason}"
    else:
        # Refused for the status: the reason names what the case was on the step's date
        # (the labels of docs/DOMAIN.md), or, for a second triage, the way out.
        expected = "correctie" if kind == "triaged" else STATUS_WORDS[status]
        assert reason is not None and expected in reason.lower(), (kind, status, reason)
        refusal = machine.refusal(kind, date(2025, 3, 10), candidate_fields(kind, deadline))
        assert refusal is not None and refusal.field == ""  # about the step as a whole


@pytest.mark.parametrize(("kind", "status"), FOLD_MATRIX,
                         ids=[f"{k}-{s}" for k, s in FOLD_MATRIX])
def test_rule_through_the_fold(kind: str, status: str) -> None:
    log, deadline = case_in(status, pause=(kind == "resumed"))
    step = log.add(kind, "2025-03-10", actor="Bert", **candidate_fields(kind, deadline))
    state = fold_case(log.events)
    flagged = {event_id for event_id, _ in state.violations}
    assert flagged <= {step.id}, f"only the new step may break a rule: {state.violations}"
    assert (step.id not in flagged) == (status in ALLOWED[kind])


@pytest.mark.parametrize("status", [s for s in STATUSES if s != "in_behandeling"])
@pytest.mark.parametrize("kind", (*TREATMENT, "closed", "paused"))
def test_refusal_names_the_required_status_in_dutch(kind: str, status: str) -> None:
    log, _ = case_in(status)
    machine, _ = replay(log.events)
    reason = machine.check(kind, date(2025, 3, 10), {}, "")
    assert reason is not None
    assert "in behandeling" in reason.lower()


# --- registration and triage -------------------------------------------------------------


def test_registration_is_first_and_only_once() -> None:
    machine = CaseMachine()
    assert machine.check("registered", date(2025, 3, 3), {}) is None
    reason = machine.check("note", date(2025, 3, 3), {"text": "x"})
    assert reason is not None and "aanmelding" in reason
    machine.apply("e1", "registered", date(2025, 3, 3), {})
    assert machine.status == "aangemeld"
    again = machine.check("registered", date(2025, 3, 4), {})
    assert again is not None and "één keer" in again


def test_second_registration_in_a_log_is_a_violation() -> None:
    log = case_log(triage=None)
    second = log.add("registered", "2025-03-10")
    assert [e for e, _ in fold_case(log.events).violations] == [second.id]


def test_step_before_registration_in_sorted_sequence_is_a_violation() -> None:
    log = Log()
    log.add("registered", "2025-03-03")
    early = log.add("note", "2025-03-01")
    state = fold_case(log.events)
    assert [e for e, _ in state.violations] == [early.id]


def test_triage_only_once_a_retriage_is_a_correction() -> None:
    log = case_log()
    second = log.add("triaged", "2025-03-06", decision="niet_in_behandeling")
    state = fold_case(log.events)
    assert [e for e, _ in state.violations] == [second.id]
    assert "correctie" in state.violations[0][1]


@pytest.mark.parametrize(("decision", "status"), [
    ("in_behandeling", "in_behandeling"),
    ("doorverwezen", "doorverwezen"),
    ("niet_in_behandeling", "niet_in_behandeling"),
])
def test_triage_decision_sets_status(decision: str, status: str) -> None:
    log = case_log(triage=decision)
    machine, reasons = replay(log.events)
    assert reasons == {}
    assert machine.status == status


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["triaged", "note", "deadline_set", "assigned", "story"])
def test_step_before_received_on_refused(kind: str) -> None:
    machine, _ = replay(case_log(received_on="2025-03-03", triage=None).events)
    refusal = machine.refusal(kind, date(2025, 3, 2), {"decision": "in_behandeling"})
    assert refusal is not None
    assert "03-03-2025" in refusal.reason  # names the date of receipt, Dutch style
    assert refusal.field == DATE_OF[kind]  # shown at the step's own date
    assert machine.check(kind, date(2025, 3, 3), {"decision": "in_behandeling"}) is None


def test_deadline_start_before_received_on_is_free() -> None:
    log = case_log(received_on="2025-03-03")
    log.add("deadline_set", "2025-03-04", start_on="2025-01-15")
    assert fold_case(log.events).violations == []


def test_step_dated_before_received_on_is_a_violation_in_the_fold() -> None:
    log = case_log(received_on="2025-03-03", triage=None)
    early = log.add("triaged", "2025-02-28", decision="in_behandeling")
    state = fold_case(log.events)
    assert early.id in {e for e, _ in state.violations}


# --- pauzeknop ----------------------------------------------------------------------------


def test_pause_and_resume_rules() -> None:
    log = case_log()
    log.add("paused", "2025-03-06")
    second = log.add("paused", "2025-03-07")
    log.add("resumed", "2025-03-08")
    extra = log.add("resumed", "2025-03-09")
    again = log.add("paused", "2025-03-10")
    _, reasons = replay(log.events)
    assert set(reasons) == {second.id, extra.id}
    assert reasons[second.id] == "er loopt al een pauze"
    assert "geen pauze" in reasons[extra.id]
    assert again.id not in reasons


def test_resume_without_pause_refused() -> None:
    machine, _ = replay(case_log().events)
    assert "geen pauze" in str(machine.check("resumed", date(2025, 3, 10), {}))


def test_closing_ends_a_running_pause() -> None:
    log = case_log()
    log.add("paused", "2025-03-06")
    log.add("closed", "2025-03-08")
    log.add("reopened", "2025-03-09")
    machine, reasons = replay(log.events)
    assert reasons == {}
    assert machine.pause_running is False
    assert "geen pauze" in str(machine.check("resumed", date(2025, 3, 10), {}))
    assert machine.check("paused", date(2025, 3, 10), {}) is None


def test_treatment_steps_allowed_during_a_pause() -> None:
    log = case_log()
    log.add("paused", "2025-03-06")
    machine, _ = replay(log.events)
    for kind in (*TREATMENT, "closed"):
        assert machine.check(kind, date(2025, 3, 10), {}) is None, kind


# --- closing interview and reopening ------------------------------------------------------


def test_closing_interview_once_per_closing() -> None:
    log = case_log()
    log.add("closed", "2025-03-10")
    first = log.add("closing_interview", "2025-03-11")
    second = log.add("closing_interview", "2025-03-12")
    _, reasons = replay(log.events)
    assert set(reasons) == {second.id}
    assert first.id not in reasons
    assert "eindgesprek" in reasons[second.id]


def test_closing_interview_again_after_reopen_and_close() -> None:
    log = case_log()
    log.add("closed", "2025-03-10")
    log.add("closing_interview", "2025-03-11")
    log.add("reopened", "2025-03-12")
    during = log.add("closing_interview", "2025-03-13")
    log.add("closed", "2025-03-14")
    after = log.add("closing_interview", "2025-03-15")
    _, reasons = replay(log.events)
    assert set(reasons) == {during.id}, "no interview while in treatment"
    assert after.id not in reasons


def test_closing_interview_once_per_referral() -> None:
    log = case_log(triage="doorverwezen")
    log.add("handover_confirmed", "2025-03-06")
    log.add("closing_interview", "2025-03-07")
    second = log.add("closing_interview", "2025-03-08")
    _, reasons = replay(log.events)
    assert set(reasons) == {second.id}


def test_closing_interview_not_after_refusal_to_treat() -> None:
    log = case_log(triage="niet_in_behandeling")
    step = log.add("closing_interview", "2025-03-07")
    _, reasons = replay(log.events)
    assert set(reasons) == {step.id}


def test_an_eindgesprek_dated_before_the_closing_names_its_date() -> None:
    """Item 16 of #11: the header says Afgerond, so the refusal must say that the
    interview's own date lies before the closing, and name that date."""
    log = case_log()
    log.add("closed", "2025-04-10")
    early = log.add("closing_interview", "2025-04-05")
    _, reasons = replay(log.events)
    assert set(reasons) == {early.id}
    assert "05-04-2025" in reasons[early.id]
    assert "vóór de afronding" in reasons[early.id]
    assert "in behandeling" in reasons[early.id]
    assert "Doorverwezen of Afgerond is" not in reasons[early.id]
    flagged = dict(fold_case(log.events).violations)
    assert flagged[early.id] == reasons[early.id]


def test_a_refused_back_dated_step_names_the_status_on_its_date() -> None:
    log = case_log()
    log.add("closed", "2025-04-10")
    early = log.add("reopened", "2025-04-01")
    _, reasons = replay(log.events)
    assert reasons[early.id].endswith("op 01-04-2025 was deze casus in behandeling")


def test_reopened_only_while_afgerond() -> None:
    log = case_log()
    log.add("closed", "2025-03-10")
    log.add("reopened", "2025-03-11")
    twice = log.add("reopened", "2025-03-12")
    machine, reasons = replay(log.events)
    assert set(reasons) == {twice.id}
    assert machine.status == "in_behandeling"


def test_closed_twice_refused() -> None:
    log = case_log()
    log.add("closed", "2025-03-10")
    twice = log.add("closed", "2025-03-11")
    _, reasons = replay(log.events)
    assert set(reasons) == {twice.id}


# --- story and four eyes ------------------------------------------------------------------


def test_story_approved_needs_an_earlier_story() -> None:
    log = case_log()
    approval = log.add("story_approved", "2025-03-10", by="Carla")
    _, reasons = replay(log.events)
    assert set(reasons) == {approval.id}
    assert "verhaal" in reasons[approval.id]


def test_story_written_later_in_the_sequence_does_not_count() -> None:
    """The sequence is sorted by date: an approval dated before the story is refused,
    even though the story was recorded first."""
    log = case_log()
    log.add("story", "2025-03-12")
    approval = log.add("story_approved", "2025-03-10", by="Carla")
    _, reasons = replay(log.events)
    assert set(reasons) == {approval.id}


def test_story_approved_by_someone_else_allowed() -> None:
    log = case_log()
    log.add("story", "2025-03-10", actor="Anna")
    approval = log.add("story_approved", "2025-03-11", by="Carla", actor="Carla")
    _, reasons = replay(log.events)
    assert approval.id not in reasons


@pytest.mark.parametrize("by", ["Anna", "anna", "  ANNA "])
def test_story_approved_by_its_author_refused_four_eyes(by: str) -> None:
    log = case_log()
    log.add("story", "2025-03-10", actor="Anna")
    approval = log.add("story_approved", "2025-03-11", by=by, actor="Carla")
    _, reasons = replay(log.events)
    assert set(reasons) == {approval.id}
    assert "vier ogen" in reasons[approval.id]


def test_four_eyes_look_at_the_latest_story() -> None:
    log = case_log()
    log.add("story", "2025-03-10", actor="Anna")
    log.add("story", "2025-03-11", actor="Bert")
    by_anna = log.add("story_approved", "2025-03-12", by="Anna")
    by_bert = log.add("story_approved", "2025-03-12", by="Bert")
    _, reasons = replay(log.events)
    assert set(reasons) == {by_bert.id}
    assert by_anna.id not in reasons


# --- deadlines and signals ----------------------------------------------------------------


def test_deadline_met_must_reference_an_existing_deadline() -> None:
    log = case_log()
    deadline = log.add("deadline_set", "2025-03-06", start_on="2025-03-01")
    good = log.add("deadline_met", "2025-03-10", deadline=deadline.id)
    bad = log.add("deadline_met", "2025-03-10", deadline="bestaat-niet")
    other = log.add("deadline_met", "2025-03-10", deadline=good.id)  # not a deadline_set
    _, reasons = replay(log.events)
    assert set(reasons) == {bad.id, other.id}
    assert "termijn" in reasons[bad.id]


def test_deadline_met_before_its_deadline_was_set_refused() -> None:
    log = case_log()
    deadline = log.add("deadline_set", "2025-03-12", start_on="2025-03-01")
    met = log.add("deadline_met", "2025-03-10", deadline=deadline.id)
    _, reasons = replay(log.events)
    assert set(reasons) == {met.id}


def test_signal_unlinked_needs_a_linked_signal() -> None:
    log = case_log()
    never = log.add("signal_unlinked", "2025-03-06", signal=SIGNAL)
    log.add("signal_linked", "2025-03-07", signal=SIGNAL)
    wrong = log.add("signal_unlinked", "2025-03-08", signal="S-2025-TST-002")
    ok = log.add("signal_unlinked", "2025-03-09", signal=SIGNAL)
    twice = log.add("signal_unlinked", "2025-03-10", signal=SIGNAL)
    _, reasons = replay(log.events)
    assert set(reasons) == {never.id, wrong.id, twice.id}
    assert ok.id not in reasons
    assert "gekoppeld" in reasons[never.id]


# --- next steps ---------------------------------------------------------------------------


BASE_ADMIN = {"assigned", "note", "partner_informed", "consulted", "story", "signal_linked",
              "deadline_set"}


@pytest.mark.parametrize(("status", "expected"), [
    ("aangemeld", BASE_ADMIN | {"triaged"}),
    ("in_behandeling", BASE_ADMIN | set(TREATMENT) | {"paused", "closed"}),
    ("doorverwezen", BASE_ADMIN | {"handover_confirmed", "closing_interview"}),
    ("niet_in_behandeling", BASE_ADMIN),
    ("afgerond", BASE_ADMIN | {"closing_interview", "reopened"}),
])
def test_next_steps_of_a_bare_case(status: str, expected: set[str]) -> None:
    log = Log()
    log.add("registered", "2025-03-03")
    if status != "aangemeld":
        decision = "in_behandeling" if status == "afgerond" else status
        extra = {"referred_to": "bd_lrh"} if status == "doorverwezen" else {}
        log.add("triaged", "2025-03-05", decision=decision, **extra)
    if status == "afgerond":
        log.add("closed", "2025-03-07")
    machine, reasons = replay(log.events)
    assert reasons == {}
    steps = machine.next_steps()
    assert len(steps) == len(set(steps))
    assert set(steps) == expected
    assert set(fold_case(log.events).next_steps) == expected


@pytest.mark.parametrize("status", STATUSES)
def test_next_steps_equal_the_allowed_kinds(status: str) -> None:
    """With a story, an open deadline and a linked signal, every allowed kind is
    offered and nothing else (the buttons can never offer a refused step)."""
    log, deadline = case_in(status)
    machine, _ = replay(log.events)
    offered = set(machine.next_steps())
    expected = {k for k, allowed in ALLOWED.items() if status in allowed}
    expected.discard("resumed")  # no pause running
    # Erasing is done from a step's menu and from Beheer, never offered as a next step.
    expected -= {"text_erased", "case_destroyed"}
    assert offered == expected
    for kind in offered:
        assert machine.check(kind, date(2025, 3, 10), candidate_fields(kind, deadline),
                             "Bert") is None


def test_next_steps_during_a_pause() -> None:
    log, _ = case_in("in_behandeling", pause=True)
    machine, _ = replay(log.events)
    steps = set(machine.next_steps())
    assert "resumed" in steps
    assert "paused" not in steps
    assert "closed" in steps


def test_next_steps_after_interview_and_met_deadline() -> None:
    log = case_log()
    deadline = log.add("deadline_set", "2025-03-06", start_on="2025-03-01")
    log.add("deadline_met", "2025-03-07", deadline=deadline.id)
    log.add("closed", "2025-03-08")
    log.add("closing_interview", "2025-03-09")
    machine, reasons = replay(log.events)
    assert reasons == {}
    steps = set(machine.next_steps())
    assert "closing_interview" not in steps
    assert "deadline_met" not in steps, "every deadline is already met"
    assert "reopened" in steps


def test_next_steps_of_nothing_is_registration() -> None:
    assert CaseMachine().next_steps() == ["registered"]


# --- signals ------------------------------------------------------------------------------


def signal_replay(steps: list[tuple[str, date]]) -> tuple[SignalMachine, list[int]]:
    machine = SignalMachine()
    refused: list[int] = []
    for i, (kind, on) in enumerate(steps):
        if machine.check(kind, on) is not None:
            refused.append(i)
        machine.apply(kind, on)
    return machine, refused


D = date(2025, 4, 20)


def test_signal_created_first() -> None:
    machine = SignalMachine()
    assert machine.next_steps() == ["signal_created"]
    for kind in ("signal_submitted", "signal_response", "signal_feedback_given",
                 "signal_closed"):
        reason = machine.check(kind, D)
        assert reason is not None and "aanmaken" in reason


def test_signal_created_only_once() -> None:
    _, refused = signal_replay([("signal_created", D), ("signal_created", D)])
    assert refused == [1]


def test_signal_steps_any_number_of_times_after_creation() -> None:
    steps = [("signal_created", D)] + [
        (k, D) for k in ("signal_submitted", "signal_submitted", "signal_response",
                         "signal_feedback_given", "signal_response",
                         "signal_feedback_given", "signal_closed")]
    machine, refused = signal_replay(steps)
    assert refused == []
    assert machine.closed


@pytest.mark.parametrize("kind", ["signal_submitted", "signal_response",
                                  "signal_feedback_given", "signal_closed",
                                  "signal_created"])
def test_nothing_after_signal_closed(kind: str) -> None:
    machine, _ = signal_replay([("signal_created", D), ("signal_closed", D)])
    expected = "één keer" if kind == "signal_created" else "gesloten"
    assert expected in str(machine.check(kind, D))
    assert machine.next_steps() == []


def test_signal_next_steps_after_creation() -> None:
    machine, _ = signal_replay([("signal_created", D)])
    assert set(machine.next_steps()) == {"signal_submitted", "signal_response",
                                         "signal_feedback_given", "signal_closed"}


@pytest.mark.parametrize("kind", ["note", "registered", "triaged"])
def test_case_steps_are_not_signal_steps(kind: str) -> None:
    machine, _ = signal_replay([("signal_created", D)])
    assert "geen stap van een signaal" in str(machine.check(kind, D))


def test_signal_step_before_creation_date_refused() -> None:
    machine, _ = signal_replay([("signal_created", D)])
    refusal = machine.refusal("signal_submitted", date(2025, 4, 19))
    assert refusal is not None and "vóór de datum" in refusal.reason
    assert refusal.field == "on"
    assert machine.check("signal_submitted", D) is None
