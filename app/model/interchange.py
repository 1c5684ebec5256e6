"""The interchange format (docs/INTERCHANGE.md): a whole file -> validated events, and back.

Import is all or nothing, so this module turns the entire file into the exact events
the register would store (ids, numbers, clocks, computed due dates) and replays every
case through the workflow rules *before* the storage layer writes anything. Errors are
collected with their JSON path (``cases[3].events[1].decided_on: ...``) so a team lead
can fix a spreadsheet conversion in one pass. The same functions serve tests and
previews in memory, with no database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from app.model.codelists import Codelists, default_codelists
from app.model.dates import utc_now_iso
from app.model.errors import FieldError, ValidationFailed
from app.model.eventlog import Event, HybridClock, new_id
from app.model.events import (
    DATE_FIELD,
    REFERENCE_FIELDS,
    business_date,
    canonical_json,
    validate_payload,
)
from app.model.fold import fold_case, fold_signal
from app.model.kinds import (
    CASE_KINDS,
    ERASING_KINDS,
    META_KINDS,
    SIGNAL_KINDS,
    SIGNAL_LINK_KINDS,
    Kind,
)
from app.model.limits import FLAG_MAX, PERSONAL_LIMITS, REF_MAX, shown, text_problem

FORMAT = "casusregister/interchange"
VERSION = 1
MAX_ERRORS = 50
PERSONAL_KEYS = ("name", "bsn", "phone", "email", "address", "service_reference")
TOP_LEVEL = ("format", "version", "cases", "signals", "with_personal")


class Resolver(Protocol):
    """What the import needs to know about the register it goes into."""

    def case_ref_exists(self, ref: str) -> bool: ...

    def signal_ref_exists(self, ref: str) -> bool: ...

    def existing_signal_number(self, ref: str) -> str | None: ...

    def next_case_number(self, year: int) -> str: ...

    def next_signal_number(self, year: int) -> str: ...


@dataclass
class MemoryResolver:
    """A register with nothing in it yet, for tests and previews."""

    device_code: str = "TST"
    _case_seq: int = 0
    _signal_seq: int = 0

    def case_ref_exists(self, ref: str) -> bool:
        return False

    def signal_ref_exists(self, ref: str) -> bool:
        return False

    def existing_signal_number(self, ref: str) -> str | None:
        return None

    def next_case_number(self, year: int) -> str:
        self._case_seq += 1
        return f"{year:04d}-{self.device_code}-{self._case_seq:04d}"

    def next_signal_number(self, year: int) -> str:
        self._signal_seq += 1
        return f"S-{year:04d}-{self.device_code}-{self._signal_seq:03d}"


@dataclass
class ImportPlan:
    events: list[Event] = field(default_factory=list)
    new_cases: list[tuple[str, str]] = field(default_factory=list)  # (ref, number)
    skipped_cases: list[str] = field(default_factory=list)
    new_signals: list[tuple[str, str]] = field(default_factory=list)
    skipped_signals: list[str] = field(default_factory=list)
    personal: dict[str, dict[str, str]] = field(default_factory=dict)  # entity_id -> P2
    links: int = 0
    #: the steps in the file of each case or signal that was skipped, as signatures
    #: (``step_signature``): the storage layer counts those the register lacks
    skipped_case_steps: dict[str, list[str]] = field(default_factory=dict)
    skipped_signal_steps: dict[str, list[str]] = field(default_factory=dict)


class _Errors:
    def __init__(self) -> None:
        self.items: list[FieldError] = []

    def add(self, path: str, message: str) -> None:
        """Paths and messages may carry the file's own text: keep each on one line."""
        if len(self.items) < MAX_ERRORS:
            self.items.append(FieldError(shown(path, 200), shown(message, 300)))

    def extend(self, errors: Iterable[FieldError]) -> None:
        for e in errors:
            self.add(e.path, e.message)

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationFailed(self.items)


@dataclass
class _Item:
    """One case or signal of the file, after the structural checks."""

    index: int
    ref: str
    path: str
    raw_events: list[dict[str, Any]]
    payloads: list[dict[str, Any] | None]
    first_date: date | None
    personal: dict[str, str] | None = None
    case_refs: list[str] = field(default_factory=list)


