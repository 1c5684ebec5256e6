"""First-run wizard, unlock dialog and "Wachtwoordzin vergeten", on real SQLCipher
registers: the recovery code is shown and must be kept, each kind of failure gets its
own message, and only a wrong passphrase starts the back-off."""

from __future__ import annotations

import functools
import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWizard

from app.model import recovery
from app.storage import audit, keyring
from app.storage.backup import make_backup
from app.storage.keyring import keyring_path
from app.storage.repository import Register
from app.storage.unlock_log import failed_unlocks, remaining_delay
from app.ui.app_dialogs import FirstRunWizard, ForgottenPassphraseDialog, UnlockDialog
from app.ui.key_widgets import (
    RecoveryCodeDialog,
    RecoverySheet,
    code_lines,
    recovery_sheet_html,
    strength_of,
)
from tests.gui.conftest import (
    KDF,
    PASSPHRASE,
    make_small,
    mnemonic_letters,
    unnamed_controls,
)

NEW = "zeven groene kikkers op een vlot"
LEGACY = Path(__file__).resolve().parents[1] / "data" / "legacy" / "register-v1.db"
LEGACY_PASSPHRASE = "oude-wachtwoordzin-v1"


def _finish_enabled(wizard: QWizard) -> bool:
    return bool(wizard.button(QWizard.WizardButton.FinishButton).isEnabled())


def _actions(reg: Register) -> list[tuple[str, str]]:
    return [(r.action, r.result) for r in audit.rows(reg.conn)]


def _pdf_printer(path: Path) -> Any:
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_first_run_wizard_makes_the_register_and_shows_the_code_once(
        qtbot: Any, tmp_path: Path, creator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ui.main import application

    application()  # Qt's Dutch texts: "< &Terug" takes a letter too
    path = tmp_path / "nieuw" / "register.db"
    wizard = FirstRunWizard(path, creator)
    qtbot.addWidget(wizard)
    wizard.show()
    welcome = " ".join(lbl.text() for lbl in wizard.currentPage().findChildren(QLabel))
    assert str(path) in welcome  # says where the register will be
    assert "herstelcode" in welcome
    wizard.next()
    page = wizard.identity_page
    assert wizard.currentPage() is page
    assert unnamed_controls(page) == []
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert not next_button.isEnabled()
    qtbot.keyClicks(page.handler_edit, "Fatima Benali")
    qtbot.keyClicks(page.device_edit, "zwl")
    assert page.device_edit.text() == "ZWL"  # typed in lower case, shown as capitals
    assert next_button.isEnabled()
    wizard.next()

    pp = wizard.passphrase_page
    assert unnamed_controls(pp) == []
    # the warning now names the way back, and no longer says there is none
    assert "herstelcode" in pp.warning.text()
    assert "niet te herstellen" not in pp.warning.text()
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert commit.isVisible() and "aanmaken" in commit.text()
    qtbot.keyClicks(pp.first, "te kort")
    pp.fields.update_strength()
    assert "minstens 12 tekens" in pp.strength.text()
    assert not commit.isEnabled()
    pp.first.clear()
    qtbot.keyClicks(pp.first, "wachtwoord123")  # long enough, but a common password
    pp.fields.update_strength()
    assert "veelgebruikte" in pp.strength.text()
    pp.first.clear()
    qtbot.keyClicks(pp.first, PASSPHRASE)
    qtbot.waitUntil(lambda: "Sterk" in pp.strength.text() or "sterk" in pp.strength.text(),
                    timeout=3000)  # zxcvbn's hint, once typing pauses
    qtbot.keyClicks(pp.second, PASSPHRASE + "x")
    assert not commit.isEnabled()  # not the same twice
    assert "niet gelijk" in pp.match.text()
    pp.second.clear()
    qtbot.keyClicks(pp.second, PASSPHRASE)
    assert commit.isEnabled()
    assert len(set(mnemonic_letters(wizard))) == len(mnemonic_letters(wizard))
    qtbot.mouseClick(commit, Qt.MouseButton.LeftButton)

    # the register exists now; the recovery code page waits for "bewaard"
    reg = wizard.register
    assert reg is not None and path.exists()
    rp = wizard.recovery_page
    assert wizard.currentPage() is rp and rp.view is not None
    code = "".join(rp.view.code_label.text().split())
    assert recovery.decode(code) == reg.data_key
    assert rp.view.code_label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert rp.view.code_label.font().fixedPitch() or "mono" in rp.view.code_label.font(
        ).family().lower() or rp.view.code_label.font().styleHint() == rp.view.code_label.font(
        ).StyleHint.Monospace
    assert unnamed_controls(rp) == []
    assert not _finish_enabled(wizard)
    assert not wizard.button(QWizard.WizardButton.BackButton).isVisible() or not \
        wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    # Escape (or the close button) does not lose the code
    wizard.reject()
    assert wizard.isVisible()
    assert rp.message.isVisible() and "één keer" in rp.message.text()

    pdf = tmp_path / "herstelcode.pdf"
    monkeypatch.setattr(RecoverySheet, "ask_printer",
                        classmethod(lambda cls, parent: _pdf_printer(pdf)))
    qtbot.mouseClick(rp.view.print_button, Qt.MouseButton.LeftButton)
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    assert rp.view.printed and "Afgedrukt" in rp.view.print_status.text()

    assert rp.view.confirm_check is not None
    rp.view.confirm_check.setFocus()
    qtbot.keyClick(rp.view.confirm_check, Qt.Key.Key_Space)  # by keyboard
    assert rp.view.confirm_check.isChecked()
    assert _finish_enabled(wizard)
    assert len(set(mnemonic_letters(wizard))) == len(mnemonic_letters(wizard))
    with qtbot.waitSignal(wizard.finished, timeout=5000):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton),
                         Qt.MouseButton.LeftButton)
    try:
        assert reg.settings.device_code == "ZWL"
        assert reg.settings.handler == "Fatima Benali"
        assert reg.new_recovery_code is None  # shown once
    finally:
        reg.close()
    again = Register.open_with_recovery_code(path, code)  # the code on screen opens it
    again.close()


