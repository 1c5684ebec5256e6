"""Rapportage: the public, anonymised report over a half year (or the first year)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QSpinBox, QVBoxLayout, QWidget, QWizardPage

from app.export.report import write_report
from app.model.periods import (
    FIRST_YEAR,
    default_report_period,
    last_completed_half_year,
    period_text,
    previous_calendar_year,
    report_file_name,
)
from app.storage.repository import Register
from app.ui.export_wizards.base import Outcome, PeriodExportWizard
from app.ui.export_wizards.path_page import PathPage
from app.ui.export_wizards.period_chooser import PeriodChooser, Preset
from app.ui.export_wizards.run_page import RunPage
from app.ui.export_wizards.runner import ExportRunner, Job, Progress
from app.ui.session import Session
from app.ui.text import tr
from app.ui.widgets import buddy_label, plain_label


def half_year_name(start: date) -> str:
    return (tr("eerste halfjaar {year}") if start.month == 1 else tr("tweede halfjaar {year}")) \
        .format(year=start.year)


# --------------------------------------------------------------------------- Rapportage


PAGE_REPORT_PERIOD, PAGE_REPORT_FILE, PAGE_REPORT_RUN = 20, 21, 22


class ReportPeriodPage(QWizardPage):
    def __init__(self, wizard: ReportExportWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(tr("Periode en afscherming"))
        self.setSubTitle(tr("De rapportage verschijnt twee keer per jaar; over het eerste jaar "
                            "({first_year}) is er één rapportage.").format(first_year=FIRST_YEAR))
        today = wizard.today()
        default, _period = default_report_period(today)
        half = last_completed_half_year(today)
        year = previous_calendar_year(today)
        year_text = (tr("Vorig &kalenderjaar: {year} – de eerste rapportage") if year[0].year ==
                     FIRST_YEAR else tr("Vorig &kalenderjaar: {year}")).format(year=year[0].year)
        presets = [
            Preset("half", tr("Laatste volledige &halfjaar: {half_year_name} ({period})")
                   .format(half_year_name=half_year_name(half[0]), period=period_text(*half)),
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
        self.spin_label = buddy_label(tr("Kleine aantallen &afschermen: tellingen onder"),
                                      self.spin, self)
        self.spin_after = plain_label("", self, "", wrap=False)
        self.spin_warning = plain_label(tr(
            "Zonder afscherming kunnen kleine aantallen naar personen te herleiden zijn; de "
            "rapportage is openbaar."), self, "warningBanner",
            accessible=tr("Waarschuwing bij de afscherming"))
        row = QHBoxLayout()
        row.addWidget(self.spin_label)
        row.addWidget(self.spin)
        row.addWidget(self.spin_after)
        row.addStretch(1)
        hint = plain_label(tr("Standaard uit de instellingen van het register. Een telling van "
                              "1 tot de grens verschijnt als “< grens”; 0 blijft 0."),
                           self, "hint")
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
        self.spin_after.setText(tr("tonen als “< {n}”").format(n=n) if n >= 2 else "")
        self.spin_warning.setVisible(n < 2)

    def suppress_below(self) -> int:
        return self.spin.value()

    def isComplete(self) -> bool:
        return self.chooser.period() is not None

    def initializePage(self) -> None:
        self.chooser.focus_target().setFocus()


class ReportExportWizard(PeriodExportWizard):
    """Rapportage: the public, anonymised report over a half year (or the first year)."""

    period_page: ReportPeriodPage

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

    def _page_changed(self, page_id: int) -> None:
        if page_id != PAGE_REPORT_FILE:
            return
        period = self.period()
        assert period is not None
        n = self.period_page.suppress_below()
        self.offer_file(report_file_name(*period), tr(
            "Rapportage over {period}, met proces, sturing en impact, de goedgekeurde "
            "geanonimiseerde verhalen, de signalen en de definities.")
            .format(period=period_text(*period)) + "\n"
            + (tr("Kleine aantallen onder {n} worden afgeschermd.").format(n=n)
               if n >= 2 else tr("Kleine aantallen worden niet afgeschermd.")), tr(
            "Alle vrije tekst wordt eerst op persoonsgegevens gecontroleerd; bij een vondst "
            "wordt er niets geschreven tot u de tekst aanpast of met een reden doorgaat."))

    def build_job(self, override: str | None) -> Job:
        start, end, out = self.target()
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
        summary = tr("De rapportage is opgeslagen: {path}").format(path=path) + "\n" + \
            tr("Periode {period}.").format(period=period_text(*period))
        note = (tr("Als er persoonsgegevens waren gevonden, is de reden om toch door te gaan "
                   "vastgelegd in het auditlogboek.") if overridden else "")
        return Outcome(summary, [path], path.parent, note)
