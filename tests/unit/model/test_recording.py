"""Checks on a step recorded by hand (app/model/recording.py), without a register.

A refusal must say which field it is about, so the form can show it there whatever
the wording: the field names below come from the payload models of docs/DOMAIN.md.
"""

from __future__ import annotations

from datetime import date

import pytest

from app.model.errors import RuleViolation, UserError
from app.model.eventlog import Event
from app.model.fold import fold_case
from app.model.recording import (
    approval_problem,
    check_append,
    check_case_step,
    check_correctable,
    check_retractable,
    check_signal_step,
    check_step,
    correction,
)
from tests.helpers.model_builders import Log, case_log

TODAY = date(2025, 6, 30)
OTHER_LAPTOP = "22222222-2222-4222-8222-222222222222"


def refused(ev: Event, log: Log, today: date = TODAY) -> RuleViolation:
    old = [e for e in log.events if e is not ev]
    with pytest.raises(RuleViolation) as info:
        check_step(ev, old, today)
    return info.value


def test_a_step_dated_in_the_future_is_refused_at_its_date_field() -> None:
    log = case_log()
    ev = log.add("opinion_sent", "2025-07-01", service="belastingdienst")
    refusal = refused(ev, log)
    assert refusal.field == "sent_on"
    assert "toekomst" in str(refusal)


def test_a_correction_into_the_future_is_refused_at_the_corrected_steps_date() -> None:
    log = case_log()
    note = log.add("note", "2025-03-10")
    fix = log.correct(note, on="2025-08-01")
    assert refused(fix, log).field == "on"


def test_a_step_before_the_intake_is_refused_at_its_date_field() -> None:
    log = case_log("2025-03-03")
    ev = log.add("data_requested", "2025-03-01", service="belastingdienst")
    refusal = refused(ev, log)
    assert refusal.field == "requested_on"
    assert "vóór de datum van ontvangst" in str(refusal)


def test_moving_the_intake_after_later_steps_is_refused_at_the_intake_date() -> None:
    log = case_log("2025-03-03", triaged_on="2025-03-05")
    fix = log.correct(log.events[0], received_on="2025-03-20")
    assert refused(fix, log).field == "received_on"


def test_a_step_the_status_does_not_allow_is_about_the_step_as_a_whole() -> None:
    log = case_log(triage=None)
    ev = log.add("closed", "2025-03-10")
    refusal = refused(ev, log)
    assert refusal.field == ""
    assert "kan alleen als de casus" in str(refusal)


def test_an_unknown_deadline_and_an_unlinked_signal_name_their_fields() -> None:
    log = case_log()
    ev = log.add("deadline_met", "2025-03-10", deadline="elders")
    assert refused(ev, log).field == "deadline"
    log = case_log()
    ev = log.add("signal_unlinked", "2025-03-10", signal="S-2025-TST-009")
    assert refused(ev, log).field == "signal"


def test_four_eyes_names_the_approver() -> None:
    log = case_log()
    log.add("story", "2025-03-10")
    # the author herself, on a colleague's laptop
    ev = log.add("story_approved", "2025-03-11", by="Anna", device=OTHER_LAPTOP)
    refusal = refused(ev, log)
    assert refusal.field == "by" and "vier ogen" in str(refusal)


def test_a_step_that_breaks_nothing_passes() -> None:
    log = case_log()
    ev = log.add("note", "2025-03-10")
    check_step(ev, log.events[:-1], TODAY)


def test_approval_is_judged_on_the_act_of_recording() -> None:
    log = case_log()
    log.add("story", "2025-03-10", actor="Anna")
    state = fold_case(log.events)
    on = date(2025, 3, 11)
    assert "vier ogen" in str(approval_problem(state, "anna ", on, OTHER_LAPTOP))
    # the author's own laptop, whatever name is typed
    assert "apparaat" in str(approval_problem(state, "Bram", on, log.device))
    assert approval_problem(state, "Bram", on, OTHER_LAPTOP) is None
    # an approval dated before the story has no story to judge yet
    assert approval_problem(state, "Anna", date(2025, 3, 9), log.device) is None


def test_append_refuses_a_second_link_and_an_approval_on_the_authors_laptop() -> None:
    log = case_log()
    log.add("signal_linked", "2025-03-10", signal="S-2025-TST-001")
    log.add("story", "2025-03-10")
    with pytest.raises(RuleViolation) as info:
        check_append(log.events, "signal_linked", {"on": "2025-03-11",
                                                    "signal": "S-2025-TST-001"}, OTHER_LAPTOP)
    assert info.value.field == "signal"
    check_append(log.events, "signal_linked", {"on": "2025-03-11",
                                                "signal": "S-2025-TST-002"}, OTHER_LAPTOP)
    with pytest.raises(RuleViolation) as info:
        check_append(log.events, "story_approved", {"on": "2025-03-11", "by": "Bram"},
                     log.device)
    assert info.value.field == "by"
    check_append(log.events, "story_approved", {"on": "2025-03-11", "by": "Bram"},
                 OTHER_LAPTOP)


def test_only_steps_of_their_entity_can_be_appended() -> None:
    for kind in ("registered", "signal_submitted", "corrected", "bestaat_niet"):
        with pytest.raises(UserError, match="geen stap die aan een casus"):
            check_case_step(kind)
    for kind in ("signal_created", "note"):
        with pytest.raises(UserError, match="geen stap die aan een signaal"):
            check_signal_step(kind)
    check_case_step("note")
    check_signal_step("signal_closed")


def test_a_correction_supersedes_the_one_that_holds_and_keeps_the_signal() -> None:
    log = case_log()
    link = log.add("signal_linked", "2025-03-10", signal="S-2025-TST-001")
    first = log.correct(link, on="2025-03-11")
    body = correction(link, log.events, {"on": "2025-03-12", "signal": "S-2025-TST-002"},
                      "Datum")
    assert body == {"target": link.id, "supersedes": first.id, "reason": "Datum",
                    "payload": {"on": "2025-03-12", "signal": "S-2025-TST-001"}}
    log.retract(first)
    body = correction(link, log.events, {"on": "2025-03-12", "signal": "x"}, "Datum")
    assert "supersedes" not in body  # the retracted correction holds no more


def test_what_cannot_be_corrected_or_retracted() -> None:
    log = case_log()
    note = log.add("note", "2025-03-10")
    fix = log.correct(note, text="Beter.")
    with pytest.raises(RuleViolation, match="oorspronkelijke stap"):
        check_correctable(fix)
    erased = log.add("text_erased", "2025-03-12", target=note.id)
    with pytest.raises(RuleViolation, match="onherroepelijk"):
        check_correctable(erased)
    with pytest.raises(RuleViolation, match="onherroepelijk"):
        check_retractable(erased, log.events)
    with pytest.raises(RuleViolation, match="eerste stap"):
        check_retractable(log.events[0], log.events)
    check_retractable(note, log.events)
    gone = log.retract(note)
    with pytest.raises(RuleViolation, match="al vervallen"):
        check_retractable(note, log.events)
    with pytest.raises(RuleViolation, match="zelf vervallen"):
        check_retractable(gone, log.events)
    with pytest.raises(RuleViolation, match="vervallen en kan niet meer"):
        correction(note, log.events, {"on": "2025-03-10", "text": "x"}, "Reden")