def test_a_cancelled_print_dialog_prints_nothing(qtbot: Any, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RecoverySheet, "ask_printer", classmethod(lambda cls, parent: None))
    dialog = RecoveryCodeDialog(recovery.encode(bytes(range(32))), tmp_path / "r.db", "ZWL")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.view.print_code()
    assert not dialog.view.printed


def test_the_printed_sheet_says_whose_code_it_is_and_what_to_do(tmp_path: Path) -> None:
    from datetime import date

    code = recovery.encode(bytes(range(32)))
    text = recovery_sheet_html(code, tmp_path / "a&b.db", "ZWL", date(2026, 3, 4), "F. Benali")
    assert all(line in text for line in code_lines(code))
    assert "".join(code_lines(code)) == code  # the lines join back into the code
    assert "a&amp;b.db" in text and "ZWL" in text and "4 maart 2026" in text
    assert "gesloten envelop" in text and "Wachtwoordzin vergeten" in text
    assert "nieuwe sleutel" in text


def test_the_recovery_code_dialog_waits_for_the_tick(qtbot: Any, tmp_path: Path) -> None:
    dialog = RecoveryCodeDialog(recovery.encode(bytes(32)), tmp_path / "r.db", "ZWL")
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.close_button.isEnabled()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and dialog.message.isVisible()
    assert dialog.view.confirm_check is not None
    dialog.view.confirm_check.setChecked(True)
    assert dialog.close_button.isEnabled()
    assert unnamed_controls(dialog) == []
    with qtbot.waitSignal(dialog.finished, timeout=2000):
        qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)


def test_wizard_refuses_a_bad_device_code(qtbot: Any, tmp_path: Path, creator: Any) -> None:
    wizard = FirstRunWizard(tmp_path / "r.db", creator)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.next()
    page = wizard.identity_page
    qtbot.keyClicks(page.handler_edit, "Tester")
    qtbot.keyClicks(page.device_edit, "A1B")  # the validator drops the digit
    assert page.device_edit.text() == "AB"
    page.device_edit.setText("A")
    assert not page.isComplete()
    assert "2 tot 4 hoofdletters" in " ".join(lbl.text() for lbl in page.findChildren(QLabel))


