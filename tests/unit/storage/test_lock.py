"""The register lock: never locks a handler out, names a living holder, both platforms.

The Windows branch is tested with the platform faked and kernel32's three answers
played by a fake: ``os.kill`` must never be called there (signal 0 is CTRL_C_EVENT).
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.storage import lock as lockmod
from app.storage.errors import RegisterLocked
from app.storage.lock import RegisterLock


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "register.db"


def _lockfile(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


def _holder(db: Path, **fields: object) -> None:
    data = {"pid": 4242, "host": socket.gethostname(), "user": "anna", "since": "01-12-2025 09:00"}
    data.update(fields)
    _lockfile(db).write_text(json.dumps(data), encoding="utf-8")


def _mine(db: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(_lockfile(db).read_text(encoding="utf-8"))
    return data


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield proc
    proc.kill()
    proc.wait()


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.parametrize("content", [b"", b"\x00\x00garbage", b"[]", b'{"pid": "12"}',
                                     b'{"host": "x"}', "\ufeff{".encode()])
def test_an_empty_or_garbage_lock_is_taken_over(db: Path, content: bytes) -> None:
    _lockfile(db).write_bytes(content)
    lock = RegisterLock(db)
    lock.acquire()
    assert _mine(db)["pid"] == os.getpid()
    lock.release()
    assert not _lockfile(db).exists()


def test_a_lock_whose_process_is_gone_is_taken_over(db: Path) -> None:
    _holder(db, pid=_dead_pid())
    lock = RegisterLock(db)
    lock.acquire()
    assert _mine(db)["pid"] == os.getpid()
    lock.release()


def test_a_living_holder_is_named(db: Path, sleeper: subprocess.Popen[bytes]) -> None:
    _holder(db, pid=sleeper.pid, started=lockmod.process_started(sleeper.pid))
    with pytest.raises(RegisterLocked) as exc:
        RegisterLock(db).acquire()
    assert f"anna op {socket.gethostname()} (proces {sleeper.pid}" in str(exc.value)
    assert _mine(db)["pid"] == sleeper.pid  # the holder's lock is left alone


def test_a_reused_process_number_is_not_the_holder(db: Path, sleeper: subprocess.Popen[bytes],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # The number runs, but it started at another moment than the lock's holder did.
    monkeypatch.setattr(lockmod, "_posix_started", lambda pid: "2000")
    _holder(db, pid=sleeper.pid, started="1000")
    lock = RegisterLock(db)
    lock.acquire()
    assert _mine(db)["pid"] == os.getpid()
    lock.release()


def test_a_holder_on_another_computer_is_respected(db: Path) -> None:
    _holder(db, pid=_dead_pid(), host="andere-laptop")
    with pytest.raises(RegisterLocked, match="andere-laptop"):
        RegisterLock(db).acquire()


def test_the_lock_is_private_and_release_spares_a_lock_taken_over(db: Path) -> None:
    lock = RegisterLock(db)
    lock.acquire()
    if os.name == "posix":
        assert stat.S_IMODE(_lockfile(db).stat().st_mode) == 0o600
    assert not list(db.parent.glob(".*.tmp"))  # the hard-link source is gone
    _holder(db, pid=12345)  # another program took it over meanwhile
    lock.release()
    assert _lockfile(db).exists()


def test_without_hard_links_the_lock_is_still_created(db: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError(1, "Operation not permitted")  # FAT, some network shares

    monkeypatch.setattr(lockmod.os, "link", no_links)
    lock = RegisterLock(db)
    lock.acquire()
    assert _mine(db)["pid"] == os.getpid()
    with pytest.raises(RegisterLocked):
        RegisterLock(db).acquire()  # the same process: a second window on one register
    lock.release()


class FakeKernel32:
    """kernel32 as the lock sees it: per pid an open error, exit code and start time."""

    def __init__(self, processes: dict[int, tuple[int, int | None, str | None]]) -> None:
        self.processes = processes
        self.asked: list[int] = []

    def open_error(self, pid: int) -> int:
        self.asked.append(pid)
        return self.processes.get(pid, (87, None, None))[0]

    def exit_code(self, pid: int) -> int | None:
        return self.processes.get(pid, (87, None, None))[1]

    def started(self, pid: int) -> str | None:
        return self.processes.get(pid, (87, None, None))[2]


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> FakeKernel32:
    me = os.getpid()
    fake = FakeKernel32({me: (0, lockmod.STILL_ACTIVE, "777")})
    monkeypatch.setattr(lockmod, "_platform", lambda: "win32")
    monkeypatch.setattr(lockmod, "_windows", lambda: fake)

    def no_kill(pid: int, sig: int) -> None:
        raise AssertionError("os.kill on Windows sends CTRL_C_EVENT or terminates")

    monkeypatch.setattr(lockmod.os, "kill", no_kill)
    return fake


@pytest.mark.parametrize(("answer", "started", "locked"), [
    ((87, None, None), "100", False),                    # ERROR_INVALID_PARAMETER: gone
    ((5, None, None), "100", True),                      # ERROR_ACCESS_DENIED: exists
    ((0, lockmod.STILL_ACTIVE, "100"), "100", True),     # running, same process
    ((0, 0, "100"), "100", False),                       # ended, handle still around
    ((0, lockmod.STILL_ACTIVE, "999"), "100", False),    # the number was handed out again
    ((0, lockmod.STILL_ACTIVE, None), None, True),       # start time unknown: assume alive
])
def test_windows_asks_the_kernel(db: Path, windows: FakeKernel32, answer: tuple[int, int | None,
                                 str | None], started: str | None, locked: bool) -> None:
    windows.processes[4242] = answer
    _holder(db, pid=4242, started=started)
    lock = RegisterLock(db)
    if locked:
        with pytest.raises(RegisterLocked, match="proces 4242"):
            lock.acquire()
    else:
        lock.acquire()
        assert _mine(db)["pid"] == os.getpid() and _mine(db)["started"] == "777"
        lock.release()
    assert 4242 in windows.asked


def test_windows_keeps_a_lock_it_cannot_remove(db: Path, windows: FakeKernel32,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A stale lock held open by another process (Windows refuses the delete)."""
    _lockfile(db).write_bytes(b"")
    real_unlink = Path.unlink

    def held_open(self: Path, missing_ok: bool = False) -> None:
        if self.name.endswith(".lock"):
            raise PermissionError(13, "Access is denied", str(self))
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", held_open)
    with pytest.raises(RegisterLocked, match="kon niet worden vervangen"):
        RegisterLock(db).acquire()


