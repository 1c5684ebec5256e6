"""What a step recorded by hand must meet before the register writes it.

The register (storage/repository.py) reads a case's events, appends the new one and
projects, in one transaction; whether the step may be recorded at all is decided here,
from the events alone, so the rules can be read, tested and reused (the step form asks
``approval_problem`` before it saves) without a database. Every refusal is a
``RuleViolation`` naming the payload field it is about, for the form to show it there.

Beside the fold's rules (``workflow``), which also judge steps that arrive in bundles,
these hold only for a step recorded on this laptop: no date in the future, no signal
linked twice, four eyes on the act of approving (without the fold's allowance for one
import's batch), and what may be corrected or retracted.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from app.model.errors import RuleViolation, UserError
from app.model.eventlog import Event
from app.model.events import DATE_FIELD, kind_label
from app.model.fold import CaseState, SignalState, Violation, fold_case, fold_signal
from app.model.kinds import (
    CASE_KINDS,
    ERASING_KINDS,
    FIRST_KINDS,
    META_KINDS,
    SIGNAL_KINDS,
    SIGNAL_LINK_KINDS,
    Kind,
)
from app.model.nlformat import nl_date
from app.model.workflow import four_eyes_problem

#: The business-date fields: a rule about one of them is about a step's date.
_DATE_FIELDS = frozenset(DATE_FIELD.values())


def check_case_step(kind: str) -> None:
    """A kind that can be appended to an existing case (not its intake, not a signal's)."""
    if kind not in CASE_KINDS or kind == Kind.REGISTERED:
        raise UserError(f"'{kind}' is geen stap die aan een casus kan worden toegevoegd.")


def check_signal_step(kind: str) -> None:
    """A kind that can be appended to an existing signal."""
    if kind not in SIGNAL_KINDS or kind == Kind.SIGNAL_CREATED:
        raise UserError(f"'{kind}' is geen stap die aan een signaal kan worden toegevoegd.")


def approval_problem(state: CaseState, by: str, on: date, device: str) -> str | None:
    """Four eyes (docs/DOMAIN.md) on approving the latest story dated on or before
    ``on``, by ``by``, on ``device``: ``workflow.four_eyes_problem`` without the fold's
    allowance for one import's batch, which a step typed by hand never is."""
    stories = [e for e in state.effective if e.kind == Kind.STORY and e.on <= on]
    if not stories:
        return None
    story = stories[-1].event
    return four_eyes_problem(story.actor, story.device, by, device)


def check_append(old: Sequence[Event], kind: str, payload: Mapping[str, Any],
                 device: str) -> None:
    """The rules of a case step typed by hand beyond the fold's: a signal is linked
    once, and a story is approved by someone else on another laptop. ``payload`` is
    validated, with the signal's number resolved."""
    if kind == Kind.SIGNAL_LINKED:
        signal = str(payload["signal"])
        if signal in fold_case(old).signals:
            raise RuleViolation(f"Signaal {signal} is al aan deze casus gekoppeld.", "signal")
    elif kind == Kind.STORY_APPROVED:
        problem = approval_problem(fold_case(old), str(payload.get("by", "")),
                                   date.fromisoformat(str(payload["on"])), device)
        if problem:
            raise RuleViolation(f"{kind_label(Kind.STORY_APPROVED)} kan niet: {problem}.", "by")


def _retracted(events: Sequence[Event]) -> set[str]:
    return {str(e.payload.get("target")) for e in events if e.kind == Kind.RETRACTED}


def check_correctable(target: Event) -> None:
    """Only an original step that erases nothing can be corrected."""
    if target.kind in META_KINDS:
        raise RuleViolation("Corrigeer de oorspronkelijke stap, niet een correctie.")
    if target.kind in ERASING_KINDS:
        raise RuleViolation("Een wisstap kan niet worden gecorrigeerd: wissen is "
                            "onherroepelijk.")


def correction(target: Event, events: Sequence[Event], new: Mapping[str, Any],
               reason: str) -> dict[str, Any]:
    """The body of a ``corrected`` event that replaces ``target``'s payload with the
    validated ``new`` one: it supersedes the correction that holds now, so two
    corrections only conflict when made without knowing of each other. A correction
    never moves a link to another signal."""
    inner = dict(new)
    if target.kind in SIGNAL_LINK_KINDS:
        inner["signal"] = target.payload.get("signal")
    retracted = _retracted(events)
    if target.id in retracted:
        raise RuleViolation("Deze stap is vervallen en kan niet meer worden gecorrigeerd.")
    live = [e for e in events if e.kind == Kind.CORRECTED
            and e.payload.get("target") == target.id and e.id not in retracted]
    body: dict[str, Any] = {"target": target.id, "payload": inner, "reason": reason}
    if live:
        body["supersedes"] = live[-1].id
    return body


def check_retractable(target: Event, events: Sequence[Event]) -> None:
    """A step can be retracted once, unless it is a first step, a retraction or an
    erasure."""
    if target.kind in FIRST_KINDS:
        raise RuleViolation("De eerste stap kan niet vervallen; een casus of signaal wordt "
                            "alleen vernietigd volgens de bewaartermijn.")
    if target.kind == Kind.RETRACTED:
        raise RuleViolation("Een intrekking kan niet zelf vervallen.")
    if target.kind in ERASING_KINDS:
        raise RuleViolation("Een wisstap kan niet vervallen: wissen is onherroepelijk.")
    if target.id in _retracted(events):
        raise RuleViolation("Deze stap is al vervallen.")


def _date_field(ev: Event, others: Mapping[str, Event]) -> str:
    """The form field that holds ``ev``'s date: a correction's is its target's."""
    if ev.kind in META_KINDS:
        target = others.get(str(ev.payload.get("target")))
        return DATE_FIELD.get(target.kind, "") if target is not None else ""
    return DATE_FIELD.get(ev.kind, "")


def check_step(ev: Event, old: Sequence[Event], today: date) -> None:
    """Refuse ``ev``, a step about to be appended to the events ``old`` of its case or
    signal, when it is dated in the future or when the whole sequence with it breaks a
    rule it did not break before: everything is replayed, so a back-dated step or a
    correction cannot slip past a rule. Steps that arrived earlier from a bundle may
    break rules already; only a new breach refuses."""
    others = {e.id: e for e in old}
    if ev.occurred_on > today:
        raise RuleViolation(f"{kind_label(ev.kind)}: de datum {nl_date(ev.occurred_on)} "
                            "ligt in de toekomst", _date_field(ev, others))
    fold: Callable[[Sequence[Event]], CaseState | SignalState] = (
        fold_case if ev.entity == "case" else fold_signal)
    before = set(fold(old).violations) if old else set()
    fresh = [v for v in fold([*old, ev]).violations if v not in before]
    if fresh:
        raise RuleViolation(f"{kind_label(ev.kind)} kan niet: {fresh[0][1]}",
                            _refused_field(ev, others, fresh[0]))


def _refused_field(ev: Event, others: Mapping[str, Event], breach: Violation) -> str:
    """The field of ``ev``'s form a breach is about: the rule's own when it is about
    ``ev`` (or, for a correction, the step it corrects), ``ev``'s date when another
    step's date rule broke because of it (a registration dated later than its steps),
    else none: the refusal is about the step as a whole."""
    own = {ev.id, str(ev.payload.get("target"))} if ev.kind in META_KINDS else {ev.id}
    if breach[0] in own:
        return breach.field
    return _date_field(ev, others) if breach.field in _DATE_FIELDS else ""
