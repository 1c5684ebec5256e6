"""A synthetic, reproducible register for the demo, the tests and the benchmarks.

Real cases may never leave the office (AVG and fiscal secrecy), yet a newcomer needs a
full register to see what the program does (``casusregister --demo``), the test suite
needs a year that touches every rule, and the benchmarks need 10,000 or 100,000 cases
that behave like the real thing. One generator serves all three, so the demo, the
tests and the figures in docs/BENCHMARKS.md look at the same kind of data.

The result is an interchange dict (docs/INTERCHANGE.md), not rows in a register: the
importer is the one front door that validates and numbers cases, so demo data passes
exactly the checks a real import gets, and no second way of writing events exists.

Design choices worth knowing:

- Everything is drawn from one ``random.Random(seed)``, never the global generator,
  so the same arguments give the same register and a failing test or a benchmark
  figure can be reproduced. Personal data (P2) comes from a second generator derived
  from the same seed, so asking for it or not leaves every case otherwise identical.
- A case is simulated forward in time, one step after the other. A step that would
  fall after ``end`` stops the case there: late cases are simply still running, which
  gives the open, paused and pending cases a real register has on any given day.
- Every case follows the workflow rules of docs/DOMAIN.md on its date-sorted events, and
  each event list is in date order, so the file order and the importer's
  ``(date, position)`` order agree.
- Free text is composed from phrase lists without names, digits that could read as a
  BSN, phone number, postcode or birth date: the personal-data lint must find
  nothing, and a demo that trips it would teach the wrong habit.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from contextlib import suppress
from datetime import date
from typing import Any, Generic, TypeVar

from app.model.codelists import Codelists, default_codelists
from app.model.events import DATE_FIELD

__all__ = ["synthetic_register"]

Event = dict[str, Any]
_T = TypeVar("_T")



class _Pick(Generic[_T]):
    """A weighted choice whose cumulative table is built once: ``rng.choices`` with
    weights rebuilds it on every call, and 100,000 cases each draw dozens of codes."""

    __slots__ = ("cum", "total", "values")

    def __init__(self, pairs: Sequence[tuple[_T, float]]) -> None:
        self.values: list[_T] = [v for v, w in pairs if w > 0]
        self.cum: list[float] = []
        total = 0.0
        for _, w in pairs:
            if w > 0:
                total += w
                self.cum.append(total)
        self.total = total

    def __call__(self, rng: random.Random) -> _T:
        return self.values[bisect_right(self.cum, rng.random() * self.total)]


def _fwd(o: int) -> int:
    """Move a date ordinal forward to a working day: the office does not work weekends.

    ``date(1, 1, 1)`` has ordinal 1 and was a Monday, so ``(o - 1) % 7`` is the weekday.
    """
    w = (o - 1) % 7
    return o + 2 if w == 5 else o + 1 if w == 6 else o


def _back(o: int) -> int:
    """Move back to a working day, for steps that must stay before a last day."""
    w = (o - 1) % 7
    return o - 1 if w == 5 else o - 2 if w == 6 else o


class _Iso(dict[int, str]):
    """ISO strings per ordinal, made once: a large register reuses a few thousand dates."""

    def __missing__(self, o: int) -> str:
        s = date.fromordinal(o).isoformat()
        self[o] = s
        return s


class _PastEnd(Exception):
    """The next step would fall after ``end``: the case simply has not got there yet."""


class _Timeline:
    """One case's (or signal's) events in date order, with the steps already planned.

    A pause ends on a planned day and administrative follow-ups (a deadline met, a
    handover confirmed) happen on their own day; they are kept aside and slotted in
    as the simulation passes their date, so the list stays sorted without a sort.
    """

    __slots__ = ("end", "events", "iso", "paused", "pending", "resume_at", "seq", "t")

    def __init__(self, start: int, end: int, iso: _Iso) -> None:
        self.t = start
        self.end = end
        self.iso = iso
        self.events: list[Event] = []
        self.pending: list[tuple[int, int, Event]] = []
        self.resume_at: int | None = None
        self.paused = False
        self.seq = 0

    def _emit(self, d: int, ev: Event) -> None:
        self.events.append(ev)
        if d > self.t:
            self.t = d

    def _flush(self, upto: int) -> None:
        while True:
            nxt = self.pending[0][0] if self.pending else None
            ra = self.resume_at
            if ra is not None and ra <= upto and (nxt is None or ra <= nxt):
                self._emit(ra, {"kind": "resumed", "on": self.iso[ra]})
                self.resume_at = None
                self.paused = False
            elif nxt is not None and nxt <= upto:
                d, _, ev = self.pending.pop(0)
                self._emit(d, ev)
            else:
                return

    def add(self, d: int, kind: str, field: str, payload: Event | None = None) -> Event:
        """Record a step on ``d`` (never before the previous one); past ``end`` the case
        stops, after whatever was planned up to ``end`` has happened."""
        if d < self.t:
            d = self.t
        self._flush(min(d, self.end))
        if d > self.end:
            raise _PastEnd
        ev: Event = {"kind": kind, field: self.iso[d]}
        if payload:
            ev.update(payload)
        self._emit(d, ev)
        return ev

    def later(self, d: int, kind: str, field: str, payload: Event) -> Event:
        """Plan an administrative step (allowed in any status) for a later day."""
        if d < self.t:
            d = self.t
        ev: Event = {"kind": kind, field: self.iso[d]}
        ev.update(payload)
        self.seq += 1
        self.pending.append((d, self.seq, ev))
        self.pending.sort(key=lambda p: (p[0], p[1]))
        return ev

    def finish(self) -> list[Event]:
        self._flush(self.end)
        return self.events


# ---------------------------------------------------------------------------------
# Phrase lists. Dutch, anonymous, and without digits that a lint could read as an
# identifier. Several phrasings each, so a large register does not read as one case.
# ---------------------------------------------------------------------------------

# fmt: off
_CITIES = (
    "Zwolle", "Almere", "Groningen", "Leeuwarden", "Enschede", "Arnhem", "Nijmegen", "Tilburg",
    "Eindhoven", "Utrecht", "Amersfoort", "Den Haag", "Rotterdam", "Amsterdam", "Haarlem", "Breda",
    "Maastricht", "Heerlen", "Lelystad", "Emmen", "Delft", "Dordrecht", "Apeldoorn", "Deventer",
    "Venlo", "Assen", "Zaanstad", "Leiden", "Alkmaar", "Den Bosch",
)
_REGIONS = (
    "Noord", "Oost", "Zuid", "West", "Midden", "Twente", "Rijnmond", "Haaglanden", "Drenthe",
    "Limburg", "Veluwe", "Flevoland",
)
_FIRMS = (
    "De Linde", "Het Anker", "De Vaart", "Van Oosten en Partners", "De Brug", "Het Baken", "De Eik",
    "Zuiderlicht", "De Meent", "Het Kompas",
)

# Patterns per partner type and how many different organisations of that type bring
# cases; a few partners bring most of them, as in any referral network.
_ORGS: dict[str, tuple[int, tuple[str, ...]]] = {
    "sociaal_raadslieden": (
        10, ("Sociaal Raadslieden {c}", "Sociaal Raadsliedenwerk {c}", "Sociaal Raadslieden {r}"),
    ),
    "financiele_hulpverlening": (
        10,
        (
            "Schuldhulp {r}", "Stichting Thuisadministratie {c}", "Budgetadvies {c}",
            "Kredietbank {r}", "Stichting Geldzaken {c}",
        ),
    ),
    "sociaal_werk": (8, ("Sociaal Werk {c}", "Wijkteam {c}", "Buurtteam {c}", "Welzijn {r}")),
    "belastingadviseur": (
        6, ("Administratiekantoor {n}", "Belastingadvies {n}", "Fiscaal Adviesbureau {n}"),
    ),
    "rechtshulp": (
        6, ("Rechtswinkel {c}", "Sociaal Advocatenkantoor {n}", "Stichting Rechtshulp {r}"),
    ),
    "gemeente": (
        8,
        (
            "Gemeente {c}, schulddienstverlening", "Gemeente {c}, team Inkomen",
            "Gemeente {c}, sociaal loket",
        ),
    ),
    "vrijwilligers": (
        5,
        (
            "Steunpunt Formulierenhulp {c}", "Vrijwilligers Thuisadministratie {c}",
            "Stichting Geldmaatjes {c}",
        ),
    ),
    "overig_maatschappelijk": (
        4, ("Voedselbank {c}", "Diaconaal Steunpunt {c}", "Stichting Ouderenadvies {r}"),
    ),
    "bd_lrh": (1, ("Belastingdienst, Loket Rechtsstatelijkheid en Hardheden",)),
    "bd_stella": (1, ("Belastingdienst, Stella-team",)),
    "bd_klachten": (4, ("Belastingdienst, Klachtbehandeling {r}",)),
    "bd_belastingtelefoon": (1, ("BelastingTelefoon",)),
    "bd_overig": (
        5,
        (
            "Belastingdienst, Invordering {r}", "Belastingdienst, Particulieren {r}",
            "Belastingdienst, MKB {r}",
        ),
    ),
    "dt_klachten": (1, ("Dienst Toeslagen, Klachtbehandeling",)),
    "dt_herstel": (
        2, ("Dienst Toeslagen, Herstel Toeslagen", "Uitvoeringsorganisatie Herstel Toeslagen")
    ),
    "dt_overig": (
        3,
        (
            "Dienst Toeslagen, Terugvorderingen", "Dienst Toeslagen, Klantcontact",
            "Dienst Toeslagen, Bezwaar",
        ),
    ),
    "ibtd": (1, ("IBTD",)),
    "nationale_ombudsman": (1, ("Nationale ombudsman",)),
    "kamerlid": (1, ("Tweede Kamer, fractiemedewerker",)),
    "overig": (3, ("Ouderenbond {r}", "Vakbond Advieslijn {r}", "Huisartsenpraktijk {c}")),
}

_ROUTES = _Pick([
    ("maatschappelijke_partner", 55.0), ("belastingdienst", 25.0), ("dienst_toeslagen", 12.0),
    ("ibtd", 3.0), ("overig", 5.0),
])
_PARTNER_TYPE_WEIGHT: dict[str, float] = {
    "sociaal_raadslieden": 30,
    "financiele_hulpverlening": 22,
    "sociaal_werk": 15,
    "belastingadviseur": 10,
    "rechtshulp": 10,
    "gemeente": 7,
    "vrijwilligers": 4,
    "overig_maatschappelijk": 2,
    "bd_lrh": 35,
    "bd_stella": 10,
    "bd_klachten": 25,
    "bd_belastingtelefoon": 18,
    "bd_overig": 12,
    "dt_klachten": 40,
    "dt_herstel": 30,
    "dt_overig": 30,
    "nationale_ombudsman": 50,
    "kamerlid": 20,
    "overig": 30,
}

_BD, _DT = "belastingdienst", "dienst_toeslagen"
_TARGET_GROUP = _Pick(
    [("burger", 75.0), ("zzp", 13.0), ("mkb_ondernemer", 8.0), ("overig", 4.0)]
)
# Running procedures, most frequent first; drawn with a falling exponential.
_PROCEDURES_DT = (
    "terugvordering", "bezwaar", "betalingsregeling", "herziening", "klacht",
    "dwanginvordering", "beroep", "beslag",
)
_PROCEDURES_BD = (
    "bezwaar", "dwanginvordering", "betalingsregeling", "beslag", "klacht", "beroep",
    "herziening", "terugvordering",
)
_ROUTES_TRIED = (
    "belastingtelefoon", "belastingtelefoon", "klacht", "klacht", "bezwaar", "bezwaar",
    "bd_lrh", "stella", "nationale_ombudsman", "sociaal_raadslieden",
)
_CLAIM_BANDS: dict[str, tuple[str, ...]] = {
    "burger": (
        "tot_1000", "tot_1000", "1000_5000", "1000_5000", "1000_5000", "5000_20000",
        "5000_20000", "boven_20000", "onbekend",
    ),
    "zzp": ("1000_5000", "5000_20000", "5000_20000", "boven_20000", "onbekend"),
    "mkb_ondernemer": ("5000_20000", "boven_20000", "boven_20000", "onbekend"),
}
_OTHER_BODIES = (
    "gemeente", "uwv", "svb", "cjib", "duo", "cak", "zorgverzekeraar", "schuldeiser",
)
_SERVICE_WORD = {_BD: "Belastingdienst", _DT: "Dienst Toeslagen"}

# Topics per service and target group; toeslagen topics only ever go with Dienst
# Toeslagen, company taxes only with entrepreneurs.
_BD_TOPICS_PERSON = _Pick([
    ("inkomstenbelasting", 30.0), ("invordering", 20.0), ("betalingsregeling", 14.0),
    ("kwijtschelding", 8.0), ("boete", 7.0), ("motorrijtuigenbelasting", 5.0),
    ("erf_schenkbelasting", 3.0), ("loonheffingen", 3.0), ("dienstverlening_communicatie", 7.0),
    ("overig", 3.0),
])
_BD_TOPICS_BUSINESS = _Pick([
    ("omzetbelasting", 24.0), ("inkomstenbelasting", 18.0), ("loonheffingen", 10.0),
    ("vennootschapsbelasting", 8.0), ("invordering", 14.0), ("betalingsregeling", 10.0),
    ("boete", 10.0), ("dienstverlening_communicatie", 4.0), ("overig", 2.0),
])
_DT_TOPICS = _Pick([
    ("terugvordering_toeslag", 26.0), ("huurtoeslag", 18.0), ("kinderopvangtoeslag", 14.0),
    ("zorgtoeslag", 11.0), ("kindgebonden_budget", 8.0), ("herstel_toeslagen", 8.0),
    ("betalingsregeling", 6.0), ("invordering", 4.0), ("dienstverlening_communicatie", 5.0),
])
_RELATED_TOPICS: dict[str, tuple[str, ...]] = {
    "huurtoeslag": ("terugvordering_toeslag", "betalingsregeling"),
    "zorgtoeslag": ("terugvordering_toeslag",),
    "kinderopvangtoeslag": ("terugvordering_toeslag", "herstel_toeslagen"),
    "kindgebonden_budget": ("terugvordering_toeslag",),
    "terugvordering_toeslag": ("betalingsregeling", "invordering", "dienstverlening_communicatie"),
    "herstel_toeslagen": ("dienstverlening_communicatie", "terugvordering_toeslag"),
    "inkomstenbelasting": ("invordering", "betalingsregeling", "boete"),
    "loonheffingen": ("boete", "invordering"),
    "omzetbelasting": ("boete", "betalingsregeling", "invordering"),
    "vennootschapsbelasting": ("invordering", "boete"),
    "motorrijtuigenbelasting": ("boete", "invordering"),
    "erf_schenkbelasting": ("betalingsregeling",),
    "invordering": ("betalingsregeling", "kwijtschelding"),
    "betalingsregeling": ("invordering", "kwijtschelding"),
    "kwijtschelding": ("invordering",),
    "boete": ("dienstverlening_communicatie",),
    "dienstverlening_communicatie": ("overig",),
    "overig": ("dienstverlening_communicatie",),
}
_TOPIC_SERVICE_ONLY: dict[str, str] = {
    t: _DT
    for t in (
        "huurtoeslag",
        "zorgtoeslag",
        "kinderopvangtoeslag",
        "kindgebonden_budget",
        "terugvordering_toeslag",
        "herstel_toeslagen",
    )
} | {
    t: _BD
    for t in (
        "inkomstenbelasting",
        "loonheffingen",
        "omzetbelasting",
        "vennootschapsbelasting",
        "motorrijtuigenbelasting",
        "erf_schenkbelasting",
        "kwijtschelding",
        "boete",
    )
}

_SITUATION: dict[str, tuple[str, ...]] = {
    "inkomstenbelasting": (
        "Navorderingsaanslag inkomstenbelasting over meerdere jaren na een gemiste aangifte.",
        "Aanslag inkomstenbelasting op een schatting, terwijl het inkomen veel lager was.",
        "Voorlopige aanslag blijft te hoog ondanks herhaalde verzoeken om aanpassing.",
        "Aftrekposten voor zorgkosten geschrapt zonder uitleg; hoge aanslag.",
    ),
    "loonheffingen": (
        "Naheffing loonheffingen na een boekenonderzoek bij een kleine werkgever.",
        "Loonheffingskorting bij twee werkgevers tegelijk toegepast; hoge nabetaling.",
        "Correctie van de loonheffingen door de salarisadministratie niet verwerkt.",
    ),
    "omzetbelasting": (
        "Naheffingsaanslagen omzetbelasting na gemiste aangiften tijdens ziekte.",
        "Ambtshalve aanslagen omzetbelasting na beëindiging van de onderneming.",
        "Teruggaaf omzetbelasting blijft uit na een correctie op de aangifte.",
    ),
    "vennootschapsbelasting": (
        "Aanslag vennootschapsbelasting op een schatting na een te late aangifte.",
        "Verliesverrekening in de vennootschapsbelasting niet verwerkt; aanslag te hoog.",
    ),
    "motorrijtuigenbelasting": (
        "Naheffing motorrijtuigenbelasting voor een auto die al was verkocht.",
        "Motorrijtuigenbelasting geheven over een periode waarin het kenteken geschorst was.",
    ),
    "erf_schenkbelasting": (
        "Aanslag erfbelasting terwijl de nalatenschap vooral uit schulden bestaat.",
        "Schenkbelasting geheven over een lening binnen de familie.",
    ),
    "invordering": (
        "Dwanginvordering loopt door terwijl een bezwaar nog niet is behandeld.",
        "Verrekening van een teruggaaf met een oude schuld laat geen leefgeld over.",
        "Beslag op inkomen zonder rekening te houden met de beslagvrije voet.",
        "Aanmaningen en dwangbevelen stapelen zich op; kosten lopen snel op.",
    ),
    "betalingsregeling": (
        "Betalingsregeling afgewezen omdat de aflossingscapaciteit verkeerd is berekend.",
        "Betalingsregeling beëindigd na één gemiste termijn; hele schuld weer opeisbaar.",
        "Meerdere losse betalingsregelingen die samen niet op te brengen zijn.",
    ),
    "kwijtschelding": (
        "Kwijtschelding geweigerd omdat het vermogen verkeerd is vastgesteld.",
        "Verzoek om kwijtschelding al maanden in behandeling; invordering loopt door.",
    ),
    "boete": (
        "Verzuimboete opgelegd terwijl de aangifte door ziekenhuisopname te laat was.",
        "Vergrijpboete na een fout van een eerdere adviseur.",
        "Stapeling van boetes voor dezelfde vergissing.",
    ),
    "huurtoeslag": (
        "Huurtoeslag stopgezet na een adreswijziging die niet goed is verwerkt.",
        "Definitieve berekening huurtoeslag leidt tot een hoge terugvordering.",
        "Huurtoeslag afgewezen omdat een inwonend meerderjarig kind als medebewoner telde.",
    ),
    "zorgtoeslag": (
        "Zorgtoeslag teruggevorderd over jaren waarin het inkomen onder de grens lag.",
        "Zorgtoeslag stopgezet na een fout in de inkomensgegevens.",
    ),
    "kinderopvangtoeslag": (
        "Terugvordering kinderopvangtoeslag omdat de opvang andere uren opgaf.",
        "Kinderopvangtoeslag gestopt bij wisselende werkuren; achterstand bij de opvang.",
        "Onduidelijkheid over het aantal gewerkte uren leidt tot een hoge terugvordering.",
    ),
    "kindgebonden_budget": (
        "Kindgebonden budget herzien na een verkeerd geregistreerde samenwoning.",
        "Kindgebonden budget teruggevorderd na een scheiding die laat is verwerkt.",
    ),
    "terugvordering_toeslag": (
        "Hoge terugvordering na de definitieve berekening; betalingsregeling loopt vast.",
        "Terugvordering verrekend met lopende toeslagen; vaste lasten komen in gevaar.",
        "Meerdere terugvorderingen over verschillende jaren zonder overzicht.",
    ),
    "herstel_toeslagen": (
        "Herstelprocedure duurt lang; in de tussentijd lopen nieuwe schulden op.",
        "Integrale beoordeling afgerond, maar de uitbetaling blijft uit.",
        "Onduidelijk welke schulden onder de herstelregeling vallen.",
    ),
    "dienstverlening_communicatie": (
        "Brieven van de dienst spreken elkaar tegen; niemand kan uitleggen wat er moet gebeuren.",
        "Telefonisch steeds een ander antwoord; terugbelafspraken worden niet nagekomen.",
        "Post gaat naar een oud adres; termijnen zijn daardoor gemist.",
    ),
    "overig": (
        "Vraag valt tussen twee afdelingen; niemand voelt zich eigenaar.",
        "Gegevens van een andere instantie zijn verkeerd overgenomen.",
    ),
}
_COMPLICATION = (
    "Eerdere klacht leverde geen oplossing op.", "Bezwaar is ingediend maar nog niet behandeld.",
    "Geen vast aanspreekpunt bij de dienst.", "De situatie raakt ook huur en zorgverzekering.",
    "Schulden lopen intussen op.", "Dossier is al bij meerdere loketten geweest zonder resultaat.",
    "Loket Rechtsstatelijkheid en Hardheden is al ingeschakeld, zonder voortgang.",
    "Er zijn meerdere schuldeisers.", "Het overzicht is kwijt; post wordt niet meer geopend.",
    "Taalbarrière maakt contact met de dienst moeilijk.", "Gezondheidsklachten spelen mee.",
    "Inkomen is onregelmatig door flexwerk.", "Aandrager krijgt geen inzage in de berekening.",
    "Brieven noemen verschillende bedragen.",
)

# A remedy ties the texts of one case together: what is asked, what the opinion
# proposes, what the service answers and how the case ends.
_REMEDIES_FOR_TOPIC: dict[str, tuple[str, ...]] = {
    "inkomstenbelasting": ("vermindering", "betalingsregeling"),
    "loonheffingen": ("vermindering",),
    "omzetbelasting": ("vermindering", "betalingsregeling", "boete"),
    "vennootschapsbelasting": ("vermindering", "betalingsregeling"),
    "motorrijtuigenbelasting": ("vermindering", "boete"),
    "erf_schenkbelasting": ("vermindering", "betalingsregeling"),
    "invordering": ("opschorting", "betalingsregeling"),
    "betalingsregeling": ("betalingsregeling",),
    "kwijtschelding": ("kwijtschelding",),
    "boete": ("boete",),
    "huurtoeslag": ("herberekening", "matiging"),
    "zorgtoeslag": ("herberekening", "matiging"),
    "kinderopvangtoeslag": ("matiging", "herberekening"),
    "kindgebonden_budget": ("herberekening", "matiging"),
    "terugvordering_toeslag": ("matiging", "betalingsregeling", "opschorting"),
    "herstel_toeslagen": ("herstel",),
    "dienstverlening_communicatie": ("dienstverlening",),
    "overig": ("dienstverlening",),
}
_HELP_REQUEST: dict[str, tuple[str, ...]] = {
    "betalingsregeling": (
        "Een haalbare betalingsregeling die past bij het inkomen.",
        "Hulp bij het herstarten van de stopgezette betalingsregeling.",
    ),
    "matiging": (
        "Matiging van de terugvordering.",
        "Beoordelen of de hardheidsclausule kan worden toegepast.",
    ),
    "vermindering": (
        "Herziening van de aanslag op basis van de werkelijke gegevens.",
        "Ambtshalve vermindering van de aanslag.",
    ),
    "kwijtschelding": ("Opnieuw beoordelen van het kwijtscheldingsverzoek.",),
    "boete": ("Vernietiging of matiging van de boete.",),
    "opschorting": (
        "Invordering stilzetten tot het bezwaar is behandeld.",
        "Beslag opheffen zodat er leefgeld overblijft.",
    ),
    "herberekening": (
        "Een juiste herberekening van de toeslag.", "De toeslag weer laten uitbetalen.",
    ),
    "herstel": (
        "Vaart brengen in de herstelprocedure.",
        "Duidelijkheid over de uitbetaling en de schulden.",
    ),
    "dienstverlening": (
        "Eén aanspreekpunt bij de dienst.", "Uitleg over de brieven en wat er moet gebeuren.",
    ),
}
_PROPOSAL: dict[str, tuple[str, ...]] = {
    "betalingsregeling": (
        "Betalingsregeling op maat met een maandbedrag dat past bij de werkelijke "
        "aflossingscapaciteit.",
        "Betalingsregeling op maat en zolang die loopt geen invorderingsmaatregelen.",
        "Lopende regelingen samenvoegen tot één betalingsregeling op maat.",
    ),
    "matiging": (
        "Terugvordering matigen op grond van de hardheidsclausule.",
        "Terugvordering beperken tot wat redelijkerwijs te voorzien was (evenredigheid, Awb 3:4).",
        "Terugvordering matigen en het restant omzetten in een betalingsregeling op maat.",
    ),
    "vermindering": (
        "Aanslag ambtshalve verminderen op basis van de aangeleverde gegevens.",
        "Navordering beperken tot de jaren waarin de fout aan de persoon te wijten is.",
        "Schatting vervangen door een aanslag op basis van het werkelijke inkomen.",
    ),
    "kwijtschelding": (
        "Kwijtschelding alsnog toekennen op basis van de actuele draagkracht.",
        "Kwijtscheldingsverzoek opnieuw beoordelen met de juiste vermogensgegevens.",
    ),
    "boete": (
        "Boete vernietigen wegens afwezigheid van alle schuld.",
        "Boete matigen en stapeling van boetes voor dezelfde fout voorkomen.",
    ),
    "opschorting": (
        "Invordering opschorten tot het bezwaar is behandeld.",
        "Beslag opheffen en rekening houden met de beslagvrije voet.",
        "Verrekening terugdraaien zodat de vaste lasten betaald kunnen worden.",
    ),
    "herberekening": (
        "Toeslag herberekenen op basis van het werkelijke inkomen en de juiste "
        "huishoudsamenstelling.",
        "Toeslag met terugwerkende kracht hervatten.",
    ),
    "herstel": (
        "Integrale beoordeling met voorrang afronden en een vaste zaakbehandelaar aanwijzen.",
        "Uitbetaling versnellen en de openstaande schulden in de herstelregeling meenemen.",
    ),
    "dienstverlening": (
        "Persoonlijke zaakbehandelaar aanwijzen als vast aanspreekpunt.",
        "Eén overzichtsbrief sturen met de stand van alle vorderingen.",
    ),
}
_SOLVED: dict[str, tuple[str, ...]] = {
    "betalingsregeling": (
        "Betalingsregeling op maat afgesproken; het maandbedrag past bij het inkomen.",
        "Losse regelingen samengevoegd tot één haalbare betalingsregeling.",
    ),
    "matiging": (
        "Terugvordering gematigd op grond van de hardheidsclausule.",
        "Terugvordering beperkt na toetsing aan de evenredigheid.",
    ),
    "vermindering": (
        "Aanslag ambtshalve verminderd na aanlevering van de ontbrekende stukken.",
        "Schatting vervangen door een aanslag op het werkelijke inkomen.",
    ),
    "kwijtschelding": ("Kwijtschelding alsnog toegekend.",),
    "boete": ("Boete vernietigd.", "Boetes samengevoegd en gematigd."),
    "opschorting": (
        "Invordering opgeschort tot het bezwaar is behandeld; beslag opgeheven.",
        "Verrekening teruggedraaid; vaste lasten weer betaalbaar.",
    ),
    "herberekening": (
        "Toeslag herberekend en weer uitbetaald.", "Toeslag met terugwerkende kracht hervat.",
    ),
    "herstel": (
        "Integrale beoordeling afgerond en uitbetaling gedaan.",
        "Vaste zaakbehandelaar aangewezen; schulden meegenomen in de herstelregeling.",
    ),
    "dienstverlening": (
        "Vast aanspreekpunt bij de dienst afgesproken; openstaande vragen beantwoord.",
        "Overzichtsbrief ontvangen; de persoon weet weer waar hij of zij aan toe is.",
    ),
}
_PARTLY: dict[str, tuple[str, ...]] = {
    "betalingsregeling": (
        "Betalingsregeling afgesproken, maar met een krappe marge.",
        "Betalingsregeling afgesproken; de invorderingskosten blijven staan.",
    ),
    "matiging": (
        "Terugvordering deels gematigd; voor het restant een betalingsregeling afgesproken.",
    ),
    "vermindering": ("Aanslag deels verminderd; voor de overige jaren bleef het besluit staan.",),
    "kwijtschelding": ("Gedeeltelijke kwijtschelding; voor de rest een betalingsregeling.",),
    "boete": ("Boete gematigd; de aanslag zelf bleef staan.",),
    "opschorting": (
        "Invordering tijdelijk stilgezet; de inhoudelijke beoordeling loopt nog bij de dienst.",
        "Beslag aangepast aan de beslagvrije voet; de schuld blijft staan.",
    ),
    "herberekening": (
        "Toeslag hervat vanaf nu; de terugvordering over eerdere jaren blijft staan.",
    ),
    "herstel": ("Uitbetaling gedaan; over de schulden loopt nog overleg.",),
    "dienstverlening": ("Vast aanspreekpunt toegezegd; de inhoudelijke vragen lopen nog.",),
}
_NOT_SOLVED = (
    "Dienst handhaaft het besluit; aandrager is gewezen op de mogelijkheid van beroep.",
    "Geen oplossing binnen de bestaande regels; het knelpunt gaat mee als signaal.",
    "Dienst ziet geen ruimte; de persoon blijft begeleid door de aandrager.",
)
_WITHDRAWN = (
    "Aandrager heeft de casus ingetrokken; de persoon is elders geholpen.",
    "Casus ingetrokken op verzoek van de persoon.",
    "Casus ingetrokken: de dienst loste het intussen zelf op.",
)
_REGIE_SOLVED = (
    "Met de regiefunctie bij de juiste afdeling belegd; de dienst heeft het dossier opgepakt "
    "en opgelost.",
    "Na opvragen van de gegevens bleek een fout in de verwerking; de dienst heeft die hersteld.",
    "Eén behandelaar bij de dienst aangewezen; de openstaande punten zijn afgehandeld.",
)
_RESPONSE_PARTLY: dict[str, tuple[str, ...]] = {
    "betalingsregeling": (
        "Betalingsregeling toegekend, maar met een hoger maandbedrag dan voorgesteld.",
    ),
    "matiging": ("De dienst matigt de terugvordering gedeeltelijk; het restant blijft staan.",),
    "vermindering": ("Aanslag deels verminderd; voor de overige jaren ziet de dienst geen grond.",),
    "kwijtschelding": (
        "Kwijtschelding voor een deel van de aanslagen; de rest blijft invorderbaar.",
    ),
    "boete": ("Boete gematigd; vernietiging acht de dienst niet mogelijk.",),
    "opschorting": ("Invordering tijdelijk stilgezet, maar het beslag blijft.",),
    "herberekening": (
        "Herberekening toegezegd vanaf het lopende jaar, niet met terugwerkende kracht.",
    ),
    "herstel": (
        "Voorrang toegezegd bij de beoordeling; een vaste zaakbehandelaar kan de dienst "
        "niet bieden.",
    ),
    "dienstverlening": (
        "Overzichtsbrief toegezegd; een vast aanspreekpunt kan de dienst niet bieden.",
    ),
}
_RESPONSE_REJECTED = (
    "De dienst ziet binnen de wet geen ruimte om af te wijken.",
    "De dienst wijst op de termijn die al verstreken is.",
    "De dienst wil eerst de uitkomst van het bezwaar afwachten.",
)
_REJECTED_FOR: dict[str, tuple[str, ...]] = {
    "matiging": (
        "Volgens de dienst is de hardheidsclausule niet van toepassing; de situatie was "
        "voorzienbaar.",
    ),
    "betalingsregeling": ("De dienst acht de aflossingscapaciteit juist berekend.",),
    "boete": ("De dienst acht de boete passend bij de ernst van het verzuim.",),
    "kwijtschelding": ("Volgens de dienst is er vermogen dat eerst moet worden ingezet.",),
}
_RESPONSE_ADOPTED = (
    "De dienst neemt de zienswijze volledig over en past de beschikking aan.",
    "Voorstel overgenomen; een nieuwe beschikking volgt.",
)
_ESCALATION_REASON = (
    "Afwijzing onvoldoende gemotiveerd.",
    "Dienst gaat niet in op de evenredigheid van de gevolgen.", "Reactietermijn ruim overschreden.",
    "Deelbesluit laat de kern van het probleem liggen.",
    "Uitkomst staat niet in verhouding tot de gevolgen voor het huishouden.",
    "Eerdere toezeggingen worden niet nagekomen.",
)
_ESCALATION_ANSWER: dict[str, tuple[str, ...]] = {
    "overgenomen": (
        "Heroverweging leidt tot een nieuw besluit op de lijn van de zienswijze.",
        "Leiding neemt de zienswijze alsnog over.",
    ),
    "deels_overgenomen": (
        "Gedeeltelijke tegemoetkoming na heroverweging.",
        "Leiding laat de zaak opnieuw beoordelen met meer ruimte voor maatwerk; een deel "
        "blijft staan.",
    ),
    "gemotiveerd_afgewezen": (
        "Leiding bevestigt het eerdere standpunt, met een uitgebreidere motivering.",
        "Leiding ziet geen aanleiding het besluit te herzien.",
    ),
}
# How a case ends, given the service's last answer ("" = no opinion was needed).
_OUTCOME_AFTER: dict[str, _Pick[str]] = {
    "": _Pick(
        [("opgelost", 55.0), ("deels_opgelost", 20.0), ("niet_opgelost", 12.0),
         ("ingetrokken", 13.0)]
    ),
    "overgenomen": _Pick([("opgelost", 90.0), ("deels_opgelost", 10.0)]),
    "deels_overgenomen": _Pick(
        [("deels_opgelost", 75.0), ("opgelost", 10.0), ("niet_opgelost", 15.0)]
    ),
    "gemotiveerd_afgewezen": _Pick(
        [("niet_opgelost", 70.0), ("deels_opgelost", 20.0), ("ingetrokken", 10.0)]
    ),
}
_TRIAGE_REASON: dict[str, tuple[str, ...]] = {
    "vastgelopen_casus": (
        "Reguliere routes doorlopen zonder resultaat; de casus zit vast.",
        "Meerdere loketten geprobeerd, geen eigenaar bij de dienst.",
        "Bezwaar en klacht leverden niets op; inzet van de Belangenbehartiger nodig.",
    ),
    "spoed_ingrijpende_gevolgen": (
        "Ingrijpende gevolgen dreigen op korte termijn.",
        "Beslag en huurachterstand: snelle inzet nodig.",
    ),
    "reguliere_route_niet_doorlopen": (
        "Klachtprocedure bij de dienst is nog niet gevolgd.",
        "Eerst bezwaar maken; de aandrager is daarop gewezen.",
    ),
    "loopt_elders": (
        "Casus ligt al bij het Loket Rechtsstatelijkheid en Hardheden.",
        "De Nationale ombudsman onderzoekt de zaak al.",
    ),
    "buiten_taak": (
        "Vraag gaat over gemeentelijke belastingen.",
        "Hulpvraag betreft vooral schulden bij andere schuldeisers.",
    ),
    "niet_vastgelopen": (
        "De dienst behandelt het bezwaar nog binnen de termijn.",
        "Casus is niet vastgelopen; reguliere behandeling loopt.",
    ),
    "capaciteit": ("Tijdelijk geen capaciteit; aandrager gevraagd later opnieuw aan te melden.",),
    "overig": (
        "Andere hulpverlener past beter bij de hulpvraag.",
        "Geen toestemming van de persoon ontvangen.",
    ),
}
_DECISION = _Pick([("in_behandeling", 75.0), ("doorverwezen", 18.0), ("niet_in_behandeling", 7.0)])
_REASON_REFERRED = _Pick([
    ("reguliere_route_niet_doorlopen", 40.0), ("loopt_elders", 25.0), ("buiten_taak", 20.0),
    ("niet_vastgelopen", 10.0), ("overig", 5.0),
])
_REASON_REFUSED = _Pick([
    ("niet_vastgelopen", 35.0), ("buiten_taak", 30.0), ("loopt_elders", 12.0), ("capaciteit", 8.0),
    ("reguliere_route_niet_doorlopen", 8.0), ("overig", 7.0),
])
_REFER_BD = _Pick([
    ("bd_lrh", 30.0), ("bd_klachten", 25.0), ("bd_stella", 6.0), ("juridisch_loket", 10.0),
    ("sociaal_raadslieden", 8.0), ("schuldhulpverlening", 8.0), ("gemeente", 6.0),
    ("nationale_ombudsman", 3.0), ("ibtd", 1.0), ("overig", 3.0),
])
_REFER_DT = _Pick([
    ("dienst_toeslagen", 40.0), ("juridisch_loket", 12.0), ("sociaal_raadslieden", 12.0),
    ("schuldhulpverlening", 14.0), ("gemeente", 10.0), ("nationale_ombudsman", 5.0),
    ("bd_lrh", 3.0), ("ibtd", 1.0), ("overig", 3.0),
])
_HOW = _Pick([
    ("e-mail", 45.0), ("telefonisch", 25.0), ("beveiligde e-mail", 15.0), ("brief", 8.0),
    ("partneroverleg", 7.0),
])
_NOTE = (
    "Aandrager telefonisch bijgepraat over de stand van zaken.",
    "Stukken van de aandrager ontvangen en aan het dossier toegevoegd.",
    "Casus besproken in het wekelijkse casusoverleg.",
    "Dienst vraagt nog enkele weken voor de beoordeling.",
    "Contact gelegd met de vaste contactpersoon bij de dienst.",
    "Aandrager meldt dat de situatie verslechtert.",
    "Wacht op aanvullende stukken van de aandrager.",
    "Mogelijk patroon: vergelijkbare casussen bij dezelfde afdeling.",
    "Tijdlijn van besluiten en brieven op een rij gezet.",
    "Afgestemd met de aandrager wie de persoon informeert.",
    "Berekening van de dienst nagerekend; verschil zit in het toetsingsinkomen.",
)
_CONSULTED_WITH: dict[str, tuple[str, ...]] = {
    _BD: (
        "Teamleider Invordering Belastingdienst",
        "Behandelaar bezwaar Belastingdienst",
        "Loket Rechtsstatelijkheid en Hardheden",
        "Vaktechnisch coördinator Belastingdienst",
    ),
    _DT: (
        "Behandelaar bezwaar Dienst Toeslagen",
        "Teamleider Terugvorderingen Dienst Toeslagen",
        "Zaakbehandelaar Herstel Toeslagen",
        "Klachtbehandelaar Dienst Toeslagen",
    ),
    "": (
        "Casusoverleg Belangenbehartiger",
        "Juridisch adviseur Belangenbehartiger",
        "Aandrager en de persoon samen",
        "Gemeente, schulddienstverlening",
    ),
}
_INTAKE_NOTE = (
    "Intake besproken in het casusoverleg; plan van aanpak gemaakt.",
    "Kennismakingsgesprek met de aandrager gevoerd.",
    "Eerste analyse: kern van het probleem ligt bij de berekening.",
    "Gesprek met de persoon en de aandrager samen ingepland.",
)
_DATA_RECEIVED = (
    "Gevraagde gegevens ontvangen van de dienst.",
    "Dossier van de dienst ontvangen; berekening wordt nagelopen.",
    "Gegevens gedeeltelijk ontvangen; de rest is toegezegd.",
)
_CONSULT_SUMMARY = (
    "Afgesproken dat de dienst de berekening opnieuw bekijkt.",
    "Dienst bevestigt dat de invordering stilstaat zolang de casus loopt.",
    "Samen de mogelijkheden voor een zienswijze verkend.",
    "Tijdlijn van de besluiten doorgenomen; één ontbrekende beschikking gevonden.",
    "Afgesproken wie de persoon informeert en wanneer.",
    "Gesproken over de ruimte die de hardheidsclausule biedt.",
)
_DATA_WHAT: dict[str, tuple[str, ...]] = {
    _BD: (
        "Dossieroverzicht met aanslagen en betalingen",
        "Invorderingshistorie en openstaande posten",
        "Bezwaarschrift en beslissing op bezwaar",
        "Berekening van de aflossingscapaciteit",
        "Notities van contacten met de BelastingTelefoon",
    ),
    _DT: (
        "Volledig dossieroverzicht toeslagen",
        "Berekening van de terugvordering",
        "Inkomens- en huishoudgegevens die de dienst gebruikte",
        "Stand van de integrale beoordeling",
        "Overzicht van verrekeningen",
    ),
}
_PAUSE_PROCEDURE: dict[str, tuple[str, ...]] = {
    _BD: (
        "Dwanginvordering van de aanslag",
        "Beslag op inkomen",
        "Invordering van de navorderingsaanslag",
        "Verrekening met de teruggaaf",
    ),
    _DT: (
        "Invordering van de terugvordering",
        "Verrekening met lopende toeslagen",
        "Betalingsregeling (betaalpauze)",
        "Behandeling van het bezwaar, in overleg aangehouden",
    ),
}
_PAUSE_AGREED: dict[str, tuple[str, ...]] = {
    _BD: (
        "Teamleider Invordering Belastingdienst",
        "Afdelingshoofd Invordering Belastingdienst",
        "Coördinator Loket Rechtsstatelijkheid en Hardheden",
    ),
    _DT: (
        "Teamleider Terugvorderingen Dienst Toeslagen",
        "Afdelingshoofd Invordering Dienst Toeslagen",
        "Zaakbehandelaar Herstel Toeslagen",
    ),
}
_URGENCY_REASON = (
    "Beslag op inkomen dreigt binnen enkele weken.",
    "Huurachterstand door verrekening met de toeslag; uithuiszetting dreigt.",
    "Toeslag stopgezet; geen geld voor de vaste lasten.", "Bezwaartermijn verloopt binnenkort.",
    "Dwangbevel ontvangen, deurwaarder aangekondigd.", "Energieleverancier dreigt af te sluiten.",
)
_REOPEN_REASON = (
    "Dienst voert de afspraak niet uit; invordering loopt toch door.",
    "Nieuwe beschikking wijkt af van de toezegging.",
    "Persoon ontvangt opnieuw een aanmaning over dezelfde schuld.",
    "Aandrager meldt dat de uitbetaling uitblijft.",
)
_INTERVIEW_REMARK = (
    "Persoon voelde zich eindelijk gehoord.", "Aandrager waardeert de korte lijnen met de dienst.",
    "Doorlooptijd werd als lang ervaren.", "Uitkomst valt tegen, maar de uitleg was helder.",
    "Warme overdracht verliep soepel.", "Aandrager had graag eerder een tussenstand gehad.",
    "Persoon heeft weer vertrouwen in contact met de dienst.",
)
_STORY_OPENER = (
    "Een alleenstaande ouder met twee jonge kinderen",
    "Een zzp'er die door ziekte maanden niet kon werken",
    "Een gepensioneerde die de administratie altijd aan de partner overliet",
    "Een jong gezin met een wisselend inkomen uit uitzendwerk",
    "Een mantelzorger met een kleine deeltijdbaan",
    "Een ondernemer die de zaak na een faillissement opnieuw opbouwde",
    "Een statushouder die nog weinig Nederlands leest",
    "Een gezin waarvan een van de ouders plotseling overleed",
)
_STORY_PROBLEM: dict[str, tuple[str, ...]] = {
    "betalingsregeling": (
        "kon de betalingsregeling niet volhouden en zag de schuld daarna in één keer terugkomen",
    ),
    "matiging": (
        "kreeg een terugvordering die het hele maandbudget opslokte",
        "moest jaren later een toeslag terugbetalen door een fout die niet te voorzien was",
    ),
    "vermindering": (
        "kreeg een aanslag op basis van een schatting die ver boven het echte inkomen lag",
    ),
    "kwijtschelding": ("werd kwijtschelding geweigerd door een verkeerd vastgesteld vermogen",),
    "boete": ("kreeg boete op boete voor één en dezelfde vergissing",),
    "opschorting": (
        "hield na beslag en verrekening geen leefgeld meer over",
        "zag de invordering doorlopen terwijl het bezwaar nog niet was behandeld",
    ),
    "herberekening": ("verloor de toeslag door een adreswijziging die verkeerd was verwerkt",),
    "herstel": ("wachtte lang op herstel terwijl nieuwe schulden opliepen",),
    "dienstverlening": ("kreeg van elke medewerker een ander antwoord en gaf het op",),
}
_STORY_ACTION = (
    "De Belangenbehartiger vroeg het dossier op, sprak met de dienst en schreef een "
    "zienswijze.",
    "Met de regiefunctie kwam de zaak bij één behandelaar terecht.",
    "Samen met de aandrager is alles op een rij gezet en aan de dienst voorgelegd.",
)
_STORY_ACTION_ESCALATED = (
    "Na een heroverwegingsverzoek keek de leiding van de dienst opnieuw naar de zaak.",
    "Pas na escalatie binnen de dienst kwam er beweging in de zaak.",
)
_STORY_RESULT: dict[str, tuple[str, ...]] = {
    "good": (
        "Er is nu een oplossing die past bij de situatie.",
        "De persoon heeft weer rust en overzicht.",
    ),
    "bad": (
        "Een oplossing kwam er niet, maar er is wel duidelijkheid.",
        "Het knelpunt is als signaal doorgegeven.",
    ),
}
_APPROVAL_NOTE = (
    "Geen herleidbare details; akkoord voor de rapportage.",
    "Akkoord na het weglaten van de woonplaats.", "Akkoord.",
)
_DEADLINE_MET_HOW = {
    "bezwaartermijn": (
        "Pro-forma bezwaar ingediend door de aandrager.",
        "Bezwaar ingediend met hulp van de Belangenbehartiger.",
        "Bezwaarschrift tijdig verstuurd door de rechtshulpverlener.",
    ),
    "beroepstermijn": (
        "Beroep ingesteld door de rechtshulpverlener.",
        "Pro-forma beroep ingesteld om de termijn veilig te stellen.",
    ),
    "beslistermijn": ("Dienst besliste binnen de termijn.", "Beslissing op bezwaar ontvangen."),
    "betalingstermijn": ("Eerste termijn op tijd betaald.", "Bedrag voldaan binnen de termijn."),
    "overig": ("Stukken op tijd aangeleverd.",),
}
_DEADLINE_MISSED_HOW = {
    "bezwaartermijn": (
        "Termijn verstreken voordat de casus binnenkwam; verzoek om ambtshalve herziening.",
        "Bezwaar te laat ingediend; verschoonbaarheid aangevoerd.",
    ),
    "beroepstermijn": ("Geen beroep ingesteld; de dienst heeft het besluit zelf herzien.",),
    "beslistermijn": (
        "Dienst besliste niet op tijd; ingebrekestelling verstuurd.",
        "Beslistermijn overschreden zonder verdaging.",
    ),
    "betalingstermijn": ("Termijn gemist; nieuwe afspraak nodig.",),
    "overig": ("Termijn verstreken; afgesproken dat de dienst de zaak toch oppakt.",),
}
_HANDLERS = (
    "Noor Vermeulen", "Daan Koster", "Sanne Brouwer", "Youssef El Idrissi", "Lotte de Graaf",
    "Bram Hendriks", "Fleur Mulder", "Ilse van Dam", "Ruben Smit", "Priya Ramdin",
)
_REVIEWERS = ("Marieke Bosman", "Erik van Leeuwen", "Hanneke Post")
_FIRST_NAMES = (
    "Anna", "Bas", "Carla", "Dirk", "Esra", "Frank", "Greet", "Hamid", "Iris", "Joost", "Karin",
    "Lucas", "Mila", "Nico", "Olga", "Pieter", "Rosa", "Sem", "Tara", "Wim",
)
_FICTIONAL_SURNAMES = (
    "Voorbeeld", "de Proef", "Testers", "van Oefenen", "Fictief", "Modaal", "Verzonnen", "van Demo",
    "Doorsnee", "Gemiddeld", "de Steekproef", "Zomaar",
)
_FICTIONAL_STREETS = ("Voorbeeldstraat", "Proefweg", "Fictieflaan", "Oefenpad", "Testhof")
_FICTIONAL_PLACES = ("Voorbeeldstad", "Proefdorp", "Oefenwijk", "Testerveen")

# Signals: (title, problem, proposed solution, regulation, services) per theme.
_SignalTemplate = tuple[str, str, str, str, tuple[str, ...]]
_SIGNAL_TEMPLATES: dict[str, tuple[_SignalTemplate, ...]] = {
    "complexe_wetgeving": (
        (
            "Volledige terugvordering bij kleine overschrijding van de inkomensgrens",
            "Een kleine overschrijding van de inkomensgrens leidt tot terugvordering van de "
            "volledige toeslag over het hele jaar.",
            "Een glijdende schaal in plaats van een harde grens.",
            "Awir art. 26",
            (_DT,),
        ),
        (
            "Partnerbegrip verschilt tussen toeslagen en belastingen",
            "Burgers begrijpen niet waarom iemand voor de toeslag wel en voor de belasting "
            "geen partner is, en geven het verkeerd door.",
            "Het partnerbegrip in één brief uitleggen en waar mogelijk gelijktrekken.",
            "Awir art. 3; AWR art. 5a",
            (_BD, _DT),
        ),
        (
            "Navordering over vele jaren bij een onbewuste fout",
            "Een onbewuste fout in de aangifte leidt tot navordering over vijf jaar, "
            "inclusief rente, zonder dat iemand eerder waarschuwde.",
            "Navordering beperken als de dienst de fout eerder had kunnen zien.",
            "AWR art. 16",
            (_BD,),
        ),
    ),
    "dienstverlening": (
        (
            "Brieven over terugvordering onduidelijk",
            "Burgers begrijpen de brief niet en missen daardoor de bezwaartermijn.",
            "Brief herschrijven met de termijn bovenaan en een vaste contactpersoon.",
            "Awb art. 3:46",
            (_DT,),
        ),
        (
            "Geen vast aanspreekpunt bij complexe zaken",
            "Bij meervoudige problemen spreekt de burger bij elk contact iemand anders en "
            "moet het verhaal steeds opnieuw worden verteld.",
            "Een persoonlijke zaakbehandelaar bij meervoudige problematiek.",
            "",
            (_BD, _DT),
        ),
        (
            "Terugbelafspraken worden niet nagekomen",
            "Toegezegde terugbelverzoeken blijven uit, ook bij dreigende invordering.",
            "Terugbelafspraken registreren en bewaken, met voorrang bij invordering.",
            "",
            (_BD,),
        ),
    ),
    "invordering_schulden": (
        (
            "Betalingsregeling stopt na één gemiste termijn",
            "Eén gemiste termijn beëindigt de betalingsregeling en maakt de hele schuld "
            "opeisbaar, ook bij een aantoonbare tijdelijke terugval.",
            "Bij een gemiste termijn eerst contact opnemen in plaats van direct beëindigen.",
            "Leidraad Invordering art. 25",
            (_BD,),
        ),
        (
            "Verrekening onder de beslagvrije voet",
            "Verrekening van toeslagen met oude schulden laat te weinig leefgeld over.",
            "De beslagvrije voet ook toepassen bij verrekening.",
            "Awir art. 30",
            (_DT,),
        ),
        (
            "Kwijtschelding geweigerd door een auto die nodig is voor werk",
            "De waarde van een auto die nodig is om naar het werk te gaan staat kwijtschelding "
            "in de weg.",
            "Een auto die nodig is voor werk of zorg buiten het vermogen laten.",
            "Uitvoeringsregeling Invorderingswet",
            (_BD,),
        ),
    ),
    "processen_ict": (
        (
            "Adreswijziging niet verwerkt in het toeslagensysteem",
            "Een adreswijziging in de basisregistratie komt laat of niet door, waardoor "
            "toeslagen ten onrechte stoppen.",
            "Wijzigingen uit de basisregistratie direct en automatisch verwerken.",
            "",
            (_DT,),
        ),
        (
            "Bezwaar en invordering niet aan elkaar gekoppeld",
            "De invordering loopt door terwijl het bezwaar nog niet is behandeld, omdat de "
            "systemen elkaar niet kennen.",
            "Automatisch uitstel van betaling zodra een bezwaar is geregistreerd.",
            "Leidraad Invordering art. 25",
            (_BD,),
        ),
    ),
    "onbedoelde_hardheid": (
        (
            "Stapeling van boetes voor één vergissing",
            "Voor één vergissing volgen meerdere boetes die samen niet in verhouding staan "
            "tot de fout.",
            "Boetes samen beoordelen op evenredigheid.",
            "AWR art. 67a; Awb art. 5:46",
            (_BD,),
        ),
        (
            "Terugvordering kinderopvangtoeslag bij een fout van de opvang",
            "Ouders moeten terugbetalen omdat de opvang de uren verkeerd doorgaf.",
            "Terugvordering matigen als de ouder te goeder trouw was.",
            "Wet kinderopvang art. 1.6; Awir art. 26",
            (_DT,),
        ),
    ),
    "overig": (
        (
            "Gegevensuitwisseling met gemeenten schiet tekort",
            "Schuldhulpverleners krijgen de stand van de schulden bij de diensten niet "
            "compleet, waardoor een schuldregeling vastloopt.",
            "Eén overzicht van alle vorderingen voor de schuldhulpverlener.",
            "",
            (_BD, _DT),
        ),
    ),
}
_SIGNAL_SCOPE = (
    "Naar schatting enkele honderden huishoudens per jaar.",
    "Naar schatting duizenden huishoudens.",
    "Vooral zzp'ers met een wisselend inkomen; omvang onbekend.",
    "Meerdere aandragers melden hetzelfde patroon.",
    "Omvang onbekend; het patroon komt in meerdere regio's voor.",
)
_SIGNAL_RESPONSE: dict[str, tuple[str, ...]] = {
    "overgenomen": (
        "De dienst past de werkwijze aan en informeert de uitvoering.",
        "Signaal overgenomen; een aangepaste brief is in voorbereiding.",
    ),
    "in_behandeling": (
        "Signaal geregistreerd; de proceseigenaar beoordeelt het.",
        "Signaal wordt meegenomen in een lopend verbetertraject.",
    ),
    "niet_overgenomen": (
        "De dienst ziet geen aanleiding de werkwijze te wijzigen; een wetswijziging is nodig.",
        "Niet overgenomen: de dienst acht de huidige werkwijze in lijn met de wet.",
    ),
}
_SIGNAL_FEEDBACK_TO = (
    "Aandragers van de gekoppelde casussen", "Partneroverleg sociaal raadslieden",
    "Landelijk overleg schuldhulpverlening", "Aandragers via de nieuwsbrief",
)
_SIGNAL_CLOSE_REASON = {
    "overgenomen": (
        "Werkwijze aangepast; signaal afgehandeld.", "Brief aangepast; signaal afgehandeld.",
    ),
    "in_behandeling": ("Meegenomen in de rapportage aan de Kamer.",),
    "niet_overgenomen": ("Niet overgenomen; het knelpunt blijft gevolgd in de trendanalyse.",),
}

_CITIZEN_GOOD = _Pick([(5, 3.0), (6, 10.0), (7, 25.0), (8, 34.0), (9, 20.0), (10, 8.0)])
_CITIZEN_BAD = _Pick([
    (2, 3.0), (3, 6.0), (4, 12.0), (5, 20.0), (6, 25.0), (7, 22.0), (8, 10.0), (9, 2.0),
])
_HELPER_SCORE = _Pick([(4, 2.0), (5, 5.0), (6, 14.0), (7, 28.0), (8, 32.0), (9, 15.0), (10, 4.0)])
_LEVELS = ("teamleider", "afdelingshoofd", "directeur", "directeur_generaal")
_FIRST_LEVEL = _Pick([(0, 55.0), (1, 30.0), (2, 12.0), (3, 3.0)])
_RESPONSE = _Pick([
    ("overgenomen", 55.0), ("deels_overgenomen", 25.0), ("gemotiveerd_afgewezen", 20.0),
])
_ESC_RESPONSE = _Pick([
    ("overgenomen", 45.0), ("deels_overgenomen", 30.0), ("gemotiveerd_afgewezen", 25.0),
])
_GROUNDS: dict[str, tuple[str, ...]] = {
    "betalingsregeling": ("maatwerk_betalingsregeling",),
    "matiging": ("hardheidsclausule", "evenredigheid_awb_3_4"),
    "vermindering": ("ambtshalve_vermindering", "evenredigheid_awb_3_4"),
    "kwijtschelding": ("kwijtschelding",),
    "boete": ("evenredigheid_awb_3_4", "coulance"),
    "opschorting": ("afwijkingsbevoegdheid_awb_4_84", "coulance"),
    "herberekening": ("coulance", "overig"),
    "herstel": ("coulance", "hardheidsclausule"),
    "dienstverlening": ("overig", "coulance"),
}
_POWERS_NOTE = (
    "Geen bevoegdheid om een wettelijke terugvordering zelf te matigen.",
    "Doorzettingsmacht reikt niet tot besluiten die bij de rechter liggen.",
    "Gegevens van de gemeente vallen buiten de toegang tot gegevens.",
    "Dienst volgde de zienswijze pas na escalatie tot de top.",
)
_CORRECTION_REASON: dict[str, tuple[str, ...]] = {
    "registered": (
        "Samenvatting aangevuld na het intakegesprek.",
        "Ordegrootte vordering verkeerd overgenomen van het aanmeldformulier.",
    ),
    "triaged": ("Verkeerde reden gekozen bij de triage.",),
    "note": ("Typefout in de notitie hersteld.",),
    "closing_interview": ("Rapportcijfer verkeerd overgenomen van het formulier.",),
    "closed": ("Toelichting op de bevoegdheden aangevuld na overleg met de teamleider.",),
    "partner_informed": ("Verkeerde manier van informeren vastgelegd.",),
    "consulted": ("Samenvatting van het overleg aangevuld.",),
}
_RETRACT_REASON: dict[str, tuple[str, ...]] = {
    "note": ("Notitie bij de verkeerde casus vastgelegd.", "Notitie dubbel vastgelegd."),
    "reminder_sent": ("Rappel dubbel geregistreerd.", "Rappel bleek niet verstuurd."),
}

# Busier months: tax returns and the definitive toeslagen settlements in spring, the
# autumn after the summer break; quiet around the holidays.
_MONTH_WEIGHT = (0.75, 1.0, 1.2, 1.25, 1.1, 1.0, 0.75, 0.65, 1.1, 1.2, 1.15, 0.8)
# fmt: on


def _slug(text: str) -> str:
    table = str.maketrans("éëèêïöüáà", "eeeeiouaa")
    return "".join(ch for ch in text.lower().translate(table) if ch.isalnum())


def _domain(org: str) -> str:
    """A mail domain that reads like the organisation's own, under the reserved
    ``.example`` top level so no message can ever reach a real address."""
    words = [_slug(w) for w in org.replace(",", " ").split()]
    words = [w for w in words if w]
    while len(words) > 1 and len("-".join(words)) > 32:
        words.pop()
    return "-".join(words)


def _bsn(rng: random.Random) -> str:
    """A number that passes the 11-proef, so the register's own validation accepts it."""
    while True:
        digits = [rng.randint(1, 6)] + [rng.randint(0, 9) for _ in range(7)]
        total = sum(w * d for w, d in zip((9, 8, 7, 6, 5, 4, 3, 2), digits, strict=True))
        check = total % 11
        if check < 10:
            return "".join(map(str, digits)) + str(check)


