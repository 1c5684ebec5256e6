"""Benchmarks of PERFORMANCE.md: one command, a table and JSON.

    python benchmarks/run.py --cases 10000 [--json out.json] [--plain-ratio]

Builds (or reuses) a register of N synthetic cases with benchmarks/generate.py and
times what a handler and a team lead wait for. Medians over repeats; the machine is
noisy, so compare ratios measured in the same run rather than absolute figures.
These are not tests: nothing here fails a build.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
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


def timed(fn: Callable[[], Any], repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def measure(db: Path, cases: int) -> dict[str, float]:
    from app.model.metrics import MetricSettings, compute_metrics
    from app.storage.db import connect
    from app.storage.projections import rebuild_all
    from app.storage.repository import CaseQuery, Register
    from app.storage.verify import verify

    out: dict[str, float] = {}
    t = time.perf_counter()
    connect(db, PASSPHRASE).close()
    out["key_derivation_s"] = time.perf_counter() - t

    def unlock_and_list() -> None:
        reg = Register.open(db, PASSPHRASE)
        reg.count_cases(CaseQuery())
        reg.list_cases(CaseQuery(limit=200))
        reg.close()

    out["unlock_to_list_s"] = max(0.0, timed(unlock_and_list, 3) - out["key_derivation_s"])

    reg = Register.open(db, PASSPHRASE)
    reg.today = lambda: date(2025, 12, 31)
    try:
        words = ["kinderopvang", "betalingsregeling", "herziening", "toeslag", "Zwolle"]
        out["search_keystroke_ms"] = 1000 * statistics.median(
            timed(lambda w=w: (reg.count_cases(CaseQuery(search=w)),
                               reg.list_cases(CaseQuery(search=w, limit=200))), 3)
            for w in words)
        out["sort_and_window_ms"] = 1000 * timed(
            lambda: reg.list_cases(CaseQuery(sort="next_deadline", offset=5000, limit=200)))

        number = reg.list_cases(CaseQuery(status="in_behandeling", limit=1))[0].number
        steps = []
        for i in range(100):
            t = time.perf_counter()
            reg.append(number, "note", {"on": "2025-12-30", "text": f"Benchmarknotitie {i}"})
            steps.append(time.perf_counter() - t)
        out["record_step_median_ms"] = 1000 * statistics.median(steps)

        t = time.perf_counter()
        cases_ev, signals_ev = reg.grouped_events()
        out["read_all_events_s"] = time.perf_counter() - t
        out["metrics_year_s"] = timed(lambda: compute_metrics(
            cases_ev, signals_ev, date(2025, 1, 1), date(2025, 12, 31), MetricSettings()), 3)

        def rebuild() -> None:
            reg.conn.execute("BEGIN IMMEDIATE")
            rebuild_all(reg.conn, cases_ev, signals_ev, reg.codelists)
            reg.conn.execute("ROLLBACK")

        out["rebuild_projections_s"] = timed(rebuild, 1)
        out["verify_s"] = timed(lambda: verify(reg), 1)
    finally:
        reg.close()
    return out


def plain_ratio(cases: int, folder: Path) -> dict[str, float]:
    """The same workload on an unkeyed (plain SQLite) register, for the 1.25x ratio."""
    import sqlcipher3

    import app.storage.db as db_module

    class Unkeyed:
        """The same connection with the key and cipher pragmas dropped: plain SQLite."""

        def __init__(self, conn: Any) -> None:
            self._conn = conn

        def execute(self, sql: str, *args: Any) -> Any:
            if "PRAGMA key" in sql or "cipher_" in sql:
                return iter(())
            return self._conn.execute(sql, *args)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._conn, name)

    real = db_module.sqlcipher3
    results: dict[str, float] = {}
    for label in ("encrypted", "plain"):
        if label == "plain":
            fake = type("Plain", (), {})()
            fake.connect = lambda *a, **k: Unkeyed(sqlcipher3.connect(*a, **k))
            fake.Error = sqlcipher3.Error
            fake.DatabaseError = sqlcipher3.DatabaseError
            db_module.sqlcipher3 = fake  # type: ignore[assignment]
        try:
            path = folder / f"ratio-{label}.db"
            gen = generate(path, PASSPHRASE, cases, seed=7, quiet=True)
            results[f"{label}_import_s"] = gen["import_s"]
            m = measure(path, cases)
            results[f"{label}_record_step_ms"] = m["record_step_median_ms"]
            results[f"{label}_read_all_events_s"] = m["read_all_events_s"]
        finally:
            db_module.sqlcipher3 = real
    for key in ("import_s", "record_step_ms", "read_all_events_s"):
        results[f"ratio_{key}"] = results[f"encrypted_{key}"] / results[f"plain_{key}"]
    return results


def show(result: dict[str, Any]) -> None:
    width = max(len(k) for k in result)
    for key, value in result.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"{key:<{width}}  {shown}", flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Casusregister benchmarks (PERFORMANCE.md)")
    p.add_argument("--cases", type=int, default=10_000)
    p.add_argument("--db", type=Path, help="reuse this register (passphrase: see source)")
    p.add_argument("--json", type=Path)
    p.add_argument("--plain-ratio", action="store_true")
    args = p.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="casusregister-bench-"))
    db = args.db or folder / "bench.db"
    result: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"Python {platform.python_version()}",
        "cases": args.cases,
    }
    if not db.exists():
        gen = generate(db, PASSPHRASE, args.cases, seed=1, quiet=True)
        result.update({"events": gen["events"], "generate_s": gen["generate_s"],
                       "import_s": gen["import_s"]})
    result.update(measure(db, args.cases))
    show(result)
    if args.plain_ratio:
        ratio = plain_ratio(min(args.cases, 3000), folder)
        show(ratio)
        result.update(ratio)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
