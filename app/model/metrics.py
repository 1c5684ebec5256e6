"""The one catalogue of figures of docs/DOMAIN.md, computed from folded cases and signals.

The CLI, the GUI dashboard, the evaluation workbook and the report all get their
figures from ``MetricsBuilder`` (through ``app.storage.figures``; ``compute_metrics`` is
the same for events in memory): a figure computed in two places drifts apart, and an evaluator
comparing the dashboard with the workbook must never find two answers. Keys are stable
API and every codelist key is present (zeros included), so the shape of the result
never depends on the data and a spreadsheet built on it keeps working.

Each case and signal is folded exactly once, as of the last day of the period, and
every figure is read from that fold's effective events and state. Folding is the
expensive part at 10,000 cases; a second fold per figure group would double the cost
and, worse, could disagree with the first about corrections and retractions. The folds
stream past one case at a time and only counters stay behind, so a 100,000-case
register costs no more memory than one case's events.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from app.model.bulk import paused_gc
from app.model.codelists import Codelists, default_codelists
from app.model.dates import as_date
from app.model.eventlog import Event
from app.model.events import FIELD_LABELS
from app.model.fold import (
    CaseState,
    SignalState,
    effective_events,
    fold_case,
    fold_signal,
)
from app.model.kinds import OPEN_STATUSES, Kind, Status
from app.model.nlformat import SOON_DAYS, soon_horizon

MetricValue = int | float | None

#: Routes with a first-year target (docs/DOMAIN.md: 20 cases from each service).
TARGET_ROUTES: tuple[str, ...] = ("belastingdienst", "dienst_toeslagen")

#: Outcomes that count as resolved for "resolved without/after escalation".
RESOLVED: frozenset[str] = frozenset({"opgelost", "deels_opgelost"})

#: Responses that count as the service adopting the opinion.
ADOPTED: frozenset[str] = frozenset({"overgenomen", "deels_overgenomen"})

#: Open-case ageing buckets: key suffix, first day, last day (None: no upper bound).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0_4w", 0, 27),
    ("4_8w", 28, 55),
    ("8_13w", 56, 90),
    ("13_26w", 91, 181),
    ("26w_plus", 182, None),
)
_AGE_LABELS: dict[str, str] = {
    "0_4w": "0 tot 4 weken",
    "4_8w": "4 tot 8 weken",
    "8_13w": "8 tot 13 weken",
    "13_26w": "13 tot 26 weken",
    "26w_plus": "26 weken of langer",
}

SCORES: tuple[int, ...] = tuple(range(1, 11))

#: Case event kinds that some figure counts; the rest (notes, assignments, ...) are
#: skipped before any other test, which matters at 120,000 events.
_COUNTED_KINDS: frozenset[str] = frozenset(
    {
        Kind.TRIAGED,
        Kind.HANDOVER_CONFIRMED,
        Kind.PARTNER_INFORMED,
        Kind.OPINION_SENT,
        Kind.REMINDER_SENT,
        Kind.SERVICE_RESPONSE,
        Kind.ESCALATED,
        Kind.PAUSED,
        Kind.CLOSING_INTERVIEW,
    }
)
# The counted kinds bound once to their plain string values: on Python 3.11 a
# ``Kind.X`` lookup passes through the enum metaclass (about 60 ns), and the branches
# below run for every counted step of every case (kinds.py).
(_TRIAGED, _HANDOVER_CONFIRMED, _PARTNER_INFORMED, _OPINION_SENT, _REMINDER_SENT,
 _SERVICE_RESPONSE, _ESCALATED, _PAUSED, _CLOSING_INTERVIEW) = (str(k) for k in (
    Kind.TRIAGED, Kind.HANDOVER_CONFIRMED, Kind.PARTNER_INFORMED, Kind.OPINION_SENT,
    Kind.REMINDER_SENT, Kind.SERVICE_RESPONSE, Kind.ESCALATED, Kind.PAUSED,
    Kind.CLOSING_INTERVIEW))

_MEDIAN = Decimal("0.5")
_P90 = Decimal("0.9")
_DAYS = Decimal("0.1")
_SCORE = Decimal("0.01")


@dataclass(frozen=True)
class MetricSettings:
    """The office's settings that figures depend on (a norm and two targets)."""

    norm_days: int = 56
    target_belastingdienst: int = 20
    target_dienst_toeslagen: int = 20


# ---------------------------------------------------------------------------
# The catalogue: keys, Dutch labels and definitions in one place


@dataclass(frozen=True, slots=True)
class _Spec:
    key: str
    label: str
    definition: str
    count: bool = True  # counts start at 0; values (medians, means) start as None


