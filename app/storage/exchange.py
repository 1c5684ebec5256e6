"""Exchange bundles between laptops, the register's side (docs/ARCHITECTURE.md, issue 7).

The file format, the canonical form and the merge decision are storage-independent
(``bundle_file``, ``app.model.canonical``, ``app.model.merge``); this module reads
what a bundle must carry out of the compact rows, and writes what a merge decided
into them, in one transaction per file:

- export: every event inserted since this register's previous bundle (the watermark
  is the local insertion order, ``events.seq``, moved only once the file is whole), or
  everything; events received from other devices travel on, so a team lead can send
  the whole team back to each laptop. A handover bundle adds the P2 data of the named
  cases, audited on both sides.
- import: the files sorted by source device and sequence, each verified whole and
  taken all or nothing; a file refused for a gap is tried again after the others (the
  team lead's bundle read in the same go may fill it). New events keep their ids,
  hashes, numbers, actors and devices; the touched cases and signals are folded again
  and the fold's verdict becomes each event's flag, so arrival order never changes it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.model import events as event_models
from app.model.bulk import paused_gc
from app.model.bundle import Bundle, Manifest, build_manifest
from app.model.canonical import CanonicalEvent, number_code
from app.model.dates import utc_now_iso
from app.model.errors import UserError
from app.model.eventlog import Event, sha256_hex
from app.model.events import canonical_json
from app.model.fold import CaseState, SignalState
from app.model.kinds import ERASING_KINDS
from app.model.merge import (
    ChainGap,
    DeviceHead,
    Holdings,
    MergePlan,
    plan_merge,
    sort_bundles,
)
from app.storage import bundle_file, eventrows, keyring
from app.storage.bundle_file import check_exchange_passphrase, read_bundle, write_bundle
from app.storage.crypto import DEFAULT_KDF, KdfParams
from app.storage.eventrows import device_map, hlc_int, hlc_text, uuid_bytes, uuid_text
from app.storage.repository import Register
from app.storage.retention import apply_erasures

Progress = Callable[[int, int], None]
PASSPHRASE_SETTING = "exchange_passphrase"
WATERMARK_SETTING = "bundle_watermark"
SEQUENCE_SETTING = "bundle_sequence"


class NoExchangePassphrase(UserError):
    def __init__(self) -> None:
        super().__init__("Er is nog geen uitwisselingswachtwoordzin ingesteld: geef hem op "
                         "met --exchange-passphrase-file (of in Beheer -> Uitwisselen). Het "
                         "is een wachtwoordzin van het team, voor alle bundels.")


# --------------------------------------------------------------------------- settings


def _setting(reg: Register, key: str, default: Any = None) -> Any:
    row = reg.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return json.loads(row[0]) if row else default


def _put_setting(reg: Register, key: str, value: Any) -> None:
    reg.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                     (key, json.dumps(value)))


def stored_passphrase(reg: Register) -> str | None:
    """Read from the register, not the settings this connection loaded at open: the GUI
    sets it on one connection and exports on a worker's."""
    value = _setting(reg, PASSPHRASE_SETTING)
    return str(value) if value else None


def set_exchange_passphrase(reg: Register, passphrase: str) -> None:
    """The team's exchange passphrase, a setting kept inside the encrypted register
    (Beheer -> Instellingen and -> Uitwisselen set the same one; audited, never the
    value)."""
    check_exchange_passphrase(passphrase)
    reg.update_settings(exchange_passphrase=passphrase)


def resolve_passphrase(reg: Register, given: str | None) -> str:
    """The option overrides; otherwise the stored one; the first one given is kept."""
    if given:
        check_exchange_passphrase(given)
        if stored_passphrase(reg) is None and not reg.read_only:
            set_exchange_passphrase(reg, given)
        return given
    stored = stored_passphrase(reg)
    if stored is None:
        raise NoExchangePassphrase()
    return stored


# --------------------------------------------------------------------------- export


@dataclass(frozen=True)
class ExportResult:
    path: Path
    events: int
    sequence: int
    complete: bool
    handover: tuple[str, ...]
    size: int
    devices: dict[str, int]  # device code -> events carried


