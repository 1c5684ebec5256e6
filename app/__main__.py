"""``python -m app`` (and the frozen program) behaves exactly like ``casusregister``."""

import os
import sys

# A windowed PyInstaller build on Windows has no console: sys.stdout and sys.stderr are
# None there, and the first print would crash the program (FACTS.md). Errors then go to
# the log file instead.
if sys.stdout is None:
    sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
if sys.stderr is None:
    from app.storage.paths import log_dir

    log_dir().mkdir(parents=True, exist_ok=True)
    sys.stderr = open(log_dir() / "casusregister.log", "a", encoding="utf-8")  # noqa: SIM115

from app.cli import main

sys.exit(main())
