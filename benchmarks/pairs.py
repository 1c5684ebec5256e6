"""Timing pairs the way docs/BENCHMARKS.md asks: alternated, and medians of the ratios.

One run of A followed by one run of B measures the machine's drift as much as A and B
(a shared 2-core machine once gave 0.57x for a pair that is 1.2x). So every pair here
is run in rounds: each round runs every contender once, in an order that rotates from
round to round, and a ratio is taken within each round; the reported figure is the
median of those ratios. Child processes are timed from the outside (interpreter start
and imports included, as a user waits for them) and their peak memory is their own
(``wait4``'s resource usage), not the parent's.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_mb: float
    output: str = ""


def unlocked_connection(db: Path, passphrase: str) -> Any:
    """A bare connection to a register: its keyring gives the data key (Argon2id), then
    SQLCipher opens with the raw key, as every open of the program does."""
    from app.storage import keyring
    from app.storage.db import connect

    key, _pending = keyring.read(keyring.keyring_path(db)).unlock(passphrase)
    return connect(db, key)


def run_child(argv: Sequence[str], *, cwd: Path = ROOT) -> Sample:
    """Run one child process; its wall time, its own peak RSS and its stdout."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), cwd=cwd, stdout=subprocess.PIPE, stderr=err)
        assert proc.stdout is not None
        out = proc.stdout.read()
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}):\n"
                             f"{err.read().decode(errors='replace')}")
    # ru_maxrss: KiB on Linux, bytes on macOS.
    peak = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return Sample(seconds, peak, out.decode(errors="replace"))


def alternate(contenders: Mapping[str, Callable[[], Sample]], rounds: int
              ) -> dict[str, list[Sample]]:
    """Every contender once per round, the starting one rotating round by round."""
    names = list(contenders)
    out: dict[str, list[Sample]] = {n: [] for n in names}
    for r in range(rounds):
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            out[name].append(contenders[name]())
    return out


def timed(fn: Callable[[], Any]) -> Callable[[], Sample]:
    """An in-process contender: wall time only (peak memory is the process's)."""
    def run() -> Sample:
        start = time.perf_counter()
        fn()
        return Sample(time.perf_counter() - start, 0.0)
    return run


def median_ratio(a: Sequence[Sample], b: Sequence[Sample]) -> float:
    """The median over rounds of a's time divided by b's time in the same round."""
    return statistics.median(x.seconds / y.seconds for x, y in zip(a, b, strict=True))


def median_seconds(samples: Sequence[Sample]) -> float:
    return statistics.median(s.seconds for s in samples)


def peak_mb(samples: Sequence[Sample]) -> float:
    return max(s.peak_mb for s in samples)


def machine() -> str:
    import platform

    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}")
