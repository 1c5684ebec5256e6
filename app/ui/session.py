"""The unlocked register as the GUI sees it: one object every page listens to.

Pages never keep their own reference to the Register: they ask the session, and they
clear themselves when it emits ``locked``. That makes auto-lock a single act (close the
connection, forget the key, tell every view to drop its rows) instead of a hunt
through widgets.

Two more duties live here because every page shares them:

- **Changes made elsewhere.** A command (``casusregister import``, a team lead's
  script) may write while the window is open (docs/SECURITY.md: CLI commands run beside
  the GUI). SQLite's ``PRAGMA data_version`` changes when another connection commits;
  it costs nothing to ask, so the main window's timer calls ``check_for_changes``
  every two seconds and ``data_changed`` makes every list reload. (The timer belongs
  to the window, so a session nobody shows asks nothing.)
- **Closing for maintenance.** A restore or a new data key needs the register closed
  everywhere. ``suspend`` closes it like a lock (every view clears) but tells the
  window not to offer the unlock dialog: the act that suspended it reopens it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
)

from app.storage.crypto import DEFAULT_KDF, KdfParams
from app.storage.repository import Register

#: how often the session asks whether another process changed the register
WATCH_INTERVAL_MS = 2000


class Session(QObject):
    unlocked = Signal()
    locked = Signal()
    #: a case changed (number); pages showing it refresh
    case_changed = Signal(str)
    #: a signal (KSMS) changed (number)
    signal_changed = Signal(str)
    #: many things changed (import, merge, another process): every list reloads
    data_changed = Signal()
    #: a backup was made, restored or removed: the list of backups reloads
    backups_changed = Signal()
    #: the register's read-only state or its missing own events changed
    state_changed = Signal()
    #: Beheer -> Instellingen changed a setting or a codelist (auto-lock, handler, ...)
    settings_changed = Signal()

    def __init__(self, register: Register | None = None, parent: QObject | None = None,
                 *, kdf: KdfParams = DEFAULT_KDF) -> None:
        super().__init__(parent)
        self._register = register
        self.path: Path | None = register.path if register else None
        self.demo = bool(register.settings.demo) if register else False
        #: the Argon2id cost of keyrings this session writes (tests pass a low one)
        self.kdf = kdf
        #: why the register is closed for maintenance (restore, new key); "" otherwise
        self.suspended = ""
        self._data_version = self._read_version()

    @property
    def register(self) -> Register:
        if self._register is None:
            raise RuntimeError("the register is locked")
        return self._register

    @property
    def is_open(self) -> bool:
        return self._register is not None

    @property
    def read_only(self) -> bool:
        return self._register is not None and self._register.read_only

    def attach(self, register: Register) -> None:
        self._register = register
        self.path = register.path
        self.demo = bool(register.settings.demo)
        self.suspended = ""
        self._data_version = self._read_version()
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

    def suspend(self, reason: str) -> None:
        """Close the register for an act that needs it closed everywhere (restore, a
        new key); the window shows no unlock dialog until ``attach`` or ``resume``."""
        self.suspended = reason
        self.lock()

    def resume(self) -> None:
        """The act that suspended the register could not reopen it: back to a plain
        lock (the window offers the unlock dialog again)."""
        self.suspended = ""

    # ------------------------------------------------------------------ other writers

    def _read_version(self) -> int:
        if self._register is None or self._register.conn is None:
            return -1
        with contextlib.suppress(Exception):  # a busy or closing register: ask again later
            return self._register.data_version()
        return getattr(self, "_data_version", -1)

    def check_for_changes(self) -> bool:
        """Emit ``data_changed`` when another connection committed since the last look."""
        if self._register is None or self._register.conn is None:
            return False
        version = self._read_version()
        if version == self._data_version:
            return False
        self._data_version = version
        self.data_changed.emit()
        return True


# --------------------------------------------------------------------------- dialogs


class _LockGuard(QObject):
    """Child of a dialog: on ``session.locked`` it blanks the dialog's texts and closes
    it. Being the dialog's child, its connection goes when the dialog goes."""

    def __init__(self, session: Session, dialog: QDialog,
                 forget: Callable[[], None] | None) -> None:
        super().__init__(dialog)
        self._dialog = dialog
        self._forget = forget
        session.locked.connect(self._locked)

    @Slot()
    def _locked(self) -> None:
        dialog = self._dialog
        if self._forget is not None:
            self._forget()
        for edit in dialog.findChildren(QLineEdit):
            edit.clear()
            edit.setPlaceholderText("")
        for text in dialog.findChildren(QPlainTextEdit) + dialog.findChildren(QTextEdit):
            text.clear()
        for label in dialog.findChildren(QLabel):
            label.clear()
            label.setAccessibleDescription("")
        for box in dialog.findChildren(QCheckBox):  # a check box can quote a case text
            box.setText("")
            box.setToolTip("")
        # ``done``, not ``reject``: a dialog that refuses Escape (a code not yet kept, a
        # keyring being written) still closes on a lock.
        dialog.done(QDialog.DialogCode.Rejected)


def close_on_lock(session: Session, dialog: QDialog,
                  forget: Callable[[], None] | None = None) -> None:
    """Auto-lock: no case text, personal data or secret may stay on screen, not even in
    an open dialog. When the session locks, ``forget`` runs (what the dialog holds
    besides its widgets: a passphrase, a code, a running job's replies), every text
    field and label of the dialog is emptied and the dialog is rejected."""
    _LockGuard(session, dialog, forget)
