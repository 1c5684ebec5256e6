"""Changing what opens the register: passphrase, recovery, a new data key.

All three change the keyring under its lock and leave a row in the audit; none of
them ever writes the passphrase or the recovery code anywhere but the screen.

- A passphrase change rewraps the same data key: instant, and every backup still
  opens with the passphrase that was valid when it was made.
- ``recover`` opens with the recovery code and sets a new passphrase.
- ``rekey`` makes a new data key and recovery code: the only way to revoke a leaked
  code (or a leaked passphrase together with an old keyring). It writes the new key
  as a pending slot first, then re-encrypts every page, then promotes the slot, so a
  crash in between still opens (``unlock``); afterwards it makes a fresh backup under
  the new key and deletes the older ones, which the old key still opens.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from app.model import recovery
from app.model.errors import UserError
from app.model.passphrase import problems as passphrase_problems
from app.storage import backup, crypto, db, keyring
from app.storage.crypto import DEFAULT_KDF, KdfParams
from app.storage.errors import StorageError, WrongPassphrase
from app.storage.keyring import Keyring, key_check
from app.storage.repository import Register


def check_new_passphrase(new: str) -> None:
    refused = passphrase_problems(new)
    if refused:
        raise UserError(refused[0])


def verify_passphrase(reg: Register, passphrase: str) -> None:
    """Re-entered before anything that shows or changes keys (docs/SECURITY.md)."""
    ring = keyring.read(reg.keyring_path)
    key = ring.slot.unwrap(passphrase)
    if not crypto.same(key, reg.data_key):
        raise WrongPassphrase()


def change_passphrase(reg: Register, new: str, *, current: str | None = None,
                      kdf: KdfParams = DEFAULT_KDF) -> None:
    """Rewrap the data key under ``new`` (``current`` re-checked when given)."""
    if current is not None:
        verify_passphrase(reg, current)
    check_new_passphrase(new)
    key = reg.data_key
    keyring.update(reg.keyring_path, lambda k: k.with_passphrase(key, new, kdf))
    reg.audit("passphrase_change", reg.path.name)


def recovery_code(reg: Register, passphrase: str) -> str:
    """The recovery code again (Beheer), after the passphrase is re-entered."""
    verify_passphrase(reg, passphrase)
    reg.audit("show_recovery_code", reg.path.name)
    return recovery.encode(reg.data_key)


def recover(path: Path, code: str, new_passphrase: str, *, kdf: KdfParams = DEFAULT_KDF,
            lock: bool = False) -> Register:
    """A forgotten passphrase: open with the recovery code and set a new passphrase.

    A missing or unreadable keyring is written afresh (the code is the data key).
    """
    check_new_passphrase(new_passphrase)
    set_aside_unusable_keyring(path, code)  # damaged or foreign: kept, never deleted
    reg = Register.open_with_recovery_code(path, code, lock=lock)
    try:
        key = reg.data_key
        ring_path = reg.keyring_path
        # Under the keyring's own lock, always: a busy keyring is reported, never
        # overwritten (a rekey's pending slot may be in it). A damaged or foreign
        # keyring was set aside above, so one that is still there must fit the code.
        with keyring.locked(ring_path):
            if ring_path.exists():
                ring = keyring.read(ring_path)
                if not ring.fits(key):
                    raise StorageError("De herstelcode hoort niet bij deze sleutelring.")
                new = ring.with_passphrase(key, new_passphrase, kdf)
            else:
                new = Keyring.new(key, new_passphrase, db.file_salt(path), kdf)
            keyring.write(ring_path, new)
        reg.audit("recover", path.name)
        reg.reseal()
    except BaseException:
        reg.close()
        raise
    return reg


def rekey(reg: Register, passphrase: str, *, kdf: KdfParams = DEFAULT_KDF) -> str:
    """A new data key and recovery code; returns the code to show once.

    Needs the register closed everywhere else (the caller holds the one-window lock):
    a connection keyed with the old key would read garbage after this.
    """
    if not reg.holds_lock:
        raise StorageError("Een nieuwe sleutel kan alleen als het register nergens anders "
                           "open is.")
    verify_passphrase(reg, passphrase)
    before = backup.make_backup(reg, "voor-nieuwe-sleutel")
    new_key = crypto.random_key()
    pending_slot = keyring.Slot.make(new_key, passphrase, kdf)
    keyring.update(reg.keyring_path,
                   lambda k: replace(k, pending=(key_check(new_key), pending_slot)))
    reg.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.rekey(reg.conn, new_key)

    def promote(ring: Keyring) -> Keyring:
        return replace(ring, key_check=key_check(new_key), slot=pending_slot, pending=None,
                       seal=None)

    keyring.update(reg.keyring_path, promote)
    reg.switch_key(new_key)
    reg.audit("rekey", reg.path.name)
    fresh = backup.make_backup(reg, "na-nieuwe-sleutel")
    for old in backup.list_backups(reg.path):
        if old.path != fresh:
            backup.remove_backup(old)
    before.unlink(missing_ok=True)
    return recovery.encode(new_key)


# --------------------------------------------------------------------------- unusable keyring
# Added for the GUI's "Wachtwoordzin vergeten" (and meant for the CLI's ``recover`` too):
# ``recover`` refuses when the keyring beside the register is unreadable ("Open het
# register met de herstelcode", which then fails) or belongs to another register ("Deze
# herstelcode hoort niet bij dit register", though it does). The code is the data key,
# so when it opens the file, such a keyring is moved aside and ``recover`` writes anew.


def set_aside_unusable_keyring(path: Path, code: str) -> Path | None:
    """Move a keyring that cannot serve this register aside (never delete it) when the
    recovery code opens the register file; returns where it went, or None."""
    import os
    from datetime import datetime

    from app.storage.errors import KeyringProblem, NotARegister

    try:
        key = recovery.decode(code)
    except recovery.BadRecoveryCode:
        return None  # ``recover`` says what is wrong with the code
    ring_path = keyring.keyring_path(path)
    if not ring_path.exists():
        return None
    try:
        if keyring.read(ring_path).fits(key):
            return None  # a good keyring: nothing to set aside
    except KeyringProblem:
        pass  # unreadable, or from a newer program: set aside if the code opens the file
    try:
        db.connect(path, key).close()
    except (db.KeyDoesNotFit, NotARegister):
        return None  # the code is not this register's: ``recover`` says so
    aside = ring_path.with_name(f"{ring_path.name}.onbruikbaar-{datetime.now():%Y%m%d-%H%M%S}")
    os.replace(ring_path, aside)
    return aside
