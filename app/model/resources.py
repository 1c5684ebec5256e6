"""Where the shipped resources live, found the same way in every kind of install.

The source tree keeps them in the top-level ``resources/`` folder; the wheel and the
sdist install that folder as ``app/resources`` inside the package (pyproject.toml maps
it), because a wheel carries nothing beside its packages, and the PyInstaller spec puts
it at ``app/resources`` too. So one rule, relative to this module's own file, finds it:

- ``<site-packages>/app/resources``: an installed wheel;
- ``<bundle>/app/resources``: a frozen program (a frozen module's ``__file__`` lies
  where it would under ``sys._MEIPASS``; the bundle's root is also tried, for a freezer
  that keeps modules in an archive);
- ``<checkout>/resources``: an editable install or a source checkout, recognised by the
  ``pyproject.toml`` beside it.

There is deliberately no other fallback (the working directory, some other copy): a
stale ``holidays.toml`` found by accident would silently move a legal deadline. A
missing file is reported as that, naming the file (``missing_resource``).
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

from app.model.errors import UserError
from app.model.os_errors import describe_os_error

PACKAGE_RESOURCES = Path(__file__).resolve().parents[1] / "resources"
_CHECKOUT = Path(__file__).resolve().parents[2]


class ResourceMissing(UserError):
    """A file the program ships with is missing or unreadable: the install is broken."""


def _candidates() -> list[Path]:
    found = [PACKAGE_RESOURCES]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        found.append(Path(frozen) / "app" / "resources")
    elif (_CHECKOUT / "pyproject.toml").is_file():
        found.append(_CHECKOUT / "resources")
    return found


def resources_dir() -> Path:
    """The first candidate folder that exists; the package's own when none does."""
    for folder in _candidates():
        if folder.is_dir():
            return folder
    return PACKAGE_RESOURCES


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def read_toml(path: Path, what: str, noun: str, error: type[UserError], *,
              shipped: bool) -> dict[str, Any]:
    """A TOML file the program reads: a shipped one (``shipped``) that is gone or
    broken means a broken install (``missing_resource``, naming ``what``); the user's
    own file (``noun``, e.g. "feestdagenbestand") is refused with ``error``, in Dutch."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        if shipped:
            raise missing_resource(path, what) from exc
        raise error(f"{path}: {noun} niet gevonden") from exc
    except OSError as exc:
        if shipped:
            raise missing_resource(path, what, "is niet te lezen "
                                   f"({describe_os_error(exc)})") from exc
        raise error(f"{path}: {noun} niet te lezen ({describe_os_error(exc)})") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        if shipped:
            raise missing_resource(path, what, "is beschadigd") from exc
        raise error(f"{path}: geen geldig TOML-bestand ({exc})") from exc


def missing_resource(path: Path, what: str, reason: str = "ontbreekt") -> ResourceMissing:
    """The one Dutch line for a shipped file that is gone or cannot be read."""
    return ResourceMissing(
        f"Het programmabestand {path.name} ({what}) {reason}: {path}. De installatie is "
        "onvolledig of beschadigd; installeer het programma opnieuw.")


__all__ = ["PACKAGE_RESOURCES", "ResourceMissing", "missing_resource", "read_toml",
           "resource", "resources_dir"]
