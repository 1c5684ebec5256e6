"""Erasures that travel (docs/DOMAIN.md): whatever arrives, a destroyed case stays destroyed.

Exchange bundles are merged by a later issue; what the merge must do with erasures is
here: insert the events as they come (``store_like_a_merge`` below does what the merge
will: rows, device heads, one transaction), then call ``apply_erasures`` for the
touched cases. Tested both ways round: the destruction arriving at a register that
still holds the case, and steps arriving at a register where it is already destroyed.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.model.canonical import CanonicalEvent, chain
from app.model.eventlog import Event, HybridClock, new_id, now_ms
from app.model.events import canonical_json
from app.model.fold import fold_case
from app.storage import eventrows
from app.storage.eventrows import StoredHashes, event_row, hlc_int, uuid_bytes
from app.storage.figures import figures
from app.storage.repository import Register
from app.storage.retention import apply_erasure, apply_erasures, destroy
from app.storage.verify import verify
from tests.helpers.pages import pages_holding
from tests.helpers.registers import make_register, registration, triage

OTHER = "bbbbbbbb-0000-4000-8000-000000000002"  # another laptop (UTR)
LATER = date(2030, 1, 1)


@pytest.fixture
def reg(tmp_path: Path) -> Iterator[Register]:
    r = make_register(tmp_path)
    r.today = lambda: LATER
    yield r
    if r.conn is not None:
        r.close()


def closed_case(reg: Register) -> str:
    number = str(reg.register_case(registration(summary="Beslag bij MEERKOET."),
                                   personal={"name": "Piet Meerkoet"}).number)
    reg.append(number, "triaged", triage())
    reg.append(number, "note", {"on": "2025-03-07", "text": "Gesprek met KOOLMEES."})
    reg.append(number, "closed", {"closed_on": "2025-04-01", "outcome": "opgelost",
                                  "solution": "Beslag opgeheven.", "powers_sufficient": "ja"})
    return number


def foreign(entity_id: str, kind: str, payload: dict[str, Any], *, hours_after_now: int,
            on: str = "2025-05-03") -> Event:
    """A step made on the other laptop, ``hours_after_now`` from now by its clock."""
    stamp = HybridClock(OTHER).next(wall_ms=now_ms() + hours_after_now * 3_600_000)
    return Event(new_id(), "case", entity_id, None, kind, date.fromisoformat(on), stamp,
                 "Bert", OTHER, payload, "2025-05-03T10:00:00Z")


def store_like_a_merge(reg: Register, events: Sequence[CanonicalEvent]) -> int:
    """Insert canonical events as received (erased ones as they are), then apply the
    erasures of the touched cases and re-fold them: one transaction, as a merge."""
    touched = {ce.entity_id for ce in events}
    with reg.writing():
        for ce in events:
            key = uuid_bytes(ce.device)
            reg.conn.execute("INSERT OR IGNORE INTO devices (uuid, code) VALUES (?, 'UTR')",
                             (key,))
            num = reg.conn.execute("SELECT num FROM devices WHERE uuid = ?",
                                   (key,)).fetchone()[0]
            body = None if ce.payload is None else canonical_json(ce.payload)
            reg.conn.execute(eventrows.INSERT, event_row(
                ce.to_event(), num, body,
                StoredHashes(ce.payload_hash, ce.prev_hash, ce.hash, ce.erased_by)))
            reg.conn.execute(
                "UPDATE devices SET head = ?, head_hlc = ?, events = events + 1, "
                "last_recorded_at = ? WHERE num = ?",
                (bytes.fromhex(ce.hash), hlc_int(ce.hlc), ce.recorded_at, num))
        changed = apply_erasures(reg, touched)
        reg.project(dict.fromkeys(touched, "case"))
    return changed


def test_a_step_arriving_after_the_destruction_is_erased_and_flagged(reg: Register
                                                                     ) -> None:
    number = closed_case(reg)
    entity_id = reg.case_id(number)
    destroy(reg, number, "Archiefwet.")
    late = foreign(entity_id, "note", {"on": "2025-05-03", "text": "Nog een KOOLMEES."},
                   hours_after_now=2)
    assert store_like_a_merge(reg, chain([late])) == 1

    stored = next(e for e in reg.case(number).events if e.id == late.id)
    assert stored.payload == {}  # erased on arrival
    row = reg.conn.execute("SELECT payload_json, erased_by FROM events WHERE id = ?",
                           (uuid_bytes(late.id),)).fetchone()
    destroyer = next(e for e in reg.case(number).events if e.kind == "case_destroyed")
    assert row[0] is None and bytes(row[1]) == uuid_bytes(destroyer.id)
    state = reg.case(number).state
    assert state.status == "vernietigd"
    assert [eid for eid, _ in state.violations] == [late.id]
    assert verify(reg).ok
    assert figures(reg, date(2025, 1, 1), date(2025, 12, 31)).period["intake.total"] == 0
    reg.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert pages_holding(reg.path, reg.data_key, "KOOLMEES") == []


def test_a_destruction_arriving_by_bundle_erases_here_too(reg: Register) -> None:
    number = closed_case(reg)
    entity_id = reg.case_id(number)
    # The other laptop destroyed the case (it holds the same events) and sends the step.
    gone = foreign(entity_id, "case_destroyed", {"on": "2025-06-01", "reason": "Archiefwet."},
                   hours_after_now=1, on="2025-06-01")
    changed = store_like_a_merge(reg, chain([gone]))
    assert changed == len(reg.case(number).events) - 1  # every step but the destruction
    assert reg.personal(number) == {}
    state = reg.case(number).state
    assert (state.status, state.destroyed_reason) == ("vernietigd", "Archiefwet.")
    assert verify(reg).ok
    with reg.writing():
        assert apply_erasures(reg, [entity_id]) == 0  # idempotent
        assert apply_erasure(reg, next(e for e in reg.case(number).events
                                       if e.kind == "case_destroyed")) == 0
    reg.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for text in ("KOOLMEES", "MEERKOET", "meerkoet", "Piet Meerkoet"):
        assert pages_holding(reg.path, reg.data_key, text) == [], text


def test_steps_made_before_the_destruction_elsewhere_arrive_erased(reg: Register) -> None:
    """The other laptop recorded a note, then received the destruction and erased it;
    its bundle carries the note erased (payload null, erased_by): stored as it is."""
    number = closed_case(reg)
    entity_id = reg.case_id(number)
    state = destroy(reg, number, "Archiefwet.")
    destroyer = next(e.id for e in state.effective if e.kind == "case_destroyed")
    note = foreign(entity_id, "note", {"on": "2025-04-01", "text": "Oud."},
                   hours_after_now=-1, on="2025-04-01")
    erased = chain([note])[0]._replace(payload=None, erased_by=destroyer)
    assert store_like_a_merge(reg, [erased]) == 0
    assert reg.case(number).state.violations == []  # it predates the destruction
    assert verify(reg).ok


def test_a_text_erasure_arriving_by_bundle_erases_the_step(reg: Register) -> None:
    number = closed_case(reg)
    entity_id = reg.case_id(number)
    note = next(e for e in reg.case(number).events if e.kind == "note")
    erasure = foreign(entity_id, "text_erased", {
        "on": "2025-05-03", "target": note.id, "fields": ["text"], "reason": "Naam."},
        hours_after_now=1)
    assert store_like_a_merge(reg, chain([erasure])) == 1
    stored = next(e for e in reg.case(number).events if e.id == note.id)
    assert stored.payload == {"on": "2025-03-07", "text": None}
    assert fold_case(reg.case(number).events).status == "afgerond"
    assert verify(reg).ok
    reg.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert pages_holding(reg.path, reg.data_key, "KOOLMEES") == []


def test_a_case_without_erasures_costs_nothing(reg: Register) -> None:
    number = closed_case(reg)
    before = [e.payload for e in reg.case(number).events]
    with reg.writing():
        assert apply_erasures(reg, [reg.case_id(number)]) == 0
    assert [e.payload for e in reg.case(number).events] == before
