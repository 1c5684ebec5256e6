"""What every Beheer tab shares: read when shown or unlocked, empty when locked.

A tab reads the register only when someone looks at it (Beheer is visited rarely, and
the audit trail grows with every unlock), and drops everything it shows when the
session locks, like every other page.
"""

from __future__ import annotations

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QWidget

from app.ui.session import Session
from app.ui.style import set_tone
from app.ui.worker import Worker


def say(label: QLabel, text: str, ok: bool | None) -> None:
    """A status line: green when done, red when refused, plain while busy."""
    label.setText(text)
    set_tone(label, None if ok is None else "ok" if ok else "error")


class BeheerTab(QWidget):
    def __init__(self, session: Session, reader: Worker,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.reader = reader
        session.locked.connect(self.clear)
        session.unlocked.connect(self.refresh_if_shown)

    def title(self) -> str:
        raise NotImplementedError

    def refresh(self) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh_if_shown(self) -> None:
        if self.isVisible():
            self.refresh()
