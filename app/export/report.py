"""The rapportage: the office's own, independent report to parliament (docs/ARCHITECTURE.md).

The founding report (Reisverslag 2.0) sets its shape: anonymised stories and the
signals that follow from them, on top of three streams of information: procesinformatie
over het uitvoeringsproces, sturingsinformatie over de eigen organisatie and analyses
van de gemaakte impact bij burgers en helpers. It also warns that a report folded into
the services' own reporting may not read as independent, so this one says on its
first page, in the office's name, that the office wrote it from its own register.

What keeps it safe to publish:

- Every figure comes from ``app.storage.figures.figures`` (docs/DOMAIN.md: nothing
  computes a figure twice) and is suppressed **in Python, before any template sees
  it**: a count from 1 to ``suppress_below - 1`` prints as "< 5", 0 stays 0. An edited
  template therefore cannot print a small number by mistake. Where a printed total
  would give such a count back, the next smallest count is hidden too ("×", with a
  footnote): ``app.model.suppression`` decides for the whole report at once. A median
  or mean resting on a hidden count prints as "te weinig" (lead times, days to
  triage, interview scores).
- Only stories with a ``story_approved`` (four eyes) appear, only their text (no case
  number, no service or topic the approver did not see next to it), and only when
  the approval falls in the period, so a story is told once.
- Every free text that reaches the report (stories, signal titles, problems, the
  signals' anonymised human stories, solutions, regulation, the services' response
  summaries) passes the personal-data lint; a finding stops the report unless the
  handler gives a reason, which is audited.
- Only signals that were submitted (as of the end of the period) appear: a concept
  is the office's draft, not yet something it told anyone.
- No P1 (helper contacts, handler and approver names, the free-text "to whom" of a
  feedback) and no P2 ever enter the template context.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from app import __version__
from app.export.templating import (
    TextFinding,
    lint_gate,
    make_environment,
    now_local,
    render,
    short_date,
    suppress,
    write_text_atomic,
)
from app.model.codelists import Codelists
from app.model.errors import UserError
from app.model.eventlog import Event
from app.model.events import FIELD_LABELS
from app.model.fold import CaseState, SignalState, fold_case, fold_signal
from app.model.kinds import Kind
from app.model.lint import lint_text
from app.model.metrics import metric_definitions, metric_labels
from app.model.nlformat import date_time, metric
from app.model.periods import FIRST_YEAR, half_year_of, is_calendar_year
from app.model.suppression import (
    SECONDARY_MARK,
    VALUE_BASIS,
    Suppression,
    catalogue_relations,
    printed_score_sum,
    score_sum,
    secondary_note,
)
from app.model.suppression import suppress as protect
from app.storage.figures import Figures, check_period, figures, metric_settings
from app.storage.repository import Register

__all__ = ["FIRST_YEAR", "ReportStory", "write_report"]


#: What a suppressed median or mean prints as.
TOO_FEW = "te weinig"

_VALUE_SUFFIXES = ("_days", ".median", ".mean")
_PERIOD, _YTD = "p", "y"


@dataclass(frozen=True)
class ReportStory:
    """An approved story as the report tells it: text only, found by its approval."""

    case_number: str  # for the lint message only; never printed
    approved_on: date
    text: str


# --------------------------------------------------------------------------- figures


class _Figures:
    """Formats the catalogue for public output; the only door figures pass through."""

    def __init__(self, figs: Figures, below: int, codelists: Codelists, ytd: bool) -> None:
        self.p = figs.period
        self.y = figs.year_to_date
        self.below = below
        self.cl = codelists
        self.ytd = ytd
        self.hide = _suppression(figs, below, codelists, ytd)

    def _one(self, values: dict[str, Any], key: str) -> str:
        column = _PERIOD if values is self.p else _YTD
        value = values.get(key)
        if key.endswith(_VALUE_SUFFIXES) and not key.endswith("norm_days"):
            basis = VALUE_BASIS.get(key)
            if basis is not None and self.hide.hidden((column, basis)):
                return TOO_FEW
            return metric(key, value)
        if key.endswith("norm_days"):
            return suppress(value, 0)
        return self.hide.mark((column, key)) or suppress(value, 0)

    def cells(self, key: str) -> list[str]:
        out = [self._one(self.p, key)]
        if self.ytd:
            out.append(self._one(self.y, key))
        return out

    def raw(self, key: str) -> Any:
        return self.p.get(key)

    def row(self, label: str, key: str, *, total: bool = False) -> dict[str, Any]:
        return {"label": label, "waarden": self.cells(key), "totaal": total}

    def breakdown(self, prefix: str, list_name: str, *, hide_zero: bool = False
                  ) -> tuple[list[dict[str, Any]], bool]:
        """One row per codelist key; with ``hide_zero`` the empty ones are left out."""
        rows, hidden = [], False
        for key in self.cl.keys(list_name):
            full = f"{prefix}.{key}"
            if hide_zero and not self.p.get(full) and not (self.ytd and self.y.get(full)):
                hidden = True
                continue
            rows.append(self.row(self.cl.label(list_name, key), full))
        return rows, hidden


def _suppression(figs: Figures, below: int, cl: Codelists, ytd: bool) -> Suppression:
    """One decision for every count the report prints (both columns, every table)."""
    values: dict[Any, int | None] = {}
    fixed: dict[Any, int | None] = {}
    relations = []
    for column, figures_ in ((_PERIOD, figs.period), (_YTD, figs.year_to_date)):
        if column == _YTD and not ytd:
            continue
        values.update({(column, k): v for k, v in figures_.items()
                       if isinstance(v, int) and not k.endswith(_VALUE_SUFFIXES)})
        for who in ("citizen", "helper"):  # a printed mean gives away the sum of scores
            fixed[score_sum(column, who)] = printed_score_sum(figures_, who, below)
        relations += catalogue_relations(cl, column)
    return protect(values, relations, below, fixed=fixed)


def _table(title: str, columns: list[str], rows: list[dict[str, Any]],
           note: str | None = None, below: int = 0) -> dict[str, Any]:
    if any(SECONDARY_MARK in r["waarden"] for r in rows):
        note = " ".join(x for x in (note, secondary_note(below)) if x)
    return {"titel": title, "kolommen": columns, "rijen": rows, "noot": note}


_HIDDEN_NOTE = "Categorieën zonder casussen in de periode zijn weggelaten."


def _tables(f: _Figures, columns: list[str], settings_target: dict[str, int]
            ) -> dict[str, dict[str, Any]]:
    """Every table of the report, by name; the template decides where each goes."""
    t: dict[str, dict[str, Any]] = {}
    cl = f.cl

    def table(name: str, title: str, rows: list[dict[str, Any]], note: str | None = None,
              cols: list[str] | None = None) -> None:
        t[name] = _table(title, cols or columns, rows, note, f.below)

    def breakdown(name: str, title: str, prefix: str, list_name: str, *,
                  total: tuple[str, str] | None = None, hide_zero: bool = False) -> None:
        rows, hidden = f.breakdown(prefix, list_name, hide_zero=hide_zero)
        if total:
            rows.append(f.row(total[0], total[1], total=True))
        table(name, title, rows, _HIDDEN_NOTE if hidden else None)

    # Proces
    breakdown("instroom_route", "Instroom naar route", "intake.by_route", "route",
              total=("Totaal", "intake.total"))
    breakdown("instroom_aandrager", "Instroom naar soort aandrager",
              "intake.by_partner_type", "partner_type", hide_zero=True)
    breakdown("instroom_dienst", "Instroom naar dienst", "intake.by_service", "service")
    breakdown("instroom_onderwerp", "Instroom naar onderwerp", "intake.by_topic", "topic",
              hide_zero=True)
    breakdown("instroom_doelgroep", "Instroom naar doelgroep", "intake.by_target_group",
              "target_group")
    table("instroom_kenmerken", "Kenmerken van de instroom", [
        f.row("Multiproblematiek", "intake.multi_problem"),
        f.row("Met spoed aangemeld", "intake.urgent"),
        f.row("Via een maatschappelijke partner en nog niet bekend bij de dienst",
              "intake.unknown_to_service"),
    ])
    rows, _ = f.breakdown("triage.by_decision", "triage_decision")
    table("triage", "Triagebesluiten", [
        *rows,
        f.row("Totaal", "triage.total", total=True),
        f.row("Dagen van ontvangst tot triagebesluit (mediaan)", "triage.days.median"),
        f.row("Nog te triëren aan het eind van de periode", "triage.pending"),
        f.row("Warme overdrachten bevestigd", "triage.handover_confirmed"),
    ])
    breakdown("triage_reden", "Redenen van het triagebesluit", "triage.by_reason",
              "triage_reason", hide_zero=True)
    breakdown("doorverwezen", "Doorverwezen naar", "triage.referred_to", "referred_to",
              hide_zero=True)
    rows, _ = f.breakdown("treatment.responses", "service_response")
    table("behandeling", "Zienswijzen en reacties van de diensten", [
        f.row("Zienswijzen verstuurd", "treatment.opinions_sent"),
        *[{**r, "label": f"Reactie: {r['label'].lower()}"} for r in rows],
        f.row("Pauzeknop ingezet", "treatment.pauses_started"),
    ])
    rows, _ = f.breakdown("treatment.escalations.by_level", "escalation_level")
    table("escalatie", "Heroverwegingsverzoeken (escalaties) naar niveau",
          [*rows, f.row("Totaal", "treatment.escalations", total=True)])
    lead_cols = ["", "Bruto: wat de burger wachtte", "Netto: zonder pauzes"]
    lead_rows = []
    for label, stat in (("Mediaan", "median_days"), ("Gemiddelde", "mean_days"),
                        ("90e percentiel", "p90_days"), ("Langste", "max_days")):
        lead_rows.append({"label": f"{label} (dagen)", "totaal": False, "waarden": [
            f.cells(f"leadtime.gross.{stat}")[0], f.cells(f"leadtime.net.{stat}")[0]]})
    table("doorlooptijd", "Doorlooptijd van afgeronde casussen", lead_rows,
          "Bruto is de tijd van ontvangst tot afronding. Netto trekt de dagen met de "
          "pauzeknop af en staat er alleen ter vergelijking.", cols=lead_cols)
    table("doorlooptijd_norm", "Doorlooptijd en eigen interne norm", [
        f.row("Afgeronde casussen", "closed.total"),
        f.row("Eigen interne norm (dagen)", "leadtime.norm_days"),
        f.row("Afgerond binnen de norm", "leadtime.within_norm"),
    ], "De norm is de eigen, interne norm van het bureau voor de bruto doorlooptijd, "
       "geen wettelijke termijn.")
    services = cl.keys("service")
    coop_cols = ["", *[cl.label("service", s) for s in services]]
    coop_rows = []
    for label, part in (("Zienswijzen verstuurd", "opinions"), ("Rappels", "reminders"),
                        ("Zienswijze (deels) overgenomen", "adopted"),
                        ("Reactietijd, mediaan (dagen)", "response_days.median")):
        coop_rows.append({"label": label, "totaal": False, "waarden": [
            f.cells(f"cooperation.{s}.{part}")[0] for s in services]})
    table("samenwerking", "Samenwerking met de diensten", coop_rows,
          "De reactietijd loopt van de laatste zienswijze aan de dienst tot de reactie "
          "daarop.", cols=coop_cols)
    table("aandrager", "Terugkoppeling aan de aandragers", [
        f.row("Dagen tot het eerste bericht aan de aandrager (mediaan)",
              "partner_feedback.first_days.median"),
        f.row("Aandrager geïnformeerd over de uitkomst", "partner_feedback.outcome_informed"),
    ])

    # Sturing
    table("werklast", "Werkvoorraad aan het eind van de periode", [
        f.row("In behandeling", "open.total"),
        f.row("waarvan met de pauzeknop actief", "open.paused"),
        f.row("Nog te triëren", "triage.pending"),
        f.row("Termijnen verlopen", "deadlines.overdue"),
        f.row("Termijnen die in de komende 14 dagen aflopen", "deadlines.due_next_14d"),
    ])
    age_labels = {"0_4w": "Korter dan 4 weken", "4_8w": "4 tot 8 weken",
                  "8_13w": "8 tot 13 weken", "13_26w": "13 tot 26 weken",
                  "26w_plus": "26 weken of langer"}
    table("leeftijd", "Hoe lang casussen in behandeling al openstaan",
          [f.row(label, f"open.age.{k}") for k, label in age_labels.items()])
    target_cols = ["", "In behandeling genomen (dit jaar)", "Doel eerste jaar"]
    target_rows = []
    for route in ("belastingdienst", "dienst_toeslagen"):
        target_rows.append({"label": f"Via {cl.label('route', route)}", "totaal": False,
                            "waarden": [f.cells(f"targets.ytd.{route}")[0],
                                        str(settings_target[route])]})
    table("doelen", "Doelen voor het eerste jaar", target_rows,
          "Geteld vanaf 1 januari tot en met de laatste dag van de periode.",
          cols=target_cols)

    # Impact
    rows, _ = f.breakdown("closed.by_outcome", "outcome")
    table("uitkomst", "Uitkomst van afgeronde casussen",
          [*rows, f.row("Totaal afgerond", "closed.total", total=True)])
    table("oplosroute", "Minnelijk of na heroverwegingsverzoek opgelost", [
        f.row(cl.label("resolved_by_path", "zonder_escalatie"),
              "closed.resolved.without_escalation"),
        f.row(cl.label("resolved_by_path", "na_escalatie"), "closed.resolved.after_escalation"),
    ])
    breakdown("ruimte", "Gebruikte ruimte bij afgeronde casussen", "closed.grounds", "ground")
    rows, _ = f.breakdown("closed.powers_used", "power")
    table("bevoegdheden", "Gebruikte bevoegdheden", rows)
    rows, _ = f.breakdown("closed.powers_sufficient", "powers_sufficient")
    table("toereikend", "Waren de bevoegdheden toereikend?", rows)
    citizen, helper = FIELD_LABELS["citizen_score"], FIELD_LABELS["helper_score"]
    table("eindgesprek", "Eindgesprekken", [
        f.row("Eindgesprekken gehouden", "interview.total"),
        f.row(f"{citizen}: aantal gegeven", "interview.citizen.n"),
        f.row(f"{citizen}: gemiddelde", "interview.citizen.mean"),
        f.row(f"{helper}: aantal gegeven", "interview.helper.n"),
        f.row(f"{helper}: gemiddelde", "interview.helper.mean"),
    ])
    score_cols = ["Cijfer", citizen, helper]
    score_rows = [{"label": str(score), "totaal": False, "waarden": [
        f.cells(f"interview.citizen.score.{score}")[0],
        f.cells(f"interview.helper.score.{score}")[0]]} for score in range(10, 0, -1)]
    table("cijfers", "Verdeling van de rapportcijfers", score_rows, cols=score_cols)

    # Signalen
    breakdown("signalen_thema", "Signalen aangemaakt, naar thema", "signals.by_theme",
              "signal_theme", total=("Totaal aangemaakt", "signals.created"))
    breakdown("signalen_ontvanger", "Indieningen van signalen, naar ontvanger",
              "signals.submitted.by_recipient", "signal_recipient",
              total=("Totaal indieningen", "signals.submitted"))
    rows, _ = f.breakdown("signals.responses", "signal_response_status")
    table("signalen_reactie", "Reacties op signalen en terugkoppeling", [
        *[{**r, "label": f"Reactie: {r['label'].lower()}"} for r in rows],
        f.row("Teruggekoppeld aan aandragers en helpers", "signals.feedback_given"),
        f.row("Wacht nog op terugkoppeling", "signals.awaiting_feedback"),
    ])
    return t


# --------------------------------------------------------------------------- stories


def approved_stories(cases: Sequence[Sequence[Event]], start: date, end: date
                     ) -> list[ReportStory]:
    """Approved stories whose (latest) approval lies in the period, oldest first.

    The fold as of ``end`` knows which story an approval covers: the latest story
    before it. A story written after the last approval is a draft and stays out.
    """
    return _stories([fold_case(events, as_of=end) for events in cases if events], start, end)


def _stories(states: Sequence[CaseState], start: date, end: date) -> list[ReportStory]:
    out: list[ReportStory] = []
    for state in states:
        story = state.approved_story
        if story is None:
            continue
        approvals = [e.on for e in state.effective if e.kind == Kind.STORY_APPROVED]
        if not approvals or not start <= approvals[-1] <= end:
            continue
        text = str(story.payload.get("text", "")).strip()
        if text:
            out.append(ReportStory(state.number or "", approvals[-1], text))
    out.sort(key=lambda s: (s.approved_on, s.case_number))
    return out


def _paragraphs(text: str) -> list[str]:
    parts = [p.strip() for p in text.replace("\r\n", "\n").split("\n\n")]
    return [p for p in parts if p]


# --------------------------------------------------------------------------- signals


def _signals(states: Sequence[CaseState], signals: Sequence[Sequence[Event]],
             start: date, end: date, cl: Codelists, below: int
             ) -> tuple[list[dict[str, Any]], list[TextFinding]]:
    """Submitted signals alive in the period, with what became of them; plus lint
    findings. A signal never submitted by the end of the period is a concept and stays
    out."""
    linked: dict[str, int] = {}
    for state in states:
        for number in state.signals:
            linked[number] = linked.get(number, 0) + 1
    out: list[dict[str, Any]] = []
    findings: list[TextFinding] = []
    for events in signals:
        if not events:
            continue
        sig = fold_signal(events, as_of=end)
        if not sig.creation or not sig.submissions:
            continue
        steps = [*sig.submissions, *sig.responses, *sig.feedback]
        active = (sig.created_on >= start or any(e.on >= start for e in steps)
                  or sig.closed_on is None or sig.closed_on >= start)
        if not active:
            continue
        c = sig.creation
        number = sig.number or ""
        reacties = [{"datum": short_date(e.on),
                     "status": cl.label("signal_response_status",
                                        str(e.payload.get("status", ""))),
                     "toelichting": str(e.payload.get("summary") or "")}
                    for e in sig.responses]
        item: dict[str, Any] = {
            "nummer": number,
            "titel": str(c.get("title", "")),
            "thema": cl.label("signal_theme", str(c.get("theme", ""))),
            "diensten": ", ".join(cl.label("service", s) for s in c.get("services") or []),
            "regelgeving": str(c.get("regulation") or ""),
            "knelpunt": str(c.get("problem", "")),
            "verhaal": str(c.get("human_story") or "").strip(),
            "oplossing": str(c.get("proposed_solution", "")),
            "aangemaakt": short_date(sig.created_on),
            "status": cl.label("signal_status", sig.status),
            "casussen": suppress(linked.get(number, 0), below),
            "ingediend": [f"{_recipient(cl, e.payload.get('recipient'))} ({short_date(e.on)})"
                          for e in sig.submissions],
            "reacties": reacties,
            "teruggekoppeld": [short_date(e.on) for e in sig.feedback],
            "verloop": _course(sig, cl),
            "_datum": sig.created_on,
        }
        for label, text in (("Titel", item["titel"]), ("Knelpunt", item["knelpunt"]),
                            ("Gevolgen voor burgers of ondernemers", item["verhaal"]),
                            ("Oplossing", item["oplossing"]),
                            ("Regelgeving", item["regelgeving"]),
                            *[("Reactie", r["toelichting"]) for r in reacties]):
            findings += [TextFinding(f"Signaal {number}, {label}", hit)
                         for hit in lint_text(text)]
        out.append(item)
    out.sort(key=lambda s: (s["_datum"], s["nummer"]))
    for item in out:
        del item["_datum"]
    return out, findings


def _recipient(cl: Codelists, key: object) -> str:
    """A recipient as it reads after "ingediend:": "KSMS Belastingdienst", "opgenomen in
    de rapportage aan de Kamer" (a label's capital goes unless it starts an acronym)."""
    label = cl.label("signal_recipient", str(key or ""))
    if len(label) > 1 and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _course(sig: SignalState, cl: Codelists) -> list[dict[str, Any]]:
    """What became of a signal, in date order, ending with what is still open.

    Partners asked the office to "altijd terugkoppelen": the open step is printed as
    plainly as the steps that happened.
    """
    steps: list[tuple[date, str, str]] = []
    for e in sig.submissions:
        steps.append((e.on, e.hlc, f"ingediend: {_recipient(cl, e.payload.get('recipient'))}"))
    for e in sig.responses:
        status = cl.label("signal_response_status", str(e.payload.get("status", "")))
        summary = str(e.payload.get("summary") or "").strip()
        steps.append((e.on, e.hlc, f"reactie: {status.lower()}" + (f". {summary}" if summary
                                                                     else "")))
    for e in sig.feedback:
        steps.append((e.on, e.hlc, "teruggekoppeld aan aandragers en helpers"))
    if sig.closed_on is not None:
        steps.append((sig.closed_on, "~", "signaal gesloten"))
    steps.sort()
    out: list[dict[str, Any]] = [{"datum": short_date(on), "tekst": text, "open": False}
                                 for on, _, text in steps]
    if sig.closed_on is None:
        if not sig.responses:
            out.append({"datum": "", "tekst": "Nog geen reactie", "open": True})
        elif sig.awaiting_feedback:
            out.append({"datum": "", "tekst": "Nog niet teruggekoppeld", "open": True})
    return out


