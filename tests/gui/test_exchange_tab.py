"""Beheer -> Uitwisselen and the Weekronde, driven as a handler and a team lead would.

Real SQLCipher registers (the team lead is the conftest's register with the example
file; the laptops are made here), real bundle files written and read by the worker,
real Qt widgets. Only the file and folder choosers are replaced. Expectations are
computed on the test's own connections (events, devices, audit, personal data) or
from the files, never read back from the tab that produced them.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QWizard

from app.storage import audit
from app.storage.bundle_file import read_manifest
from app.storage.crypto import TEST_KDF
from app.storage.exchange import (
    export_bundle,
    import_bundles,
    set_exchange_passphrase,
    stored_passphrase,
)
from app.storage.repository import CaseQuery, Register
from app.ui.beheer import exchange_tab
from app.ui.beheer.exchange_tab import ExchangeTab
from app.ui.export_wizards import PAGE_FILE, PAGE_PERIOD, PAGE_PREVIEW, ExportWizard, RunPage
from app.ui.mainwindow import NAV_BEHEER, NAV_OVERVIEW, MainWindow
from app.ui.weekronde import PAGE_DEVICES, PAGE_FOLDER, PAGE_READ, RoundReadPage
from app.ui.worker import Worker
from tests.gui.conftest import unnamed_controls, visible_texts
from tests.helpers.registers import TEAM, registration, triage

LAPTOP_PASSPHRASE = "een-lange-wachtwoordzin"


# --------------------------------------------------------------------------- helpers


class Files:
    """Stands in for the file and folder choosers."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.save: list[Path] = []
        self.open: list[Path] = []
        self.folder: Path | None = None
        self.asked: list[str] = []

        def ask_save_file(_cls: Any, _parent: Any, caption: str, start: Path) -> Path | None:
            self.asked.append(f"{caption}: {start.name}")
            return self.save.pop(0) if self.save else None

        def ask_open_files(_cls: Any, _parent: Any, caption: str, _start: Path) -> list[Path]:
            self.asked.append(caption)
            return list(self.open)

        def ask_folder(_cls: Any, _parent: Any, caption: str, _start: Path) -> Path | None:
            self.asked.append(caption)
            return self.folder

        monkeypatch.setattr(ExchangeTab, "ask_save_file", classmethod(ask_save_file))
        monkeypatch.setattr(ExchangeTab, "ask_open_files", classmethod(ask_open_files))
        monkeypatch.setattr(ExportWizard, "ask_folder", classmethod(ask_folder))
        # bundles at the tests' Argon2id cost (docs/ARCHITECTURE.md allows it explicitly)
        monkeypatch.setattr(exchange_tab, "BUNDLE_KDF", TEST_KDF)


@pytest.fixture
def files(monkeypatch: pytest.MonkeyPatch) -> Files:
    return Files(monkeypatch)


class Laptop:
    """A handler's own register with a few cases, sending bundles like the CLI does."""

    def __init__(self, folder: Path, code: str, handler: str, cases: int = 2) -> None:
        self.reg = Register.create(folder / f"{code.lower()}.db", LAPTOP_PASSPHRASE, code,
                                   handler, kdf=TEST_KDF)
        set_exchange_passphrase(self.reg, TEAM)
        self.numbers = []
        for i in range(cases):
            n = self.reg.register_case(
                registration(received_on=f"2025-03-0{i + 2}"),
                personal={"name": f"Burger {code} {i}", "bsn": "111222333"}).number
            self.reg.append(n, "triaged", triage(on=f"2025-03-0{i + 3}"))
            self.numbers.append(n)

    def send(self, path: Path, **kw: Any) -> Path:
        export_bundle(self.reg, path, kdf=TEST_KDF, **kw)
        return path

    def close(self) -> None:
        if self.reg.conn is not None:
            self.reg.close()


@pytest.fixture
def laptops(tmp_path: Path):
    made = {code: Laptop(tmp_path, code, name) for code, name in
            (("AAA", "Anna de Vries"), ("BBB", "Bram Jansen"))}
    yield made
    for laptop in made.values():
        laptop.close()


@pytest.fixture
def tab(qtbot: Any, session: Any):
    reader = Worker(session)
    widget = ExchangeTab(session, reader)
    qtbot.addWidget(widget)
    widget.resize(1150, 640)
    widget.show()
    qtbot.waitUntil(lambda: widget.state is not None, timeout=10000)
    yield widget
    reader.shutdown()


