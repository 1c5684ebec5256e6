"""Operating-system errors as a handler reads them: Dutch, the file named, no errno."""

from __future__ import annotations

import errno
import sqlite3

import pytest

from app.model.os_errors import describe_os_error, is_disk_full, os_error_line, sqlite_os_problem


@pytest.mark.parametrize(("exc", "dutch"), [
    (FileNotFoundError(errno.ENOENT, "No such file or directory", "/x/in.json"),
     "/x/in.json: het bestand of de map bestaat niet."),
    (IsADirectoryError(errno.EISDIR, "Is a directory", "/x/uit"),
     "/x/uit: dit is een map, geen bestand."),
    (PermissionError(errno.EACCES, "Permission denied", "/x/uit.html"),
     "/x/uit.html: geen toestemming (de map of het bestand is beveiligd of alleen-lezen)."),
    (OSError(errno.EROFS, "Read-only file system", "/media/stick/uit.xlsx"),
     "/media/stick/uit.xlsx: de map staat op een schijf die alleen gelezen kan worden."),
    (NotADirectoryError(errno.ENOTDIR, "Not a directory", "/x/bestand/uit.html"),
     "/x/bestand/uit.html: een deel van het pad is geen map."),
])
def test_common_errors_read_in_dutch(exc: OSError, dutch: str) -> None:
    line = os_error_line(exc)
    assert line == dutch
    assert exc.strerror not in line


def test_a_full_disk_is_a_full_disk_with_advice() -> None:
    line = os_error_line(OSError(errno.ENOSPC, "No space left on device", "/x/e.xlsx"))
    assert line.startswith("/x/e.xlsx: de schijf is vol.") and "niets half geschreven" in line
    assert is_disk_full(sqlite3.OperationalError("database or disk is full"))
    assert not is_disk_full(sqlite3.DatabaseError("database disk image is malformed"))


class _WinError(PermissionError):
    """PermissionError as Windows raises it, with the system's own error code."""

    def __init__(self, winerror: int) -> None:
        super().__init__(errno.EACCES, "Het proces heeft geen toegang", "C:\\uit\\e.xlsx")
        self.winerror = winerror


def test_windows_codes_are_read_before_errno() -> None:
    assert "geopend in een ander programma" in describe_os_error(_WinError(32))
    assert describe_os_error(_WinError(112)) == "de schijf is vol"
    assert is_disk_full(_WinError(39))
    assert describe_os_error(_WinError(5)).startswith("geen toestemming")


def test_an_unknown_error_names_its_code_not_its_english_text() -> None:
    text = describe_os_error(OSError(errno.ELOOP, "Too many levels of symbolic links"))
    assert text == f"systeemfout {errno.ELOOP} (OSError)"


@pytest.mark.parametrize(("message", "expected"), [
    ("database or disk is full", "de schijf is vol"),
    ("attempt to write a readonly database", "alleen gelezen"),
    ("unable to open database file", "kon niet worden geopend"),
    ("disk I/O error", "lees- of schrijffout"),
    ("database disk image is malformed", None),
    ("file is not a database", None),
])
def test_sqlite_errors_caused_by_the_disk_are_not_damage(message: str,
                                                         expected: str | None) -> None:
    problem = sqlite_os_problem(sqlite3.OperationalError(message))
    assert (problem is None) if expected is None else (expected in (problem or ""))


def test_a_rollback_failing_after_a_full_disk_is_still_a_full_disk() -> None:
    """SQLite ends the transaction itself on SQLITE_FULL; a ROLLBACK after it fails."""
    try:
        try:
            raise sqlite3.OperationalError("database or disk is full")
        except sqlite3.OperationalError:
            raise sqlite3.OperationalError(
                "cannot rollback - no transaction is active") from None
    except sqlite3.OperationalError as exc:
        assert exc.__cause__ is None and exc.__suppress_context__
        chained = exc
    assert is_disk_full(chained)
    assert "de schijf is vol" in (sqlite_os_problem(chained) or "")
    assert sqlite_os_problem(sqlite3.OperationalError("cannot rollback - no transaction")) \
        is None
