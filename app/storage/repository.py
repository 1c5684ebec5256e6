"""The register: the one API both front doors use (ARCHITECTURE.md).

Every write goes through ``_commit``: validate the payload, replay the entity's whole
sorted sequence through the workflow rules, append the event with its hash-chain
links, update the projections and commit, all in one transaction. A handler's step is
its own transaction (``synchronous=FULL``), so an acknowledged step survives a crash.
"""

from __future__ import annotations

import contextlib
import functools
import json
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

from app.model.bulk import paused_gc
from app.model.codelists import Codelists, load_codelists
from app.model.dates import today as today_amsterdam
from app.model.dates import utc_now_iso
from app.model.deadlines import compute_due_on
from app.model.device import DEVICE_CODE_HELP, valid_device_code
from app.model.errors import FieldError, RuleViolation, UserError, ValidationFailed
from app.model.eventlog import (
    ZERO_HASH,
    Event,
    HybridClock,
    event_hash,
    new_id,
    payload_hash,
)
from app.model.events import (
    CASE_KINDS,
    SIGNAL_KINDS,
    canonical_json,
    kind_label,
    validate_payload,
)
from app.model.fold import CaseState, SignalState, fold_case, fold_signal
from app.model.interchange import occurred_on_for
from app.model.lint import is_valid_bsn
from app.storage import audit, schema
from app.storage.db import Connection, DatabaseError, connect
from app.storage.errors import (
    NotARegister,
    RegisterExists,
    StorageError,
    UnknownCase,
    WrongPassphrase,
)
from app.storage.lock import RegisterLock
from app.storage.paths import backup_dir, codelist_override
from app.storage.projections import (
    codes_text,
    insert_cases_bulk,
    rebuild_all,
    write_case,
    write_signal,
)
from app.storage.unlock_log import drain_failed_unlocks, record_failed_unlock

PERSONAL_KEYS = ("name", "bsn", "phone", "email", "address", "service_reference")


@dataclass
class Settings:
    """Register settings (kept inside the encrypted database)."""

    handler: str = ""
    device_code: str = ""
    device_id: str = ""
    organisation: str = "Belangenbehartiger Belastingplichtigen en Toeslaggerechtigden"
    leadtime_norm_days: int = 56
    target_belastingdienst: int = 20
    target_dienst_toeslagen: int = 20
    retention_months: int = 12
    auto_lock_minutes: int = 10
    suppress_below: int = 5
    demo: bool = False


@dataclass(frozen=True)
class CaseQuery:
    """A window onto the case list, filtered and sorted in SQL."""

    status: str | None = None
    phase: str | None = None
    route: str | None = None
    service: str | None = None
    handler: str | None = None
    received_from: date | None = None
    received_to: date | None = None
    search: str = ""
    preset: str | None = None
    sort: str = "received_on"
    descending: bool = True
    limit: int = 200
    offset: int = 0


#: The day a case stopped ageing: its closing, or the triage that sent it elsewhere.
ENDED_ON = ("CASE WHEN c.status = 'afgerond' THEN c.closed_on "
            "WHEN c.status IN ('doorverwezen', 'niet_in_behandeling') THEN c.triaged_on END")

SORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("c.number",),
    "received_on": ("c.received_on",),
    "route": ("c.route", "c.partner_type"),
    "services": ("c.services",),
    "topics": ("c.topics",),
    "status": ("c.status", "c.phase"),
    "age": (f"julianday(coalesce({ENDED_ON}, date('now'))) - julianday(c.received_on)",),
    "waiting": ("c.waiting_since",),
    "next_deadline": ("c.next_deadline",),
    "handler": ("c.handler",),
}

PRESETS: dict[str, str] = {
    "te_trieren": "Te trieren",
    "mijn_werkvoorraad": "Mijn werkvoorraad",
    "wacht_op_reactie": "Wacht op reactie dienst",
    "open_escalaties": "Open escalaties",
    "termijn_14": "Termijn binnen 14 dagen",
}


@dataclass(frozen=True)
class CaseRow:
    entity_id: str
    number: str
    ref: str
    status: str
    phase: str | None
    received_on: date
    route: str
    partner_type: str
    partner_org: str | None
    services: list[str]
    topics: list[str]
    handler: str | None
    next_deadline: date | None
    waiting_since: date | None
    urgent: bool
    flags: int
    ended_on: date | None = None  # closed, or referred / not taken at triage

    def age(self, today: date) -> int:
        """Days the case has been (or was) with the office."""
        return ((self.ended_on or today) - self.received_on).days

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "ref": self.ref,
            "status": self.status,
            "phase": self.phase,
            "received_on": self.received_on.isoformat(),
            "route": self.route,
            "partner_type": self.partner_type,
            "services": self.services,
            "topics": self.topics,
            "handler": self.handler,
            "next_deadline": self.next_deadline.isoformat() if self.next_deadline else None,
        }


@dataclass(frozen=True)
class SignalRow:
    entity_id: str
    number: str
    ref: str
    title: str
    theme: str
    status: str
    created_on: date
    submitted_on: date | None
    response: str | None
    awaiting_feedback: bool
    cases: int


@dataclass(frozen=True)
class DeadlineRow:
    event_id: str
    case_number: str
    case_status: str
    kind: str
    start_on: date | None
    due_on: date
    description: str | None
    in_pause: bool


