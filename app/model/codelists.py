"""Codelists: stable keys with editable Dutch labels (docs/DOMAIN.md "Codelists").

Keys are API (events, files and metric keys use them), labels are for people. The
extendable lists accept extra entries from a user override file so the office can add
a partner type without a release; fixed lists drive rules and figures and refuse
additions. A key marked inactive stays valid so old events keep validating.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from app.model.errors import UserError
from app.model.kinds import Status
from app.model.resources import read_toml, resource


class CodelistError(UserError, ValueError):
    """A codelist file that cannot be used; the message is Dutch and names the file."""


@dataclass(frozen=True)
class Code:
    key: str
    label: str
    active: bool = True
    route: str | None = None


@dataclass(frozen=True)
class Codelist:
    name: str
    title: str
    extendable: bool
    ordered: bool
    codes: dict[str, Code] = field(default_factory=dict)

    def __contains__(self, key: object) -> bool:
        return key in self.codes

    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes.values())

    def keys(self, *, active_only: bool = False) -> list[str]:
        return [c.key for c in self.codes.values() if c.active or not active_only]

    def label(self, key: str) -> str:
        code = self.codes.get(key)
        return code.label if code else key


#: The triage reasons that fit each triage decision. Taking a case on is explained by
#: what makes it the office's work; referring it or not taking it by why it is not.
#: "Overig" fits every decision, and so does a reason the office adds in its override
#: file (it is not listed here). Forms offer only the fitting reasons; a stored step
#: with another reason stays valid, so old and imported triages keep folding.
TRIAGE_REASONS: dict[str, tuple[str, ...]] = {
    Status.IN_BEHANDELING: ("vastgelopen_casus", "spoed_ingrijpende_gevolgen", "overig"),
    Status.DOORVERWEZEN: ("reguliere_route_niet_doorlopen", "loopt_elders", "buiten_taak",
                          "niet_vastgelopen", "capaciteit", "overig"),
    Status.NIET_IN_BEHANDELING: ("niet_vastgelopen", "buiten_taak", "loopt_elders",
                                 "reguliere_route_niet_doorlopen", "capaciteit", "overig"),
}


class Codelists:
    """All codelists, shipped plus the user's additions."""

    def __init__(self, lists: Mapping[str, Codelist]) -> None:
        self._lists = dict(lists)

    def __getitem__(self, name: str) -> Codelist:
        return self._lists[name]

    def __contains__(self, name: object) -> bool:
        return name in self._lists

    def names(self) -> list[str]:
        return list(self._lists)

    def keys(self, name: str, *, active_only: bool = False) -> list[str]:
        return self._lists[name].keys(active_only=active_only)

    def label(self, name: str, key: str) -> str:
        cl = self._lists.get(name)
        return cl.label(key) if cl else key

    def is_valid(self, name: str, key: str) -> bool:
        return key in self._lists[name]

    def partner_types_for_route(self, route: str) -> list[str]:
        return [c.key for c in self._lists["partner_type"] if c.route == route and c.active]

    def route_of_partner_type(self, partner_type: str) -> str | None:
        code = self._lists["partner_type"].codes.get(partner_type)
        return code.route if code else None

    def triage_reasons_for(self, decision: str | None) -> list[str]:
        """The active triage reasons that fit ``decision`` (every one without a decision)."""
        keys = self.keys("triage_reason", active_only=True)
        if decision not in TRIAGE_REASONS:
            return keys
        known = {k for fitting in TRIAGE_REASONS.values() for k in fitting}
        fitting = TRIAGE_REASONS[decision]
        return [k for k in keys if k in fitting or k not in known]

    def level_rank(self, level: str) -> int:
        keys = self.keys("escalation_level")
        return keys.index(level) if level in keys else -1


def _parse_item(list_name: str, key: str, raw: Any, source: Path) -> Code:
    if isinstance(raw, str):
        return Code(key=key, label=raw)
    if isinstance(raw, dict) and isinstance(raw.get("label", key), str):
        route = raw.get("route")
        return Code(
            key=key,
            label=str(raw.get("label", key)),
            active=bool(raw.get("active", True)),
            route=str(route) if route is not None else None,
        )
    raise CodelistError(f"{source}: onbekende vorm voor {list_name}.{key}")


def _read(path: Path, *, shipped: bool = False) -> dict[str, Any]:
    return read_toml(path, "codelijsten", "codelijstbestand", CodelistError, shipped=shipped)


def load_codelists(override: Path | None = None, base: Path | None = None) -> Codelists:
    """Read the shipped lists and merge the user's override file when it exists."""
    shipped = base is None
    base = base or resource("codelists.toml")
    data = _read(base, shipped=shipped)
    lists: dict[str, Codelist] = {}
    for name, spec in data.items():
        codes = {k: _parse_item(name, k, v, base) for k, v in spec.get("items", {}).items()}
        lists[name] = Codelist(
            name=name,
            title=str(spec.get("title", name)),
            extendable=bool(spec.get("extendable", False)),
            ordered=bool(spec.get("ordered", False)),
            codes=codes,
        )
    if override is not None and override.exists():
        extra = _read(override)
        for name, spec in extra.items():
            if name not in lists:
                raise CodelistError(f"{override}: onbekende codelijst '{name}'")
            target = lists[name]
            for key, raw in spec.get("items", {}).items():
                code = _parse_item(name, key, raw, override)
                if key not in target.codes and not target.extendable:
                    raise CodelistError(
                        f"{override}: de lijst '{target.title}' ligt vast en kan niet "
                        f"worden uitgebreid (nieuwe sleutel '{key}')"
                    )
                if name == "partner_type" and code.route is None:
                    old = target.codes.get(key)
                    code = Code(key, code.label, code.active, old.route if old else None)
                    if code.route is None:
                        raise CodelistError(
                            f"{override}: soort aandrager '{key}' heeft geen route"
                        )
                target.codes[key] = code
    return Codelists(lists)


@lru_cache(maxsize=1)
def default_codelists() -> Codelists:
    """The shipped lists; front doors pass the user's merged lists explicitly."""
    return load_codelists()
