"""The canonical form of an event: what the hashes cover and what bundles carry.

docs/ARCHITECTURE.md lets storage encode an event compactly (BLOB columns, a devices
table), but the hashes, exchange bundles and interchange files only ever see this
form: UUIDs as lowercase hyphenated text, hashes as lowercase hex, the hlc text, dates
as ISO text and the payload as a JSON object (hashed through its canonical JSON). So a
change of how the register stores its rows changes no hash and no bundle.

A bundle comes from another laptop, so ``parse_event`` trusts nothing: it checks
every field's type and format and recomputes both hashes. Flags are not carried: they
are the receiver's fold verdict, recomputed on every re-fold.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from json.encoder import encode_basestring
from typing import Any, NamedTuple

from app.model.errors import FieldError, UserError
from app.model.eventlog import ZERO_HASH, Event, event_hash, payload_hash, sha256_hex
from app.model.kinds import ALL_KINDS, CASE_KINDS, FIRST_KINDS, KINDS, SIGNAL_KINDS

#: Every key of a canonical event, in the order people read them.
FIELDS: tuple[str, ...] = (
    "id", "entity", "entity_id", "number", "kind", "occurred_on", "recorded_at", "hlc",
    "actor", "device", "payload", "payload_hash", "prev_hash", "hash", "erased_by",
)
_FIELD_SET = frozenset(FIELDS)
_KINDS = frozenset(ALL_KINDS)
_CASE_KINDS = frozenset(CASE_KINDS)
_SIGNAL_KINDS = frozenset(SIGNAL_KINDS)
_ENTITIES = frozenset(("case", "signal"))
#: The entity a kind belongs to; corrections and retractions belong to either.
_ENTITY_OF: dict[str, str] = {k: i.entity for k, i in KINDS.items() if i.entity != "meta"}

MAX_ACTOR = 300

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII)
_HASH = re.compile(r"[0-9a-f]{64}", re.ASCII)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_RECORDED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z", re.ASCII)
_HLC_DIGITS = re.compile(
    r"\d{13}\.\d{5}\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.ASCII)
_CASE_NUMBER = re.compile(r"\d{4}-([A-Z]{2,4})-\d{4,9}", re.ASCII)
_SIGNAL_NUMBER = re.compile(r"S-\d{4}-([A-Z]{2,4})-\d{3,9}", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")

#: ``canonical_json`` without building an encoder per call (a test proves them equal).
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)

#: Checks a payload's content against its kind (``app.model.events.check_structure``):
#: structure only, never local settings, so unknown codelist keys pass.
PayloadCheck = Callable[[str, Mapping[str, Any]], Sequence[FieldError]]


class CanonicalError(UserError):
    """One event of a bundle is not in canonical form; the message names it and why."""

    def __init__(self, event_id: str, problems: Sequence[str]) -> None:
        self.event_id = event_id
        self.problems = list(problems)
        super().__init__(f"stap {event_id}: " + "; ".join(self.problems))


class CanonicalEvent(NamedTuple):
    """One event as hashed and exchanged; ``payload`` is None only for a destroyed case.

    ``erased_by`` is the id of the ``text_erased`` or ``case_destroyed`` event that
    erased this payload (docs/ARCHITECTURE.md "Erasure"); ``payload_hash`` then still is
    the hash of the original payload, which the chain keeps covering. A named tuple:
    immutable, and three times cheaper to make than a frozen dataclass, which counts
    when a bundle holds 120,000 of them.
    """

    id: str
    entity: str
    entity_id: str
    number: str | None
    kind: str
    occurred_on: str
    recorded_at: str
    hlc: str
    actor: str
    device: str
    payload: dict[str, Any] | None
    payload_hash: str
    prev_hash: str
    hash: str
    erased_by: str | None = None

    def meta(self) -> dict[str, Any]:
        """The metadata the hash covers: the same dict as ``Event.meta``."""
        return {"id": self.id, "entity": self.entity, "entity_id": self.entity_id,
                "number": self.number, "kind": self.kind, "occurred_on": self.occurred_on,
                "hlc": self.hlc, "actor": self.actor, "device": self.device}

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "entity": self.entity, "entity_id": self.entity_id,
                "number": self.number, "kind": self.kind, "occurred_on": self.occurred_on,
                "recorded_at": self.recorded_at, "hlc": self.hlc, "actor": self.actor,
                "device": self.device, "payload": self.payload,
                "payload_hash": self.payload_hash, "prev_hash": self.prev_hash,
                "hash": self.hash, "erased_by": self.erased_by}

    def to_event(self) -> Event:
        """The in-memory event the fold reads (a destroyed payload reads as ``{}``)."""
        return Event(self.id, self.entity, self.entity_id, self.number, self.kind,
                     date.fromisoformat(self.occurred_on), self.hlc, self.actor,
                     self.device, dict(self.payload or {}), self.recorded_at, None)


def _text_or_null(value: str | None) -> str:
    return "null" if value is None else encode_basestring(value)


def canonical_line(ev: CanonicalEvent, payload_json: str | None = None) -> str:
    """``canonical_json(ev.to_json())`` written out by hand (a test proves them equal).

    Writing a bundle of 120,000 events serialises each once; sorting fifteen keys per
    event through the general encoder costs more than the compression after it.
    ``payload_json`` is the payload's canonical JSON when the caller already has it
    (the register stores exactly that text), so it is not encoded a second time.
    """
    return "".join((
        '{"actor":', encode_basestring(ev.actor), ',"device":', encode_basestring(ev.device),
        ',"entity":', encode_basestring(ev.entity), ',"entity_id":',
        encode_basestring(ev.entity_id), ',"erased_by":', _text_or_null(ev.erased_by),
        ',"hash":', encode_basestring(ev.hash), ',"hlc":', encode_basestring(ev.hlc),
        ',"id":', encode_basestring(ev.id), ',"kind":', encode_basestring(ev.kind),
        ',"number":', _text_or_null(ev.number), ',"occurred_on":',
        encode_basestring(ev.occurred_on), ',"payload":',
        _ENCODER.encode(ev.payload) if payload_json is None else payload_json,
        ',"payload_hash":', encode_basestring(ev.payload_hash), ',"prev_hash":',
        encode_basestring(ev.prev_hash), ',"recorded_at":', encode_basestring(ev.recorded_at),
        "}"))


def from_event(ev: Event, *, payload_hash: str, prev_hash: str, hash: str,
               erased_by: str | None = None, destroyed: bool = False) -> CanonicalEvent:
    """A stored event with its stored hashes; ``destroyed`` carries a null payload.

    The hashes are taken as stored, not recomputed: an erased payload no longer hashes
    to ``payload_hash``, and the receiver must see exactly what the sender holds.
    """
    return CanonicalEvent(
        ev.id, ev.entity, ev.entity_id, ev.number, ev.kind, ev.occurred_on.isoformat(),
        ev.recorded_at, ev.hlc, ev.actor, ev.device,
        None if destroyed else dict(ev.payload), payload_hash, prev_hash, hash, erased_by)


def chained(ev: Event, prev_hash: str) -> CanonicalEvent:
    """A new (unerased) event hashed onto ``prev_hash``, as the register appends it."""
    p_hash = payload_hash(ev.payload)
    return from_event(ev, payload_hash=p_hash, prev_hash=prev_hash,
                      hash=event_hash(prev_hash, ev.meta(), p_hash))


def chain(events: Iterable[Event], prev_hash: str = ZERO_HASH) -> list[CanonicalEvent]:
    """Hash one device's events in the order given, starting after ``prev_hash``."""
    out: list[CanonicalEvent] = []
    for ev in events:
        ce = chained(ev, prev_hash)
        out.append(ce)
        prev_hash = ce.hash
    return out


