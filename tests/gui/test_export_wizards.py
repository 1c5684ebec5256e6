"""The Export page and its three wizards, driven as a team lead would.

Real registers from the conftest fixtures, real workers, real files opened back
(the workbook with openpyxl, the HTML as text). Only the file and folder choosers and
the "open folder" call are replaced. Every expectation is computed independently
(``figures`` on the test's connection, the audit table, the signal's own state),
never read back from the wizard that produced it.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QLabel,
    QRadioButton,
    QWidget,
    QWizard,
)

from app.export.workbook import SHEETS
from app.storage import audit
from app.storage.figures import figures
from app.storage.paths import config_dir
from app.storage.verify import verify
from app.ui.export_page import ExportPage
from app.ui.export_wizards import (
    ExportWizard,
    ReportExportWizard,
    RunPage,
    SignalExportWizard,
    WeekExportWizard,
)
from app.ui.mainwindow import NAV_EXPORT, NAV_OVERVIEW, MainWindow
from tests.gui.conftest import unnamed_controls, visible_texts

TODAY = date(2025, 12, 10)  # a Wednesday; the last completed ISO week is week 49
NEXT = QWizard.WizardButton.NextButton
BACK = QWizard.WizardButton.BackButton
FINISH = QWizard.WizardButton.FinishButton
CANCEL = QWizard.WizardButton.CancelButton
PHONE_PROBLEM = "Bel mevrouw op 06-12345678 als de brief weer niet klopt."


# --------------------------------------------------------------------------- helpers


class Dialogs:
    """Stands in for the file and folder choosers and the file manager."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.save_file: Path | None = None
        self.folder: Path | None = None
        self.asked: list[tuple[str, Path]] = []
        self.opened: list[Path] = []

        def ask_save_file(_cls: Any, _parent: Any, caption: str, start: Path,
                          _filter: str) -> Path | None:
            self.asked.append((caption, start))
            return self.save_file

        def ask_folder(_cls: Any, _parent: Any, caption: str, start: Path) -> Path | None:
            self.asked.append((caption, start))
            return self.folder

        def open_folder(_cls: Any, folder: Path) -> bool:
            self.opened.append(folder)
            return True

        monkeypatch.setattr(ExportWizard, "ask_save_file", classmethod(ask_save_file))
        monkeypatch.setattr(ExportWizard, "ask_folder", classmethod(ask_folder))
        monkeypatch.setattr(ExportWizard, "open_folder", classmethod(open_folder))


@pytest.fixture
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    return Dialogs(monkeypatch)


@pytest.fixture
def page(qtbot: Any, session: Any) -> ExportPage:
    session.register.today = lambda: TODAY
    p = ExportPage(session)
    qtbot.addWidget(p)
    p.show()
    return p