def wait_idle(qtbot: Any, tab: ExchangeTab) -> None:
    qtbot.waitUntil(lambda: not tab.busy, timeout=20000)
    tab.reader.wait()
    QApplication.processEvents()


def set_passphrase(qtbot: Any, tab: ExchangeTab, value: str = TEAM) -> None:
    dialog = tab.set_passphrase()
    assert dialog is not None
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.first.hasFocus(), timeout=5000)
    qtbot.keyClicks(dialog.first, value)
    qtbot.keyClick(dialog.first, Qt.Key.Key_Tab)
    assert dialog.second.hasFocus()
    qtbot.keyClicks(dialog.second, value)
    qtbot.keyClick(dialog.second, Qt.Key.Key_Return)  # Opslaan is the default button
    qtbot.waitUntil(lambda: tab.passphrase_dialog is None, timeout=5000)
    qtbot.waitUntil(lambda: bool(tab.state and tab.state.passphrase_set), timeout=5000)


def tree_texts(tree: Any) -> list[str]:
    """Every row of a tree, depth first; a row's columns joined with ' | '."""
    out: list[str] = []

    def walk(item: Any) -> None:
        out.append(" | ".join(item.text(c) for c in range(tree.columnCount())))
        for j in range(item.childCount()):
            walk(item.child(j))

    for i in range(tree.topLevelItemCount()):
        walk(tree.topLevelItem(i))
    return out


def case_item(tree: Any, number: str) -> Any:
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        for j in range(top.childCount()):
            if top.child(j).data(0, Qt.ItemDataRole.UserRole) == number:
                return top.child(j)
    raise AssertionError(f"{number} not in the report")


# --------------------------------------------------------------------------- the passphrase


def test_the_exchange_passphrase_is_set_once_and_never_shown(qtbot, tab, session):
    assert "Nog niet ingesteld" in tab.passphrase_label.text()
    assert unnamed_controls(tab) == []
    dialog = tab.set_passphrase()
    assert unnamed_controls(dialog) == []
    dialog.first.setText("te kort")
    dialog.second.setText("te kort")
    dialog.save()
    assert dialog.error.isVisible() and "12 tekens" in dialog.error.text()
    dialog.first.setText(TEAM)
    dialog.second.setText(TEAM + "x")
    dialog.save()
    assert "niet gelijk" in dialog.error.text()
    dialog.reject()
    qtbot.waitUntil(lambda: tab.passphrase_dialog is None)
    assert stored_passphrase(session.register) is None  # nothing half-saved

    set_passphrase(qtbot, tab)  # typed, Tab, typed again, Enter: keyboard only
    assert stored_passphrase(session.register) == TEAM
    assert "Ingesteld" in tab.passphrase_label.text()
    assert "wijzigen" in tab.passphrase_button.text()
    assert not any(TEAM in t for t in visible_texts())
    changes = [(r.action, r.object, r.result) for r in audit.rows(session.register.conn)]
    assert ("settings_change", "exchange_passphrase", "gewijzigd") in changes
    assert not any(TEAM in (r.object + r.result) for r in audit.rows(session.register.conn))


# --------------------------------------------------------------------------- a bundle


def test_a_bundle_since_last_time_then_everything(qtbot, tab, session, files, tmp_path):
    set_passphrase(qtbot, tab)
    held = session.register.counts()["events"]
    files.save = [tmp_path / "eerste.bundel", tmp_path / "tweede.bundel",
                  tmp_path / "alles.bundel"]
    tab.make_button.setFocus()
    qtbot.keyClick(tab.make_button, Qt.Key.Key_Space)
    wait_idle(qtbot, tab)
    first = read_manifest(tmp_path / "eerste.bundel", TEAM)
    assert (first.sequence, first.events, first.complete) == (1, held, False)
    assert "Bundel 1 opgeslagen" in tab.status.text() and f"{held} stappen" in tab.status.text()
    assert files.asked[0].startswith("Bundel opslaan: bundel-TST-")

    n = session.register.list_cases(CaseQuery(limit=1))[0].number
    session.register.append(n, "note", {"on": session.register.today().isoformat(),
                                        "text": "Een stap erbij."})
    qtbot.mouseClick(tab.make_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, tab)
    second = read_manifest(tmp_path / "tweede.bundel", TEAM)
    assert (second.sequence, second.events) == (2, 1)  # only what is new

    qtbot.mouseClick(tab.all_radio, Qt.MouseButton.LeftButton, pos=tab.all_radio.rect().center())
    assert tab.all_radio.isChecked()
    qtbot.mouseClick(tab.make_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, tab)
    everything = read_manifest(tmp_path / "alles.bundel", TEAM)
    assert (everything.events, everything.complete) == (held + 1, True)
    assert "Volledige bundel 3" in tab.status.text()
    assert b"Een stap erbij" not in (tmp_path / "alles.bundel").read_bytes()


