"""Beheer -> Bewaartermijn and Audit, "Tekst wissen" in the case tab, and the case
list's "Vernietigd" filter, with real widgets and the page's worker."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.storage import audit
from app.storage.repository import CaseQuery, Register
from app.ui.beheer.audit_tab import AuditTab
from app.ui.beheer.page import BeheerPage
from app.ui.beheer.retention_tab import RetentionTab
from app.ui.session import Session
from app.ui.worker import Worker
from tests.gui.conftest import visible_texts
from tests.helpers.registers import registration, triage

PAGES: list[Any] = []  # qtbot keeps weak references only


def beheer(qtbot: Any, session: Session, tab: str) -> Any:
    reader = Worker(session)
    page = BeheerPage(session, reader)
    PAGES[:] = [page, reader]
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show_tab(tab)
    with qtbot.waitExposed(page):
        page.show()
    return page.tab(tab)


def ended_case(reg: Register, name: str = "Jacoba Hoogendijk") -> str:
    number = str(reg.register_case(registration(received_on="2025-01-06"),
                                   personal={"name": name}).number)
    reg.append(number, "triaged", triage(on="2025-01-07"))
    reg.append(number, "closed", {"closed_on": "2025-01-31", "outcome": "opgelost",
                                  "solution": "Opgelost.", "powers_sufficient": "ja"})
    return number


def wait_for(qtbot: Any, tab: Any, condition: Any) -> None:
    qtbot.waitUntil(lambda: (tab.reader.wait(100), condition())[1], timeout=8000)


def test_purge_preview_confirmation_and_erasure(qtbot: Any, session: Session,
                                                small_register: Register,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    reg = small_register
    reg.today = lambda: date(2026, 6, 1)
    number = ended_case(reg)
    tab = beheer(qtbot, session, "RetentionTab")
    assert isinstance(tab, RetentionTab)
    assert "12 maanden" in tab.explain.text()
    assert not tab.purge_button.isEnabled()  # nothing before a preview
    qtbot.mouseClick(tab.preview_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, tab, lambda: tab.result is not None)
    listed = [tab.list.topLevelItem(i).text(0) for i in range(tab.list.topLevelItemCount())]
    assert number in listed
    assert "Er is nog niets gewist" in tab.purge_status.text()
    assert reg.personal(number)  # a preview erases nothing
    assert tab.purge_button.isEnabled()

    asked: list[str] = []
    monkeypatch.setattr(tab, "confirm", lambda title, text: asked.append(text) or False)
    assert not tab.purge_now()
    assert reg.personal(number) and asked and "kan niet ongedaan" in asked[0]

    monkeypatch.setattr(tab, "confirm", lambda title, text: True)
    with qtbot.waitSignal(session.data_changed, timeout=8000):
        assert tab.purge_now()
    assert reg.personal(number) == {}
    assert "gewist (vastgelegd in het auditlogboek)" in tab.purge_status.text()
    assert audit.query(reg.conn, audit.AuditQuery(action="purge"))[-1].actor == "Tester"


def test_destroy_from_beheer_and_the_vernietigd_filter(qtbot: Any, session: Session,
                                                       small_register: Register,
                                                       monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    from app.ui.cases_page import CasesPage

    reg = small_register
    number = ended_case(reg)
    tab = beheer(qtbot, session, "RetentionTab")
    tab.number_edit.setText(number)
    assert not tab.destroy_case()  # no reason
    assert "reden" in tab.destroy_status.text()
    qtbot.keyClicks(tab.reason_edit, "Bewaartermijn selectielijst verstreken")
    monkeypatch.setattr(tab, "confirm", lambda title, text: False)
    assert not tab.destroy_case()
    assert reg.case(number).state.status == "afgerond"
    monkeypatch.setattr(tab, "confirm", lambda title, text: True)
    with qtbot.waitSignal(session.data_changed, timeout=8000):
        assert tab.destroy_case()
    assert f"Casus {number} is vernietigd." == tab.destroy_status.text()
    assert reg.case(number).state.status == "vernietigd"

    tab.number_edit.setText(next(r.number for r in reg.list_cases()
                                 if r.status == "in_behandeling"))
    tab.reason_edit.setText("x")
    assert tab.destroy_case()
    wait_for(qtbot, tab, lambda: "kan niet worden vernietigd" in tab.destroy_status.text())

    page = CasesPage(session)
    PAGES.append(page)
    qtbot.addWidget(page)
    page.reload()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=5000)
    numbers = {page.model.index(r, 0).data() for r in range(page.model.rowCount())}
    assert number not in numbers
    page.status_combo.setCurrentIndex(page.status_combo.findData("vernietigd"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=5000)
    assert page.model.index(0, 0).data() == number
    assert reg.count_cases(CaseQuery(status="vernietigd")) == 1


def test_a_queued_destroy_cannot_be_submitted_twice(qtbot: Any, session: Session,
                                                     small_register: Register,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    reg = small_register
    number = ended_case(reg)
    tab = beheer(qtbot, session, "RetentionTab")
    monkeypatch.setattr(tab, "confirm", lambda title, text: True)
    tab.number_edit.setText(number)
    tab.reason_edit.setText("Bewaartermijn selectielijst verstreken")
    submitted: list[Any] = []
    submit = tab.reader.submit
    monkeypatch.setattr(tab.reader, "submit",
                        lambda *a, **k: submitted.append(a) or submit(*a, **k))
    assert tab.destroy_case()
    tab.refresh()  # a settings change or the tab shown again while it is queued
    session.settings_changed.emit()
    assert not tab.destroy_button.isEnabled()
    assert not tab.destroy_case()  # Enter again, or a click that got through
    assert len(submitted) == 1
    wait_for(qtbot, tab, lambda: "is vernietigd" in tab.destroy_status.text())
    assert tab.destroy_button.isEnabled()


def test_the_purge_erases_no_more_than_the_preview_showed(
        qtbot: Any, session: Session, small_register: Register,
        monkeypatch: pytest.MonkeyPatch) -> None:
    reg = small_register
    reg.today = lambda: date(2026, 6, 1)
    shown = ended_case(reg)
    tab = beheer(qtbot, session, "RetentionTab")
    qtbot.mouseClick(tab.preview_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, tab, lambda: tab.result is not None)
    previewed = len(tab.result.items)
    later = ended_case(reg, "Pieter Post")  # due as well, but after the preview
    monkeypatch.setattr(tab, "confirm", lambda title, text: True)
    with qtbot.waitSignal(session.data_changed, timeout=8000):
        assert tab.purge_now()
    assert reg.personal(shown) == {}
    assert reg.personal(later) == {"name": "Pieter Post"}  # not confirmed: kept
    assert len(tab.result.items) == previewed
    assert "Het overzicht toonde" not in tab.purge_status.text()

    # a case reopened between the preview and the purge keeps its data, and is named
    qtbot.mouseClick(tab.preview_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, tab, lambda: tab.result is not None and not tab.result.done)
    assert later in [i.number for i in tab.result.items]
    reg.append(later, "reopened", {"on": "2026-05-30", "reason": "Toch nog een vraag."})
    with qtbot.waitSignal(session.data_changed, timeout=8000):
        assert tab.purge_now()
    assert reg.personal(later) == {"name": "Pieter Post"}
    assert "Het overzicht toonde 1 casussen" in tab.purge_status.text()


def test_the_audit_table_filters_checks_and_exports(qtbot: Any, session: Session,
                                                    small_register: Register,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    reg = small_register
    reg.personal(reg.list_cases()[0].number)
    tab = beheer(qtbot, session, "AuditTab")
    assert isinstance(tab, AuditTab)
    wait_for(qtbot, tab, lambda: tab.table.topLevelItemCount() > 0)
    shown = [tab.table.topLevelItem(i).text(4) for i in range(tab.table.topLevelItemCount())]
    assert shown[0] == "Persoonsgegevens ingezien"  # newest first
    assert "Ontgrendeld" in shown and "Import uitwisselbestand" in shown
    tab.action_combo.setCurrentIndex(tab.action_combo.findData("unlock"))
    wait_for(qtbot, tab, lambda: tab.table.topLevelItemCount() == 1)
    assert "1 regels" in tab.count_label.text()
    tab.actor_combo.setCurrentIndex(tab.actor_combo.findData("Tester"))
    tab.period_check.setChecked(True)
    tab.date_from.setDate(tab.date_from.date().addYears(-30))
    wait_for(qtbot, tab, lambda: tab.table.topLevelItemCount() == 1)
    tab.period_check.setChecked(False)

    qtbot.mouseClick(tab.verify_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, tab, lambda: "in orde" in tab.status.text())
    assert "zegel" in tab.status.text()

    out = tmp_path / "audit.json"
    monkeypatch.setattr(tab, "choose_file", lambda: out)
    qtbot.mouseClick(tab.export_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, tab, lambda: "geschreven naar" in tab.status.text())
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert {r["action"] for r in rows} == {"unlock"}  # what the filter showed

    reg.conn.execute("DROP TRIGGER audit_no_update")
    reg.conn.execute("UPDATE audit SET object = 'iets anders' WHERE seq = 2")
    qtbot.mouseClick(tab.verify_button, Qt.MouseButton.LeftButton)
    wait_for(qtbot, tab, lambda: "NIET in orde" in tab.status.text())
    assert "auditregel 2: de inhoud is gewijzigd" in tab.status.text()
    session.lock()
    assert tab.table.topLevelItemCount() == 0 and not tab.verify_button.isEnabled()


def test_the_audit_period_is_read_once_the_handler_pauses(
        qtbot: Any, session: Session, small_register: Register,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Arrowing through dates must not queue a full read of the trail per press; the
    table shows the last period asked for."""
    from app.ui.beheer import audit_tab

    tab = beheer(qtbot, session, "AuditTab")
    wait_for(qtbot, tab, lambda: tab.table.topLevelItemCount() > 0)
    reads: list[Any] = []
    real = audit_tab.read_trail
    monkeypatch.setattr(audit_tab, "read_trail",
                        lambda reg, q: (reads.append(q), real(reg, q))[1])
    tab.period_check.setChecked(True)
    for _ in range(12):
        tab.date_from.setDate(tab.date_from.date().addMonths(-1))  # an arrow press each
    qtbot.wait(800)  # the handler pauses
    wait_for(qtbot, tab, lambda: len(reads) >= 2)
    assert len(reads) <= 3  # the toggle, then one after the pause (not 12)
    assert reads[-1].start == audit_tab._pydate(tab.date_from.date())