def click(qtbot: Any, button: QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    # a check box or radio button reacts on its box and its text, not beyond it
    pos = QPoint(8, button.height() // 2) if isinstance(button, (QCheckBox, QRadioButton)) \
        else button.rect().center()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=pos)


def advance(wizard: QWizard) -> None:
    """Next (or Opslaan), only when the wizard itself offers it."""
    button = wizard.button(NEXT)
    assert button.isVisible() and button.isEnabled(), \
        f"Volgende is niet beschikbaar op {wizard.currentPage().title()}"
    wizard.next()


def type_into(qtbot: Any, widget: Any, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)


def wait_written(qtbot: Any, wizard: ExportWizard) -> RunPage:
    run = wizard.run_page
    assert run is not None and wizard.currentPage() is run
    qtbot.waitUntil(lambda: run.state != RunPage.RUNNING, timeout=60000)
    return run


def close_with_finish(qtbot: Any, wizard: QWizard) -> None:
    with qtbot.waitSignal(wizard.finished, timeout=5000):
        click(qtbot, wizard.button(FINISH))


def audit_rows(reg: Any, action: str) -> list[audit.AuditRow]:
    return [r for r in audit.rows(reg.conn) if r.action == action]


def mnemonic_letters(wizard: QWizard) -> list[str]:
    """The Alt+letter keys of every visible control on the current page."""
    widgets: list[QWidget] = [w for w in wizard.currentPage().findChildren(QWidget)
                              if w.isVisible()]
    widgets += [wizard.button(b) for b in (BACK, NEXT, FINISH, CANCEL)
                if wizard.button(b).isVisible()]
    letters = []
    for w in widgets:
        if isinstance(w, QAbstractButton) or (isinstance(w, QLabel) and w.buddy()):
            found = re.search(r"&([^&])", w.text().replace("&&", ""))
            if found:
                letters.append(found.group(1).lower())
    return letters


def check_page_a11y(wizard: QWizard) -> None:
    assert unnamed_controls(wizard) == [], wizard.currentPage().title()
    letters = mnemonic_letters(wizard)
    assert len(letters) == len(set(letters)), (wizard.currentPage().title(), letters)


def add_signal(reg: Any, **changes: Any) -> str:
    data: dict[str, Any] = {
        "created_on": "2025-12-01",
        "title": "Herinneringsbrieven zonder termijn",
        "problem": PHONE_PROBLEM,
        "human_story": "Een alleenstaande ouder miste de termijn en kreeg een boete.",
        "proposed_solution": "Noem de termijn in elke herinnering.",
        "theme": "dienstverlening",
        "services": ["belastingdienst"],
        "regulation": "Awb art. 6:7",
        "urgency": "hoog",
    }
    data.update(changes)
    number = reg.create_signal(data).number
    assert number
    return str(number)


def test_week_wizard_defaults_to_the_last_completed_iso_week(qtbot: Any, page: ExportPage,
                                                             dialogs: Dialogs) -> None:
    wizard = page.open_week_wizard()
    assert isinstance(wizard, WeekExportWizard) and wizard.isVisible()
    assert wizard.period_page.chooser.key() == "last_week"
    assert wizard.period() == (date(2025, 12, 1), date(2025, 12, 7))
    assert "week 49: 01-12-2025 t/m 07-12-2025" in \
        wizard.period_page.chooser.buttons["last_week"].text()
    check_page_a11y(wizard)
    advance(wizard)
    qtbot.waitUntil(lambda: wizard.preview_page.isComplete(), timeout=20000)
    assert wizard.preview_page.period_label.text().startswith("Week 49 van 2025")
    check_page_a11y(wizard)
    advance(wizard)
    # the default file: the ISO week's name in the last-used (here: Documents) folder
    assert Path(wizard.file_page.edit.text()).name == "evaluatie-2025-W49.xlsx"
    check_page_a11y(wizard)
    with qtbot.waitSignal(wizard.finished, timeout=5000):
        wizard.reject()  # Annuleren: nothing was written
    assert page.wizard is None


def test_cancel_while_the_preview_is_computed(qtbot: Any, page: ExportPage) -> None:
    wizard = page.open_week_wizard()
    assert wizard is not None
    advance(wizard)
    assert page.runner.busy  # the figures are on their way ...
    wizard.reject()  # ... and the wizard closes before they arrive
    assert page.wizard is None and not page.runner.busy
    assert page.runner.wait()
    QApplication.processEvents()  # the late result is dropped, not shown on a dead page
    assert page.last_label.text() == ""


# --------------------------------------------------------------------------- Weekexport


def test_weekexport_custom_period_preview_and_workbook(qtbot: Any, page: ExportPage,
                                                       dialogs: Dialogs,
                                                       tmp_path: Path) -> None:
    reg = page.session.register
    start, end = date(2025, 11, 1), date(2025, 11, 30)
    expected = figures(reg, start, end)  # computed here, independently
    click(qtbot, page.week_button)
    wizard = page.wizard
    assert isinstance(wizard, WeekExportWizard)

    chooser = wizard.period_page.chooser
    click(qtbot, chooser.buttons["custom"])
    assert chooser.start_edit.isEnabled()
    type_into(qtbot, chooser.end_edit, "31-10-2025")
    type_into(qtbot, chooser.start_edit, "01-11-2025")
    assert chooser.error.text() == "De begindatum ligt na de einddatum."
    assert not wizard.button(NEXT).isEnabled()
    type_into(qtbot, chooser.end_edit, "30-11-2025")
    assert chooser.period() == (start, end)
    check_page_a11y(wizard)
    advance(wizard)

    preview = wizard.preview_page
    qtbot.waitUntil(preview.isComplete, timeout=20000)
    assert preview.figures is not None
    assert preview.figures.period == expected.period
    assert preview.figures.year_to_date == expected.year_to_date
    shown = {preview.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole):
             preview.tree.topLevelItem(i) for i in range(preview.tree.topLevelItemCount())}
    assert shown["intake.total"].text(1) == str(expected.period["intake.total"])
    assert shown["intake.total"].text(2) == str(expected.year_to_date["intake.total"])
    assert shown["closed.total"].text(1) == str(expected.period["closed.total"])
    advance(wizard)

    out = tmp_path / "uit" / "evaluatie-november"  # no suffix typed: .xlsx is added
    dialogs.save_file = out
    click(qtbot, wizard.file_page.browse)
    assert dialogs.asked[-1][1].name == "evaluatie-2025-11-01-tot-2025-11-30.xlsx"
    assert wizard.file_page.error.text().startswith(f"De map {out.parent} bestaat niet.")
    assert not wizard.button(NEXT).isEnabled()  # an export never makes a folder
    out.parent.mkdir()
    click(qtbot, wizard.file_page.browse)
    assert wizard.file_page.path() == out.with_suffix(".xlsx")
    assert wizard.button(NEXT).text() == "&Opslaan"
    advance(wizard)

    # the write runs in the worker: the window waits for nothing, but a half-way
    # cancel is refused (its result arrives through the event loop, not before)
    run = wizard.run_page
    assert run is not None and run.state == RunPage.RUNNING
    assert not wizard.button(BACK).isEnabled() and not wizard.button(CANCEL).isEnabled()
    assert not wizard.button(FINISH).isEnabled()
    wizard.reject()
    assert wizard.isVisible() and "Even geduld" in run.status.text()
    run = wait_written(qtbot, wizard)
    assert run.state == RunPage.DONE, run.error.text()
    assert run.bar.value() == 100
    assert wizard.button(FINISH).isEnabled()
    assert not wizard.button(BACK).isEnabled()  # written: no way back to change it
    assert not wizard.button(CANCEL).isVisible()
    check_page_a11y(wizard)
    click(qtbot, run.open_button)
    assert dialogs.opened == [tmp_path / "uit"]
    close_with_finish(qtbot, wizard)
    assert page.wizard is None
    assert "evaluatie-november.xlsx" in page.last_label.text()

    written = out.with_suffix(".xlsx")
    wb = load_workbook(written, read_only=True)
    try:
        assert tuple(wb.sheetnames) == SHEETS
        rows = {row[0]: row for row in wb["Cijfers"].iter_rows(values_only=True) if row}
        for key in ("intake.total", "closed.total", "triage.total"):
            assert rows[key][2] == expected.period[key], key
            assert rows[key][3] == expected.year_to_date[key], key
    finally:
        wb.close()
    assert any(f"{start}..{end}" in r.object and r.result == "ok"
               for r in audit_rows(reg, "export_evaluation"))
    # the next export starts in the folder used now
    again = page.open_week_wizard()
    assert again is not None
    advance(again)
    qtbot.waitUntil(again.preview_page.isComplete, timeout=20000)
    advance(again)
    assert Path(again.file_page.edit.text()) == tmp_path / "uit" / "evaluatie-2025-W49.xlsx"
    again.reject()


