"""Retention: purge personal data, destroy a case, erase a text (docs/SECURITY.md, docs/DOMAIN.md).

Three acts, one way of erasing (docs/ARCHITECTURE.md "Erasure"): a stored payload is
changed in place, its ``payload_hash`` stays, and the id of the erasing event is
stored beside it, so every hash chain still verifies and ``verify`` checks the erased
row against that event instead. Every connection of a Register zeroes freed space
(``secure_delete``); after an erasure the search index is merged (``optimize``) so no
old index segment keeps pieces of the text, and the write-ahead log is checkpointed so
no old page image stays beside the file.

- ``purge``: the citizen's personal data (P2) of cases that left the office longer ago
  than the retention setting; P2 is in no event and no figure, so nothing else changes.
- ``destroy``: a ``case_destroyed`` event (Archiefwet); every payload of the case but
  that event's own is erased and its P2 deleted; a tombstone remains.
- ``erase_text``: a ``text_erased`` event that erases named free-text fields of one
  step (personal data typed by mistake).

``apply_erasures`` is the one function that makes stored rows what the erasing events
say. It is idempotent and order-free, so the bundle merge calls it for every case it
touched: an erasure made on another laptop erases here too, and a step of a destroyed
case that arrives later is erased on arrival.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.model.errors import RuleViolation, UserError
from app.model.eventlog import Event
from app.model.events import (
    FIELD_LABELS,
    canonical_json,
    kind_label,
    validate_payload,
)
from app.model.fold import CaseState, fold_case
from app.model.kinds import ERASING_KINDS, Kind, Status
from app.model.retention import field_value, purge_from, retention_start
from app.model.workflow import erasure_problem
from app.storage.db import DatabaseError
from app.storage.eventrows import uuid_bytes
from app.storage.projections import write_case
from app.storage.repository import Register

#: Registration fields that the search index holds (``projections.fts_row``).
_INDEXED = frozenset({"summary", "partner_org", "payload.summary", "payload.partner_org"})


# --------------------------------------------------------------------------- purge


@dataclass(frozen=True)
class PurgeItem:
    """One case whose personal data are due: why (its status and date) and how many."""

    number: str
    status: str
    since: date
    due_from: date
    values: int
    entity_id: str = ""


@dataclass(frozen=True)
class PurgeResult:
    items: list[PurgeItem]
    months: int
    today: date
    done: bool  # False: a dry run (nothing erased)

    @property
    def values(self) -> int:
        return sum(i.values for i in self.items)


def due_for_purge(reg: Register) -> list[PurgeItem]:
    """Cases holding P2 data past their retention, soonest due first.

    Read from the case projection, which holds the effective fold's status, closing
    and triage dates (``verify`` rebuilds and compares it), so a 100,000-case register
    needs no fold here: only cases with personal data are looked at at all.
    """
    months = reg.settings.retention_months
    today = reg.today()
    out: list[PurgeItem] = []
    for eid, number, status, closed_on, triaged_on, last_on, values in reg.conn.execute(
            "SELECT c.entity_id, c.number, c.status, c.closed_on, c.triaged_on, "
            "c.last_step_on, count(*) FROM personal p JOIN cases c "
            "ON c.entity_id = p.entity_id GROUP BY p.entity_id"):
        if status == Status.VERNIETIGD:  # never kept: a merge may have brought them back
            since = due = date.fromisoformat(last_on)
        else:
            start = retention_start(status, _d(closed_on), _d(triaged_on))
            if start is None:
                continue
            since, due = start, purge_from(start, months)
            if today < due:
                continue
        out.append(PurgeItem(number, status, since, due, int(values), eid))
    out.sort(key=lambda i: (i.due_from, i.number))
    return out


def purge(reg: Register, *, dry_run: bool = False,
          only: Collection[str] | None = None) -> PurgeResult:
    """List, then erase, the personal data that are due (audited with the counts only).

    ``only`` (case entity ids): erase no more than these, the list a person was shown
    and confirmed; one of them that is no longer due is left alone too.

    Also run right after a restore (``backup.finish_restore``): a backup may hold
    data that were purged after it was made.
    """
    months, today = reg.settings.retention_months, reg.today()
    if dry_run:
        return PurgeResult(due_for_purge(reg), months, today, done=False)
    with reg.writing(steps=False):
        items = due_for_purge(reg)  # again, inside the transaction: the list that is erased
        if only is not None:
            chosen = set(only)
            items = [i for i in items if i.entity_id in chosen]
        reg.conn.executemany("DELETE FROM personal WHERE entity_id = ?",
                             [(i.entity_id,) for i in items])
        values = sum(i.values for i in items)
        reg.audit("purge", f"{len(items)} casussen",
                  f"{values} persoonsgegevens gewist (bewaartermijn {months} maanden)")
    _checkpoint(reg)
    return PurgeResult(items, months, today, done=True)


# --------------------------------------------------------------------------- destroy


def destroy(reg: Register, number: str, reason: str) -> CaseState:
    """Destroy a case (Archiefwet): a ``case_destroyed`` step, then erase it in place.

    Only a case that left the office (afgerond, doorverwezen, niet in behandeling)
    can be destroyed; the reason stays on the tombstone.
    """
    reason = (reason or "").strip()
    if not reason:
        raise UserError("Geef een reden op (--reason): die blijft bij het nummer van de "
                        "vernietigde casus staan.")
    with reg.writing():
        entity_id = reg.case_id(number)
        old = reg.events_of(entity_id)
        state = fold_case(old)
        if state.destroyed:
            raise UserError(f"Casus {state.number} is al vernietigd.")
        today = reg.today()
        payload = validate_payload(Kind.CASE_DESTROYED,
                                   {"on": today.isoformat(), "reason": reason}, reg.codelists)
        problem = state.machine.check(Kind.CASE_DESTROYED, today, payload)
        if problem is not None:
            raise RuleViolation(f"Casus {state.number} kan niet worden vernietigd: {problem}.")
        reg.record(entity_id, Kind.CASE_DESTROYED, payload, old)
        erased = apply_erasures(reg, [entity_id])
        reg.audit("destroy", str(state.number), f"vernietigd; {erased} stappen gewist")
    _checkpoint(reg)
    return reg.case(str(state.number)).state


# --------------------------------------------------------------------------- erase text


def erase_text(reg: Register, event_id: str, fields: Sequence[str], reason: str
               ) -> CaseState:
    """Erase free-text fields of one step of a case (a ``text_erased`` step).

    ``fields`` are names of the step's free-text fields (``events.FREE_TEXT``); for a
    correction, a name of the corrected kind means the correction's new text
    (``payload.<name>``), and ``reason`` its own reason. Every named field must hold
    text: erasing nothing is a mistake worth saying.
    """
    reason = (reason or "").strip()
    names = [str(f).strip() for f in fields if str(f).strip()]
    if not names:
        raise UserError("Noem minstens één veld om te wissen (--field NAAM).")
    if not reason:
        raise UserError("Geef een reden op (--reason): die komt bij de stap 'Tekst gewist'.")
    with reg.writing():
        entity_id, events, target = reg.step(event_id)
        if target.entity != "case":
            raise UserError("Tekst wissen kan alleen bij een stap van een casus.")
        state = fold_case(events)
        if state.destroyed:
            raise UserError(f"Casus {state.number} is vernietigd: er is geen tekst meer om "
                            "te wissen.")
        corrects = None
        if target.kind == Kind.CORRECTED:
            original = next((e for e in events if e.id == target.payload.get("target")), None)
            corrects = original.kind if original is not None else None
            names = [n if n == "reason" or n.startswith("payload.") else f"payload.{n}"
                     for n in names]
        names = list(dict.fromkeys(names))
        problem = erasure_problem(target.kind, names, corrects)
        if problem is not None:
            raise RuleViolation(f"Tekst wissen kan niet: {problem}.")
        for name in names:
            if _empty(field_value(target.payload, name)):
                label = FIELD_LABELS.get(name.removeprefix("payload."), name)
                raise UserError(f"Het veld '{label}' van deze stap is leeg of al gewist.")
        payload = validate_payload(Kind.TEXT_ERASED, {
            "on": reg.today().isoformat(), "target": event_id, "fields": names,
            "reason": reason}, reg.codelists)
        reg.record(entity_id, Kind.TEXT_ERASED, payload, events)
        apply_erasures(reg, [entity_id])
        reg.audit("erase_text", f"{state.number}: {kind_label(target.kind)} {event_id}",
                  "gewist: " + ", ".join(names))
    _checkpoint(reg)
    return reg.case(str(state.number)).state


def erase_texts(reg: Register, picks: Mapping[str, Sequence[str]], reason: str) -> None:
    """"Tekst wissen" over a step and its corrections: all or nothing, so a refusal of
    one version never leaves the name erased in one place and readable in another."""
    with reg.writing():
        for event_id, fields in picks.items():
            erase_text(reg, event_id, fields, reason)
    _checkpoint(reg)


# --------------------------------------------------------------------------- applying


@dataclass
class _Row:
    id: bytes
    kind: str
    order: tuple[int, bytes]
    payload: str | None
    erased_by: bytes | None


def apply_erasure(reg: Register, event: Event) -> int:
    """Apply one stored erasing event (``text_erased`` or ``case_destroyed``)."""
    if event.kind not in ERASING_KINDS:
        return 0
    return apply_erasures(reg, [event.entity_id])


def apply_erasures(reg: Register, entity_ids: Iterable[str]) -> int:
    """Make the stored rows of these cases what their erasing events say (inside the
    caller's transaction); returns how many rows changed.

    Idempotent and independent of arrival order: a destroyed case has every payload
    but its ``case_destroyed`` erased (also steps that arrive after the destruction)
    and its personal data deleted; every ``text_erased`` has its fields null in its
    target. A row erased by several ``text_erased`` names the latest (by hlc), whose
    fields are then null too, as the bundle check expects. The merge calls this for
    every case it touched, after inserting their events; entities without erasing
    events cost one index lookup.
    """
    total = 0
    for entity_id in dict.fromkeys(entity_ids):
        total += _enforce(reg, entity_id)
    return total


def _enforce(reg: Register, entity_id: str) -> int:
    conn = reg.conn
    key = uuid_bytes(entity_id)
    if conn.execute("SELECT 1 FROM events WHERE entity_id = ? AND kind IN (?, ?) LIMIT 1",
                    (key, *ERASING_KINDS)).fetchone() is None:
        return 0
    rows = [_Row(bytes(r[0]), r[1], (int(r[2]), bytes(r[3])), r[4],
                 bytes(r[5]) if r[5] is not None else None)
            for r in conn.execute(
                "SELECT e.id, e.kind, e.hlc, d.uuid, e.payload_json, e.erased_by "
                "FROM events e JOIN devices d ON d.num = e.device WHERE e.entity_id = ? "
                "ORDER BY e.hlc, d.uuid", (key,))]
    destroyer = next((r for r in rows if r.kind == Kind.CASE_DESTROYED), None)
    updates: list[tuple[str | None, bytes, bytes]] = []
    indexed = False
    if destroyer is not None:
        for r in rows:
            if r.kind != Kind.CASE_DESTROYED and (r.payload is not None
                                               or r.erased_by != destroyer.id):
                updates.append((None, destroyer.id, r.id))
        conn.execute("DELETE FROM personal WHERE entity_id = ?", (entity_id,))
        indexed = bool(updates)
    else:
        by_id = {r.id: r for r in rows}
        for eraser in (r for r in rows if r.kind == Kind.TEXT_ERASED and r.payload):
            body = _json(eraser.payload)
            target = by_id.get(_id_bytes(body.get("target")))
            names = [str(f) for f in body.get("fields") or [] if isinstance(f, str)]
            if target is None or target.payload is None or not names:
                continue
            current = _json(target.payload)
            erased = _null_fields(current, names)
            holder = by_id.get(target.erased_by) if target.erased_by else None
            by = holder.id if holder is not None and holder.order > eraser.order \
                and holder.kind == Kind.TEXT_ERASED else eraser.id
            if erased == current and target.erased_by == by:
                continue
            target.payload, target.erased_by = canonical_json(erased), by
            updates.append((target.payload, by, target.id))
            indexed = indexed or (bool(_INDEXED.intersection(names))
                                  and _registers(target, by_id))
    if not updates:
        return 0
    conn.executemany("UPDATE events SET payload_json = ?, erased_by = ? WHERE id = ?",
                     updates)
    write_case(conn, reg.events_of(entity_id), reg.codelists)
    if indexed:
        # Merge every segment of the search index into one: an FTS5 delete only adds a
        # tombstone, and the old segments (now freed, so zeroed) kept the text's trigrams.
        conn.execute("INSERT INTO cases_fts (cases_fts) VALUES ('optimize')")
    return len(updates)


def _registers(row: _Row, by_id: dict[bytes, _Row]) -> bool:
    """Whether ``row`` is the registration or a correction of it (the indexed text)."""
    if row.kind == Kind.REGISTERED:
        return True
    if row.kind == Kind.CORRECTED and row.payload:
        original = by_id.get(_id_bytes(_json(row.payload).get("target")))
        return original is not None and original.kind == Kind.REGISTERED
    return False


# --------------------------------------------------------------------------- helpers




def _empty(value: Any) -> bool:
    if isinstance(value, dict):
        return not any(v not in (None, "") for v in value.values())
    return value in (None, "", [])


def _null_fields(payload: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
    out = dict(payload)
    for name in names:
        if name.startswith("payload."):
            inner = out.get("payload")
            if isinstance(inner, dict) and name[8:] in inner:
                out["payload"] = {**inner, name[8:]: None}
        elif name in out:
            out[name] = None
    return out


def _json(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _id_bytes(value: Any) -> bytes:
    try:
        return uuid_bytes(str(value))
    except ValueError:
        return b""


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _checkpoint(reg: Register) -> None:
    """Write the log back into the file and empty it: old page images go with it.

    Best effort: a reader elsewhere (the GUI beside a command) may hold the log; the
    pages are encrypted either way and the next checkpoint rewrites them.
    """
    if reg.conn is None or reg.conn.in_transaction:
        return
    with contextlib.suppress(DatabaseError):
        reg.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
