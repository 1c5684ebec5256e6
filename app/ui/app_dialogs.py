"""The first-run wizard, the unlock dialog and "Wachtwoordzin vergeten".

The wizard collects a handler name, a device code and a passphrase (docs/SECURITY.md's
rules, zxcvbn's strength hint), calls ``Register.create`` and then shows the recovery
code: large, printable, and the wizard finishes only once "ik heb de herstelcode
bewaard" is ticked.

The unlock dialog calls ``Register.open``; the keyring decides a wrong passphrase
before the register is touched, so its three kinds of failure each get their own
message: a wrong passphrase (recorded in the keyring, and only this starts the
back-off of 1 s, 2 s, 4 s ... 30 s, counted from the keyring so a restart does not
reset it), a damaged register (the passphrase was right: a way to put a backup back
is offered), and a keyring that is missing or belongs to another register (the
recovery code is the way in). "Wachtwoordzin vergeten…" opens the register with the
recovery code and sets a new passphrase (``app.storage.keys.recover``, audited there).
A register of the first release is migrated on its first unlock; its new recovery
code is shown once, in the same window as the wizard's.

Every dialog is opened through a classmethod (``FirstRunWizard.ask``,
``UnlockDialog.ask``, ``ForgottenPassphraseDialog.ask``) that tests can replace.
"""

from __future__ import annotations

from collections.abc import Callable
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
from app.model.os_errors import describe_os_error
from app.storage.errors import KeyringProblem, RegisterDamaged, WrongPassphrase
from app.storage.unlock_log import backoff_seconds, failed_unlocks, remaining_delay
from app.ui.key_widgets import (
    PassphraseFields,
    RecoveryCodeDialog,
    RecoveryCodeView,
    monospace,
    wait_cursor,
)
from app.ui.text import plural, tr

if TYPE_CHECKING:
    from app.storage.crypto import KdfParams
    from app.storage.repository import Register


def _register() -> type[Register]:
    """The register code (pydantic, SQLCipher) loads once a dialog needs it, not at start."""
    from app.storage.repository import Register

    return Register


Opener = Callable[[Path, str], "Register"]
Creator = Callable[..., "Register"]


def _kdf(kdf: KdfParams | None) -> KdfParams:
    if kdf is not None:
        return kdf
    from app.storage.crypto import DEFAULT_KDF

    return DEFAULT_KDF


def show_new_recovery_code(reg: Register, parent: QWidget | None = None) -> None:
    """A register of the first release was just migrated: its recovery code, once."""
    code = reg.new_recovery_code
    if not code:
        return
    RecoveryCodeDialog.show_code(
        code, reg.path, reg.settings.device_code, handler=reg.settings.handler,
        title="Casusregister – uw herstelcode",
        intro=("Het register is overgezet op de nieuwe beveiliging met een sleutelring. "
               "Daarbij hoort een herstelcode: bent u de wachtwoordzin vergeten, dan komt "
               "u hiermee weer in het register en in elke back-up ervan. Druk hem af en "
               "geef hem in een gesloten envelop aan uw teamleider. Hij wordt maar één "
               "keer getoond; later kunt u hem in Beheer opnieuw opvragen met uw "
               "wachtwoordzin."),
        parent=parent)
    reg.new_recovery_code = None


# --------------------------------------------------------------------------- first run


