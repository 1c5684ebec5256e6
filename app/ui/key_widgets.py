"""Pieces every key window shares: a new passphrase asked twice, and the recovery code.

docs/SECURITY.md's passphrase rules and the strength hint come from ``app.model.passphrase``
(zxcvbn), the same words the command line prints. The recovery code is shown large,
in a monospace font, selectable, with a print button and (where it is new) an
"ik heb hem bewaard" box that must be ticked before the window lets go: the code is
shown once, and a register whose code was never kept has no way back.

Printing goes through ``RecoverySheet.ask_printer`` (Qt's print dialog), a classmethod
tests replace. This module loads nothing of the register, so the unlock window can use
it before the register code is imported.
"""

from __future__ import annotations

import contextlib
import html
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui import style
from app.ui.session import Session, close_on_lock
from app.ui.text import tr

#: zxcvbn 4.5 refuses passwords over 72 characters; a longer one is strong anyway
_STRENGTH_CHARS = 72
#: groups of the recovery code per line on screen and on paper
_GROUPS_PER_LINE = 7


def passphrase_problems(text: str) -> list[str]:
    from app.model.passphrase import problems

    return problems(text)


def strength_of(text: str) -> tuple[int, str]:
    """(0-4, the Dutch hint) for a new passphrase, from zxcvbn (app.model.passphrase)."""
    from app.model.passphrase import MIN_LENGTH, strength

    if not text:
        return 0, (f"Minstens {MIN_LENGTH} tekens. Een zin van vier of vijf gewone woorden "
                   "is sterk en goed te onthouden.")
    refused = passphrase_problems(text)
    if refused:
        return 0, refused[0]
    result = strength(text[:_STRENGTH_CHARS])
    return result.score, result.hint


def monospace(point_size: int = 0, bold: bool = False) -> QFont:
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    font.setStyleHint(QFont.StyleHint.Monospace)
    if point_size:
        font.setPointSize(point_size)
    font.setBold(bold)
    return font


# --------------------------------------------------------------------------- passphrase


class PassphraseFields(QWidget):
    """A new passphrase, typed twice, with the rules and a strength meter.

    The rules (``problems``) are checked on every keystroke; zxcvbn's estimate takes
    10-40 ms, so it waits until typing pauses.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *,
                 first_label: str = "&Wachtwoordzin",
                 second_label: str = "&Herhaal wachtwoordzin",
                 show_label: str = "&Toon de wachtwoordzin",
                 first_name: str = "Wachtwoordzin") -> None:
        super().__init__(parent)
        self.first = QLineEdit(self)
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setAccessibleName(tr(first_name))
        self.first.setMinimumWidth(300)
        self.second = QLineEdit(self)
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setAccessibleName(tr("Herhaal: {field}").format(field=tr(first_name)))
        self.show_check = QCheckBox(tr(show_label), self)
        self.show_check.setAccessibleName(tr("Toon de wachtwoordzin"))
        self.show_check.toggled.connect(self._toggle_echo)
        self.meter = QProgressBar(self)
        self.meter.setObjectName("strengthMeter")
        self.meter.setRange(0, 5)
        self.meter.setTextVisible(False)
        self.meter.setFixedHeight(8)
        self.meter.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.meter.setAccessibleName(tr("Sterktemeter"))
        self.strength = QLabel(self)
        self.strength.setObjectName("hint")
        self.strength.setWordWrap(True)
        self.strength.setAccessibleName(tr("Sterkte van de wachtwoordzin"))
        self.match = QLabel(self)
        self.match.setObjectName("hint")
        self.match.setAccessibleName(tr("Komen de wachtwoordzinnen overeen"))
        first = QLabel(tr(first_label), self)
        first.setBuddy(self.first)
        second = QLabel(tr(second_label), self)
        second.setBuddy(self.second)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(first, self.first)
        form.addRow("", self.meter)
        form.addRow("", self.strength)
        form.addRow(second, self.second)
        form.addRow("", self.match)
        form.addRow("", self.show_check)
        self._hint_timer = QTimer(self)
        self._hint_timer.setSingleShot(True)
        self._hint_timer.setInterval(150)
        self._hint_timer.timeout.connect(self.update_strength)
        self.first.textChanged.connect(self._first_changed)
        self.second.textChanged.connect(self._second_changed)
        self.update_strength()
        self._second_changed()

    def passphrase(self) -> str:
        return self.first.text()

    def problem(self) -> str | None:
        """Why this cannot be the new passphrase yet (None: it can)."""
        refused = passphrase_problems(self.first.text())
        if refused:
            return refused[0]
        if self.second.text() != self.first.text():
            return tr("De twee wachtwoordzinnen zijn niet gelijk.")
        return None

    def acceptable(self) -> bool:
        return self.problem() is None

    def clear(self) -> None:
        self.first.clear()
        self.second.clear()

    def _toggle_echo(self, on: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
        self.first.setEchoMode(mode)
        self.second.setEchoMode(mode)

    def _first_changed(self) -> None:
        self._hint_timer.start()
        self._second_changed()

    def _second_changed(self) -> None:
        if not self.second.text():
            self.match.setText("")
        elif self.second.text() == self.first.text():
            self.match.setText(tr("De wachtwoordzinnen komen overeen."))
        else:
            self.match.setText(tr("De wachtwoordzinnen zijn nog niet gelijk."))
        self.changed.emit()

    def update_strength(self) -> None:
        self._hint_timer.stop()
        score, hint = strength_of(self.first.text())
        # score 0 still shows a sliver, so "zeer zwak" is seen as a red bar
        self.meter.setValue(score + 1 if self.first.text() else 0)
        self.meter.setProperty("score", str(score))  # its colour: style.STRENGTH_COLOURS
        style.repolish(self.meter)
        self.strength.setText(tr(hint))
        self.meter.setAccessibleDescription(hint)


# --------------------------------------------------------------------------- recovery code


def code_lines(code: str) -> list[str]:
    """The code in lines of seven groups (each line but the last ends in a dash, so a
    copied text still reads as one code)."""
    groups = code.split("-")
    lines = ["-".join(groups[i:i + _GROUPS_PER_LINE])
             for i in range(0, len(groups), _GROUPS_PER_LINE)]
    return [line + "-" for line in lines[:-1]] + lines[-1:]


def recovery_sheet_html(code: str, register: Path, device_code: str, printed_on: date,
                        handler: str = "") -> str:
    """The page that goes into the sealed envelope: the code, whose it is, what to do."""
    from app.model.nlformat import long_date

    esc = html.escape
    who = f"<tr><td>Behandelaar</td><td>{esc(handler)}</td></tr>" if handler else ""
    lines = "<br>".join(esc(line) for line in code_lines(code))
    return f"""<html><body style="font-family: sans-serif; font-size: 11pt;">
