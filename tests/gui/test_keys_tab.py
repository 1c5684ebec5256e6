"""Beheer -> Sleutels en back-ups, and the banners of the main window, on real
SQLCipher registers: backups in a worker, a restore that closes the register and opens
it again (or leaves the old one in place), a new key after the recovery code was used,
and a register behind its seal that opens read-only."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from app.model import recovery
from app.storage import audit, keyring
from app.storage.backup import list_backups
from app.storage.keys import recover
from app.storage.repository import Register
from app.ui.beheer.key_dialogs import (
    AcceptSealDialog,
    ChangePassphraseDialog,
    RekeyDialog,
    RestoreDialog,
    ShowRecoveryCodeDialog,
)
from app.ui.beheer.keys_tab import KeysTab
from app.ui.key_widgets import RecoveryCodeDialog
from app.ui.mainwindow import NAV_BEHEER, MainWindow
from app.ui.session import Session
from app.ui.worker import LongJob
from tests.gui.conftest import KDF, PASSPHRASE, mnemonic_letters, unnamed_controls
from tests.helpers.registers import registration

NEW = "zeven groene kikkers op een vlot"
NOTE_TEXT = "Na de back-up vastgelegd."


def note(reg: Register) -> dict[str, str]:
    return {"on": reg.today().isoformat(), "text": NOTE_TEXT}


def _window(qtbot: Any, session: Session, opener: Any) -> MainWindow:
    session.kdf = KDF
    win = MainWindow(session, opener=opener)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitUntil(lambda: not win.reader.busy, timeout=10000)
    return win


@pytest.fixture
def window(qtbot: Any, session: Session, opener: Any) -> MainWindow:
    return _window(qtbot, session, opener)


def keys_tab(win: MainWindow) -> KeysTab:
    win.show_backups()
    tab = win.beheer_page.tab("KeysTab")
    assert isinstance(tab, KeysTab) and tab.isVisible()
    return tab


def _actions(reg: Register) -> list[str]:
    return [r.action for r in audit.rows(reg.conn)]


def _notes(reg: Register, number: str) -> list[str]:
    return [e.payload["text"] for e in reg.case(number).events if e.kind == "note"]


def _wait_reopened(qtbot: Any, win: MainWindow, tab: KeysTab) -> None:
    qtbot.waitUntil(lambda: tab.maintenance is None, timeout=20000)
    assert win.unlock_dialog is None  # the act reopened the register itself


# --------------------------------------------------------------------------- backups


def test_the_day_backup_is_made_after_unlock_and_listed(qtbot: Any, window: MainWindow,
                                                        session: Session) -> None:
    backups = list_backups(session.register.path)
    assert [b.label for b in backups] == ["dagelijks"]  # by the after-unlock worker
    assert "backup" in _actions(session.register)
    tab = keys_tab(window)
    assert tab.title() == "Sleutels en back-ups"
    assert window.beheer_page.tabs.tabText(window.beheer_page.tabs.currentIndex()) == \
        "Sleutels en back-ups"
    assert tab.list.topLevelItemCount() == 1
    assert tab.list.topLevelItem(0).text(1) == "Dagelijks"
    assert tab.list.topLevelItem(0).text(2).endswith(("kB", "MB"))
    assert "7 dagen en 4 weken" in tab.folder_hint.text()
    assert unnamed_controls(window) == []
    marks = mnemonic_letters(window)
    assert len(set(marks)) == len(marks), marks


def test_backup_now_runs_in_a_worker_and_lists_it(qtbot: Any, window: MainWindow,
                                                  session: Session) -> None:
    tab = keys_tab(window)
    tab.backup_button.setFocus()
    qtbot.keyClick(tab.backup_button, Qt.Key.Key_Space)  # by keyboard
    assert tab.progress.isVisible() and not tab.backup_button.isEnabled()
    qtbot.waitUntil(lambda: not LongJob.busy() and not tab.progress.isVisible(),
                    timeout=10000)
    assert "Back-up gemaakt" in tab.backup_status.text()
    # rotation keeps the newest backup of each day: the manual one replaces today's
    assert [tab.list.topLevelItem(i).text(1) for i in range(tab.list.topLevelItemCount())] \
        == ["Handmatig"]
    assert tab.backup_button.isEnabled()


def test_restore_puts_a_backup_back_and_reopens_without_asking_again(
        qtbot: Any, window: MainWindow, session: Session,
        monkeypatch: pytest.MonkeyPatch) -> None:
    reg = session.register
    number = reg.list_cases()[0].number
    reg.append(number, "note", note(reg))  # after the day's backup
    assert NOTE_TEXT in _notes(reg, number)
    window.open_case(number)
    tab = keys_tab(window)
    asked: list[str] = []

    def ask(cls: Any, s: Any, info: Any, parent: Any = None) -> str:
        asked.append(info.label)
        return PASSPHRASE

    monkeypatch.setattr(RestoreDialog, "ask", classmethod(ask))
    locked_seen: list[bool] = []
    session.locked.connect(lambda: locked_seen.append(bool(session.suspended)))
    tab.list.setCurrentItem(tab.list.topLevelItem(0))
    qtbot.mouseClick(tab.restore_button, Qt.MouseButton.LeftButton)
    assert asked == ["dagelijks"]
    assert locked_seen == [True]  # closed everywhere, as a lock, but suspended
    _wait_reopened(qtbot, window, tab)
    assert session.is_open
    reg = session.register
    assert NOTE_TEXT not in _notes(reg, number)  # the backup's state
    assert "restore" in _actions(reg)
    assert "teruggezet" in tab.backup_status.text()
    assert "vervangen" in {b.label for b in list_backups(reg.path)}  # kept aside
    assert window.content.currentWidget() is window.work
    assert window.open_case_numbers() == [number]  # the case tab came back


def test_a_failing_restore_leaves_the_old_register_in_place(
        qtbot: Any, window: MainWindow, session: Session,
        monkeypatch: pytest.MonkeyPatch) -> None:
    reg = session.register
    number = reg.list_cases()[0].number
    reg.append(number, "note", note(reg))
    backup = list_backups(reg.path)[0].path
    data = bytearray(backup.read_bytes())
    data[len(data) - 2000] ^= 0xFF  # a damaged page deep in the backup
    backup.write_bytes(bytes(data))
    tab = keys_tab(window)
    monkeypatch.setattr(RestoreDialog, "ask", classmethod(lambda cls, *a, **k: PASSPHRASE))
    tab.list.setCurrentItem(tab.list.topLevelItem(0))
    tab.restore_selected()
    _wait_reopened(qtbot, window, tab)
    assert session.is_open
    assert NOTE_TEXT in _notes(session.register, number)  # nothing replaced
    assert "Er is niets teruggezet" in tab.backup_status.text()
    assert "niet in orde" in tab.backup_status.text() or "beschadigd" in \
        tab.backup_status.text()


def test_the_restore_dialog_checks_the_passphrase_before_closing_anything(
        qtbot: Any, window: MainWindow, session: Session) -> None:
    info = list_backups(session.register.path)[0]
    dialog = RestoreDialog(session, info, window)
    qtbot.addWidget(dialog)
    dialog.show()
    text = " ".join(lbl.text() for lbl in dialog.findChildren(QLabel))
    assert "bewaard" in text and "vervangen" in text and "bundel" in text
    assert unnamed_controls(dialog) == []
    qtbot.keyClicks(dialog.edit, "niet de goede zin")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.message.isVisible, timeout=10000)
    assert "onjuist" in dialog.message.text()
    assert session.is_open and dialog.isVisible()
    dialog.edit.clear()
    qtbot.keyClicks(dialog.edit, PASSPHRASE)
    with qtbot.waitSignal(dialog.accepted, timeout=10000):
        qtbot.keyClick(dialog.edit, Qt.Key.Key_Return)
    assert dialog.passphrase == PASSPHRASE
    assert session.is_open  # the dialog itself closes nothing


# --------------------------------------------------------------------------- keys


def test_change_passphrase_in_a_worker(qtbot: Any, window: MainWindow, session: Session,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    tab = keys_tab(window)
    seen: dict[str, Any] = {}

    def ask(cls: Any, s: Any, parent: Any = None) -> bool:
        d = cls(s, parent)
        qtbot.addWidget(d)
        d.show()
        seen["names"] = unnamed_controls(d)
        seen["marks"] = mnemonic_letters(d)
        qtbot.keyClicks(d.current, "niet de goede zin")
        qtbot.keyClicks(d.fields.first, NEW)
        qtbot.keyClicks(d.fields.second, NEW)
        qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(d.message.isVisible, timeout=10000)
        seen["wrong"] = d.message.text()
        d.current.clear()
        qtbot.keyClicks(d.current, PASSPHRASE)
        with qtbot.waitSignal(d.finished, timeout=10000):
            qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
        return d.result() == 1

    monkeypatch.setattr(ChangePassphraseDialog, "ask", classmethod(ask))
    qtbot.mouseClick(tab.passphrase_button, Qt.MouseButton.LeftButton)
    assert seen["names"] == []
    assert len(set(seen["marks"])) == len(seen["marks"]), seen["marks"]
    assert "onjuist" in seen["wrong"]
    assert "gewijzigd" in tab.keys_status.text()
    path = session.register.path
    assert "passphrase_change" in _actions(session.register)
    window.close()
    Register.open(path, NEW).close()
    with pytest.raises(Exception, match="Onjuiste"):
        Register.open(path, PASSPHRASE)


def test_the_recovery_code_is_shown_after_the_passphrase(
        qtbot: Any, window: MainWindow, session: Session,
        monkeypatch: pytest.MonkeyPatch) -> None:
    tab = keys_tab(window)
    shown: list[tuple[str, bool]] = []
    monkeypatch.setattr(RecoveryCodeDialog, "show_code", classmethod(
        lambda cls, code, *a, confirm=True, **k: shown.append((code, confirm))))

    def ask(cls: Any, s: Any, parent: Any = None) -> str | None:
        d = cls(s, parent)
        qtbot.addWidget(d)
        d.show()
        assert unnamed_controls(d) == []
        qtbot.keyClicks(d.passphrase, "niet de goede zin")
        qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(d.message.isVisible, timeout=10000)
        assert "onjuist" in d.message.text() and d.code == ""
        d.passphrase.clear()
        qtbot.keyClicks(d.passphrase, PASSPHRASE)
        with qtbot.waitSignal(d.accepted, timeout=10000):
            qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
        return d.code

    monkeypatch.setattr(ShowRecoveryCodeDialog, "ask", classmethod(ask))
    qtbot.mouseClick(tab.code_button, Qt.MouseButton.LeftButton)
    assert len(shown) == 1
    assert recovery.decode(shown[0][0]) == session.register.data_key
    assert shown[0][1] is False  # shown again: nothing new to confirm
    assert "show_recovery_code" in _actions(session.register)


def test_after_the_recovery_code_a_new_key_is_offered_and_made(
        qtbot: Any, small_path: Path, opener: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with Register.open(small_path, PASSPHRASE, lock=False, audit_unlock=False) as r:
        old_code = recovery.encode(r.data_key)
    reg = recover(small_path, old_code, NEW, kdf=KDF, lock=True)  # "Wachtwoordzin vergeten"
    session = Session(reg, kdf=KDF)
    win = _window(qtbot, session, opener)
    tab = keys_tab(win)
    qtbot.waitUntil(tab.recovery_notice.isVisible, timeout=5000)
    assert "herstelcode" in tab.recovery_notice.text()
    assert tab.rekey_button.isDefault()
    number = reg.list_cases()[0].number
    win.open_case(number)
    shown: list[str] = []
    monkeypatch.setattr(RecoveryCodeDialog, "show_code", classmethod(
        lambda cls, code, *a, **k: shown.append(code)))
    monkeypatch.setattr(RekeyDialog, "ask", classmethod(lambda cls, *a, **k: NEW))
    old_key = reg.data_key
    tab.rekey_button.setFocus()
    qtbot.keyClick(tab.rekey_button, Qt.Key.Key_Space)
    assert session.suspended and not session.is_open  # closed everywhere for the rekey
    _wait_reopened(qtbot, win, tab)
    assert session.is_open
    new = session.register
    assert len(shown) == 1 and recovery.decode(shown[0]) == new.data_key != old_key
    assert "rekey" in _actions(new)
    assert [b.label for b in list_backups(small_path)] == ["na-nieuwe-sleutel"]
    assert win.open_case_numbers() == [number]
    qtbot.waitUntil(lambda: not tab.recovery_notice.isVisible(), timeout=5000)
    # the reader works with the new key (its old connection was closed first)
    win.check_integrity()
    qtbot.waitUntil(lambda: not win.reader.busy, timeout=5000)
    assert not win.integrity_banner.isVisible()
    win.close()
    with pytest.raises(Exception, match="hoort niet bij"):
        Register.open_with_recovery_code(small_path, old_code)
    Register.open_with_recovery_code(small_path, shown[0]).close()


def test_a_new_key_whose_reopen_fails_says_so(
        qtbot: Any, window: MainWindow, session: Session,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from app.model.errors import UserError
    from app.ui.beheer import key_dialogs

    tab = keys_tab(window)
    shown: list[str] = []
    monkeypatch.setattr(RecoveryCodeDialog, "show_code", classmethod(
        lambda cls, code, *a, **k: shown.append(code)))
    monkeypatch.setattr(RekeyDialog, "ask", classmethod(lambda cls, *a, **k: PASSPHRASE))

    class Unopenable:
        @staticmethod
        def open(*_a: Any, **_k: Any) -> Register:
            raise UserError("de schijf is vol")

    monkeypatch.setattr(key_dialogs, "Register", Unopenable)  # only the reopen
    tab.make_new_key()
    qtbot.waitUntil(lambda: tab.maintenance is None, timeout=20000)
    assert not session.is_open and len(shown) == 1  # the code is the way in
    text = tab.keys_status.text()
    assert "nieuwe sleutel" in text  # it was made ...
    assert "kon niet weer worden geopend: de schijf is vol" in text  # ... and did not open
    window.unlock_dialog.reject()


def test_escape_does_not_close_the_progress_while_the_register_is_closed(
        qtbot: Any, window: MainWindow, session: Session) -> None:
    import threading

    from app.ui.beheer.key_dialogs import Maintenance

    tab = keys_tab(window)
    go_on = threading.Event()
    ended: list[str] = []
    maintenance = Maintenance(session, window.reader, tab, "Bezig met onderhoud…")
    maintenance.run(PASSPHRASE, lambda _progress: go_on.wait(20), lambda reg, r: None,
                    lambda reg, r, error: ended.append(error))
    progress = maintenance.progress
    assert progress is not None and session.suspended
    qtbot.waitExposed(progress)
    qtbot.keyClick(progress, Qt.Key.Key_Escape)
    progress.close()  # the window's close button
    assert progress.isVisible() and not ended  # the window stays blocked
    go_on.set()
    qtbot.waitUntil(lambda: ended == [""], timeout=20000)
    assert session.is_open and maintenance.progress is None


# --------------------------------------------------------------------------- banners


@pytest.fixture
def behind_seal(tmp_path: Path) -> Path:
    """A register whose -wal was lost after its last commit (docs/SECURITY.md's seal)."""
    reg = Register.create(tmp_path / "r.db", PASSPHRASE, "TST", "Tester", kdf=KDF)
    number = reg.register_case(registration()).number
    reg.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    reg.conn.execute("PRAGMA wal_autocheckpoint = 0")
    shutil.copy2(reg.path, tmp_path / "zonder-wal.db")
    reg.append(number, "note", note(reg))
    shutil.copy2(reg.keyring_path, tmp_path / "zonder-wal.db.keys")
    reg.close()
    return tmp_path / "zonder-wal.db"


def test_a_register_behind_its_seal_opens_read_only_with_two_ways_on(
        qtbot: Any, behind_seal: Path, opener: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    reg = Register.open(behind_seal, PASSPHRASE)
    assert reg.read_only
    session = Session(reg, kdf=KDF)
    win = _window(qtbot, session, opener)
    banners = win.banners
    assert banners.seal_banner.isVisible()
    assert "Alleen lezen" in banners.seal_label.text() and "ontbreekt" in \
        banners.seal_label.text()
    assert "alleen lezen" in win.windowTitle()
    assert "alleen lezen" in win.encrypted_label.text()
    assert list_backups(behind_seal) == []  # no daily backup of a register behind its seal
    assert unnamed_controls(win) == []
    marks = mnemonic_letters(win)
    assert len(set(marks)) == len(marks), marks

    qtbot.mouseClick(banners.restore_button, Qt.MouseButton.LeftButton)
    assert win.nav.currentRow() == NAV_BEHEER
    tab = win.beheer_page.tab("KeysTab")
    assert isinstance(tab, KeysTab) and win.beheer_page.tabs.currentWidget() is tab
    assert not tab.rekey_button.isEnabled()  # it would delete the older backups

    reasons: list[list[str]] = []

    def ask(cls: Any, behind: list[str], parent: Any = None) -> str:
        d = cls(behind, parent)
        qtbot.addWidget(d)
        d.show()
        assert unnamed_controls(d) == []
        d._ok()
        assert d.message.isVisible()  # a reason is required
        reasons.append(behind)
        return "Stroomuitval; stap opnieuw ingevoerd"

    monkeypatch.setattr(AcceptSealDialog, "ask", classmethod(ask))
    qtbot.mouseClick(banners.accept_button, Qt.MouseButton.LeftButton)
    assert reasons and "ontbreekt" in reasons[0][0]
    assert not session.read_only
    assert not banners.seal_banner.isVisible()
    assert "alleen lezen" not in win.windowTitle()
    assert win.encrypted_label.text() == "Versleuteld"
    assert tab.rekey_button.isEnabled()
    rows = [r for r in audit.rows(session.register.conn) if r.action == "seal_accept"]
    assert rows and "Stroomuitval" in rows[0].result


def test_missing_own_steps_after_an_older_restore_show_a_banner(
        qtbot: Any, window: MainWindow, session: Session,
        monkeypatch: pytest.MonkeyPatch) -> None:
    reg = session.register
    sent = reg.own_events() + 3  # as if three more steps had left in a bundle
    keyring.update(reg.keyring_path, lambda k: replace(k, sent_events=sent))
    tab = keys_tab(window)
    monkeypatch.setattr(RestoreDialog, "ask", classmethod(lambda cls, *a, **k: PASSPHRASE))
    tab.list.setCurrentItem(tab.list.topLevelItem(0))
    tab.restore_selected()
    _wait_reopened(qtbot, window, tab)
    assert window.banners.missing_banner.isVisible()
    assert "3 eigen stappen" in window.banners.missing_banner.text()
    assert "bundel" in tab.backup_status.text()


def test_a_failed_day_backup_is_said_in_a_banner(qtbot: Any, session: Session, opener: Any,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from app.model.errors import UserError
    from app.storage import backup

    def full(reg: Any, now: Any = None) -> None:
        raise UserError("De schijf is vol.")

    monkeypatch.setattr(backup, "daily", full)
    win = _window(qtbot, session, opener)
    assert win.banners.backup_banner.isVisible()
    assert "De schijf is vol." in win.banners.backup_banner.text()
    assert not win.integrity_banner.isVisible()


def test_lists_follow_a_command_writing_beside_the_window(qtbot: Any, window: MainWindow,
                                                          session: Session) -> None:
    before = window.cases_page.model.total
    other = Register.open(session.register.path, PASSPHRASE, lock=False)  # like the CLI
    try:
        other.register_case(registration(received_on="2025-12-02"))
    finally:
        other.close()
    assert window.watch_timer.isActive()
    assert window.watch_timer.interval() <= 5000  # cheap enough to ask often
    with qtbot.waitSignal(session.data_changed, timeout=5000):
        window.watch_timer.timeout.emit()
    qtbot.waitUntil(lambda: window.cases_page.model.total == before + 1, timeout=5000)
    assert not session.check_for_changes()  # nothing new since
