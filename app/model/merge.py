"""Deciding whether a bundle may be merged, all or nothing (docs/ARCHITECTURE.md).

Before a single event reaches the register, the whole bundle is checked against
itself (the manifest against the events, every device's events one unbroken chain)
and against what the receiver holds: each device's new events must continue the
receiver's head for that device. A lost bundle shows as a gap, events rewritten after
they were sent show as a fork (the tamper evidence against someone who holds a
register's key), and a device code that already belongs to another device UUID is
refused. The result is a plan: the new events in insertion order and each device's
new head, which the register then inserts and re-folds.

Pure: the receiver's state comes in through ``Holdings`` (lookups the register
implements with SQL), so this runs the same in tests, the CLI and the GUI's worker.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from app.model.bundle import Bundle, InvalidBundle, Manifest, Tally, manifest_problems
from app.model.canonical import CanonicalEvent, number_code
from app.model.errors import UserError
from app.model.eventlog import ZERO_HASH
from app.model.kinds import ERASING_KINDS, FIRST_KINDS, Kind
from app.model.retention import field_value

#: ids -> stored hash, for those of the given ids the receiver holds.
KnownLookup = Callable[[Collection[str]], Mapping[str, str]]
#: (device, hash) -> id of the receiver's event on that device whose prev_hash it is.
SuccessorLookup = Callable[[str, str], "str | None"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class DeviceHead:
    """What the receiver holds of one device's chain (or will, after a merge)."""

    code: str | None
    head_hash: str
    count: int
    head_hlc: str | None = None


@dataclass(frozen=True)
class Holdings:
    """The receiver's side: per device its head, and two lookups into its events.

    ``known`` is called once with every event id the check needs and answers the
    stored hash of those it holds. ``successor`` is asked only to name the
    receiver's side of a fork.
    """

    devices: Mapping[str, DeviceHead]
    known: KnownLookup
    successor: SuccessorLookup


class MergeRefused(UserError):
    """The bundle is whole but does not fit this register; nothing was taken."""


class ChainGap(MergeRefused):
    """A bundle in between was lost: the new events do not continue what is held."""

    def __init__(self, device: str, code: str, have: int, starts_after: int) -> None:
        self.device, self.code, self.have, self.starts_after = (
            device, code, have, starts_after)
        super().__init__(
            f"Van apparaat {code} ({device}) ontbreken stappen: deze bundel gaat verder "
            f"na stap {starts_after} van dat apparaat, dit register heeft er {have}. "
            "Er is een bundel zoekgeraakt; vraag om een volledige bundel (--all), in het "
            "programma: Beheer -> Uitwisselen, Alles (volledige bundel).")


class ChainFork(MergeRefused):
    """Events of a device were rewritten after they were sent (or a backup came back)."""

    def __init__(self, device: str, code: str, event_id: str, held_id: str | None) -> None:
        self.device, self.code, self.event_id, self.held_id = device, code, event_id, held_id
        held = (f"; in dit register staat op die plaats stap {held_id}"
                if held_id and held_id != event_id else "")
        super().__init__(
            f"De keten van apparaat {code} ({device}) wijkt af van wat dit register al "
            f"heeft: de eerste afwijkende stap is {event_id}{held}. Stappen zijn na "
            "verzending herschreven; de bundel is geweigerd.")


class DeviceConflict(MergeRefused):
    """One device code, two device UUIDs (or one UUID known under another code)."""


