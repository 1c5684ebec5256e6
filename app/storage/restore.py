"""Putting a backup back (docs/SECURITY.md: "there is always a way back").

Nothing is touched until the backup has proved itself: it must open (with the
register's current key, or its own keyring copy and the passphrase valid when it was
made, or the recovery code), and pass SQLCipher's page check, SQLite's integrity check
and every hash chain. Then the current register is moved aside (never deleted), the
copy is brought under the current data key (a backup older than a ``rekey`` is
re-encrypted), put in its place and re-sealed, and the act is audited.

A backup older than events this laptop already sent in a bundle would fork its chain
if new steps were added now: the register then takes no new step until the team
lead's complete bundle has given it its own missing events back.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from app.model import recovery
from app.model.errors import UserError
from app.storage import db, keyring
from app.storage.backup import Progress
from app.storage.db import Connection, DatabaseError, KeyDoesNotFit, connect
from app.storage.errors import (
    KeyringProblem,
    NotARegister,
    RegisterDamaged,
    StorageError,
    WrongPassphrase,
)
from app.storage.files import private_dir
from app.storage.files import replace as replace_file
from app.storage.keyring import Keyring, keyring_path
from app.storage.lock import RegisterLock
from app.storage.paths import backup_dir

AWAITING_SETTING = "awaiting_own_events"


@dataclass(frozen=True)
class Restored:
    register: Path
    backup: Path
    set_aside: Path | None
    events: int
    #: this device's events already sent that the backup lacks (0: none)
    missing_sent: int


def restore(path: Path, source: Path, *, passphrase: str | None = None,
            code: str | None = None, progress: Progress | None = None) -> Restored:
    """Replace the register at ``path`` by the backup ``source`` (see module doc)."""
    if not source.is_file():
        raise StorageError(f"Geen back-up gevonden op {source}.")
    if source.resolve() == path.resolve():
        raise StorageError("De back-up en het register zijn hetzelfde bestand.")
    lock = RegisterLock(path)
    lock.acquire()  # refuses while the program has the register open
    try:
        return _restore(path, source, passphrase, code, progress)
    finally:
        lock.release()


def _current_key(path: Path, passphrase: str | None, code_key: bytes | None
                 ) -> tuple[bytes | None, Keyring | None]:
    ring_path = keyring_path(path)
    ring: Keyring | None = None
    with contextlib.suppress(KeyringProblem):
        ring = keyring.read(ring_path) if ring_path.exists() else None
    if ring is None:
        return code_key, None
    if code_key is not None:
        if not ring.fits(code_key):
            raise KeyringProblem("Deze herstelcode hoort niet bij dit register.")
        return code_key, ring
    assert passphrase is not None
    key, _pending = ring.unlock(passphrase)
    return key, ring


def _open_backup(source: Path, target: Path, keys: list[bytes], passphrase: str | None
                 ) -> tuple[Connection, bytes]:
    """Copy the backup to ``target`` and open the copy with the first key that fits."""
    candidates = list(keys)
    own = keyring_path(source)
    if passphrase is not None and own.exists():
        with contextlib.suppress(KeyringProblem, WrongPassphrase):
            candidates.append(keyring.read(own).unlock(passphrase)[0])
    _copy(source, target)
    for key in candidates:
        try:
            return connect(target, key), key
        except KeyDoesNotFit:
            continue
        except NotARegister as exc:
            raise RegisterDamaged(f"De back-up {source.name} is beschadigd ({exc}).") from None
    if passphrase is not None:
        raise KeyringProblem(
            f"De back-up {source.name} opent niet met deze wachtwoordzin of de sleutel van "
            "het register: hij is gemaakt onder een andere wachtwoordzin en sleutel. Gebruik "
            "de herstelcode van toen ('--recovery-code-file').")
    raise KeyringProblem("De herstelcode opent deze back-up niet.")


def _copy(source: Path, target: Path) -> None:
    for leftover in (target, target.with_name(target.name + "-wal"),
                     target.with_name(target.name + "-shm")):
        leftover.unlink(missing_ok=True)
    with source.open("rb") as src, os.fdopen(
            os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)


def _check(conn: Connection, name: str) -> None:
    """Page HMACs, SQLite's structure and every device's hash chain."""
    from app.storage.verify import check_chains

    problems: list[str] = []
    for pragma in ("cipher_integrity_check", "integrity_check"):
        try:
            rows = [str(r[0]) for r in conn.execute(f"PRAGMA {pragma}")]
        except DatabaseError as exc:
            rows = [str(exc)]
        problems += [r for r in rows if r != "ok"][:5]
    if not problems:
        try:
            problems = check_chains(conn)
        except DatabaseError as exc:
            problems = [str(exc)]
    if problems:
        raise RegisterDamaged(f"De back-up {name} is niet in orde ({problems[0]}); er is "
                              "niets teruggezet. Kies een andere back-up.")


def _restore(path: Path, source: Path, passphrase: str | None, code: str | None,
             progress: Progress | None) -> Restored:
    if (passphrase is None) == (code is None):
        raise UserError("Geef de wachtwoordzin of de herstelcode op.")
    code_key = None
    if code is not None:
        try:
            code_key = recovery.decode(code)
        except recovery.BadRecoveryCode as exc:
            raise UserError(str(exc)) from None
    key, ring = _current_key(path, passphrase, code_key)
    staging = path.with_name(f".{path.name}.terugzetten")
    conn, backup_key = _open_backup(source, staging, [k for k in (key, code_key) if k],
                                    passphrase)
    try:
        if progress is not None:
            progress(1, 3)
        _check(conn, source.name)
        if key is not None and backup_key != key:
            db.rekey(conn, key)  # a backup from before a rekey: bring it under today's key
        final_key = key or backup_key
        own_events, sent = _own_events(conn), ring.sent_events if ring else 0
        missing = max(0, sent - own_events)
        if missing:
            conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                         (AWAITING_SETTING, json.dumps(sent)))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        conn = None
        if progress is not None:
            progress(2, 3)
        aside = _set_aside(path)
        replace_file(staging, path)
        if ring is None:
            # No usable keyring: the backup's own copy (the passphrase valid then).
            copy = keyring_path(source)
            if passphrase is None or not copy.exists():
                raise KeyringProblem("Teruggezet, maar er is geen sleutelring: open het "
                                     "register met 'casusregister recover'.")
            ring = keyring.read(copy)
        new_ring = replace(ring, register_salt=db.file_salt(path), seal=None, pending=None)
        if not new_ring.fits(final_key):
            raise KeyringProblem("De sleutelring past niet bij de teruggezette back-up.")
        keyring.write(keyring_path(path), new_ring)
    finally:
        if conn is not None:
            conn.close()
        for leftover in (staging, staging.with_name(staging.name + "-wal"),
                         staging.with_name(staging.name + "-shm")):
            leftover.unlink(missing_ok=True)
    if progress is not None:
        progress(3, 3)
    return Restored(path, source, aside, own_events, missing)


def _own_events(conn: Connection) -> int:
    row = conn.execute(
        "SELECT d.events FROM devices d JOIN settings s ON s.key = 'device_id' "
        "WHERE d.uuid = unhex(replace(json_extract(s.value, '$'), '-', ''))").fetchone()
    return int(row[0]) if row else 0


def _set_aside(path: Path) -> Path | None:
    """Move the replaced register (and its WAL) into the backups folder, never delete."""
    if not path.exists():
        return None
    folder = private_dir(backup_dir(path))
    aside = folder / f"{path.stem}-{datetime.now():%Y%m%d-%H%M%S}-vervangen.db"
    for suffix in ("-wal", "-shm", ""):
        src = path.with_name(path.name + suffix)
        if src.exists():
            replace_file(src, aside.with_name(aside.name + suffix))
    ring = keyring_path(path)
    if ring.exists():
        with contextlib.suppress(OSError):
            aside_ring = keyring_path(aside)
            aside_ring.write_bytes(ring.read_bytes())
            os.chmod(aside_ring, 0o600)
    return aside