def clean_personal(key: str, value: Any) -> tuple[str | None, str | None]:
    """One P2 value as it is stored, or the Dutch reason it is refused: ``(clean,
    problem)``, one of them None (``clean`` is None for an empty value too).

    The limits of docs/INTERCHANGE-LIMITS.md; a BSN passes the 11-proef and is stored
    as nine digits, as the register stores a typed one. Public so that every door for
    personal data (a file, a form) can hold it to the same rules.
    """
    from app.model.lint import is_valid_bsn

    if key not in PERSONAL_KEYS:
        return None, "onbekend persoonsgegeven"
    if value is None:
        return None, None
    if not isinstance(value, str):
        return None, "moet tekst zijn"
    limit, multiline = PERSONAL_LIMITS[key]
    text = value.replace("\r\n", "\n").strip()
    problem = text_problem(text, multiline=multiline)
    if problem:
        return None, problem
    if len(text) > limit:
        return None, f"is te lang: hoogstens {limit} tekens"
    if key == "bsn" and text:
        if not is_valid_bsn(text):
            return None, "geen geldig BSN (voldoet niet aan de 11-proef)"
        return "".join(ch for ch in text if ch.isdigit()).zfill(9), None
    return text or None, None


def _check_personal(raw: Any, path: str, errors: _Errors) -> dict[str, str] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        errors.add(path, "moet een object zijn")
        return None
    out: dict[str, str] = {}
    for key, value in raw.items():
        clean, problem = clean_personal(key, value)
        if problem:
            errors.add(f"{path}.{shown(key)}", problem)
        elif clean:
            out[key] = clean
    return out or None


def _check_ref(value: Any, path: str, errors: _Errors) -> str | None:
    """A source reference (the herkomstnummer of a case or a signal, not the service's
    kenmerk): one line of at most ``REF_MAX`` characters."""
    if not isinstance(value, str) or not value.strip():
        errors.add(path, "verplicht herkomstnummer ontbreekt")
        return None
    ref = value.strip()
    problem = text_problem(ref, multiline=False)
    if problem:
        errors.add(path, problem)
        return None
    if len(ref) > REF_MAX:
        errors.add(path, f"is te lang: hoogstens {REF_MAX} tekens")
        return None
    return ref


def _validate_events(
    raw: Any,
    path: str,
    kinds: tuple[str, ...],
    first_kind: str,
    codelists: Codelists,
    errors: _Errors,
    signal_refs: Callable[[str], bool] | None,
) -> tuple[list[dict[str, Any]], list[dict[str, Any] | None]]:
    """Validate every event's payload; references are positions in the same list."""
    if not isinstance(raw, list) or not raw:
        errors.add(f"{path}.events", "moet een lijst met minstens één stap zijn")
        return [], []
    events: list[dict[str, Any]] = []
    payloads: list[dict[str, Any] | None] = []
    for j, ev in enumerate(raw):
        epath = f"{path}.events[{j}]"
        if not isinstance(ev, dict):
            errors.add(epath, "moet een object zijn")
            events.append({})
            payloads.append(None)
            continue
        events.append(ev)
        kind = ev.get("kind")
        if kind in ERASING_KINDS:  # recorded in a register, never read from a file
            errors.add(f"{epath}.kind", f"'{kind}' kan niet uit een bestand worden gelezen: "
                                        "wissen en vernietigen gebeuren in het register zelf")
            payloads.append(None)
            continue
        if not isinstance(kind, str) or (kind not in kinds
                                         and kind not in META_KINDS):
            message = "het soort stap ('kind') ontbreekt" if kind is None else \
                f"onbekend soort stap '{shown(kind)}'"
            errors.add(f"{epath}.kind", message)
            payloads.append(None)
            continue
        if j == 0 and kind != first_kind:
            errors.add(f"{epath}.kind", f"de eerste stap moet '{first_kind}' zijn")
        _check_flag(ev.get("flag"), f"{epath}.flag", errors)
        body = {k: v for k, v in ev.items() if k not in ("kind", "flag")}
        payloads.append(_validate_one(str(kind), body, j, raw, epath, codelists, errors,
                                      signal_refs))
    return events, payloads


