"""The fold: a case's or signal's events -> its current state (docs/ARCHITECTURE.md).

Nothing is updated in place, so everything a handler sees is computed here from the
log: corrections replace payloads, retractions void events, the effective sequence is
ordered by (effective business date, hlc) and replayed through the workflow rules.
The fold is total: an event that breaks a rule (only possible after a merge) is folded
like any other and listed in ``violations``, so a merged register always opens.
An optional ``as_of`` date gives the state docs/DOMAIN.md asks for at the end of a period.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import Any

from app.model.dates import as_date
from app.model.eventlog import Event
from app.model.events import DATE_FIELD, business_date, kind_label
from app.model.kinds import ERASING_KINDS, FIRST_KINDS, META_KINDS, Kind, Phase, Status
from app.model.workflow import CaseMachine, Refusal, SignalMachine, erasure_problem

# The kinds the fold branches on, bound once to their plain string values. On Python
# 3.11 a ``Kind.X`` lookup passes through the enum metaclass's ``__getattr__`` hook
# (about 60 ns) and comparing a ``str`` with a ``str`` subclass takes a slower path
# too; these branches run for every event of every case in every fold. A misspelt
# member still fails here, at import and in type checking.
(_REGISTERED, _TRIAGED, _ASSIGNED, _PAUSED, _RESUMED, _CLOSED, _REOPENED, _ESCALATED,
 _ESCALATION_RESPONSE, _OPINION_SENT, _SERVICE_RESPONSE, _DEADLINE_SET, _DEADLINE_MET,
 _SIGNAL_LINKED, _SIGNAL_UNLINKED, _CLOSING_INTERVIEW, _STORY, _STORY_APPROVED,
 _TEXT_ERASED, _CASE_DESTROYED, _CORRECTED, _RETRACTED, _SIGNAL_CREATED, _SIGNAL_SUBMITTED,
 _SIGNAL_RESPONSE, _SIGNAL_FEEDBACK_GIVEN, _SIGNAL_CLOSED) = (str(k) for k in (
    Kind.REGISTERED, Kind.TRIAGED, Kind.ASSIGNED, Kind.PAUSED, Kind.RESUMED, Kind.CLOSED,
    Kind.REOPENED, Kind.ESCALATED, Kind.ESCALATION_RESPONSE, Kind.OPINION_SENT,
    Kind.SERVICE_RESPONSE, Kind.DEADLINE_SET, Kind.DEADLINE_MET, Kind.SIGNAL_LINKED,
    Kind.SIGNAL_UNLINKED, Kind.CLOSING_INTERVIEW, Kind.STORY, Kind.STORY_APPROVED,
    Kind.TEXT_ERASED, Kind.CASE_DESTROYED, Kind.CORRECTED, Kind.RETRACTED,
    Kind.SIGNAL_CREATED, Kind.SIGNAL_SUBMITTED, Kind.SIGNAL_RESPONSE,
    Kind.SIGNAL_FEEDBACK_GIVEN, Kind.SIGNAL_CLOSED))
_META = frozenset(str(k) for k in META_KINDS)


@dataclass(frozen=True, slots=True)
class Effective:
    """One step as it counts now: the original event with its effective payload."""

    event: Event
    kind: str
    on: date
    payload: dict[str, Any]
    corrections: tuple[Event, ...] = ()

    @property
    def id(self) -> str:
        return self.event.id

    @property
    def hlc(self) -> str:
        return self.event.hlc


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two corrections made without knowledge of each other; the later hlc won."""

    target: str
    supersedes: str | None
    winner: str
    loser: str


class Violation(tuple[str, str]):
    """A step that breaks a rule: ``(event id, reason)``, as the flags keep it, and the
    payload field the rule is about (``field``; "" for the step as a whole), so a form
    can show a refusal next to that field whatever its wording."""

    field: str

    def __new__(cls, event_id: str, reason: str, field: str = "") -> Violation:
        made = super().__new__(cls, (event_id, reason))
        made.field = field
        return made

    def __getnewargs__(self) -> tuple[str, str, str]:
        return (self[0], self[1], self.field)  # copy and pickle keep the field


@dataclass
class EffectiveLog:
    effective: list[Effective]
    voided: list[Event]  # retracted originals
    corrections: list[Event]  # every corrected/retracted event, in hlc order
    conflicts: list[Conflict]
    problems: list[Violation]  # unusable corrections and retractions


_BY_HLC = attrgetter("hlc")
_BY_DATE = attrgetter("on")


