"""What the first users ran into in the forms (issue 11): errors that stayed, a
timeline that lost its place, personal data saved without a question, deadlines that
vanished on closing, triage reasons that did not fit, and words that were not the
office's own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QCheckBox

from app.model.codelists import TRIAGE_REASONS
from app.storage import audit
from app.storage.repository import Register
from app.ui.case_tab import CaseTab
from app.ui.intake import IntakeForm
from app.ui.session import Session
from app.ui.step_forms import StepForm
from tests.gui.helpers_case import (
    VALID_BSN,
    FormDriver,
    days_ago,
    fill,
    new_case,
    triaged_case,
)
from tests.helpers.registers import make_register

IBAN = "NL91ABNA0417164300"


@pytest.fixture
def reg(tmp_path: Path) -> Any:
    register = make_register(tmp_path)
    yield register
    if register.conn is not None:
        register.close()


@pytest.fixture
def session(qtbot: Any, reg: Register) -> Session:
    return Session(reg)


def open_form(qtbot: Any, session: Session, number: str, kind: str, **kw: Any) -> StepForm:
    form = StepForm(session, number, kind, **kw)
    qtbot.addWidget(form)
    form.show()
    return form


def overrides(reg: Register) -> list[audit.AuditRow]:
    return [r for r in audit.rows(reg.conn) if r.action == "override_lint"]


# ---------------------------------------------------------------------------- item 6


def test_a_field_error_goes_when_the_field_changes(qtbot: Any, reg: Register,
                                                   session: Session) -> None:
    number = new_case(reg)
    form = open_form(qtbot, session, number, "note")
    assert not form.save()
    assert form.row("text").error() == "verplicht veld ontbreekt"
    fill(qtbot, form.row("text").editor, "Dossier opgevraagd.")
    assert form.row("text").error() == ""  # gone while typing, not at the next save

    intake = IntakeForm(session)
    qtbot.addWidget(intake)
    assert intake.save() is None
    assert intake.row("summary").error()
    fill(qtbot, intake.editor("summary"), "Vastgelopen terugvordering.")
    assert intake.row("summary").error() == ""
    assert intake.row("target_group").error()  # the other fields keep theirs


def test_a_signal_form_message_goes_when_a_field_changes(qtbot: Any,
                                                        session: Session) -> None:
    from app.ui.signals_page import SignalsPage

    page = SignalsPage(session)
    qtbot.addWidget(page)
    page.start_create()
    form = page.forms["signal_created"]
    form.save_button.click()
    assert form.message.isVisibleTo(form)
    qtbot.keyClicks(form.widgets["title"], "Brieven zonder termijn")
    assert not form.message.isVisibleTo(form)


# ---------------------------------------------------------------------------- item 9


def many_steps(reg: Register, n: int = 30) -> str:
    number = triaged_case(reg)
    for i in range(n):
        reg.append(number, "note", {"on": days_ago(reg, 50 - i).isoformat(),
                                    "text": f"Notitie {i + 1}: dossier besproken."})
    return number


def in_view(tab: CaseTab, event_id: str) -> bool:
    item = tab.item_for(event_id)
    assert item is not None
    rect = tab.timeline.visualItemRect(item)
    return tab.timeline.viewport().rect().intersects(rect) and rect.height() > 0


def test_the_timeline_shows_a_new_step_and_keeps_its_place(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, reg: Register, session: Session) -> None:
    number = many_steps(reg)
    tab = CaseTab(session, number)
    qtbot.addWidget(tab)
    tab.resize(1100, 560)
    tab.show()
    bar = tab.timeline.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=3000)
    bar.setValue(0)  # the handler looks at the top, the intake

    drive = FormDriver(monkeypatch, qtbot)
    drive.then({"text": "Gebeld met de aandrager."})
    tab.step_buttons["note"].click()
    newest = tab.view.state.effective[-1]
    assert newest.payload.get("text") == "Gebeld met de aandrager."
    assert tab._selected_id() == newest.id
    assert in_view(tab, newest.id)  # scrolled to the step just saved

    middle = tab.view.state.effective[12]
    tab.show_step(middle.id)
    place = bar.value()
    assert 0 < place < bar.maximum()
    drive.then({"text": "Notitie gecorrigeerd.", "correction_reason": "Typefout."})
    tab.correct_button.click()
    corrected = next(e for e in tab.view.state.effective if e.id == middle.id)
    assert corrected.payload.get("text") == "Notitie gecorrigeerd.", [
        (e.kind, e.payload.get("text")) for e in tab.view.state.effective if e.corrections]
    assert bar.value() == place  # a correction keeps the handler's place
    assert tab._selected_id() == middle.id


# ---------------------------------------------------------------------------- item 13


def test_personal_data_in_a_step_asks_before_saving_and_is_audited(
        qtbot: Any, reg: Register, session: Session) -> None:
    number = new_case(reg)
    form = open_form(qtbot, session, number, "note")
    fill(qtbot, form.row("text").editor, f"Betaalt vanaf {IBAN} aan de dienst.")
    assert not form.save()
    assert "Toch opslaan?" in form.banner.text() and "IBAN" in form.banner.text()
    assert form.save_button.text() == "Toch &opslaan"
    assert not any(e.kind == "note" for e in reg.case(number).state.effective)
    assert overrides(reg) == []

    # the handler changes the text: a new question, for the new text
    fill(qtbot, form.row("text").editor, f"BSN {VALID_BSN} genoemd.")
    assert form.save_button.text() == "&Opslaan"
    assert not form.save()
    assert "BSN" in form.banner.text()
    assert form.save()  # "Toch opslaan"
    assert any(e.kind == "note" for e in reg.case(number).state.effective)
    rows = overrides(reg)
    assert len(rows) == 1
    assert number in rows[0].object and "BSN" in rows[0].object
    assert rows[0].result == "toch opgeslagen"
    assert VALID_BSN not in rows[0].object + rows[0].result  # the audit keeps no personal data


def test_a_clean_step_saves_at_once_without_audit(qtbot: Any, reg: Register,
                                                  session: Session) -> None:
    number = new_case(reg)
    form = open_form(qtbot, session, number, "note")
    fill(qtbot, form.row("text").editor, "Dossier opgevraagd bij de dienst.")
    assert form.save()
    assert overrides(reg) == []


def test_the_intake_asks_before_saving_personal_data(qtbot: Any, reg: Register,
                                                     session: Session) -> None:
    form = IntakeForm(session)
    qtbot.addWidget(form)
    fill(qtbot, form.editor("received_on"), days_ago(reg, 2))
    fill(qtbot, form.editor("route"), "maatschappelijke_partner")
    fill(qtbot, form.editor("partner_type"), "sociaal_raadslieden")
    fill(qtbot, form.editor("services"), ["dienst_toeslagen"])
    fill(qtbot, form.editor("topics"), ["huurtoeslag"])
    fill(qtbot, form.editor("target_group"), "burger")
    fill(qtbot, form.editor("summary"), f"Terugvordering, BSN {VALID_BSN}.")
    assert form.save() is None  # the question, not a case
    assert reg.list_cases() == []
    assert "Toch opslaan?" in form.banner.text()
    assert form.save_button.text() == "Toch &aanmelden"
    number = form.save()
    assert number is not None
    rows = overrides(reg)
    assert len(rows) == 1 and number in rows[0].object and "aanmelding" in rows[0].object


def test_a_correction_asks_too(qtbot: Any, reg: Register, session: Session) -> None:
    number = new_case(reg)
    state = reg.case(number).state
    registered = next(e for e in state.effective if e.kind == "registered")
    form = open_form(qtbot, session, number, "corrected", target=registered.id)
    fill(qtbot, form.row("summary").editor, "Bellen via 06-12345678.")
    fill(qtbot, form.row("correction_reason").editor, "Samenvatting aangevuld.")
    assert not form.save()
    assert "telefoonnummer" in form.banner.text()
    assert form.save()
    assert "correctie" in overrides(reg)[0].object


def test_a_signal_asks_and_the_override_is_audited(qtbot: Any, reg: Register,
                                                   session: Session) -> None:
    from app.ui.signals_page import SignalsPage

    page = SignalsPage(session)
    qtbot.addWidget(page)
    page.start_create()
    form = page.forms["signal_created"]
    qtbot.keyClicks(form.widgets["title"], "Brieven zonder termijn")
    qtbot.keyClicks(form.widgets["problem"], "Herinneringen noemen geen termijn.")
    qtbot.keyClicks(form.widgets["human_story"], f"Mevrouw (43 jaar) belde, BSN {VALID_BSN}.")
    qtbot.keyClicks(form.widgets["proposed_solution"], "Noem de termijn.")
    form.widgets["services"].findChildren(QCheckBox)[0].setChecked(True)
    form.save_button.click()
    # one name for the field, in the form and in the question (item 18)
    assert "Gevolgen voor burgers of ondernemers:" in form.message.text()
    assert "Toch opslaan?" in form.message.text()
    assert reg.list_signals() == []
    form.save_button.click()
    assert len(reg.list_signals()) == 1
    rows = overrides(reg)
    assert len(rows) == 1 and rows[0].object.startswith("signaal S-")
    assert ", signaal aangemaakt:" in rows[0].object  # the step, not a form heading


# ---------------------------------------------------------------------------- item 17


def deadline(reg: Register, number: str, start_days_ago: int) -> str:
    state = reg.append(number, "deadline_set", {
        "on": days_ago(reg, 50).isoformat(), "deadline_kind": "bezwaartermijn",
        "start_on": days_ago(reg, start_days_ago).isoformat()})
    return next(d.event_id for d in state.deadlines if d.met_on is None
                and d.start_on == days_ago(reg, start_days_ago))


def test_closing_asks_how_each_open_deadline_ended(qtbot: Any, reg: Register,
                                                   session: Session) -> None:
    number = triaged_case(reg)
    lapsed = deadline(reg, number, 55)  # ended before today
    running = deadline(reg, number, 10)  # still runs
    assert {d.case_number for d in reg.open_deadlines()} == {number}
    form = open_form(qtbot, session, number, "closed")
    assert form.deadlines is not None and set(form.deadlines.rows) == {lapsed, running}
    assert form.row(running).hint_label.text().startswith("Deze termijn loopt nog")
    fill(qtbot, form.row("outcome").editor, "opgelost")
    fill(qtbot, form.row("solution").editor, "Betalingsregeling getroffen.")
    fill(qtbot, form.row("powers_sufficient").editor, "ja")
    assert not form.save()  # no answer yet: nothing is written
    assert form.row(lapsed).error() == "kies gehaald of verlopen"
    assert reg.case(number).state.status == "in_behandeling"
    fill(qtbot, form.row(lapsed).editor, "verstreken")
    fill(qtbot, form.row(running).editor, "gehaald")
    assert form.save()
    state = reg.case(number).state
    assert state.status == "afgerond"
    results = {e.payload["deadline"]: e.payload["result"] for e in state.effective
               if e.kind == "deadline_met"}
    assert results == {lapsed: "verstreken", running: "gehaald"}
    assert all(d.met_on == state.closed_on for d in state.deadlines)
    assert reg.open_deadlines() == []  # nothing was left hanging


def test_a_closing_whose_deadline_answer_fails_says_so_and_counts_as_saved(
        qtbot: Any, reg: Register, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """The closing is in, one deadline answer was refused: the form says what is left
    and closes on Escape, and the case tab is told a step was saved."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from app.model.errors import UserError

    number = triaged_case(reg)
    running = deadline(reg, number, 10)
    real = Register.append

    def refuse(self: Register, n: str, kind: str, payload: Any, *a: Any, **kw: Any) -> Any:
        if kind == "deadline_met":
            raise UserError("het register is even bezet")
        return real(self, n, kind, payload, *a, **kw)

    monkeypatch.setattr(Register, "append", refuse)
    seen: list[str] = []

    def answer() -> None:
        form = QApplication.activeModalWidget()
        assert isinstance(form, StepForm)
        try:
            fill(qtbot, form.row("outcome").editor, "opgelost")
            fill(qtbot, form.row("solution").editor, "Betalingsregeling getroffen.")
            fill(qtbot, form.row("powers_sufficient").editor, "ja")
            fill(qtbot, form.row(running).editor, "gehaald")
            assert form.save()
            seen.append(form.banner.text())
            seen.append(form.save_button.text())
            qtbot.keyClick(form, Qt.Key.Key_Escape)
        finally:
            if form.isVisible():  # a failed check must not leave a modal form open
                form.reject()

    QTimer.singleShot(0, answer)
    assert StepForm.run(session, number, "closed")
    assert "niet elke termijn is afgesloten" in seen[0] and seen[1] == "Sluiten"
    assert reg.case(number).state.status == "afgerond"


