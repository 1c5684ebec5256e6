"""Opening an SQLCipher register with the pragmas of ARCHITECTURE.md.

Every connection, including a worker thread's own, goes through ``connect`` so the
key is always set first and temp data never touches the disk in plaintext.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlcipher3

from app.storage.errors import NotARegister, StorageError, WrongPassphrase

Connection = Any  # sqlcipher3.Connection: the driver ships no type information

DatabaseError = sqlcipher3.DatabaseError
IntegrityError = sqlcipher3.IntegrityError


def key_literal(passphrase: str) -> str:
    """``PRAGMA key`` takes no bound parameter, so quote the literal ourselves."""
    return "'" + passphrase.replace("'", "''") + "'"


def connect(
    path: Path,
    passphrase: str,
    *,
    kdf_iter: int | None = None,
    create: bool = False,
    check_same_thread: bool = True,
) -> Connection:
    """Open (or create) the register and prove the key by reading the schema.

    ``kdf_iter`` is for tests only: a register made with a lower iteration count must
    be opened with the same one, and the encryption tests use the default.
    """
    if not create and not path.exists():
        raise NotARegister(f"Geen register gevonden op {path}.")
    if not passphrase:
        raise StorageError("Geen wachtwoordzin opgegeven.")
    try:
        conn = sqlcipher3.connect(
            str(path), isolation_level=None, check_same_thread=check_same_thread, timeout=10
        )
    except sqlcipher3.Error as exc:
        raise NotARegister(f"Kan {path} niet openen: {exc}") from None
    try:
        conn.execute(f"PRAGMA key = {key_literal(passphrase)}")
        conn.execute("PRAGMA cipher_log_level = NONE")
        if kdf_iter is not None:
            conn.execute(f"PRAGMA kdf_iter = {int(kdf_iter)}")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            conn.close()
            # "file is not a database": the first page does not decrypt, i.e. the key.
            # Anything else means the key fits and a later schema page is damaged.
            if "not a database" in str(exc):
                raise WrongPassphrase() from None
            raise NotARegister(
                f"Het register {path.name} is beschadigd ({exc}). Er is niets gewijzigd; "
                "zet een back-up terug.") from None
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA cache_size = -65536")
    except WrongPassphrase:
        raise
    except sqlcipher3.Error as exc:
        conn.close()
        raise NotARegister(f"{path} is geen bruikbaar register: {exc}") from None
    return conn


def rekey(conn: Connection, new_passphrase: str) -> None:
    conn.execute(f"PRAGMA rekey = {key_literal(new_passphrase)}")
