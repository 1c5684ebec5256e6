"""First-run wizard and unlock dialog, on real SQLCipher registers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWizard

from app.storage import audit
from app.storage.repository import Register
from app.storage.unlock_log import failed_unlocks
from app.ui.app_dialogs import (
    FirstRunWizard,
    UnlockDialog,
    backoff_seconds,
    remaining_delay,
    strength_hint,
)
from tests.gui.conftest import PASSPHRASE, unnamed_controls


def _finish_enabled(wizard: QWizard) -> bool:
    return bool(wizard.button(QWizard.WizardButton.FinishButton).isEnabled())


def test_first_run_wizard_creates_register(qtbot: Any, tmp_path: Path, creator: Any) -> None:
    path = tmp_path / "nieuw" / "register.db"
    wizard = FirstRunWizard(path, creator)
    qtbot.addWidget(wizard)
    wizard.show()
    welcome = " ".join(lbl.text() for lbl in wizard.currentPage().findChildren(QLabel))
    assert str(path) in welcome  # says where the register will be
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
    assert "niet te herstellen" in pp.warning.text()
    assert "back-ups" in pp.warning.text() and "uitwisselbestanden" in pp.warning.text()
    qtbot.keyClicks(pp.first, "te kort")
    assert "Te kort" in pp.strength.text()
    assert not _finish_enabled(wizard)
    pp.first.clear()
    qtbot.keyClicks(pp.first, PASSPHRASE)
    qtbot.keyClicks(pp.second, PASSPHRASE + "x")
    assert not _finish_enabled(wizard)  # not the same twice
    assert "niet gelijk" in pp.match.text()
    pp.second.clear()
    qtbot.keyClicks(pp.second, PASSPHRASE)
    assert _finish_enabled(wizard)
    with qtbot.waitSignal(wizard.finished, timeout=5000):
        qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton),
                         Qt.MouseButton.LeftButton)
    reg = wizard.register
    assert reg is not None and path.exists()
    try:
        assert reg.settings.device_code == "ZWL"
        assert reg.settings.handler == "Fatima Benali"
    finally:
        reg.close()
    again = Register.open(path, PASSPHRASE)
    again.close()


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


def test_strength_hint_and_backoff() -> None:
    assert strength_hint("")[0] == 0
    assert "nog 1 teken nodig" in strength_hint("x" * 11)[1]
    assert strength_hint("aaaaaaaaaaaaaaaa")[0] == 1
    assert strength_hint("vier losse woorden samen")[0] == 4
    assert [backoff_seconds(n) for n in range(0, 8)] == [0, 1, 2, 4, 8, 16, 30, 30]


def test_unlock_wrong_then_right(qtbot: Any, small_path: Path, opener: Any) -> None:
    dialog = UnlockDialog(small_path, opener)
    qtbot.addWidget(dialog)
    dialog.show()
    assert unnamed_controls(dialog) == []
    qtbot.keyClicks(dialog.passphrase_edit, "dit is het niet")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert dialog.register is None
    assert dialog.message.isVisible()
    assert "Onjuiste wachtwoordzin" in dialog.message.text()
    assert dialog.passphrase_edit.text() == ""  # the wrong attempt is not kept
    # the growing delay: the field waits without freezing the window
    assert len(failed_unlocks(small_path)) == 1
    assert not dialog.passphrase_edit.isEnabled()
    assert not dialog.unlock_button.isEnabled()
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
        actions = [(r.action, r.result) for r in audit.rows(reg.conn)]
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
    # a new dialog (the program restarted) still waits
    again = UnlockDialog(small_path, opener)
    qtbot.addWidget(again)
    assert remaining_delay(small_path) > 0
    assert again.remaining > 0 and not again.passphrase_edit.isEnabled()


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