def test_an_unlock_that_fails_after_opening_leaves_no_lock_behind(tmp_path, monkeypatch):
    """A busy register (a long CLI import) or a full disk on the unlock's own audit row:
    one Dutch line, and trying again in the same program is not refused by its own lock."""
    from app.storage.db import DatabaseError
    from app.storage.errors import StorageError
    from app.storage.repository import Register
    from tests.helpers.registers import PASSPHRASE, make_register

    make_register(tmp_path).close()
    path = tmp_path / "register.db"
    real = Register.audit

    def busy(self, action, *args, **kwargs):
        if action == "unlock":
            raise DatabaseError("database is locked")
        return real(self, action, *args, **kwargs)

    monkeypatch.setattr(Register, "audit", busy)
    with pytest.raises(StorageError, match="even bezet"):
        Register.open(path, PASSPHRASE)
    monkeypatch.setattr(Register, "audit", real)
    Register.open(path, PASSPHRASE).close()  # not "al geopend door" this very program


def test_a_disk_problem_is_not_called_damage():
    """SQLite's read-only, cannot-open and I/O errors come from the disk or the folder:
    the handler must not be sent to a backup for them."""
    from app.storage.db import DatabaseError, translate

    for text, dutch in (("attempt to write a readonly database", "alleen gelezen"),
                        ("unable to open database file", "kon niet worden geopend"),
                        ("disk I/O error", "lees- of schrijffout")):
        line = str(translate(DatabaseError(text), Path("/data/register.db")))
        assert dutch in line and "register.db" in line
        assert "beschadigd" not in line and "back-up" not in line and text not in line
    assert "beschadigd" in str(translate(DatabaseError("file is not a database")))
