"""Benchmark of the evaluation workbook (docs/BENCHMARKS.md): time, peak memory, ratio.

    python benchmarks/workbook_bench.py [--cases 10000] [--data DIR] [--rounds 3]
                                        [--from 2025-01-01 --to 2025-12-31] [--json out.json]

Budget at 10,000 cases: at most 1.5x a bare process that writes the same cell values
with openpyxl in write-only mode (no styles, charts or tables), and under 300 MB peak
(under 1 GB at 100,000 cases). Both sides run as fresh processes, measured from the
outside (interpreter start, imports and, for the program, the unlock included),
because that is what a team lead waits for, and they alternate round by round; the
ratio is the median of the per-round ratios (benchmarks/pairs.py). Peak memory is
each child's own maximum resident set size. The bare side's input is the program's own
output read back into JSON, so both write exactly the same values.

The register is built once into ``--data`` (benchmarks/generate.py, seed 1) and reused.
``--app-root`` runs the program of another checkout (for before/after figures).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.pairs import (  # noqa: E402
    alternate,
    median_ratio,
    median_seconds,
    peak_mb,
    run_child,
)

PASSPHRASE = "benchmark-wachtwoordzin"
#: "The evaluation workbook for a year" (docs/BENCHMARKS.md); --from/--to for a week.
START, END = date(2025, 1, 1), date(2025, 12, 31)


def _peak_mb() -> float:
    """This process's peak resident set size (ru_maxrss: KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


# ---------------------------------------------------------------------------
# Children: each runs in its own interpreter so its peak memory is its own


def child_program(db: Path, out: Path, start: date, end: date) -> dict[str, Any]:
    """The whole export as the CLI will run it: unlock, write, close."""
    from app.export.workbook import write_evaluation  # from the checkout on sys.path
    from app.storage.repository import Register

    t = time.perf_counter()
    reg = Register.open(db, PASSPHRASE)
    unlock = time.perf_counter() - t
    try:
        # A folder of its own: the program empties its shared temp folder on every
        # export, so another export running at the same time would wipe ours.
        summary = write_evaluation(reg, start, end, out, temp_dir=out.parent / "owned")
    finally:
        reg.close()
    return {"unlock": unlock, **summary.timings, "case_rows": summary.case_rows,
            "events": summary.events_read, "peak_mb": _peak_mb()}


def child_bare(values: Path, out: Path) -> dict[str, Any]:
    """The same cell values written with nothing but openpyxl write-only mode."""
    from openpyxl import Workbook

    t = time.perf_counter()
    data = json.loads(values.read_text(encoding="utf-8"))
    load = time.perf_counter() - t
    wb = Workbook(write_only=True)
    for title, rows in data.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append([date.fromisoformat(v["d"]) if isinstance(v, dict) and "d" in v else
                       datetime.fromisoformat(v["t"]) if isinstance(v, dict) else v
                       for v in row])
    sheets = time.perf_counter() - t - load
    wb.save(out)
    total = time.perf_counter() - t
    return {"load": load, "sheets": sheets, "save": total - load - sheets, "total": total,
            "peak_mb": _peak_mb()}


def dump_values(xlsx: Path, target: Path) -> int:
    """Every sheet's cell values as JSON (dates tagged), for the bare writer."""
    from openpyxl import load_workbook

    wb = load_workbook(xlsx, read_only=True)
    data: dict[str, list[list[Any]]] = {}
    cells = 0
    for ws in wb.worksheets:
        rows: list[list[Any]] = []
        for row in ws.iter_rows(values_only=True):
            out: list[Any] = []
            for v in row:
                if isinstance(v, datetime):
                    out.append({"d": v.date().isoformat()} if v.time() == datetime.min.time()
                               else {"t": v.isoformat()})
                else:
                    out.append(v)
                cells += v is not None
            rows.append(out)
        data[ws.title] = rows
    wb.close()
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return cells


# ---------------------------------------------------------------------------
# The parent: run the children, print the table