def test_the_wizard_cancelled_before_making_the_register_leaves_nothing(
        qtbot: Any, tmp_path: Path, creator: Any) -> None:
    wizard = FirstRunWizard(tmp_path / "r.db", creator)
    qtbot.addWidget(wizard)
    wizard.show()
    with qtbot.waitSignal(wizard.rejected, timeout=2000):
        wizard.reject()
    assert wizard.register is None and not (tmp_path / "r.db").exists()


def test_strength_comes_from_the_model_rules_and_zxcvbn() -> None:
    assert strength_of("")[0] == 0
    assert "minstens 12" in strength_of("x" * 11)[1]
    assert "herhaald teken" in strength_of("a" * 16)[1]
    assert strength_of("correct horse battery staple")[0] >= 3
    # zxcvbn refuses more than 72 characters; a long passphrase still gets its hint
    assert strength_of("lange zin " * 12)[0] >= 0


def test_unlock_wrong_then_right(qtbot: Any, small_path: Path, opener: Any) -> None:
    dialog = UnlockDialog(small_path, opener)
    qtbot.addWidget(dialog)
    dialog.show()
    assert unnamed_controls(dialog) == []
    assert len(set(mnemonic_letters(dialog))) == len(mnemonic_letters(dialog))
    qtbot.keyClicks(dialog.passphrase_edit, "dit is het niet")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert dialog.register is None
    assert dialog.message.isVisible()
    assert "Onjuiste wachtwoordzin" in dialog.message.text()
    assert "herstelcode" in dialog.message.text()
    assert dialog.failure == "wrong"
    assert dialog.passphrase_edit.text() == ""  # the wrong attempt is not kept
    # the growing delay: the field waits without freezing the window
    assert len(failed_unlocks(small_path)) == 1
    assert not dialog.passphrase_edit.isEnabled()
    assert not dialog.unlock_button.isEnabled()
    assert dialog.forgot_button.isEnabled()  # the way back does not wait
    assert dialog.backoff_timer.isActive()
    assert "1 seconde" in dialog.wait_label.text()
    dialog.backoff_timer.timeout.emit()  # one second passes
    assert dialog.passphrase_edit.isEnabled() and dialog.unlock_button.isEnabled()

    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    with qtbot.waitSignal(dialog.unlocked, timeout=5000):
        qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    reg = dialog.register
    assert reg is not None
    try:
        actions = _actions(reg)
        assert ("unlock_failed", "geweigerd") in actions
        assert actions[-1] == ("unlock", "ok")
        assert failed_unlocks(small_path) == []
    finally:
        reg.close()


def test_second_failure_waits_longer(qtbot: Any, small_path: Path, opener: Any) -> None:
    dialog = UnlockDialog(small_path, opener)
    qtbot.addWidget(dialog)
    for _ in range(2):
        dialog.backoff_timer.stop()
        dialog.start_backoff(0)
        qtbot.keyClicks(dialog.passphrase_edit, "fout fout fout")
        dialog.try_unlock()
    assert dialog.remaining == 2
    assert "2 seconden" in dialog.wait_label.text()
    # a new dialog (the program restarted) still waits: the count is in the keyring
    again = UnlockDialog(small_path, opener)
    qtbot.addWidget(again)
    assert remaining_delay(small_path) > 0
    assert again.remaining > 0 and not again.passphrase_edit.isEnabled()