@dataclass(frozen=True)
class HandlerLoad:
    """Open cases of one handler (None: no handler recorded), for the team lead."""

    handler: str | None
    aangemeld: int
    in_behandeling: int


@dataclass(frozen=True)
class DeviceActivity:
    """What the register holds from one device (laptop): is its week in?

    ``last_hlc`` is the latest event stamp the device made (its first part is
    milliseconds since the epoch), ``last_recorded_at`` that event's UTC wall clock,
    and ``received_at`` when the last exchange bundle from the device was merged
    (None for this register's own device or before any bundle arrived).
    """

    device: str
    device_code: str | None
    events: int
    last_hlc: str
    last_recorded_at: str
    received_at: str | None


@dataclass
class CaseView:
    """A case as the case tab shows it: its fold and every stored event."""

    state: CaseState
    events: list[Event] = field(default_factory=list)


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


EVENT_COLUMNS = ("id, entity, entity_id, number, kind, occurred_on, hlc, actor, device, "
                 "payload_json, recorded_at, flag")


def _event(row: Sequence[Any], payload: dict[str, Any] | None = None) -> Event:
    if payload is None:
        payload = json.loads(row[9]) if row[9] else {}
    return Event(row[0], row[1], row[2], row[3], row[4], date.fromisoformat(row[5]),
                 row[6], row[7], row[8], payload, row[10], row[11])


def _events(rows: Sequence[Sequence[Any]]) -> list[Event]:
    """Many rows at once: one JSON parse of all payloads is twice as fast as one each."""
    payloads = json.loads("[" + ",".join(r[9] or "{}" for r in rows) + "]")
    return [_event(r, p) for r, p in zip(rows, payloads, strict=True)]


def _stream_events(cursor: Any, chunk: int = 4096) -> Iterator[Event]:
    """Read a whole register's events in chunks, sharing repeated values.

    Every case's id, device, actor and kind repeats in each of its events, and dates
    repeat across the register; sharing them (and never holding all rows and their
    JSON at once) keeps a 120,000-event read well under the workbook's memory budget.
    """
    strings: dict[str, str] = {}
    dates: dict[str, date] = {}

    def share(value: str) -> str:
        return strings.setdefault(value, value)

    while rows := cursor.fetchmany(chunk):
        payloads = json.loads("[" + ",".join(r[9] or "{}" for r in rows) + "]")
        for r, p in zip(rows, payloads, strict=True):
            on = dates.get(r[5])
            if on is None:
                on = dates[r[5]] = date.fromisoformat(r[5])
            yield Event(r[0], share(r[1]), share(r[2]), r[3], share(r[4]), on, r[6],
                        share(r[7]), share(r[8]), p, r[10], r[11])


_F = TypeVar("_F", bound=Callable[..., Any])


