"""Window sizes that fit the screen, and the window geometry kept between sessions.

Ministry laptops often have 1366x768 screens. A saved geometry from a larger screen,
or a default that suits a desktop monitor, must never open a window larger than the
screen it lands on: ``clamp_to_screen`` shrinks and moves it into the available area
(the screen minus task bars). The saved geometry lives in ``ui-state.ini`` beside the
export wizard's last folder (docs/PLATFORM.md: IniFormat in the program's folder, never the
registry).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QRect, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from app.storage.files import private_dir, restrict
from app.storage.paths import config_dir


def ui_state() -> QSettings:
    """The UI-state file (window geometry, the export's last folder)."""
    return QSettings(str(config_dir() / "ui-state.ini"), QSettings.Format.IniFormat)


def save_state(settings: QSettings) -> None:
    """Write the UI state: it names folders of exports, so 0600 in a 0700 folder."""
    private_dir(config_dir())
    settings.sync()
    restrict(Path(settings.fileName()))


def available_geometry(widget: QWidget) -> QRect | None:
    """The free area of the screen the widget is on (or the primary screen)."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else None


def clamp_to_screen(widget: QWidget) -> None:
    """Shrink and move a top-level widget so its frame lies inside the screen."""
    area = available_geometry(widget)
    if area is None or area.isEmpty():
        return
    frame = widget.frameGeometry()
    inner = widget.geometry()
    extra_w = max(0, frame.width() - inner.width())
    extra_h = max(0, frame.height() - inner.height())
    width = max(1, min(inner.width(), area.width() - extra_w))
    height = max(1, min(inner.height(), area.height() - extra_h))
    if (width, height) != (inner.width(), inner.height()):
        widget.resize(width, height)
    frame = widget.frameGeometry()
    x = min(max(frame.x(), area.left()), area.left() + max(0, area.width() - frame.width()))
    y = min(max(frame.y(), area.top()), area.top() + max(0, area.height() - frame.height()))
    if (x, y) != (frame.x(), frame.y()):
        widget.move(x, y)


def fit_size(widget: QWidget, width: int, height: int) -> None:
    """Resize to ``width`` x ``height``, or less where the screen is smaller."""
    widget.resize(width, height)
    clamp_to_screen(widget)


def restore_window(widget: QWidget, key: str, width: int, height: int) -> None:
    """The saved geometry (else ``width`` x ``height``), clamped to the screen."""
    saved = ui_state().value(f"window/{key}")
    restored = isinstance(saved, QByteArray) and not saved.isEmpty() \
        and widget.restoreGeometry(saved)
    if not restored:
        widget.resize(width, height)
    clamp_to_screen(widget)


def save_window(widget: QWidget, key: str) -> None:
    settings = ui_state()
    settings.setValue(f"window/{key}", widget.saveGeometry())
    save_state(settings)