def _check_flag(flag: Any, path: str, errors: _Errors) -> None:
    """A merge's flag (docs/INTERCHANGE.md): the fold's reason, one line of text."""
    if flag is None:
        return
    if not isinstance(flag, str):
        errors.add(path, "moet tekst zijn")
        return
    problem = text_problem(flag, multiline=False)
    if problem:
        errors.add(path, problem)
    elif len(flag) > FLAG_MAX:
        errors.add(path, f"is te lang: hoogstens {FLAG_MAX} tekens")


def _position(value: Any, j: int, raw: Sequence[Any], path: str, errors: _Errors) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int):
        errors.add(path, "moet de positie (vanaf 0) van een stap in dezelfde lijst zijn")
        return None
    if value < 0 or value >= len(raw) or value == j:
        errors.add(path, f"positie {shown(value)} bestaat niet in deze lijst")
        return None
    return value


def _validate_one(
    kind: str,
    body: dict[str, Any],
    j: int,
    raw: Sequence[Any],
    path: str,
    codelists: Codelists,
    errors: _Errors,
    signal_refs: Callable[[str], bool] | None,
) -> dict[str, Any] | None:
    def kind_at(pos: int) -> str:
        item = raw[pos]
        return str(item.get("kind")) if isinstance(item, dict) else ""

    placeholder = dict(body)
    if kind in META_KINDS:
        target = _position(body.get("target"), j, raw, f"{path}.target", errors)
        if target is None:
            return None
        target_kind = kind_at(target)
        if kind == Kind.CORRECTED and target_kind in META_KINDS:
            errors.add(f"{path}.target", "een correctie verwijst naar de oorspronkelijke stap")
            return None
        placeholder["target"] = f"#{target}"
        if kind == Kind.CORRECTED:
            sup = body.get("supersedes")
            if sup is not None:
                s = _position(sup, j, raw, f"{path}.supersedes", errors)
                if s is None:
                    return None
                other = raw[s]
                if kind_at(s) != Kind.CORRECTED or not isinstance(other, dict) or \
                        other.get("target") != body.get("target") or s > j:
                    errors.add(f"{path}.supersedes",
                               "moet een eerdere correctie van dezelfde stap zijn")
                    return None
                placeholder["supersedes"] = f"#{s}"
            else:
                placeholder.pop("supersedes", None)
            new = body.get("payload")
            if not isinstance(new, dict):
                errors.add(f"{path}.payload", "moet de volledige nieuwe gegevens bevatten")
                return None
            sig = new.get("signal")
            if target_kind in SIGNAL_LINK_KINDS and isinstance(sig, str) \
                    and signal_refs is not None and not signal_refs(sig):
                errors.add(f"{path}.payload.signal", f"onbekend signaal '{shown(sig)}'")
                return None
            try:
                placeholder["payload"] = validate_payload(
                    target_kind, _ref_placeholders(target_kind, new, j, raw, path, errors),
                    codelists, f"{path}.payload")
            except ValidationFailed as exc:
                errors.extend(exc.errors)
                return None
    elif kind == Kind.DEADLINE_MET:
        pos = _position(body.get("deadline"), j, raw, f"{path}.deadline", errors)
        if pos is None:
            return None
        if kind_at(pos) != Kind.DEADLINE_SET:
            errors.add(f"{path}.deadline", "moet verwijzen naar een vastgelegde termijn")
            return None
        placeholder["deadline"] = f"#{pos}"
    if kind in SIGNAL_LINK_KINDS:
        sig = body.get("signal")
        if isinstance(sig, str) and signal_refs is not None and not signal_refs(sig):
            errors.add(f"{path}.signal", f"onbekend signaal '{shown(sig)}'")
            return None
    try:
        return validate_payload(kind, placeholder, codelists, path)
    except ValidationFailed as exc:
        errors.extend(exc.errors)
        return None


def _ref_placeholders(kind: str, new: dict[str, Any], j: int, raw: Sequence[Any], path: str,
                      errors: _Errors) -> dict[str, Any]:
    """A corrected ``deadline_met`` still points at a position; keep the same form."""
    if kind == Kind.DEADLINE_MET and "deadline" in new:
        pos = _position(new.get("deadline"), j, raw, f"{path}.payload.deadline", errors)
        return {**new, "deadline": f"#{pos}" if pos is not None else "#?"}
    return new


