"""Where the program keeps things on Windows, and its temp folder there.

platformdirs decides per platform; here its Windows class is used with the folders a
ministry laptop gives (read from the environment, as platformdirs does without the
Windows API), to pin what docs/INSTALL.md promises.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest
from platformdirs.windows import Windows

from app.export import tempfiles
from app.storage import paths

LOCAL = r"C:\Users\anna\AppData\Local"
ROAMING = r"C:\Users\anna\AppData\Roaming"


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(platformdirs, "PlatformDirs", Windows)
    monkeypatch.setenv("LOCALAPPDATA", LOCAL)
    monkeypatch.setenv("APPDATA", ROAMING)
    from platformdirs import windows as win

    monkeypatch.setattr(win, "get_win_folder", lambda csidl: {
        "CSIDL_LOCAL_APPDATA": LOCAL, "CSIDL_APPDATA": ROAMING}[csidl])


def _win(path: Path) -> str:
    return str(path).replace("/", "\\")


def test_everything_stays_in_the_local_profile_never_the_roaming_one(windows: None) -> None:
    """A roaming profile is copied to a file server at every logoff: not for a register."""
    base = LOCAL + r"\Belangenbehartiger\Casusregister"
    assert _win(paths.default_db()) == base + r"\register.db"
    assert _win(paths.backup_dir(paths.default_db())) == base + r"\register-backups"
    assert _win(paths.temp_dir()) == base + r"\tmp"
    assert _win(paths.log_dir()) == base + r"\Logs"
    assert _win(paths.config_dir()) == base
    for folder in (paths.data_dir(), paths.log_dir(), paths.config_dir()):
        assert ROAMING not in _win(folder)


def test_a_temp_file_held_by_a_scanner_does_not_fail_a_written_export(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows: a just-closed file may be held for a moment; it goes on the next run."""
    folder = tmp_path / "tmp"
    real_unlink = tempfiles._unlink

    def held(path: Path) -> None:
        raise PermissionError(32, "in gebruik", str(path))

    with tempfiles.owned_temp_dir(folder) as owned:
        (owned / "openpyxl.xyz").write_text("blad", encoding="utf-8")
        monkeypatch.setattr(tempfiles, "_unlink", held)
    assert (folder / "openpyxl.xyz").exists()  # left for now, and no error raised
    monkeypatch.setattr(tempfiles, "_unlink", real_unlink)
    with tempfiles.owned_temp_dir(folder):
        assert not any(folder.iterdir())  # emptied on entry
