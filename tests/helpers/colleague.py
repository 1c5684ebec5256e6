"""A colleague's laptop, for tests that need a step recorded on another device.

Four eyes (docs/DOMAIN.md) wants a story approved on another device than the one it was
written on; a real colleague would record the approval in their own register and send
it back in a bundle. This helper makes that step on its own device chain (own UUID,
own hash chain, an hlc above everything the receiver holds) and merges it into the
receiving register through the same path a bundle takes (``exchange.merge``), without
writing a file.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from app.model.bundle import Bundle, build_manifest
from app.model.canonical import chain
from app.model.dates import utc_now_iso
from app.model.eventlog import ZERO_HASH, Event, HybridClock, new_id
from app.storage.exchange import merge
from app.storage.repository import Register


class Colleague:
    def __init__(self, name: str = "Collega Bakker", code: str = "COL") -> None:
        self.name = name
        self.code = code
        self.device = str(uuid.uuid4())
        self.head = ZERO_HASH
        self.count = 0
        self.sequence = 0
        self.clock = HybridClock(self.device)

    def record(self, reg: Register, number: str, kind: str, payload: dict[str, Any],
               on: date) -> None:
        """Record ``kind`` on the colleague's laptop and send it to ``reg``."""
        view = reg.case(number)
        for ev in view.events:
            self.clock.observe(ev.hlc)
        ev = Event(new_id(), "case", view.state.entity_id, None, kind, on, self.clock.next(),
                   self.name, self.device, payload, utc_now_iso())
        events = chain([ev], self.head)
        self.sequence += 1
        manifest = build_manifest(
            events, source_device=self.device, source_code=self.code, handler=self.name,
            sequence=self.sequence, codes={self.device: self.code},
            before={self.device: self.count}, handlers={self.device: self.name})
        merge(reg, Bundle(manifest, events), f"collega-{self.sequence}.bundel")
        self.head = events[-1].hash
        self.count += 1

    def approve(self, reg: Register, number: str, on: str, by: str | None = None,
                note: str | None = None) -> None:
        payload: dict[str, Any] = {"on": on, "by": by or self.name}
        if note:
            payload["note"] = note
        self.record(reg, number, "story_approved", payload, date.fromisoformat(on))
