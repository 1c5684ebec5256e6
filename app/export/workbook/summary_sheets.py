"""The summary sheets: Overzicht, Instroom, Triage, Behandeling, Doorlooptijden,
Eindgesprek and Signalen (docs/DOMAIN.md, "The evaluation workbook").

Every figure is the catalogue's (``Book.shown``), every cross table adds up to it, and
every count goes through the workbook's one suppression when suppression is asked.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.formatting.rule import DataBarRule
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

import app
from app.export.safe_cells import CellStyle
from app.export.workbook.book import PERIOD, YTD, Book, cross_cell, week_cell
from app.export.workbook.sheet import (
    CLASSIFICATION,
    Sheet,
    add_table,
    categories_down,
    chart_rows,
    colour_series,
    peak_of,
    series_title,
    style_axes,
    turned_height,
)
from app.export.workbook.styles import (
    CLASSIFIED,
    COUNT,
    GROUP,
    HEAD,
    HEAD_LEFT,
    HEAD_TURNED,
    LABEL,
    LABEL_TOTAL,
    LEFT_NUMBER,
    NOTE,
    PERCENT,
    SUBTITLE,
    TABLE_DATE_TOP,
    TABLE_HEAD,
    TABLE_TOP,
    TABLE_WRAP,
    TITLE,
    ZERO_DASH,
    bold,
)
from app.model.dates import nl_date
from app.model.events import FIELD_LABELS
from app.model.metrics import AGE_BUCKETS, SCORES
from app.model.periods import iso_week_of

ROUTE_CHART_HEIGHT = 7.5
AGE_LABELS = {"0_4w": "0 tot 4 weken", "4_8w": "4 tot 8 weken", "8_13w": "8 tot 13 weken",
              "13_26w": "13 tot 26 weken", "26w_plus": "26 weken of langer"}


def overview(book: Book) -> None:
    sh = book.new_sheet("Overzicht", [46, 22, 22, 13, 3])
    organisation = book.reg.settings.organisation
    sh.put(["Evaluatie casusregister"], TITLE, height=26)
    sh.put([organisation], SUBTITLE)
    week = iso_week_of(book.start, book.end)
    week_text = f" (week {week[1]} van {week[0]})" if week is not None else ""
    sh.put([f"Periode: {book.period_text}{week_text}  ·  jaar tot nu: {book.ytd_text}"],
           SUBTITLE)
    sh.put([f"Gemaakt op {book.generated_at.strftime('%d-%m-%Y om %H:%M')} met "
            f"Casusregister {app.__version__}"], SUBTITLE)
    sh.put([CLASSIFICATION], CLASSIFIED)
    sh.blank()
    chart_anchor_row = sh.n + 1
    groups: list[tuple[str, list[str]]] = [
        ("Instroom en triage", [
            "intake.total", "triage.total", "triage.by_decision.in_behandeling",
            "triage.by_decision.doorverwezen", "triage.by_decision.niet_in_behandeling",
            "triage.pending"]),
        ("Behandeling en afronding", [
            "treatment.opinions_sent", "treatment.escalations", "closed.total",
            "closed.resolved.without_escalation", "closed.resolved.after_escalation",
            "leadtime.gross.median_days", "leadtime.within_norm"]),
        ("Stand op de laatste dag van de periode", [
            "open.total", "open.paused", "deadlines.overdue", "deadlines.due_next_14d"]),
        ("Eindgesprek en signalen", [
            "interview.total", "interview.citizen.mean", "interview.helper.mean",
            "signals.created", "signals.submitted", "signals.awaiting_feedback"]),
    ]
    book.section(sh, "Kerncijfers")
    book.period_header(sh, "Kerncijfer", dated=True)
    for heading, keys in groups:
        sh.put([heading, None, None], [GROUP, GROUP, GROUP])
        book.figure_rows(sh, keys)
    book.footnote(sh)
    sh.blank()

    book.section(sh, "Doelen eerste jaar", width=4)
    sh.head(["Route", "In behandeling\n(jaar tot nu)", "Doel", "Voortgang"],
           [HEAD_LEFT, HEAD, HEAD, HEAD], least=32)
    settings = book.settings
    first = sh.n + 1
    for route, target in (("belastingdienst", settings.target_belastingdienst),
                          ("dienst_toeslagen", settings.target_dienst_toeslagen)):
        reached = book.fig.year_to_date[f"targets.ytd.{route}"]
        value, style = book.shown(f"targets.ytd.{route}", YTD)
        share = (reached / target) if isinstance(reached, int) and target > 0 else None
        if book.hidden(f"targets.ytd.{route}", YTD):
            share = None  # a suppressed count must not be recoverable from a share
        sh.put([book.cl.label("route", route), value, target, share],
               [LABEL, style, COUNT, PERCENT])
    sh.ws.conditional_formatting.add(
        f"D{first}:D{sh.n}",
        DataBarRule(start_type="num", start_value=0, end_type="num", end_value=1,
                    color="5B9BD5", showValue=True))
    sh.put([f"Doel eerste jaar (instelling): {settings.target_belastingdienst} casussen via "
            f"de Belastingdienst en {settings.target_dienst_toeslagen} via Dienst Toeslagen "
            "in behandeling genomen."], NOTE)
    sh.blank()

    # The weekly line chart goes up here too, but its figures are written on the
    # Instroom sheet (``weekly_table``): a page of key figures, not of 53 weeks.
    book.overview_ws = sh.ws
    book.overview_chart_anchor = f"F{chart_anchor_row}"


def weekly_table(book: Book, sh: Sheet) -> None:
    """Intake per ISO week on Instroom, and the Overzicht line chart over it."""
    year = book.end.year
    book.section(sh, f"Instroom per week in {year} (ISO-weken)")
    sh.put(["Week", "Instroom"], [HEAD_LEFT, HEAD])
    w_first = sh.n + 1
    for week, count in book.weekly:
        value, style = book.count_shown(week_cell(week), count)
        sh.put([week, value], [LEFT_NUMBER, style])
    if not book.weekly:
        sh.put(["Geen weken in deze periode"], NOTE)
        return
    book.footnote(sh)
    w_last = sh.n
    chart = LineChart()
    chart.title = f"Instroom per week {year}"
    chart.style = 12
    chart.width, chart.height = 19, 9
    data = Reference(sh.ws, min_col=2, min_row=w_first - 1, max_row=w_last)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sh.ws, min_col=1, min_row=w_first, max_row=w_last))
    style_axes(chart, "Casussen", "Week", peak=max(c for _, c in book.weekly))
    chart.x_axis.tickLblSkip = 4 if len(book.weekly) > 20 else 1
    chart.legend = None
    colour_series(chart, line=True)
    # A write-only sheet writes its drawings when the workbook is saved, so the
    # chart can still join Overzicht now that its data rows exist.
    book.overview_ws.add_chart(chart, book.overview_chart_anchor)


def intake(book: Book) -> None:
    services = book.cl.keys("service")
    topics = book.cl.keys("topic")
    # Narrow numeric columns with turned headers keep the 18-topic cross table on
    # one screen; the small tables above use the same columns.
    widths = [44] + [9.0] * max(len(topics) + 1, 2 * (len(services) + 1) + 1)
    sh = book.new_sheet("Instroom", widths)
    book.title(sh, "Instroom")
    chart_top = sh.n + 1
    book.figure_table(sh, "Instroom en kenmerken", [
        "intake.total", "intake.multi_problem", "intake.urgent",
        "intake.unknown_to_service"])
    book.figure_table(sh, "Doelgroep", book.keys("intake.by_target_group", "target_group"),
                      labels=book.codelist_labels("intake.by_target_group",
                                                  "target_group"),
                      first_header="Doelgroep")
    sh.skip_to(chart_top + chart_rows(ROUTE_CHART_HEIGHT) + 1)

    # Route x service, period and year to date side by side.
    book.section(sh, "Instroom per route en dienst", width=2 * (len(services) + 1) + 2)
    n = len(services) + 1
    sh.put(["", "Periode", *[None] * (n - 1), None, "Jaar tot nu", *[None] * (n - 1)],
           [None, *[GROUP] * n, None, *[GROUP] * n])
    service_heads = [book.cl.label("service", s) for s in services] + ["Casussen"]
    sh.put(["Route", *service_heads, None, *service_heads],
           [HEAD_LEFT, *[HEAD_TURNED] * n, None, *[HEAD_TURNED] * n],
           height=turned_height(service_heads))
    route_first = sh.n + 1
    for route in book.cl.keys("route"):
        values: list[Any] = [book.cl.label("route", route)]
        styles: list[CellStyle | None] = [LABEL]
        for i, column in enumerate((PERIOD, YTD)):
            if i:
                values.append(None)
                styles.append(None)
            _cross_cells(book, column, "route_service", route, services,
                         book.crosses.route_service[i], values, styles)
            v2, st2 = book.shown(f"intake.by_route.{route}", column)
            values.append(v2)
            styles.append(bold(st2))
        sh.put(values, styles)
    route_last = sh.n
    totals: list[Any] = ["Totaal"]
    t_styles: list[CellStyle | None] = [LABEL_TOTAL]
    for i, column in enumerate((PERIOD, YTD)):
        if i:
            totals.append(None)
            t_styles.append(None)
        book.bold_figures(column, [*(f"intake.by_service.{s}" for s in services),
                                   "intake.total"], totals, t_styles)
    sh.put(totals, t_styles)
    sh.put(["Een casus over beide diensten telt bij elke dienst; de kolom Casussen telt "
            "hem één keer."], NOTE)
    book.footnote(sh)
    sh.blank()
    # The chart sits at the top, beside the small tables, but plots the route
    # totals written just now (a chart may refer to any rows of its sheet).
    _route_chart(book, sh, route_first, route_last, n, f"E{chart_top}")

    _partner_topic(book, sh, 0, f"Aandrager en onderwerp, periode {book.period_text}")
    _partner_topic(book, sh, 1, f"Aandrager en onderwerp, jaar tot nu {book.ytd_text}")
    weekly_table(book, sh)


def _cross_cells(book: Book, column: str, table: str, row: str, cols: Sequence[str],
                 counts: Mapping[tuple[str, str], int], values: list[Any],
                 styles: list[CellStyle | None], *, flipped: bool = False) -> None:
    """One row of a cross table (its counts keyed (row, col), or (col, row) when
    ``flipped``), each through the workbook's suppression."""
    for c in cols:
        v, st = book.count_shown(cross_cell(column, table, row, c),
                                 counts[(c, row) if flipped else (row, c)], ZERO_DASH)
        values.append(v)
        styles.append(st)


