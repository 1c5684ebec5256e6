"""The event record, its hash chain and the hybrid logical clock (docs/ARCHITECTURE.md).

These are pure so that the storage layer, bundle merges and ``verify`` all compute the
same hashes, and so that an interchange file can be turned into events in memory (for
tests and previews) exactly as the register would store them.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.model.events import canonical_json

ZERO_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class Event:
    id: str
    entity: str  # "case" or "signal"
    entity_id: str
    number: str | None
    kind: str
    occurred_on: date
    hlc: str
    actor: str
    device: str
    payload: dict[str, Any] = field(hash=False, compare=True)
    recorded_at: str = ""
    flag: str | None = None

    def meta(self) -> dict[str, Any]:
        """The metadata covered by the hash (docs/ARCHITECTURE.md, ``hash``)."""
        return {
            "id": self.id,
            "entity": self.entity,
            "entity_id": self.entity_id,
            "number": self.number,
            "kind": self.kind,
            "occurred_on": self.occurred_on.isoformat(),
            "hlc": self.hlc,
            "actor": self.actor,
            "device": self.device,
        }


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def payload_hash(payload: dict[str, Any]) -> str:
    return sha256_hex(canonical_json(payload))


def event_hash(prev_hash: str, meta: dict[str, Any], p_hash: str) -> str:
    """Chain over the payload's hash, not the payload, so erasure keeps the chain."""
    return sha256_hex(prev_hash + canonical_json(meta) + p_hash)


def new_id() -> str:
    return str(uuid.uuid4())


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def format_hlc(ms: int, counter: int, device: str) -> str:
    return f"{ms:013d}.{counter:05d}.{device}"


def parse_hlc(value: str) -> tuple[int, int, str]:
    ms, counter, device = value.split(".", 2)
    return int(ms), int(counter), device


class HybridClock:
    """Issues strictly increasing, totally ordered stamps across laptops.

    A device never issues a stamp lower than one it has stored or received, so plain
    string order of ``hlc`` is a deterministic order of every event in a merged
    register even when laptop clocks disagree.
    """

    def __init__(self, device: str, last: str | None = None) -> None:
        self.device = device
        self._ms = 0
        self._counter = 0
        if last:
            self.observe(last)

    def observe(self, stamp: str) -> None:
        ms, counter, _ = parse_hlc(stamp)
        if (ms, counter) > (self._ms, self._counter):
            self._ms, self._counter = ms, counter

    def next(self, wall_ms: int | None = None) -> str:
        wall = now_ms() if wall_ms is None else wall_ms
        if wall > self._ms:
            self._ms, self._counter = wall, 0
        else:
            self._counter += 1
            if self._counter > 99_999:
                self._ms, self._counter = self._ms + 1, 0
        return format_hlc(self._ms, self._counter, self.device)
