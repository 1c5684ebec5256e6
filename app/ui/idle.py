"""Idle auto-lock: a stolen unlocked laptop is a short window (docs/SECURITY.md).

One application-wide event filter restarts one single-shot timer on every key press,
mouse button and wheel event (docs/PLATFORM.md: mouse moves only arrive with tracking on, so
they are not counted). When the timer runs out, ``timed_out`` fires and the main
window locks the register. The filter only looks at the event type, so it costs next
to nothing per event.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

from app.ui.text import plural, tr

DEFAULT_MINUTES = 10

_ACTIVITY = frozenset({
    QEvent.Type.KeyPress,
    QEvent.Type.ShortcutOverride,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.TabletPress,
})


class IdleLock(QObject):
    """Fires ``timed_out`` after ``minutes`` without keyboard or mouse-button activity."""

    timed_out = Signal()

    def __init__(self, minutes: int = DEFAULT_MINUTES, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setObjectName("idleTimer")
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.timed_out)
        self._installed_on: QCoreApplication | None = None
        self.set_minutes(minutes)

    # ------------------------------------------------------------------ control

    @property
    def minutes(self) -> int:
        return self.timer.interval() // 60_000

    def set_minutes(self, minutes: int) -> None:
        """Minutes from the register settings; at least one (locking cannot be turned off)."""
        try:
            value = int(minutes)
        except (TypeError, ValueError):
            value = DEFAULT_MINUTES
        self.timer.setInterval(max(1, value) * 60_000)
        if self.timer.isActive():
            self.timer.start()

    def install(self, app: QCoreApplication | None = None) -> None:
        target = app or QCoreApplication.instance()
        if target is not None and self._installed_on is None:
            target.installEventFilter(self)
            self._installed_on = target

    def uninstall(self) -> None:
        if self._installed_on is not None:
            self._installed_on.removeEventFilter(self)
            self._installed_on = None

    def start(self) -> None:
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    @property
    def active(self) -> bool:
        return self.timer.isActive()

    def remaining_seconds(self) -> int | None:
        """Seconds until the lock, or None when the timer is not running."""
        if not self.timer.isActive():
            return None
        return max(0, self.timer.remainingTime()) // 1000

    # ------------------------------------------------------------------ the filter

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self.timer.isActive():
            self.timer.start()
        return False


def remaining_text(seconds: int | None) -> str:
    """"Automatisch vergrendelen over 9 min" for the status bar."""
    if seconds is None:
        return ""
    if seconds < 60:
        return tr("Automatisch vergrendelen binnen een minuut")
    minutes = (seconds + 59) // 60
    return plural(tr("Automatisch vergrendelen over %n min"), minutes)
