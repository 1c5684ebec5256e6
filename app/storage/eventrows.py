"""How an event is stored: compact columns, decoded back to the canonical form.

The hashes cover the canonical text form (docs/ARCHITECTURE.md): lowercase hyphenated
UUIDs, lowercase hex hashes and the hlc text ``{ms:013d}.{counter:05d}.{device}``.
Storing that text costs 566 bytes a row; here UUIDs are 16-byte BLOBs, hashes 32-byte
BLOBs, the hlc one integer (``ms * 100000 + counter``) and the device a number in the
``devices`` table. Decoding gives back exactly the canonical text, so a change of
storage never changes a hash, a bundle or an interchange file, and ordering by
``(hlc, device uuid)`` is the same as ordering by the hlc text on every laptop.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.model.eventlog import Event

HLC_SPAN = 100_000  # the counter part of the hlc has five digits
ENTITY_CODES = {"case": 0, "signal": 1}
ENTITY_NAMES = ("case", "signal")
ZERO_HASH_BYTES = bytes(32)

#: The event id as canonical text, and the clock part of the hlc, formatted by SQLite:
#: in C this costs a fraction of doing it per row in Python (a whole register's read
#: is what the figures and the workbook wait for).
_ID_TEXT = ("lower(substr(hex(e.id), 1, 8) || '-' || substr(hex(e.id), 9, 4) || '-' || "
            "substr(hex(e.id), 13, 4) || '-' || substr(hex(e.id), 17, 4) || '-' || "
            "substr(hex(e.id), 21))")
_CLOCK_TEXT = f"printf('%013d.%05d.', e.hlc / {HLC_SPAN}, e.hlc % {HLC_SPAN})"

#: Columns read to build an Event: the id as text, the hlc without its device part.
SELECT = (f"{_ID_TEXT}, e.entity, e.entity_id, e.number, e.kind, e.occurred_on, "
          f"{_CLOCK_TEXT}, e.device, e.actor, e.payload_json, e.recorded_at, e.flag")
FROM = "events e"

INSERT = ("INSERT INTO events (id, entity, entity_id, number, kind, occurred_on, "
          "recorded_at, hlc, device, actor, payload_json, payload_hash, prev_hash, hash, "
          "flag, erased_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


def uuid_bytes(text: str) -> bytes:
    """Canonical UUID text -> 16 bytes; refuses anything that is not canonical."""
    if len(text) != 36 or text[8] != "-" or text[13] != "-" or text[18] != "-" \
            or text[23] != "-" or text != text.lower():
        raise ValueError(f"not a canonical uuid: {text!r}")
    return bytes.fromhex(text.replace("-", ""))


def uuid_text(data: bytes) -> str:
    h = data.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def hlc_int(text: str) -> int:
    """The clock part of an hlc as one integer (its device part is stored apart)."""
    ms, counter, _device = text.split(".", 2)
    if len(ms) != 13 or len(counter) != 5 or not (ms + counter).isdigit():
        raise ValueError(f"not a canonical hlc: {text!r}")
    return int(ms) * HLC_SPAN + int(counter)


def hlc_text(value: int, device: str) -> str:
    ms, counter = divmod(value, HLC_SPAN)
    return f"{ms:013d}.{counter:05d}.{device}"


@dataclass(frozen=True)
class StoredHashes:
    payload_hash: str
    prev_hash: str
    hash: str
    erased_by: str | None = None


def event_row(ev: Event, device_num: int, payload_json: str | None, hashes: StoredHashes
              ) -> tuple[Any, ...]:
    """The INSERT parameters of one event."""
    return (uuid_bytes(ev.id), ENTITY_CODES[ev.entity], uuid_bytes(ev.entity_id), ev.number,
            ev.kind, ev.occurred_on.isoformat(), ev.recorded_at, hlc_int(ev.hlc), device_num,
            ev.actor, payload_json, bytes.fromhex(hashes.payload_hash),
            bytes.fromhex(hashes.prev_hash), bytes.fromhex(hashes.hash), ev.flag,
            uuid_bytes(hashes.erased_by) if hashes.erased_by else None)


class Decoder:
    """Turns rows of ``SELECT`` into Events, sharing the values that repeat.

    A case's id, actor, kind and device repeat in each of its events and dates repeat
    across the register: sharing them keeps a 100,000-case read small, and decoding a
    repeated UUID once is most of the cost of decoding it at all.
    """

    def __init__(self, devices: Mapping[int, str]) -> None:
        self._devices = dict(devices)
        self._uuids: dict[bytes, str] = {}
        self._strings: dict[str, str] = {}
        self._dates: dict[str, date] = {}

    def entity_uuid(self, data: bytes) -> str:
        text = self._uuids.get(data)
        if text is None:
            if len(self._uuids) > 50_000:
                self._uuids.clear()  # entity ids repeat within a case, not across cases
            text = self._uuids[data] = uuid_text(data)
        return text

    def day(self, text: str) -> date:
        on = self._dates.get(text)
        if on is None:
            on = self._dates[text] = date.fromisoformat(text)
        return on

    def share(self, text: str) -> str:
        return self._strings.setdefault(text, text)

    def device(self, num: int) -> str:
        return self._devices[num]

    def events(self, rows: Sequence[Sequence[Any]]) -> list[Event]:
        """Many rows at once: one JSON parse of all payloads is twice as fast."""
        payloads = json.loads("[" + ",".join(r[9] or "{}" for r in rows) + "]")
        return [self.event(r, p) for r, p in zip(rows, payloads, strict=True)]

    def event(self, r: Sequence[Any], payload: dict[str, Any] | None = None) -> Event:
        if payload is None:
            payload = json.loads(r[9]) if r[9] else {}
        device = self._devices[r[7]]
        return Event(r[0], ENTITY_NAMES[r[1]], self.entity_uuid(r[2]), r[3],
                     self.share(r[4]), self.day(r[5]), r[6] + device,
                     self.share(r[8]), device, payload, r[10], r[11])

    def stream(self, cursor: Any, chunk: int = 4096) -> Iterator[Event]:
        while rows := cursor.fetchmany(chunk):
            yield from self.events(rows)


def device_map(rows: Iterable[Sequence[Any]]) -> dict[int, str]:
    """``SELECT num, uuid FROM devices`` -> number to canonical UUID text."""
    return {int(num): uuid_text(uuid) for num, uuid in rows}
