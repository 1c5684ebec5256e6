"""Benchmark of `metrics` for a year (docs/BENCHMARKS.md): time, peak memory, two ratios.

    python benchmarks/metrics_bench.py [--cases 10000] [--data DIR] [--rounds 5]
                                       [--from 2025-01-01 --to 2025-12-31] [--json out.json]

Budget: under 1 s of computation; the whole `metrics` command at most 1.5x the floor
and at most 4x a process that loads the same events from their interchange JSON file;
under 1 GB at 100,000 cases. Three processes are timed from the outside, alternated
round by round (benchmarks/pairs.py), and the ratios are medians of per-round ratios:

- **metrics**: ``python -m app metrics --json`` for the year, as a user runs it;
- **floor**: unlock (the key derivation) + ``SELECT payload`` + ``json.loads`` of every
  event: the least any command that reads every event must do;
- **json**: ``json.load`` of the register's interchange export (the same events).

The computation alone (fold and catalogue, the events already in memory) is timed in
this process. The register is built once into ``--data`` (benchmarks/generate.py) and
reused, with its interchange export beside it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.pairs import (  # noqa: E402
    alternate,
    machine,
    median_ratio,
    median_seconds,
    peak_mb,
    run_child,
)

PASSPHRASE = "benchmark-wachtwoordzin"
START, END = date(2025, 1, 1), date(2025, 12, 31)


def child_floor(db: Path, passphrase_file: Path) -> int:
    """Unlock, read every payload and parse it; nothing else."""
    from benchmarks.pairs import unlocked_connection

    conn = unlocked_connection(db, passphrase_file.read_text(encoding="utf-8").strip())
    loads = json.loads
    cursor = conn.execute("SELECT payload_json FROM events")
    n = 0
    while rows := cursor.fetchmany(4096):
        for (payload,) in rows:
            loads(payload)
        n += len(rows)
    conn.close()
    return n


def child_json(path: Path) -> int:
    data = json.loads(path.read_text(encoding="utf-8"))
    return sum(len(c["events"]) for c in data["cases"]) + sum(
        len(s["events"]) for s in data["signals"])


def interchange_file(db: Path, passphrase_file: Path) -> Path:
    """The register's interchange export beside it (made once)."""
    out = db.with_suffix(".interchange.json")
    if not out.exists():
        run_child([sys.executable, "-m", "app", "export", "interchange", "--db", str(db),
                   "--passphrase-file", str(passphrase_file), "--out", str(out)])
    return out


def computation(db: Path, start: date, end: date, repeat: int = 3) -> dict[str, float]:
    """Fold and catalogue with the events already in memory, and the read on its own:
    the cases the command reads (those not settled before the year), and every case
    (what the workbook folds)."""
    from app.model.bulk import paused_gc
    from app.storage.figures import figures_of, metric_settings
    from app.storage.repository import Register

    out: dict[str, float] = {}
    reg = Register.open(db, PASSPHRASE, audit_unlock=False)
    try:
        settings, codelists = metric_settings(reg), reg.codelists
        for label, since in (("", min(start, date(end.year, 1, 1))), ("_every_case", None)):
            with paused_gc():
                t = time.perf_counter()
                entities = list(reg.iter_entities(settled_before=since))
                out[f"read{label}_s"] = time.perf_counter() - t
            samples = []
            for _ in range(repeat):
                t = time.perf_counter()
                figures_of(entities, start, end, settings, codelists, with_ytd=False)
                samples.append(time.perf_counter() - t)
            out[f"computation{label}_s"] = statistics.median(samples)
            out[f"entities{label}"] = len(entities)
            del entities
    finally:
        reg.close()
    return out