def _conflicts(target: str, fixes: Sequence[Event]) -> list[Conflict]:
    """Corrections with the same ``supersedes`` were made unaware of each other."""
    seen: dict[str | None, Event] = {}
    superseded = {str(c.payload.get("supersedes")) for c in fixes
                  if c.payload.get("supersedes")}
    out: list[Conflict] = []
    for c in fixes:
        sup = c.payload.get("supersedes")
        key = str(sup) if sup else None
        # A later correction that supersedes the winner resolves the conflict.
        if key in seen and c.id not in superseded:
            out.append(Conflict(target, key, winner=c.id, loser=seen[key].id))
        seen[key] = c
    return out


def effective_events(events: Iterable[Event], as_of: date | None = None) -> EffectiveLog:
    """Resolve corrections and retractions, then order by (effective date, hlc)."""
    ordered = sorted(events, key=_BY_HLC)
    originals: dict[str, Event] = {}
    meta: list[Event] = []
    for ev in ordered:
        if ev.kind in _META:
            meta.append(ev)
        else:
            originals[ev.id] = ev

    problems: list[Violation] = []
    corrections_of: dict[str, list[Event]] = {}
    correction_target: dict[str, str] = {}
    for ev in meta:
        if ev.kind != _CORRECTED:
            continue
        target = str(ev.payload.get("target", ""))
        if target not in originals:
            problems.append(Violation(ev.id, "de correctie verwijst naar een onbekende stap"))
            continue
        if originals[target].kind in ERASING_KINDS:
            problems.append(Violation(ev.id, "een wisstap kan niet worden gecorrigeerd"))
            continue
        new = ev.payload.get("payload")
        if not isinstance(new, dict) or business_date(originals[target].kind, new) is None:
            problems.append(Violation(ev.id, "de correctie heeft geen bruikbare nieuwe gegevens"))
            continue
        corrections_of.setdefault(target, []).append(ev)
        correction_target[ev.id] = target

    retracted: set[str] = set()
    for ev in meta:
        if ev.kind != _RETRACTED:
            continue
        target = str(ev.payload.get("target", ""))
        if target in originals:
            if originals[target].kind in FIRST_KINDS:
                problems.append(Violation(ev.id, "de eerste stap kan niet vervallen"))
                continue
            if originals[target].kind in ERASING_KINDS:
                problems.append(Violation(ev.id, "een wisstap kan niet vervallen"))
                continue
            retracted.add(target)
        elif target in correction_target:
            retracted.add(target)
        else:
            problems.append(Violation(ev.id, "de intrekking verwijst naar een onbekende stap"))

    conflicts: list[Conflict] = []
    effective: list[Effective] = []
    voided: list[Event] = []
    for ev in originals.values():
        if retracted and ev.id in retracted:
            voided.append(ev)
            continue
        payload = ev.payload
        fixes: tuple[Event, ...] = ()
        if ev.id in corrections_of:  # most events never get one: keep their path short
            fixes = tuple(c for c in corrections_of[ev.id] if c.id not in retracted)
            conflicts += _conflicts(ev.id, fixes)
            if fixes:
                latest = fixes[-1].payload.get("payload")
                if isinstance(latest, dict):
                    payload = latest
        # business_date(), inlined: this line runs for every event of every case.
        name = DATE_FIELD.get(ev.kind)
        value = payload.get(name) if name is not None else None
        if isinstance(value, str):
            try:
                on = date.fromisoformat(value)
            except ValueError:
                on = ev.occurred_on
        else:
            on = value if isinstance(value, date) else ev.occurred_on
        if as_of is not None and on > as_of:
            continue
        effective.append(Effective(ev, ev.kind, on, payload, fixes))
    # ``effective`` is in hlc order (``originals`` was filled in that order), so a
    # stable sort on the date alone gives the (date, hlc) order of docs/ARCHITECTURE.md.
    effective.sort(key=_BY_DATE)
    return EffectiveLog(effective, voided, meta, conflicts, problems)


# ---------------------------------------------------------------------------
# Cases


@dataclass(frozen=True, slots=True)
class Pause:
    event_id: str
    start: date
    end: date | None  # None: running at the fold date
    ended_by: str | None  # "resumed", "closed" or None
    procedure: str = ""


@dataclass(frozen=True, slots=True)
class Deadline:
    event_id: str
    kind: str
    start_on: date | None
    due_on: date | None
    set_on: date
    description: str | None
    met_on: date | None
    result: str | None


