"""What every sheet of the evaluation workbook shares: figures, suppression, blocks.

A ``Book`` holds the one set of figures (``app.storage.figures``), the case and signal
records of the same fold, the cross tables and the suppression decided for the whole
workbook at once (``app.model.suppression``: a cell hidden on one sheet is hidden on
every sheet, so no sheet gives away what another hides). The sheet modules write with
its blocks (a section heading, a period header, rows of figures) so they look alike.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList

from app.export.safe_cells import CellStyle
from app.export.workbook.sheet import (
    MetricValue,
    Sheet,
    categories_down,
    chart_rows,
    colour_series,
    style_axes,
)
from app.export.workbook.styles import (
    COUNT,
    HEAD,
    HEAD_LEFT,
    LABEL,
    LABEL_TOTAL,
    NOTE,
    SECTION,
    SECTION_RULE,
    SUBTITLE,
    SUPPRESSED,
    TITLE,
    bold,
    is_count,
    style_for,
)
from app.model.case_records import CaseRecord, CrossTables, SignalRecord, cross_tables
from app.model.codelists import Codelists
from app.model.dates import nl_date
from app.model.metrics import metric_definitions, metric_labels
from app.model.periods import PERIOD_SEPARATOR, period_text
from app.model.suppression import (
    NO_SUPPRESSION,
    VALUE_BASIS,
    Relation,
    Suppression,
    catalogue_relations,
    printed_score_sum,
    score_sum,
    secondary_note,
    suppress,
    two_way,
)
from app.storage.figures import Figures, metric_settings
from app.storage.repository import DeviceActivity, Register

#: The two figure columns of every summary table.
PERIOD, YTD = "p", "y"

#: What a median or mean shows when the count it rests on is hidden.
TOO_FEW = "te weinig"


class Book:
    """The workbook being written and everything its sheets are written from."""

    def __init__(self, reg: Register, fig: Figures, records: list[CaseRecord],
                 signals: list[SignalRecord], suppress_below: int | None,
                 generated_at: datetime, lint_note: str,
                 devices: list[DeviceActivity], destroyed: int = 0) -> None:
        self.reg = reg
        #: destroyed cases read (Archiefwet): in no figure, counted on Verantwoording
        self.destroyed = destroyed
        self.cl = reg.codelists
        self.fig = fig
        self.start, self.end = fig.start, fig.end
        self.ytd_start = date(self.end.year, 1, 1)
        self.records = records
        self.signals = signals
        self.weekly = fig.weekly
        self.suppress = suppress_below
        self.generated_at = generated_at
        self.lint_note = lint_note
        self.devices = devices
        self.settings = metric_settings(reg)
        self.labels = metric_labels(self.cl)
        self.definitions = metric_definitions(self.cl, self.settings)
        self.crosses = cross_tables(records, self.start, self.end)
        self.hide = (NO_SUPPRESSION if suppress_below is None else
                     workbook_suppression(fig, self.crosses, self.cl, suppress_below))
        self.period_text = period_text(self.start, self.end)
        self.short_period = short_range(self.start, self.end)
        self.short_ytd = short_range(self.ytd_start, self.end)
        self.ytd_text = period_text(self.ytd_start, self.end)
        self.topic_rows = 0
        self.wb = Workbook(write_only=True)
        self.overview_ws: Any = None
        self.overview_chart_anchor = "F7"
        self._marked = False  # a secondary mark is waiting for its footnote

    # ----------------------------------------------------------------- values

    def values(self, column: str) -> dict[str, MetricValue]:
        return self.fig.period if column == PERIOD else self.fig.year_to_date

    def shown(self, key: str, column: str = PERIOD) -> tuple[Any, CellStyle]:
        """A catalogue figure as its cell shows it, with its number format."""
        value = self.values(column)[key]
        if self.suppress is not None:
            if is_count(key):
                return self.count_shown((column, key), value, style_for(key))
            basis = VALUE_BASIS.get(key)
            if basis is not None and self.hide.hidden((column, basis)) and value is not None:
                return TOO_FEW, SUPPRESSED
        return value, style_for(key)

    def count_shown(self, cell: Hashable, value: Any, style: CellStyle = COUNT
                    ) -> tuple[Any, CellStyle]:
        """A count of the workbook (``cell`` names it for the suppression)."""
        mark = self.hide.mark(cell)
        if mark is None:
            return value, style
        if cell in self.hide.secondary:
            self._marked = True
        return mark, SUPPRESSED

    def hidden(self, key: str, column: str = PERIOD) -> bool:
        return self.hide.hidden((column, key))

    def label(self, list_name: str, key: str | None) -> str | None:
        return self.cl.label(list_name, key) if key else None

    # ----------------------------------------------------------------- blocks

    def new_sheet(self, title: str, widths: Sequence[float], **kw: Any) -> Sheet:
        return Sheet(self.wb, title, widths, period_text=f"Periode {self.period_text}", **kw)

    def title(self, sh: Sheet, title: str, subtitle: str | None = None) -> None:
        sh.put([title], TITLE, height=24)
        sh.put([subtitle or f"Periode {self.period_text}  ·  jaar tot nu {self.ytd_text}"],
               SUBTITLE)
        sh.blank()

    def section(self, sh: Sheet, text: str, width: int = 3) -> None:
        sh.put([text, *[None] * (width - 1)], [SECTION, *[SECTION_RULE] * (width - 1)],
               height=20)

    def footnote(self, sh: Sheet) -> None:
        """The note under a table in which a cell was hidden to protect another."""
        if self._marked and self.suppress is not None:
            sh.put([secondary_note(self.suppress)], NOTE)
        self._marked = False

    def period_header(self, sh: Sheet, first: str = "Onderdeel", *,
                      dated: bool = False) -> None:
        """Column heads; ``dated`` adds the dates on a second line (Overzicht)."""
        if dated:
            sh.head([first, f"Periode\n{self.short_period}", f"Jaar tot nu\n{self.short_ytd}"],
                    [HEAD_LEFT, HEAD, HEAD], least=32)
        else:
            sh.head([first, "Periode", "Jaar tot nu"], [HEAD_LEFT, HEAD, HEAD])

    def figure_rows(self, sh: Sheet, keys: Sequence[str], *, total: str | None = None,
                    labels: dict[str, str] | None = None) -> tuple[int, int]:
        """Label, period, year-to-date rows; returns the first and last row written."""
        first = sh.n + 1
        for key in keys:
            label = (labels or {}).get(key) or self.labels[key]
            p, p_style = self.shown(key, PERIOD)
            y, y_style = self.shown(key, YTD)
            if key == total:
                sh.put([label, p, y], [LABEL_TOTAL, bold(p_style), bold(y_style)])
            else:
                sh.put([label, p, y], [LABEL, p_style, y_style])
        return first, sh.n

    def figure_table(self, sh: Sheet, heading: str, keys: Sequence[str], *,
                     total: str | None = None, labels: dict[str, str] | None = None,
                     first_header: str = "Onderdeel") -> tuple[int, int]:
        self.section(sh, heading)
        self.period_header(sh, first_header)
        rows = self.figure_rows(sh, keys, total=total, labels=labels)
        self.footnote(sh)
        sh.blank()
        return rows

    def bold_figures(self, column: str, keys: list[str], values: list[Any],
                     styles: list[CellStyle | None]) -> None:
        """Append the (suppressed where asked) figures of a totals row, in bold."""
        for key in keys:
            v, st = self.shown(key, column)
            values.append(v)
            styles.append(bold(st))

    def paired_row(self, first: Any, first_style: CellStyle, keys: Sequence[str], *,
                   total: bool = False) -> tuple[list[Any], list[CellStyle | None]]:
        """A label, then ``keys`` for the period, then the same for the year to date
        (in bold on a totals row)."""
        values: list[Any] = [first]
        styles: list[CellStyle | None] = [first_style]
        for column in (PERIOD, YTD):
            for key in keys:
                v, st = self.shown(key, column)
                values.append(v)
                styles.append(bold(st) if total else st)
        return values, styles

    def keys(self, prefix: str, list_name: str) -> list[str]:
        return [f"{prefix}.{k}" for k in self.cl.keys(list_name)]

    def codelist_labels(self, prefix: str, list_name: str) -> dict[str, str]:
        return {f"{prefix}.{k}": self.cl.label(list_name, k) for k in self.cl.keys(list_name)}

    def bar_chart(self, sh: Sheet, title: str, cats: tuple[int, int], first_col: int,
                  series: int, anchor: str, *, horizontal: bool = False, width: float = 16,
                  height: float = 7.5, y_title: str = "Aantal", labels: bool = False,
                  peak: float = 0) -> int:
        """A clustered bar chart over rows ``cats`` (header one row above); returns
        the last row the chart covers."""
        chart = BarChart()
        chart.type = "bar" if horizontal else "col"
        chart.grouping = "clustered"
        chart.overlap = -10 if series > 1 else 0
        chart.gapWidth = 60
        chart.title = title
        chart.style = 10
        chart.width, chart.height = width, height
        data = Reference(sh.ws, min_col=first_col, max_col=first_col + series - 1,
                         min_row=cats[0] - 1, max_row=cats[1])
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sh.ws, min_col=1, min_row=cats[0], max_row=cats[1]))
        style_axes(chart, y_title, peak=peak)
        if horizontal:
            categories_down(chart)
        colour_series(chart)
        if series == 1:
            chart.legend = None
        else:
            chart.legend.position = "b"
        if labels:
            chart.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False,
                                             showLegendKey=False, showPercent=False)
        sh.ws.add_chart(chart, anchor)
        return int("".join(ch for ch in anchor if ch.isdigit())) + chart_rows(height)


def short_range(first: date, last: date) -> str:
    """``01-07 t/m 30-09-2025``: the year once when both dates share it."""
    if first.year == last.year:
        return f"{first.strftime('%d-%m')}{PERIOD_SEPARATOR}{nl_date(last)}"
    return period_text(first, last)


# ---------------------------------------------------------------------------
# Cells and sums of the whole workbook, for the suppression


def cross_cell(column: str, table: str, row: str, col: str) -> tuple[str, str, str, str]:
    return (column, table, row, col)


def week_cell(week: int) -> tuple[str, int]:
    return ("w", week)


def workbook_suppression(fig: Figures, crosses: CrossTables, cl: Codelists, below: int
                         ) -> Suppression:
    """Every count the workbook prints and every sum between them, suppressed at once.

    The Cijfers sheet prints the whole catalogue for both columns, so every catalogue
    relation holds in this output; the cross tables add their rows and columns, the
    weekly intake its weeks.
    """
    values: dict[Hashable, int | None] = {}
    fixed: dict[Hashable, int | None] = {}
    relations: list[Relation] = []
    routes, services = cl.keys("route"), cl.keys("service")
    partners, topics = cl.keys("partner_type"), cl.keys("topic")
    decisions = cl.keys("triage_decision")
    for column, figures in ((PERIOD, fig.period), (YTD, fig.year_to_date)):
        for key, value in figures.items():
            if is_count(key) and isinstance(value, int):
                values[(column, key)] = value
        for who in ("citizen", "helper"):
            fixed[score_sum(column, who)] = printed_score_sum(figures, who, below)
        relations += catalogue_relations(cl, column)
        i = 0 if column == PERIOD else 1
        for table, counts, rows, cols, totals in (
                ("route_service", crosses.route_service[i], routes, services,
                 [(column, f"intake.by_service.{s}") for s in services]),
                ("partner_topic", crosses.partner_topic[i], partners, topics,
                 [(column, f"intake.by_topic.{t}") for t in topics]),
                ("decision_route", crosses.decision_route[i], routes, decisions,
                 [(column, f"triage.by_decision.{d}") for d in decisions])):
            grid: list[list[Hashable]] = []
            for r in rows:
                line: list[Hashable] = []
                for c in cols:
                    cell: Hashable = cross_cell(column, table, r, c)
                    pair = (c, r) if table == "decision_route" else (r, c)
                    values[cell] = counts[pair]
                    line.append(cell)
                grid.append(line)
            # A case counts under one route, partner type or decision, so columns add
            # up to the catalogue; a row counts a case under each service or topic.
            relations += two_way(grid, None, totals, f"{column}:{table}")
    weeks: list[Hashable] = [week_cell(w) for w, _ in fig.weekly]
    for (_, count), week in zip(fig.weekly, weeks, strict=True):
        values[week] = count
    if weeks:
        relations.append(Relation.line_of(weeks, "weeks"))
    return suppress(values, relations, below, fixed=fixed)