# --------------------------------------------------------------------------- the report


def _title(start: date, end: date) -> str:
    if is_calendar_year(start, end):
        return f"Rapportage over {start.year}"
    half = half_year_of(start, end)
    if half is not None:
        return f"Rapportage {'eerste' if half == 1 else 'tweede'} halfjaar {start.year}"
    return f"Rapportage {short_date(start)} tot en met {short_date(end)}"


_DEFINED = (
    "intake.total", "intake.unknown_to_service", "triage.total", "triage.days.median",
    "triage.pending", "triage.handover_confirmed", "treatment.opinions_sent",
    "treatment.escalations", "treatment.pauses_started", "closed.total",
    "closed.resolved.without_escalation", "closed.resolved.after_escalation",
    "leadtime.gross.median_days", "leadtime.net.median_days", "leadtime.within_norm",
    "open.total", "deadlines.overdue", "interview.total", "interview.citizen.mean",
    "signals.created", "signals.submitted", "signals.feedback_given",
    "signals.awaiting_feedback",
)


def write_report(reg: Register, start: date, end: date, out: Path, *,
                 suppress_below: int = 5, override_lint: str | None = None,
                 template_dir: Path | None = None) -> Path:
    """Write the rapportage over ``[start, end]`` as print-ready HTML; return ``out``.

    Refuses (``PersonalDataFound``) when a story or signal text trips the lint and no
    ``override_lint`` reason is given; an override is audited with its reason, and
    so is the export itself. ``template_dir`` replaces the user's override folder.
    """
    check_period(start, end)
    if suppress_below < 0:
        raise UserError("De grens voor kleine aantallen kan niet negatief zijn.")
    cases, signals = reg.grouped_events()
    figs = figures(reg, start, end, grouped=(cases, signals))
    cl = reg.codelists
    ytd = start != date(end.year, 1, 1)
    f = _Figures(figs, suppress_below, cl, ytd)
    columns = (["", "Periode", f"Jaar tot en met {short_date(end)}"] if ytd
               else ["", "Aantal"])
    settings = metric_settings(reg)
    targets = {"belastingdienst": settings.target_belastingdienst,
               "dienst_toeslagen": settings.target_dienst_toeslagen}

    # One more fold per case, as of the end, serves both the stories and the links.
    states = [fold_case(events, as_of=end) for events in cases if events]
    stories = _stories(states, start, end)
    signal_items, findings = _signals(states, signals, start, end, cl, suppress_below)
    story_findings = [TextFinding(f"Verhaal {i} (casus {s.case_number})", hit)
                      for i, s in enumerate(stories, start=1) for hit in lint_text(s.text)]
    period_text = f"{short_date(start)} tot en met {short_date(end)}"
    overridden = lint_gate(reg, f"Rapportage {period_text}", story_findings + findings,
                           override_lint)

    definitions = metric_definitions(cl, settings)
    labels = metric_labels(cl)
    counts = reg.counts()
    made = now_local()
    context: dict[str, Any] = {
        "organisatie": reg.settings.organisation,
        "titel": _title(start, end),
        "periode_van": start,
        "periode_tot": end,
        "eerste_jaar": start.year == FIRST_YEAR and is_calendar_year(start, end),
        "jaar_tot_datum": ytd,
        "gemaakt_op": date_time(made),
        "onderdrukking": suppress_below,
        "kerncijfers": [
            {"label": "Casussen ontvangen", "waarde": f.cells("intake.total")[0]},
            {"label": "In behandeling genomen",
             "waarde": f.cells("triage.by_decision.in_behandeling")[0]},
            {"label": "Casussen afgerond", "waarde": f.cells("closed.total")[0]},
            {"label": "Signalen aangemaakt", "waarde": f.cells("signals.created")[0]},
        ],
        "tabellen": _tables(f, columns, targets),
        "verhalen": [{"nummer": i, "alineas": _paragraphs(s.text)}
                     for i, s in enumerate(stories, start=1)],
        "signalen": signal_items,
        "definities": [{"label": labels[key], "tekst": definitions[key]} for key in _DEFINED
                       if key in definitions],
        "verantwoording": {
            "programma": f"Casusregister {__version__}",
            "casussen": suppress(counts["cases"], suppress_below),
            "signalen": suppress(counts["signals"], suppress_below),
            "lint_overschreven": overridden,
            "te_weinig": TOO_FEW,
        },
    }
    env = make_environment(template_dir, codelists=cl)
    html = render(env, "report.html.j2", context)
    write_text_atomic(out, html)
    reg.audit("export_report", f"rapportage {start.isoformat()} t/m {end.isoformat()} naar "
              f"{out}", f"{len(stories)} verhalen, {len(signal_items)} signalen, kleine "
              f"aantallen onder {suppress_below} onderdrukt"
              + ("; persoonsgegevenswaarschuwing overschreven" if overridden else ""))
    return out
