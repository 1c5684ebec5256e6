"""The reference sheets: Cijfers (every figure), Definities (every term), and
Verantwoording (how the workbook was made), plus the document properties.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from openpyxl.packaging.custom import StringProperty

import app
from app.export.safe_cells import CellStyle
from app.export.workbook.book import PERIOD, YTD, Book
from app.export.workbook.record_sheets import case_headers
from app.export.workbook.sheet import CLASSIFICATION, add_table
from app.export.workbook.styles import (
    COUNT,
    HEAD,
    HEAD_LEFT,
    KEY,
    KEY_WRAP,
    LABEL_WRAP,
    NOTE,
    RULE_ONLY,
    SUBTITLE,
    TABLE_HEAD,
    TABLE_TOP,
    TABLE_WRAP,
    TITLE,
    VALUE,
    VALUE_COUNT,
    VALUE_DATE,
    VALUE_TIME,
    plain,
)
from app.model.case_records import case_columns
from app.model.dates import local_moment, now_local, utc_moment
from app.model.suppression import SECONDARY_MARK
from app.model.team_week import hlc_moment


def figures_sheet(book: Book) -> None:
    sh = book.new_sheet("Cijfers", [46, 52, 13, 13, 90], gridlines=True, freeze="C5",
                        title_rows="4:4")
    sh.put(["Alle cijfers"], TITLE, height=24)
    sh.put([f"Periode {book.period_text}  ·  jaar tot nu {book.ytd_text}  ·  de sleutels "
            "zijn die van 'casusregister metrics --json'"], SUBTITLE)
    sh.blank()
    headers = ["Sleutel", "Omschrijving", "Periode", "Jaar tot nu", "Definitie"]
    head_row = sh.head(headers, TABLE_HEAD)
    for key in book.fig.period:
        p, ps = book.shown(key, PERIOD)
        y, ys = book.shown(key, YTD)
        sh.put([key, book.labels.get(key, key), p, y, book.definitions.get(key, "")],
               [TABLE_TOP, TABLE_WRAP, plain(ps), plain(ys), TABLE_WRAP], wrap=(1, 4))
    add_table(sh.ws, "Cijfers", headers, head_row, sh.n)
    book.footnote(sh)


def definitions_sheet(book: Book) -> None:
    sh = book.new_sheet("Definities", [38, 110], title_rows=None)
    book.title(sh, "Definities", "Elk begrip en elke maat in gewone taal.")

    def block(heading: str, pairs: Iterable[tuple[str, str]]) -> None:
        book.section(sh, heading, width=2)
        sh.put(["Begrip", "Betekenis"], [HEAD_LEFT, HEAD_LEFT])
        for term, text in pairs:
            sh.put([term, text], [KEY_WRAP, LABEL_WRAP], wrap=(0, 1))
        sh.blank()

    block("Begrippen", terms(book))
    block("Kolommen van het blad Casussen",
          zip(case_headers(book), (c.definition for c in case_columns(book.cl)),
              strict=True))
    block("Kolommen van het blad Onderwerpen", [
        ("Casusnummer", "Het nummer van de casus (zoals op het blad Casussen)."),
        ("Onderwerp", "Eén onderwerp van de casus; een casus met drie onderwerpen "
                      "heeft drie rijen.")])
    block("Kolommen van de lijst op het blad Signalen", [
        ("Nummer", "Het signaalnummer, S-JJJJ-APP-NNN."),
        ("Titel", "De titel van het signaal, de enige vrije tekst in de werkmap. Als "
                  "tekst opgeslagen, ook als ze met =, +, - of @ begint."),
        ("Thema", "Het thema van het signaal."),
        ("Status", "Concept, ingediend, reactie ontvangen, teruggekoppeld of gesloten, "
                   "op de laatste dag van de periode."),
        ("Eerst ingediend", "Datum van de eerste indiening."),
        ("Laatste reactie", "De status van de laatste reactie op het signaal."),
        ("Laatst teruggekoppeld", "Datum waarop de aandragers het laatst is verteld "
                                  "wat er met het signaal gebeurde.")])
    block("Maatstaven (blad Cijfers)",
          ((book.labels[k], book.definitions.get(k, "")) for k in book.fig.period))


def accountability(book: Book) -> None:
    # Values overflow to the right (no wrap), so the five columns of the device
    # table below give them room.
    sh = book.new_sheet("Verantwoording", [38, 16, 22, 22, 22, 3], title_rows=None)
    book.title(sh, "Verantwoording", "Hoe deze werkmap is gemaakt.")
    book.section(sh, "Werkmap", width=5)
    rule = [RULE_ONLY] * 3  # the row's rule under the text that runs on to the right
    suppression = ("Geen (standaard voor deze interne werkmap)" if book.suppress is None
                   else f"Aantallen 1 t/m {book.suppress - 1} als '< {book.suppress}', "
                        f"zo nodig een tweede cel als '{SECONDARY_MARK}'; Casussen en "
                        "Onderwerpen leeg gelaten")
    settings = book.reg.settings
    rows: list[tuple[str, Any, CellStyle]] = [
        ("Programma", f"Casusregister {app.__version__}", VALUE),
        ("Organisatie", settings.organisation, VALUE),
        ("Register (bestand)", book.reg.path.name, VALUE),
        ("Gemaakt door apparaat", settings.device_code, VALUE),
        ("Gemaakt op", book.generated_at, VALUE_TIME),
        ("Periode van", book.start, VALUE_DATE),
        ("Periode tot en met", book.end, VALUE_DATE),
        ("Jaar tot nu", book.ytd_text, VALUE),
        ("Filters", "Geen: alle casussen en signalen, zoals ze op de einddatum stonden",
         VALUE),
        ("Afscherming kleine aantallen", suppression, VALUE),
        ("Eigen interne norm doorlooptijd (dagen)", settings.leadtime_norm_days,
         VALUE_COUNT),
        ("Controle op persoonsgegevens", book.lint_note, VALUE),
        ("Rubricering", CLASSIFICATION, VALUE),
    ]
    for term, value, style in rows:
        sh.put([term, value, None, None, None], [KEY, style, *rule])
    sh.blank()

    book.section(sh, "Gelezen en geschreven", width=5)
    counted = [
        ("Stappen gelezen", book.fig.events_read),
        ("Casussen gelezen", book.fig.cases_read),
        ("Vernietigde casussen (in geen cijfer)", book.destroyed),
        ("Signalen gelezen", book.fig.signals_read),
        ("Rijen op Casussen", len(book.records) if book.suppress is None else 0),
        ("Rijen op Onderwerpen", book.topic_rows),
        ("Rijen in de lijst van signalen", len(book.signals)),
        ("Instroom in de periode", book.fig.period["intake.total"] or 0),
        ("Instroom jaar tot nu", book.fig.year_to_date["intake.total"] or 0),
    ]
    for term, count in counted:
        sh.put([term, count, None, None, None], [KEY, VALUE_COUNT, *rule])
    sh.blank()

    book.section(sh, "Per apparaat: laatste stap in dit register", width=5)
    sh.head(["Apparaat", "Stappen", "Laatste stap gemaakt", "Laatste stap vastgelegd",
            "Laatste bundel ontvangen"], [HEAD_LEFT, HEAD, HEAD, HEAD, HEAD], least=32)
    devices = book.devices
    for d in devices:
        code = d.device_code or f"onbekend ({d.device[:8]})"
        if d.device == settings.device_id:
            code = f"{code} (dit register)"
        sh.put([code, d.events, excel_time(hlc_moment(d.last_hlc)),
                excel_time(utc_moment(d.last_recorded_at)), excel_time(utc_moment(d.received_at))],
               [KEY, COUNT, VALUE_TIME, VALUE_TIME, VALUE_TIME])
    if not devices:
        sh.put(["Nog geen stappen in dit register"], NOTE)
    for line in book.reg.device_lines():
        sh.put([line.text], NOTE)
    sh.put(["Ziet u een apparaat met een oude laatste stap, dan is de week van die laptop "
            "nog niet binnen: vraag om een bundel."], NOTE)


def properties(book: Book) -> None:
    props = book.wb.properties
    props.title = f"Evaluatie casusregister {book.period_text}"
    props.subject = f"Periode {book.period_text}; jaar tot nu {book.ytd_text}"
    props.keywords = f"{CLASSIFICATION}; evaluatie; casusregister"
    props.description = (f"{CLASSIFICATION}. Evaluatiewerkmap van de "
                         f"{book.reg.settings.organisation}, gemaakt met Casusregister "
                         f"{app.__version__}.")
    props.category = CLASSIFICATION
    props.creator = f"Casusregister {app.__version__}"
    props.lastModifiedBy = props.creator
    props.language = "nl-NL"
    props.contentStatus = CLASSIFICATION
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    props.created = props.modified = now
    book.wb.custom_doc_props.append(StringProperty(name="Rubricering",
                                                   value=CLASSIFICATION))


def terms(book: Book) -> list[tuple[str, str]]:
    """The Begrippen block of Definities: every term in plain Dutch."""
    norm = book.settings.norm_days
    suppress = book.suppress
    paths = book.cl["resolution_path"]
    without, after = paths.label("zonder_escalatie"), paths.label("na_escalatie")
    # The names of the services and of the IBTD as the office spells them: its codelist.
    routes = ", ".join(book.cl.label("route", k) for k in book.cl.keys("route"))
    return [
        ("Periode", "De gekozen dagen, begin- en einddatum meegeteld. Standaard de laatste "
                    "volledige ISO-week (maandag tot en met zondag)."),
        ("Jaar tot nu", "Van 1 januari van het jaar van de einddatum tot en met de "
                        "einddatum."),
        ("Stand op de einddatum", "Het register zoals het op de laatste dag van de periode "
                                  "stond: alleen stappen met een datum tot en met die dag, "
                                  "met de correcties en intrekkingen die nu bekend zijn. "
                                  "Openstaand, te triëren en termijnen zijn zo'n stand; "
                                  "daarom zijn de kolommen periode en jaar tot nu daar gelijk."),
        ("In de periode", "De datum van de stap (bijvoorbeeld de datum van ontvangst of "
                          "van het besluit) valt in de periode."),
        ("Casus", "Een vastgelopen zaak van een burger of ondernemer, binnengekomen via "
                  f"een van de routes: {routes}."),
        ("Instroom", "Casussen met een datum van ontvangst in de periode."),
        ("Triage", "Het besluit van afdeling I: in behandeling nemen, doorverwijzen of niet "
                   "in behandeling nemen."),
        ("Zienswijze", "Een brief van de Belangenbehartiger aan de dienst met een "
                       "redelijker oplossing. De dienst die haar niet volgt, zegt schriftelijk "
                       "waarom."),
        ("Rappel", "Een herinnering aan de dienst om op een zienswijze te reageren."),
        ("Escalatie", "Een heroverwegingsverzoek binnen de dienst, van teamleider tot "
                      "directeur-generaal (doorzettingsmacht)."),
        (paths.title, f"Hoe een (deels) opgeloste casus is opgelost: '{after}' als er op of "
                      "vóór de afronding minstens één escalatie (heroverwegingsverzoek) "
                      f"was, anders '{without}'."),
        ("Opgelost", "Afgerond met uitkomst opgelost of deels opgelost."),
        ("Pauzeknop", "Lopende procedures bij de dienst gepauzeerd, met instemming van de "
                      "burger. Een pauze loopt tot de hervatting of tot de afronding."),
        ("Bruto doorlooptijd", "Kalenderdagen van ontvangst tot de (laatste) afronding: wat "
                               "de burger wachtte."),
        ("Netto doorlooptijd", "De bruto doorlooptijd min de dagen met de pauzeknop; alleen "
                               "ter vergelijking."),
        ("Eigen interne norm", f"De eigen, interne norm van het bureau voor de bruto "
                               f"doorlooptijd (een instelling, geen wettelijke termijn): nu "
                               f"{norm} dagen."),
        ("Openstaand", "In behandeling op de einddatum."),
        ("Leeftijd van een openstaande casus", "Dagen van ontvangst tot de einddatum, in "
                                               "groepen: 0-27, 28-55, 56-90, 91-181 en 182 "
                                               "dagen of meer."),
        ("Termijn", "Een wettelijke of afgesproken termijn van een casus (bezwaar, beroep, "
                    "beslis- of betalingstermijn). Openstaande termijn: nog niet als gehaald of "
                    "verlopen afgesloten. Termijnen verlopen: openstaande termijnen met een "
                    "laatste dag vóór de einddatum."),
        ("Rapportcijfer", "Het cijfer van 1 tot en met 10 dat burger en aandrager in het "
                          "eindgesprek geven."),
        ("Signaal", "Een patroon dat de Belangenbehartiger doorgeeft aan wetgever, diensten "
                    "of IBTD, bijvoorbeeld via het KSMS van de Belastingdienst."),
        ("Mediaan", "De middelste waarde; bij een even aantal het gemiddelde van de twee "
                    "middelste (zoals MEDIAAN en PERCENTIEL.INC in Excel)."),
        ("90e percentiel", "De waarde waar 90% van de waarden op of onder ligt, met lineaire "
                           "interpolatie (PERCENTIEL.INC)."),
        ("Afronding", "Dagen op 1 decimaal, gemiddelde rapportcijfers op 2 decimalen, half "
                      "naar boven (zoals AFRONDEN in Excel). Een maat over niets is leeg."),
        ("Tellen", "Een casus over twee diensten of met meer onderwerpen telt bij elk "
                   "daarvan; in de totalen één keer."),
        ("Afscherming kleine aantallen",
         "Geen in deze werkmap." if suppress is None else
         f"Aantallen van 1 tot en met {suppress - 1} staan als '< {suppress}'. Waar een "
         "totaal of een rij of kolom van een tabel zo'n aantal terug zou geven, is ook het "
         f"volgende kleinste aantal afgeschermd ('{SECONDARY_MARK}', minstens {suppress}); "
         "een mediaan of gemiddelde over een afgeschermd aantal staat als 'te weinig'."),
        ("Gepseudonimiseerd", "Rijen per casus bevatten alleen codes, datums en getallen, "
                              "geen namen, BSN's of contactgegevens. Met het casusnummer is "
                              "de casus in het register terug te vinden: daarom is deze "
                              "werkmap vertrouwelijk."),
    ]


# ---------------------------------------------------------------------------
# Moments as Excel shows them


def excel_time(moment: datetime | None) -> datetime | None:
    """A moment as Amsterdam wall-clock time without tzinfo, to the second (Excel has
    no zones)."""
    if moment is None:
        return None
    return local_moment(moment).replace(tzinfo=None, microsecond=0)


def local_now() -> datetime:
    return now_local().replace(tzinfo=None, microsecond=0)