class _Generator:
    """Holds the draws that every case shares (partners, pools) and builds the cases."""

    def __init__(self, rng: random.Random, cl: Codelists, start: int, end: int) -> None:
        self.rng = rng
        self.cl = cl
        self.start = start
        self.end = end
        self.iso = _Iso()
        self.partner_types: dict[str, _Pick[str]] = {}
        for route in cl.keys("route", active_only=True):
            types = cl.partner_types_for_route(route)
            if types:
                self.partner_types[route] = _Pick(
                    [(t, _PARTNER_TYPE_WEIGHT.get(t, 1.0)) for t in types]
                )
        self.orgs: dict[str, _Pick[str]] = {}
        self.contacts: dict[str, list[dict[str, str]]] = {}
        self.valid_topics = set(cl.keys("topic"))

    # --- intake ---------------------------------------------------------------------

    def _org(self, partner_type: str) -> str:
        pick = self.orgs.get(partner_type)
        if pick is None:
            rng = self.rng
            size, patterns = _ORGS.get(partner_type, (1, ("Overige aandrager",)))
            names: list[str] = []
            for _ in range(size * 4):
                name = rng.choice(patterns).format(
                    c=rng.choice(_CITIES), r=rng.choice(_REGIONS), n=rng.choice(_FIRMS)
                )
                if name not in names:
                    names.append(name)
                if len(names) == size:
                    break
            pick = _Pick([(n, 1.0 / (i + 1) ** 0.8) for i, n in enumerate(names)])
            self.orgs[partner_type] = pick
        return pick(self.rng)

    def _contact(self, org: str) -> dict[str, str]:
        """A partner has a few contact persons who bring its cases (P1, fictional)."""
        rng = self.rng
        people = self.contacts.setdefault(org, [])
        if len(people) < 3 and (not people or rng.random() < 0.25):
            first = rng.choice(_FIRST_NAMES)
            last = rng.choice(_FICTIONAL_SURNAMES)
            people.append(
                {
                    "name": f"{first} {last}",
                    "email": f"{first[0].lower()}.{_slug(last)}@{_domain(org)}.example",
                    "phone": f"085-00{rng.randint(10000, 99999)}",
                }
            )
        return dict(rng.choice(people))

    def _services_topics(self, route: str, group: str) -> tuple[list[str], list[str]]:
        rng = self.rng
        x = rng.random()
        if route == _BD:
            services = [_BD, _DT] if x < 0.08 else [_BD]
        elif route == _DT:
            services = [_DT, _BD] if x < 0.10 else [_DT]
        else:
            services = [_BD] if x < 0.48 else [_DT] if x < 0.85 else [_DT, _BD]
            if group in ("zzp", "mkb_ondernemer") and services == [_DT] and rng.random() < 0.6:
                services = [_BD]
        business = group in ("zzp", "mkb_ondernemer")
        first = (
            _DT_TOPICS(rng)
            if services[0] == _DT
            else (_BD_TOPICS_BUSINESS if business else _BD_TOPICS_PERSON)(rng)
        )
        if first == "vennootschapsbelasting" and group != "mkb_ondernemer":
            first = "omzetbelasting"
        topics = [first]
        y = rng.random()
        n = 1 if y < 0.45 else 2 if y < 0.85 else 3
        if len(services) == 2:
            other = (
                _DT_TOPICS(rng)
                if services[1] == _DT
                else (_BD_TOPICS_BUSINESS if business else _BD_TOPICS_PERSON)(rng)
            )
            if other not in topics and other != "vennootschapsbelasting":
                topics.append(other)
        while len(topics) < n:
            cand = rng.choice(_RELATED_TOPICS.get(topics[-1], ("overig",)))
            only = _TOPIC_SERVICE_ONLY.get(cand)
            if cand in topics or (only is not None and only not in services):
                break
            topics.append(cand)
        return services, [t for t in topics if t in self.valid_topics]

    def _registered(self, received: int) -> tuple[Event, dict[str, Any]]:
        """The intake row, plus what the rest of the simulation needs to know of it."""
        rng = self.rng
        r = rng.random
        route = _ROUTES(rng)
        if route not in self.partner_types:
            route = next(iter(self.partner_types))
        partner_type = self.partner_types[route](rng)
        group = _TARGET_GROUP(rng)
        services, topics = self._services_topics(route, group)
        social = route == "maatschappelijke_partner"

        # procedures follow the service of the first topic
        procs: list[str] = []
        k = r()
        nprocs = 0 if k < 0.25 else 1 if k < 0.70 else 2 if k < 0.95 else 3
        pool = _PROCEDURES_DT if services[0] == _DT else _PROCEDURES_BD
        for _ in range(nprocs):
            p = pool[min(int(rng.expovariate(0.45)), len(pool) - 1)]
            if p not in procs:
                procs.append(p)
        tried: list[str] = []
        for _ in range(rng.choice((0, 1, 1, 2, 2, 3)) if social else rng.choice((0, 0, 1, 2))):
            t = rng.choice(_ROUTES_TRIED)
            if t not in tried:
                tried.append(t)
        multi = r() < (0.55 if social else 0.3)
        urgent = r() < (0.35 if ("beslag" in procs or "dwanginvordering" in procs) else 0.13)
        remedies = [m for t in topics for m in _REMEDIES_FOR_TOPIC.get(t, ("dienstverlening",))]
        remedy = rng.choice(remedies) if remedies else "dienstverlening"

        summary = rng.choice(_SITUATION.get(topics[0], _SITUATION["overig"]))
        if r() < 0.8:
            summary += " " + rng.choice(_COMPLICATION)
        if multi and r() < 0.4:
            summary += " Meervoudige problematiek."
        band_pick = rng.choice(_CLAIM_BANDS.get(group, _CLAIM_BANDS["burger"]))
        if social:
            known = rng.choice(("ja", "ja", "nee", "nee", "onbekend"))
            if partner_type in ("belastingadviseur", "rechtshulp"):
                consent = "machtiging" if r() < 0.7 else "toestemming"
            else:
                consent = rng.choice(
                    ("toestemming", "toestemming", "toestemming", "machtiging", "onbekend")
                )
        elif route in (_BD, _DT):
            known = "ja" if r() < 0.92 else "onbekend"
            consent = rng.choice(
                ("niet_nodig", "niet_nodig", "niet_nodig", "toestemming", "onbekend")
            )
        else:
            known = rng.choice(("ja", "ja", "nee", "onbekend"))
            consent = rng.choice(("toestemming", "machtiging", "onbekend"))

        ev: Event = {"kind": "registered", "received_on": self.iso[received], "route": route}
        ev["partner_type"] = partner_type
        org = self._org(partner_type)
        if r() < 0.97:
            ev["partner_org"] = org
        if r() < (0.45 if social else 0.25):
            ev["helper_contact"] = self._contact(org)
        ev["services"] = services
        ev["topics"] = topics
        ev["target_group"] = group
        ev["help_request"] = rng.choice(_HELP_REQUEST[remedy])
        ev["running_procedures"] = procs
        ev["routes_tried"] = tried
        ev["claim_band"] = band_pick
        ev["multi_problem"] = multi
        if multi and r() < 0.6:
            bodies = rng.sample(_OTHER_BODIES, rng.choice((1, 1, 2)))
            ev["other_bodies"] = bodies
        ev["urgent"] = urgent
        if urgent:
            ev["urgency_reason"] = rng.choice(_URGENCY_REASON)
        ev["known_to_service"] = known
        ev["consent"] = consent
        ev["summary"] = summary
        info = {"services": services, "remedy": remedy, "procs": procs, "urgent": urgent}
        return ev, info

    # --- one case -------------------------------------------------------------------

    def case(self, ref: str, received: int) -> dict[str, Any]:
        """One case, simulated until it is done or ``end`` is reached."""
        tl = _Timeline(received, self.end, self.iso)
        reg, info = self._registered(received)
        tl.events.append(reg)
        with suppress(_PastEnd):
            self._intake_and_beyond(tl, info)
        return {"ref": ref, "events": tl.finish()}

    def _step(self, tl: _Timeline, lo: int, hi: int) -> int:
        return _fwd(tl.t + self.rng.randint(lo, hi))

    def _deadline(
        self, tl: _Timeline, kind: str, on: int, start_on: int, due: int | None, desc: str
    ) -> None:
        """Record a term and plan whether it is met; bezwaar and beroep get their last
        day computed by the importer, so ``due_on`` stays out of the file for them."""
        rng = self.rng
        payload: Event = {"deadline_kind": kind, "start_on": self.iso[start_on]}
        if kind in ("bezwaartermijn", "beroepstermijn"):
            last = start_on + 42
        else:
            assert due is not None
            payload["due_on"] = self.iso[due]
            last = due
        payload["description"] = desc
        ev = tl.add(on, "deadline_set", "on", payload)
        on = tl.t
        if rng.random() < 0.8:
            if rng.random() < 0.82 and last >= on:
                met = _back(on + rng.randint(0, max(0, last - on)))
                met = max(met, on)
                result = "gehaald"
                how = rng.choice(_DEADLINE_MET_HOW[kind])
            else:
                met = _fwd(max(last, on) + rng.randint(3, 12))
                result = "verstreken"
                how = rng.choice(_DEADLINE_MISSED_HOW[kind])
            tl.later(met, "deadline_met", "on", {"deadline": ev, "result": result, "how": how})

    def _intake_and_beyond(self, tl: _Timeline, info: dict[str, Any]) -> None:
        rng = self.rng
        r = rng.random
        received = tl.t
        procs: list[str] = info["procs"]
        urgent: bool = info["urgent"]
        if r() < 0.8:
            tl.add(
                self._step(tl, 0, 2),
                "partner_informed",
                "on",
                {"about": "ontvangst", "how": _HOW(rng)},
            )
        if ("bezwaar" in procs and r() < 0.45) or r() < 0.04:
            start_on = received - rng.randint(2, 32)
            self._deadline(
                tl,
                "bezwaartermijn",
                self._step(tl, 0, 3),
                start_on,
                None,
                rng.choice(
                    (
                        "Bezwaartermijn tegen de aanslag.",
                        "Bezwaartermijn tegen de beschikking.",
                        "Bezwaartermijn tegen de terugvordering.",
                    )
                ),
            )
        if r() < 0.15:
            tl.add(self._step(tl, 0, 3), "note", "on", {"text": rng.choice(_NOTE)})
        delay = rng.randint(0, 3) if urgent else min(int(rng.expovariate(1 / 6)) + 1, 35)
        decided = _fwd(received + delay)
        decision = _DECISION(rng)
        services: list[str] = info["services"]
        if decision == "in_behandeling":
            code = "spoed_ingrijpende_gevolgen" if urgent and r() < 0.6 else "vastgelopen_casus"
        elif decision == "doorverwezen":
            code = _REASON_REFERRED(rng)
        else:
            code = _REASON_REFUSED(rng)
        tri: Event = {"decision": decision, "reason_code": code}
        if decision == "doorverwezen":
            tri["referred_to"] = (_REFER_DT if services[0] == _DT else _REFER_BD)(rng)
        tri["reason"] = rng.choice(_TRIAGE_REASON[code])
        tl.add(decided, "triaged", "decided_on", tri)
        if r() < 0.85:
            tl.add(
                self._step(tl, 0, 3),
                "partner_informed",
                "on",
                {"about": "triagebesluit", "how": _HOW(rng)},
            )
        if decision == "doorverwezen":
            if r() < 0.6:
                by = self.cl.label("referred_to", tri["referred_to"])
                tl.later(
                    self._step(tl, 1, 15),
                    "handover_confirmed",
                    "on",
                    {"by": f"Contactpersoon {by}"},
                )
            if r() < 0.3:
                tl.add(self._step(tl, 1, 10), "note", "on", {"text": rng.choice(_NOTE)})
            if r() < 0.35:
                tl.add(
                    self._step(tl, 10, 35), "closing_interview", "held_on", self._interview(True)
                )
            return
        if decision == "niet_in_behandeling":
            if r() < 0.15:
                tl.add(self._step(tl, 1, 10), "note", "on", {"text": rng.choice(_NOTE)})
            return
        self._treat(tl, info)

    def _interview(self, good: bool) -> Event:
        rng = self.rng
        p: Event = {
            "citizen_score": None
            if rng.random() < 0.15
            else (_CITIZEN_GOOD if good else _CITIZEN_BAD)(rng),
            "helper_score": None if rng.random() < 0.07 else _HELPER_SCORE(rng),
        }
        if rng.random() < 0.5:
            p["remarks"] = rng.choice(_INTERVIEW_REMARK)
        return p

    def _treat(self, tl: _Timeline, info: dict[str, Any]) -> None:
        """Department II: investigate, maybe pause, write an opinion, escalate, close."""
        rng = self.rng
        r = rng.random
        services: list[str] = info["services"]
        remedy: str = info["remedy"]
        procs: list[str] = info["procs"]
        primary = services[0]
        handler = rng.choice(_HANDLERS)
        handlers = [handler]
        tl.add(self._step(tl, 0, 2), "assigned", "on", {"handler": handler})
        if r() < 0.3:
            tl.add(self._step(tl, 0, 5), "note", "on", {"text": rng.choice(_INTAKE_NOTE)})
        pressure = info["urgent"] or any(
            p in procs for p in ("dwanginvordering", "beslag", "terugvordering")
        )
        if (pressure and r() < 0.35) or r() < 0.06:
            tl.add(
                self._step(tl, 1, 8),
                "paused",
                "from_on",
                {
                    "procedure": rng.choice(_PAUSE_PROCEDURE[primary]),
                    "citizen_consent": True,
                    "agreed_with": rng.choice(_PAUSE_AGREED[primary]),
                },
            )
            tl.paused = True
            if r() < 0.8:
                tl.resume_at = _fwd(tl.t + rng.randint(14, 100))
        if "bezwaar" in procs and r() < 0.25:
            start_on = tl.t - rng.randint(10, 40)
            due = start_on + 42
            desc = "Beslistermijn op het bezwaar (zes weken)."
            if due < tl.t + 5:
                due = start_on + 84
                desc = "Beslistermijn op het bezwaar, met zes weken verdaagd."
            self._deadline(
                tl,
                "beslistermijn",
                self._step(tl, 0, 4),
                start_on,
                due,
                desc,
            )
        if r() < 0.65:
            what = rng.choice(_DATA_WHAT[primary])
            tl.add(
                self._step(tl, 1, 10),
                "data_requested",
                "requested_on",
                {"service": primary, "what": what},
            )
            if len(services) == 2 and r() < 0.5:
                what = rng.choice(_DATA_WHAT[services[1]])
                tl.add(
                    self._step(tl, 0, 5),
                    "data_requested",
                    "requested_on",
                    {"service": services[1], "what": what},
                )
            if r() < 0.55:
                tl.add(self._step(tl, 4, 20), "note", "on", {"text": rng.choice(_DATA_RECEIVED)})
        if r() < 0.55:
            pool = _CONSULTED_WITH[primary] if r() < 0.7 else _CONSULTED_WITH[""]
            p: Event = {"with": rng.choice(pool)}
            if r() < 0.85:
                p["summary"] = rng.choice(_CONSULT_SUMMARY)
            tl.add(self._step(tl, 2, 14), "consulted", "on", p)
        if r() < 0.6:
            tl.add(self._step(tl, 1, 12), "note", "on", {"text": rng.choice(_NOTE)})
        if r() < 0.3:
            what = rng.choice(_DATA_WHAT[primary])
            tl.add(
                self._step(tl, 3, 15),
                "data_requested",
                "requested_on",
                {"service": primary, "what": f"Aanvullend: {what[0].lower()}{what[1:]}"},
            )
        if r() < 0.08:
            handler = rng.choice([h for h in _HANDLERS if h != handler])
            handlers.append(handler)
            tl.add(self._step(tl, 1, 10), "assigned", "on", {"handler": handler})

        escalated = False
        final: str | None = None
        data_asked = any(e["kind"] == "data_requested" for e in tl.events)
        if r() < 0.78:
            targets = [primary]
            if len(services) == 2 and r() < 0.3:
                targets.append(services[1])
            for svc in targets:
                resp, esc = self._opinion_round(tl, svc, remedy)
                escalated = escalated or esc
                final = resp if final is None or resp == "gemotiveerd_afgewezen" else final
            if r() < 0.5:
                tl.add(
                    self._step(tl, 0, 5),
                    "partner_informed",
                    "on",
                    {"about": "tussenstand", "how": _HOW(rng)},
                )
        elif r() < 0.5:
            tl.add(
                self._step(tl, 5, 20),
                "partner_informed",
                "on",
                {"about": "tussenstand", "how": _HOW(rng)},
            )
        if r() < 0.4:
            tl.add(self._step(tl, 1, 10), "note", "on", {"text": rng.choice(_NOTE)})
        if final == "gemotiveerd_afgewezen" and "bezwaar" in procs and r() < 0.35:
            start_on = tl.t - rng.randint(0, 5)
            self._deadline(
                tl,
                "beroepstermijn",
                self._step(tl, 0, 3),
                start_on,
                None,
                "Beroepstermijn tegen de beslissing op bezwaar.",
            )

        outcome = _OUTCOME_AFTER[final or ""](rng)
        self._close(tl, outcome, final, remedy, escalated, data_asked)
        if (
            remedy == "betalingsregeling"
            and outcome in ("opgelost", "deels_opgelost")
            and r() < 0.4
        ):
            start_on = tl.t
            self._deadline(
                tl,
                "betalingstermijn",
                tl.t,
                start_on,
                start_on + rng.choice((28, 30, 31)),
                "Eerste termijn van de betalingsregeling.",
            )
        elif r() < 0.03:
            self._deadline(
                tl,
                "overig",
                tl.t,
                tl.t,
                tl.t + rng.randint(14, 42),
                "Termijn voor het aanleveren van stukken bij de gemeente.",
            )
        good = outcome in ("opgelost", "deels_opgelost")
        if r() < 0.9:
            tl.add(
                self._step(tl, 0, 5),
                "partner_informed",
                "on",
                {"about": "uitkomst", "how": _HOW(rng)},
            )
        if r() < 0.65:
            tl.add(self._step(tl, 5, 30), "closing_interview", "held_on", self._interview(good))
        if r() < 0.18:
            opener = rng.choice(_STORY_OPENER)
            story = (
                f"{opener} {rng.choice(_STORY_PROBLEM[remedy])}. "
                f"{rng.choice(_STORY_ACTION_ESCALATED if escalated else _STORY_ACTION)} "
                f"{rng.choice(_STORY_RESULT['good' if good else 'bad'])}"
            )
            tl.add(self._step(tl, 3, 30), "story", "on", {"text": story})
            if r() < 0.8:
                reviewers = [p for p in (*_REVIEWERS, *_HANDLERS) if p not in handlers]
                by = rng.choice(reviewers[: len(_REVIEWERS)] if r() < 0.8 else reviewers)
                p2: Event = {"by": by}
                if r() < 0.5:
                    p2["note"] = rng.choice(_APPROVAL_NOTE)
                tl.add(self._step(tl, 1, 14), "story_approved", "on", p2)
        if r() < 0.08:
            tl.add(self._step(tl, 10, 60), "reopened", "on", {"reason": rng.choice(_REOPEN_REASON)})
            if r() < 0.5:
                tl.add(self._step(tl, 1, 7), "reminder_sent", "on", {"service": primary})
            else:
                p3: Event = {"with": rng.choice(_CONSULTED_WITH[primary])}
                tl.add(self._step(tl, 1, 7), "consulted", "on", p3)
            if final is not None and r() < 0.4:
                tl.add(
                    self._step(tl, 2, 15),
                    "service_response",
                    "received_on",
                    {"service": primary, "response": "overgenomen"},
                )
            outcome = "opgelost" if r() < 0.7 else "deels_opgelost"
            self._close(tl, outcome, "overgenomen", remedy, escalated, data_asked)
            if r() < 0.7:
                tl.add(
                    self._step(tl, 0, 5),
                    "partner_informed",
                    "on",
                    {"about": "uitkomst", "how": _HOW(rng)},
                )
            if r() < 0.3:
                tl.add(self._step(tl, 5, 30), "closing_interview", "held_on", self._interview(True))

    def _opinion_round(self, tl: _Timeline, svc: str, remedy: str) -> tuple[str, bool]:
        """One opinion to one service and everything that follows from its answer."""
        rng = self.rng
        r = rng.random
        sent = self._step(tl, 7, 35)
        reply_days = rng.choice((14, 21, 21, 28, 42))
        p: Event = {"service": svc, "proposed_solution": rng.choice(_PROPOSAL[remedy])}
        if r() < 0.9:
            p["reply_due_on"] = self.iso[sent + reply_days]
        tl.add(sent, "opinion_sent", "sent_on", p)
        sent = tl.t
        answer = sent + min(int(rng.expovariate(1 / 22)) + 7, 120)
        if r() < 0.35:
            tl.add(_fwd(sent + rng.randint(2, 12)), "note", "on", {"text": rng.choice(_NOTE)})
        if answer > sent + reply_days and r() < 0.7:
            reminder = _fwd(sent + reply_days + rng.randint(1, 7))
            tl.add(reminder, "reminder_sent", "on", {"service": svc})
            if r() < 0.15:
                tl.add(_fwd(tl.t + rng.randint(10, 20)), "reminder_sent", "on", {"service": svc})
            answer = max(answer, tl.t + rng.randint(3, 14))
        response = _RESPONSE(rng)
        sr: Event = {"service": svc, "response": response}
        if response == "deels_overgenomen":
            sr["summary"] = rng.choice(_RESPONSE_PARTLY[remedy])
        elif response == "gemotiveerd_afgewezen":
            sr["summary"] = rng.choice(_RESPONSE_REJECTED + _REJECTED_FOR.get(remedy, ()))
        elif r() < 0.3:
            sr["summary"] = rng.choice(_RESPONSE_ADOPTED)
        tl.add(_fwd(answer), "service_response", "received_on", sr)
        if response != "overgenomen" and r() < 0.35:
            p2: Event = {"with": rng.choice(_CONSULTED_WITH[svc])}
            p2["summary"] = rng.choice(_CONSULT_SUMMARY)
            tl.add(self._step(tl, 1, 8), "consulted", "on", p2)
        escalated = False
        if response != "overgenomen" and r() < (
            0.6 if response == "gemotiveerd_afgewezen" else 0.4
        ):
            level = _FIRST_LEVEL(rng)
            while True:
                tl.add(
                    self._step(tl, 3, 12),
                    "escalated",
                    "on",
                    {
                        "service": svc,
                        "level": _LEVELS[level],
                        "reason": rng.choice(_ESCALATION_REASON),
                    },
                )
                escalated = True
                response = _ESC_RESPONSE(rng)
                er: Event = {"service": svc, "response": response}
                if response != "overgenomen" or r() < 0.3:
                    er["summary"] = rng.choice(_ESCALATION_ANSWER[response])
                tl.add(self._step(tl, 8, 35), "escalation_response", "received_on", er)
                if response == "overgenomen" or level == len(_LEVELS) - 1 or r() > 0.45:
                    break
                level += 1
        return response, escalated

    def _close(
        self,
        tl: _Timeline,
        outcome: str,
        final: str | None,
        remedy: str,
        escalated: bool,
        data_asked: bool,
    ) -> None:
        """Close with an outcome that follows from the service's last answer; the room
        used and the powers follow from what the case went through."""
        rng = self.rng
        r = rng.random
        if outcome == "opgelost":
            solution = rng.choice(_SOLVED[remedy] if final is not None else _REGIE_SOLVED)
        elif outcome == "deels_opgelost":
            solution = rng.choice(_PARTLY[remedy])
        elif outcome == "niet_opgelost":
            solution = rng.choice(_NOT_SOLVED)
        else:
            solution = rng.choice(_WITHDRAWN)
        grounds: list[str] = []
        if outcome in ("opgelost", "deels_opgelost") and final is not None:
            options = _GROUNDS[remedy]
            grounds.append(rng.choice(options))
            if r() < 0.25:
                extra = rng.choice(
                    ("evenredigheid_awb_3_4", "coulance", "maatwerk_betalingsregeling")
                )
                if extra not in grounds:
                    grounds.append(extra)
        elif outcome in ("opgelost", "deels_opgelost") and r() < 0.4:
            grounds.append(rng.choice(("coulance", "ambtshalve_vermindering", "overig")))
        powers: list[str] = []
        if r() < 0.85:
            powers.append("regiefunctie")
        if data_asked and r() < 0.8:
            powers.append("gegevenstoegang")
        if escalated and r() < 0.95:
            powers.append("doorzettingsmacht")
        if escalated and outcome in ("niet_opgelost", "deels_opgelost"):
            y = r()
            sufficient = "nee" if y < 0.4 else "deels" if y < 0.8 else "ja"
        else:
            y = r()
            sufficient = "ja" if y < 0.78 else "deels" if y < 0.95 else "nee"
        p: Event = {
            "outcome": outcome,
            "solution": solution,
            "grounds": grounds,
            "powers_used": powers,
            "powers_sufficient": sufficient,
        }
        if sufficient != "ja" and r() < 0.7:
            p["powers_note"] = rng.choice(_POWERS_NOTE)
        tl.add(self._step(tl, 3, 20), "closed", "closed_on", p)
        tl.resume_at = None  # closing ends a running pause
        tl.paused = False

    # --- signals --------------------------------------------------------------------

    def signal(
        self,
        ref: str,
        created: int,
        template: _SignalTemplate,
        theme: str,
        pick_cases: list[str],
    ) -> dict[str, Any]:
        rng = self.rng
        r = rng.random
        title, problem, solution, regulation, services = template
        tl = _Timeline(created, self.end, self.iso)
        p: Event = {"title": title, "problem": problem}
        if r() < 0.8:
            opener = rng.choice(_STORY_OPENER)
            remedy = rng.choice(tuple(_STORY_PROBLEM))
            p["human_story"] = f"{opener} {rng.choice(_STORY_PROBLEM[remedy])}."
        p["proposed_solution"] = solution
        p["theme"] = theme
        p["services"] = list(services)
        if regulation:
            p["regulation"] = regulation
        if r() < 0.7:
            p["scope"] = rng.choice(_SIGNAL_SCOPE)
        p["urgency"] = rng.choice(("laag", "midden", "midden", "hoog"))
        tl.add(created, "signal_created", "created_on", p)
        with suppress(_PastEnd):
            self._signal_steps(tl, services, date.fromordinal(created).year)
        return {"ref": ref, "events": tl.finish(), "cases": pick_cases}

    def _signal_steps(self, tl: _Timeline, services: tuple[str, ...], year: int) -> None:
        """Submission, answers, feedback to the partners and closing, as far as ``end``
        allows: partners want to hear back, so most answered signals are fed back."""
        rng = self.rng
        r = rng.random
        if r() < 0.82:
            recipients = [
                "ksms_belastingdienst" if services[0] == _BD or r() < 0.3 else "dienst_toeslagen"
            ]
            if r() < 0.3:
                extra = rng.choice(("ministerie_beleid", "rapportage_kamer", "ibtd", "overig"))
                recipients.append(extra)
            for rec in recipients:
                sp: Event = {"recipient": rec}
                if rec == "ksms_belastingdienst" and r() < 0.8:
                    sp["external_ref"] = f"KSMS-{year}-{rng.randint(1000, 99999):05d}"
                tl.add(self._step(tl, 2, 20), "signal_submitted", "on", sp)
            if r() < 0.75:
                status = rng.choice(
                    ("overgenomen", "in_behandeling", "in_behandeling", "niet_overgenomen")
                )
                tl.add(
                    self._step(tl, 14, 60),
                    "signal_response",
                    "received_on",
                    {"status": status, "summary": rng.choice(_SIGNAL_RESPONSE[status])},
                )
                if status == "in_behandeling" and r() < 0.4:
                    status = "overgenomen" if r() < 0.6 else "niet_overgenomen"
                    tl.add(
                        self._step(tl, 20, 80),
                        "signal_response",
                        "received_on",
                        {"status": status, "summary": rng.choice(_SIGNAL_RESPONSE[status])},
                    )
                if r() < 0.8:
                    tl.add(
                        self._step(tl, 1, 15),
                        "signal_feedback_given",
                        "on",
                        {"to": rng.choice(_SIGNAL_FEEDBACK_TO)},
                    )
                    if (status != "in_behandeling" and r() < 0.7) or r() < 0.25:
                        tl.add(
                            self._step(tl, 5, 40),
                            "signal_closed",
                            "on",
                            {"reason": rng.choice(_SIGNAL_CLOSE_REASON[status])},
                        )


