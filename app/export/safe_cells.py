"""The one place where a value from the register becomes a spreadsheet cell.

Why this exists (docs/SECURITY.md, docs/DOMAIN.md): a signal title, an office-edited codelist
label or any other string from data ends up in a workbook that evaluators open in
Excel. openpyxl stores any string that starts with ``=`` as a formula, and Excel
evaluates ``=HYPERLINK(...)``, ``+1``, ``-1+1``, ``@SUM(1)`` when a cell is edited or
the data is re-imported (OWASP ASVS 1.2.10 lists ``= + - @``, tab, carriage return
and NUL as the dangerous leading characters). So every string here is stored as a
string cell (``data_type = "s"``, set *after* assigning the value, docs/PLATFORM.md) holding
the value unchanged; a string with a dangerous lead also gets Excel's quote prefix so
that editing the cell in Excel keeps it text. Characters XML 1.0 cannot carry (NUL and
the other C0 controls except tab, line feed and carriage return; lone surrogates;
U+FFFE, U+FFFF) are dropped, because openpyxl would refuse them and a file with them
is corrupt. A carriage return is written as a line feed (what XML makes of it anyway).
Excel's cell limit of 32,767 characters is enforced for the same reason.

Dates become real date cells with ``DD-MM-YYYY`` so they sort and filter as dates;
counts stay numbers so a pivot can sum them; ``None`` is an empty cell. Anything else
(lists, dicts) is refused: one value per cell is what makes a sheet pivot-ready.

Performance: styles are resolved to openpyxl's style array once per workbook and
handed to each new cell through ``Cell(..., style_array=...)``, instead of looking up
font, fill, border and alignment for every one of 300,000 cells.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill
from openpyxl.styles.cell_style import StyleArray

DATE_FORMAT = "DD-MM-YYYY"
DATETIME_FORMAT = "DD-MM-YYYY HH:MM"
COUNT_FORMAT = "#,##0"
DAYS_FORMAT = "0.0"
SCORE_FORMAT = "0.00"
PERCENT_FORMAT = "0%"

#: Excel's limit for the text of one cell.
MAX_TEXT = 32_767

#: Leading characters that make a spreadsheet program treat text as a formula or a
#: command (OWASP ASVS 1.2.10, plus line feed, which some importers treat like CR).
RISKY_LEADS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n", "\x00")

#: What clean_text would change: XML-illegal characters and carriage returns.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

CellValue = str | int | float | bool | date | datetime | time | Decimal | None


def clean_text(value: str) -> str:
    """``value`` without characters an XLSX file cannot hold, cut to Excel's limit.

    A carriage return becomes a line feed: XML parsers (Excel's included) normalise a
    raw CR in element text to LF anyway, so writing it as LF makes the file say what
    every reader will see.
    """
    text = _ILLEGAL.sub("", value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT - 1] + "…"
    return text


def is_risky(value: str) -> bool:
    """True when ``value`` starts like a formula or command (before cleaning)."""
    return value.startswith(RISKY_LEADS)


@dataclass(eq=False)
class CellStyle:
    """A cell's look, resolved to openpyxl's style array once per workbook.

    The objects are openpyxl's own (Font, PatternFill, Alignment, Border) so the
    workbook module reads like any openpyxl code; ``array_for`` caches the ids the
    workbook assigned to them.
    """

    font: Font | None = None
    fill: PatternFill | None = None
    alignment: Alignment | None = None
    border: Border | None = None
    number_format: str | None = None
    _arrays: weakref.WeakKeyDictionary[Any, StyleArray] = field(
        default_factory=weakref.WeakKeyDictionary, repr=False)
    _variants: dict[str, CellStyle] = field(default_factory=dict, repr=False)

    def with_format(self, number_format: str) -> CellStyle:
        """The same look with another number format (cached, so it resolves once)."""
        variant = self._variants.get(number_format)
        if variant is None:
            variant = CellStyle(self.font, self.fill, self.alignment, self.border,
                                number_format)
            self._variants[number_format] = variant
        return variant

    def apply(self, cell: Cell) -> None:
        if self.font is not None:
            cell.font = self.font
        if self.fill is not None:
            cell.fill = self.fill
        if self.alignment is not None:
            cell.alignment = self.alignment
        if self.border is not None:
            cell.border = self.border
        if self.number_format is not None:
            cell.number_format = self.number_format

    def array_for(self, ws: Any) -> StyleArray:
        """The style ids in ``ws``'s workbook (keyed weakly: workbooks come and go)."""
        workbook = ws.parent
        array = self._arrays.get(workbook)
        if array is None:
            scratch = Cell(ws, row=1, column=1)
            self.apply(scratch)
            array = scratch._style if scratch._style is not None else StyleArray()
            self._arrays[workbook] = array
        return array


_DATE = CellStyle(number_format=DATE_FORMAT)
_DATETIME = CellStyle(number_format=DATETIME_FORMAT)


def _new_cell(ws: Any, style: CellStyle | None) -> Cell:
    # row/column 1 as openpyxl's WriteOnlyCell does: the sheet sets the real ones.
    if style is None:
        return Cell(ws, row=1, column=1)
    return Cell(ws, row=1, column=1, style_array=style.array_for(ws))


def text_cell(ws: Any, value: str, style: CellStyle | None = None) -> Cell | str | None:
    """A string cell holding ``value`` as text, never as a formula.

    An unstyled string that openpyxl is certain to store as text (no risky lead, so
    in particular no ``=``, not one of Excel's error literals such as ``#N/A``, nothing
    to clean) is returned as the plain ``str``: the write-only sheet then writes it
    through its own reused cell. Handing it a ``Cell`` costs openpyxl a failed
    conversion and a ``repr`` per cell, a third of the time of a 10,000-case sheet.
    """
    if (style is None and value and not value.startswith(RISKY_LEADS)
            and value not in ERROR_CODES and len(value) <= MAX_TEXT
            and _UNSAFE.search(value) is None):
        return value
    text = clean_text(value)
    if not text:
        return None if style is None else _new_cell(ws, style)
    cell = _new_cell(ws, style)
    cell.value = text
    cell.data_type = "s"  # after the value: the setter made '=...' a formula
    if is_risky(value):
        cell.quotePrefix = True
    return cell


def cell(ws: Any, value: CellValue, style: CellStyle | None = None
         ) -> Cell | str | int | float | None:
    """What to append to a write-only sheet for ``value``.

    Plain numbers and ``None`` without a style are returned as they are (openpyxl
    writes them as numbers and empty cells), and so are strings that cannot turn into
    anything but text (see ``text_cell``); everything else becomes a ``Cell``.
    """
    if value is None:
        return None if style is None else _new_cell(ws, style)
    if isinstance(value, str):
        return text_cell(ws, value, style)
    if isinstance(value, bool):
        out = _new_cell(ws, style)
        out.value = value
        return out
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, int | float):
        if style is None:
            return value
        out = _new_cell(ws, style)
        out.value = value
        return out
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            raise TypeError("een tijdstip met tijdzone kan niet in een cel; maak het lokaal")
        out = _new_cell(ws, _with_default_format(style, DATETIME_FORMAT, _DATETIME))
        out.value = value
        return out
    if isinstance(value, date):
        out = _new_cell(ws, _with_default_format(style, DATE_FORMAT, _DATE))
        out.value = value
        return out
    if isinstance(value, time):
        out = _new_cell(ws, style)
        out.value = value
        return out
    raise TypeError(f"één waarde per cel: {type(value).__name__} kan niet in een cel")


