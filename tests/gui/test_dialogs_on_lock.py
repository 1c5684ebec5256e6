"""Auto-lock closes every dialog that shows a secret or personal data (the shared
``close_on_lock``), even one that refuses Escape, and empties what was typed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QPlainTextEdit

from app.model import recovery
from app.ui.beheer.key_dialogs import ChangePassphraseDialog, RekeyDialog, ShowRecoveryCodeDialog
from app.ui.beheer.settings_tab import AddCodeDialog
from app.ui.case_tab import EraseTextDialog, PrintDialog
from app.ui.key_widgets import RecoveryCodeDialog
from app.ui.session import Session

CODE = recovery.encode(bytes(range(32)))
TYPED = "Geheim getypt 123456782"

DIALOGS: dict[str, Callable[[Session], QDialog]] = {
    "herstelcode": lambda s: RecoveryCodeDialog(CODE, s.register.path, "TST", confirm=True,
                                                session=s),
    "wachtwoordzin wijzigen": lambda s: ChangePassphraseDialog(s),
    "herstelcode tonen": lambda s: ShowRecoveryCodeDialog(s),
    "nieuwe sleutel": lambda s: RekeyDialog(s),
    "tekst wissen": lambda s: EraseTextDialog([], session=s),
    "afdrukken": lambda s: PrintDialog("2025-0001", session=s),
    "waarde toevoegen": lambda s: AddCodeDialog(s.register.codelists, "partner_type",
                                                session=s),
}


@pytest.mark.parametrize("name", list(DIALOGS))
def test_the_dialog_closes_and_forgets_on_lock(qtbot: Any, session: Session, name: str) -> None:
    dialog = DIALOGS[name](session)
    qtbot.addWidget(dialog)
    dialog.open()
    qtbot.waitExposed(dialog)
    edits = dialog.findChildren(QLineEdit) + dialog.findChildren(QPlainTextEdit)
    for edit in edits:
        edit.insertPlainText(TYPED) if isinstance(edit, QPlainTextEdit) else edit.setText(TYPED)
    session.lock()
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    texts = [e.text() if isinstance(e, QLineEdit) else e.toPlainText() for e in edits]
    texts += [label.text() for label in dialog.findChildren(QLabel)]
    assert not any(TYPED in t or "2025-0001" in t for t in texts)
    if isinstance(dialog, RecoveryCodeDialog):
        assert dialog.view.code == "" and not dialog.view.code_label.text()


def test_the_recovery_code_still_refuses_escape_while_unlocked(qtbot: Any,
                                                                session: Session) -> None:
    dialog = DIALOGS["herstelcode"](session)
    qtbot.addWidget(dialog)
    dialog.open()
    dialog.reject()  # Escape: not before the code was kept
    assert dialog.isVisible()
