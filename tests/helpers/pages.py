"""Every page of an SQLCipher file, decrypted: what a thief with the key would read.

A logical read (SQL, ``sqlcipher_export``) only sees live rows; an erased text must
also be gone from free space inside pages, from freed pages and from old index
segments. SQLCipher 4 encrypts each page with AES-256-CBC under the (raw) data key,
with the page's IV in its reserved tail (16 bytes IV, 64 bytes HMAC-SHA512); page 1
starts with the 16-byte salt in the clear. This decrypts them all, so a test can
search the file byte for byte.
"""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE_SIZE = 4096
RESERVE = 80  # IV (16) + HMAC-SHA512 (64)


def decrypted_pages(path: Path, key: bytes) -> list[bytes]:
    data = Path(path).read_bytes()
    pages: list[bytes] = []
    for offset in range(0, len(data) - PAGE_SIZE + 1, PAGE_SIZE):
        page = data[offset:offset + PAGE_SIZE]
        start = 16 if offset == 0 else 0
        iv = page[PAGE_SIZE - RESERVE:PAGE_SIZE - RESERVE + 16]
        dec = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        pages.append(dec.update(page[start:PAGE_SIZE - RESERVE]) + dec.finalize())
    # Proof that the key and layout are right: page 1's header after the salt says
    # page size 4096, file format 2/2 and 80 reserved bytes.
    assert pages and pages[0][:5] == b"\x10\x00\x02\x02\x50", "not decrypted"
    return pages


def pages_holding(path: Path, key: bytes, needle: str) -> list[int]:
    """Numbers (from 1) of the decrypted pages that contain ``needle`` (UTF-8)."""
    raw = needle.encode("utf-8")
    return [i + 1 for i, page in enumerate(decrypted_pages(path, key)) if raw in page]