def _items(
    data: Mapping[str, Any], key: str, kinds: tuple[str, ...], first_kind: str,
    codelists: Codelists, errors: _Errors, signal_refs: Callable[[str], bool] | None,
) -> list[_Item]:
    raw = data.get(key, [])
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        errors.add(key, "moet een lijst zijn")
        return []
    seen: set[str] = set()
    out: list[_Item] = []
    for i, entry in enumerate(raw):
        path = f"{key}[{i}]"
        if not isinstance(entry, dict):
            errors.add(path, "moet een object zijn")
            continue
        unknown = set(entry) - {"ref", "events", "personal", "cases"}
        for name in sorted(unknown):
            errors.add(f"{path}.{name}", "onbekend veld")
        ref = _check_ref(entry.get("ref"), f"{path}.ref", errors)
        if ref is None:
            continue
        if ref in seen:
            errors.add(f"{path}.ref", f"herkomstnummer '{shown(ref)}' komt twee keer voor in het "
                                      "bestand")
            continue
        seen.add(ref)
        events, payloads = _validate_events(entry.get("events"), path, kinds, first_kind,
                                            codelists, errors, signal_refs)
        first = payloads[0] if payloads else None
        # Numbering follows the effective date: the latest correction of the first
        # event (highest position in the file) may move it, even across a year.
        for j in range(len(events) - 1, 0, -1):
            fix = payloads[j]
            if events[j].get("kind") == Kind.CORRECTED and events[j].get("target") == 0 \
                    and fix is not None and isinstance(fix.get("payload"), dict):
                first = fix["payload"]
                break
        first_date = business_date(first_kind, first) if first else None
        item = _Item(i, ref, path, events, payloads, first_date)
        if key == "cases":
            item.personal = _check_personal(entry.get("personal"), f"{path}.personal", errors)
            if "cases" in entry:
                errors.add(f"{path}.cases", "onbekend veld")
        else:
            if "personal" in entry:
                errors.add(f"{path}.personal", "een signaal heeft geen persoonsgegevens")
            cases = entry.get("cases", [])
            if not isinstance(cases, list) or not all(isinstance(c, str) for c in cases):
                errors.add(f"{path}.cases", "moet een lijst met herkomstnummers van casussen zijn")
            else:
                refs = [_check_ref(c, f"{path}.cases[{k}]", errors)
                        for k, c in enumerate(cases)]
                item.case_refs = list(dict.fromkeys(r for r in refs if r is not None))
        out.append(item)
    return out


def _materialise(
    item: _Item,
    entity: str,
    number: str | None,
    clock: HybridClock,
    actor: str,
    device: str,
    recorded_at: str,
    signal_number: Callable[[str], str],
) -> list[Event]:
    """Turn validated payloads into events with real ids, in file order."""
    entity_id = new_id()
    ids = [new_id() for _ in item.raw_events]
    out: list[Event] = []
    for j, payload in enumerate(item.payloads):
        assert payload is not None
        kind = str(item.raw_events[j]["kind"])
        p = _resolve_refs(payload, ids)
        target_kind = (str(item.raw_events[int(str(payload["target"])[1:])].get("kind"))
                       if kind == Kind.CORRECTED else "")
        if kind in SIGNAL_LINK_KINDS:
            p = {**p, "signal": signal_number(str(p["signal"]))}
        if target_kind in SIGNAL_LINK_KINDS and "signal" in p["payload"]:
            p = {**p, "payload": {**p["payload"],
                                  "signal": signal_number(str(p["payload"]["signal"]))}}
        if kind == Kind.DEADLINE_SET:
            p = _with_due_on(p)
        if target_kind == Kind.DEADLINE_SET:
            p = {**p, "payload": _with_due_on(p["payload"])}
        if j == 0 and item.ref != number:
            p = {**p, "ref": item.ref}
        out.append(Event(
            id=ids[j],
            entity=entity,
            entity_id=entity_id,
            number=number if j == 0 else None,
            kind=kind,
            occurred_on=date(1, 1, 1),
            hlc=clock.next(),
            actor=actor,
            device=device,
            payload=p,
            recorded_at=recorded_at,
            flag=item.raw_events[j].get("flag"),
        ))
    # Retractions take their target's date, so date everything else first.
    dated = {e.id: e if e.kind in META_KINDS else _with_date(e, {})
             for e in out}
    for kind in META_KINDS:
        for e in out:
            if e.kind == kind:
                dated[e.id] = _with_date(e, dated)
    return [dated[e.id] for e in out]