def _devices(reg: Register) -> dict[int, tuple[str, str | None, str | None, int]]:
    """num -> (uuid, code, handler, events) of every device the register knows."""
    return {int(num): (uuid_text(uuid), code, handler, int(count))
            for num, uuid, code, handler, count in reg.conn.execute(
                "SELECT num, uuid, code, handler, events FROM devices")}


def _canonical_rows(reg: Register, after_seq: int
                    ) -> tuple[list[CanonicalEvent], dict[str, str], int]:
    """The events stored after ``after_seq`` in canonical form, straight from the rows.

    Also returns each payload's stored text where it is exactly the canonical JSON the
    chain hashed (its sha256 is the stored ``payload_hash``: every unerased payload),
    so the writer need not encode it again; an erased payload is encoded afresh.
    Payloads are parsed a chunk at a time (one ``json.loads`` per chunk).
    """
    devices = device_map(reg.conn.execute("SELECT num, uuid FROM devices"))
    entity_ids: dict[bytes, str] = {}
    out: list[CanonicalEvent] = []
    texts: dict[str, str] = {}
    last_seq = after_seq
    names = eventrows.ENTITY_NAMES
    cursor = reg.conn.execute(
        "SELECT id, entity, entity_id, number, kind, occurred_on, recorded_at, hlc, "
        "device, actor, payload_json, payload_hash, prev_hash, hash, erased_by, seq "
        "FROM events WHERE seq > ? ORDER BY seq", (after_seq,))
    with paused_gc():
        while rows := cursor.fetchmany(4096):
            payloads = json.loads("[" + ",".join(r[10] or "null" for r in rows) + "]")
            for r, payload in zip(rows, payloads, strict=True):
                ident = uuid_text(r[0])
                entity_id = entity_ids.get(r[2])
                if entity_id is None:
                    entity_id = entity_ids[r[2]] = uuid_text(r[2])
                device = devices[r[8]]
                p_hash = bytes(r[11]).hex()
                if r[10] is not None and r[14] is None and sha256_hex(r[10]) == p_hash:
                    texts[ident] = r[10]
                out.append(CanonicalEvent(
                    ident, names[r[1]], entity_id, r[3], r[4], r[5], r[6],
                    hlc_text(r[7], device), r[9], device, payload, p_hash,
                    bytes(r[12]).hex(), bytes(r[13]).hex(),
                    uuid_text(r[14]) if r[14] is not None else None))
            last_seq = int(rows[-1][15])
    return out, texts, last_seq


def export_bundle(reg: Register, out: Path, *, everything: bool = False,
                  handover: Sequence[str] = (), passphrase: str | None = None,
                  kdf: KdfParams = DEFAULT_KDF, progress: Progress | None = None
                  ) -> ExportResult:
    """Write a bundle for the team lead (or a colleague) and move the watermark."""
    if not out.parent.is_dir():
        raise UserError(f"De map {out.parent} bestaat niet.")
    secret = resolve_passphrase(reg, passphrase)
    complete = everything or bool(handover)
    personal: dict[str, dict[str, str]] = {}
    numbers: list[str] = []
    # Events, device counts and the own count from one state: a step committed by the
    # GUI meanwhile must not make a device's place in the chain ("before") or the
    # count of events sent disagree with the events the file carries.
    with reg.snapshot():
        for number in handover:
            entity_id = reg.case_id(number)
            state = reg.case(number).state
            numbers.append(state.number or number)
            data = {k: v for k, v in reg.conn.execute(
                "SELECT key, value FROM personal WHERE entity_id = ?", (entity_id,))}
            if data:
                personal[entity_id] = data
        watermark = 0 if complete else int(_setting(reg, WATERMARK_SETTING, 0))
        events, texts, last_seq = _canonical_rows(reg, watermark)
        devices = _devices(reg)
        own = reg.own_events()
    by_uuid = {uuid: (code, handler, count) for uuid, code, handler, count in devices.values()}
    carried: dict[str, int] = {}
    for ev in events:
        carried[ev.device] = carried.get(ev.device, 0) + 1
    codes = {d: by_uuid[d][0] or number_code(_first_number(events, d)) or "?" for d in carried}
    before = {d: by_uuid[d][2] - n for d, n in carried.items()}
    sequence = int(_setting(reg, SEQUENCE_SETTING, 0)) + 1
    manifest = build_manifest(
        events, source_device=reg.settings.device_id, source_code=reg.settings.device_code,
        handler=reg.settings.handler, sequence=sequence, codes=codes, before=before,
        handlers={d: by_uuid[d][1] or "" for d in carried}, complete=complete,
        handover=numbers, personal=len(personal))
    size = write_bundle(out, manifest, events, secret, personal=personal, kdf=kdf,
                        progress=progress, payload_json=texts)
    # The file is whole: only now does the watermark move.
    with reg.transaction():
        _put_setting(reg, SEQUENCE_SETTING, sequence)
        _put_setting(reg, WATERMARK_SETTING, max(last_seq, watermark))
    keyring.update(reg.keyring_path,
                   lambda k: k if k.sent_events >= own else _sent(k, own))
    what = f"{len(events)} stappen, volgnummer {sequence}" + (
        ", volledig" if complete else "")
    reg.audit("bundle_export", out.name, what)
    if numbers:
        reg.audit("handover_sent", ", ".join(numbers), f"persoonsgegevens naar {out.name}")
    by_code = {codes[d]: n for d, n in carried.items()}
    return ExportResult(out, len(events), sequence, complete, tuple(numbers), size, by_code)


