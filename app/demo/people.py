"""Fictional people: the partners' contact persons (P1) and the citizens' data (P2).

Clearly fictional names and places, mail under the reserved ``.example`` top level,
phone numbers in a range no one holds, and BSNs that pass the 11-proef (the register
validates them) without belonging to anyone.
"""

from __future__ import annotations

import random
from typing import Any

from app.demo import draws, phrases


def slug(text: str) -> str:
    table = str.maketrans("éëèêïöüáà", "eeeeiouaa")
    return "".join(ch for ch in text.lower().translate(table) if ch.isalnum())


def mail_domain(org: str) -> str:
    """A mail domain that reads like the organisation's own, under the reserved
    ``.example`` top level so no message can ever reach a real address."""
    words = [slug(w) for w in org.replace(",", " ").split()]
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



def add_personal(out_cases: list[dict[str, Any]], seed: int) -> None:
    """P2 data on about a third of the cases, from its own generator so that asking for
    it changes nothing else; clearly fictional, with BSNs that pass the 11-proef."""
    prng = random.Random(f"{seed}-personal")
    for case in out_cases:
        if prng.random() >= 0.34:
            continue
        first = prng.choice(phrases.FIRST_NAMES)
        last = prng.choice(phrases.FICTIONAL_SURNAMES)
        services = case["events"][0]["services"]
        year = case["events"][0]["received_on"][:4]
        prefix = "DT" if services[0] == draws.DT else "BD"
        case["personal"] = {
            "name": f"{first} {last}",
            "bsn": _bsn(prng),
            "phone": f"06-00{prng.randint(100000, 999999)}",
            "email": f"{slug(first)}.{slug(last)}@voorbeeld.example",
            "address": (
                f"{prng.choice(phrases.FICTIONAL_STREETS)} {prng.randint(1, 180)}, "
                f"{prng.randint(1000, 9999)} ZZ {prng.choice(phrases.FICTIONAL_PLACES)}"
            ),
            "service_reference": f"{prefix}-{year}-{prng.randint(1, 999999):06d}",
        }