def test_without_a_passphrase_the_bundle_asks_for_it_first(qtbot, tab, files, tmp_path):
    files.save = [tmp_path / "na-de-vraag.bundel"]
    qtbot.mouseClick(tab.make_button, Qt.MouseButton.LeftButton)
    dialog = tab.passphrase_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.first.setText(TEAM)
    dialog.second.setText(TEAM)
    dialog.save()
    wait_idle(qtbot, tab)
    qtbot.waitUntil(lambda: (tmp_path / "na-de-vraag.bundel").exists(), timeout=10000)
    assert read_manifest(tmp_path / "na-de-vraag.bundel", TEAM).sequence == 1


# --------------------------------------------------------------------------- reading


def test_reading_two_bundles_shows_the_report_and_the_device_table(
        qtbot, tab, session, files, laptops, tmp_path):
    set_passphrase(qtbot, tab)
    a, b = laptops["AAA"], laptops["BBB"]
    foreign = tmp_path / "notulen.bundel"
    foreign.write_bytes(b"PK\x03\x04 dit is een xlsx, geen bundel")
    files.open = [b.send(tmp_path / "bram-w12.bundel"), a.send(tmp_path / "anna-w12.bundel"),
                  foreign]
    before = session.register.counts()["events"]
    with qtbot.waitSignal(session.data_changed, timeout=20000):
        qtbot.mouseClick(tab.read_button, Qt.MouseButton.LeftButton)
        wait_idle(qtbot, tab)
    assert session.register.counts()["events"] == before + 8  # 2 x (2 cases x 2 steps)

    texts = tree_texts(tab.report)
    assert "Bestanden (3)" in texts
    assert "anna-w12.bundel (van AAA, bundel 1): 4 nieuwe stappen (AAA 4), 0 al aanwezig." \
        in texts
    at = texts.index("notulen.bundel: geweigerd, er is niets van ingelezen.")
    assert "geen uitwisselingsbundel" in texts[at + 1] and "Excel" in texts[at + 1]
    assert "Nieuwe casussen (4)" in texts
    assert "2 van 3 bestanden ingelezen: 8 nieuwe stappen." in tab.status.text()
    assert "1 geweigerd" in tab.status.text()

    rows = {tab.devices.topLevelItem(i).text(0): tab.devices.topLevelItem(i)
            for i in range(tab.devices.topLevelItemCount())}
    assert {"AAA", "BBB", "TST (dit register)"} <= set(rows)
    assert rows["AAA"].text(1) == "Anna de Vries" and rows["AAA"].text(2) == "4"
    assert rows["AAA"].text(4) == "laatste stap van vandaag"
    assert rows["AAA"].text(6) == "anna-w12.bundel"
    assert rows["BBB"].text(6) == "bram-w12.bundel" and rows["BBB"].text(5)

    # a case in the report opens with Enter
    item = case_item(tab.report, a.numbers[0])
    tab.report.setCurrentItem(item)
    tab.report.setFocus()
    assert tab.open_button.isEnabled()
    with qtbot.waitSignal(tab.open_case, timeout=2000) as opened:
        qtbot.keyClick(tab.report, Qt.Key.Key_Return)
    assert opened.args == [a.numbers[0]]

    # the same files again change nothing and say so
    files.open = files.open[:2]
    qtbot.mouseClick(tab.read_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, tab)
    assert session.register.counts()["events"] == before + 8
    assert "0 nieuwe stappen" in tab.status.text()


def test_a_wrong_exchange_passphrase_is_refused_with_nothing_read(
        qtbot, tab, session, files, laptops, tmp_path):
    set_passphrase(qtbot, tab, "een-heel-andere-zin-van-het-team")
    files.open = [laptops["AAA"].send(tmp_path / "anna.bundel")]
    before = session.register.counts()["events"]
    qtbot.mouseClick(tab.read_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, tab)
    assert session.register.counts()["events"] == before
    assert any("uitwisselingswachtwoordzin klopt niet" in t for t in tree_texts(tab.report))


