"""Where the shipped resources live, in a source checkout and in a frozen build.

The model reads its codelists and holidays from ``resources/``; PyInstaller unpacks
them under ``sys._MEIPASS``. Keeping the lookup here lets the pure model find its data
without importing any outer layer.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
