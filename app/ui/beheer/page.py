"""The Beheer page (navigation entry Ctrl+6): one tab per area of the register's affairs.

Tabs are listed in ``TABS`` as (module, class) pairs and loaded when the page is made,
so adding a tab is one line here and a module of its own. Each tab class takes
``(session, reader, parent)`` and clears itself when the session locks, like every
other page.
"""

from __future__ import annotations

import importlib

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.ui.session import Session
from app.ui.text import tr
from app.ui.worker import Worker

#: (module in app.ui.beheer, class name), in the order the tabs appear.
TABS: tuple[tuple[str, str], ...] = (
    ("exchange_tab", "ExchangeTab"),
    ("keys_tab", "KeysTab"),
    ("retention_tab", "RetentionTab"),
    ("audit_tab", "AuditTab"),
    ("settings_tab", "SettingsTab"),
)


class BeheerPage(QWidget):
    #: a tab asks to open a case (its own ``open_case`` signal, forwarded)
    open_case = Signal(str)

    def __init__(self, session: Session, reader: Worker,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("beheerPage")
        self.setAccessibleName(tr("Beheer"))
        self.session = session
        self.reader = reader
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("beheerTabs")
        self.tabs.setAccessibleName(tr("Onderdelen van beheer"))
        self.tabs.setDocumentMode(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        for module_name, class_name in TABS:
            module = importlib.import_module(f"app.ui.beheer.{module_name}")
            tab = getattr(module, class_name)(session, reader, self)
            self.tabs.addTab(tab, tab.title())
            if hasattr(tab, "open_case"):
                tab.open_case.connect(self.open_case)

    def tab(self, class_name: str) -> QWidget | None:
        """The tab of that class (for tests and for links from other pages)."""
        for i in range(self.tabs.count()):
            widget = self.tabs.widget(i)
            if type(widget).__name__ == class_name:
                return widget
        return None

    def show_tab(self, class_name: str) -> None:
        widget = self.tab(class_name)
        if widget is not None:
            self.tabs.setCurrentWidget(widget)