def test_closing_without_open_deadlines_asks_nothing(qtbot: Any, reg: Register,
                                                     session: Session) -> None:
    number = triaged_case(reg)
    form = open_form(qtbot, session, number, "closed")
    assert form.deadlines is None


# ---------------------------------------------------------------------------- item 19


def test_triage_reasons_fit_the_decision(qtbot: Any, reg: Register,
                                         session: Session) -> None:
    number = new_case(reg)
    form = open_form(qtbot, session, number, "triaged")
    reasons = form.row("reason_code").editor
    for decision, fitting in TRIAGE_REASONS.items():
        fill(qtbot, form.row("decision").editor, decision)
        assert reasons.keys() == [k for k in reg.codelists.keys("triage_reason",
                                                                active_only=True)
                                  if k in fitting]
    fill(qtbot, form.row("decision").editor, "in_behandeling")
    fill(qtbot, reasons, "spoed_ingrijpende_gevolgen")
    fill(qtbot, form.row("decision").editor, "doorverwezen")
    assert reasons.value() is None  # a reason that does not fit is dropped, not kept


def test_correcting_an_old_triage_keeps_its_reason(qtbot: Any, reg: Register,
                                                   session: Session) -> None:
    number = new_case(reg)
    state = reg.append(number, "triaged", {
        "decided_on": days_ago(reg, 58).isoformat(), "decision": "in_behandeling",
        "reason_code": "capaciteit", "reason": "Vastgelegd voor de indeling."})
    triage = next(e for e in state.effective if e.kind == "triaged")
    form = open_form(qtbot, session, number, "corrected", target=triage.id)
    combo = form.row("reason_code").editor
    assert combo.value() == "capaciteit"
    assert combo.currentText() == "Capaciteit"  # valid, not "(vervallen code)"


