"""The few cryptographic acts of the program, in one place (docs/SECURITY.md, Keys v2).

A secret typed by a person (a passphrase, the team's exchange passphrase) never keys
anything directly: Argon2id turns it into a key-encryption key, which wraps a random
key with AES-256-GCM. The GCM tag is what tells a wrong secret from a damaged file, so
the program can say "wrong passphrase" only when it is true. Both the keyring and the
exchange bundles use these functions, from ``cryptography``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12


class WrongSecret(Exception):
    """The GCM tag did not verify: the secret was wrong or the bytes were altered."""


class BadParameters(ValueError):
    """Stored key-derivation parameters outside what this program accepts."""


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost. The default is RFC 9106's second recommended setting.

    Tests may pass a cheap setting through an explicit parameter (docs/ARCHITECTURE.md);
    the stored parameters always travel with the salt, so any file opens with the
    cost it was made with.
    """

    memory_kib: int = 65536
    iterations: int = 3
    lanes: int = 4

    def to_json(self) -> dict[str, Any]:
        return {"name": "argon2id", "memory_kib": self.memory_kib,
                "iterations": self.iterations, "lanes": self.lanes}

    @classmethod
    def from_json(cls, data: Any) -> KdfParams:
        """Refuse parameters a hostile file could use to exhaust memory or time."""
        if not isinstance(data, dict) or data.get("name") != "argon2id":
            raise BadParameters("unknown key derivation")
        values = [data.get(k) for k in ("memory_kib", "iterations", "lanes")]
        if not all(type(v) is int for v in values):
            raise BadParameters("key derivation parameters are not integers")
        memory, iterations, lanes = (int(v) for v in values)  # type: ignore[arg-type]
        if not (1 <= lanes <= 16 and 8 * lanes <= memory <= 4 * 1024 * 1024
                and 1 <= iterations <= 16):
            raise BadParameters("key derivation parameters out of range")
        return cls(memory, iterations, lanes)


DEFAULT_KDF = KdfParams()
#: For tests only (docs/ARCHITECTURE.md): about 0.2 ms instead of 0.15 s.
TEST_KDF = KdfParams(memory_kib=64, iterations=1, lanes=1)


def random_key() -> bytes:
    return os.urandom(KEY_BYTES)


def random_salt() -> bytes:
    return os.urandom(SALT_BYTES)


def derive_key(secret: str, salt: bytes, params: KdfParams) -> bytes:
    return Argon2id(salt=salt, length=KEY_BYTES, iterations=params.iterations,
                    lanes=params.lanes, memory_cost=params.memory_kib
                    ).derive(secret.encode("utf-8"))


def seal(key: bytes, plaintext: bytes, aad: bytes, nonce: bytes | None = None
         ) -> tuple[bytes, bytes]:
    """AES-256-GCM: (nonce, ciphertext with its tag)."""
    nonce = nonce if nonce is not None else os.urandom(NONCE_BYTES)
    return nonce, AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(key: bytes, nonce: bytes, ciphertext: bytes, aad: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, aad)
    except (InvalidTag, ValueError):
        raise WrongSecret() from None


def mac(key: bytes, *parts: bytes) -> bytes:
    """HMAC-SHA256 over length-prefixed parts (so no two part lists collide)."""
    h = hmac.new(key, digestmod=hashlib.sha256)
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.digest()


def subkey(key: bytes, label: str) -> bytes:
    """A key for one purpose derived from another (HKDF-SHA256, the label as info)."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=label.encode("ascii")).derive(key)


def same(a: bytes, b: bytes) -> bool:
    return hmac.compare_digest(a, b)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def unb64(text: Any, size: int | None = None) -> bytes:
    """Decode stored base64, refusing anything that is not exactly what was stored."""
    if not isinstance(text, str):
        raise ValueError("not base64 text")
    data = base64.b64decode(text.encode("ascii"), validate=True)
    if size is not None and len(data) != size:
        raise ValueError("wrong length")
    return data