def _per(cl: Codelists, list_name: str, prefix: str, label: str, definition: str) -> list[_Spec]:
    """One spec per codelist key, so a new key in the office's list is a new row."""
    out: list[_Spec] = []
    for key in cl.keys(list_name):
        name = cl.label(list_name, key)
        out.append(_Spec(f"{prefix}.{key}", label.format(name=name), definition.format(name=name)))
    return out


def _distribution(prefix: str, what: str, per: str) -> list[_Spec]:
    """Median, mean, p90 and maximum of a day count, as the lead-time rows need."""
    return [
        _Spec(
            f"{prefix}.median_days",
            f"{what}, mediaan (dagen)",
            f"Mediaan van {per}, op 1 decimaal.",
            count=False,
        ),
        _Spec(
            f"{prefix}.mean_days",
            f"{what}, gemiddelde (dagen)",
            f"Gemiddelde van {per}, op 1 decimaal.",
            count=False,
        ),
        _Spec(
            f"{prefix}.p90_days",
            f"{what}, 90e percentiel (dagen)",
            f"90e percentiel (zoals PERCENTIEL.INC in Excel) van {per}, op 1 decimaal.",
            count=False,
        ),
        _Spec(
            f"{prefix}.max_days",
            f"{what}, langste (dagen)",
            f"Grootste waarde van {per}.",
            count=False,
        ),
    ]


def _scores(who: str, person: str) -> list[_Spec]:
    """The score figures of one side, named with the step's own field label
    ("Rapportcijfer aandrager"), so the form, the dashboard, the workbook and the report
    use one term."""
    label = FIELD_LABELS[f"{who}_score"]
    out = [
        _Spec(
            f"interview.{who}.n",
            f"{label}: aantal",
            f"Aantal eindgesprekken in de periode waarin de {person} een rapportcijfer gaf.",
        ),
        _Spec(
            f"interview.{who}.mean",
            f"{label}: gemiddelde",
            f"Gemiddeld rapportcijfer (1-10) van de {person} in de eindgesprekken van de "
            "periode, op 2 decimalen.",
            count=False,
        ),
    ]
    for score in SCORES:
        out.append(
            _Spec(
                f"interview.{who}.score.{score}",
                f"{label}: {score}",
                f"Aantal eindgesprekken in de periode waarin de {person} een {score} gaf.",
            )
        )
    return out