# ---------------------------------------------------------------------------- wording


def test_step_buttons_are_actions_and_titles_do_not_double(qtbot: Any, reg: Register,
                                                           session: Session) -> None:
    number = triaged_case(reg)
    tab = CaseTab(session, number)
    qtbot.addWidget(tab)
    tab.show()
    texts = {k: b.text().replace("&", "") for k, b in tab.step_buttons.items()}
    assert texts["assigned"] == "Toewijzen…"
    assert texts["partner_informed"] == "Aandrager informeren…"
    assert texts["deadline_set"] == "Termijn vastleggen…"
    form = open_form(qtbot, session, number, "deadline_set")
    assert form.windowTitle() == f"Casus {number} – Termijn vastleggen"
    assert "Vastleggen:" not in form.windowTitle()
    form = open_form(qtbot, session, number, "partner_informed")
    assert form.row("about").text == "Waarover"  # not "Onderwerp": the case has Onderwerpen
    # the signal page too: actions, each form headed by its action once
    from app.ui.signals_page import SignalsPage

    page = SignalsPage(session)
    qtbot.addWidget(page)
    page.show()
    texts = {k: b.text().replace("&", "") for k, b in page.step_buttons.items()}
    assert texts == {"signal_submitted": "Signaal indienen…",
                     "signal_response": "Reactie vastleggen…",
                     "signal_feedback_given": "Terugkoppeling geven…",
                     "signal_closed": "Signaal sluiten…"}
    letters = [b.text()[b.text().index("&") + 1].lower() for b in page.step_buttons.values()]
    assert len(set(letters)) == len(letters)
    for kind, text in texts.items():
        page.start_step(kind)
        form = page.forms[kind]
        assert form.heading.text() == text.rstrip("…")
        assert form.accessibleName() == text.rstrip("…")
        shown = [t for t in visible_texts() if t.startswith(text.rstrip("…"))]
        assert all(text.rstrip("…") not in t[1:] for t in shown)  # never doubled


