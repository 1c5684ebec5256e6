"""Write-only sheets that know their row, their look and their printed page.

openpyxl's write-only mode keeps 10,000 case rows cheap (docs/PLATFORM.md: 25 MB instead of
351 MB for a million cells), and its rules drive this module: rows are appended top to
bottom; column widths, frozen panes, row heights and print setup are set before the
first row; tables get their columns by hand; styled cells are ``Cell`` objects made by
``safe_cells``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.chart.series import SeriesLabel
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from app.export import safe_cells as sc
from app.export.safe_cells import CellStyle
from app.export.sheet_layout import a4_landscape, row_height, wrapped_lines
from app.export.workbook.styles import SERIES_COLOURS, TABLE_STYLE

CLASSIFICATION = "Vertrouwelijk: gepseudonimiseerde gegevens"
MetricValue = int | float | None


class Sheet:
    """A write-only sheet that knows its row number and its look.

    Everything a write-only sheet needs before its first row (widths, frozen panes,
    gridlines, print setup) happens in the constructor.
    """

    def __init__(self, wb: Workbook, title: str, widths: Sequence[float], *,
                 gridlines: bool = False, freeze: str | None = None,
                 title_rows: str | None = None, title_cols: str | None = None,
                 pages_wide: int = 1, period_text: str = "") -> None:
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
        a4_landscape(ws, pages_wide=pages_wide, title_rows=title_rows, title_cols=title_cols,
                     header_right=CLASSIFICATION, header_colour="C00000",
                     footer_left=period_text)

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
            lines = max(wrapped_lines(values[i], self.widths[i]) for i in wrap)
            height = 15.0 * lines + 1 if lines > 1 else None
        if isinstance(styles, CellStyle) or styles is None:
            made = [sc.cell(self.ws, v, styles) for v in values]
        else:
            made = [sc.cell(self.ws, v, s) for v, s in zip(values, styles, strict=True)]
        return self.add(made, height)

    def head(self, values: Sequence[Any], styles: Sequence[CellStyle | None] | CellStyle,
             *, least: float = 20.0) -> int:
        """Append a header row as high as its wrapped, bold labels need (a fixed height
        cut "Periode / 01-01 t/m 31-12-2025" off where Excel wraps it to three lines)."""
        return self.put(values, styles, height=max(least, row_height(values, self.widths,
                                                                     bold=True) or 0))

    def blank(self, rows: int = 1) -> None:
        for _ in range(rows):
            self.add()

    def skip_to(self, row: int) -> None:
        """Leave empty rows until the next row written is ``row`` (below a chart)."""
        while self.n < row - 1:
            self.add()


def turned_height(labels: Sequence[str]) -> float:
    """Row height for headers turned 90 degrees: the longest word must fit, and a long
    label may take two lines (about 6.3 points per character of bold Calibri 11)."""
    need = max((max(max((len(w) for w in x.split()), default=0), -(-len(x) // 2))
                for x in labels), default=8)
    return min(170.0, need * 6.3 + 12)


def chart_rows(height_cm: float) -> int:
    """Rows of 15 points a chart of ``height_cm`` covers, rounded up, plus a margin."""
    return int(height_cm / 0.529) + 2


def style_axes(chart: Any, y_title: str | None = None, x_title: str | None = None, *,
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


def categories_down(chart: Any) -> None:
    """A horizontal bar chart read top to bottom: the first category on top, the value
    axis at the bottom under its title, and every category labelled (Excel skips
    labels it finds crowded, and a skipped age bucket reads as a missing one)."""
    chart.x_axis.scaling.orientation = "maxMin"
    chart.x_axis.tickLblSkip = 1
    chart.x_axis.tickMarkSkip = 1
    chart.y_axis.crosses = "max"


def colour_series(chart: Any, *, line: bool = False) -> None:
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


def unique_names(names: Iterable[str]) -> list[str]:
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


def add_table(ws: Any, name: str, headers: Sequence[str], first_row: int, last_row: int,
               first_col: int = 1) -> Table:
    """An Excel table over rows already written, with its columns set by hand.

    Write-only sheets cannot be read back, so openpyxl cannot name the columns from
    the header cells (docs/PLATFORM.md). A table needs at least one data row; the caller
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



def series_title(text: str) -> Any:
    return SeriesLabel(v=text)


def peak_of(values: Iterable[MetricValue]) -> float:
    return max((v for v in values if isinstance(v, int | float)), default=0)

