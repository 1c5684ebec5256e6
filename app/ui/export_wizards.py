"""The three export wizards of the Export page: Weekexport, Signaalformulieren, Rapportage.

Each wizard is a thin, keyboard-driven front for one export function of ``app.export``
(docs/ARCHITECTURE.md, "Exports"): the functions decide what goes into a file, lint it,
audit it and write it atomically; the wizard asks for the period,
the signals, the file or the folder, shows what will happen and reports what did.
Nothing here touches SQL, openpyxl or jinja2.

Threading (docs/ARCHITECTURE.md "GUI"). Every long step (the preview figures, the signal
list and its check, the writing) runs in ``ExportRunner``'s single worker thread, on a
Register of its own (``Register.reopen_for_worker()``) that is closed when the step
ends. Progress comes back to the GUI thread through a queued signal. One thread means
one export at a time, which the owned temp folder of ``app.export.tempfiles`` needs.
A lock forgets every pending result; the Export page then closes the wizard and
empties it. A write already under way finishes in its own thread, atomically, as the
export functions promise, and its result is thrown away.

Personal-data lint (docs/DOMAIN.md, docs/SECURITY.md). A finding stops an export until the text
is fixed where it lives (the signal, the case's story) or the handler ticks "toch
doorgaan" and gives a reason. The reason goes to the export function as
``override_lint``, which records it in the audit; the reason is linted too, because
the audit may never hold P2 data.

Dialogs a test cannot click (choosing a file or a folder, opening a folder in the file
manager) are classmethods of ``ExportWizard`` so tests can replace them.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QRunnable,
    QStandardPaths,
    Qt,
    QThreadPool,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import QBrush, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.export.report import FIRST_YEAR, write_report
from app.export.signal_forms import (
    FORMATS,
    SignalExportPlan,
    plan_signal_export,
    signal_form_texts,
    write_signal_forms,
)
from app.export.templating import PersonalDataFound, TextFinding, masked
from app.export.workbook import LintStopped, WorkbookSummary, write_evaluation
from app.model.dates import nl_date
from app.model.errors import UserError
from app.model.lint import KIND_LABELS, lint_text
from app.model.metrics import metric_definitions, metric_labels
from app.model.nlformat import metric
from app.model.os_errors import os_error_line, sqlite_os_problem
from app.storage.figures import Figures, figures, metric_settings
from app.storage.repository import Register, SignalRow
from app.ui import style
from app.ui.geometry import save_state, ui_state
from app.ui.session import Session
from app.ui.text import plural
from app.ui.widgets import CodeCombo, DateField, busy_bar, tr

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
Job = Callable[[Register, Progress], Any]
GateRow = tuple[str, str, str]  # where, what was found, why it matters

PERIOD_SEPARATOR = " t/m "


# --------------------------------------------------------------------------- periods


def last_completed_iso_week(today: date) -> tuple[date, date]:
    """Monday to Sunday of the last ISO week that has fully passed (the workbook's
    default period, docs/DOMAIN.md)."""
    monday = today - timedelta(days=today.weekday())
    return monday - timedelta(days=7), monday - timedelta(days=1)


def current_week(today: date) -> tuple[date, date]:
    """Monday of this week up to and including today."""
    return today - timedelta(days=today.weekday()), today


def year_to_date(today: date) -> tuple[date, date]:
    return date(today.year, 1, 1), today


def last_completed_half_year(today: date) -> tuple[date, date]:
    if today.month <= 6:
        return date(today.year - 1, 7, 1), date(today.year - 1, 12, 31)
    return date(today.year, 1, 1), date(today.year, 6, 30)


def previous_calendar_year(today: date) -> tuple[date, date]:
    return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)


def default_report_period(today: date) -> tuple[str, tuple[date, date]]:
    """docs/ARCHITECTURE.md: twice a year, except the first year, which has one report over
    2025. So the default is the whole first year once its second half has passed
    (and until the next half year has), otherwise the last completed half year."""
    start, end = last_completed_half_year(today)
    if start.year == FIRST_YEAR and start.month == 7:
        return "year", previous_calendar_year(today)
    return "half", (start, end)


def iso_week_of(start: date, end: date) -> tuple[int, int] | None:
    """(ISO year, week) when the period is exactly one ISO week, else None."""
    if start.weekday() == 0 and end == start + timedelta(days=6):
        iso = start.isocalendar()
        return iso.year, iso.week
    return None


def period_text(start: date, end: date) -> str:
    return f"{nl_date(start)}{PERIOD_SEPARATOR}{nl_date(end)}"


def week_file_name(start: date, end: date) -> str:
    week = iso_week_of(start, end)
    if week is not None:
        return f"evaluatie-{week[0]}-W{week[1]:02d}.xlsx"
    return f"evaluatie-{start.isoformat()}-tot-{end.isoformat()}.xlsx"


def report_file_name(start: date, end: date) -> str:
    if start == date(start.year, 1, 1) and end == date(start.year, 12, 31):
        return f"rapportage-{start.year}.html"
    if start == date(start.year, 1, 1) and end == date(start.year, 6, 30):
        return f"rapportage-{start.year}-H1.html"
    if start == date(start.year, 7, 1) and end == date(start.year, 12, 31):
        return f"rapportage-{start.year}-H2.html"
    return f"rapportage-{start.isoformat()}-tot-{end.isoformat()}.html"


def half_year_name(start: date) -> str:
    return (tr("eerste halfjaar %1") if start.month == 1 else tr("tweede halfjaar %1")) \
        .replace("%1", str(start.year))


# --------------------------------------------------------------------------- UI state


def last_folder(key: str = "export/last_folder") -> Path:
    """The folder of the previous export, else the user's Documents, else home."""
    value = ui_state().value(key, "")
    if isinstance(value, str) and value and Path(value).is_dir():
        return Path(value)
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def remember_folder(folder: Path, key: str = "export/last_folder") -> None:
    settings = ui_state()
    settings.setValue(key, str(folder))
    save_state(settings)


# --------------------------------------------------------------------------- the worker


class _Job(QRunnable):
    def __init__(self, runner: ExportRunner, ticket: int,
                 factory: Callable[[], Register], fn: Job) -> None:
        super().__init__()
        self._runner = runner
        self._ticket = ticket
        self._factory = factory
        self._fn = fn
        self.setAutoDelete(True)

    def run(self) -> None:
        self._runner._work(self._ticket, self._factory, self._fn)


class ExportRunner(QObject):
    """Runs ``fn(register, progress)`` in one worker thread on a connection of its own.

    Each call opens a Register with ``reopen_for_worker()`` in the thread and closes
    it when ``fn`` returns or fails. ``done(result)``, ``failed(error)`` and
    ``progress(percent, text)`` are called on the GUI thread, and only while the
    ticket is still wanted: ``drop(ticket)`` and a lock (``forget``) discard results.
    """

    _progressed = Signal(int, int, str)
    _finished = Signal(int, object, object)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._ticket = 0
        self._pending: dict[int, tuple[Callable[[Any], None],
                                       Callable[[UserError], None],
                                       Progress | None]] = {}
        self._progressed.connect(self._on_progress)
        self._finished.connect(self._on_finished)
        session.locked.connect(self.forget)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # -- GUI thread

    def start(self, fn: Job, done: Callable[[Any], None], failed: Callable[[UserError], None],
              progress: Progress | None = None) -> int:
        """Queue ``fn``; its ticket, or 0 when the register is locked."""
        if not self._session.is_open:
            return 0
        self._ticket += 1
        self._pending[self._ticket] = (done, failed, progress)
        factory = self._session.register.reopen_for_worker
        self._pool.start(_Job(self, self._ticket, factory, fn))
        return self._ticket

    def drop(self, ticket: int) -> None:
        self._pending.pop(ticket, None)

    @Slot()
    def forget(self) -> None:
        """On lock: no result of work asked for before it may reach a widget."""
        self._pending.clear()

    def is_pending(self, ticket: int) -> bool:
        return ticket in self._pending

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self, msecs: int = 60_000) -> bool:
        """For tests and shutdown: wait until queued work has run."""
        return bool(self._pool.waitForDone(msecs))

    @Slot()
    def shutdown(self) -> None:
        self.forget()
        self._pool.waitForDone()

    # -- worker thread

    def _work(self, ticket: int, factory: Callable[[], Register], fn: Job) -> None:
        reg: Register | None = None
        result: Any = None
        error: UserError | None = None

        def progress(percent: int, text: str) -> None:
            with contextlib.suppress(RuntimeError):  # the runner was deleted meanwhile
                self._progressed.emit(ticket, int(percent), str(text))

        try:
            reg = factory()
            result = fn(reg, progress)
        except UserError as exc:
            error = exc
        except OSError as exc:  # a folder that vanished, a full disk, no access
            error = UserError(tr("Er kon niet worden geschreven: %1 Er is geen half "
                                 "bestand achtergebleven; kies een andere plek of probeer "
                                 "het opnieuw.").replace("%1", os_error_line(exc)))
        except Exception as exc:
            problem = sqlite_os_problem(exc)  # a full disk while the export is audited
            if problem is not None:
                error = UserError(tr("Het register kon niet worden bijgewerkt: %1")
                                  .replace("%1", problem))
            else:
                # Only the type: a message could quote register content into the log.
                log.error("export job failed: %s", type(exc).__name__)
                error = UserError(tr("Onverwachte fout bij het exporteren (%1). Er is geen "
                                     "half bestand achtergebleven; probeer het opnieuw.")
                                  .replace("%1", type(exc).__name__))
        finally:
            if reg is not None:
                with contextlib.suppress(Exception):
                    reg.close()
        with contextlib.suppress(RuntimeError):
            self._finished.emit(ticket, result, error)

    # -- back on the GUI thread

    @Slot(int, int, str)
    def _on_progress(self, ticket: int, percent: int, text: str) -> None:
        callbacks = self._pending.get(ticket)
        if callbacks is not None and callbacks[2] is not None:
            callbacks[2](percent, text)

    @Slot(int, object, object)
    def _on_finished(self, ticket: int, result: object, error: object) -> None:
        callbacks = self._pending.pop(ticket, None)
        if callbacks is None:
            return  # dropped, or asked for before a lock
        done, failed, _progress = callbacks
        if error is None:
            done(result)
        else:
            failed(error if isinstance(error, UserError) else UserError(str(error)))


