"""The launchers: a windowed program without a console, Windows pipes, the GUI's routing."""

from __future__ import annotations

import io
import os
import stat
import sys
from pathlib import Path

import pytest

from app import launch


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for var in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    return tmp_path


class _Pipe(io.TextIOWrapper):
    """A redirected stream as Windows gives it: the ANSI code page, not a console."""

    def __init__(self, encoding: str = "cp1252", tty: bool = False) -> None:
        super().__init__(io.BytesIO(), encoding=encoding)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


def test_windows_pipes_get_utf8(monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = _Pipe(), _Pipe()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    launch.utf8_when_redirected("win32")
    assert out.encoding == "utf-8" and err.encoding == "utf-8"
    print("⚠ termijn verlopen – Zoë", file=out)  # not in cp1252: would raise before
    out.flush()
    assert out.buffer.getvalue().decode("utf-8").startswith("⚠ termijn")  # type: ignore[attr-defined]


def test_a_windows_console_and_other_platforms_are_left_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    console, pipe = _Pipe(tty=True), _Pipe()
    monkeypatch.setattr(sys, "stdout", console)
    monkeypatch.setattr(sys, "stderr", pipe)
    launch.utf8_when_redirected("win32")
    assert console.encoding == "cp1252"  # Python writes a real console as Unicode anyway
    launch.utf8_when_redirected("linux")
    monkeypatch.setattr(sys, "stderr", _Pipe())
    launch.utf8_when_redirected("linux")
    assert sys.stderr.encoding == "cp1252"


def test_a_windowed_program_writes_to_a_private_log(folders: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    old = os.umask(0o022)
    try:
        monkeypatch.setattr(sys, "stdout", None)
        monkeypatch.setattr(sys, "stderr", None)
        assert launch.attach_missing_streams() is True
        print("naar het niets")  # would raise AttributeError on None
        print("een regel voor het log", file=sys.stderr)
        sys.stderr.flush()
        log = launch.log_path()
        assert log.read_text(encoding="utf-8") == "een regel voor het log\n"
        sys.stderr.close()
        sys.stdout.close()
    finally:
        os.umask(old)
    if os.name == "posix":
        assert stat.S_IMODE(log.stat().st_mode) == 0o600
        assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700


@pytest.mark.parametrize(("args", "command"), [
    ([], False), (["--demo"], False), (["--db", "x.db"], False),
    (["--demo", "--db", "x.db"], False), (["list"], True), (["--version"], True),
    (["--help"], True), (["--onzin"], True), (["export", "signals", "--out", "x"], True),
])
def test_which_arguments_ask_for_a_command(args: list[str], command: bool) -> None:
    assert launch.wants_command(args) is command


def test_the_windowed_program_routes_commands_to_the_console_program(
        folders: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app import cli
    from app.ui import console_notice

    ran: list[list[str]] = []
    told: list[list[str]] = []
    monkeypatch.setattr(cli, "main", lambda argv=None: ran.append(list(argv or [])) or 0)
    monkeypatch.setattr(console_notice, "use_the_cli", lambda args: told.append(args) or 2)
    monkeypatch.delenv(launch.START_PROBE, raising=False)

    monkeypatch.setattr(sys, "stdout", None)  # Windows: no console
    monkeypatch.setattr(sys, "stderr", None)
    assert launch.gui(["list"]) == 2 and told == [["list"]] and ran == []
    _close_streams()  # the program keeps them for its life; a test closes them itself
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    assert launch.gui(["--demo"]) == 0 and ran == [["--demo"]]
    _close_streams()
    # With a console (Linux, a terminal) commands simply run.
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    assert launch.gui(["list"]) == 0 and ran[-1] == ["list"] and len(told) == 1


def _close_streams() -> None:
    """The windowed program points stdout at the null device and stderr at its log."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and not isinstance(stream, io.StringIO):
            stream.close()
