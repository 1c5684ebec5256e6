"""The pieces of run_gui with temporary paths: Dutch Qt texts, demo, first run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, Qt

from app.storage.repository import Register
from app.ui import main as gui_main
from app.ui.app_dialogs import FirstRunWizard, UnlockDialog
from app.ui.main import Launch, application, default_path, run_gui, start
from tests.gui.conftest import PASSPHRASE


def test_application_speaks_dutch(qapp: Any) -> None:
    app = application()
    assert app is qapp
    assert "#navigation" in app.styleSheet()
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuleren"


def test_default_paths_follow_the_user_folders(tmp_path: Path) -> None:
    # conftest points XDG_DATA_HOME at a temporary folder
    assert default_path(False).name == "register.db"
    assert default_path(True).name == "demo-register.db"
    assert "home" in str(default_path(True))


def _unlock_like_a_person(qtbot: Any, seen: dict[str, Any]) -> Any:
    """Replace UnlockDialog.ask: the real dialog, read the hint, type what it says."""

    def ask(cls: Any, path: Path, opener: Any = None, *, demo: bool = False,
            demo_passphrase: str = "", kdf: Any = None, parent: Any = None
            ) -> Register | None:
        dialog = cls(path, opener, demo=demo, demo_passphrase=demo_passphrase)
        qtbot.addWidget(dialog)
        dialog.show()
        seen["hint"] = dialog.demo_hint.text()
        seen["title"] = dialog.windowTitle()
        qtbot.keyClicks(dialog.passphrase_edit, demo_passphrase or PASSPHRASE)
        qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
        return dialog.register

    return classmethod(ask)


def test_demo_register_is_made_and_opens(qtbot: Any, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "demo-register.db"
    seen: dict[str, Any] = {}
    monkeypatch.setattr(UnlockDialog, "ask", _unlock_like_a_person(qtbot, seen))
    window = start(Launch(path=path, demo=True))
    assert window is not None and path.exists()
    qtbot.addWidget(window)
    try:
        assert "demo-register" in seen["hint"]
        assert "DEMO" in seen["title"]
        assert window.windowTitle().startswith("DEMO")
        assert window.demo_banner.isVisible()
        assert "demo-register" in window.demo_banner.text()
        assert window.session.register.settings.demo
        assert window.cases_page.model.total > 100
        qtbot.waitUntil(lambda: not window.reader.busy, timeout=10000)
        assert window.signals_page.list.topLevelItemCount() > 0
    finally:
        window.close()
    assert not window.session.is_open  # closing the window locks the register


def test_first_run_makes_a_register_and_opens_the_window(
        qtbot: Any, tmp_path: Path, creator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "data" / "register.db"

    def ask(cls: Any, p: Path, make: Any = None, parent: Any = None) -> Register:
        return make(p, PASSPHRASE, "ZWL", "Fatima Benali")

    monkeypatch.setattr(FirstRunWizard, "ask", classmethod(ask))
    window = start(Launch(path=path, creator=creator))
    assert window is not None
    qtbot.addWidget(window)
    try:
        assert window.cases_page.count_label.text() == "Geen casussen gevonden"
        assert window.device_label.text() == "Apparaat: ZWL"
        assert not window.demo_banner.isVisible()
    finally:
        window.close()


def test_cancelled_first_run_or_unlock_starts_nothing(
        tmp_path: Path, small_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(FirstRunWizard, "ask", classmethod(lambda cls, *a, **k: None))
    assert start(Launch(path=tmp_path / "none.db")) is None
    assert not (tmp_path / "none.db").exists()
    monkeypatch.setattr(UnlockDialog, "ask", classmethod(lambda cls, *a, **k: None))
    assert run_gui(db=small_path) == 0


def test_run_gui_shows_a_storage_error(tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(gui_main, "prepare_demo",
                        lambda *a, **k: (_ for _ in ()).throw(
                            gui_main.UserError("Schijf vol.")))
    monkeypatch.setattr(gui_main.QMessageBox, "critical",
                        lambda parent, title, text: shown.append(text))
    assert run_gui(demo=True, db=tmp_path / "d.db") == 1
    assert shown == ["Schijf vol."]
