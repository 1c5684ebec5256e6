"""Beheer -> Uitwisselen: the team works as one register without a server (issue 7).

A handler makes a bundle for the team lead (since the previous one, or everything);
the team lead reads the week's bundles (several files at once, each all or nothing)
and sees what changed, with links that open the cases; a case is handed over to a
colleague with its personal data; the device table says per laptop whether its week
is in ("laatste stap 12 dagen oud"); the team's exchange passphrase is set once and
only shown as set or not. The team lead's Monday is one wizard (``Weekronde``).

Everything here calls the functions the CLI calls (``app.storage.exchange``). Long
work (export, import, reading the device table) runs in the background reader's
thread on its own connection; progress comes back through a queued signal, so the
window never waits. File choosers are classmethods so tests can replace them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.model.errors import UserError
from app.model.nlformat import date_time
from app.model.team_week import DeviceLine
from app.storage.crypto import DEFAULT_KDF, KdfParams
from app.storage.exchange import (
    ExportResult,
    ImportReport,
    export_bundle,
    import_bundles,
    stored_passphrase,
)
from app.storage.repository import Register
from app.ui import style
from app.ui.beheer.exchange_dialogs import HandoverDialog, PassphraseDialog
from app.ui.beheer.exchange_report import (
    ROLE_NUMBER,
    STALE_COLOR,
    empty_report,
    fill_report,
    select_first,
)
from app.ui.beheer.tab import BeheerTab
from app.ui.session import Session
from app.ui.text import tr
from app.ui.widgets import plain_label
from app.ui.worker import Request, Worker

if TYPE_CHECKING:
    from app.ui.weekronde import WeekrondeWizard

#: Argon2id cost of the bundles this tab writes (the program's default; tests lower it
#: explicitly, as docs/ARCHITECTURE.md allows for test-only key derivation).
BUNDLE_KDF: KdfParams = DEFAULT_KDF
SUFFIX = ".bundel"
NAME_FILTER = "Uitwisselingsbundels (*.bundel);;Alle bestanden (*)"


@dataclass(frozen=True)
class ExchangeState:
    """What the tab shows of the register, read in the worker."""

    lines: list[DeviceLine]
    passphrase_set: bool
    device_code: str


def read_state(reg: Register) -> ExchangeState:
    return ExchangeState(reg.device_lines(), stored_passphrase(reg) is not None,
                         reg.settings.device_code)


def default_folder() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


def export_text(result: ExportResult) -> str:
    kind = ("Overdrachtsbundel" if result.handover else
            "Volledige bundel" if result.complete else "Bundel")
    per = ", ".join(f"{code} {n}" for code, n in sorted(result.devices.items())) or "geen"
    text = (f"{kind} {result.sequence} opgeslagen als {result.path}: {result.events} "
            f"stappen ({per}), {max(1, result.size // 1024)} kB.")
    if result.handover:
        text += (f" Met de persoonsgegevens van {', '.join(result.handover)}; vastgelegd in "
                 "het auditlogboek. De ontvanger legt 'Toegewezen' aan zichzelf vast.")
    return text


class ExchangeTab(BeheerTab):
    """Beheer -> Uitwisselen. ``open_case(number)`` when a case in the report is opened."""

    open_case = Signal(str)

    def __init__(self, session: Session, reader: Worker,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, reader, parent)
        self.setObjectName("exchangeTab")
        self.setAccessibleName(self.title())
        self.state: ExchangeState | None = None
        self.passphrase_dialog: PassphraseDialog | None = None
        self.handover_dialog: HandoverDialog | None = None
        self.wizard: WeekrondeWizard | None = None
        self.last_report: ImportReport | None = None

        # -- make a bundle
        make_box = QGroupBox(tr("Bundel maken voor de teamleider"), self)
        self.since_radio = QRadioButton(tr("&Sinds de vorige bundel"), make_box)
        self.since_radio.setAccessibleName(tr("Alleen wat sinds de vorige bundel is "
                                              "vastgelegd"))
        self.since_radio.setChecked(True)
        self.all_radio = QRadioButton(tr("Alles (volle&dige bundel)"), make_box)
        self.all_radio.setAccessibleName(tr("Alles: een volledige bundel"))
        self.make_button = QPushButton(tr("&Bundel maken…"), make_box)
        self.make_button.setAccessibleName(tr("Bundel maken voor de teamleider"))
        self.make_button.clicked.connect(self.make_bundle)
        ml = QVBoxLayout(make_box)
        ml.addWidget(self.since_radio)
        ml.addWidget(self.all_radio)
        ml.addStretch(1)
        ml.addWidget(self.make_button, 0, Qt.AlignmentFlag.AlignLeft)

        # -- read bundles
        read_box = QGroupBox(tr("Bundels inlezen"), self)
        read_hint = plain_label(tr("Eén of meer bestanden tegelijk; elk bestand wordt "
                                   "helemaal of niet ingelezen."), read_box, "hint")
        self.read_button = QPushButton(tr("Bundels &inlezen…"), read_box)
        self.read_button.setAccessibleName(tr("Bundels inlezen"))
        self.read_button.clicked.connect(self.read_bundles)
        self.round_button = QPushButton(tr("&Weekronde…"), read_box)
        self.round_button.setAccessibleName(tr(
            "Weekronde: de bundels van de week inlezen en de weekexport maken"))
        self.round_button.clicked.connect(
            lambda: self._ensure_passphrase(self.open_weekronde))
        rl = QVBoxLayout(read_box)
        rl.addWidget(read_hint)
        rl.addStretch(1)
        rrow = QHBoxLayout()
        rrow.addWidget(self.read_button)
        rrow.addWidget(self.round_button)
        rrow.addStretch(1)
        rl.addLayout(rrow)

        # -- hand over
        hand_box = QGroupBox(tr("Casus overdragen"), self)
        hand_hint = plain_label(tr("Een collega neemt een casus over, met de "
                                   "persoonsgegevens; de casus houdt haar nummer."),
                           hand_box, "hint")
        self.handover_button = QPushButton(tr("Casus &overdragen…"), hand_box)
        self.handover_button.setAccessibleName(tr("Casus overdragen"))
        self.handover_button.clicked.connect(self.hand_over)
        hl = QVBoxLayout(hand_box)
        hl.addWidget(hand_hint)
        hl.addStretch(1)
        hl.addWidget(self.handover_button, 0, Qt.AlignmentFlag.AlignLeft)

        # -- passphrase
        pass_box = QGroupBox(tr("Uitwisselingswachtwoordzin"), self)
        self.passphrase_label = plain_label("", pass_box, accessible=tr(
            "Stand van de uitwisselingswachtwoordzin"))
        self.passphrase_button = QPushButton(tr("Wachtwoord&zin instellen…"), pass_box)
        self.passphrase_button.setAccessibleName(tr(
            "Uitwisselingswachtwoordzin instellen"))
        self.passphrase_button.clicked.connect(lambda: self.set_passphrase())
        pl = QVBoxLayout(pass_box)
        pl.addWidget(self.passphrase_label)
        pl.addStretch(1)
        pl.addWidget(self.passphrase_button, 0, Qt.AlignmentFlag.AlignLeft)

        boxes = QHBoxLayout()
        for box in (make_box, read_box, hand_box, pass_box):
            # no narrower than its buttons need: at 1366x768 the two buttons of
            # "Bundels inlezen" were cut off at a fixed minimum
            box.setMinimumWidth(max(230, box.minimumSizeHint().width()))
            boxes.addWidget(box, 1)

        # -- progress and the last result
        self.progress = QProgressBar(self)
        self.progress.setObjectName("exchangeProgress")
        self.progress.setAccessibleName(tr("Voortgang van het uitwisselen"))
        self.progress.setMaximumWidth(320)
        self.progress.hide()
        self.status = plain_label("", self, accessible=tr("Melding over het uitwisselen"))
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.request = Request(reader, self.status, busy=self.progress)
        srow = QHBoxLayout()
        srow.addWidget(self.progress)
        srow.addWidget(self.status, 1)

        # -- devices
        dev_panel = QWidget(self)
        self.devices_title = plain_label(tr("Apparaten in dit register"), dev_panel,
                                         wrap=False)
        self.devices_title.setFont(style.bold(self.devices_title.font()))
        self.devices = QTreeWidget(dev_panel)
        self.devices.setObjectName("deviceTable")
        self.devices.setAccessibleName(tr("Apparaten: laatste stap en laatste bundel"))
        self.devices.setRootIsDecorated(False)
        self.devices.setUniformRowHeights(True)
        self.devices.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.devices.setHeaderLabels([
            tr("Apparaat"), tr("Behandelaar"), tr("Stappen"),
            tr("Laatste stap"), tr("Is de week binnen?"),
            tr("Laatste bundel ontvangen"), tr("Uit bestand")])
        header = self.devices.header()
        header.setStretchLastSection(True)
        for col in range(6):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        dl = QVBoxLayout(dev_panel)
        dl.setContentsMargins(0, 0, 0, 0)
        dl.addWidget(self.devices_title)
        dl.addWidget(self.devices, 1)

        # -- the report of the last import
        rep_panel = QWidget(self)
        self.report_title = plain_label(tr("Verslag van het laatste inlezen"), rep_panel,
                                   wrap=False)
        self.report_title.setFont(style.bold(self.report_title.font()))
        self.report = QTreeWidget(rep_panel)
        self.report.setObjectName("importReport")
        self.report.setAccessibleName(tr(
            "Verslag van het inlezen; Enter op een casus opent die"))
        self.report.setHeaderHidden(True)
        self.report.setColumnCount(1)
        self.report.setWordWrap(True)
        self.report.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.report.setToolTip(tr("Enter of dubbelklik op een casus opent de casus."))
        self.report.itemActivated.connect(self._report_activated)
        self.open_button = QPushButton(tr("Casus o&penen"), rep_panel)
        self.open_button.setAccessibleName(tr("Gekozen casus uit het verslag openen"))
        self.open_button.clicked.connect(self.open_selected)
        self.open_button.setEnabled(False)
        self.report.currentItemChanged.connect(lambda *_: self._update_open())
        rtop = QHBoxLayout()
        rtop.addWidget(self.report_title)
        rtop.addStretch(1)
        rtop.addWidget(self.open_button)
        rpl = QVBoxLayout(rep_panel)
        rpl.setContentsMargins(0, 0, 0, 0)
        rpl.addLayout(rtop)
        rpl.addWidget(self.report, 1)

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setChildrenCollapsible(False)
        split.addWidget(dev_panel)
        split.addWidget(rep_panel)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 8)
        layout.setSpacing(8)
        layout.addLayout(boxes)
        layout.addLayout(srow)
        layout.addWidget(split, 1)

        self._show_state(None)
        empty_report(self.report)

    def title(self) -> str:
        return tr("Uitwisselen")

    # ------------------------------------------------------------------ dialogs (patchable)

    @classmethod
    def ask_save_file(cls, parent: QWidget | None, caption: str, start: Path) -> Path | None:
        name, _chosen = QFileDialog.getSaveFileName(parent, caption, str(start), NAME_FILTER)
        if not name:
            return None
        path = Path(name)
        return path if path.suffix else path.with_name(path.name + SUFFIX)

    @classmethod
    def ask_open_files(cls, parent: QWidget | None, caption: str, start: Path) -> list[Path]:
        names, _chosen = QFileDialog.getOpenFileNames(parent, caption, str(start), NAME_FILTER)
        return [Path(n) for n in names]

    # ------------------------------------------------------------------ reading the state

    def refresh(self) -> None:
        if self.session.is_open:
            self.reader.submit(read_state, self._show_state)

    def _show_state(self, state: object) -> None:
        if state is not None and not self.session.is_open:
            return
        self.state = state if isinstance(state, ExchangeState) else None
        is_set = bool(self.state and self.state.passphrase_set)
        if self.state is None:
            self.passphrase_label.setText("")
        elif is_set:
            self.passphrase_label.setText(tr(
                "Ingesteld. Het hele team gebruikt dezelfde; ze wordt niet getoond."))
        else:
            self.passphrase_label.setText(tr(
                "Nog niet ingesteld. Stel haar eenmaal in; daarna vraagt het programma er "
                "niet meer om."))
        self.passphrase_button.setText(tr("Wachtwoord&zin wijzigen…") if is_set
                                       else tr("Wachtwoord&zin instellen…"))
        self.passphrase_button.setAccessibleName(
            tr("Uitwisselingswachtwoordzin wijzigen") if is_set
            else tr("Uitwisselingswachtwoordzin instellen"))
        self._fill_devices(self.state.lines if self.state else [])
        self._update_buttons()

    def _fill_devices(self, lines: Sequence[DeviceLine]) -> None:
        self.devices.clear()
        warn = QBrush(STALE_COLOR)
        for line in lines:
            code = (line.code or tr("onbekend ({device})").format(device=line.device[:8]))
            if line.own:
                code += tr(" (dit register)")
            verdict = line.age_text
            if line.stale:
                verdict += tr(" – vraag om een bundel")
            item = QTreeWidgetItem([
                code, line.handler or "", str(line.events),
                date_time(line.last_step) if line.last_step else "", verdict,
                date_time(line.received_at) if line.received_at else
                (tr("(eigen stappen)") if line.own else tr("nog geen bundel")),
                line.received_from or ""])
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(4, line.text)
            if line.stale:
                item.setForeground(4, warn)
            self.devices.addTopLevelItem(item)
        if not lines:
            empty = QTreeWidgetItem([tr("Nog geen stappen in dit register")])
            empty.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.devices.addTopLevelItem(empty)
        elif self.devices.currentItem() is None:
            select_first(self.devices)

    # ------------------------------------------------------------------ running a job

    @property
    def busy(self) -> bool:
        return self.request.running

    def _update_buttons(self) -> None:
        free = self.session.is_open and not self.busy
        for button in (self.make_button, self.read_button, self.handover_button,
                       self.round_button, self.passphrase_button):
            button.setEnabled(free)

    def _start(self, text: str, fn: Callable[[Register, Callable[[int, int], None]], Any],
               done: Callable[[Any], None]) -> bool:
        if self.busy or not self.session.is_open:
            return False
        self.progress.setRange(0, 0)
        if not self.request.start(fn, lambda result: self._finished(done, result),
                                  text=text, failed=self._failed, progress=self._progress):
            return False
        self._update_buttons()
        return True

    def _progress(self, step: int, total: int) -> None:
        if total <= 0:
            return
        self.progress.setRange(0, 1000)
        self.progress.setValue(min(1000, step * 1000 // total))

    def _finished(self, done: Callable[[Any], None], result: Any) -> None:
        self._update_buttons()
        if self.session.is_open:
            done(result)

    def _failed(self, _error: UserError) -> None:
        self._update_buttons()
        self.refresh()

    def _ensure_passphrase(self, then: Callable[[], object]) -> None:
        """The exchange passphrase is a team setting: asked once, before the first use."""
        if self.state is not None and self.state.passphrase_set:
            then()
            return
        if self.session.is_open and stored_passphrase(self.session.register) is not None:
            then()
            return
        self.set_passphrase(then)

    # ------------------------------------------------------------------ the passphrase

    def set_passphrase(self, then: Callable[[], object] | None = None
                       ) -> PassphraseDialog | None:
        if not self.session.is_open:
            return None
        already = bool(self.state and self.state.passphrase_set)
        dialog = PassphraseDialog(self.session, already, self)
        self.passphrase_dialog = dialog

        def closed(result: int) -> None:
            self.passphrase_dialog = None
            dialog.deleteLater()
            if result == int(QDialog.DialogCode.Accepted):
                self.status.setText(tr("De uitwisselingswachtwoordzin is opgeslagen."))
                self.refresh()
                if then is not None:
                    then()

        dialog.finished.connect(closed)
        dialog.open()
        return dialog

    # ------------------------------------------------------------------ make a bundle

    def _file_name(self, kind: str) -> str:
        code = self.state.device_code if self.state else "register"
        return f"{kind}-{code}-{self.session.register.today().isoformat()}{SUFFIX}"

    def make_bundle(self) -> None:
        if self.session.is_open:
            self._ensure_passphrase(self._make_bundle)

    def _make_bundle(self) -> None:
        everything = self.all_radio.isChecked()
        out = self.ask_save_file(self, tr("Bundel opslaan"),
                                 default_folder() / self._file_name(
                                     "volledig" if everything else "bundel"))
        if out is None:
            return

        def job(reg: Register, progress: Callable[[int, int], None]) -> ExportResult:
            return export_bundle(reg, out, everything=everything, kdf=BUNDLE_KDF,
                                 progress=progress)

        self._start(tr("De bundel wordt gemaakt…"), job, self._made)

    def _made(self, result: object) -> None:
        assert isinstance(result, ExportResult)
        self.status.setText(export_text(result))
        self.refresh()

    # ------------------------------------------------------------------ hand over

    def hand_over(self) -> HandoverDialog | None:
        if not self.session.is_open:
            return None
        dialog = HandoverDialog(self.reader, self, codelists=self.session.register.codelists)
        self.handover_dialog = dialog

        def closed(result: int) -> None:
            self.handover_dialog = None
            numbers = dialog.numbers()
            dialog.deleteLater()
            if result == int(QDialog.DialogCode.Accepted) and numbers:
                self._ensure_passphrase(lambda: self._hand_over(numbers))

        dialog.finished.connect(closed)
        dialog.open()
        return dialog

    def _hand_over(self, numbers: list[str]) -> None:
        name = f"overdracht-{numbers[0]}{SUFFIX}" if len(numbers) == 1 else \
            self._file_name("overdracht")
        out = self.ask_save_file(self, tr("Overdrachtsbundel opslaan"),
                                 default_folder() / name)
        if out is None:
            return

        def job(reg: Register, progress: Callable[[int, int], None]) -> ExportResult:
            return export_bundle(reg, out, handover=numbers, kdf=BUNDLE_KDF,
                                 progress=progress)

        self._start(tr("De overdrachtsbundel wordt gemaakt…"), job, self._made)

    # ------------------------------------------------------------------ read bundles

    def read_bundles(self) -> None:
        if self.session.is_open:
            self._ensure_passphrase(self._read_bundles)

    def _read_bundles(self) -> None:
        paths = self.ask_open_files(self, tr("Bundels inlezen"), default_folder())
        if paths:
            self.read_files(paths)

    def read_files(self, paths: Sequence[Path]) -> bool:
        chosen = list(paths)

        def job(reg: Register, progress: Callable[[int, int], None]
                ) -> tuple[ImportReport, ExchangeState]:
            report = import_bundles(reg, chosen, progress=progress)
            return report, read_state(reg)

        return self._start(tr("De bundels worden gecontroleerd en ingelezen…"), job,
                           self._read)

    def _read(self, result: object) -> None:
        assert isinstance(result, tuple)
        report, state = result
        self.show_report(report)
        self._show_state(state)
        if report.new_events or report.handovers:
            self.session.data_changed.emit()  # every list reloads

    def show_report(self, report: ImportReport) -> None:
        self.last_report = report
        refused = len(report.refused)
        read = len(report.files) - refused
        summary = tr("{read} van {total} bestanden ingelezen: {new_events} nieuwe stappen.") \
            .format(read=read, total=len(report.files), new_events=report.new_events)
        if refused:
            summary += " " + tr("{refused} geweigerd; daarvan is niets ingelezen.") \
                .format(refused=refused)
        self.status.setText(summary)
        fill_report(self.report, report)
        select_first(self.report)

    def _report_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        number = item.data(0, ROLE_NUMBER)
        if number:
            self.open_case.emit(str(number))

    def _update_open(self) -> None:
        item = self.report.currentItem()
        self.open_button.setEnabled(item is not None and bool(item.data(0, ROLE_NUMBER)))

    def open_selected(self) -> None:
        item = self.report.currentItem()
        if item is not None:
            self._report_activated(item)

    # ------------------------------------------------------------------ Weekronde

    def open_weekronde(self) -> WeekrondeWizard | None:
        if not self.session.is_open:
            return None
        if self.wizard is not None:
            self.wizard.raise_()
            self.wizard.activateWindow()
            return self.wizard
        from app.ui.weekronde import WeekrondeWizard

        wizard = WeekrondeWizard(self.session, parent=self.window())
        wizard.merged.connect(self._after_round)
        wizard.finished.connect(self._wizard_closed)
        self.wizard = wizard
        wizard.open()
        return wizard

    def _after_round(self) -> None:
        self.session.data_changed.emit()
        self.refresh()

    def _wizard_closed(self, _result: int) -> None:
        wizard = self.wizard
        self.wizard = None
        if wizard is not None:
            wizard.hide()
            wizard.deleteLater()
        self.refresh()

    # ------------------------------------------------------------------ lock

    def clear(self) -> None:
        """On lock: no device, case number, file name or report stays on screen."""
        self.request.drop()
        self.status.clear()
        empty_report(self.report)
        self.last_report = None
        for dialog in (self.passphrase_dialog, self.handover_dialog):
            if dialog is not None:
                dialog.reject()
        wizard = self.wizard
        if wizard is not None:
            wizard.discard()
        self.wizard = None
        self._show_state(None)


