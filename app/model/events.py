"""Event payloads of DOMAIN.md as one pydantic discriminated union on ``kind``.

Every step a handler records is an event; these models are the single gate through
which a payload enters the log (from the GUI, the CLI, an interchange file or a merge).
They normalise input (ISO dates, stripped text, codelist keys) so that the stored,
hashed payload is canonical, and they translate pydantic's errors into Dutch so the
GUI can show them next to the field.
"""

from __future__ import annotations

import functools
import json
import operator
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from app.model.codelists import Codelists, default_codelists
from app.model.dates import as_date
from app.model.errors import FieldError, ValidationFailed

# ---------------------------------------------------------------------------
# Kinds and their business dates

CASE_KINDS: tuple[str, ...] = (
    "registered",
    "triaged",
    "handover_confirmed",
    "assigned",
    "note",
    "partner_informed",
    "data_requested",
    "consulted",
    "opinion_sent",
    "reminder_sent",
    "service_response",
    "escalated",
    "escalation_response",
    "paused",
    "resumed",
    "deadline_set",
    "deadline_met",
    "closed",
    "closing_interview",
    "reopened",
    "story",
    "story_approved",
    "signal_linked",
    "signal_unlinked",
    "text_erased",
    "case_destroyed",
)
SIGNAL_KINDS: tuple[str, ...] = (
    "signal_created",
    "signal_submitted",
    "signal_response",
    "signal_feedback_given",
    "signal_closed",
)
META_KINDS: tuple[str, ...] = ("corrected", "retracted")
#: Kinds whose recording erases payloads in place (ARCHITECTURE.md "Erasure"): they
#: are never corrected or retracted, and they travel in bundles like any other step.
ERASING_KINDS: tuple[str, ...] = ("text_erased", "case_destroyed")
ALL_KINDS: tuple[str, ...] = CASE_KINDS + SIGNAL_KINDS + META_KINDS

#: The business date of each kind: the first date field in its row of DOMAIN.md.
DATE_FIELD: dict[str, str] = {
    "registered": "received_on",
    "triaged": "decided_on",
    "handover_confirmed": "on",
    "assigned": "on",
    "note": "on",
    "partner_informed": "on",
    "data_requested": "requested_on",
    "consulted": "on",
    "opinion_sent": "sent_on",
    "reminder_sent": "on",
    "service_response": "received_on",
    "escalated": "on",
    "escalation_response": "received_on",
    "paused": "from_on",
    "resumed": "on",
    "deadline_set": "on",
    "deadline_met": "on",
    "closed": "closed_on",
    "closing_interview": "held_on",
    "reopened": "on",
    "story": "on",
    "story_approved": "on",
    "signal_linked": "on",
    "signal_unlinked": "on",
    "text_erased": "on",
    "case_destroyed": "on",
    "signal_created": "created_on",
    "signal_submitted": "on",
    "signal_response": "received_on",
    "signal_feedback_given": "on",
    "signal_closed": "on",
}

#: Fields that point at another event of the same case or signal.
REFERENCE_FIELDS: dict[str, tuple[str, ...]] = {
    "corrected": ("target", "supersedes"),
    "retracted": ("target",),
    "deadline_met": ("deadline",),
    "text_erased": ("target",),
}

