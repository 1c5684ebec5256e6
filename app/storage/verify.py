"""``verify``: is this register whole? (docs/SECURITY.md "Damage is found, not spread").

Checks, in order: SQLite's own structure, SQLCipher's page HMACs, every device's hash
chain over the events, the audit chain, and the stored projections against a rebuild
from the events in memory. Each finding is one Dutch line a team lead can act on.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from app.model.eventlog import ZERO_HASH, Event, event_hash, sha256_hex
from app.model.kinds import ERASING_KINDS
from app.storage import audit, eventrows
from app.storage.db import Connection, DatabaseError
from app.storage.eventrows import Decoder, device_map, uuid_text
from app.storage.projections import (
    CASE_COLUMNS,
    DEADLINE_COLUMNS,
    SIGNAL_COLUMNS,
    case_rows,
    signal_row,
)
from app.storage.repository import Register, integrity_problems


@dataclass
class VerifyReport:
    problems: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_chains(conn: Connection) -> list[str]:
    """Only the chains (and payload hashes) of a register's connection: for ``restore``,
    which checks a backup before it becomes the register."""
    report = VerifyReport()
    _chains(conn, report)
    return report.problems


def _chains(conn: Connection, report: VerifyReport) -> list[Event]:
    """Every device's chain, in its own order, and every payload against its hash.

    An erased payload (retention: docs/ARCHITECTURE.md "Erasure") is checked against its
    erasing event instead: that event must exist, belong to the same case and be a
    ``text_erased`` or ``case_destroyed``.
    """
    decoder = Decoder(device_map(conn.execute("SELECT num, uuid FROM devices")))
    events: list[Event] = []
    erased: list[tuple[Event, str]] = []
    last: dict[str, str] = {}
    count = 0
    sql = (f"SELECT {eventrows.SELECT}, e.payload_hash, e.prev_hash, e.hash, e.erased_by "
           f"FROM {eventrows.FROM} ORDER BY e.device, e.hlc")
    for row in conn.execute(sql):
        count += 1
        try:
            ev = decoder.event(row)
        except ValueError:
            report.problems.append(f"stap {row[0]}: de inhoud is onleesbaar")
            continue
        p_hash, prev, h = (bytes(row[i]).hex() for i in (12, 13, 14))
        expected_prev = last.get(ev.device, ZERO_HASH)
        where = f"stap {ev.id} ({ev.kind}, {ev.number or ev.entity_id[:8]})"
        if row[15] is not None:
            erased.append((ev, uuid_text(row[15])))
        elif row[9] is None or sha256_hex(row[9]) != p_hash:
            report.problems.append(f"{where}: de inhoud is gewijzigd")
        if prev != expected_prev:
            report.problems.append(f"{where}: de hashketen van het apparaat is onderbroken")
        if event_hash(prev, ev.meta(), p_hash) != h:
            report.problems.append(f"{where}: de gegevens van de stap zijn gewijzigd")
        last[ev.device] = h
        events.append(ev)
    by_id = {e.id: e for e in events} if erased else {}
    for ev, eraser_id in erased:
        eraser = by_id.get(eraser_id)
        if eraser is None or eraser.kind not in ERASING_KINDS \
                or eraser.entity_id != ev.entity_id:
            report.problems.append(
                f"stap {ev.id} ({ev.kind}): de inhoud is gewist zonder geldige wisstap")
    report.checked["events"] = count
    report.checked["devices"] = len(last)
    return events


def _stored(conn: Connection, table: str, columns: tuple[str, ...], key: str
            ) -> dict[Any, tuple[Any, ...]]:
    rows = conn.execute(f"SELECT {', '.join(columns)} FROM {table}")
    idx = columns.index(key)
    return {r[idx]: tuple(r) for r in rows}


def _projections(conn: Connection, events: list[Event], report: VerifyReport) -> None:
    by_entity: dict[str, list[Event]] = {}
    for ev in events:
        by_entity.setdefault(ev.entity_id, []).append(ev)
    cases: dict[Any, tuple[Any, ...]] = {}
    signals: dict[Any, tuple[Any, ...]] = {}
    deadlines: dict[Any, tuple[Any, ...]] = {}
    links: set[tuple[str, str]] = set()
    for eid, evs in by_entity.items():
        evs.sort(key=lambda e: e.hlc)
        if evs[0].entity == "case":
            _, row, dls, sigs = case_rows(evs)
            cases[eid] = row
            deadlines.update({d[0]: d for d in dls})
            links.update((eid, s) for s in sigs)
        else:
            _, row = signal_row(evs)
            signals[eid] = row
    for name, rebuilt, stored in (
        ("casussen", cases, _stored(conn, "cases", CASE_COLUMNS, "entity_id")),
        ("signalen", signals, _stored(conn, "signals", SIGNAL_COLUMNS, "entity_id")),
        ("termijnen", deadlines, _stored(conn, "deadlines", DEADLINE_COLUMNS, "event_id")),
    ):
        for key in rebuilt.keys() | stored.keys():
            if rebuilt.get(key) != stored.get(key):
                report.problems.append(
                    f"projectie {name}: {key} wijkt af van de herberekening uit de stappen")
    stored_links = {(r[0], r[1]) for r in conn.execute(
        "SELECT case_id, signal_number FROM case_signal")}
    if stored_links != links:
        report.problems.append("projectie koppelingen casus-signaal wijkt af")
    fts = int(conn.execute("SELECT count(*) FROM cases_fts").fetchone()[0])
    if fts != len(cases):
        report.problems.append("de zoekindex is niet compleet")
    report.checked["cases"] = len(cases)
    report.checked["signals"] = len(signals)


def verify(reg: Register) -> VerifyReport:
    report = VerifyReport()
    report.problems += integrity_problems(reg.conn, full=True)
    if report.problems:
        # a damaged file may refuse the write: the report matters more
        with contextlib.suppress(DatabaseError):
            reg.audit("verify", reg.path.name, "beschadigd")
        return report
    events = _chains(reg.conn, report)
    report.problems += audit.verify_chain(reg.conn)
    _projections(reg.conn, events, report)
    reg.audit("verify", reg.path.name, "in orde" if report.ok else
              f"{len(report.problems)} problemen")
    return report
