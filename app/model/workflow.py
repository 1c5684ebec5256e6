"""The workflow rules of docs/DOMAIN.md as one table of allowed steps.

The same table validates an append (the whole sorted sequence is replayed, so a
back-dated step or a correction cannot slip past a rule) and lists the next steps the
GUI offers as buttons. Keeping both in one place means the buttons can never offer a
step that the register would then refuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from app.model.events import DATE_FIELD, FIELD_LABELS, erasable_fields, kind_label
from app.model.kinds import (
    CASE_KINDS,
    ERASING_KINDS,
    KINDS,
    LIVE_STATUSES,
    OPEN_STATUSES,
    SIGNAL_KINDS,
    Kind,
    Status,
)
from app.model.nlformat import nl_date

STATUS_LABELS: dict[str, str] = {
    Status.AANGEMELD: "Aangemeld (te triëren)",
    Status.IN_BEHANDELING: "In behandeling",
    Status.DOORVERWEZEN: "Doorverwezen",
    Status.NIET_IN_BEHANDELING: "Niet in behandeling genomen",
    Status.AFGEROND: "Afgerond",
    Status.VERNIETIGD: "Vernietigd",
}

#: The status of a destroyed case (Archiefwet): a tombstone, after which nothing counts.
DESTROYED = Status.VERNIETIGD


class Refusal(NamedTuple):
    """Why a step may not be recorded (Dutch), and the payload field that is about: a
    form shows the reason there; "" when it is about the step as a whole."""

    reason: str
    field: str = ""


@dataclass(frozen=True)
class Rule:
    statuses: frozenset[Status]
    pause: bool | None = None  # True: needs a running pause; False: needs none


#: kind -> the statuses in which it may be recorded (docs/DOMAIN.md "Steps"), from each
#: kind's row in ``kinds.KINDS``, in the order the GUI offers them.
RULES: dict[str, Rule] = {k: Rule(KINDS[k].statuses, KINDS[k].pause) for k in CASE_KINDS}
#: Steps recorded from Beheer or a timeline row's menu, never offered as a next step.
NOT_OFFERED = frozenset(k for k in CASE_KINDS if not KINDS[k].offered)
SIGNAL_STEPS: tuple[Kind, ...] = tuple(k for k in SIGNAL_KINDS if k != Kind.SIGNAL_CREATED)

# The kinds the machines branch on, bound once to their plain string values: on Python
# 3.11 a ``Kind.X`` lookup passes through the enum metaclass's ``__getattr__`` hook
# (about 60 ns) and comparing a ``str`` with a ``str`` subclass takes a slower path too,
# and the fold runs these checks for every event (kinds.py, "Kind").
(_REGISTERED, _TRIAGED, _PAUSED, _RESUMED, _CLOSED, _REOPENED, _CLOSING_INTERVIEW, _STORY,
 _STORY_APPROVED, _DEADLINE_SET, _DEADLINE_MET, _SIGNAL_LINKED, _SIGNAL_UNLINKED,
 _SIGNAL_CREATED, _SIGNAL_CLOSED) = (str(k) for k in (
    Kind.REGISTERED, Kind.TRIAGED, Kind.PAUSED, Kind.RESUMED, Kind.CLOSED, Kind.REOPENED,
    Kind.CLOSING_INTERVIEW, Kind.STORY, Kind.STORY_APPROVED, Kind.DEADLINE_SET,
    Kind.DEADLINE_MET, Kind.SIGNAL_LINKED, Kind.SIGNAL_UNLINKED, Kind.SIGNAL_CREATED,
    Kind.SIGNAL_CLOSED))


def _statuses(statuses: frozenset[str]) -> str:
    names = [STATUS_LABELS[s] for s in STATUS_LABELS if s in statuses]
    return " of ".join(names)


def four_eyes_problem(author: str, author_device: str, approver: str, device: str, *,
                      batch: bool = False) -> str | None:
    """Why an approval of a story breaks four eyes (docs/DOMAIN.md), or None.

    The approver named in ``by`` is not the story's author, and the approval was
    recorded on another device than the story, so renaming oneself on one's own
    laptop cannot approve one's own story. ``batch``: story and approval were recorded
    together by one interchange import on one device, whose source's actors are not
    known; the source's own four-eyes check cannot be repeated then (never true for a
    step recorded by hand).
    """
    if batch and device == author_device:
        return None
    if approver.strip().casefold() and approver.strip().casefold() == author.strip().casefold():
        return ("het verhaal moet worden goedgekeurd door een ander dan wie het schreef "
                "(vier ogen)")
    if device and author_device and device == author_device:
        return ("het verhaal is op hetzelfde apparaat geschreven: het moet op het apparaat van "
                "een collega worden goedgekeurd (vier ogen); stuur het met een bundel")
    return None


@dataclass
class CaseMachine:
    """The state the rules look at while a case's sequence is replayed."""

    status: Status | None = None
    received_on: date | None = None
    pause_running: bool = False
    interview_since_closing: bool = False
    stories: int = 0
    #: (author, recorded_at, device) of each story: the author is the actor who recorded
    #: it, on that device
    story_authors: list[tuple[str, str, str]] = field(default_factory=list)
    deadlines: set[str] = field(default_factory=set)
    met_deadlines: set[str] = field(default_factory=set)
    signals: set[str] = field(default_factory=set)

    def check(self, kind: str, on: date, payload: dict[str, Any], actor: str = "",
              recorded_at: str = "", device: str = "") -> str | None:
        """The Dutch reason why ``kind`` may not follow, or None when it may."""
        refusal = self.refusal(kind, on, payload, recorded_at, device)
        return None if refusal is None else refusal.reason

    def refusal(self, kind: str, on: date, payload: dict[str, Any], recorded_at: str = "",
                device: str = "") -> Refusal | None:
        """The rule ``kind`` would break now, and the payload field it is about."""
        found = self._check(kind, on, payload, recorded_at, device)
        if found is None:
            return None
        return Refusal(found.reason.replace("{label}", kind_label(kind)), found.field)

    def _check(self, kind: str, on: date, payload: dict[str, Any],
               recorded_at: str = "", device: str = "") -> Refusal | None:
        # "{label}" is filled in only when a step is refused: the fold runs this for
        # every event of every case, and looking up labels there is measurable.
        label = "{label}"
        if kind == _REGISTERED:
            return None if self.status is None else Refusal(
                "een casus wordt maar één keer aangemeld")
        if self.received_on is not None and on < self.received_on:
            return Refusal(f"{label} ligt vóór de datum van ontvangst "
                           f"({nl_date(self.received_on)})", DATE_FIELD.get(kind, ""))
        if self.status is None:
            return Refusal("de eerste stap van een casus is de aanmelding")
        rule = RULES.get(kind)
        if rule is None:
            return Refusal(f"'{kind}' is geen stap van een casus")
        if self.status not in rule.statuses:
            if kind == _TRIAGED:
                return Refusal("de casus is al getrieerd; een ander besluit is een correctie")
            # The status on the step's own date, named with that date: a back-dated step
            # is judged by then, while the case's header shows its status today (#11).
            then = STATUS_LABELS[self.status].lower()
            day = on.strftime("%d-%m-%Y")
            if kind == _CLOSING_INTERVIEW and self.status in OPEN_STATUSES:
                return Refusal(f"het eindgesprek van {day} ligt vóór de afronding of "
                               f"doorverwijzing (op die dag was de casus nog {then})")
            return Refusal(f"{label} kan alleen als de casus {_statuses(rule.statuses)} is; "
                           f"op {day} was deze casus {then}")
        if rule.pause is True and not self.pause_running:
            return Refusal("er loopt geen pauze die beëindigd kan worden")
        if rule.pause is False and self.pause_running:
            return Refusal("er loopt al een pauze")
        if kind == _CLOSING_INTERVIEW and self.interview_since_closing:
            return Refusal(
                "er is al een eindgesprek vastgelegd bij deze afronding of doorverwijzing")
        if kind == _STORY_APPROVED:
            if self.stories == 0:
                return Refusal("er is nog geen verhaal om goed te keuren")
            author, written_at, written_on = (self.story_authors[-1] if self.story_authors
                                              else ("", "", ""))
            problem = four_eyes_problem(author, written_on, str(payload.get("by", "")),
                                        device, batch=bool(recorded_at)
                                        and recorded_at == written_at)
            if problem:
                return Refusal(problem, "by")
        if kind == _DEADLINE_MET and payload.get("deadline") not in self.deadlines:
            return Refusal("de termijn waarnaar deze stap verwijst bestaat niet in deze casus",
                           "deadline")
        if kind == _SIGNAL_UNLINKED and payload.get("signal") not in self.signals:
            return Refusal("dit signaal is niet aan de casus gekoppeld", "signal")
        return None

    def apply(self, event_id: str, kind: str, on: date, payload: dict[str, Any],
              actor: str = "", recorded_at: str = "", device: str = "") -> None:
        if kind == _REGISTERED:
            self.status = Status.AANGEMELD
            self.received_on = on
        elif kind == _TRIAGED:
            decision = payload.get("decision")
            if decision in LIVE_STATUSES:
                self.status = Status(decision)
            self.interview_since_closing = False
        elif kind == _PAUSED:
            self.pause_running = True
        elif kind == _RESUMED:
            self.pause_running = False
        elif kind == _CLOSED:
            self.status = Status.AFGEROND
            self.pause_running = False
            self.interview_since_closing = False
        elif kind == _REOPENED:
            self.status = Status.IN_BEHANDELING
        elif kind == _CLOSING_INTERVIEW:
            self.interview_since_closing = True
        elif kind == _STORY:
            self.stories += 1
            self.story_authors.append((actor, recorded_at, device))
        elif kind == _DEADLINE_SET:
            self.deadlines.add(event_id)
        elif kind == _DEADLINE_MET:
            self.met_deadlines.add(str(payload.get("deadline")))
        elif kind == _SIGNAL_LINKED:
            self.signals.add(str(payload.get("signal")))
        elif kind == _SIGNAL_UNLINKED:
            self.signals.discard(str(payload.get("signal")))

    def next_steps(self) -> list[str]:
        """Steps the GUI may offer now (each still re-checked on append)."""
        if self.status is None:
            return [_REGISTERED]
        out: list[str] = []
        for kind, rule in RULES.items():
            if kind == _REGISTERED or kind in NOT_OFFERED \
                    or self.status not in rule.statuses:
                continue
            if rule.pause is True and not self.pause_running:
                continue
            if rule.pause is False and self.pause_running:
                continue
            if kind == _CLOSING_INTERVIEW and self.interview_since_closing:
                continue
            if kind == _STORY_APPROVED and self.stories == 0:
                continue
            if kind == _DEADLINE_MET and not (self.deadlines - self.met_deadlines):
                continue
            if kind == _SIGNAL_UNLINKED and not self.signals:
                continue
            out.append(kind)
        return out