def test_weekexport_signal_title_with_phone_number_needs_a_reason(
        qtbot: Any, page: ExportPage, dialogs: Dialogs, tmp_path: Path) -> None:
    reg = page.session.register
    number = add_signal(reg, title="Bel 06-12345678 voor uitleg", problem="Onduidelijk.")
    wizard = page.open_week_wizard()
    assert wizard is not None
    advance(wizard)
    qtbot.waitUntil(wizard.preview_page.isComplete, timeout=20000)
    advance(wizard)
    dialogs.save_file = tmp_path / "w.xlsx"
    click(qtbot, wizard.file_page.browse)
    advance(wizard)

    run = wait_written(qtbot, wizard)
    assert run.state == RunPage.BLOCKED
    assert not (tmp_path / "w.xlsx").exists()
    assert run.gate.isVisible()
    assert run.gate.tree.topLevelItem(0).text(0) == f"Signaal {number}, titel"
    assert not wizard.button(FINISH).isEnabled()
    assert not run.retry.isEnabled()
    click(qtbot, run.gate.check)
    assert not run.retry.isEnabled()  # ticking alone is not enough
    qtbot.keyClicks(run.gate.reason_edit, "Landelijk nummer van de dienst, geen persoon")
    assert run.gate.satisfied()
    check_page_a11y(wizard)
    click(qtbot, run.retry)
    run = wait_written(qtbot, wizard)
    assert run.state == RunPage.DONE, run.error.text()
    assert (tmp_path / "w.xlsx").exists()
    overrides = audit_rows(reg, "override_lint")
    assert overrides and "Landelijk nummer van de dienst" in overrides[-1].object
    close_with_finish(qtbot, wizard)