#: Dutch names of payload fields, for error messages and the timeline.
FIELD_LABELS: dict[str, str] = {
    "received_on": "Datum ontvangst",
    "route": "Route",
    "partner_type": "Soort aandrager",
    "partner_org": "Aandragende organisatie",
    "helper_contact": "Contactpersoon aandrager",
    "name": "Naam",
    "email": "E-mail",
    "phone": "Telefoon",
    "services": "Diensten",
    "topics": "Onderwerpen",
    "target_group": "Doelgroep",
    "help_request": "Hulpvraag",
    "running_procedures": "Lopende procedures",
    "routes_tried": "Al geprobeerd",
    "claim_band": "Ordegrootte vordering",
    "multi_problem": "Multiproblematiek",
    "other_bodies": "Andere instanties",
    "urgent": "Spoed",
    "urgency_reason": "Reden van spoed",
    "known_to_service": "Bekend bij de dienst",
    "consent": "Toestemming of machtiging",
    "summary": "Samenvatting",
    "decided_on": "Datum besluit",
    "decision": "Besluit",
    "reason_code": "Reden",
    "referred_to": "Doorverwezen naar",
    "reason": "Toelichting",
    "on": "Datum",
    "by": "Door",
    "handler": "Behandelaar",
    "text": "Tekst",
    "about": "Onderwerp",
    "how": "Hoe",
    "requested_on": "Datum verzoek",
    "service": "Dienst",
    "what": "Wat",
    "with": "Met wie",
    "sent_on": "Verzonden op",
    "proposed_solution": "Voorgestelde oplossing",
    "reply_due_on": "Reactie verwacht uiterlijk",
    "response": "Reactie",
    "level": "Niveau",
    "from_on": "Ingangsdatum",
    "procedure": "Gepauzeerde procedure",
    "citizen_consent": "Toestemming burger",
    "agreed_with": "Afgestemd met",
    "deadline_kind": "Soort termijn",
    "start_on": "Begindatum",
    "due_on": "Laatste dag",
    "description": "Omschrijving",
    "deadline": "Termijn",
    "result": "Resultaat",
    "closed_on": "Datum afronding",
    "outcome": "Uitkomst",
    "solution": "Oplossing",
    "grounds": "Gebruikte ruimte",
    "powers_used": "Gebruikte bevoegdheden",
    "powers_sufficient": "Bevoegdheden toereikend",
    "powers_note": "Toelichting bevoegdheden",
    "held_on": "Datum eindgesprek",
    "citizen_score": "Rapportcijfer burger",
    "helper_score": "Rapportcijfer aandrager",
    "remarks": "Opmerkingen",
    "note": "Notitie",
    "signal": "Signaal",
    "target": "Doel",
    "supersedes": "Vervangt correctie",
    "payload": "Nieuwe gegevens",
    "created_on": "Aangemaakt op",
    "title": "Titel",
    "problem": "Knelpunt",
    "human_story": "Gevolgen voor burgers of ondernemers",
    "theme": "Thema",
    "regulation": "Regelgeving",
    "scope": "Omvang",
    "urgency": "Urgentie",
    "recipient": "Ontvanger",
    "external_ref": "Extern kenmerk",
    "status": "Status",
    "to": "Aan wie",
    "ref": "Bronkenmerk",
    "fields": "Gewiste velden",
}

# ---------------------------------------------------------------------------
# Field types


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: object) -> object:
    """Accept a date or an ISO ``YYYY-MM-DD`` string, never a number or a timestamp."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError("geen geldige datum (JJJJ-MM-DD)")


IsoDate = Annotated[date, BeforeValidator(_iso_date)]

MAX_TEXT = 20_000
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_TEXT)]
OptText = Annotated[
    str | None, StringConstraints(strip_whitespace=True, max_length=MAX_TEXT)
]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
OptShort = Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=300)]
Score = Annotated[int, Field(ge=1, le=10, strict=True)]


def _codes(info: ValidationInfo) -> Codelists:
    ctx = info.context
    if isinstance(ctx, Mapping) and isinstance(ctx.get("codelists"), Codelists):
        return ctx["codelists"]  # type: ignore[no-any-return]
    return default_codelists()


def code(list_name: str) -> AfterValidator:
    """A string that must be a key of the named codelist (inactive keys stay valid)."""

    def check(value: str, info: ValidationInfo) -> str:
        cl = _codes(info)
        if not cl.is_valid(list_name, value):
            title = cl[list_name].title
            raise ValueError(f"'{value}' is geen bekende waarde van de lijst {title}")
        return value

    return AfterValidator(check)


Route = Annotated[str, code("route")]
PartnerType = Annotated[str, code("partner_type")]
Service = Annotated[str, code("service")]
Topic = Annotated[str, code("topic")]
TargetGroup = Annotated[str, code("target_group")]
OtherBody = Annotated[str, code("other_body")]
RunningProcedure = Annotated[str, code("running_procedure")]
RouteTried = Annotated[str, code("route_tried")]
ClaimBand = Annotated[str, code("claim_band")]
Consent = Annotated[str, code("consent")]
TriageReason = Annotated[str, code("triage_reason")]
ReferredTo = Annotated[str, code("referred_to")]
Ground = Annotated[str, code("ground")]
Theme = Annotated[str, code("signal_theme")]
Recipient = Annotated[str, code("signal_recipient")]

TriageDecision = Literal["in_behandeling", "doorverwezen", "niet_in_behandeling"]
Response = Literal["overgenomen", "deels_overgenomen", "gemotiveerd_afgewezen"]
Outcome = Literal["opgelost", "deels_opgelost", "niet_opgelost", "ingetrokken"]
Power = Literal["regiefunctie", "doorzettingsmacht", "gegevenstoegang"]
Sufficient = Literal["ja", "deels", "nee"]
Level = Literal["teamleider", "afdelingshoofd", "directeur", "directeur_generaal"]
DeadlineKind = Literal[
    "bezwaartermijn", "beroepstermijn", "beslistermijn", "betalingstermijn", "overig"
]
DeadlineResult = Literal["gehaald", "verstreken"]
About = Literal["ontvangst", "triagebesluit", "tussenstand", "uitkomst"]
SignalStatus = Literal["overgenomen", "in_behandeling", "niet_overgenomen"]
Known = Literal["ja", "nee", "onbekend"]
Urgency = Literal["laag", "midden", "hoog"]
EventRef = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class FieldProblem(ValueError):
    """A cross-field rule that belongs next to one field in a form."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _unique(values: Sequence[str] | None, field: str) -> None:
    if values is not None and len(set(values)) != len(values):
        raise FieldProblem(field, "een waarde staat er dubbel in")


