"""Retention and the audit trail at scale: what erasing costs (issue 9).

    python benchmarks/retention_bench.py --cases 10000 [--db /tmp/bench.db]

Builds (or reuses) a register with benchmarks/generate.py, works on a copy (erasing
changes it), and times: the purge preview and the purge, destroying one case (which
merges the search index), erasing a note's text and a summary, one recorded step with
``secure_delete`` on and off, and checking and listing the audit trail. Not a test.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import generate  # noqa: E402

PASSPHRASE = "benchmark-wachtwoordzin"


def once(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def step_ms(reg: Any, number: str, repeat: int) -> float:
    samples = []
    for i in range(repeat):
        t = time.perf_counter()
        reg.append(number, "note", {"on": "2025-12-19", "text": f"Meting {i}."})
        samples.append(time.perf_counter() - t)
    return statistics.median(samples) * 1000


def measure(db: Path) -> dict[str, float]:
    from app.storage.audit import AuditQuery
    from app.storage.audit_trail import list_trail, verify_trail
    from app.storage.repository import CaseQuery, Register
    from app.storage.retention import destroy, erase_text, purge

    out: dict[str, float] = {}
    reg = Register.open(db, PASSPHRASE)
    try:
        reg.today = lambda: date(2027, 12, 31)  # everything closed in the data is due
        out["purge_preview_s"] = once(lambda: purge(reg, dry_run=True))
        out["purge_s"] = once(lambda: purge(reg))
        closed = reg.list_cases(CaseQuery(status="afgerond", limit=3))
        out["destroy_s"] = once(lambda: destroy(reg, closed[0].number, "Archiefwet."))
        open_case = reg.list_cases(CaseQuery(status="in_behandeling", limit=1))[0].number
        note = reg.append(open_case, "note", {"on": "2025-12-19", "text": "Naam getypt."})
        note_id = next(e.id for e in note.effective if e.kind == "note")
        out["erase_note_s"] = once(lambda: erase_text(reg, note_id, ["text"], "Naam."))
        first = reg.case(closed[1].number).events[0].id
        out["erase_summary_s"] = once(lambda: erase_text(reg, first, ["summary"], "Naam."))
        on: list[float] = []
        off: list[float] = []
        for _ in range(5):  # interleaved: the file and the cache grow as steps are added
            on.append(step_ms(reg, open_case, 10))
            reg.conn.execute("PRAGMA secure_delete = OFF")
            off.append(step_ms(reg, open_case, 10))
            reg.conn.execute("PRAGMA secure_delete = ON")
        out["step_secure_delete_on_ms"] = statistics.median(on)
        out["step_secure_delete_off_ms"] = statistics.median(off)
        out["audit_verify_s"] = once(lambda: verify_trail(reg))
        out["audit_list_unlock_s"] = once(lambda: list_trail(reg, AuditQuery(action="unlock")))
    finally:
        reg.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--db", type=Path, help="reuse or build this register")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="retention-bench-"))
    source = args.db or folder / "bron.db"
    if not source.exists():
        generate(source, PASSPHRASE, args.cases, seed=7, quiet=True)
    db = folder / "kopie.db"
    shutil.copy2(source, db)
    shutil.copy2(source.with_name(source.name + ".keys"), db.with_name(db.name + ".keys"))
    for key, value in measure(db).items():
        print(f"{key:28} {value:8.3f}")
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
