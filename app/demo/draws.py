"""The demo's numbers: how often each code, route, answer and score is drawn.

Weights, not words (the words are in phrases.toml): they set the mix a real office
would see, so the figures of the demo and the benchmarks look like the real thing.
A ``Pick`` draws from one table with one call of the seeded generator; changing a
weight changes every register made from a seed.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Sequence
from typing import Generic, TypeVar

_T = TypeVar("_T")


class Pick(Generic[_T]):
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


# fmt: off
ROUTES = Pick([
    ("maatschappelijke_partner", 55.0), ("belastingdienst", 25.0), ("dienst_toeslagen", 12.0),
    ("ibtd", 3.0), ("overig", 5.0),
])
PARTNER_TYPE_WEIGHT: dict[str, float] = {
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

BD, DT = "belastingdienst", "dienst_toeslagen"
TARGET_GROUP = Pick(
    [("burger", 75.0), ("zzp", 13.0), ("mkb_ondernemer", 8.0), ("overig", 4.0)]
)
# Running procedures, most frequent first; drawn with a falling exponential.
PROCEDURES_DT = (
    "terugvordering", "bezwaar", "betalingsregeling", "herziening", "klacht",
    "dwanginvordering", "beroep", "beslag",
)
PROCEDURES_BD = (
    "bezwaar", "dwanginvordering", "betalingsregeling", "beslag", "klacht", "beroep",
    "herziening", "terugvordering",
)
ROUTES_TRIED = (
    "belastingtelefoon", "belastingtelefoon", "klacht", "klacht", "bezwaar", "bezwaar",
    "bd_lrh", "stella", "nationale_ombudsman", "sociaal_raadslieden",
)
CLAIM_BANDS: dict[str, tuple[str, ...]] = {
    "burger": (
        "tot_1000", "tot_1000", "1000_5000", "1000_5000", "1000_5000", "5000_20000",
        "5000_20000", "boven_20000", "onbekend",
    ),
    "zzp": ("1000_5000", "5000_20000", "5000_20000", "boven_20000", "onbekend"),
    "mkb_ondernemer": ("5000_20000", "boven_20000", "boven_20000", "onbekend"),
}
OTHER_BODIES = (
    "gemeente", "uwv", "svb", "cjib", "duo", "cak", "zorgverzekeraar", "schuldeiser",
)

# Topics per service and target group; toeslagen topics only ever go with Dienst
# Toeslagen, company taxes only with entrepreneurs.
BD_TOPICS_PERSON = Pick([
    ("inkomstenbelasting", 30.0), ("invordering", 20.0), ("betalingsregeling", 14.0),
    ("kwijtschelding", 8.0), ("boete", 7.0), ("motorrijtuigenbelasting", 5.0),
    ("erf_schenkbelasting", 3.0), ("loonheffingen", 3.0), ("dienstverlening_communicatie", 7.0),
    ("overig", 3.0),
])
BD_TOPICS_BUSINESS = Pick([
    ("omzetbelasting", 24.0), ("inkomstenbelasting", 18.0), ("loonheffingen", 10.0),
    ("vennootschapsbelasting", 8.0), ("invordering", 14.0), ("betalingsregeling", 10.0),
    ("boete", 10.0), ("dienstverlening_communicatie", 4.0), ("overig", 2.0),
])
DT_TOPICS = Pick([
    ("terugvordering_toeslag", 26.0), ("huurtoeslag", 18.0), ("kinderopvangtoeslag", 14.0),
    ("zorgtoeslag", 11.0), ("kindgebonden_budget", 8.0), ("herstel_toeslagen", 8.0),
    ("betalingsregeling", 6.0), ("invordering", 4.0), ("dienstverlening_communicatie", 5.0),
])
RELATED_TOPICS: dict[str, tuple[str, ...]] = {
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
TOPIC_SERVICE_ONLY: dict[str, str] = {
    t: DT
    for t in (
        "huurtoeslag",
        "zorgtoeslag",
        "kinderopvangtoeslag",
        "kindgebonden_budget",
        "terugvordering_toeslag",
        "herstel_toeslagen",
    )
} | {
    t: BD
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

# A remedy ties the texts of one case together: what is asked, what the opinion
# proposes, what the service answers and how the case ends.
REMEDIES_FOR_TOPIC: dict[str, tuple[str, ...]] = {
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
# How a case ends, given the service's last answer ("" = no opinion was needed).
OUTCOME_AFTER: dict[str, Pick[str]] = {
    "": Pick(
        [("opgelost", 55.0), ("deels_opgelost", 20.0), ("niet_opgelost", 12.0),
         ("ingetrokken", 13.0)]
    ),
    "overgenomen": Pick([("opgelost", 90.0), ("deels_opgelost", 10.0)]),
    "deels_overgenomen": Pick(
        [("deels_opgelost", 75.0), ("opgelost", 10.0), ("niet_opgelost", 15.0)]
    ),
    "gemotiveerd_afgewezen": Pick(
        [("niet_opgelost", 70.0), ("deels_opgelost", 20.0), ("ingetrokken", 10.0)]
    ),
}
DECISION = Pick([("in_behandeling", 75.0), ("doorverwezen", 18.0), ("niet_in_behandeling", 7.0)])
REASON_REFERRED = Pick([
    ("reguliere_route_niet_doorlopen", 40.0), ("loopt_elders", 25.0), ("buiten_taak", 20.0),
    ("niet_vastgelopen", 10.0), ("overig", 5.0),
])
REASON_REFUSED = Pick([
    ("niet_vastgelopen", 35.0), ("buiten_taak", 30.0), ("loopt_elders", 12.0), ("capaciteit", 8.0),
    ("reguliere_route_niet_doorlopen", 8.0), ("overig", 7.0),
])
REFER_BD = Pick([
    ("bd_lrh", 30.0), ("bd_klachten", 25.0), ("bd_stella", 6.0), ("juridisch_loket", 10.0),
    ("sociaal_raadslieden", 8.0), ("schuldhulpverlening", 8.0), ("gemeente", 6.0),
    ("nationale_ombudsman", 3.0), ("ibtd", 1.0), ("overig", 3.0),
])
REFER_DT = Pick([
    ("dienst_toeslagen", 40.0), ("juridisch_loket", 12.0), ("sociaal_raadslieden", 12.0),
    ("schuldhulpverlening", 14.0), ("gemeente", 10.0), ("nationale_ombudsman", 5.0),
    ("bd_lrh", 3.0), ("ibtd", 1.0), ("overig", 3.0),
])
HOW = Pick([
    ("e-mail", 45.0), ("telefonisch", 25.0), ("beveiligde e-mail", 15.0), ("brief", 8.0),
    ("partneroverleg", 7.0),
])
CITIZEN_GOOD = Pick([(5, 3.0), (6, 10.0), (7, 25.0), (8, 34.0), (9, 20.0), (10, 8.0)])
CITIZEN_BAD = Pick([
    (2, 3.0), (3, 6.0), (4, 12.0), (5, 20.0), (6, 25.0), (7, 22.0), (8, 10.0), (9, 2.0),
])
HELPER_SCORE = Pick([(4, 2.0), (5, 5.0), (6, 14.0), (7, 28.0), (8, 32.0), (9, 15.0), (10, 4.0)])
LEVELS = ("teamleider", "afdelingshoofd", "directeur", "directeur_generaal")
FIRST_LEVEL = Pick([(0, 55.0), (1, 30.0), (2, 12.0), (3, 3.0)])
RESPONSE = Pick([
    ("overgenomen", 55.0), ("deels_overgenomen", 25.0), ("gemotiveerd_afgewezen", 20.0),
])
ESC_RESPONSE = Pick([
    ("overgenomen", 45.0), ("deels_overgenomen", 30.0), ("gemotiveerd_afgewezen", 25.0),
])
GROUNDS: dict[str, tuple[str, ...]] = {
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
# Busier months: tax returns and the definitive toeslagen settlements in spring, the
# autumn after the summer break; quiet around the holidays.
MONTH_WEIGHT = (0.75, 1.0, 1.2, 1.25, 1.1, 1.0, 0.75, 0.65, 1.1, 1.2, 1.15, 0.8)
# fmt: on
