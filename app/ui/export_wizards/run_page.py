"""The last page of every export wizard: the writing, with progress, then the result.

Writing runs in the export worker. A lint finding shows the gate instead of an error,
so the handler can go on with a reason without going back.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWizard,
    QWizardPage,
)

from app.model.errors import UserError
from app.ui.export_wizards.base import ExportWizard, Outcome
from app.ui.export_wizards.lint_gate import LintGate, gate_rows_of_error
from app.ui.text import tr
from app.ui.widgets import plain_label
from app.ui.worker import Request


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
        self.request = Request(wizard.runner)
        self.result: Any = None
        self.outcome: Outcome | None = None
        self.error_object: UserError | None = None
        wizard.run_page = self
        self.setTitle(title)
        self.setSubTitle(tr("Het exporteren gebeurt op de achtergrond; het programma blijft "
                            "gewoon werken."))
        self.status = plain_label("", self, "", accessible=tr("Stand van de export"))
        self.bar = QProgressBar(self)
        self.bar.setObjectName("exportProgress")
        self.bar.setAccessibleName(tr("Voortgang van de export"))
        self.bar.setFormat("%p%")
        self.error = plain_label("", self, "errorMessage", accessible=tr("Foutmelding"))
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()
        self.gate = LintGate(self)
        self.gate.changed.connect(self._gate_changed)
        self.retry = QPushButton(tr("Opnieuw &proberen"), self)
        self.retry.setAccessibleName(tr("Opnieuw proberen"))
        self.retry.clicked.connect(self.start)
        self.retry.hide()
        self.summary = plain_label("", self, "", accessible=tr("Resultaat van de export"))
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary.hide()
        self.files = QListWidget(self)
        self.files.setObjectName("writtenFiles")
        self.files.setAccessibleName(tr("Geschreven bestanden"))
        self.files.setMaximumHeight(self.fontMetrics().height() * 9)
        self.files.hide()
        self.note = plain_label("", self, "hint", accessible=tr("Toelichting bij het resultaat"))
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
        self.request.drop()
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
        self.request.start(job, self._done, failed=self._failed, progress=self._progress)
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

    @property
    def running(self) -> bool:
        return self.state == self.RUNNING

    def isComplete(self) -> bool:
        return self.state == self.DONE

    # -- after

    def open_folder(self) -> None:
        folder = self.outcome.folder if self.outcome is not None else None
        if folder is not None and not self._wizard.open_folder(folder):
            self.note.setText(tr("De map kon niet worden geopend: {folder}").format(folder=folder))
            self.note.show()

    def clear_data(self) -> None:
        self.request.drop()
        self._reset()
        self.gate.clear()
        self.status.clear()
        self.bar.reset()
