"""Small text helpers shared by the pages (kept free of heavy imports: the unlock
dialog uses them before the register code is loaded)."""

from __future__ import annotations

import re

_PLURAL = re.compile(r"(\w+)\((\w+)\)")


def plural(text: str, n: int) -> str:
    """Fill in "%n" and pick "dag(en)" -> "dag"/"dagen" (the source texts are Dutch)."""
    text = text.replace("%n", str(n))
    return _PLURAL.sub(lambda m: m.group(1) if n == 1 else m.group(1) + m.group(2), text)
