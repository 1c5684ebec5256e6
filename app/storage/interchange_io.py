"""Import and export of interchange files against a register (docs/INTERCHANGE.md).

The model plans the whole import in memory (validation, numbers, ids, clocks); this
module only supplies what the register already holds and writes the plan in one
transaction, so a bad file changes nothing and a repeated file adds nothing.
"""

from __future__ import annotations

import json
import os
import stat
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from app.model.bulk import paused_gc
from app.model.dates import utc_now_iso
from app.model.errors import UserError, ValidationFailed
from app.model.eventlog import Event, new_id
from app.model.fold import fold_case
from app.model.interchange import (
    ExportCase,
    ExportSignal,
    ImportPlan,
    export_document,
    plan_import,
    step_signature,
)
from app.model.kinds import Kind
from app.model.limits import shown
from app.model.lint import KIND_LABELS, lint_fields
from app.model.os_errors import describe_os_error
from app.model.retention import for_file
from app.storage.files import existing_folder, write_text_atomic
from app.storage.repository import Register

#: The largest interchange file read, counted in bytes actually read (a device, a
#: pipe or a file that grows while it is read may claim any size).
MAX_FILE_BYTES = 200 * 1024 * 1024
#: The format nests six levels deep (file, cases, case, events, event, correction's
#: payload, helper_contact); anything far deeper is not an interchange file.
MAX_DEPTH = 16
#: No field of the format holds a number this long (scores, versions, positions).
MAX_INT_DIGITS = 18


class _DbResolver:
    """The register as the import plan sees it: refs and numbers looked up one by one.

    Each lookup is an index probe (``cases.ref``, ``cases.number``): loading every ref
    up front made each import cost as much as the register was large, so a register
    filled in batches grew quadratically.
    """

    def __init__(self, reg: Register) -> None:
        self.reg = reg
        self._seq = {entity: reg.last_sequence(entity) for entity in ("case", "signal")}

    def case_ref_exists(self, ref: str) -> bool:
        # a signal's `cases` may name a case by its source ref or by its number
        return self.reg.conn.execute(
            "SELECT 1 FROM cases WHERE ref = ? OR number = ? LIMIT 1", (ref, ref)
        ).fetchone() is not None

    def signal_ref_exists(self, ref: str) -> bool:
        return self.existing_signal_number(ref) is not None

    def existing_signal_number(self, ref: str) -> str | None:
        row = self.reg.conn.execute(
            "SELECT number FROM signals WHERE ref = ? OR number = ? LIMIT 1", (ref, ref)
        ).fetchone()
        return str(row[0]) if row else None

    def next_case_number(self, year: int) -> str:
        self._seq["case"] += 1
        return f"{year:04d}-{self.reg.settings.device_code}-{self._seq['case']:04d}"

    def next_signal_number(self, year: int) -> str:
        self._seq["signal"] += 1
        return f"S-{year:04d}-{self.reg.settings.device_code}-{self._seq['signal']:03d}"


@dataclass
class ImportResult:
    plan: ImportPlan
    events: int
    #: free text that looks like personal data: (case or signal number, field, kind)
    findings: list[tuple[str, str, str]] = field(default_factory=list)
    #: steps in the file of skipped cases and signals that the register does not hold
    steps_not_imported: int = 0

    def warning(self) -> str | None:
        """One line for the CLI and the GUI; the import itself went through."""
        if not self.findings:
            return None
        shown = "; ".join(f"{n} {f}: {k}" for n, f, k in self.findings[:5])
        more = f"; en nog {len(self.findings) - 5}" if len(self.findings) > 5 else ""
        return (f"Let op: {len(self.findings)} mogelijke persoonsgegevens in vrije tekst "
                f"({shown}{more}). Haal ze uit de tekst met een correctie.")

    def summary(self) -> str:
        p = self.plan
        parts = [f"{len(p.new_cases)} casussen en {len(p.new_signals)} signalen ingelezen "
                 f"({self.events} stappen)"]
        if p.skipped_cases or p.skipped_signals:
            parts.append(f"{len(p.skipped_cases)} casussen en {len(p.skipped_signals)} "
                         "signalen stonden er al in en zijn overgeslagen")
        return "; ".join(parts) + "."

    def skipped_steps_note(self) -> str | None:
        """Issue #7: a re-import must not lose new steps without a word."""
        if not self.steps_not_imported:
            return None
        n = self.steps_not_imported
        steps = "stap" if n == 1 else "stappen"
        return (f"Let op: {n} {steps} van casussen of signalen die er al in stonden "
                f"{'is' if n == 1 else 'zijn'} niet ingelezen; een interchange-bestand vult "
                "bestaande casussen niet aan. Wissel stappen tussen laptops uit met "
                "'casusregister bundle export' en 'casusregister bundle import'.")