# --------------------------------------------------------------------------- signal forms


def test_signal_forms_lint_gate_submission_and_clipboard(qtbot: Any, page: ExportPage,
                                                         dialogs: Dialogs,
                                                         tmp_path: Path) -> None:
    reg = page.session.register
    number = add_signal(reg)
    click(qtbot, page.signal_button)
    wizard = page.wizard
    assert isinstance(wizard, SignalExportWizard)

    select = wizard.select_page
    qtbot.waitUntil(lambda: bool(select.rows), timeout=10000)
    assert select.tree.topLevelItemCount() == len(reg.list_signals())
    assert not wizard.button(NEXT).isEnabled()  # nothing chosen yet
    item = next(i for i in select.items() if i.text(0) == number)
    select.tree.setCurrentItem(item)
    select.tree.setFocus()
    qtbot.keyClick(select.tree, Qt.Key.Key_Space)  # the keyboard ticks it
    assert select.chosen() == [number]
    check_page_a11y(wizard)
    advance(wizard)

    options = wizard.options_page
    click(qtbot, options.format_boxes["txt"])
    assert options.formats() == ["html", "txt"]
    assert not options.recipient.isEnabled()
    click(qtbot, options.submit)
    assert options.recipient.isEnabled() and options.recipient.value() == "ksms_belastingdienst"
    qtbot.keyClicks(options.reference, "KSMS-2025-0042")
    assert options.on_edit.value() == TODAY
    check_page_a11y(wizard)
    advance(wizard)

    check = wizard.check_page
    qtbot.waitUntil(lambda: check.plan is not None, timeout=10000)
    assert check.plan.complete
    top = check.tree.topLevelItem(0)
    children = [top.child(i).text(0) for i in range(top.childCount())]
    assert "⚠ Persoonsgegevens in Knelpunt" in children
    assert check.gate.isVisible()
    assert not wizard.button(NEXT).isEnabled()  # a finding blocks
    assert not check.copy_button.isEnabled()
    click(qtbot, check.gate.check)
    assert not wizard.button(NEXT).isEnabled()  # ticking alone is not enough
    qtbot.keyClicks(check.gate.reason_edit, "Nummer van de dienst, BSN 111222333")
    assert not wizard.button(NEXT).isEnabled()  # a reason with personal data is refused
    assert check.gate.problem.isVisible()
    type_into(qtbot, check.gate.reason_edit, "Algemeen nummer van de Belastingtelefoon")
    assert wizard.button(NEXT).isEnabled()
    check_page_a11y(wizard)

    QGuiApplication.clipboard().clear()
    click(qtbot, check.copy_button)
    qtbot.waitUntil(lambda: number in QGuiApplication.clipboard().text(), timeout=10000)
    copied = QGuiApplication.clipboard().text()
    assert "Noem de termijn in elke herinnering." in copied
    assert "Tester" not in copied  # an external form names no contact person
    advance(wizard)

    folder = tmp_path / "formulieren"
    dialogs.folder = folder
    click(qtbot, wizard.folder_page.browse)
    assert wizard.folder_page.error.text().startswith(f"De map {folder} bestaat niet.")
    assert not wizard.button(NEXT).isEnabled()  # an export never makes a folder
    folder.mkdir()
    click(qtbot, wizard.folder_page.browse)
    assert wizard.button(NEXT).text() == "&Opslaan en indiening vastleggen"
    check_page_a11y(wizard)
    advance(wizard)

    run = wait_written(qtbot, wizard)
    assert run.state == RunPage.DONE, run.error.text()
    written = sorted(p.name for p in folder.iterdir())
    assert written == [f"signaal-{number}.html", f"signaal-{number}.txt"]
    assert [run.files.item(i).text() for i in range(run.files.count())] == \
        [str(folder / f"signaal-{number}.html"), str(folder / f"signaal-{number}.txt")]
    html = (folder / f"signaal-{number}.html").read_text(encoding="utf-8")
    assert number in html and "KSMS-2025-0042" in html and "KSMS Belastingdienst" in html
    assert "Tester" not in html

    state, _events, _cases = reg.signal(number)
    assert state.submissions, "the submission is recorded"
    payload = state.submissions[-1].payload
    assert (payload["recipient"], payload.get("external_ref"), payload["on"]) == \
        ("ksms_belastingdienst", "KSMS-2025-0042", TODAY.isoformat())
    overrides = audit_rows(reg, "override_lint")
    assert any("Algemeen nummer van de Belastingtelefoon" in r.result for r in overrides)
    assert any(number in r.object and "ingediend bij ksms_belastingdienst" in r.result
               for r in audit_rows(reg, "export_signals"))
    assert any("klembord" in r.object for r in audit_rows(reg, "export_signals"))
    close_with_finish(qtbot, wizard)

    # the GUI's own connection keeps a whole hash chain after the worker's append
    add_signal(reg, title="Daarna vastgelegd", problem="Geen bijzonderheden.")
    assert verify(reg).problems == []