def _with_due_on(p: dict[str, Any]) -> dict[str, Any]:
    if p.get("due_on") is None and p.get("deadline_kind") in ("bezwaartermijn",
                                                               "beroepstermijn"):
        from app.model.deadlines import compute_due_on

        due = compute_due_on(str(p["deadline_kind"]), date.fromisoformat(str(p["start_on"])))
        if due is not None:
            return {**p, "due_on": due.isoformat()}
    return p


def _with_date(ev: Event, by_id: Mapping[str, Event]) -> Event:
    """Stored ``occurred_on``: own date, a correction's new date, a retraction's target's."""
    on = occurred_on_for(ev.kind, ev.payload, by_id)
    return Event(ev.id, ev.entity, ev.entity_id, ev.number, ev.kind, on, ev.hlc, ev.actor,
                 ev.device, ev.payload, ev.recorded_at, ev.flag)


def occurred_on_for(kind: str, payload: Mapping[str, Any], others: Mapping[str, Event]) -> date:
    """The business date stored with an event (docs/DOMAIN.md: corrections take their
    new payload's date, retractions the date of the event they void)."""
    if kind == Kind.CORRECTED:
        target = others.get(str(payload.get("target")))
        new = payload.get("payload")
        if target is not None and isinstance(new, dict):
            d = business_date(target.kind, new)
            if d is not None:
                return d
        return target.occurred_on if target is not None else date.today()
    if kind == Kind.RETRACTED:
        target = others.get(str(payload.get("target")))
        return target.occurred_on if target is not None else date.today()
    d = business_date(kind, payload)
    return d if d is not None else date.today()


def _resolve_refs(payload: dict[str, Any], ids: list[str]) -> dict[str, Any]:
    def fix(value: Any) -> Any:
        if isinstance(value, str) and value.startswith("#") and value[1:].isdigit():
            return ids[int(value[1:])]
        return value

    out = {k: fix(v) for k, v in payload.items()}
    if isinstance(out.get("payload"), dict):
        out["payload"] = {k: fix(v) for k, v in out["payload"].items()}
    return out


