"""The case tab: header, timeline, next-step buttons, corrections from the context
menu, signals, story and personal data on demand (audited)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QTreeWidget

from app.model.lint import mask_bsn
from app.storage import audit
from app.storage.interchange_io import import_file
from app.ui.case_tab import CaseTab, PersonalDialog
from app.ui.step_forms import action_label
from tests.gui.helpers_case import (
    VALID_BSN,
    FormDriver,
    days_ago,
    fill,
    new_case,
    reg,  # noqa: F401 (fixture)
    session,  # noqa: F401 (fixture)
    triaged_case,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "interchange-2025-small.json"


def make_tab(qtbot, session, number) -> CaseTab:  # noqa: F811
    tab = CaseTab(session, number)
    qtbot.addWidget(tab)
    tab.resize(1100, 760)
    with qtbot.waitExposed(tab):
        tab.show()
    return tab


def click_step(qtbot, tab: CaseTab, kind: str) -> None:
    assert kind in tab.step_buttons, (kind, sorted(tab.step_buttons))
    qtbot.mouseClick(tab.step_buttons[kind], Qt.MouseButton.LeftButton)


def timeline(tab: CaseTab) -> str:
    return "\n".join(tab.timeline_texts())


def test_buttons_are_exactly_the_next_steps(qtbot, reg, session):  # noqa: F811
    number = new_case(reg)
    tab = make_tab(qtbot, session, number)
    steps = [
        ("triaged", {"decided_on": days_ago(reg, 50).isoformat(), "decision": "in_behandeling",
                     "reason_code": "vastgelopen_casus", "reason": "Vastgelopen."}),
        ("paused", {"from_on": days_ago(reg, 40).isoformat(), "procedure": "Invordering",
                    "citizen_consent": True, "agreed_with": "Teamleider"}),
        ("closed", {"closed_on": days_ago(reg, 30).isoformat(), "outcome": "opgelost",
                    "solution": "Opgelost.", "powers_sufficient": "ja"}),
        ("closing_interview", {"held_on": days_ago(reg, 20).isoformat()}),
    ]
    seen = []
    for kind, data in [*steps, (None, None)]:
        state = reg.case(number).state
        assert set(tab.step_buttons) == set(state.next_steps)
        for k, button in tab.step_buttons.items():
            assert button.accessibleName() == action_label(k)  # "Heropenen", an action
            assert reg.codelists.label("event_kind", k) in button.toolTip()
            assert button.isVisibleTo(tab)
        seen.append(sorted(tab.step_buttons))
        if kind is not None:
            reg.append(number, kind, data)
            session.case_changed.emit(number)
    assert "triaged" in seen[0] and "closed" not in seen[0]
    assert "resumed" in seen[2] and "paused" not in seen[2]
    assert "reopened" in seen[3] and "closing_interview" in seen[3]
    assert "closing_interview" not in seen[4]
    assert tab.tabs.tabText(tab.tabs.currentIndex()) == "&Tijdlijn"


def test_a_case_from_triage_to_closing_interview(qtbot, monkeypatch, reg,  # noqa: F811
                                                 session):  # noqa: F811
    number = new_case(reg)
    tab = make_tab(qtbot, session, number)
    titles: list[str] = []
    tab.title_changed.connect(titles.append)
    drive = FormDriver(monkeypatch, qtbot)
    assert tab.status_label.text() == "Aangemeld (te triëren)"
    assert tab.number_label.text() == f"Casus {number}"
    assert "60 dagen oud" in tab.age_label.text()

    def step(kind, values, check=None):
        drive.then(values, check)
        with qtbot.waitSignal(session.case_changed):
            click_step(qtbot, tab, kind)
        assert set(tab.step_buttons) == set(reg.case(number).state.next_steps)

    step("triaged", {"decided_on": days_ago(reg, 55), "decision": "in_behandeling",
                     "reason_code": "vastgelopen_casus", "reason": "Loopt vast na bezwaar."})
    assert tab.status_label.text() == "In behandeling – Onderzoek"
    assert "Triagebesluit | Besluit: In behandeling nemen" in timeline(tab)
    assert titles and titles[-1] == number

    reply = reg.today() + timedelta(days=10)
    step("opinion_sent", {"sent_on": days_ago(reg, 40), "service": "dienst_toeslagen",
                          "proposed_solution": "Terugvordering matigen.",
                          "reply_due_on": reply})
    assert tab.status_label.text() == "In behandeling – Wacht op reactie dienst"
    assert f"Reactie verwacht uiterlijk: {reply.strftime('%d-%m-%Y')}" in timeline(tab)

    def refused_then_reasons(form):
        assert not form.save()  # afgewezen without the service's reasons
        assert "motivering" in form.row("summary").error()
        fill(qtbot, form.row("summary").editor, "Geen ruimte in de wet, zegt de dienst.")
        return form.save()

    step("service_response", {"received_on": days_ago(reg, 30),
                              "response": "gemotiveerd_afgewezen"}, refused_then_reasons)
    assert tab.status_label.text() == "In behandeling – Onderzoek"
    assert ("Reactie op zienswijze | Dienst: Dienst Toeslagen; Reactie: Gemotiveerd "
            "afgewezen; Motivering van de dienst: Geen ruimte") in timeline(tab)

    step("escalated", {"on": days_ago(reg, 25), "service": "dienst_toeslagen",
                       "reason": "Afwijzing onvoldoende gemotiveerd."})
    assert tab.status_label.text() == "In behandeling – Geëscaleerd"
    assert "Niveau: Teamleider" in timeline(tab)

    step("escalation_response", {"received_on": days_ago(reg, 20),
                                 "response": "deels_overgenomen"})
    assert tab.status_label.text() == "In behandeling – Onderzoek"

    step("paused", {"from_on": days_ago(reg, 15), "procedure": "Dwanginvordering",
                    "citizen_consent": True, "agreed_with": "Teamleider Invordering"})
    assert tab.status_label.text() == "In behandeling – Pauzeknop actief"
    assert "wettelijke termijnen lopen door" in tab.notice_label.text()
    assert "resumed" in tab.step_buttons and "paused" not in tab.step_buttons

    step("resumed", {"on": days_ago(reg, 10)})
    assert tab.status_label.text() == "In behandeling – Onderzoek"
    assert "waarvan 5 dagen gepauzeerd" in tab.age_label.text()

    step("closed", {"closed_on": days_ago(reg, 5), "outcome": "deels_opgelost",
                    "solution": "Terugvordering deels kwijtgescholden.",
                    "grounds": ["kwijtschelding"], "powers_used": ["doorzettingsmacht"],
                    "powers_sufficient": "ja"})
    assert tab.status_label.text() == "Afgerond"
    assert "doorlooptijd 55 dagen" in tab.age_label.text()
    assert "Uitkomst: Deels opgelost" in timeline(tab)

    step("closing_interview", {"held_on": days_ago(reg, 2), "citizen_score": 7,
                               "helper_score": 9})
    assert "closing_interview" not in tab.step_buttons
    assert "Rapportcijfer burger: 7; Rapportcijfer aandrager: 9" in timeline(tab)
    state = reg.case(number).state
    assert state.path == "na_escalatie"
    assert tab.timeline.topLevelItemCount() == len(state.effective) == 10


def test_correct_from_the_context_menu(qtbot, monkeypatch, reg, session):  # noqa: F811
    number = triaged_case(reg)
    reg.append(number, "note", {"on": days_ago(reg, 5).isoformat(), "text": "Gebeld."})
    tab = make_tab(qtbot, session, number)
    note = next(e for e in reg.case(number).state.effective if e.kind == "note")
    item = tab.item_for(note.id)
    menu = tab.timeline_menu(item)
    correct, _retract, _erase = menu.actions()
    assert correct.text() == "&Corrigeren…" and correct.isEnabled()

    def reason_required(form):
        assert form.row("text").editor.value() == "Gebeld."  # pre-filled
        fill(qtbot, form.row("text").editor, "Gebeld met de Belastingdienst.")
        assert not form.save()
        assert form.reason_row.error()
        fill(qtbot, form.reason_row.editor, "Dienst ontbrak.")
        return form.save()

    FormDriver(monkeypatch, qtbot).then(check=reason_required)
    with qtbot.waitSignal(session.case_changed):
        correct.trigger()
    text = timeline(tab)
    assert "Notitie (gecorrigeerd)" in text
    assert "Tekst: Gebeld met de Belastingdienst." in text
    assert "Dienst ontbrak." in text


def test_retract_from_the_context_menu(qtbot, monkeypatch, reg, session):  # noqa: F811
    number = triaged_case(reg)
    reg.append(number, "partner_informed", {"on": days_ago(reg, 5).isoformat(),
                                            "about": "ontvangst"})
    tab = make_tab(qtbot, session, number)
    state = reg.case(number).state
    informed = next(e for e in state.effective if e.kind == "partner_informed")
    registered = next(e for e in state.effective if e.kind == "registered")
    # The registration itself cannot lapse.
    assert not tab.timeline_menu(tab.item_for(registered.id)).actions()[1].isEnabled()

    def reason_required(form):
        assert not form.save()
        assert "verplicht" in form.reason_row.error()
        fill(qtbot, form.reason_row.editor, "Bij de verkeerde casus vastgelegd.")
        return form.save()

    FormDriver(monkeypatch, qtbot).then(check=reason_required)
    with qtbot.waitSignal(session.case_changed):
        tab.timeline_menu(tab.item_for(informed.id)).actions()[1].trigger()
    text = timeline(tab)
    assert "Aandrager geïnformeerd (vervallen)" in text
    assert "Vervallen: Bij de verkeerde casus vastgelegd." in text
    # A lapsed step offers neither correction nor retraction.
    correct, retract, _erase = tab.timeline_menu(tab.item_for(informed.id)).actions()
    assert not correct.isEnabled() and not retract.isEnabled()


def test_personal_data_only_on_demand_and_audited(qtbot, monkeypatch, reg,  # noqa: F811
                                                 session):  # noqa: F811
    number = new_case(reg, personal={"name": "Jan Jansen", "bsn": VALID_BSN,
                                     "phone": "0612345678"})
    tab = make_tab(qtbot, session, number)

    def views():
        return [r for r in audit.rows(reg.conn) if r.action == "view_personal"]

    def all_text():
        parts = [w.text() for w in tab.findChildren(QLabel)]
        parts += [w.toPlainText() for w in tab.findChildren(QPlainTextEdit)]
        parts += ["\n".join(tab.timeline_texts())]
        return "\n".join(parts)

    assert views() == []
    assert "Jan Jansen" not in all_text() and VALID_BSN not in all_text()
    tab.tabs.setCurrentWidget(tab.personal_page)
    qtbot.mouseClick(tab.show_personal_button, Qt.MouseButton.LeftButton)
    assert [(r.object, r.actor) for r in views()] == [(number, "Tester")]
    assert tab.personal_values["name"].text() == "Jan Jansen"
    assert tab.personal_values["bsn"].text() == mask_bsn(VALID_BSN) == "*****6782"
    assert VALID_BSN not in all_text()

    # Edit through the dialog (driven, not exec'd); the BSN stays unless retyped.
    def drive(session_, number_, current, parent=None):
        dlg = PersonalDialog(session_, number_, current, parent)
        qtbot.addWidget(dlg)
        assert dlg.fields.editor("bsn").text() == ""
        assert "*****6782" in dlg.fields.editor("bsn").placeholderText()
        fill(qtbot, dlg.fields.editor("bsn"), "123456789")
        assert not dlg.save()  # the 11-proef
        assert "11-proef" in dlg.fields.rows["bsn"].error()
        dlg.fields.editor("bsn").clear()
        fill(qtbot, dlg.fields.editor("address"), "Dorpsstraat 1, Urk")
        assert dlg.save()
        return dlg.result_data

    monkeypatch.setattr(PersonalDialog, "run", staticmethod(drive))
    with qtbot.waitSignal(session.case_changed):
        qtbot.mouseClick(tab.edit_personal_button, Qt.MouseButton.LeftButton)
    assert tab.personal_values["address"].text() == "Dorpsstraat 1, Urk"
    assert tab.personal_values["bsn"].text() == "*****6782"
    assert reg.personal(number)["bsn"] == VALID_BSN
    assert [r.action for r in audit.rows(reg.conn)].count("edit_personal") == 1

    # Leaving the tab hides them again; nothing personal stays on screen.
    tab.tabs.setCurrentWidget(tab.timeline_page)
    assert not tab.personal_shown()
    assert "Jan Jansen" not in all_text() and "Urk" not in all_text()


def test_clear_drops_all_case_text(qtbot, reg, session):  # noqa: F811
    number = triaged_case(reg, summary="Unieke samenvatting XYZ")
    tab = make_tab(qtbot, session, number)
    assert "Unieke samenvatting XYZ" in timeline(tab)
    session.lock()  # the auto-lock path: the session tells every view to clear
    texts = [w.text() for w in tab.findChildren(QLabel)]
    assert not any(number in t or "XYZ" in t for t in texts)
    assert tab.timeline.topLevelItemCount() == 0
    assert tab.step_buttons == {}
    assert all(t.topLevelItemCount() == 0 for t in tab.findChildren(QTreeWidget))


def test_refreshes_only_for_its_own_case(qtbot, reg, session):  # noqa: F811
    number = new_case(reg)
    other = new_case(reg)
    tab = make_tab(qtbot, session, number)
    reg.append(other, "note", {"on": days_ago(reg, 1).isoformat(), "text": "Ander."})
    reg.append(number, "note", {"on": days_ago(reg, 1).isoformat(), "text": "Eigen."})
    session.case_changed.emit(other)
    assert "Eigen." not in timeline(tab)
    session.case_changed.emit(number)
    assert "Eigen." in timeline(tab) and "Ander." not in timeline(tab)


def test_rich_imported_timeline(qtbot, reg, session):  # noqa: F811
    import_file(reg, DATA)
    tab = make_tab(qtbot, session, "V-012")
    assert "(herkomstnummer V-012)" in tab.number_label.text()
    text = timeline(tab)
    assert "Heroverwegingsverzoek (escalatie)" in text and "Eindgesprek" in text
    assert "Laatste dag:" in text
    # Signals and the story tab.
    assert tab.signal_list.topLevelItemCount() >= 1
    assert "Goedgekeurd door" in tab.story_status.text()
    # A lapsed step and a corrected one, with their reasons.
    tab9 = make_tab(qtbot, session, "V-009")
    assert "Zienswijze Belangenbehartiger (vervallen)" in timeline(tab9)
    tab10 = make_tab(qtbot, session, "V-010")
    assert "Triagebesluit (gecorrigeerd)" in timeline(tab10)
    assert "Gecorrigeerd op" in timeline(tab10)
    # The intake tab shows the registration.
    labels = [w.text() for w in tab10.intake_body.findChildren(QLabel)]
    assert "Humanitas Thuisadministratie" in labels


def test_correct_the_registration_from_the_intake_tab(qtbot, monkeypatch, reg,  # noqa: F811
                                                      session):  # noqa: F811
    number = new_case(reg)
    tab = make_tab(qtbot, session, number)
    tab.tabs.setCurrentWidget(tab.intake_page)

    def change_summary(form):
        assert form.row("topics").editor.value() == ["kinderopvangtoeslag"]
        fill(qtbot, form.row("summary").editor, "Herberekening kinderopvangtoeslag.")
        fill(qtbot, form.row("correction_reason").editor, "Samenvatting aangescherpt.")
        return form.save()

    FormDriver(monkeypatch, qtbot).then(check=change_summary)
    with qtbot.waitSignal(session.case_changed):
        qtbot.mouseClick(tab.correct_intake_button, Qt.MouseButton.LeftButton)
    labels = [w.text() for w in tab.intake_body.findChildren(QLabel)]
    assert "Herberekening kinderopvangtoeslag." in labels
    assert "Aangemeld (gecorrigeerd)" in timeline(tab)


def test_rule_breaks_after_a_merge_are_flagged(qtbot, reg, session):  # noqa: F811
    from app.model.dates import utc_now_iso
    from app.model.eventlog import Event, new_id

    number = new_case(reg)
    # A step that arrived in a merge and breaks a rule (closing a case never triaged).
    ev = Event(new_id(), "case", reg.case_id(number), None, "closed", days_ago(reg, 1),
               reg.clock.next(), "Collega", reg.settings.device_id,
               {"closed_on": days_ago(reg, 1).isoformat(), "outcome": "opgelost",
                "solution": "Opgelost.", "powers_sufficient": "ja"}, utc_now_iso())
    reg.insert_batch([ev])
    tab = make_tab(qtbot, session, number)
    assert "Afgerond ⚠ ter beoordeling" in timeline(tab)
    assert "Ter beoordeling: Afgerond kan alleen als de casus" in timeline(tab)
    assert "Ter beoordeling" in tab.notice_label.text()


def test_link_and_unlink_a_signal(qtbot, monkeypatch, reg, session):  # noqa: F811
    number = new_case(reg)
    sig = reg.create_signal({"created_on": days_ago(reg, 5).isoformat(),
                             "title": "Brieven over terugvordering onduidelijk",
                             "problem": "Onduidelijke brieven.",
                             "proposed_solution": "Brieven herschrijven.",
                             "theme": "dienstverlening", "services": ["dienst_toeslagen"]})
    tab = make_tab(qtbot, session, number)
    tab.tabs.setCurrentWidget(tab.signals_page)
    drive = FormDriver(monkeypatch, qtbot)
    drive.then()  # the only signal is preselected
    with qtbot.waitSignal(session.case_changed):
        qtbot.mouseClick(tab.link_button, Qt.MouseButton.LeftButton)
    assert tab.signal_list.topLevelItemCount() == 1
    item = tab.signal_list.topLevelItem(0)
    assert item.text(0) == sig.number and "onduidelijk" in item.text(1)
    assert not tab.unlink_button.isEnabled()  # nothing selected yet
    tab.signal_list.setCurrentItem(item)
    assert tab.unlink_button.isEnabled()
    drive.then(check=lambda form: (form.row("signal").editor.value() == sig.number
                                   and form.save()))
    with qtbot.waitSignal(session.case_changed):
        qtbot.mouseClick(tab.unlink_button, Qt.MouseButton.LeftButton)
    assert tab.signal_list.topLevelItemCount() == 0
    assert "Signaal ontkoppeld" in timeline(tab)


def test_print_writes_the_case_overview_personal_data_only_on_request(
        qtbot, monkeypatch, tmp_path, reg, session):  # noqa: F811
    from app.ui.case_tab import PrintDialog

    number = new_case(reg, personal={"name": "Hendrika Testpersoon", "bsn": VALID_BSN})
    tab = make_tab(qtbot, session, number)
    opened: list[Path] = []
    monkeypatch.setattr(PrintDialog, "open_file", staticmethod(opened.append))
    plain = tmp_path / "zonder.html"
    monkeypatch.setattr(PrintDialog, "ask", classmethod(
        lambda cls, n, p=None, **kw: (plain, False)))
    qtbot.mouseClick(tab.print_button, Qt.MouseButton.LeftButton)
    html = plain.read_text(encoding="utf-8")
    assert number in html and "Hendrika Testpersoon" not in html
    assert opened == [plain]
    full = tmp_path / "met.html"
    monkeypatch.setattr(PrintDialog, "ask", classmethod(lambda cls, n, p=None, **kw: (full, True)))
    qtbot.mouseClick(tab.print_button, Qt.MouseButton.LeftButton)
    assert "Hendrika Testpersoon" in full.read_text(encoding="utf-8")
    actions = [(a.action, a.object) for a in audit.rows(reg.conn)]
    assert ("print_personal", number) in actions
    monkeypatch.setattr(PrintDialog, "ask", classmethod(lambda cls, n, p=None, **kw: None))
    qtbot.mouseClick(tab.print_button, Qt.MouseButton.LeftButton)  # cancelled: nothing
    assert opened == [plain, full]


def test_enter_in_the_print_dialog_is_ok_not_the_file_chooser(qtbot, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from app.ui.case_tab import PrintDialog

    chooser: list[object] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: chooser.append(a) or ("", "")))
    for first in (None, "choose_button"):
        dialog = PrintDialog("2025-ZWL-0001")
        qtbot.addWidget(dialog)
        dialog.open()
        qtbot.waitExposed(dialog)
        if first:
            getattr(dialog, first).setFocus()
        assert dialog.ok_button.isDefault()
        with qtbot.waitSignal(dialog.accepted, timeout=2000):
            qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)
        assert chooser == []