def read_json(path: Path, max_bytes: int | None = None) -> Any:
    """An interchange file's JSON, or a UserError in one Dutch line.

    Only a regular file is read (a device, pipe or folder is refused before reading,
    and opening never waits for a pipe's writer); the size cap counts the bytes read.
    The JSON must be strict: no NaN or Infinity, no key twice in one object, no
    number longer than any field needs, no deeper nesting than the format has, no
    lone surrogate in any string (the payload models check every string).
    """
    raw = read_regular_file(path, MAX_FILE_BYTES if max_bytes is None else max_bytes)
    name = shown(path.name)
    try:
        text = raw.decode("utf-8-sig")  # a BOM from a Windows editor is harmless
    except UnicodeDecodeError as exc:
        raise UserError(f"{name} is geen UTF-8-tekstbestand (ongeldige bytes vanaf "
                        f"positie {exc.start}).") from None
    if not text.strip():
        raise UserError(f"{name} is leeg.")
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_int=_int,
                          object_pairs_hook=_no_duplicate_keys)
    except _JsonRefused as exc:
        raise UserError(f"{name} is geen geldig interchange-bestand: {exc}.") from None
    except RecursionError:
        raise UserError(f"{name} is geen geldig interchange-bestand: de JSON is te diep "
                        f"genest (het formaat kent hoogstens {MAX_DEPTH} niveaus).") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"{name} is geen geldige JSON (regel {exc.lineno}, kolom "
                        f"{exc.colno}: {_json_reason(exc.msg)}).") from None
    except ValueError as exc:  # pragma: no cover - every hook raises _JsonRefused
        raise UserError(f"{name} is geen geldige JSON ({shown(str(exc), 80)}).") from None
    problem = _shape_problem(data)
    if problem:
        raise UserError(f"{name} is geen geldig interchange-bestand: {problem}.")
    return data


def read_regular_file(path: Path, max_bytes: int) -> bytes:
    """The bytes of a regular file, at most ``max_bytes`` of them (else a UserError)."""
    name = shown(str(path), 120)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise UserError(f"{name} bestaat niet.") from None
    except (IsADirectoryError, PermissionError):
        if path.is_dir():
            raise UserError(f"{name} is een map, geen bestand.") from None
        raise UserError(f"Geen toegang tot {name}.") from None
    except OSError as exc:
        raise UserError(f"Kan {name} niet lezen: {describe_os_error(exc)}.") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise UserError(f"{name} is een map, geen bestand.")
        if not stat.S_ISREG(mode):
            raise UserError(f"{name} is geen gewoon bestand (maar een apparaat, pipe of "
                            "socket); geef een interchange-bestand op.")
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:
                raise UserError(f"{name} is te groot: een interchange-bestand is hoogstens "
                                f"{_size(max_bytes)}.")
        return b"".join(chunks)
    except OSError as exc:
        raise UserError(f"Kan {name} niet lezen: {describe_os_error(exc)}.") from None
    finally:
        os.close(fd)


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n} bytes"


