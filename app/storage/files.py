"""Writing the program's own files: private, atomic, and never half-written.

Every file the program writes (register, keyring, lock, backups, bundles, exports,
logs) holds case data or keys. On POSIX they are created 0600 in folders made 0700,
so another account on the laptop reads nothing; on Windows the user's profile folder
(and BitLocker) protect them (docs/INSTALL.md). A file that replaces another is
written beside it and renamed over it, so a crash or a full disk leaves the old file
whole rather than a torn new one.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

FILE_MODE = 0o600
DIR_MODE = 0o700
_WINDOWS = sys.platform == "win32"


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as private folders; tighten one we made."""
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if not _WINDOWS:
        for folder in missing:
            with contextlib.suppress(OSError):
                os.chmod(folder, DIR_MODE)
    return path


def restrict(path: Path) -> None:
    """Make an existing file of ours private (a no-op on Windows, see the module doc)."""
    if not _WINDOWS:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(path, FILE_MODE)


def replace(source: Path, target: Path, *, attempts: int = 20, pause: float = 0.05) -> None:
    """``os.replace`` that waits out a reader on Windows.

    Windows refuses to replace a file another process has open (a virus scanner, the
    GUI reading the keyring while a command writes it) with a PermissionError that
    clears within moments; POSIX never does. Retried for about a second there.
    """
    for attempt in range(attempts):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if not _WINDOWS or attempt == attempts - 1:
                raise
            time.sleep(pause)


@contextmanager
def atomic_writer(path: Path, mode: str = "wb", *, fsync: bool = True,
                  encoding: str | None = None) -> Iterator[IO[bytes] | IO[str]]:
    """Write to a private temporary file beside ``path`` and rename it into place.

    The folder must exist: an export to a folder that does not exist is refused by
    the caller, never created here. On any error the temporary file is removed and
    ``path`` is untouched.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0),
                 FILE_MODE)
    try:
        with os.fdopen(fd, mode, encoding=encoding) as fh:
            yield fh
            fh.flush()
            if fsync:
                os.fsync(fh.fileno())
        replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if fsync and not _WINDOWS:
        _fsync_dir(path.parent)


def write_atomic(path: Path, data: bytes, *, fsync: bool = True) -> None:
    with atomic_writer(path, "wb", fsync=fsync) as fh:
        fh.write(data)  # type: ignore[arg-type]


def write_text_atomic(path: Path, text: str, *, fsync: bool = True) -> None:
    write_atomic(path, text.encode("utf-8"), fsync=fsync)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX: the directory entry lives in the folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def open_private(path: Path, mode: str = "w", encoding: str | None = "utf-8"
                 ) -> IO[str] | IO[bytes]:
    """Open a file for writing that is created 0600 (logs and other appended files)."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_BINARY", 0)
    flags |= os.O_APPEND if mode.startswith("a") else os.O_TRUNC
    fd = os.open(path, flags, FILE_MODE)
    return os.fdopen(fd, mode, encoding=None if "b" in mode else encoding)