def plan_import(
    data: Any,
    resolver: Resolver,
    *,
    clock: HybridClock,
    actor: str,
    device: str,
    recorded_at: str,
    today: date,
    codelists: Codelists | None = None,
) -> ImportPlan:
    """Validate the whole file and build every event; raise ValidationFailed on any error."""
    cl = codelists or default_codelists()
    errors = _Errors()
    if not isinstance(data, dict):
        raise ValidationFailed([FieldError("", "het bestand is geen interchange-bestand "
                                                "(verwacht een JSON-object)")])
    if data.get("format") != FORMAT:
        raise ValidationFailed([FieldError("format", f"verwacht '{FORMAT}'; dit bestand is "
                                                     "niet van Casusregister")])
    version = data.get("version")
    if "version" not in data:
        raise ValidationFailed([FieldError("version", "versienummer ontbreekt")])
    if not isinstance(version, int) or isinstance(version, bool):
        raise ValidationFailed([FieldError("version", "moet een geheel getal zijn, zoals 1")])
    if version > VERSION:
        raise ValidationFailed([FieldError(
            "version", f"versie {shown(version)} is nieuwer dan deze versie van het "
                       f"programma kan lezen (tot en met {VERSION}); werk het programma bij")])
    if version < 1:
        raise ValidationFailed([FieldError("version", f"onbekende versie {shown(version)}")])
    for key in sorted(set(data) - set(TOP_LEVEL)):
        errors.add(key, "onbekend veld")
    if "with_personal" in data and not isinstance(data["with_personal"], bool):
        errors.add("with_personal", "moet true of false zijn")

    signals = _items(data, "signals", SIGNAL_KINDS, Kind.SIGNAL_CREATED, cl, errors, None)
    file_signal_refs = {s.ref for s in signals}

    def signal_known(ref: str) -> bool:
        return ref in file_signal_refs or resolver.signal_ref_exists(ref)

    cases = _items(data, "cases", CASE_KINDS, Kind.REGISTERED, cl, errors, signal_known)
    file_case_refs = {c.ref for c in cases}
    for s in signals:
        for k, ref in enumerate(s.case_refs):
            if ref not in file_case_refs and not resolver.case_ref_exists(ref):
                errors.add(f"{s.path}.cases[{k}]", f"onbekende casus '{ref}'")
    errors.raise_if_any()

    plan = ImportPlan()
    signal_numbers: dict[str, str] = {}
    signal_created: dict[str, date] = {}
    new_signals = [s for s in signals if not resolver.signal_ref_exists(s.ref)]
    plan.skipped_signals = [s.ref for s in signals if resolver.signal_ref_exists(s.ref)]
    plan.skipped_signal_steps = {s.ref: _signatures(s) for s in signals
                                 if resolver.signal_ref_exists(s.ref)}
    for s in sorted(new_signals, key=lambda x: (x.first_date or date.min, x.index)):
        year = (s.first_date or today).year
        signal_numbers[s.ref] = resolver.next_signal_number(year)
        signal_created[s.ref] = s.first_date or today

    def signal_number(ref: str) -> str:
        return signal_numbers.get(ref) or resolver.existing_signal_number(ref) or ref

    for s in sorted(new_signals, key=lambda x: (x.first_date or date.min, x.index)):
        evs = _materialise(s, "signal", signal_numbers[s.ref], clock, actor, device,
                           recorded_at, signal_number)
        _check_fold(s, evs, errors, today, signal=True)
        plan.events.extend(evs)
        plan.new_signals.append((s.ref, signal_numbers[s.ref]))

    case_events: dict[str, list[Event]] = {}
    for c in sorted(cases, key=lambda x: (x.first_date or date.min, x.index)):
        if resolver.case_ref_exists(c.ref):
            plan.skipped_cases.append(c.ref)
            plan.skipped_case_steps[c.ref] = _signatures(c)
            continue
        number = resolver.next_case_number((c.first_date or today).year)
        evs = _materialise(c, "case", number, clock, actor, device, recorded_at,
                           signal_number)
        case_events[c.ref] = evs
        plan.new_cases.append((c.ref, number))
        if c.personal:
            plan.personal[evs[0].entity_id] = c.personal

    # A signal's `cases` list becomes signal_linked events of those cases, also when
    # the signal itself was imported before (its new cases still need the link).
    for s in sorted(signals, key=lambda x: (x.first_date or date.min, x.index)):
        for ref in s.case_refs:
            target = case_events.get(ref)
            if target is None:
                continue  # a case already in the register: linked by the storage layer
            evs = target
            number = signal_number(s.ref)
            if any(e.kind == Kind.SIGNAL_LINKED and e.payload.get("signal") == number
                   for e in evs):
                continue
            on = max(signal_created.get(s.ref) or s.first_date or today, evs[0].occurred_on)
            ev = Event(new_id(), "case", evs[0].entity_id, None, Kind.SIGNAL_LINKED, on,
                       clock.next(), actor, device, {"on": on.isoformat(), "signal": number},
                       recorded_at)
            evs.append(ev)
            plan.links += 1

    for c in cases:
        planned = case_events.get(c.ref)
        if planned is not None:
            _check_fold(c, planned, errors, today, signal=False)
            plan.events.extend(planned)
    errors.raise_if_any()
    return plan


def _signatures(item: _Item) -> list[str]:
    return [step_signature(str(item.raw_events[j].get("kind")), p)
            for j, p in enumerate(item.payloads) if p is not None]


#: Values a register adds or rewrites on import: left out when steps are compared.
_UNCOMPARED = frozenset({"ref", "due_on", "signal",
                         *(f for fields in REFERENCE_FIELDS.values() for f in fields)})