def _route_chart(book: Book, sh: Sheet, first: int, last: int, n: int, anchor: str) -> None:
    """Bars of the route totals: period (column 1 + n) and year to date (2 + 2n)."""
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.title = "Instroom per route"
    chart.style = 10
    chart.width, chart.height = 16, ROUTE_CHART_HEIGHT
    chart.gapWidth = 60
    for col in (1 + n, 2 + 2 * n):
        chart.add_data(Reference(sh.ws, min_col=col, min_row=first, max_row=last),
                       titles_from_data=False)
    chart.series[0].tx = series_title("Periode")
    chart.series[1].tx = series_title("Jaar tot nu")
    chart.set_categories(Reference(sh.ws, min_col=1, min_row=first, max_row=last))
    style_axes(chart, "Casussen", peak=peak_of(
        fig[f"intake.by_route.{r}"] for fig in (book.fig.period, book.fig.year_to_date)
        for r in book.cl.keys("route")))
    categories_down(chart)
    chart.legend.position = "b"
    colour_series(chart)
    sh.ws.add_chart(chart, anchor)


def _partner_topic(book: Book, sh: Sheet, i: int, heading: str) -> None:
    topics = book.cl.keys("topic")
    column = PERIOD if i == 0 else YTD
    book.section(sh, heading, width=len(topics) + 2)
    heads = [book.cl.label("topic", t) for t in topics]
    sh.put(["Soort aandrager", *heads, "Casussen"],
           [HEAD_LEFT, *[HEAD_TURNED] * (len(topics) + 1)], height=turned_height(heads))
    for pt in book.cl.keys("partner_type"):
        values: list[Any] = [book.cl.label("partner_type", pt)]
        styles: list[CellStyle | None] = [LABEL]
        _cross_cells(book, column, "partner_topic", pt, topics, book.crosses.partner_topic[i],
                     values, styles)
        v, st = book.shown(f"intake.by_partner_type.{pt}", column)
        values.append(v)
        styles.append(bold(st))
        sh.put(values, styles)
    totals: list[Any] = ["Totaal"]
    t_styles: list[CellStyle | None] = [LABEL_TOTAL]
    book.bold_figures(column, [*(f"intake.by_topic.{t}" for t in topics), "intake.total"],
                      totals, t_styles)
    sh.put(totals, t_styles)
    sh.put(["Een casus met meer onderwerpen telt bij elk onderwerp; de kolom Casussen "
            "telt hem één keer."], NOTE)
    book.footnote(sh)
    sh.blank()