def measure(db: Path, work: Path, rounds: int, start: date, end: date,
            app_root: Path = ROOT, compare_root: Path | None = None) -> dict[str, Any]:
    out = work / "evaluatie.xlsx"
    values = work / "values.json"
    me = str(Path(__file__).resolve())
    program = [sys.executable, me, "--child-program", str(db), str(out), start.isoformat(),
               end.isoformat(), str(app_root)]
    first = run_child(program)  # once ahead, to have the values the bare side writes
    cells = dump_values(out, values)
    contenders = {
        "program": lambda: run_child(program),
        "bare": lambda: run_child([sys.executable, me, "--child-bare", str(values),
                                   str(work / "bare.xlsx")]),
    }
    if compare_root is not None:  # the program of another checkout, in turn
        other = [*program[:-1], str(compare_root)]
        other[4] = str(work / "compare.xlsx")
        contenders["compare"] = lambda: run_child(other)
    samples = alternate(contenders, rounds)
    reports = [json.loads(s.output.strip().splitlines()[-1]) for s in samples["program"]]
    bare_reports = [json.loads(s.output.strip().splitlines()[-1]) for s in samples["bare"]]
    report = json.loads(first.output.strip().splitlines()[-1])
    phase_names = [k for k in reports[0] if k not in ("case_rows", "events", "peak_mb")]
    phases = {k: statistics.median(float(r[k]) for r in reports) for k in phase_names}
    return {
        "cases": report["case_rows"],
        "events": report["events"],
        "cells": cells,
        "file_mb": out.stat().st_size / 1e6,
        "program_s": median_seconds(samples["program"]),
        "bare_s": median_seconds(samples["bare"]),
        "ratio": median_ratio(samples["program"], samples["bare"]),
        "program_peak_mb": peak_mb(samples["program"]),
        "bare_peak_mb": peak_mb(samples["bare"]),
        **({"compare_s": median_seconds(samples["compare"]),
            "compare_ratio": median_ratio(samples["compare"], samples["bare"]),
            "compare_peak_mb": peak_mb(samples["compare"]),
            "program_vs_compare": median_ratio(samples["program"], samples["compare"])}
           if compare_root is not None else {}),
        "phases_s": phases,
        "bare_phases_s": {k: statistics.median(float(r[k]) for r in bare_reports)
                          for k in ("load", "sheets", "save", "total")},
        "rounds": rounds,
        "period": [start.isoformat(), end.isoformat()],
    }


def print_table(r: dict[str, Any]) -> None:
    print(f"\nEvaluatiewerkmap {r['period'][0]}..{r['period'][1]}: {r['cases']} casussen, "
          f"{r['events']} stappen, "
          f"{r['cells']} gevulde cellen, {r['file_mb']:.1f} MB "
          f"(mediaan van {r['rounds']} afwisselende rondes)")
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}\n")
    rows = [
        ("tijd (s), proces van buiten gemeten", f"{r['program_s']:.2f}", f"{r['bare_s']:.2f}",
         f"{r['ratio']:.2f}x", "<= 1.5x"),
        ("piekgeheugen (MB, max RSS)", f"{r['program_peak_mb']:.0f}",
         f"{r['bare_peak_mb']:.0f}", f"{r['program_peak_mb'] / r['bare_peak_mb']:.2f}x",
         "< 300 MB"),
    ]
    if "compare_s" in r:
        rows.append(("--compare-root: tijd (s)", f"{r['compare_s']:.2f}", f"{r['bare_s']:.2f}",
                     f"{r['compare_ratio']:.2f}x",
                     f"programma/deze {r['program_vs_compare']:.2f}x"))
        rows.append(("--compare-root: piekgeheugen (MB)", f"{r['compare_peak_mb']:.0f}", "", "",
                     ""))
    head = ("maat", "programma", "kaal openpyxl", "verhouding", "budget")
    widths = [max(len(str(x[i])) for x in [head, *rows]) for i in range(5)]
    for line in [head, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(line, widths, strict=True)))
    print("\nprogramma per fase (s): " + ", ".join(
        f"{k} {v:.2f}" for k, v in r["phases_s"].items()))
    print("kaal per fase (s): " + ", ".join(
        f"{k} {v:.2f}" for k, v in r["bare_phases_s"].items()))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=10_000)
    p.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) /
                   "casusregister-bench", help="map met de benchmarkregisters (hergebruikt)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--json", type=Path)
    p.add_argument("--from", dest="start", type=date.fromisoformat, default=START)
    p.add_argument("--to", dest="end", type=date.fromisoformat, default=END)
    p.add_argument("--app-root", type=Path, default=ROOT,
                   help="run the program of another checkout")
    p.add_argument("--compare-root", type=Path,
                   help="also run the program of this checkout, in turn (before/after)")
    p.add_argument("--child-program", nargs=5, help=argparse.SUPPRESS)
    p.add_argument("--child-bare", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child_program:
        db, out, start, end, app_root = args.child_program
        sys.path.insert(0, app_root)
        print(json.dumps(child_program(Path(db), Path(out), date.fromisoformat(start),
                                       date.fromisoformat(end))))
        return 0
    if args.child_bare:
        print(json.dumps(child_bare(*args.child_bare)))
        return 0
    from benchmarks.generate import cached_register

    db, _ = cached_register(args.data, PASSPHRASE, args.cases)
    with tempfile.TemporaryDirectory(prefix="workbook-bench-") as tmp:
        result = measure(db, Path(tmp), args.rounds, args.start, args.end,
                         args.app_root.resolve(),
                         args.compare_root.resolve() if args.compare_root else None)
    print_table(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
