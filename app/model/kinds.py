"""Event kinds, case statuses and phases as types, and what each kind is, in one table.

Kinds and statuses are stored, hashed and exchanged as their plain string values
(``"story_approved"``, ``"in_behandeling"``); these ``StrEnum`` members *are* those
strings, so they compare, hash, serialise and bind to SQL exactly as before. Code
names them through the members: ``kind == Kind.STORY`` fails type checking (and
import) when misspelt, ``kind == "stroy"`` never would. An ``Event``'s ``kind`` stays
the ``str`` it was read as (from the register, a bundle or a file): compare it with a
member, never with a string literal.

Adding an event kind (docs/ARCHITECTURE.md says the same, in prose):

1. here: a ``Kind`` member, in the order the GUI offers steps (``next_steps`` follows
   it), and its row in ``KINDS`` (entity, business date, where the workflow allows it,
   free-text and reference fields);
2. ``model/events.py``: its pydantic payload model in ``PAYLOAD_MODELS``;
3. ``resources/codelists.toml``: its Dutch label under ``[event_kind]``, and its field
   labels in ``events.FIELD_LABELS``;
4. ``model/fold.py``: what it changes in a case's state, if anything (and
   ``workflow.CaseMachine`` if a rule needs more than the statuses of its row);
5. ``model/describe.py`` and ``ui/step_forms.py`` (``INTROS``): how the timeline and
   the form show it;
6. ``model/metrics.py`` if a figure counts it; ``model/interchange.py`` if it points at
   another step; ``app/demo`` if the demo should record it.

``tests/unit/model/test_kinds.py`` fails when a kind lacks its model, label or row.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal


class Kind(StrEnum):
    """Every kind of event (docs/DOMAIN.md "Steps"), case steps in the order offered."""

    REGISTERED = "registered"
    TRIAGED = "triaged"
    ASSIGNED = "assigned"
    NOTE = "note"
    PARTNER_INFORMED = "partner_informed"
    CONSULTED = "consulted"
    STORY = "story"
    STORY_APPROVED = "story_approved"
    SIGNAL_LINKED = "signal_linked"
    SIGNAL_UNLINKED = "signal_unlinked"
    DEADLINE_SET = "deadline_set"
    DEADLINE_MET = "deadline_met"
    HANDOVER_CONFIRMED = "handover_confirmed"
    DATA_REQUESTED = "data_requested"
    OPINION_SENT = "opinion_sent"
    REMINDER_SENT = "reminder_sent"
    SERVICE_RESPONSE = "service_response"
    ESCALATED = "escalated"
    ESCALATION_RESPONSE = "escalation_response"
    PAUSED = "paused"
    RESUMED = "resumed"
    CLOSED = "closed"
    CLOSING_INTERVIEW = "closing_interview"
    REOPENED = "reopened"
    TEXT_ERASED = "text_erased"
    CASE_DESTROYED = "case_destroyed"
    SIGNAL_CREATED = "signal_created"
    SIGNAL_SUBMITTED = "signal_submitted"
    SIGNAL_RESPONSE = "signal_response"
    SIGNAL_FEEDBACK_GIVEN = "signal_feedback_given"
    SIGNAL_CLOSED = "signal_closed"
    CORRECTED = "corrected"
    RETRACTED = "retracted"


class Status(StrEnum):
    """A case's status, derived from its steps, never typed in (docs/DOMAIN.md)."""

    AANGEMELD = "aangemeld"
    IN_BEHANDELING = "in_behandeling"
    DOORVERWEZEN = "doorverwezen"
    NIET_IN_BEHANDELING = "niet_in_behandeling"
    AFGEROND = "afgerond"
    VERNIETIGD = "vernietigd"


class Phase(StrEnum):
    """Where a case in behandeling stands (docs/DOMAIN.md "A case's life")."""

    PAUZEKNOP_ACTIEF = "pauzeknop_actief"
    GEESCALEERD = "geescaleerd"
    WACHT_OP_REACTIE = "wacht_op_reactie"
    ONDERZOEK = "onderzoek"


#: Cases still with the office: work queues, deadlines and "open at the end" count these.
OPEN_STATUSES: tuple[Status, ...] = (Status.AANGEMELD, Status.IN_BEHANDELING)
#: Every status a case can take a step in (all but the destroyed tombstone).
LIVE_STATUSES = frozenset(Status) - {Status.VERNIETIGD}
#: Where a case may be destroyed: only once it is no longer with the office.
DESTROYABLE = frozenset({Status.AFGEROND, Status.DOORVERWEZEN, Status.NIET_IN_BEHANDELING})
#: Decided at triage: the case's status from then on is the decision itself.
TRIAGE_DECISIONS = frozenset({Status.IN_BEHANDELING, Status.DOORVERWEZEN,
                              Status.NIET_IN_BEHANDELING})

Entity = Literal["case", "signal", "meta"]


@dataclass(frozen=True, slots=True)
class KindInfo:
    """What the program knows of a kind beside its payload model.

    ``date_field``: the payload field that holds its business date (None for a
    correction or retraction, which take their target's). ``statuses`` and ``pause``:
    where the workflow allows a case step (``workflow.RULES`` is made from them; a
    signal's steps follow ``workflow.SignalMachine``). ``offered``: a next step the
    GUI offers as a button (the erasing steps are recorded from Beheer or a timeline
    row). ``free_text``: what a handler writes in words, which the lint checks and
    "Tekst wissen" may erase (codes, dates, numbers and colleagues' names are not free
    text; ``helper_contact`` is the helper's P1 contact, erased as a whole).
    ``references``: fields that point at another step of the same case or signal.
    """

    entity: Entity
    date_field: str | None
    statuses: frozenset[Status] = frozenset()
    pause: bool | None = None  # True: needs a running pause; False: needs none
    offered: bool = True
    erasing: bool = False
    free_text: tuple[str, ...] = ()
    references: tuple[str, ...] = ()


