"""Weekronde: the team lead's Monday in one wizard (issue 7).

1. Map: the folder where the week's bundles arrived; its bundles of the last week are
   ticked (older ones were read before; reading them again changes nothing).
2. Inlezen: every ticked bundle read at once, each all or nothing, with the report of
   Beheer -> Uitwisselen (what changed, refused files and why, links to the cases).
3. Apparaten: which laptops sent nothing in this round, and which have no step in the
   last week (``app.model.team_week``: the same words as the device table and the
   workbook's Verantwoording).
4. Then the Weekexport for last week: the wizard *is* the Weekexport wizard
   (``WeekExportWizard``) with these pages in front, so the period, the key figures,
   the file and the writing are the very same pages and the same ``write_evaluation``.

The reading runs in the export runner's worker on a connection of its own, with
progress; a lock closes and empties the wizard like every export wizard.
"""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.model.errors import UserError
from app.model.nlformat import date_time
from app.model.team_week import STALE_AFTER_DAYS, DeviceLine, RoundVerdict, week_round
from app.storage.exchange import ImportReport, import_bundles
from app.storage.repository import Register
from app.ui.beheer.exchange_report import STALE_COLOR, fill_report, select_first
from app.ui.beheer.exchange_tab import SUFFIX
from app.ui.export_wizards import (
    PAGE_PERIOD,
    ExportRunner,
    Progress,
    WeekExportWizard,
    last_folder,
    remember_folder,
)
from app.ui.session import Session
from app.ui.text import tr
from app.ui.widgets import list_tree, plain_label
from app.ui.worker import Request

PAGE_FOLDER, PAGE_READ, PAGE_DEVICES = -30, -20, -10
FOLDER_KEY = "weekronde/folder"
#: bundles modified longer ago than this are not ticked (read in an earlier round)
RECENT_DAYS = 7


def bundles_in(folder: Path) -> list[Path]:
    """The bundle files of a folder, by name (not its subfolders)."""
    try:
        return sorted((p for p in folder.iterdir()
                       if p.suffix.lower() == SUFFIX and p.is_file()),
                      key=lambda p: p.name.lower())
    except OSError:
        return []


class RoundFolderPage(QWizardPage):
    """The folder, and which of its bundles to read."""

    def __init__(self, wizard: WeekrondeWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(tr("Bundels van deze week"))
        self.setSubTitle(tr("In welke map staan de bundels die de laptops deze week "
                            "stuurden? Bundels van de laatste week zijn aangevinkt."))
        self.edit = QLineEdit(self)
        self.edit.setObjectName("folderEdit")
        self.edit.setAccessibleName(tr("Map met bundels"))
        self.edit.textChanged.connect(self._changed)
        label = QLabel(tr("&Map:"), self)
        label.setBuddy(self.edit)
        self.browse = QPushButton(tr("Bl&aderen…"), self)
        self.browse.setAccessibleName(tr("Map kiezen"))
        self.browse.clicked.connect(self.choose)
        self.files = list_tree(self, "roundFiles",
                               tr("Bundels in de map (spatie vinkt aan of uit)"),
                               [tr("Bundel"), tr("Gewijzigd"), tr("Grootte")])
        header = self.files.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.files.itemChanged.connect(lambda *_: self._count())
        self.note = plain_label("", self, "hint", accessible=tr("Hoeveel bundels worden ingelezen"))
        self.error = plain_label("", self, "errorMessage", accessible=tr("Fout in de map"))
        self.error.hide()
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.edit, 1)
        row.addWidget(self.browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(self.files, 1)
        layout.addWidget(self.note)
        # Reading changes the register: once started, there is no way back to this page.
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, tr("&Inlezen >"))

    def initializePage(self) -> None:
        if not self.edit.text():
            self.edit.setText(str(last_folder(FOLDER_KEY)))
        self._changed()
        self.edit.setFocus()

    def folder(self) -> Path | None:
        text = self.edit.text().strip()
        return Path(text).expanduser() if text else None

    def choose(self) -> None:
        chosen = self._wizard.ask_folder(self, tr("Map met de bundels van deze week"),
                                         self.folder() or last_folder(FOLDER_KEY))
        if chosen is not None:
            self.edit.setText(str(chosen))
            self._changed()
        self.edit.setFocus()

    def _changed(self) -> None:
        folder = self.folder()
        self.files.clear()
        problem = ""
        if folder is None:
            problem = tr("Kies de map met de bundels.")
        elif not folder.is_dir():
            problem = tr("De map {folder} bestaat niet.").format(folder=folder)
        found = bundles_in(folder) if folder is not None and not problem else []
        if folder is not None and not problem and not found:
            problem = tr("In deze map staan geen bundels (bestanden die op .bundel eindigen).")
        self.error.setText(problem)
        self.error.setVisible(bool(problem) and folder is not None)
        recent = time.time() - RECENT_DAYS * 86400
        self.files.blockSignals(True)
        for path in found:
            try:
                info = path.stat()
            except OSError:
                continue
            when = datetime.fromtimestamp(info.st_mtime)
            item = QTreeWidgetItem([path.name, date_time(when),
                                    f"{max(1, info.st_size // 1024)} kB"])
            item.setData(0, Qt.ItemDataRole.UserRole, str(path))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if info.st_mtime >= recent
                               else Qt.CheckState.Unchecked)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.files.addTopLevelItem(item)
        self.files.blockSignals(False)
        select_first(self.files)
        self._count()

    def chosen(self) -> list[Path]:
        out = []
        for i in range(self.files.topLevelItemCount()):
            item = self.files.topLevelItem(i)
            if item is not None and item.checkState(0) == Qt.CheckState.Checked:
                out.append(Path(str(item.data(0, Qt.ItemDataRole.UserRole))))
        return out

    def _count(self) -> None:
        total = self.files.topLevelItemCount()
        n = len(self.chosen())
        if total:
            self.note.setText(tr("{n} van {total} bundels worden ingelezen. Oudere bundels staan "
                                 "niet aangevinkt: ze zijn al eerder ingelezen (nog eens "
                                 "inlezen verandert niets).").format(n=n, total=total))
        else:
            self.note.clear()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self.chosen())

    def validatePage(self) -> bool:
        folder = self.folder()
        if folder is not None:
            remember_folder(folder, FOLDER_KEY)
        return True


