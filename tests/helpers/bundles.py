"""Builders for bundle tests: device chains, bundles cut from them, a receiver in memory.

``Receiver`` keeps events the way a register must for merging (per device an
unbroken chain, ids to hashes) and answers ``Holdings`` from that, so a merge plan is
applied exactly as the register will apply it: insert the new events, move the heads.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date

from app.model.bundle import Bundle, build_manifest
from app.model.canonical import CanonicalEvent, chain
from app.model.eventlog import ZERO_HASH, Event, HybridClock, event_hash, new_id
from app.model.merge import DeviceHead, Holdings, MergePlan

START_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z
PASSPHRASE = "team-uitwisseling-2025"

DEVICES: dict[str, str] = {
    "ZWL": "aaaaaaaa-0000-4000-8000-000000000001",
    "UTR": "bbbbbbbb-0000-4000-8000-000000000002",
    "APD": "cccccccc-0000-4000-8000-000000000003",
    "TL": "dddddddd-0000-4000-8000-000000000004",
}


def device_events(code: str, cases: int, steps: int, *, start_ms: int = START_MS,
                  actor: str = "Anna", summary: str = "Aanslag vastgelopen na bezwaar.",
                  device: str | None = None) -> list[Event]:
    """``cases`` registered cases of one device with ``steps`` notes each, in hlc order."""
    device = device or DEVICES[code]
    clock = HybridClock(device)
    ms = start_ms
    out: list[Event] = []
    for n in range(1, cases + 1):
        entity_id = new_id()
        for j in range(steps + 1):
            ms += 1000
            if j == 0:
                kind, number = "registered", f"2025-{code}-{n:04d}"
                body = {"received_on": "2025-03-03", "route": "maatschappelijke_partner",
                        "partner_type": "sociaal_raadslieden", "services": ["belastingdienst"],
                        "topics": ["inkomstenbelasting"], "target_group": "burger",
                        "summary": summary}
            else:
                kind, number = "note", None
                body = {"on": "2025-03-10", "text": f"Stap {j} van casus {n}."}
            on = date(2025, 3, 3) if j == 0 else date(2025, 3, 10)
            out.append(Event(new_id(), "case", entity_id, number, kind, on,
                             clock.next(wall_ms=ms), actor, device, body,
                             "2025-03-10T09:00:00Z"))
    out.sort(key=lambda e: e.hlc)
    return out


def rehash(events: Sequence[CanonicalEvent], prev_hash: str) -> list[CanonicalEvent]:
    """Recompute a device's chain from ``prev_hash`` (as someone rewriting it would)."""
    out: list[CanonicalEvent] = []
    for ev in events:
        ev = ev._replace(prev_hash=prev_hash)
        ev = ev._replace(hash=event_hash(prev_hash, ev.meta(), ev.payload_hash))
        out.append(ev)
        prev_hash = ev.hash
    return out


def make_bundle(parts: Mapping[str, tuple[int, Sequence[CanonicalEvent]]], *,
                source: str, sequence: int = 1, complete: bool = False,
                handover: Sequence[str] = (),
                personal: Mapping[str, Mapping[str, str]] | None = None) -> Bundle:
    """A bundle carrying, per device code, ``(before, events)``: a stretch of its chain."""
    events = [ev for _, evs in parts.values() for ev in evs]
    codes = {DEVICES[code]: code for code in parts} | {DEVICES[source]: source}
    before = {DEVICES[code]: b for code, (b, _) in parts.items()}
    manifest = build_manifest(
        events, source_device=DEVICES[source], source_code=source, handler="Anna",
        sequence=sequence, codes=codes, before=before, complete=complete,
        handover=handover, personal=len(personal or {}), created_at="2025-03-10T10:00:00Z")
    return Bundle(manifest, events, dict(personal or {}))


class Receiver:
    """A register's events in memory, as far as merging needs them."""

    def __init__(self, own: str | None = None) -> None:
        self.events: dict[str, CanonicalEvent] = {}
        self.chains: dict[str, list[CanonicalEvent]] = {}
        self.codes: dict[str, str] = {}
        self.order: list[str] = []  # insertion order of ids
        self.known_calls = 0
        if own is not None:
            self.codes[DEVICES[own]] = own

    def holdings(self) -> Holdings:
        devices = {}
        for device, code in self.codes.items():
            evs = self.chains.get(device, [])
            devices[device] = DeviceHead(code, evs[-1].hash if evs else ZERO_HASH,
                                         len(evs), evs[-1].hlc if evs else None)
        return Holdings(devices, self._known, self._successor)

    def _known(self, ids: Collection[str]) -> dict[str, str]:
        self.known_calls += 1
        return {i: self.events[i].hash for i in ids if i in self.events}

    def _successor(self, device: str, prev_hash: str) -> str | None:
        return next((e.id for e in self.chains.get(device, []) if e.prev_hash == prev_hash),
                    None)

    def apply(self, plan: MergePlan) -> None:
        for ev in plan.new_events:
            assert ev.id not in self.events
            chain_ = self.chains.setdefault(ev.device, [])
            assert ev.prev_hash == (chain_[-1].hash if chain_ else ZERO_HASH)
            chain_.append(ev)
            self.events[ev.id] = ev
            self.order.append(ev.id)
        for device, head in plan.heads.items():
            assert head.head_hash == self.chains[device][-1].hash
            assert head.count == len(self.chains[device])
            assert head.code is not None
            self.codes[device] = head.code

    def held(self, code: str) -> list[CanonicalEvent]:
        return list(self.chains.get(DEVICES[code], []))


def canonical_chain(code: str, cases: int = 2, steps: int = 2) -> list[CanonicalEvent]:
    return chain(device_events(code, cases, steps))
