"""Event payloads of docs/DOMAIN.md as one pydantic discriminated union on ``kind``.

Every step a handler records is an event; these models are the single gate through
which a payload enters the log. Two entry points, for two kinds of input:

- ``validate_payload(kind, data)``: strict, for what is typed (GUI forms, the CLI) or
  imported from an interchange file. No type coercion, dates from 2000 to 2100, a
  length limit on every text, no control characters (app/model/limits.py,
  docs/INTERCHANGE-LIMITS.md), the codelists and the rules across fields. It
  normalises (ISO dates, stripped text) so that the stored, hashed payload is
  canonical, and says what is wrong in Dutch, per field, for the GUI to show.
- ``check_structure(kind, payload)``: structural only, for events from the team's own
  exchange bundles (docs/ARCHITECTURE.md), which were validated when they were recorded and
  are not held to this laptop's codelists, limits or newer rules.
"""

from __future__ import annotations

import functools
import json
import operator
import re
import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin

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
from app.model.kinds import ALL_KINDS as ALL_KINDS
from app.model.kinds import CASE_KINDS as CASE_KINDS
from app.model.kinds import ERASING_KINDS as ERASING_KINDS
from app.model.kinds import KINDS, Kind
from app.model.kinds import META_KINDS as META_KINDS
from app.model.kinds import SIGNAL_KINDS as SIGNAL_KINDS
from app.model.limits import (
    FIRST_STRUCTURAL_DATE,
    LAST_STRUCTURAL_DATE,
    LINE_MAX,
    MAX_TEXT,
    REF_MAX,
    SUMMARY_MAX,
    date_in_range,
    date_range_text,
    has_surrogate,
    nl,
    shown,
    text_problem,
)

# ---------------------------------------------------------------------------
# Kinds: what each is lives in app/model/kinds.py; these views of it are what the
# payload checks, the fold and the exchange read.

#: The business date of each kind: the first date field in its row of docs/DOMAIN.md.
DATE_FIELD: dict[str, str] = {k: i.date_field for k, i in KINDS.items()
                              if i.date_field is not None}

#: Fields that point at another event of the same case or signal.
REFERENCE_FIELDS: dict[str, tuple[str, ...]] = {k: i.references for k, i in KINDS.items()
                                                if i.references}

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
    "about": "Waarover",
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
    "ref": "Herkomstnummer",
    "fields": "Gewiste velden",
}

# ---------------------------------------------------------------------------
# Field types

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: object) -> object:
    """Accept a date or an ISO ``YYYY-MM-DD`` string, never a number or a timestamp."""
    parsed: date | None = None
    if isinstance(value, date) and not isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and _ISO_DATE.fullmatch(value.strip()):
        try:
            parsed = date.fromisoformat(value.strip())
        except ValueError:
            parsed = None
    if parsed is None:
        raise ValueError("geen geldige datum (JJJJ-MM-DD)")
    if not date_in_range(parsed):
        raise ValueError(f"datum {parsed.isoformat()} ligt buiten {date_range_text()}")
    return parsed


def _one_line(value: object) -> object:
    """What would be stored (whitespace at the ends is trimmed) holds no control
    character, no tab and no line break."""
    if isinstance(value, str) and text_problem(value, multiline=False):
        problem = text_problem(value.strip(), multiline=False)  # what would be stored
        if problem:
            raise ValueError(problem)
    return value


def _free_text(value: object) -> object:
    """Free text keeps its line breaks and tabs, and nothing else below U+0020."""
    if isinstance(value, str):
        if "\r" in value:
            value = value.replace("\r\n", "\n")  # a Windows line end is a line end
        if text_problem(value, multiline=True):  # then, what would be stored
            problem = text_problem(value.strip(), multiline=True)
            if problem:
                raise ValueError(problem)
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _text(limit: int, required: bool) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1 if required else None,
                             max_length=limit)


# Constraints first, then the character check: pydantic runs a Before validator on the
# raw input and then the string constraints (strip, lengths) on what it returns.
Text = Annotated[str, _text(MAX_TEXT, True), BeforeValidator(_free_text)]
OptText = Annotated[str | None, _text(MAX_TEXT, False), BeforeValidator(_free_text)]
Summary = Annotated[str, _text(SUMMARY_MAX, True), BeforeValidator(_free_text)]
Short = Annotated[str, _text(LINE_MAX, True), BeforeValidator(_one_line)]
OptShort = Annotated[str | None, _text(LINE_MAX, False), BeforeValidator(_one_line)]
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
            raise ValueError(f"'{shown(value)}' is geen bekende waarde van de lijst {title}")
        return value

    # The structural check (``check_structure``) reads this to tell a codelist key,
    # which a bundle may carry unknown, from free text.
    setattr(check, "codelist", list_name)  # noqa: B010
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
EventRef = Annotated[str, _text(REF_MAX, True), BeforeValidator(_one_line)]
OptRef = Annotated[str | None, _text(REF_MAX, False), BeforeValidator(_one_line)]


