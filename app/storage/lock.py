"""One program window per register: a lock file beside the database that says who holds it.

SQLite would serialise writers anyway, but two program windows folding and projecting
the same register would each believe their own lists; a clear "open elsewhere" message
naming the holder is kinder than a half-understood busy error.

A lock must never lock a handler out of their own register. It is taken over when its
holder is gone:

- the file is empty or not a lock of ours (a crash between creating and writing it, a
  damaged disk, a stray file): unreadable means no holder anyone can name;
- it names a process on this computer that no longer runs, or whose number now
  belongs to a newer process (the start time in the lock differs: Windows hands out
  process numbers again quickly).

A lock naming another computer (a register on a network share) is respected: this
computer cannot ask that one whether its holder still runs.

Our own lock is never seen half-written by another program: it is written complete to
a private file beside it and then hard-linked to the lock's name, which fails when
the name exists, an atomic "create with this content". That is what makes taking
over an empty file safe. Where hard links do not work (FAT, some network shares) the
lock is created with ``O_EXCL`` and written at once.

Liveness differs per platform. POSIX: ``os.kill(pid, 0)`` delivers nothing and only
checks. Windows has no such call: ``os.kill(pid, 0)`` there sends CTRL_C_EVENT (signal
0) to a console process group, or calls TerminateProcess; so Windows asks the kernel
with ``OpenProcess`` and ``GetExitCodeProcess`` instead (``_Kernel32``).
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import sys
import uuid
from datetime import datetime
from pathlib import Path
from typing import Protocol

from app.storage.errors import RegisterLocked
from app.storage.files import FILE_MODE

STILL_ACTIVE = 259  # GetExitCodeProcess: the process has not ended
ERROR_ACCESS_DENIED = 5  # OpenProcess on another user's process: it exists


class WindowsProcesses(Protocol):
    """The three kernel32 questions the lock asks on Windows (faked in tests)."""

    def open_error(self, pid: int) -> int:
        """0 when the process can be opened for a query, else GetLastError()."""

    def exit_code(self, pid: int) -> int | None:
        """GetExitCodeProcess, or None when it cannot be asked."""

    def started(self, pid: int) -> str | None:
        """The process's creation time (GetProcessTimes) as text, or None."""


def _platform() -> str:
    return sys.platform


def _windows() -> WindowsProcesses:
    if sys.platform == "win32":
        return _Kernel32()
    raise OSError("kernel32 is only available on Windows")


def alive(pid: int, started: str | None = None) -> bool:
    """Whether process ``pid`` runs and, when ``started`` is known, is the same process.

    When the answer cannot be had, the holder is assumed alive: a refused window is
    a message, two windows on one register are a risk.
    """
    if pid <= 0:
        return False
    if _platform() == "win32":
        api = _windows()
        error = api.open_error(pid)
        if error == ERROR_ACCESS_DENIED:
            return True  # another account's process: it exists, we may not look inside
        if error:
            return False  # ERROR_INVALID_PARAMETER: no process with this number
        code = api.exit_code(pid)
        if code is not None and code != STILL_ACTIVE:
            return False
        now = api.started(pid)
    else:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # another account's process
        except OSError:
            return True
        now = _posix_started(pid)
    return not (started and now and started != now)


def process_started(pid: int) -> str | None:
    """An identity for the process beside its number, so a reused number is seen."""
    if _platform() == "win32":
        return _windows().started(pid)
    return _posix_started(pid)


