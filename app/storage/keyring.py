"""The keyring beside a register (``<register>.keys``): docs/SECURITY.md, Keys v2.

The register is encrypted with a random data key. The keyring holds that key wrapped
(AES-256-GCM) under a key derived from the passphrase (Argon2id), so a wrong
passphrase fails the GCM tag before the database is touched, and changing the
passphrase rewrites only this small file. It also holds:

- a key-check value (an HMAC of a fixed text under the data key), so a recovery code
  can be checked without opening the register;
- the register file's salt (its first 16 bytes), so a keyring that belongs to another
  file, or a damaged first page, is told apart from a wrong passphrase;
- a pending slot while ``rekey`` runs (opening tries the current key, then the
  pending one, so a crash never leaves a register that no key opens);
- the seal (per device the chain head and count, and the audit head, MACed under a
  key derived from the data key), which shows when the register went back in time;
- the failed unlocks (times only) that drive the back-off of the GUI and the CLI;
- how many of this device's own events have left in bundles, so a restore of an
  older backup can tell that its chain must first be completed from the team lead.

The file is JSON, 0600, replaced atomically, and changed only under its own lock
(``<register>.keys.lock``), because the GUI and a command may both write it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from app.model.os_errors import describe_os_error
from app.storage import crypto, files
from app.storage.crypto import KdfParams
from app.storage.errors import KeyringProblem, WrongPassphrase

FORMAT = "casusregister/keyring"
VERSION = 1
_SLOT_AAD = b"casusregister/keyring/slot/v1"
_CHECK_TEXT = b"casusregister/key-check/v1"
_SEAL_LABEL = "casusregister/seal/v1"
MAX_FAILED = 50  # keep the trail bounded; the audit keeps every one after unlock


def keyring_path(db: Path) -> Path:
    return db.with_name(db.name + ".keys")


def key_check(data_key: bytes) -> bytes:
    return crypto.mac(data_key, _CHECK_TEXT)


@dataclass(frozen=True)
class Slot:
    """The data key wrapped under a key derived from a passphrase."""

    kdf: KdfParams
    salt: bytes
    nonce: bytes
    wrapped: bytes

    @classmethod
    def make(cls, data_key: bytes, passphrase: str, kdf: KdfParams) -> Slot:
        salt = crypto.random_salt()
        kek = crypto.derive_key(passphrase, salt, kdf)
        nonce, wrapped = crypto.seal(kek, data_key, _SLOT_AAD)
        return cls(kdf, salt, nonce, wrapped)

    def unwrap(self, passphrase: str) -> bytes:
        kek = crypto.derive_key(passphrase, self.salt, self.kdf)
        try:
            key = crypto.open_sealed(kek, self.nonce, self.wrapped, _SLOT_AAD)
        except crypto.WrongSecret:
            raise WrongPassphrase() from None
        if len(key) != crypto.KEY_BYTES:
            raise KeyringProblem("De sleutelring is beschadigd (de sleutel heeft een "
                                 "verkeerde lengte).")
        return key

    def to_json(self) -> dict[str, Any]:
        return {"kdf": self.kdf.to_json(), "salt": crypto.b64(self.salt),
                "nonce": crypto.b64(self.nonce), "wrapped": crypto.b64(self.wrapped)}

    @classmethod
    def from_json(cls, data: Any) -> Slot:
        if not isinstance(data, dict):
            raise ValueError("slot")
        return cls(KdfParams.from_json(data.get("kdf")),
                   crypto.unb64(data.get("salt"), crypto.SALT_BYTES),
                   crypto.unb64(data.get("nonce"), crypto.NONCE_BYTES),
                   crypto.unb64(data.get("wrapped"), crypto.KEY_BYTES + 16))


@dataclass(frozen=True)
class Seal:
    """The register as of the last commit this program made (docs/SECURITY.md)."""

    devices: dict[str, tuple[int, str, int]]  # uuid -> (events, head hash hex, head hlc)
    audit_seq: int
    audit_head: str
    mac: bytes = b""

    def body(self) -> bytes:
        return json.dumps({"devices": {k: list(v) for k, v in sorted(self.devices.items())},
                           "audit": [self.audit_seq, self.audit_head]},
                          sort_keys=True, separators=(",", ":")).encode("utf-8")

    def signed(self, data_key: bytes) -> Seal:
        return replace(self, mac=crypto.mac(crypto.subkey(data_key, _SEAL_LABEL), self.body()))

    def valid(self, data_key: bytes) -> bool:
        expected = crypto.mac(crypto.subkey(data_key, _SEAL_LABEL), self.body())
        return crypto.same(expected, self.mac)

    @property
    def events(self) -> int:
        return sum(v[0] for v in self.devices.values())

    def to_json(self) -> dict[str, Any]:
        return {"devices": {k: list(v) for k, v in self.devices.items()},
                "audit": [self.audit_seq, self.audit_head], "mac": crypto.b64(self.mac)}

    @classmethod
    def from_json(cls, data: Any) -> Seal:
        if not isinstance(data, dict):
            raise ValueError("seal")
        devices: dict[str, tuple[int, str, int]] = {}
        for uuid, value in dict(data.get("devices", {})).items():
            count, head, hlc = value
            devices[str(uuid)] = (int(count), str(head), int(hlc))
        seq, head = data.get("audit", [0, ""])
        return cls(devices, int(seq), str(head), crypto.unb64(data.get("mac"), 32))


@dataclass(frozen=True)
class Keyring:
    register_salt: bytes
    key_check: bytes
    slot: Slot
    pending: tuple[bytes, Slot] | None = None  # (key check, slot) of a rekey under way
    seal: Seal | None = None
    failed_unlocks: tuple[str, ...] = ()
    sent_events: int = 0  # this device's own events that have left in bundles
    extra: dict[str, Any] = field(default_factory=dict)  # members of a newer version

    @classmethod
    def new(cls, data_key: bytes, passphrase: str, register_salt: bytes, kdf: KdfParams
            ) -> Keyring:
        return cls(register_salt, key_check(data_key), Slot.make(data_key, passphrase, kdf))

    def unlock(self, passphrase: str) -> tuple[bytes, bytes | None]:
        """(data key, pending key or None). A wrong passphrase raises WrongPassphrase."""
        key = self.slot.unwrap(passphrase)
        if not crypto.same(key_check(key), self.key_check):
            raise KeyringProblem("De sleutelring is beschadigd (de sleutelcontrole klopt "
                                 "niet). Open het register met de herstelcode.")
        pending = None
        if self.pending is not None:
            with contextlib.suppress(WrongPassphrase):
                pending = self.pending[1].unwrap(passphrase)
        return key, pending

    def fits(self, data_key: bytes) -> bool:
        return crypto.same(key_check(data_key), self.key_check) or (
            self.pending is not None and crypto.same(key_check(data_key), self.pending[0]))

    def with_passphrase(self, data_key: bytes, passphrase: str, kdf: KdfParams) -> Keyring:
        return replace(self, key_check=key_check(data_key),
                       slot=Slot.make(data_key, passphrase, kdf), pending=None)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = dict(self.extra)
        data.update({
            "format": FORMAT,
            "version": VERSION,
            "register_salt": crypto.b64(self.register_salt),
            "key_check": crypto.b64(self.key_check),
            "slot": self.slot.to_json(),
            "pending": None if self.pending is None else {
                "key_check": crypto.b64(self.pending[0]), "slot": self.pending[1].to_json()},
            "seal": None if self.seal is None else self.seal.to_json(),
            "failed_unlocks": list(self.failed_unlocks),
            "sent_events": self.sent_events,
        })
        return data

    @classmethod
    def from_json(cls, data: Any) -> Keyring:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise KeyringProblem("Dit is geen sleutelring van Casusregister.")
        if not isinstance(data.get("version"), int) or data["version"] > VERSION:
            raise KeyringProblem("Deze sleutelring is gemaakt door een nieuwere versie van "
                                 "het programma. Werk het programma bij.")
        try:
            pending = data.get("pending")
            seal: Seal | None = None
            if data.get("seal") is not None:
                try:
                    seal = Seal.from_json(data["seal"])
                except (ValueError, TypeError, KeyError):
                    seal = None  # a damaged seal is no seal: the register re-seals
            known = {"format", "version", "register_salt", "key_check", "slot", "pending",
                     "seal", "failed_unlocks", "sent_events"}
            return cls(
                register_salt=crypto.unb64(data.get("register_salt"), 16),
                key_check=crypto.unb64(data.get("key_check"), 32),
                slot=Slot.from_json(data.get("slot")),
                pending=None if pending is None else (
                    crypto.unb64(pending.get("key_check"), 32),
                    Slot.from_json(pending.get("slot"))),
                seal=seal,
                failed_unlocks=tuple(str(t) for t in data.get("failed_unlocks") or ()),
                sent_events=int(data.get("sent_events") or 0),
                extra={k: v for k, v in data.items() if k not in known},
            )
        except (ValueError, TypeError, AttributeError, crypto.BadParameters):
            raise KeyringProblem("De sleutelring is beschadigd en kan niet worden gelezen. "
                                 "Open het register met de herstelcode.") from None


# --------------------------------------------------------------------------- the file


def read(path: Path) -> Keyring:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise KeyringProblem(f"De sleutelring {path.name} ontbreekt naast het register. "
                             "Open het register met de herstelcode.") from None
    except OSError as exc:
        raise KeyringProblem(f"Kan de sleutelring {path.name} niet lezen "
                             f"({describe_os_error(exc)}).") from None
    if len(raw) > 1_000_000:
        raise KeyringProblem("De sleutelring is beschadigd (veel te groot).")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise KeyringProblem("De sleutelring is beschadigd en kan niet worden gelezen. "
                             "Open het register met de herstelcode.") from None
    return Keyring.from_json(data)


def write(path: Path, keyring: Keyring, *, fsync: bool = True) -> None:
    text = json.dumps(keyring.to_json(), indent=1, sort_keys=True)
    files.write_text_atomic(path, text + "\n", fsync=fsync)


@contextmanager
def locked(path: Path, timeout: float = 10.0) -> Iterator[None]:
    """Hold ``<keyring>.lock`` (an OS file lock, released by the OS if we crash)."""
    lock_path = path.with_name(path.name + ".lock")
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, files.FILE_MODE)
    fh = os.fdopen(fd, "r+b")
    try:
        deadline = time.monotonic() + timeout
        while not _try_lock(fh):
            if time.monotonic() > deadline:
                raise KeyringProblem("De sleutelring is bezet door een ander programma. "
                                     "Probeer het zo opnieuw.")
            time.sleep(0.02)
        try:
            yield
        finally:
            _unlock(fh)
    finally:
        fh.close()


def _try_lock(fh: IO[bytes]) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _unlock(fh: IO[bytes]) -> None:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        with contextlib.suppress(OSError):
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        return
    import fcntl

    fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def update(path: Path, change: Callable[[Keyring], Keyring], *, fsync: bool = True
           ) -> Keyring:
    """Read, change and write the keyring under its lock; returns what was written."""
    with locked(path):
        new = change(read(path))
        write(path, new, fsync=fsync)
        return new


def record_failed_unlock(path: Path, at: str) -> None:
    """A failed unlock leaves its time in the keyring (docs/SECURITY.md), never elsewhere."""
    with contextlib.suppress(KeyringProblem, OSError):
        update(path, lambda k: replace(
            k, failed_unlocks=(*k.failed_unlocks, at)[-MAX_FAILED:]))


def failed_unlocks(path: Path) -> list[str]:
    try:
        return list(read(path).failed_unlocks)
    except KeyringProblem:
        return []


def drain_failed_unlocks(path: Path) -> list[str]:
    """Take the failed unlocks out (after a good unlock moves them into the audit)."""
    taken: list[str] = []

    def take(k: Keyring) -> Keyring:
        taken.extend(k.failed_unlocks)
        return replace(k, failed_unlocks=())

    if failed_unlocks(path):
        update(path, take)
    return taken
