"""Opening an SQLCipher register with the pragmas of docs/ARCHITECTURE.md.

Every connection, including a worker thread's own, goes through ``connect`` so the
key is always set first and temp data never touches the disk in plaintext. Since
Keys v2 the key is the register's random data key, given raw (no key derivation per
connection, so a worker connects at once); ``connect_legacy`` opens a register made
before v2, keyed with the passphrase itself, only to migrate it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlcipher3

from app.model.os_errors import is_disk_full, sqlite_os_problem
from app.storage.errors import DiskFull, NotARegister, StorageError

Connection = Any  # sqlcipher3.Connection: the driver ships no type information

DatabaseError = sqlcipher3.DatabaseError
IntegrityError = sqlcipher3.IntegrityError
OperationalError = sqlcipher3.OperationalError
SALT_BYTES = 16


class KeyDoesNotFit(StorageError):
    """The first page does not decrypt with this key (and salt)."""

    def __init__(self) -> None:
        super().__init__("De sleutel past niet op dit registerbestand.")


def key_literal(passphrase: str) -> str:
    """``PRAGMA key`` takes no bound parameter, so quote the literal ourselves."""
    return "'" + passphrase.replace("'", "''") + "'"


def raw_key_literal(key: bytes, salt: bytes | None = None) -> str:
    """SQLCipher's raw key form: the key itself, optionally with the file's salt."""
    if len(key) != 32 or (salt is not None and len(salt) != SALT_BYTES):
        raise ValueError("a data key is 32 bytes and a salt 16")
    return "\"x'" + key.hex() + (salt.hex() if salt else "") + "'\""


def file_salt(path: Path) -> bytes:
    """SQLCipher's salt: the first 16 bytes of the file (the keyring keeps a copy)."""
    with path.open("rb") as fh:
        return fh.read(SALT_BYTES)


def _open(path: Path, check_same_thread: bool) -> Connection:
    try:
        return sqlcipher3.connect(str(path), isolation_level=None,
                                  check_same_thread=check_same_thread, timeout=10)
    except sqlcipher3.Error as exc:
        raise NotARegister(f"Kan {path} niet openen: {exc}") from None


def _configure(conn: Connection) -> None:
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA cache_size = -65536")


def _prove(conn: Connection, path: Path) -> None:
    """Read the schema: "file is not a database" means page 1 did not decrypt."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc):
            raise KeyDoesNotFit() from None
        raise NotARegister(damaged(path, str(exc))) from None


def connect(path: Path, key: bytes, *, salt: bytes | None = None, create: bool = False,
            check_same_thread: bool = True) -> Connection:
    """Open (or create) the register with its raw data key and prove the key.

    ``salt`` is given when creating (so a backup keeps the register's salt and its
    keyring copy fits) or to open a file whose own first bytes are damaged.
    """
    if not create and not path.exists():
        raise NotARegister(f"Geen register gevonden op {path}.")
    return _keyed(path, check_same_thread, f"PRAGMA key = {raw_key_literal(key, salt)}")


def connect_legacy(path: Path, passphrase: str, *, kdf_iter: int | None = None) -> Connection:
    """Open a register made before Keys v2 (its passphrase is SQLCipher's key).

    ``kdf_iter`` exists for tests that made such a register cheaply.
    """
    cost = () if kdf_iter is None else (f"PRAGMA kdf_iter = {int(kdf_iter)}",)
    return _keyed(path, True, f"PRAGMA key = {key_literal(passphrase)}", *cost)


def _keyed(path: Path, check_same_thread: bool, key_pragma: str, *more: str) -> Connection:
    """A connection keyed by ``key_pragma`` (then ``more`` pragmas), the key proved by
    reading the schema, configured; closed again on any failure."""
    conn = _open(path, check_same_thread)
    try:
        conn.execute(key_pragma)
        conn.execute("PRAGMA cipher_log_level = NONE")
        for pragma in more:
            conn.execute(pragma)
        _prove(conn, path)
        _configure(conn)
    except (KeyDoesNotFit, NotARegister):
        raise
    except sqlcipher3.Error as exc:
        conn.close()
        raise translate(exc, path) from None
    return conn


def rekey(conn: Connection, key: bytes) -> None:
    """Re-encrypt every page under a new data key, in one transaction (SQLCipher)."""
    conn.execute(f"PRAGMA rekey = {raw_key_literal(key)}")


def damaged(path: Path, detail: str) -> str:
    return (f"Het register {path.name} is beschadigd ({detail}). Er is niets gewijzigd; "
            "zet een back-up terug met 'casusregister restore --from BESTAND'.")


def translate(exc: BaseException, path: Path | None = None) -> StorageError:
    """A database error as the one Dutch line a person can act on.

    A full disk is a full disk (nothing was written: the transaction rolled back),
    never "damaged"; everything else that SQLite calls corrupt is damage.
    """
    text = str(exc)
    if is_disk_full(exc):
        return DiskFull()
    if "locked" in text or "busy" in text:
        return StorageError("Het register is even bezet door een ander programma of "
                            "opdracht. Probeer het zo opnieuw.")
    problem = sqlite_os_problem(exc)  # a read-only folder or a disk error is no damage
    if problem is not None:
        return StorageError(f"Het register {(path or Path('register')).name} kan niet "
                            f"worden gebruikt: {problem}")
    where = path if path is not None else Path("register")
    return NotARegister(damaged(where, text))
