"""Measure the frozen program's start: the moment its first window is on screen.

``packaging/smoke.sh`` starts the windowed program with ``CASUSREGISTER_START_PROBE=FILE``
(see ``app.launch.gui``). The probe watches for the first visible top-level window,
writes the wall-clock time and the window's title to FILE, and closes it again, so the
start time of an executable without a console can be read from outside (docs/
BENCHMARKS.md). Without the variable nothing of this runs.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog


def install(out: Path) -> QTimer:
    """Poll every 10 ms once the event loop runs; the unlock dialog's loop counts."""
    from app.ui.main import application

    app = application()
    timer = QTimer(app)
    timer.setInterval(10)

    def check() -> None:
        shown = [w for w in QApplication.topLevelWidgets()
                 if w.isVisible() and w.isWindow() and w.windowTitle()]
        if not shown:
            return
        timer.stop()
        window = shown[0]
        out.write_text(f"{time.time():.3f}\t{window.windowTitle()}\n", encoding="utf-8")
        if isinstance(window, QDialog):
            window.reject()
        else:
            window.close()

    timer.timeout.connect(check)
    timer.start()
    return timer