def _damage_page_one(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[100] ^= 0xFF
    path.write_bytes(bytes(data))


def test_damage_is_damage_not_a_wrong_passphrase(qtbot: Any, small_path: Path,
                                                 opener: Any) -> None:
    _damage_page_one(small_path)
    dialog = UnlockDialog(small_path, opener)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert dialog.register is None and dialog.failure == "damaged"
    text = dialog.message.text()
    assert "beschadigd" in text and "pagina 1" in text
    assert "Onjuiste" not in text and "juist" in text
    assert not dialog.backoff_timer.isActive() and dialog.passphrase_edit.isEnabled()
    assert failed_unlocks(small_path) == []  # never counted as a failed unlock
    assert dialog.restore_button.isVisible()
    assert len(set(mnemonic_letters(dialog))) == len(mnemonic_letters(dialog))


@pytest.mark.parametrize("how", ["foreign", "missing"])
def test_a_foreign_or_missing_keyring_gets_its_own_message(
        qtbot: Any, small_path: Path, tmp_path: Path, opener: Any, how: str) -> None:
    ring = keyring_path(small_path)
    if how == "foreign":
        other = make_small(tmp_path / "ander.db")
        shutil.copy2(keyring_path(other), ring)
    else:
        ring.unlink()
    dialog = UnlockDialog(small_path, opener)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert dialog.register is None and dialog.failure == "keyring"
    assert "sleutelring" in dialog.message.text()
    assert "Wachtwoordzin vergeten" in dialog.message.text()
    assert not dialog.backoff_timer.isActive()
    assert dialog.forgot_button.hasFocus() or dialog.forgot_button.isVisible()


def _code_of(path: Path) -> str:
    reg = Register.open(path, PASSPHRASE, lock=False, audit_unlock=False)
    try:
        return recovery.encode(reg.data_key)
    finally:
        reg.close()


def test_forgotten_passphrase_opens_with_the_code_and_sets_a_new_one(
        qtbot: Any, small_path: Path, opener: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    code = _code_of(small_path)
    seen: dict[str, Any] = {}

    def ask(cls: Any, path: Path, *, kdf: Any = None, parent: Any = None) -> Any:
        dialog = cls(path, kdf=KDF, parent=parent)
        qtbot.addWidget(dialog)
        dialog.show()
        seen["names"] = unnamed_controls(dialog)
        seen["mnemonics"] = mnemonic_letters(dialog)
        # a typing error is caught by the check group before the register is touched
        qtbot.keyClicks(dialog.code_edit, code[:-1] + ("A" if code[-1] != "A" else "B"))
        qtbot.keyClicks(dialog.fields.first, NEW)
        qtbot.keyClicks(dialog.fields.second, NEW)
        qtbot.mouseClick(dialog.recover_button, Qt.MouseButton.LeftButton)
        seen["typo"] = dialog.message.text()
        assert dialog.register is None
        dialog.code_edit.clear()
        qtbot.keyClicks(dialog.code_edit, code.lower().replace("-", " "))  # as typed
        dialog.fields.second.setText(NEW + "!")
        qtbot.mouseClick(dialog.recover_button, Qt.MouseButton.LeftButton)
        seen["mismatch"] = dialog.message.text()
        dialog.fields.second.setText(NEW)
        qtbot.mouseClick(dialog.recover_button, Qt.MouseButton.LeftButton)
        return dialog.register

    monkeypatch.setattr(ForgottenPassphraseDialog, "ask", classmethod(ask))
    dialog = UnlockDialog(small_path, opener, kdf=KDF)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.unlocked, timeout=5000):
        qtbot.mouseClick(dialog.forgot_button, Qt.MouseButton.LeftButton)
    assert seen["names"] == []
    assert len(set(seen["mnemonics"])) == len(seen["mnemonics"])
    assert "controlegroep" in seen["typo"]
    assert "niet gelijk" in seen["mismatch"]
    reg = dialog.register
    assert reg is not None
    try:
        assert reg.holds_lock  # the window's one-window lock
        assert ("recover", "ok") in _actions(reg)
        assert reg.counts()["cases"] == 44
    finally:
        reg.close()
    with pytest.raises(Exception, match="Onjuiste"):
        Register.open(small_path, PASSPHRASE)
    Register.open(small_path, NEW).close()


def test_a_code_of_another_register_is_refused(qtbot: Any, small_path: Path,
                                               tmp_path: Path) -> None:
    other = make_small(tmp_path / "ander.db")
    dialog = ForgottenPassphraseDialog(small_path, kdf=KDF)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.code_edit, _code_of(other))
    qtbot.keyClicks(dialog.fields.first, NEW)
    qtbot.keyClicks(dialog.fields.second, NEW)
    qtbot.mouseClick(dialog.recover_button, Qt.MouseButton.LeftButton)
    assert dialog.register is None
    assert "hoort niet bij dit register" in dialog.message.text()
    Register.open(small_path, PASSPHRASE).close()  # nothing changed