class FieldProblem(ValueError):
    """A cross-field rule that belongs next to one field in a form."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _unique(values: Sequence[str] | None, field: str) -> None:
    if values is not None and len(set(values)) != len(values):
        raise FieldProblem(field, "een waarde staat er dubbel in")


class Payload(BaseModel):
    """Strict: a JSON ``true`` is a yes, ``"yes"`` or ``1`` is refused (no coercion)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


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
    summary: Summary
    ref: OptRef = None

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

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True,
                              populate_by_name=True)


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


def _motivation_required(summary: str | None, what: str) -> None:
    """docs/DOMAIN.md: a service that does not follow must say why in writing."""
    if not summary:
        raise FieldProblem(
            "summary",
            f"de schriftelijke motivering van de dienst is verplicht als {what}",
        )


class ServiceResponse(Payload):
    kind: Literal["service_response"] = "service_response"
    received_on: IsoDate
    service: Service
    response: Response
    summary: OptText = None

    @model_validator(mode="after")
    def _check(self) -> ServiceResponse:
        if self.response != "overgenomen":
            _motivation_required(self.summary, "de zienswijze niet volledig is overgenomen")
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

    @model_validator(mode="after")
    def _check(self) -> EscalationResponse:
        # Item 15 of #11: a refusal needs its reasons here too; a partial answer to an
        # escalation may stand without them, as docs/DOMAIN.md leaves the summary optional.
        if self.response == "gemotiveerd_afgewezen":
            _motivation_required(self.summary, "het heroverwegingsverzoek is afgewezen")
        return self


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
# Erasure (retention, docs/SECURITY.md "does not outlive its purpose")

#: The free-text fields of each kind (``KindInfo.free_text``): what a handler types in
#: words, so what may hold personal data typed by mistake, and what ``text_erased`` may
#: erase (docs/DOMAIN.md "Personal data"). A ``corrected`` event holds its replacement
#: payload under ``payload``: its free text is named ``payload.<field>``, after the
#: fields of the corrected kind.
FREE_TEXT: dict[str, tuple[str, ...]] = {k: i.free_text for k, i in KINDS.items()
                                         if i.free_text}


def erasable_fields(kind: str, corrects: str | None = None) -> tuple[str, ...]:
    """The free-text fields ``text_erased`` may name for an event of ``kind``.

    For a correction (``corrects``: the kind of the step it corrects)
    ``payload.<field>`` for each free-text field of that kind, and its own ``reason``.
    """
    if kind != Kind.CORRECTED:
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
    ref: OptRef = None

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
    "string_unicode": "bevat een ongeldig teken",
    "bool_type": "moet ja of nee zijn (true of false, zonder aanhalingstekens)",
    "bool_parsing": "moet ja of nee zijn (true of false, zonder aanhalingstekens)",
    "int_type": "moet een geheel getal zijn (een getal zonder aanhalingstekens, geen breuk)",
    "int_parsing": "moet een geheel getal zijn (zonder aanhalingstekens)",
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
    if typ == "string_too_long":
        return f"is te lang: hoogstens {ctx.get('max_length', '')} tekens"
    if typ in ("greater_than_equal", "less_than_equal"):
        return "moet een cijfer van 1 tot en met 10 zijn"
    if typ == "union_tag_invalid":
        return f"onbekend soort stap '{shown(ctx.get('tag', ''))}'"
    return _MESSAGES.get(typ, str(err.get("msg", "ongeldige waarde")))