@dataclass
class CaseState:
    entity_id: str
    number: str | None
    ref: str | None
    status: Status
    phase: Phase | None
    received_on: date
    registration: dict[str, Any]
    triage: dict[str, Any] | None
    triaged_on: date | None
    handler: str | None
    registered_by: str
    closed_on: date | None
    closing: dict[str, Any] | None
    path: str | None
    pauses: list[Pause]
    deadlines: list[Deadline]
    signals: list[str]
    reopened: int
    interviews: list[Effective]
    stories: list[Effective]
    approved_story: Effective | None
    waiting_since: date | None  # oldest opinion without a response, per the phase rule
    last_step_on: date
    log: EffectiveLog
    violations: list[Violation]
    machine: CaseMachine
    #: a destroyed case (Archiefwet): the date and reason of its ``case_destroyed``
    destroyed_on: date | None = None
    destroyed_reason: str | None = None

    @property
    def destroyed(self) -> bool:
        return self.status == Status.VERNIETIGD

    @property
    def next_steps(self) -> list[str]:
        """The steps the workflow allows now (computed on demand: the GUI asks)."""
        return self.machine.next_steps()

    @property
    def effective(self) -> list[Effective]:
        return self.log.effective

    @property
    def pause_running(self) -> bool:
        return any(p.end is None for p in self.pauses)

    def paused_days(self, until: date | None = None) -> int:
        """Days paused; a running pause counts up to ``until`` when given."""
        total = 0
        for p in self.pauses:
            end = p.end if p.end is not None else until
            if end is not None:
                total += (end - p.start).days
        return total

    def next_deadline(self) -> Deadline | None:
        open_ = [d for d in self.deadlines if d.met_on is None and d.due_on is not None]
        return min(open_, key=lambda d: (d.due_on, d.event_id)) if open_ else None


def _due_on(payload: dict[str, Any]) -> date | None:
    due = as_date(payload.get("due_on"))
    if due is not None:
        return due
    start = as_date(payload.get("start_on"))
    kind = str(payload.get("deadline_kind", ""))
    if start is None:
        return None
    from app.model.deadlines import compute_due_on

    return compute_due_on(kind, start)


def _source_ref(first: Event) -> str | None:
    """The source's reference lives on the original first event; corrections keep it."""
    ref = first.payload.get("ref")
    return str(ref) if ref else None


def destroyer_of(events: Iterable[Event]) -> Event | None:
    """The ``case_destroyed`` that made the case a tombstone (the first, by hlc)."""
    return min((e for e in events if e.kind == _CASE_DESTROYED), key=lambda e: e.hlc,
               default=None)


def _tombstone(events: Sequence[Event], destroyer: Event) -> CaseState:
    """A destroyed case: number, year and reason, whatever its erased events held.

    Its payloads are erased, so nothing else can be read, and nothing may be: a step
    recorded after the destruction (possible only after a merge) is flagged, and the
    storage erases it on arrival. Dates come from the events' metadata, which the hash
    chain keeps.
    """
    first = next((e for e in sorted(events, key=lambda e: e.hlc)
                  if e.kind == Kind.REGISTERED), None) or min(events, key=lambda e: e.hlc)
    after = [Violation(e.id, "de casus is vernietigd; daarna kan niets meer worden vastgelegd")
             for e in events if e.hlc > destroyer.hlc and e.kind not in ERASING_KINDS]
    kept = Effective(destroyer, destroyer.kind, destroyer.occurred_on, dict(destroyer.payload))
    reason = destroyer.payload.get("reason")
    return CaseState(
        entity_id=first.entity_id, number=first.number, ref=None, status=Status.VERNIETIGD,
        phase=None, received_on=first.occurred_on, registration={}, triage=None,
        triaged_on=None, handler=None, registered_by=first.actor, closed_on=None,
        closing=None, path=None, pauses=[], deadlines=[], signals=[], reopened=0,
        interviews=[], stories=[], approved_story=None, waiting_since=None,
        last_step_on=destroyer.occurred_on, log=EffectiveLog([kept], [], [], [], []),
        violations=after, machine=CaseMachine(status=Status.VERNIETIGD),
        destroyed_on=destroyer.occurred_on,
        destroyed_reason=str(reason) if reason is not None else None)


