"""Import and export of interchange files against a register (INTERCHANGE.md).

The model plans the whole import in memory (validation, numbers, ids, clocks); this
module only supplies what the register already holds and writes the plan in one
transaction, so a bad file changes nothing and a repeated file adds nothing.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from app.model.bulk import paused_gc
from app.model.dates import utc_now_iso
from app.model.errors import UserError, ValidationFailed
from app.model.eventlog import Event, new_id
from app.model.fold import fold_case
from app.model.interchange import ExportCase, ExportSignal, ImportPlan, export_document, plan_import
from app.model.lint import KIND_LABELS, lint_fields
from app.model.retention import for_file
from app.storage.repository import Register

MAX_FILE_BYTES = 200 * 1024 * 1024


class _DbResolver:
    def __init__(self, reg: Register) -> None:
        self.reg = reg
        conn = reg.conn
        # a signal's `cases` may name a case by its source ref or by its number
        self.case_refs = {v for r in conn.execute("SELECT ref, number FROM cases") for v in r}
        self.signal_refs: dict[str, str] = {
            r[0]: r[1] for r in conn.execute("SELECT ref, number FROM signals")}
        self.signal_refs.update({n: n for n in list(self.signal_refs.values())})
        self._seq = {entity: reg.last_sequence(entity) for entity in ("case", "signal")}

    def case_ref_exists(self, ref: str) -> bool:
        return ref in self.case_refs

    def signal_ref_exists(self, ref: str) -> bool:
        return ref in self.signal_refs

    def existing_signal_number(self, ref: str) -> str | None:
        return self.signal_refs.get(ref)

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


def read_json(path: Path) -> Any:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise UserError(f"Kan {path} niet lezen: {exc.strerror}.") from None
    if size > MAX_FILE_BYTES:
        raise UserError(f"{path.name} is te groot ({size // (1024 * 1024)} MB).")
    try:
        with path.open("rb") as fh:
            return json.loads(fh.read().decode("utf-8"))
    except UnicodeDecodeError:
        raise UserError(f"{path.name} is geen UTF-8-tekstbestand.") from None
    except json.JSONDecodeError as exc:
        raise UserError(f"{path.name} is geen geldige JSON (regel {exc.lineno}, kolom "
                        f"{exc.colno}: {exc.msg}).") from None


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
    return ImportResult(plan, len(events), findings)


#: Payload fields that hold no free text (codes, dates, references, staff names).
_NOT_FREE_TEXT = {"ref", "target", "supersedes", "deadline", "signal", "handler", "by",
                  "partner_org", "recipient", "external_ref"}


def lint_events(events: list[Event]) -> list[tuple[str, str, str]]:
    """DOMAIN.md: free text is linted on save; an import saves, so it warns too."""
    numbers: dict[str, str] = {e.entity_id: e.number for e in events if e.number}
    out: list[tuple[str, str, str]] = []
    for ev in events:
        payload = ev.payload.get("payload") if ev.kind == "corrected" else ev.payload
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
                  if e.kind == "signal_created" and e.number}
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
            out.append(Event(new_id(), "case", view.state.entity_id, None, "signal_linked", on,
                             reg.clock.next(), reg.settings.handler, reg.settings.device_id,
                             {"on": on.isoformat(), "signal": number}, utc_now_iso()))
            plan.links += 1
    return out


def _signal_created_on(reg: Register, number: str) -> date | None:
    try:
        state, _events, _cases = reg.signal(number)
    except UserError:
        return None
    return state.created_on


def import_file(reg: Register, path: Path) -> ImportResult:
    return import_data(reg, read_json(path), source=path.name)


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
    """Write beside the target and rename, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def export_file(reg: Register, path: Path, with_personal: bool = False) -> dict[str, Any]:
    data = export_data(reg, with_personal)
    try:
        write_json_atomic(path, data)
    except OSError as exc:
        raise UserError(f"Kan {path} niet schrijven: {exc.strerror}.") from None
    reg.audit("export_interchange", str(path),
              "met persoonsgegevens" if with_personal else "zonder persoonsgegevens")
    return data

