"""From a passphrase or a recovery code to an open connection, telling failures apart.

docs/SECURITY.md promises that "wrong passphrase" is said only when it is true: the
keyring's GCM tag decides it before the register is touched. After a good tag a
register that does not open is damaged (or the keyring belongs to another file), and
this module says which, without ever counting that as a failed unlock.

It also finishes what a crash interrupted: a ``rekey`` whose pending key already
keys the file is promoted, and a register of the first release (keyed with the
passphrase itself, no keyring) is migrated: backup, new random data key, keyring
written first, then ``PRAGMA rekey``, so a crash in between still opens next time.
"""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from app.model import recovery
from app.model.os_errors import describe_os_error
from app.storage import crypto, keyring
from app.storage.crypto import KdfParams
from app.storage.db import (
    Connection,
    KeyDoesNotFit,
    connect,
    connect_legacy,
    damaged,
    file_salt,
    rekey,
)
from app.storage.errors import (
    KeyringProblem,
    NotARegister,
    RegisterDamaged,
    WrongPassphrase,
)
from app.storage.files import private_dir, restrict
from app.storage.keyring import Keyring, keyring_path
from app.storage.paths import backup_dir


@dataclass
class Unlocked:
    conn: Connection
    key: bytes = field(repr=False)  # never in a log line or a traceback
    #: shown once: after the migration of a first-release register
    new_recovery_code: str | None = None
    #: failed unlocks since the last good one (times), for the audit
    failed: list[str] = field(default_factory=list)
    #: what happened on the way in, for the audit (``migrate_keys``, ``rekey_finished``)
    events: list[str] = field(default_factory=list)


