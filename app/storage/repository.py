"""The register: the one API both front doors use (docs/ARCHITECTURE.md).

Every write goes through ``_append``: validate the payload, replay the entity's whole
sorted sequence through the workflow rules, append the event with its hash-chain
links, update the projections and commit, all in one transaction. A handler's step is
its own transaction (``synchronous=FULL``), so an acknowledged step survives a crash.
"""

from __future__ import annotations

import contextlib
import functools
import json
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from app.model import recovery
from app.model.bulk import paused_gc
from app.model.canonical import number_code
from app.model.codelists import Codelists, load_codelists
from app.model.dates import today as today_amsterdam
from app.model.dates import utc_now_iso
from app.model.deadlines import compute_due_on
from app.model.device import DEVICE_CODE_HELP, valid_device_code
from app.model.errors import FieldError, UserError, ValidationFailed
from app.model.eventlog import (
    ZERO_HASH,
    Event,
    HybridClock,
    event_hash,
    new_id,
    sha256_hex,
)
from app.model.events import (
    business_date,
    canonical_json,
    validate_payload,
)
from app.model.fold import CaseState, SignalState, fold_case, fold_signal
from app.model.interchange import clean_personal, occurred_on_for
from app.model.kinds import (
    DESTROYABLE,
    FIRST_KINDS,
    OPEN_STATUSES,
    SIGNAL_LINK_KINDS,
    Kind,
    Phase,
    Status,
)
from app.model.nlformat import soon_horizon
from app.model.passphrase import problems as passphrase_problems
from app.model.recording import (
    check_append,
    check_case_step,
    check_correctable,
    check_retractable,
    check_signal_step,
    check_step,
    correction,
)
from app.model.settings import SECRET_SETTINGS, check_setting
from app.model.team_week import DeviceLine, device_line
from app.storage import audit, crypto, eventrows, keyring, schema, seal, unlock
from app.storage.crypto import DEFAULT_KDF, KdfParams
from app.storage.db import Connection, DatabaseError, connect, translate
from app.storage.errors import (
    KeyringProblem,
    ReadOnlyRegister,
    RegisterExists,
    StorageError,
    UnknownCase,
)
from app.storage.eventrows import (
    ENTITY_CODES,
    Decoder,
    StoredHashes,
    device_map,
    event_row,
    hlc_int,
    hlc_text,
    uuid_bytes,
    uuid_text,
)
from app.storage.files import private_dir, restrict
from app.storage.keyring import Keyring, keyring_path
from app.storage.lock import RegisterLock
from app.storage.paths import backup_dir, codelist_override
from app.storage.projections import (
    codes_text,
    insert_cases_bulk,
    rebuild_all,
    write_case,
    write_signal,
)


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
    #: the team's exchange passphrase for bundles (docs/ARCHITECTURE.md): kept here, inside the
    #: encrypted register, never shown back in full (Beheer -> Instellingen)
    exchange_passphrase: str = field(default="", repr=False)
    #: after restoring a backup older than what this laptop already sent in a bundle:
    #: its own event count must reach this before it takes a new step (docs/SECURITY.md)
    awaiting_own_events: int = 0


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


