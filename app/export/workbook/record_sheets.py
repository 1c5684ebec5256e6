"""The per-case sheets: Casussen (one row per case) and Onderwerpen (one per topic).

These are nearly all of the workbook's cells (10,000 cases x 30 columns), so they are
written differently from the summary sheets: what a column holds is known up front
(``case_columns``), so its conversion is chosen once per column (a label per code, "Ja"
or "Nee", a date cell, a number as it is) and every label goes through ``safe_cells``
once, not once per cell. Plain values need no style and are handed to openpyxl as
they are; only dates become styled cells (DD-MM-YYYY). With suppression asked, both
sheets stay empty: rows per case would undo it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from app.export import safe_cells as sc
from app.export.sheet_layout import pages_wide
from app.export.workbook.book import Book
from app.export.workbook.sheet import add_table, unique_names
from app.export.workbook.styles import NOTE, TABLE_DATE, TABLE_HEAD
from app.model.case_records import DATE, ID, NUMBER, YESNO, case_columns, case_row
from app.model.codelists import Codelists

Convert = Callable[[Any], Any]


def case_headers(book: Book) -> list[str]:
    return unique_names(c.header for c in case_columns(book.cl))


def case_widths(book: Book) -> list[float]:
    """Wide enough for the longest label of the column's codelist and for the header
    in at most three lines, and never wider than 44."""
    out: list[float] = []
    for column, header in zip(case_columns(book.cl), case_headers(book), strict=True):
        content = {ID: 14.0, DATE: 12.0, YESNO: 6.0, NUMBER: 7.0}.get(column.source)
        if content is None:
            labels = [book.cl.label(column.source, k) for k in book.cl.keys(column.source)]
            content = float(max((len(x) for x in labels), default=8)) + 1
        words = max(len(w) for w in header.split())
        out.append(min(44.0, max(content + 1, words + 2.5, len(header) / 3 + 3)))
    return out


class _Labels(dict[Any, Any]):
    """Code -> its label as a safe cell value, converted the first time it is asked."""

    def __init__(self, ws: Any, cl: Codelists, list_name: str) -> None:
        super().__init__({None: None, "": None})
        self.ws, self.cl, self.list_name = ws, cl, list_name

    def __missing__(self, key: Any) -> Any:
        value = self[key] = sc.cell(self.ws, self.cl.label(self.list_name, str(key)))
        return value


def _converters(book: Book, ws: Any) -> list[Convert | None]:
    """One conversion per Casussen column (None: the value is written as it is)."""
    yes_no = {True: "Ja", False: "Nee", None: None}.__getitem__
    out: list[Convert | None] = []
    for column in case_columns(book.cl):
        if column.source == ID:
            out.append(lambda v: sc.cell(ws, v))
        elif column.source == DATE:
            out.append(sc.date_column(ws, TABLE_DATE))
        elif column.source == YESNO:
            out.append(yes_no)
        elif column.source == NUMBER:
            out.append(None)
        else:
            out.append(_Labels(ws, book.cl, column.source).__getitem__)
    return out


def cases_sheet(book: Book) -> None:
    headers = case_headers(book)
    widths = case_widths(book)
    sh = book.new_sheet("Casussen", widths, gridlines=True, freeze="B2", title_rows="1:1",
                        title_cols="A:A", pages_wide=pages_wide(widths, repeated=widths[0]))
    head_row = sh.head(headers, TABLE_HEAD, least=30)
    if book.suppress is not None:
        sh.put([None] * len(headers))
        add_table(sh.ws, "Casussen", headers, head_row, sh.n)
        sh.blank()
        sh.put([f"Leeg gelaten: kleine aantallen worden afgeschermd (onder "
                f"{book.suppress}); rijen per casus zouden dat ongedaan maken."], NOTE)
        return
    ws = sh.ws
    services, powers = book.cl.keys("service"), book.cl.keys("power")
    converters = _converters(book, ws)
    append = ws.append
    for r in book.records:
        raw = case_row(r, services, powers)
        append([v if c is None else c(v) for c, v in zip(converters, raw, strict=True)])
    sh.n += len(book.records)
    if not book.records:
        sh.put([None] * len(headers))
    add_table(ws, "Casussen", headers, head_row, sh.n)


def topics_sheet(book: Book) -> None:
    sh = book.new_sheet("Onderwerpen", [16, 36], gridlines=True, freeze="A2",
                        title_rows="1:1")
    headers = ["Casusnummer", "Onderwerp"]
    head_row = sh.head(headers, TABLE_HEAD, least=30)
    if book.suppress is None:
        ws = sh.ws
        append = ws.append
        topic = _Labels(ws, book.cl, "topic").__getitem__
        for r in book.records:
            if r.topics:
                number = sc.cell(ws, r.number)
                for t in r.topics:
                    append([number, topic(t)])
                book.topic_rows += len(r.topics)
        sh.n += book.topic_rows
    if book.topic_rows == 0:
        sh.put([None, None])
    add_table(sh.ws, "Onderwerpen", headers, head_row, sh.n)
    if book.suppress is not None:
        sh.blank()
        sh.put(["Leeg gelaten: kleine aantallen worden afgeschermd."], NOTE)