@dataclass(frozen=True)
class MergePlan:
    """What merging a bundle adds: new events in insertion order, new device heads."""

    manifest: Manifest
    new_events: list[CanonicalEvent]
    known: int
    heads: dict[str, DeviceHead]
    personal: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @property
    def new_by_device(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for ev in self.new_events:
            out[ev.device] = out.get(ev.device, 0) + 1
        return out

    @property
    def touched(self) -> dict[str, str]:
        """entity_id -> entity of every case and signal that gains an event."""
        return {ev.entity_id: ev.entity for ev in self.new_events}


# ---------------------------------------------------------------------------
# The bundle on its own


def check_bundle(bundle: Bundle) -> dict[str, list[CanonicalEvent]]:
    """Check the bundle against itself; return each device's events in chain order.

    Raises ``InvalidBundle`` (the manifest disagrees with the events, a device's
    events are not one chain, a number was issued under another code) or
    ``DeviceConflict`` (two UUIDs under one code).
    """
    m = bundle.manifest
    problems = manifest_problems(m, Tally().extend(bundle.events), len(bundle.personal))
    if problems:
        raise InvalidBundle("; ".join(problems[:3]))
    _check_codes(m)
    by_id: dict[str, CanonicalEvent] = {}
    chains: dict[str, list[CanonicalEvent]] = {}
    for ev in bundle.events:
        if ev.id in by_id:
            raise InvalidBundle(f"stap {ev.id} staat er twee keer in")
        by_id[ev.id] = ev
        chains.setdefault(ev.device, []).append(ev)
    for device, evs in chains.items():
        evs.sort(key=lambda e: e.hlc)
        _check_chain(device, evs)
    _check_entities(bundle, m)
    _check_erasures(bundle.events, by_id)
    return chains


def _check_codes(m: Manifest) -> None:
    by_code: dict[str, str] = {m.source_code: m.source_device}
    for span in m.devices:
        other = by_code.setdefault(span.code, span.device)
        if other != span.device:
            raise DeviceConflict(
                f"De bundel noemt twee apparaten met de code {span.code} ({other} en "
                f"{span.device}); een apparaatcode hoort bij één apparaat. De bundel is "
                "geweigerd.")
    src = m.span(m.source_device)
    if src is not None and src.code != m.source_code:
        raise InvalidBundle("de afzender staat onder een andere code in de inhoudsopgave")


def _check_chain(device: str, evs: list[CanonicalEvent]) -> None:
    for before, ev in itertools.pairwise(evs):
        if ev.hlc == before.hlc:
            raise InvalidBundle(f"twee stappen van apparaat {device} hebben dezelfde klok")
        if ev.prev_hash != before.hash:
            raise InvalidBundle(f"de keten van apparaat {device} is onderbroken bij stap "
                                f"{ev.id}")


def _check_entities(bundle: Bundle, m: Manifest) -> None:
    codes = {span.device: span.code for span in m.devices}
    entity_of: dict[str, str] = {}
    first_of: dict[str, CanonicalEvent] = {}
    for ev in bundle.events:
        if entity_of.setdefault(ev.entity_id, ev.entity) != ev.entity:
            raise InvalidBundle(f"{ev.entity_id} is zowel casus als signaal")
        if ev.kind in FIRST_KINDS:
            if ev.entity_id in first_of:
                raise InvalidBundle(f"{ev.entity_id} is twee keer aangemaakt")
            first_of[ev.entity_id] = ev
            if number_code(ev.number) != codes[ev.device]:
                raise InvalidBundle(f"nummer {ev.number} is niet uitgegeven door apparaat "
                                    f"{codes[ev.device]}, dat de stap vastlegde")
    handed = {ev.number: ev.entity_id for ev in first_of.values() if ev.entity == "case"}
    for number in m.handover:
        if number not in handed:
            raise InvalidBundle(f"de overgedragen casus {number} zit niet in de bundel")
    allowed = {handed[n] for n in m.handover}
    for entity_id in bundle.personal:
        if entity_id not in allowed:
            raise InvalidBundle("de bundel draagt persoonsgegevens van een casus die niet "
                                "wordt overgedragen")


def _check_erasures(events: Iterable[CanonicalEvent],
                    by_id: Mapping[str, CanonicalEvent]) -> None:
    """An erased payload must fit the erasing event when the bundle carries that too."""
    for ev in events:
        eraser = by_id.get(ev.erased_by) if ev.erased_by else None
        if eraser is None:
            continue
        where = f"stap {ev.id} is gewist door {eraser.id}"
        if eraser.kind not in ERASING_KINDS or eraser.entity_id != ev.entity_id:
            raise InvalidBundle(f"{where}, maar die wist niets van deze casus")
        if (ev.payload is None) != (eraser.kind == Kind.CASE_DESTROYED):
            raise InvalidBundle(f"{where}, maar de inhoud past daar niet bij")
        body = eraser.payload
        if eraser.kind == Kind.TEXT_ERASED and ev.payload is not None and body is not None:
            fields = body.get("fields")
            if body.get("target") != ev.id or not isinstance(fields, list) or any(
                    field_value(ev.payload, str(f)) is not None for f in fields):
                raise InvalidBundle(f"{where}, maar de gewiste velden kloppen niet")


# ---------------------------------------------------------------------------
# The bundle against the receiver


def _check_devices(m: Manifest, holdings: Holdings) -> None:
    held_codes = {h.code: d for d, h in holdings.devices.items() if h.code}
    pairs = [(m.source_device, m.source_code)] + [(s.device, s.code) for s in m.devices]
    for device, code in pairs:
        other = held_codes.get(code)
        if other is not None and other != device:
            raise DeviceConflict(
                f"Apparaatcode {code} hoort in dit register bij apparaat {other}, maar de "
                f"bundel noemt apparaat {device} zo. Twee laptops hebben dezelfde code; "
                "de bundel is geweigerd.")
        head = holdings.devices.get(device)
        if head is not None and head.code and head.code != code:
            raise DeviceConflict(
                f"Apparaat {device} heet in dit register {head.code}, in de bundel {code}. "
                "De bundel is geweigerd.")


def _new_of_device(device: str, chain: list[CanonicalEvent], m: Manifest,
                   holdings: Holdings, stored: Mapping[str, str]
                   ) -> tuple[list[CanonicalEvent], DeviceHead | None]:
    span = m.span(device)
    assert span is not None  # check_bundle matched the manifest to the events
    known = 0
    for ev in chain:
        held = stored.get(ev.id)
        if held is None:
            break
        if held != ev.hash:
            raise ChainFork(device, span.code, ev.id, ev.id)
        known += 1
    rest = chain[known:]
    if not rest:
        return [], None
    first = rest[0]
    if any(ev.id in stored for ev in rest):
        raise ChainFork(device, span.code, first.id,
                        holdings.successor(device, first.prev_hash))
    head = holdings.devices.get(device)
    have = head.count if head else 0
    if first.prev_hash != (head.head_hash if head else ZERO_HASH):
        other = holdings.successor(device, first.prev_hash)
        if other is not None:
            raise ChainFork(device, span.code, first.id, other)
        raise ChainGap(device, span.code, have, span.before + known)
    if span.before + known != have:
        raise InvalidBundle(f"de plaats in de keten van apparaat {span.code} klopt niet met "
                            "de inhoudsopgave")
    if head is not None and head.head_hlc is not None and first.hlc <= head.head_hlc:
        raise InvalidBundle(f"de klok van apparaat {span.code} loopt terug")
    last = rest[-1]
    return rest, DeviceHead(span.code, last.hash, have + len(rest), last.hlc)


def plan_merge(bundle: Bundle, holdings: Holdings) -> MergePlan:
    """Decide, all or nothing, what ``bundle`` adds to the receiver's register.

    Raises ``InvalidBundle``, ``DeviceConflict``, ``ChainGap`` or ``ChainFork`` (each a
    ``UserError`` with its Dutch reason) and otherwise returns the plan. Inserting
    the plan's events in order, with each device's head moved as the plan says,
    leaves the receiver holding the union.
    """
    m = bundle.manifest
    chains = check_bundle(bundle)
    _check_devices(m, holdings)
    ids = [ev.id for ev in bundle.events]
    in_bundle = set(ids)
    erasers = {ev.erased_by for ev in bundle.events
               if ev.erased_by and ev.erased_by not in in_bundle}
    stored = holdings.known([*ids, *sorted(erasers)])
    new: list[CanonicalEvent] = []
    heads: dict[str, DeviceHead] = {}
    for device in sorted(chains):
        rest, head = _new_of_device(device, chains[device], m, holdings, stored)
        new.extend(rest)
        if head is not None:
            heads[device] = head
    for ev in new:
        if ev.erased_by and ev.erased_by not in in_bundle and ev.erased_by not in stored:
            raise MergeRefused(
                f"Stap {ev.id} is gewist door stap {ev.erased_by}, die in de bundel noch "
                "in dit register staat. Vraag om een volledige bundel (--all).")
    new.sort(key=lambda e: e.hlc)
    return MergePlan(m, new, len(bundle.events) - len(new), heads, bundle.personal)


def sort_bundles(items: Iterable[T], manifest_of: Callable[[T], Manifest]) -> list[T]:
    """Order bundle files by source device, then by that device's bundle sequence."""
    def key(item: T) -> tuple[str, str, int]:
        m = manifest_of(item)
        return m.source_code, m.source_device, m.sequence

    return sorted(items, key=key)