def _bdate(ev: Event, events: list[Event]) -> str:
    """Business date of an event in a list whose references are still objects."""
    kind = ev["kind"]
    if kind == "corrected":
        target: Event = ev["target"]
        return str(ev["payload"][DATE_FIELD[target["kind"]]])
    if kind == "retracted":
        return _bdate(ev["target"], events)
    return str(ev[DATE_FIELD[kind]])


def _insert_sorted(events: list[Event], ev: Event) -> None:
    """Insert after every event dated on or before ``ev``, as the importer would order it."""
    d = _bdate(ev, events)
    i = len(events)
    while i > 1 and _bdate(events[i - 1], events) > d:
        i -= 1
    events.insert(i, ev)


def _insert_after(events: list[Event], target: Event, ev: Event) -> None:
    """Put a correction or retraction right after its target (and earlier corrections of
    it): same business date, so the list stays in date order."""
    i = next(k for k, e in enumerate(events) if e is target) + 1
    while (
        i < len(events)
        and events[i]["kind"] in ("corrected", "retracted")
        and events[i]["target"] is target
    ):
        i += 1
    events.insert(i, ev)


def _resolve(events: list[Event]) -> None:
    """Turn event references into the 0-based positions the interchange format uses."""
    pos = {id(e): i for i, e in enumerate(events)}
    for e in events:
        kind = e["kind"]
        if kind == "deadline_met":
            e["deadline"] = pos[id(e["deadline"])]
        elif kind in ("corrected", "retracted"):
            e["target"] = pos[id(e["target"])]
            if "supersedes" in e:
                e["supersedes"] = pos[id(e["supersedes"])]