class _JsonRefused(Exception):
    """JSON that the parser would take but the format does not (raised in hooks)."""


def _no_constant(name: str) -> Any:
    raise _JsonRefused(f"{name} is geen getal in JSON")


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _JsonRefused(f"een getal van {len(text.lstrip('-'))} cijfers (geen veld heeft "
                           f"meer dan {MAX_INT_DIGITS} cijfers nodig)")
    return int(text)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise _JsonRefused(f"de sleutel '{shown(twice)}' staat twee keer in één object")
    return out


def _json_reason(msg: str) -> str:
    """The parser's English reason in Dutch (the position is given beside it)."""
    reasons = {
        "Expecting value": "waarde verwacht",
        "Expecting property name enclosed in double quotes": "naam tussen dubbele "
                                                             "aanhalingstekens verwacht",
        "Expecting ',' delimiter": "komma verwacht",
        "Expecting ':' delimiter": "dubbele punt verwacht",
        "Extra data": "tekst na het einde van de JSON",
        "Unterminated string starting at": "tekst zonder afsluitend aanhalingsteken",
        "Invalid control character at": "besturingsteken in een tekst",
        "Invalid \\escape": "ongeldige escape in een tekst",
        "Invalid \\uXXXX escape": "ongeldige \\u-escape in een tekst",
    }
    return reasons.get(msg, shown(msg, 80))


def _shape_problem(data: Any) -> str | None:
    """Nesting depth, walked without recursion: the parser stops at Python's recursion
    limit, so a file just below it must not reach a recursive validator."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            if depth > MAX_DEPTH:
                break
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            if depth > MAX_DEPTH:
                break
            stack.extend((item, depth + 1) for item in value)
    else:
        return None
    return f"de JSON is te diep genest (het formaat kent hoogstens {MAX_DEPTH} niveaus)"


def import_data(reg: Register, data: Any, source: str = "", today: date | None = None
                ) -> ImportResult:
    resolver = _DbResolver(reg)
    try:
        with paused_gc():
            plan = plan_import(data, resolver, clock=reg.clock, actor=reg.settings.handler,
                               device=reg.settings.device_id, recorded_at=utc_now_iso(),
                               today=today or reg.today(), codelists=reg.codelists)
    except ValidationFailed:
        reg.audit("import", source, "geweigerd")
        raise
    extra = _links_to_existing_cases(reg, data, plan)
    events = plan.events + extra
    reg.insert_batch(events, plan.personal)
    findings = lint_events(plan.events)
    reg.audit("import", source, f"{len(plan.new_cases)} casussen, {len(plan.new_signals)} "
                                f"signalen, {len(events)} stappen")
    return ImportResult(plan, len(events), findings, _steps_not_imported(reg, plan))


def _steps_not_imported(reg: Register, plan: ImportPlan) -> int:
    """Steps in the file of skipped cases and signals that the register lacks."""
    missing = 0
    for wanted, entity_id in (
            *((steps, reg.case_id(ref)) for ref, steps in plan.skipped_case_steps.items()),
            *((steps, reg.signal_id(ref)) for ref, steps in plan.skipped_signal_steps.items())):
        held = Counter(step_signature(e.kind, e.payload) for e in reg.events_of(entity_id))
        missing += sum((Counter(wanted) - held).values())
    return missing


#: Payload fields that hold no free text (codes, dates, references, staff names).
_NOT_FREE_TEXT = {"ref", "target", "supersedes", "deadline", "signal", "handler", "by",
                  "partner_org", "recipient", "external_ref"}


def lint_events(events: list[Event]) -> list[tuple[str, str, str]]:
    """docs/DOMAIN.md: free text is linted on save; an import saves, so it warns too."""
    numbers: dict[str, str] = {e.entity_id: e.number for e in events if e.number}
    out: list[tuple[str, str, str]] = []
    for ev in events:
        payload = ev.payload.get("payload") if ev.kind == Kind.CORRECTED else ev.payload
        if not isinstance(payload, dict):
            continue
        texts = {k: v for k, v in payload.items()
                 if isinstance(v, str) and k not in _NOT_FREE_TEXT and not k.endswith("_on")}
        for hit in lint_fields(texts):
            out.append((numbers.get(ev.entity_id, ev.entity_id[:8]), hit.field,
                        KIND_LABELS.get(hit.finding.kind, hit.finding.kind)))
    return out


def _links_to_existing_cases(reg: Register, data: Any, plan: ImportPlan) -> list[Event]:
    """A new signal's ``cases`` may name cases already in the register: link those too."""
    resolver = _DbResolver(reg)
    numbers = dict(plan.new_signals)
    new_cases = dict(plan.new_cases)
    created_on = {e.number: e.occurred_on for e in plan.events
                  if e.kind == Kind.SIGNAL_CREATED and e.number}
    out: list[Event] = []
    for entry in data.get("signals") or []:
        ref = entry.get("ref")
        number = numbers.get(ref) or resolver.existing_signal_number(str(ref))
        if number is None:
            continue
        created = created_on.get(number) or _signal_created_on(reg, number)
        for case_ref in entry.get("cases") or []:
            if case_ref in new_cases:
                continue
            try:
                view = reg.case(case_ref)
            except UserError:
                continue
            if number in view.state.signals:
                continue
            on = max(created or reg.today(), view.state.received_on)
            link = {"on": on.isoformat(), "signal": number}
            if view.state.machine.check(Kind.SIGNAL_LINKED, on, link) is not None:
                continue  # a destroyed case takes no step, not even from a file
            out.append(Event(new_id(), "case", view.state.entity_id, None, Kind.SIGNAL_LINKED, on,
                             reg.clock.next(), reg.settings.handler, reg.settings.device_id,
                             link, utc_now_iso()))
            plan.links += 1
    return out