class _IdentityPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(tr("Behandelaar en apparaat"))
        self.setSubTitle(tr("Deze gegevens staan bij elke stap die u vastlegt."))
        self.handler_edit = QLineEdit(self)
        self.handler_edit.setAccessibleName(tr("Naam behandelaar"))
        self.handler_edit.setPlaceholderText(tr("Voornaam en achternaam"))
        self.device_edit = QLineEdit(self)
        self.device_edit.setAccessibleName(tr("Apparaatcode"))
        self.device_edit.setPlaceholderText(tr("bijvoorbeeld ZWL"))
        self.device_edit.setMaxLength(4)
        self.device_edit.setValidator(QRegularExpressionValidator(
            QRegularExpression("[A-Za-z]{0,4}"), self.device_edit))
        self.device_edit.textEdited.connect(self._upper)
        self.device_edit.textChanged.connect(self.completeChanged)
        self.handler_edit.textChanged.connect(self.completeChanged)
        explain = QLabel(tr(
            "De apparaatcode bestaat uit 2 tot 4 hoofdletters, bijvoorbeeld ZWL. Ze komt in "
            "elk casusnummer dat u op deze laptop aanmaakt (zoals 2025-ZWL-0001), zodat "
            "nummers van verschillende laptops nooit botsen als uw teamleider de registers "
            "samenvoegt. Kies een code die in uw team nog niet wordt gebruikt; u kunt haar "
            "later niet wijzigen."), self)
        explain.setWordWrap(True)
        explain.setObjectName("hint")
        form = QFormLayout(self)
        handler_label = QLabel(tr("&Naam behandelaar"), self)
        handler_label.setBuddy(self.handler_edit)
        device_label = QLabel(tr("A&pparaatcode"), self)
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
    """Making the register is this page's commit: after it there is no way back to
    change the passphrase here (Beheer can), only forward to the recovery code."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(tr("Wachtwoordzin"))
        self.setSubTitle(tr("Het register wordt versleuteld; deze wachtwoordzin opent "
                            "het."))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, tr("Register &aanmaken"))
        # "T&oon": the wizard's "< &Terug" has the T
        self.fields = PassphraseFields(self, show_label="T&oon de wachtwoordzin")
        self.first = self.fields.first
        self.second = self.fields.second
        self.strength = self.fields.strength
        self.match = self.fields.match
        self.warning = QLabel(tr(
            "Let op: bewaar de wachtwoordzin goed. Vergeet u hem, dan is de herstelcode die "
            "u na deze stap krijgt de enige weg terug in het register. Niemand anders, ook "
            "de beheerder niet, kan het register openen zonder wachtwoordzin of "
            "herstelcode."), self)
        self.warning.setObjectName("warningBanner")
        self.warning.setWordWrap(True)
        self.warning.setAccessibleName(tr("Waarschuwing: bewaar de wachtwoordzin"))
        self.error = QLabel(self)
        self.error.setObjectName("errorMessage")
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.fields)
        layout.addWidget(self.warning)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.fields.changed.connect(self._changed)

    def _changed(self) -> None:
        self.error.hide()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.fields.acceptable()

    def validatePage(self) -> bool:
        return self._wizard.create_register(self.fields.passphrase())

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()


class _RecoveryPage(QWizardPage):
    """The recovery code, once: Voltooien waits for "ik heb de herstelcode bewaard"."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(tr("Herstelcode"))
        self.setSubTitle(tr("Het register is aangemaakt. Bewaar nu de herstelcode."))
        self.view: RecoveryCodeView | None = None
        self.message = QLabel(self)
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.message)

    def initializePage(self) -> None:
        reg = self._wizard.register
        if reg is None or self.view is not None:
            return
        self.view = RecoveryCodeView(reg.new_recovery_code or "", reg.path,
                                     reg.settings.device_code, handler=reg.settings.handler,
                                     confirm=True, parent=self)
        self.view.confirmed_changed.connect(self._confirmed)
        self._layout.insertWidget(0, self.view)
        self.view.code_label.setFocus()

    def _confirmed(self) -> None:
        self.message.hide()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.view is not None and self.view.confirmed()

    def remind(self) -> None:
        self.message.setText(tr(
            "Het register is al aangemaakt. Bewaar eerst de herstelcode (afdrukken of "
            "overschrijven) en vink aan dat u hem hebt bewaard: hij wordt maar één keer "
            "getoond."))
        self.message.show()


