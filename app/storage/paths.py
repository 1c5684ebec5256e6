"""Default locations from platformdirs; ``--db PATH`` overrides them everywhere."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP = "Casusregister"

#: Shown on the unlock screen of the demo register (docs/ARCHITECTURE.md).
DEMO_PASSPHRASE = "demo-register"
AUTHOR = "Belangenbehartiger"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP, AUTHOR))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP, AUTHOR))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP, AUTHOR))


def default_db() -> Path:
    return data_dir() / "register.db"


def demo_db() -> Path:
    return data_dir() / "demo-register.db"


def backup_dir(db: Path) -> Path:
    return db.parent / f"{db.stem}-backups"


def temp_dir() -> Path:
    """The folder the program owns for export temp files; emptied at start and after use."""
    return data_dir() / "tmp"


def codelist_override() -> Path:
    return config_dir() / "codelists.toml"
