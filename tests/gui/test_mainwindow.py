"""The main window: navigation, shortcuts, status bar, and the lock."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel

from app.storage import audit
from app.storage.repository import CaseQuery
from app.ui.app_dialogs import UnlockDialog
from app.ui.mainwindow import NAV_DEADLINES, NAV_SIGNALS, MainWindow
from tests.gui.conftest import PASSPHRASE, unnamed_controls, visible_texts


@pytest.fixture
def window(qtbot: Any, session: Any, opener: Any) -> MainWindow:
    win = MainWindow(session, opener=opener)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: not win.reader.busy, timeout=5000)
    return win


def case_secrets(reg: Any) -> list[str]:
    """Numbers, summaries and signal titles: text that must vanish on lock."""
    out: list[str] = []
    for row in reg.list_cases(CaseQuery(limit=1000)):
        out.append(row.number)
        out.append(str(reg.case(row.number).state.registration.get("summary", ""))[:40])
    out += [s.title for s in reg.list_signals()]
    return [s for s in out if s]


def test_status_bar_and_title(window: MainWindow) -> None:
    assert window.encrypted_label.text() == "Versleuteld"
    assert window.handler_label.text() == "Behandelaar: Tester"
    assert window.device_label.text() == "Apparaat: TST"
    assert window.autolock_label.text() == "Automatisch vergrendelen over 10 min"
    assert "Casusregister" in window.windowTitle() and "DEMO" not in window.windowTitle()
    assert not window.demo_banner.isVisible()
    assert window.cases_page.model.rowCount() == 44


def test_idle_lock_leaves_no_case_text_anywhere(qtbot: Any, window: MainWindow,
                                                session: Any) -> None:
    reg = session.register
    secrets = case_secrets(reg)
    number = reg.list_cases(CaseQuery(limit=1))[0].number
    opened = importlib.util.find_spec("app.ui.case_tab") is not None
    if opened:
        window.open_case(number)
        assert window.tabs.count() == 2
    window.show_page(NAV_SIGNALS)
    window.signals_page.list.setCurrentItem(window.signals_page.list.topLevelItem(0))
    window.show_page(NAV_DEADLINES)
    window.cases_page.search_edit.setText("toeslag")
    assert any(s in t for t in visible_texts() for s in secrets)  # there was case text

    assert window.idle.active
    window.idle.timer.timeout.emit()  # the idle time has passed
    assert not session.is_open
    qtbot.waitUntil(lambda: window.unlock_dialog is not None
                    and window.unlock_dialog.isVisible(), timeout=3000)
    texts = visible_texts()
    leaks = [t for t in texts for s in secrets if s in t]
    assert leaks == []
    assert window.tabs.count() == 1
    assert window.cases_page.model.rowCount() == 0
    assert window.cases_page.search_edit.text() == ""
    assert window.deadlines_page.tree.topLevelItemCount() == 0
    assert window.signals_page.list.topLevelItemCount() == 0
    assert window.encrypted_label.text() == "Vergrendeld"
    assert window.handler_label.text() == ""
    assert not window.idle.active

    # unlocking restores the work
    dialog = window.unlock_dialog
    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    with qtbot.waitSignal(session.unlocked, timeout=5000):
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert session.is_open and window.idle.active
    assert window.cases_page.model.rowCount() == 44
    assert window.nav.currentRow() == NAV_DEADLINES
    if opened:
        assert window.tabs.count() == 2 and window.open_case_numbers() == [number]
    actions = [r.action for r in audit.rows(session.register.conn)]
    assert actions[-2:] == ["lock", "unlock"]


def test_ctrl_l_locks(qtbot: Any, window: MainWindow, session: Any) -> None:
    assert window.lock_action.shortcut().toString() == "Ctrl+L"
    window.activateWindow()
    window.cases_page.table.setFocus()
    qtbot.keyClick(window.cases_page.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not session.is_open, timeout=2000)
    qtbot.waitUntil(lambda: window.unlock_dialog is not None, timeout=2000)
    window.unlock_dialog.reject()
    # the dialog can be dismissed; the window stays locked and offers it again
    qtbot.waitUntil(lambda: window.unlock_dialog is None, timeout=2000)
    assert window.content.currentWidget() is window.locked_page
    assert not window.nav.isEnabled()
    qtbot.mouseClick(window.unlock_button, Qt.MouseButton.LeftButton)
    assert isinstance(window.unlock_dialog, UnlockDialog)


def test_idle_timer_restarts_on_keys_and_clicks(qtbot: Any, window: MainWindow,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    idle = window.idle
    assert idle.minutes == 10
    calls: list[int] = []
    real_start = idle.timer.start
    monkeypatch.setattr(idle.timer, "start", lambda *a: (calls.append(1), real_start(*a)))
    qtbot.keyClick(window.cases_page.search_edit, Qt.Key.Key_A)
    after_key = len(calls)
    assert after_key >= 1
    qtbot.mouseClick(window.cases_page.clear_button, Qt.MouseButton.LeftButton)
    assert len(calls) > after_key
    idle.set_minutes(0)  # locking cannot be switched off
    assert idle.minutes == 1


def test_ctrl_f_focuses_the_search(qtbot: Any, window: MainWindow) -> None:
    window.show_page(NAV_SIGNALS)
    window.find_action.trigger()
    assert window.nav.currentRow() == 0
    qtbot.waitUntil(lambda: window.cases_page.search_edit.hasFocus()
                    or QApplication.focusWidget() is window.cases_page.search_edit,
                    timeout=2000)
    assert window.find_action.shortcut().toString() == "Ctrl+F"


def test_enter_on_a_row_opens_the_case_in_a_tab(qtbot: Any, window: MainWindow) -> None:
    pytest.importorskip("app.ui.case_tab")
    table = window.cases_page.table
    table.setFocus()
    table.selectRow(2)
    number = window.cases_page.model.number_at(2)
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert window.tabs.count() == 2
    assert number in window.tabs.tabText(1)
    window.open_case(number)  # already open: no second tab
    assert window.tabs.count() == 2
    window.close_tab_action.trigger()  # Ctrl+W
    assert window.tabs.count() == 1
    assert window.close_tab_action.shortcut().toString() == "Ctrl+W"


def test_ctrl_n_opens_the_intake_form(qtbot: Any, window: MainWindow) -> None:
    pytest.importorskip("app.ui.intake")
    window.new_case_action.trigger()
    assert window.tabs.count() == 2
    assert window.tabs.tabText(1) == "Nieuwe casus"
    window.new_case_action.trigger()  # one intake form at a time
    assert window.tabs.count() == 2
    window.close_current_tab()
    assert window.tabs.count() == 1


@pytest.mark.parametrize("page", [0, NAV_DEADLINES, NAV_SIGNALS, "signal_forms"])
def test_every_control_has_an_accessible_name(window: MainWindow, page: Any) -> None:
    if page == "signal_forms":
        window.show_page(NAV_SIGNALS)
        window.signals_page.start_create()
        assert unnamed_controls(window) == []
        window.signals_page.list.setCurrentItem(window.signals_page.list.topLevelItem(0))
        window.signals_page.start_step("signal_submitted")
    else:
        window.show_page(page)
        if page == NAV_SIGNALS:
            window.signals_page.list.setCurrentItem(window.signals_page.list.topLevelItem(0))
    assert unnamed_controls(window) == []
    labels = [w for w in window.findChildren(QLabel) if w.buddy() is not None]
    assert labels and all("&" in w.text() for w in labels)
    checks = [w for w in window.findChildren(QCheckBox) if w.isVisible()]
    assert all("&" in w.text() for w in checks)


def test_integrity_is_checked_after_unlock(qtbot: Any, session: Any, opener: Any,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from app.ui import register_state

    monkeypatch.setattr(register_state, "integrity_problems",
                        lambda conn: ["versleuteling: HMAC verification failed for page 2"])
    win = MainWindow(session, opener=opener)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(win.integrity_banner.isVisible, timeout=5000)
    assert "beschadigd" in win.integrity_banner.text()
    assert "page 2" in win.integrity_banner.text()
    win.lock_now()
    assert not win.integrity_banner.isVisible()


def test_a_sound_register_shows_no_damage(window: MainWindow) -> None:
    assert not window.reader.busy
    assert not window.integrity_banner.isVisible()