def fold_case(events: Sequence[Event], as_of: date | None = None) -> CaseState:
    """Fold one case. Never raises on a well-formed event list of one entity.

    A destroyed case folds to its tombstone, as of any date: it is in no figure, for
    no period (docs/DOMAIN.md).
    """
    destroyer = destroyer_of(events)
    if destroyer is not None:
        return _tombstone(events, destroyer)
    log = effective_events(events, as_of)
    first = next((e for e in log.effective if e.kind == _REGISTERED), None)
    reg_event = first.event if first else min(events, key=lambda e: e.hlc)
    registration = dict(first.payload) if first else {}
    received_on = first.on if first else reg_event.occurred_on

    # Seeded so a step sorted before the intake is named for its date, not its order.
    machine = CaseMachine(received_on=received_on if first else None)
    violations: list[Violation] = []
    triage: dict[str, Any] | None = None
    triaged_on: date | None = None
    handler: str | None = None
    closed_on: date | None = None
    closing: dict[str, Any] | None = None
    pauses: list[dict[str, Any]] = []
    deadlines: dict[str, dict[str, Any]] = {}
    linked: list[str] = []
    reopened = 0
    interviews: list[Effective] = []
    stories: list[Effective] = []
    approved: Effective | None = None
    # Phase bookkeeping counts only steps after the latest reopening.
    escalations_open = 0
    opinions_open: dict[str, date] = {}
    escalated_dates: list[date] = []
    last_on = received_on

    # A step dated before the intake (possible only after a merge) is replayed right
    # after it: flagged for its date, and folded like any other (docs/ARCHITECTURE.md).
    sequence = log.effective
    if first is not None and sequence and sequence[0] is not first:
        # Steps on the intake's own day that sorted before it were stamped before the
        # registration existed (their hlc is lower): no device can do that honestly,
        # so they are flagged too, like a step dated before the intake.
        for eff in sequence:
            if eff is first:
                break
            if eff.on >= received_on:
                violations.append(Violation(eff.id, f"{kind_label(eff.kind)} is vastgelegd "
                                                    "vóór de aanmelding van de casus"))
        sequence = [first] + [e for e in sequence if e is not first]
    by_id: dict[str, Event] | None = None
    for eff in sequence:
        kind, p, on = eff.kind, eff.payload, eff.on
        ev = eff.event
        refusal = machine.refusal(kind, on, p, ev.recorded_at, ev.device)
        if refusal is None and kind == _TEXT_ERASED:
            by_id = by_id or {e.id: e for e in events}
            problem = _erasure_check(p, by_id)
            refusal = Refusal(problem, "fields") if problem is not None else None
        if refusal is not None:
            violations.append(Violation(eff.id, *refusal))
        machine.apply(eff.id, kind, on, p, ev.actor, ev.recorded_at, ev.device)
        last_on = max(last_on, on)
        if kind == _TRIAGED:
            triage, triaged_on = dict(p), on
        elif kind == _ASSIGNED:
            handler = str(p.get("handler") or "") or handler
        elif kind == _PAUSED:
            pauses.append({"id": eff.id, "start": on, "end": None, "by": None,
                           "procedure": str(p.get("procedure", ""))})
        elif kind == _RESUMED:
            for pause in reversed(pauses):
                if pause["end"] is None:
                    pause["end"], pause["by"] = on, _RESUMED
                    break
        elif kind == _CLOSED:
            closed_on, closing = on, dict(p)
            for pause in pauses:
                if pause["end"] is None:
                    pause["end"], pause["by"] = on, _CLOSED
        elif kind == _REOPENED:
            reopened += 1
            closed_on, closing = None, None
            escalations_open = 0
            opinions_open = {}
        elif kind == _ESCALATED:
            escalations_open += 1
            escalated_dates.append(on)
        elif kind == _ESCALATION_RESPONSE:
            escalations_open = 0
        elif kind == _OPINION_SENT:
            service = str(p.get("service", ""))
            opinions_open.setdefault(service, on)
        elif kind == _SERVICE_RESPONSE:
            opinions_open.pop(str(p.get("service", "")), None)
        elif kind == _DEADLINE_SET:
            deadlines[eff.id] = {
                "kind": str(p.get("deadline_kind", "")),
                "start": as_date(p.get("start_on")),
                "due": _due_on(p),
                "set_on": on,
                "description": p.get("description"),
                "met_on": None,
                "result": None,
            }
        elif kind == _DEADLINE_MET:
            d = deadlines.get(str(p.get("deadline", "")))
            if d is not None:
                d["met_on"], d["result"] = on, p.get("result")
        elif kind == _SIGNAL_LINKED:
            sig = str(p.get("signal", ""))
            if sig not in linked:
                linked.append(sig)
        elif kind == _SIGNAL_UNLINKED:
            sig = str(p.get("signal", ""))
            if sig in linked:
                linked.remove(sig)
        elif kind == _CLOSING_INTERVIEW:
            interviews.append(eff)
        elif kind == _STORY:
            stories.append(eff)
            approved = None if approved is None else approved
        elif kind == _STORY_APPROVED and stories:
            approved = stories[-1]

    status = machine.status or Status.AANGEMELD
    phase: Phase | None = None
    waiting_since: date | None = None
    if status == Status.IN_BEHANDELING:
        if machine.pause_running:
            phase = Phase.PAUZEKNOP_ACTIEF
        elif escalations_open:
            phase = Phase.GEESCALEERD
        elif opinions_open:
            phase = Phase.WACHT_OP_REACTIE
        else:
            phase = Phase.ONDERZOEK
        if opinions_open:
            waiting_since = min(opinions_open.values())
    path: str | None = None
    if status == Status.AFGEROND and closed_on is not None:
        path = "na_escalatie" if any(d <= closed_on for d in escalated_dates) else (
            "zonder_escalatie")

    return CaseState(
        entity_id=reg_event.entity_id,
        number=reg_event.number,
        ref=_source_ref(reg_event),
        status=status,
        phase=phase,
        received_on=received_on,
        registration=registration,
        triage=triage,
        triaged_on=triaged_on,
        handler=handler,
        registered_by=reg_event.actor,
        closed_on=closed_on if status == Status.AFGEROND else None,
        closing=closing if status == Status.AFGEROND else None,
        path=path,
        pauses=[Pause(p["id"], p["start"], p["end"], p["by"], p["procedure"]) for p in pauses],
        deadlines=[
            Deadline(k, d["kind"], d["start"], d["due"], d["set_on"], d["description"],
                     d["met_on"], d["result"])
            for k, d in deadlines.items()
        ],
        signals=linked,
        reopened=reopened,
        interviews=interviews,
        stories=stories,
        approved_story=approved,
        waiting_since=waiting_since,
        last_step_on=last_on,
        log=log,
        violations=violations + log.problems,
        machine=machine,
    )