def triage(book: Book) -> None:
    routes = book.cl.keys("route")
    decisions = book.cl.keys("triage_decision")
    sh = book.new_sheet("Triage", [46] + [15] * max(2, len(decisions)) + [3])
    book.title(sh, "Triage")
    book.figure_table(sh, "Triagebesluiten", [
        "triage.total", *book.keys("triage.by_decision", "triage_decision")],
        total="triage.total",
        labels=book.codelist_labels("triage.by_decision", "triage_decision"),
        first_header="Besluit")
    book.figure_table(sh, "Reden van het besluit",
                      book.keys("triage.by_reason", "triage_reason"),
                      labels=book.codelist_labels("triage.by_reason", "triage_reason"),
                      first_header="Reden")
    book.figure_table(sh, "Doorverwezen naar",
                      book.keys("triage.referred_to", "referred_to"),
                      labels=book.codelist_labels("triage.referred_to", "referred_to"),
                      first_header="Bestemming")
    book.figure_table(sh, "Doorlooptijd, overdracht en terugkoppeling", [
        "triage.days.median", "triage.pending", "triage.handover_confirmed",
        "partner_feedback.first_days.median", "partner_feedback.outcome_informed"])

    # Which cases are referred and which treated, per route.
    book.section(sh, "Triagebesluit per route", width=len(decisions) + 1)
    for i, (column, text) in enumerate(((PERIOD, f"Periode {book.period_text}"),
                                        (YTD, f"Jaar tot nu {book.ytd_text}"))):
        sh.put([text, *[None] * len(decisions)], [GROUP] * (len(decisions) + 1))
        sh.head(["Route", *[book.cl.label("triage_decision", d) for d in decisions]],
               [HEAD_LEFT, *[HEAD] * len(decisions)], least=32)
        first = sh.n + 1
        for route in routes:
            values: list[Any] = [book.cl.label("route", route)]
            styles: list[CellStyle | None] = [LABEL]
            _cross_cells(book, column, "decision_route", route, decisions,
                         book.crosses.decision_route[i], values, styles, flipped=True)
            sh.put(values, styles)
        last = sh.n
        totals: list[Any] = ["Totaal"]
        t_styles: list[CellStyle | None] = [LABEL_TOTAL]
        book.bold_figures(column, [f"triage.by_decision.{d}" for d in decisions], totals,
                          t_styles)
        sh.put(totals, t_styles)
        book.footnote(sh)
        sh.blank()
    # The year-to-date block (the last one written) as stacked bars, top right.
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 60
    chart.title = "Triagebesluit per route, jaar tot nu"
    chart.style = 10
    chart.width, chart.height = 16, 7.5
    chart.add_data(Reference(sh.ws, min_col=2, max_col=1 + len(decisions),
                             min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sh.ws, min_col=1, min_row=first, max_row=last))
    style_axes(chart, "Casussen", peak=peak_of(
        sum(book.crosses.decision_route[1][(d, r)] for d in decisions) for r in routes))
    categories_down(chart)
    chart.legend.position = "b"
    colour_series(chart)
    sh.ws.add_chart(chart, f"{get_column_letter(len(decisions) + 3)}4")