class Payload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HelperContact(Payload):
    name: OptShort = None
    email: OptShort = None
    phone: OptShort = None


# ---------------------------------------------------------------------------
# Case events


class Registered(Payload):
    kind: Literal["registered"] = "registered"
    received_on: IsoDate
    route: Route
    partner_type: PartnerType
    partner_org: OptShort = None
    helper_contact: HelperContact | None = None
    services: list[Service] = Field(min_length=1, max_length=2)
    topics: list[Topic] = Field(min_length=1)
    target_group: TargetGroup
    help_request: OptText = None
    running_procedures: list[RunningProcedure] | None = None
    routes_tried: list[RouteTried] | None = None
    claim_band: ClaimBand | None = None
    multi_problem: bool = False
    other_bodies: list[OtherBody] | None = None
    urgent: bool = False
    urgency_reason: OptText = None
    known_to_service: Known = "onbekend"
    consent: Consent | None = None
    summary: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)
    ]
    ref: OptShort = None

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> Registered:
        route = _codes(info).route_of_partner_type(self.partner_type)
        if route is not None and route != self.route:
            raise FieldProblem(
                "partner_type",
                "soort aandrager past niet bij de route "
                f"('{self.partner_type}' hoort bij '{route}')"
            )
        _unique(self.services, "services")
        _unique(self.topics, "topics")
        return self


class Triaged(Payload):
    kind: Literal["triaged"] = "triaged"
    decided_on: IsoDate
    decision: TriageDecision
    reason_code: TriageReason
    referred_to: ReferredTo | None = None
    reason: Text

    @model_validator(mode="after")
    def _check(self) -> Triaged:
        if self.decision == "doorverwezen" and not self.referred_to:
            raise FieldProblem("referred_to", "verplicht bij doorverwijzen")
        return self


class HandoverConfirmed(Payload):
    kind: Literal["handover_confirmed"] = "handover_confirmed"
    on: IsoDate
    by: OptShort = None


class Assigned(Payload):
    kind: Literal["assigned"] = "assigned"
    on: IsoDate
    handler: Short


class Note(Payload):
    kind: Literal["note"] = "note"
    on: IsoDate
    text: Text


class PartnerInformed(Payload):
    kind: Literal["partner_informed"] = "partner_informed"
    on: IsoDate
    about: About
    how: OptShort = None


class DataRequested(Payload):
    kind: Literal["data_requested"] = "data_requested"
    requested_on: IsoDate
    service: Service
    what: Text


class Consulted(Payload):
    kind: Literal["consulted"] = "consulted"
    on: IsoDate
    with_: Short = Field(alias="with")
    summary: OptText = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class OpinionSent(Payload):
    kind: Literal["opinion_sent"] = "opinion_sent"
    sent_on: IsoDate
    service: Service
    proposed_solution: Text
    reply_due_on: IsoDate | None = None


class ReminderSent(Payload):
    kind: Literal["reminder_sent"] = "reminder_sent"
    on: IsoDate
    service: Service


class ServiceResponse(Payload):
    kind: Literal["service_response"] = "service_response"
    received_on: IsoDate
    service: Service
    response: Response
    summary: OptText = None

    @model_validator(mode="after")
    def _check(self) -> ServiceResponse:
        if self.response != "overgenomen" and not self.summary:
            raise FieldProblem(
                "summary",
                "de schriftelijke motivering van de dienst is verplicht "
                "als de zienswijze niet volledig is overgenomen"
            )
        return self


