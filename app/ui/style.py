"""The calm, professional look: Fusion, a light palette, a few muted accents.

Colours never carry meaning alone (SECURITY and accessibility): every coloured cell
also says in words what the colour means ("⚠ verlopen 03-05-2025").
"""

from __future__ import annotations

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


def page_title(text: str, parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("pageTitle")
    label.setAccessibleName(text)
    return label


def bold(font: QFont) -> QFont:
    f = QFont(font)
    f.setBold(True)
    return f
