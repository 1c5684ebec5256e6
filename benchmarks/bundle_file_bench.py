"""The storage-independent half of an exchange bundle, timed at scale (docs/BENCHMARKS.md).

    python benchmarks/bundle_file_bench.py --cases 10000 [--json out.json]

Builds a register's events in memory from the synthetic year (no database), hashes
them into one device's chain, then times: writing the bundle (canonical JSON, zlib,
AES-256-GCM, the real Argon2id), reading it back with every event checked and
re-hashed, the same with a pydantic validation of every payload standing in for the
content check the register will wire in, and planning the merge into an empty
register. What the register adds on top (reading its rows, inserting, re-folding) is
timed by the full bundle benchmark once it exists. Not a test: nothing here fails.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Collection, Mapping
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.demo import synthetic_register  # noqa: E402
from app.model.bundle import build_manifest  # noqa: E402
from app.model.canonical import chain  # noqa: E402
from app.model.errors import FieldError  # noqa: E402
from app.model.events import MODELS  # noqa: E402
from app.model.interchange import events_in_memory  # noqa: E402
from app.model.merge import Holdings, plan_merge  # noqa: E402
from app.storage.bundle_file import read_bundle, write_bundle  # noqa: E402

PASSPHRASE = "benchmark-uitwisseling"


def pydantic_check(kind: str, payload: Mapping[str, Any]) -> list[FieldError]:
    """A stand-in of the same weight as a structural pydantic check of each payload."""
    MODELS[kind].model_validate(dict(payload))
    return []


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process (Argon2id's lanes may run in
    threads, so CPU can exceed wall; a busy machine shows as wall above CPU)."""
    wall, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(wall), statistics.median(cpu)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)

    data = synthetic_register(cases=args.cases, signals=max(12, args.cases // 12), seed=7,
                              start=date(2019, 1, 7), end=date(2025, 12, 19))
    events, _ = events_in_memory(data, today=date(2025, 12, 19))
    events = [dataclasses.replace(e, recorded_at="2025-12-19T09:00:00Z") for e in events]
    events.sort(key=lambda e: e.hlc)
    canonical = chain(events)
    device = canonical[0].device
    manifest = build_manifest(canonical, source_device=device, source_code="TST",
                              handler="Benchmark", sequence=1, codes={device: "TST"},
                              before={}, complete=True)
    def no_known(ids: Collection[str]) -> dict[str, str]:
        return {}

    holdings = Holdings({}, no_known, lambda d, h: None)
    results: dict[str, Any] = {"cases": args.cases, "events": len(canonical)}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "alles.bundel"
        results["write_s"] = timed(lambda: write_bundle(path, manifest, canonical,
                                                        PASSPHRASE), args.repeat)
        results["bytes"] = path.stat().st_size
        results["read_s"] = timed(lambda: read_bundle(path, PASSPHRASE, check_payload=None),
                                  args.repeat)
        results["read_pydantic_s"] = timed(
            lambda: read_bundle(path, PASSPHRASE, check_payload=pydantic_check), args.repeat)
        bundle = read_bundle(path, PASSPHRASE, check_payload=None)
        results["plan_s"] = timed(lambda: plan_merge(bundle, holdings), args.repeat)
    width = max(len(k) for k in results)
    for key, value in results.items():
        shown = (f"{value[0]:.3f} s (cpu {value[1]:.3f} s)" if isinstance(value, tuple)
                 else str(value))
        print(f"{key:<{width}}  {shown}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
