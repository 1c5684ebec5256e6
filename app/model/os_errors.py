"""Operating-system errors in the words a handler reads: Dutch, one line, no errno.

Python's ``strerror`` is the C library's English ("No such file or directory",
"Read-only file system"), and on Windows the system's own language. A handler should
read the same Dutch sentence on every laptop, so the front doors describe an
``OSError`` by its errno (and on Windows by its ``winerror``) instead of printing
``strerror``. A full disk gets its own wording everywhere, because "beschadigd" would
send a handler to restore a backup onto the same full disk; SQLite reports it as text
("database or disk is full", SQLITE_FULL), so ``is_disk_full`` also reads that text.

Pure: no project imports, usable by storage, export, the CLI and the GUI alike.
"""

from __future__ import annotations

import errno

#: Windows system error codes that mean something a handler can act on
#: (winerror.h): a file held by another program (a virus scanner, Excel), a full disk.
_WIN_SHARING = {32, 33}  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION
_WIN_DISK_FULL = {39, 112}  # ERROR_HANDLE_DISK_FULL, ERROR_DISK_FULL
_WIN_ACCESS = {5}  # ERROR_ACCESS_DENIED
#: Over quota; not defined by Windows' errno module.
_EDQUOT = getattr(errno, "EDQUOT", -1)

_BY_ERRNO: dict[int, str] = {
    errno.ENOENT: "het bestand of de map bestaat niet",
    errno.ENOTDIR: "een deel van het pad is geen map",
    errno.EISDIR: "dit is een map, geen bestand",
    errno.EACCES: "geen toestemming (de map of het bestand is beveiligd of alleen-lezen)",
    errno.EPERM: "geen toestemming voor deze handeling",
    errno.EROFS: "de map staat op een schijf die alleen gelezen kan worden",
    errno.ENOSPC: "de schijf is vol",
    _EDQUOT: "de schijfruimte (quotum) van deze gebruiker is op",
    errno.EEXIST: "er staat al een bestand met deze naam",
    errno.ENAMETOOLONG: "de naam of het pad is te lang",
    errno.EBUSY: "het bestand is in gebruik",
    errno.EMFILE: "te veel bestanden tegelijk geopend",
    errno.ENOTEMPTY: "de map is niet leeg",
    errno.EXDEV: "verplaatsen naar een andere schijf is niet mogelijk",
    errno.EIO: "de schijf gaf een lees- of schrijffout",
    errno.EINVAL: "ongeldige naam of handeling",
}

#: SQLite's text for SQLITE_FULL (sqlite3 and sqlcipher3 raise it as OperationalError).
SQLITE_FULL_TEXT = "database or disk is full"


def _chain(exc: BaseException) -> list[BaseException]:
    """The error and what it was raised during: SQLite rolls a transaction back by itself
    on SQLITE_FULL, so a ROLLBACK after it fails ("no transaction is active") while the
    full disk is the error before it."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen and len(seen) < 8:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _full(exc: BaseException) -> bool:
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, _EDQUOT):
            return True
        if getattr(exc, "winerror", None) in _WIN_DISK_FULL:
            return True
    return SQLITE_FULL_TEXT in str(exc).lower()


def is_disk_full(exc: BaseException) -> bool:
    """A full disk, whether the OS, Windows or SQLite said so, now or just before."""
    return any(_full(e) for e in _chain(exc))


def describe_os_error(exc: OSError) -> str:
    """What went wrong, in Dutch, without the path (callers name the file they meant)."""
    if is_disk_full(exc):
        return _BY_ERRNO[errno.ENOSPC]
    winerror = getattr(exc, "winerror", None)
    if winerror in _WIN_SHARING:
        return ("het bestand is geopend in een ander programma (bijvoorbeeld Excel of een "
                "virusscanner)")
    if winerror in _WIN_ACCESS:
        return _BY_ERRNO[errno.EACCES]
    if exc.errno is not None and exc.errno in _BY_ERRNO:
        return _BY_ERRNO[exc.errno]
    code = exc.errno if exc.errno is not None else winerror
    return f"systeemfout{f' {code}' if code is not None else ''} ({type(exc).__name__})"


#: SQLite errors that are really the operating system's (SQLITE_READONLY, SQLITE_CANTOPEN,
#: SQLITE_IOERR): not damage, so the front doors must not send anyone to a backup.
_SQLITE_OS_TEXTS = (
    ("attempt to write a readonly database",
     "het register staat in een map of op een schijf die alleen gelezen kan worden, of "
     "het bestand is alleen-lezen"),
    ("unable to open database file",
     "het registerbestand kon niet worden geopend (de map bestaat niet of er is geen "
     "toestemming)"),
    ("disk i/o error", "de schijf gaf een lees- of schrijffout"),
)


def sqlite_os_problem(exc: BaseException) -> str | None:
    """The Dutch line for an SQLite error caused by the disk, or None for real damage."""
    if is_disk_full(exc):
        return ("de schijf is vol: de laatste wijziging is niet opgeslagen en het register "
                "is ongewijzigd. Maak ruimte vrij en probeer het opnieuw.")
    for error in _chain(exc):
        text = str(error).lower()
        for needle, dutch in _SQLITE_OS_TEXTS:
            if needle in text:
                return dutch + "."
    return None


def os_error_line(exc: OSError, what: str | None = None) -> str:
    """A whole sentence: what could not be done, where, why; a full disk its own advice."""
    # A rename names the program's own temp file first and the target second: the
    # handler knows only the target.
    target = getattr(exc, "filename2", None) or exc.filename
    where = target if target is not None else what
    head = f"{where}: " if where else ""
    if is_disk_full(exc):
        return (f"{head}de schijf is vol. Er is niets half geschreven; maak ruimte vrij en "
                "probeer het opnieuw.")
    return f"{head}{describe_os_error(exc)}."


__all__ = ["SQLITE_FULL_TEXT", "describe_os_error", "is_disk_full", "os_error_line",
           "sqlite_os_problem"]
