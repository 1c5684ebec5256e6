"""Weekexport: the evaluation workbook (docs/DOMAIN.md) for a period, with a preview of
its key figures computed by the very same call as the workbook's.

The Weekronde (``app.ui.weekronde``) is this wizard with its own pages in front.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QSpinBox,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from app.export.workbook import WorkbookSummary, write_evaluation
from app.model.dates import nl_date
from app.model.metrics import metric_definitions, metric_labels
from app.model.nlformat import metric
from app.model.periods import (
    current_week,
    iso_week_of,
    last_completed_iso_week,
    period_text,
    week_file_name,
    year_to_date,
)
from app.storage.figures import Figures, figures, metric_settings
from app.storage.repository import Register
from app.ui import style
from app.ui.export_wizards.base import Outcome, PeriodExportWizard
from app.ui.export_wizards.path_page import PathPage
from app.ui.export_wizards.period_chooser import PeriodChooser, Preset
from app.ui.export_wizards.run_page import RunPage
from app.ui.export_wizards.runner import ExportRunner, Job, Progress
from app.ui.session import Session
from app.ui.text import tr
from app.ui.widgets import busy_bar, list_tree, plain_label
from app.ui.worker import Request

# --------------------------------------------------------------------------- Weekexport


PAGE_PERIOD, PAGE_PREVIEW, PAGE_FILE, PAGE_RUN = 0, 1, 2, 3


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
                   tr("&Laatste volledige week – week {week_no}: {period}")
                   .format(week_no=week_no, period=period_text(*last)),
                   tr("Laatste volledige week, week {week_no}").format(week_no=week_no), last),
            Preset("this_week",
                   tr("&Deze week – week {this_no}: {period}")
                   .format(this_no=this_no, period=period_text(*this)),
                   tr("Deze week tot en met vandaag"), this),
            Preset("ytd", tr("&Jaar tot nu: {period}").format(period=period_text(*ytd)),
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
        shown = plain_label(tr("tonen als “< N”"), self, "", wrap=False)
        hint = plain_label(tr("Standaard niet: de werkmap is intern en vertrouwelijk. Met "
                              "afscherming blijven de bladen Casussen en Onderwerpen leeg."),
                           self, "hint")
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
        self.setTitle(tr("Kerncijfers"))
        self.setSubTitle(tr("Controleer de cijfers van de periode voordat u de werkmap maakt. "
                            "Dezelfde cijfers staan in de werkmap en in het Overzicht."))
        self.period_label = plain_label("", self, "countLabel", accessible=tr("Periode"))
        self.busy = busy_bar(self, tr("Bezig met berekenen"))
        self.status = plain_label("", self, "hint", wrap=False,
                                  accessible=tr("Stand van de berekening"))
        self.error = plain_label("", self, "errorMessage", accessible=tr("Foutmelding"))
        self.error.hide()
        self.tree = list_tree(self, "previewFigures", tr("Kerncijfers van de periode"),
                              [tr("Kerncijfer"), tr("Periode"), tr("Jaar tot nu")])
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
        self.request = Request(wizard.runner, self.status, busy=self.busy, error=self.error,
                               failure=tr("De cijfers konden niet worden berekend: {error}"))

    def initializePage(self) -> None:
        period = self._wizard.period()
        assert period is not None
        start, end = period
        week = iso_week_of(start, end)
        lead = (tr("Week {week} van {year}: ").format(week=week[1], year=week[0])
                if week else tr("Periode: "))
        self.period_label.setText(lead + period_text(start, end))
        if self.data is not None and (self.data.figures.start, self.data.figures.end) == period:
            return
        self.load(start, end)
        self.tree.setFocus()

    def load(self, start: date, end: date) -> None:
        self.data = None
        self.tree.clear()
        self.request.read(lambda reg: week_preview(reg, start, end), self._show,
                          text=tr("Cijfers berekenen…"))
        self.completeChanged.emit()

    def _show(self, data: object) -> None:
        assert isinstance(data, WeekPreview)
        self.data = data
        figs = data.figures
        self.status.setText(tr("Jaar tot nu: {period}")
                            .format(period=period_text(date(figs.end.year, 1, 1), figs.end)))
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
        head(tr("Stand op {end}").format(end=nl_date(figs.end)))
        for key in PREVIEW_STOCK:
            row(key, metric(key, figs.period.get(key)), "")
        head(tr("Doelen eerste jaar (in behandeling genomen)"))
        for key, route in PREVIEW_TARGETS:
            value = figs.year_to_date.get(key)
            target = data.targets.get(route, 0)
            text = tr("{value} van {target}").format(value=metric(key, value), target=target)
            row(key, "", text)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.data is not None and \
            (self.data.figures.start, self.data.figures.end) == self._wizard.period()

    def clear_data(self) -> None:
        self.request.drop()
        self.data = None
        self.tree.clear()
        self.status.clear()
        self.period_label.clear()

    @property
    def figures(self) -> Figures | None:
        return self.data.figures if self.data is not None else None


class WeekExportWizard(PeriodExportWizard):
    """Weekexport: the evaluation workbook of docs/DOMAIN.md for a period."""

    period_page: WeekPeriodPage

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

    def _page_changed(self, page_id: int) -> None:
        if page_id != PAGE_FILE:
            return
        period = self.period()
        assert period is not None
        self.offer_file(week_file_name(*period), tr(
            "De werkmap krijgt de cijfers van {period} en van het jaar tot nu, met de "
            "kerncijfers, instroom, triage, behandeling, doorlooptijden, eindgesprekken, "
            "signalen, gepseudonimiseerde casusregels en de definities.")
            .format(period=period_text(*period)), tr(
            "Vertrouwelijk: de werkmap bevat gepseudonimiseerde casusgegevens. Sla haar "
            "op een afgeschermde plek op, niet op een gedeelde of openbare schijf."))

    def build_job(self, override: str | None) -> Job:
        start, end, out = self.target()
        below = self.period_page.suppress_below()

        def job(reg: Register, progress: Progress) -> WorkbookSummary:
            return write_evaluation(reg, start, end, out, suppress_below=below,
                                    progress=progress, override_lint=override)
        return job

    def describe(self, result: Any) -> Outcome:
        assert isinstance(result, WorkbookSummary)
        lines = [
            tr("De werkmap is opgeslagen: {path}").format(path=result.path),
            tr("Periode {period}; {sheets} tabbladen, {case_rows} casusregels, {signal_rows} "
               "signalen.").format(period=period_text(result.start, result.end),
                                  sheets=len(result.sheets), case_rows=result.case_rows,
                                  signal_rows=result.signal_rows),
        ]
        if result.suppress_below:
            lines.append(tr("Kleine aantallen onder {suppress_below} zijn afgeschermd.")
                         .format(suppress_below=result.suppress_below))
        note = (tr("De reden om toch door te gaan is vastgelegd in het auditlogboek.")
                if result.lint_findings else "")
        return Outcome("\n".join(lines), [result.path], result.path.parent, note)