def test_a_case_from_the_report_opens_in_the_main_window(
        qtbot, session, opener, files, laptops, tmp_path):
    set_exchange_passphrase(session.register, TEAM)
    win = MainWindow(session, opener=opener)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    win.show_page(NAV_BEHEER)
    tab = win.beheer_page.tab("ExchangeTab")
    assert isinstance(tab, ExchangeTab) and tab.isVisible()
    assert win.beheer_page.tabs.tabText(win.beheer_page.tabs.indexOf(tab)) == "Uitwisselen"
    qtbot.waitUntil(lambda: tab.state is not None, timeout=5000)
    assert unnamed_controls(win) == []
    tab.read_files([laptops["BBB"].send(tmp_path / "b.bundel")])
    wait_idle(qtbot, tab)
    number = laptops["BBB"].numbers[1]
    tab.report.setCurrentItem(case_item(tab.report, number))
    qtbot.mouseClick(tab.open_button, Qt.MouseButton.LeftButton)
    assert number in win.open_case_numbers()
    # the Overzicht counts the other laptop's open cases under its handler; Enter on
    # that handler shows the case list filtered to them
    with qtbot.waitSignal(win.overview_page.loaded, timeout=30000):
        win.show_page(NAV_OVERVIEW)
    tree = win.overview_page.handler_tree
    bram = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                if tree.topLevelItem(i).text(0) == "Bram Jansen")
    assert bram.text(3) == "2"
    tree.setFocus()
    tree.setCurrentItem(bram)
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert win.nav.currentRow() == 0 and win.tabs.currentIndex() == 0
    assert win.cases_page.handler_combo.currentData() == "Bram Jansen"
    qtbot.waitUntil(lambda: win.cases_page.model.rowCount() == 2, timeout=5000)
    shown = {win.cases_page.model.number_at(r) for r in range(2)}
    assert shown == set(laptops["BBB"].numbers)
    win.reader.shutdown()


# --------------------------------------------------------------------------- handover


def test_a_handover_carries_the_chosen_cases_personal_data(
        qtbot, tab, session, files, tmp_path):
    set_passphrase(qtbot, tab)
    reg = session.register
    rows = reg.list_cases(CaseQuery(limit=3))
    chosen, other = rows[0].number, rows[1].number
    reg.set_personal(chosen, {"name": "Piet Overdracht", "bsn": "111222333"})
    reg.set_personal(other, {"name": "Blijft Hier"})
    dialog = tab.hand_over()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.list.count() > 0, timeout=5000)
    assert not dialog.ok.isEnabled()
    assert unnamed_controls(dialog) == []
    qtbot.keyClicks(dialog.search, chosen)
    visible = [dialog.list.item(i) for i in range(dialog.list.count())
               if not dialog.list.item(i).isHidden()]
    assert [i.data(Qt.ItemDataRole.UserRole) for i in visible] == [chosen]
    assert dialog.check(chosen)
    assert dialog.ok.isEnabled() and chosen in dialog.status.text()
    files.save = [tmp_path / "overdracht.bundel"]
    dialog.accept()
    wait_idle(qtbot, tab)
    out = tmp_path / "overdracht.bundel"
    manifest = read_manifest(out, TEAM)
    assert manifest.handover == (chosen,) and manifest.complete and manifest.personal == 1
    assert b"Piet Overdracht" not in out.read_bytes()
    assert "Overdrachtsbundel 1" in tab.status.text() and chosen in tab.status.text()
    assert ("handover_sent", chosen) in {(r.action, r.object) for r in audit.rows(reg.conn)}

    colleague = Register.create(tmp_path / "collega.db", LAPTOP_PASSPHRASE, "COL",
                                "Collega Bakker", kdf=TEST_KDF)
    set_exchange_passphrase(colleague, TEAM)
    report = import_bundles(colleague, [out])
    assert report.handovers == [chosen] and not report.refused
    assert colleague.personal(chosen)["bsn"] == "111222333"
    assert colleague.personal(other) == {}
    colleague.close()


# --------------------------------------------------------------------------- Weekronde


