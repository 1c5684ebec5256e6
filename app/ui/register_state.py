"""What the main window says about the register itself, above every page.

- **Behind its seal** (docs/SECURITY.md): the register lost writes this program made (a
  deleted ``-wal``, an older copy put back, deleted events) and opened read-only. The
  banner says so in one line and offers the two ways on: put a backup back (Beheer ->
  Sleutels en back-ups) or accept the register as it is now, with a reason for the
  audit (``Register.accept_seal``).
- **Missing own events**: after restoring a backup older than steps this laptop
  already sent in a bundle, no new step is taken until the team lead's complete
  bundle has been read.
- **The day's backup** could not be made (a full disk, a folder that cannot be
  written).

``after_unlock`` is the worker's job right after unlocking: the full-file integrity
scan, then the first backup of the day (which reads and authenticates every page
again, docs/SECURITY.md), on the worker's own connection.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.model.errors import UserError
from app.model.os_errors import describe_os_error
from app.storage.errors import RegisterDamaged
from app.storage.repository import Register, integrity_problems
from app.ui.session import Session
from app.ui.text import plural, tr


@dataclass
class AfterUnlock:
    problems: list[str] = field(default_factory=list)
    backup: Path | None = None
    backup_error: str = ""


def after_unlock(reg: Register) -> AfterUnlock:
    """In the worker: the integrity scan, then the day's backup (not while the register
    is behind its seal or waiting for its own steps: an older backup may be the way
    back, and rotating could drop it)."""
    out = AfterUnlock(problems=integrity_problems(reg.conn))
    if out.problems or reg.read_only or reg.settings.awaiting_own_events:
        return out
    from app.storage.backup import daily

    try:
        out.backup = daily(reg)
    except RegisterDamaged as exc:
        out.problems = [str(exc)]
    except UserError as exc:
        out.backup_error = str(exc)
    except OSError as exc:
        out.backup_error = describe_os_error(exc)
    return out


class RegisterBanners(QWidget):
    """The banners; ``restore_requested`` asks the window for Beheer's backups."""

    restore_requested = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.seal_banner = QFrame(self)
        self.seal_banner.setObjectName("sealBanner")
        self.seal_label = QLabel(self.seal_banner)
        self.seal_label.setWordWrap(True)
        self.seal_label.setAccessibleName(tr("Waarschuwing: alleen lezen"))
        self.restore_button = QPushButton(tr("Back-&up terugzetten…"), self.seal_banner)
        self.restore_button.setAccessibleName(tr("Back-up terugzetten"))
        self.restore_button.clicked.connect(self.restore_requested)
        self.accept_button = QPushButton(tr("Huidige stand &aanvaarden…"),
                                         self.seal_banner)
        self.accept_button.setAccessibleName(tr("Huidige stand aanvaarden"))
        self.accept_button.clicked.connect(self.accept_current)
        row = QHBoxLayout(self.seal_banner)
        row.setContentsMargins(12, 8, 12, 8)
        row.addWidget(self.seal_label, 1)
        row.addWidget(self.restore_button)
        row.addWidget(self.accept_button)
        self.seal_banner.hide()

        self.missing_banner = QLabel(self)
        self.missing_banner.setObjectName("errorBanner")
        self.missing_banner.setWordWrap(True)
        self.missing_banner.setAccessibleName(tr("Waarschuwing: eigen stappen ontbreken"))
        self.missing_banner.hide()
        self.backup_banner = QLabel(self)
        self.backup_banner.setObjectName("demoBanner")  # the warning colours, full width
        self.backup_banner.setWordWrap(True)
        self.backup_banner.setAccessibleName(tr("Waarschuwing: geen back-up"))
        self.backup_banner.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.seal_banner)
        layout.addWidget(self.missing_banner)
        layout.addWidget(self.backup_banner)

    def refresh(self) -> None:
        if not self.session.is_open:
            self.clear()
            return
        reg = self.session.register
        if reg.read_only:
            self.seal_label.setText(tr(
                "⚠ Alleen lezen: het register loopt achter op wat dit programma het laatst "
                "heeft vastgelegd ({behind_seal}). Er kan niets worden vastgelegd tot u een "
                "back-up terugzet of de huidige stand aanvaardt.")
                    .format(behind_seal="; ".join(reg.behind_seal)))
            self.seal_banner.show()
        else:
            self.seal_banner.hide()
        try:
            missing = reg.missing_own_events()
        except UserError:
            missing = 0
        if missing:
            self.missing_banner.setText(plural(tr(
                "⚠ Deze laptop mist %n eigen stap(pen) die al in een bundel naar de "
                "teamleider zijn gegaan (er is een oudere back-up teruggezet). Lees eerst de "
                "volledige bundel van de teamleider in; tot dan legt dit register geen nieuwe "
                "stappen vast."), missing))
            self.missing_banner.show()
        else:
            self.missing_banner.hide()

    def show_backup_problem(self, text: str) -> None:
        self.backup_banner.setText(tr(
            "De back-up van vandaag is niet gemaakt: {problem} Uw werk is niet in gevaar; probeer "
            "het in Beheer, Sleutels en back-ups, opnieuw.").format(problem=text))
        self.backup_banner.show()

    def clear(self) -> None:
        self.seal_banner.hide()
        self.missing_banner.hide()
        self.backup_banner.hide()

    def accept_current(self) -> None:
        if not self.session.is_open or not self.session.read_only:
            return
        from app.ui.beheer.key_dialogs import AcceptSealDialog

        reg = self.session.register
        reason = AcceptSealDialog.ask(list(reg.behind_seal), self.window())
        if reason is None or not self.session.is_open:
            return
        try:
            reg.accept_seal(reason)
        except UserError as exc:
            self.seal_label.setText(str(exc))
            return
        self.session.state_changed.emit()
