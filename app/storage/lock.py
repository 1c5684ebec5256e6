"""One writer per register: a lock file beside the database that says who holds it.

SQLite would serialise writers anyway, but two programs folding and projecting the
same register would each believe their projections; a clear "open elsewhere" message
is kinder than a half-understood busy error.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
from datetime import datetime
from pathlib import Path

from app.storage.errors import RegisterLocked


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


class RegisterLock:
    def __init__(self, db: Path) -> None:
        self.path = db.with_name(db.name + ".lock")
        self._held = False

    def acquire(self) -> None:
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "user": _user(),
            "since": datetime.now().strftime("%d-%m-%Y %H:%M"),
        }
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            except FileExistsError:
                holder = self._read()
                if holder is not None and self._stale(holder):
                    with contextlib.suppress(FileNotFoundError):
                        self.path.unlink()
                    continue
                h = holder or {}
                raise RegisterLocked(
                    "Het register is al geopend door "
                    f"{h.get('user', 'onbekend')} op {h.get('host', 'onbekend')} "
                    f"(proces {h.get('pid', '?')}, sinds {h.get('since', '?')}). "
                    "Sluit dat programma eerst."
                ) from None
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(info, fh)
            self._held = True
            return
        raise RegisterLocked(f"Kan het slot {self.path} niet vastzetten.")

    def _read(self) -> dict[str, object] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    @staticmethod
    def _stale(holder: dict[str, object]) -> bool:
        if holder.get("host") != socket.gethostname():
            return False
        pid = holder.get("pid")
        return isinstance(pid, int) and pid != os.getpid() and not _alive(pid)

    def release(self) -> None:
        if self._held:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            self._held = False


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "onbekend"
