"""What a passphrase must be, and how strong it looks (docs/SECURITY.md).

The rules are few and absolute (at least 12 characters, not one character repeated,
not an entry of a common-password list); the strength hint comes from zxcvbn, a
well-kept estimator that knows keyboard walks, dates, repeats and common words far
better than rules of our own. The GUI and the CLI show the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

MIN_LENGTH = 12

#: Dutch passwords and phrases people reach for, beside zxcvbn's (English) lists.
_DUTCH_COMMON = frozenset({
    "wachtwoord", "wachtwoordzin", "welkom", "welkom123", "geheim", "wachtwoord123",
    "welkomwelkom", "belastingdienst", "toeslagen", "casusregister", "ministerie",
    "financien", "belangenbehartiger", "nederland", "amsterdam", "rotterdam",
    "zomer", "winter", "voorjaar", "najaar", "qwertyuiop", "azertyuiop", "1234567890",
    "123456789012", "wachtwoordwachtwoord",
})

_LABELS = ("zeer zwak", "zwak", "redelijk", "sterk", "zeer sterk")


@dataclass(frozen=True)
class Strength:
    score: int  # 0 (zeer zwak) .. 4 (zeer sterk), zxcvbn's scale
    label: str
    hint: str


def problems(text: str) -> list[str]:
    """Why a passphrase may not be used (empty: it may)."""
    out: list[str] = []
    if len(text) < MIN_LENGTH:
        out.append(f"De wachtwoordzin moet minstens {MIN_LENGTH} tekens hebben.")
    if text and len(set(text)) == 1:
        out.append("De wachtwoordzin mag niet uit één herhaald teken bestaan.")
    if _is_common(text):
        out.append("Deze wachtwoordzin staat in lijsten van veelgebruikte wachtwoorden; "
                   "kies een zin van een paar woorden die alleen u kent.")
    return out


def _is_common(text: str) -> bool:
    folded = text.strip().casefold()
    bare = "".join(ch for ch in folded if ch.isalnum())
    common = _common_words()
    return folded in common or bare in common or folded in _DUTCH_COMMON \
        or bare in _DUTCH_COMMON


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def strength(text: str) -> Strength:
    """zxcvbn's score with a Dutch hint (the input is cut at 72 characters: zxcvbn 4.5
    refuses longer text, and a longer passphrase is strong anyway)."""
    if not text:
        return Strength(0, _LABELS[0], "Kies een zin van vier of vijf woorden.")
    from zxcvbn import zxcvbn

    result = zxcvbn(text[:72], user_inputs=sorted(_DUTCH_COMMON))
    score = int(result["score"])
    if problems(text):
        score = 0
    hint = {
        0: "Te raden: kies een zin van vier of vijf gewone woorden.",
        1: "Zwak: maak de zin langer, met woorden die niet bij elkaar horen.",
        2: "Redelijk: een of twee woorden erbij maakt hem sterk.",
        3: "Sterk.",
        4: "Zeer sterk.",
    }[score]
    return Strength(score, _LABELS[score], hint)