def treatment(book: Book) -> None:
    sh = book.new_sheet("Behandeling", [50, 15, 15, 3])
    book.title(sh, "Behandeling")
    # The founding report's two resolution paths, in the office's codelist words.
    path_title = book.cl["resolution_path"].title
    resolved = book.figure_table(sh, f"{path_title} van (deels) opgeloste casussen", [
        "closed.resolved.without_escalation", "closed.resolved.after_escalation"],
        first_header=path_title)
    chart_end = book.bar_chart(
        sh, path_title, resolved, 2, 2, "E4", labels=True, height=7,
        peak=peak_of(fig[f"closed.resolved.{k}"] for k in ("without_escalation",
                                                          "after_escalation")
                   for fig in (book.fig.period, book.fig.year_to_date)))
    coop: list[str] = []
    for s in book.cl.keys("service"):
        coop += [f"cooperation.{s}.opinions", f"cooperation.{s}.reminders",
                 f"cooperation.{s}.adopted", f"cooperation.{s}.response_days.median"]
    book.figure_table(sh, "Samenwerking per dienst", coop)
    sh.skip_to(chart_end + 1)
    book.figure_table(sh, "Zienswijzen en reacties", [
        "treatment.opinions_sent", *book.keys("treatment.responses", "service_response")],
        labels=book.codelist_labels("treatment.responses", "service_response"))
    book.figure_table(sh, "Escalaties (heroverwegingsverzoeken)", [
        "treatment.escalations",
        *book.keys("treatment.escalations.by_level", "escalation_level")],
        total="treatment.escalations",
        labels={**book.codelist_labels("treatment.escalations.by_level",
                                       "escalation_level"),
                "treatment.escalations": "Escalaties totaal"},
        first_header="Niveau")
    book.figure_table(sh, "Afgerond per uitkomst", [
        "closed.total", *book.keys("closed.by_outcome", "outcome")],
        total="closed.total", labels=book.codelist_labels("closed.by_outcome", "outcome"),
        first_header="Uitkomst")
    book.figure_table(sh, "Gebruikte ruimte", book.keys("closed.grounds", "ground"),
                      labels=book.codelist_labels("closed.grounds", "ground"),
                      first_header="Ruimte")
    book.figure_table(sh, "Bevoegdheden gebruikt", book.keys("closed.powers_used", "power"),
                      labels=book.codelist_labels("closed.powers_used", "power"),
                      first_header="Bevoegdheid")
    book.figure_table(sh, "Bevoegdheden toereikend",
                      book.keys("closed.powers_sufficient", "powers_sufficient"),
                      labels=book.codelist_labels("closed.powers_sufficient",
                                                  "powers_sufficient"),
                      first_header="Antwoord")
    book.figure_table(sh, "Pauzeknop", ["treatment.pauses_started"])


