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


class DiskFull(StorageError):
    def __init__(self) -> None:
        super().__init__("De schijf is vol: er is niets opgeslagen en niets verloren. Maak "
                         "ruimte vrij en probeer het opnieuw.")


class RegisterDamaged(NotARegister):
    """The key is right (the keyring said so) but the file does not open or check out."""


class KeyringProblem(StorageError):
    """The keyring beside the register is missing, unreadable or belongs elsewhere."""


class ReadOnlyRegister(StorageError):
    """The register is behind its seal: it opened read-only until the handler chooses."""