def _catalogue(cl: Codelists, settings: MetricSettings) -> list[_Spec]:
    """Every key of docs/DOMAIN.md in its order, with ``<...>`` replaced by codelist keys."""
    specs: list[_Spec] = [
        _Spec(
            "intake.total",
            "Instroom totaal",
            "Aantal casussen met een datum van ontvangst in de periode.",
        ),
    ]
    specs += _per(
        cl,
        "route",
        "intake.by_route",
        "Instroom via route {name}",
        "Instroom in de periode die binnenkwam via de route {name}.",
    )
    specs += _per(
        cl,
        "partner_type",
        "intake.by_partner_type",
        "Instroom van aandrager: {name}",
        "Instroom in de periode aangedragen door soort aandrager '{name}'.",
    )
    specs += _per(
        cl,
        "service",
        "intake.by_service",
        "Instroom betreffende {name}",
        "Instroom in de periode die (ook) de {name} betreft; een casus over twee "
        "diensten telt bij allebei.",
    )
    specs += _per(
        cl,
        "topic",
        "intake.by_topic",
        "Instroom met onderwerp {name}",
        "Instroom in de periode met onderwerp {name}; een casus met meer "
        "onderwerpen telt bij elk daarvan.",
    )
    specs += _per(
        cl,
        "target_group",
        "intake.by_target_group",
        "Instroom doelgroep {name}",
        "Instroom in de periode uit de doelgroep {name}.",
    )
    specs += [
        _Spec(
            "intake.multi_problem",
            "Instroom met multiproblematiek",
            "Instroom in de periode waarbij multiproblematiek is aangegeven.",
        ),
        _Spec(
            "intake.urgent",
            "Instroom met spoed",
            "Instroom in de periode die als spoed is aangemeld.",
        ),
        _Spec(
            "intake.unknown_to_service",
            "Instroom onbekend bij de dienst",
            "Instroom in de periode via een maatschappelijke partner waarvan het probleem "
            "nog niet bekend was bij de dienst (bekend bij de dienst: nee).",
        ),
        _Spec(
            "triage.total",
            "Triagebesluiten totaal",
            "Aantal triagebesluiten met een besluitdatum in de periode.",
        ),
    ]
    specs += _per(
        cl,
        "triage_decision",
        "triage.by_decision",
        "Triagebesluit: {name}",
        "Triagebesluiten in de periode met besluit '{name}'.",
    )
    specs += _per(
        cl,
        "triage_reason",
        "triage.by_reason",
        "Reden triagebesluit: {name}",
        "Triagebesluiten in de periode met reden '{name}'.",
    )
    specs += _per(
        cl,
        "referred_to",
        "triage.referred_to",
        "Doorverwezen naar {name}",
        "Doorverwijzingen in de periode naar {name}.",
    )
    specs += [
        _Spec(
            "triage.days.median",
            "Dagen tot triagebesluit, mediaan",
            "Mediaan van het aantal kalenderdagen van ontvangst tot triagebesluit, over de "
            "triagebesluiten in de periode, op 1 decimaal.",
            count=False,
        ),
        _Spec(
            "triage.pending",
            "Nog te triëren",
            "Casussen ontvangen op of vóór de laatste dag van de periode die op die dag "
            "nog geen triagebesluit hadden.",
        ),
        _Spec(
            "triage.handover_confirmed",
            "Warme overdrachten bevestigd",
            "Aantal bevestigde warme overdrachten in de periode: de doorverwezen casus is "
            "aangekomen.",
        ),
        _Spec(
            "partner_feedback.first_days.median",
            "Dagen tot eerste bericht aan aandrager, mediaan",
            "Over de casussen waarvan de aandrager in de periode voor het eerst is "
            "geïnformeerd (waarover ook): mediaan van het aantal dagen van ontvangst tot "
            "dat eerste bericht, op 1 decimaal.",
            count=False,
        ),
        _Spec(
            "partner_feedback.outcome_informed",
            "Aandrager geïnformeerd over uitkomst",
            "Aantal keren in de periode dat de aandrager over de uitkomst is geïnformeerd.",
        ),
        _Spec(
            "targets.ytd.belastingdienst",
            "Doel: in behandeling via Belastingdienst",
            "Aantal besluiten 'in behandeling nemen' voor casussen via de route "
            "Belastingdienst, van 1 januari tot en met de laatste dag van de periode "
            f"(doel eerste jaar: {settings.target_belastingdienst}).",
        ),
        _Spec(
            "targets.ytd.dienst_toeslagen",
            "Doel: in behandeling via Dienst Toeslagen",
            "Aantal besluiten 'in behandeling nemen' voor casussen via de route Dienst "
            "Toeslagen, van 1 januari tot en met de laatste dag van de periode "
            f"(doel eerste jaar: {settings.target_dienst_toeslagen}).",
        ),
        _Spec(
            "treatment.opinions_sent",
            "Zienswijzen verstuurd",
            "Aantal zienswijzen dat in de periode naar een dienst is verstuurd.",
        ),
    ]
    specs += _per(
        cl,
        "service_response",
        "treatment.responses",
        "Reacties op zienswijze: {name}",
        "Reacties van een dienst op een zienswijze, ontvangen in de periode, met "
        "antwoord '{name}'.",
    )
    specs += [
        _Spec(
            "treatment.escalations",
            "Escalaties",
            "Aantal heroverwegingsverzoeken (escalaties) in de periode.",
        ),
    ]
    specs += _per(
        cl,
        "escalation_level",
        "treatment.escalations.by_level",
        "Escalaties op niveau {name}",
        "Escalaties in de periode op het niveau {name}.",
    )
    specs += [
        _Spec(
            "treatment.pauses_started",
            "Pauzeknop ingezet",
            "Aantal keren dat in de periode de pauzeknop is ingezet.",
        ),
    ]
    for service in cl.keys("service"):
        name = cl.label("service", service)
        prefix = f"cooperation.{service}"
        specs += [
            _Spec(
                f"{prefix}.opinions",
                f"{name}: zienswijzen verstuurd",
                f"Aantal zienswijzen dat in de periode naar de {name} is verstuurd.",
            ),
            _Spec(
                f"{prefix}.reminders",
                f"{name}: rappels verstuurd",
                f"Aantal rappels dat in de periode naar de {name} is verstuurd.",
            ),
            _Spec(
                f"{prefix}.adopted",
                f"{name}: zienswijze (deels) overgenomen",
                f"Reacties van de {name} in de periode die de zienswijze geheel of deels "
                "overnamen.",
            ),
            _Spec(
                f"{prefix}.response_days.median",
                f"{name}: reactietijd, mediaan (dagen)",
                f"Over elke reactie van de {name} in de periode: mediaan van het aantal "
                "dagen sinds de laatste zienswijze van de casus aan die dienst op of vóór "
                "de datum van de reactie, op 1 decimaal.",
                count=False,
            ),
        ]
    specs += [
        _Spec(
            "closed.total",
            "Afgerond totaal",
            "Casussen afgerond in de periode (een heropende en opnieuw afgeronde casus "
            "telt één keer, op de laatste afronding).",
        ),
    ]
    specs += _per(
        cl,
        "outcome",
        "closed.by_outcome",
        "Afgerond met uitkomst {name}",
        "Casussen afgerond in de periode met uitkomst '{name}'.",
    )
    # The founding report's two resolution paths, in the office's codelist words.
    specs += [
        _Spec(
            "closed.resolved.without_escalation",
            cl.label("resolved_by_path", "zonder_escalatie"),
            "Casussen afgerond in de periode, (deels) opgelost, zonder escalatie op of "
            "vóór de afronding.",
        ),
        _Spec(
            "closed.resolved.after_escalation",
            cl.label("resolved_by_path", "na_escalatie"),
            "Casussen afgerond in de periode, (deels) opgelost, met minstens één escalatie "
            "(heroverwegingsverzoek) op of vóór de afronding.",
        ),
    ]
    specs += _per(
        cl,
        "ground",
        "closed.grounds",
        "Gebruikte ruimte: {name}",
        "Casussen afgerond in de periode waarbij de ruimte '{name}' is gebruikt.",
    )
    specs += _per(
        cl,
        "power",
        "closed.powers_used",
        "Bevoegdheid gebruikt: {name}",
        "Casussen afgerond in de periode waarbij de bevoegdheid '{name}' is gebruikt.",
    )
    specs += _per(
        cl,
        "powers_sufficient",
        "closed.powers_sufficient",
        "Bevoegdheden toereikend: {name}",
        "Casussen afgerond in de periode waarbij op de vraag of de bevoegdheden "
        "toereikend waren '{name}' is geantwoord.",
    )
    specs += _distribution(
        "leadtime.gross",
        "Bruto doorlooptijd",
        "het aantal kalenderdagen van ontvangst tot (laatste) afronding, over de casussen "
        "afgerond in de periode (wat de burger wachtte)",
    )
    specs += _distribution(
        "leadtime.net",
        "Netto doorlooptijd",
        "de bruto doorlooptijd min de dagen dat de pauzeknop liep, over de casussen "
        "afgerond in de periode (alleen ter vergelijking)",
    )
    specs += [
        _Spec(
            "leadtime.norm_days",
            "Eigen interne norm doorlooptijd (dagen)",
            f"De eigen, interne norm van het bureau voor de bruto doorlooptijd (een "
            f"instelling, geen wettelijke termijn; standaard 56 dagen; nu "
            f"{settings.norm_days}).",
        ),
        _Spec(
            "leadtime.within_norm",
            "Afgerond binnen de norm",
            "Casussen afgerond in de periode met een bruto doorlooptijd van hoogstens de norm.",
        ),
        _Spec(
            "open.total",
            "Openstaand in behandeling",
            "Casussen die op de laatste dag van de periode in behandeling zijn.",
        ),
        _Spec(
            "open.paused",
            "Openstaand met lopende pauze",
            "Openstaande casussen waarvoor op de laatste dag van de periode de pauzeknop loopt.",
        ),
    ]
    for suffix, low, high in AGE_BUCKETS:
        span = f"{low} tot en met {high} dagen" if high is not None else f"{low} dagen of meer"
        specs.append(
            _Spec(
                f"open.age.{suffix}",
                f"Openstaand, {_AGE_LABELS[suffix]} oud",
                "Openstaande casussen die op de laatste dag van de periode "
                f"{span} geleden zijn ontvangen.",
            )
        )
    specs += [
        _Spec(
            "deadlines.overdue",
            "Termijnen verlopen",
            "Termijnen van casussen die op de laatste dag van de periode aangemeld of in "
            "behandeling zijn, met een laatste dag vóór die dag en niet als gehaald of "
            "verlopen afgesloten.",
        ),
        _Spec(
            "deadlines.due_next_14d",
            f"Termijnen binnen {SOON_DAYS} dagen",
            f"Openstaande termijnen van die casussen waarvan de laatste dag binnen {SOON_DAYS} "
            "dagen na de laatste dag van de periode valt (die dag meegeteld).",
        ),
        _Spec("interview.total", "Eindgesprekken", "Aantal eindgesprekken gehouden in de periode."),
    ]
    specs += _scores("citizen", "burger")
    specs += _scores("helper", "aandrager")
    specs += [
        _Spec(
            "signals.created", "Signalen aangemaakt", "Aantal signalen aangemaakt in de periode."
        ),
    ]
    specs += _per(
        cl,
        "signal_theme",
        "signals.by_theme",
        "Signalen met thema {name}",
        "Signalen aangemaakt in de periode met thema '{name}'.",
    )
    specs += [
        _Spec(
            "signals.submitted",
            "Indieningen van signalen",
            "Aantal keren dat in de periode een signaal is ingediend (een signaal kan "
            "naar meer ontvangers gaan).",
        ),
    ]
    specs += _per(
        cl,
        "signal_recipient",
        "signals.submitted.by_recipient",
        "Indieningen van signalen: {name}",
        "Indieningen van signalen in de periode bij {name}.",
    )
    specs += _per(
        cl,
        "signal_response_status",
        "signals.responses",
        "Reacties op signalen: {name}",
        "Reacties op signalen ontvangen in de periode met status '{name}'.",
    )
    specs += [
        _Spec(
            "signals.feedback_given",
            "Signalen teruggekoppeld",
            "Aantal keren dat in de periode aan aandragers is teruggekoppeld wat er met "
            "een signaal is gebeurd.",
        ),
        _Spec(
            "signals.awaiting_feedback",
            "Signalen wachtend op terugkoppeling",
            "Signalen die op de laatste dag van de periode niet gesloten zijn, een reactie "
            "hebben gekregen en sinds de laatste reactie nog niet zijn teruggekoppeld.",
        ),
    ]
    return specs


