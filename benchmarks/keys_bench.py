"""Keys and the way back, timed at scale (issue 8; docs/BENCHMARKS.md).

    python benchmarks/keys_bench.py --db REG.db --passphrase-file PW [--repeat 3]

REG.db is a register built once with ``benchmarks/generate.py`` (10,000 cases); it is
copied into a temporary folder first, so it is never changed. Timed, medians of the
runs (wall and CPU):

- ``argon2id``: the key derivation alone, RFC 9106's second setting (64 MiB, 3 passes,
  4 lanes): what a wrong passphrase costs and what the back-off adds to;
- ``unlock``: ``Register.open`` with the passphrase (keyring, key derivation, raw key,
  the seal check), the whole unlock a handler waits for;
- ``backup``: a backup (every page authenticated, then SQLite's backup API, the
  keyring copy beside it);
- ``restore``: that backup put back (the backup copied aside and checked whole: pages,
  structure, every hash chain; the register moved aside; the keyring updated);
- ``passphrase``: a passphrase change (rewrites the keyring only).

Not a test: nothing here fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.storage import crypto  # noqa: E402
from app.storage.backup import make_backup  # noqa: E402
from app.storage.keyring import keyring_path  # noqa: E402
from app.storage.keys import change_passphrase  # noqa: E402
from app.storage.repository import Register  # noqa: E402
from app.storage.restore import restore  # noqa: E402

OTHER = "een-andere-wachtwoordzin-voor-de-meting"


def timed(fn: Callable[[], Any]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def one_round(db: Path, passphrase: str, note: Callable[[str, tuple[float, float]], None]
              ) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "register.db"
        shutil.copy2(db, work)
        shutil.copy2(keyring_path(db), keyring_path(work))
        note("argon2id", timed(lambda: crypto.derive_key(
            passphrase, os.urandom(16), crypto.DEFAULT_KDF)))
        holder: list[Register] = []
        note("unlock", timed(lambda: holder.append(Register.open(work, passphrase))))
        reg = holder[0]
        made: list[Path] = []
        note("backup", timed(lambda: made.append(make_backup(reg, "meting"))))
        note("passphrase", timed(lambda: change_passphrase(reg, OTHER)))
        change_passphrase(reg, passphrase)
        reg.close()
        note("restore", timed(lambda: restore(work, made[0], passphrase=passphrase)))


def run(db: Path, passphrase: str, repeat: int) -> dict[str, dict[str, float]]:
    samples: dict[str, list[tuple[float, float]]] = {}

    def note(name: str, value: tuple[float, float]) -> None:
        samples.setdefault(name, []).append(value)

    for _ in range(repeat):
        one_round(db, passphrase, note)
    out: dict[str, dict[str, float]] = {}
    for name, values in samples.items():
        out[name] = {"wall_s": round(statistics.median(v[0] for v in values), 3),
                     "cpu_s": round(statistics.median(v[1] for v in values), 3)}
    out["_file"] = {"megabytes": round(db.stat().st_size / 1e6, 1)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, type=Path)
    parser.add_argument("--passphrase-file", required=True, type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    passphrase = args.passphrase_file.read_text(encoding="utf-8").strip("\r\n")
    result = run(args.db, passphrase, args.repeat)
    for name, figures in result.items():
        print(f"{name:<12} " + "  ".join(f"{k} {v}" for k, v in figures.items()))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