def _path(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            name = "with" if item == "with_" else shown(str(item))
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
                                           f"onbekend soort stap '{shown(kind)}'")])
    body = {k: v for k, v in data.items() if k != "kind"}
    odd = [k for k in body if not isinstance(k, str) or has_surrogate(k)]
    if odd:  # pydantic cannot even name such a key: no field of ours has one
        where = f"{prefix}." if prefix else ""
        raise ValidationFailed([FieldError(f"{where}{shown(k)}", "onbekend veld")
                                for k in odd])
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
    """The one serialisation that is hashed (docs/ARCHITECTURE.md)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def kind_label(kind: str, codelists: Codelists | None = None) -> str:
    return (codelists or default_codelists()).label("event_kind", kind)


# ---------------------------------------------------------------------------
# Structure: what a bundle's event must be for this program to fold and show it


@dataclass(frozen=True)
class _Shape:
    """The JSON shape of one payload field, read from the payload models."""

    kind: str  # date bool int choice code text ref list object payload
    required: bool = False
    nullable: bool = False
    choices: frozenset[str] = frozenset()
    low: int | None = None
    high: int | None = None
    item: _Shape | None = None
    fields: Mapping[str, _Shape] | None = None

    def problem(self, value: Any) -> str | None:
        """Why ``value`` does not fit; None when it does (kept fast: a bundle at
        10,000 cases holds 120,000 events)."""
        if value is None:
            if self.nullable:
                return None
            return "verplicht veld ontbreekt" if self.required else "mag niet leeg (null) zijn"
        return _CHECKS[self.kind](value, self)


def _text_problem(value: Any, shape: _Shape) -> str | None:
    if value.__class__ is not str:
        return "moet tekst zijn"
    if has_surrogate(value):
        return "bevat een ongeldig teken (een losse surrogaat)"
    if not value and shape.kind != "text":
        return "mag niet leeg zijn"
    return None


def _date_problem(value: Any, shape: _Shape) -> str | None:
    parsed = _iso_date_or_none(value)
    if parsed is None:
        return "geen geldige datum (JJJJ-MM-DD)"
    if not FIRST_STRUCTURAL_DATE <= parsed <= LAST_STRUCTURAL_DATE:
        return (f"datum {parsed.isoformat()} ligt buiten {nl(FIRST_STRUCTURAL_DATE)} t/m "
                f"{nl(LAST_STRUCTURAL_DATE)}")
    return None


def _int_problem(value: Any, shape: _Shape) -> str | None:
    if value.__class__ is not int:
        return "moet een geheel getal zijn"
    if (shape.low is not None and value < shape.low) or (
            shape.high is not None and value > shape.high):
        return f"moet een getal van {shape.low} tot en met {shape.high} zijn"
    return None


def _choice_problem(value: Any, shape: _Shape) -> str | None:
    if value.__class__ is str and value in shape.choices:
        return None
    return "kies een van: " + ", ".join(sorted(shape.choices))


_CHECKS: dict[str, Callable[[Any, _Shape], str | None]] = {
    "text": _text_problem,
    "code": _text_problem,
    "ref": _text_problem,
    "date": _date_problem,
    "bool": lambda v, s: None if v.__class__ is bool else "moet ja of nee zijn (true of false)",
    "int": _int_problem,
    "choice": _choice_problem,
    "list": lambda v, s: None if v.__class__ is list else "moet een lijst zijn",
    "object": lambda v, s: None if v.__class__ is dict else "moet een object zijn",
    "payload": lambda v, s: None if v.__class__ is dict else "moet een object zijn",
}

#: Fields that point at something by id or number; never free text, never erased.
_REFERENCE_NAMES = frozenset({"target", "supersedes", "deadline", "signal"})


def _shape(annotation: Any, metadata: Sequence[Any], name: str, required: bool) -> _Shape:
    nullable = False
    meta = list(metadata)
    tp = annotation
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp, *extra = get_args(tp)
            meta += extra
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            nullable = nullable or len(args) < len(get_args(tp))
            tp = args[0]
        else:
            break
    flat: list[Any] = []
    for m in meta:  # Field(ge=...) inside Annotated arrives as a FieldInfo
        flat.append(m)
        flat.extend(getattr(m, "metadata", ()) or ())
    if tp is date:
        return _Shape("date", required, nullable)
    if tp is bool:
        return _Shape("bool", required, nullable)
    if tp is int:
        low = next((m.ge for m in flat if isinstance(getattr(m, "ge", None), int)), None)
        high = next((m.le for m in flat if isinstance(getattr(m, "le", None), int)), None)
        return _Shape("int", required, nullable, low=low, high=high)
    if get_origin(tp) is Literal:
        return _Shape("choice", required, nullable,
                      choices=frozenset(str(a) for a in get_args(tp)))
    if get_origin(tp) is list:
        item = _shape(get_args(tp)[0], (), name, True)
        return _Shape("list", required, nullable, item=item)
    if get_origin(tp) is dict:
        return _Shape("payload", required, nullable)
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        return _Shape("object", required, nullable, fields=_shapes_of(tp))
    if any(hasattr(getattr(m, "func", None), "codelist") for m in flat):
        return _Shape("code", required, nullable)
    if name in _REFERENCE_NAMES:
        return _Shape("ref", required, nullable)
    # Free text: null is accepted, because erasure (docs/ARCHITECTURE.md) sets it to null.
    return _Shape("text", required, True)


def _shapes_of(model: type[BaseModel]) -> dict[str, _Shape]:
    out: dict[str, _Shape] = {}
    for attr, info in model.model_fields.items():
        if attr == "kind":
            continue
        name = info.alias or attr
        out[name] = _shape(info.annotation, info.metadata, name, info.is_required())
    return out


@functools.cache
def _structure(kind: str) -> tuple[dict[str, _Shape], tuple[str, ...]]:
    """A kind's field shapes and its required field names."""
    shapes = _shapes_of(MODELS[kind])
    return shapes, tuple(n for n, s in shapes.items() if s.required)