def _copy_payload(ev: Event) -> Event:
    """The payload of ``ev`` without ``kind``, with its own lists and dicts, so that a
    correction never shares (and later changes) a value of the event it corrects."""
    return {
        k: list(v) if isinstance(v, list) else dict(v) if isinstance(v, dict) else v
        for k, v in ev.items()
        if k not in ("kind", "flag")
    }


def _correct(rng: random.Random, target: Event, cl: Codelists) -> Event | None:
    """A realistic correction of ``target`` that keeps its business date and every rule."""
    kind = target["kind"]
    payload = _copy_payload(target)
    if kind == "registered":
        if rng.random() < 0.5:
            payload["summary"] = str(payload["summary"]) + " " + rng.choice(_COMPLICATION)
        else:
            bands = [b for b in cl.keys("claim_band") if b != payload.get("claim_band")]
            payload["claim_band"] = rng.choice(bands)
    elif kind == "triaged":
        code = payload["reason_code"]
        if payload["decision"] == "in_behandeling":
            new = (
                "spoed_ingrijpende_gevolgen" if code == "vastgelopen_casus" else "vastgelopen_casus"
            )
        else:
            pool = (
                _REASON_REFERRED if payload["decision"] == "doorverwezen" else _REASON_REFUSED
            ).values
            new = rng.choice([c for c in pool if c != code])
        payload["reason_code"] = new
        payload["reason"] = rng.choice(_TRIAGE_REASON[new])
    elif kind == "note":
        payload["text"] = rng.choice([t for t in _NOTE if t != payload["text"]])
    elif kind == "closing_interview":
        score = target.get("citizen_score")
        payload["citizen_score"] = (
            8 if not isinstance(score, int) else max(1, min(10, score + rng.choice((-1, 1))))
        )
    elif kind == "closed":
        payload["powers_note"] = rng.choice(
            [n for n in _POWERS_NOTE if n != payload.get("powers_note")]
        )
    elif kind == "partner_informed":
        payload["how"] = rng.choice([h for h in _HOW.values if h != payload.get("how")])
    elif kind == "consulted":
        payload["summary"] = rng.choice(_CONSULT_SUMMARY)
    else:
        return None
    return {
        "kind": "corrected",
        "target": target,
        "payload": payload,
        "reason": rng.choice(_CORRECTION_REASON[kind]),
    }


