"""What the three export wizards share: look, buttons, the file dialogs, cancel and lock.

A wizard fills in three things: the job that writes (``build_job``), the words for its
result (``describe``) and what happens after a success. Closing empties every page, so
no figure or signal title stays in a hidden widget after a lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget, QWizard

from app.ui.export_wizards.folders import last_folder, remember_folder
from app.ui.export_wizards.runner import ExportRunner, Job
from app.ui.session import Session
from app.ui.text import tr

if TYPE_CHECKING:
    from app.ui.export_wizards.path_page import PathPage
    from app.ui.export_wizards.period_chooser import PeriodChooser
    from app.ui.export_wizards.run_page import RunPage

    class PeriodPage(Protocol):
        chooser: PeriodChooser


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
        self.setButtonText(QWizard.WizardButton.BackButton, tr("< &Terug"))
        self.setButtonText(QWizard.WizardButton.NextButton, tr("&Volgende >"))
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("&Sluiten"))
        self.setButtonText(QWizard.WizardButton.CancelButton, tr("Annuleren"))
        self.setButtonText(QWizard.WizardButton.CommitButton, tr("&Opslaan"))
        for which, name in ((QWizard.WizardButton.BackButton, tr("Vorige stap")),
                            (QWizard.WizardButton.NextButton, tr("Volgende stap")),
                            (QWizard.WizardButton.FinishButton, tr("Sluiten")),
                            (QWizard.WizardButton.CancelButton, tr("Annuleren")),
                            (QWizard.WizardButton.CommitButton, tr("Opslaan"))):
            self.button(which).setAccessibleName(name)
        self.setMinimumSize(760, 600)
        self.resize(840, 700)

    # -- what the pages ask

    def today(self) -> date:
        return self.session.register.today()

    @property
    def writing(self) -> bool:
        return self.run_page is not None and self.run_page.running

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
            self.run_page.status.setText(tr(
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


class PeriodExportWizard(ExportWizard):
    """A wizard that writes one file over a period (Weekexport, Rapportage): the period
    page's chooser gives the period, the file page the file, named after the period."""

    period_page: PeriodPage
    file_page: PathPage

    def period(self) -> tuple[date, date] | None:
        return self.period_page.chooser.period()

    def target(self) -> tuple[date, date, Path]:
        """The chosen period and file (only asked once both pages are complete)."""
        period = self.period()
        out = self.file_page.path()
        assert period is not None and out is not None
        return period[0], period[1], out

    def offer_file(self, name: str, summary: str, notice: str) -> None:
        """On reaching the file page: a file named after the period in the last folder,
        what will be written, and the one thing to mind."""
        self.file_page.set_default(last_folder() / name)
        self.file_page.summary.setText(summary)
        self.file_page.notice.setText(notice)
        self.file_page.notice.show()