def _writes(method: _F) -> _F:
    """Run a public write (read, validate, append, project) in one ``_transaction``."""

    @functools.wraps(method)
    def wrapper(self: Register, *args: Any, **kwargs: Any) -> Any:
        with self._transaction():
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Register:
    """An unlocked register. Close it (or use ``with``) to release the key and the lock."""

    def __init__(self, path: Path, conn: Connection, lock: RegisterLock | None,
                 codelists: Codelists, passphrase: str, kdf_iter: int | None) -> None:
        self.path = path
        self.conn = conn
        self._lock = lock
        self.codelists = codelists
        self._passphrase = passphrase
        self._kdf_iter = kdf_iter
        self.today: Callable[[], date] = today_amsterdam
        self.settings = self._load_settings()
        last = conn.execute("SELECT max(hlc) FROM events").fetchone()[0]
        self._clock = HybridClock(self.settings.device_id or "unknown", last)
        self._last_hash: str | None = None

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def create(cls, path: Path, passphrase: str, device_code: str, handler: str = "",
               *, kdf_iter: int | None = None, demo: bool = False,
               codelists: Codelists | None = None) -> Register:
        if not valid_device_code(device_code):
            raise UserError(f"Ongeldige apparaatcode '{device_code}': {DEVICE_CODE_HELP}.")
        if len(passphrase) < 12:
            raise UserError("De wachtwoordzin moet minstens 12 tekens hebben.")
        if path.exists():
            raise RegisterExists(f"Er staat al een register op {path}.")
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = RegisterLock(path)
        lock.acquire()
        conn: Connection = None
        try:
            conn = connect(path, passphrase, kdf_iter=kdf_iter, create=True)
            schema.migrate(conn, path, backup_dir(path))
            settings = Settings(handler=handler.strip() or "behandelaar",
                                device_code=device_code, device_id=str(uuid.uuid4()),
                                demo=demo)
            conn.execute("BEGIN IMMEDIATE")
            for f in fields(Settings):
                conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)",
                             (f.name, json.dumps(getattr(settings, f.name))))
            audit.write(conn, settings.handler, settings.device_id, "init", device_code)
            conn.execute("COMMIT")
            return cls(path, conn, lock, codelists or load_codelists(codelist_override()),
                       passphrase, kdf_iter)
        except BaseException:
            # A register that was not made whole is not left behind half-made.
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()
            for leftover in (path, path.with_name(path.name + "-wal"),
                             path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
            lock.release()
            raise

    @classmethod
    def open(cls, path: Path, passphrase: str, *, kdf_iter: int | None = None,
             lock: bool = True, codelists: Codelists | None = None,
             audit_unlock: bool = True, check: bool = False) -> Register:
        """Unlock a register. ``check`` runs SQLCipher's page check first (about 0.7 s on
        10,000 cases): the command line does; the GUI runs it in a worker instead, to
        stay within its unlock budget."""
        lk = RegisterLock(path) if lock else None
        if not path.exists():
            raise StorageError(f"Geen register gevonden op {path}. Maak er een met 'init'.")
        if lk:
            lk.acquire()
        try:
            try:
                conn = connect(path, passphrase, kdf_iter=kdf_iter)
            except UserError as exc:
                if isinstance(exc, WrongPassphrase):
                    record_failed_unlock(path)
                raise
            try:
                if check:
                    damage = [r[0] for r in conn.execute("PRAGMA cipher_integrity_check")]
                    if damage:
                        raise NotARegister(damaged_message(path, damage[0]))
                schema.migrate(conn, path, backup_dir(path))
                reg = cls(path, conn, lk, codelists or load_codelists(codelist_override()),
                          passphrase, kdf_iter)
            except (DatabaseError, NotARegister) as exc:
                conn.close()
                if isinstance(exc, NotARegister):
                    raise
                raise NotARegister(damaged_message(path, str(exc))) from None
        except BaseException:
            if lk:
                lk.release()
            raise
        if audit_unlock:
            for at in drain_failed_unlocks(path):
                reg.audit("unlock_failed", f"{path.name} om {at}", "geweigerd")
            reg.audit("unlock", str(path.name))
        return reg

    def worker_connection(self) -> Connection:
        """A second connection for a worker thread (its own key derivation)."""
        return connect(self.path, self._passphrase, kdf_iter=self._kdf_iter,
                       check_same_thread=False)

    def reopen_for_worker(self) -> Register:
        """A Register on a fresh connection, without the lock, for a worker thread."""
        conn = self.worker_connection()
        reg = Register(self.path, conn, None, self.codelists, self._passphrase,
                       self._kdf_iter)
        reg.today = self.today
        return reg

    def close(self) -> None:
        try:
            if self.conn is not None:
                self.conn.close()
        finally:
            self.conn = None
            self._passphrase = ""
            if self._lock:
                self._lock.release()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ settings

    def _load_settings(self) -> Settings:
        values = {k: json.loads(v) for k, v in self.conn.execute(
            "SELECT key, value FROM settings")}
        known = {f.name for f in fields(Settings)}
        return Settings(**{k: v for k, v in values.items() if k in known})

    def update_settings(self, **changes: Any) -> Settings:
        known = {f.name: f for f in fields(Settings)}
        for key in changes:
            if key not in known or key in ("device_id", "device_code"):
                raise UserError(f"Onbekende of vaste instelling '{key}'.")
        with self._transaction():
            for key, value in changes.items():
                self.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                                  (key, json.dumps(value)))
        self.settings = self._load_settings()
        return self.settings

    # ------------------------------------------------------------------ audit

    def audit(self, action: str, obj: str = "", result: str = "ok") -> None:
        with self._transaction():  # the chain head is read and extended atomically
            audit.write(self.conn, self.settings.handler, self.settings.device_id, action,
                        obj, result)

    # ------------------------------------------------------------------ reading

    def events_of(self, entity_id: str) -> list[Event]:
        rows = self.conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE entity_id = ? ORDER BY hlc",
            (entity_id,)).fetchall()
        return _events(rows)

    def all_events(self) -> Iterator[Event]:
        for r in self.conn.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY hlc"):
            yield _event(r)

    def grouped_events(self) -> tuple[list[list[Event]], list[list[Event]]]:
        """Every case's and every signal's events (for metrics and rebuilds)."""
        cases: dict[str, list[Event]] = {}
        signals: dict[str, list[Event]] = {}
        cursor = self.conn.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY entity_id, hlc")
        with paused_gc():
            for ev in _stream_events(cursor):
                (cases if ev.entity == "case" else signals).setdefault(ev.entity_id,
                                                                        []).append(ev)
        return list(cases.values()), list(signals.values())

    # ---------------------------------------------------------- streaming whole-register reads

    def iter_entities(self, *, settled_before: date | None = None) -> Iterator[list[Event]]:
        """Every case's and every signal's events, one entity at a time, in hlc order.

        The whole-register readers (figures, the workbook) fold an entity and let it
        go, so their memory no longer grows with the register (PERFORMANCE.md: under
        1 GB at 100,000 cases). Cases and signals come mixed; tell them apart by
        ``entity``. Exhaust (or close) the generator before writing on this connection.

        ``settled_before`` leaves out the cases that were settled before that day: every
        step dated before it, closed, referred or not taken after a triage. Their fold
        as of any later day is their fold today, and it counts in no figure of a period
        that starts on or after that day (a year's figures then read about one case in
        seven of a register that spans years).
        """
        sql = f"SELECT {EVENT_COLUMNS} FROM events"
        args: tuple[str, ...] = ()
        if settled_before is not None:
            sql += (" WHERE entity_id NOT IN (SELECT entity_id FROM cases WHERE "
                    "last_step_on < ? AND triaged_on IS NOT NULL AND status IN "
                    "('afgerond', 'doorverwezen', 'niet_in_behandeling'))")
            args = (settled_before.isoformat(),)
        cursor = self.conn.execute(sql + " ORDER BY entity_id, hlc", args)
        current: list[Event] = []
        for ev in _stream_events(cursor):
            if current and ev.entity_id != current[0].entity_id:
                yield current
                current = []
            current.append(ev)
        if current:
            yield current

    # ----------------------------------------------------------------------------------------

    def case_id(self, number: str) -> str:
        row = self.conn.execute(
            "SELECT entity_id FROM cases WHERE number = ? OR ref = ? "
            "ORDER BY number = ? DESC LIMIT 1", (number, number, number)).fetchone()
        if row is None:
            raise UnknownCase(f"Casus {number} bestaat niet in dit register.")
        return str(row[0])

    def signal_id(self, number: str) -> str:
        row = self.conn.execute(
            "SELECT entity_id FROM signals WHERE number = ? OR ref = ? "
            "ORDER BY number = ? DESC LIMIT 1", (number, number, number)).fetchone()
        if row is None:
            raise UnknownCase(f"Signaal {number} bestaat niet in dit register.")
        return str(row[0])

    def case(self, number: str, as_of: date | None = None) -> CaseView:
        events = self.events_of(self.case_id(number))
        return CaseView(fold_case(events, as_of), events)

    def signal(self, number: str) -> tuple[SignalState, list[Event], list[str]]:
        sid = self.signal_id(number)
        events = self.events_of(sid)
        state = fold_signal(events)
        cases = [r[0] for r in self.conn.execute(
            "SELECT c.number FROM case_signal cs JOIN cases c ON c.entity_id = cs.case_id "
            "WHERE cs.signal_number = ? ORDER BY c.number", (state.number,))]
        return state, events, cases

    def _where(self, q: CaseQuery) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        args: list[Any] = []
        if q.status:
            clauses.append("c.status = ?")
            args.append(q.status)
        if q.phase:
            clauses.append("c.phase = ?")
            args.append(q.phase)
        if q.route:
            clauses.append("c.route = ?")
            args.append(q.route)
        if q.service:
            clauses.append("c.services LIKE ?")
            args.append(f"% {q.service} %")
        if q.handler:
            clauses.append("c.handler = ?")
            args.append(q.handler)
        if q.received_from:
            clauses.append("c.received_on >= ?")
            args.append(q.received_from.isoformat())
        if q.received_to:
            clauses.append("c.received_on <= ?")
            args.append(q.received_to.isoformat())
        preset = q.preset
        if preset == "te_trieren":
            clauses.append("c.status = 'aangemeld'")
        elif preset == "mijn_werkvoorraad":
            clauses.append("c.handler = ? AND c.status IN ('aangemeld', 'in_behandeling')")
            args.append(self.settings.handler)
        elif preset == "wacht_op_reactie":
            clauses.append("c.phase = 'wacht_op_reactie'")
        elif preset == "open_escalaties":
            clauses.append("c.phase = 'geescaleerd'")
        elif preset == "termijn_14":
            clauses.append("c.status IN ('aangemeld', 'in_behandeling') "
                           "AND c.next_deadline <= ?")
            args.append((self.today() + timedelta(days=14)).isoformat())
        elif preset:
            raise UserError(f"Onbekende selectie '{preset}'.")
        text = q.search.strip()
        if text:
            fts = _fts_query(text)
            if fts:
                clauses.append("c.rowid IN (SELECT rowid FROM cases_fts "
                               "WHERE cases_fts MATCH ?)")
                args.append(fts)
            else:
                like = f"%{text}%"
                clauses.append("(c.number LIKE ? OR c.summary LIKE ? OR c.partner_org LIKE ? "
                               "OR c.topics LIKE ?)")
                args.extend([like, like, like, like])
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return where, args

    def count_cases(self, q: CaseQuery = CaseQuery()) -> int:
        where, args = self._where(q)
        return int(self.conn.execute(f"SELECT count(*) FROM cases c{where}", args).fetchone()[0])

    def list_cases(self, q: CaseQuery = CaseQuery()) -> list[CaseRow]:
        where, args = self._where(q)
        col = SORT_COLUMNS.get(q.sort)
        if col is None:
            raise UserError(f"Kan niet sorteren op '{q.sort}'.")
        direction = "DESC" if q.descending else "ASC"
        order = ", ".join(f"{c} {direction} NULLS LAST" for c in col)
        sql = (
            "SELECT c.entity_id, c.number, c.ref, c.status, c.phase, c.received_on, c.route, "
            "c.partner_type, c.partner_org, c.services, c.topics, c.handler, c.next_deadline, "
            f"c.waiting_since, c.urgent, c.flags, {ENDED_ON} FROM cases c{where} "
            f"ORDER BY {order}, "
            f"c.number {direction} LIMIT ? OFFSET ?"
        )
        rows = self.conn.execute(sql, [*args, max(0, q.limit), max(0, q.offset)])
        return [
            CaseRow(r[0], r[1], r[2], r[3], r[4], date.fromisoformat(r[5]), r[6], r[7], r[8],
                    r[9].split(), r[10].split(), r[11], _d(r[12]), _d(r[13]), bool(r[14]),
                    int(r[15]), _d(r[16]))
            for r in rows
        ]

    def list_signals(self) -> list[SignalRow]:
        rows = self.conn.execute(
            "SELECT s.entity_id, s.number, s.ref, s.title, s.theme, s.status, s.created_on, "
            "s.submitted_on, s.response, s.awaiting_feedback, "
            "(SELECT count(*) FROM case_signal cs WHERE cs.signal_number = s.number) "
            "FROM signals s ORDER BY s.created_on DESC, s.number DESC")
        return [SignalRow(r[0], r[1], r[2], r[3], r[4], r[5], date.fromisoformat(r[6]),
                          _d(r[7]), r[8], bool(r[9]), int(r[10])) for r in rows]

    def open_deadlines(self) -> list[DeadlineRow]:
        """Unmet deadlines of cases that are aangemeld or in behandeling, soonest first."""
        rows = self.conn.execute(
            "SELECT d.event_id, c.number, c.status, d.kind, d.start_on, d.due_on, "
            "d.description, d.in_pause FROM deadlines d JOIN cases c ON c.entity_id = d.case_id "
            "WHERE d.met_on IS NULL AND d.due_on IS NOT NULL "
            "AND c.status IN ('aangemeld', 'in_behandeling') ORDER BY d.due_on, c.number")
        return [DeadlineRow(r[0], r[1], r[2], r[3], _d(r[4]), date.fromisoformat(r[5]), r[6],
                            bool(r[7])) for r in rows]

    def partner_orgs(self, prefix: str = "", limit: int = 50) -> list[str]:
        rows = self.conn.execute(
            "SELECT DISTINCT partner_org FROM cases WHERE partner_org IS NOT NULL "
            "AND partner_org LIKE ? ORDER BY partner_org LIMIT ?", (f"{prefix}%", limit))
        return [r[0] for r in rows]

    def handlers(self) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT handler FROM cases WHERE handler IS NOT NULL ORDER BY handler")]

    def data_version(self) -> int:
        """A number that changes whenever another connection commits (SQLite's
        ``PRAGMA data_version``): a reader's connection can tell its cached results
        are stale without reading the data again."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def open_cases_by_handler(self) -> list[HandlerLoad]:
        """Cases aangemeld and in behandeling per handler, in one query, by handler name
        (the same counts as ``count_cases(CaseQuery(handler=..., status=...))``)."""
        rows = self.conn.execute(
            "SELECT handler, sum(status = 'aangemeld'), sum(status = 'in_behandeling') "
            "FROM cases WHERE status IN ('aangemeld', 'in_behandeling') "
            "GROUP BY handler ORDER BY handler IS NULL, handler")
        return [HandlerLoad(r[0], int(r[1]), int(r[2])) for r in rows]

    def counts(self) -> dict[str, int]:
        return {
            "events": int(self.conn.execute("SELECT count(*) FROM events").fetchone()[0]),
            "cases": int(self.conn.execute("SELECT count(*) FROM cases").fetchone()[0]),
            "signals": int(self.conn.execute("SELECT count(*) FROM signals").fetchone()[0]),
        }

    def device_activity(self) -> list[DeviceActivity]:
        """Per device that made events: count, latest stamp and last bundle receipt.

        The device code comes from the bundle receipts, else from this register's own
        settings, else from a case or signal number the device issued
        (``YYYY-DEV-NNNN``, ``S-YYYY-DEV-NNN``). Ordered by device code.
        """
        receipts = {r[0]: (r[1], r[2]) for r in self.conn.execute(
            "SELECT device, device_code, received_at FROM device_receipts")}
        numbers = {r[0]: r[1] for r in self.conn.execute(
            "SELECT device, min(number) FROM events WHERE number IS NOT NULL "
            "GROUP BY device")}
        out: list[DeviceActivity] = []
        for device, count, last_hlc, last_at in self.conn.execute(
                "SELECT device, count(*), max(hlc), max(recorded_at) FROM events "
                "GROUP BY device"):
            code: str | None
            received: str | None = None
            if device in receipts:
                code, received = receipts[device]
            elif device == self.settings.device_id:
                code = self.settings.device_code
            else:
                code = _device_code_of(numbers.get(device))
            out.append(DeviceActivity(str(device), code, int(count), str(last_hlc),
                                      str(last_at), received))
        out.sort(key=lambda d: (d.device_code or "", d.device))
        return out

    # ------------------------------------------------------------------ writing

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """One write transaction; reentrant, so a step and its audit row commit together.

        The chain head and the clock are read from the database inside the transaction:
        a worker thread's own connection may have appended since this one last wrote,
        and a cached head would fork this laptop's hash chain.
        """
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            last = self.conn.execute("SELECT max(hlc) FROM events").fetchone()[0]
            if last:
                self._clock.observe(last)
            self._last_hash = None
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        finally:
            self._last_hash = None

    def _prev_hash(self) -> str:
        if self._last_hash is None:
            row = self.conn.execute(
                "SELECT hash FROM events WHERE device = ? ORDER BY hlc DESC LIMIT 1",
                (self.settings.device_id,)).fetchone()
            self._last_hash = row[0] if row else ZERO_HASH
        return self._last_hash

    def _insert(self, events: Sequence[Event]) -> None:
        """Insert events of this device, extending its hash chain (inside a transaction)."""
        prev = self._prev_hash()
        rows = []
        for ev in sorted(events, key=lambda e: e.hlc):
            p_hash = payload_hash(ev.payload)
            h = event_hash(prev, ev.meta(), p_hash)
            rows.append((ev.id, ev.entity, ev.entity_id, ev.number, ev.kind,
                         ev.occurred_on.isoformat(), ev.recorded_at or utc_now_iso(), ev.hlc,
                         ev.actor, ev.device, canonical_json(ev.payload), p_hash, prev, h,
                         ev.flag))
            prev = h
        self.conn.executemany(
            "INSERT INTO events (id, entity, entity_id, number, kind, occurred_on, recorded_at,"
            " hlc, actor, device, payload_json, payload_hash, prev_hash, hash, flag) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self._last_hash = prev

    def _new_event(self, entity: str, entity_id: str, number: str | None, kind: str,
                   payload: dict[str, Any], others: Mapping[str, Event]) -> Event:
        on = occurred_on_for(kind, payload, others)
        return Event(new_id(), entity, entity_id, number, kind, on, self._clock.next(),
                     self.settings.handler, self.settings.device_id, payload, utc_now_iso())

    def _check_dates(self, ev: Event) -> None:
        if ev.occurred_on > self.today():
            raise RuleViolation(
                f"{kind_label(ev.kind)}: de datum {ev.occurred_on.strftime('%d-%m-%Y')} "
                "ligt in de toekomst")

    def _commit(self, ev: Event, old: list[Event]) -> CaseState | SignalState:
        """Re-check the whole sequence, then append and project (inside ``_transaction``)."""
        self._check_dates(ev)
        fold: Callable[[Sequence[Event]], CaseState | SignalState] = (
            fold_case if ev.entity == "case" else fold_signal)
        before = {v for v in fold(old).violations} if old else set()
        new_state = fold([*old, ev])
        fresh = [v for v in new_state.violations if v not in before]
        if fresh:
            raise RuleViolation(f"{kind_label(ev.kind)} kan niet: {fresh[0][1]}")
        self._insert([ev])
        if ev.entity == "case":
            return write_case(self.conn, [*old, ev], self.codelists)
        return write_signal(self.conn, [*old, ev])

    def _payload(self, kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
        payload = validate_payload(kind, data, self.codelists)
        if kind == "deadline_set" and "due_on" not in payload:
            due = compute_due_on(payload["deadline_kind"], date.fromisoformat(payload["start_on"]))
            if due is not None:
                payload["due_on"] = due.isoformat()
        return payload

    def _next_number(self, entity: str, year: int) -> str:
        code = self.settings.device_code
        prefix = f"{year:04d}-{code}-" if entity == "case" else f"S-{year:04d}-{code}-"
        pattern = f"%-{code}-%"
        seq = 0
        for (num,) in self.conn.execute(
                "SELECT number FROM events WHERE entity = ? AND number LIKE ?",
                (entity, pattern)):
            tail = str(num).rsplit("-", 1)[-1]
            if tail.isdigit():
                seq = max(seq, int(tail))
        width = 4 if entity == "case" else 3
        return f"{prefix}{seq + 1:0{width}d}"

    @_writes
    def register_case(self, data: Mapping[str, Any],
                      personal: Mapping[str, str] | None = None) -> CaseState:
        payload = self._payload("registered", data)
        payload.pop("ref", None)
        number = self._next_number("case", date.fromisoformat(payload["received_on"]).year)
        entity_id = new_id()
        ev = self._new_event("case", entity_id, number, "registered", payload, {})
        clean = self._check_personal(personal) if personal else {}
        state = self._commit(ev, [])
        if clean:
            self.set_personal(number, clean, audit_it=False)
        assert isinstance(state, CaseState)
        return state

    @_writes
    def create_signal(self, data: Mapping[str, Any]) -> SignalState:
        payload = self._payload("signal_created", data)
        payload.pop("ref", None)
        number = self._next_number("signal", date.fromisoformat(payload["created_on"]).year)
        ev = self._new_event("signal", new_id(), number, "signal_created", payload, {})
        state = self._commit(ev, [])
        assert isinstance(state, SignalState)
        return state

    @_writes
    def append(self, number: str, kind: str, data: Mapping[str, Any]) -> CaseState:
        """Record one step of a case (validated against the payload and the rules)."""
        if kind not in CASE_KINDS or kind == "registered":
            raise UserError(f"'{kind}' is geen stap die aan een casus kan worden toegevoegd.")
        entity_id = self.case_id(number)
        old = self.events_of(entity_id)
        payload = self._payload(kind, data)
        if kind in ("signal_linked", "signal_unlinked"):
            sid = self.signal_id(payload["signal"])
            row = self.conn.execute("SELECT number FROM signals WHERE entity_id = ?",
                                    (sid,)).fetchone()
            payload["signal"] = row[0]
            if kind == "signal_linked" and row[0] in fold_case(old).signals:
                raise RuleViolation(f"Signaal {row[0]} is al aan deze casus gekoppeld.")
        if kind == "story_approved":
            self._check_four_eyes(old, payload)
        ev = self._new_event("case", entity_id, None, kind, payload, {e.id: e for e in old})
        state = self._commit(ev, old)
        assert isinstance(state, CaseState)
        return state

    @staticmethod
    def _check_four_eyes(old: list[Event], payload: Mapping[str, Any]) -> None:
        """The approver named in ``by`` is not who recorded the story (DOMAIN.md).

        Checked here, on the act of recording, even when story and approval fall in one
        second; the fold checks it too, except for steps that one import recorded
        together (their actor is the importer, not the author).
        """
        on = date.fromisoformat(str(payload["on"]))
        stories = [e for e in fold_case(old).effective if e.kind == "story" and e.on <= on]
        by = str(payload.get("by", "")).strip().casefold()
        if stories and by == stories[-1].event.actor.strip().casefold():
            raise RuleViolation(f"{stories[-1].event.actor} schreef het verhaal: een ander "
                                "moet het goedkeuren (vier ogen).")

    @_writes
    def append_signal(self, number: str, kind: str, data: Mapping[str, Any]) -> SignalState:
        if kind not in SIGNAL_KINDS or kind == "signal_created":
            raise UserError(f"'{kind}' is geen stap die aan een signaal kan worden toegevoegd.")
        entity_id = self.signal_id(number)
        old = self.events_of(entity_id)
        ev = self._new_event("signal", entity_id, None, kind, self._payload(kind, data),
                             {e.id: e for e in old})
        state = self._commit(ev, old)
        assert isinstance(state, SignalState)
        return state

    def link_signal(self, case_number: str, signal_number: str, on: date) -> CaseState:
        return self.append(case_number, "signal_linked",
                           {"on": on.isoformat(), "signal": signal_number})

    def unlink_signal(self, case_number: str, signal_number: str, on: date) -> CaseState:
        return self.append(case_number, "signal_unlinked",
                           {"on": on.isoformat(), "signal": signal_number})

    def _entity_of_event(self, event_id: str) -> tuple[str, list[Event], Event]:
        row = self.conn.execute("SELECT entity_id FROM events WHERE id = ?",
                                (event_id,)).fetchone()
        if row is None:
            raise UnknownCase(f"Stap {event_id} bestaat niet in dit register.")
        events = self.events_of(str(row[0]))
        target = next(e for e in events if e.id == event_id)
        return str(row[0]), events, target

    @_writes
    def correct(self, target_id: str, data: Mapping[str, Any], reason: str
                ) -> CaseState | SignalState:
        """Replace a step's payload; supersedes the current correction automatically."""
        entity_id, events, target = self._entity_of_event(target_id)
        if target.kind in ("corrected", "retracted"):
            raise RuleViolation("Corrigeer de oorspronkelijke stap, niet een correctie.")
        inner = self._payload(target.kind, data)
        if target.kind in ("signal_linked", "signal_unlinked"):
            inner["signal"] = target.payload.get("signal")
        fixes = [e for e in events if e.kind == "corrected"
                 and e.payload.get("target") == target_id]
        retracted = {str(e.payload.get("target")) for e in events if e.kind == "retracted"}
        if target_id in retracted:
            raise RuleViolation("Deze stap is vervallen en kan niet meer worden gecorrigeerd.")
        live = [e for e in fixes if e.id not in retracted]
        body: dict[str, Any] = {"target": target_id, "payload": inner, "reason": reason}
        if live:
            body["supersedes"] = live[-1].id
        payload = validate_payload("corrected", body, self.codelists)
        ev = self._new_event(target.entity, entity_id, None, "corrected", payload,
                             {e.id: e for e in events})
        return self._commit(ev, events)

    @_writes
    def retract(self, target_id: str, reason: str) -> CaseState | SignalState:
        entity_id, events, target = self._entity_of_event(target_id)
        if target.kind in ("registered", "signal_created"):
            raise RuleViolation("De eerste stap kan niet vervallen; een casus of signaal wordt "
                                "alleen vernietigd volgens de bewaartermijn.")
        if target.kind == "retracted":
            raise RuleViolation("Een intrekking kan niet zelf vervallen.")
        if any(e.kind == "retracted" and e.payload.get("target") == target_id for e in events):
            raise RuleViolation("Deze stap is al vervallen.")
        payload = validate_payload("retracted", {"target": target_id, "reason": reason},
                                   self.codelists)
        ev = self._new_event(target.entity, entity_id, None, "retracted", payload,
                             {e.id: e for e in events})
        return self._commit(ev, events)

    # ------------------------------------------------------------------ personal data (P2)

    def _check_personal(self, data: Mapping[str, str]) -> dict[str, str]:
        errors: list[FieldError] = []
        clean: dict[str, str] = {}
        for key, value in data.items():
            if key not in PERSONAL_KEYS:
                errors.append(FieldError(key, "onbekend persoonsgegeven"))
                continue
            text = (value or "").strip()
            if key == "bsn" and text:
                if not is_valid_bsn(text):
                    errors.append(FieldError("bsn", "geen geldig BSN (voldoet niet aan de "
                                                    "11-proef)"))
                text = "".join(ch for ch in text if ch.isdigit()).zfill(9)
            clean[key] = text
        if errors:
            raise ValidationFailed(errors)
        return clean

    def set_personal(self, number: str, data: Mapping[str, str], *,
                     audit_it: bool = True) -> None:
        entity_id = self.case_id(number)
        clean = self._check_personal(data)
        now = utc_now_iso()
        with self._transaction():
            for key, value in clean.items():
                if value:
                    self.conn.execute(
                        "INSERT OR REPLACE INTO personal (entity_id, key, value, updated_at) "
                        "VALUES (?, ?, ?, ?)", (entity_id, key, value, now))
                else:
                    self.conn.execute("DELETE FROM personal WHERE entity_id = ? AND key = ?",
                                      (entity_id, key))
            if audit_it:
                self.audit("edit_personal", number, ",".join(sorted(clean)))

    def personal(self, number: str, *, purpose: str = "view_personal") -> dict[str, str]:
        """P2 data of a case; every read is audited (who, which case, why)."""
        entity_id = self.case_id(number)
        rows = self.conn.execute("SELECT key, value FROM personal WHERE entity_id = ?",
                                 (entity_id,))
        data = {k: v for k, v in rows}
        self.audit(purpose, number)
        return data

    def personal_by_entity(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for eid, key, value in self.conn.execute("SELECT entity_id, key, value FROM personal"):
            out.setdefault(eid, {})[key] = value
        return out

    # ------------------------------------------------------------------ bulk

    def insert_batch(self, events: Sequence[Event],
                     personal: Mapping[str, Mapping[str, str]] | None = None) -> None:
        """Append many events of this device in one transaction and project them."""
        touched: dict[str, str] = {}
        batch: dict[str, list[Event]] = {}
        for ev in events:
            touched[ev.entity_id] = ev.entity
            batch.setdefault(ev.entity_id, []).append(ev)
        # An entity whose first event is in the batch has no older events to read.
        fresh = {eid: evs for eid, evs in batch.items()
                 if any(e.kind in ("registered", "signal_created") for e in evs)}
        with self._transaction(), paused_gc():
            self._insert(events)
            now = utc_now_iso()
            for eid, data in (personal or {}).items():
                for key, value in data.items():
                    self.conn.execute(
                        "INSERT OR REPLACE INTO personal (entity_id, key, value, updated_at) "
                        "VALUES (?, ?, ?, ?)", (eid, key, value, now))
            self.project(touched, fresh)
        if events:
            self._clock.observe(max(e.hlc for e in events))

    def project(self, touched: Mapping[str, str],
                known: Mapping[str, Sequence[Event]] | None = None) -> None:
        """Re-fold the touched cases and signals (inside the caller's transaction).

        ``known`` holds entities whose complete event lists the caller already has.
        """
        new_cases = [list(known[eid]) for eid, entity in touched.items()
                     if known and eid in known and entity == "case"]
        insert_cases_bulk(self.conn, new_cases, self.codelists)
        for eid, entity in touched.items():
            if known and eid in known and entity == "case":
                continue
            evs = list(known[eid]) if known and eid in known else self.events_of(eid)
            if entity == "case":
                write_case(self.conn, evs, self.codelists)
            else:
                write_signal(self.conn, evs)

    def rebuild_projections(self) -> dict[str, int]:
        """Refold every case and signal and replace all projections, in one transaction."""
        cases, signals = self.grouped_events()
        with self._transaction(), paused_gc():
            rebuild_all(self.conn, cases, signals, self.codelists)
        self.audit("rebuild", self.path.name, f"{len(cases)} casussen, {len(signals)} signalen")
        return {"cases": len(cases), "signals": len(signals)}

    @property
    def clock(self) -> HybridClock:
        return self._clock



def _device_code_of(number: str | None) -> str | None:
    if not number:
        return None
    parts = str(number).split("-")
    if parts[0] == "S":
        parts = parts[1:]
    return parts[1] if len(parts) >= 3 and valid_device_code(parts[1]) else None


def damaged_message(path: Path, detail: str) -> str:
    return (f"Het register {path.name} is beschadigd ({detail}). Er is niets gewijzigd; "
            "zet een back-up terug met 'casusregister restore'.")


def integrity_problems(conn: Connection, full: bool = False) -> list[str]:
    """SQLCipher's page HMACs and SQLite's structure, as Dutch lines (empty: in order).

    Not run inside ``open``: on 10,000 cases the two scans take about 2 s, far over the
    unlock budget. Every page read is HMAC-checked by SQLCipher anyway, so damage in
    what a command touches surfaces at once; the GUI runs this scan in a worker right
    after unlocking and ``verify`` runs it (``full``: ``integrity_check``) in full.
    """
    problems: list[str] = []
    try:
        problems += [f"versleuteling: {r[0]}" for r in
                     conn.execute("PRAGMA cipher_integrity_check")]
        pragma = "integrity_check" if full else "quick_check"
        result = [r[0] for r in conn.execute(f"PRAGMA {pragma}")]
        if result != ["ok"]:
            problems += [f"databasestructuur: {r}" for r in result[:20]]
    except DatabaseError as exc:
        problems.append(f"het databasebestand is beschadigd: {exc}")
    return problems


def _fts_query(text: str) -> str | None:
    """Each word as a quoted trigram phrase; None when a word is too short for trigrams."""
    words = [w for w in text.replace('"', " ").split() if w]
    if not words or any(len(w) < 3 for w in words):
        return None
    return " AND ".join(f'"{w}"' for w in words)


__all__ = [
    "PRESETS",
    "CaseQuery",
    "CaseRow",
    "CaseView",
    "DeadlineRow",
    "DeviceActivity",
    "Register",
    "Settings",
    "SignalRow",
    "codes_text",
]
