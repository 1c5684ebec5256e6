"""Codelist additions made in Beheer, kept in the user's own ``codelists.toml``.

docs/DOMAIN.md: the extendable lists may get entries from a user override file without a
code change. Beheer -> Instellingen writes that same file (in the user's config
folder, ``paths.codelist_override``) rather than a second store inside the register:

- one mechanism, whether a team lead edits the file by hand or clicks in Beheer;
- a key must be known on every laptop that receives a step using it (a bundle's
  steps are validated against the receiver's lists), and a file is what a team lead
  can copy to every laptop; a register's own table would stay on one laptop;
- labels and keys are not personal data, so the file needs no encryption.

The price: comments in a hand-edited file are not kept when Beheer rewrites it (the
file says so at the top). A key in use is hidden (``active = false``: still valid for
old steps, no longer offered), never deleted; a key this office added and no step
uses may be deleted.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.model.codelists import Codelists, load_codelists
from app.model.errors import UserError
from app.model.events import canonical_json
from app.storage.files import private_dir, replace, write_text_atomic
from app.storage.paths import codelist_override
from app.storage.repository import Register

KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]{1,39}")
HEADER = ("# Eigen aanvullingen op de codelijsten van Casusregister (docs/DOMAIN.md).\n"
          "# Geschreven door Beheer -> Instellingen; u mag het ook met de hand bewerken,\n"
          "# maar opmerkingen blijven niet bewaard als Beheer het opnieuw schrijft.\n"
          "# Een sleutel met active = false is verborgen: geldig voor oude stappen, niet\n"
          "# meer te kiezen. Geef dit bestand aan elke laptop van het team.\n")


@dataclass(frozen=True)
class CodeRow:
    """One entry of an extendable list as Beheer shows it."""

    key: str
    label: str
    active: bool
    route: str | None
    added: bool  # by this office (in the override file, not shipped)


def override_path() -> Path:
    return codelist_override()


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"{path}: het bestand met eigen codelijsten is niet te lezen "
                        f"({exc}).") from None


def _write(path: Path, data: dict[str, Any]) -> Codelists:
    """Write the file only once it loads: checked in a private copy beside it first."""
    lines = [HEADER]
    for name in sorted(data):
        items = data[name].get("items", {})
        if not items:
            continue
        lines.append(f"\n[{name}]\n")
        for key, raw in items.items():
            if isinstance(raw, str):
                lines.append(f"items.{key} = {canonical_json(raw)}\n")
                continue
            parts = [f"label = {canonical_json(str(raw.get('label', key)))}"]
            if raw.get("route"):
                parts.append(f"route = {canonical_json(str(raw['route']))}")
            if raw.get("active") is False:
                parts.append("active = false")
            lines.append(f"items.{key} = {{ {', '.join(parts)} }}\n")
    private_dir(path.parent)
    check = path.with_name(f".{path.name}.controle")
    try:
        write_text_atomic(check, "".join(lines), fsync=False)
        loaded = load_codelists(check)
        replace(check, path)
    finally:
        check.unlink(missing_ok=True)
    return loaded


def shipped() -> Codelists:
    return load_codelists()


def rows(codelists: Codelists, name: str) -> list[CodeRow]:
    base = shipped()[name]
    return [CodeRow(c.key, c.label, c.active, c.route, c.key not in base.codes)
            for c in codelists[name]]


def extendable(codelists: Codelists) -> list[tuple[str, str]]:
    """(name, Dutch title) of the lists an office may extend."""
    return [(n, codelists[n].title) for n in codelists.names() if codelists[n].extendable]


def in_use(reg: Register, key: str) -> bool:
    """Whether a stored step holds ``key`` as a value (a JSON string in a payload).

    A text that happens to quote the key also counts: then the key is only hidden,
    which is the safe side.
    """
    row = reg.conn.execute("SELECT 1 FROM events WHERE instr(payload_json, ?) > 0 LIMIT 1",
                           (f'"{key}"',)).fetchone()
    return row is not None


def _entry(data: dict[str, Any], name: str) -> dict[str, Any]:
    items: dict[str, Any] = data.setdefault(name, {}).setdefault("items", {})
    return items


def _apply(reg: Register, data: dict[str, Any], path: Path, obj: str, result: str) -> None:
    reg.codelists = _write(path, data)
    reg.audit("codelist_change", obj, result)


def add_code(reg: Register, name: str, key: str, label: str, route: str | None = None,
             path: Path | None = None) -> None:
    path = path or override_path()
    cl = reg.codelists
    if name not in cl or not cl[name].extendable:
        raise UserError(f"De lijst '{name}' ligt vast en kan niet worden uitgebreid.")
    key, label = key.strip(), " ".join(label.split())
    if not KEY_PATTERN.fullmatch(key):
        raise UserError("Een sleutel is 2 tot 40 kleine letters, cijfers of liggende "
                        "streepjes en begint met een letter (bijvoorbeeld "
                        "'wijkteam_noord').")
    if key in cl[name]:
        raise UserError(f"De sleutel '{key}' bestaat al in de lijst {cl[name].title}.")
    if not label or len(label) > 120:
        raise UserError("Geef een Nederlandse omschrijving van hoogstens 120 tekens.")
    entry: dict[str, Any] = {"label": label}
    if name == "partner_type":
        if not route or route not in cl["route"]:
            raise UserError("Kies de route waar deze soort aandrager bij hoort.")
        entry["route"] = route
    data = _read(path)
    _entry(data, name)[key] = entry
    _apply(reg, data, path, f"{name}.{key}", f"toegevoegd: {label}")


def set_hidden(reg: Register, name: str, key: str, hidden: bool,
               path: Path | None = None) -> None:
    """Hide a key (still valid for old steps, no longer offered) or show it again."""
    path = path or override_path()
    code = reg.codelists[name].codes.get(key) if name in reg.codelists else None
    if code is None:
        raise UserError(f"De sleutel '{key}' bestaat niet in deze lijst.")
    data = _read(path)
    entry: dict[str, Any] = {"label": code.label}
    if code.route:
        entry["route"] = code.route
    if hidden:
        entry["active"] = False
    items = _entry(data, name)
    base = shipped()[name].codes.get(key)
    if not hidden and base is not None and base.label == code.label:
        items.pop(key, None)  # back to the shipped entry
    else:
        items[key] = entry
    _apply(reg, data, path, f"{name}.{key}", "verborgen" if hidden else "weer zichtbaar")


def remove_code(reg: Register, name: str, key: str, path: Path | None = None) -> None:
    """Delete a key this office added, if no stored step uses it; otherwise refuse."""
    path = path or override_path()
    if key in shipped()[name]:
        raise UserError(f"'{key}' hoort bij de vaste inhoud van de lijst: verberg hem in "
                        "plaats van te verwijderen.")
    if in_use(reg, key):
        raise UserError(f"'{key}' wordt in stappen gebruikt en kan alleen worden verborgen.")
    data = _read(path)
    if key not in _entry(data, name):
        raise UserError(f"De sleutel '{key}' staat niet in {path}.")
    del _entry(data, name)[key]
    _apply(reg, data, path, f"{name}.{key}", "verwijderd")