def leadtimes(book: Book) -> None:
    sh = book.new_sheet("Doorlooptijden", [46, 15, 15, 15, 15, 3])
    book.title(sh, "Doorlooptijden")
    book.section(sh, "Doorlooptijd van afgeronde casussen (kalenderdagen)", width=5)
    sh.put(["", "Periode", None, "Jaar tot nu", None],
           [None, GROUP, GROUP, GROUP, GROUP])
    sh.put(["Maat", "Bruto", "Netto", "Bruto", "Netto"],
           [HEAD_LEFT, HEAD, HEAD, HEAD, HEAD])
    for suffix, name in (("median_days", "Mediaan"), ("mean_days", "Gemiddelde"),
                         ("p90_days", "90e percentiel"), ("max_days", "Langste")):
        sh.put(*book.paired_row(name, LABEL, [f"leadtime.{kind}.{suffix}"
                                              for kind in ("gross", "net")]))
    sh.put(["Bruto: van ontvangst tot afronding (wat de burger wachtte). Netto: bruto min "
            "de dagen met de pauzeknop, alleen ter vergelijking."], NOTE)
    sh.blank()

    book.section(sh, "Eigen interne norm")
    book.period_header(sh)
    book.figure_rows(sh, ["leadtime.norm_days", "closed.total", "leadtime.within_norm"])
    shares: list[Any] = []
    for column in (PERIOD, YTD):
        figs = book.values(column)
        closed, within = figs["closed.total"], figs["leadtime.within_norm"]
        share: float | None = None
        if isinstance(closed, int) and isinstance(within, int) and closed > 0:
            share = within / closed
            if book.hidden("closed.total", column) or book.hidden("leadtime.within_norm",
                                                                  column):
                share = None  # a share of a suppressed count gives the count away
        shares.append(share)
    sh.put(["Aandeel binnen de norm", *shares], [LABEL, PERCENT, PERCENT])
    book.footnote(sh)
    sh.blank()

    as_of = f"Stand op {nl_date(book.end)}"
    book.section(sh, f"Openstaande casussen naar leeftijd ({as_of.lower()})", width=2)
    sh.put(["Leeftijd", "Casussen"], [HEAD_LEFT, HEAD])
    age_first = sh.n + 1
    for suffix, low, high in AGE_BUCKETS:
        key = f"open.age.{suffix}"
        span = f"{low} tot en met {high} dagen" if high is not None else f"{low} dagen of meer"
        v, st = book.shown(key)
        sh.put([f"{AGE_LABELS[suffix]} ({span})", v], [LABEL, st])
    age_last = sh.n
    for key, is_total in (("open.total", True), ("open.paused", False)):
        v, st = book.shown(key)
        sh.put([book.labels[key], v], [LABEL_TOTAL if is_total else LABEL,
                                       bold(st) if is_total else st])
    book.footnote(sh)
    sh.blank()
    chart_end = book.bar_chart(sh, "Openstaande casussen naar leeftijd",
                               (age_first, age_last), 2, 1, f"D{age_first - 2}",
                               horizontal=True, width=17, height=8, labels=True,
                               peak=peak_of(book.fig.period[f"open.age.{b[0]}"]
                                          for b in AGE_BUCKETS))
    book.section(sh, f"Termijnen ({as_of.lower()})", width=2)
    sh.put(["Termijnen", "Aantal"], [HEAD_LEFT, HEAD])
    for key in ("deadlines.overdue", "deadlines.due_next_14d"):
        v, st = book.shown(key)
        sh.put([book.labels[key], v], [LABEL, st])
    book.footnote(sh)
    sh.skip_to(chart_end)