def metric_keys(codelists: Codelists | None = None) -> list[str]:
    """Every key in catalogue order; the order the workbook's Cijfers sheet uses."""
    cl = codelists or default_codelists()
    return [s.key for s in _catalogue(cl, MetricSettings())]


def metric_labels(codelists: Codelists | None = None) -> dict[str, str]:
    """A Dutch label per key, with the office's own codelist labels for the parts."""
    cl = codelists or default_codelists()
    return {s.key: s.label for s in _catalogue(cl, MetricSettings())}


def metric_definitions(
    codelists: Codelists | None = None, settings: MetricSettings | None = None
) -> dict[str, str]:
    """A plain-Dutch definition per key, for evaluators who never read docs/DOMAIN.md."""
    cl = codelists or default_codelists()
    return {s.key: s.definition for s in _catalogue(cl, settings or MetricSettings())}


# ---------------------------------------------------------------------------
# Statistics: Excel's PERCENTILE.INC and ROUND, so figures match a spreadsheet


def percentile_inc(values: Sequence[int], p: Decimal) -> Decimal | None:
    """Linear interpolation between closest ranks, in exact decimals.

    Floats would turn ``(n - 1) * 0.9`` into 2.7000000000000002 and then round a
    figure differently from the evaluator's own spreadsheet.
    """
    if not values:
        return None
    xs = sorted(values)
    h = (len(xs) - 1) * p
    lo = int(h)  # h >= 0, so int() is floor
    hi = min(lo + 1, len(xs) - 1)
    return Decimal(xs[lo]) + (h - lo) * (xs[hi] - xs[lo])


