"""The generic step forms: built from the event models, validated inline, saved through
the register (real SQLCipher, real widgets, offscreen)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt

from app.model.errors import RuleViolation, UserError
from app.model.events import CASE_KINDS, ERASING_KINDS, FIELD_LABELS, MODELS
from app.ui.step_forms import LABELS, FormContext, PayloadForm, StepForm
from app.ui.widgets import (
    CheckField,
    CodeChecklist,
    ContactField,
    DateField,
    LineField,
    ScoreCombo,
    TextField,
)
from tests.gui.helpers_case import (
    days_ago,
    fill,
    fill_form,
    new_case,
    reg,  # noqa: F401 (fixture)
    session,  # noqa: F401 (fixture)
    triaged_case,
)
from tests.helpers.colleague import Colleague


def open_form(qtbot, session, number, kind, **kw) -> StepForm:  # noqa: F811
    form = StepForm(session, number, kind, **kw)
    qtbot.addWidget(form)
    return form


def test_every_case_kind_gets_a_form_in_model_order(qtbot, reg):  # noqa: F811
    ctx = FormContext(today=reg.today())
    for kind in (k for k in CASE_KINDS if k not in ERASING_KINDS):  # their own dialogs
        form = PayloadForm(kind, reg.codelists, ctx)
        qtbot.addWidget(form)
        expected = [(f.alias or n) for n, f in MODELS[kind].model_fields.items()
                    if n not in ("kind", "ref")]
        assert list(form.rows) == expected, kind
        for name, row in form.rows.items():
            # Dutch labels from FIELD_LABELS unless a step says it more precisely.
            assert row.text == LABELS.get((kind, name), FIELD_LABELS[name]), (kind, name)
            assert row.editor.accessibleName() == row.text
    # Editor types follow the field types.
    reg_form = PayloadForm("registered", reg.codelists, ctx)
    qtbot.addWidget(reg_form)
    assert isinstance(reg_form.editor("received_on"), DateField)
    assert isinstance(reg_form.editor("topics"), CodeChecklist)
    assert isinstance(reg_form.editor("summary"), TextField)
    assert isinstance(reg_form.editor("partner_org"), LineField)
    assert isinstance(reg_form.editor("urgent"), CheckField)
    assert isinstance(reg_form.editor("helper_contact"), ContactField)
    ci = PayloadForm("closing_interview", reg.codelists, ctx)
    qtbot.addWidget(ci)
    assert isinstance(ci.editor("citizen_score"), ScoreCombo)
    # Codes show Dutch labels and carry keys; the first date defaults to today.
    tri = PayloadForm("triaged", reg.codelists, ctx)
    qtbot.addWidget(tri)
    combo = tri.editor("decision")
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "In behandeling nemen", "Doorverwijzen", "Niet in behandeling nemen"]
    assert combo.keys() == ["in_behandeling", "doorverwezen", "niet_in_behandeling"]
    assert tri.editor("decided_on").value() == reg.today()
    # Mnemonics are unique within a form.
    letters = [r.label.text().split("&")[1][0].lower() for r in reg_form.rows.values()
               if "&" in r.label.text()]
    assert len(letters) == len(set(letters)) > 10


def test_triage_refers_only_with_a_referral_target(qtbot, reg, session):  # noqa: F811
    number = new_case(reg)
    form = open_form(qtbot, session, number, "triaged")
    assert not form.row("referred_to").isEnabled()
    fill_form(qtbot, form, {"decision": "doorverwezen", "reason_code": "loopt_elders",
                            "reason": "Loopt al bij het LRH."})
    assert form.row("referred_to").isEnabled() and form.row("referred_to").required
    assert not form.save()
    assert "verplicht bij doorverwijzen" in form.row("referred_to").error()
    fill(qtbot, form.row("referred_to").editor, "bd_lrh")
    with qtbot.waitSignal(session.case_changed) as sig:
        assert form.save()
    assert sig.args == [number]
    state = reg.case(number).state
    assert state.status == "doorverwezen"
    assert state.triage["referred_to"] == "bd_lrh"


def test_opinion_sent_with_reply_date(qtbot, reg, session):  # noqa: F811
    number = triaged_case(reg)
    form = open_form(qtbot, session, number, "opinion_sent")
    reply = reg.today() + timedelta(days=14)
    fill_form(qtbot, form, {"sent_on": days_ago(reg, 10), "service": "dienst_toeslagen",
                            "proposed_solution": "Terugvordering matigen.",
                            "reply_due_on": reply})
    assert form.save()
    state = reg.case(number).state
    assert state.phase == "wacht_op_reactie"
    opinion = next(e for e in state.effective if e.kind == "opinion_sent")
    assert opinion.payload["reply_due_on"] == reply.isoformat()
    assert opinion.on == days_ago(reg, 10)


def test_service_response_needs_reasons_unless_taken_over(qtbot, reg, session):  # noqa: F811
    number = triaged_case(reg)
    reg.append(number, "opinion_sent", {"sent_on": days_ago(reg, 20).isoformat(),
                                        "service": "dienst_toeslagen",
                                        "proposed_solution": "Matigen."})
    form = open_form(qtbot, session, number, "service_response")
    # The service of the open zienswijze is preselected.
    assert form.row("service").editor.value() == "dienst_toeslagen"
    fill(qtbot, form.row("response").editor, "gemotiveerd_afgewezen")
    assert form.row("summary").required
    assert not form.save()
    assert "motivering" in form.row("summary").error()
    assert [e.kind for e in reg.case(number).events].count("service_response") == 0
    fill(qtbot, form.row("summary").editor, "De wet laat geen ruimte, zegt de dienst.")
    assert form.save()
    state = reg.case(number).state
    assert state.phase == "onderzoek"
    # Taken over: no reasons needed.
    reg.append(number, "opinion_sent", {"sent_on": days_ago(reg, 5).isoformat(),
                                        "service": "dienst_toeslagen",
                                        "proposed_solution": "Anders matigen."})
    form2 = open_form(qtbot, session, number, "service_response")
    fill(qtbot, form2.row("response").editor, "overgenomen")
    assert not form2.row("summary").required
    assert form2.save()


def test_deadline_set_shows_the_computed_last_day_live(qtbot, reg, session):  # noqa: F811
    number = new_case(reg, received_on="2025-04-01")
    form = open_form(qtbot, session, number, "deadline_set")
    fill(qtbot, form.row("deadline_kind").editor, "bezwaartermijn")
    fill(qtbot, form.row("start_on").editor, date(2025, 3, 22))
    due = form.row("due_on").editor
    assert due.isReadOnly()
    assert due.text() == "06-05-2025"
    hint = form.row("due_on").hint_label.text()
    assert "05-05 Bevrijdingsdag" in hint and "6:9 Awb" in hint
    assert form.save()
    d = reg.case(number).state.deadlines[0]
    assert d.due_on == date(2025, 5, 6)
    # Any other term needs the last day typed in.
    form2 = open_form(qtbot, session, number, "deadline_set")
    fill_form(qtbot, form2, {"deadline_kind": "beslistermijn", "start_on": date(2025, 4, 1)})
    assert not form2.row("due_on").editor.isReadOnly()
    assert form2.row("due_on").required
    assert not form2.save()
    assert "laatste dag" in form2.row("due_on").error()
    fill(qtbot, form2.row("due_on").editor, "15-07-2025")
    assert form2.save()
    assert {d.due_on for d in reg.case(number).state.deadlines} == {
        date(2025, 5, 6), date(2025, 7, 15)}


def test_dates_are_checked_inline(qtbot, reg, session):  # noqa: F811
    number = new_case(reg)
    form = open_form(qtbot, session, number, "note")
    fill_form(qtbot, form, {"on": "31-02-2025", "text": "Gebeld met de dienst."})
    assert not form.save()
    assert "geen geldige datum" in form.row("on").error()
    fill(qtbot, form.row("on").editor, reg.today() + timedelta(days=3))
    assert not form.save()
    assert "toekomst" in form.row("on").error()
    fill(qtbot, form.row("on").editor, days_ago(reg, 90))
    assert not form.save()
    assert "vóór de datum van ontvangst" in form.row("on").error()
    # Arrow keys move the date a day.
    fill(qtbot, form.row("on").editor, days_ago(reg, 3))
    qtbot.keyClick(form.row("on").editor, Qt.Key.Key_Up)
    assert form.row("on").editor.value() == days_ago(reg, 2)
    assert form.save()


def test_pause_needs_the_citizens_consent(qtbot, reg, session):  # noqa: F811
    number = triaged_case(reg)
    form = open_form(qtbot, session, number, "paused")
    assert "schort" in form.intro.text()
    fill_form(qtbot, form, {"procedure": "Dwanginvordering", "agreed_with": "Teamleider "
                            "Invordering"})
    assert not form.save()
    assert "toestemming" in form.row("citizen_consent").error()
    fill(qtbot, form.row("citizen_consent").editor, True)
    assert form.save()
    assert reg.case(number).state.phase == "pauzeknop_actief"


def test_closing_and_closing_interview(qtbot, reg, session):  # noqa: F811
    number = triaged_case(reg)
    form = open_form(qtbot, session, number, "closed")
    fill_form(qtbot, form, {
        "outcome": "opgelost", "solution": "Terugvordering gematigd.",
        "grounds": ["hardheidsclausule", "coulance"],
        "powers_used": ["regiefunctie", "doorzettingsmacht"],
        "powers_sufficient": "deels", "powers_note": "Geen toegang tot het dossier."})
    assert form.save()
    state = reg.case(number).state
    assert state.status == "afgerond"
    assert state.closing["grounds"] == ["hardheidsclausule", "coulance"]
    assert state.closing["powers_used"] == ["regiefunctie", "doorzettingsmacht"]
    ci = open_form(qtbot, session, number, "closing_interview")
    score = ci.row("citizen_score").editor
    assert score.itemText(0) == "Niet gevraagd"
    assert [score.itemText(i) for i in range(1, score.count())] == [
        str(n) for n in range(1, 11)]
    fill_form(qtbot, ci, {"citizen_score": 8, "remarks": "Tevreden over het contact."})
    assert ci.save()
    interview = reg.case(number).state.interviews[0]
    assert interview.payload["citizen_score"] == 8
    assert "helper_score" not in interview.payload  # niet gevraagd


def test_escalation_levels_in_order(qtbot, reg, session):  # noqa: F811
    number = triaged_case(reg)
    form = open_form(qtbot, session, number, "escalated")
    level = form.row("level").editor
    assert level.keys() == ["teamleider", "afdelingshoofd", "directeur",
                            "directeur_generaal"]
    assert level.value() == "teamleider"
    fill_form(qtbot, form, {"service": "dienst_toeslagen", "reason": "Geen reactie."})
    assert form.save()
    form2 = open_form(qtbot, session, number, "escalated")
    fill(qtbot, form2.row("service").editor, "dienst_toeslagen")
    assert form2.row("level").editor.value() == "afdelingshoofd"
    assert "Teamleider" in form2.row("level").hint_label.text()
    fill(qtbot, form2.row("level").editor, "teamleider")
    assert "niet hoger" in form2.row("level").warning()


def test_deadline_met_offers_only_unmet_deadlines(qtbot, reg, session):  # noqa: F811
    number = new_case(reg)
    for due in (10, 20):
        reg.append(number, "deadline_set", {
            "on": days_ago(reg, 50).isoformat(), "deadline_kind": "betalingstermijn",
            "start_on": days_ago(reg, 50).isoformat(),
            "due_on": (reg.today() + timedelta(days=due)).isoformat()})
    first, second = reg.case(number).state.deadlines
    reg.append(number, "deadline_met", {"on": days_ago(reg, 1).isoformat(),
                                        "deadline": first.event_id, "result": "gehaald"})
    form = open_form(qtbot, session, number, "deadline_met")
    combo = form.row("deadline").editor
    assert combo.keys() == [second.event_id]
    assert "Betalingstermijn t/m" in combo.currentText()
    fill(qtbot, form.row("result").editor, "gehaald")
    assert form.save()
    assert all(d.met_on for d in reg.case(number).state.deadlines)


def test_story_is_approved_by_another_person_on_another_device(qtbot, reg, session):  # noqa: F811
    number = new_case(reg)
    reg.append(number, "story", {"on": days_ago(reg, 3).isoformat(),
                                 "text": "Een ouder liep vast in de terugvordering."})
    form = open_form(qtbot, session, number, "story_approved")
    fill(qtbot, form.row("by").editor, "Teamleider Jansen")
    assert not form.save()  # written on this laptop: approved on a colleague's (four eyes)
    assert "vier ogen" in form.row("by").error()
    form.close()

    colleague = Colleague("Collega Bakker")
    colleague.record(reg, number, "story", {"on": days_ago(reg, 2).isoformat(),
                                            "text": "Het verhaal, herschreven door Bakker."},
                     days_ago(reg, 2))
    form = open_form(qtbot, session, number, "story_approved")
    assert "Collega Bakker" in form.row("by").hint_label.text()
    fill(qtbot, form.row("by").editor, "collega bakker")
    assert not form.save()
    assert "vier ogen" in form.row("by").error()
    fill(qtbot, form.row("by").editor, "Tester")
    assert form.save()
    assert reg.case(number).state.approved_story is not None


def test_signal_linked_chooses_a_signal(qtbot, reg, session):  # noqa: F811
    number = new_case(reg)
    sig = reg.create_signal({"created_on": days_ago(reg, 5).isoformat(),
                             "title": "Terugvordering zonder maatwerk",
                             "problem": "Geen ruimte voor maatwerk.",
                             "proposed_solution": "Hardheidsclausule.",
                             "theme": "onbedoelde_hardheid",
                             "services": ["dienst_toeslagen"]})
    form = open_form(qtbot, session, number, "signal_linked")
    combo = form.row("signal").editor
    assert combo.keys() == [sig.number]
    assert "Terugvordering zonder maatwerk" in combo.currentText()
    assert form.save()
    assert reg.case(number).state.signals == [sig.number]


def test_a_refusal_of_the_register_lands_under_the_field_it_names(qtbot, reg, session):  # noqa: F811
    number = new_case(reg)
    sig = reg.create_signal({"created_on": days_ago(reg, 5).isoformat(),
                             "title": "Terugvordering zonder maatwerk",
                             "problem": "Geen ruimte voor maatwerk.",
                             "proposed_solution": "Hardheidsclausule.",
                             "theme": "onbedoelde_hardheid",
                             "services": ["dienst_toeslagen"]})
    form = open_form(qtbot, session, number, "signal_linked")
    reg.link_signal(number, sig.number, days_ago(reg, 1))  # meanwhile, elsewhere
    assert not form.save()
    assert "al aan deze casus gekoppeld" in form.row("signal").error()
    # The field decides, never the wording of the message.
    assert form.form is not None
    assert form.form.place_rule(RuleViolation("Anders verwoord.", "signal"))
    assert form.row("signal").error() == "Anders verwoord."
    assert not form.form.place_rule(RuleViolation("Het signaal ligt in de toekomst."))
    assert not form.form.place_rule(UserError("Signaal onbekend."))


def test_lint_warns_on_free_text_and_asks_before_saving(qtbot, reg, session):  # noqa: F811
    number = new_case(reg)
    form = open_form(qtbot, session, number, "note")
    fill(qtbot, form.row("text").editor, "Gebeld over BSN 123456782 en de brief.")
    warning = form.row("text").warning()
    assert "BSN" in warning and "11-proef" in warning
    assert form.row("text").warning_label.isVisibleTo(form)
    assert not form.save()  # first the question, then the handler decides
    assert "Toch opslaan?" in form.banner.text()
    assert form.save()  # "Toch opslaan": a warning, not a block
    fill(qtbot, form.row("text").editor, "Gebeld over de brief.")
    assert form.row("text").warning() == ""


def test_ctrl_enter_saves(qtbot, reg, session):  # noqa: F811
    number = new_case(reg)
    form = open_form(qtbot, session, number, "note")
    with qtbot.waitActive(form):
        form.show()
        form.activateWindow()
    text = form.row("text").editor
    fill(qtbot, text, "Dossier opgevraagd.")
    text.setFocus()
    with qtbot.waitSignal(session.case_changed):
        qtbot.keyClick(text, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert form.saved
    assert "\n" not in reg.case(number).state.effective[-1].payload["text"]


@pytest.mark.parametrize("kind", ["corrected", "retracted"])
def test_correction_and_retraction_need_a_reason(qtbot, reg, session, kind):  # noqa: F811
    number = triaged_case(reg)
    triage = next(e for e in reg.case(number).state.effective if e.kind == "triaged")
    form = open_form(qtbot, session, number, kind, target=triage.id)
    if kind == "corrected":
        # The same form, filled with the current data.
        assert form.row("decision").editor.value() == "in_behandeling"
        assert form.row("reason").editor.value() == "Vastgelopen na bezwaar."
    assert not form.save()
    assert "verplicht" in form.reason_row.error()
    fill(qtbot, form.reason_row.editor, "Verkeerd vastgelegd.")
    assert form.save()
    state = reg.case(number).state
    if kind == "corrected":
        assert next(e for e in state.effective if e.kind == "triaged").corrections
    else:
        assert [e.id for e in state.log.voided] == [triage.id]


def test_an_open_form_closes_and_forgets_on_lock(qtbot, reg, session):  # noqa: F811
    number = new_case(reg)
    form = open_form(qtbot, session, number, "note")
    with qtbot.waitExposed(form):
        form.show()
    fill(qtbot, form.row("text").editor, "Vertrouwelijke notitie.")
    session.lock()
    assert not form.isVisible()
    assert form.result() == form.DialogCode.Rejected
    assert form.row("text").editor.value() == ""


def test_a_rejected_escalation_needs_its_motivation(qtbot, reg, session):  # noqa: F811
    number = triaged_case(reg)
    reg.append(number, "escalated", {"on": days_ago(reg, 5).isoformat(),
                                     "service": "dienst_toeslagen", "level": "teamleider",
                                     "reason": "Geen reactie op de zienswijze."})
    form = open_form(qtbot, session, number, "escalation_response")
    fill(qtbot, form.row("service").editor, "dienst_toeslagen")
    fill(qtbot, form.row("response").editor, "overgenomen")
    assert not form.row("summary").required
    fill(qtbot, form.row("response").editor, "gemotiveerd_afgewezen")
    assert form.row("summary").required
    assert "schriftelijk motiveren" in form.row("summary").hint_label.text()
    assert not form.save()  # the model refuses it too (docs/DOMAIN.md: written reasons)
    fill(qtbot, form.row("summary").editor, "De dienst houdt vast aan de wettekst.")
    assert form.save()