def interviews(book: Book) -> None:
    sh = book.new_sheet("Eindgesprek", [30, 15, 15, 15, 15, 3])
    book.title(sh, "Eindgesprek")
    book.figure_table(sh, "Eindgesprekken", ["interview.total"], first_header="Aantal")
    book.section(sh, "Rapportcijfers (1 tot en met 10)", width=5)
    sh.put(["", "Periode", None, "Jaar tot nu", None],
           [None, GROUP, GROUP, GROUP, GROUP])
    # One term for each score (FIELD_LABELS: the GUI's and the report's words too).
    citizen, helper = FIELD_LABELS["citizen_score"], FIELD_LABELS["helper_score"]
    sh.head(["Cijfer", citizen, helper, citizen, helper],
           [HEAD_LEFT, HEAD, HEAD, HEAD, HEAD], least=32)
    first = sh.n + 1
    for score in SCORES:
        sh.put(*book.paired_row(score, LEFT_NUMBER, [f"interview.{who}.score.{score}"
                                                      for who in ("citizen", "helper")]))
    last = sh.n
    for suffix, name in (("n", "Aantal cijfers"), ("mean", "Gemiddelde")):
        sh.put(*book.paired_row(name, LABEL_TOTAL, [f"interview.{who}.{suffix}"
                                                     for who in ("citizen", "helper")],
                                total=True))
    sh.put([f"{citizen}: het cijfer van de burger; {helper.lower()}: het cijfer van de "
            "hulpverlener die de casus aandroeg. Niet gevraagd telt niet mee."], NOTE)
    book.footnote(sh)
    chart = BarChart()
    chart.type = "col"
    chart.grouping = "clustered"
    chart.title = f"Rapportcijfers, jaar tot nu {book.end.year}"
    chart.style = 10
    chart.width, chart.height = 16, 7.5
    chart.add_data(Reference(sh.ws, min_col=4, max_col=5, min_row=first - 1, max_row=last),
                   titles_from_data=True)
    chart.set_categories(Reference(sh.ws, min_col=1, min_row=first, max_row=last))
    style_axes(chart, "Aantal", "Rapportcijfer", peak=peak_of(
        book.fig.year_to_date[f"interview.{who}.score.{n}"]
        for who in ("citizen", "helper") for n in SCORES))
    chart.legend.position = "b"
    colour_series(chart)
    sh.ws.add_chart(chart, "G4")