class Escalated(Payload):
    kind: Literal["escalated"] = "escalated"
    on: IsoDate
    service: Service
    level: Level
    reason: Text


class EscalationResponse(Payload):
    kind: Literal["escalation_response"] = "escalation_response"
    received_on: IsoDate
    service: Service
    response: Response
    summary: OptText = None


class Paused(Payload):
    kind: Literal["paused"] = "paused"
    from_on: IsoDate
    procedure: Short
    citizen_consent: bool
    agreed_with: Short

    @model_validator(mode="after")
    def _check(self) -> Paused:
        if self.citizen_consent is not True:
            raise FieldProblem(
                "citizen_consent", "de pauzeknop mag alleen met toestemming van de burger"
            )
        return self


class Resumed(Payload):
    kind: Literal["resumed"] = "resumed"
    on: IsoDate


class DeadlineSet(Payload):
    kind: Literal["deadline_set"] = "deadline_set"
    on: IsoDate
    deadline_kind: DeadlineKind
    start_on: IsoDate
    due_on: IsoDate | None = None
    description: OptText = None

    @model_validator(mode="after")
    def _check(self) -> DeadlineSet:
        statutory = self.deadline_kind in ("bezwaartermijn", "beroepstermijn")
        if not statutory and self.due_on is None:
            raise FieldProblem(
                "due_on",
                "vul de laatste dag in: alleen bezwaar- en beroepstermijnen worden berekend",
            )
        return self


class DeadlineMet(Payload):
    kind: Literal["deadline_met"] = "deadline_met"
    on: IsoDate
    deadline: EventRef
    result: DeadlineResult
    how: OptText = None


class Closed(Payload):
    kind: Literal["closed"] = "closed"
    closed_on: IsoDate
    outcome: Outcome
    solution: Text
    grounds: list[Ground] | None = None
    powers_used: list[Power] | None = None
    powers_sufficient: Sufficient
    powers_note: OptText = None

    @model_validator(mode="after")
    def _check(self) -> Closed:
        _unique(self.grounds, "grounds")
        _unique(self.powers_used, "powers_used")
        return self


class ClosingInterview(Payload):
    kind: Literal["closing_interview"] = "closing_interview"
    held_on: IsoDate
    citizen_score: Score | None = None
    helper_score: Score | None = None
    remarks: OptText = None


class Reopened(Payload):
    kind: Literal["reopened"] = "reopened"
    on: IsoDate
    reason: Text


class Story(Payload):
    kind: Literal["story"] = "story"
    on: IsoDate
    text: Text


class StoryApproved(Payload):
    kind: Literal["story_approved"] = "story_approved"
    on: IsoDate
    by: Short
    note: OptText = None


class SignalLinked(Payload):
    kind: Literal["signal_linked"] = "signal_linked"
    on: IsoDate
    signal: Short


class SignalUnlinked(Payload):
    kind: Literal["signal_unlinked"] = "signal_unlinked"
    on: IsoDate
    signal: Short


# ---------------------------------------------------------------------------
# Erasure (retention, SECURITY.md "does not outlive its purpose")

#: The free-text fields of each kind: what a handler types in words, so what may hold
#: personal data typed by mistake, and what ``text_erased`` may erase (DOMAIN.md "Free
#: text": summary, help request, notes, solution, story, signal texts, and every other
#: field a handler writes in his own words). Codes, dates, numbers and the names of
#: colleagues (``handler``, ``by`` of an approval) are not free text. ``helper_contact``
#: is the helper's own P1 contact, erased as a whole. A ``corrected`` event holds its
#: replacement payload under ``payload``: its free text is named ``payload.<field>``,
#: after the fields of the corrected kind.
FREE_TEXT: dict[str, tuple[str, ...]] = {
    "registered": ("partner_org", "helper_contact", "help_request", "urgency_reason",
                   "summary"),
    "triaged": ("reason",),
    "handover_confirmed": ("by",),
    "note": ("text",),
    "partner_informed": ("how",),
    "data_requested": ("what",),
    "consulted": ("with", "summary"),
    "opinion_sent": ("proposed_solution",),
    "service_response": ("summary",),
    "escalated": ("reason",),
    "escalation_response": ("summary",),
    "paused": ("procedure", "agreed_with"),
    "deadline_set": ("description",),
    "deadline_met": ("how",),
    "closed": ("solution", "powers_note"),
    "closing_interview": ("remarks",),
    "reopened": ("reason",),
    "story": ("text",),
    "story_approved": ("note",),
    "retracted": ("reason",),
}