@pytest.mark.parametrize("how", ["missing", "garbage", "foreign"])
def test_a_lost_or_unusable_keyring_is_rebuilt_from_the_unlock_window(
        qtbot: Any, small_path: Path, tmp_path: Path, how: str) -> None:
    code = _code_of(small_path)
    ring = keyring_path(small_path)
    if how == "missing":
        ring.unlink()
    elif how == "garbage":
        ring.write_text("{kapot")
    else:
        shutil.copy2(keyring_path(make_small(tmp_path / "ander.db")), ring)
    dialog = ForgottenPassphraseDialog(small_path, kdf=KDF)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.code_edit, code)
    qtbot.keyClicks(dialog.fields.first, NEW)
    qtbot.keyClicks(dialog.fields.second, NEW)
    dialog.try_recover()
    assert dialog.register is not None
    dialog.register.close()
    assert keyring.read(keyring_path(small_path)).fits(recovery.decode(code))
    Register.open(small_path, NEW).close()


def test_a_first_release_register_shows_its_new_code_once(
        qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "register.db"
    shutil.copy2(LEGACY, db)
    shown: list[tuple[str, str]] = []

    def show_code(cls: Any, code: str, register: Path, device_code: str, **kw: Any) -> None:
        shown.append((code, device_code))

    monkeypatch.setattr(RecoveryCodeDialog, "show_code", classmethod(show_code))
    opener = functools.partial(Register.open, kdf=KDF)
    dialog = UnlockDialog(db, opener)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.passphrase_edit, LEGACY_PASSPHRASE)
    with qtbot.waitSignal(dialog.unlocked, timeout=10000):
        dialog.try_unlock()
    reg = dialog.register
    assert reg is not None
    try:
        assert len(shown) == 1 and shown[0][1] == "OUD"
        assert recovery.decode(shown[0][0]) == reg.data_key
        assert reg.new_recovery_code is None
        assert "migrate_keys" in [a for a, _ in _actions(reg)]
    finally:
        reg.close()
    again = UnlockDialog(db, opener)
    qtbot.addWidget(again)
    qtbot.keyClicks(again.passphrase_edit, LEGACY_PASSPHRASE)
    again.try_unlock()
    assert again.register is not None
    again.register.close()
    assert len(shown) == 1  # not again


def test_a_damaged_register_is_restored_from_the_unlock_window(
        qtbot: Any, small_path: Path, opener: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ui.beheer.key_dialogs import RestoreDamagedDialog

    reg = Register.open(small_path, PASSPHRASE)
    make_backup(reg, "dagelijks")
    reg.close()
    _damage_page_one(small_path)

    def ask(cls: Any, path: Path, parent: Any = None) -> Any:
        d = cls(path, parent)
        qtbot.addWidget(d)
        d.show()
        assert unnamed_controls(d) == []
        assert d.list.topLevelItemCount() == 1 and "Dagelijks" in d.list.topLevelItem(0).text(1)
        qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
        assert "wachtwoordzin" in d.message.text()  # asked first
        qtbot.keyClicks(d.edit, PASSPHRASE)
        qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
        assert not d.ok_button.isEnabled()  # working, in a thread
        qtbot.waitUntil(lambda: d.register is not None or d.message.isVisible(), timeout=10000)
        return d.register

    monkeypatch.setattr(RestoreDamagedDialog, "ask", classmethod(ask))
    dialog = UnlockDialog(small_path, opener)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    dialog.try_unlock()
    assert dialog.failure == "damaged"
    with qtbot.waitSignal(dialog.unlocked, timeout=15000):
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    restored = dialog.register
    assert restored is not None
    try:
        assert restored.counts()["cases"] == 44
        assert "restore" in [a for a, _ in _actions(restored)]
    finally:
        restored.close()
    from app.storage.backup import list_backups

    assert any(b.label == "vervangen" for b in list_backups(small_path))  # kept aside


def test_unlock_dialog_shows_the_demo_passphrase(qtbot: Any, small_path: Path) -> None:
    dialog = UnlockDialog(small_path, demo=True, demo_passphrase="demo-register")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.demo_hint.isVisible()
    assert "demo-register" in dialog.demo_hint.text()
    assert "DEMO" in dialog.windowTitle()


def test_unlock_dialog_cancel_returns_nothing(qtbot: Any, small_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(UnlockDialog, "exec", lambda self: self.reject() or 0)
    assert UnlockDialog.ask(small_path) is None
