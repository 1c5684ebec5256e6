"""The first-run wizard and the unlock dialog.

Both are thin: the wizard collects a handler name, a device code and a passphrase and
calls ``Register.create``; the unlock dialog calls ``Register.open`` (which records a
failed attempt beside the register, so the next unlock moves it into the audit
trail). After a wrong passphrase the dialog waits 1 s, 2 s, 4 s ... up to 30 s before
the next attempt (SECURITY.md), counting down with a QTimer so the window stays alive.
The count comes from the register's failed-unlock file, so restarting the program does
not reset the wait.

Both dialogs are opened through classmethods (``FirstRunWizard.ask``,
``UnlockDialog.ask``) that tests can replace.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.model.device import valid_device_code
from app.model.errors import UserError
from app.storage.errors import WrongPassphrase
from app.storage.unlock_log import failed_unlocks
from app.ui.text import plural

if TYPE_CHECKING:
    from app.storage.repository import Register

MIN_LENGTH = 12
MAX_DELAY = 30

def _register() -> type[Register]:
    """The register code (pydantic, SQLCipher) loads once a dialog needs it, not at start."""
    from app.storage.repository import Register

    return Register


Opener = Callable[[Path, str], "Register"]
Creator = Callable[..., "Register"]


def backoff_seconds(failures: int) -> int:
    """1, 2, 4, 8, 16, 30, 30 ... seconds after the 1st, 2nd, 3rd ... failed attempt."""
    if failures <= 0:
        return 0
    return int(min(MAX_DELAY, 2 ** min(failures - 1, 10)))


def remaining_delay(path: Path, now: datetime | None = None) -> int:
    """Seconds still to wait, from the failed attempts recorded beside the register."""
    attempts = failed_unlocks(path)
    if not attempts:
        return 0
    try:
        last = datetime.strptime(attempts[-1].strip(), "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return backoff_seconds(len(attempts))
    waited = int(((now or datetime.now()) - last).total_seconds())
    return max(0, min(backoff_seconds(len(attempts)), backoff_seconds(len(attempts)) - waited))


def strength_hint(passphrase: str) -> tuple[int, str]:
    """(0-4, Dutch hint). Length matters most; a sentence of words is easy to remember."""
    n = len(passphrase)
    if n == 0:
        return 0, f"Minstens {MIN_LENGTH} tekens. Een zin van vier of vijf woorden is sterk " \
                  "en goed te onthouden."
    if n < MIN_LENGTH:
        return 0, plural(f"Te kort: nog %n teken(s) nodig (minstens {MIN_LENGTH}).",
                         MIN_LENGTH - n)
    distinct = len(set(passphrase.lower()))
    classes = sum([any(c.islower() for c in passphrase), any(c.isupper() for c in passphrase),
                   any(c.isdigit() for c in passphrase),
                   any(not c.isalnum() for c in passphrase)])
    words = len(passphrase.split())
    if distinct < 6:
        return 1, "Zwak: te veel herhaalde tekens. Kies een zin van losse woorden."
    score = 2
    if n >= 16 or (classes >= 3 and n >= 14):
        score = 3
    if n >= 20 and (words >= 4 or classes >= 3):
        score = 4
    return score, {2: "Redelijk. Langer is sterker: voeg een woord toe.",
                   3: "Sterk.",
                   4: "Zeer sterk."}[score]


# --------------------------------------------------------------------------- first run


class _IdentityPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Behandelaar en apparaat"))
        self.setSubTitle(self.tr("Deze gegevens staan bij elke stap die u vastlegt."))
        self.handler_edit = QLineEdit(self)
        self.handler_edit.setAccessibleName(self.tr("Naam behandelaar"))
        self.handler_edit.setPlaceholderText(self.tr("Voornaam en achternaam"))
        self.device_edit = QLineEdit(self)
        self.device_edit.setAccessibleName(self.tr("Apparaatcode"))
        self.device_edit.setPlaceholderText(self.tr("bijvoorbeeld ZWL"))
        self.device_edit.setMaxLength(4)
        self.device_edit.setValidator(QRegularExpressionValidator(
            QRegularExpression("[A-Za-z]{0,4}"), self.device_edit))
        self.device_edit.textEdited.connect(self._upper)
        self.device_edit.textChanged.connect(self.completeChanged)
        self.handler_edit.textChanged.connect(self.completeChanged)
        explain = QLabel(self.tr(
            "De apparaatcode bestaat uit 2 tot 4 hoofdletters, bijvoorbeeld ZWL. Ze komt in "
            "elk casusnummer dat u op deze laptop aanmaakt (zoals 2025-ZWL-0001), zodat "
            "nummers van verschillende laptops nooit botsen als uw teamleider de registers "
            "samenvoegt. Kies een code die in uw team nog niet wordt gebruikt; u kunt haar "
            "later niet wijzigen."), self)
        explain.setWordWrap(True)
        explain.setObjectName("hint")
        form = QFormLayout(self)
        handler_label = QLabel(self.tr("&Naam behandelaar"), self)
        handler_label.setBuddy(self.handler_edit)
        device_label = QLabel(self.tr("&Apparaatcode"), self)
        device_label.setBuddy(self.device_edit)
        form.addRow(handler_label, self.handler_edit)
        form.addRow(device_label, self.device_edit)
        form.addRow(explain)
        self.registerField("handler*", self.handler_edit)
        self.registerField("device*", self.device_edit)

    def _upper(self, text: str) -> None:
        if text != text.upper():
            pos = self.device_edit.cursorPosition()
            self.device_edit.setText(text.upper())
            self.device_edit.setCursorPosition(pos)

    def isComplete(self) -> bool:
        return bool(self.handler_edit.text().strip()) and valid_device_code(
            self.device_edit.text())


class _PassphrasePage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(self.tr("Wachtwoordzin"))
        self.setSubTitle(self.tr("Het register wordt met deze wachtwoordzin versleuteld."))
        self.first = QLineEdit(self)
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setAccessibleName(self.tr("Wachtwoordzin"))
        self.second = QLineEdit(self)
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setAccessibleName(self.tr("Herhaal de wachtwoordzin"))
        self.show_check = QCheckBox(self.tr("&Toon de wachtwoordzin"), self)
        self.show_check.setAccessibleName(self.tr("Toon de wachtwoordzin"))
        self.show_check.toggled.connect(self._toggle_echo)
        self.strength = QLabel(self)
        self.strength.setObjectName("hint")
        self.strength.setWordWrap(True)
        self.strength.setAccessibleName(self.tr("Sterkte van de wachtwoordzin"))
        self.match = QLabel(self)
        self.match.setObjectName("hint")
        self.match.setAccessibleName(self.tr("Komen de wachtwoordzinnen overeen"))
        self.warning = QLabel(self.tr(
            "Let op: een vergeten wachtwoordzin is niet te herstellen. Niemand, ook de "
            "beheerder of de teamleider niet, kan het register dan nog openen. De weg terug "
            "zijn de back-ups en de uitwisselbestanden (bundels) die u met uw teamleider "
            "deelt. Bewaar de wachtwoordzin daarom op een veilige plek."), self)
        self.warning.setObjectName("warningBanner")
        self.warning.setWordWrap(True)
        self.warning.setAccessibleName(self.tr("Waarschuwing: wachtwoordzin niet te herstellen"))
        self.error = QLabel(self)
        self.error.setObjectName("errorMessage")
        self.error.setWordWrap(True)
        self.error.hide()
        first_label = QLabel(self.tr("&Wachtwoordzin"), self)
        first_label.setBuddy(self.first)
        second_label = QLabel(self.tr("&Herhaal wachtwoordzin"), self)
        second_label.setBuddy(self.second)
        form = QFormLayout(self)
        form.addRow(first_label, self.first)
        form.addRow("", self.strength)
        form.addRow(second_label, self.second)
        form.addRow("", self.match)
        form.addRow("", self.show_check)
        form.addRow(self.warning)
        form.addRow(self.error)
        self.first.textChanged.connect(self._changed)
        self.second.textChanged.connect(self._changed)
        self._changed()

    def _toggle_echo(self, on: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
        self.first.setEchoMode(mode)
        self.second.setEchoMode(mode)

    def _changed(self) -> None:
        _score, hint = strength_hint(self.first.text())
        self.strength.setText(self.tr(hint))
        if not self.second.text():
            self.match.setText("")
        elif self.second.text() == self.first.text():
            self.match.setText(self.tr("De wachtwoordzinnen komen overeen."))
        else:
            self.match.setText(self.tr("De wachtwoordzinnen zijn nog niet gelijk."))
        self.error.hide()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        text = self.first.text()
        return len(text) >= MIN_LENGTH and text == self.second.text()

    def validatePage(self) -> bool:
        return self._wizard.create_register(self.first.text())

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()


class FirstRunWizard(QWizard):
    """Makes a new register at ``path``; ``register`` holds it after Voltooien."""

    def __init__(self, path: Path, creator: Creator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._creator: Creator | None = creator
        self.register: Register | None = None
        self.setWindowTitle(self.tr("Casusregister – nieuw register"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("Register &aanmaken"))
        self.setMinimumSize(620, 520)

        welcome = QWizardPage(self)
        welcome.setTitle(self.tr("Welkom bij Casusregister"))
        welcome.setSubTitle(self.tr("Het versleutelde casusregister van de Belangenbehartiger "
                                    "Belastingplichtigen en Toeslaggerechtigden."))
        text = QLabel(self.tr(
            "Op deze laptop staat nog geen register. In twee stappen maakt u er een:\n\n"
            "1. uw naam en een apparaatcode voor de casusnummers;\n"
            "2. een wachtwoordzin waarmee het register wordt versleuteld.\n\n"
            "Daarna kunt u casussen aanmelden, triëren en behandelen.\n\n"
            "Het register wordt opgeslagen in:\n%1").replace("%1", str(path)), welcome)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setAccessibleName(self.tr("Welkom"))
        wl = QVBoxLayout(welcome)
        wl.addWidget(text)
        wl.addStretch(1)
        self.identity_page = _IdentityPage(self)
        self.passphrase_page = _PassphrasePage(self)
        self.addPage(welcome)
        self.addPage(self.identity_page)
        self.addPage(self.passphrase_page)

    def create_register(self, passphrase: str) -> bool:
        if self.register is not None:
            return True
        try:
            self.register = (self._creator or _register().create)(
                self.path, passphrase, self.identity_page.device_edit.text().strip(),
                self.identity_page.handler_edit.text().strip())
        except UserError as exc:
            self.passphrase_page.show_error(str(exc))
            return False
        except OSError as exc:
            self.passphrase_page.show_error(
                self.tr("Het register kon niet worden aangemaakt: %1").replace(
                    "%1", exc.strerror or str(exc)))
            return False
        return True

    @classmethod
    def ask(cls, path: Path, creator: Creator | None = None,
            parent: QWidget | None = None) -> Register | None:
        """Run the wizard; the new (open) register, or None when cancelled."""
        wizard = cls(path, creator, parent)
        wizard.exec()
        reg = wizard.register
        wizard.deleteLater()
        return reg


# --------------------------------------------------------------------------- unlock


class UnlockDialog(QDialog):
    """Asks the passphrase; ``unlocked`` carries the open register."""

    unlocked = Signal(object)

    def __init__(self, path: Path, opener: Opener | None = None, *, demo: bool = False,
                 demo_passphrase: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._opener: Opener | None = opener  # None: Register.open, loaded on first use
        self.register: Register | None = None
        self.remaining = 0
        self.setObjectName("unlockDialog")
        self.setWindowTitle(self.tr("Casusregister ontgrendelen") + (" – DEMO" if demo else ""))
        self.setAccessibleName(self.tr("Casusregister ontgrendelen"))
        self.setModal(True)

        heading = QLabel(self.tr("Het register is vergrendeld"), self)
        heading.setObjectName("pageTitle")
        intro = QLabel(self.tr("Voer uw wachtwoordzin in om het register te openen."), self)
        intro.setWordWrap(True)
        where = QLabel(self.tr("Register: %1").replace("%1", str(path)), self)
        where.setObjectName("hint")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setAccessibleName(where.text())

        self.demo_hint = QLabel(self)
        self.demo_hint.setObjectName("warningBanner")
        self.demo_hint.setWordWrap(True)
        self.demo_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if demo:
            self.demo_hint.setText(self.tr(
                "DEMO – dit is een demoregister met verzonnen casussen. "
                "De wachtwoordzin is: %1").replace("%1", demo_passphrase))
            self.demo_hint.setAccessibleName(self.demo_hint.text())
        else:
            self.demo_hint.hide()

        self.passphrase_edit = QLineEdit(self)
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setAccessibleName(self.tr("Wachtwoordzin"))
        self.passphrase_edit.setMinimumWidth(320)
        label = QLabel(self.tr("&Wachtwoordzin"), self)
        label.setBuddy(self.passphrase_edit)
        self.show_check = QCheckBox(self.tr("&Toon"), self)
        self.show_check.setAccessibleName(self.tr("Toon de wachtwoordzin"))
        self.show_check.toggled.connect(lambda on: self.passphrase_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password))
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.passphrase_edit, 1)
        row.addWidget(self.show_check)

        self.message = QLabel(self)
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(self.tr("Melding"))
        self.message.hide()
        self.wait_label = QLabel(self)
        self.wait_label.setObjectName("hint")
        self.wait_label.setAccessibleName(self.tr("Wachttijd"))
        self.wait_label.hide()

        self.unlock_button = QPushButton(self.tr("&Ontgrendelen"), self)
        self.unlock_button.setAccessibleName(self.tr("Ontgrendelen"))
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.quit_button = QPushButton(self.tr("&Afsluiten"), self)
        self.quit_button.setAccessibleName(self.tr("Afsluiten"))
        self.quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.unlock_button)

        line = QFrame(self)
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.demo_hint)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(self.wait_label)
        layout.addWidget(where)
        layout.addWidget(line)
        layout.addLayout(buttons)

        self.backoff_timer = QTimer(self)
        self.backoff_timer.setObjectName("backoffTimer")
        self.backoff_timer.setInterval(1000)
        self.backoff_timer.timeout.connect(self._tick)
        layout.setSizeConstraint(QVBoxLayout.SizeConstraint.SetFixedSize)
        self.start_backoff(remaining_delay(path))

    # ------------------------------------------------------------------ the attempt

    def try_unlock(self) -> None:
        if self.remaining > 0:
            return
        text = self.passphrase_edit.text()
        if not text:
            self.show_message(self.tr("Voer uw wachtwoordzin in."))
            return
        self.passphrase_edit.clear()
        try:
            reg = (self._opener or _register().open)(self.path, text)
        except WrongPassphrase:
            failures = len(failed_unlocks(self.path)) or 1
            self.show_message(self.tr(
                "Onjuiste wachtwoordzin. Het register is niet geopend en er is niets "
                "gewijzigd. Let op hoofdletters en de Caps Lock-toets."))
            self.start_backoff(backoff_seconds(failures))
            return
        except UserError as exc:
            self.show_message(str(exc))
            return
        self.register = reg
        self.message.hide()
        self.unlocked.emit(reg)
        self.accept()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()
        self.passphrase_edit.setFocus()

    # ------------------------------------------------------------------ growing delay

    def start_backoff(self, seconds: int) -> None:
        self.remaining = max(0, int(seconds))
        if self.remaining <= 0:
            self._end_backoff()
            return
        self.passphrase_edit.setEnabled(False)
        self.unlock_button.setEnabled(False)
        self._show_wait()
        self.wait_label.show()
        self.backoff_timer.start()

    def _tick(self) -> None:
        self.remaining -= 1
        if self.remaining <= 0:
            self._end_backoff()
        else:
            self._show_wait()

    def _show_wait(self) -> None:
        self.wait_label.setText(
            self.tr("U kunt het over 1 seconde opnieuw proberen.") if self.remaining == 1
            else plural(self.tr("U kunt het over %n seconden opnieuw proberen."),
                        self.remaining))

    def _end_backoff(self) -> None:
        self.remaining = 0
        self.backoff_timer.stop()
        self.wait_label.hide()
        self.passphrase_edit.setEnabled(True)
        self.unlock_button.setEnabled(True)
        self.passphrase_edit.setFocus()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.passphrase_edit.isEnabled():
            self.passphrase_edit.setFocus()

    def done(self, result: int) -> None:
        self.backoff_timer.stop()
        self.passphrase_edit.clear()
        super().done(result)

    @classmethod
    def ask(cls, path: Path, opener: Opener | None = None, *, demo: bool = False,
            demo_passphrase: str = "", parent: QWidget | None = None) -> Register | None:
        """Ask until unlocked or cancelled; the open register or None."""
        dialog = cls(path, opener, demo=demo, demo_passphrase=demo_passphrase, parent=parent)
        dialog.exec()
        reg = dialog.register
        dialog.deleteLater()
        return reg