def erasable_fields(kind: str, corrects: str | None = None) -> tuple[str, ...]:
    """The free-text fields ``text_erased`` may name for an event of ``kind``.

    For a correction (``corrects``: the kind of the step it corrects)
    ``payload.<field>`` for each free-text field of that kind, and its own ``reason``.
    """
    if kind != "corrected":
        return FREE_TEXT.get(kind, ())
    return (*(f"payload.{f}" for f in FREE_TEXT.get(corrects or "", ())), "reason")


class TextErased(Payload):
    kind: Literal["text_erased"] = "text_erased"
    on: IsoDate
    target: EventRef
    fields: list[Short] = Field(min_length=1)
    reason: Text

    @model_validator(mode="after")
    def _check(self) -> TextErased:
        _unique(self.fields, "fields")
        return self


class CaseDestroyed(Payload):
    kind: Literal["case_destroyed"] = "case_destroyed"
    on: IsoDate
    reason: Text


# ---------------------------------------------------------------------------
# Signal events


class SignalCreated(Payload):
    kind: Literal["signal_created"] = "signal_created"
    created_on: IsoDate
    title: Short
    problem: Text
    human_story: OptText = None
    proposed_solution: Text
    theme: Theme
    services: list[Service] = Field(min_length=1, max_length=2)
    regulation: OptShort = None
    scope: OptShort = None
    urgency: Urgency | None = None
    ref: OptShort = None

    @model_validator(mode="after")
    def _check(self) -> SignalCreated:
        _unique(self.services, "services")
        return self


class SignalSubmitted(Payload):
    kind: Literal["signal_submitted"] = "signal_submitted"
    on: IsoDate
    recipient: Recipient
    external_ref: OptShort = None


class SignalResponse(Payload):
    kind: Literal["signal_response"] = "signal_response"
    received_on: IsoDate
    status: SignalStatus
    summary: OptText = None


class SignalFeedbackGiven(Payload):
    kind: Literal["signal_feedback_given"] = "signal_feedback_given"
    on: IsoDate
    to: Short


class SignalClosed(Payload):
    kind: Literal["signal_closed"] = "signal_closed"
    on: IsoDate
    reason: OptText = None


# ---------------------------------------------------------------------------
# Corrections


class Corrected(Payload):
    kind: Literal["corrected"] = "corrected"
    target: EventRef
    supersedes: EventRef | None = None
    payload: dict[str, Any]
    reason: Text


class Retracted(Payload):
    kind: Literal["retracted"] = "retracted"
    target: EventRef
    reason: Text


#: Every payload model, once; the discriminated union and the kind table derive from it.
PAYLOAD_MODELS: tuple[type[Payload], ...] = (
    Registered, Triaged, HandoverConfirmed, Assigned, Note, PartnerInformed,
    DataRequested, Consulted, OpinionSent, ReminderSent, ServiceResponse, Escalated,
    EscalationResponse, Paused, Resumed, DeadlineSet, DeadlineMet, Closed,
    ClosingInterview, Reopened, Story, StoryApproved, SignalLinked, SignalUnlinked,
    TextErased, CaseDestroyed,
    SignalCreated, SignalSubmitted, SignalResponse, SignalFeedbackGiven, SignalClosed,
    Corrected, Retracted,
)

_UNION: Any = Annotated[functools.reduce(operator.or_, PAYLOAD_MODELS),
                        Field(discriminator="kind")]
_ADAPTER: TypeAdapter[Any] = TypeAdapter(_UNION)

#: Kind -> model class, for forms that need the fields of one kind.
MODELS: dict[str, type[Payload]] = {m.model_fields["kind"].default: m for m in PAYLOAD_MODELS}


# ---------------------------------------------------------------------------
# Dutch errors

