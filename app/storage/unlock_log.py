"""Failed unlocks, kept beside the register until the next successful unlock.

A failed unlock cannot write into a database it could not decrypt, yet SECURITY.md
asks that it leave a trace. So the attempt's time goes into a small side file (no
passphrase, no case data), and the next successful unlock moves those lines into the
hash-chained audit trail and removes the file. The same file gives the GUI the count
of recent failures for its growing delay.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path


def _log(db: Path) -> Path:
    return db.with_name(db.name + ".mislukt")


def record_failed_unlock(db: Path) -> None:
    with contextlib.suppress(OSError), _log(db).open("a", encoding="utf-8") as fh:
        fh.write(datetime.now().strftime("%Y-%m-%dT%H:%M:%S") + "\n")


def failed_unlocks(db: Path) -> list[str]:
    try:
        return [ln for ln in _log(db).read_text(encoding="utf-8").splitlines() if ln.strip()]
    except OSError:
        return []


def drain_failed_unlocks(db: Path) -> list[str]:
    lines = failed_unlocks(db)
    with contextlib.suppress(OSError):
        _log(db).unlink()
    return lines
