"""Projection rows folded from events, written in the append's own transaction.

The same functions produce the rows that are stored and the rows ``verify`` rebuilds
in memory, so "rebuilt equals incremental" compares like with like.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from app.model.codelists import Codelists
from app.model.deadlines import falls_in_pause
from app.model.eventlog import Event
from app.model.fold import CaseState, SignalState, fold_case, fold_signal
from app.storage.db import Connection
from app.storage.eventrows import uuid_bytes

CASE_COLUMNS = (
    "entity_id", "number", "ref", "status", "phase", "received_on", "route",
    "partner_type", "partner_org", "services", "topics", "target_group", "urgent",
    "summary", "handler", "triaged_on", "decision", "closed_on", "outcome", "path",
    "paused_days", "pause_running", "waiting_since", "next_deadline", "last_step_on",
    "flags", "conflicts",
)
SIGNAL_COLUMNS = (
    "entity_id", "number", "ref", "title", "theme", "services", "status", "created_on",
    "submitted_on", "response", "feedback_on", "closed_on", "awaiting_feedback", "flags",
)
DEADLINE_COLUMNS = (
    "event_id", "case_id", "kind", "start_on", "due_on", "set_on", "met_on", "result",
    "description", "in_pause",
)


def _iso(d: Any) -> str | None:
    return d.isoformat() if d is not None else None


def codes_text(keys: Iterable[str]) -> str:
    """Space-delimited with spaces around, so ``LIKE '% key %'`` matches whole keys."""
    return " " + " ".join(keys) + " "


def case_rows(events: Sequence[Event]) -> tuple[CaseState, tuple[Any, ...],
                                                list[tuple[Any, ...]], list[str]]:
    state = fold_case(events)
    reg = state.registration
    nd = state.next_deadline()
    row = (
        state.entity_id,
        state.number or "",
        state.ref or state.number or "",
        state.status,
        state.phase,
        state.received_on.isoformat(),
        str(reg.get("route", "")),
        str(reg.get("partner_type", "")),
        reg.get("partner_org"),
        codes_text(reg.get("services", [])),
        codes_text(reg.get("topics", [])),
        str(reg.get("target_group", "")),
        1 if reg.get("urgent") else 0,
        str(reg.get("summary") or ""),  # None once erased
        state.handler or state.registered_by,
        _iso(state.triaged_on),
        (state.triage or {}).get("decision"),
        _iso(state.closed_on),
        (state.closing or {}).get("outcome"),
        state.path,
        state.paused_days(),
        1 if state.pause_running else 0,
        _iso(state.waiting_since),
        _iso(nd.due_on) if nd else None,
        state.last_step_on.isoformat(),
        len({vid for vid, _ in state.violations}),
        len(state.log.conflicts),
    )
    pauses = [(p.start, p.end) for p in state.pauses]
    deadlines = [
        (d.event_id, state.entity_id, d.kind, _iso(d.start_on), _iso(d.due_on),
         d.set_on.isoformat(), _iso(d.met_on), d.result, d.description,
         1 if d.due_on is not None and falls_in_pause(d.due_on, pauses) else 0)
        for d in state.deadlines
    ]
    return state, row, deadlines, list(state.signals)


def signal_row(events: Sequence[Event]) -> tuple[SignalState, tuple[Any, ...]]:
    s = fold_signal(events)
    c = s.creation
    row = (
        s.entity_id,
        s.number or "",
        s.ref or s.number or "",
        str(c.get("title", "")),
        str(c.get("theme", "")),
        codes_text(c.get("services", [])),
        s.status,
        s.created_on.isoformat(),
        _iso(max((x.on for x in s.submissions), default=None)),
        str(s.responses[-1].payload.get("status")) if s.responses else None,
        _iso(max((x.on for x in s.feedback), default=None)),
        _iso(s.closed_on),
        1 if s.awaiting_feedback else 0,
        len({vid for vid, _ in s.violations}),
    )
    return s, row


def flag_changes(events: Sequence[Event], violations: Iterable[tuple[str, str]]
                 ) -> list[tuple[str | None, bytes]]:
    """``UPDATE events SET flag`` rows that make each stored flag the fold's verdict.

    A flag is a cache of the fold (docs/ARCHITECTURE.md): rewritten on every re-fold, so the
    order in which bundles arrived never changes it.
    """
    verdict: dict[str, str] = {}
    for event_id, reason in violations:
        verdict.setdefault(event_id, reason)
    return [(verdict.get(e.id), uuid_bytes(e.id)) for e in events
            if e.flag != verdict.get(e.id)]


FLAG_UPDATE = "UPDATE events SET flag = ? WHERE id = ?"


def fts_row(state: CaseState, codelists: Codelists) -> tuple[str, str, str, str]:
    reg = state.registration
    topics = [str(t) for t in reg.get("topics", [])]
    words = topics + [codelists.label("topic", t) for t in topics]
    return (state.number or "", str(reg.get("summary") or ""), " ".join(words),
            str(reg.get("partner_org") or ""))


# An upsert, not INSERT OR REPLACE: REPLACE deletes the row and gives it a new rowid,
# which would orphan the case's search entry.
_CASE_UPSERT = (
    f"INSERT INTO cases ({', '.join(CASE_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in CASE_COLUMNS)}) ON CONFLICT (entity_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in CASE_COLUMNS if c != "entity_id")
)


def write_case(conn: Connection, events: Sequence[Event], codelists: Codelists) -> CaseState:
    state, row, deadlines, signals = case_rows(events)
    conn.executemany(FLAG_UPDATE, flag_changes(events, state.violations))
    conn.execute(_CASE_UPSERT, row)
    conn.execute("DELETE FROM deadlines WHERE case_id = ?", (state.entity_id,))
    if deadlines:
        dmarks = ", ".join("?" for _ in DEADLINE_COLUMNS)
        conn.executemany(
            f"INSERT INTO deadlines ({', '.join(DEADLINE_COLUMNS)}) VALUES ({dmarks})",
            deadlines,
        )
    conn.execute("DELETE FROM case_signal WHERE case_id = ?", (state.entity_id,))
    conn.executemany("INSERT INTO case_signal (case_id, signal_number) VALUES (?, ?)",
                     [(state.entity_id, s) for s in signals])
    rowid = conn.execute("SELECT rowid FROM cases WHERE entity_id = ?",
                         (state.entity_id,)).fetchone()[0]
    conn.execute("DELETE FROM cases_fts WHERE rowid = ?", (rowid,))
    conn.execute("INSERT INTO cases_fts (rowid, number, summary, topics, partner_org) "
                 "VALUES (?, ?, ?, ?, ?)", (rowid, *fts_row(state, codelists)))
    return state


def insert_cases_bulk(conn: Connection, event_lists: Iterable[Sequence[Event]],
                      codelists: Codelists) -> int:
    """Project cases that have no rows yet, with a handful of statements in all.

    For a full rebuild (after clearing the tables) and for imports of new cases: one
    upsert, delete and insert per case costs about 0.3 ms each under SQLCipher, which
    is most of a 10,000-case rebuild.
    """
    rows: list[tuple[Any, ...]] = []
    deadline_rows: list[tuple[Any, ...]] = []
    links: list[tuple[str, str]] = []
    fts: dict[str, tuple[str, str, str, str]] = {}
    flags: list[tuple[str | None, bytes]] = []
    for events in event_lists:
        state, row, deadlines, signals = case_rows(events)
        flags.extend(flag_changes(events, state.violations))
        rows.append(row)
        deadline_rows.extend(deadlines)
        links.extend((state.entity_id, s) for s in signals)
        fts[state.entity_id] = fts_row(state, codelists)
    if not rows:
        return 0
    conn.executemany(FLAG_UPDATE, flags)
    conn.executemany(_CASE_UPSERT, rows)
    if deadline_rows:
        marks = ", ".join("?" for _ in DEADLINE_COLUMNS)
        conn.executemany(f"INSERT OR REPLACE INTO deadlines ({', '.join(DEADLINE_COLUMNS)}) "
                         f"VALUES ({marks})", deadline_rows)
    conn.executemany("INSERT OR IGNORE INTO case_signal (case_id, signal_number) VALUES (?, ?)",
                     links)
    ids: dict[str, int] = {}
    keys = list(fts)
    for start in range(0, len(keys), 500):  # only the rows just written, by their key
        part = keys[start:start + 500]
        ids.update((eid, rowid) for rowid, eid in conn.execute(
            f"SELECT rowid, entity_id FROM cases WHERE entity_id IN ({','.join('?' * len(part))})",
            part))
    conn.executemany("INSERT INTO cases_fts (rowid, number, summary, topics, partner_org) "
                     "VALUES (?, ?, ?, ?, ?)", [(ids[eid], *row) for eid, row in fts.items()])
    return len(rows)


def rebuild_all(conn: Connection, cases: Iterable[Sequence[Event]],
                signals: Iterable[Sequence[Event]], codelists: Codelists) -> None:
    """Replace every projection by a fold of the events (inside the caller's transaction)."""
    for table in ("cases_fts", "case_signal", "deadlines", "cases", "signals"):
        conn.execute(f"DELETE FROM {table}")
    insert_cases_bulk(conn, cases, codelists)
    for events in signals:
        write_signal(conn, events)


def write_signal(conn: Connection, events: Sequence[Event]) -> SignalState:
    state, row = signal_row(events)
    conn.executemany(FLAG_UPDATE, flag_changes(events, state.violations))
    cols = ", ".join(SIGNAL_COLUMNS)
    marks = ", ".join("?" for _ in SIGNAL_COLUMNS)
    conn.execute(f"INSERT OR REPLACE INTO signals ({cols}) VALUES ({marks})", row)
    return state