<h1 style="font-size: 18pt;">Herstelcode Casusregister</h1>
<p>Belangenbehartiger Belastingplichtigen en Toeslaggerechtigden</p>
<table border="1" cellpadding="12" cellspacing="0"><tr><td
 style="font-family: monospace; font-size: 20pt; font-weight: bold;">{lines}</td></tr></table>
<table cellpadding="3">
<tr><td>Register</td><td>{esc(str(register))}</td></tr>
<tr><td>Apparaatcode</td><td>{esc(device_code)}</td></tr>
{who}
<tr><td>Afgedrukt op</td><td>{esc(long_date(printed_on))}</td></tr>
</table>
<h2 style="font-size: 13pt;">Wat doet u met dit blad?</h2>
<ul>
<li>Stop het in een gesloten envelop en geef het aan uw teamleider. Bewaar het niet
bij de laptop en maak er geen foto of kopie van.</li>
<li>Wie deze code heeft, kan het register en elke back-up ervan openen, ook zonder
wachtwoordzin. Daarom is hij geheim, net als de persoonsgegevens in het register.</li>
<li>Wachtwoordzin vergeten? Kies in het venster "Casusregister ontgrendelen" de knop
"Wachtwoordzin vergeten…", typ deze code en kies een nieuwe wachtwoordzin.</li>
<li>Is de code gebruikt, of kan hij in verkeerde handen zijn gekomen? Maak dan in Beheer,
Sleutels en back-ups, een nieuwe sleutel: deze code werkt daarna niet meer en u krijgt
een nieuwe.</li>
</ul>
</body></html>"""


class RecoverySheet:
    """Printing the recovery code on paper (QtPrintSupport)."""

    @classmethod
    def ask_printer(cls, parent: QWidget | None) -> object | None:
        """Qt's print dialog; the chosen QPrinter, or None when cancelled."""
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName("Herstelcode Casusregister")
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(dialog.tr("Herstelcode afdrukken"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return printer

    @classmethod
    def print_code(cls, code: str, register: Path, device_code: str, handler: str = "",
                   parent: QWidget | None = None) -> bool:
        """Print the sheet; False when the handler cancelled the print dialog."""
        from PySide6.QtGui import QTextDocument

        printer = cls.ask_printer(parent)
        if printer is None:
            return False
        document = QTextDocument()
        document.setHtml(recovery_sheet_html(code, register, device_code, date.today(),
                                             handler))
        document.print_(printer)  # type: ignore[arg-type]
        return True


class RecoveryCodeView(QWidget):
    """The code, large and selectable, with a print button and (``confirm``) the box
    that says it was kept."""

    confirmed_changed = Signal(bool)

    def __init__(self, code: str, register: Path, device_code: str, *, handler: str = "",
                 confirm: bool = True, intro: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.register = register
        self.device_code = device_code
        self.handler = handler
        self.printed = False
        text = QLabel(intro or tr(
            "Dit is de herstelcode van uw register. Bent u de wachtwoordzin vergeten, dan "
            "komt u hiermee weer in het register (en in elke back-up ervan). Druk hem af "
            "of schrijf hem over, en geef hem in een gesloten envelop aan uw teamleider."),
            self)
        text.setWordWrap(True)
        self.code_label = QLabel("\n".join(code_lines(code)), self)
        self.code_label.setObjectName("recoveryCode")
        self.code_label.setFont(monospace(17, bold=True))
        self.code_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.code_label.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.code_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code_label.setAccessibleName(tr("Herstelcode"))
        self.code_label.setAccessibleDescription(code)
        where = QLabel(tr("Register: {register} · apparaatcode {device_code}")
                       .format(register=register, device_code=device_code), self)
        where.setObjectName("hint")
        where.setWordWrap(True)
        warning = QLabel(tr(
            "Wie deze code heeft, kan het register openen: bewaar hem niet bij de laptop, "
            "niet in een bestand en niet in uw e-mail."), self)
        warning.setObjectName("warningBanner")
        warning.setWordWrap(True)
        self.print_button = QPushButton(tr("Af&drukken…"), self)
        self.print_button.setAccessibleName(tr("Herstelcode afdrukken"))
        self.print_button.clicked.connect(self.print_code)
        self.print_status = QLabel(self)
        self.print_status.setObjectName("hint")
        self.confirm_check: QCheckBox | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(text)
        layout.addWidget(self.code_label)
        layout.addWidget(where)
        row = QHBoxLayout()
        row.addWidget(self.print_button)
        row.addWidget(self.print_status, 1)
        layout.addLayout(row)
        layout.addWidget(warning)
        if confirm:
            self.confirm_check = QCheckBox(tr("&Ik heb de herstelcode bewaard"), self)
            self.confirm_check.setAccessibleName(tr("Ik heb de herstelcode bewaard"))
            self.confirm_check.toggled.connect(self.confirmed_changed)
            layout.addWidget(self.confirm_check)

    def confirmed(self) -> bool:
        return self.confirm_check is None or self.confirm_check.isChecked()

    def print_code(self) -> bool:
        if RecoverySheet.print_code(self.code, self.register, self.device_code, self.handler,
                                    self):
            self.printed = True
            self.print_status.setText(tr("Afgedrukt."))
            return True
        return False


class RecoveryCodeDialog(QDialog):
    """The recovery code in a window of its own (after a migration, a new key, or on
    request in Beheer). With ``confirm`` it closes only once the box is ticked, or when
    ``session`` locks (the code is a key to the register: it never stays on a locked
    screen; Beheer shows it again with the passphrase)."""

    def __init__(self, code: str, register: Path, device_code: str, *, handler: str = "",
                 confirm: bool = True, title: str = "", intro: str = "",
                 session: Session | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title or tr("Herstelcode"))
        self.setAccessibleName(self.windowTitle())
        self.setModal(True)
        self.view = RecoveryCodeView(code, register, device_code, handler=handler,
                                     confirm=confirm, intro=intro, parent=self)
        self.message = QLabel(self)
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.close_button = QPushButton(tr("&Gereed"), self)
        self.close_button.setAccessibleName(tr("Gereed"))
        self.close_button.setDefault(True)
        self.close_button.clicked.connect(self.accept)
        self.close_button.setEnabled(self.view.confirmed())
        self.view.confirmed_changed.connect(self.close_button.setEnabled)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(self.view)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(640)
        if session is not None:
            close_on_lock(session, self, self._forget)

    def _forget(self) -> None:
        self.view.code = ""

    def reject(self) -> None:
        """Escape or the window's close button: not before the code was kept."""
        if not self.view.confirmed():
            self.message.setText(tr(
                "Bewaar eerst de herstelcode (afdrukken of overschrijven) en vink aan dat u "
                "hem hebt bewaard. Hij wordt maar één keer getoond."))
            self.message.show()
            return
        super().reject()

    @classmethod
    def show_code(cls, code: str, register: Path, device_code: str, *, handler: str = "",
                  confirm: bool = True, title: str = "", intro: str = "",
                  session: Session | None = None, parent: QWidget | None = None) -> None:
        dialog = cls(code, register, device_code, handler=handler, confirm=confirm,
                     title=title, intro=intro, session=session, parent=parent)
        dialog.exec()
        dialog.deleteLater()


@contextlib.contextmanager
def wait_cursor() -> Iterator[None]:
    """The busy cursor, for the few acts that must run on the GUI thread (the key
    derivation of an unlock: the register's connection belongs to the thread that
    opened it)."""
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QGuiApplication.restoreOverrideCursor()
