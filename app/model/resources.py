"""Where the shipped resources live: ``app/resources``, inside the package.

Why inside the package: a wheel carries package data and nothing beside the package,
so a top-level ``resources/`` folder was simply missing after ``pip install`` and every
command but ``--version`` failed. Inside the package one rule finds the folder in
every kind of install: relative to this module's own file. That file is
``<checkout>/app/model/`` in an editable install, ``site-packages/app/model/`` in an
installed wheel, and ``<bundle>/app/model/`` in a PyInstaller build, which sets a
frozen module's ``__file__`` to where it would lie under ``sys._MEIPASS``; the spec
puts the folder at ``app/resources`` there.

The one fallback is the frozen bundle's root (``sys._MEIPASS/app/resources``), for a
freezer that keeps modules in an archive and gives them a ``__file__`` inside it. There
is deliberately no fallback to some other copy (a checkout, the working directory): a
stale ``holidays.toml`` found by accident would silently move a legal deadline. A
missing file is reported as that, naming the file (``missing_resource``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from app.model.errors import UserError

PACKAGE_RESOURCES = Path(__file__).resolve().parents[1] / "resources"


class ResourceMissing(UserError):
    """A file the program ships with is missing or unreadable: the install is broken."""


def _candidates() -> list[Path]:
    found = [PACKAGE_RESOURCES]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        found.append(Path(frozen) / "app" / "resources")
    return found


def resources_dir() -> Path:
    """The first candidate folder that exists; the package's own when none does."""
    for folder in _candidates():
        if folder.is_dir():
            return folder
    return PACKAGE_RESOURCES


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def missing_resource(path: Path, what: str, reason: str = "ontbreekt") -> ResourceMissing:
    """The one Dutch line for a shipped file that is gone or cannot be read."""
    return ResourceMissing(
        f"Het programmabestand {path.name} ({what}) {reason}: {path}. De installatie is "
        "onvolledig of beschadigd; installeer het programma opnieuw.")


__all__ = ["PACKAGE_RESOURCES", "ResourceMissing", "missing_resource", "resource",
           "resources_dir"]
