"""What each register setting may be (Beheer -> Instellingen and ``update_settings``).

One table gives the Dutch name and the allowed range of every setting a team can
change, so the GUI's spin boxes and the storage's check can never disagree: a value
the form accepts is a value the register stores, and a value a script passes that the
form would not allow is refused with the same Dutch sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.model.device import DEVICE_CODE_HELP, valid_device_code
from app.model.errors import UserError
from app.model.retention import MAX_MONTHS, MIN_MONTHS

#: Settings whose value never appears in the audit or on screen.
SECRET_SETTINGS = frozenset({"exchange_passphrase"})
#: The exchange passphrase guards every bundle of the team (docs/ARCHITECTURE.md).
EXCHANGE_MIN_LENGTH = 12


@dataclass(frozen=True)
class Bound:
    label: str
    low: int
    high: int
    unit: str = ""


#: Whole-number settings: Dutch name and inclusive range.
NUMBERS: dict[str, Bound] = {
    "auto_lock_minutes": Bound("Automatisch vergrendelen na", 1, 120, "minuten"),
    "leadtime_norm_days": Bound("Eigen interne norm doorlooptijd", 1, 730, "dagen"),
    "target_belastingdienst": Bound("Jaardoel casussen in behandeling van de "
                                    "Belastingdienst", 0, 100_000),
    "target_dienst_toeslagen": Bound("Jaardoel casussen in behandeling van Dienst "
                                     "Toeslagen", 0, 100_000),
    "retention_months": Bound("Bewaartermijn persoonsgegevens", MIN_MONTHS, MAX_MONTHS,
                              "maanden"),
    "suppress_below": Bound("Kleine aantallen afschermen onder", 2, 100),
}

TEXTS: dict[str, str] = {
    "handler": "Naam behandelaar",
    "device_code": "Apparaatcode",
    "organisation": "Organisatie",
    "exchange_passphrase": "Uitwisselingswachtwoordzin",
}


def check_setting(key: str, value: Any) -> Any:
    """The value as stored, or a UserError saying in Dutch what is allowed."""
    if key in NUMBERS:
        bound = NUMBERS[key]
        if isinstance(value, bool) or not isinstance(value, int):
            raise UserError(f"{bound.label}: geef een geheel getal.")
        if not bound.low <= value <= bound.high:
            unit = f" {bound.unit}" if bound.unit else ""
            raise UserError(f"{bound.label}: kies van {bound.low} tot en met "
                            f"{bound.high}{unit}.")
        return value
    if key in TEXTS:
        if not isinstance(value, str):
            raise UserError(f"{TEXTS[key]}: geef een tekst.")
        if key == "exchange_passphrase":
            if len(value) < EXCHANGE_MIN_LENGTH or not value.strip():
                raise UserError(f"De uitwisselingswachtwoordzin moet minstens "
                                f"{EXCHANGE_MIN_LENGTH} tekens lang zijn.")
            return value
        text = " ".join(value.split())
        if not text:
            raise UserError(f"{TEXTS[key]}: mag niet leeg zijn.")
        if len(text) > 100:
            raise UserError(f"{TEXTS[key]}: hoogstens 100 tekens.")
        if key == "device_code" and not valid_device_code(text):
            raise UserError(f"Ongeldige apparaatcode '{text}': {DEVICE_CODE_HELP}.")
        return text
    return value