def test_incomplete_signal_cannot_be_submitted(qtbot: Any, page: ExportPage,
                                               dialogs: Dialogs) -> None:
    reg = page.session.register
    number = add_signal(reg, problem="Brieven zonder termijn.", human_story=None)
    wizard = page.open_signal_wizard()
    assert isinstance(wizard, SignalExportWizard)
    qtbot.waitUntil(lambda: bool(wizard.select_page.rows), timeout=10000)
    wizard.select_page.set_checked([number])
    advance(wizard)
    click(qtbot, wizard.options_page.submit)
    advance(wizard)
    check = wizard.check_page
    qtbot.waitUntil(lambda: check.plan is not None, timeout=10000)
    assert not check.plan.complete
    assert check.complete_error.isVisible()
    assert not wizard.button(NEXT).isEnabled()
    top = check.tree.topLevelItem(0)
    html_row = top.child(0)
    assert html_row.text(1) == "ontbreekt: Gevolgen voor burgers of ondernemers"
    wizard.back()
    click(qtbot, wizard.options_page.submit)  # forms only, no submission
    advance(wizard)
    qtbot.waitUntil(lambda: check.plan is not None, timeout=10000)
    assert wizard.button(NEXT).isEnabled()
    assert "nog in te vullen" in check.complete_note.text()
    wizard.reject()
    assert reg.signal(number)[0].submissions == []


