"""The device code: 2 to 4 capital letters, part of every case and signal number.

Kept apart from the storage layer so the first-run wizard can check it as the handler
types, before any register code is loaded.
"""

from __future__ import annotations

DEVICE_CODE_HELP = "de apparaatcode bestaat uit 2 tot 4 hoofdletters (bijvoorbeeld ZWL)"


def valid_device_code(code: str) -> bool:
    return 2 <= len(code) <= 4 and code.isascii() and code.isalpha() and code.isupper()
