"""Exchange bundles through the register, timed at scale (docs/BENCHMARKS.md).

    python benchmarks/bundle_bench.py --db REG.db --passphrase-file PW [--repeat 3]
                                      [--weeks 3] [--json out.json]

REG.db is a register built once with ``benchmarks/generate.py`` (10,000 cases for the
budgets); it is copied into a temporary folder first, so it is never changed. Then:

- ``export_all``: ``bundle export --all`` of everything (read the compact rows, the
  canonical form, zlib, AES-256-GCM, the real Argon2id);
- ``import_all``: that file into an empty register (verify every event and hash,
  plan, insert, fold and project every case and signal, the report);
- ``export_week`` / ``import_week``: a week of work on the sending laptop (two steps on
  each of 100 open cases, recorded untimed through the normal append path), its
  incremental bundle, and that bundle read by the team lead who already holds the rest.

Every figure is the median of the runs, wall and CPU (Argon2id's lanes may run in
threads, so CPU can exceed wall; a busy machine shows as wall above CPU). The exchange
passphrase's Argon2id (about 0.15 s here) is inside each export and each import.
Not a test: nothing here fails.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.storage.crypto import DEFAULT_KDF, TEST_KDF  # noqa: E402
from app.storage.exchange import (  # noqa: E402
    export_bundle,
    import_bundles,
    set_exchange_passphrase,
)
from app.storage.repository import CaseQuery, Register  # noqa: E402

TEAM = "benchmark-team-uitwisseling"
LEAD_PASSPHRASE = "benchmark-teamleider-register"
WEEK_CASES = 100
STEPS_PER_CASE = 2


def timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    t, c = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - t, time.process_time() - c


def median(samples: list[tuple[float, float]]) -> dict[str, float]:
    return {"wall_s": round(statistics.median(w for w, _ in samples), 3),
            "cpu_s": round(statistics.median(c for _, c in samples), 3),
            "runs": len(samples)}


def record_week(reg: Register, week: int) -> int:
    """Two notes on each of 100 open cases: a busy handler's week (untimed)."""
    rows = reg.list_cases(CaseQuery(status="in_behandeling", limit=WEEK_CASES,
                                    offset=week * WEEK_CASES, sort="number"))
    on = reg.today() - timedelta(days=1)
    n = 0
    for row in rows:
        for step in range(STEPS_PER_CASE):
            reg.append(row.number, "note",
                       {"on": on.isoformat(), "text": f"Week {week}, stap {step + 1}."})
            n += 1
    return n


def run(db: Path, passphrase: str, repeat: int, weeks: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bundle-bench-") as tmp:
        folder = Path(tmp)
        src_path = folder / "laptop.db"
        shutil.copy(db, src_path)
        shutil.copy(db.with_name(db.name + ".keys"), src_path.with_name(src_path.name + ".keys"))
        source = Register.open(src_path, passphrase)
        try:
            set_exchange_passphrase(source, TEAM)
            counts = source.counts()
            out["events"], out["cases"] = counts["events"], counts["cases"]

            samples: list[tuple[float, float]] = []
            full = folder / "alles-0.bundel"
            for i in range(repeat):
                full = folder / f"alles-{i}.bundel"
                _, wall, cpu = timed(lambda f=full: export_bundle(
                    source, f, everything=True, kdf=DEFAULT_KDF))
                samples.append((wall, cpu))
            out["export_all"] = median(samples)
            out["bundle_bytes"] = full.stat().st_size

            samples = []
            lead: Register | None = None
            for i in range(repeat):
                if lead is not None:
                    lead.close()
                lead = Register.create(folder / f"leider-{i}.db", LEAD_PASSPHRASE, "TL",
                                       "Teamleider", kdf=TEST_KDF)
                set_exchange_passphrase(lead, TEAM)
                report, wall, cpu = timed(lambda r=lead: import_bundles(r, [full]))
                assert not report.refused and report.new_events == out["events"], report
                samples.append((wall, cpu))
            out["import_all"] = median(samples)
            assert lead is not None

            exports: list[tuple[float, float]] = []
            imports: list[tuple[float, float]] = []
            steps = 0
            for week in range(weeks):
                steps = record_week(source, week)
                path = folder / f"week-{week}.bundel"
                result, wall, cpu = timed(lambda p=path: export_bundle(source, p))
                assert result.events == steps, (result.events, steps)
                exports.append((wall, cpu))
                report, wall, cpu = timed(lambda p=path: import_bundles(lead, [p]))
                assert not report.refused and report.new_events == steps, report
                imports.append((wall, cpu))
            out["week_steps"] = steps
            out["week_cases"] = WEEK_CASES
            out["export_week"] = median(exports)
            out["import_week"] = median(imports)
            lead.close()
        finally:
            source.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path,
                        help="a register built with benchmarks/generate.py (not changed)")
    parser.add_argument("--passphrase-file", required=True, type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--weeks", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    passphrase = args.passphrase_file.read_text(encoding="utf-8").strip()
    results = run(args.db, passphrase, args.repeat, args.weeks)
    results["machine"] = f"{platform.system()} {platform.machine()}, Python " \
                         f"{platform.python_version()}"
    budgets = {"export_all": 5.0, "import_all": 5.0, "export_week": 1.0, "import_week": 1.0}
    for key, value in results.items():
        if isinstance(value, dict):
            verdict = "met" if value["wall_s"] < budgets[key] else "NOT MET"
            print(f"{key:<12} {value['wall_s']:7.3f} s wall  {value['cpu_s']:7.3f} s cpu  "
                  f"(median of {value['runs']}; budget {budgets[key]:.0f} s: {verdict})")
        else:
            print(f"{key:<12} {value}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
