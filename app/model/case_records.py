"""One row per case and per signal, and the cross tables the catalogue does not hold.

The evaluation workbook's Casussen sheet is pivot-ready: one case per row, one value
per cell, only codes, dates and numbers (docs/DOMAIN.md). What a row holds is a domain
choice (the first opinion, the latest response, the highest escalation level, a
resolution path only for a case that was (partly) solved), so it
lives here, next to the fold it reads, and not in the sheet writer; the writer only
turns the codes into labels and the values into cells. The records are small and
reference no event, so a register's worth of them fits in memory while the folds
stream past (docs/BENCHMARKS.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.model.codelists import Codelists
from app.model.eventlog import Event
from app.model.events import FIELD_LABELS
from app.model.fold import CaseState, SignalState, fold_case
from app.model.kinds import Kind, Status
from app.model.metrics import RESOLVED

# Bound once to plain strings: this loop runs for every step of every case in a
# workbook, and ``Kind.X`` costs an enum metaclass lookup on Python 3.11 (kinds.py).
_OPINION_SENT, _SERVICE_RESPONSE, _ESCALATED = (
    str(k) for k in (Kind.OPINION_SENT, Kind.SERVICE_RESPONSE, Kind.ESCALATED))


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """One case as of the last day of the period, reduced to codes, dates and numbers."""

    number: str
    received_on: date
    route: str
    partner_type: str
    services: tuple[str, ...]
    topics: tuple[str, ...]
    target_group: str
    multi_problem: bool
    urgent: bool
    known_to_service: str | None
    claim_band: str | None
    triaged_on: date | None
    decision: str | None
    reason_code: str | None
    referred_to: str | None
    first_opinion_on: date | None
    last_response: str | None
    top_escalation: str | None
    paused_days: int
    closed_on: date | None
    outcome: str | None
    path: str | None
    powers_used: tuple[str, ...] | None
    powers_sufficient: str | None
    gross_days: int | None
    net_days: int | None
    citizen_score: int | None
    helper_score: int | None


@dataclass(frozen=True, slots=True)
class SignalRecord:
    number: str
    title: str
    theme: str
    status: str
    submitted_on: date | None
    response: str | None
    feedback_on: date | None


def _strs(value: Any) -> tuple[str, ...]:
    if isinstance(value, list | tuple):
        return tuple(dict.fromkeys(str(v) for v in value))
    return ()


def _opt(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None


def _score(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def case_record(events: Sequence[Event], end: date, cl: Codelists) -> CaseRecord | None:
    """The Casussen row of one case, folding it as of ``end`` (see record_of_case)."""
    return record_of_case(fold_case(events, as_of=end), end, cl)


def record_of_case(state: CaseState, end: date, cl: Codelists) -> CaseRecord | None:
    """The Casussen row of one case as of ``end``; None when not received by then.

    Choices (also on the Definities sheet): the opinion date is the first zienswijze,
    the response the latest reaction of a service, the escalation level the highest
    reached; paused days count a pause still running up to ``end``; lead times, outcome
    and powers exist only for a case that is closed as of ``end``.
    """
    reg = state.registration
    if not reg or not state.number:
        return None
    first_opinion: date | None = None
    last_response: str | None = None
    top_level: str | None = None
    for eff in state.effective:
        kind = eff.kind
        if kind == _OPINION_SENT:
            if first_opinion is None or eff.on < first_opinion:
                first_opinion = eff.on
        elif kind == _SERVICE_RESPONSE:
            last_response = _opt(eff.payload.get("response")) or last_response
        elif kind == _ESCALATED:
            level = _opt(eff.payload.get("level"))
            if level and (top_level is None or cl.level_rank(level) > cl.level_rank(top_level)):
                top_level = level
    triage = state.triage or {}
    closing = state.closing if state.status == Status.AFGEROND else None
    outcome = _opt(closing.get("outcome")) if closing else None
    gross: int | None = None
    net: int | None = None
    paused = state.paused_days(until=end)
    if closing is not None and state.closed_on is not None:
        gross = (state.closed_on - state.received_on).days
        net = gross - state.paused_days()
    citizen: int | None = None
    helper: int | None = None
    if state.interviews:
        latest = state.interviews[-1].payload
        citizen, helper = _score(latest.get("citizen_score")), _score(latest.get("helper_score"))
    return CaseRecord(
        number=state.number,
        received_on=state.received_on,
        route=str(reg.get("route", "")),
        partner_type=str(reg.get("partner_type", "")),
        services=_strs(reg.get("services")),
        topics=_strs(reg.get("topics")),
        target_group=str(reg.get("target_group", "")),
        multi_problem=reg.get("multi_problem") is True,
        urgent=reg.get("urgent") is True,
        known_to_service=_opt(reg.get("known_to_service")),
        claim_band=_opt(reg.get("claim_band")),
        triaged_on=state.triaged_on,
        decision=_opt(triage.get("decision")),
        reason_code=_opt(triage.get("reason_code")),
        referred_to=_opt(triage.get("referred_to")),
        first_opinion_on=first_opinion,
        last_response=last_response,
        top_escalation=top_level,
        paused_days=paused,
        closed_on=state.closed_on if closing is not None else None,
        outcome=outcome,
        # The path names how a case was (partly) solved: none for one that was not.
        path=state.path if closing is not None and outcome in RESOLVED else None,
        powers_used=_strs(closing.get("powers_used")) if closing is not None else None,
        powers_sufficient=_opt(closing.get("powers_sufficient")) if closing else None,
        gross_days=gross,
        net_days=net,
        citizen_score=citizen,
        helper_score=helper,
    )


def signal_record(state: SignalState) -> SignalRecord | None:
    if not state.creation or not state.number:
        return None
    return SignalRecord(
        number=state.number,
        title=str(state.creation.get("title", "")),
        theme=str(state.creation.get("theme", "")),
        status=state.status,
        submitted_on=min((e.on for e in state.submissions), default=None),
        response=_opt(state.responses[-1].payload.get("status")) if state.responses else None,
        feedback_on=max((e.on for e in state.feedback), default=None),
    )


# ---------------------------------------------------------------------------
# The Casussen columns: what each holds, in docs/DOMAIN.md's order


#: Sources that are not a codelist: they decide how a column's values are written.
ID, DATE, YESNO, NUMBER = "id", "date", "yesno", "number"


@dataclass(frozen=True, slots=True)
class CaseColumn:
    header: str
    source: str  # a codelist name (values are its keys), or ID / DATE / YESNO / NUMBER
    definition: str


def case_columns(cl: Codelists) -> list[CaseColumn]:
    """The Casussen columns of docs/DOMAIN.md, in its order, with what each one means."""
    c = CaseColumn
    return [
        c("Casusnummer", ID,
          "Het casusnummer (JJJJ-APP-NNNN): jaar van ontvangst, apparaatcode, volgnummer."),
        c("Ontvangen op", DATE, "Datum waarop de casus binnenkwam."),
        c("Route", "route", "Langs welke route de casus binnenkwam."),
        c("Soort aandrager", "partner_type", "Welke soort aandrager de casus bracht."),
        *[c(f"Betreft {cl.label('service', s)}", YESNO,
            f"Ja als de casus (ook) de {cl.label('service', s)} betreft.")
          for s in cl.keys("service")],
        c("Doelgroep", "target_group", "Burger, zzp'er, mkb-ondernemer of overig."),
        c("Multiproblematiek", YESNO, "Ja als bij de aanmelding multiproblematiek is "
                                      "aangegeven."),
        c("Spoed", YESNO, "Ja als de casus met spoed is aangemeld."),
        c("Bekend bij de dienst", "known_to_service",
          "Was het probleem al bekend bij de dienst (ja, nee, onbekend)?"),
        c("Ordegrootte vordering", "claim_band", "Ordegrootte van de vordering."),
        c("Triagedatum", DATE,
          "Datum van het triagebesluit (leeg: op de einddatum nog niet getrieerd)."),
        c("Triagebesluit", "triage_decision", "Het triagebesluit."),
        c("Reden triagebesluit", "triage_reason", "De reden van het triagebesluit."),
        c("Doorverwezen naar", "referred_to", "Bij doorverwijzen: naar wie."),
        c("Eerste zienswijze", DATE, "Datum van de eerste zienswijze aan een dienst."),
        c("Laatste reactie dienst", "service_response",
          "Het antwoord in de laatste reactie van een dienst op een zienswijze."),
        c("Hoogste escalatieniveau", "escalation_level",
          "Het hoogste niveau waarop is geëscaleerd."),
        c("Dagen gepauzeerd", NUMBER,
          "Dagen met de pauzeknop; een pauze die nog loopt telt tot de einddatum."),
        c("Afgerond op", DATE,
          "Datum van de afronding (leeg als de casus op de einddatum niet is afgerond)."),
        c("Uitkomst", "outcome", "Uitkomst van de afronding."),
        c("Oplosroute", "resolution_path",
          "Alleen bij een (deels) opgeloste casus: "
          f"'{cl.label('resolution_path', 'na_escalatie')}' als er op of vóór de afronding "
          "minstens één escalatie (heroverwegingsverzoek) was, anders "
          f"'{cl.label('resolution_path', 'zonder_escalatie')}'."),
        *[c(f"Bevoegdheid {cl.label('power', p)}", YESNO,
            f"Ja als bij de afronding de bevoegdheid '{cl.label('power', p)}' is gebruikt "
            "(leeg als de casus niet is afgerond).") for p in cl.keys("power")],
        c("Bevoegdheden toereikend", "powers_sufficient",
          "Waren de bevoegdheden toereikend (ja, deels, nee)?"),
        c("Bruto doorlooptijd (dagen)", NUMBER, "Kalenderdagen van ontvangst tot afronding."),
        c("Netto doorlooptijd (dagen)", NUMBER,
          "Bruto doorlooptijd min de gepauzeerde dagen."),
        c(FIELD_LABELS["citizen_score"], NUMBER,
          f"{FIELD_LABELS['citizen_score']} in het (laatste) eindgesprek."),
        c(FIELD_LABELS["helper_score"], NUMBER,
          f"{FIELD_LABELS['helper_score']} in het (laatste) eindgesprek."),
    ]


def case_row(r: CaseRecord, services: Sequence[str], powers: Sequence[str]) -> list[Any]:
    """The raw values of one Casussen row, in ``case_columns`` order: codes (not
    labels), dates, booleans for the yes/no columns (None: not applicable), ints."""
    used = r.powers_used
    return [
        r.number, r.received_on, r.route, r.partner_type,
        *[s in r.services for s in services],
        r.target_group, r.multi_problem, r.urgent, r.known_to_service, r.claim_band,
        r.triaged_on, r.decision, r.reason_code, r.referred_to,
        r.first_opinion_on, r.last_response, r.top_escalation, r.paused_days, r.closed_on,
        r.outcome, r.path,
        *[None if used is None else p in used for p in powers],
        r.powers_sufficient, r.gross_days, r.net_days, r.citizen_score, r.helper_score,
    ]


# ---------------------------------------------------------------------------
# Cross tables


Pair = tuple[str, str]


@dataclass
class CrossTables:
    """Counts the catalogue does not break down this way, for period and year to date.

    Each side adds up to a catalogue figure where a case counts once on it: a case has
    one route, partner type and triage decision, but may concern two services and
    several topics.
    """

    route_service: tuple[Counter[Pair], Counter[Pair]]
    partner_topic: tuple[Counter[Pair], Counter[Pair]]
    decision_route: tuple[Counter[Pair], Counter[Pair]]


def cross_tables(records: Iterable[CaseRecord], start: date, end: date) -> CrossTables:
    ytd = date(end.year, 1, 1)
    rs: tuple[Counter[Pair], Counter[Pair]] = (Counter(), Counter())
    pt: tuple[Counter[Pair], Counter[Pair]] = (Counter(), Counter())
    dr: tuple[Counter[Pair], Counter[Pair]] = (Counter(), Counter())
    for r in records:
        for i, first in enumerate((start, ytd)):
            if first <= r.received_on <= end:
                for s in r.services:
                    rs[i][(r.route, s)] += 1
                for t in r.topics:
                    pt[i][(r.partner_type, t)] += 1
            if r.triaged_on is not None and r.decision and first <= r.triaged_on <= end:
                dr[i][(r.decision, r.route)] += 1
    return CrossTables(rs, pt, dr)


__all__ = [
    "CaseColumn",
    "CaseRecord",
    "CrossTables",
    "SignalRecord",
    "case_columns",
    "case_record",
    "case_row",
    "cross_tables",
    "record_of_case",
    "signal_record",
]
