"""Export: the team lead's three exports, each behind its own wizard.

- **Weekexport**: the evaluation workbook (docs/DOMAIN.md), by default over the last
  completed ISO week, with every figure also for the year to date.
- **Signaalformulieren**: the KSMS forms (docs/ARCHITECTURE.md) in HTML, xlsx and text, with
  the submission recorded in the same action when asked.
- **Rapportage**: the public, anonymised half-yearly report (the first one over 2025).

The wizards live in ``export_wizards``; this page starts them (one at a time, window
modal), runs their work on one worker thread of its own and remembers the last export
in words. A lock closes an open wizard and empties it, and forgets that line.

``export_wizards`` (and with it openpyxl and jinja2) is imported when the first wizard
opens, not with the main window, so the window's own start-up stays as light as before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.ui import style
from app.ui.session import Session
from app.ui.text import tr

if TYPE_CHECKING:
    from app.ui.export_wizards import ExportRunner, ExportWizard


class ExportPage(QWidget):
    """The Export page of the navigation column."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._runner: ExportRunner | None = None
        self.wizard: ExportWizard | None = None
        self.setObjectName("exportPage")
        self.setAccessibleName(tr("Export"))

        title = style.page_title(tr("Export"), self)
        intro = QLabel(tr(
            "Maak de wekelijkse evaluatiewerkmap, de signaalformulieren voor KSMS en de "
            "rapportage. Elke export controleert eerst de vrije tekst op persoonsgegevens en "
            "wordt vastgelegd in het auditlogboek."), self)
        intro.setObjectName("hint")
        intro.setWordWrap(True)

        self.week_button = QPushButton(tr("&Weekexport maken…"), self)
        self.week_button.setAccessibleName(tr("Weekexport maken: de evaluatiewerkmap"))
        self.week_button.clicked.connect(self.open_week_wizard)
        self.signal_button = QPushButton(tr("&Signaalformulieren maken…"), self)
        self.signal_button.setAccessibleName(tr("Signaalformulieren voor KSMS maken"))
        self.signal_button.clicked.connect(self.open_signal_wizard)
        self.report_button = QPushButton(tr("&Rapportage maken…"), self)
        self.report_button.setAccessibleName(tr("Rapportage maken"))
        self.report_button.clicked.connect(self.open_report_wizard)

        cards = (
            (tr("Weekexport (evaluatiewerkmap)"), tr(
                "Een Excel-werkmap met alle cijfers van een week (standaard de laatste "
                "volledige week) en van het jaar tot nu, grafieken, gepseudonimiseerde "
                "casusregels en definities. Intern en vertrouwelijk."), self.week_button),
            (tr("Signaalformulieren voor KSMS"), tr(
                "Een afdrukbaar formulier, een Excel-lijst of tekst per veld om te plakken, "
                "per signaal. Controleert de verplichte velden en kan de indiening meteen "
                "vastleggen."), self.signal_button),
            (tr("Rapportage"), tr(
                "De openbare, geanonimiseerde rapportage over een halfjaar (de eerste over "
                "heel 2025), met afgeschermde kleine aantallen, als HTML om af te drukken of "
                "als PDF te bewaren."), self.report_button),
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(10)
        layout.addWidget(title)
        layout.addWidget(intro)
        for heading, text, button in cards:
            frame = QFrame(self)
            frame.setObjectName("notice")
            fl = QHBoxLayout(frame)
            fl.setContentsMargins(14, 10, 14, 10)
            texts = QVBoxLayout()
            head = QLabel(heading, frame)
            head.setFont(style.bold(head.font()))
            body = QLabel(text, frame)
            body.setWordWrap(True)
            body.setObjectName("hint")
            texts.addWidget(head)
            texts.addWidget(body)
            fl.addLayout(texts, 1)
            fl.addSpacing(12)
            button.setMinimumWidth(230)
            fl.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
            layout.addWidget(frame)
        self.last_label = QLabel(self)
        self.last_label.setObjectName("hint")
        self.last_label.setWordWrap(True)
        self.last_label.setTextFormat(Qt.TextFormat.PlainText)
        self.last_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.last_label.setAccessibleName(tr("Laatste export"))
        layout.addWidget(self.last_label)
        layout.addStretch(1)

        session.locked.connect(self.clear)

    # ------------------------------------------------------------------ wizards

    @property
    def runner(self) -> ExportRunner:
        """The one worker thread of every export (made with the first wizard)."""
        if self._runner is None:
            from app.ui.export_wizards import ExportRunner

            self._runner = ExportRunner(self.session, self)
        return self._runner

    def open_week_wizard(self) -> ExportWizard | None:
        return self._open("week")

    def open_signal_wizard(self) -> ExportWizard | None:
        return self._open("signals")

    def open_report_wizard(self) -> ExportWizard | None:
        return self._open("report")

    def _open(self, kind: str) -> ExportWizard | None:
        if not self.session.is_open:
            return None
        from app.ui import export_wizards as ew

        cls: type[ExportWizard] = {"week": ew.WeekExportWizard,
                                   "signals": ew.SignalExportWizard,
                                   "report": ew.ReportExportWizard}[kind]
        if self.wizard is not None:  # one export at a time
            self.wizard.raise_()
            self.wizard.activateWindow()
            return self.wizard if isinstance(self.wizard, cls) else None
        wizard = cls(self.session, self.runner, self.window())
        wizard.exported.connect(self._exported)
        wizard.finished.connect(self._closed)
        self.wizard = wizard
        wizard.open()  # window modal, the event loop keeps running
        return wizard

    def _exported(self, text: str) -> None:
        self.last_label.setText(tr("Laatste export: {text}").format(text=text))

    def _closed(self, _result: int) -> None:
        wizard = self.wizard
        self.wizard = None
        if wizard is not None:
            wizard.hide()
            wizard.deleteLater()

    # ------------------------------------------------------------------ lock

    def clear(self) -> None:
        """On lock: close an open wizard (emptied first) and forget the last export."""
        if self._runner is not None:
            self._runner.reset()
        wizard = self.wizard
        if wizard is not None:
            wizard.discard()  # emits finished -> _closed
        self.wizard = None
        self.last_label.clear()
