"""What an exchange bundle carries, apart from its encryption (docs/ARCHITECTURE.md).

A bundle is a manifest, the events in their canonical form and, for a handover only,
the P2 data of the handed-over cases. The manifest lets the receiver check the
bundle against what it already holds before it reads a single event into its
register: who sent it (device UUID and code, handler, the sender's bundle sequence),
the range of hlc, counts, and per device whose events it carries where in that
device's chain the carried events sit (the hash before the first, the last hash).

This module is pure: the file format is ``app.storage.bundle_file``, the decision to
merge is ``app.model.merge``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from app.model.canonical import (
    CanonicalEvent,
    is_hash,
    is_hlc,
    is_recorded_at,
    is_uuid,
)
from app.model.dates import utc_now_iso
from app.model.device import valid_device_code
from app.model.errors import UserError
from app.model.eventlog import ZERO_HASH
from app.model.interchange import PERSONAL_KEYS

MAX_HANDLER = 300
MAX_PERSONAL_VALUE = 2000


class InvalidBundle(UserError):
    """The bundle opened (its passphrase and tags are right) but its content is wrong.

    Only a faulty or hostile sender writes such a file; nothing of it is taken.
    """

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(f"De bundel is ongeldig: {detail}. Er is niets ingelezen.")


@dataclass(frozen=True, slots=True)
class DeviceSpan:
    """The stretch of one device's hash chain that a bundle carries.

    ``before`` events of the device precede the first carried one, whose
    ``prev_hash`` is the hash before it (64 zeros when ``before`` is 0); ``last_hash``
    is the hash of the last carried event.
    """

    device: str
    code: str
    handler: str
    before: int
    prev_hash: str
    last_hash: str
    events: int

    def to_json(self) -> dict[str, Any]:
        return {"device": self.device, "code": self.code, "handler": self.handler,
                "before": self.before, "prev_hash": self.prev_hash,
                "last_hash": self.last_hash, "events": self.events}


@dataclass(frozen=True, slots=True)
class Manifest:
    """Who sent a bundle and what it carries (docs/ARCHITECTURE.md, the manifest)."""

    source_device: str
    source_code: str
    handler: str
    sequence: int
    created_at: str
    complete: bool
    handover: tuple[str, ...]
    first_hlc: str | None
    last_hlc: str | None
    events: int
    personal: int
    devices: tuple[DeviceSpan, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "source": {"device": self.source_device, "code": self.source_code,
                       "handler": self.handler},
            "sequence": self.sequence,
            "created_at": self.created_at,
            "complete": self.complete,
            "handover": list(self.handover),
            "hlc": None if self.first_hlc is None else {"first": self.first_hlc,
                                                       "last": self.last_hlc},
            "counts": {"events": self.events, "personal": self.personal},
            "devices": [d.to_json() for d in self.devices],
        }

    def span(self, device: str) -> DeviceSpan | None:
        return next((d for d in self.devices if d.device == device), None)


@dataclass(frozen=True)
class Bundle:
    """A bundle as read: the manifest, its events in file order and handover P2 data."""

    manifest: Manifest
    events: Sequence[CanonicalEvent]
    personal: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Building a manifest (sender side) and tallying events (both sides)


@dataclass
class _Stretch:
    first_hlc: str
    prev_hash: str
    last_hlc: str
    last_hash: str
    events: int = 1


class Tally:
    """Per device: how many events, the prev hash of the earliest and the last hash.

    Order-independent (earliest and last by hlc, which is chain order within a
    device), so the writer can tally events streamed in any order and compare the
    result with the manifest it wrote first.
    """

    def __init__(self) -> None:
        self._devices: dict[str, _Stretch] = {}
        self.events = 0
        self.first_hlc: str | None = None
        self.last_hlc: str | None = None

    def add(self, ev: CanonicalEvent) -> None:
        self.events += 1
        if self.first_hlc is None or ev.hlc < self.first_hlc:
            self.first_hlc = ev.hlc
        if self.last_hlc is None or ev.hlc > self.last_hlc:
            self.last_hlc = ev.hlc
        st = self._devices.get(ev.device)
        if st is None:
            self._devices[ev.device] = _Stretch(ev.hlc, ev.prev_hash, ev.hlc, ev.hash)
            return
        st.events += 1
        if ev.hlc < st.first_hlc:
            st.first_hlc, st.prev_hash = ev.hlc, ev.prev_hash
        if ev.hlc > st.last_hlc:
            st.last_hlc, st.last_hash = ev.hlc, ev.hash

    def extend(self, events: Iterable[CanonicalEvent]) -> Tally:
        for ev in events:
            self.add(ev)
        return self

    def devices(self) -> dict[str, tuple[str, str, int]]:
        """device -> (prev hash before its earliest event, its last hash, count)."""
        return {d: (s.prev_hash, s.last_hash, s.events) for d, s in self._devices.items()}


def build_manifest(
    events: Sequence[CanonicalEvent],
    *,
    source_device: str,
    source_code: str,
    handler: str,
    sequence: int,
    codes: Mapping[str, str],
    before: Mapping[str, int],
    handlers: Mapping[str, str] | None = None,
    complete: bool = False,
    handover: Sequence[str] = (),
    personal: int = 0,
    created_at: str | None = None,
) -> Manifest:
    """The manifest of ``events`` as the sender holds them.

    ``codes`` and ``handlers`` give each device's code and handler as the sender
    knows them; ``before`` how many of each device's events precede the first one
    carried (the device's chain position; 0 for a complete bundle).
    """
    tally = Tally().extend(events)
    spans = tuple(
        DeviceSpan(device, codes[device], (handlers or {}).get(device, ""),
                   before.get(device, 0), prev, last, count)
        for device, (prev, last, count) in sorted(tally.devices().items())
    )
    return Manifest(source_device, source_code, handler, sequence,
                    created_at or utc_now_iso(), complete, tuple(handover),
                    tally.first_hlc, tally.last_hlc, tally.events, personal, spans)


def manifest_problems(manifest: Manifest, tally: Tally, personal: int) -> list[str]:
    """Where the manifest disagrees with the events and P2 rows actually carried."""
    problems: list[str] = []
    if manifest.events != tally.events:
        problems.append(f"de inhoudsopgave noemt {manifest.events} stappen, de bundel "
                        f"bevat er {tally.events}")
    if manifest.personal != personal:
        problems.append("het aantal persoonsgegevens klopt niet met de inhoudsopgave")
    if (manifest.first_hlc, manifest.last_hlc) != (tally.first_hlc, tally.last_hlc):
        problems.append("het bereik van de klok (hlc) klopt niet met de stappen")
    carried = tally.devices()
    listed = {d.device: d for d in manifest.devices}
    for device in sorted(carried.keys() | listed.keys()):
        span, got = listed.get(device), carried.get(device)
        if span is None or got is None:
            problems.append(f"apparaat {device} staat niet in zowel de inhoudsopgave als "
                            "de stappen")
        elif (span.prev_hash, span.last_hash, span.events) != got:
            problems.append(f"de keten van apparaat {span.code} ({device}) klopt niet "
                            "met de inhoudsopgave")
    return problems


# ---------------------------------------------------------------------------
# Reading a manifest and P2 rows (receiver side): structure only, never trust


def _exact_keys(data: Any, keys: set[str], where: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise InvalidBundle(f"{where} is geen object")
    if data.keys() != keys:
        missing = sorted(keys - data.keys())
        extra = sorted(str(k)[:40] for k in data.keys() - keys)
        raise InvalidBundle(f"{where}: ontbrekende velden {missing}, onbekende velden {extra}")
    return data


def _count(value: Any, where: str) -> int:
    if type(value) is not int or value < 0:
        raise InvalidBundle(f"{where} is geen aantal")
    return value


def _name(value: Any, where: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_HANDLER or any(
            ord(ch) < 32 or 0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        raise InvalidBundle(f"{where} is geen naam")
    return value


def _span(data: Any, index: int) -> DeviceSpan:
    where = f"apparaat {index + 1} in de inhoudsopgave"
    d = _exact_keys(data, {"device", "code", "handler", "before", "prev_hash",
                           "last_hash", "events"}, where)
    if not is_uuid(d["device"]):
        raise InvalidBundle(f"{where}: geen apparaat-UUID")
    if not isinstance(d["code"], str) or not valid_device_code(d["code"]):
        raise InvalidBundle(f"{where}: geen apparaatcode")
    if not is_hash(d["prev_hash"]) or not is_hash(d["last_hash"]):
        raise InvalidBundle(f"{where}: geen hash")
    before, events = _count(d["before"], where), _count(d["events"], where)
    if events == 0:
        raise InvalidBundle(f"{where}: zonder stappen")
    if (before == 0) != (d["prev_hash"] == ZERO_HASH):
        raise InvalidBundle(f"{where}: de hash voor de eerste stap past niet bij de "
                            "plaats in de keten")
    return DeviceSpan(d["device"], d["code"], _name(d["handler"], where), before,
                      d["prev_hash"], d["last_hash"], events)


def parse_manifest(data: Any) -> Manifest:
    """Check a manifest's structure and internal consistency; raise ``InvalidBundle``."""
    d = _exact_keys(data, {"source", "sequence", "created_at", "complete", "handover",
                           "hlc", "counts", "devices"}, "de inhoudsopgave")
    src = _exact_keys(d["source"], {"device", "code", "handler"}, "de afzender")
    if not is_uuid(src["device"]):
        raise InvalidBundle("de afzender heeft geen apparaat-UUID")
    if not isinstance(src["code"], str) or not valid_device_code(src["code"]):
        raise InvalidBundle("de afzender heeft geen geldige apparaatcode")
    sequence = _count(d["sequence"], "het volgnummer van de bundel")
    if sequence < 1:
        raise InvalidBundle("het volgnummer van de bundel is geen positief getal")
    if not is_recorded_at(d["created_at"]):
        raise InvalidBundle("de aanmaaktijd is geen UTC-tijdstip")
    if not isinstance(d["complete"], bool):
        raise InvalidBundle("'complete' is geen ja/nee")
    handover = d["handover"]
    if not isinstance(handover, list) or not all(isinstance(n, str) for n in handover):
        raise InvalidBundle("de overdracht is geen lijst van casusnummers")
    if len(set(handover)) != len(handover) or (handover and not d["complete"]):
        raise InvalidBundle("een overdracht is een volledige bundel met elk nummer eenmaal")
    counts = _exact_keys(d["counts"], {"events", "personal"}, "de tellingen")
    events, personal = _count(counts["events"], "het aantal stappen"), _count(
        counts["personal"], "het aantal persoonsgegevens")
    if personal and not handover:
        raise InvalidBundle("alleen een overdracht draagt persoonsgegevens")
    hlc = d["hlc"]
    first: str | None = None
    last: str | None = None
    if hlc is not None:
        hlc = _exact_keys(hlc, {"first", "last"}, "het klokbereik")
        first, last = hlc["first"], hlc["last"]
        if not is_hlc(first) or not is_hlc(last) or first > last:
            raise InvalidBundle("het klokbereik (hlc) is ongeldig")
    if (hlc is None) != (events == 0):
        raise InvalidBundle("het klokbereik (hlc) past niet bij het aantal stappen")
    if not isinstance(d["devices"], list):
        raise InvalidBundle("de apparaten zijn geen lijst")
    spans = tuple(_span(s, i) for i, s in enumerate(d["devices"]))
    devices = [s.device for s in spans]
    if devices != sorted(set(devices)):
        raise InvalidBundle("de apparaten staan niet eenmaal en op volgorde in de "
                            "inhoudsopgave")
    if sum(s.events for s in spans) != events:
        raise InvalidBundle("de stappen per apparaat tellen niet op tot het totaal")
    return Manifest(src["device"], src["code"], _name(src["handler"], "de afzender"),
                    sequence, d["created_at"], d["complete"], tuple(handover), first, last,
                    events, personal, spans)


def personal_to_json(entity_id: str, data: Mapping[str, str]) -> dict[str, Any]:
    return {"entity_id": entity_id, "data": dict(data)}


def parse_personal(data: Any) -> tuple[str, dict[str, str]]:
    """One handed-over case's P2 data: ``(entity_id, {key: value})``, keys known."""
    d = _exact_keys(data, {"entity_id", "data"}, "persoonsgegevens")
    if not is_uuid(d["entity_id"]):
        raise InvalidBundle("persoonsgegevens zonder casus-id")
    values = d["data"]
    if not isinstance(values, dict) or not values:
        raise InvalidBundle("persoonsgegevens zonder gegevens")
    for key, value in values.items():
        if key not in PERSONAL_KEYS:
            raise InvalidBundle(f"onbekend persoonsgegeven '{str(key)[:40]}'")
        if not isinstance(value, str) or len(value) > MAX_PERSONAL_VALUE:
            raise InvalidBundle(f"persoonsgegeven '{key}' is geen tekst")
    return d["entity_id"], dict(values)