def test_a_copied_signal_text_leaves_the_clipboard_on_lock_not_on_close(
        qtbot: Any, page: ExportPage, dialogs: Dialogs) -> None:
    """Closing the wizard keeps the text for the KSMS form it is pasted into; a lock
    clears it (unless the handler has copied something else since)."""
    reg = page.session.register
    number = add_signal(reg, problem="Brieven zonder termijn.")

    def copy_text() -> SignalExportWizard:
        wizard = page.open_signal_wizard()
        assert isinstance(wizard, SignalExportWizard)
        qtbot.waitUntil(lambda: bool(wizard.select_page.rows), timeout=10000)
        wizard.select_page.set_checked([number])
        advance(wizard)
        advance(wizard)
        check = wizard.check_page
        qtbot.waitUntil(lambda: check.plan is not None, timeout=10000)
        QGuiApplication.clipboard().clear()
        click(qtbot, check.copy_button)
        qtbot.waitUntil(lambda: number in QGuiApplication.clipboard().text(), timeout=10000)
        return wizard

    copy_text().reject()
    assert number in QGuiApplication.clipboard().text()
    copy_text().discard()  # what a lock does to an open wizard
    assert QGuiApplication.clipboard().text() == ""
    copy_text()
    QGuiApplication.clipboard().setText("iets anders")
    page.wizard.discard()
    assert QGuiApplication.clipboard().text() == "iets anders"


# --------------------------------------------------------------------------- Rapportage


def test_report_default_period_suppression_and_file(qtbot: Any, page: ExportPage,
                                                    dialogs: Dialogs, tmp_path: Path) -> None:
    reg = page.session.register
    reg.today = lambda: date(2026, 3, 2)  # the first report: the whole of 2025
    assert reg.settings.suppress_below == 5
    click(qtbot, page.report_button)
    wizard = page.wizard
    assert isinstance(wizard, ReportExportWizard)
    period_page = wizard.period_page
    assert period_page.chooser.key() == "year"
    assert wizard.period() == (date(2025, 1, 1), date(2025, 12, 31))
    assert period_page.spin.value() == 5
    type_into(qtbot, period_page.spin, "10")
    assert period_page.suppress_below() == 10
    check_page_a11y(wizard)
    advance(wizard)

    assert Path(wizard.file_page.edit.text()).name == "rapportage-2025.html"
    out = tmp_path / "rapportage-2025.html"
    dialogs.save_file = out
    click(qtbot, wizard.file_page.browse)
    assert "onder 10" in wizard.file_page.summary.text()
    advance(wizard)

    run = wait_written(qtbot, wizard)
    assert run.state == RunPage.DONE, run.error.text()
    html = out.read_text(encoding="utf-8")
    assert "Rapportage over 2025" in html
    assert "&lt; 10" in html  # small counts suppressed at the chosen threshold
    assert any("onder 10 onderdrukt" in r.result for r in audit_rows(reg, "export_report"))
    check_page_a11y(wizard)
    close_with_finish(qtbot, wizard)


def test_report_failure_is_shown_in_dutch_and_can_be_retried(
        qtbot: Any, page: ExportPage, dialogs: Dialogs, tmp_path: Path) -> None:
    # the office's own template, edited wrongly: the export says so and writes nothing
    override = config_dir() / "templates"
    override.mkdir(parents=True)
    (override / "report.html.j2").write_text("<p>{{ niet_bestaand_veld }}</p>\n",
                                             encoding="utf-8")
    wizard = page.open_report_wizard()
    assert wizard is not None
    advance(wizard)
    file_page = wizard.file_page
    dialogs.save_file = tmp_path / "bestand" / "rapportage.html"
    (tmp_path / "bestand").write_text("geen map", encoding="utf-8")
    click(qtbot, file_page.browse)
    assert file_page.error.text() == f"{tmp_path / 'bestand'} is een bestand, geen map."
    assert not wizard.button(NEXT).isEnabled()
    out = tmp_path / "rapportage.html"
    dialogs.save_file = out
    click(qtbot, file_page.browse)
    advance(wizard)

    run = wait_written(qtbot, wizard)
    assert run.state == RunPage.FAILED
    assert "gebruikt een veld dat niet bestaat" in run.error.text()
    assert run.status.text() == "Er is niets geschreven."
    assert not out.exists()
    assert not wizard.button(FINISH).isEnabled()
    assert wizard.button(BACK).isEnabled() and wizard.button(CANCEL).isEnabled()
    check_page_a11y(wizard)

    (override / "report.html.j2").unlink()  # fixed where it lives, then tried again
    click(qtbot, run.retry)
    run = wait_written(qtbot, wizard)
    assert run.state == RunPage.DONE, run.error.text()
    assert out.exists()
    close_with_finish(qtbot, wizard)