def _signal_created_on(reg: Register, number: str) -> date | None:
    try:
        state, _events, _cases = reg.signal(number)
    except UserError:
        return None
    return state.created_on


def import_file(reg: Register, path: Path) -> ImportResult:
    try:
        data = read_json(path)
    except UserError:
        reg.audit("import", shown(path.name), "geweigerd")
        raise
    return import_data(reg, data, source=shown(path.name))


def export_data(reg: Register, with_personal: bool = False) -> dict[str, Any]:
    cases, signals = reg.grouped_events()
    personal = reg.personal_by_entity() if with_personal else {}
    ex_cases = []
    for evs in cases:
        state = fold_case(evs)
        if state.destroyed:
            continue  # a tombstone carries nothing another system could use
        ex_cases.append(ExportCase(state.ref or state.number or "", for_file(evs),
                                   personal.get(state.entity_id)))
    ex_cases.sort(key=lambda c: (c.events[0].occurred_on, min(e.hlc for e in c.events)))
    ex_signals = []
    for evs in signals:
        first = min(evs, key=lambda e: e.hlc)
        ref = str(first.payload.get("ref") or first.number or "")
        ex_signals.append(ExportSignal(ref, evs))
    ex_signals.sort(key=lambda s: min(e.hlc for e in s.events))
    return export_document(ex_cases, ex_signals, with_personal)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write beside the target and rename, so a crash never leaves half a file.

    Private (0600), "\n" line ends on every platform, and into an existing folder only.
    """
    existing_folder(path.parent)
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    write_text_atomic(path, text)


def export_file(reg: Register, path: Path, with_personal: bool = False) -> dict[str, Any]:
    data = export_data(reg, with_personal)
    try:
        write_json_atomic(path, data)
    except OSError as exc:
        raise UserError(f"Kan {path} niet schrijven: {describe_os_error(exc)}.") from None
    reg.audit("export_interchange", str(path),
              "met persoonsgegevens" if with_personal else "zonder persoonsgegevens")
    return data