def _working_days(start: int, end: int) -> list[int]:
    return [o for o in range(start, end + 1) if (o - 1) % 7 < 5]


def _intake_dates(rng: random.Random, n: int, start: int, end: int) -> list[int]:
    """Received dates: busier months, a run-in while partners get to know the office,
    and some growth per year when the range spans several years."""
    days = _working_days(start, end) or [start]
    cum: list[float] = []
    total = 0.0
    for o in days:
        d = date.fromordinal(o)
        age = o - start
        w = _MONTH_WEIGHT[d.month - 1] * min(1.0, 0.35 + age / 90) * (1.0 + 0.12 * age / 365)
        total += w
        cum.append(total)
    return sorted(rng.choices(days, cum_weights=cum, k=n))


def synthetic_register(
    *,
    cases: int = 150,
    signals: int = 12,
    seed: int = 2025,
    start: date = date(2025, 1, 6),
    end: date = date(2025, 12, 19),
    with_personal: bool = True,
    showcase: bool = False,
) -> dict[str, Any]:
    """A synthetic register in interchange form (docs/INTERCHANGE.md).

    The defaults are the office's first year, about the size partners expect. A large
    register keeps the same mix without the caller working it out: ``signals`` is a
    minimum, raised to one signal per twelve cases (0 means none at all). The same
    arguments always give the same dict; ``with_personal`` only adds or leaves out the
    ``personal`` members. ``showcase`` adds the cases a trainee needs to see on the
    day ``end`` (see ``_showcase``); the simulated cases stay exactly as without it.
    """
    if cases < 0 or signals < 0:
        raise ValueError("cases en signals mogen niet negatief zijn")
    if end < start:
        raise ValueError("end ligt voor start")
    rng = random.Random(seed)
    cl = default_codelists()
    s, e = start.toordinal(), end.toordinal()
    gen = _Generator(rng, cl, s, e)

    width = max(4, len(str(cases)))
    received = _intake_dates(rng, cases, s, e)
    out_cases: list[dict[str, Any]] = []
    needs_resolve: set[int] = set()
    for i, rec in enumerate(received):
        case = gen.case(f"D-{i + 1:0{width}d}", rec)
        if any(ev["kind"] == "deadline_met" for ev in case["events"]):
            needs_resolve.add(i)
        out_cases.append(case)

    # --- signals, linked to cases received before them -----------------------------
    n_signals = 0 if signals == 0 else max(signals, cases // 12)
    out_signals: list[dict[str, Any]] = []
    if n_signals and cases:
        # Signals follow the cases that reveal a pattern, and need time to be answered:
        # none in the first three weeks, few in the last month.
        first = min(e, s + 21)
        signal_days = _working_days(first, max(first, e - 30)) or [first]
        created_days = sorted(rng.choice(signal_days) for _ in range(n_signals))
        templates = [(theme, t) for theme, ts in _SIGNAL_TEMPLATES.items() for t in ts]
        order: list[tuple[str, _SignalTemplate]] = []
        by_service: dict[str, list[int]] = {_BD: [], _DT: []}
        for i, case in enumerate(out_cases):
            for svc in case["events"][0]["services"]:
                by_service.setdefault(svc, []).append(i)
        link_sizes = _Pick([(1, 15.0), (2, 25.0), (3, 25.0), (4, 15.0), (5, 12.0), (6, 8.0)])
        swidth = max(2, len(str(n_signals)))
        for j, created in enumerate(created_days):
            if not order:
                order = templates[:]
                rng.shuffle(order)
            theme, template = order.pop()
            pool = by_service.get(template[4][rng.randrange(len(template[4]))], []) or list(
                range(cases)
            )
            k = _count_before(pool, received, created)
            want = link_sizes(rng)
            chosen: list[int] = []
            if k:
                window = min(k, 150)
                for _ in range(want * 3):
                    idx = pool[k - 1 - int(window * rng.random() ** 1.5)]
                    if idx not in chosen:
                        chosen.append(idx)
                    if len(chosen) == want:
                        break
            else:
                chosen = pool[: min(want, len(pool))]
            refs = [out_cases[i]["ref"] for i in sorted(chosen)]
            out_signals.append(gen.signal(f"S-{j + 1:0{swidth}d}", created, template, theme, refs))

        # A few links made from the case itself, and one of them undone later.
        n_links = max(2, cases // 60)
        linked_from_signal = {(sig["ref"], c) for sig in out_signals for c in sig["cases"]}
        unlinked = 0
        for _ in range(n_links * 4):
            if n_links <= 0:
                break
            sig = rng.choice(out_signals)
            sig_day = date.fromisoformat(sig["events"][0]["created_on"]).toordinal()
            ci = rng.randrange(cases)
            case = out_cases[ci]
            if (sig["ref"], case["ref"]) in linked_from_signal:
                continue
            day = _fwd(max(sig_day, received[ci]) + rng.randint(0, 20))
            if day > e:
                continue
            linked_from_signal.add((sig["ref"], case["ref"]))
            _insert_sorted(
                case["events"], {"kind": "signal_linked", "on": gen.iso[day], "signal": sig["ref"]}
            )
            n_links -= 1
            off = min(_fwd(day + rng.randint(3, 40)), _back(e))
            if off > day and (unlinked == 0 or rng.random() < 0.3):
                _insert_sorted(
                    case["events"],
                    {"kind": "signal_unlinked", "on": gen.iso[off], "signal": sig["ref"]},
                )
                unlinked += 1

        # One signal whose title was sharpened afterwards.
        sig = rng.choice(out_signals)
        created_ev = sig["events"][0]
        new = _copy_payload(created_ev)
        new["title"] = str(new["title"]) + " (aangescherpt)"
        _insert_after(
            sig["events"],
            created_ev,
            {
                "kind": "corrected",
                "target": created_ev,
                "payload": new,
                "reason": "Titel aangescherpt na overleg met de ontvanger.",
            },
        )
        _resolve(sig["events"])

    # --- corrections and retractions -----------------------------------------------
    if cases:
        n_corr = max(3, round(cases * 0.03))
        n_super = max(1, cases // 300)
        n_retract = max(2, round(cases * 0.012))
        corrected_targets: set[int] = set()
        for ci in rng.sample(range(cases), min(cases, n_corr)):
            events = out_cases[ci]["events"]
            cands = [ev for ev in events if ev["kind"] in _CORRECTION_REASON]
            if not cands:
                continue
            target = rng.choice(cands)
            corr = _correct(rng, target, cl)
            if corr is None:
                continue
            _insert_after(events, target, corr)
            corrected_targets.add(id(target))
            needs_resolve.add(ci)
            if n_super > 0:
                # The second correction starts from the first one's payload.
                second = _correct(rng, {"kind": target["kind"], **corr["payload"]}, cl)
                if second is not None:
                    second["target"] = target
                    second["supersedes"] = corr
                    second["reason"] = "Eerdere correctie was onvolledig."
                    _insert_after(events, target, second)
                    n_super -= 1
        for ci in rng.sample(range(cases), cases):
            if n_retract <= 0:
                break
            events = out_cases[ci]["events"]
            cands = [
                ev
                for ev in events
                if ev["kind"] in _RETRACT_REASON
                and id(ev) not in corrected_targets
                and not any(x["kind"] == "retracted" and x["target"] is ev for x in events)
            ]
            if not cands:
                continue
            target = rng.choice(cands)
            reason = rng.choice(_RETRACT_REASON[target["kind"]])
            _insert_after(events, target, {"kind": "retracted", "target": target, "reason": reason})
            needs_resolve.add(ci)
            n_retract -= 1

    for ci in needs_resolve:
        _resolve(out_cases[ci]["events"])

    if showcase and e - s >= _SHOWCASE_SPAN:
        out_cases += _showcase(gen, random.Random(f"{seed}-showcase"), e)

    if with_personal:
        _add_personal(out_cases, seed)
    result: dict[str, Any] = {"format": "casusregister/interchange", "version": 1}
    if with_personal:
        result["with_personal"] = True
    result["cases"] = out_cases
    result["signals"] = out_signals
    return result


#: The showcase reaches this many days back from ``end``; a shorter range gets none.
_SHOWCASE_SPAN = 90


def _showcase(gen: _Generator, rng: random.Random, end: int) -> list[dict[str, Any]]:
    """Open cases that show, on the day ``end``, what the office watches every day.

    A simulated year rarely ends with an escalation still open or a term running out
    next week, yet Termijnbewaking, "Termijn binnen 14 dagen" and "Open escalaties" are
    what a trainee must learn to read. So the demo adds, relative to ``end``: an overdue
    and two soon-due deadlines (one of them inside a running pause), open escalations
    at two levels, two cases waiting for a service (one past its reply date, with a
    reminder), a paused case, a conflict between two corrections made without knowledge
    of each other (docs/ARCHITECTURE.md "The fold"), and three handlers with several open
    cases each. Dates are working days; the intake texts come from the simulation's own
    phrase tables, so they pass the personal-data lint like every other case.
    """
    handlers = rng.sample(_HANDLERS, 3)
    a, b, c = handlers
    out: list[dict[str, Any]] = []

    def day(offset: int) -> int:
        """A working day ``offset`` days before ``end`` (never after it)."""
        return _back(end - offset)

    remedies: dict[int, str] = {}

    def start(ref: str, received: int, handler: str) -> tuple[list[Event], str]:
        reg, info = gen._registered(received)
        svc: str = info["services"][0]
        decided = _fwd(received + rng.randint(1, 4))
        events: list[Event] = [
            reg,
            {"kind": "partner_informed", "on": gen.iso[received], "about": "ontvangst",
             "how": _HOW(rng)},
            {"kind": "triaged", "decided_on": gen.iso[decided], "decision": "in_behandeling",
             "reason_code": "vastgelopen_casus",
             "reason": rng.choice(_TRIAGE_REASON["vastgelopen_casus"])},
            {"kind": "assigned", "on": gen.iso[decided], "handler": handler},
        ]
        out.append({"ref": ref, "events": events})
        remedies[id(events)] = info["remedy"]
        return events, svc

    def opinion(events: list[Event], svc: str, sent: int, due: int | None = None) -> None:
        ev: Event = {"kind": "opinion_sent", "sent_on": gen.iso[sent], "service": svc,
                     "proposed_solution": rng.choice(_PROPOSAL[remedies[id(events)]])}
        if due is not None:
            ev["reply_due_on"] = gen.iso[due]
        events.append(ev)

    def refused(events: list[Event], kind: str, svc: str, on: int) -> None:
        events.append({"kind": kind, "received_on": gen.iso[on], "service": svc,
                       "response": "gemotiveerd_afgewezen",
                       "summary": "De dienst ziet geen ruimte en licht dat schriftelijk toe."})

    def escalate(events: list[Event], svc: str, on: int, level: str) -> None:
        events.append({"kind": "escalated", "on": gen.iso[on], "service": svc, "level": level,
                       "reason": rng.choice(_ESCALATION_REASON)})

    # 1. an overdue bezwaartermijn: its last day lies about ten days back
    events, svc = start("T-01", day(60), a)
    events.append({"kind": "deadline_set", "on": gen.iso[day(55)],
                   "deadline_kind": "bezwaartermijn", "start_on": gen.iso[end - 42 - 12],
                   "description": "Bezwaartermijn tegen de aanslag; bezwaar nog niet ingediend."})
    events.append({"kind": "data_requested", "requested_on": gen.iso[day(40)], "service": svc,
                   "what": "Dossieroverzicht met aanslagen en betalingen"})

    # 2. a bezwaartermijn that ends within a week, and a beslistermijn in ten days
    events, svc = start("T-02", day(35), b)
    events.append({"kind": "deadline_set", "on": gen.iso[day(30)],
                   "deadline_kind": "bezwaartermijn", "start_on": gen.iso[end - 42 + 4],
                   "description": "Bezwaartermijn tegen de terugvordering."})
    events.append({"kind": "deadline_set", "on": gen.iso[day(30)],
                   "deadline_kind": "beslistermijn", "start_on": gen.iso[day(45)],
                   "due_on": gen.iso[_fwd(end + 10)],
                   "description": "De dienst beslist op het bezwaar."})

    # 3. an open escalation at the first level
    events, svc = start("T-03", day(75), a)
    opinion(events, svc, day(55))
    refused(events, "service_response", svc, day(30))
    escalate(events, svc, day(12), "teamleider")

    # 4. an open escalation two levels up, after a refusal at the first
    events, svc = start("T-04", day(85), c)
    opinion(events, svc, day(70))
    refused(events, "service_response", svc, day(60))
    escalate(events, svc, day(50), "teamleider")
    refused(events, "escalation_response", svc, day(35))
    escalate(events, svc, day(8), "directeur")

    # 5. waiting for the service, the reply due in two weeks
    events, svc = start("T-05", day(40), b)
    opinion(events, svc, day(14), _fwd(end + 14))

    # 6. waiting for the service past its reply date: a reminder went out
    events, svc = start("T-06", day(70), c)
    opinion(events, svc, day(45), day(10))
    events.append({"kind": "reminder_sent", "on": gen.iso[day(3)], "service": svc})

    # 7. paused, with a bezwaartermijn that ends inside the pause: it still runs
    events, svc = start("T-07", day(50), a)
    events.append({"kind": "paused", "from_on": gen.iso[day(20)],
                   "procedure": "Invordering van de aanslag",
                   "citizen_consent": True, "agreed_with": "Teamleider Invordering"})
    events.append({"kind": "deadline_set", "on": gen.iso[day(18)],
                   "deadline_kind": "bezwaartermijn", "start_on": gen.iso[end - 42 + 9],
                   "description": "Bezwaartermijn tegen de beschikking."})

    # 8. two laptops corrected the same assignment without knowing of each other
    events, svc = start("T-08", day(30), b)
    assignment = events[3]
    for other in (c, a):
        fixed = _copy_payload(assignment)
        fixed["handler"] = other
        events.append({"kind": "corrected", "target": assignment, "payload": fixed,
                       "reason": "Casus overgedragen na het casusoverleg."})
    for case in out:
        _resolve(case["events"])
    return out


def _count_before(pool: list[int], received: list[int], created: int) -> int:
    """How many cases of ``pool`` (sorted by received date) came in on or before ``created``."""
    lo, hi = 0, len(pool)
    while lo < hi:
        mid = (lo + hi) // 2
        if received[pool[mid]] <= created:
            lo = mid + 1
        else:
            hi = mid
    return lo


def _add_personal(out_cases: list[dict[str, Any]], seed: int) -> None:
    """P2 data on about a third of the cases, from its own generator so that asking for
    it changes nothing else; clearly fictional, with BSNs that pass the 11-proef."""
    prng = random.Random(f"{seed}-personal")
    for case in out_cases:
        if prng.random() >= 0.34:
            continue
        first = prng.choice(_FIRST_NAMES)
        last = prng.choice(_FICTIONAL_SURNAMES)
        services = case["events"][0]["services"]
        year = case["events"][0]["received_on"][:4]
        prefix = "DT" if services[0] == _DT else "BD"
        case["personal"] = {
            "name": f"{first} {last}",
            "bsn": _bsn(prng),
            "phone": f"06-00{prng.randint(100000, 999999)}",
            "email": f"{_slug(first)}.{_slug(last)}@voorbeeld.example",
            "address": (
                f"{prng.choice(_FICTIONAL_STREETS)} {prng.randint(1, 180)}, "
                f"{prng.randint(1000, 9999)} ZZ {prng.choice(_FICTIONAL_PLACES)}"
            ),
            "service_reference": f"{prefix}-{year}-{prng.randint(1, 999999):06d}",
        }
