"""What typed input and interchange files may hold (docs/INTERCHANGE-LIMITS.md).

One place for the limits, so that the payload models, the interchange reader, the
period check of the figures and the documentation for people who produce interchange
files say the same thing, and every refusal names the limit it enforces. Exchange
bundles between the team's laptops are not held to these limits (docs/ARCHITECTURE.md): they
are checked for structure only (``events.check_structure``), with the wider date
range below that only keeps date arithmetic safe.
"""

from __future__ import annotations

import re
from datetime import date

#: Dates typed or imported lie in this range: anything wider is a typing error (0205
#: for 2025), and the extremes of ``date`` break date arithmetic (fault 4 of #8).
FIRST_DATE = date(2000, 1, 1)
LAST_DATE = date(2100, 12, 31)
#: What a bundle's event may hold: wide enough for any honest register, narrow
#: enough that adding a term or a year to it can never overflow.
FIRST_STRUCTURAL_DATE = date(1900, 1, 1)
LAST_STRUCTURAL_DATE = date(2999, 12, 31)

#: One-line texts: names, organisations, titles, who and how.
LINE_MAX = 300
#: The case's short summary (docs/DOMAIN.md: "short, no personal data").
SUMMARY_MAX = 1000
#: Free text: notes, reasons, solutions, stories (about eight printed pages).
MAX_TEXT = 20_000
#: References: a source's case or signal reference, an event reference, a flag.
REF_MAX = 100
#: A merge flag's reason, as written by the fold.
FLAG_MAX = 500

#: Personal data (P2) in an interchange file: key -> (longest, may span lines).
PERSONAL_LIMITS: dict[str, tuple[int, bool]] = {
    "name": (200, False),
    "bsn": (11, False),  # nine digits, perhaps with two separators
    "phone": (40, False),
    "email": (254, False),  # RFC 5321's longest address
    "address": (500, True),
    "service_reference": (REF_MAX, False),
}

#: C0 and C1 control characters (newline and tab are allowed in free text only).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ANY_ODD = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_ANY_ODD_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_NAMES = {"\x00": "NUL", "\t": "tab", "\n": "regeleinde", "\r": "regelterugloop",
          "\x1b": "escape", "\x7f": "DEL"}


def nl(d: date) -> str:
    return d.strftime("%d-%m-%Y")


def date_range_text() -> str:
    return f"{nl(FIRST_DATE)} t/m {nl(LAST_DATE)}"


def date_in_range(d: date) -> bool:
    return FIRST_DATE <= d <= LAST_DATE


def _char_name(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    return f"{code} {_NAMES[ch]}" if ch in _NAMES else code


def has_surrogate(value: str) -> bool:
    return _SURROGATE.search(value) is not None


def text_problem(value: str, *, multiline: bool) -> str | None:
    """Why a text may not be stored, or None.

    Control characters do nothing useful in a register and harm its readers (a
    terminal escape in a CLI line, a NUL that cuts a C string, a form feed in a
    printed report); a lone surrogate cannot even be written as UTF-8. Free text keeps
    its line breaks and tabs; a one-line field has neither.
    """
    if not (_ANY_ODD if multiline else _ANY_ODD_LINE).search(value):
        return None  # the common case, in one scan
    bad = _SURROGATE.search(value)
    if bad:
        return f"bevat een ongeldig teken ({_char_name(bad.group())}, een losse surrogaat)"
    for hit in _CONTROL.finditer(value):
        ch = hit.group()
        if ch in "\n\t":
            if multiline:
                continue
            return "mag geen tab of regeleinde bevatten (dit veld is één regel)"
        return f"bevat een besturingsteken ({_char_name(ch)})"
    return None


def shown(value: object, limit: int = 40) -> str:
    """A value from the input as it may appear inside one line of a message.

    Control characters and surrogates are escaped (a file must not write to the
    user's terminal), long values are cut, and a huge number is described rather than
    printed (Python refuses to print more than 4,300 digits).
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"een getal van ongeveer {int(value.bit_length() * 0.30103)} cijfers"
    text = value if isinstance(value, str) else repr(value)
    text = text[: 4 * limit]
    text = "".join(ch.encode("unicode_escape").decode("ascii")
                   if (_CONTROL.match(ch) or _SURROGATE.match(ch)) else ch for ch in text)
    return text if len(text) <= limit else text[: limit - 1] + "…"
