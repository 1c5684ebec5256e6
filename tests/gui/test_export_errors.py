"""The export worker's error path and the windowed program's notice, in Dutch."""

from __future__ import annotations

import errno
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from app.model.errors import UserError
from app.storage.db import DatabaseError
from app.ui.console_notice import use_the_cli
from app.ui.export_wizards import ExportRunner


def _fail_with(qtbot: Any, session: Any, error: BaseException) -> str:
    runner = ExportRunner(session)
    got: list[UserError] = []

    def job(reg: Any, progress: Any) -> None:
        raise error

    runner.start(job, lambda result: None, got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    assert runner.wait()
    return str(got[0])


@pytest.mark.parametrize(("error", "expected"), [
    (OSError(errno.EROFS, "Read-only file system", "/media/stick/e.xlsx"),
     "/media/stick/e.xlsx: de map staat op een schijf die alleen gelezen kan worden."),
    (IsADirectoryError(errno.EISDIR, "Is a directory", "/home/a/uit"),
     "/home/a/uit: dit is een map, geen bestand."),
    (FileNotFoundError(errno.ENOENT, "No such file or directory", "/weg/e.xlsx"),
     "/weg/e.xlsx: het bestand of de map bestaat niet."),
    (OSError(errno.ENOSPC, "No space left on device", "/home/a/e.xlsx"),
     "de schijf is vol"),
])
def test_operating_system_errors_reach_the_wizard_in_dutch(qtbot: Any, session: Any,
                                                           error: OSError,
                                                           expected: str) -> None:
    text = _fail_with(qtbot, session, error)
    assert expected in text and "geen half bestand" in text
    assert error.strerror not in text


def test_a_full_disk_while_auditing_is_not_called_unexpected(qtbot: Any, session: Any) -> None:
    text = _fail_with(qtbot, session, DatabaseError("database or disk is full"))
    assert "de schijf is vol" in text and "Onverwachte" not in text


def test_the_windowed_program_names_the_console_program(qtbot: Any,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []

    def fake_exec(box: QMessageBox) -> int:
        shown.append(box.text())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    assert use_the_cli(["list", "--json"]) == 2
    assert "'list --json'" in shown[0] and "casusregister-cli --help" in shown[0]
