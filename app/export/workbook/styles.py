"""The workbook's look: the Rijkshuisstijl's dark blue for headers, quiet grey for notes.

Every style is a ``safe_cells.CellStyle`` resolved once per workbook; the sheets name
them, never build a Font or a Border of their own, so the eleven sheets look alike.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from app.export import safe_cells as sc
from app.export.safe_cells import CellStyle

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


def is_count(key: str) -> bool:
    """A catalogue key that counts (the rest are days, medians and means)."""
    return not key.endswith(("_days", ".median", ".mean"))


def style_for(key: str) -> CellStyle:
    """The number format a catalogue figure is shown with."""
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


def bold(style: CellStyle) -> CellStyle:
    """The total-row variant of a value style (bold, rule above)."""
    found = _derived("bold", style)
    if found is None:
        found = CellStyle(font=_font(bold=True, color=style.font.color if style.font else None),
                          fill=style.fill, alignment=style.alignment,
                          border=Border(top=_dark_rule, bottom=_thin_rule),
                          number_format=style.number_format)
        _DERIVED[("bold", id(style))] = (style, found)
    return found


def plain(style: CellStyle) -> CellStyle:
    """The number format of ``style`` without borders (inside an Excel table)."""
    found = _derived("plain", style)
    if found is None:
        horizontal = style.alignment.horizontal if style.alignment else None
        found = CellStyle(font=style.font,
                          alignment=Alignment(vertical="top", horizontal=horizontal),
                          number_format=style.number_format)
        _DERIVED[("plain", id(style))] = (style, found)
    return found

