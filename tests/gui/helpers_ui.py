"""What a person on a 1366x768 laptop, working by keyboard, meets in a window:
whether it fits, whether a button is cut off, the Alt letters, the Tab chain.

Imported by the layout and keyboard tests (not a conftest).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QApplication,
    QGroupBox,
    QLabel,
    QTabBar,
    QWidget,
)

LAPTOP = (1366, 768)
WIDE = (1440, 900)


def mnemonic_of(text: str) -> str | None:
    """The Alt letter of a text with "&" markers ("&&" is a literal ampersand)."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] == "&":
                i += 2
                continue
            return text[i + 1].lower()
        i += 1
    return None


def shown(widget: QWidget) -> bool:
    return widget.isVisible()


def mnemonics(window: QWidget) -> dict[str, list[str]]:
    """Alt letter -> the visible controls of ``window`` that answer to it.

    Qt ignores the shortcuts of hidden widgets, so only what is on screen counts:
    buttons and check boxes, labels with a buddy, tab titles, checkable group boxes.
    """
    found: dict[str, list[str]] = {}

    def add(text: str, what: str) -> None:
        letter = mnemonic_of(text)
        if letter:
            found.setdefault(letter, []).append(f"{what} {text!r}")

    widgets = [window, *window.findChildren(QWidget)]
    for w in widgets:
        if not shown(w) or w.window() is not window:
            continue
        if isinstance(w, QAbstractButton):
            add(w.text(), type(w).__name__)
        elif isinstance(w, QLabel) and w.buddy() is not None:
            add(w.text(), "QLabel")
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                if w.isTabVisible(i):
                    add(w.tabText(i), "tab")
        elif isinstance(w, QGroupBox) and w.isCheckable():
            add(w.title(), "QGroupBox")
    return found


def clashes(window: QWidget) -> dict[str, list[str]]:
    return {k: v for k, v in mnemonics(window).items() if len(v) > 1}


def clipped_buttons(window: QWidget) -> list[str]:
    """Visible buttons narrower than their text needs, or (scrolled into view where
    they sit in a scroll area) not wholly on screen inside the window."""
    bad: list[str] = []
    win_rect = window.rect()
    for b in window.findChildren(QAbstractButton):
        if not b.isVisible() or not b.text() or b.window() is not window:
            continue
        area = b.parentWidget()
        while area is not None and not isinstance(area, QAbstractScrollArea):
            area = area.parentWidget()
        if area is not None and hasattr(area, "ensureWidgetVisible"):
            area.ensureWidgetVisible(b, 0, 0)
            QApplication.processEvents()
        need = b.sizeHint().width()
        top_left = b.mapTo(window, b.rect().topLeft())
        placed = QRect(top_left, b.size())
        visible = b.visibleRegion().boundingRect()
        if b.width() + 1 < need:
            bad.append(f"{b.text()!r} is {b.width()} px wide, needs {need}")
        elif not win_rect.contains(placed):
            bad.append(f"{b.text()!r} lies outside the window at {placed}")
        elif visible.width() < b.width() or visible.height() < b.height():
            bad.append(f"{b.text()!r} is partly hidden ({visible} of {b.rect()})")
    return bad


def assert_fits(window: QWidget, size: tuple[int, int] = LAPTOP) -> None:
    """The window's minimum size fits the screen, and nothing in it is cut off."""
    QApplication.processEvents()
    hint = window.minimumSizeHint()
    assert hint.width() <= size[0] and hint.height() <= size[1], (
        f"{window.objectName() or type(window).__name__} needs at least "
        f"{hint.width()}x{hint.height()}")
    window.resize(*size)
    QApplication.processEvents()
    assert window.width() <= size[0] and window.height() <= size[1]
    assert clipped_buttons(window) == []


def tab_stops(widgets: list[QWidget]) -> list[QWidget]:
    """The widgets Tab can land on, in the order given."""
    return [w for w in widgets if w.isVisible() and w.isEnabled()
            and w.focusPolicy() & Qt.FocusPolicy.TabFocus]


def walk_tabs(qtbot: Any, start: QWidget, steps: int) -> list[QWidget]:
    """Press Tab ``steps`` times from ``start``, as a person would; the widgets that
    had focus, in order (a date editor's sections count once)."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=2000)
    seen: list[QWidget] = [QApplication.focusWidget()]
    for _ in range(steps * 4):
        if len(seen) > steps:
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        if now is not seen[-1]:
            seen.append(now)
    return seen
