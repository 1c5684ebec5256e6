"""Storage errors with the one Dutch line a person sees."""

from __future__ import annotations

from app.model.errors import UserError


class StorageError(UserError):
    """Base for every refusal of the storage layer."""


class WrongPassphrase(StorageError):
    def __init__(self) -> None:
        super().__init__("Onjuiste wachtwoordzin: het register kon niet worden geopend.")


class NotARegister(StorageError):
    pass


class RegisterLocked(StorageError):
    pass


class RegisterExists(StorageError):
    pass


class UnknownCase(StorageError):
    pass