def _with_default_format(style: CellStyle | None, number_format: str,
                         fallback: CellStyle) -> CellStyle:
    if style is None:
        return fallback
    if style.number_format is None:
        return style.with_format(number_format)
    return style


def date_column(ws: Any, style: CellStyle | None = None) -> Callable[[date | None], Any]:
    """Date cells for one column of a write-only sheet, made once and reused.

    A write-only sheet writes a row the moment it is appended, so the same styled cell
    can carry the next row's date: 10,000 rows then cost one ``Cell`` per date column
    instead of one per row. Use it for one column of one write-only sheet only.
    """
    cell = _new_cell(ws, _with_default_format(style, DATE_FORMAT, _DATE))

    def convert(value: date | None) -> Any:
        if value is None:
            return None
        if isinstance(value, datetime):
            raise TypeError("een datumkolom verwacht datums, geen tijdstippen")
        cell.value = value
        return cell
    return convert


def set_value(target: Cell, value: CellValue, style: CellStyle | None = None) -> Cell:
    """The same rules for a cell of an ordinary (not write-only) worksheet."""
    made = cell(target.parent, value, style)
    if isinstance(made, Cell):
        target._value = made._value
        target.data_type = made.data_type
        target._style = made._style
    else:
        target.value = made
    return target


def row(ws: Any, values: list[CellValue], style: CellStyle | None = None,
        styles: list[CellStyle | None] | None = None
        ) -> list[Cell | str | int | float | None]:
    """A whole row for ``ws.append``; ``styles`` (per column) wins over ``style``."""
    if styles is None:
        return [cell(ws, v, style) for v in values]
    return [cell(ws, v, s if s is not None else style) for v, s in zip(values, styles,
                                                                         strict=True)]


__all__ = [
    "COUNT_FORMAT",
    "DATETIME_FORMAT",
    "DATE_FORMAT",
    "DAYS_FORMAT",
    "MAX_TEXT",
    "PERCENT_FORMAT",
    "RISKY_LEADS",
    "SCORE_FORMAT",
    "CellStyle",
    "CellValue",
    "cell",
    "clean_text",
    "date_column",
    "is_risky",
    "row",
    "set_value",
    "text_cell",
]
