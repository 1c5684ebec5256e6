"""The calm, professional look: Fusion, a light palette, a few muted accents.

Colours never carry meaning alone (SECURITY and accessibility): every coloured cell
also says in words what the colour means ("⚠ verlopen 03-05-2025").

The look is set here and nowhere else. Widgets say what they are, not how they look:
an object name (``caseHeader``, ``recoveryCode``) or a tone (``set_tone(label,
"error")``) that a rule of the one application stylesheet below picks up; code that
paints (a tree item's colour, a chart) takes its ``QColor`` from the named colours.
Rules for a page's own widgets are scoped by the page's object name, so a widget
name used on two pages (``busyBar``) keeps the look each page gives it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QStyleOptionHeader,
    QWidget,
)

from app.model.resources import resource
from app.ui.wheel import install_wheel_guard

ACCENT = QColor("#01689b")  # the Rijksoverheid "lintblauw"
OVERDUE = QColor("#a11d1d")
SOON = QColor("#8a4b00")
MUTED = QColor("#5f6b76")
WARNING_BG = QColor("#fdf1d8")
WARNING_FG = QColor("#5c3b00")
STATUS_COLOURS = {
    "aangemeld": QColor("#0b5a8a"),
    "in_behandeling": QColor("#1f2a33"),
    "doorverwezen": MUTED,
    "niet_in_behandeling": MUTED,
    "afgerond": MUTED,
}
#: The timeline: a voided step, a corrected step, a step a merge flagged.
VOIDED = QColor("#8a8a8a")
CORRECTED = QColor("#6b4e00")
FLAGGED_BG = QColor("#fde7e9")
#: A laptop whose bundle is missing or whose last step is old (Uitwisselen, Weekronde).
STALE = QColor("#a4000f")
#: The passphrase meter per zxcvbn score (0-4): red, red, amber, green, green; the
#: matching rules are ``QProgressBar#strengthMeter[score="N"]`` below.
STRENGTH_COLOURS = ("#a11d1d", "#a11d1d", "#b36b00", "#2e7d32", "#2e7d32")
#: The charts of the Overzicht: text, axes, grid, focus, the current category's band,
#: and per series a fill, an edge and a pattern (dark solid, then light with a dark
#: hatch: the series stay apart in grayscale too).
CHART_TEXT = QColor("#1f2a33")
CHART_MUTED = QColor("#5f6b76")
CHART_GRID = QColor("#e3e7eb")
CHART_AXIS = QColor("#9aa5b1")
CHART_FOCUS = QColor("#01689b")
CHART_CURRENT = QColor("#eef4f9")
CHART_SERIES: tuple[tuple[QColor, QColor, Qt.BrushStyle], ...] = (
    (QColor("#01689b"), QColor("#01689b"), Qt.BrushStyle.SolidPattern),
    (QColor("#c9dcea"), QColor("#0b3b57"), Qt.BrushStyle.BDiagPattern),
    (QColor("#e8e8e8"), QColor("#1f2a33"), Qt.BrushStyle.Dense6Pattern),
)
PHASE_COLOURS = {
    "geescaleerd": SOON,
    "pauzeknop_actief": QColor("#5b3f8c"),
}

STYLESHEET = """
QListWidget#navigation {
    background: #eef1f4;
    border: none;
    border-right: 1px solid #d5dbe1;
    padding-top: 6px;
    outline: 0;
}
QListWidget#navigation::item {
    padding-left: 14px;
    border-radius: 4px;
    color: #1f2a33;
}
QListWidget#navigation::item:selected {
    background: #01689b;
    color: white;
}
QListWidget#navigation::item:hover:!selected {
    background: #dde4ea;
}
QWidget#navigationColumn {
    background: #eef1f4;
    border-right: 1px solid #d5dbe1;
}
QLabel#appTitle {
    font-weight: bold;
    font-size: 12pt;
    color: #01689b;
    padding: 12px 14px 0px 14px;
}
QLabel#appSubtitle {
    color: #5f6b76;
    padding: 0px 14px 8px 14px;
}
QLabel#demoBanner {
    background: #fdf1d8;
    color: #5c3b00;
    border-bottom: 1px solid #e8cf98;
    padding: 6px 12px;
}
QLabel#errorBanner {
    background: #f9e0e0;
    color: #7a1010;
    border-bottom: 1px solid #e3a5a5;
    padding: 6px 12px;
    font-weight: bold;
}
QLabel#warningBanner {
    background: #fdf1d8;
    color: #5c3b00;
    border: 1px solid #e8cf98;
    border-radius: 4px;
    padding: 6px 10px;
}
QLabel#errorMessage {
    color: #a11d1d;
}
QLabel#pageTitle {
    font-size: 13pt;
    font-weight: bold;
    color: #1f2a33;
}
QLabel#hint {
    color: #5f6b76;
}
QLabel#countLabel {
    color: #1f2a33;
    font-weight: bold;
}
QFrame#notice {
    background: #f4f7fa;
    border: 1px solid #d5dbe1;
    border-radius: 4px;
}
QPushButton#presetButton {
    padding: 4px 10px;
    border: 1px solid #c3ccd5;
    border-radius: 12px;
    background: white;
}
QPushButton#presetButton:checked {
    background: #01689b;
    color: white;
    border-color: #01689b;
}
QPushButton#presetButton:focus {
    border: 2px solid #01689b;
}
QPushButton#presetButton:checked:focus {
    border: 2px solid #0b3b57;
}
QTableView, QTreeView, QTreeWidget, QListWidget {
    selection-background-color: #cfe2f0;
    selection-color: #1f2a33;
}
QTreeView::item {
    padding: 3px 2px;
}
QHeaderView::section {
    background: #f4f6f8;
    border: none;
    border-bottom: 1px solid #d5dbe1;
    border-right: 1px solid #e3e7eb;
    padding: 4px 6px;
    font-weight: bold;
    color: #1f2a33;
}
""" + """
/* Tones: set_tone(widget, name). */
QLabel[tone="note"] { color: #555555; }
QLabel[tone="error"] { color: #a4000f; }
QLabel[tone="alert"] { color: #a11d1d; }
QLabel[tone="ok"] { color: #1e5e2f; }
QLabel[tone="notice"] { color: #5c3b00; }
QLabel[tone="urgent"] { color: #a4000f; font-weight: 600; }
QLabel[tone="soon"] { color: #8a4b00; font-weight: bold; }
QLabel[tone="fieldWarning"] {
    color: #5c3b00; background: #fff3cd; border: 1px solid #e0c46c;
    border-radius: 3px; padding: 2px 4px;
}
QLabel[tone="question"] {
    color: #5c3b00; background: #fff3cd; border: 1px solid #e0c46c;
    border-radius: 3px; padding: 6px;
}
QLabel[tone="refusal"] {
    color: #a4000f; background: #fde7e9; border: 1px solid #e8a3aa;
    border-radius: 3px; padding: 6px;
}
QPushButton[tone="prominent"] {
    background: #01689b; color: white; border: 1px solid #0b3b57;
    border-radius: 3px; padding: 4px 12px; font-weight: bold;
}
QPushButton[tone="prominent"]:focus { border: 2px solid #0b3b57; }
QPushButton[tone="prominent"]:disabled { background: #9fb6c4; }

/* The case tab and the intake form. */
QFrame#caseHeader { background: #eef2f7; border: 1px solid #c9d3e0; border-radius: 4px; }
QLabel#caseNumber { font-size: 15pt; font-weight: 600; }
QLabel#caseStatus { font-size: 11pt; font-weight: 600; color: #1d3f6e; }
QTreeWidget#caseTimeline::item { padding-top: 3px; padding-bottom: 3px; }
QLabel#formHeading { font-size: 14pt; font-weight: 600; }

/* The banner of a register behind its seal. */
QFrame#sealBanner { background: #f9e0e0; border-bottom: 1px solid #e3a5a5; }
QFrame#sealBanner QLabel { color: #7a1010; }

/* Keys: the passphrase meter and the recovery code. */
QProgressBar#strengthMeter {
    border: 1px solid #b8c2cc; border-radius: 3px; background: #eef1f4;
}
QProgressBar#strengthMeter::chunk { border-radius: 2px; }
QProgressBar#strengthMeter[score="0"]::chunk { background: #a11d1d; }
QProgressBar#strengthMeter[score="1"]::chunk { background: #a11d1d; }
QProgressBar#strengthMeter[score="2"]::chunk { background: #b36b00; }
QProgressBar#strengthMeter[score="3"]::chunk { background: #2e7d32; }
QProgressBar#strengthMeter[score="4"]::chunk { background: #2e7d32; }
QLabel#recoveryCode {
    background: #ffffff; border: 1px solid #8a98a6; border-radius: 3px;
    padding: 10px; color: #1f2a33;
}

/* The Overzicht page: white cards on a light grey page. */
QWidget#dashboardPage QWidget#dashboardContent { background: #f4f6f8; }
QWidget#dashboardPage QFrame#keyCard, QWidget#dashboardPage QFrame#dashPanel {
    background: white;
    border: 1px solid #d5dbe1;
    border-radius: 6px;
}
QWidget#dashboardPage QFrame#keyCard QLabel, QWidget#dashboardPage QFrame#dashPanel QLabel {
    background: transparent; border: none;
}
QWidget#dashboardPage QLabel#cardTitle { color: #3d4852; }
QWidget#dashboardPage QLabel#cardValue { color: #1f2a33; }
QWidget#dashboardPage QLabel#cardValue[alert="true"] { color: #a11d1d; }
QWidget#dashboardPage QLabel#cardSub { color: #5f6b76; }
QWidget#dashboardPage QLabel#cardDetail { color: #1f2a33; }
QWidget#dashboardPage QLabel#cardDetail[alert="true"] { color: #a11d1d; font-weight: bold; }
QWidget#dashboardPage QLabel#sectionTitle { color: #1f2a33; }
QWidget#dashboardPage QLabel#panelTitle { color: #1f2a33; font-weight: bold; }
QWidget#dashboardPage QProgressBar#targetBar {
    border: 1px solid #9aa5b1;
    border-radius: 3px;
    background: #eef1f4;
    max-height: 14px;
}
QWidget#dashboardPage QProgressBar#targetBar::chunk { background: #01689b; }
QWidget#dashboardPage QProgressBar#busyBar {
    max-height: 6px; border: none; background: #e3e7eb;
}
QWidget#dashboardPage QProgressBar#busyBar::chunk { background: #01689b; }
QWidget#dashboardPage QTreeWidget { border: none; }
"""


class SortArrowStyle(QProxyStyle):
    """Fusion, with the sort arrow pointing the way the list is sorted.

    Qt draws an upward arrow for a descending sort (the Windows convention of the
    1990s); a handler reads "newest first" as an arrow pointing down, as in every
    browser and spreadsheet. Only the header arrow is turned round.
    """

    _UP = QStyleOptionHeader.SortIndicator.SortUp
    _DOWN = QStyleOptionHeader.SortIndicator.SortDown

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption,
                      painter: QPainter, widget: QWidget | None = None) -> None:
        if (element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow
                and isinstance(option, QStyleOptionHeader)
                and option.sortIndicator in (self._UP, self._DOWN)):
            flipped = QStyleOptionHeader(option)
            flipped.sortIndicator = self._DOWN if option.sortIndicator == self._UP else self._UP
            option = flipped
        super().drawPrimitive(element, option, painter, widget)


def apply_style(app: QApplication) -> None:
    if not app.property("sortArrowStyle"):
        app.setStyle(SortArrowStyle("Fusion"))
        app.setProperty("sortArrowStyle", True)
    install_wheel_guard(app)
    style = app.style()
    palette = style.standardPalette()
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#cfe2f0"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#1f2a33"))
    palette.setColor(QPalette.ColorRole.Link, ACCENT)
    app.setPalette(palette)
    font = app.font()
    if font.pointSize() < 10:
        font.setPointSize(10)
        app.setFont(font)
    app.setStyleSheet(STYLESHEET)
    icon = resource("icons", "casusregister.png")  # the taskbar and every window's corner
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))


def set_tone(widget: QWidget, tone: str | None) -> None:
    """Give ``widget`` one of the tones of the stylesheet above (None: the plain look).

    The property is read when the style polishes the widget, so a change on a widget
    already shown polishes it again."""
    widget.setProperty("tone", tone or "")
    repolish(widget)


def repolish(widget: QWidget) -> None:
    """After a property a stylesheet rule selects on has changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


def page_title(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("pageTitle")
    label.setAccessibleName(text)
    return label


def bold(font: QFont) -> QFont:
    f = QFont(font)
    f.setBold(True)
    return f
