"""The weekly evaluation workbook (METRICS.md, "The evaluation workbook").

Team leads export it; evaluators open it in Excel to answer the year-one learning
questions. Three promises shape this module:

- **One source of figures.** Every catalogue figure comes from
  ``app.storage.figures.figures`` (the same call as the CLI and the dashboard), so the
  workbook can never disagree with them. The few things the catalogue does not hold
  (cross tables such as route x service, the per-case rows) are computed here from the
  same fold as of the last day of the period, and their totals are the catalogue's.
- **Nothing leaks.** Only codes, dates, counts and the signal titles leave the
  register: no P1 (helper contacts) and no P2 (citizen data); the signal titles pass
  the personal-data lint (an override is audited). Every value goes through
  ``safe_cells`` so a title like ``=HYPERLINK(...)`` stays text. openpyxl's temp files
  go to the program's own folder (``tempfiles``), the file is written beside its
  target and renamed at the end so a crash never leaves half a workbook, and the
  export is audited.
- **It reads like a report.** Dutch titles, headers and definitions, period and
  year-to-date columns, native charts, Excel tables with filters, frozen headers,
  A4 landscape print setup fitted to the width, and the classification line.

Write-only mode keeps 10,000 case rows cheap (FACTS.md: 25 MB instead of 351 MB for
a million cells). Its rules drive the code: rows are appended top to bottom, column
widths, freeze panes and row heights are set before the row is written, tables get
their columns by hand, and styled cells are ``Cell`` objects (``safe_cells``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.formatting.rule import DataBarRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table, TableStyleInfo

import app
from app.export import safe_cells as sc
from app.export.safe_cells import CellStyle
from app.export.tempfiles import owned_temp_dir
from app.model.bulk import paused_gc
from app.model.codelists import Codelists
from app.model.dates import nl_date
from app.model.errors import UserError
from app.model.eventlog import Event, parse_hlc
from app.model.fold import CaseState, SignalState, fold_case
from app.model.lint import KIND_LABELS, lint_text
from app.model.metrics import (
    AGE_BUCKETS,
    SCORES,
    fold_register,
    metric_definitions,
    metric_labels,
)
from app.model.metrics import weekly_intake as weekly_intake_of
from app.model.os_errors import describe_os_error
from app.storage.figures import Figures, check_period, figures_from_fold, metric_settings
from app.storage.files import existing_folder
from app.storage.files import replace as replace_file
from app.storage.repository import Register

try:
    from zoneinfo import ZoneInfo

    _AMS: ZoneInfo | None = ZoneInfo("Europe/Amsterdam")
except Exception:  # pragma: no cover - no tz data (some Windows installs)
    _AMS = None

CLASSIFICATION = "Vertrouwelijk: gepseudonimiseerde gegevens"

SHEETS: tuple[str, ...] = (
    "Overzicht",
    "Instroom",
    "Triage",
    "Behandeling",
    "Doorlooptijden",
    "Eindgesprek",
    "Signalen",
    "Casussen",
    "Onderwerpen",
    "Cijfers",
    "Definities",
    "Verantwoording",
)

Progress = Callable[[int, str], None]
MetricValue = int | float | None


class LintStopped(UserError):
    """A signal title would carry personal data into the workbook (DOMAIN.md).

    The message names the signals and the kind of finding, never the text itself:
    messages end up in terminals and logs.
    """

    def __init__(self, findings: list[tuple[str, str]]) -> None:
        self.findings = findings
        listed = "; ".join(f"{number}: {kind}" for number, kind in findings)
        super().__init__(
            "De werkmap is niet gemaakt: de titel van een signaal lijkt persoonsgegevens "
            f"te bevatten ({listed}). Pas de titel aan, of ga door met een reden "
            "(--override-lint REDEN); die reden wordt vastgelegd in de audit."
        )


@dataclass(frozen=True)
class WorkbookSummary:
    """What was written, for the CLI's one line, the GUI's message and the tests."""

    path: Path
    start: date
    end: date
    sheets: tuple[str, ...]
    case_rows: int
    topic_rows: int
    signal_rows: int
    events_read: int
    suppress_below: int | None
    lint_findings: int
    generated_at: datetime
    timings: dict[str, float] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Look: the Rijkshuisstijl's dark blue for headers, quiet grey for notes.

DARK = "154273"
LIGHT = "DCE6F1"
GREY = "595959"
RULE = "BFBFBF"

def _font(*, size: float = 11, bold: bool = False, italic: bool = False,
          color: str | None = None) -> Font:
    """Calibri by name: a font without a name renders as a serif in LibreOffice."""
    return Font(name="Calibri", size=size, bold=bold, italic=italic, color=color)


_thin_rule = Side(style="thin", color=RULE)
_dark_rule = Side(style="medium", color=DARK)

TITLE = CellStyle(font=_font(size=16, bold=True, color=DARK))
SUBTITLE = CellStyle(font=_font(size=11, color=GREY))
CLASSIFIED = CellStyle(font=_font(size=11, bold=True, color="C00000"))
SECTION = CellStyle(font=_font(size=12, bold=True, color=DARK),
                    border=Border(bottom=_dark_rule))
SECTION_RULE = CellStyle(border=Border(bottom=_dark_rule))
HEAD = CellStyle(font=_font(bold=True, color="FFFFFF"),
                 fill=PatternFill("solid", fgColor=DARK),
                 alignment=Alignment(horizontal="center", vertical="center", wrap_text=True))
HEAD_LEFT = CellStyle(font=_font(bold=True, color="FFFFFF"),
                      fill=PatternFill("solid", fgColor=DARK),
                      alignment=Alignment(horizontal="left", vertical="center", wrap_text=True))
HEAD_TURNED = CellStyle(font=_font(bold=True, color="FFFFFF"),
                        fill=PatternFill("solid", fgColor=DARK),
                        alignment=Alignment(horizontal="center", vertical="bottom",
                                            textRotation=90, wrap_text=True))
GROUP = CellStyle(font=_font(bold=True, color=DARK), fill=PatternFill("solid", fgColor=LIGHT),
                  alignment=Alignment(horizontal="centerContinuous", vertical="center"))
LABEL = CellStyle(border=Border(bottom=_thin_rule))
LABEL_WRAP = CellStyle(border=Border(bottom=_thin_rule),
                       alignment=Alignment(vertical="top", wrap_text=True))
LABEL_TOTAL = CellStyle(font=_font(bold=True), border=Border(top=_dark_rule, bottom=_thin_rule))
COUNT = CellStyle(border=Border(bottom=_thin_rule), number_format=sc.COUNT_FORMAT)
ZERO_DASH = CellStyle(border=Border(bottom=_thin_rule), number_format='#,##0;-#,##0;"–"',
                      alignment=Alignment(horizontal="right"))
DAYS = CellStyle(border=Border(bottom=_thin_rule), number_format=sc.DAYS_FORMAT)
SCORE = CellStyle(border=Border(bottom=_thin_rule), number_format=sc.SCORE_FORMAT)
PERCENT = CellStyle(border=Border(bottom=_thin_rule), number_format=sc.PERCENT_FORMAT)
SUPPRESSED = CellStyle(font=_font(color=GREY), border=Border(bottom=_thin_rule),
                       alignment=Alignment(horizontal="right"))
KEY_WRAP = CellStyle(font=_font(bold=True), border=Border(bottom=_thin_rule),
                     alignment=Alignment(vertical="top", wrap_text=True))
KEY = CellStyle(font=_font(bold=True), border=Border(bottom=_thin_rule),
                alignment=Alignment(vertical="top"))
VALUE = CellStyle(border=Border(bottom=_thin_rule),
                  alignment=Alignment(horizontal="left", vertical="top"))
RULE_ONLY = CellStyle(border=Border(bottom=_thin_rule))
VALUE_DATE = CellStyle(border=Border(bottom=_thin_rule), number_format=sc.DATE_FORMAT,
                       alignment=Alignment(horizontal="left", vertical="top"))
VALUE_TIME = CellStyle(border=Border(bottom=_thin_rule), number_format=sc.DATETIME_FORMAT,
                       alignment=Alignment(horizontal="left", vertical="top"))
VALUE_COUNT = CellStyle(border=Border(bottom=_thin_rule), number_format=sc.COUNT_FORMAT,
                        alignment=Alignment(horizontal="left", vertical="top"))
LEFT_NUMBER = CellStyle(alignment=Alignment(horizontal="left"), border=Border(bottom=_thin_rule))
NOTE = CellStyle(font=_font(italic=True, size=9, color=GREY))
# Table headers carry their own look: LibreOffice ignores Excel table styles, and
# in Excel an explicit cell style wins over the table style anyway.
TABLE_HEAD = HEAD_LEFT
TABLE_DATE = CellStyle(number_format=sc.DATE_FORMAT, alignment=Alignment(horizontal="center"))
TABLE_DATE_TOP = CellStyle(number_format=sc.DATE_FORMAT,
                           alignment=Alignment(horizontal="center", vertical="top"))
TABLE_WRAP = CellStyle(alignment=Alignment(vertical="top", wrap_text=True))
TABLE_TOP = CellStyle(alignment=Alignment(vertical="top"))
TABLE_STYLE = "TableStyleMedium2"
SERIES_COLOURS = (DARK, "8FB8DE", "E17000", "A6A6A6")
ROUTE_CHART_HEIGHT = 7.5


# ---------------------------------------------------------------------------
# What the workbook needs from each case and signal (one fold as of the end date)


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """One case as of the last day of the period, reduced to codes, dates and numbers."""

    number: str
    received_on: date
    route: str
    partner_type: str
    services: tuple[str, ...]
    topics: tuple[str, ...]
    target_group: str
    multi_problem: bool
    urgent: bool
    known_to_service: str | None
    claim_band: str | None
    triaged_on: date | None
    decision: str | None
    reason_code: str | None
    referred_to: str | None
    first_opinion_on: date | None
    last_response: str | None
    top_escalation: str | None
    paused_days: int
    closed_on: date | None
    outcome: str | None
    path: str | None
    powers_used: tuple[str, ...] | None
    powers_sufficient: str | None
    gross_days: int | None
    net_days: int | None
    citizen_score: int | None
    helper_score: int | None


@dataclass(frozen=True, slots=True)
class SignalRecord:
    number: str
    title: str
    theme: str
    status: str
    submitted_on: date | None
    response: str | None
    feedback_on: date | None


def _strs(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(dict.fromkeys(str(v) for v in value))
    return ()


def _opt(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _score(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def case_record(events: Sequence[Event], end: date, cl: Codelists) -> CaseRecord | None:
    """The Casussen row of one case, folding it as of ``end`` (see record_of_case)."""
    return record_of_case(fold_case(events, as_of=end), end, cl)


def record_of_case(state: CaseState, end: date, cl: Codelists) -> CaseRecord | None:
    """The Casussen row of one case as of ``end``; None when not received by then.

    Choices (also on the Definities sheet): the opinion date is the first zienswijze,
    the response the latest reaction of a service, the escalation level the highest
    reached; paused days count a pause still running up to ``end``; lead times, outcome
    and powers exist only for a case that is closed as of ``end``.
    """
    reg = state.registration
    if not reg or not state.number:
        return None
    first_opinion: date | None = None
    last_response: str | None = None
    top_level: str | None = None
    for eff in state.effective:
        kind = eff.kind
        if kind == "opinion_sent":
            if first_opinion is None or eff.on < first_opinion:
                first_opinion = eff.on
        elif kind == "service_response":
            last_response = _opt(eff.payload.get("response")) or last_response
        elif kind == "escalated":
            level = _opt(eff.payload.get("level"))
            if level and (top_level is None or cl.level_rank(level) > cl.level_rank(top_level)):
                top_level = level
    triage = state.triage or {}
    closing = state.closing if state.status == "afgerond" else None
    gross: int | None = None
    net: int | None = None
    paused = state.paused_days(until=end)
    if closing is not None and state.closed_on is not None:
        gross = (state.closed_on - state.received_on).days
        net = gross - state.paused_days()
    citizen: int | None = None
    helper: int | None = None
    if state.interviews:
        latest = state.interviews[-1].payload
        citizen, helper = _score(latest.get("citizen_score")), _score(latest.get("helper_score"))
    return CaseRecord(
        number=state.number,
        received_on=state.received_on,
        route=str(reg.get("route", "")),
        partner_type=str(reg.get("partner_type", "")),
        services=_strs(reg.get("services")),
        topics=_strs(reg.get("topics")),
        target_group=str(reg.get("target_group", "")),
        multi_problem=reg.get("multi_problem") is True,
        urgent=reg.get("urgent") is True,
        known_to_service=_opt(reg.get("known_to_service")),
        claim_band=_opt(reg.get("claim_band")),
        triaged_on=state.triaged_on,
        decision=_opt(triage.get("decision")),
        reason_code=_opt(triage.get("reason_code")),
        referred_to=_opt(triage.get("referred_to")),
        first_opinion_on=first_opinion,
        last_response=last_response,
        top_escalation=top_level,
        paused_days=paused,
        closed_on=state.closed_on if closing is not None else None,
        outcome=_opt(closing.get("outcome")) if closing else None,
        path=state.path if closing is not None else None,
        powers_used=_strs(closing.get("powers_used")) if closing is not None else None,
        powers_sufficient=_opt(closing.get("powers_sufficient")) if closing else None,
        gross_days=gross,
        net_days=net,
        citizen_score=citizen,
        helper_score=helper,
    )


def signal_record(state: SignalState) -> SignalRecord | None:
    if not state.creation or not state.number:
        return None
    return SignalRecord(
        number=state.number,
        title=str(state.creation.get("title", "")),
        theme=str(state.creation.get("theme", "")),
        status=state.status,
        submitted_on=min((e.on for e in state.submissions), default=None),
        response=_opt(state.responses[-1].payload.get("status")) if state.responses else None,
        feedback_on=max((e.on for e in state.feedback), default=None),
    )


@dataclass
class CrossTables:
    """Counts the catalogue does not break down this way, for period and year to date."""

    route_service: tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]
    partner_topic: tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]
    decision_route: tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]]


def cross_tables(records: Iterable[CaseRecord], start: date, end: date) -> CrossTables:
    ytd = date(end.year, 1, 1)
    rs: tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]] = (Counter(), Counter())
    pt: tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]] = (Counter(), Counter())
    dr: tuple[Counter[tuple[str, str]], Counter[tuple[str, str]]] = (Counter(), Counter())
    for r in records:
        for i, first in enumerate((start, ytd)):
            if first <= r.received_on <= end:
                for s in r.services:
                    rs[i][(r.route, s)] += 1
                for t in r.topics:
                    pt[i][(r.partner_type, t)] += 1
            if r.triaged_on is not None and r.decision and first <= r.triaged_on <= end:
                dr[i][(r.decision, r.route)] += 1
    return CrossTables(rs, pt, dr)


# ---------------------------------------------------------------------------
# Sheet plumbing


def _local_now() -> datetime:
    now = datetime.now(_AMS) if _AMS is not None else datetime.now()
    return now.replace(tzinfo=None, microsecond=0)


def _local(moment: datetime) -> datetime:
    """A UTC moment as Amsterdam wall-clock time without tzinfo (Excel has no zones)."""
    if _AMS is not None:
        moment = moment.astimezone(_AMS)
    return moment.replace(tzinfo=None, microsecond=0)


def _parse_utc(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return _local(moment)


def _hlc_moment(hlc: str) -> datetime | None:
    try:
        ms, _, _ = parse_hlc(hlc)
    except ValueError:
        return None
    return _local(datetime.fromtimestamp(ms / 1000, tz=UTC))


class _Sheet:
    """A write-only sheet that knows its row number and its look.

    Everything a write-only sheet needs before its first row (widths, frozen panes,
    gridlines, print setup) happens in the constructor.
    """

    def __init__(self, wb: Workbook, title: str, widths: Sequence[float], *,
                 gridlines: bool = False, freeze: str | None = None,
                 title_rows: str | None = None, period_text: str = "") -> None:
        ws = wb.create_sheet(title)
        self.ws = ws
        self.n = 0
        self.widths = list(widths)
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        ws.sheet_view.showGridLines = gridlines
        ws.sheet_view.zoomScale = 100
        if freeze:
            ws.freeze_panes = freeze
        if title_rows:
            ws.print_title_rows = title_rows
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = 9  # A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.75
        ws.print_options.horizontalCentered = False
        hf = ws.HeaderFooter
        hf.oddHeader.left.text = "&A"
        hf.oddHeader.right.text = CLASSIFICATION
        hf.oddHeader.right.color = "C00000"
        hf.oddFooter.left.text = period_text
        hf.oddFooter.right.text = "Pagina &P van &N"

    def add(self, cells: Sequence[Any] = (), height: float | None = None) -> int:
        self.n += 1
        if height is not None:
            self.ws.row_dimensions[self.n].height = height
        self.ws.append(list(cells))
        return self.n

    def put(self, values: Sequence[Any], styles: Sequence[CellStyle | None] | CellStyle | None
            = None, height: float | None = None, wrap: Sequence[int] = ()) -> int:
        """Append one row; ``wrap`` names the (0-based) columns whose text wraps, so the
        row gets the height that text needs."""
        if wrap and height is None:
            lines = max(_wrapped_lines(values[i], self.widths[i]) for i in wrap)
            height = 15.0 * lines + 1 if lines > 1 else None
        if isinstance(styles, CellStyle) or styles is None:
            made = [sc.cell(self.ws, v, styles) for v in values]
        else:
            made = [sc.cell(self.ws, v, s) for v, s in zip(values, styles, strict=True)]
        return self.add(made, height)

    def blank(self, rows: int = 1) -> None:
        for _ in range(rows):
            self.add()

    def skip_to(self, row: int) -> None:
        """Leave empty rows until the next row written is ``row`` (below a chart)."""
        while self.n < row - 1:
            self.add()


def _wrapped_lines(value: Any, width: float) -> int:
    """Lines a wrapped text needs in a column of ``width`` (Excel's character units).

    LibreOffice does not re-measure rows when it opens an .xlsx and a row without a
    height stays one line high, hiding the rest of the text; an estimate (Calibri 11
    fits about 1.2 characters per unit, less a little for word breaks) is better.
    """
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(1, int(width * 1.2) - 3)
    return sum(max(1, -(-len(part) // per_line)) for part in value.split("\n"))


def _turned_height(labels: Sequence[str]) -> float:
    """Row height for headers turned 90 degrees: the longest word must fit, and a long
    label may take two lines (about 6.3 points per character of bold Calibri 11)."""
    need = max((max(max((len(w) for w in x.split()), default=0), -(-len(x) // 2))
                for x in labels), default=8)
    return min(170.0, need * 6.3 + 12)


def _chart_rows(height_cm: float) -> int:
    """Rows of 15 points a chart of ``height_cm`` covers, rounded up, plus a margin."""
    return int(height_cm / 0.529) + 2


def _style_axes(chart: Any, y_title: str | None = None, x_title: str | None = None, *,
                peak: float = 0) -> None:
    """Visible axes from zero; whole steps when the largest value is small, else a
    count axis would read 0, 0.5, 1 shown as 0, 1, 1."""
    # openpyxl 3.1 writes <c:delete val="1"/> unless told otherwise: axes would vanish.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.scaling.min = 0
    chart.y_axis.numFmt = "0"
    if peak <= 5:
        chart.y_axis.majorUnit = 1
        chart.y_axis.scaling.max = max(1, int(peak) + 1)
    if y_title:
        chart.y_axis.title = y_title
    if x_title:
        chart.x_axis.title = x_title


def _colour_series(chart: Any, *, line: bool = False) -> None:
    for i, series in enumerate(chart.series):
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        if line:
            series.graphicalProperties.line.solidFill = colour
            series.graphicalProperties.line.width = 28575  # 2.25 pt
            series.smooth = False
            series.marker.symbol = "circle"
            series.marker.size = 5
            series.marker.graphicalProperties.solidFill = colour
            series.marker.graphicalProperties.line.solidFill = colour
        else:
            series.graphicalProperties.solidFill = colour
            series.graphicalProperties.line.solidFill = colour


def _unique(names: Iterable[str]) -> list[str]:
    """Table column names must be unique and non-empty (labels can be edited)."""
    out: list[str] = []
    seen: set[str] = set()
    for i, name in enumerate(names, 1):
        base = sc.clean_text(name).replace("\n", " ").strip() or f"Kolom {i}"
        candidate, k = base, 2
        while candidate.casefold() in seen:
            candidate, k = f"{base} ({k})", k + 1
        seen.add(candidate.casefold())
        out.append(candidate)
    return out


def _add_table(ws: Any, name: str, headers: Sequence[str], first_row: int, last_row: int,
               first_col: int = 1) -> Table:
    """An Excel table over rows already written, with its columns set by hand.

    Write-only sheets cannot be read back, so openpyxl cannot name the columns from
    the header cells (FACTS.md). A table needs at least one data row; the caller
    writes an empty one when there is no data.
    """
    last_col = first_col + len(headers) - 1
    ref = (f"{get_column_letter(first_col)}{first_row}:"
           f"{get_column_letter(last_col)}{max(last_row, first_row + 1)}")
    table = Table(displayName=name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True,
                                          showColumnStripes=False, showFirstColumn=False,
                                          showLastColumn=False)
    table._initialise_columns()
    for column, header in zip(table.tableColumns, headers, strict=True):
        column.name = header
    with warnings.catch_warnings():
        # openpyxl warns on every write-only table; the columns are set just above.
        warnings.filterwarnings("ignore", "In write-only mode you must add table columns")
        ws.add_table(table)
    return table


# ---------------------------------------------------------------------------
# The writer


class _EvaluationWriter:
    """Builds the twelve sheets from figures and fold records (no I/O of its own)."""

    def __init__(self, reg: Register, fig: Figures, records: list[CaseRecord],
                 signals: list[SignalRecord], weekly: list[tuple[int, int]],
                 suppress_below: int | None, generated_at: datetime,
                 read_counts: dict[str, int], lint_note: str) -> None:
        self.reg = reg
        self.cl = reg.codelists
        self.fig = fig
        self.start, self.end = fig.start, fig.end
        self.ytd_start = date(self.end.year, 1, 1)
        self.records = records
        self.signals = signals
        self.weekly = weekly
        self.suppress = suppress_below
        self.generated_at = generated_at
        self.read_counts = read_counts
        self.lint_note = lint_note
        self.labels = metric_labels(self.cl)
        self.definitions = metric_definitions(self.cl, metric_settings(reg))
        self.crosses = cross_tables(records, self.start, self.end)
        self.period_text = f"{nl_date(self.start)} t/m {nl_date(self.end)}"
        self.short_period = _short_range(self.start, self.end)
        self.short_ytd = _short_range(self.ytd_start, self.end)
        self.ytd_text = f"{nl_date(self.ytd_start)} t/m {nl_date(self.end)}"
        self.topic_rows = 0
        self.wb = Workbook(write_only=True)
        self.overview_ws: Any = None
        self.overview_chart_anchor = "F7"

    # ----------------------------------------------------------------- values

    def shown(self, key: str, value: MetricValue) -> tuple[Any, CellStyle]:
        """A figure as it appears in a cell, with its number format."""
        if (self.suppress is not None and isinstance(value, int) and _is_count(key)
                and 0 < value < self.suppress):
            return f"< {self.suppress}", SUPPRESSED
        return value, _style_for(key)

    def count_shown(self, value: int, style: CellStyle = COUNT) -> tuple[Any, CellStyle]:
        if self.suppress is not None and 0 < value < self.suppress:
            return f"< {self.suppress}", SUPPRESSED
        return value, style

    def label(self, list_name: str, key: str | None) -> str | None:
        return self.cl.label(list_name, key) if key else None

    # ----------------------------------------------------------------- blocks

    def title(self, sh: _Sheet, title: str, subtitle: str | None = None) -> None:
        sh.put([title], TITLE, height=24)
        sh.put([subtitle or f"Periode {self.period_text}  ·  jaar tot nu {self.ytd_text}"],
               SUBTITLE)
        sh.blank()

    def section(self, sh: _Sheet, text: str, width: int = 3) -> None:
        sh.put([text, *[None] * (width - 1)], [SECTION, *[SECTION_RULE] * (width - 1)],
               height=20)

    def period_header(self, sh: _Sheet, first: str = "Onderdeel", *,
                      dated: bool = False) -> None:
        """Column heads; ``dated`` adds the dates on a second line (Overzicht)."""
        if dated:
            sh.put([first, f"Periode\n{self.short_period}", f"Jaar tot nu\n{self.short_ytd}"],
                   [HEAD_LEFT, HEAD, HEAD], height=32)
        else:
            sh.put([first, "Periode", "Jaar tot nu"], [HEAD_LEFT, HEAD, HEAD], height=20)

    def figure_rows(self, sh: _Sheet, keys: Sequence[str], *, total: str | None = None,
                    labels: dict[str, str] | None = None) -> tuple[int, int]:
        """Label, period, year-to-date rows; returns the first and last row written."""
        first = sh.n + 1
        for key in keys:
            label = (labels or {}).get(key) or self.labels[key]
            p, p_style = self.shown(key, self.fig.period[key])
            y, y_style = self.shown(key, self.fig.year_to_date[key])
            if key == total:
                sh.put([label, p, y], [LABEL_TOTAL, _bold(p_style), _bold(y_style)])
            else:
                sh.put([label, p, y], [LABEL, p_style, y_style])
        return first, sh.n

    def figure_table(self, sh: _Sheet, heading: str, keys: Sequence[str], *,
                     total: str | None = None, labels: dict[str, str] | None = None,
                     first_header: str = "Onderdeel") -> tuple[int, int]:
        self.section(sh, heading)
        self.period_header(sh, first_header)
        rows = self.figure_rows(sh, keys, total=total, labels=labels)
        sh.blank()
        return rows

    def keys(self, prefix: str, list_name: str) -> list[str]:
        return [f"{prefix}.{k}" for k in self.cl.keys(list_name)]

    def codelist_labels(self, prefix: str, list_name: str) -> dict[str, str]:
        return {f"{prefix}.{k}": self.cl.label(list_name, k) for k in self.cl.keys(list_name)}

    def bar_chart(self, sh: _Sheet, title: str, cats: tuple[int, int], first_col: int,
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
        _style_axes(chart, y_title, peak=peak)
        if horizontal:
            chart.x_axis.scaling.orientation = "maxMin"  # first category on top
        _colour_series(chart)
        if series == 1:
            chart.legend = None
        else:
            chart.legend.position = "b"
        if labels:
            chart.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False,
                                             showLegendKey=False, showPercent=False)
        sh.ws.add_chart(chart, anchor)
        return int("".join(ch for ch in anchor if ch.isdigit())) + _chart_rows(height)

    # ----------------------------------------------------------------- sheets

    def write(self) -> Workbook:
        self.overview()
        self.intake()
        self.triage()
        self.treatment()
        self.leadtimes()
        self.interviews()
        self.signals_sheet()
        self.cases_sheet()
        self.topics_sheet()
        self.figures_sheet()
        self.definitions_sheet()
        self.accountability()
        self.properties()
        return self.wb

    def new_sheet(self, title: str, widths: Sequence[float], **kw: Any) -> _Sheet:
        return _Sheet(self.wb, title, widths, period_text=f"Periode {self.period_text}", **kw)

    def overview(self) -> None:
        sh = self.new_sheet("Overzicht", [46, 19, 19, 13, 3])
        organisation = self.reg.settings.organisation
        sh.put(["Evaluatie casusregister"], TITLE, height=26)
        sh.put([organisation], SUBTITLE)
        week_text = ""
        iso = self.start.isocalendar()
        if self.start.weekday() == 0 and self.end == self.start + timedelta(days=6):
            week_text = f" (week {iso.week} van {iso.year})"
        sh.put([f"Periode: {self.period_text}{week_text}  ·  jaar tot nu: {self.ytd_text}"],
               SUBTITLE)
        sh.put([f"Gemaakt op {self.generated_at.strftime('%d-%m-%Y om %H:%M')} met "
                f"Casusregister {app.__version__}"], SUBTITLE)
        sh.put([CLASSIFICATION], CLASSIFIED)
        sh.blank()
        chart_anchor_row = sh.n + 1
        groups: list[tuple[str, list[str]]] = [
            ("Instroom en triage", [
                "intake.total", "triage.total", "triage.by_decision.in_behandeling",
                "triage.by_decision.doorverwezen", "triage.by_decision.niet_in_behandeling",
                "triage.pending"]),
            ("Behandeling en afronding", [
                "treatment.opinions_sent", "treatment.escalations", "closed.total",
                "closed.resolved.without_escalation", "closed.resolved.after_escalation",
                "leadtime.gross.median_days", "leadtime.within_norm"]),
            ("Stand op de laatste dag van de periode", [
                "open.total", "open.paused", "deadlines.overdue", "deadlines.due_next_14d"]),
            ("Eindgesprek en signalen", [
                "interview.total", "interview.citizen.mean", "interview.helper.mean",
                "signals.created", "signals.submitted", "signals.awaiting_feedback"]),
        ]
        self.section(sh, "Kerncijfers")
        self.period_header(sh, "Kerncijfer", dated=True)
        for heading, keys in groups:
            sh.put([heading, None, None], [GROUP, GROUP, GROUP])
            self.figure_rows(sh, keys)
        sh.blank()

        self.section(sh, "Doelen eerste jaar", width=4)
        sh.put(["Route", "In behandeling\n(jaar tot nu)", "Doel", "Voortgang"],
               [HEAD_LEFT, HEAD, HEAD, HEAD], height=32)
        settings = metric_settings(self.reg)
        first = sh.n + 1
        for route, target in (("belastingdienst", settings.target_belastingdienst),
                              ("dienst_toeslagen", settings.target_dienst_toeslagen)):
            reached = self.fig.year_to_date[f"targets.ytd.{route}"]
            value, style = self.shown(f"targets.ytd.{route}", reached)
            share = (reached / target) if isinstance(reached, int) and target > 0 else None
            if isinstance(value, str):
                share = None  # a suppressed count must not be recoverable from a share
            sh.put([self.cl.label("route", route), value, target, share],
                   [LABEL, style, COUNT, PERCENT])
        sh.ws.conditional_formatting.add(
            f"D{first}:D{sh.n}",
            DataBarRule(start_type="num", start_value=0, end_type="num", end_value=1,
                        color="5B9BD5", showValue=True))
        sh.put([f"Doel eerste jaar (instelling): {settings.target_belastingdienst} casussen via "
                f"de Belastingdienst en {settings.target_dienst_toeslagen} via Dienst Toeslagen "
                "in behandeling genomen."], NOTE)
        sh.blank()

        # The weekly line chart goes up here too, but its figures are written on the
        # Instroom sheet (``weekly_table``): a page of key figures, not of 53 weeks.
        self.overview_ws = sh.ws
        self.overview_chart_anchor = f"F{chart_anchor_row}"

    def weekly_table(self, sh: _Sheet) -> None:
        """Intake per ISO week on Instroom, and the Overzicht line chart over it."""
        year = self.end.year
        self.section(sh, f"Instroom per week in {year} (ISO-weken)")
        sh.put(["Week", "Instroom"], [HEAD_LEFT, HEAD])
        w_first = sh.n + 1
        for week, count in self.weekly:
            value, style = self.count_shown(count)
            sh.put([week, value], [LEFT_NUMBER, style])
        if not self.weekly:
            sh.put(["Geen weken in deze periode"], NOTE)
            return
        w_last = sh.n
        chart = LineChart()
        chart.title = f"Instroom per week {year}"
        chart.style = 12
        chart.width, chart.height = 19, 9
        data = Reference(sh.ws, min_col=2, min_row=w_first - 1, max_row=w_last)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(sh.ws, min_col=1, min_row=w_first, max_row=w_last))
        _style_axes(chart, "Casussen", "Week", peak=max(c for _, c in self.weekly))
        chart.x_axis.tickLblSkip = 4 if len(self.weekly) > 20 else 1
        chart.legend = None
        _colour_series(chart, line=True)
        # A write-only sheet writes its drawings when the workbook is saved, so the
        # chart can still join Overzicht now that its data rows exist.
        self.overview_ws.add_chart(chart, self.overview_chart_anchor)

    def intake(self) -> None:
        services = self.cl.keys("service")
        topics = self.cl.keys("topic")
        # Narrow numeric columns with turned headers keep the 18-topic cross table on
        # one screen; the small tables above use the same columns.
        widths = [44] + [9.0] * max(len(topics) + 1, 2 * (len(services) + 1) + 1)
        sh = self.new_sheet("Instroom", widths)
        self.title(sh, "Instroom")
        chart_top = sh.n + 1
        self.figure_table(sh, "Instroom en kenmerken", [
            "intake.total", "intake.multi_problem", "intake.urgent",
            "intake.unknown_to_service"])
        self.figure_table(sh, "Doelgroep", self.keys("intake.by_target_group", "target_group"),
                          labels=self.codelist_labels("intake.by_target_group",
                                                      "target_group"),
                          first_header="Doelgroep")
        sh.skip_to(chart_top + _chart_rows(ROUTE_CHART_HEIGHT) + 1)

        # Route x service, period and year to date side by side.
        self.section(sh, "Instroom per route en dienst", width=2 * (len(services) + 1) + 2)
        n = len(services) + 1
        sh.put(["", "Periode", *[None] * (n - 1), None, "Jaar tot nu", *[None] * (n - 1)],
               [None, *[GROUP] * n, None, *[GROUP] * n])
        service_heads = [self.cl.label("service", s) for s in services] + ["Casussen"]
        sh.put(["Route", *service_heads, None, *service_heads],
               [HEAD_LEFT, *[HEAD_TURNED] * n, None, *[HEAD_TURNED] * n],
               height=_turned_height(service_heads))
        route_first = sh.n + 1
        for route in self.cl.keys("route"):
            values: list[Any] = [self.cl.label("route", route)]
            styles: list[CellStyle | None] = [LABEL]
            for i, fig in enumerate((self.fig.period, self.fig.year_to_date)):
                if i:
                    values.append(None)
                    styles.append(None)
                for s in services:
                    v, st = self.count_shown(self.crosses.route_service[i][(route, s)],
                                             ZERO_DASH)
                    values.append(v)
                    styles.append(st)
                v2, st2 = self.shown(f"intake.by_route.{route}", fig[f"intake.by_route.{route}"])
                values.append(v2)
                styles.append(_bold(st2))
            sh.put(values, styles)
        route_last = sh.n
        totals: list[Any] = ["Totaal"]
        t_styles: list[CellStyle | None] = [LABEL_TOTAL]
        for i, fig in enumerate((self.fig.period, self.fig.year_to_date)):
            if i:
                totals.append(None)
                t_styles.append(None)
            self._bold_figures(fig, [*(f"intake.by_service.{s}" for s in services),
                                     "intake.total"], totals, t_styles)
        sh.put(totals, t_styles)
        sh.put(["Een casus over beide diensten telt bij elke dienst; de kolom Casussen telt "
                "hem één keer."], NOTE)
        sh.blank()
        # The chart sits at the top, beside the small tables, but plots the route
        # totals written just now (a chart may refer to any rows of its sheet).
        self._route_chart(sh, route_first, route_last, n, f"E{chart_top}")

        self._partner_topic(sh, 0, f"Aandrager en onderwerp, periode {self.period_text}")
        self._partner_topic(sh, 1, f"Aandrager en onderwerp, jaar tot nu {self.ytd_text}")
        self.weekly_table(sh)

    def _route_chart(self, sh: _Sheet, first: int, last: int, n: int, anchor: str) -> None:
        """Bars of the route totals: period (column 1 + n) and year to date (2 + 2n)."""
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "clustered"
        chart.title = "Instroom per route"
        chart.style = 10
        chart.width, chart.height = 16, ROUTE_CHART_HEIGHT
        chart.gapWidth = 60
        for col in (1 + n, 2 + 2 * n):
            chart.add_data(Reference(sh.ws, min_col=col, min_row=first, max_row=last),
                           titles_from_data=False)
        chart.series[0].tx = _series_title("Periode")
        chart.series[1].tx = _series_title("Jaar tot nu")
        chart.set_categories(Reference(sh.ws, min_col=1, min_row=first, max_row=last))
        _style_axes(chart, "Casussen", peak=_peak(
            fig[f"intake.by_route.{r}"] for fig in (self.fig.period, self.fig.year_to_date)
            for r in self.cl.keys("route")))
        chart.x_axis.scaling.orientation = "maxMin"
        chart.legend.position = "b"
        _colour_series(chart)
        sh.ws.add_chart(chart, anchor)

    def _partner_topic(self, sh: _Sheet, i: int, heading: str) -> None:
        topics = self.cl.keys("topic")
        fig = self.fig.period if i == 0 else self.fig.year_to_date
        self.section(sh, heading, width=len(topics) + 2)
        heads = [self.cl.label("topic", t) for t in topics]
        sh.put(["Soort aandrager", *heads, "Casussen"],
               [HEAD_LEFT, *[HEAD_TURNED] * (len(topics) + 1)], height=_turned_height(heads))
        for pt in self.cl.keys("partner_type"):
            values: list[Any] = [self.cl.label("partner_type", pt)]
            styles: list[CellStyle | None] = [LABEL]
            for t in topics:
                v, st = self.count_shown(self.crosses.partner_topic[i][(pt, t)], ZERO_DASH)
                values.append(v)
                styles.append(st)
            v, st = self.shown(f"intake.by_partner_type.{pt}",
                               fig[f"intake.by_partner_type.{pt}"])
            values.append(v)
            styles.append(_bold(st))
            sh.put(values, styles)
        totals: list[Any] = ["Totaal"]
        t_styles: list[CellStyle | None] = [LABEL_TOTAL]
        self._bold_figures(fig, [*(f"intake.by_topic.{t}" for t in topics), "intake.total"],
                           totals, t_styles)
        sh.put(totals, t_styles)
        sh.put(["Een casus met meer onderwerpen telt bij elk onderwerp; de kolom Casussen "
                "telt hem één keer."], NOTE)
        sh.blank()

    def _bold_figures(self, fig: dict[str, Any], keys: list[str], values: list[Any],
                      styles: list[CellStyle | None]) -> None:
        """Append the (suppressed where asked) figures of a totals row, in bold."""
        for key in keys:
            v, st = self.shown(key, fig[key])
            values.append(v)
            styles.append(_bold(st))

    def triage(self) -> None:
        routes = self.cl.keys("route")
        decisions = self.cl.keys("triage_decision")
        sh = self.new_sheet("Triage", [46] + [15] * max(2, len(decisions)) + [3])
        self.title(sh, "Triage")
        self.figure_table(sh, "Triagebesluiten", [
            "triage.total", *self.keys("triage.by_decision", "triage_decision")],
            total="triage.total",
            labels=self.codelist_labels("triage.by_decision", "triage_decision"),
            first_header="Besluit")
        self.figure_table(sh, "Reden van het besluit",
                          self.keys("triage.by_reason", "triage_reason"),
                          labels=self.codelist_labels("triage.by_reason", "triage_reason"),
                          first_header="Reden")
        self.figure_table(sh, "Doorverwezen naar",
                          self.keys("triage.referred_to", "referred_to"),
                          labels=self.codelist_labels("triage.referred_to", "referred_to"),
                          first_header="Bestemming")
        self.figure_table(sh, "Doorlooptijd, overdracht en terugkoppeling", [
            "triage.days.median", "triage.pending", "triage.handover_confirmed",
            "partner_feedback.first_days.median", "partner_feedback.outcome_informed"])

        # Which cases are referred and which treated, per route.
        self.section(sh, "Triagebesluit per route", width=len(decisions) + 1)
        for i, text in enumerate((f"Periode {self.period_text}",
                                  f"Jaar tot nu {self.ytd_text}")):
            sh.put([text, *[None] * len(decisions)], [GROUP] * (len(decisions) + 1))
            sh.put(["Route", *[self.cl.label("triage_decision", d) for d in decisions]],
                   [HEAD_LEFT, *[HEAD] * len(decisions)], height=32)
            first = sh.n + 1
            for route in routes:
                values: list[Any] = [self.cl.label("route", route)]
                styles: list[CellStyle | None] = [LABEL]
                for d in decisions:
                    v, st = self.count_shown(self.crosses.decision_route[i][(d, route)],
                                             ZERO_DASH)
                    values.append(v)
                    styles.append(st)
                sh.put(values, styles)
            last = sh.n
            fig = self.fig.period if i == 0 else self.fig.year_to_date
            totals: list[Any] = ["Totaal"]
            t_styles: list[CellStyle | None] = [LABEL_TOTAL]
            for d in decisions:
                v, st = self.shown(f"triage.by_decision.{d}", fig[f"triage.by_decision.{d}"])
                totals.append(v)
                t_styles.append(_bold(st))
            sh.put(totals, t_styles)
            sh.blank()
        # The year-to-date block (the last one written) as stacked bars, top right.
        chart = BarChart()
        chart.type = "bar"
        chart.grouping = "stacked"
        chart.overlap = 100
        chart.gapWidth = 60
        chart.title = "Triagebesluit per route, jaar tot nu"
        chart.style = 10
        chart.width, chart.height = 16, 7.5
        chart.add_data(Reference(sh.ws, min_col=2, max_col=1 + len(decisions),
                                 min_row=first - 1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(sh.ws, min_col=1, min_row=first, max_row=last))
        _style_axes(chart, "Casussen", peak=_peak(
            sum(self.crosses.decision_route[1][(d, r)] for d in decisions) for r in routes))
        chart.x_axis.scaling.orientation = "maxMin"
        chart.legend.position = "b"
        _colour_series(chart)
        sh.ws.add_chart(chart, f"{get_column_letter(len(decisions) + 3)}4")

    def treatment(self) -> None:
        sh = self.new_sheet("Behandeling", [50, 15, 15, 3])
        self.title(sh, "Behandeling")
        resolved = self.figure_table(sh, "Oplossing zonder of na escalatie", [
            "closed.resolved.without_escalation", "closed.resolved.after_escalation"],
            labels={"closed.resolved.without_escalation": "Opgelost zonder escalatie",
                    "closed.resolved.after_escalation": "Opgelost na escalatie"})
        chart_end = self.bar_chart(
            sh, "Opgelost zonder en na escalatie", resolved, 2, 2, "E4", labels=True, height=7,
            peak=_peak(fig[f"closed.resolved.{k}"] for k in ("without_escalation",
                                                              "after_escalation")
                       for fig in (self.fig.period, self.fig.year_to_date)))
        coop: list[str] = []
        for s in self.cl.keys("service"):
            coop += [f"cooperation.{s}.opinions", f"cooperation.{s}.reminders",
                     f"cooperation.{s}.adopted", f"cooperation.{s}.response_days.median"]
        self.figure_table(sh, "Samenwerking per dienst", coop)
        sh.skip_to(chart_end + 1)
        self.figure_table(sh, "Zienswijzen en reacties", [
            "treatment.opinions_sent", *self.keys("treatment.responses", "service_response")],
            labels=self.codelist_labels("treatment.responses", "service_response"))
        self.figure_table(sh, "Escalaties (heroverwegingsverzoeken)", [
            "treatment.escalations",
            *self.keys("treatment.escalations.by_level", "escalation_level")],
            total="treatment.escalations",
            labels={**self.codelist_labels("treatment.escalations.by_level",
                                           "escalation_level"),
                    "treatment.escalations": "Escalaties totaal"},
            first_header="Niveau")
        self.figure_table(sh, "Afgerond per uitkomst", [
            "closed.total", *self.keys("closed.by_outcome", "outcome")],
            total="closed.total", labels=self.codelist_labels("closed.by_outcome", "outcome"),
            first_header="Uitkomst")
        self.figure_table(sh, "Gebruikte ruimte", self.keys("closed.grounds", "ground"),
                          labels=self.codelist_labels("closed.grounds", "ground"),
                          first_header="Ruimte")
        self.figure_table(sh, "Bevoegdheden gebruikt", self.keys("closed.powers_used", "power"),
                          labels=self.codelist_labels("closed.powers_used", "power"),
                          first_header="Bevoegdheid")
        self.figure_table(sh, "Bevoegdheden toereikend",
                          self.keys("closed.powers_sufficient", "powers_sufficient"),
                          labels=self.codelist_labels("closed.powers_sufficient",
                                                      "powers_sufficient"),
                          first_header="Antwoord")
        self.figure_table(sh, "Pauzeknop", ["treatment.pauses_started"])

    def leadtimes(self) -> None:
        sh = self.new_sheet("Doorlooptijden", [46, 15, 15, 15, 15, 3])
        self.title(sh, "Doorlooptijden")
        self.section(sh, "Doorlooptijd van afgeronde casussen (kalenderdagen)", width=5)
        sh.put(["", "Periode", None, "Jaar tot nu", None],
               [None, GROUP, GROUP, GROUP, GROUP])
        sh.put(["Maat", "Bruto", "Netto", "Bruto", "Netto"],
               [HEAD_LEFT, HEAD, HEAD, HEAD, HEAD])
        for suffix, name in (("median_days", "Mediaan"), ("mean_days", "Gemiddelde"),
                             ("p90_days", "90e percentiel"), ("max_days", "Langste")):
            values: list[Any] = [name]
            styles: list[CellStyle | None] = [LABEL]
            for fig in (self.fig.period, self.fig.year_to_date):
                for kind in ("gross", "net"):
                    key = f"leadtime.{kind}.{suffix}"
                    v, st = self.shown(key, fig[key])
                    values.append(v)
                    styles.append(st)
            sh.put(values, styles)
        sh.put(["Bruto: van ontvangst tot afronding (wat de burger wachtte). Netto: bruto min "
                "de dagen met de pauzeknop, alleen ter vergelijking."], NOTE)
        sh.blank()

        self.section(sh, "Eigen interne norm")
        self.period_header(sh)
        self.figure_rows(sh, ["leadtime.norm_days", "closed.total", "leadtime.within_norm"])
        shares: list[Any] = []
        for fig in (self.fig.period, self.fig.year_to_date):
            closed, within = fig["closed.total"], fig["leadtime.within_norm"]
            share: float | None = None
            if isinstance(closed, int) and isinstance(within, int) and closed > 0:
                share = within / closed
                if self.suppress is not None and closed < self.suppress:
                    share = None  # a share of a suppressed count gives the count away
            shares.append(share)
        sh.put(["Aandeel binnen de norm", *shares], [LABEL, PERCENT, PERCENT])
        sh.blank()

        as_of = f"Stand op {nl_date(self.end)}"
        self.section(sh, f"Openstaande casussen naar leeftijd ({as_of.lower()})", width=2)
        sh.put(["Leeftijd", "Casussen"], [HEAD_LEFT, HEAD])
        age_first = sh.n + 1
        for suffix, low, high in AGE_BUCKETS:
            key = f"open.age.{suffix}"
            span = f"{low} tot en met {high} dagen" if high is not None else f"{low} dagen of meer"
            v, st = self.shown(key, self.fig.period[key])
            sh.put([f"{_age_label(suffix)} ({span})", v], [LABEL, st])
        age_last = sh.n
        for key, bold in (("open.total", True), ("open.paused", False)):
            v, st = self.shown(key, self.fig.period[key])
            sh.put([self.labels[key], v], [LABEL_TOTAL if bold else LABEL,
                                           _bold(st) if bold else st])
        sh.blank()
        chart_end = self.bar_chart(sh, "Openstaande casussen naar leeftijd",
                                   (age_first, age_last), 2, 1, f"D{age_first - 2}",
                                   horizontal=True, width=15, height=6.5, labels=True,
                                   peak=_peak(self.fig.period[f"open.age.{b[0]}"]
                                              for b in AGE_BUCKETS))
        self.section(sh, f"Termijnen ({as_of.lower()})", width=2)
        sh.put(["Termijnen", "Aantal"], [HEAD_LEFT, HEAD])
        for key in ("deadlines.overdue", "deadlines.due_next_14d"):
            v, st = self.shown(key, self.fig.period[key])
            sh.put([self.labels[key], v], [LABEL, st])
        sh.skip_to(chart_end)

    def interviews(self) -> None:
        sh = self.new_sheet("Eindgesprek", [30, 15, 15, 15, 15, 3])
        self.title(sh, "Eindgesprek")
        self.figure_table(sh, "Eindgesprekken", ["interview.total"], first_header="Aantal")
        self.section(sh, "Rapportcijfers (1 tot en met 10)", width=5)
        sh.put(["", "Periode", None, "Jaar tot nu", None],
               [None, GROUP, GROUP, GROUP, GROUP])
        sh.put(["Rapportcijfer", "Burger", "Aandrager", "Burger", "Aandrager"],
               [HEAD_LEFT, HEAD, HEAD, HEAD, HEAD])
        first = sh.n + 1
        for score in SCORES:
            values: list[Any] = [score]
            styles: list[CellStyle | None] = [LEFT_NUMBER]
            for fig in (self.fig.period, self.fig.year_to_date):
                for who in ("citizen", "helper"):
                    key = f"interview.{who}.score.{score}"
                    v, st = self.shown(key, fig[key])
                    values.append(v)
                    styles.append(st)
            sh.put(values, styles)
        last = sh.n
        for suffix, name in (("n", "Aantal cijfers"), ("mean", "Gemiddelde")):
            values = [name]
            styles = [LABEL_TOTAL]
            for fig in (self.fig.period, self.fig.year_to_date):
                for who in ("citizen", "helper"):
                    key = f"interview.{who}.{suffix}"
                    v, st = self.shown(key, fig[key])
                    values.append(v)
                    styles.append(_bold(st))
            sh.put(values, styles)
        sh.put(["Burger: het cijfer van de burger; aandrager: het cijfer van de hulpverlener "
                "die de casus aandroeg. Niet gevraagd telt niet mee."], NOTE)
        chart = BarChart()
        chart.type = "col"
        chart.grouping = "clustered"
        chart.title = f"Rapportcijfers, jaar tot nu {self.end.year}"
        chart.style = 10
        chart.width, chart.height = 16, 7.5
        chart.add_data(Reference(sh.ws, min_col=4, max_col=5, min_row=first - 1, max_row=last),
                       titles_from_data=True)
        chart.set_categories(Reference(sh.ws, min_col=1, min_row=first, max_row=last))
        _style_axes(chart, "Aantal", "Rapportcijfer", peak=_peak(
            self.fig.year_to_date[f"interview.{who}.score.{n}"]
            for who in ("citizen", "helper") for n in SCORES))
        chart.legend.position = "b"
        _colour_series(chart)
        sh.ws.add_chart(chart, "G4")

    def signals_sheet(self) -> None:
        # The counts put their label in A (running on into B) and their figures in C
        # and D, so the list below can give the title the wide column B.
        sh = self.new_sheet("Signalen", [17, 58, 26, 18, 14, 18, 14])
        self.title(sh, "Signalen")

        def counts(heading: str, keys: list[str], labels: dict[str, str] | None = None,
                   total: str | None = None) -> None:
            self.section(sh, heading, width=4)
            sh.put(["Onderdeel", None, "Periode", "Jaar tot nu"],
                   [HEAD_LEFT, HEAD_LEFT, HEAD, HEAD], height=20)
            for key in keys:
                label = (labels or {}).get(key) or self.labels[key]
                p, ps = self.shown(key, self.fig.period[key])
                y, ys = self.shown(key, self.fig.year_to_date[key])
                lab = LABEL_TOTAL if key == total else LABEL
                if key == total:
                    ps, ys = _bold(ps), _bold(ys)
                sh.put([label, None, p, y], [lab, lab, ps, ys])
            sh.blank()

        counts("Aangemaakt per thema", [
            "signals.created", *self.keys("signals.by_theme", "signal_theme")],
            self.codelist_labels("signals.by_theme", "signal_theme"), total="signals.created")
        counts("Ingediend per ontvanger", [
            "signals.submitted",
            *self.keys("signals.submitted.by_recipient", "signal_recipient")],
            self.codelist_labels("signals.submitted.by_recipient", "signal_recipient"),
            total="signals.submitted")
        counts("Reacties en terugkoppeling", [
            *self.keys("signals.responses", "signal_response_status"),
            "signals.feedback_given", "signals.awaiting_feedback"])

        sh.ws.row_breaks.append(Break(id=sh.n))  # the list starts on a fresh page
        self.section(sh, f"Lijst van signalen (stand op {nl_date(self.end)})", width=7)
        headers = ["Nummer", "Titel", "Thema", "Status", "Eerst ingediend",
                   "Laatste reactie", "Laatst teruggekoppeld"]
        head_row = sh.put(headers, TABLE_HEAD, height=30)
        for s in self.signals:
            sh.put([s.number, s.title, self.label("signal_theme", s.theme),
                    self.label("signal_status", s.status), s.submitted_on,
                    self.label("signal_response_status", s.response), s.feedback_on],
                   [TABLE_TOP, TABLE_WRAP, TABLE_WRAP, TABLE_TOP, TABLE_DATE_TOP, TABLE_TOP,
                    TABLE_DATE_TOP], wrap=(1, 2))
        if not self.signals:
            sh.put([None] * len(headers))
        _add_table(sh.ws, "Signaallijst", headers, head_row, sh.n)
        sh.put(["De titel is de enige vrije tekst in deze werkmap; ze staat er als tekst, "
                "nooit als formule."], NOTE)

    def case_headers(self) -> list[str]:
        return _unique(c.header for c in _case_columns(self.cl))

    def case_widths(self) -> list[float]:
        """Wide enough for the longest label of the column's codelist and for the header
        in at most three lines, and never wider than 44."""
        out: list[float] = []
        for column, header in zip(_case_columns(self.cl), self.case_headers(), strict=True):
            content = {"id": 14.0, "date": 12.0, "yesno": 6.0, "number": 7.0}.get(column.source)
            if content is None:
                labels = [self.cl.label(column.source, k) for k in self.cl.keys(column.source)]
                content = float(max((len(x) for x in labels), default=8)) + 1
            words = max(len(w) for w in header.split())
            out.append(min(44.0, max(content + 1, words + 2.5, len(header) / 3 + 3)))
        return out

    def cases_sheet(self) -> None:
        headers = self.case_headers()
        sh = self.new_sheet("Casussen", self.case_widths(), gridlines=True, freeze="B2",
                            title_rows="1:1")
        head_row = sh.put(headers, TABLE_HEAD, height=48)
        if self.suppress is not None:
            sh.put([None] * len(headers))
            _add_table(sh.ws, "Casussen", headers, head_row, sh.n)
            sh.blank()
            sh.put([f"Leeg gelaten: kleine aantallen worden afgeschermd (onder "
                    f"{self.suppress}); rijen per casus zouden dat ongedaan maken."], NOTE)
            return
        cl, ws = self.cl, sh.ws
        services, powers = cl.keys("service"), cl.keys("power")
        yes, no = "Ja", "Nee"
        label_cache: dict[tuple[str, str], str] = {}

        def lab(list_name: str, key: str | None) -> str | None:
            if not key:
                return None
            k = (list_name, key)
            found = label_cache.get(k)
            if found is None:
                found = label_cache[k] = cl.label(list_name, key)
            return found

        cell = sc.cell
        date_style = TABLE_DATE
        plain: dict[str, str] = {}  # label -> the str safe_cells passed through as is

        def convert(v: Any) -> Any:
            if v is None or type(v) is int:
                return v
            if isinstance(v, str):
                found = plain.get(v)
                if found is not None:
                    return found
                made = cell(ws, v)
                if isinstance(made, str):
                    plain[v] = made
                return made
            return cell(ws, v, date_style) if isinstance(v, date) else cell(ws, v)

        for r in self.records:
            used = r.powers_used
            values: list[Any] = [
                r.number, r.received_on, lab("route", r.route),
                lab("partner_type", r.partner_type),
                *[yes if s in r.services else no for s in services],
                lab("target_group", r.target_group),
                yes if r.multi_problem else no, yes if r.urgent else no,
                lab("known_to_service", r.known_to_service), lab("claim_band", r.claim_band),
                r.triaged_on, lab("triage_decision", r.decision),
                lab("triage_reason", r.reason_code), lab("referred_to", r.referred_to),
                r.first_opinion_on, lab("service_response", r.last_response),
                lab("escalation_level", r.top_escalation), r.paused_days, r.closed_on,
                lab("outcome", r.outcome), lab("resolution_path", r.path),
                *[None if used is None else (yes if p in used else no) for p in powers],
                lab("powers_sufficient", r.powers_sufficient), r.gross_days, r.net_days,
                r.citizen_score, r.helper_score,
            ]
            ws.append([convert(v) for v in values])
            sh.n += 1
        if not self.records:
            sh.put([None] * len(headers))
        _add_table(ws, "Casussen", headers, head_row, sh.n)

    def topics_sheet(self) -> None:
        sh = self.new_sheet("Onderwerpen", [16, 36], gridlines=True, freeze="A2",
                            title_rows="1:1")
        headers = ["Casusnummer", "Onderwerp"]
        head_row = sh.put(headers, TABLE_HEAD, height=30)
        if self.suppress is None:
            ws = sh.ws
            for r in self.records:
                for t in r.topics:
                    ws.append([sc.cell(ws, r.number), sc.cell(ws, self.cl.label("topic", t))])
                    sh.n += 1
                    self.topic_rows += 1
        if self.topic_rows == 0:
            sh.put([None, None])
        _add_table(sh.ws, "Onderwerpen", headers, head_row, sh.n)
        if self.suppress is not None:
            sh.blank()
            sh.put(["Leeg gelaten: kleine aantallen worden afgeschermd."], NOTE)

    def figures_sheet(self) -> None:
        sh = self.new_sheet("Cijfers", [46, 52, 13, 13, 90], gridlines=True, freeze="C5",
                            title_rows="4:4")
        sh.put(["Alle cijfers"], TITLE, height=24)
        sh.put([f"Periode {self.period_text}  ·  jaar tot nu {self.ytd_text}  ·  de sleutels "
                "zijn die van 'casusregister metrics --json'"], SUBTITLE)
        sh.blank()
        headers = ["Sleutel", "Omschrijving", "Periode", "Jaar tot nu", "Definitie"]
        head_row = sh.put(headers, TABLE_HEAD, height=20)
        for key, value in self.fig.period.items():
            p, ps = self.shown(key, value)
            y, ys = self.shown(key, self.fig.year_to_date.get(key))
            sh.put([key, self.labels.get(key, key), p, y, self.definitions.get(key, "")],
                   [TABLE_TOP, TABLE_WRAP, _plain(ps), _plain(ys), TABLE_WRAP], wrap=(1, 4))
        _add_table(sh.ws, "Cijfers", headers, head_row, sh.n)

    def definitions_sheet(self) -> None:
        sh = self.new_sheet("Definities", [38, 110], title_rows=None)
        self.title(sh, "Definities", "Elk begrip en elke maat in gewone taal.")

        def block(heading: str, pairs: Iterable[tuple[str, str]]) -> None:
            self.section(sh, heading, width=2)
            sh.put(["Begrip", "Betekenis"], [HEAD_LEFT, HEAD_LEFT])
            for term, text in pairs:
                sh.put([term, text], [KEY_WRAP, LABEL_WRAP], wrap=(0, 1))
            sh.blank()

        block("Begrippen", _terms(self.reg, self.suppress))
        block("Kolommen van het blad Casussen",
              zip(self.case_headers(), (c.definition for c in _case_columns(self.cl)),
                  strict=True))
        block("Kolommen van het blad Onderwerpen", [
            ("Casusnummer", "Het nummer van de casus (zoals op het blad Casussen)."),
            ("Onderwerp", "Eén onderwerp van de casus; een casus met drie onderwerpen "
                          "heeft drie rijen.")])
        block("Kolommen van de lijst op het blad Signalen", [
            ("Nummer", "Het signaalnummer, S-JJJJ-APP-NNN."),
            ("Titel", "De titel van het signaal, de enige vrije tekst in de werkmap. Als "
                      "tekst opgeslagen, ook als ze met =, +, - of @ begint."),
            ("Thema", "Het thema van het signaal."),
            ("Status", "Concept, ingediend, reactie ontvangen, teruggekoppeld of gesloten, "
                       "op de laatste dag van de periode."),
            ("Eerst ingediend", "Datum van de eerste indiening."),
            ("Laatste reactie", "De status van de laatste reactie op het signaal."),
            ("Laatst teruggekoppeld", "Datum waarop de aandragers het laatst is verteld "
                                      "wat er met het signaal gebeurde.")])
        block("Maatstaven (blad Cijfers)",
              ((self.labels[k], self.definitions.get(k, "")) for k in self.fig.period))

    def accountability(self) -> None:
        # Values overflow to the right (no wrap), so the five columns of the device
        # table below give them room.
        sh = self.new_sheet("Verantwoording", [38, 16, 22, 22, 22, 3], title_rows=None)
        self.title(sh, "Verantwoording", "Hoe deze werkmap is gemaakt.")
        self.section(sh, "Werkmap", width=5)
        rule = [RULE_ONLY] * 3  # the row's rule under the text that runs on to the right
        suppression = ("Geen (standaard voor deze interne werkmap)" if self.suppress is None
                       else f"Aantallen 1 t/m {self.suppress - 1} als '< {self.suppress}'; "
                            "Casussen en Onderwerpen leeg gelaten")
        settings = self.reg.settings
        rows: list[tuple[str, Any, CellStyle]] = [
            ("Programma", f"Casusregister {app.__version__}", VALUE),
            ("Organisatie", settings.organisation, VALUE),
            ("Register (bestand)", self.reg.path.name, VALUE),
            ("Gemaakt door apparaat", settings.device_code, VALUE),
            ("Gemaakt op", self.generated_at, VALUE_TIME),
            ("Periode van", self.start, VALUE_DATE),
            ("Periode tot en met", self.end, VALUE_DATE),
            ("Jaar tot nu", self.ytd_text, VALUE),
            ("Filters", "Geen: alle casussen en signalen, zoals ze op de einddatum stonden",
             VALUE),
            ("Afscherming kleine aantallen", suppression, VALUE),
            ("Eigen interne norm doorlooptijd (dagen)", settings.leadtime_norm_days,
             VALUE_COUNT),
            ("Controle op persoonsgegevens", self.lint_note, VALUE),
            ("Rubricering", CLASSIFICATION, VALUE),
        ]
        for term, value, style in rows:
            sh.put([term, value, None, None, None], [KEY, style, *rule])
        sh.blank()

        self.section(sh, "Gelezen en geschreven", width=5)
        counted = [
            ("Stappen gelezen", self.read_counts.get("events", 0)),
            ("Casussen gelezen", self.read_counts.get("cases", 0)),
            ("Vernietigde casussen (in geen cijfer)", self.read_counts.get("destroyed", 0)),
            ("Signalen gelezen", self.read_counts.get("signals", 0)),
            ("Rijen op Casussen", len(self.records) if self.suppress is None else 0),
            ("Rijen op Onderwerpen", self.topic_rows),
            ("Rijen in de lijst van signalen", len(self.signals)),
            ("Instroom in de periode", self.fig.period["intake.total"] or 0),
            ("Instroom jaar tot nu", self.fig.year_to_date["intake.total"] or 0),
        ]
        for term, count in counted:
            sh.put([term, count, None, None, None], [KEY, VALUE_COUNT, *rule])
        sh.blank()

        self.section(sh, "Per apparaat: laatste stap in dit register", width=5)
        sh.put(["Apparaat", "Stappen", "Laatste stap gemaakt", "Laatste stap vastgelegd",
                "Laatste bundel ontvangen"], [HEAD_LEFT, HEAD, HEAD, HEAD, HEAD], height=32)
        devices = self.reg.device_activity()
        for d in devices:
            code = d.device_code or f"onbekend ({d.device[:8]})"
            if d.device == settings.device_id:
                code = f"{code} (dit register)"
            sh.put([code, d.events, _hlc_moment(d.last_hlc), _parse_utc(d.last_recorded_at),
                    _parse_utc(d.received_at)],
                   [KEY, COUNT, VALUE_TIME, VALUE_TIME, VALUE_TIME])
        if not devices:
            sh.put(["Nog geen stappen in dit register"], NOTE)
        for line in self.reg.device_lines():  # "apparaat ZWL (Anna): laatste stap 12 dagen oud"
            sh.put([line.text], NOTE)
        sh.put(["Ziet u een apparaat met een oude laatste stap, dan is de week van die laptop "
                "nog niet binnen: vraag om een bundel."], NOTE)

    def properties(self) -> None:
        props = self.wb.properties
        props.title = f"Evaluatie casusregister {self.period_text}"
        props.subject = f"Periode {self.period_text}; jaar tot nu {self.ytd_text}"
        props.keywords = f"{CLASSIFICATION}; evaluatie; casusregister"
        props.description = (f"{CLASSIFICATION}. Evaluatiewerkmap van de "
                             f"{self.reg.settings.organisation}, gemaakt met Casusregister "
                             f"{app.__version__}.")
        props.category = CLASSIFICATION
        props.creator = f"Casusregister {app.__version__}"
        props.lastModifiedBy = props.creator
        props.language = "nl-NL"
        props.contentStatus = CLASSIFICATION
        now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
        props.created = props.modified = now
        self.wb.custom_doc_props.append(StringProperty(name="Rubricering",
                                                       value=CLASSIFICATION))


def _series_title(text: str) -> Any:
    from openpyxl.chart.series import SeriesLabel

    return SeriesLabel(v=text)


def _peak(values: Iterable[MetricValue]) -> float:
    return max((v for v in values if isinstance(v, int | float)), default=0)


def _is_count(key: str) -> bool:
    return not key.endswith(("_days", ".median", ".mean"))


def _style_for(key: str) -> CellStyle:
    if key.startswith("interview.") and key.endswith(".mean"):
        return SCORE
    if key.endswith(("median_days", "mean_days", "p90_days", ".median")):
        return DAYS
    return COUNT


_DERIVED: dict[tuple[str, int], tuple[CellStyle, CellStyle]] = {}


def _derived(kind: str, style: CellStyle) -> CellStyle | None:
    """A cached variant of a module-level style (checked by identity, not just id)."""
    found = _DERIVED.get((kind, id(style)))
    return found[1] if found is not None and found[0] is style else None


def _bold(style: CellStyle) -> CellStyle:
    """The total-row variant of a value style (bold, rule above)."""
    found = _derived("bold", style)
    if found is None:
        found = CellStyle(font=_font(bold=True, color=style.font.color if style.font else None),
                          fill=style.fill, alignment=style.alignment,
                          border=Border(top=_dark_rule, bottom=_thin_rule),
                          number_format=style.number_format)
        _DERIVED[("bold", id(style))] = (style, found)
    return found


def _plain(style: CellStyle) -> CellStyle:
    """The number format of ``style`` without borders (inside an Excel table)."""
    found = _derived("plain", style)
    if found is None:
        horizontal = style.alignment.horizontal if style.alignment else None
        found = CellStyle(font=style.font,
                          alignment=Alignment(vertical="top", horizontal=horizontal),
                          number_format=style.number_format)
        _DERIVED[("plain", id(style))] = (style, found)
    return found


def _short_range(first: date, last: date) -> str:
    """``01-07 t/m 30-09-2025``: the year once when both dates share it."""
    if first.year == last.year:
        return f"{first.strftime('%d-%m')} t/m {nl_date(last)}"
    return f"{nl_date(first)} t/m {nl_date(last)}"


def _age_label(suffix: str) -> str:
    return {"0_4w": "0 tot 4 weken", "4_8w": "4 tot 8 weken", "8_13w": "8 tot 13 weken",
            "13_26w": "13 tot 26 weken", "26w_plus": "26 weken of langer"}[suffix]


def _terms(reg: Register, suppress: int | None) -> list[tuple[str, str]]:
    norm = reg.settings.leadtime_norm_days
    return [
        ("Periode", "De gekozen dagen, begin- en einddatum meegeteld. Standaard de laatste "
                    "volledige ISO-week (maandag tot en met zondag)."),
        ("Jaar tot nu", "Van 1 januari van het jaar van de einddatum tot en met de "
                        "einddatum."),
        ("Stand op de einddatum", "Het register zoals het op de laatste dag van de periode "
                                  "stond: alleen stappen met een datum tot en met die dag, "
                                  "met de correcties en intrekkingen die nu bekend zijn. "
                                  "Openstaand, te trieren en termijnen zijn zo'n stand; "
                                  "daarom zijn de kolommen periode en jaar tot nu daar gelijk."),
        ("In de periode", "De datum van de stap (bijvoorbeeld de datum van ontvangst of "
                          "van het besluit) valt in de periode."),
        ("Casus", "Een vastgelopen zaak van een burger of ondernemer, aangedragen door een "
                  "maatschappelijke partner, de Belastingdienst, Dienst Toeslagen of de IBTD."),
        ("Instroom", "Casussen met een datum van ontvangst in de periode."),
        ("Triage", "Het besluit van afdeling I: in behandeling nemen, doorverwijzen of niet "
                   "in behandeling nemen."),
        ("Zienswijze", "Een brief van de Belangenbehartiger aan de dienst met een "
                       "redelijker oplossing. De dienst die haar niet volgt, zegt schriftelijk "
                       "waarom."),
        ("Rappel", "Een herinnering aan de dienst om op een zienswijze te reageren."),
        ("Escalatie", "Een heroverwegingsverzoek binnen de dienst, van teamleider tot "
                      "directeur-generaal (doorzettingsmacht)."),
        ("Oplosroute", "Zonder escalatie of na escalatie: na escalatie als er op of vóór de "
                       "afronding minstens één escalatie was."),
        ("Opgelost", "Afgerond met uitkomst opgelost of deels opgelost."),
        ("Pauzeknop", "Lopende procedures bij de dienst gepauzeerd, met instemming van de "
                      "burger. Een pauze loopt tot de hervatting of tot de afronding."),
        ("Bruto doorlooptijd", "Kalenderdagen van ontvangst tot de (laatste) afronding: wat "
                               "de burger wachtte."),
        ("Netto doorlooptijd", "De bruto doorlooptijd min de dagen met de pauzeknop; alleen "
                               "ter vergelijking."),
        ("Eigen interne norm", f"De eigen, interne norm van het bureau voor de bruto "
                               f"doorlooptijd (een instelling, geen wettelijke termijn): nu "
                               f"{norm} dagen."),
        ("Openstaand", "In behandeling op de einddatum."),
        ("Leeftijd van een openstaande casus", "Dagen van ontvangst tot de einddatum, in "
                                               "groepen: 0-27, 28-55, 56-90, 91-181 en 182 "
                                               "dagen of meer."),
        ("Termijn", "Een wettelijke of afgesproken termijn van een casus (bezwaar, beroep, "
                    "beslis- of betalingstermijn). Verlopen: de laatste dag ligt vóór de "
                    "einddatum en de termijn is niet afgemeld."),
        ("Rapportcijfer", "Het cijfer van 1 tot en met 10 dat burger en aandrager in het "
                          "eindgesprek geven."),
        ("Signaal", "Een patroon dat de Belangenbehartiger doorgeeft aan wetgever, diensten "
                    "of IBTD, bijvoorbeeld via het KSMS van de Belastingdienst."),
        ("Mediaan", "De middelste waarde; bij een even aantal het gemiddelde van de twee "
                    "middelste (zoals MEDIAAN en PERCENTIEL.INC in Excel)."),
        ("90e percentiel", "De waarde waar 90% van de waarden op of onder ligt, met lineaire "
                           "interpolatie (PERCENTIEL.INC)."),
        ("Afronding", "Dagen op 1 decimaal, gemiddelde rapportcijfers op 2 decimalen, half "
                      "naar boven (zoals AFRONDEN in Excel). Een maat over niets is leeg."),
        ("Tellen", "Een casus over twee diensten of met meer onderwerpen telt bij elk "
                   "daarvan; in de totalen één keer."),
        ("Afscherming kleine aantallen",
         "Geen in deze werkmap." if suppress is None else
         f"Aantallen van 1 tot en met {suppress - 1} staan als '< {suppress}'."),
        ("Gepseudonimiseerd", "Rijen per casus bevatten alleen codes, datums en getallen, "
                              "geen namen, BSN's of contactgegevens. Met het casusnummer is "
                              "de casus in het register terug te vinden: daarom is deze "
                              "werkmap vertrouwelijk."),
    ]


@dataclass(frozen=True, slots=True)
class _Column:
    header: str
    source: str  # a codelist name, or id / date / yesno / number (for the width)
    definition: str


def _case_columns(cl: Codelists) -> list[_Column]:
    """The Casussen columns of METRICS.md, in its order, with what each one means."""
    c = _Column
    return [
        c("Casusnummer", "id",
          "Het casusnummer (JJJJ-APP-NNNN): jaar van ontvangst, apparaatcode, volgnummer."),
        c("Ontvangen op", "date", "Datum waarop de casus binnenkwam."),
        c("Route", "route", "Langs welke route de casus binnenkwam."),
        c("Soort aandrager", "partner_type", "Welke soort aandrager de casus bracht."),
        *[c(f"Betreft {cl.label('service', s)}", "yesno",
            f"Ja als de casus (ook) de {cl.label('service', s)} betreft.")
          for s in cl.keys("service")],
        c("Doelgroep", "target_group", "Burger, zzp'er, mkb-ondernemer of overig."),
        c("Multiproblematiek", "yesno", "Ja als bij de aanmelding multiproblematiek is "
                                        "aangegeven."),
        c("Spoed", "yesno", "Ja als de casus met spoed is aangemeld."),
        c("Bekend bij de dienst", "known_to_service",
          "Was het probleem al bekend bij de dienst (ja, nee, onbekend)?"),
        c("Ordegrootte vordering", "claim_band", "Ordegrootte van de vordering."),
        c("Triagedatum", "date",
          "Datum van het triagebesluit (leeg: op de einddatum nog niet getrieerd)."),
        c("Triagebesluit", "triage_decision", "Het triagebesluit."),
        c("Reden triagebesluit", "triage_reason", "De reden van het triagebesluit."),
        c("Doorverwezen naar", "referred_to", "Bij doorverwijzen: naar wie."),
        c("Eerste zienswijze", "date", "Datum van de eerste zienswijze aan een dienst."),
        c("Laatste reactie dienst", "service_response",
          "Het antwoord in de laatste reactie van een dienst op een zienswijze."),
        c("Hoogste escalatieniveau", "escalation_level",
          "Het hoogste niveau waarop is geëscaleerd."),
        c("Dagen gepauzeerd", "number",
          "Dagen met de pauzeknop; een pauze die nog loopt telt tot de einddatum."),
        c("Afgerond op", "date",
          "Datum van de afronding (leeg als de casus op de einddatum niet is afgerond)."),
        c("Uitkomst", "outcome", "Uitkomst van de afronding."),
        c("Oplosroute", "resolution_path", "Zonder of na escalatie."),
        *[c(f"Bevoegdheid {cl.label('power', p)}", "yesno",
            f"Ja als bij de afronding de bevoegdheid '{cl.label('power', p)}' is gebruikt "
            "(leeg als de casus niet is afgerond).") for p in cl.keys("power")],
        c("Bevoegdheden toereikend", "powers_sufficient",
          "Waren de bevoegdheden toereikend (ja, deels, nee)?"),
        c("Bruto doorlooptijd (dagen)", "number", "Kalenderdagen van ontvangst tot afronding."),
        c("Netto doorlooptijd (dagen)", "number",
          "Bruto doorlooptijd min de gepauzeerde dagen."),
        c("Rapportcijfer burger", "number",
          "Rapportcijfer van de burger in het (laatste) eindgesprek."),
        c("Rapportcijfer aandrager", "number",
          "Rapportcijfer van de aandrager in het (laatste) eindgesprek."),
    ]


# ---------------------------------------------------------------------------
# The entry point


def _lint_titles(signals: Sequence[SignalRecord]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for s in signals:
        kinds = sorted({KIND_LABELS.get(f.kind, f.kind) for f in lint_text(s.title)})
        found += [(s.number, kind) for kind in kinds]
    return found


def write_evaluation(
    reg: Register,
    start: date,
    end: date,
    out: Path,
    *,
    suppress_below: int | None = None,
    progress: Progress | None = None,
    override_lint: str | None = None,
    temp_dir: Path | None = None,
) -> WorkbookSummary:
    """Write the evaluation workbook of METRICS.md for ``[start, end]`` to ``out``.

    Runs with the cyclic collector paused (app.model.bulk): the events, folds and
    cells are hundreds of thousands of short-lived objects without cycles.
    """
    with paused_gc():
        return _write_evaluation(reg, start, end, out, suppress_below=suppress_below,
                                 progress=progress, override_lint=override_lint,
                                 temp_dir=temp_dir)


def _write_evaluation(
    reg: Register,
    start: date,
    end: date,
    out: Path,
    *,
    suppress_below: int | None = None,
    progress: Progress | None = None,
    override_lint: str | None = None,
    temp_dir: Path | None = None,
) -> WorkbookSummary:
    """The body of write_evaluation.

    ``suppress_below=N`` shows counts from 1 to N-1 as "< N" and leaves the per-case
    sheets empty (default: no suppression, METRICS.md). ``override_lint`` is the
    audited reason to go on when a signal title trips the personal-data lint;
    without it such a title raises ``LintStopped`` and nothing is written.
    ``temp_dir`` replaces ``paths.temp_dir()`` for openpyxl's temp files (tests).
    Raises ``UserError`` for a reversed period, a bad suppression value, a name that
    is not ``.xlsx`` or a file that cannot be written (open in Excel, no access).
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    def step(percent: int, text: str) -> None:
        if progress is not None:
            progress(percent, text)

    check_period(start, end)
    if suppress_below is not None and suppress_below < 2:
        raise UserError("Afschermen van kleine aantallen kan vanaf 2 (bijvoorbeeld 5).")
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"De werkmap moet op .xlsx eindigen, niet '{out.name}'.")

    step(0, "Stappen lezen")
    cases, signals = reg.grouped_events()
    read_counts = {"events": sum(len(e) for e in cases) + sum(len(e) for e in signals),
                   "cases": len(cases), "signals": len(signals)}
    timings["read"] = time.perf_counter() - t0

    step(15, "Cijfers berekenen")
    t = time.perf_counter()
    folded = fold_register(cases, signals, end)  # one fold serves figures and rows
    read_counts["destroyed"] = sum(1 for st in folded.cases if st.destroyed)
    fig = figures_from_fold(reg, folded, start)
    weekly = weekly_intake_of(cases, end.year, end)
    timings["figures"] = time.perf_counter() - t

    step(45, "Casussen en signalen samenvatten")
    t = time.perf_counter()
    cl = reg.codelists
    records = [r for st in folded.cases if (r := record_of_case(st, end, cl)) is not None]
    records.sort(key=lambda r: (r.received_on, r.number))
    signal_rows = [s for st in folded.signals if (s := signal_record(st)) is not None]
    signal_rows.sort(key=lambda s: s.number)
    del cases, signals, folded  # the events are the bulk of the memory; the file needs none
    timings["fold"] = time.perf_counter() - t

    findings = _lint_titles(signal_rows)
    if findings and not override_lint:
        reg.audit("export_evaluation", f"{start}..{end} -> {out}", "gestopt: persoonsgegevens")
        raise LintStopped(findings)
    if findings:
        reg.audit("override_lint", f"export_evaluation {start}..{end}: {override_lint}",
                  f"{len(findings)} bevindingen")
        lint_note = (f"{len(findings)} bevinding(en) in signaaltitels; doorgezet, de reden "
                     "staat in de audit")
    else:
        lint_note = "Geen bevindingen in de signaaltitels"

    generated_at = _local_now()
    out = out.expanduser()
    existing_folder(out.parent)

    step(55, "Werkmap opbouwen")
    t = time.perf_counter()
    tmp: Path | None = None
    writer: _EvaluationWriter | None = None
    try:
        with owned_temp_dir(temp_dir):
            try:
                writer = _EvaluationWriter(reg, fig, records, signal_rows, weekly,
                                           suppress_below, generated_at, read_counts,
                                           lint_note)
                wb = writer.write()
                timings["sheets"] = time.perf_counter() - t
                step(85, "Bestand opslaan")
                t = time.perf_counter()
                fd, name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=".xlsx.tmp",
                                            dir=out.parent)
                os.close(fd)
                tmp = Path(name)
                wb.save(tmp)
            except BaseException:
                if writer is not None:
                    _close_sheets(writer.wb)
                raise
            replace_file(tmp, out)
            tmp = None
            timings["save"] = time.perf_counter() - t
    except OSError as exc:
        _audit_failure(reg, start, end, out, exc)
        raise UserError(f"Kan {out} niet schrijven ({describe_os_error(exc)}). Is het "
                        "bestand geopend in Excel?") from None
    except BaseException as exc:
        _audit_failure(reg, start, end, out, exc)
        raise
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)

    reg.audit("export_evaluation", f"{start}..{end} -> {out}",
              "ok" if suppress_below is None else f"ok, afgeschermd onder {suppress_below}")
    timings["total"] = time.perf_counter() - t0
    step(100, "Klaar")
    return WorkbookSummary(
        path=out,
        start=start,
        end=end,
        sheets=SHEETS,
        case_rows=len(records) if suppress_below is None else 0,
        topic_rows=writer.topic_rows,
        signal_rows=len(signal_rows),
        events_read=read_counts["events"],
        suppress_below=suppress_below,
        lint_findings=len(findings),
        generated_at=generated_at,
        timings=timings,
    )


def _close_sheets(wb: Workbook) -> None:
    """Finish every write-only sheet of an abandoned workbook.

    Each sheet holds its temp file open until it is closed; on Windows an open file
    cannot be deleted, so the owned folder could not be emptied of that plain text.
    """
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            if not ws.closed:
                ws.close()


def _audit_failure(reg: Register, start: date, end: date, out: Path,
                   exc: BaseException) -> None:
    """Record a failed export; never let the audit hide the original error."""
    with contextlib.suppress(Exception):  # the register itself may be in trouble
        reg.audit("export_evaluation", f"{start}..{end} -> {out}",
                  f"mislukt: {type(exc).__name__}")


__all__ = [
    "CLASSIFICATION",
    "SHEETS",
    "CaseRecord",
    "LintStopped",
    "SignalRecord",
    "WorkbookSummary",
    "case_record",
    "cross_tables",
    "signal_record",
    "write_evaluation",
]