def measure(db: Path, rounds: int, start: date, end: date, app_root: Path = ROOT,
            compare_root: Path | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="metrics-bench-") as tmp:
        pw = Path(tmp) / "pw.txt"
        pw.write_text(PASSPHRASE, encoding="utf-8")
        export = interchange_file(db, pw)
        me = str(Path(__file__).resolve())
        command = [sys.executable, "-m", "app", "metrics", "--db", str(db),
                   "--passphrase-file", str(pw), "--from", start.isoformat(), "--to",
                   end.isoformat(), "--json"]
        contenders = {
            "metrics": lambda: run_child(command, cwd=app_root),
            "floor": lambda: run_child([sys.executable, me, "--child-floor", str(db),
                                        str(pw)]),
            "json": lambda: run_child([sys.executable, me, "--child-json", str(export)]),
        }
        if compare_root is not None:  # the same command of another checkout, in turn
            contenders["compare"] = lambda: run_child(command, cwd=compare_root)
        samples = alternate(contenders, rounds)
        if compare_root is not None:
            outputs = {json.loads(x.output)["metrics"] == json.loads(y.output)["metrics"]
                       for x, y in zip(samples["metrics"], samples["compare"], strict=True)}
            if outputs != {True}:
                raise SystemExit("de twee versies geven andere cijfers")
    result: dict[str, Any] = {
        "period": [start.isoformat(), end.isoformat()],
        "rounds": rounds,
        **{f"{name}_s": median_seconds(s) for name, s in samples.items()},
        **{f"{name}_peak_mb": peak_mb(s) for name, s in samples.items()},
        "ratio_to_floor": median_ratio(samples["metrics"], samples["floor"]),
        "ratio_to_json": median_ratio(samples["metrics"], samples["json"]),
    }
    if compare_root is not None:
        result["compare_to_floor"] = median_ratio(samples["compare"], samples["floor"])
        result["compare_to_json"] = median_ratio(samples["compare"], samples["json"])
        result["metrics_vs_compare"] = median_ratio(samples["metrics"], samples["compare"])
    if app_root == ROOT:
        result.update(computation(db, start, end))
    return result


def print_table(r: dict[str, Any]) -> None:
    print(f"\nmetrics {r['period'][0]}..{r['period'][1]}, {r.get('cases')} casussen, "
          f"mediaan van {r['rounds']} afwisselende rondes; {machine()}\n")
    rows = [
        ("metrics (hele opdracht)", f"{r['metrics_s']:.2f}", f"{r['metrics_peak_mb']:.0f}",
         ""),
        ("vloer: ontgrendelen + payloads + json.loads", f"{r['floor_s']:.2f}",
         f"{r['floor_peak_mb']:.0f}", f"{r['ratio_to_floor']:.2f}x (<= 1.5x)"),
        ("dezelfde stappen uit interchange-JSON", f"{r['json_s']:.2f}",
         f"{r['json_peak_mb']:.0f}", f"{r['ratio_to_json']:.2f}x (<= 4x)"),
    ]
    if "compare_s" in r:
        rows += [("dezelfde opdracht, --compare-root", f"{r['compare_s']:.2f}",
                  f"{r['compare_peak_mb']:.0f}",
                  f"{r['compare_to_floor']:.2f}x vloer, {r['compare_to_json']:.2f}x json; "
                  f"metrics/deze {r['metrics_vs_compare']:.2f}x")]
    if "computation_s" in r:
        rows += [
            ("rekenen (vouwen + catalogus, in geheugen)", f"{r['computation_s']:.2f}", "",
             f"(< 1 s; {r['entities']} casussen en signalen)"),
            ("  hun stappen lezen", f"{r['read_s']:.2f}", "", ""),
            ("rekenen over elke casus (zoals de werkmap)",
             f"{r['computation_every_case_s']:.2f}", "", f"({r['entities_every_case']})"),
            ("  alle stappen lezen", f"{r['read_every_case_s']:.2f}", "", "")]
    head = ("maat", "s", "piek MB", "verhouding metrics")
    widths = [max(len(str(x[i])) for x in [head, *rows]) for i in range(4)]
    for line in [head, tuple("-" * w for w in widths), *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(line, widths, strict=True)))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=10_000)
    p.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) /
                   "casusregister-bench", help="map met de benchmarkregisters (hergebruikt)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--json", type=Path)
    p.add_argument("--from", dest="start", type=date.fromisoformat, default=START)
    p.add_argument("--to", dest="end", type=date.fromisoformat, default=END)
    p.add_argument("--app-root", type=Path, default=ROOT,
                   help="run the metrics command of another checkout")
    p.add_argument("--compare-root", type=Path,
                   help="also run the command of this checkout, in turn (before/after)")
    p.add_argument("--child-floor", nargs=2, type=Path, help=argparse.SUPPRESS)
    p.add_argument("--child-json", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child_floor:
        print(child_floor(*args.child_floor))
        return 0
    if args.child_json:
        print(child_json(args.child_json))
        return 0
    from benchmarks.generate import cached_register

    db, _ = cached_register(args.data, PASSPHRASE, args.cases)
    result = {"cases": args.cases, "machine": machine(),
              **measure(db, args.rounds, args.start, args.end, args.app_root.resolve(),
                        args.compare_root.resolve() if args.compare_root else None)}
    print_table(result)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