def test_a_closed_case_names_its_open_deadline_and_its_herkomstnummer(
        qtbot: Any, reg: Register, session: Session) -> None:
    from app.storage.interchange_io import import_file
    from tests.helpers.registers import EXAMPLE

    import_file(reg, EXAMPLE)
    tab = CaseTab(session, "V-012")
    qtbot.addWidget(tab)
    assert tab.number_label.text().endswith("(herkomstnummer V-012)")
    assert tab.deadline_label.text().startswith("Openstaande termijn: ")
    assert "Termijn afsluiten" in tab.deadline_label.toolTip()
    reopened = CaseTab(session, triaged_case(reg))
    qtbot.addWidget(reopened)
    lapsed = deadline(reg, reopened.number, 60)
    reopened.refresh()
    assert lapsed and "verlopen)" in reopened.deadline_label.text()


def visible_texts() -> list[str]:
    """Texts on screen: labels, buttons, tabs, drop-downs and window titles."""
    from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QLabel, QTabBar

    out: list[str] = []
    for w in QApplication.allWidgets():
        if not w.isVisible():
            continue
        out += [w.windowTitle(), w.toolTip(), w.accessibleName()]
        if isinstance(w, (QLabel, QAbstractButton)):
            out.append(w.text())
        elif isinstance(w, QComboBox):
            out += [w.itemText(i) for i in range(w.count())]
        elif isinstance(w, QTabBar):
            out += [w.tabText(i) for i in range(w.count())]
    return [t for t in out if t]


def test_no_text_says_trieren(qtbot: Any, reg: Register, session: Session) -> None:
    from app.ui.mainwindow import MainWindow

    new_case(reg)
    win = MainWindow(session)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: not win.reader.busy, timeout=5000)
    seen: list[str] = []
    for page in range(win.nav.count()):
        win.show_page(page)
        qtbot.waitUntil(lambda: not win.reader.busy, timeout=5000)
        seen += visible_texts()
    win.open_case(reg.list_cases()[0].number)
    seen += visible_texts()
    assert any("triëren" in t for t in seen)  # "Te triëren", "Aangemeld (te triëren)"
    # (the temporary folder is named after this test: paths shown on screen are not words)
    words = [t.replace(str(reg.path.parent), "") for t in seen]
    assert [t for t in words if "trieren" in t.lower()] == []