def _erasure_check(payload: dict[str, Any], by_id: dict[str, Event]) -> str | None:
    target = by_id.get(str(payload.get("target", "")))
    corrects = None
    if target is not None and target.kind == Kind.CORRECTED:
        original = by_id.get(str(target.payload.get("target", "")))
        corrects = original.kind if original is not None else None
    fields = payload.get("fields")
    return erasure_problem(target.kind if target is not None else None,
                           [str(f) for f in fields] if isinstance(fields, list) else [],
                           corrects)


# ---------------------------------------------------------------------------
# Signals


@dataclass
class SignalState:
    entity_id: str
    number: str | None
    ref: str | None
    created_on: date
    creation: dict[str, Any]
    status: str
    submissions: list[Effective] = field(default_factory=list)
    responses: list[Effective] = field(default_factory=list)
    feedback: list[Effective] = field(default_factory=list)
    closed_on: date | None = None
    awaiting_feedback: bool = False
    log: EffectiveLog | None = None
    violations: list[Violation] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)


def fold_signal(events: Sequence[Event], as_of: date | None = None) -> SignalState:
    log = effective_events(events, as_of)
    first = next((e for e in log.effective if e.kind == _SIGNAL_CREATED), None)
    base = first.event if first else min(events, key=lambda e: e.hlc)
    creation = dict(first.payload) if first else {}
    machine = SignalMachine()
    state = SignalState(
        entity_id=base.entity_id,
        number=base.number,
        ref=_source_ref(base),
        created_on=first.on if first else base.occurred_on,
        creation=creation,
        status="concept",
        log=log,
    )
    for eff in log.effective:
        refusal = machine.refusal(eff.kind, eff.on)
        if refusal is not None:
            state.violations.append(Violation(eff.id, *refusal))
        machine.apply(eff.kind, eff.on)
        if eff.kind == _SIGNAL_SUBMITTED:
            state.submissions.append(eff)
        elif eff.kind == _SIGNAL_RESPONSE:
            state.responses.append(eff)
        elif eff.kind == _SIGNAL_FEEDBACK_GIVEN:
            state.feedback.append(eff)
        elif eff.kind == _SIGNAL_CLOSED:
            state.closed_on = eff.on
    latest_response = max((r.on for r in state.responses), default=None)
    fed_back = latest_response is not None and any(
        f.on >= latest_response for f in state.feedback
    )
    state.awaiting_feedback = (
        state.closed_on is None and latest_response is not None and not fed_back
    )
    if state.closed_on is not None:
        state.status = "gesloten"
    elif fed_back:
        state.status = "teruggekoppeld"
    elif state.responses:
        state.status = "reactie_ontvangen"
    elif state.submissions:
        state.status = "ingediend"
    state.violations += log.problems
    state.next_steps = machine.next_steps()
    return state
