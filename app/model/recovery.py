"""The recovery code: the register's data key written for people (docs/SECURITY.md, Keys v2).

Base32 (letters and the digits 2-7, nothing to confuse with 0, 1 or 8) in groups of
four, with a fifth-of-a-group check at the end so a mistyped code is caught before it
is tried against the register. It is printed once and kept by the team lead in a
sealed envelope, the way IT keeps BitLocker recovery keys.
"""

from __future__ import annotations

import base64
import hashlib

KEY_BYTES = 32
GROUP = 4
_CONFUSABLE = str.maketrans({"0": "O", "1": "I", "8": "B", "9": "G"})


class BadRecoveryCode(ValueError):
    """The text is not a recovery code, or one with a typing error."""


def _check_group(key: bytes) -> str:
    digest = hashlib.sha256(b"casusregister herstelcode" + key).digest()
    return base64.b32encode(digest)[:GROUP].decode("ascii")


def encode(key: bytes) -> str:
    if len(key) != KEY_BYTES:
        raise ValueError("a data key is 32 bytes")
    body = base64.b32encode(key).decode("ascii").rstrip("=") + _check_group(key)
    return "-".join(body[i:i + GROUP] for i in range(0, len(body), GROUP))


def decode(text: str) -> bytes:
    """Read a code as typed: any case, spaces or dashes anywhere, 0/1/8 for O/I/B, with
    or without the "Herstelcode:" label it was printed with."""
    if ":" in text:
        text = text.split(":", 1)[1]
    compact = "".join(ch for ch in text.upper() if ch.isalnum()).translate(_CONFUSABLE)
    expected = len(encode(bytes(KEY_BYTES)).replace("-", ""))
    if len(compact) != expected:
        raise BadRecoveryCode(
            f"Een herstelcode heeft {expected // GROUP} groepen van {GROUP} tekens; "
            f"dit zijn er {len(compact)} tekens.")
    body, check = compact[:-GROUP], compact[-GROUP:]
    try:
        key = base64.b32decode(body + "=" * (-len(body) % 8))
    except ValueError:
        raise BadRecoveryCode("De herstelcode bevat tekens die er niet in horen.") from None
    if len(key) != KEY_BYTES or _check_group(key) != check:
        raise BadRecoveryCode("De herstelcode klopt niet (de controlegroep aan het eind past "
                              "niet): controleer elke groep.")
    return key