def test_report_story_or_signal_text_with_personal_data_needs_a_reason(
        qtbot: Any, page: ExportPage, dialogs: Dialogs, tmp_path: Path) -> None:
    reg = page.session.register  # today 10-12-2025: the first half of 2025 by default
    number = add_signal(reg, created_on="2025-06-01", title="Bel 06-12345678 voor uitleg",
                        problem="Onduidelijke brieven.")
    # the report shows submitted signals only
    reg.append_signal(number, "signal_submitted", {"on": "2025-06-02",
                                                   "recipient": "ksms_belastingdienst"})
    wizard = page.open_report_wizard()
    assert isinstance(wizard, ReportExportWizard)
    assert wizard.period() == (date(2025, 1, 1), date(2025, 6, 30))
    advance(wizard)
    out = tmp_path / "rapportage.html"
    dialogs.save_file = out
    click(qtbot, wizard.file_page.browse)
    advance(wizard)
    run = wait_written(qtbot, wizard)
    assert run.state == RunPage.BLOCKED
    assert not out.exists()
    rows = [run.gate.tree.topLevelItem(i) for i in range(run.gate.tree.topLevelItemCount())]
    assert [r.text(0) for r in rows] == [f"Signaal {number}, Titel"]
    assert rows[0].text(1).startswith("telefoonnummer (06")
    assert "12345678" not in rows[0].text(1)  # masked, never the whole number
    assert not wizard.button(FINISH).isEnabled() and not run.retry.isEnabled()
    click(qtbot, run.gate.check)
    qtbot.keyClicks(run.gate.reason_edit, "Landelijk nummer, in overleg met de redactie")
    click(qtbot, run.retry)
    run = wait_written(qtbot, wizard)
    assert run.state == RunPage.DONE, run.error.text()
    assert out.exists()
    assert any("in overleg met de redactie" in r.result for r in audit_rows(reg, "override_lint"))
    close_with_finish(qtbot, wizard)


# --------------------------------------------------------------------------- main window, lock


@pytest.fixture
def window(qtbot: Any, session: Any, opener: Any) -> MainWindow:
    session.register.today = lambda: TODAY
    win = MainWindow(session, opener=opener)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: not win.reader.busy, timeout=10000)
    return win


def test_export_page_in_navigation(qtbot: Any, window: MainWindow) -> None:
    texts = [window.nav.item(i).text() for i in range(window.nav.count())]
    assert texts.index("Export") == texts.index("Overzicht") + 1 == NAV_OVERVIEW + 1
    window.show_page(NAV_EXPORT)
    assert window.work.currentWidget() is window.export_page
    assert unnamed_controls(window.export_page) == []
    assert window.export_page.week_button.text() == "&Weekexport maken…"


def test_lock_closes_an_open_wizard_and_empties_it(qtbot: Any, window: MainWindow,
                                                   session: Any) -> None:
    titles = [s.title for s in session.register.list_signals()]
    window.show_page(NAV_EXPORT)
    page = window.export_page
    click(qtbot, page.signal_button)
    wizard = page.wizard
    assert isinstance(wizard, SignalExportWizard) and wizard.isVisible()
    qtbot.waitUntil(lambda: bool(wizard.select_page.rows), timeout=10000)
    assert any(t in visible_texts() for t in titles)  # signal titles were on screen
    wizard.select_page.set_all(True)
    advance(wizard)
    advance(wizard)  # the check starts in the worker ...

    window.lock_now()  # ... and the lock comes before its result
    assert not session.is_open
    assert page.wizard is None
    assert not wizard.isVisible()
    assert wizard.select_page.tree.topLevelItemCount() == 0
    assert wizard.check_page.plan is None and wizard.check_page.tree.topLevelItemCount() == 0
    assert not page.runner.busy
    assert page.runner.wait()
    qtbot.waitUntil(lambda: window.unlock_dialog is not None
                    and window.unlock_dialog.isVisible(), timeout=5000)
    texts = visible_texts()
    assert [t for t in texts for title in titles if title in t] == []
    assert page.open_week_wizard() is None  # nothing opens while locked