def check_file(path: Path) -> None:
    """Only ``init`` and the first-run wizard create a register: never an open."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise NotARegister(f"Geen register gevonden op {path}. Maak er een met "
                           "'casusregister init' of zet een back-up terug.") from None
    except OSError as exc:
        raise NotARegister(f"Kan {path} niet lezen: {describe_os_error(exc)}.") from None
    if not path.is_file():
        raise NotARegister(f"{path} is geen bestand.")
    if size == 0:
        raise RegisterDamaged(
            f"Het registerbestand {path.name} is leeg (0 bytes). Er is niets gewijzigd; "
            "zet een back-up terug met 'casusregister restore --from BESTAND'.")
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(b"SQLite format 3\x00"):
        raise NotARegister(f"{path.name} is een onversleuteld SQLite-bestand, geen register.")
    if size % 512:
        # SQLCipher writes whole pages; a file of another length is something else
        raise NotARegister(f"{path.name} is geen registerbestand.")


def with_passphrase(path: Path, passphrase: str, *, kdf: KdfParams,
                    legacy_kdf_iter: int | None = None) -> Unlocked:
    check_file(path)
    ring_path = keyring_path(path)
    if not ring_path.exists():
        return _migrate_legacy(path, passphrase, kdf, legacy_kdf_iter)
    ring = keyring.read(ring_path)
    try:
        key, pending = ring.unlock(passphrase)
    except WrongPassphrase:
        keyring.record_failed_unlock(ring_path, datetime.now().strftime("%Y-%m-%dT%H:%M:%S"))
        raise
    opened = _connect_with(path, ring, key, pending)
    if opened is None:
        # The keyring may have been written by a first-release migration that stopped
        # before ``PRAGMA rekey``: the passphrase itself still keys the file.
        with contextlib.suppress(KeyDoesNotFit, NotARegister):
            conn = connect_legacy(path, passphrase, kdf_iter=legacy_kdf_iter)
            rekey(conn, key)
            return Unlocked(conn, key, recovery.encode(key), _drain(ring_path),
                            ["migrate_keys"])
        raise _key_mismatch(path, key)
    conn, used = opened
    events = []
    if used != key:
        keyring.update(ring_path, lambda k: _promote(k, used))
        events.append("rekey_finished")
    return Unlocked(conn, used, None, _drain(ring_path), events)


def with_key(path: Path, key: bytes) -> Unlocked:
    """Open with the data key itself (the recovery code); the keyring may be missing."""
    check_file(path)
    ring_path = keyring_path(path)
    ring: Keyring | None = None
    if ring_path.exists():
        with contextlib.suppress(KeyringProblem):
            ring = keyring.read(ring_path)
    if ring is not None and not ring.fits(key):
        raise KeyringProblem("Deze herstelcode hoort niet bij dit register.")
    try:
        conn = connect(path, key)
    except KeyDoesNotFit:
        raise _key_mismatch(path, key, code=True) from None
    events: list[str] = []
    if ring is not None and ring.pending is not None and crypto.same(
            keyring.key_check(key), ring.pending[0]):
        events.append("rekey_finished")
    return Unlocked(conn, key, None, [], events)


def _connect_with(path: Path, ring: Keyring, key: bytes, pending: bytes | None
                  ) -> tuple[Connection, bytes] | None:
    """Try the current key, then a pending one; None when neither keys the file."""
    if file_salt(path) != ring.register_salt:
        # The keyring knows the salt: a file whose first bytes were damaged still opens
        # with it, and is then reported as damaged rather than silently used.
        try:
            connect(path, key, salt=ring.register_salt).close()
        except (KeyDoesNotFit, NotARegister):
            pass
        else:
            raise RegisterDamaged(damaged(path, "het begin van het bestand (pagina 1) is "
                                                "gewijzigd"))
    for candidate in (key, pending):
        if candidate is None:
            continue
        try:
            return connect(path, candidate), candidate
        except KeyDoesNotFit:
            continue
    return None


def _key_mismatch(path: Path, key: bytes, code: bool = False) -> Exception:
    """The key is right for its keyring (or code) but page 1 does not decrypt: is page 1
    damaged, or is this another register? The other pages tell: they decrypt under
    the right key even when page 1 does not."""
    failed = _failing_pages(path, key)
    if failed is not None and failed == {1}:
        return RegisterDamaged(damaged(path, "pagina 1 is beschadigd"))
    if code:
        return KeyringProblem("Deze herstelcode opent dit registerbestand niet: hij hoort "
                              "bij een ander register, of het bestand is beschadigd.")
    return KeyringProblem(
        f"De sleutelring {keyring_path(path).name} hoort niet bij dit registerbestand, of "
        "het bestand is beschadigd. Er is niets gewijzigd; zet een back-up terug of "
        "gebruik de herstelcode.")


def _failing_pages(path: Path, key: bytes) -> set[int] | None:
    import sqlcipher3

    conn = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("PRAGMA cipher_log_level = NONE")
        rows = [str(r[0]) for r in conn.execute("PRAGMA cipher_integrity_check")]
    except sqlcipher3.Error:
        return None
    finally:
        conn.close()
    pages = set()
    for line in rows:
        tail = line.rsplit("page", 1)[-1].strip()
        if tail.isdigit():
            pages.add(int(tail))
    return pages


def _promote(ring: Keyring, key: bytes) -> Keyring:
    if ring.pending is None or not crypto.same(keyring.key_check(key), ring.pending[0]):
        return ring
    check, slot = ring.pending
    return replace(ring, key_check=check, slot=slot, pending=None, seal=None)


def _drain(ring_path: Path) -> list[str]:
    with contextlib.suppress(KeyringProblem, OSError):
        return keyring.drain_failed_unlocks(ring_path)
    return []


def _migrate_legacy(path: Path, passphrase: str, kdf: KdfParams,
                    legacy_kdf_iter: int | None) -> Unlocked:
    """A first-release register: back up, then move it to a random data key.

    The keyring is written before ``PRAGMA rekey``: a crash in between leaves a
    keyring whose key does not fit yet, and the next unlock finishes the job (above).
    """
    try:
        conn = connect_legacy(path, passphrase, kdf_iter=legacy_kdf_iter)
    except KeyDoesNotFit:
        raise KeyringProblem(
            f"Onjuiste wachtwoordzin, of de sleutelring {keyring_path(path).name} ontbreekt "
            "naast het register. Met de herstelcode komt u er weer in: 'casusregister "
            "recover --recovery-code-file BESTAND'.") from None
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        folder = private_dir(backup_dir(path))
        copy = folder / f"{path.stem}-{datetime.now():%Y%m%d-%H%M%S}-voor-sleutels-v2.db"
        shutil.copy2(path, copy)  # keyed with the old passphrase, as it was
        restrict(copy)
        key = crypto.random_key()
        ring = Keyring.new(key, passphrase, file_salt(path), kdf)
        keyring.write(keyring_path(path), ring)
        rekey(conn, key)
    except BaseException:
        conn.close()
        raise
    return Unlocked(conn, key, recovery.encode(key), [], ["migrate_keys"])
