"""The strict gate (#8 fault 5) seen from the step forms: a handler who types a date
outside 2000-2100, a text over its limit or a control character sees why, next to
the field, and nothing is saved; yes/no fields, scores and dates still pass as the
types the models take, so the strictness never refuses what a form sends."""

from __future__ import annotations

from app.model.limits import LINE_MAX, MAX_TEXT
from tests.gui.helpers_case import (
    days_ago,
    fill,
    fill_form,
    reg,  # noqa: F401 (fixture)
    session,  # noqa: F401 (fixture)
    triaged_case,
)
from tests.gui.test_step_forms import open_form


def closed_case(reg) -> str:  # noqa: F811
    number = triaged_case(reg)
    reg.append(number, "closed", {"closed_on": days_ago(reg, 5).isoformat(),
                                  "outcome": "opgelost", "solution": "Opgelost.",
                                  "powers_sufficient": "ja"})
    return number


def test_a_date_out_of_range_and_a_long_line_are_refused_at_the_field(qtbot, reg,  # noqa: F811
                                                                     session):  # noqa: F811
    number = triaged_case(reg)
    form = open_form(qtbot, session, number, "opinion_sent")
    fill_form(qtbot, form, {"sent_on": days_ago(reg, 2), "service": "dienst_toeslagen",
                            "proposed_solution": "Terugvordering matigen.",
                            "reply_due_on": "01-01-2105"})  # a typing error for 2025
    events = len(reg.case(number).events)
    assert not form.save()
    assert form.row("reply_due_on").error() == (
        "datum 2105-01-01 ligt buiten 01-01-2000 t/m 31-12-2100")
    assert len(reg.case(number).events) == events
    fill(qtbot, form.row("reply_due_on").editor, days_ago(reg, -20))
    assert form.save()
    form = open_form(qtbot, session, number, "note")
    fill(qtbot, form.row("on").editor, days_ago(reg, 1))
    form.row("text").editor.setPlainText("x" * (MAX_TEXT + 1))  # pasted
    assert not form.save()
    assert form.row("text").error() == f"is te lang: hoogstens {MAX_TEXT} tekens"
    # A one-line field stops at its limit while typing.
    form = open_form(qtbot, session, number, "assigned")
    fill_form(qtbot, form, {"on": days_ago(reg, 1), "handler": "x" * (LINE_MAX + 5)})
    assert form.save()
    assigned = next(e for e in reg.case(number).events if e.kind == "assigned")
    assert assigned.payload["handler"] == "x" * LINE_MAX


def test_a_control_character_pasted_into_free_text_is_refused(qtbot, reg,  # noqa: F811
                                                             session):  # noqa: F811
    number = triaged_case(reg)
    form = open_form(qtbot, session, number, "note")
    fill(qtbot, form.row("on").editor, days_ago(reg, 1))
    form.row("text").editor.setPlainText("Gebeld\x00 met de dienst.\nTweede regel.")
    assert not form.save()
    assert "U+0000 NUL" in form.row("text").error()
    form.row("text").editor.setPlainText("Gebeld met de dienst.\n\tTweede regel.")
    assert form.save()
    note = next(e for e in reg.case(number).events if e.kind == "note")
    assert note.payload["text"] == "Gebeld met de dienst.\n\tTweede regel."


def test_yes_no_scores_and_dates_pass_as_their_own_types(qtbot, reg, session):  # noqa: F811
    number = closed_case(reg)
    form = open_form(qtbot, session, number, "closing_interview")
    fill_form(qtbot, form, {"held_on": days_ago(reg, 4), "citizen_score": 8,
                            "helper_score": 7})
    assert form.form is not None
    values = form.form.values()
    assert type(values["citizen_score"]) is int and type(values["held_on"]) is str
    assert form.save()
    interview = reg.case(number).state.interviews[0].payload
    assert interview["citizen_score"] == 8 and interview["helper_score"] == 7
    pause = open_form(qtbot, session, number, "reopened")
    fill_form(qtbot, pause, {"on": days_ago(reg, 3), "reason": "Uitvoering blijft uit."})
    assert pause.save()
    form = open_form(qtbot, session, number, "paused")
    fill_form(qtbot, form, {"from_on": days_ago(reg, 2), "procedure": "Invordering",
                            "citizen_consent": True, "agreed_with": "Teamleider"})
    assert form.save()
    assert reg.case(number).state.pause_running


def test_a_closing_interview_before_the_closing_names_the_date(qtbot, reg,  # noqa: F811
                                                              session):  # noqa: F811
    number = closed_case(reg)
    form = open_form(qtbot, session, number, "closing_interview")
    early = days_ago(reg, 8)
    fill_form(qtbot, form, {"held_on": early})
    assert not form.save()
    assert form.form is not None
    shown = form.banner.text() + " ".join(r.error() or "" for r in form.form.rows.values())
    assert f"het eindgesprek van {early.strftime('%d-%m-%Y')} ligt vóór de afronding" in shown


def test_a_refused_escalation_needs_the_services_reasons(qtbot, reg, session):  # noqa: F811
    """Item 15 of #11: as for a zienswijze, the form refuses a refusal without reasons."""
    number = triaged_case(reg)
    reg.append(number, "escalated", {"on": days_ago(reg, 10).isoformat(),
                                     "service": "dienst_toeslagen", "level": "teamleider",
                                     "reason": "Onvoldoende gemotiveerd."})
    form = open_form(qtbot, session, number, "escalation_response")
    fill_form(qtbot, form, {"received_on": days_ago(reg, 2),
                            "response": "gemotiveerd_afgewezen"})
    assert not form.save()
    assert "motivering" in form.row("summary").error()
    assert "escalation_response" not in [e.kind for e in reg.case(number).events]
    fill(qtbot, form.row("summary").editor, "De directeur ziet geen ruimte in de wet.")
    assert form.save()
    answer = next(e for e in reg.case(number).events if e.kind == "escalation_response")
    assert answer.payload["summary"] == "De directeur ziet geen ruimte in de wet."