def round_half_up(value: Decimal, places: Decimal) -> float:
    """Excel's ROUND (half away from zero); Python's round() rounds half to even."""
    return float(value.quantize(places, rounding=ROUND_HALF_UP))


def _rounded(value: Decimal | None, places: Decimal = _DAYS) -> float | None:
    return None if value is None else round_half_up(value, places)


def _mean(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    return Decimal(sum(values)) / Decimal(len(values))


def _strs(value: Any) -> list[str]:
    """A payload list as strings; a missing or malformed list counts as empty."""
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


# ---------------------------------------------------------------------------
# The computation: folded cases stream past one at a time


class _Counts:
    """Counters for the count keys; a value outside the catalogue is not counted.

    Only the codelist's keys exist, so a value no longer in the office's lists cannot
    add a key and change the shape of the result.
    """

    __slots__ = ("c",)

    def __init__(self, keys: Iterable[str]) -> None:
        self.c: dict[str, int] = dict.fromkeys(keys, 0)

    def add(self, key: str, n: int = 1) -> None:
        if key in self.c:
            self.c[key] += n


class _Tally:
    """What one period ``[start, end]`` keeps while the cases stream past: counters and
    the day counts its medians need, never a case or an event."""

    __slots__ = (
        "citizen",
        "first_feedback_days",
        "gross",
        "helper",
        "n",
        "net",
        "response_days",
        "start",
        "triage_days",
    )

    def __init__(self, start: date, count_keys: Sequence[str], services: Sequence[str]
                 ) -> None:
        self.start = start
        self.n = _Counts(count_keys)
        self.triage_days: list[int] = []
        self.first_feedback_days: list[int] = []
        self.response_days: dict[str, list[int]] = {s: [] for s in services}
        self.gross: list[int] = []
        self.net: list[int] = []
        self.citizen: list[int] = []
        self.helper: list[int] = []


#: A counted step of one case, as the tallies read it: (kind, date, payload).
_Step = tuple[str, date, dict[str, Any]]


class MetricsBuilder:
    """The catalogue for periods that end on the same day, fed one fold at a time.

    Each case and signal is folded once, as of ``end``, handed to ``add_case`` or
    ``add_signal`` and then dropped: the builder keeps counters and day counts per
    period (the period and the year to date share one pass), so the memory a year's
    figures need no longer grows with the events of the register (docs/BENCHMARKS.md: under
    1 GB at 100,000 cases). ``weekly`` counts the intake per ISO week of ``end``'s
    year from the same folds, for the charts.
    """

    def __init__(self, end: date, starts: Sequence[date],
                 settings: MetricSettings = MetricSettings(),
                 codelists: Codelists | None = None) -> None:
        for start in starts:
            if start > end:
                raise ValueError("de periode begint na de einddatum")
        self.end = end
        self.settings = settings
        self.codelists = codelists or default_codelists()
        self._specs = _catalogue(self.codelists, settings)
        count_keys = [s.key for s in self._specs if s.count]
        services = self.codelists.keys("service")
        self._tallies = {start: _Tally(start, count_keys, services)
                         for start in dict.fromkeys(starts)}
        self._ytd_start = date(end.year, 1, 1)
        self._horizon = soon_horizon(end)
        self._weeks_last = _last_week(end.year, end)
        self._weeks = [0] * (self._weeks_last + 1)

    # ----------------------------------------------------------------- cases

    def add_case(self, state: CaseState) -> None:
        """Count one case folded as of ``end``."""
        reg = state.registration
        if not reg or state.destroyed:
            return  # not yet received as of the end of the period, or destroyed
        received = state.received_on
        r = received.isocalendar()
        if r.year == self.end.year and r.week <= self._weeks_last:
            self._weeks[r.week] += 1
        steps: list[_Step] = [(e.kind, e.on, e.payload) for e in state.effective
                              if e.kind in _COUNTED_KINDS]
        for tally in self._tallies.values():
            self._case_into(tally, state, reg, steps)

    def _case_into(self, t: _Tally, state: CaseState, reg: dict[str, Any],
                   steps: Sequence[_Step]) -> None:
        start, end = t.start, self.end
        add = t.n.add
        received = state.received_on
        route = str(reg.get("route", ""))

        if start <= received <= end:
            add("intake.total")
            add(f"intake.by_route.{route}")
            add(f"intake.by_partner_type.{reg.get('partner_type', '')}")
            for service in set(_strs(reg.get("services"))):
                add(f"intake.by_service.{service}")
            for topic in set(_strs(reg.get("topics"))):
                add(f"intake.by_topic.{topic}")
            add(f"intake.by_target_group.{reg.get('target_group', '')}")
            if reg.get("multi_problem") is True:
                add("intake.multi_problem")
            if reg.get("urgent") is True:
                add("intake.urgent")
            if route == "maatschappelijke_partner" and reg.get("known_to_service") == "nee":
                add("intake.unknown_to_service")

        triaged = False
        first_informed: date | None = None
        opinions: dict[str, list[date]] = {}
        responses: list[tuple[str, date]] = []
        for kind, on, p in steps:
            in_period = on >= start  # the fold as of ``end`` holds nothing after it
            if kind == _TRIAGED:
                triaged = True
                decision = str(p.get("decision", ""))
                if (on >= self._ytd_start and decision == Status.IN_BEHANDELING
                        and route in TARGET_ROUTES):
                    add(f"targets.ytd.{route}")
                if in_period:
                    add("triage.total")
                    add(f"triage.by_decision.{decision}")
                    add(f"triage.by_reason.{p.get('reason_code', '')}")
                    if decision == Status.DOORVERWEZEN:
                        add(f"triage.referred_to.{p.get('referred_to', '')}")
                    t.triage_days.append((on - received).days)
            elif kind == _PARTNER_INFORMED:
                if first_informed is None:
                    first_informed = on
                if in_period and p.get("about") == "uitkomst":
                    add("partner_feedback.outcome_informed")
            elif kind == _OPINION_SENT:
                service = str(p.get("service", ""))
                opinions.setdefault(service, []).append(on)
                if in_period:
                    add("treatment.opinions_sent")
                    add(f"cooperation.{service}.opinions")
            elif kind == _SERVICE_RESPONSE:
                if in_period:
                    service = str(p.get("service", ""))
                    response = str(p.get("response", ""))
                    add(f"treatment.responses.{response}")
                    if response in ADOPTED:
                        add(f"cooperation.{service}.adopted")
                    responses.append((service, on))
            elif not in_period:
                continue
            elif kind == _REMINDER_SENT:
                add(f"cooperation.{p.get('service', '')}.reminders")
            elif kind == _ESCALATED:
                add("treatment.escalations")
                add(f"treatment.escalations.by_level.{p.get('level', '')}")
            elif kind == _PAUSED:
                add("treatment.pauses_started")
            elif kind == _HANDOVER_CONFIRMED:
                add("triage.handover_confirmed")
            elif kind == _CLOSING_INTERVIEW:
                add("interview.total")
                for who, scores in (("citizen", t.citizen), ("helper", t.helper)):
                    score = p.get(f"{who}_score")
                    if isinstance(score, int) and score in SCORES:
                        scores.append(score)
                        add(f"interview.{who}.score.{score}")

        if first_informed is not None and first_informed >= start:
            t.first_feedback_days.append((first_informed - received).days)
        for service, on in responses:
            sent = opinions.get(service)
            if not sent or service not in t.response_days:
                continue
            i = bisect_right(sent, on)  # ``sent`` is in date order: the fold's order
            if i:
                t.response_days[service].append((on - sent[i - 1]).days)

        status = state.status
        if not triaged:
            add("triage.pending")
        if status == Status.AFGEROND and state.closed_on is not None and state.closed_on >= start:
            _closed(t, state.closing or {}, state.path, self.settings,
                    (state.closed_on - received).days, state.paused_days())
        elif status == Status.IN_BEHANDELING:
            add("open.total")
            if state.pause_running:
                add("open.paused")
            age = (end - received).days
            for suffix, low, high in AGE_BUCKETS:
                if age >= low and (high is None or age <= high):
                    add(f"open.age.{suffix}")
                    break
        if status in OPEN_STATUSES:
            for d in state.deadlines:
                if d.due_on is None or d.met_on is not None:
                    continue
                if d.due_on < end:
                    add("deadlines.overdue")
                elif d.due_on <= self._horizon:
                    add("deadlines.due_next_14d")

    # ----------------------------------------------------------------- signals

    def add_signal(self, sig: SignalState) -> None:
        """Count one signal folded as of ``end``."""
        if not sig.creation:
            return  # not yet created as of the end of the period
        for t in self._tallies.values():
            add, start = t.n.add, t.start
            if sig.created_on >= start:
                add("signals.created")
                add(f"signals.by_theme.{sig.creation.get('theme', '')}")
            for eff in sig.submissions:
                if eff.on >= start:
                    add("signals.submitted")
                    add(f"signals.submitted.by_recipient.{eff.payload.get('recipient', '')}")
            for eff in sig.responses:
                if eff.on >= start:
                    add(f"signals.responses.{eff.payload.get('status', '')}")
            for eff in sig.feedback:
                if eff.on >= start:
                    add("signals.feedback_given")
            if sig.awaiting_feedback:
                add("signals.awaiting_feedback")

    # ----------------------------------------------------------------- results

    def metrics(self, start: date) -> dict[str, MetricValue]:
        """The flat catalogue for ``[start, end]`` (``start`` was given at creation)."""
        t = self._tallies[start]
        counts = dict(t.n.c)
        counts["leadtime.norm_days"] = self.settings.norm_days
        counts["interview.citizen.n"] = len(t.citizen)
        counts["interview.helper.n"] = len(t.helper)
        values: dict[str, MetricValue] = {
            "triage.days.median": _rounded(percentile_inc(t.triage_days, _MEDIAN)),
            "partner_feedback.first_days.median": _rounded(
                percentile_inc(t.first_feedback_days, _MEDIAN)
            ),
            "interview.citizen.mean": _rounded(_mean(t.citizen), _SCORE),
            "interview.helper.mean": _rounded(_mean(t.helper), _SCORE),
        }
        for service, days in t.response_days.items():
            values[f"cooperation.{service}.response_days.median"] = _rounded(
                percentile_inc(days, _MEDIAN)
            )
        for prefix, days in (("leadtime.gross", t.gross), ("leadtime.net", t.net)):
            values[f"{prefix}.median_days"] = _rounded(percentile_inc(days, _MEDIAN))
            values[f"{prefix}.mean_days"] = _rounded(_mean(days))
            values[f"{prefix}.p90_days"] = _rounded(percentile_inc(days, _P90))
            values[f"{prefix}.max_days"] = max(days) if days else None
        return {s.key: counts[s.key] if s.count else values.get(s.key)
                for s in self._specs}

    def weekly(self) -> list[tuple[int, int]]:
        """Cases received per ISO week of ``end``'s year (see ``weekly_intake``)."""
        return [(week, self._weeks[week]) for week in range(1, self._weeks_last + 1)]


def compute_metrics(
    cases: Sequence[Sequence[Event]],
    signals: Sequence[Sequence[Event]],
    start: date,
    end: date,
    settings: MetricSettings = MetricSettings(),
    codelists: Codelists | None = None,
) -> dict[str, MetricValue]:
    """The full flat catalogue of docs/DOMAIN.md for the period ``[start, end]``.

    ``cases`` and ``signals`` hold each entity's events (corrections and retractions
    included). Counts are ints, day figures floats rounded to 1 decimal, interview
    means to 2, and a figure over an empty set is None. A reversed period is a caller's
    mistake, not an empty period, so it raises ``ValueError`` instead of printing zeros.
    """
    builder = MetricsBuilder(end, [start], settings, codelists)  # checks the period first
    with paused_gc():
        for events in cases:
            if events:
                builder.add_case(fold_case(events, as_of=end))
        for events in signals:
            if events:
                builder.add_signal(fold_signal(events, as_of=end))
    return builder.metrics(start)


def _closed(
    t: _Tally,
    closing: dict[str, Any],
    path: str | None,
    settings: MetricSettings,
    gross_days: int,
    paused_days: int,
) -> None:
    """Count one case closed in the period (its latest, not reopened closing)."""
    n = t.n
    outcome = str(closing.get("outcome", ""))
    n.add("closed.total")
    n.add(f"closed.by_outcome.{outcome}")
    if outcome in RESOLVED:
        if path == "na_escalatie":
            n.add("closed.resolved.after_escalation")
        else:
            n.add("closed.resolved.without_escalation")
    for ground in set(_strs(closing.get("grounds"))):
        n.add(f"closed.grounds.{ground}")
    for power in set(_strs(closing.get("powers_used"))):
        n.add(f"closed.powers_used.{power}")
    n.add(f"closed.powers_sufficient.{closing.get('powers_sufficient', '')}")
    t.gross.append(gross_days)
    t.net.append(gross_days - paused_days)
    if gross_days <= settings.norm_days:
        n.add("leadtime.within_norm")


# ---------------------------------------------------------------------------
# Weekly intake for charts


def weekly_intake(
    cases: Sequence[Sequence[Event]], year: int, until: date
) -> list[tuple[int, int]]:
    """Cases received per ISO week of ``year``, up to the week holding ``until``.

    ISO weeks because the workbook's default period is the last completed ISO week, so
    the chart's bars line up with the periods people export. A case received on
    30 December 2024 therefore counts in week 1 of 2025. Only corrections are resolved
    (not the whole fold): the chart needs nothing but the effective ``received_on``.
    """
    last = _last_week(year, until)
    counts = [0] * (last + 1)
    for events in cases:
        if not events or any(e.kind == Kind.CASE_DESTROYED for e in events):
            continue  # a destroyed case is in no figure (docs/DOMAIN.md)
        received = _received_on(events, until)
        if received is None:
            continue
        r = received.isocalendar()
        if r.year == year and r.week <= last:
            counts[r.week] += 1
    return [(week, counts[week]) for week in range(1, last + 1)]


def _last_week(year: int, until: date) -> int:
    """The last ISO week of ``year`` the charts show up to ``until`` (0: none yet)."""
    iso = until.isocalendar()
    if iso.year < year:
        return 0
    return iso.week if iso.year == year else date(year, 12, 28).isocalendar().week


def _received_on(events: Sequence[Event], until: date) -> date | None:
    registered = [e for e in events if e.kind == Kind.REGISTERED]
    if not any(e.kind == Kind.CORRECTED for e in events):
        if not registered:
            return None
        on = as_date(registered[0].payload.get("received_on")) or registered[0].occurred_on
        return on if on <= until else None
    for eff in effective_events(events, until).effective:
        if eff.kind == Kind.REGISTERED:
            return eff.on
    return None
