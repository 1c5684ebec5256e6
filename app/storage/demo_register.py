"""The demo register: create it on first use and fill it with a synthetic year.

Both front doors use it (``casusregister demo`` and ``casusregister --demo``), so a
newcomer sees the same full register whichever way in they take.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.demo import synthetic_register
from app.model.dates import today
from app.storage.interchange_io import import_data
from app.storage.paths import DEMO_PASSPHRASE
from app.storage.repository import Register


def fill_demo(path: Path, passphrase: str = DEMO_PASSPHRASE) -> tuple[Register, str]:
    """Open or create the demo register and import the demo year into it.

    The year ends today, so deadlines, open cases and this week's figures look like a
    register in use, with the showcase cases a trainee needs to see (overdue and
    soon-due terms, open escalations, a pause, a conflict); the import is idempotent,
    so a second run adds nothing.
    """
    if path.exists():
        reg = Register.open(path, passphrase)
    else:
        reg = Register.create(path, passphrase, "DEMO", "Demo behandelaar", demo=True)
    try:
        end = today()
        start = date(end.year - 1, end.month, min(end.day, 28))
        data = synthetic_register(cases=150, signals=12, seed=2025, start=start, end=end,
                                  showcase=True)
        result = import_data(reg, data, source="demo", today=end)
    except BaseException:
        reg.close()
        raise
    return reg, result.summary()
