"""Benchmarks of docs/BENCHMARKS.md: one command, a table and JSON.

    python benchmarks/run.py [--sizes 1000,10000] [--large] [--data DIR]
                             [--plain-ratio] [--rounds 5] [--json out.json]

Builds (once, into ``--data``) a register of N synthetic cases per size with
benchmarks/generate.py and times what a handler and a team lead wait for, at 1,000 and
10,000 cases and, with ``--large``, at 100,000. ``--plain-ratio`` compares the same
workloads on an encrypted and a plain (unkeyed) register built side by side, alternated
round by round, and reports medians of the per-round ratios (benchmarks/pairs.py): one
run of A followed by one run of B would measure the machine's drift. These are not
tests: nothing here fails a build. Process-level figures (the `metrics` command, the
workbook) are in metrics_bench.py and workbook_bench.py.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.generate import cached_register, generate  # noqa: E402
from benchmarks.pairs import alternate, machine, median_ratio, timed  # noqa: E402

PASSPHRASE = "benchmark-wachtwoordzin"
WORDS = ["kinderopvang", "betalingsregeling", "herziening", "toeslag", "Zwolle"]
YEAR = (date(2025, 1, 1), date(2025, 12, 31))


def median_of(fn: Callable[[], Any], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples)


def measure(db: Path, build: dict[str, float], *, verify: bool = True) -> dict[str, float]:
    """Every in-process figure of docs/BENCHMARKS.md on one register."""
    from app.model.bulk import paused_gc
    from app.storage.figures import figures_of, metric_settings
    from app.storage.projections import rebuild_all
    from app.storage.repository import CaseQuery, Register
    from app.storage.verify import verify as verify_register
    from benchmarks.pairs import unlocked_connection

    out: dict[str, float] = {}
    events = float(build["events"])
    out["events"] = events
    out["import_us_per_event"] = 1e6 * build["import_s"] / events
    t = time.perf_counter()
    unlocked_connection(db, PASSPHRASE).close()
    kdf = out["key_derivation_s"] = time.perf_counter() - t

    def unlock_and_list() -> None:
        reg = Register.open(db, PASSPHRASE, audit_unlock=False)
        reg.count_cases(CaseQuery())
        reg.list_cases(CaseQuery(limit=200))
        reg.close()

    out["unlock_to_list_s"] = max(0.0, median_of(unlock_and_list, 3) - kdf)

    firsts = []
    for word in WORDS[:3]:  # the first search after unlock: cold statements and pages
        reg = Register.open(db, PASSPHRASE, audit_unlock=False)
        t = time.perf_counter()
        reg.count_cases(CaseQuery(search=word))
        reg.list_cases(CaseQuery(search=word, limit=200))
        firsts.append(time.perf_counter() - t)
        reg.close()
    out["first_search_after_unlock_ms"] = 1000 * statistics.median(firsts)

    reg = Register.open(db, PASSPHRASE, audit_unlock=False)
    reg.today = lambda: date(2025, 12, 31)
    try:
        out["search_keystroke_ms"] = 1000 * statistics.median(
            median_of(lambda w=w: (reg.count_cases(CaseQuery(search=w)),
                                   reg.list_cases(CaseQuery(search=w, limit=200))), 3)
            for w in WORDS)
        out["sort_and_window_ms"] = 1000 * median_of(
            lambda: reg.list_cases(CaseQuery(sort="next_deadline", offset=5000, limit=200)), 5)
        settings, codelists = metric_settings(reg), reg.codelists
        with paused_gc():
            # What `metrics` for the year reads: every case not settled before it.
            year = list(reg.iter_entities(settled_before=YEAR[0]))
            out["metrics_year_s"] = median_of(lambda: figures_of(
                year, *YEAR, settings, codelists, with_ytd=False), 3)
            out["metrics_year_entities"] = float(len(year))
            t = time.perf_counter()
            entities = list(reg.iter_entities())
            out["read_all_events_s"] = time.perf_counter() - t
            out["fold_every_case_s"] = median_of(lambda: figures_of(
                entities, *YEAR, settings, codelists, with_ytd=False), 1)
        cases_ev = [e for e in entities if e[0].entity == "case"]
        signals_ev = [e for e in entities if e[0].entity == "signal"]

        def rebuild() -> None:
            reg.conn.execute("BEGIN IMMEDIATE")
            rebuild_all(reg.conn, cases_ev, signals_ev, reg.codelists)
            reg.conn.execute("ROLLBACK")

        out["rebuild_projections_s"] = median_of(rebuild, 1)
        if verify:
            out["verify_s"] = median_of(lambda: verify_register(reg), 1)
    finally:
        reg.close()
    with copied(db) as copy:  # a step commits: never into the shared register
        out["record_step_median_ms"] = 1000 * record_steps(copy, 100)
    return out


@contextmanager
def copied(db: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="bench-copy-") as tmp:
        copy = Path(tmp) / db.name
        shutil.copy(db, copy)
        shutil.copy(db.with_name(db.name + ".keys"), copy.with_name(copy.name + ".keys"))
        yield copy


def record_steps(db: Path, n: int) -> float:
    """The median time of ``n`` steps appended (validated, projected, committed)."""
    from app.storage.repository import CaseQuery, Register

    reg = Register.open(db, PASSPHRASE, audit_unlock=False)
    reg.today = lambda: date(2025, 12, 31)
    try:
        number = reg.list_cases(CaseQuery(status="in_behandeling", limit=1))[0].number
        steps = []
        for i in range(n):
            t = time.perf_counter()
            reg.append(number, "note", {"on": "2025-12-30", "text": f"Benchmarknotitie {i}"})
            steps.append(time.perf_counter() - t)
    finally:
        reg.close()
    return statistics.median(steps)


# ---------------------------------------------------------------------------
# Encrypted vs plain SQLite, alternated


@contextmanager
def plain_sqlite() -> Iterator[None]:
    """Connections made inside have no key and no cipher pragmas: plain SQLite."""
    import sqlcipher3

    import app.storage.db as db_module

    class Unkeyed:
        def __init__(self, conn: Any) -> None:
            self._conn = conn

        def execute(self, sql: str, *args: Any) -> Any:
            if "PRAGMA key" in sql or "cipher_" in sql:
                return iter(())
            return self._conn.execute(sql, *args)

        def __getattr__(self, name: str) -> Any:
            return getattr(self._conn, name)

    import app.storage.unlock as unlock_module
    from app.storage import keyring

    real = db_module.sqlcipher3
    real_check, real_salt = unlock_module.check_file, unlock_module.file_salt
    # A plain file starts "SQLite format 3" where SQLCipher keeps its salt: the program
    # would (rightly) refuse it, so the check and the salt come from the keyring here.
    unlock_module.check_file = lambda path: None  # type: ignore[assignment]
    unlock_module.file_salt = lambda path: keyring.read(  # type: ignore[assignment]
        keyring.keyring_path(path)).register_salt
    fake: Any = type("Plain", (), {})()
    fake.connect = lambda *a, **k: Unkeyed(sqlcipher3.connect(*a, **k))
    fake.Error = sqlcipher3.Error
    fake.DatabaseError = sqlcipher3.DatabaseError
    db_module.sqlcipher3 = fake
    try:
        yield
    finally:
        db_module.sqlcipher3 = real
        unlock_module.check_file, unlock_module.file_salt = real_check, real_salt


def plain_ratio(cases: int, folder: Path, rounds: int) -> dict[str, float]:
    """Import, a full read and one committed step: encrypted / plain, per round."""
    from app.storage.repository import Register

    paths = {"encrypted": folder / "ratio-encrypted.db", "plain": folder / "ratio-plain.db"}

    def build(label: str) -> Callable[[], Any]:
        def run() -> Any:
            path = paths[label]
            for f in (path, path.with_name(path.name + "-wal"),
                      path.with_name(path.name + "-shm"), path.with_name(path.name + ".keys")):
                f.unlink(missing_ok=True)
            if label == "plain":
                with plain_sqlite():
                    return generate(path, PASSPHRASE, cases, seed=7, quiet=True)
            return generate(path, PASSPHRASE, cases, seed=7, quiet=True)
        return run

    imports = alternate({label: _sample_of(build(label), "import_s") for label in paths},
                        max(2, rounds // 2))
    regs = {"encrypted": Register.open(paths["encrypted"], PASSPHRASE, audit_unlock=False)}
    with plain_sqlite():
        regs["plain"] = Register.open(paths["plain"], PASSPHRASE, audit_unlock=False)
    try:
        reads = alternate({label: timed(lambda r=reg: sum(1 for _ in r.iter_entities()))
                           for label, reg in regs.items()}, rounds)

        from app.storage.repository import CaseQuery

        numbers = {label: reg.list_cases(CaseQuery(status="in_behandeling", limit=1))[0].number
                   for label, reg in regs.items()}
        for reg in regs.values():
            reg.today = lambda: date(2025, 12, 31)

        def one_step(label: str) -> None:
            regs[label].append(numbers[label], "note",
                               {"on": "2025-12-30", "text": "Benchmarknotitie"})

        steps = alternate({label: timed(lambda x=label: one_step(x)) for label in regs},
                          rounds * 10)
    finally:
        for reg in regs.values():
            reg.close()
    return {
        "ratio_cases": cases,
        "ratio_import": median_ratio(imports["encrypted"], imports["plain"]),
        "ratio_read_all_events": median_ratio(reads["encrypted"], reads["plain"]),
        "ratio_record_step": median_ratio(steps["encrypted"], steps["plain"]),
    }


def _sample_of(fn: Callable[[], dict[str, float]], key: str) -> Callable[[], Any]:
    from benchmarks.pairs import Sample

    def run() -> Sample:
        return Sample(fn()[key], 0.0)
    return run


def show(title: str, result: dict[str, Any]) -> None:
    print(f"\n{title}")
    width = max(len(k) for k in result)
    for key, value in result.items():
        shown = f"{value:.3f}" if isinstance(value, float) else str(value)
        print(f"  {key:<{width}}  {shown}", flush=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", default="1000,10000",
                   help="aantallen casussen, met komma's (standaard 1000,10000)")
    p.add_argument("--large", action="store_true", help="ook 100.000 casussen")
    p.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) /
                   "casusregister-bench", help="map met de benchmarkregisters (hergebruikt)")
    p.add_argument("--plain-ratio", action="store_true")
    p.add_argument("--ratio-cases", type=int, help="omvang voor --plain-ratio "
                   "(standaard de grootste, hoogstens 10.000)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--no-verify", action="store_true")
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.large and 100_000 not in sizes:
        sizes.append(100_000)
    result: dict[str, Any] = {"machine": machine(), "sizes": {}}
    print(result["machine"])
    for n in sizes:
        db, build = cached_register(args.data, PASSPHRASE, n)
        figures = measure(db, build, verify=not args.no_verify)
        result["sizes"][str(n)] = figures
        show(f"{n} casussen", figures)
    if len(sizes) > 1:
        base = result["sizes"][str(sizes[0])]["import_us_per_event"]
        result["import_linearity"] = {
            str(n): result["sizes"][str(n)]["import_us_per_event"] / base for n in sizes}
        show("import per stap, t.o.v. de kleinste omvang", result["import_linearity"])
    if args.plain_ratio:
        with tempfile.TemporaryDirectory(prefix="bench-ratio-") as tmp:
            ratio = plain_ratio(args.ratio_cases or min(max(sizes), 10_000), Path(tmp),
                                args.rounds)
        result["plain_ratio"] = ratio
        show("versleuteld / onversleuteld (mediaan van de verhoudingen per ronde)", ratio)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