def number_code(number: str | None) -> str | None:
    """The device code inside a case (``YYYY-DEV-NNNN``) or signal number, else None."""
    if number is None:
        return None
    match = _CASE_NUMBER.fullmatch(number) or _SIGNAL_NUMBER.fullmatch(number)
    return match.group(1) if match else None


def is_uuid(value: object) -> bool:
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def is_hash(value: object) -> bool:
    return isinstance(value, str) and _HASH.fullmatch(value) is not None


def is_hlc(value: object) -> bool:
    return isinstance(value, str) and _HLC_DIGITS.fullmatch(value) is not None


def is_recorded_at(value: object) -> bool:
    if not isinstance(value, str) or _RECORDED.fullmatch(value) is None:
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def is_iso_date(value: object) -> bool:
    if not isinstance(value, str) or _DATE.fullmatch(value) is None:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _text(value: object) -> bool:
    return (isinstance(value, str) and len(value) <= MAX_ACTOR
            and _CONTROL.search(value) is None)


def _hash_problems(data: Mapping[str, Any], names: Sequence[str]) -> list[str]:
    return [f"'{name}' is geen sha256 in kleine hexadecimalen" for name in names
            if not (isinstance(data[name], str) and _HASH.fullmatch(data[name]))]


def _meta_json(data: Mapping[str, Any]) -> str:
    """``canonical_json(meta)`` for values already checked, written out by hand.

    Every value but ``actor`` is checked to need no JSON escaping (UUIDs, a known kind,
    digits), so this equals the general form (a test proves it) at a third of the
    cost: reading a 120,000-event bundle hashes every event's metadata.
    """
    number = data["number"]
    return "".join((
        '{"actor":', encode_basestring(data["actor"]), ',"device":"', data["device"],
        '","entity":"', data["entity"], '","entity_id":"', data["entity_id"],
        '","hlc":"', data["hlc"], '","id":"', data["id"], '","kind":"', data["kind"],
        '","number":', "null" if number is None else f'"{number}"',
        ',"occurred_on":"', data["occurred_on"], '"}'))