def _iso_date_or_none(value: Any) -> date | None:
    if value.__class__ is not str or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _check_fields(data: Mapping[str, Any], shapes: Mapping[str, _Shape],
                  required: Sequence[str], prefix: str, out: list[FieldError]) -> None:
    lead = f"{prefix}." if prefix else ""
    for name, value in data.items():
        shape = shapes.get(name)
        if shape is None:
            out.append(FieldError(lead + shown(name), "onbekend veld"))
            continue
        problem = shape.problem(value)
        if problem:
            out.append(FieldError(lead + name, problem))
        elif shape.item is not None and value is not None:
            for i, item in enumerate(value):
                problem = shape.item.problem(item)
                if problem:
                    out.append(FieldError(f"{lead}{name}[{i}]", problem))
        elif shape.fields is not None and value is not None:
            _check_fields(value, shape.fields, (), lead + name, out)
    for name in required:
        if name not in data:
            out.append(FieldError(lead + name, "verplicht veld ontbreekt"))


def check_structure(kind: str, payload: Any, *, target_kind: str | None = None,
                    prefix: str = "") -> list[FieldError]:
    """Whether an event from an exchange bundle is one this program can fold and show.

    The other entry point beside ``validate_payload``. A bundle carries the team's own
    events, recorded and validated on another laptop, perhaps under another codelist
    override or an older rule; docs/ARCHITECTURE.md: they are checked for structure, not against
    local settings. So this checks exactly what keeps the fold, the projections and the
    exports from misreading or crashing on an event, and nothing that is local policy.

    Checked (an empty list means the event is structurally sound):

    - ``kind`` is a payload kind of this program (``MODELS``);
    - the payload is a JSON object; every member is a field of that kind (an unknown
      member means another program or version: the bundle's format version governs
      the field set) and every field the model requires is present;
    - JSON types: text fields hold a string, or null (erasure sets free text to null);
      codelist fields and references (``target``, ``supersedes``, ``deadline``,
      ``signal``) a non-empty string; booleans ``true``/``false``; integers a JSON
      integer (not a boolean) in the fixed scale where the model has one (scores
      1 to 10); fixed lists (docs/DOMAIN.md "Fixed": decisions, responses, outcomes,
      levels, ...) one of their values, because no register can extend them; lists a
      list of such values; ``helper_contact`` an object with its own fields;
      ``corrected.payload`` an object, checked as a payload of ``target_kind`` when
      the caller knows the target's kind;
    - dates are ISO ``YYYY-MM-DD`` between 01-01-1900 and 31-12-2999: wider than any
      local limit, narrow enough that deadline and period arithmetic cannot overflow;
    - no string holds a lone surrogate (it cannot be stored or hashed as UTF-8).

    Not checked, on purpose: whether a codelist key is known here (an unknown key is
    kept and shown as its key), text lengths, control characters, the date range of
    typed input, cross-field rules (a motivation for a refusal, ``referred_to`` on a
    referral, one or two services, no duplicates), and the workflow rules (the fold
    flags those, never drops them). A rule added in a later release therefore never
    makes an older event unsendable.
    """
    where = f"{prefix}.kind" if prefix else "kind"
    if not isinstance(kind, str) or kind not in MODELS:
        return [FieldError(where, f"onbekend soort stap '{shown(kind)}'")]
    if not isinstance(payload, dict):
        return [FieldError(prefix, "de gegevens van de stap moeten een object zijn")]
    out: list[FieldError] = []
    shapes, required = _structure(kind)
    _check_fields(payload, shapes, required, prefix, out)
    inner = payload.get("payload")
    if kind == Kind.CORRECTED and target_kind is not None and isinstance(inner, dict):
        inner_prefix = f"{prefix}.payload" if prefix else "payload"
        if target_kind in META_KINDS:
            out.append(FieldError(inner_prefix, "een correctie verbetert een oorspronkelijke "
                                                "stap, geen correctie of intrekking"))
        else:
            out += check_structure(target_kind, inner, prefix=inner_prefix)
    return out