def step_signature(kind: str, payload: Mapping[str, Any]) -> str:
    """What makes a step in a file the same as one in a register (issue #7: a re-import
    says how many steps of cases it skipped the register lacks). References are
    positions in a file and ids in a register, a signal is a ref in one and a number
    in the other, and a register computes a deadline's ``due_on``: all left out."""
    def plain(p: Mapping[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in p.items() if k not in _UNCOMPARED}

    body = plain(payload)
    inner = payload.get("payload")
    if isinstance(inner, dict):
        body["payload"] = plain(inner)
    return canonical_json([kind, body])


def _check_fold(item: _Item, events: list[Event], errors: _Errors, today: date,
                signal: bool) -> None:
    position = {e.id: j for j, e in enumerate(events)}
    flagged = {e.id for e in events if e.flag}
    by_id = {e.id: e for e in events}

    def date_field(e: Event) -> str:
        if e.kind == Kind.CORRECTED:
            target = by_id.get(str(e.payload.get("target")))
            return "payload." + DATE_FIELD.get(target.kind if target else "", "on")
        if e.kind == Kind.RETRACTED:
            return "target"
        return DATE_FIELD.get(e.kind, "on")

    for e in events:
        if e.occurred_on > today and e.id not in flagged:
            j = position[e.id]
            errors.add(f"{item.path}.events[{j}].{date_field(e)}", "ligt in de toekomst")
    state = fold_signal(events) if signal else fold_case(events)
    for event_id, reason in state.violations:
        if event_id in flagged:
            continue
        found = position.get(event_id)
        if found is None:
            continue
        j = found
        kind = events[j].kind
        field_name = DATE_FIELD.get(kind, "")
        suffix = f".{field_name}" if field_name and j < len(item.raw_events) else ""
        where = f"{item.path}.events[{j}]{suffix}" if j < len(item.raw_events) else \
            f"{item.path}.cases"
        errors.add(where, reason)


# ---------------------------------------------------------------------------
# Export


@dataclass
class ExportCase:
    ref: str
    events: list[Event]
    personal: dict[str, str] | None = None


@dataclass
class ExportSignal:
    ref: str
    events: list[Event]


def _file_event(ev: Event, position: Mapping[str, int], signal_refs: Mapping[str, str]
                ) -> dict[str, Any]:
    def pos(value: Any) -> Any:
        return position.get(str(value), value)

    p = dict(ev.payload)
    p.pop("ref", None)
    if ev.kind in META_KINDS:
        p["target"] = pos(p.get("target"))
        if p.get("supersedes") is not None:
            p["supersedes"] = pos(p["supersedes"])
        if isinstance(p.get("payload"), dict):
            inner = dict(p["payload"])
            inner.pop("ref", None)
            if "deadline" in inner:
                inner["deadline"] = pos(inner["deadline"])
            if "signal" in inner:
                inner["signal"] = signal_refs.get(str(inner["signal"]), inner["signal"])
            p["payload"] = inner
    if ev.kind == Kind.DEADLINE_MET:
        p["deadline"] = pos(p.get("deadline"))
    if ev.kind in SIGNAL_LINK_KINDS:
        p["signal"] = signal_refs.get(str(p.get("signal")), p.get("signal"))
    out: dict[str, Any] = {"kind": ev.kind, **p}
    if ev.flag:
        out["flag"] = ev.flag
    return out


def export_document(
    cases: Sequence[ExportCase],
    signals: Sequence[ExportSignal],
    with_personal: bool = False,
) -> dict[str, Any]:
    """Every event as recorded, in recording order, references as positions."""
    signal_refs: dict[str, str] = {}
    for s in signals:
        first = min(s.events, key=lambda e: e.hlc)
        if first.number:
            signal_refs[first.number] = s.ref
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    if with_personal:
        doc["with_personal"] = True
    out_cases: list[dict[str, Any]] = []
    for c in cases:
        ordered = sorted(c.events, key=lambda e: e.hlc)
        position = {e.id: j for j, e in enumerate(ordered)}
        entry: dict[str, Any] = {
            "ref": c.ref,
            "events": [_file_event(e, position, signal_refs) for e in ordered],
        }
        if with_personal and c.personal:
            entry["personal"] = dict(c.personal)
        out_cases.append(entry)
    out_signals: list[dict[str, Any]] = []
    for s in signals:
        ordered = sorted(s.events, key=lambda e: e.hlc)
        position = {e.id: j for j, e in enumerate(ordered)}
        out_signals.append({
            "ref": s.ref,
            "events": [_file_event(e, position, signal_refs) for e in ordered],
            "cases": [],
        })
    doc["cases"] = out_cases
    doc["signals"] = out_signals
    return doc


def events_in_memory(data: Any, today: date | None = None, device_code: str = "TST"
                     ) -> tuple[list[Event], ImportPlan]:
    """Build a whole register's events from a file without a database (tests, previews)."""
    clock = HybridClock("00000000-0000-4000-8000-000000000000")
    plan = plan_import(data, MemoryResolver(device_code), clock=clock, actor="import",
                       device=clock.device, recorded_at=utc_now_iso(),
                       today=today or date.today())
    return plan.events, plan