def test_audit_rows_cut_off_stop_every_connection_and_the_window_says_so(
        qtbot: Any, session: Session, small_register: Register) -> None:
    """Only the seal knows of rows cut off the end: after the check nothing may write
    and re-seal, not this window's connection nor the page's reader, and the window
    turns read-only at once (banner, title, step buttons follow state_changed)."""
    reg = small_register
    tab = beheer(qtbot, session, "AuditTab")
    wait_for(qtbot, tab, lambda: tab.table.topLevelItemCount() > 0)
    reg.conn.execute("DROP TRIGGER audit_no_delete")
    reg.conn.execute("DELETE FROM audit WHERE seq >= 3")
    assert not session.read_only
    with qtbot.waitSignal(session.state_changed, timeout=8000):
        qtbot.mouseClick(tab.verify_button, Qt.MouseButton.LeftButton)
    assert "NIET in orde" in tab.status.text()
    assert session.read_only

    def reader_refuses(worker_reg: Register) -> bool:
        return worker_reg.read_only

    seen: list[bool] = []
    tab.reader.submit(reader_refuses, seen.append, lambda exc: seen.append(False))
    wait_for(qtbot, tab, lambda: bool(seen))
    assert seen == [True]


def test_tekst_wissen_on_a_timeline_step(qtbot: Any, session: Session,
                                         small_register: Register,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ui.case_tab import CaseTab, EraseTextDialog

    reg = small_register
    number = ended_case(reg)
    state = reg.append(number, "note", {"on": "2025-01-31", "text": "BSN 123456782 gebeld."})
    note = next(e for e in state.effective if e.kind == "note")
    reg.correct(note.id, {"on": "2025-01-31", "text": "Burger gebeld."}, "BSN weg.")
    tab = CaseTab(session, number)
    PAGES[:] = [tab]
    qtbot.addWidget(tab)
    tab.resize(1100, 760)
    with qtbot.waitExposed(tab):
        tab.show()
    item = tab.item_for(note.id)
    tab.timeline.setCurrentItem(item)
    assert tab.erase_button.isEnabled()
    menu = tab.timeline_menu(item)
    assert [a.text() for a in menu.actions()][-1] == "Tekst &wissen…"

    seen: list[Any] = []

    def choose(texts: Any, parent: Any = None, **kw: Any) -> Any:
        seen.extend(texts)
        dialog = EraseTextDialog(texts, parent)
        qtbot.addWidget(dialog)
        assert not dialog.ok.isEnabled()
        dialog.boxes[0][0].setChecked(True)  # the original's text, not the correction
        qtbot.keyClicks(dialog.reason, "BSN per ongeluk getypt")
        assert dialog.ok.isEnabled()
        return dialog.choice()

    monkeypatch.setattr(EraseTextDialog, "ask", staticmethod(choose))
    assert tab.erase_text(note.id)
    assert [(t.label, t.correction) for t in seen] == [
        ("Tekst", False), ("Tekst", True), ("Reden van de correctie", True)]
    stored = next(e for e in reg.case(number).events if e.id == note.id)
    assert stored.payload["text"] is None
    texts = " ".join(tab.timeline_texts())
    assert "123456782" not in texts and "Burger gebeld." in texts
    assert "Tekst gewist op" in texts and "BSN per ongeluk getypt" in texts
    assert not any("123456782" in t for t in visible_texts())


def test_a_destroyed_case_opens_as_its_tombstone(qtbot: Any, session: Session,
                                                 small_register: Register) -> None:
    from app.storage.retention import destroy
    from app.ui.case_tab import CaseTab

    reg = small_register
    number = ended_case(reg)
    destroy(reg, number, "Archiefwet: termijn verstreken")
    tab = CaseTab(session, number)
    PAGES[:] = [tab]
    qtbot.addWidget(tab)
    with qtbot.waitExposed(tab):
        tab.show()
    assert tab.status_label.text() == "Vernietigd"
    assert "Archiefwet: termijn verstreken" in tab.notice_label.text()
    assert tab.step_buttons == {}
    assert not tab.print_button.isEnabled() and not tab.show_personal_button.isEnabled()
    assert not tab.erase_button.isEnabled()
    assert tab.timeline.topLevelItemCount() == 1
    assert "Jacoba" not in " ".join(visible_texts())


def test_the_erase_reason_is_checked_for_personal_data(qtbot: Any, session: Session,
                                                       small_register: Register,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The reason stays in the log for good (the 'Tekst gewist' step): a BSN typed into
    it is flagged while typing and asked about once, like every other free text."""
    from app.model.retention import erasable_texts
    from app.ui.case_tab import CaseTab, EraseTextDialog

    reg = small_register
    number = ended_case(reg)
    state = reg.append(number, "note", {"on": "2025-01-31", "text": "BSN 123456782 gebeld."})
    note = next(e for e in state.effective if e.kind == "note")
    dialog = EraseTextDialog(erasable_texts(reg.case(number).events, note.id), session=session)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    assert "BSN" not in dialog.reason.placeholderText()  # it does not invite one
    dialog.boxes[0][0].setChecked(True)
    qtbot.keyClicks(dialog.reason, "BSN 123456782 stond in de notitie")
    assert dialog.warning.isVisible() and "BSN" in dialog.warning.text()
    qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
    assert "Toch" in dialog.ok.text() and "Toch wissen" in dialog.warning.text()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)  # the handler's yes

    # the erase itself records that yes, as every override of the lint is
    tab = CaseTab(session, number)
    PAGES[:] = [tab]
    qtbot.addWidget(tab)
    monkeypatch.setattr(EraseTextDialog, "ask", staticmethod(
        lambda texts, parent=None, **kw: dialog.choice()))
    assert tab.erase_text(note.id)
    qtbot.waitUntil(lambda: bool(audit.query(reg.conn, audit.AuditQuery(
        action="override_lint"))), timeout=8000)
    row = audit.query(reg.conn, audit.AuditQuery(action="override_lint"))[-1]
    assert f"casus {number}, tekst wissen" in row.object