def _posix_started(pid: int) -> str | None:
    """Linux: the start time in clock ticks since boot (field 22 of /proc/PID/stat)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None  # not Linux, or gone
    fields = stat.rsplit(")", 1)[-1].split()
    return fields[19] if len(fields) > 19 else None


class RegisterLock:
    def __init__(self, db: Path) -> None:
        self.path = db.with_name(db.name + ".lock")
        self._held = False
        self._mine: dict[str, object] = {}

    def acquire(self) -> None:
        pid = os.getpid()
        self._mine = {
            "pid": pid,
            "started": process_started(pid),
            "host": socket.gethostname(),
            "user": _user(),
            "since": datetime.now().strftime("%d-%m-%Y %H:%M"),
        }
        for _ in range(3):
            if self._create(json.dumps(self._mine)):
                self._held = True
                return
            holder = self._read()
            if holder is None or self._stale(holder):
                if self._take_over(holder):
                    continue
                break
            raise RegisterLocked(
                "Het register is al geopend door "
                f"{holder.get('user', 'onbekend')} op {holder.get('host', 'onbekend')} "
                f"(proces {holder.get('pid', '?')}, sinds {holder.get('since', '?')}). "
                "Sluit dat programma eerst.")
        raise RegisterLocked(
            f"Het slotbestand {self.path} kon niet worden vervangen. Sluit andere vensters "
            "van het programma en probeer het opnieuw.")

    def _create(self, text: str) -> bool:
        """Create the lock with its whole content at once; False when it exists."""
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            try:
                os.link(tmp, self.path)
                return True
            except FileExistsError:
                return False
            except OSError:
                pass  # no hard links on this file system: create it directly below
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
        except FileExistsError:
            return False
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        return True

    def _read(self) -> dict[str, object] | None:
        """The holder, or None when the file is empty, garbage or unreadable."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}  # released meanwhile: simply try again
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or not isinstance(data.get("pid"), int):
            return None
        return data

    def _take_over(self, judged: dict[str, object] | None) -> bool:
        """Remove a stale lock, unless it changed since it was judged (a new holder)."""
        if judged == {}:
            return True  # already gone
        if self._read() != judged:
            return True  # someone else's fresh lock now: decide again
        try:
            self.path.unlink()
        except FileNotFoundError:
            return True
        except OSError:
            return False  # Windows: held open by another process; refuse clearly
        return True

    @staticmethod
    def _stale(holder: dict[str, object]) -> bool:
        if holder == {}:
            return True
        if holder.get("host") != socket.gethostname():
            return False
        pid = holder.get("pid")
        started = holder.get("started")
        if not isinstance(pid, int):
            return True
        if pid == os.getpid():
            return False  # this process holds it (a second Register on the same file)
        return not alive(pid, started if isinstance(started, str) else None)

    def release(self) -> None:
        """Remove the lock, unless another process took it over meanwhile."""
        if not self._held:
            return
        self._held = False
        current = self._read()
        if current is not None and current not in ({}, self._mine):
            return
        with contextlib.suppress(OSError):
            self.path.unlink()


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "onbekend"


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import ctypes
    from ctypes import wintypes

    _PROCESS_QUERY_LIMITED_INFORMATION = 0x1000

    class _Kernel32:
        """kernel32 through ctypes: no pywin32 needed in the frozen program."""

        def __init__(self) -> None:
            self._k = ctypes.WinDLL("kernel32", use_last_error=True)
            self._k.OpenProcess.restype = wintypes.HANDLE
            self._k.OpenProcess.argtypes = (wintypes.DWORD, wintypes.BOOL, wintypes.DWORD)
            self._k.GetExitCodeProcess.argtypes = (wintypes.HANDLE,
                                                   ctypes.POINTER(wintypes.DWORD))
            self._k.GetProcessTimes.argtypes = (wintypes.HANDLE,
                                                *(ctypes.POINTER(wintypes.FILETIME),) * 4)
            self._k.CloseHandle.argtypes = (wintypes.HANDLE,)

        def _open(self, pid: int) -> int | None:
            handle = self._k.OpenProcess(_PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
            return int(handle) if handle else None

        def open_error(self, pid: int) -> int:
            handle = self._open(pid)
            if handle is None:
                return int(ctypes.get_last_error()) or 87
            self._k.CloseHandle(handle)
            return 0

        def exit_code(self, pid: int) -> int | None:
            handle = self._open(pid)
            if handle is None:
                return None
            try:
                code = wintypes.DWORD()
                if not self._k.GetExitCodeProcess(handle, ctypes.byref(code)):
                    return None
                return int(code.value)
            finally:
                self._k.CloseHandle(handle)

        def started(self, pid: int) -> str | None:
            handle = self._open(pid)
            if handle is None:
                return None
            try:
                times = [wintypes.FILETIME() for _ in range(4)]
                if not self._k.GetProcessTimes(handle, *(ctypes.byref(t) for t in times)):
                    return None
                created = times[0]
                return str((created.dwHighDateTime << 32) | created.dwLowDateTime)
            finally:
                self._k.CloseHandle(handle)
