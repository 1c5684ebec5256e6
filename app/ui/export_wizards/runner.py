"""The export worker: every long step of an export wizard runs here, one at a time."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal, Slot

from app.model.errors import UserError
from app.model.os_errors import os_error_line, sqlite_os_problem
from app.storage.repository import Register
from app.ui.session import Session
from app.ui.widgets import tr

log = logging.getLogger(__name__)

Progress = Callable[[int, str], None]
Job = Callable[[Register, Progress], Any]


# --------------------------------------------------------------------------- the worker


class _Job(QRunnable):
    def __init__(self, runner: ExportRunner, ticket: int,
                 factory: Callable[[], Register], fn: Job) -> None:
        super().__init__()
        self._runner = runner
        self._ticket = ticket
        self._factory = factory
        self._fn = fn
        self.setAutoDelete(True)

    def run(self) -> None:
        self._runner._work(self._ticket, self._factory, self._fn)


class ExportRunner(QObject):
    """Runs ``fn(register, progress)`` in one worker thread on a connection of its own.

    Each call opens a Register with ``reopen_for_worker()`` in the thread and closes
    it when ``fn`` returns or fails. ``done(result)``, ``failed(error)`` and
    ``progress(percent, text)`` are called on the GUI thread, and only while the
    ticket is still wanted: ``drop(ticket)`` and a lock (``forget``) discard results.
    """

    _progressed = Signal(int, int, str)
    _finished = Signal(int, object, object)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._ticket = 0
        self._pending: dict[int, tuple[Callable[[Any], None],
                                       Callable[[UserError], None],
                                       Progress | None]] = {}
        self._progressed.connect(self._on_progress)
        self._finished.connect(self._on_finished)
        session.locked.connect(self.forget)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # -- GUI thread

    def start(self, fn: Job, done: Callable[[Any], None], failed: Callable[[UserError], None],
              progress: Progress | None = None) -> int:
        """Queue ``fn``; its ticket, or 0 when the register is locked."""
        if not self._session.is_open:
            return 0
        self._ticket += 1
        self._pending[self._ticket] = (done, failed, progress)
        factory = self._session.register.reopen_for_worker
        self._pool.start(_Job(self, self._ticket, factory, fn))
        return self._ticket

    def drop(self, ticket: int) -> None:
        self._pending.pop(ticket, None)

    @Slot()
    def forget(self) -> None:
        """On lock: no result of work asked for before it may reach a widget."""
        self._pending.clear()

    def is_pending(self, ticket: int) -> bool:
        return ticket in self._pending

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def wait(self, msecs: int = 60_000) -> bool:
        """For tests and shutdown: wait until queued work has run."""
        return bool(self._pool.waitForDone(msecs))

    @Slot()
    def shutdown(self) -> None:
        self.forget()
        self._pool.waitForDone()

    # -- worker thread

    def _work(self, ticket: int, factory: Callable[[], Register], fn: Job) -> None:
        reg: Register | None = None
        result: Any = None
        error: UserError | None = None

        def progress(percent: int, text: str) -> None:
            with contextlib.suppress(RuntimeError):  # the runner was deleted meanwhile
                self._progressed.emit(ticket, int(percent), str(text))

        try:
            reg = factory()
            result = fn(reg, progress)
        except UserError as exc:
            error = exc
        except OSError as exc:  # a folder that vanished, a full disk, no access
            error = UserError(tr("Er kon niet worden geschreven: %1 Er is geen half "
                                 "bestand achtergebleven; kies een andere plek of probeer "
                                 "het opnieuw.").replace("%1", os_error_line(exc)))
        except Exception as exc:
            problem = sqlite_os_problem(exc)  # a full disk while the export is audited
            if problem is not None:
                error = UserError(tr("Het register kon niet worden bijgewerkt: %1")
                                  .replace("%1", problem))
            else:
                # Only the type: a message could quote register content into the log.
                log.error("export job failed: %s", type(exc).__name__)
                error = UserError(tr("Onverwachte fout bij het exporteren (%1). Er is geen "
                                     "half bestand achtergebleven; probeer het opnieuw.")
                                  .replace("%1", type(exc).__name__))
        finally:
            if reg is not None:
                with contextlib.suppress(Exception):
                    reg.close()
        with contextlib.suppress(RuntimeError):
            self._finished.emit(ticket, result, error)

    # -- back on the GUI thread

    @Slot(int, int, str)
    def _on_progress(self, ticket: int, percent: int, text: str) -> None:
        callbacks = self._pending.get(ticket)
        if callbacks is not None and callbacks[2] is not None:
            callbacks[2](percent, text)

    @Slot(int, object, object)
    def _on_finished(self, ticket: int, result: object, error: object) -> None:
        callbacks = self._pending.pop(ticket, None)
        if callbacks is None:
            return  # dropped, or asked for before a lock
        done, failed, _progress = callbacks
        if error is None:
            done(result)
        else:
            failed(error if isinstance(error, UserError) else UserError(str(error)))
