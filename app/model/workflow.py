"""The workflow rules of docs/DOMAIN.md as one table of allowed steps.

The same table validates an append (the whole sorted sequence is replayed, so a
back-dated step or a correction cannot slip past a rule) and lists the next steps the
GUI offers as buttons. Keeping both in one place means the buttons can never offer a
step that the register would then refuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.model.events import FIELD_LABELS, erasable_fields, kind_label
from app.model.nlformat import nl_date

ANY = frozenset({"aangemeld", "in_behandeling", "doorverwezen", "niet_in_behandeling",
                 "afgerond"})

STATUS_LABELS: dict[str, str] = {
    "aangemeld": "Aangemeld (te triëren)",
    "in_behandeling": "In behandeling",
    "doorverwezen": "Doorverwezen",
    "niet_in_behandeling": "Niet in behandeling genomen",
    "afgerond": "Afgerond",
    "vernietigd": "Vernietigd",
}

#: The status of a destroyed case (Archiefwet): a tombstone, after which nothing counts.
DESTROYED = "vernietigd"
#: Where a case may be destroyed: only once it is no longer with the office.
DESTROYABLE = frozenset({"afgerond", "doorverwezen", "niet_in_behandeling"})
#: Steps recorded from Beheer or a timeline row's menu, never offered as a next step.
NOT_OFFERED = frozenset({"text_erased", "case_destroyed"})

ADMINISTRATIVE = (
    "assigned", "note", "partner_informed", "consulted", "story", "story_approved",
    "signal_linked", "signal_unlinked", "deadline_set", "deadline_met",
)
TREATMENT = (
    "data_requested", "opinion_sent", "reminder_sent", "service_response", "escalated",
    "escalation_response",
)


@dataclass(frozen=True)
class Rule:
    statuses: frozenset[str]
    pause: bool | None = None  # True: needs a running pause; False: needs none


#: kind -> the statuses in which it may be recorded (docs/DOMAIN.md "Rules").
RULES: dict[str, Rule] = {
    "registered": Rule(frozenset()),
    "triaged": Rule(frozenset({"aangemeld"})),
    **{k: Rule(ANY) for k in ADMINISTRATIVE},
    "handover_confirmed": Rule(frozenset({"doorverwezen"})),
    **{k: Rule(frozenset({"in_behandeling"})) for k in TREATMENT},
    "paused": Rule(frozenset({"in_behandeling"}), pause=False),
    "resumed": Rule(frozenset({"in_behandeling"}), pause=True),
    "closed": Rule(frozenset({"in_behandeling"})),
    "closing_interview": Rule(frozenset({"afgerond", "doorverwezen"})),
    "reopened": Rule(frozenset({"afgerond"})),
    "text_erased": Rule(ANY),
    "case_destroyed": Rule(DESTROYABLE),
}

SIGNAL_STEPS = ("signal_submitted", "signal_response", "signal_feedback_given",
                "signal_closed")


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

    status: str | None = None
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
        reason = self._check(kind, on, payload, recorded_at, device)
        return None if reason is None else reason.replace("{label}", kind_label(kind))

    def _check(self, kind: str, on: date, payload: dict[str, Any],
               recorded_at: str = "", device: str = "") -> str | None:
        # "{label}" is filled in only when a step is refused: the fold runs this for
        # every event of every case, and looking up labels there is measurable.
        label = "{label}"
        if kind == "registered":
            return None if self.status is None else "een casus wordt maar één keer aangemeld"
        if self.received_on is not None and on < self.received_on:
            return (f"{label} ligt vóór de datum van ontvangst "
                    f"({nl_date(self.received_on)})")
        if self.status is None:
            return "de eerste stap van een casus is de aanmelding"
        rule = RULES.get(kind)
        if rule is None:
            return f"'{kind}' is geen stap van een casus"
        if self.status not in rule.statuses:
            if kind == "triaged":
                return "de casus is al getrieerd; een ander besluit is een correctie"
            # The status on the step's own date, named with that date: a back-dated step
            # is judged by then, while the case's header shows its status today (#11).
            then = STATUS_LABELS[self.status].lower()
            day = on.strftime("%d-%m-%Y")
            if kind == "closing_interview" and self.status in ("aangemeld", "in_behandeling"):
                return (f"het eindgesprek van {day} ligt vóór de afronding of "
                        f"doorverwijzing (op die dag was de casus nog {then})")
            return (f"{label} kan alleen als de casus {_statuses(rule.statuses)} is; "
                    f"op {day} was deze casus {then}")
        if rule.pause is True and not self.pause_running:
            return "er loopt geen pauze die beëindigd kan worden"
        if rule.pause is False and self.pause_running:
            return "er loopt al een pauze"
        if kind == "closing_interview" and self.interview_since_closing:
            return "er is al een eindgesprek vastgelegd bij deze afronding of doorverwijzing"
        if kind == "story_approved":
            if self.stories == 0:
                return "er is nog geen verhaal om goed te keuren"
            author, written_at, written_on = (self.story_authors[-1] if self.story_authors
                                              else ("", "", ""))
            problem = four_eyes_problem(author, written_on, str(payload.get("by", "")),
                                        device, batch=bool(recorded_at)
                                        and recorded_at == written_at)
            if problem:
                return problem
        if kind == "deadline_met" and payload.get("deadline") not in self.deadlines:
            return "de termijn waarnaar deze stap verwijst bestaat niet in deze casus"
        if kind == "signal_unlinked" and payload.get("signal") not in self.signals:
            return "dit signaal is niet aan de casus gekoppeld"
        return None

    def apply(self, event_id: str, kind: str, on: date, payload: dict[str, Any],
              actor: str = "", recorded_at: str = "", device: str = "") -> None:
        if kind == "registered":
            self.status = "aangemeld"
            self.received_on = on
        elif kind == "triaged":
            decision = payload.get("decision")
            self.status = decision if decision in ANY else self.status
            self.interview_since_closing = False
        elif kind == "paused":
            self.pause_running = True
        elif kind == "resumed":
            self.pause_running = False
        elif kind == "closed":
            self.status = "afgerond"
            self.pause_running = False
            self.interview_since_closing = False
        elif kind == "reopened":
            self.status = "in_behandeling"
        elif kind == "closing_interview":
            self.interview_since_closing = True
        elif kind == "story":
            self.stories += 1
            self.story_authors.append((actor, recorded_at, device))
        elif kind == "deadline_set":
            self.deadlines.add(event_id)
        elif kind == "deadline_met":
            self.met_deadlines.add(str(payload.get("deadline")))
        elif kind == "signal_linked":
            self.signals.add(str(payload.get("signal")))
        elif kind == "signal_unlinked":
            self.signals.discard(str(payload.get("signal")))

    def next_steps(self) -> list[str]:
        """Steps the GUI may offer now (each still re-checked on append)."""
        if self.status is None:
            return ["registered"]
        out: list[str] = []
        for kind, rule in RULES.items():
            if kind == "registered" or kind in NOT_OFFERED \
                    or self.status not in rule.statuses:
                continue
            if rule.pause is True and not self.pause_running:
                continue
            if rule.pause is False and self.pause_running:
                continue
            if kind == "closing_interview" and self.interview_since_closing:
                continue
            if kind == "story_approved" and self.stories == 0:
                continue
            if kind == "deadline_met" and not (self.deadlines - self.met_deadlines):
                continue
            if kind == "signal_unlinked" and not self.signals:
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
    if target_kind in ("text_erased", "case_destroyed"):
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
        if kind == "signal_created":
            return None if not self.created else "een signaal wordt maar één keer aangemaakt"
        if not self.created:
            return "de eerste stap van een signaal is het aanmaken"
        if kind not in SIGNAL_STEPS:
            return f"'{kind}' is geen stap van een signaal"
        if self.created_on is not None and on < self.created_on:
            return "deze stap ligt vóór de datum waarop het signaal is aangemaakt"
        if self.closed:
            return "het signaal is gesloten; alleen correcties zijn nog mogelijk"
        return None

    def apply(self, kind: str, on: date) -> None:
        if kind == "signal_created":
            self.created = True
            self.created_on = on
        elif kind == "signal_closed":
            self.closed = True

    def next_steps(self) -> list[str]:
        if not self.created:
            return ["signal_created"]
        return [] if self.closed else list(SIGNAL_STEPS)
