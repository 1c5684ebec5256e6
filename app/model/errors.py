"""Errors the front doors show to people.

Every refusal in the model carries a Dutch sentence that the GUI can put next to a
field and the CLI can print as its one line, so no door has to translate exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass


class UserError(Exception):
    """Something the user can fix; ``str(exc)`` is the Dutch message to show."""


@dataclass(frozen=True)
class FieldError:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ValidationFailed(UserError):
    """One or more fields are wrong; ``errors`` says which, for inline messages."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors))


class RuleViolation(UserError):
    """The step breaks a workflow rule of docs/DOMAIN.md; the message says which.

    ``field`` names the payload field the rule is about, as ``FieldError.path`` does
    (the date of a step dated in the future, ``by`` of an approval that breaks four
    eyes), or is empty when the rule is about the step as a whole; a form shows the
    message next to that field, whatever its wording.
    """

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field