def _sent(ring: keyring.Keyring, own: int) -> keyring.Keyring:
    from dataclasses import replace

    return replace(ring, sent_events=own)


def _first_number(events: Sequence[CanonicalEvent], device: str) -> str | None:
    return next((e.number for e in events if e.device == device and e.number), None)


# --------------------------------------------------------------------------- import


@dataclass
class FileReport:
    path: Path
    source: str = ""
    sequence: int = 0
    new_by_device: dict[str, int] = field(default_factory=dict)  # code -> new events
    known: int = 0
    refused: str | None = None


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)
    new_cases: list[str] = field(default_factory=list)
    updated_cases: list[str] = field(default_factory=list)
    new_signals: list[str] = field(default_factory=list)
    updated_signals: list[str] = field(default_factory=list)
    violations: list[tuple[str, str, str]] = field(default_factory=list)  # number, id, why
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # number, target id
    handovers: list[str] = field(default_factory=list)

    @property
    def refused(self) -> list[FileReport]:
        return [f for f in self.files if f.refused]

    @property
    def new_events(self) -> int:
        return sum(sum(f.new_by_device.values()) for f in self.files)


def holdings(reg: Register) -> Holdings:
    """What this register holds, for ``plan_merge`` (its own device included, with its
    code, so a second laptop with the same code is refused)."""
    devices: dict[str, DeviceHead] = {}
    for uuid, code, head, count, head_hlc in reg.conn.execute(
            "SELECT uuid, code, head, events, head_hlc FROM devices"):
        text = uuid_text(uuid)
        devices[text] = DeviceHead(code, bytes(head).hex(), int(count),
                                   hlc_text(int(head_hlc), text) if count else None)

    empty = reg.conn.execute("SELECT 1 FROM events LIMIT 1").fetchone() is None

    def known(ids: Collection[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        if empty:  # a first import: nothing to look up, one id at a time
            return found
        keys = [uuid_bytes(i) for i in ids]
        for start in range(0, len(keys), 500):
            part = keys[start:start + 500]
            marks = ",".join("?" * len(part))
            for key, h in reg.conn.execute(
                    f"SELECT id, hash FROM events WHERE id IN ({marks})", part):
                found[uuid_text(key)] = bytes(h).hex()
        return found

    def successor(device: str, prev: str) -> str | None:
        row = reg.conn.execute(
            "SELECT e.id FROM events e JOIN devices d ON d.num = e.device "
            "WHERE d.uuid = ? AND e.prev_hash = ?",
            (uuid_bytes(device), bytes.fromhex(prev))).fetchone()
        return uuid_text(row[0]) if row else None

    return Holdings(devices, known, successor)


def _check_payload() -> Any:
    """The structural payload check (another module's job); None until it exists."""
    return getattr(event_models, "check_structure", None)


def import_bundles(reg: Register, paths: Sequence[Path], *, passphrase: str | None = None,
                   progress: Progress | None = None) -> ImportReport:
    """Merge bundle files, each all or nothing (see the module doc).

    ``progress(done, total)`` counts bytes: each file weighs its size, half for reading
    and checking it, half for merging it; files retried after a gap are not counted
    again.
    """
    reg.require_writable()
    secret = resolve_passphrase(reg, passphrase)
    report = ImportReport()
    keys = bundle_file.UnwrappedKeys()
    manifests: list[tuple[Path, Manifest]] = []
    for path in paths:
        try:
            manifests.append((path, bundle_file.read_manifest(path, secret, keys=keys)))
        except UserError as exc:
            report.files.append(FileReport(path, refused=str(exc)))
    # Positions, not paths: a file named twice is read twice (the second time it adds
    # nothing, and says so), and a file retried after a gap replaces its own refusal.
    order = sort_bundles(list(enumerate(manifests)), lambda item: item[1][1])
    queue = [i for i, _ in order]
    slots: dict[int, FileReport] = {}
    existing_before: set[str] = set()
    touched_all: dict[str, str] = {}
    sizes = {i: _size(manifests[i][0]) for i in queue}
    total = max(1, sum(sizes.values()))
    base = 0
    first_pass = True
    while queue:
        gaps: list[int] = []
        progressed = False
        for i in queue:
            path = manifests[i][0]
            file_report = FileReport(path)
            reading = None
            if progress is not None and first_pass:
                def reading(done: int, whole: int, at: int = base, size: int = sizes[i]
                            ) -> None:
                    assert progress is not None
                    progress(at + done * size // (2 * max(1, whole)), total)
            try:
                texts: dict[str, str] = {}
                bundle = read_bundle(path, secret, check_payload=_check_payload(),
                                     texts=texts, keys=keys, progress=reading)
                m = bundle.manifest
                file_report.source, file_report.sequence = m.source_code, m.sequence
                plan, existing = merge(reg, bundle, path.name, payload_json=texts)
                # "new" is new to the register before this import: a case that an
                # earlier file of the same import brought in is still new, not updated
                existing_before |= existing - touched_all.keys()
                touched_all.update(plan.touched)
                codes = {s.device: s.code for s in m.devices}
                file_report.new_by_device = {codes.get(d, d[:8]): n
                                             for d, n in plan.new_by_device.items()}
                file_report.known = plan.known
                report.handovers += [n for n in m.handover if n not in report.handovers]
                progressed = True
            except ChainGap as exc:
                file_report.refused = str(exc)
                gaps.append(i)
            except UserError as exc:
                file_report.refused = str(exc)
            slots[i] = file_report
            if first_pass:
                base += sizes[i]
                if progress is not None:
                    progress(base, total)
        queue = gaps if progressed else []
        first_pass = False
    report.files += list(slots.values())
    _summarise(reg, report, touched_all, existing_before)
    if progress is not None:
        progress(total, total)
    return report


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def merge(reg: Register, bundle: Bundle, source: str, *,
          payload_json: Mapping[str, str] | None = None) -> tuple[MergePlan, set[str]]:
    """Merge one bundle already read and checked: plan, then apply in one transaction.

    ``payload_json``: event id -> its payload's canonical JSON, as the reader checked
    it (``read_bundle(texts=...)``); stored as it is. Returns the plan and which
    touched cases and signals existed before.
    """
    plan = plan_merge(bundle, holdings(reg))
    existing = _existing(reg, plan.touched)
    _apply(reg, plan, bundle, source, existing, payload_json or {})
    return plan, existing


def _batches(keys: Iterable[str], size: int = 500) -> Iterator[tuple[list[str], str]]:
    """Keys in parts small enough for one ``IN (?, ...)`` each, with their marks."""
    listed = list(keys)
    for start in range(0, len(listed), size):
        part = listed[start:start + size]
        yield part, ",".join("?" * len(part))


def _existing(reg: Register, touched: Mapping[str, str]) -> set[str]:
    out: set[str] = set()
    for part, marks in _batches(touched):
        for table in ("cases", "signals"):
            out.update(r[0] for r in reg.conn.execute(
                f"SELECT entity_id FROM {table} WHERE entity_id IN ({marks})", part))
    return out


def _device_number(reg: Register, uuid: str, code: str, handler: str) -> int:
    row = reg.conn.execute("SELECT num FROM devices WHERE uuid = ?",
                           (uuid_bytes(uuid),)).fetchone()
    if row:
        if code:
            reg.conn.execute("UPDATE devices SET code = coalesce(code, ?), handler = "
                             "CASE WHEN ? != '' THEN ? ELSE handler END WHERE num = ?",
                             (code, handler, handler, int(row[0])))
        return int(row[0])
    cur = reg.conn.execute("INSERT INTO devices (uuid, code, handler) VALUES (?, ?, ?)",
                           (uuid_bytes(uuid), code or None, handler or None))
    return int(cur.lastrowid)


def _apply(reg: Register, plan: MergePlan, bundle: Bundle, source: str,
           existing: set[str], texts: Mapping[str, str]) -> None:
    """Insert what the plan decided, fold again and record the receipt (one transaction)."""
    m = plan.manifest
    spans = {s.device: s for s in m.devices}
    now = utc_now_iso()
    with reg.transaction():
        nums = {d: _device_number(reg, d, s.code, s.handler) for d, s in spans.items()}
        if m.source_device not in nums:  # a sender with nothing new is known all the same
            nums[m.source_device] = _device_number(reg, m.source_device, m.source_code,
                                                   m.handler)
        rows = _rows(plan.new_events, nums, texts)
        reg.conn.executemany(eventrows.INSERT, rows)
        for device, head in plan.heads.items():
            last_at = max((ev.recorded_at for ev in plan.new_events if ev.device == device),
                          default=None)
            reg.conn.execute(
                "UPDATE devices SET head = ?, head_hlc = ?, events = ?, "
                "last_recorded_at = max(coalesce(last_recorded_at, ''), coalesce(?, '')) "
                "WHERE num = ?",
                (bytes.fromhex(head.head_hash), hlc_int(head.head_hlc) if head.head_hlc else 0,
                 head.count, last_at, nums[device]))
        for device in nums:
            if device != reg.settings.device_id:
                reg.conn.execute("UPDATE devices SET received_at = ?, received_from = ? "
                                 "WHERE num = ?", (now, source, nums[device]))
        src = reg.conn.execute("SELECT num FROM devices WHERE uuid = ?",
                               (uuid_bytes(m.source_device),)).fetchone()
        if src is not None and m.source_device != reg.settings.device_id:
            reg.conn.execute("UPDATE devices SET bundle_seq = max(coalesce(bundle_seq, 0), ?) "
                             "WHERE num = ?", (m.sequence, int(src[0])))
        # P2 first, erasures after: a handover of a case destroyed here (or destroyed
        # by an event in this very bundle) must not bring its personal data back.
        reg.write_personal(bundle.personal, now)
        _apply_erasures(reg, plan.new_events, bundle.personal)
        # Cases and signals new to this register have all their events in the plan: fold
        # them from memory (and project them in bulk); the others are read back.
        fresh: dict[str, list[Event]] = {}
        for ev in plan.new_events:
            if ev.entity_id not in existing:
                fresh.setdefault(ev.entity_id, []).append(ev.to_event())
        erased = _erased_entities(reg, plan.new_events)
        reg.project(plan.touched, {k: v for k, v in fresh.items() if k not in erased})
        if plan.new_events:
            reg.clock.observe(plan.new_events[-1].hlc)
        new = plan.new_by_device
        reg.audit("bundle_import", source,
                  f"van {m.source_code} volgnummer {m.sequence}: "
                  f"{sum(new.values())} nieuwe stappen, {plan.known} al aanwezig")
        if m.handover:
            reg.audit("handover_received", ", ".join(m.handover),
                      f"persoonsgegevens uit {source}")


def _rows(events: Sequence[CanonicalEvent], nums: Mapping[str, int],
          texts: Mapping[str, str]) -> list[tuple[Any, ...]]:
    """The INSERT parameters of the new events. A case's id and a device repeat in
    many events, so their bytes are made once; a payload's canonical JSON is taken
    from the reader when it has it (the text it hashed), else encoded here."""
    entity_keys: dict[str, bytes] = {}
    codes = eventrows.ENTITY_CODES
    fromhex = bytes.fromhex
    out: list[tuple[Any, ...]] = []
    for ev in events:
        entity_key = entity_keys.get(ev.entity_id)
        if entity_key is None:
            entity_key = entity_keys[ev.entity_id] = uuid_bytes(ev.entity_id)
        payload = None if ev.payload is None else (
            texts.get(ev.id) or canonical_json(ev.payload))
        # the reader checked every id is a canonical UUID: no need to check it again
        out.append((
            fromhex(ev.id.replace("-", "")), codes[ev.entity], entity_key, ev.number, ev.kind,
            ev.occurred_on, ev.recorded_at, hlc_int(ev.hlc), nums[ev.device], ev.actor,
            payload, fromhex(ev.payload_hash), fromhex(ev.prev_hash), fromhex(ev.hash),
            None, uuid_bytes(ev.erased_by) if ev.erased_by else None))
    return out


def _erased_entities(reg: Register, new: Sequence[CanonicalEvent]) -> set[str]:
    """Entities an arriving erasure touched: their stored rows differ from the plan's."""
    return {ev.entity_id for ev in new if ev.kind in ERASING_KINDS}


def _apply_erasures(reg: Register, new: Sequence[CanonicalEvent],
                    personal: Mapping[str, object]) -> None:
    """Erasing events that arrive erase here too (retention travels in bundles), and a
    destroyed case erases whatever arrives for it later (``retention.apply_erasures``),
    its handed-over personal data included."""
    apply_erasures(reg, [*(ev.entity_id for ev in new if ev.entity == "case"), *personal])


def _summarise(reg: Register, report: ImportReport, touched: Mapping[str, str],
               existing: set[str]) -> None:
    """New and updated cases and signals, rule violations and conflicts, for the report.

    Read from the projections the merge has just written (their number and how many
    flags and conflicts the fold found), so a 10,000-case import is not read and
    folded a second time; only the few entities with flags or conflicts are folded
    again, for the reasons themselves.
    """
    projected: dict[str, tuple[str, int, int]] = {}
    for part, marks in _batches(touched):
        for eid, number, flags, conflicts in reg.conn.execute(
                f"SELECT entity_id, number, flags, conflicts FROM cases "
                f"WHERE entity_id IN ({marks}) UNION ALL "
                f"SELECT entity_id, number, flags, 0 FROM signals "
                f"WHERE entity_id IN ({marks})", part + part):
            projected[eid] = (str(number), int(flags), int(conflicts))
    for entity_id, entity in touched.items():
        found = projected.get(entity_id)
        if found is not None and not found[1] and not found[2]:
            number = found[0]
        else:  # flagged, in conflict, or not projected: the fold says what and why
            events = reg.events_of(entity_id)
            if not events:
                continue
            state: CaseState | SignalState = (
                _fold_case(events) if entity == "case" else _fold_signal(events))
            number = state.number or entity_id[:8]
            report.violations += [(number, vid, why) for vid, why in state.violations]
            if isinstance(state, CaseState):
                report.conflicts += [(number, c.target) for c in state.log.conflicts]
        if entity == "case":
            (report.updated_cases if entity_id in existing else report.new_cases).append(number)
        else:
            (report.updated_signals if entity_id in existing else report.new_signals
             ).append(number)
    for names in (report.new_cases, report.updated_cases, report.new_signals,
                  report.updated_signals):
        names.sort()


def _fold_case(events: list[Event]) -> CaseState:
    from app.model.fold import fold_case

    return fold_case(events)


def _fold_signal(events: list[Event]) -> SignalState:
    from app.model.fold import fold_signal

    return fold_signal(events)
