"""The export worker: the program's one ``Worker`` design, set up for exports.

Every long step of an export wizard (the preview figures, the signal list and its
check, the writing) runs here, one at a time: the owned temp folder of
``app.export.tempfiles`` needs that. Each job opens its own Register and closes it when
it ends. A failure says that no half file was left behind, and a full disk or a folder
that vanished is named in Dutch, never as an "unexpected" error.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject

from app.model.errors import UserError
from app.model.os_errors import os_error_line, sqlite_os_problem
from app.storage.repository import Register
from app.ui.session import Session
from app.ui.text import tr
from app.ui.worker import Worker

log = logging.getLogger(__name__)

#: ``progress(percent, text)`` of an export job.
Progress = Callable[[int, str], None]
Job = Callable[[Register, Progress], Any]


def export_failure(exc: Exception) -> UserError:
    """An export that failed, in Dutch: what went wrong and that nothing half was written."""
    if isinstance(exc, OSError):  # a folder that vanished, a full disk, no access
        return UserError(tr("Er kon niet worden geschreven: {problem} Er is geen half "
                            "bestand achtergebleven; kies een andere plek of probeer het "
                            "opnieuw.").format(problem=os_error_line(exc)))
    problem = sqlite_os_problem(exc)  # a full disk while the export is audited
    if problem is not None:
        return UserError(tr("Het register kon niet worden bijgewerkt: {problem}")
                         .format(problem=problem))
    # Only the type: a message could quote register content into the log.
    log.error("export job failed: %s", type(exc).__name__)
    return UserError(tr("Onverwachte fout bij het exporteren ({error}). Er is geen half "
                        "bestand achtergebleven; probeer het opnieuw.")
                     .format(error=type(exc).__name__))


class ExportRunner(Worker):
    """The worker of the Export page: a connection per job, failures in export words."""

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(session, parent, connection_per_job=True, failure=export_failure)