# --------------------------------------------------------------------------- small widgets


def _label(text: str, name: str = "", parent: QWidget | None = None, *,
           wrap: bool = True, accessible: str = "") -> QLabel:
    label = QLabel(text, parent)
    if name:
        label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if accessible:
        label.setAccessibleName(accessible)
    return label


def _buddy(text: str, widget: QWidget, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setBuddy(widget)
    label.setContentsMargins(0, 0, 3, 0)  # the last letter never touches the field
    return label


def count_text(n: int, one: str, many: str) -> str:
    """"%n" filled in, in the singular or the plural sentence."""
    return (one if n == 1 else many).replace("%n", str(n))


def gate_rows(findings: Iterable[TextFinding]) -> list[GateRow]:
    """Lint findings as the gate lists them: where, what (masked), why."""
    return [(f.where, f"{KIND_LABELS.get(f.finding.kind, f.finding.kind)} "
                      f"({masked(f.finding)})", f.finding.reason) for f in findings]


def gate_rows_of_error(error: UserError) -> list[GateRow] | None:
    """The findings of an export that stopped on the lint; None for other errors."""
    if isinstance(error, PersonalDataFound):
        return gate_rows(error.findings)
    if isinstance(error, LintStopped):
        return [(tr("Signaal %1, titel").replace("%1", number), kind,
                 tr("De titel van het signaal komt in de werkmap."))
                for number, kind in error.findings]
    return None


class LintGate(QFrame):
    """Findings of the personal-data lint and the conscious way past them.

    ``satisfied()`` is true without findings, or when "toch doorgaan" is ticked and a
    reason is given that itself holds no personal data; ``reason()`` is that reason
    (None without findings), to be passed to the export as ``override_lint``.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, show_list: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("lintGate")
        self.show_list = show_list
        self.rows: list[GateRow] = []
        self.banner = _label("", "warningBanner", self,
                             accessible=tr("Waarschuwing: mogelijk persoonsgegevens"))
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("lintFindings")
        self.tree.setAccessibleName(tr("Gevonden persoonsgegevens"))
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([tr("Waar"), tr("Wat is gevonden")])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        self.tree.setMaximumHeight(self.fontMetrics().height() * 7)
        self.check = QCheckBox(tr("Toch &doorgaan met deze tekst"), self)
        self.check.setAccessibleName(tr("Toch doorgaan ondanks de waarschuwing"))
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("overrideReason")
        self.reason_edit.setAccessibleName(tr("Reden om toch door te gaan"))
        self.reason_edit.setPlaceholderText(tr("bijvoorbeeld: het nummer is een "
                                               "dossiernummer van de dienst, geen BSN"))
        self.reason_edit.setMaxLength(300)
        self.reason_label = _buddy(tr("&Reden:"), self.reason_edit, self)
        self.reason_hint = _label(tr("De reden wordt met uw naam vastgelegd in het "
                                     "auditlogboek."), "hint", self)
        self.problem = _label("", "errorMessage", self, accessible=tr("Probleem met de reden"))
        self.problem.setContentsMargins(24, 0, 0, 0)
        self.problem.hide()
        self.tree.setVisible(show_list)
        self.check.toggled.connect(self._update)
        self.reason_edit.textChanged.connect(self._update)

        reason_row = QHBoxLayout()
        reason_row.setContentsMargins(24, 0, 0, 0)
        reason_row.addWidget(self.reason_label)
        reason_row.addWidget(self.reason_edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.banner)
        layout.addWidget(self.tree)
        layout.addWidget(self.check)
        layout.addLayout(reason_row)
        hint_row = QHBoxLayout()
        hint_row.setContentsMargins(24, 0, 0, 0)
        hint_row.addWidget(self.reason_hint, 1)
        layout.addLayout(hint_row)
        layout.addWidget(self.problem)
        self._update()
        self.hide()

    def set_findings(self, rows: Sequence[GateRow], *, what: str = "") -> None:
        self.rows = list(rows)
        self.tree.clear()
        for where, found, why in self.rows:
            item = QTreeWidgetItem([where, found])
            item.setToolTip(0, why)
            item.setToolTip(1, why)
            self.tree.addTopLevelItem(item)
        if self.rows:
            self.banner.setText(
                count_text(len(self.rows),
                           tr("⚠ %n plek in de vrije tekst lijkt persoonsgegevens te bevatten"),
                           tr("⚠ %n plekken in de vrije tekst lijken persoonsgegevens te "
                              "bevatten"))
                + (f" ({what})" if what else "") + ". "
                + ("" if self.show_list else tr("Ze staan hierboven bij het signaal. "))
                + tr("Pas de tekst aan waar hij staat (bij het signaal of het verhaal van de "
                     "casus) en begin opnieuw, of ga bewust door met een reden."))
        self.setVisible(bool(self.rows))
        self._update()

    def clear(self) -> None:
        self.rows = []
        self.tree.clear()
        self.banner.clear()
        self.check.setChecked(False)
        self.reason_edit.clear()
        self.hide()
        self._update()

    def satisfied(self) -> bool:
        if not self.rows:
            return True
        text = self.reason_edit.text().strip()
        return self.check.isChecked() and bool(text) and not lint_text(text)

    def reason(self) -> str | None:
        if not self.rows or not self.satisfied():
            return None
        return self.reason_edit.text().strip()

    def _update(self) -> None:
        on = self.check.isChecked()
        self.reason_edit.setEnabled(on)
        self.reason_label.setEnabled(on)
        text = self.reason_edit.text().strip()
        problem = ""
        if on and text and lint_text(text):
            problem = tr("De reden zelf lijkt persoonsgegevens te bevatten; die horen niet "
                         "in het auditlogboek.")
        elif on and not text:
            problem = tr("Geef een reden om door te gaan.")
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem) and bool(self.rows))
        self.changed.emit()


@dataclass(frozen=True)
class Preset:
    key: str
    text: str  # the radio button's text, with its mnemonic
    accessible: str
    period: tuple[date, date] | None  # None: the custom period


class PeriodChooser(QWidget):
    """Period presets as radio buttons, plus a custom from/to typed as dd-mm-jjjj."""

    changed = Signal()

    def __init__(self, presets: Sequence[Preset], default: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presets = {p.key: p for p in presets}
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for p in presets:
            button = QRadioButton(p.text, self)
            button.setAccessibleName(p.accessible)
            button.setProperty("preset", p.key)
            self.group.addButton(button)
            self.buttons[p.key] = button
            layout.addWidget(button)
        self.start_edit = DateField(default_today=False, parent=self)
        self.start_edit.setAccessibleName(tr("Eigen periode: van (dd-mm-jjjj)"))
        self.end_edit = DateField(default_today=False, parent=self)
        self.end_edit.setAccessibleName(tr("Eigen periode: tot en met (dd-mm-jjjj)"))
        self.start_label = _buddy(tr("Va&n"), self.start_edit, self)
        self.end_label = _buddy(tr("T&ot en met"), self.end_edit, self)
        custom = QHBoxLayout()
        custom.setContentsMargins(26, 0, 0, 0)
        custom.setSpacing(8)
        custom.addWidget(self.start_label)
        custom.addWidget(self.start_edit)
        custom.addSpacing(12)
        custom.addWidget(self.end_label)
        custom.addWidget(self.end_edit)
        custom.addStretch(1)
        layout.addLayout(custom)
        self.error = _label("", "errorMessage", self, accessible=tr("Fout in de periode"))
        self.error.setContentsMargins(26, 0, 0, 0)
        self.error.hide()
        layout.addWidget(self.error)
        self.group.buttonToggled.connect(self._toggled)
        self.start_edit.changed.connect(self._edited)
        self.end_edit.changed.connect(self._edited)
        self.buttons[default].setChecked(True)
        self._toggled()

    def key(self) -> str:
        button = self.group.checkedButton()
        return str(button.property("preset")) if button is not None else ""

    def select(self, key: str) -> None:
        self.buttons[key].setChecked(True)

    def is_custom(self) -> bool:
        preset = self.presets.get(self.key())
        return preset is not None and preset.period is None

    def problem(self) -> str | None:
        if not self.is_custom():
            return None
        for edit, name in ((self.start_edit, tr("begindatum")), (self.end_edit, tr("einddatum"))):
            if not edit.text().strip():
                return tr("Vul de %1 in (dd-mm-jjjj).").replace("%1", name)
            if edit.problem():
                return tr("De %1 is %2.").replace("%1", name).replace("%2", edit.problem() or "")
        start, end = self.start_edit.value(), self.end_edit.value()
        if start is not None and end is not None and start > end:
            return tr("De begindatum ligt na de einddatum.")
        return None

    def period(self) -> tuple[date, date] | None:
        preset = self.presets.get(self.key())
        if preset is None:
            return None
        if preset.period is not None:
            return preset.period
        if self.problem():
            return None
        start, end = self.start_edit.value(), self.end_edit.value()
        return (start, end) if start and end else None

    def _toggled(self, *_args: object) -> None:
        custom = self.is_custom()
        preset = self.presets.get(self.key())
        if not custom and preset is not None and preset.period is not None:
            # switching to "eigen periode" starts from the last chosen one
            self.start_edit.blockSignals(True)
            self.end_edit.blockSignals(True)
            self.start_edit.set_value(preset.period[0])
            self.end_edit.set_value(preset.period[1])
            self.start_edit.blockSignals(False)
            self.end_edit.blockSignals(False)
        for w in (self.start_edit, self.end_edit, self.start_label, self.end_label):
            w.setEnabled(custom)
        self._edited()

    def _edited(self) -> None:
        problem = self.problem()
        self.error.setText(problem or "")
        self.error.setVisible(bool(problem))
        self.changed.emit()

    def focus_target(self) -> QWidget:
        return self.group.checkedButton() or self


# --------------------------------------------------------------------------- wizard base


@dataclass
class Outcome:
    """What a finished export shows: a summary, the files, the folder to open."""

    summary: str
    files: list[Path] = field(default_factory=list)
    folder: Path | None = None
    note: str = ""


class ExportWizard(QWizard):
    """Common ground of the three wizards: look, buttons, dialogs, cancel and lock."""

    #: a finished export, in words, for the Export page's "laatste export" line
    exported = Signal(str)

    title_text = ""

    def __init__(self, session: Session, runner: ExportRunner | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner or ExportRunner(session, self)
        self.discarded = False
        self.run_page: RunPage | None = None
        self.setObjectName(type(self).__name__)
        self.setWindowTitle(self.title_text)
        self.setAccessibleName(self.title_text)
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< &Terug"))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("&Volgende >"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("&Sluiten"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("Annuleren"))
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("&Opslaan"))
        for which, name in ((QWizard.WizardButton.BackButton, self.tr("Vorige stap")),
                            (QWizard.WizardButton.NextButton, self.tr("Volgende stap")),
                            (QWizard.WizardButton.FinishButton, self.tr("Sluiten")),
                            (QWizard.WizardButton.CancelButton, self.tr("Annuleren")),
                            (QWizard.WizardButton.CommitButton, self.tr("Opslaan"))):
            self.button(which).setAccessibleName(name)
        self.setMinimumSize(760, 600)
        self.resize(840, 700)

    # -- what the pages ask

    def today(self) -> date:
        return self.session.register.today()

    @property
    def writing(self) -> bool:
        return self.run_page is not None and self.run_page.state == RunPage.RUNNING

    # -- dialogs, wrapped so tests can replace them

    @classmethod
    def ask_save_file(cls, parent: QWidget | None, caption: str, start: Path,
                      name_filter: str) -> Path | None:
        name, _chosen = QFileDialog.getSaveFileName(parent, caption, str(start), name_filter)
        return Path(name) if name else None

    @classmethod
    def ask_folder(cls, parent: QWidget | None, caption: str, start: Path) -> Path | None:
        name = QFileDialog.getExistingDirectory(parent, caption, str(start))
        return Path(name) if name else None

    @classmethod
    def open_folder(cls, folder: Path) -> bool:
        return bool(QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))

    # -- what each wizard fills in

    def build_job(self, override: str | None) -> Job:
        raise NotImplementedError

    def override_reason(self, gate_reason: str | None) -> str | None:
        return gate_reason

    def describe(self, result: Any) -> Outcome:
        raise NotImplementedError

    def after_success(self, result: Any, outcome: Outcome) -> None:
        if outcome.folder is not None:
            remember_folder(outcome.folder)
        self.exported.emit(outcome.summary.splitlines()[0] if outcome.summary else "")

    # -- closing

    def reject(self) -> None:
        if self.writing and not self.discarded:
            assert self.run_page is not None
            self.run_page.status.setText(self.tr(
                "Even geduld: het bestand wordt nog geschreven. Daarna kunt u het venster "
                "sluiten."))
            return
        super().reject()

    def done(self, result: int) -> None:
        """However the wizard closes: no pending result may reach its (deleted) pages,
        and no figure or title stays in its widgets."""
        for page_id in self.pageIds():
            clear = getattr(self.page(page_id), "clear_data", None)
            if clear is not None:
                clear()
        super().done(result)

    def discard(self) -> None:
        """On lock: drop pending results, empty every page and close, also mid-write."""
        self.discarded = True
        self.done(int(QWizard.DialogCode.Rejected))


class PathPage(QWizardPage):
    """The file (or, for the signal forms, the folder) to write to."""

    def __init__(self, wizard: ExportWizard, *, folder: bool, title: str, subtitle: str,
                 caption: str, suffix: str = "", name_filter: str = "") -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.folder_mode = folder
        self.suffix = suffix
        self.caption = caption
        self.name_filter = name_filter
        self.touched = False
        self._default: Path | None = None
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("pathEdit")
        self.edit.setAccessibleName(tr("Map") if folder else tr("Bestand"))
        self.edit.textEdited.connect(self._typed)
        self.edit.textChanged.connect(self._changed)
        self.label = _buddy(tr("&Map:") if folder else tr("&Bestand:"), self.edit, self)
        self.browse = QPushButton(tr("Bl&aderen…"), self)
        self.browse.setAccessibleName(tr("Map kiezen") if folder else tr("Bestand kiezen"))
        self.browse.clicked.connect(self.choose)
        self.note = _label("", "hint", self, accessible=tr("Opmerking bij het bestand"))
        self.error = _label("", "errorMessage", self, accessible=tr("Fout in het bestand"))
        self.error.hide()
        self.summary = _label("", "", self, accessible=tr("Wat er wordt geschreven"))
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice = _label("", "warningBanner", self, accessible=tr("Let op"))
        self.notice.hide()
        row = QHBoxLayout()
        row.addWidget(self.label)
        row.addWidget(self.edit, 1)
        row.addWidget(self.browse)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addSpacing(8)
        layout.addWidget(self.summary)
        layout.addWidget(self.notice)
        layout.addStretch(1)
        self.registerField("map*" if folder else "bestand*", self.edit)
        self.setButtonText(QWizard.WizardButton.NextButton, tr("&Opslaan"))

    def set_default(self, path: Path) -> None:
        """Offer ``path`` unless the user chose or typed one."""
        self._default = path
        if not self.touched:
            self.edit.setText(str(path))

    def _typed(self, _text: str) -> None:
        self.touched = True

    def choose(self) -> None:
        current = self.path() or self._default or last_folder()
        if self.folder_mode:
            chosen = self._wizard.ask_folder(self, self.caption, current)
        else:
            chosen = self._wizard.ask_save_file(self, self.caption, current, self.name_filter)
        if chosen is not None:
            self.touched = True
            self.edit.setText(str(chosen))
            self._changed()  # the same path again: the folder may exist by now
        self.edit.setFocus()

    def _resolve(self) -> tuple[Path | None, str | None]:
        """The path the text names and what is wrong with it (a Dutch sentence).

        Whatever is typed ("/", "C:\\", a name with a NUL character, "~nobody",
        a name too long for the file system) ends here as a path or a message: the
        checks below touch the file system, and every error they can raise is
        turned into words instead of a traceback.
        """
        text = self.edit.text().strip()
        if not text:
            return None, None
        try:
            return self._check(text)
        except (OSError, ValueError, RuntimeError):
            return None, tr("Dit is geen bruikbare naam voor een %1.").replace(
                "%1", tr("map") if self.folder_mode else tr("bestand"))

    def _check(self, text: str) -> tuple[Path | None, str | None]:
        if "\x00" in text:
            raise ValueError("NUL in path")
        p = Path(text).expanduser()
        if not p.is_absolute():
            p = (self._default.parent if self._default and not self.folder_mode
                 else last_folder()) / p
        if self.folder_mode:
            if p.exists() and not p.is_dir():
                return p, tr("Dit is een bestand, geen map.")
            return p, (None if p.is_dir() else _no_folder(p))
        if not p.name or text.endswith(("/", "\\")) or p.is_dir():
            return None, tr("Dit is een map; geef ook een bestandsnaam, bijvoorbeeld "
                            "%1.").replace("%1", self._example_name())
        if not p.suffix:
            p = p.with_name(p.name + self.suffix)
        if p.suffix.lower() != self.suffix:
            return p, tr("De naam moet op %1 eindigen.").replace("%1", self.suffix)
        if p.is_dir():
            return p, tr("Dit is een map; geef een bestandsnaam.")
        for folder in p.parents:
            if folder.exists():
                if not folder.is_dir():
                    return p, tr("%1 is een bestand, geen map.").replace("%1", str(folder))
                break
        p.exists()  # a name too long for the file system raises here, not later
        if not p.parent.is_dir():
            return p, _no_folder(p.parent)  # exports never make folders
        return p, None

    def _example_name(self) -> str:
        return self._default.name if self._default is not None else "export" + self.suffix

    def path(self) -> Path | None:
        """The path to write, or None when the text is empty or names no usable file."""
        return self._resolve()[0]

    def problem(self) -> str | None:
        return self._resolve()[1]

    def _changed(self) -> None:
        p, problem = self._resolve()
        self.error.setText(problem or "")
        self.error.setVisible(bool(problem))
        note = ""
        if p is not None and not problem:
            try:
                note = self._note(p)
            except (OSError, ValueError):
                note = ""
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.completeChanged.emit()

    def _note(self, p: Path) -> str:
        note = ""
        if self.folder_mode:
            note = tr("Bestanden met dezelfde naam in deze map worden vervangen.")
        elif p.exists():
            note = tr("Dit bestand bestaat al en wordt vervangen.")
        if not self.folder_mode and str(p) != self.edit.text().strip():
            note = (tr("Wordt opgeslagen als %1.").replace("%1", str(p)) + " " + note).strip()
        return note

    def isComplete(self) -> bool:
        p, problem = self._resolve()
        return super().isComplete() and p is not None and problem is None

    def initializePage(self) -> None:
        self._changed()
        self.edit.setFocus()

    def clear_data(self) -> None:
        self.summary.clear()
        self.notice.clear()


def _no_folder(folder: Path) -> str:
    """Exports never make folders (a typo would scatter case data somewhere new)."""
    return tr("De map %1 bestaat niet. Kies een bestaande map met Bladeren…; er wordt "
              "geen map aangemaakt.").replace("%1", str(folder))


class RunPage(QWizardPage):
    """Writes in the worker with a progress bar; then the result, an error or the gate.

    Finishing is possible only after a successful write. While writing, Back and
    Cancel wait (the file is written atomically and cannot be stopped halfway); after
    success, Back stays off (the page before is marked as a commit page); after a
    failure Back is on again, so the period or the file can be changed.
    """

    IDLE, RUNNING, DONE, FAILED, BLOCKED = "idle", "running", "done", "failed", "blocked"

    def __init__(self, wizard: ExportWizard, *, before_id: int, title: str,
                 running_text: str, determinate: bool) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.before_id = before_id
        self.running_text = running_text
        self.determinate = determinate
        self.state = self.IDLE
        self.ticket = 0
        self.result: Any = None
        self.outcome: Outcome | None = None
        self.error_object: UserError | None = None
        wizard.run_page = self
        self.setTitle(title)
        self.setSubTitle(tr("Het exporteren gebeurt op de achtergrond; het programma blijft "
                            "gewoon werken."))
        self.status = _label("", "", self, accessible=tr("Stand van de export"))
        self.bar = QProgressBar(self)
        self.bar.setObjectName("exportProgress")
        self.bar.setAccessibleName(tr("Voortgang van de export"))
        self.bar.setFormat("%p%")
        self.error = _label("", "errorMessage", self, accessible=tr("Foutmelding"))
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.gate = LintGate(self)
        self.gate.changed.connect(self._gate_changed)
        self.retry = QPushButton(tr("Opnieuw &proberen"), self)
        self.retry.setAccessibleName(tr("Opnieuw proberen"))
        self.retry.clicked.connect(self.start)
        self.retry.hide()
        self.summary = _label("", "", self, accessible=tr("Resultaat van de export"))
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.hide()
        self.files = QListWidget(self)
        self.files.setObjectName("writtenFiles")
        self.files.setAccessibleName(tr("Geschreven bestanden"))
        self.files.setMaximumHeight(self.fontMetrics().height() * 9)
        self.files.hide()
        self.note = _label("", "hint", self, accessible=tr("Toelichting bij het resultaat"))
        self.note.hide()
        self.open_button = QPushButton(tr("&Map openen"), self)
        self.open_button.setAccessibleName(tr("Map met de export openen"))
        self.open_button.clicked.connect(self.open_folder)
        self.open_button.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(self.status)
        layout.addWidget(self.bar)
        layout.addWidget(self.error)
        layout.addWidget(self.gate)
        layout.addWidget(self.summary)
        layout.addWidget(self.files)
        layout.addWidget(self.note)
        layout.addLayout(buttons)
        layout.addStretch(1)

    # -- running

    def initializePage(self) -> None:
        self.gate.clear()
        self.start()

    def cleanupPage(self) -> None:
        """Back after a failure: forget this attempt."""
        self._wizard.runner.drop(self.ticket)
        self._reset()
        self._mark_before(False)

    def _reset(self) -> None:
        self.state = self.IDLE
        self.result = None
        self.outcome = None
        self.error_object = None
        for w in (self.error, self.retry, self.summary, self.files, self.note,
                  self.open_button):
            w.hide()
        self.error.clear()
        self.summary.clear()
        self.files.clear()
        self.note.clear()

    def start(self) -> None:
        if self.state == self.RUNNING:
            return
        override = self._wizard.override_reason(self.gate.reason())
        job = self._wizard.build_job(override)
        self._reset()
        self.gate.setEnabled(False)
        self.state = self.RUNNING
        self.status.setText(self.running_text)
        if self.determinate:
            self.bar.setRange(0, 100)
            self.bar.setValue(0)
        else:
            self.bar.setRange(0, 0)
        self.bar.show()
        self._mark_before(True)
        self._wizard.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, False)
        self._wizard.button(QWizard.WizardButton.CancelButton).setEnabled(False)
        self.ticket = self._wizard.runner.start(job, self._done, self._failed, self._progress)
        if self.ticket == 0:
            self._failed(UserError(tr("Het register is vergrendeld.")))
        self.completeChanged.emit()

    def _progress(self, percent: int, text: str) -> None:
        if self.state != self.RUNNING:
            return
        if self.determinate:
            self.bar.setValue(max(0, min(100, percent)))
        self.status.setText(tr(text) + ("…" if percent < 100 else "."))
        self.bar.setAccessibleDescription(f"{percent}%")

    def _finish_running(self) -> None:
        self._wizard.button(QWizard.WizardButton.CancelButton).setEnabled(True)
        self.gate.setEnabled(True)

    def _done(self, result: object) -> None:
        self._finish_running()
        self.state = self.DONE
        self.result = result
        outcome = self._wizard.describe(result)
        self.outcome = outcome
        self.bar.setRange(0, 100)
        self.bar.setValue(100)
        self.status.setText(tr("✓ Klaar."))
        self.gate.hide()
        self.summary.setText(outcome.summary)
        self.summary.show()
        self.files.clear()
        for path in outcome.files:
            self.files.addItem(str(path))
        self.files.setVisible(len(outcome.files) > 1)
        self.note.setText(outcome.note)
        self.note.setVisible(bool(outcome.note))
        self.open_button.setVisible(outcome.folder is not None)
        self._wizard.after_success(result, outcome)
        self._mark_before(True)
        # done: "Sluiten" is the only way out; nothing is left to cancel
        self._wizard.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.completeChanged.emit()
        finish = self._wizard.button(QWizard.WizardButton.FinishButton)
        finish.setFocus()

    def _failed(self, error: UserError) -> None:
        self._finish_running()
        self.error_object = error
        self.bar.hide()
        rows = gate_rows_of_error(error)
        if rows:
            self.state = self.BLOCKED
            self.status.setText(tr("Er is niets geschreven."))
            self.gate.set_findings(rows)
            self.error.setText(tr("De export is gestopt: de vrije tekst bevat mogelijk "
                                  "persoonsgegevens."))
            self.retry.setText(tr("Opnieuw &proberen met reden"))
            self.retry.setAccessibleName(tr("Opnieuw proberen met de gegeven reden"))
        else:
            self.state = self.FAILED
            self.status.setText(tr("Er is niets geschreven."))
            self.error.setText(str(error))
            self.retry.setText(tr("Opnieuw &proberen"))
            self.retry.setAccessibleName(tr("Opnieuw proberen"))
        self.error.show()
        self.retry.show()
        self._gate_changed()
        self._mark_before(False)
        self.completeChanged.emit()

    def _gate_changed(self) -> None:
        if self.state == self.BLOCKED:
            self.retry.setEnabled(self.gate.satisfied())
        else:
            self.retry.setEnabled(True)

    def _mark_before(self, on: bool) -> None:
        before = self._wizard.page(self.before_id)
        if before is not None:
            before.setCommitPage(on)

    def isComplete(self) -> bool:
        return self.state == self.DONE

    # -- after

    def open_folder(self) -> None:
        folder = self.outcome.folder if self.outcome is not None else None
        if folder is not None and not self._wizard.open_folder(folder):
            self.note.setText(tr("De map kon niet worden geopend: %1").replace(
                "%1", str(folder)))
            self.note.show()

    def clear_data(self) -> None:
        self._wizard.runner.drop(self.ticket)
        self._reset()
        self.gate.clear()
        self.status.clear()
        self.bar.reset()


# --------------------------------------------------------------------------- Weekexport


PAGE_PERIOD, PAGE_PREVIEW, PAGE_FILE, PAGE_RUN = 0, 1, 2, 3
PAGE_SELECT, PAGE_OPTIONS, PAGE_CHECK, PAGE_FOLDER, PAGE_SIGNAL_RUN = 10, 11, 12, 13, 14

#: Flow figures of the preview: a value for the period and one for the year to date.
PREVIEW_FLOW: tuple[str, ...] = (
    "intake.total",
    "triage.total",
    "triage.by_decision.in_behandeling",
    "treatment.opinions_sent",
    "treatment.escalations",
    "closed.total",
    "leadtime.gross.median_days",
    "leadtime.within_norm",
    "interview.total",
    "signals.created",
    "signals.submitted",
)
#: Stock figures: one value as of the last day of the period.
PREVIEW_STOCK: tuple[str, ...] = (
    "open.total",
    "open.paused",
    "triage.pending",
    "deadlines.overdue",
    "deadlines.due_next_14d",
    "signals.awaiting_feedback",
)
PREVIEW_TARGETS: tuple[tuple[str, str], ...] = (
    ("targets.ytd.belastingdienst", "belastingdienst"),
    ("targets.ytd.dienst_toeslagen", "dienst_toeslagen"),
)


@dataclass(frozen=True)
class WeekPreview:
    figures: Figures
    labels: dict[str, str]
    definitions: dict[str, str]
    targets: dict[str, int]


def week_preview(reg: Register, start: date, end: date) -> WeekPreview:
    """The preview's figures (worker thread): the same call as the workbook's."""
    settings = metric_settings(reg)
    return WeekPreview(
        figures=figures(reg, start, end),
        labels=metric_labels(reg.codelists),
        definitions=metric_definitions(reg.codelists, settings),
        targets={"belastingdienst": settings.target_belastingdienst,
                 "dienst_toeslagen": settings.target_dienst_toeslagen},
    )


class WeekPeriodPage(QWizardPage):
    def __init__(self, wizard: WeekExportWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(tr("Periode"))
        self.setSubTitle(tr("Voor welke periode maakt u de evaluatiewerkmap? Elk cijfer staat "
                            "er ook in voor het jaar tot en met de laatste dag."))
        today = wizard.today()
        last = last_completed_iso_week(today)
        this = current_week(today)
        ytd = year_to_date(today)
        week_no = last[0].isocalendar().week
        this_no = this[0].isocalendar().week
        presets = [
            Preset("last_week",
                   tr("&Laatste volledige week – week %1: %2").replace("%1", str(week_no))
                   .replace("%2", period_text(*last)),
                   tr("Laatste volledige week, week %1").replace("%1", str(week_no)), last),
            Preset("this_week",
                   tr("&Deze week – week %1: %2").replace("%1", str(this_no))
                   .replace("%2", period_text(*this)),
                   tr("Deze week tot en met vandaag"), this),
            Preset("ytd", tr("&Jaar tot nu: %1").replace("%1", period_text(*ytd)),
                   tr("Jaar tot nu"), ytd),
            Preset("custom", tr("&Eigen periode"), tr("Eigen periode"), None),
        ]
        self.chooser = PeriodChooser(presets, "last_week", self)
        self.chooser.changed.connect(self.completeChanged)

        self.suppress_check = QCheckBox(tr("Kleine aantallen &afschermen: tellingen onder"),
                                        self)
        self.suppress_check.setAccessibleName(tr("Kleine aantallen afschermen"))
        self.suppress_spin = QSpinBox(self)
        self.suppress_spin.setRange(2, 99)
        self.suppress_spin.setValue(max(2, wizard.session.register.settings.suppress_below))
        self.suppress_spin.setAccessibleName(tr("Grens voor kleine aantallen"))
        self.suppress_spin.setEnabled(False)
        self.suppress_check.toggled.connect(self.suppress_spin.setEnabled)
        shown = _label(tr("tonen als “< N”"), "", self, wrap=False)
        hint = _label(tr("Standaard niet: de werkmap is intern en vertrouwelijk. Met "
                         "afscherming blijven de bladen Casussen en Onderwerpen leeg."),
                      "hint", self)
        srow = QHBoxLayout()
        srow.addWidget(self.suppress_check)
        srow.addWidget(self.suppress_spin)
        srow.addWidget(shown)
        srow.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.chooser)
        layout.addSpacing(12)
        layout.addLayout(srow)
        layout.addWidget(hint)
        layout.addStretch(1)

    def suppress_below(self) -> int | None:
        return self.suppress_spin.value() if self.suppress_check.isChecked() else None

    def isComplete(self) -> bool:
        return self.chooser.period() is not None

    def initializePage(self) -> None:
        self.chooser.focus_target().setFocus()


class WeekPreviewPage(QWizardPage):
    """Key figures of the chosen period, computed in the worker before anything is written."""

    def __init__(self, wizard: WeekExportWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.data: WeekPreview | None = None
        self.ticket = 0
        self.setTitle(tr("Kerncijfers"))
        self.setSubTitle(tr("Controleer de cijfers van de periode voordat u de werkmap maakt. "
                            "Dezelfde cijfers staan in de werkmap en in het Overzicht."))
        self.period_label = _label("", "countLabel", self, accessible=tr("Periode"))
        self.busy = busy_bar(self, tr("Bezig met berekenen"))
        self.status = _label("", "hint", self, wrap=False,
                             accessible=tr("Stand van de berekening"))
        self.error = _label("", "errorMessage", self, accessible=tr("Foutmelding"))
        self.error.hide()
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("previewFigures")
        self.tree.setAccessibleName(tr("Kerncijfers van de periode"))
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([tr("Kerncijfer"), tr("Periode"), tr("Jaar tot nu")])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            self.tree.setColumnWidth(col, self.fontMetrics().horizontalAdvance("Jaar tot nu")
                                     + 48)
        self.tree.headerItem().setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
        self.tree.headerItem().setTextAlignment(2, Qt.AlignmentFlag.AlignRight)
        self.period_label.setWordWrap(False)
        top = QHBoxLayout()
        top.addWidget(self.period_label)
        top.addStretch(1)
        top.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.busy)
        layout.addWidget(self.error)
        layout.addWidget(self.tree, 1)

    def initializePage(self) -> None:
        period = self._wizard.period()
        assert period is not None
        start, end = period
        week = iso_week_of(start, end)
        lead = (tr("Week %1 van %2: ").replace("%1", str(week[1])).replace("%2", str(week[0]))
                if week else tr("Periode: "))
        self.period_label.setText(lead + period_text(start, end))
        if self.data is not None and (self.data.figures.start, self.data.figures.end) == period:
            return
        self.load(start, end)
        self.tree.setFocus()

    def load(self, start: date, end: date) -> None:
        self._wizard.runner.drop(self.ticket)
        self.data = None
        self.tree.clear()
        self.error.hide()
        self.busy.show()
        self.status.setText(tr("Cijfers berekenen…"))
        self.ticket = self._wizard.runner.start(
            lambda reg, _progress: week_preview(reg, start, end), self._show, self._failed)
        self.completeChanged.emit()

    def _failed(self, error: UserError) -> None:
        self.busy.hide()
        self.status.clear()
        self.error.setText(tr("De cijfers konden niet worden berekend: %1").replace(
            "%1", str(error)))
        self.error.show()

    def _show(self, data: object) -> None:
        assert isinstance(data, WeekPreview)
        self.busy.hide()
        self.data = data
        figs = data.figures
        self.status.setText(tr("Jaar tot nu: %1").replace(
            "%1", period_text(date(figs.end.year, 1, 1), figs.end)))
        self.tree.clear()
        bold = style.bold(self.tree.font())

        def head(text: str) -> None:
            item = QTreeWidgetItem([text])
            item.setFont(0, bold)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(item)
            item.setFirstColumnSpanned(True)

        def row(key: str, period_value: str, ytd_value: str) -> None:
            item = QTreeWidgetItem(["   " + data.labels.get(key, key), period_value, ytd_value])
            item.setData(0, Qt.ItemDataRole.UserRole, key)
            for col in (1, 2):
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignRight
                                      | Qt.AlignmentFlag.AlignVCenter)
            tip = data.definitions.get(key, "")
            for col in range(3):
                item.setToolTip(col, tip)
            self.tree.addTopLevelItem(item)

        head(tr("In de periode"))
        for key in PREVIEW_FLOW:
            row(key, metric(key, figs.period.get(key)), metric(key, figs.year_to_date.get(key)))
        head(tr("Stand op %1").replace("%1", nl_date(figs.end)))
        for key in PREVIEW_STOCK:
            row(key, metric(key, figs.period.get(key)), "")
        head(tr("Doelen eerste jaar (in behandeling genomen)"))
        for key, route in PREVIEW_TARGETS:
            value = figs.year_to_date.get(key)
            target = data.targets.get(route, 0)
            text = tr("%1 van %2").replace("%1", metric(key, value)).replace(
                "%2", str(target))
            row(key, "", text)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.data is not None and \
            (self.data.figures.start, self.data.figures.end) == self._wizard.period()

    def clear_data(self) -> None:
        self._wizard.runner.drop(self.ticket)
        self.data = None
        self.tree.clear()
        self.status.clear()
        self.period_label.clear()
        self.busy.hide()

    @property
    def figures(self) -> Figures | None:
        return self.data.figures if self.data is not None else None


class WeekExportWizard(ExportWizard):
    """Weekexport: the evaluation workbook of docs/DOMAIN.md for a period."""

    title_text = "Weekexport – evaluatiewerkmap"

    def __init__(self, session: Session, runner: ExportRunner | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, runner, parent)
        self.period_page = WeekPeriodPage(self)
        self.preview_page = WeekPreviewPage(self)
        self.file_page = PathPage(
            self, folder=False, title=tr("Bestand"),
            subtitle=tr("Waar slaat u de werkmap op?"),
            caption=tr("Evaluatiewerkmap opslaan"), suffix=".xlsx",
            name_filter=tr("Excel-werkmap (*.xlsx)"))
        self.run_page_ = RunPage(self, before_id=PAGE_FILE, title=tr("Werkmap maken"),
                                 running_text=tr("De werkmap wordt gemaakt…"),
                                 determinate=True)
        self.setPage(PAGE_PERIOD, self.period_page)
        self.setPage(PAGE_PREVIEW, self.preview_page)
        self.setPage(PAGE_FILE, self.file_page)
        self.setPage(PAGE_RUN, self.run_page_)
        self.currentIdChanged.connect(self._page_changed)

    def period(self) -> tuple[date, date] | None:
        return self.period_page.chooser.period()

    def _page_changed(self, page_id: int) -> None:
        if page_id == PAGE_FILE:
            period = self.period()
            assert period is not None
            self.file_page.set_default(last_folder() / week_file_name(*period))
            self.file_page.summary.setText(tr(
                "De werkmap krijgt de cijfers van %1 en van het jaar tot nu, met de "
                "kerncijfers, instroom, triage, behandeling, doorlooptijden, eindgesprekken, "
                "signalen, gepseudonimiseerde casusregels en de definities.").replace(
                    "%1", period_text(*period)))
            self.file_page.notice.setText(tr(
                "Vertrouwelijk: de werkmap bevat gepseudonimiseerde casusgegevens. Sla haar "
                "op een afgeschermde plek op, niet op een gedeelde of openbare schijf."))
            self.file_page.notice.show()

    def build_job(self, override: str | None) -> Job:
        period = self.period()
        out = self.file_page.path()
        assert period is not None and out is not None
        start, end = period
        below = self.period_page.suppress_below()

        def job(reg: Register, progress: Progress) -> WorkbookSummary:
            return write_evaluation(reg, start, end, out, suppress_below=below,
                                    progress=progress, override_lint=override)
        return job

    def describe(self, result: Any) -> Outcome:
        assert isinstance(result, WorkbookSummary)
        lines = [
            tr("De werkmap is opgeslagen: %1").replace("%1", str(result.path)),
            tr("Periode %1; %2 tabbladen, %3 casusregels, %4 signalen.")
            .replace("%1", period_text(result.start, result.end))
            .replace("%2", str(len(result.sheets)))
            .replace("%3", str(result.case_rows))
            .replace("%4", str(result.signal_rows)),
        ]
        if result.suppress_below:
            lines.append(tr("Kleine aantallen onder %1 zijn afgeschermd.").replace(
                "%1", str(result.suppress_below)))
        note = (tr("De reden om toch door te gaan is vastgelegd in het auditlogboek.")
                if result.lint_findings else "")
        return Outcome("\n".join(lines), [result.path], result.path.parent, note)


# --------------------------------------------------------------------------- Signaalformulieren


@dataclass(frozen=True)
class SignalResult:
    files: list[Path]
    numbers: list[str]
    recipient: str | None
    external_ref: str | None
    on: date | None
    hlcs: list[str]
    overridden: bool


class SignalSelectPage(QWizardPage):
    COLUMNS = ("Signaal", "Titel", "Status", "Ingediend", "Casussen")

    def __init__(self, wizard: SignalExportWizard, preselect: Sequence[str]) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.preselect = set(preselect)
        self.rows: list[SignalRow] = []
        self.ticket = 0
        self.setTitle(tr("Signalen kiezen"))
        self.setSubTitle(tr("Kies de signalen waarvoor u een formulier maakt. Spatie zet een "
                            "vinkje aan of uit."))
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("signalChoice")
        self.tree.setAccessibleName(tr("Signalen om te exporteren"))
        self.tree.setColumnCount(len(self.COLUMNS))
        self.tree.setHeaderLabels([tr(c) for c in self.COLUMNS])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tree.itemChanged.connect(self._checked)
        self.label = _buddy(tr("&Kies de signalen:"), self.tree, self)
        self.all_button = QPushButton(tr("&Alles kiezen"), self)
        self.all_button.setAccessibleName(tr("Alle signalen kiezen"))
        self.all_button.clicked.connect(lambda: self.set_all(True))
        self.none_button = QPushButton(tr("&Niets kiezen"), self)
        self.none_button.setAccessibleName(tr("Geen signaal kiezen"))
        self.none_button.clicked.connect(lambda: self.set_all(False))
        self.count = _label("", "countLabel", self, wrap=False,
                            accessible=tr("Aantal gekozen signalen"))
        self.status = _label("", "hint", self, accessible=tr("Stand van de lijst"))
        top = QHBoxLayout()
        top.addWidget(self.label)
        top.addStretch(1)
        top.addWidget(self.count)
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.none_button)
        buttons.addStretch(1)
        buttons.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)

    def initializePage(self) -> None:
        if not self.rows:
            self.load()
        self.tree.setFocus()

    def load(self) -> None:
        self.status.setText(tr("Signalen laden…"))
        self.ticket = self._wizard.runner.start(
            lambda reg, _p: reg.list_signals(), self._show, self._failed)

    def _failed(self, error: UserError) -> None:
        self.status.setText(tr("De signalen konden niet worden gelezen: %1").replace(
            "%1", str(error)))

    def _show(self, rows: object) -> None:
        assert isinstance(rows, list)
        cl = self._wizard.session.register.codelists
        self.rows = rows
        self.tree.blockSignals(True)
        self.tree.clear()
        for r in rows:
            status = cl.label("signal_status", r.status)
            if r.awaiting_feedback:
                status += tr(" (wacht op terugkoppeling)")
            item = QTreeWidgetItem([r.number, r.title, status, nl_date(r.submitted_on),
                                    str(r.cases)])
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if r.number in self.preselect
                               else Qt.CheckState.Unchecked)
            item.setData(0, Qt.ItemDataRole.UserRole, r.number)
            item.setToolTip(1, r.title)
            item.setTextAlignment(4, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if r.status == "gesloten":
                item.setForeground(2, QBrush(style.MUTED))
            self.tree.addTopLevelItem(item)
        self.tree.blockSignals(False)
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        self.status.setText("" if rows else tr("Er zijn nog geen signalen."))
        self._checked()

    def items(self) -> list[QTreeWidgetItem]:
        found = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in found if item is not None]

    def set_checked(self, numbers: Iterable[str]) -> None:
        wanted = set(numbers)
        for item in self.items():
            item.setCheckState(0, Qt.CheckState.Checked
                               if item.data(0, Qt.ItemDataRole.UserRole) in wanted
                               else Qt.CheckState.Unchecked)

    def set_all(self, on: bool) -> None:
        for item in self.items():
            item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def chosen(self) -> list[str]:
        """The ticked numbers, oldest signal first (the order of the forms)."""
        ticked = {str(i.data(0, Qt.ItemDataRole.UserRole)) for i in self.items()
                  if i.checkState(0) == Qt.CheckState.Checked}
        rows = sorted((r for r in self.rows if r.number in ticked),
                      key=lambda r: (r.created_on, r.number))
        return [r.number for r in rows]

    def chosen_rows(self) -> list[SignalRow]:
        numbers = set(self.chosen())
        return [r for r in self.rows if r.number in numbers]

    def _checked(self, *_args: object) -> None:
        n = len(self.chosen())
        self.count.setText(tr("%1 van %2 gekozen").replace("%1", str(n)).replace(
            "%2", str(len(self.rows))))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self.chosen())

    def clear_data(self) -> None:
        self._wizard.runner.drop(self.ticket)
        self.rows = []
        self.tree.clear()
        self.count.clear()
        self.status.clear()


class SignalOptionsPage(QWizardPage):
    def __init__(self, wizard: SignalExportWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(tr("Vorm en indiening"))
        self.setSubTitle(tr("Kies de formaten en voor wie het formulier is. Leg de indiening "
                            "desgewenst meteen vast."))
        reg = wizard.session.register

        formats = QGroupBox(tr("Formaten"), self)
        self.format_boxes: dict[str, QCheckBox] = {}
        texts = {"html": tr("&HTML: afdrukbaar formulier per signaal"),
                 "xlsx": tr("&Excel-lijst (.xlsx): één regel per signaal"),
                 "txt": tr("Tekst &per veld (.txt): om in een webformulier te plakken")}
        fl = QVBoxLayout(formats)
        for key in ("html", "xlsx", "txt"):
            box = QCheckBox(texts[key], formats)
            box.setAccessibleName(tr("Formaat: %1").replace("%1", FORMATS[key]))
            self.format_boxes[key] = box
            fl.addWidget(box)
        self.format_boxes["html"].setChecked(True)
        self.single_html = QCheckBox(tr("Alle HTML-formulieren in één bestand (&met "
                                        "pagina-einden)"), formats)
        self.single_html.setAccessibleName(tr("Alle HTML-formulieren in één bestand"))
        single_row = QHBoxLayout()
        single_row.setContentsMargins(24, 0, 0, 0)
        single_row.addWidget(self.single_html)
        fl.addLayout(single_row)

        audience = QGroupBox(tr("Voor wie"), self)
        self.external = QRadioButton(tr("E&xtern: voor indiening, zonder contactpersoon en "
                                        "casusnummers"), audience)
        self.external.setAccessibleName(tr("Extern formulier"))
        self.internal = QRadioButton(tr("&Intern: met contactpersoon en gekoppelde "
                                        "casusnummers"), audience)
        self.internal.setAccessibleName(tr("Intern formulier"))
        self.external.setChecked(True)
        self.external.toggled.connect(self._changed)
        al = QVBoxLayout(audience)
        al.addWidget(self.external)
        al.addWidget(self.internal)

        self.submit_box = QGroupBox(tr("Indiening"), self)
        self.submit = QCheckBox(tr("Indiening vast&leggen in het register"), self.submit_box)
        self.submit.setAccessibleName(tr("Indiening vastleggen"))
        self.submit.toggled.connect(self._changed)
        self.recipient = CodeCombo("signal_recipient", reg.codelists, parent=self.submit_box)
        self.recipient.setAccessibleName(tr("Ontvanger van de indiening"))
        self.recipient.set_value("ksms_belastingdienst")
        self.recipient.changed.connect(self._changed)
        self.reference = QLineEdit(self.submit_box)
        self.reference.setAccessibleName(tr("Extern kenmerk, zoals het KSMS-nummer"))
        self.reference.setPlaceholderText(tr("bijvoorbeeld het KSMS-nummer (optioneel)"))
        self.reference.setMaxLength(100)
        self.reference.textChanged.connect(self._changed)
        self.on_edit = DateField(wizard.today(), parent=self.submit_box)
        self.on_edit.setAccessibleName(tr("Datum van indiening (dd-mm-jjjj)"))
        self.on_edit.changed.connect(self._changed)
        self.submit_error = _label("", "errorMessage", self.submit_box,
                                   accessible=tr("Fout bij de indiening"))
        self.submit_error.hide()
        self.reference_hint = _label("", "hint", self.submit_box)
        sl = QFormLayout(self.submit_box)
        sl.addRow(self.submit)
        self.recipient_label = _buddy(tr("&Ontvanger:"), self.recipient, self.submit_box)
        self.reference_label = _buddy(tr("Extern &kenmerk:"), self.reference, self.submit_box)
        self.on_label = _buddy(tr("&Datum van indiening:"), self.on_edit, self.submit_box)
        reference_box = QVBoxLayout()
        reference_box.setSpacing(2)
        reference_box.addWidget(self.reference)
        reference_box.addWidget(self.reference_hint)
        sl.addRow(self.recipient_label, self.recipient)
        sl.addRow(self.reference_label, reference_box)
        sl.addRow(self.on_label, self.on_edit)
        sl.addRow(self.submit_error)

        self.format_error = _label(tr("Kies minstens één formaat."), "errorMessage", self,
                                   accessible=tr("Fout bij de formaten"))
        self.format_error.hide()
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(formats)
        layout.addWidget(audience)
        layout.addWidget(self.submit_box)
        layout.addWidget(self.format_error)
        layout.addStretch(1)
        for box in self.format_boxes.values():
            box.toggled.connect(self._changed)
        self._changed()

    def formats(self) -> list[str]:
        return [k for k, box in self.format_boxes.items() if box.isChecked()]

    def is_internal(self) -> bool:
        return self.internal.isChecked()

    def submitting(self) -> bool:
        return self.submit.isChecked() and not self.is_internal()

    def problem(self) -> str | None:
        if not self.submitting():
            return None
        if self.recipient.value() is None:
            return tr("Kies de ontvanger.")
        on = self.on_edit.value()
        if on is None:
            return self.on_edit.problem() or tr("Vul de datum van indiening in.")
        if on > self._wizard.today():
            return tr("De datum van indiening ligt in de toekomst.")
        rows = self._wizard.select_page.chosen_rows()
        closed = [r.number for r in rows if r.status == "gesloten"]
        if closed:
            return count_text(
                len(closed),
                tr("Een gesloten signaal kan niet meer worden ingediend: %1."),
                tr("Gesloten signalen kunnen niet meer worden ingediend: %1."),
            ).replace("%1", ", ".join(closed)) + " " + tr(
                "Haal het vinkje weg of leg de indiening niet vast.")
        early = [r.number for r in rows if on < r.created_on]
        if early:
            return tr("De datum van indiening ligt vóór de datum van %1.").replace(
                "%1", ", ".join(early))
        if self.reference.text().strip() and len(rows) > 1:
            return tr("Een extern kenmerk hoort bij één signaal; kies één signaal of laat het "
                      "kenmerk leeg.")
        return None

    def _changed(self, *_args: object) -> None:
        internal = self.is_internal()
        self.submit.setEnabled(not internal)
        self.single_html.setEnabled(self.format_boxes["html"].isChecked())
        on = self.submitting()
        for w in (self.recipient, self.reference, self.on_edit, self.recipient_label,
                  self.reference_label, self.on_label):
            w.setEnabled(on)
        self.reference_hint.setText(tr("Een intern formulier is niet bedoeld voor indiening.")
                                    if internal else tr("Alleen bij één signaal."))
        problem = self.problem()
        self.submit_error.setText(problem or "")
        self.submit_error.setVisible(bool(problem))
        self.format_error.setVisible(not self.formats())
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self.formats()) and self.problem() is None

    def initializePage(self) -> None:
        self._changed()
        self.format_boxes["html"].setFocus()

    def submission(self) -> tuple[str, str | None, date] | None:
        if not self.submitting():
            return None
        recipient = self.recipient.value()
        on = self.on_edit.value()
        assert recipient is not None and on is not None
        return recipient, (self.reference.text().strip() or None), on


SHORT_FORMATS = {"html": "HTML-formulier", "xlsx": "Excel-lijst", "txt": "tekst per veld"}


class SignalCheckPage(QWizardPage):
    """Completeness per format and the personal-data lint, per signal and field."""

    def __init__(self, wizard: SignalExportWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.plan: SignalExportPlan | None = None
        self.ticket = 0
        self.copy_ticket = 0
        self.setTitle(tr("Controle"))
        self.setSubTitle(tr("Per signaal: ontbrekende verplichte velden en mogelijke "
                            "persoonsgegevens in de vrije tekst."))
        self.status = _label("", "countLabel", self, accessible=tr("Uitkomst van de controle"))
        self.busy = busy_bar(self, tr("Bezig met controleren"))
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("signalCheck")
        self.tree.setAccessibleName(tr("Controle per signaal"))
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([tr("Signaal en veld"), tr("Uitkomst")])
        self.tree.setUniformRowHeights(True)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, 300)
        self.tree.header().setStretchLastSection(True)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.tree_label = _buddy(tr("&Controle per signaal:"), self.tree, self)
        self.complete_note = _label("", "hint", self,
                                    accessible=tr("Toelichting bij de volledigheid"))
        self.complete_error = _label("", "errorMessage", self,
                                     accessible=tr("Indienen niet mogelijk"))
        self.complete_error.hide()
        self.gate = LintGate(self, show_list=False)  # the tree above lists them per field
        self.gate.changed.connect(self._gate_changed)
        self.copy_button = QPushButton(tr("Tekst van het gekozen signaal &kopiëren"), self)
        self.copy_button.setAccessibleName(tr("Platte tekst van het gekozen signaal naar het "
                                              "klembord kopiëren"))
        self.copy_button.clicked.connect(self.copy_text)
        self.copy_status = _label("", "hint", self, accessible=tr("Stand van het kopiëren"))
        copy_row = QHBoxLayout()
        copy_row.addWidget(self.copy_button)
        copy_row.addWidget(self.copy_status, 1)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addWidget(self.status)
        layout.addWidget(self.busy)
        layout.addWidget(self.tree_label)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.complete_note)
        layout.addWidget(self.complete_error)
        layout.addWidget(self.gate)
        layout.addLayout(copy_row)

    def initializePage(self) -> None:
        numbers = self._wizard.select_page.chosen()
        formats = self._wizard.options_page.formats()
        internal = self._wizard.options_page.is_internal()
        self._wizard.runner.drop(self.ticket)
        self.plan = None
        self.tree.clear()
        self.gate.clear()
        self.complete_note.clear()
        self.complete_error.hide()
        self.copy_status.clear()
        self.busy.show()
        self.status.setText(tr("Controleren…"))
        self.ticket = self._wizard.runner.start(
            lambda reg, _p: plan_signal_export(reg, numbers, formats, internal=internal),
            self._show, self._failed)
        self._update_copy()
        self.completeChanged.emit()
        self.tree.setFocus()

    def _failed(self, error: UserError) -> None:
        self.busy.hide()
        self.status.setText(tr("De controle kon niet worden gedaan: %1").replace(
            "%1", str(error)))

    def _show(self, plan: object) -> None:
        assert isinstance(plan, SignalExportPlan)
        self.busy.hide()
        self.plan = plan
        self.tree.clear()
        bold = style.bold(self.tree.font())
        incomplete = with_findings = 0
        for form in plan.forms:
            problems = plan.problems.get(form.number, {})
            findings = plan.findings.get(form.number, [])
            incomplete += bool(problems)
            with_findings += bool(findings)
            parts = []
            if problems:
                parts.append(count_text(len(problems), tr("onvolledig voor %n formaat"),
                                        tr("onvolledig voor %n formaten")))
            if findings:
                parts.append(count_text(len(findings), tr("⚠ %n mogelijk persoonsgegeven"),
                                        tr("⚠ %n mogelijke persoonsgegevens")))
            outcome = "; ".join(parts) if parts else tr("✓ in orde")
            top = QTreeWidgetItem([form.number, f"{outcome} – {form.title}"])
            top.setToolTip(1, f"{outcome}\n{form.title}")
            top.setData(0, Qt.ItemDataRole.UserRole, form.number)
            top.setFont(0, bold)
            top.setToolTip(0, form.title)
            if findings:
                top.setForeground(1, QBrush(style.OVERDUE))
            self.tree.addTopLevelItem(top)
            for fmt in sorted(plan.formats):
                labels = problems.get(fmt)
                child = QTreeWidgetItem([
                    tr("Volledig voor %1").replace("%1", SHORT_FORMATS[fmt]),
                    tr("ontbreekt: %1").replace("%1", ", ".join(labels)) if labels
                    else tr("✓ volledig")])
                child.setData(0, Qt.ItemDataRole.UserRole, form.number)
                child.setToolTip(1, child.text(1))
                if labels:
                    child.setForeground(1, QBrush(style.SOON))
                top.addChild(child)
            for finding in findings:
                where = finding.where
                prefix = f"{form.number}, "
                field_name = where[len(prefix):] if where.startswith(prefix) else where
                kind = KIND_LABELS.get(finding.finding.kind, finding.finding.kind)
                child = QTreeWidgetItem([
                    tr("⚠ Persoonsgegevens in %1").replace("%1", field_name),
                    f"{kind} ({masked(finding.finding)}): {finding.finding.reason}"])
                child.setData(0, Qt.ItemDataRole.UserRole, form.number)
                child.setForeground(0, QBrush(style.OVERDUE))
                child.setToolTip(1, finding.finding.reason)
                top.addChild(child)
            top.setExpanded(bool(problems) or bool(findings))
        n = len(plan.forms)
        summary = count_text(n, tr("%n signaal gecontroleerd"),
                             tr("%n signalen gecontroleerd"))
        summary += ": " + (tr("alles volledig") if not incomplete
                           else tr("%1 onvolledig").replace("%1", str(incomplete)))
        summary += ", " + (tr("geen persoonsgegevens gevonden") if not with_findings
                           else tr("%1 met mogelijke persoonsgegevens").replace(
                               "%1", str(with_findings)))
        self.status.setText(summary + ".")
        if plan.all_findings:
            self.gate.set_findings(gate_rows(plan.all_findings))
        else:
            self.gate.clear()
        if not plan.complete:
            if self._wizard.options_page.submitting():
                self.complete_error.setText(tr(
                    "Indienen kan pas als de verplichte velden zijn ingevuld. Vul ze aan bij "
                    "het signaal, of ga terug en leg de indiening niet vast."))
                self.complete_error.show()
                self.complete_note.clear()
            else:
                self.complete_note.setText(tr(
                    "Ontbrekende verplichte velden worden op het formulier gemarkeerd als "
                    "‘nog in te vullen’."))
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        self._update_copy()
        self.completeChanged.emit()

    def _gate_changed(self) -> None:
        self._update_copy()
        self.completeChanged.emit()

    def _current_changed(self, *_args: object) -> None:
        self._update_copy()

    def current_number(self) -> str | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        value = item.data(0, Qt.ItemDataRole.UserRole)
        return str(value) if value else None

    def _update_copy(self) -> None:
        number = self.current_number()
        ok = self.plan is not None and number is not None and self.copy_ticket == 0
        if ok and self.plan is not None and self.plan.findings.get(str(number)):
            ok = self.gate.satisfied()
        self.copy_button.setEnabled(ok)

    def copy_text(self) -> None:
        number = self.current_number()
        if self.plan is None or number is None or self.copy_ticket:
            return
        internal = self.plan.internal
        reason = self.gate.reason()

        def job(reg: Register, _progress: Progress) -> tuple[str, str]:
            plan = plan_signal_export(reg, [number], ["txt"], internal=internal)
            texts = signal_form_texts(reg, plan, override_lint=reason)
            return number, texts[number]

        self.copy_status.setText(tr("Tekst maken…"))
        self.copy_ticket = self._wizard.runner.start(job, self._copied, self._copy_failed)
        self._update_copy()

    def _copied(self, result: object) -> None:
        assert isinstance(result, tuple)
        self.copy_ticket = 0
        number, text = result
        QGuiApplication.clipboard().setText(text)
        self.copy_status.setText(tr("De tekst van %1 staat op het klembord.").replace(
            "%1", number))
        self._update_copy()

    def _copy_failed(self, error: UserError) -> None:
        self.copy_ticket = 0
        self.copy_status.setText(str(error))
        self._update_copy()

    def isComplete(self) -> bool:
        if self.plan is None or not self.gate.satisfied():
            return False
        return self.plan.complete or not self._wizard.options_page.submitting()

    def clear_data(self) -> None:
        self._wizard.runner.drop(self.ticket)
        self._wizard.runner.drop(self.copy_ticket)
        self.copy_ticket = 0
        self.plan = None
        self.tree.clear()
        self.gate.clear()
        self.status.clear()
        self.complete_note.clear()
        self.complete_error.clear()
        self.copy_status.clear()


class SignalExportWizard(ExportWizard):
    """Signaalformulieren: KSMS forms in HTML, xlsx and text (docs/ARCHITECTURE.md)."""

    title_text = "Signaalformulieren voor KSMS"

    def __init__(self, session: Session, runner: ExportRunner | None = None,
                 parent: QWidget | None = None, *, numbers: Sequence[str] = ()) -> None:
        super().__init__(session, runner, parent)
        self.select_page = SignalSelectPage(self, numbers)
        self.options_page = SignalOptionsPage(self)
        self.check_page = SignalCheckPage(self)
        self.folder_page = PathPage(
            self, folder=True, title=tr("Map"),
            subtitle=tr("In welke map komen de formulieren?"),
            caption=tr("Map voor de signaalformulieren"))
        self.run_page_ = RunPage(self, before_id=PAGE_FOLDER, title=tr("Formulieren maken"),
                                 running_text=tr("De formulieren worden gemaakt…"),
                                 determinate=False)
        self.setPage(PAGE_SELECT, self.select_page)
        self.setPage(PAGE_OPTIONS, self.options_page)
        self.setPage(PAGE_CHECK, self.check_page)
        self.setPage(PAGE_FOLDER, self.folder_page)
        self.setPage(PAGE_SIGNAL_RUN, self.run_page_)
        self.currentIdChanged.connect(self._page_changed)

    def _page_changed(self, page_id: int) -> None:
        if page_id != PAGE_FOLDER:
            return
        self.folder_page.set_default(last_folder())
        numbers = self.select_page.chosen()
        formats = [FORMATS[f] for f in ("html", "xlsx", "txt")
                   if f in self.options_page.formats()]
        lines = [plural(tr("%n formulier(en)"), len(numbers)) + " ("
                 + (tr("intern") if self.options_page.is_internal() else tr("extern")) + "): "
                 + ", ".join(formats) + "."]
        sub = self.options_page.submission()
        if sub is not None:
            recipient, ref, on = sub
            who = self.session.register.codelists.label("signal_recipient", recipient)
            lines.append(tr("Vastgelegd wordt: ingediend op %2, ontvanger %1, voor %3")
                         .replace("%1", who).replace("%2", nl_date(on))
                         .replace("%3", ", ".join(numbers))
                         + (tr(" (kenmerk %1)").replace("%1", ref) if ref else "") + ".")
            self.folder_page.setButtonText(QWizard.WizardButton.NextButton,
                                           tr("&Opslaan en indiening vastleggen"))
        else:
            self.folder_page.setButtonText(QWizard.WizardButton.NextButton, tr("&Opslaan"))
        if self.check_page.gate.reason():
            lines.append(tr("U gaat door ondanks mogelijke persoonsgegevens; de reden komt in "
                            "het auditlogboek."))
        self.folder_page.summary.setText("\n".join(lines))

    def override_reason(self, gate_reason: str | None) -> str | None:
        return gate_reason or self.check_page.gate.reason()

    def build_job(self, override: str | None) -> Job:
        numbers = self.select_page.chosen()
        formats = self.options_page.formats()
        internal = self.options_page.is_internal()
        single = (self.options_page.single_html.isChecked()
                  and self.options_page.single_html.isEnabled())
        sub = self.options_page.submission()
        folder = self.folder_page.path()
        assert folder is not None

        def job(reg: Register, _progress: Progress) -> SignalResult:
            # planned afresh: the signals may have changed since the check
            plan = plan_signal_export(reg, numbers, formats, internal=internal)
            files = write_signal_forms(
                reg, plan, folder, override_lint=override,
                submitted_to=sub[0] if sub else None,
                external_ref=sub[1] if sub else None,
                on=sub[2] if sub else None, single_html=single)
            hlcs: list[str] = []
            if sub is not None:
                for number in numbers:
                    _state, events, _cases = reg.signal(number)
                    hlcs += [e.hlc for e in events if e.kind == "signal_submitted"]
            return SignalResult(files, numbers, sub[0] if sub else None,
                                sub[1] if sub else None, sub[2] if sub else None, hlcs,
                                bool(plan.all_findings))
        return job

    def describe(self, result: Any) -> Outcome:
        assert isinstance(result, SignalResult)
        folder = self.folder_page.path()
        lines = [plural(tr("%n bestand(en) geschreven"), len(result.files))
                 + tr(" voor %1.").replace("%1", ", ".join(result.numbers))]
        if result.recipient:
            who = self.session.register.codelists.label("signal_recipient", result.recipient)
            lines.append(tr("Indiening vastgelegd bij %1 op %2").replace("%1", who).replace(
                "%2", nl_date(result.on)) + (tr(" (kenmerk %1)").replace(
                    "%1", result.external_ref) if result.external_ref else "") + ".")
        note = (tr("De reden om toch door te gaan is vastgelegd in het auditlogboek.")
                if result.overridden else "")
        return Outcome("\n".join(lines), list(result.files), folder, note)

    def after_success(self, result: Any, outcome: Outcome) -> None:
        assert isinstance(result, SignalResult)
        if result.hlcs and self.session.is_open:
            # The register re-reads its chain head in every write: nothing to resync.
            for number in result.numbers:
                self.session.signal_changed.emit(number)
        super().after_success(result, outcome)


# --------------------------------------------------------------------------- Rapportage


PAGE_REPORT_PERIOD, PAGE_REPORT_FILE, PAGE_REPORT_RUN = 20, 21, 22


class ReportPeriodPage(QWizardPage):
    def __init__(self, wizard: ReportExportWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(tr("Periode en afscherming"))
        self.setSubTitle(tr("De rapportage verschijnt twee keer per jaar; over het eerste jaar "
                            "(%1) is er één rapportage.").replace("%1", str(FIRST_YEAR)))
        today = wizard.today()
        default, _period = default_report_period(today)
        half = last_completed_half_year(today)
        year = previous_calendar_year(today)
        year_text = (tr("Vorig &kalenderjaar: %1 – de eerste rapportage") if year[0].year ==
                     FIRST_YEAR else tr("Vorig &kalenderjaar: %1")).replace(
                         "%1", str(year[0].year))
        presets = [
            Preset("half", tr("Laatste volledige &halfjaar: %1 (%2)")
                   .replace("%1", half_year_name(half[0])).replace("%2", period_text(*half)),
                   tr("Laatste volledige halfjaar"), half),
            Preset("year", year_text + f" ({period_text(*year)})",
                   tr("Vorig kalenderjaar"), year),
            Preset("custom", tr("&Eigen periode"), tr("Eigen periode"), None),
        ]
        self.chooser = PeriodChooser(presets, default, self)
        self.chooser.changed.connect(self.completeChanged)
        self.spin = QSpinBox(self)
        self.spin.setRange(0, 99)
        self.spin.setSpecialValueText(tr("geen"))
        self.spin.setValue(max(0, wizard.session.register.settings.suppress_below))
        self.spin.setAccessibleName(tr("Kleine aantallen afschermen: tellingen onder deze "
                                       "grens"))
        self.spin.valueChanged.connect(self._spin_changed)
        self.spin_label = _buddy(tr("Kleine aantallen &afschermen: tellingen onder"),
                                 self.spin, self)
        self.spin_after = _label("", "", self, wrap=False)
        self.spin_warning = _label(tr(
            "Zonder afscherming kunnen kleine aantallen naar personen te herleiden zijn; de "
            "rapportage is openbaar."), "warningBanner", self,
            accessible=tr("Waarschuwing bij de afscherming"))
        row = QHBoxLayout()
        row.addWidget(self.spin_label)
        row.addWidget(self.spin)
        row.addWidget(self.spin_after)
        row.addStretch(1)
        hint = _label(tr("Standaard uit de instellingen van het register. Een telling van 1 tot "
                         "de grens verschijnt als “< grens”; 0 blijft 0."), "hint", self)
        layout = QVBoxLayout(self)
        layout.setSpacing(10)
        layout.addWidget(self.chooser)
        layout.addSpacing(12)
        layout.addLayout(row)
        layout.addWidget(hint)
        layout.addWidget(self.spin_warning)
        layout.addStretch(1)
        self._spin_changed()

    def _spin_changed(self, *_args: object) -> None:
        n = self.spin.value()
        self.spin_after.setText(tr("tonen als “< %1”").replace("%1", str(n)) if n >= 2 else "")
        self.spin_warning.setVisible(n < 2)

    def suppress_below(self) -> int:
        return self.spin.value()

    def isComplete(self) -> bool:
        return self.chooser.period() is not None

    def initializePage(self) -> None:
        self.chooser.focus_target().setFocus()


class ReportExportWizard(ExportWizard):
    """Rapportage: the public, anonymised report over a half year (or the first year)."""

    title_text = "Rapportage"

    def __init__(self, session: Session, runner: ExportRunner | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, runner, parent)
        self.period_page = ReportPeriodPage(self)
        self.file_page = PathPage(
            self, folder=False, title=tr("Bestand"),
            subtitle=tr("Waar slaat u de rapportage op? Ze is een HTML-bestand dat u in de "
                        "browser kunt afdrukken of als PDF bewaren."),
            caption=tr("Rapportage opslaan"), suffix=".html",
            name_filter=tr("HTML-bestand (*.html)"))
        self.run_page_ = RunPage(self, before_id=PAGE_REPORT_FILE,
                                 title=tr("Rapportage maken"),
                                 running_text=tr("De rapportage wordt gemaakt…"),
                                 determinate=False)
        self.setPage(PAGE_REPORT_PERIOD, self.period_page)
        self.setPage(PAGE_REPORT_FILE, self.file_page)
        self.setPage(PAGE_REPORT_RUN, self.run_page_)
        self.currentIdChanged.connect(self._page_changed)

    def period(self) -> tuple[date, date] | None:
        return self.period_page.chooser.period()

    def _page_changed(self, page_id: int) -> None:
        if page_id != PAGE_REPORT_FILE:
            return
        period = self.period()
        assert period is not None
        self.file_page.set_default(last_folder() / report_file_name(*period))
        n = self.period_page.suppress_below()
        self.file_page.summary.setText(
            tr("Rapportage over %1, met proces, sturing en impact, de goedgekeurde "
               "geanonimiseerde verhalen, de signalen en de definities.").replace(
                   "%1", period_text(*period)) + "\n"
            + (tr("Kleine aantallen onder %1 worden afgeschermd.").replace("%1", str(n))
               if n >= 2 else tr("Kleine aantallen worden niet afgeschermd.")))
        self.file_page.notice.setText(tr(
            "Alle vrije tekst wordt eerst op persoonsgegevens gecontroleerd; bij een vondst "
            "wordt er niets geschreven tot u de tekst aanpast of met een reden doorgaat."))
        self.file_page.notice.show()

    def build_job(self, override: str | None) -> Job:
        period = self.period()
        out = self.file_page.path()
        assert period is not None and out is not None
        start, end = period
        below = self.period_page.suppress_below()

        def job(reg: Register, progress: Progress) -> tuple[Path, bool]:
            progress(0, "Rapportage samenstellen")
            return write_report(reg, start, end, out, suppress_below=below,
                                override_lint=override), bool(override)
        return job

    def describe(self, result: Any) -> Outcome:
        path, overridden = result
        period = self.period()
        assert period is not None
        summary = tr("De rapportage is opgeslagen: %1").replace("%1", str(path)) + "\n" + \
            tr("Periode %1.").replace("%1", period_text(*period))
        note = (tr("Als er persoonsgegevens waren gevonden, is de reden om toch door te gaan "
                   "vastgelegd in het auditlogboek.") if overridden else "")
        return Outcome(summary, [path], path.parent, note)


__all__ = [
    "ExportRunner",
    "ExportWizard",
    "LintGate",
    "PeriodChooser",
    "ReportExportWizard",
    "RunPage",
    "SignalExportWizard",
    "WeekExportWizard",
    "current_week",
    "default_report_period",
    "last_completed_half_year",
    "last_completed_iso_week",
    "report_file_name",
    "week_file_name",
    "year_to_date",
]
