"""Failed unlocks of a register, as the unlock dialog and the command line see them.

Since Keys v2 the trail lives in the keyring (mode 0600), not in a side file anyone
can read (docs/SECURITY.md): a failed unlock records its time there, the next good unlock
moves those times into the hash-chained audit, and the back-off (1, 2, 4 ... 30 s) is
computed from them, so restarting the program does not reset the wait.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

MAX_DELAY = 30


def failed_unlocks(db: Path) -> list[str]:
    # Imported here: the unlock window asks this before any register code is loaded.
    from app.storage import keyring

    return keyring.failed_unlocks(keyring.keyring_path(db))


def backoff_seconds(failures: int) -> int:
    """1, 2, 4, 8, 16, 30, 30 ... seconds after the 1st, 2nd, 3rd ... failed attempt."""
    if failures <= 0:
        return 0
    return int(min(MAX_DELAY, 2 ** min(failures - 1, 10)))


def remaining_delay(db: Path, now: datetime | None = None) -> int:
    """Seconds still to wait before the next attempt may be made."""
    attempts = failed_unlocks(db)
    if not attempts:
        return 0
    wait = backoff_seconds(len(attempts))
    try:
        last = datetime.strptime(attempts[-1].strip(), "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return wait
    waited = int(((now or datetime.now()) - last).total_seconds())
    return max(0, min(wait, wait - waited))
