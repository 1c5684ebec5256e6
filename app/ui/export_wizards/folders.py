"""Where exports go: the folder of the previous export, else the user's Documents.

Remembered in the UI state (never in the register), per purpose: the Weekronde keeps the
folder its bundles arrive in apart from the folder exports are written to.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

from app.ui.geometry import save_state, ui_state

# --------------------------------------------------------------------------- UI state


def last_folder(key: str = "export/last_folder") -> Path:
    """The folder of the previous export, else the user's Documents, else home."""
    value = ui_state().value(key, "")
    if isinstance(value, str) and value and Path(value).is_dir():
        return Path(value)
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs and Path(docs).is_dir() else Path.home()


def remember_folder(folder: Path, key: str = "export/last_folder") -> None:
    settings = ui_state()
    settings.setValue(key, str(folder))
    save_state(settings)