_ANY = LIVE_STATUSES
_TREATING = frozenset({Status.IN_BEHANDELING})


def _case(date_field: str, statuses: frozenset[Status], *free_text: str,
          pause: bool | None = None, references: tuple[str, ...] = ()) -> KindInfo:
    return KindInfo("case", date_field, statuses, pause, free_text=free_text,
                    references=references)


def _signal(date_field: str) -> KindInfo:
    return KindInfo("signal", date_field)


#: Every kind's row, in ``Kind`` order.
KINDS: dict[Kind, KindInfo] = {
    Kind.REGISTERED: _case("received_on", frozenset(), "partner_org", "helper_contact",
                           "help_request", "urgency_reason", "summary"),
    Kind.TRIAGED: _case("decided_on", frozenset({Status.AANGEMELD}), "reason"),
    Kind.ASSIGNED: _case("on", _ANY),
    Kind.NOTE: _case("on", _ANY, "text"),
    Kind.PARTNER_INFORMED: _case("on", _ANY, "how"),
    Kind.CONSULTED: _case("on", _ANY, "with", "summary"),
    Kind.STORY: _case("on", _ANY, "text"),
    Kind.STORY_APPROVED: _case("on", _ANY, "note"),
    Kind.SIGNAL_LINKED: _case("on", _ANY),
    Kind.SIGNAL_UNLINKED: _case("on", _ANY),
    Kind.DEADLINE_SET: _case("on", _ANY, "description"),
    Kind.DEADLINE_MET: _case("on", _ANY, "how", references=("deadline",)),
    Kind.HANDOVER_CONFIRMED: _case("on", frozenset({Status.DOORVERWEZEN}), "by"),
    Kind.DATA_REQUESTED: _case("requested_on", _TREATING, "what"),
    Kind.OPINION_SENT: _case("sent_on", _TREATING, "proposed_solution"),
    Kind.REMINDER_SENT: _case("on", _TREATING),
    Kind.SERVICE_RESPONSE: _case("received_on", _TREATING, "summary"),
    Kind.ESCALATED: _case("on", _TREATING, "reason"),
    Kind.ESCALATION_RESPONSE: _case("received_on", _TREATING, "summary"),
    Kind.PAUSED: _case("from_on", _TREATING, "procedure", "agreed_with", pause=False),
    Kind.RESUMED: _case("on", _TREATING, pause=True),
    Kind.CLOSED: _case("closed_on", _TREATING, "solution", "powers_note"),
    Kind.CLOSING_INTERVIEW: _case("held_on", frozenset({Status.AFGEROND, Status.DOORVERWEZEN}),
                                  "remarks"),
    Kind.REOPENED: _case("on", frozenset({Status.AFGEROND}), "reason"),
    Kind.TEXT_ERASED: KindInfo("case", "on", _ANY, offered=False, erasing=True,
                               references=("target",)),
    Kind.CASE_DESTROYED: KindInfo("case", "on", DESTROYABLE, offered=False, erasing=True),
    Kind.SIGNAL_CREATED: _signal("created_on"),
    Kind.SIGNAL_SUBMITTED: _signal("on"),
    Kind.SIGNAL_RESPONSE: _signal("received_on"),
    Kind.SIGNAL_FEEDBACK_GIVEN: _signal("on"),
    Kind.SIGNAL_CLOSED: _signal("on"),
    Kind.CORRECTED: KindInfo("meta", None, references=("target", "supersedes")),
    Kind.RETRACTED: KindInfo("meta", None, free_text=("reason",), references=("target",)),
}

CASE_KINDS: tuple[Kind, ...] = tuple(k for k, i in KINDS.items() if i.entity == "case")
SIGNAL_KINDS: tuple[Kind, ...] = tuple(k for k, i in KINDS.items() if i.entity == "signal")
META_KINDS: tuple[Kind, ...] = (Kind.CORRECTED, Kind.RETRACTED)
#: Kinds whose recording erases payloads in place (docs/ARCHITECTURE.md "Retention and
#: erasure"): they are never corrected or retracted, and travel in bundles like any step.
ERASING_KINDS: tuple[Kind, ...] = tuple(k for k, i in KINDS.items() if i.erasing)
ALL_KINDS: tuple[Kind, ...] = tuple(Kind)
#: Case steps whose payload names a signal by its number.
SIGNAL_LINK_KINDS: tuple[Kind, ...] = (Kind.SIGNAL_LINKED, Kind.SIGNAL_UNLINKED)
#: The first step of a case and of a signal, and its entity: the only steps that carry a
#: number, and they never lapse.
FIRST_KINDS: dict[str, Entity] = {Kind.REGISTERED: "case", Kind.SIGNAL_CREATED: "signal"}


__all__ = [
    "ALL_KINDS",
    "CASE_KINDS",
    "DESTROYABLE",
    "ERASING_KINDS",
    "FIRST_KINDS",
    "KINDS",
    "LIVE_STATUSES",
    "META_KINDS",
    "OPEN_STATUSES",
    "SIGNAL_KINDS",
    "SIGNAL_LINK_KINDS",
    "TRIAGE_DECISIONS",
    "Kind",
    "KindInfo",
    "Phase",
    "Status",
]