class EventParser:
    """Checks canonical events one by one, remembering values already found good.

    A bundle repeats its devices, cases, dates and actors thousands of times; checking
    each distinct value once keeps reading a large bundle linear and quick. One parser
    per bundle (its memory is bounded by the bundle's own distinct values).
    """

    def __init__(self, check_payload: PayloadCheck | None = None,
                 texts: dict[str, str] | None = None) -> None:
        self._check = check_payload
        #: id -> the payload's canonical JSON, computed anyway to check its hash; the
        #: register stores exactly that text, so a merge need not encode it again
        self._texts = texts
        self._uuids: set[str] = set()
        self._dates: set[str] = set()
        self._stamps: set[str] = set()
        self._actors: set[str] = set()
        self._last: dict[str, str] = {}  # device -> hash of its last event parsed

    def _uuid(self, value: object) -> bool:
        if value in self._uuids:
            return True
        if is_uuid(value):
            self._uuids.add(value)  # type: ignore[arg-type]
            return True
        return False

    def _identity(self, data: Mapping[str, Any]) -> list[str]:
        problems: list[str] = []
        for name in ("id", "entity_id", "device"):
            if not self._uuid(data[name]):
                problems.append(f"'{name}' is geen UUID in kleine letters")
        entity, kind, number = data["entity"], data["kind"], data["number"]
        if entity not in ("case", "signal"):
            problems.append("'entity' is niet 'case' of 'signal'")
        if not isinstance(kind, str) or kind not in _KINDS:
            problems.append(f"onbekend soort stap {str(kind)[:40]!r}")
            return problems
        if (kind in _CASE_KINDS and entity != "case") or (
                kind in _SIGNAL_KINDS and entity != "signal"):
            problems.append(f"een stap '{kind}' hoort niet bij een {entity}")
        first = FIRST_KINDS.get(kind)
        if first is None:
            if number is not None:
                problems.append("alleen de eerste stap van een casus of signaal draagt "
                                "een nummer")
        elif not isinstance(number, str) or (
                (_CASE_NUMBER if first == "case" else _SIGNAL_NUMBER).fullmatch(number)
                is None):
            problems.append("'number' is geen casusnummer (JJJJ-APP-NNNN)" if first == "case"
                            else "'number' is geen signaalnummer (S-JJJJ-APP-NNN)")
        return problems

    def _stamps_ok(self, data: Mapping[str, Any]) -> list[str]:
        problems: list[str] = []
        on, at, actor, hlc = (data["occurred_on"], data["recorded_at"], data["actor"],
                              data["hlc"])
        if on not in self._dates:
            if is_iso_date(on):
                self._dates.add(on)
            else:
                problems.append("'occurred_on' is geen datum (JJJJ-MM-DD)")
        if at not in self._stamps:
            if is_recorded_at(at):
                self._stamps.add(at)
            else:
                problems.append("'recorded_at' is geen UTC-tijdstip (JJJJ-MM-DDTUU:MM:SSZ)")
        if actor not in self._actors:
            if _text(actor):
                self._actors.add(actor)
            else:
                problems.append("'actor' is geen naam")
        if not (isinstance(hlc, str) and _HLC_DIGITS.fullmatch(hlc)):
            problems.append("'hlc' is geen hybride klok (ms.teller.apparaat)")
        elif hlc[20:] != data["device"]:
            problems.append("'hlc' is niet door het apparaat van de stap uitgegeven")
        prev = data["prev_hash"]
        if not (isinstance(prev, str) and prev == self._last.get(data["device"])):
            # (else it is the hash this parser computed for the device's previous event)
            problems += _hash_problems(data, ("prev_hash",))
        # payload_hash and hash are compared with the hashes computed from the event,
        # which are well-formed; their format is only looked at when they differ
        problems += [f"'{name}' is geen sha256 in kleine hexadecimalen"
                     for name in ("payload_hash", "hash") if not isinstance(data[name], str)]
        return problems

    def _payload(self, data: Mapping[str, Any]) -> list[str]:
        payload, erased_by = data["payload"], data["erased_by"]
        if erased_by is not None and (not self._uuid(erased_by) or erased_by == data["id"]):
            return ["'erased_by' is geen id van een andere stap"]
        if payload is None:
            return [] if erased_by is not None else ["'payload' ontbreekt (en is niet gewist)"]
        if not isinstance(payload, dict):
            return ["'payload' is geen object"]
        if erased_by is not None:  # an erased payload no longer meets its rules nor its hash
            return _hash_problems(data, ("payload_hash",))
        try:
            text = _ENCODER.encode(payload)
        except (TypeError, ValueError):
            return ["'payload' is geen JSON"]
        if sha256_hex(text) != data["payload_hash"]:
            return (_hash_problems(data, ("payload_hash",))
                    or ["de inhoud klopt niet met 'payload_hash'"])
        problems = [] if self._check is None else [
            f"payload.{e}" if e.path else str(e)
            for e in self._check(str(data["kind"]), payload)]
        if self._texts is not None and not problems:
            self._texts[str(data["id"])] = text
        return problems

    def _quick(self, d: dict[str, Any]) -> CanonicalEvent | None:
        """The common case in one pass, or None to let the full check decide and explain.

        An unerased event that is not the first of its case, signal or device, whose
        repeating values (device, case, date, stamp, actor) were found good before
        and whose previous hash is the one this parser computed: only its own id,
        hlc and hashes are left to check.
        """
        if d.keys() != _FIELD_SET or d["erased_by"] is not None or d["number"] is not None:
            return None
        ident, device, kind, entity, hlc = d["id"], d["device"], d["kind"], d["entity"], d["hlc"]
        payload, prev = d["payload"], d["prev_hash"]
        seen = self._uuids
        if not (type(payload) is dict and kind in _KINDS and kind not in FIRST_KINDS
                and _ENTITY_OF.get(kind, entity) == entity and entity in _ENTITIES
                and d["entity_id"] in seen and device in seen and type(prev) is str
                and prev == self._last.get(device) and d["occurred_on"] in self._dates
                and d["recorded_at"] in self._stamps and d["actor"] in self._actors
                and type(ident) is str and _UUID.fullmatch(ident) is not None
                and type(hlc) is str and hlc[20:] == device
                and _HLC_DIGITS.fullmatch(hlc) is not None):
            return None
        try:
            text = _ENCODER.encode(payload)
            p_hash = sha256_hex(text)
            if p_hash != d["payload_hash"] or sha256_hex(prev + _meta_json(d) + p_hash) \
                    != d["hash"]:
                return None
        except (TypeError, ValueError):
            return None
        if self._check is not None and self._check(kind, payload):
            return None
        self._last[device] = d["hash"]
        if self._texts is not None:
            self._texts[ident] = text
        return CanonicalEvent(ident, entity, d["entity_id"], None, kind, d["occurred_on"],
                              d["recorded_at"], hlc, d["actor"], device, payload, p_hash,
                              prev, d["hash"], None)

    def parse(self, data: Any) -> CanonicalEvent:
        """Check one canonical event from a bundle and return it; raise ``CanonicalError``.

        Types, formats, the kind, the number's place, both hashes (the event hash over
        the stored ``payload_hash``, so an erased payload still verifies its chain)
        and, for an unerased payload, its content through ``check_payload``.
        """
        if type(data) is dict:
            quick = self._quick(data)
            if quick is not None:
                return quick
        if not isinstance(data, dict):
            raise CanonicalError("?", ["geen object"])
        ident = data.get("id")
        name = ident if isinstance(ident, str) and len(ident) <= 64 else "?"
        keys = data.keys()
        if keys != _FIELD_SET:
            problems = [f"veld '{k}' ontbreekt" for k in sorted(_FIELD_SET - keys)]
            problems += [f"onbekend veld '{str(k)[:40]}'" for k in sorted(
                map(str, keys - _FIELD_SET))]
            raise CanonicalError(name, problems)
        problems = self._identity(data) + self._stamps_ok(data)
        if not problems:
            problems = self._payload(data)
        if problems:
            raise CanonicalError(name, problems)
        if sha256_hex(data["prev_hash"] + _meta_json(data) + data["payload_hash"]) \
                != data["hash"]:
            raise CanonicalError(name, _hash_problems(data, ("hash",))
                                 or ["de hash klopt niet met de gegevens van de stap"])
        self._last[data["device"]] = data["hash"]
        return CanonicalEvent(
            data["id"], data["entity"], data["entity_id"], data["number"], data["kind"],
            data["occurred_on"], data["recorded_at"], data["hlc"], data["actor"],
            data["device"], data["payload"], data["payload_hash"], data["prev_hash"],
            data["hash"], data["erased_by"])


def parse_event(data: Any, check_payload: PayloadCheck | None = None) -> CanonicalEvent:
    """One event checked on its own (see ``EventParser.parse``)."""
    return EventParser(check_payload).parse(data)
