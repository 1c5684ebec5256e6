"""Registers for tests: real SQLCipher files, with a low key-derivation count.

docs/ARCHITECTURE.md allows a cheaper Argon2id through an explicit test-only parameter to
keep the suite fast; the encryption tests use the default instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.storage.crypto import TEST_KDF, KdfParams
from app.storage.repository import Register

PASSPHRASE = "een-lange-wachtwoordzin"
FAST_KDF = TEST_KDF
EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "interchange-2025-small.json"


def make_register(folder: Path, name: str = "register.db", device: str = "TST",
                  handler: str = "Tester", kdf: KdfParams = FAST_KDF) -> Register:
    return Register.create(folder / name, PASSPHRASE, device, handler, kdf=kdf)


#: The team's exchange passphrase in bundle tests (docs/SECURITY.md: at least 12).
TEAM = "team-wachtwoordzin-2025"


def team_member(folder: Path, code: str, handler: str) -> Register:
    """A handler's laptop register, with the team's exchange passphrase set."""
    from app.storage.exchange import set_exchange_passphrase

    reg = make_register(folder, f"{code.lower()}.db", device=code, handler=handler)
    set_exchange_passphrase(reg, TEAM)
    return reg


def reopen(reg: Register) -> Register:
    path = reg.path
    reg.close()
    return Register.open(path, PASSPHRASE)


def registration(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "received_on": "2025-03-04",
        "route": "maatschappelijke_partner",
        "partner_type": "sociaal_raadslieden",
        "partner_org": "Sociaal Raadslieden Utrecht",
        "services": ["dienst_toeslagen"],
        "topics": ["kinderopvangtoeslag", "terugvordering_toeslag"],
        "target_group": "burger",
        "multi_problem": True,
        "known_to_service": "nee",
        "summary": "Terugvordering na herberekening, betalingsregeling vastgelopen.",
    }
    data.update(changes)
    return data


def triage(on: str = "2025-03-06", decision: str = "in_behandeling", **extra: Any
           ) -> dict[str, Any]:
    data: dict[str, Any] = {"decided_on": on, "decision": decision,
                            "reason_code": "vastgelopen_casus", "reason": "Vastgelopen."}
    data.update(extra)
    return data
