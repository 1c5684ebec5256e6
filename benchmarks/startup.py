"""Start to the unlock window, against a bare PySide6 program showing an empty dialog.

    python benchmarks/startup.py [--repeat 5]

Both run as fresh processes in the same run (the machine is noisy; the ratio holds);
each prints when its window has been shown and painted. Also lists whether openpyxl,
jinja2 or pydantic were imported before the unlock window (they must not be).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BARE = """
from PySide6.QtWidgets import QApplication, QDialog
app = QApplication([])
d = QDialog(); d.show(); app.processEvents()
print("shown", flush=True)
"""

OURS = """
import sys
from pathlib import Path
from app.ui.main import application
from app.ui.app_dialogs import UnlockDialog
app = application()
d = UnlockDialog(Path(sys.argv[1])); d.show(); app.processEvents()
heavy = sorted(m for m in ("openpyxl", "jinja2", "pydantic") if m in sys.modules)
print("shown", ",".join(heavy), flush=True)
"""


def once(code: str, *args: str) -> tuple[float, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM":
           os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         env=env, cwd=ROOT, check=True).stdout
    return time.perf_counter() - t, out.split("shown", 1)[1].strip()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    db = Path(tempfile.mkdtemp()) / "register.db"
    db.write_bytes(b"")  # the dialog only needs a path; opening happens on "Ontgrendelen"
    bare = statistics.median(once(BARE)[0] for _ in range(args.repeat))
    runs = [once(OURS, str(db)) for _ in range(args.repeat)]
    ours = statistics.median(t for t, _ in runs)
    heavy = runs[-1][1] or "geen"
    print(f"bare_dialog_s           {bare:.3f}")
    print(f"unlock_window_s         {ours:.3f}")
    print(f"ratio                   {ours / bare:.2f}")
    print(f"heavy_modules_at_start  {heavy}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