_MESSAGES: dict[str, str] = {
    "missing": "verplicht veld ontbreekt",
    "extra_forbidden": "onbekend veld",
    "date_type": "geen geldige datum (JJJJ-MM-DD)",
    "date_parsing": "geen geldige datum (JJJJ-MM-DD)",
    "date_from_datetime_parsing": "geen geldige datum (JJJJ-MM-DD)",
    "date_from_datetime_inexact": "geen geldige datum (JJJJ-MM-DD)",
    "string_type": "moet tekst zijn",
    "string_too_short": "mag niet leeg zijn",
    "string_too_long": "is te lang",
    "bool_type": "moet ja of nee (true/false) zijn",
    "bool_parsing": "moet ja of nee (true/false) zijn",
    "int_type": "moet een geheel getal zijn",
    "int_parsing": "moet een geheel getal zijn",
    "int_from_float": "moet een geheel getal zijn",
    "list_type": "moet een lijst zijn",
    "dict_type": "moet een object zijn",
    "model_type": "moet een object zijn",
    "union_tag_not_found": "het soort stap ('kind') ontbreekt",
    "union_tag_invalid": "onbekend soort stap",
    "model_attributes_type": "moet een object zijn",
}


def _dutch(err: Mapping[str, Any]) -> str:
    typ = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if typ == "value_error":
        msg = str(ctx.get("error", err.get("msg", "")))
        return msg
    if typ == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", " of ")
        return f"kies een van: {expected}"
    if typ in ("too_short", "too_long"):
        if typ == "too_short":
            return f"kies er minstens {ctx.get('min_length', 1)}"
        return f"kies er hoogstens {ctx.get('max_length', '')}"
    if typ in ("greater_than_equal", "less_than_equal"):
        return "moet een cijfer van 1 tot en met 10 zijn"
    if typ == "union_tag_invalid":
        return f"onbekend soort stap '{ctx.get('tag', '')}'"
    return _MESSAGES.get(typ, str(err.get("msg", "ongeldige waarde")))


def _path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            name = "with" if item == "with_" else str(item)
            parts.append(("." if parts else "") + name)
    return "".join(parts)


def dutch_errors(
    exc: ValidationError, prefix: str = "", tagged: bool = False
) -> list[FieldError]:
    """Pydantic's errors as Dutch field errors; ``tagged`` drops the union's tag."""
    out: list[FieldError] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err.get("loc", ()))
        if tagged and loc:
            loc = loc[1:]
        problem = (err.get("ctx") or {}).get("error")
        if isinstance(problem, FieldProblem):
            loc = (*loc, problem.field)
        path = _path(loc)
        full = f"{prefix}.{path}" if prefix and path else (prefix or path)
        out.append(FieldError(full, _dutch(err)))
    return out


# ---------------------------------------------------------------------------
# Public entry points


def to_json(model: Payload) -> dict[str, Any]:
    """The stored form: JSON types, ``None`` left out, ``kind`` left out."""
    data: dict[str, Any] = model.model_dump(mode="json", exclude_none=True, by_alias=True)
    data.pop("kind", None)
    return data


def validate_payload(
    kind: str,
    data: Mapping[str, Any],
    codelists: Codelists | None = None,
    prefix: str = "",
) -> dict[str, Any]:
    """Validate one payload and return its canonical stored form.

    Raises ``ValidationFailed`` with Dutch messages per field.
    """
    if kind not in MODELS:
        raise ValidationFailed([FieldError(prefix + ".kind" if prefix else "kind",
                                           f"onbekend soort stap '{kind}'")])
    body = {k: v for k, v in data.items() if k != "kind"}
    ctx = {"codelists": codelists or default_codelists()}
    try:
        model = MODELS[kind].model_validate(body, context=ctx)
    except ValidationError as exc:
        raise ValidationFailed(dutch_errors(exc, prefix)) from None
    return to_json(model)


def parse_any(data: Mapping[str, Any], codelists: Codelists | None = None) -> Payload:
    """Validate ``{"kind": ..., ...}`` through the discriminated union."""
    ctx = {"codelists": codelists or default_codelists()}
    try:
        result: Payload = _ADAPTER.validate_python(dict(data), context=ctx)
    except ValidationError as exc:
        raise ValidationFailed(dutch_errors(exc, tagged=True)) from None
    return result


def business_date(kind: str, payload: Mapping[str, Any]) -> date | None:
    """The event's business date from its (stored) payload, or None if unreadable."""
    name = DATE_FIELD.get(kind)
    return as_date(payload.get(name)) if name is not None else None


def canonical_json(value: Any) -> str:
    """The one serialisation that is hashed (ARCHITECTURE.md)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def kind_label(kind: str, codelists: Codelists | None = None) -> str:
    return (codelists or default_codelists()).label("event_kind", kind)
