"""The main window: navigation column, the case list with case tabs, and the lock.

Locking is one act (docs/SECURITY.md): the session closes the connection and forgets the
data key (the passphrase was never kept), and this window closes every case tab,
empties every model, list and form, hides the work area and shows the unlock dialog.
Unlocking reloads the pages and reopens the case tabs that were open (only their
numbers were kept).

The case tab and the intake form live in their own modules and are imported only when
first opened, so the window starts without them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTabBar,
    QTabWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.model.errors import UserError
from app.ui.app_dialogs import Opener, UnlockDialog
from app.ui.beheer.page import BeheerPage
from app.ui.cases_page import CasesPage
from app.ui.dashboard import DashboardPage
from app.ui.deadlines_page import DeadlinesPage
from app.ui.export_page import ExportPage
from app.ui.geometry import clamp_to_screen, restore_window, save_window
from app.ui.idle import IdleLock, remaining_text
from app.ui.register_state import AfterUnlock, RegisterBanners, after_unlock
from app.ui.session import WATCH_INTERVAL_MS, Session
from app.ui.signals_page import SignalsPage
from app.ui.text import tr
from app.ui.wheel import install_wheel_guard
from app.ui.worker import Worker

NAV_CASES, NAV_DEADLINES, NAV_SIGNALS, NAV_OVERVIEW, NAV_EXPORT, NAV_BEHEER = range(6)
INTAKE_MARK = "__intake__"


class MainWindow(QMainWindow):
    def __init__(self, session: Session, *, opener: Opener | None = None,
                 demo: bool | None = None, demo_passphrase: str = "",
                 path: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.opener = opener
        self.path = path or session.path
        self.demo = session.demo if demo is None else demo
        self.demo_passphrase = demo_passphrase
        self.unlock_dialog: UnlockDialog | None = None
        self._closing = False
        self._shown_once = False
        self._restore_numbers: list[str] = []
        self._restore_page = NAV_CASES
        self.setObjectName("mainWindow")
        self.setAccessibleName(tr("Casusregister"))
        install_wheel_guard()
        restore_window(self, "main", 1440, 860)
        self._set_title()

        self.reader = Worker(session, self)
        self.cases_page = CasesPage(session, self.reader, self)
        self.deadlines_page = DeadlinesPage(session, self.reader, self)
        self.signals_page = SignalsPage(session, self.reader, self)
        self.overview_page = DashboardPage(session, self.reader, self)
        self.export_page = ExportPage(session, self)
        self.beheer_page = BeheerPage(session, self.reader, self)
        self.cases_page.open_case.connect(self.open_case)
        self.cases_page.new_case_requested.connect(self.new_case)
        self.deadlines_page.open_case.connect(self.open_case)
        self.signals_page.open_case.connect(self.open_case)
        self.overview_page.open_case.connect(self.open_case)
        self.beheer_page.open_case.connect(self.open_case)
        self.overview_page.handler_tree.itemActivated.connect(self._show_handler)

        # -- the case area: the list plus closable case tabs
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("caseTabs")
        self.tabs.setAccessibleName(tr("Casussen en geopende casussen"))
        self.tabs.setDocumentMode(True)
        self.tabs.setTabsClosable(True)
        self.tabs.setMovable(False)
        self.tabs.addTab(self.cases_page, tr("Casussen"))
        for side in (QTabBar.ButtonPosition.RightSide, QTabBar.ButtonPosition.LeftSide):
            self.tabs.tabBar().setTabButton(0, side, None)
        self.tabs.tabCloseRequested.connect(self.close_tab)

        self.work = QStackedWidget(self)
        self.work.setObjectName("workArea")
        self.work.addWidget(self.tabs)
        self.work.addWidget(self.deadlines_page)
        self.work.addWidget(self.signals_page)
        self.work.addWidget(self.overview_page)
        self.work.addWidget(self.export_page)
        self.work.addWidget(self.beheer_page)

        # -- the locked page; its text hides while the unlock dialog stands over it,
        # or its ends would stick out beside the dialog and say the same thing twice
        self.locked_page = QWidget(self)
        self.locked_page.setObjectName("lockedPage")
        self.locked_body = QWidget(self.locked_page)
        locked_label = QLabel(tr("Het register is vergrendeld."), self.locked_body)
        locked_label.setObjectName("pageTitle")
        locked_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        locked_hint = QLabel(tr("Er is niets van het register zichtbaar tot u het "
                                "ontgrendelt met uw wachtwoordzin."), self.locked_body)
        locked_hint.setObjectName("hint")
        locked_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        locked_hint.setWordWrap(True)
        self.unlock_button = QPushButton(tr("&Ontgrendelen…"), self.locked_body)
        self.unlock_button.setAccessibleName(tr("Ontgrendelen"))
        self.unlock_button.setMinimumWidth(180)
        self.unlock_button.clicked.connect(self.show_unlock)
        bl = QVBoxLayout(self.locked_body)
        bl.addWidget(locked_label)
        bl.addWidget(locked_hint)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.unlock_button)
        row.addStretch(1)
        bl.addLayout(row)
        ll = QVBoxLayout(self.locked_page)
        ll.addStretch(1)
        ll.addWidget(self.locked_body)
        ll.addStretch(2)

        self.content = QStackedWidget(self)
        self.content.addWidget(self.work)
        self.content.addWidget(self.locked_page)

        # -- navigation column
        nav_column = QWidget(self)
        nav_column.setObjectName("navigationColumn")
        nav_column.setFixedWidth(210)
        app_title = QLabel(tr("Casusregister"), nav_column)
        app_title.setObjectName("appTitle")
        subtitle = QLabel(tr("Belangenbehartiger Belastingplichtigen en "
                             "Toeslaggerechtigden"), nav_column)
        subtitle.setObjectName("appSubtitle")
        subtitle.setWordWrap(True)
        self.nav = QListWidget(nav_column)
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName(tr("Navigatie"))
        for text, tip in ((tr("Casussen"), tr("Casussen (Ctrl+1)")),
                          (tr("Termijnbewaking"), tr("Termijnbewaking (Ctrl+2)")),
                          (tr("Signalen"), tr("Signalen (Ctrl+3)")),
                          (tr("Overzicht"), tr("Overzicht (Ctrl+4)")),
                          (tr("Export"), tr("Export (Ctrl+5)")),
                          (tr("Beheer"), tr("Beheer: instellingen, sleutels en "
                                                      "back-ups, uitwisselen (Ctrl+6)"))):
            item = QListWidgetItem(text)
            item.setToolTip(tip)
            item.setSizeHint(QSize(0, self.fontMetrics().height() + 20))
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._nav_changed)
        self.lock_button = QPushButton(tr("&Vergrendelen"), nav_column)
        self.lock_button.setAccessibleName(tr("Register vergrendelen"))
        self.lock_button.setToolTip(tr("Het register nu vergrendelen (Ctrl+L)"))
        self.lock_button.clicked.connect(self.lock_now)
        nl = QVBoxLayout(nav_column)
        nl.setContentsMargins(0, 0, 0, 10)
        nl.setSpacing(0)
        nl.addWidget(app_title)
        nl.addWidget(subtitle)
        nl.addWidget(self.nav, 1)
        lock_row = QHBoxLayout()
        lock_row.setContentsMargins(10, 0, 10, 0)
        lock_row.addWidget(self.lock_button)
        nl.addLayout(lock_row)

        self.demo_banner = QLabel(self)
        self.demo_banner.setObjectName("demoBanner")
        self.demo_banner.setWordWrap(True)
        self.demo_banner.setText(tr(
            "DEMO – dit is een demoregister met verzonnen casussen; niets hierin gaat over "
            "echte mensen. Wachtwoordzin: {passphrase}")
                .format(passphrase=demo_passphrase or "demo-register"))
        self.demo_banner.setAccessibleName(self.demo_banner.text())
        self.demo_banner.setVisible(self.demo)

        self.integrity_banner = QLabel(self)
        self.integrity_banner.setObjectName("errorBanner")
        self.integrity_banner.setWordWrap(True)
        self.integrity_banner.setAccessibleName(tr("Waarschuwing: register beschadigd"))
        self.integrity_banner.hide()
        self.banners = RegisterBanners(session, self)
        self.banners.restore_requested.connect(self.show_backups)

        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.setSpacing(0)
        rl.addWidget(self.demo_banner)
        rl.addWidget(self.integrity_banner)
        rl.addWidget(self.banners)
        rl.addWidget(self.content, 1)
        central = QWidget(self)
        cl = QHBoxLayout(central)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(nav_column)
        cl.addWidget(right, 1)
        self.setCentralWidget(central)

        # -- status bar
        self.encrypted_label = QLabel(self)
        self.handler_label = QLabel(self)
        self.device_label = QLabel(self)
        self.autolock_label = QLabel(self)
        for w, name in ((self.encrypted_label, tr("Versleuteling")),
                        (self.handler_label, tr("Behandelaar")),
                        (self.device_label, tr("Apparaat")),
                        (self.autolock_label, tr("Automatisch vergrendelen"))):
            w.setAccessibleName(name)
            w.setContentsMargins(6, 0, 6, 0)
            self.statusBar().addPermanentWidget(w)
        self.status_timer = QTimer(self)
        self.status_timer.setInterval(15_000)
        self.status_timer.timeout.connect(self._update_status)
        # a command (import, a script) may write beside the window: lists follow it
        self.watch_timer = QTimer(self)
        self.watch_timer.setInterval(WATCH_INTERVAL_MS)
        self.watch_timer.timeout.connect(session.check_for_changes)

        # -- idle lock
        self.idle = IdleLock(parent=self)
        self.idle.timed_out.connect(self.lock_now)
        self.idle.install(QApplication.instance())

        # -- keyboard
        self._action("lock", tr("Vergrendelen"), "Ctrl+L", self.lock_now)
        self._action("close_tab", tr("Casus sluiten"), "Ctrl+W", self.close_current_tab)
        self._action("new_case", tr("Nieuwe casus"), "Ctrl+N", self.new_case)
        self._action("find", tr("Zoeken"), "Ctrl+F", self.focus_search)
        self._action("nav_cases", tr("Casussen"), "Ctrl+1",
                     lambda: self.show_page(NAV_CASES))
        self._action("nav_deadlines", tr("Termijnbewaking"), "Ctrl+2",
                     lambda: self.show_page(NAV_DEADLINES))
        self._action("nav_signals", tr("Signalen"), "Ctrl+3",
                     lambda: self.show_page(NAV_SIGNALS))
        self._action("nav_overview", tr("Overzicht"), "Ctrl+4",
                     lambda: self.show_page(NAV_OVERVIEW))
        self._action("nav_export", tr("Export"), "Ctrl+5",
                     lambda: self.show_page(NAV_EXPORT))
        self._action("nav_beheer", tr("Beheer"), "Ctrl+6",
                     lambda: self.show_page(NAV_BEHEER))

        session.locked.connect(self._on_locked)
        session.unlocked.connect(self._on_unlocked)
        session.case_changed.connect(self._case_changed)
        session.data_changed.connect(self._data_changed)
        session.state_changed.connect(self._state_changed)
        session.settings_changed.connect(self._settings_changed)

        self.nav.setCurrentRow(NAV_CASES)
        if session.is_open:
            self._on_unlocked()
        else:
            self._show_locked_state()

    # ------------------------------------------------------------------ building helpers

    def _action(self, name: str, text: str, keys: str, slot: object) -> QAction:
        action = QAction(text, self)
        action.setObjectName(f"action_{name}")
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        setattr(self, f"{name}_action", action)
        return action

    def _set_title(self) -> None:
        name = self.path.name if self.path else ""
        title = tr("Casusregister") + (f" – {name}" if name else "")
        if self.session.read_only:
            title += " – " + tr("alleen lezen")
        if self.demo:
            title = "DEMO – " + title + " – DEMO"
        self.setWindowTitle(title)

    # ------------------------------------------------------------------ navigation

    def _nav_changed(self, row: int) -> None:
        if 0 <= row < self.work.count():
            self.work.setCurrentIndex(row)
            if row == NAV_CASES:
                current = self.tabs.currentWidget()
                if current is not None:
                    current.setFocus()

    def show_page(self, row: int) -> None:
        if not self.session.is_open:
            return
        self.nav.setCurrentRow(row)

    def focus_search(self) -> None:
        if not self.session.is_open:
            return
        self.show_page(NAV_CASES)
        self.tabs.setCurrentIndex(0)
        self.cases_page.focus_search()

    def _show_handler(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        """Enter on a handler in the Overzicht: the case list of that handler."""
        if self.cases_page.show_handler(item.text(0)):
            self.show_page(NAV_CASES)
            self.tabs.setCurrentIndex(0)

    # ------------------------------------------------------------------ case tabs

    def _tab_index(self, key: str) -> int:
        for i in range(1, self.tabs.count()):
            widget = self.tabs.widget(i)
            if widget is not None and widget.property("tabKey") == key:
                return i
        return -1

    def open_case(self, number: str) -> None:
        """Show the case in its own tab (or switch to it when already open)."""
        if not self.session.is_open or not number:
            return
        self.show_page(NAV_CASES)
        idx = self._tab_index(number)
        if idx >= 0:
            self.tabs.setCurrentIndex(idx)
            return
        try:
            from app.ui.case_tab import CaseTab
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("app.ui.case_tab"):
                self.statusBar().showMessage(
                    tr("De casusweergave is in deze versie nog niet beschikbaar."), 6000)
                return
            raise
        tab = CaseTab(self.session, number, self)
        tab.setProperty("tabKey", number)
        tab.setAccessibleName(tr("Casus {number}").format(number=number))
        title_changed = getattr(tab, "title_changed", None)
        if title_changed is not None:
            title_changed.connect(self._tab_title_changed)
        idx = self.tabs.addTab(tab, number)
        self.tabs.setTabToolTip(idx, tr("Casus {number} (Ctrl+W sluit)").format(number=number))
        self.tabs.setCurrentIndex(idx)
        tab.setFocus()

    def new_case(self) -> None:
        """Ctrl+N: the intake form in a tab (one at a time)."""
        if not self.session.is_open:
            return
        self.show_page(NAV_CASES)
        idx = self._tab_index(INTAKE_MARK)
        if idx >= 0:
            self.tabs.setCurrentIndex(idx)
            return
        try:
            from app.ui.intake import IntakeForm
        except ModuleNotFoundError as exc:
            if exc.name and exc.name.startswith("app.ui.intake"):
                self.statusBar().showMessage(
                    tr("Het aanmeldformulier is in deze versie nog niet beschikbaar."),
                    6000)
                return
            raise
        form = IntakeForm(self.session, self)
        form.setProperty("tabKey", INTAKE_MARK)
        form.setAccessibleName(tr("Nieuwe casus"))
        form.case_registered.connect(self._case_registered)
        form.cancelled.connect(self._intake_cancelled)
        idx = self.tabs.addTab(form, tr("Nieuwe casus"))
        self.tabs.setCurrentIndex(idx)
        form.setFocus()

    def _case_registered(self, number: str) -> None:
        idx = self._tab_index(INTAKE_MARK)
        if idx >= 0:
            self.close_tab(idx)
        self.cases_page.refresh()
        self.deadlines_page.reload()
        self.open_case(number)

    def _intake_cancelled(self) -> None:
        idx = self._tab_index(INTAKE_MARK)
        if idx >= 0:
            self.close_tab(idx)

    def _tab_title_changed(self, text: str) -> None:
        sender = self.sender()
        if isinstance(sender, QWidget):
            idx = self.tabs.indexOf(sender)
            if idx > 0:
                self.tabs.setTabText(idx, text)

    def close_tab(self, index: int) -> None:
        if index <= 0 or index >= self.tabs.count():
            return
        widget = self.tabs.widget(index)
        self.tabs.removeTab(index)
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        if self.tabs.currentIndex() == 0:
            self.cases_page.table.setFocus()

    def close_current_tab(self) -> None:
        self.close_tab(self.tabs.currentIndex())

    def open_case_numbers(self) -> list[str]:
        widgets = [self.tabs.widget(i) for i in range(1, self.tabs.count())]
        keys = [w.property("tabKey") for w in widgets if w is not None]
        return [str(k) for k in keys if k and k != INTAKE_MARK]

    def close_all_tabs(self) -> None:
        while self.tabs.count() > 1:
            self.close_tab(self.tabs.count() - 1)

    # ------------------------------------------------------------------ data changes

    def _case_changed(self, _number: str) -> None:
        self.cases_page.refresh()
        self.deadlines_page.reload()

    def _data_changed(self) -> None:
        self.cases_page.refresh()
        self.deadlines_page.reload()
        self.signals_page.reload()
        self.banners.refresh()  # a bundle may have given back this laptop's own steps

    def _state_changed(self) -> None:
        """Read-only or not (the seal was accepted, a backup restored)."""
        self.banners.refresh()
        self._set_title()
        self._update_status()

    def show_backups(self) -> None:
        """Beheer -> Sleutels en back-ups (the seal banner's "Back-up terugzetten…")."""
        self.show_page(NAV_BEHEER)
        self.beheer_page.show_tab("KeysTab")

    def _settings_changed(self) -> None:
        """Beheer -> Instellingen: the idle lock and the status bar follow at once."""
        if self.session.is_open:
            self.idle.set_minutes(self.session.register.settings.auto_lock_minutes)
            self._update_status()

    # ------------------------------------------------------------------ lock and unlock

    def lock_now(self) -> None:
        """Ctrl+L, the lock button and the idle timer."""
        if self.session.is_open:
            self.session.lock()

    def _on_locked(self) -> None:
        self._restore_numbers = self.open_case_numbers()
        self._restore_page = max(0, self.nav.currentRow())
        self.close_all_tabs()
        self.cases_page.clear()
        self.deadlines_page.clear()
        self.signals_page.clear()
        self.idle.stop()
        self.integrity_banner.hide()
        self.banners.clear()
        self._show_locked_state()
        self._set_title()
        if not self._closing and not self.session.suspended:  # a restore reopens it itself
            self.show_unlock()

    def _show_locked_state(self) -> None:
        self.content.setCurrentWidget(self.locked_page)
        self.nav.setEnabled(False)
        self.lock_button.setEnabled(False)
        self.status_timer.stop()
        self.watch_timer.stop()
        self.statusBar().clearMessage()
        self.encrypted_label.setText(tr("Vergrendeld"))
        self.handler_label.clear()
        self.device_label.clear()
        self.autolock_label.clear()

    def show_unlock(self) -> None:
        """The unlock dialog over the locked window (not blocking: the loop keeps running)."""
        if self.session.is_open or self._closing or self.path is None or self.session.suspended:
            return
        if self.unlock_dialog is not None and self.unlock_dialog.isVisible():
            self.unlock_dialog.raise_()
            return
        dialog = UnlockDialog(self.path, self.opener, demo=self.demo,
                              demo_passphrase=self.demo_passphrase, kdf=self.session.kdf,
                              parent=self)
        dialog.unlocked.connect(self.session.attach)
        dialog.finished.connect(self._unlock_finished)
        self.unlock_dialog = dialog
        self.locked_body.hide()
        dialog.open()

    def _unlock_finished(self, _result: int) -> None:
        dialog = self.unlock_dialog
        self.unlock_dialog = None
        if dialog is not None:
            dialog.deleteLater()
        self.locked_body.show()
        if not self.session.is_open:
            self.unlock_button.setFocus()

    def _on_unlocked(self) -> None:
        reg = self.session.register
        self.content.setCurrentWidget(self.work)
        self.nav.setEnabled(True)
        self.lock_button.setEnabled(True)
        self.idle.set_minutes(reg.settings.auto_lock_minutes)
        self.idle.start()
        self.status_timer.start()
        self.watch_timer.start()
        self._update_status()
        self._set_title()
        self.banners.refresh()
        self.cases_page.reload()
        self.deadlines_page.reload()
        self.signals_page.reload()
        self.check_integrity()
        for number in self._restore_numbers:
            self.open_case(number)
        self._restore_numbers = []
        self.nav.setCurrentRow(self._restore_page)
        if self.tabs.count() == 1:
            self.tabs.setCurrentIndex(0)
            if self._restore_page == NAV_CASES:
                self.cases_page.table.setFocus()

    def check_integrity(self) -> None:
        """SQLCipher's page check and SQLite's quick_check, then the day's backup, in the
        worker (about 2 s on 10,000 cases: too slow for the unlock itself)."""
        self.integrity_banner.hide()
        self.reader.submit(after_unlock, self._integrity_done, self._integrity_done_failed)

    def _integrity_done(self, result: object) -> None:
        if not self.session.is_open or not isinstance(result, AfterUnlock):
            return
        if result.problems:
            self._show_damage(str(result.problems[0]))
        elif result.backup_error:
            self.banners.show_backup_problem(result.backup_error)
        if result.backup is not None:
            self.session.backups_changed.emit()

    def _integrity_done_failed(self, error: UserError) -> None:
        message = str(error)
        if self.session.is_open:
            self._show_damage(message)

    def _show_damage(self, detail: str) -> None:
        self.integrity_banner.setText(tr(
            "⚠ Het register lijkt beschadigd ({detail}). Werk er niet verder in: zet een back-up "
            "terug (Beheer, Sleutels en back-ups), of vraag uw teamleider om hulp."
            ).format(detail=detail))
        self.integrity_banner.show()

    def _update_status(self) -> None:
        if not self.session.is_open:
            return
        settings = self.session.register.settings
        self.encrypted_label.setText(tr("Versleuteld – alleen lezen") if
                                     self.session.read_only else tr("Versleuteld"))
        self.encrypted_label.setToolTip(tr(
            "Het register is versleuteld opgeslagen (SQLCipher)."))
        handler = settings.handler
        shown = handler if len(handler) <= 40 else handler[:39] + "…"
        self.handler_label.setText(tr("Behandelaar: {shown}").format(shown=shown))
        self.handler_label.setToolTip(handler)
        self.device_label.setText(tr("Apparaat: {device_code}")
                                  .format(device_code=settings.device_code))
        self.autolock_label.setText(remaining_text(self.idle.remaining_seconds()))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            clamp_to_screen(self)  # now with the window frame the system added

    # ------------------------------------------------------------------ closing

    def closeEvent(self, event: QCloseEvent) -> None:
        save_window(self, "main")
        self._closing = True
        self.idle.stop()
        self.idle.uninstall()
        self.status_timer.stop()
        self.watch_timer.stop()
        if self.unlock_dialog is not None:
            self.unlock_dialog.reject()
        if self.session.is_open:
            self.session.lock()
        else:
            self.close_all_tabs()
        self.reader.shutdown()
        super().closeEvent(event)

