"""Personal-data lint over free text (docs/DOMAIN.md "Personal data classes").

Summaries, notes, stories and signal texts go into evaluation exports and reports, so
they must not identify anyone. Handlers type quickly and paste from letters, so a BSN
or phone number slips in; this lint catches the kinds of identifiers a machine can
recognise and warns on save. On export a finding stops the export until the handler
fixes the text or overrides with an audited reason, so every false alarm costs a
colleague a justification. That is why the detectors lean on checks instead of
shapes: a BSN must pass the 11-proef, an IBAN the mod-97 check, a phone number must
have the digit count of a real Dutch number, and dates and ages only count near words
that make them personal. Case numbers, amounts, step dates and article references
must pass untouched.

Decisions worth knowing:

- A bare postcode ("1234 AB") is not flagged: alone it points at a street, not a
  household, and the same shape shows up as "1000 MB" or all-caps text. It is flagged
  next to a house number (either order), or right after the word "postcode".
- A street with a Dutch street suffix and a house number ("Dorpsstraat 12") is
  flagged as kind ``postcode``: it is an address just as much.
- An 8-digit number only counts as a BSN right after "BSN"/"burgerservicenummer":
  otherwise one in eleven invoice numbers and yyyymmdd dates would trip it.
- Ages: "(43 jaar)" is always flagged; "43 jaar oud", "43-jarige vrouw", "(43)" and
  "leeftijd 43" only with a word that points at a person.
- Names are flagged where a title or salutation announces one: "Mevrouw Jansen",
  "dhr. de Boer", "mw. A. Bakker", "familie Yilmaz", "mr. De Groot". A title alone
  ("Mevrouw heeft bezwaar gemaakt"), a role after it ("meneer de rechter", "Mevrouw
  de Minister", "de heer des huizes") and the placeholders people anonymise with
  ("mevrouw X", "meneer J.") are not: a name starts with a capital and has at least
  two letters. A bare capitalised word elsewhere is never taken for a name; that
  would flag every town and organisation.

The lint cannot see that "a widow from Urk with seven children" is traceable; stories
need a second person's approval for that reason. Pure standard library on purpose:
the model layer imports nothing outside it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date

__all__ = [
    "KIND_LABELS",
    "FieldFinding",
    "Finding",
    "is_valid_bsn",
    "is_valid_iban",
    "lint_fields",
    "lint_text",
    "mask_bsn",
]

KIND_LABELS: dict[str, str] = {
    "bsn": "BSN",
    "iban": "IBAN",
    "email": "e-mailadres",
    "phone": "telefoonnummer",
    "postcode": "postcode met huisnummer",
    "birth_date": "geboortedatum",
    "name": "naam",
}


@dataclass(frozen=True)
class Finding:
    """One stretch of text that would identify someone; ``text == source[start:end]``."""

    kind: str
    start: int
    end: int
    text: str
    reason: str


@dataclass(frozen=True)
class FieldFinding:
    """A finding tied to the form field it came from, so the UI can point at it."""

    field: str
    finding: Finding


_ADVICE = "Haal persoonsgegevens uit vrije tekst."
_REASON_BSN = f"Dit lijkt een BSN (klopt met de 11-proef). {_ADVICE}"
_REASON_IBAN = f"Dit lijkt een IBAN (het controlegetal klopt). {_ADVICE}"
_REASON_EMAIL = f"Dit lijkt een e-mailadres. {_ADVICE}"
_REASON_PHONE = f"Dit lijkt een telefoonnummer. {_ADVICE}"
_REASON_POSTCODE_NR = f"Dit lijkt een postcode met huisnummer en wijst zo een adres aan. {_ADVICE}"
_REASON_STREET_NR = f"Dit lijkt een adres (straat met huisnummer). {_ADVICE}"
_REASON_POSTCODE = (
    f"Dit lijkt een postcode; samen met andere details is iemand daarmee te vinden. {_ADVICE}"
)
_REASON_BIRTH_DATE = f"Dit lijkt een geboortedatum. {_ADVICE}"
_REASON_NAME = (
    "Dit lijkt een naam (een aanspreekvorm of titel met een achternaam). Schrijf "
    f"bijvoorbeeld 'mevrouw' of 'de aanvrager'. {_ADVICE}"
)
_REASON_AGE = (
    "Dit is een leeftijd; een leeftijd samen met andere details (woonplaats, gezin) "
    f"maakt iemand herleidbaar. {_ADVICE}"
)

# When two detectors claim overlapping text, the longer span wins; on a tie this
# order decides, strongest evidence first.
_PRIORITY = {kind: rank for rank, kind in enumerate(KIND_LABELS)}

_Hit = tuple[str, int, int, str]  # kind, start, end, reason


# --- BSN --------------------------------------------------------------------------

_BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)
_BSN_SEPARATORS = re.compile(r"[ .-]")
_ASCII_DIGITS = re.compile(r"[0-9]+")


def is_valid_bsn(value: str) -> bool:
    """Whether ``value`` passes the 11-proef.

    Accepts the written forms people use ("1234.56.782", "123 456 782") and the
    8-digit form that lost its leading zero in a spreadsheet, because all of them are
    the same BSN; "000000000" passes the arithmetic but is never issued.
    """
    digits = _BSN_SEPARATORS.sub("", value.strip())
    if not _ASCII_DIGITS.fullmatch(digits):
        return False
    if len(digits) == 8:
        digits = "0" + digits
    if len(digits) != 9 or digits == "000000000":
        return False
    total = sum(w * int(d) for w, d in zip(_BSN_WEIGHTS, digits, strict=True))
    return total % 11 == 0


def mask_bsn(value: str) -> str:
    """Hide all but the last four digits, enough to recognise a BSN on screen.

    Whatever the input, at least five digits stay hidden, so a short or malformed
    value never shows more than it hides.
    """
    digits = "".join(_ASCII_DIGITS.findall(value))
    if len(digits) == 8:
        digits = "0" + digits
    shown = min(4, max(0, len(digits) - 5))
    return "*" * (len(digits) - shown) + digits[len(digits) - shown :]


# --- IBAN -------------------------------------------------------------------------

# ISO 13616 registry lengths. A known country with the wrong length is rejected; an
# unknown one falls back to the generic 15..34 so a new registry entry is not missed.
_IBAN_LENGTHS: dict[str, int] = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24,
    "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31,
    "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
# The structure of the accounts this office sees most, a cheap extra guard.
_IBAN_STRUCTURE: dict[str, re.Pattern[str]] = {
    "NL": re.compile(r"NL[0-9]{2}[A-Z]{4}[0-9]{10}"),
    "BE": re.compile(r"BE[0-9]{14}"),
    "DE": re.compile(r"DE[0-9]{20}"),
}
_IBAN_SHAPE = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


def is_valid_iban(value: str) -> bool:
    """Whether ``value`` is an IBAN by the ISO 13616 mod-97 check.

    Spaces and lower case are accepted because that is how IBANs are printed and
    typed; anything else (dots, dashes, non-ASCII) is refused rather than guessed at.
    """
    compact = value.replace(" ", "")
    if not compact.isascii():
        return False
    compact = compact.upper()
    if not _IBAN_SHAPE.fullmatch(compact):
        return False
    country = compact[:2]
    expected = _IBAN_LENGTHS.get(country)
    if expected is not None and len(compact) != expected:
        return False
    structure = _IBAN_STRUCTURE.get(country)
    if structure is not None and not structure.fullmatch(compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


# --- shared helpers ---------------------------------------------------------------

# Text pasted from Word or a PDF carries no-break and thin spaces and en dashes where
# people typed spaces and hyphens. Mapping them one-to-one keeps offsets valid.
_NORMALISE = str.maketrans(
    {
        "\u00a0": " ",
        "\u2007": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2212": "-",
    }
)

_AMOUNT_BEFORE = re.compile(r"(?:€|\beur\b|\beuro\b|\beuro's\b)\s*$", re.IGNORECASE)
_AMOUNT_AFTER = re.compile(r"^(?:\s*(?:euro|eur)\b|,-)", re.IGNORECASE)


def _digits(text: str) -> str:
    return "".join(_ASCII_DIGITS.findall(text))


def _is_amount(text: str, start: int, end: int) -> bool:
    """An amount written with thousands separators can look like a grouped BSN."""
    return bool(
        _AMOUNT_BEFORE.search(text[max(0, start - 8) : start])
        or _AMOUNT_AFTER.search(text[end : end + 8])
    )


def _scan(
    pattern: re.Pattern[str],
    text: str,
    accept: Callable[[re.Match[str]], tuple[int, int] | None],
) -> Iterator[tuple[int, int]]:
    """Search with restarts, so that a candidate trimmed back by ``accept`` does not
    swallow the start of the next identifier."""
    pos = 0
    while pos <= len(text):
        match = pattern.search(text, pos)
        if match is None:
            return
        span = accept(match)
        if span is None:
            pos = match.start() + 1
        else:
            yield span
            pos = max(span[1], match.start() + 1)


def _trim_to_valid(
    text: str, start: int, end: int, valid: Callable[[str], bool]
) -> tuple[int, int] | None:
    """Drop trailing space-separated groups until the candidate validates.

    The candidate patterns are greedy so that spaced forms are found at all; this
    gives back a following "12 keer" or the next word.
    """
    while end > start:
        candidate = text[start:end]
        if valid(candidate):
            return start, end
        cut = candidate.rfind(" ")
        if cut <= 0:
            return None
        end = start + len(candidate[:cut].rstrip(" -"))
    return None


# --- detectors --------------------------------------------------------------------

_BSN = re.compile(
    r"(?<![\w/-])(?<![0-9][.,])"
    r"(?:[0-9]{8,9}"
    r"|[0-9]{4}(?P<s1>[. ])[0-9]{2}(?P=s1)[0-9]{3}"
    r"|[0-9]{3}(?P<s2>[. -])[0-9]{3}(?P=s2)[0-9]{3})"
    r"(?!\w)(?![.,/-][0-9])"
)
_BSN_KEYWORD_BEFORE = re.compile(
    r"(?:\bbsn|burgerservicenummer|\bsofi-?nummer)[^0-9\n;!?]{0,12}$", re.IGNORECASE
)


def _find_bsn(text: str) -> Iterator[_Hit]:
    for match in _BSN.finditer(text):
        start, end = match.span()
        if _is_amount(text, start, end):
            continue
        digits = _digits(match.group())
        if len(digits) == 8 and not _BSN_KEYWORD_BEFORE.search(text[max(0, start - 30) : start]):
            continue
        if is_valid_bsn(digits):
            yield "bsn", start, end, _REASON_BSN


_IBAN = re.compile(r"(?<!\w)[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){11,30}")


def _find_iban(text: str) -> Iterator[_Hit]:
    def accept(match: re.Match[str]) -> tuple[int, int] | None:
        start = match.start()

        def valid(candidate: str) -> bool:
            end = start + len(candidate)
            if end < len(text) and text[end].isalnum():
                return False
            return is_valid_iban(candidate)

        return _trim_to_valid(text, start, match.end(), valid)

    for start, end in _scan(_IBAN, text, accept):
        yield "iban", start, end, _REASON_IBAN


_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w%+-](?:[\w.%+-]*[\w%+-])?"
    r"@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}(?![\w-])"
)


def _find_email(text: str) -> Iterator[_Hit]:
    for match in _EMAIL.finditer(text):
        yield "email", match.start(), match.end(), _REASON_EMAIL


_SUBSCRIBER = r"(?: ?- ?|[ ./])?[0-9]{2,8}(?: [0-9]{2,4}){0,3}"
_PHONE_END = r"(?!\w)(?![.,/-][0-9])"
_PHONE_NL = re.compile(
    r"(?<![\w+/-])(?<![0-9][.,])"
    r"(?:(?:\+|00)31[ -]?(?:\(0\)[ -]?)?[1-9][0-9]{0,2}"
    r"|\(0[1-9][0-9]{0,2}\)"
    r"|0[1-9][0-9]{0,2})"
    rf"{_SUBSCRIBER}{_PHONE_END}"
)
_PHONE_NL_PREFIX = re.compile(r"(?:\+|00)31[ -]?(?:\(0\)[ -]?)?")
_PHONE_FOREIGN = re.compile(
    r"(?<![\w+/-])\+(?!31)[1-9][0-9]{0,2}(?:[ -]?\(0\))?[ -]?[0-9](?:[ -]?[0-9]){5,13}" + _PHONE_END
)


def _is_dutch_phone(candidate: str) -> bool:
    """Dutch numbers have exactly ten digits nationally (nine after +31); that count
    is what separates a phone number from dates, case numbers and counts."""
    prefix = _PHONE_NL_PREFIX.match(candidate)
    if prefix:
        rest = _digits(candidate[prefix.end() :])
        return len(rest) == 9 and rest[0] != "0"
    digits = _digits(candidate)
    return len(digits) == 10 and digits[0] == "0" and digits[1] != "0"


def _is_foreign_phone(candidate: str) -> bool:
    return 9 <= len(_digits(candidate.replace("(0)", ""))) <= 15


def _find_phone(text: str) -> Iterator[_Hit]:
    for pattern, valid in ((_PHONE_NL, _is_dutch_phone), (_PHONE_FOREIGN, _is_foreign_phone)):

        def accept(
            match: re.Match[str], valid: Callable[[str], bool] = valid
        ) -> tuple[int, int] | None:
            return _trim_to_valid(text, match.start(), match.end(), valid)

        for start, end in _scan(pattern, text, accept):
            yield "phone", start, end, _REASON_PHONE


# Postcode letters SA, SD and SS are never issued. Lower-case letters only count when
# written against the digits ("1234ab"), or "2023 en 2024" would look like one.
_PC = r"[1-9][0-9]{3}(?: ?(?!S[ADS])[A-Z]{2}|(?!s[ads])[a-z]{2})(?!\w)"
_HOUSE_NR = r"[0-9]{1,5}(?:[a-zA-Z]|-[0-9a-zA-Z]{1,4})?(?!\w)(?![.,/-][0-9])"
_STREET_WORD = r"[^\W\d_](?:[\w'-]*[^\W\d_])?\.?"
_STREET_SUFFIX = (
    r"(?:straat|str\.|laan|weg|plein|kade|gracht|singel|dijk|dreef|steeg|pad"
    r"|plantsoen|boulevard|wal)"
)
_POSTCODE_THEN_NR = re.compile(rf"(?<![\w/-]){_PC},? ?{_HOUSE_NR}")
# A postbus or antwoordnummer is an organisation's mail address, not where anyone lives.
_NOT_A_STREET = r"(?!(?i:postbus|antwoordnummer)\b)"
_STREET_NR_POSTCODE = re.compile(rf"(?<![\w-]){_NOT_A_STREET}{_STREET_WORD} {_HOUSE_NR},? {_PC}")
_STREET_NR = re.compile(rf"(?<![\w-])[A-ZÀ-ÖØ-Þ][\w'-]*{_STREET_SUFFIX} {_HOUSE_NR}")
# "IN 2023 EN 2024" in capitals has the shape of a postcode with house number.
_YEARS_AROUND_WORD = re.compile(r"(?:19|20)[0-9]{2} [A-Z]{2} (?:19|20)[0-9]{2}")
_POSTCODE_KEYWORD = re.compile(rf"(?i:\bpostcode\b(?:\s*:|\s+(?:is|was))?)\s*(?P<pc>{_PC})")


def _find_postcode(text: str) -> Iterator[_Hit]:
    for match in _POSTCODE_THEN_NR.finditer(text):
        if not _YEARS_AROUND_WORD.fullmatch(match.group()):
            yield "postcode", match.start(), match.end(), _REASON_POSTCODE_NR
    for match in _STREET_NR_POSTCODE.finditer(text):
        yield "postcode", match.start(), match.end(), _REASON_POSTCODE_NR
    for match in _STREET_NR.finditer(text):
        yield "postcode", match.start(), match.end(), _REASON_STREET_NR
    for match in _POSTCODE_KEYWORD.finditer(text):
        yield "postcode", match.start("pc"), match.end("pc"), _REASON_POSTCODE


_MONTHS: dict[str, int] = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "febr": 2, "maart": 3, "mrt": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "augustus": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10,
    "okt": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(
    r"(?<![\w/-])(?<![0-9]\.)(?:"
    r"(?P<d1>[0-9]{1,2})(?P<s>[-/.])(?P<m1>[0-9]{1,2})(?P=s)(?P<y1>[0-9]{4}|[0-9]{2})"
    r"|(?P<y2>[0-9]{4})-(?P<m2>[0-9]{1,2})-(?P<d2>[0-9]{1,2})"
    rf"|(?P<d3>[0-9]{{1,2}}) (?P<m3>{_MONTH_NAMES})\.? (?P<y3>[0-9]{{4}})"
    r")(?!\w)(?![/-][0-9])(?!\.[0-9])",
    re.IGNORECASE,
)
_BIRTH_BEFORE = re.compile(
    r"(?:\bgeboren|\bgeboortedatum|\bgeboortedag|\bgeb\.? ?datum|\bgeb\b\.?)"
    r"[^0-9.;!?\n]{0,20}$",
    re.IGNORECASE,
)
_BIRTH_AFTER = re.compile(r"^[^0-9.;!?\n]{0,20}?\bgeboren\b", re.IGNORECASE)


def _date_of(match: re.Match[str]) -> date | None:
    """A real calendar date, so "31-31-1980" next to "geboren" is not reported."""
    day = match.group("d1") or match.group("d2") or match.group("d3")
    year = match.group("y1") or match.group("y2") or match.group("y3")
    month_text = match.group("m1") or match.group("m2")
    month = int(month_text) if month_text else _MONTHS[match.group("m3").lower()]
    full_year = int(year) if len(year) == 4 else 2000 + int(year)
    try:
        return date(full_year, month, int(day))
    except ValueError:
        return None


_PERSON_WORDS = (
    r"(?:mevrouw|mevr\.?|mw\.?|meneer|mnr\.?|dhr\.?|de heer|man|vrouw|moeder|vader"
    r"|zoon|dochter|kind|baby|jongen|meisje|weduwe|weduwnaar|echtgeno(?:o|te)t?"
    r"|partner|burger|cli[eë]nt|klant|aanvrager|aanvraagster|verzoeker|verzoekster"
    r"|belanghebbende|hij|zij)"
)
_PERSON_NOUNS = (
    r"(?:vrouw|man|moeder|vader|zoon|dochter|weduwe|weduwnaar|jongen|meisje|dame|heer"
    r"|alleenstaande|ondernemer|zzp'?er|student|studente|scholier|burger|aanvrager"
    r"|aanvraagster|kind|echtgeno(?:o|te)t?|partner|inwoner|gepensioneerde"
    r"|uitkeringsgerechtigde|leeftijd)"
)
_AGE_IN_PARENS = re.compile(r"\(\s*[0-9]{1,3}\s*(?:jaar|jr\.?)(?:\s+oud)?\s*\)", re.IGNORECASE)
_AGE_OLD = re.compile(r"(?<![\w.,])[0-9]{1,3}\s*(?:jaar|jr\.?)\s+oud\b", re.IGNORECASE)
_AGE_JARIGE = re.compile(
    rf"(?<![\w.,])(?P<age>[0-9]{{1,3}}[- ]?jarige)\s+(?:\w+\s+)?{_PERSON_NOUNS}\b",
    re.IGNORECASE,
)
_AGE_AFTER_PERSON = re.compile(
    rf"\b{_PERSON_WORDS}(?:\s+(?-i:[A-Z])[\w'-]*){{0,2}}\s*(?P<age>\([0-9]{{1,3}}\))",
    re.IGNORECASE,
)
_AGE_LEEFTIJD = re.compile(
    r"(?<![\w-])leeftijd(?:\s+van)?\s*:?\s*(?P<age>[0-9]{1,3}(?:\s*jaar)?)(?!\w)(?![.,][0-9])",
    re.IGNORECASE,
)
_PERSON_BEFORE = re.compile(rf"\b{_PERSON_WORDS}\b[^.;!?\n]*$", re.IGNORECASE)


def _find_birth_date(text: str) -> Iterator[_Hit]:
    for match in _DATE.finditer(text):
        start, end = match.span()
        if _date_of(match) is None:
            continue
        if _BIRTH_BEFORE.search(text[max(0, start - 40) : start]) or _BIRTH_AFTER.search(
            text[end : end + 30]
        ):
            yield "birth_date", start, end, _REASON_BIRTH_DATE
    for match in _AGE_IN_PARENS.finditer(text):
        yield "birth_date", match.start(), match.end(), _REASON_AGE
    for match in _AGE_OLD.finditer(text):
        if _PERSON_BEFORE.search(text[max(0, match.start() - 60) : match.start()]):
            yield "birth_date", match.start(), match.end(), _REASON_AGE
    for pattern in (_AGE_JARIGE, _AGE_AFTER_PERSON, _AGE_LEEFTIJD):
        for match in pattern.finditer(text):
            yield "birth_date", match.start("age"), match.end("age"), _REASON_AGE


# Salutations and titles that announce a name. "heer" alone covers "de heer" and
# "geachte heer"; the salutations' abbreviations take an optional full stop.
_TITLE = (
    r"(?:mevrouw|meneer|heer|juffrouw|familie|weduwe|(?:mevr|mw|mvr|dhr|mnr|fam)\.?"
    r"|(?:hr|wed|mr|dr|drs|ir|ing|prof)\.)"  # only with their stop: "ING Bank", "HR"
)
# Dutch surname particles: "de Boer", "van der Berg", "in 't Veld"; capitalised too
# ("meneer De Jong" is how Dutch writes a surname without initials).
_PARTICLE = (
    r"(?:van|de|der|den|het|ter|ten|te|op|in|aan|bij|uit|onder|over|la|le|du|da|del|di"
    r"|dos|el|al|ben|bin|'t|’t|'s|’s)"
)
_UPPER = r"[A-ZÀ-ÖØ-ÞĀ-Ž]"
_LOWER = r"[a-zß-öø-ÿā-ž]"
_INITIALS = rf"(?:{_UPPER}\.(?:[ ]?{_UPPER}\.)*|{_UPPER}{_UPPER}?\.?(?=[ ]))"
_SURNAME_WORD = rf"{_UPPER}(?:{_LOWER}|{_UPPER})['’{_LOWER[1:-1]}{_UPPER[1:-1]}]*"
_SURNAME = rf"{_SURNAME_WORD}(?:-(?:{_PARTICLE}-)*{_SURNAME_WORD})*"
_NAME = re.compile(
    rf"(?<![\w.])(?i:{_TITLE})"
    rf"(?:[ \t]+{_INITIALS})?"
    rf"(?:[ \t]+(?i:{_PARTICLE}))*"
    rf"[ \t]+(?P<surname>{_SURNAME})"
)
# Capitalised words after a title that are a role or an institution, not a name:
# "Mevrouw de Minister", "de heer Voorzitter".
_NOT_A_NAME = frozenset({
    "minister", "staatssecretaris", "voorzitter", "rechter", "directeur", "ombudsman",
    "inspecteur", "burgemeester", "wethouder", "kamerlid", "ontvanger", "griffier",
    "president", "procureur", "notaris", "advocaat", "deurwaarder", "officier",
    "belastingdienst", "toeslagen", "gemeente", "heer", "here",
})
# A particle is no surname: "dhr. De brief" is the end of one sentence and the start
# of the next more often than a name.
_PARTICLE_WORD = re.compile(rf"(?i:{_PARTICLE})")


def _find_name(text: str) -> Iterator[_Hit]:
    for match in _NAME.finditer(text):
        surname = match.group("surname")
        first = surname.split("-")[0]
        if first.lower() in _NOT_A_NAME or _PARTICLE_WORD.fullmatch(first):
            continue
        yield "name", match.start(), match.end(), _REASON_NAME


_DETECTORS: tuple[Callable[[str], Iterator[_Hit]], ...] = (
    _find_bsn,
    _find_iban,
    _find_email,
    _find_phone,
    _find_postcode,
    _find_birth_date,
    _find_name,
)


_DIGIT = re.compile(r"[0-9]")
#: Substrings every title of ``_TITLE`` contains (lowercase): plain ``in`` tests are a
#: hundred times cheaper than a case-insensitive alternation over the whole text.
_TITLE_HINTS = ("mevr", "mw", "mvr", "dhr", "mnr", "fam", "heer", "meneer", "juffrouw",
                "weduwe", "wed.", "hr.", "mr.", "dr.", "drs.", "ir.", "ing.", "prof.")
_NEEDS_DIGITS = (_find_bsn, _find_iban, _find_phone, _find_postcode, _find_birth_date)


def _detectors_for(text: str) -> tuple[Callable[[str], Iterator[_Hit]], ...]:
    """Only the detectors that can match: most free text has no digit, no "@" and no
    title, and the fold of an import lints every text of every step (a tenth of the
    cost of importing a year, measured), so the cheap questions come first."""
    chosen: list[Callable[[str], Iterator[_Hit]]] = []
    if _DIGIT.search(text):
        chosen.extend(_NEEDS_DIGITS)
    if "@" in text:
        chosen.append(_find_email)
    low = text.lower()
    if any(hint in low for hint in _TITLE_HINTS):
        chosen.append(_find_name)
    return tuple(chosen)


# --- public entry points ----------------------------------------------------------


def lint_text(text: str) -> list[Finding]:
    """Everything in ``text`` that would identify a person, in reading order.

    Detectors overlap (a BSN inside an e-mail address, a phone number inside a longer
    international one); the longest claim wins so each stretch of text is reported
    once, under the kind that explains it best.
    """
    normalised = text.translate(_NORMALISE)
    hits = {hit for detector in _detectors_for(normalised) for hit in detector(normalised)}
    kept: list[_Hit] = []
    for hit in sorted(hits, key=lambda h: (h[1] - h[2], _PRIORITY[h[0]], h[1])):
        _, start, end, _ = hit
        if end > start and all(end <= k[1] or start >= k[2] for k in kept):
            kept.append(hit)
    kept.sort(key=lambda h: h[1])
    return [
        Finding(kind=kind, start=start, end=end, text=text[start:end], reason=reason)
        for kind, start, end, reason in kept
    ]


def lint_fields(fields: Mapping[str, str | None]) -> list[FieldFinding]:
    """Lint every free-text field of a record at once, in the order given.

    Empty and missing fields are skipped, so callers can pass a record's optional
    fields as they are.
    """
    return [
        FieldFinding(field=name, finding=finding)
        for name, value in fields.items()
        if value
        for finding in lint_text(value)
    ]