class RoundReadPage(QWizardPage):
    """Reads the chosen bundles in the worker, then shows what changed."""

    IDLE, RUNNING, DONE, FAILED = "idle", "running", "done", "failed"

    def __init__(self, wizard: WeekrondeWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.state = self.IDLE
        self.request = Request(wizard.runner)
        self.report: ImportReport | None = None
        self.lines: list[DeviceLine] = []
        self.setTitle(tr("Bundels inlezen"))
        self.setSubTitle(tr("Elke bundel wordt eerst helemaal gecontroleerd en dan in zijn "
                            "geheel ingelezen, of helemaal niet."))
        self.status = plain_label("", self, "", accessible=tr("Stand van het inlezen"))
        self.bar = QProgressBar(self)
        self.bar.setObjectName("roundProgress")
        self.bar.setAccessibleName(tr("Voortgang van het inlezen"))
        self.error = plain_label("", self, "errorMessage", accessible=tr("Foutmelding"))
        self.error.hide()
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("roundReport")
        self.tree.setAccessibleName(tr("Verslag van het inlezen"))
        self.tree.setHeaderHidden(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setWordWrap(True)
        self.tree.hide()
        self.retry = QPushButton(tr("Opnieuw &proberen"), self)
        self.retry.setAccessibleName(tr("Het inlezen opnieuw proberen"))
        self.retry.clicked.connect(self.start)
        self.retry.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.bar)
        layout.addWidget(self.error)
        layout.addWidget(self.retry, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.tree, 1)

    def initializePage(self) -> None:
        if self.state in (self.IDLE, self.FAILED):
            self.start()

    def start(self) -> None:
        paths = self._wizard.folder_page.chosen()
        self.state = self.RUNNING
        self.report = None
        self.error.hide()
        self.retry.hide()
        self.tree.hide()
        self.bar.setRange(0, 100)
        self.bar.setValue(0)
        self.bar.show()
        self.status.setText(tr("{count} bundels worden gecontroleerd en ingelezen…")
                            .format(count=len(paths)))

        def job(reg: Register, progress: Progress) -> tuple[ImportReport, list[DeviceLine]]:
            def step(done: int, total: int) -> None:
                progress(done * 100 // max(1, total), "Bundels inlezen")
            report = import_bundles(reg, paths, progress=step)
            return report, reg.device_lines()

        self.request.start(job, self._done, failed=self._failed, progress=self._progress)
        self.completeChanged.emit()

    def _progress(self, percent: int, _text: str) -> None:
        if self.state == self.RUNNING:
            self.bar.setValue(max(0, min(100, percent)))

    def _done(self, result: object) -> None:
        assert isinstance(result, tuple)
        report, lines = result
        self.state = self.DONE
        self.report, self.lines = report, list(lines)
        self.bar.setValue(100)
        refused = len(report.refused)
        text = tr("{read} van {total} bundels ingelezen: {new_events} nieuwe stappen.").format(
            read=len(report.files) - refused, total=len(report.files),
            new_events=report.new_events)
        if refused:
            text += " " + tr("{refused} geweigerd; daarvan is niets ingelezen (zie hieronder).") \
                .format(refused=refused)
        self.status.setText(text)
        fill_report(self.tree, report)
        self.tree.show()
        self.tree.setFocus()
        select_first(self.tree)
        if report.new_events or report.handovers:
            self._wizard.merged.emit()
        self.completeChanged.emit()

    def _failed(self, error: UserError) -> None:
        self.state = self.FAILED
        self.bar.hide()
        self.status.setText(tr("Er is niets ingelezen."))
        self.error.setText(str(error))
        self.error.show()
        self.retry.show()
        self.retry.setFocus()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.state == self.DONE

    def senders(self) -> set[str]:
        report = self.report
        return {f.source for f in report.files if not f.refused} if report else set()

    def clear_data(self) -> None:
        self.request.drop()
        self.report = None
        self.lines = []
        self.tree.clear()
        self.status.clear()
        self.error.clear()


class RoundDevicesPage(QWizardPage):
    """Whose week is in, whose is missing, whose last step is old."""

    def __init__(self, wizard: WeekrondeWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.verdict: RoundVerdict | None = None
        self.setTitle(tr("Is elke laptop binnen?"))
        self.setSubTitle(tr("Per apparaat: de laatste stap die dit register ervan heeft en "
                            "of er deze ronde een bundel van kwam."))
        self.summary = plain_label("", self, "", accessible=tr("Samenvatting van de apparaten"))
        self.tree = list_tree(self, "roundDevices", tr("Apparaten en hun week"),
                              [tr("Apparaat"), tr("Laatste stap"), tr("Deze ronde")])
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.hint = plain_label(tr("U kunt de weekexport ook maken als een laptop ontbreekt; "
                                   "de werkmap noemt per apparaat de laatste stap (blad "
                                   "Verantwoording)."), self, "hint")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.hint)
        self.setButtonText(QWizard.WizardButton.NextButton, tr("&Naar de weekexport >"))

    def initializePage(self) -> None:
        read = self._wizard.read_page
        verdict = week_round(read.lines, read.senders())
        self.verdict = verdict
        missing = {line.device for line in verdict.missing}
        stale = {line.device for line in verdict.stale}
        self.tree.clear()
        warn = QBrush(STALE_COLOR)
        for line in read.lines:
            if line.own:
                state = tr("dit register")
            elif line.device in missing:
                state = tr("geen bundel deze ronde")
            else:
                state = tr("bundel ingelezen")
            if line.device in stale:
                state += tr("; laatste stap ouder dan {days} dagen").format(days=STALE_AFTER_DAYS)
            item = QTreeWidgetItem([line.name, line.age_text, state])
            item.setToolTip(0, line.text)
            if line.device in missing or line.device in stale:
                for col in range(3):
                    item.setForeground(col, warn)
            self.tree.addTopLevelItem(item)
        if verdict.complete:
            text = tr("Alle laptops zijn binnen: van elk apparaat kwam deze ronde een bundel "
                      "en elke laatste stap is van de laatste week.")
        else:
            parts = [tr("{name}: geen bundel deze ronde").format(name=line.name)
                     for line in verdict.missing]
            parts += [f"{line.name}: {line.age_text}" for line in verdict.stale
                      if line.device not in missing]
            text = tr("Nog niet binnen – {parts}. Vraag om een bundel.").format(
                parts="; ".join(parts))
        self.summary.setText(text)
        self.summary.setObjectName("" if verdict.complete else "warningBanner")
        self.summary.style().unpolish(self.summary)
        self.summary.style().polish(self.summary)
        select_first(self.tree)
        self.tree.setFocus()

    def nextId(self) -> int:
        return PAGE_PERIOD

    def clear_data(self) -> None:
        self.verdict = None
        self.tree.clear()
        self.summary.clear()


class WeekrondeWizard(WeekExportWizard):
    """The Weekexport wizard with the round's three pages in front of it."""

    title_text = "Weekronde – bundels inlezen en weekexport"
    #: bundles changed the register (every list reloads)
    merged = Signal()

    def __init__(self, session: Session, runner: ExportRunner | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, runner, parent)
        self.folder_page = RoundFolderPage(self)
        self.read_page = RoundReadPage(self)
        self.devices_page = RoundDevicesPage(self)
        self.setPage(PAGE_FOLDER, self.folder_page)
        self.setPage(PAGE_READ, self.read_page)
        self.setPage(PAGE_DEVICES, self.devices_page)
        self.setStartId(PAGE_FOLDER)
