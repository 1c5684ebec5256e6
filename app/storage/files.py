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
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from app.storage.errors import StorageError

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

    Windows refuses to replace a file another process has open without
    FILE_SHARE_DELETE (a virus scanner or the search indexer looking at a new file, the
    GUI reading the keyring while a command writes it, a workbook open in Excel) with a
    PermissionError (ERROR_ACCESS_DENIED or ERROR_SHARING_VIOLATION). A scanner lets
    go within moments; Excel does not, and then the last error is raised and shown as
    "geopend in een ander programma". POSIX never refuses, so there it is not retried.
    The pause grows from ``pause`` to a quarter second: about four seconds in all.
    """
    for attempt in range(attempts):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if not _WINDOWS or attempt == attempts - 1:
                raise
            time.sleep(min(pause * (1.5 ** attempt), 0.25))


class FolderMissing(StorageError):
    """The folder an export should go into does not exist (and is not made for it)."""


def existing_folder(folder: Path) -> Path:
    """``folder`` itself when it is an existing folder; otherwise one clear refusal.

    Exports never create folders: a typo in ``--out`` would otherwise scatter case
    data into a new folder nobody looks after (issue 8, fault 8).
    """
    if folder.is_dir():
        return folder
    if folder.exists():
        raise FolderMissing(f"{folder} is geen map. Kies een bestaande map.")
    raise FolderMissing(f"De map {folder} bestaat niet. Kies een bestaande map; het "
                        "programma maakt geen mappen aan voor een export.")


@contextmanager
def atomic_writer(path: Path, mode: str = "wb", *, fsync: bool = True,
                  encoding: str | None = None, newline: str | None = "\n"
                  ) -> Iterator[IO[bytes] | IO[str]]:
    """Write to a private temporary file beside ``path`` and rename it into place.

    The folder must exist: an export to a folder that does not exist is refused by
    the caller, never created here. On any error (a full disk included) the temporary
    file is removed and ``path`` is untouched. Text is written with ``\n`` line ends
    on every platform unless ``newline`` says otherwise (``""`` for the csv module), so
    a file's bytes do not depend on the laptop that wrote it.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0),
                 FILE_MODE)
    try:
        text = "b" not in mode
        with os.fdopen(fd, mode, encoding=(encoding or "utf-8") if text else None,
                       newline=newline if text else None) as fh:
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


