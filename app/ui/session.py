"""The unlocked register as the GUI sees it: one object every page listens to.

Pages never keep their own reference to the Register: they ask the session, and they
clear themselves when it emits ``locked``. That makes auto-lock a single act (close the
connection, forget the passphrase, tell every view to drop its rows) instead of a hunt
through widgets.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from app.storage.repository import Register


class Session(QObject):
    unlocked = Signal()
    locked = Signal()
    #: a case changed (number); pages showing it refresh
    case_changed = Signal(str)
    #: a signal (KSMS) changed (number)
    signal_changed = Signal(str)
    #: many things changed (import, merge): every list reloads
    data_changed = Signal()
    #: Beheer -> Instellingen changed a setting or a codelist (auto-lock, handler, ...)
    settings_changed = Signal()

    def __init__(self, register: Register | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._register = register
        self.path: Path | None = register.path if register else None
        self.demo = bool(register.settings.demo) if register else False

    @property
    def register(self) -> Register:
        if self._register is None:
            raise RuntimeError("the register is locked")
        return self._register

    @property
    def is_open(self) -> bool:
        return self._register is not None

    def attach(self, register: Register) -> None:
        self._register = register
        self.path = register.path
        self.demo = bool(register.settings.demo)
        self.unlocked.emit()

    def lock(self) -> None:
        """Close the connection (forgetting the key) and tell every view to clear."""
        if self._register is None:
            return
        try:
            self._register.audit("lock", self._register.path.name)
        finally:
            self._register.close()
            self._register = None
        self.locked.emit()
