"""A temp folder the program owns, for everything openpyxl streams to disk.

openpyxl writes every worksheet's XML to a temporary file before it zips the
workbook (docs/PLATFORM.md: "both modes stream sheet XML through files in the system temp
folder"). Those files hold the workbook's content in plain text. In the system temp
folder they would outlive a crash, be readable by backup and indexing tools and never
be cleaned up on Windows. docs/SECURITY.md therefore asks for a folder the program owns,
emptied at the start and after every export, also when the export fails.

How openpyxl makes them: ``openpyxl.worksheet._writer.create_temporary_file`` calls
``tempfile.NamedTemporaryFile(prefix="openpyxl.", delete=False)`` without ``dir``, so
the folder is whatever ``tempfile.gettempdir()`` returns, which is
``tempfile.tempdir`` once that is set. Pointing ``tempfile.tempdir`` at our folder for
the duration of the export is the documented, version-independent way to steer them;
patching openpyxl's private function would break silently on an upgrade.

``tempfile.tempdir`` is process-wide: while an export runs, any other temp file the
process makes (another thread included) lands in the owned folder as well and is
removed with it. That is the safe direction to err in. Two exports running at the same
time in one process would share the folder; the GUI runs one export at a time.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.storage import paths
from app.storage.files import private_dir

_LOCK = threading.Lock()


def empty_folder(folder: Path) -> None:
    """Remove everything inside ``folder`` (not the folder itself); missing is fine.

    Read-only files (Windows marks some that way) are made writable first, so a
    leftover never survives the clean-up.
    """
    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        try:
            if entry.is_dir() and not entry.is_symlink():
                _rmtree(entry)
            else:
                _unlink(entry)
        except FileNotFoundError:
            continue


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except PermissionError:
        os.chmod(path, stat.S_IWRITE | stat.S_IREAD)
        path.unlink()


def _rmtree(path: Path) -> None:
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=_force_remove)
    else:  # pragma: no cover - depends on the interpreter
        shutil.rmtree(path, onerror=_force_remove)


def _force_remove(func: object, path: str, exc: object) -> None:
    os.chmod(path, stat.S_IWRITE | stat.S_IREAD | stat.S_IEXEC)
    if os.path.isdir(path):
        os.rmdir(path)
    else:
        os.unlink(path)


def prepare_folder(folder: Path) -> Path:
    """Create ``folder`` readable by the user only (0700) and empty it.

    An existing folder is tightened to 0700 too: it may have been made by an older
    version or by hand. On Windows the mode bits mean little; the folder lives in the
    user's own profile there.
    """
    private_dir(folder)  # missing parents (the data folder) are made 0700 as well
    with contextlib.suppress(OSError):  # a filesystem without modes
        os.chmod(folder, 0o700)
    empty_folder(folder)
    return folder


@contextmanager
def owned_temp_dir(folder: Path | None = None) -> Iterator[Path]:
    """Send every temp file of the export into ``folder`` and empty it afterwards.

    ``folder`` defaults to ``paths.temp_dir()``; tests pass their own. The folder is
    emptied on entry (leftovers of a crashed run) and on exit, whether the export
    succeeded or raised. The previous ``tempfile.tempdir`` is restored on exit.
    """
    target = prepare_folder(folder if folder is not None else paths.temp_dir())
    with _LOCK:
        previous = tempfile.tempdir
        tempfile.tempdir = str(target)
    try:
        yield target
    except BaseException:
        _restore(previous)
        # Best effort: a file still held open (Windows) must not hide the real error.
        with contextlib.suppress(OSError):
            empty_folder(target)
        raise
    _restore(previous)
    # Windows: a virus scanner may still hold a just-closed temp file. The export is
    # written by now; what is left is removed on entry next time.
    with contextlib.suppress(OSError):
        empty_folder(target)


def _restore(previous: str | None) -> None:
    with _LOCK:
        tempfile.tempdir = previous


__all__ = ["empty_folder", "owned_temp_dir", "prepare_folder"]