def _sql_list(values: Iterable[str]) -> str:
    """Statuses (fixed words of the program, never input) as an SQL list, in order."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


#: ``status IN`` these: the case is still with the office (``kinds.OPEN_STATUSES``).
OPEN_SQL = _sql_list(OPEN_STATUSES)
#: ``status IN`` these: the case has left the office (``kinds.DESTROYABLE``).
SETTLED_SQL = _sql_list(s for s in Status if s in DESTROYABLE)

#: The day a case stopped ageing: its closing, or the triage that sent it elsewhere.
ENDED_ON = (f"CASE WHEN c.status = '{Status.AFGEROND}' THEN c.closed_on "
            f"WHEN c.status IN {_sql_list((Status.DOORVERWEZEN, Status.NIET_IN_BEHANDELING))} "
            f"THEN c.triaged_on WHEN c.status = '{Status.VERNIETIGD}' THEN c.last_step_on END")

SORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "number": ("c.number",),
    "received_on": ("c.received_on",),
    "route": ("c.route", "c.partner_type"),
    "services": ("c.services",),
    "topics": ("c.topics",),
    "status": ("c.status", "c.phase"),
    # the handler's calendar day, as the list's age column counts it (not UTC's)
    "age": (f"julianday(coalesce({ENDED_ON}, date('now', 'localtime'))) "
            "- julianday(c.received_on)",),
    "waiting": ("c.waiting_since",),
    "next_deadline": ("c.next_deadline",),
    "handler": ("c.handler",),
}

#: Sorts an index of ``cases`` serves: a search walks that index and stops at the window.
INDEXED_SORTS = frozenset({"number", "received_on", "status", "waiting", "next_deadline",
                           "handler"})

PRESETS: dict[str, str] = {
    "te_trieren": "Te triëren",
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
    handler: str | None = None  # as the device named itself in its bundles
    received_from: str | None = None  # the file name of that last bundle


@dataclass
class CaseView:
    """A case as the case tab shows it: its fold and every stored event."""

    state: CaseState
    events: list[Event] = field(default_factory=list)


def _d(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


_F = TypeVar("_F", bound=Callable[..., Any])


def _writes(method: _F) -> _F:
    """Run a public write (read, validate, append, project) in one ``_transaction``."""

    @functools.wraps(method)
    def wrapper(self: Register, *args: Any, **kwargs: Any) -> Any:
        self._require_writable()
        with self._transaction():
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Register:
    """An unlocked register. Close it (or use ``with``) to release the key and the lock.

    Only the data key stays in memory while unlocked (docs/SECURITY.md, Keys v2): worker
    connections key themselves with it instantly, and the passphrase is never kept.
    """

    def __init__(self, path: Path, conn: Connection, lock: RegisterLock | None,
                 codelists: Codelists, key: bytes, *, seal: bool = True) -> None:
        self.path = path
        self.conn = conn
        self._lock = lock
        self.codelists = codelists
        self._key = key
        # Freed pages and cells are zeroed (docs/SECURITY.md "Erasure"): on every connection,
        # not only while erasing, because each step rewrites its case's projection row
        # and FTS entry, and a copy freed before an erasure would otherwise keep the
        # erased text in the file. Measured: no difference per step (fsync dominates).
        conn.execute("PRAGMA secure_delete = ON")
        self.today: Callable[[], date] = today_amsterdam
        self.settings = self._load_settings()
        self._clock = HybridClock(self.settings.device_id or "unknown")
        self._observe_clock()
        self._device_num = self._own_device_number()
        #: why the register opened read-only (behind its seal); empty when writable
        self.behind_seal: list[str] = []
        #: a recovery code to show once (after ``create``, a migration or ``rekey``)
        self.new_recovery_code: str | None = None
        self._seals = seal

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def create(cls, path: Path, passphrase: str, device_code: str, handler: str = "",
               *, kdf: KdfParams = DEFAULT_KDF, demo: bool = False,
               codelists: Codelists | None = None) -> Register:
        """Make a register and its keyring. Only ``init`` and the first-run wizard call
        this; the recovery code is in ``new_recovery_code``, to be shown once."""
        if not valid_device_code(device_code):
            raise UserError(f"Ongeldige apparaatcode '{device_code}': {DEVICE_CODE_HELP}.")
        refused = passphrase_problems(passphrase)
        if refused:
            raise UserError(refused[0])
        if not handler.strip():
            raise UserError("Geef de naam van de behandelaar op (--handler): die naam staat "
                            "bij elke stap die u vastlegt.")
        ring_path = keyring_path(path)
        if path.exists() or ring_path.exists():
            raise RegisterExists(f"Er staat al een register op {path}.")
        private_dir(path.parent)
        lock = RegisterLock(path)
        lock.acquire()
        conn: Connection = None
        try:
            key, salt = crypto.random_key(), crypto.random_salt()
            conn = connect(path, key, salt=salt, create=True)
            restrict(path)
            schema.migrate(conn, path, backup_dir(path))
            settings = Settings(handler=handler.strip(), device_code=device_code,
                                device_id=str(uuid.uuid4()), demo=demo)
            conn.execute("BEGIN IMMEDIATE")
            for f in fields(Settings):
                conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)",
                             (f.name, json.dumps(getattr(settings, f.name))))
            conn.execute("INSERT INTO devices (uuid, code, handler) VALUES (?, ?, ?)",
                         (uuid_bytes(settings.device_id), device_code, settings.handler))
            audit.write(conn, settings.handler, settings.device_id, "init", device_code)
            conn.execute("COMMIT")
            keyring.write(ring_path, Keyring.new(key, passphrase, salt, kdf))
            reg = cls(path, conn, lock, codelists or load_codelists(codelist_override()), key)
            reg.new_recovery_code = recovery.encode(key)
            reg.reseal()
            return reg
        except BaseException:
            # A register that was not made whole is not left behind half-made.
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()
            for leftover in (path, path.with_name(path.name + "-wal"),
                             path.with_name(path.name + "-shm"), ring_path):
                leftover.unlink(missing_ok=True)
            lock.release()
            raise

    @classmethod
    def open(cls, path: Path, passphrase: str, *, kdf: KdfParams = DEFAULT_KDF,
             legacy_kdf_iter: int | None = None, lock: bool = True,
             codelists: Codelists | None = None, audit_unlock: bool = True) -> Register:
        """Unlock with the passphrase (the keyring decides whether it is right).

        ``lock``: hold the one-window lock (the GUI, and commands that need the
        register closed everywhere: restore, rekey). Other commands run beside the GUI.
        ``kdf`` is the cost for a keyring this call writes (a first-release register's
        migration); ``legacy_kdf_iter`` opens such a register made cheaply by a test.
        """
        return cls._unlock(path, lambda: unlock.with_passphrase(
            path, passphrase, kdf=kdf, legacy_kdf_iter=legacy_kdf_iter),
            lock=lock, codelists=codelists, audit_unlock=audit_unlock)

    @classmethod
    def open_with_recovery_code(cls, path: Path, code: str, *, lock: bool = True,
                                codelists: Codelists | None = None) -> Register:
        """Unlock with the recovery code (``recover``; "Wachtwoordzin vergeten")."""
        try:
            key = recovery.decode(code)
        except recovery.BadRecoveryCode as exc:
            raise UserError(str(exc)) from None
        return cls._unlock(path, lambda: unlock.with_key(path, key), lock=lock,
                           codelists=codelists, audit_unlock=True, how="recovery_code")

    @classmethod
    def _unlock(cls, path: Path, opener: Callable[[], unlock.Unlocked], *, lock: bool,
                codelists: Codelists | None, audit_unlock: bool, how: str = "unlock"
                ) -> Register:
        lk = RegisterLock(path) if lock else None
        if lk:
            unlock.check_file(path)
            lk.acquire()
        try:
            opened = opener()
            try:
                schema.migrate(opened.conn, path, backup_dir(path))
                reg = cls(path, opened.conn, lk,
                          codelists or load_codelists(codelist_override()), opened.key)
            except DatabaseError as exc:
                opened.conn.close()
                raise translate(exc, path) from None
            except BaseException:
                opened.conn.close()
                raise
        except BaseException:
            if lk:
                lk.release()
            raise
        reg.new_recovery_code = opened.new_recovery_code
        try:
            reg._check_seal()
            if audit_unlock:
                for at in opened.failed:
                    reg.audit("unlock_failed", f"{path.name} om {at}", "geweigerd")
                for what in opened.events:
                    reg.audit(what, path.name)
                reg.audit(how, path.name, "alleen lezen" if reg.behind_seal else "ok")
        except BaseException as exc:
            # A busy or full disk on the unlock's audit row: closed and unlocked again,
            # so a retry in the same program is not refused by its own lock.
            reg.close()
            if isinstance(exc, DatabaseError):
                raise translate(exc, path) from None
            raise
        return reg

    def worker_connection(self) -> Connection:
        """A second connection for a worker thread: keyed with the data key, instantly."""
        return connect(self.path, self._key, check_same_thread=False)

    def reopen_for_worker(self) -> Register:
        """A Register on a fresh connection, without the lock, for a worker thread."""
        reg = Register(self.path, self.worker_connection(), None, self.codelists, self._key)
        reg.today = self.today
        reg.behind_seal = list(self.behind_seal)
        return reg

    def close(self) -> None:
        try:
            if self.conn is not None:
                self.conn.close()
        finally:
            self.conn = None
            self._key = b""
            if self._lock:
                self._lock.release()

    def __enter__(self) -> Register:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ keys and seal

    @property
    def data_key(self) -> bytes:
        """For the storage layer's own modules (backup, rekey, bundles): never shown."""
        if not self._key:
            raise StorageError("Het register is vergrendeld.")
        return self._key

    def switch_key(self, key: bytes) -> None:
        """After ``PRAGMA rekey``: reconnect under the new key (a fresh connection; the
        rekeyed one keeps a stale page-authentication context)."""
        self.conn.close()
        self._key = key
        self.conn = connect(self.path, key)
        self.conn.execute("PRAGMA secure_delete = ON")  # per connection, as in __init__
        self.reseal()

    @property
    def keyring_path(self) -> Path:
        return keyring_path(self.path)

    @property
    def holds_lock(self) -> bool:
        """Whether this register holds the one-window lock (restore and rekey need it)."""
        return self._lock is not None

    @property
    def read_only(self) -> bool:
        return bool(self.behind_seal)

    def _check_seal(self) -> None:
        if not self.keyring_path.exists():
            return  # opened with the recovery code; ``recover`` writes a new keyring
        ring = keyring.read(self.keyring_path)
        if ring.seal is None or not ring.seal.valid(self._key):
            self.reseal()
            return
        self.behind_seal = seal.behind(self.conn, ring.seal)
        if not self.behind_seal:
            self.reseal()

    def reseal(self) -> None:
        """Record the register's state in the keyring, right after a commit.

        Never while the register is behind its old seal: then the handler chooses
        (restore a backup, or ``accept_seal``). No fsync: a seal older than the
        register is the normal "ahead" case and is re-sealed on the next open.
        """
        if self.behind_seal or not self._seals or self.conn is None:
            return
        state = seal.current(self.conn).signed(self._key)
        with contextlib.suppress(KeyringProblem):  # gone while open: the next open says so
            keyring.update(self.keyring_path, lambda k: replace(k, seal=state), fsync=False)

    def accept_seal(self, reason: str) -> None:
        """Accept a register that is behind its seal as it is now (audited)."""
        if not reason.strip():
            raise UserError("Geef een reden op (--reason): die komt in het auditlogboek.")
        was = "; ".join(self.behind_seal) or "niet achter"
        self.behind_seal = []
        self.audit("seal_accept", self.path.name, f"{reason.strip()} ({was})")
        self.reseal()

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """One write transaction for the storage layer's own modules (a merge, the
        exchange bookkeeping): the chain head and the clock re-read, re-sealed after."""
        return self._transaction()

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction: what is read inside it is one state of the register,
        even while another connection (the GUI, a CLI command) commits steps."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.execute("COMMIT")

    def require_writable(self) -> None:
        """Refuse before work starts when the register may take no new step."""
        self._require_writable()

    def _require_writable(self) -> None:
        if self.behind_seal:
            raise ReadOnlyRegister(read_only_message(self.behind_seal))
        if self.missing_own_events():
            raise ReadOnlyRegister(
                f"Deze laptop mist {self.missing_own_events()} eigen stappen die al in een "
                "bundel naar de teamleider zijn gegaan (een oudere back-up is teruggezet). "
                "Lees eerst de volledige bundel van de teamleider in ('casusregister bundle "
                "import BESTAND'); daarna kunt u weer stappen vastleggen.")

    def own_events(self) -> int:
        row = self.conn.execute("SELECT events FROM devices WHERE num = ?",
                                (self._device_num,)).fetchone()
        return int(row[0]) if row else 0

    def missing_own_events(self) -> int:
        """Own events sent before a restore that this register does not hold yet."""
        waiting = self.settings.awaiting_own_events
        if not waiting:
            return 0
        missing = max(0, waiting - self.own_events())
        if not missing:  # the team lead's bundle gave them back
            with self._transaction():
                self.conn.execute("DELETE FROM settings WHERE key = 'awaiting_own_events'")
            self.settings = self._load_settings()
        return missing

    # ------------------------------------------------------------------ settings

    def _load_settings(self) -> Settings:
        values = {k: json.loads(v) for k, v in self.conn.execute(
            "SELECT key, value FROM settings")}
        known = {f.name for f in fields(Settings)}
        return Settings(**{k: v for k, v in values.items() if k in known})

    def reload_settings(self) -> Settings:
        """Read the settings again: another connection (the GUI's, beside a worker's)
        may have changed them, and new steps must carry the current handler name."""
        self.settings = self._load_settings()
        return self.settings

    def update_settings(self, **changes: Any) -> Settings:
        """Change settings (Beheer -> Instellingen), each change one audit row.

        The device code can change only while this laptop has issued no case or signal
        number (its code is in every number it issued); the exchange passphrase is
        audited as changed, never with its value.
        """
        self._require_writable()
        known = {f.name: f for f in fields(Settings)}
        for key in changes:
            if key not in known or key in ("device_id", "awaiting_own_events"):
                raise UserError(f"Onbekende of vaste instelling '{key}'.")
        clean = {key: check_setting(key, value) for key, value in changes.items()}
        if "device_code" in clean and clean["device_code"] != self.settings.device_code \
                and self.last_sequence("case") + self.last_sequence("signal"):
            raise UserError("De apparaatcode staat in de nummers van de casussen en signalen "
                            "van deze laptop en kan niet meer worden gewijzigd.")
        old = self.settings
        with self._transaction():
            for key, value in clean.items():
                before = getattr(old, key)
                if value == before:
                    continue
                self.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                                  (key, json.dumps(value)))
                if key == "device_code":
                    self.conn.execute("UPDATE devices SET code = ? WHERE num = ?",
                                      (value, self._device_num))
                shown = "gewijzigd" if key in SECRET_SETTINGS else f"{before} -> {value}"
                audit.write(self.conn, old.handler, old.device_id, "settings_change", key,
                            shown)
        self.settings = self._load_settings()
        return self.settings

    @contextmanager
    def writing(self, *, steps: bool = True) -> Iterator[None]:
        """A write transaction for the storage layer's own modules (retention, merges):
        the same checks, the same one transaction and re-seal as every public write.

        ``steps=False`` for a write that records no step (a purge deletes personal data
        only): it may run while this laptop waits for its own steps back after a
        restore, which only stops new steps from forking its chain.
        """
        if steps:
            self._require_writable()
        elif self.behind_seal:
            raise ReadOnlyRegister(read_only_message(self.behind_seal))
        with self._transaction():
            yield

    def record(self, entity_id: str, kind: str, payload: dict[str, Any], old: list[Event]
               ) -> CaseState | SignalState:
        """Append an already validated step to an entity with events ``old`` (inside
        ``writing``), checked against the workflow rules like every step."""
        return self._append(old[0].entity, entity_id, kind, payload, old)

    # ------------------------------------------------------------------ audit

    def audit(self, action: str, obj: str = "", result: str = "ok") -> None:
        with self._transaction():  # the chain head is read and extended atomically
            audit.write(self.conn, self.settings.handler, self.settings.device_id, action,
                        obj, result)

    # ------------------------------------------------------------------ reading

    def decoder(self) -> Decoder:
        """A row decoder that knows every device (a merge may have added some)."""
        return Decoder(device_map(self.conn.execute("SELECT num, uuid FROM devices")))

    def events_of(self, entity_id: str) -> list[Event]:
        rows = self.conn.execute(
            f"SELECT {eventrows.SELECT} FROM {eventrows.FROM} WHERE e.entity_id = ? "
            "ORDER BY e.hlc, e.device", (uuid_bytes(entity_id),)).fetchall()
        return self.decoder().events(rows) if rows else []

    def all_events(self) -> Iterator[Event]:
        """Every event in local insertion order."""
        cursor = self.conn.execute(
            f"SELECT {eventrows.SELECT} FROM {eventrows.FROM} ORDER BY e.seq")
        yield from self.decoder().stream(cursor)

    def grouped_events(self) -> tuple[list[list[Event]], list[list[Event]]]:
        """Every case's and every signal's events (for metrics and rebuilds)."""
        cases: list[list[Event]] = []
        signals: list[list[Event]] = []
        for events in self.iter_entities():
            (cases if events[0].entity == "case" else signals).append(events)
        return cases, signals

    # ---------------------------------------------------------- streaming whole-register reads

    def iter_entities(self, *, settled_before: date | None = None) -> Iterator[list[Event]]:
        """Every case's and every signal's events, one entity at a time, in hlc order.

        The whole-register readers (figures, the workbook) fold an entity and let it
        go, so their memory no longer grows with the register (docs/BENCHMARKS.md: under
        1 GB at 100,000 cases). Cases and signals come mixed; tell them apart by
        ``entity``. Exhaust (or close) the generator before writing on this connection.

        ``settled_before`` leaves out the cases that were settled before that day: every
        step dated before it, closed, referred or not taken after a triage, or
        destroyed. Their fold as of any later day is their fold today, and it counts in
        no figure of a period that starts on or after that day (a year's figures then
        read about one case in seven of a register that spans years).
        """
        sql = f"SELECT {eventrows.SELECT} FROM {eventrows.FROM}"
        args: tuple[str, ...] = ()
        if settled_before is not None:
            sql += (" WHERE e.entity_id NOT IN (SELECT unhex(replace(entity_id, '-', '')) "
                    "FROM cases WHERE last_step_on < ? AND ((triaged_on IS NOT NULL AND "
                    f"status IN {SETTLED_SQL}) OR status = '{Status.VERNIETIGD}'))")
            args = (settled_before.isoformat(),)
        cursor = self.conn.execute(sql + " ORDER BY e.entity_id, e.hlc", args)
        current: list[Event] = []
        for ev in self.decoder().stream(cursor):
            if current and ev.entity_id != current[0].entity_id:
                yield current
                current = []
            current.append(ev)
        if current:
            yield current


    def case_id(self, number: str) -> str:
        """A case's id by its number, or by its source's reference (``ref``)."""
        return self._entity_id("cases", "Casus", number)

    def signal_id(self, number: str) -> str:
        """A signal's id by its number, or by its source's reference (``ref``)."""
        return self._entity_id("signals", "Signaal", number)

    def _entity_id(self, table: str, noun: str, number: str) -> str:
        row = self.conn.execute(
            f"SELECT entity_id FROM {table} WHERE number = ? OR ref = ? "
            "ORDER BY number = ? DESC LIMIT 1", (number, number, number)).fetchone()
        if row is None:
            raise UnknownCase(f"{noun} {number} bestaat niet in dit register.")
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

    def _where(self, q: CaseQuery, probe_search: bool = False) -> tuple[str, list[Any]]:
        """The filter as SQL. With ``probe_search`` the search's matches are a set each
        case is tested against (``+c.rowid``: no lookup by rowid), so the query walks an
        index (the sort's, or ``cases_status`` for a count) and reads only the cases it
        keeps; otherwise it looks up every match, which costs a cold register 0.2 s for
        a common word at 100,000 cases."""
        clauses: list[str] = []
        args: list[Any] = []
        if q.status:
            clauses.append("c.status = ?")
            args.append(q.status)
        else:  # tombstones only under their own filter (docs/DOMAIN.md)
            clauses.append(f"c.status != '{Status.VERNIETIGD}'")
        filters: tuple[tuple[str | None, str], ...] = (
            (q.phase, "c.phase = ?"),
            (q.route, "c.route = ?"),
            (f"% {q.service} %" if q.service else None, "c.services LIKE ?"),
            (q.handler, "c.handler = ?"),
            (q.received_from.isoformat() if q.received_from else None, "c.received_on >= ?"),
            (q.received_to.isoformat() if q.received_to else None, "c.received_on <= ?"),
        )
        for value, clause in filters:
            if value:
                clauses.append(clause)
                args.append(value)
        preset = q.preset
        if preset == "te_trieren":
            clauses.append(f"c.status = '{Status.AANGEMELD}'")
        elif preset == "mijn_werkvoorraad":
            clauses.append(f"c.handler = ? AND c.status IN {OPEN_SQL}")
            args.append(self.settings.handler)
        elif preset == "wacht_op_reactie":
            clauses.append(f"c.phase = '{Phase.WACHT_OP_REACTIE}'")
        elif preset == "open_escalaties":
            clauses.append(f"c.phase = '{Phase.GEESCALEERD}'")
        elif preset == "termijn_14":
            clauses.append(f"c.status IN {OPEN_SQL} "
                           "AND c.next_deadline <= ?")
            args.append(soon_horizon(self.today()).isoformat())
        elif preset:
            raise UserError(f"Onbekende selectie '{preset}'.")
        text = q.search.strip()
        if text:
            fts = _fts_query(text)
            if fts:
                clauses.append(("+" if probe_search else "") + "c.rowid IN (SELECT rowid "
                               "FROM cases_fts WHERE cases_fts MATCH ?)")
                args.append(fts)
            else:
                like = f"%{text}%"
                clauses.append("(c.number LIKE ? OR c.summary LIKE ? OR c.partner_org LIKE ? "
                               "OR c.topics LIKE ?)")
                args.extend([like, like, like, like])
        where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
        return where, args

    def count_cases(self, q: CaseQuery = CaseQuery()) -> int:
        where, args = self._where(q, probe_search=True)
        return int(self.conn.execute(f"SELECT count(*) FROM cases c{where}", args).fetchone()[0])

    def list_cases(self, q: CaseQuery = CaseQuery()) -> list[CaseRow]:
        col = SORT_COLUMNS.get(q.sort)
        if col is None:
            raise UserError(f"Kan niet sorteren op '{q.sort}'.")
        where, args = self._where(q, probe_search=q.sort in INDEXED_SORTS)
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
            f"AND c.status IN {OPEN_SQL} ORDER BY d.due_on, c.number")
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
            f"SELECT handler, sum(status = '{Status.AANGEMELD}'), "
            f"sum(status = '{Status.IN_BEHANDELING}') FROM cases WHERE status IN {OPEN_SQL} "
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

        Kept in the ``devices`` table as events are stored, so this reads a handful of
        rows, never the events. The device code is the one the device gave in its
        bundles (or this register's own), else the one in a case or signal number it
        issued (``YYYY-DEV-NNNN``, ``S-YYYY-DEV-NNN``). Ordered by device code.
        """
        out: list[DeviceActivity] = []
        for num, key, code, count, head_hlc, last_at, received, handler, source in \
                self.conn.execute(
                    "SELECT num, uuid, code, events, head_hlc, last_recorded_at, received_at, "
                    "handler, received_from FROM devices WHERE events > 0"):
            device = uuid_text(key)
            if not code:
                row = self.conn.execute(
                    "SELECT min(number) FROM events WHERE device = ? AND number IS NOT NULL",
                    (num,)).fetchone()
                code = number_code(row[0] if row else None)
            out.append(DeviceActivity(device, code, int(count), hlc_text(int(head_hlc), device),
                                      str(last_at or ""), received, handler, source))
        out.sort(key=lambda d: (d.device_code or "", d.device))
        return out

    def device_lines(self, today: date | None = None) -> list[DeviceLine]:
        """``device_activity`` in the team lead's words: per device its code, handler,
        last step and its age ("apparaat ZWL (Anna): laatste stap 12 dagen oud"), for
        Beheer -> Uitwisselen, the Weekronde and the workbook's Verantwoording."""
        day = today or self.today()
        return [device_line(device=d.device, code=d.device_code, handler=d.handler,
                            events=d.events, last_hlc=d.last_hlc,
                            last_recorded_at=d.last_recorded_at, received_at=d.received_at,
                            received_from=d.received_from,
                            own=d.device == self.settings.device_id, today=day)
                for d in self.device_activity()]

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
            self._observe_clock()
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            # SQLite has already rolled back on some errors (a full disk): a second
            # ROLLBACK would hide the real error behind "no transaction is active".
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.reseal()

    def _observe_clock(self) -> None:
        """Never issue an hlc lower than one stored or received (docs/ARCHITECTURE.md)."""
        row = self.conn.execute("SELECT max(head_hlc) FROM devices").fetchone()
        if row and row[0]:
            self._clock.observe(hlc_text(int(row[0]), self.settings.device_id or "x"))

    def _own_device_number(self) -> int:
        if not self.settings.device_id:
            return 0
        row = self.conn.execute("SELECT num FROM devices WHERE uuid = ?",
                                (uuid_bytes(self.settings.device_id),)).fetchone()
        return int(row[0]) if row else 0

    def _insert(self, events: Sequence[Event]) -> None:
        """Insert events of this device, extending its hash chain (inside a transaction).

        The chain head is read from ``devices`` inside the caller's transaction: a
        worker's own connection may have appended since this one last wrote, and a
        cached head would fork this laptop's chain.
        """
        if not events:
            return
        row = self.conn.execute("SELECT head FROM devices WHERE num = ?",
                                (self._device_num,)).fetchone()
        prev = bytes(row[0]).hex() if row else ZERO_HASH
        rows = []
        ordered = sorted(events, key=lambda e: e.hlc)
        for ev in ordered:
            body = canonical_json(ev.payload)
            p_hash = sha256_hex(body)
            h = event_hash(prev, ev.meta(), p_hash)
            if not ev.recorded_at:
                ev = replace(ev, recorded_at=utc_now_iso())
            rows.append(event_row(ev, self._device_num, body, StoredHashes(p_hash, prev, h)))
            prev = h
        self.conn.executemany(eventrows.INSERT, rows)
        last = ordered[-1]
        self.conn.execute(
            "UPDATE devices SET head = ?, head_hlc = ?, events = events + ?, "
            "last_recorded_at = max(coalesce(last_recorded_at, ''), ?), handler = ? "
            "WHERE num = ?",
            (bytes.fromhex(prev), hlc_int(last.hlc), len(rows), rows[-1][6],
             self.settings.handler, self._device_num))

    def _append(self, entity: str, entity_id: str, kind: str, payload: dict[str, Any],
                old: list[Event], number: str | None = None) -> CaseState | SignalState:
        """Append a validated step to an entity with events ``old``: stamped by this
        laptop, the whole sequence re-checked, then inserted and projected (inside
        ``_transaction``). ``number`` only for a first step."""
        on = occurred_on_for(kind, payload, {e.id: e for e in old})
        ev = Event(new_id(), entity, entity_id, number, kind, on, self._clock.next(),
                   self.settings.handler, self.settings.device_id, payload, utc_now_iso())
        check_step(ev, old, self.today())
        self._insert([ev])
        if ev.entity == "case":
            return write_case(self.conn, [*old, ev], self.codelists)
        return write_signal(self.conn, [*old, ev])

    def _payload(self, kind: str, data: Mapping[str, Any]) -> dict[str, Any]:
        payload = validate_payload(kind, data, self.codelists)
        if kind == Kind.DEADLINE_SET and "due_on" not in payload:
            due = compute_due_on(payload["deadline_kind"], date.fromisoformat(payload["start_on"]))
            if due is not None:
                payload["due_on"] = due.isoformat()
        return payload

    def last_sequence(self, entity: str) -> int:
        """The highest sequence this device code has used in case or signal numbers, in
        any year (the sequence runs on across years so a number never comes back)."""
        shape = "____-{}-" if entity == "case" else "S-____-{}-"
        row = self.conn.execute(
            "SELECT max(seq) FROM number_seq WHERE entity = ? AND prefix LIKE ?",
            (ENTITY_CODES[entity], shape.format(self.settings.device_code))).fetchone()
        return int(row[0] or 0)

    def _next_number(self, entity: str, year: int) -> str:
        code = self.settings.device_code
        prefix = f"{year:04d}-{code}-" if entity == "case" else f"S-{year:04d}-{code}-"
        width = 4 if entity == "case" else 3
        return f"{prefix}{self.last_sequence(entity) + 1:0{width}d}"

    def _numbered(self, entity: str, kind: str, data: Mapping[str, Any]
                  ) -> tuple[dict[str, Any], str]:
        """The validated first step of a new case or signal and the number this laptop
        gives it, in the year of its business date. A source's own number (``ref``)
        comes only with an import."""
        payload = self._payload(kind, data)
        payload.pop("ref", None)
        on = business_date(kind, payload)
        assert on is not None  # a validated first step has its date
        return payload, self._next_number(entity, on.year)

    @_writes
    def register_case(self, data: Mapping[str, Any],
                      personal: Mapping[str, str] | None = None) -> CaseState:
        payload, number = self._numbered("case", Kind.REGISTERED, data)
        clean = self._check_personal(personal) if personal else {}
        state = self._append("case", new_id(), Kind.REGISTERED, payload, [], number)
        if clean:
            self.set_personal(number, clean, audit_it=False)
        assert isinstance(state, CaseState)
        return state

    @_writes
    def create_signal(self, data: Mapping[str, Any]) -> SignalState:
        payload, number = self._numbered("signal", Kind.SIGNAL_CREATED, data)
        state = self._append("signal", new_id(), Kind.SIGNAL_CREATED, payload, [], number)
        assert isinstance(state, SignalState)
        return state

    @_writes
    def append(self, number: str, kind: str, data: Mapping[str, Any]) -> CaseState:
        """Record one step of a case (validated against the payload and the rules)."""
        state = self._add_step("case", number, kind, data)
        assert isinstance(state, CaseState)
        return state

    @_writes
    def append_signal(self, number: str, kind: str, data: Mapping[str, Any]) -> SignalState:
        """Record one step of a signal (validated against the payload and the rules)."""
        state = self._add_step("signal", number, kind, data)
        assert isinstance(state, SignalState)
        return state

    def _add_step(self, entity: str, number: str, kind: str, data: Mapping[str, Any]
                  ) -> CaseState | SignalState:
        if entity == "case":
            check_case_step(kind)
            entity_id = self.case_id(number)
        else:
            check_signal_step(kind)
            entity_id = self.signal_id(number)
        old = self.events_of(entity_id)
        payload = self._payload(kind, data)
        if kind in SIGNAL_LINK_KINDS:  # by its number, also when named by its source's
            sid = self.signal_id(payload["signal"])
            payload["signal"] = self.conn.execute(
                "SELECT number FROM signals WHERE entity_id = ?", (sid,)).fetchone()[0]
        if entity == "case":
            check_append(old, kind, payload, self.settings.device_id)
        return self._append(entity, entity_id, kind, payload, old)

    def link_signal(self, case_number: str, signal_number: str, on: date) -> CaseState:
        return self.append(case_number, Kind.SIGNAL_LINKED,
                           {"on": on.isoformat(), "signal": signal_number})

    def unlink_signal(self, case_number: str, signal_number: str, on: date) -> CaseState:
        return self.append(case_number, Kind.SIGNAL_UNLINKED,
                           {"on": on.isoformat(), "signal": signal_number})

    def step(self, event_id: str) -> tuple[str, list[Event], Event]:
        """(entity id, every event of its case or signal, the event) for a step id."""
        return self._entity_of_event(event_id)

    def _entity_of_event(self, event_id: str) -> tuple[str, list[Event], Event]:
        try:
            key = uuid_bytes(event_id)
        except ValueError:
            raise UnknownCase(f"Stap {event_id} bestaat niet in dit register.") from None
        row = self.conn.execute("SELECT entity_id FROM events WHERE id = ?", (key,)).fetchone()
        if row is None:
            raise UnknownCase(f"Stap {event_id} bestaat niet in dit register.")
        entity_id = uuid_text(row[0])
        events = self.events_of(entity_id)
        target = next(e for e in events if e.id == event_id)
        return entity_id, events, target

    @_writes
    def correct(self, target_id: str, data: Mapping[str, Any], reason: str
                ) -> CaseState | SignalState:
        """Replace a step's payload; supersedes the current correction automatically."""
        entity_id, events, target = self._entity_of_event(target_id)
        check_correctable(target)
        body = correction(target, events, self._payload(target.kind, data), reason)
        payload = validate_payload(Kind.CORRECTED, body, self.codelists)
        return self._append(target.entity, entity_id, Kind.CORRECTED, payload, events)

    @_writes
    def retract(self, target_id: str, reason: str) -> CaseState | SignalState:
        entity_id, events, target = self._entity_of_event(target_id)
        check_retractable(target, events)
        payload = validate_payload(Kind.RETRACTED, {"target": target_id, "reason": reason},
                                   self.codelists)
        return self._append(target.entity, entity_id, Kind.RETRACTED, payload, events)

    # ------------------------------------------------------------------ personal data (P2)

    def _check_personal(self, data: Mapping[str, str]) -> dict[str, str]:
        """P2 as typed: the same rules as an interchange file (lengths, control
        characters, the BSN's 11-proef), one door for personal data. An empty value
        means "remove"."""
        errors: list[FieldError] = []
        clean: dict[str, str] = {}
        for key, value in data.items():
            text, problem = clean_personal(key, value or None)
            if problem:
                errors.append(FieldError(key, problem))
            else:
                clean[key] = text or ""
        if errors:
            raise ValidationFailed(errors)
        return clean

    def set_personal(self, number: str, data: Mapping[str, str], *,
                     audit_it: bool = True) -> None:
        self._require_writable()
        entity_id = self.case_id(number)
        if self.conn.execute("SELECT status FROM cases WHERE entity_id = ?",
                             (entity_id,)).fetchone()[0] == Status.VERNIETIGD:
            raise UserError(f"Casus {number} is vernietigd: er worden geen persoonsgegevens "
                            "meer bij vastgelegd.")
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

    def write_personal(self, personal: Mapping[str, Mapping[str, str]], now: str) -> None:
        """Store P2 values as an import or a bundle carries them, already checked, per
        entity id (inside the caller's transaction)."""
        self.conn.executemany(
            "INSERT OR REPLACE INTO personal (entity_id, key, value, updated_at) "
            "VALUES (?, ?, ?, ?)",
            [(eid, key, value, now) for eid, data in personal.items()
             for key, value in data.items()])

    def personal_by_entity(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for eid, key, value in self.conn.execute("SELECT entity_id, key, value FROM personal"):
            out.setdefault(eid, {})[key] = value
        return out

    # ------------------------------------------------------------------ bulk

    def insert_batch(self, events: Sequence[Event],
                     personal: Mapping[str, Mapping[str, str]] | None = None) -> None:
        """Append many events of this device in one transaction and project them."""
        self._require_writable()
        touched: dict[str, str] = {}
        batch: dict[str, list[Event]] = {}
        for ev in events:
            touched[ev.entity_id] = ev.entity
            batch.setdefault(ev.entity_id, []).append(ev)
        # An entity whose first event is in the batch has no older events to read.
        fresh = {eid: evs for eid, evs in batch.items()
                 if any(e.kind in FIRST_KINDS for e in evs)}
        with self._transaction(), paused_gc():
            self._insert(events)
            self.write_personal(personal or {}, utc_now_iso())
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
        self._require_writable()
        cases, signals = self.grouped_events()
        with self._transaction(), paused_gc():
            rebuild_all(self.conn, cases, signals, self.codelists)
        self.audit("rebuild", self.path.name, f"{len(cases)} casussen, {len(signals)} signalen")
        return {"cases": len(cases), "signals": len(signals)}

    @property
    def clock(self) -> HybridClock:
        return self._clock



def read_only_message(reasons: Sequence[str]) -> str:
    return ("Het register loopt achter op zijn zegel (" + "; ".join(reasons) + "): het is "
            "alleen te lezen. Zet een back-up terug ('casusregister restore --from BESTAND') "
            "of aanvaard de huidige stand ('casusregister seal --accept --reason TEKST').")


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
