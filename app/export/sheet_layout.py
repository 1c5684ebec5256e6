"""How a sheet prints: A4 landscape, fitted across, its heads on every page.

Both spreadsheets the program writes (the evaluation workbook and signalen.xlsx) are
printed for meetings, and LibreOffice, which many evaluators use, measures nothing
itself when it opens an .xlsx: a row without a height stays one line high and hides
the rest of a wrapped text. So the program estimates row heights and sets the page up
in one place (issue 11, item 34).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

#: Column-width units across an A4 landscape page between 0.5" margins at 100%
#: (Calibri 11: about 7 pixels a unit plus 5 of padding per column, 96 pixels an inch).
A4_LANDSCAPE_UNITS = 125.0
#: Points per line of Calibri 11, and a little air under the last line.
LINE_POINTS = 14.5


def wrapped_lines(value: Any, width: float) -> int:
    """Lines a wrapped text needs in a column of ``width`` (Excel's character units).

    Calibri 11 fits about 1.2 characters per unit, less a little for word breaks.
    """
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(1, int(width * 1.2) - 3)
    return sum(max(1, -(-len(part) // per_line)) for part in value.split("\n"))


def row_height(values: Sequence[Any], widths: Sequence[float], *, bold: bool = False
               ) -> float | None:
    """The height a row of wrapped cells needs, or None for a single line."""
    lines = max((wrapped_lines(v, w * (0.9 if bold else 1.0))
                 for v, w in zip(values, widths, strict=False)), default=1)
    return LINE_POINTS * lines + 1 if lines > 1 else None


def pages_wide(widths: Sequence[float], *, repeated: float = 0.0,
               smallest_scale: float = 0.7) -> int:
    """The fewest pages across on which a wide table prints at ``smallest_scale`` or
    larger, with the ``repeated`` width (a printed title column) on every page."""
    per_page = (A4_LANDSCAPE_UNITS - repeated) / smallest_scale
    rest = sum(widths) - repeated
    return max(1, -(-int(rest) // int(per_page)))


def a4_landscape(ws: Any, *, pages_wide: int = 1, title_rows: str | None = None,
                 title_cols: str | None = None, header_left: str = "&A",
                 header_right: str = "", header_colour: str | None = None,
                 footer_left: str = "") -> None:
    """A4 landscape, ``pages_wide`` pages across and as many down as needed, the
    ``title_rows`` (and ``title_cols``) repeated on every page, a running head and
    page numbers. The top margin leaves the running head room above the first row."""
    setup = ws.page_setup
    setup.orientation = "landscape"
    setup.paperSize = 9  # A4
    setup.fitToWidth = pages_wide
    setup.fitToHeight = 0
    if pages_wide > 1:  # the pages of one block of rows follow each other
        setup.pageOrder = "overThenDown"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    if title_cols:
        ws.print_title_cols = title_cols
    margins = ws.page_margins
    margins.left = margins.right = 0.5
    margins.top = margins.bottom = 0.8
    margins.header = margins.footer = 0.3
    ws.print_options.horizontalCentered = False
    hf = ws.HeaderFooter
    hf.oddHeader.left.text = header_left
    if header_right:
        hf.oddHeader.right.text = header_right
        if header_colour:
            hf.oddHeader.right.color = header_colour
    if footer_left:
        hf.oddFooter.left.text = footer_left
    hf.oddFooter.right.text = "Pagina &P van &N"


__all__ = ["A4_LANDSCAPE_UNITS", "a4_landscape", "pages_wide", "row_height",
           "wrapped_lines"]