def test_the_weekronde_reads_the_folder_names_the_missing_and_makes_the_week(
        qtbot, tab, session, files, laptops, tmp_path):
    set_passphrase(qtbot, tab)
    reg = session.register
    a, b = laptops["AAA"], laptops["BBB"]
    # last round Bram's bundle came; this round only Anna's, ten days on
    import_bundles(reg, [b.send(tmp_path / "bram-vorige-week.bundel")])
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    a.send(inbox / "anna-w12.bundel")
    (inbox / "leesmij.txt").write_text("geen bundel")
    later = reg.today() + timedelta(days=10)
    reg.today = lambda: later
    files.folder = inbox
    files.save = []

    wizard = tab.open_weekronde()
    assert wizard is not None and wizard.currentId() == PAGE_FOLDER
    wizard.resize(1000, 700)
    page = wizard.folder_page
    page.edit.clear()
    qtbot.mouseClick(page.browse, Qt.MouseButton.LeftButton)
    assert page.folder() == inbox
    assert [p.name for p in page.chosen()] == ["anna-w12.bundel"]  # the .txt is no bundle
    assert unnamed_controls(wizard) == []

    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert commit.isVisible() and commit.text() == "&Inlezen >"
    wizard.next()
    assert wizard.currentId() == PAGE_READ
    read = wizard.read_page
    qtbot.waitUntil(lambda: read.state != RoundReadPage.RUNNING, timeout=20000)
    assert read.state == RoundReadPage.DONE
    assert "1 van 1 bundels ingelezen: 4 nieuwe stappen." in read.status.text()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()  # no second read
    assert reg.counts()["events"] >= 8

    wizard.next()
    assert wizard.currentId() == PAGE_DEVICES
    devices = wizard.devices_page
    assert [line.code for line in devices.verdict.missing] == ["BBB"]
    assert [line.code for line in devices.verdict.stale] == ["AAA", "BBB"]
    summary = devices.summary.text()
    assert summary.startswith("Nog niet binnen – BBB (Bram Jansen): geen bundel deze ronde; "
                              "AAA (Anna de Vries): laatste stap 10 dagen oud.")
    rows = tree_texts(devices.tree)
    assert "AAA (Anna de Vries) | laatste stap 10 dagen oud | bundel ingelezen; laatste stap " \
           "ouder dan 7 dagen" in rows
    assert any(r.startswith("TST (Tester) | ") and r.endswith("| dit register") for r in rows)

    wizard.next()
    assert wizard.currentId() == PAGE_PERIOD
    start, end = wizard.period()
    assert start.weekday() == 0 and end - start == timedelta(days=6) and end < later
    wizard.next()
    assert wizard.currentId() == PAGE_PREVIEW
    qtbot.waitUntil(lambda: wizard.preview_page.isComplete(), timeout=30000)
    wizard.next()
    assert wizard.currentId() == PAGE_FILE
    out = tmp_path / "week.xlsx"
    wizard.file_page.edit.setText(str(out))
    wizard.next()
    run = wizard.run_page_
    qtbot.waitUntil(lambda: run.state != RunPage.RUNNING, timeout=60000)
    assert run.state == RunPage.DONE, run.error.text()
    sheet = load_workbook(out, read_only=True)["Verantwoording"]
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "apparaat AAA (Anna de Vries): laatste stap 10 dagen oud" in cells
    assert "apparaat BBB (Bram Jansen): laatste stap 10 dagen oud" in cells
    wizard.accept()
    qtbot.waitUntil(lambda: tab.wizard is None, timeout=5000)


def test_a_lock_empties_the_tab_and_closes_its_dialogs(
        qtbot, tab, session, files, laptops, tmp_path):
    set_passphrase(qtbot, tab)
    tab.read_files([laptops["AAA"].send(tmp_path / "anna-geheim.bundel")])
    wait_idle(qtbot, tab)
    dialog = tab.hand_over()
    assert dialog is not None and dialog.isVisible()
    texts = visible_texts()
    assert any("anna-geheim.bundel" in t for t in texts)
    session.lock()
    QApplication.processEvents()
    assert not dialog.isVisible() and tab.handover_dialog is None
    texts = visible_texts([tab, *tab.findChildren(QDialog)])
    for secret in ("anna-geheim.bundel", "Anna de Vries", laptops["AAA"].numbers[0]):
        assert not any(secret in t for t in texts), secret
    assert not tab.make_button.isEnabled()


def test_the_handover_list_names_each_status_in_dutch(qtbot, tab, session):
    reg = session.register
    rows = reg.list_cases(CaseQuery(limit=500))
    dialog = tab.hand_over()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.list.count() > 0, timeout=5000)
    shown = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    keys = {r.status for r in rows}
    assert "in_behandeling" in keys or "afgerond" in keys or "aangemeld" in keys
    for row, text in zip(rows, shown, strict=True):
        assert f"{row.number}  –  {reg.codelists.label('status', row.status)}" in text
    # the placeholder says what the search matches: what the lines show
    assert dialog.search.placeholderText() == "Zoek op casusnummer, status of behandelaar"
    label = reg.codelists.label("status", rows[0].status)
    dialog.search.setText(label.lower())
    assert not dialog.list.item(0).isHidden()
    dialog.reject()
