"""Backups: consistent SQLCipher copies with a copy of the keyring beside them.

A backup is made with SQLite's backup API into a new file under the same data key and
salt, so the keyring copy beside it (and the recovery code) opens it exactly as it
opens the register. Every page is authenticated first (``cipher_integrity_check``),
which is why the daily backup doubles as the full-file check the command line no
longer runs on every open (docs/SECURITY.md): a backup that meets a bad page says so
instead of copying it.

Kept: the newest backup of each of the last 7 days that have one, and of each of the
last 4 ISO weeks. Made on the first unlock of each day, before every migration,
restore and rekey, and on request.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.storage import files, keyring
from app.storage.db import Connection, DatabaseError, connect, file_salt, translate
from app.storage.errors import RegisterDamaged, StorageError
from app.storage.paths import backup_dir

if TYPE_CHECKING:
    from app.storage.repository import Register

Progress = Callable[[int, int], None]
_NAME = re.compile(r"^(?P<stem>.+)-(?P<day>\d{8})-(?P<time>\d{6})-(?P<label>[a-z0-9-]+)"
                   r"(?:\.(?P<n>\d+))?\.db$")  # .n: a second backup in the same second
KEEP_DAYS = 7
KEEP_WEEKS = 4


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: datetime
    label: str
    size: int

    @property
    def keyring(self) -> Path:
        return keyring.keyring_path(self.path)


def backup_path(db: Path, label: str, when: datetime | None = None) -> Path:
    """A name of its own: two backups in one second (a manual one right after the
    daily one, a restore's safety copy) get ``.2``, ``.3`` rather than replace each
    other."""
    when = when or datetime.now()
    stem = f"{db.stem}-{when:%Y%m%d-%H%M%S}-{label}"
    path = backup_dir(db) / f"{stem}.db"
    n = 1
    while path.exists() or keyring.keyring_path(path).exists():
        n += 1
        path = path.with_name(f"{stem}.{n}.db")
    return path


def list_backups(db: Path) -> list[BackupInfo]:
    """This register's backups in its backups folder, newest first."""
    folder = backup_dir(db)
    out: list[BackupInfo] = []
    if not folder.is_dir():
        return out
    for path in folder.iterdir():
        m = _NAME.match(path.name)
        if not m or m.group("stem") != db.stem or not path.is_file():
            continue
        try:
            made = datetime.strptime(m.group("day") + m.group("time"), "%Y%m%d%H%M%S")
            size = path.stat().st_size
        except (ValueError, OSError):
            continue
        out.append(BackupInfo(path, made, m.group("label"), size))
    out.sort(key=lambda b: (b.made_at, b.path.name), reverse=True)
    return out


def copy_register(conn: Connection, key: bytes, salt: bytes, source_keyring: Path | None,
                  target: Path, progress: Progress | None = None) -> Path:
    """Write a consistent encrypted copy of ``conn``'s register to ``target``.

    Written beside the target and renamed, so a crash or a full disk never leaves a
    half backup under a backup's name; a bad page in the source stops the copy.
    """
    # SQLite's backup API copies pages as they are stored, without authenticating
    # them (measured: a flipped byte is copied along). So every page is checked
    # first: the backup is also the full-file check of the day (docs/SECURITY.md).
    try:
        bad = [str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check")]
    except DatabaseError as exc:
        bad = [str(exc)]
    if bad:
        raise RegisterDamaged(
            f"Er is geen back-up gemaakt: het register is beschadigd ({bad[0]}). Er is niets "
            "overschreven; zet een eerdere back-up terug met 'casusregister restore "
            "--from BESTAND'.")
    files.private_dir(target.parent)
    tmp = target.with_name(f".{target.name}.tmp")
    for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
        leftover.unlink(missing_ok=True)
    dst: Connection = None
    try:
        dst = connect(tmp, key, salt=salt, create=True)
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file

        def step(status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)

        conn.backup(dst, pages=1024, progress=step)
        dst.close()
        dst = None
        files.restrict(tmp)
        files.replace(tmp, target)
    except DatabaseError as exc:
        _discard(dst, tmp)
        problem = translate(exc)
        if isinstance(problem, StorageError) and "beschadigd" in str(problem):
            raise RegisterDamaged(
                f"De back-up is gestopt omdat het register beschadigd is ({exc}). Er is "
                "niets overschreven; zet een eerdere back-up terug.") from None
        raise problem from None
    except BaseException:
        _discard(dst, tmp)
        raise
    if source_keyring is not None:
        ring = keyring.read(source_keyring)
        keyring.write(keyring.keyring_path(target),
                      replace(ring, failed_unlocks=(), pending=None))
    return target


def _discard(conn: Connection, tmp: Path) -> None:
    if conn is not None:
        with contextlib.suppress(Exception):
            conn.close()
    for leftover in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
        leftover.unlink(missing_ok=True)


def remove_backup(info: BackupInfo) -> None:
    for path in (info.path, info.keyring):
        path.unlink(missing_ok=True)


def to_keep(backups: list[BackupInfo]) -> set[Path]:
    """The newest backup of each of the last 7 days and of each of the last 4 weeks."""
    keep: set[Path] = set()
    days: dict[date, BackupInfo] = {}
    weeks: dict[tuple[int, int], BackupInfo] = {}
    for b in sorted(backups, key=lambda x: x.made_at, reverse=True):
        day = b.made_at.date()
        days.setdefault(day, b)
        iso = day.isocalendar()
        weeks.setdefault((iso.year, iso.week), b)
    for day in sorted(days, reverse=True)[:KEEP_DAYS]:
        keep.add(days[day].path)
    for week in sorted(weeks, reverse=True)[:KEEP_WEEKS]:
        keep.add(weeks[week].path)
    return keep


def rotate(db: Path) -> list[Path]:
    """Delete the backups outside the 7 daily + 4 weekly; returns what went."""
    backups = list_backups(db)
    keep = to_keep(backups)
    gone = []
    for b in backups:
        if b.path not in keep:
            remove_backup(b)
            gone.append(b.path)
    return gone


#: What counts as the day's backup: a copy of the register as it is now. A register set
#: aside by a restore, or a copy made before a migration or a new key, is not one.
DAY_LABELS = ("dagelijks", "handmatig", "na-nieuwe-sleutel")


def made_today(db: Path, today: date) -> bool:
    return any(b.made_at.date() == today and b.label in DAY_LABELS
               for b in list_backups(db))


def make_backup(reg: Register, label: str = "handmatig", out: Path | None = None,
                progress: Progress | None = None, when: datetime | None = None) -> Path:
    """A backup of an open register (audited). ``out``: a file the user chose."""
    target = out or backup_path(reg.path, label, when)
    if out is not None:
        if out.exists():
            raise StorageError(f"{out} bestaat al; kies een andere naam.")
        if not out.parent.is_dir():
            raise StorageError(f"De map {out.parent} bestaat niet.")
    salt = file_salt(reg.path)
    copy_register(reg.conn, reg.data_key, salt, reg.keyring_path, target, progress)
    reg.audit("backup", target.name)
    return target


def daily(reg: Register, now: datetime | None = None) -> Path | None:
    """The first unlock of each day makes a backup and rotates the old ones."""
    now = now or datetime.now()
    if made_today(reg.path, now.date()):
        return None
    made = make_backup(reg, "dagelijks", when=now)
    rotate(reg.path)
    return made


# --------------------------------------------------------------------------- after a restore


def finish_restore(reg: Register, backup_name: str, set_aside: Path | None) -> None:
    """The restored register's first open, for the CLI's ``restore`` and Beheer alike:
    the act in the audit, and the retention purge run at once (docs/SECURITY.md:
    backups keep personal data that was due for erasure until they rotate out)."""
    from app.storage.retention import purge  # retention builds on the register; late

    reg.audit("restore", backup_name,
              f"vervangen register: {set_aside.name if set_aside else 'geen'}")
    purge(reg)