class FirstRunWizard(QWizard):
    """Makes a new register at ``path``; ``register`` holds it after Voltooien."""

    def __init__(self, path: Path, creator: Creator | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._creator: Creator | None = creator
        self.register: Register | None = None
        self.setWindowTitle(tr("Casusregister – nieuw register"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.FinishButton, tr("&Voltooien"))
        self.setMinimumSize(660, 600)

        welcome = QWizardPage(self)
        welcome.setTitle(tr("Welkom bij Casusregister"))
        welcome.setSubTitle(tr("Het versleutelde casusregister van de Belangenbehartiger "
                               "Belastingplichtigen en Toeslaggerechtigden."))
        text = QLabel(tr(
            "Op deze laptop staat nog geen register. In drie stappen maakt u er een:\n\n"
            "1. uw naam en een apparaatcode voor de casusnummers;\n"
            "2. een wachtwoordzin waarmee het register wordt versleuteld;\n"
            "3. de herstelcode: die drukt u af en geeft u in een gesloten envelop aan uw "
            "teamleider, voor als de wachtwoordzin vergeten is.\n\n"
            "Daarna kunt u casussen aanmelden, triëren en behandelen.\n\n"
            "Het register wordt opgeslagen in:\n{path}").format(path=path), welcome)
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setAccessibleName(tr("Welkom"))
        wl = QVBoxLayout(welcome)
        wl.addWidget(text)
        wl.addStretch(1)
        self.identity_page = _IdentityPage(self)
        self.passphrase_page = _PassphrasePage(self)
        self.recovery_page = _RecoveryPage(self)
        self.addPage(welcome)
        self.addPage(self.identity_page)
        self.addPage(self.passphrase_page)
        self.addPage(self.recovery_page)

    def create_register(self, passphrase: str) -> bool:
        if self.register is not None:
            return True
        try:
            with wait_cursor():
                self.register = (self._creator or _register().create)(
                    self.path, passphrase, self.identity_page.device_edit.text().strip(),
                    self.identity_page.handler_edit.text().strip())
        except UserError as exc:
            self.passphrase_page.show_error(str(exc))
            return False
        except OSError as exc:
            self.passphrase_page.show_error(
                tr("Het register kon niet worden aangemaakt: {problem}")
                .format(problem=describe_os_error(exc)))
            return False
        self.passphrase_page.fields.clear()
        return True

    def reject(self) -> None:
        """Cancel (or Escape) before the register is made; after, only once the
        recovery code was kept: it is never shown again without the passphrase."""
        if self.register is not None and not self.recovery_page.isComplete():
            self.recovery_page.remind()
            return
        super().reject()

    def done(self, result: int) -> None:
        if self.register is not None and self.recovery_page.isComplete():
            self.register.new_recovery_code = None  # shown once
        super().done(result)

    @classmethod
    def ask(cls, path: Path, creator: Creator | None = None,
            parent: QWidget | None = None) -> Register | None:
        """Run the wizard; the new (open) register, or None when cancelled."""
        wizard = cls(path, creator, parent)
        wizard.exec()
        reg = wizard.register
        wizard.deleteLater()
        return reg


# --------------------------------------------------------------------------- forgotten


class ForgottenPassphraseDialog(QDialog):
    """The recovery code and a new passphrase: ``app.storage.keys.recover`` (audited)
    opens the register and rewraps its key; ``register`` holds it afterwards."""

    def __init__(self, path: Path, *, kdf: KdfParams | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._kdf = kdf
        self.register: Register | None = None
        self.setObjectName("forgottenDialog")
        self.setWindowTitle(tr("Wachtwoordzin vergeten"))
        self.setAccessibleName(self.windowTitle())
        self.setModal(True)
        heading = QLabel(tr("Wachtwoordzin vergeten"), self)
        heading.setObjectName("pageTitle")
        intro = QLabel(tr(
            "Met de herstelcode opent u het register en kiest u een nieuwe wachtwoordzin. "
            "De herstelcode staat op het blad dat bij het aanmaken van het register is "
            "afgedrukt; uw teamleider bewaart het. Het gebruik van de herstelcode wordt "
            "vastgelegd in het auditlogboek."), self)
        intro.setWordWrap(True)
        self.code_edit = QLineEdit(self)
        self.code_edit.setFont(monospace(12))
        self.code_edit.setPlaceholderText("ABCD-EFGH-…")
        self.code_edit.setAccessibleName(tr("Herstelcode"))
        self.code_edit.setMinimumWidth(460)
        code_label = QLabel(tr("&Herstelcode"), self)
        code_label.setBuddy(self.code_edit)
        code_hint = QLabel(tr("Hoofdletters, spaties en streepjes maken niet uit."), self)
        code_hint.setObjectName("hint")
        self.fields = PassphraseFields(self, first_label="&Nieuwe wachtwoordzin",
                                       second_label="Herhaal nieu&we wachtwoordzin",
                                       show_label="&Toon de wachtwoordzin",
                                       first_name="Nieuwe wachtwoordzin")
        form = QFormLayout()
        form.addRow(code_label, self.code_edit)
        form.addRow("", code_hint)
        self.message = QLabel(self)
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(tr("Melding"))
        self.message.hide()
        self.cancel_button = QPushButton(tr("Annuleren"), self)
        self.cancel_button.setAccessibleName(tr("Annuleren"))
        self.cancel_button.clicked.connect(self.reject)
        self.recover_button = QPushButton(tr("&Openen met herstelcode"), self)
        self.recover_button.setAccessibleName(tr("Openen met herstelcode"))
        self.recover_button.setDefault(True)
        self.recover_button.clicked.connect(self.try_recover)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.recover_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.fields)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.code_edit.setFocus()

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def try_recover(self) -> None:
        from app.model import recovery

        code = self.code_edit.text()
        try:
            recovery.decode(code)
        except recovery.BadRecoveryCode as exc:
            self.show_message(str(exc))
            self.code_edit.setFocus()
            return
        problem = self.fields.problem()
        if problem:
            self.show_message(problem)
            self.fields.first.setFocus()
            return
        from app.storage.keys import recover, set_aside_unusable_keyring

        try:
            with wait_cursor():
                # a damaged keyring, or one of another register, is moved aside (kept)
                set_aside_unusable_keyring(self.path, code)
                reg = recover(self.path, code, self.fields.passphrase(), kdf=_kdf(self._kdf),
                              lock=True)
        except RegisterDamaged as exc:
            self.show_message(tr("De herstelcode is juist, maar het register is "
                                 "beschadigd: {problem}").format(problem=exc))
            return
        except UserError as exc:
            self.show_message(str(exc))
            return
        self.fields.clear()
        self.code_edit.clear()
        self.register = reg
        self.accept()

    @classmethod
    def ask(cls, path: Path, *, kdf: KdfParams | None = None,
            parent: QWidget | None = None) -> Register | None:
        """The open register (with its new passphrase), or None when cancelled."""
        dialog = cls(path, kdf=kdf, parent=parent)
        dialog.exec()
        reg = dialog.register
        dialog.deleteLater()
        return reg


# --------------------------------------------------------------------------- unlock


class UnlockDialog(QDialog):
    """Asks the passphrase; ``unlocked`` carries the open register."""

    unlocked = Signal(object)

    def __init__(self, path: Path, opener: Opener | None = None, *, demo: bool = False,
                 demo_passphrase: str = "", kdf: KdfParams | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._opener: Opener | None = opener  # None: Register.open, loaded on first use
        self._kdf = kdf
        self.register: Register | None = None
        self.remaining = 0
        self.setObjectName("unlockDialog")
        self.setWindowTitle(tr("Casusregister ontgrendelen") + (" – DEMO" if demo else ""))
        self.setAccessibleName(tr("Casusregister ontgrendelen"))
        self.setModal(True)

        heading = QLabel(tr("Het register is vergrendeld"), self)
        heading.setObjectName("pageTitle")
        intro = QLabel(tr("Voer uw wachtwoordzin in om het register te openen."), self)
        intro.setWordWrap(True)
        where = QLabel(tr("Register: {path}").format(path=path), self)
        where.setObjectName("hint")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setAccessibleName(where.text())

        self.demo_hint = QLabel(self)
        self.demo_hint.setObjectName("warningBanner")
        self.demo_hint.setWordWrap(True)
        self.demo_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if demo:
            self.demo_hint.setText(tr(
                "DEMO – dit is een demoregister met verzonnen casussen. "
                "De wachtwoordzin is: {demo_passphrase}").format(demo_passphrase=demo_passphrase))
            self.demo_hint.setAccessibleName(self.demo_hint.text())
        else:
            self.demo_hint.hide()

        self.passphrase_edit = QLineEdit(self)
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setAccessibleName(tr("Wachtwoordzin"))
        self.passphrase_edit.setMinimumWidth(320)
        label = QLabel(tr("&Wachtwoordzin"), self)
        label.setBuddy(self.passphrase_edit)
        self.show_check = QCheckBox(tr("&Toon"), self)
        self.show_check.setAccessibleName(tr("Toon de wachtwoordzin"))
        self.show_check.toggled.connect(lambda on: self.passphrase_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password))
        row = QHBoxLayout()
        row.addWidget(label)
        row.addWidget(self.passphrase_edit, 1)
        row.addWidget(self.show_check)

        self.message = QLabel(self)
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(tr("Melding"))
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.hide()
        #: what the last failure was: "wrong", "damaged", "keyring", "other" or ""
        self.failure = ""
        self.wait_label = QLabel(self)
        self.wait_label.setObjectName("hint")
        self.wait_label.setAccessibleName(tr("Wachttijd"))
        self.wait_label.hide()

        self.forgot_button = QPushButton(tr("Wachtwoordzin &vergeten…"), self)
        self.forgot_button.setAccessibleName(tr("Wachtwoordzin vergeten"))
        self.forgot_button.setToolTip(tr(
            "Open het register met de herstelcode en kies een nieuwe wachtwoordzin"))
        self.forgot_button.setAutoDefault(False)
        self.forgot_button.clicked.connect(self.forgot_passphrase)
        self.restore_button = QPushButton(tr("&Back-up terugzetten…"), self)
        self.restore_button.setAccessibleName(tr("Back-up terugzetten"))
        self.restore_button.setAutoDefault(False)
        self.restore_button.clicked.connect(self.restore_backup)
        self.restore_button.hide()
        self.unlock_button = QPushButton(tr("&Ontgrendelen"), self)
        self.unlock_button.setAccessibleName(tr("Ontgrendelen"))
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self.try_unlock)
        self.quit_button = QPushButton(tr("&Afsluiten"), self)
        self.quit_button.setAccessibleName(tr("Afsluiten"))
        self.quit_button.setAutoDefault(False)
        self.quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.forgot_button)
        buttons.addWidget(self.restore_button)
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
        self.setMaximumWidth(640)
        self.start_backoff(remaining_delay(path))

    # ------------------------------------------------------------------ the attempt

    def try_unlock(self) -> None:
        if self.remaining > 0:
            return
        text = self.passphrase_edit.text()
        if not text:
            self.show_message(tr("Voer uw wachtwoordzin in."))
            return
        self.passphrase_edit.clear()
        self.restore_button.hide()
        try:
            with wait_cursor():
                reg = (self._opener or _register().open)(self.path, text)
        except WrongPassphrase:
            failures = len(failed_unlocks(self.path)) or 1
            self.failure = "wrong"
            self.show_message(tr(
                "Onjuiste wachtwoordzin. Het register is niet geopend en er is niets "
                "gewijzigd. Let op hoofdletters en de Caps Lock-toets. Wachtwoordzin "
                "vergeten? Gebruik dan de herstelcode."))
            self.start_backoff(backoff_seconds(failures))
            return
        except RegisterDamaged as exc:
            # The keyring accepted the passphrase: this is damage, not a failed unlock.
            self.failure = "damaged"
            self.show_message(tr(
                "Uw wachtwoordzin is juist (dit telt niet als mislukte poging), maar het "
                "register kan niet worden geopend. {problem}\n\nMet 'Back-up terugzetten…' kiest u "
                "hier een back-up; het beschadigde register wordt daarbij bewaard, niet "
                "verwijderd.").format(problem=exc))
            self.restore_button.show()
            return
        except KeyringProblem as exc:
            self.failure = "keyring"
            self.show_message(tr(
                "Het register kan niet met een wachtwoordzin worden geopend: er is een "
                "probleem met de sleutelring. {problem}\n\nMet 'Wachtwoordzin vergeten…' opent u "
                "het register met de herstelcode; de sleutelring wordt dan opnieuw gemaakt "
                "(de oude wordt bewaard).").format(problem=exc))
            self.forgot_button.setFocus()
            return
        except UserError as exc:
            self.failure = "other"
            self.show_message(str(exc))
            return
        self._unlocked(reg)

    def _unlocked(self, reg: Register) -> None:
        self.register = reg
        self.failure = ""
        self.message.hide()
        show_new_recovery_code(reg, self)
        self.unlocked.emit(reg)
        self.accept()

    def forgot_passphrase(self) -> None:
        reg = ForgottenPassphraseDialog.ask(self.path, kdf=self._kdf, parent=self)
        if reg is not None:
            self._unlocked(reg)

    def restore_backup(self) -> None:
        """A damaged register: put a backup back (the passphrase was right)."""
        from app.ui.beheer.key_dialogs import RestoreDamagedDialog

        reg = RestoreDamagedDialog.ask(self.path, parent=self)
        if reg is not None:
            self._unlocked(reg)

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
            tr("U kunt het over 1 seconde opnieuw proberen.") if self.remaining == 1
            else plural(tr("U kunt het over %n seconden opnieuw proberen."),
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
            demo_passphrase: str = "", kdf: KdfParams | None = None,
            parent: QWidget | None = None) -> Register | None:
        """Ask until unlocked or cancelled; the open register or None."""
        dialog = cls(path, opener, demo=demo, demo_passphrase=demo_passphrase, kdf=kdf,
                     parent=parent)
        dialog.exec()
        reg = dialog.register
        dialog.deleteLater()
        return reg