def erasure_problem(target_kind: str | None, fields: list[str],
                    corrects: str | None = None) -> str | None:
    """Why a ``text_erased`` naming ``fields`` of a step of ``target_kind`` may not be
    recorded (None: it may). ``target_kind`` None: the step is not of this case;
    ``corrects``: for a correction, the kind of the step it corrects."""
    if target_kind is None:
        return "de stap waarvan tekst gewist moet worden hoort niet bij deze casus"
    if target_kind in ERASING_KINDS:
        return "een wisstap zelf kan niet worden gewist"
    allowed = erasable_fields(target_kind, corrects)
    if not allowed:
        return f"{kind_label(target_kind)} heeft geen vrije tekst om te wissen"
    wrong = [f for f in fields if f not in allowed]
    if wrong:
        names = ", ".join(f"{FIELD_LABELS.get(f, f)} ({f})" for f in allowed)
        return (f"'{wrong[0]}' is geen tekstveld van {kind_label(target_kind).lower()}; "
                f"te wissen zijn: {names}")
    return None


@dataclass
class SignalMachine:
    created: bool = False
    closed: bool = False
    created_on: date | None = None

    def check(self, kind: str, on: date) -> str | None:
        """The Dutch reason why ``kind`` may not follow, or None when it may."""
        refusal = self.refusal(kind, on)
        return None if refusal is None else refusal.reason

    def refusal(self, kind: str, on: date) -> Refusal | None:
        """The rule ``kind`` would break now, and the payload field it is about."""
        if kind == _SIGNAL_CREATED:
            return None if not self.created else Refusal(
                "een signaal wordt maar één keer aangemaakt")
        if not self.created:
            return Refusal("de eerste stap van een signaal is het aanmaken")
        if kind not in SIGNAL_STEPS:
            return Refusal(f"'{kind}' is geen stap van een signaal")
        if self.created_on is not None and on < self.created_on:
            return Refusal("deze stap ligt vóór de datum waarop het signaal is aangemaakt",
                           DATE_FIELD.get(kind, ""))
        if self.closed:
            return Refusal("het signaal is gesloten; alleen correcties zijn nog mogelijk")
        return None

    def apply(self, kind: str, on: date) -> None:
        if kind == _SIGNAL_CREATED:
            self.created = True
            self.created_on = on
        elif kind == _SIGNAL_CLOSED:
            self.closed = True

    def next_steps(self) -> list[str]:
        if not self.created:
            return [_SIGNAL_CREATED]
        return [] if self.closed else list(SIGNAL_STEPS)