def signals_sheet(book: Book) -> None:
    # The counts put their label in A (running on into B) and their figures in C
    # and D, so the list below can give the title the wide column B.
    sh = book.new_sheet("Signalen", [17, 58, 26, 18, 14, 18, 14])
    book.title(sh, "Signalen")

    def counts(heading: str, keys: list[str], labels: dict[str, str] | None = None,
               total: str | None = None) -> None:
        book.section(sh, heading, width=4)
        sh.put(["Onderdeel", None, "Periode", "Jaar tot nu"],
               [HEAD_LEFT, HEAD_LEFT, HEAD, HEAD])
        for key in keys:
            label = (labels or {}).get(key) or book.labels[key]
            p, ps = book.shown(key, PERIOD)
            y, ys = book.shown(key, YTD)
            lab = LABEL_TOTAL if key == total else LABEL
            if key == total:
                ps, ys = bold(ps), bold(ys)
            sh.put([label, None, p, y], [lab, lab, ps, ys])
        book.footnote(sh)
        sh.blank()

    counts("Aangemaakt per thema", [
        "signals.created", *book.keys("signals.by_theme", "signal_theme")],
        book.codelist_labels("signals.by_theme", "signal_theme"), total="signals.created")
    counts("Ingediend per ontvanger", [
        "signals.submitted",
        *book.keys("signals.submitted.by_recipient", "signal_recipient")],
        book.codelist_labels("signals.submitted.by_recipient", "signal_recipient"),
        total="signals.submitted")
    counts("Reacties en terugkoppeling", [
        *book.keys("signals.responses", "signal_response_status"),
        "signals.feedback_given", "signals.awaiting_feedback"])

    sh.ws.row_breaks.append(Break(id=sh.n))  # the list starts on a fresh page
    book.section(sh, f"Lijst van signalen (stand op {nl_date(book.end)})", width=7)
    headers = ["Nummer", "Titel", "Thema", "Status", "Eerst ingediend",
               "Laatste reactie", "Laatst teruggekoppeld"]
    head_row = sh.head(headers, TABLE_HEAD, least=30)
    # The list runs over many pages: its head is printed on each of them.
    sh.ws.print_title_rows = f"{head_row}:{head_row}"
    for s in book.signals:
        sh.put([s.number, s.title, book.label("signal_theme", s.theme),
                book.label("signal_status", s.status), s.submitted_on,
                book.label("signal_response_status", s.response), s.feedback_on],
               [TABLE_TOP, TABLE_WRAP, TABLE_WRAP, TABLE_TOP, TABLE_DATE_TOP, TABLE_TOP,
                TABLE_DATE_TOP], wrap=(1, 2))
    if not book.signals:
        sh.put([None] * len(headers))
    add_table(sh.ws, "Signaallijst", headers, head_row, sh.n)
    sh.put(["De titel is de enige vrije tekst in deze werkmap; ze staat er als tekst, "
            "nooit als formule."], NOTE)