def test_lock_during_the_preview_drops_its_result(qtbot: Any, window: MainWindow,
                                                  session: Any) -> None:
    page = window.export_page
    wizard = page.open_week_wizard()
    assert isinstance(wizard, WeekExportWizard)
    advance(wizard)  # figures start computing in the worker
    window.lock_now()
    assert page.runner.wait()
    qtbot.waitUntil(lambda: window.unlock_dialog is not None
                    and window.unlock_dialog.isVisible(), timeout=5000)
    assert page.wizard is None and page.last_label.text() == ""
    assert not any(isinstance(w, WeekExportWizard) and w.isVisible()
                   for w in QApplication.topLevelWidgets())


# --------------------------------------------------------------------------- any path text

ODD_PATHS = ["/", "C:\\", "C:", "\\\\server\\", "~", "~nobody-here-at-all/x", "\x00",
             "a\x00b.xlsx", "x" * 5000, ("d/" * 3000) + "f", ".", "..", "./", "  ",
             "werkmap.csv", "map/", "//", "\\"]


@pytest.mark.parametrize("folder", [False, True])
def test_any_path_text_gives_a_path_or_a_dutch_message(
        qtbot: Any, page: ExportPage, dialogs: Dialogs, capfd: pytest.CaptureFixture[str],
        folder: bool) -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    wizard = page.open_signal_wizard() if folder else page.open_report_wizard()
    assert wizard is not None
    path_page = wizard.folder_page if folder else wizard.file_page
    path_page.set_default(Path.home() / ("signalen" if folder else "rapportage.html"))

    def check(text: str) -> None:
        path_page.edit.setText(text)  # as typed: textChanged runs the same checks
        path = path_page.path()
        problem = path_page.problem()
        if text.strip() and path is None:
            assert problem, repr(text)  # no path: then a sentence says why
        if problem:
            assert not path_page.isComplete()
            assert path_page.error.isVisibleTo(path_page)
            assert " " in problem and problem.endswith(".")  # a sentence, not a traceback
        if path is not None and problem is None:
            assert path.is_absolute()
            assert folder or path.suffix == ".html"

    for text in ODD_PATHS:
        check(text)

    @settings(max_examples=150, deadline=None)
    @given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
    def any_text(text: str) -> None:
        check(text)

    any_text()
    _out, err = capfd.readouterr()
    assert "Traceback" not in err and "Error" not in err
    wizard.reject()


def test_a_folder_where_a_file_belongs_says_so(qtbot: Any, page: ExportPage,
                                               dialogs: Dialogs) -> None:
    wizard = page.open_report_wizard()
    assert wizard is not None
    while wizard.currentPage() is not wizard.file_page:
        advance(wizard)
    path_page = wizard.file_page
    type_into(qtbot, path_page.edit, "/")
    assert path_page.path() is None
    problem = path_page.problem() or ""
    assert problem.startswith("Dit is een map; geef ook een bestandsnaam, bijvoorbeeld "
                              "rapportage") and problem.endswith(".html.")
    assert path_page.error.isVisibleTo(path_page)
    assert not wizard.button(NEXT).isEnabled()  # Opslaan waits for a file name
    path_page.edit.setText(str(Path.home() / "rapportage-2025.html"))
    assert path_page.problem() is None and wizard.button(NEXT).isEnabled()
    wizard.reject()
