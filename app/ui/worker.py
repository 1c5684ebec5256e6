"""Read-only work off the GUI thread, on a connection of its own.

Lists that touch every row of a table (every open deadline, every signal) are read in
a worker thread so the window never waits on them (docs/ARCHITECTURE.md). SQLCipher
connections may not be shared between threads, so the worker keeps one Register of
its own (``reopen_for_worker``), opened on first use and closed when the session
locks. The pool has one thread, so that Register is never used by two jobs at once.

Every request gets a ticket; a result whose ticket belongs to an earlier session
(before a lock) is dropped, so nothing read before a lock can reappear after it.

``LongJob`` is for the long acts that change files (a backup, a restore, a new key):
one thread each, with progress, and the program waits for a running one before it
exits, so a restore is never cut off halfway.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThread, QThreadPool, Signal, Slot

from app.model.errors import UserError
from app.storage.repository import Register
from app.ui.session import Session

Done = Callable[[Any], None]
Failed = Callable[[str], None]
Progress = Callable[[int, int], None]


class _Job(QRunnable):
    def __init__(self, reader: BackgroundReader, ticket: int,
                 factory: Callable[[], Register] | None,
                 fn: Callable[[Register], Any] | None) -> None:
        super().__init__()
        self._reader = reader
        self._ticket = ticket
        self._factory = factory
        self._fn = fn
        self.setAutoDelete(True)

    def run(self) -> None:
        self._reader._work(self._ticket, self._factory, self._fn)


class BackgroundReader(QObject):
    """Runs ``fn(register)`` in a worker thread and hands the result to ``done``."""

    _delivered = Signal(int, object, object)

    def __init__(self, session: Session, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._worker: Register | None = None  # touched only by the (single) pool thread
        self._ticket = 0
        self._pending: dict[int, tuple[Done, Failed | None]] = {}
        self._closed = False
        self._delivered.connect(self._deliver)
        session.locked.connect(self.reset)

    # ------------------------------------------------------------------ API (GUI thread)

    def submit(self, fn: Callable[[Register], Any], done: Done,
               failed: Failed | None = None) -> int:
        """Queue ``fn``; returns its ticket, or 0 when the register is locked."""
        if self._closed or not self._session.is_open:
            return 0
        self._ticket += 1
        self._pending[self._ticket] = (done, failed)
        factory = self._session.register.reopen_for_worker
        self._pool.start(_Job(self, self._ticket, factory, fn))
        return self._ticket

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    @Slot()
    def reset(self) -> None:
        """Forget every pending request and close the worker's connection."""
        self._pending.clear()
        self._pool.start(_Job(self, 0, None, None))

    def shutdown(self) -> None:
        """Close the connection and wait for the thread (before the window goes away);
        a running ``LongJob`` (a restore, a new key) is waited for too."""
        if self._closed:
            return
        self.reset()
        self._closed = True
        self._pool.waitForDone()
        LongJob.wait_all()

    def wait(self, msecs: int = 5000) -> bool:
        """For tests and shutdown: wait until queued work has run."""
        return bool(self._pool.waitForDone(msecs))

    # ------------------------------------------------------------------ worker thread

    def _work(self, ticket: int, factory: Callable[[], Register] | None,
              fn: Callable[[Register], Any] | None) -> None:
        if fn is None:  # the close request
            if self._worker is not None:
                self._worker.close()
                self._worker = None
            return
        result: Any = None
        error: str | None = None
        try:
            if self._worker is None:
                assert factory is not None
                self._worker = factory()
            result = fn(self._worker)
        except UserError as exc:
            error = str(exc)
        except Exception as exc:
            error = f"Onverwachte fout bij het lezen ({type(exc).__name__})."
        with contextlib.suppress(RuntimeError):  # the reader was deleted meanwhile
            self._delivered.emit(ticket, result, error)

    # ------------------------------------------------------------------ back on the GUI thread

    @Slot(int, object, object)
    def _deliver(self, ticket: int, result: object, error: object) -> None:
        callbacks = self._pending.pop(ticket, None)
        if callbacks is None:
            return  # requested before a lock: dropped
        done, failed = callbacks
        if error is None:
            done(result)
        elif failed is not None:
            failed(str(error))


# --------------------------------------------------------------------------- long jobs


def failure_text(exc: BaseException) -> str:
    """The one Dutch line a person sees for a failed job (never a traceback)."""
    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"Het bestand kon niet worden gelezen of geschreven ({exc.strerror or exc})."
    return f"Onverwachte fout ({type(exc).__name__})."


class LongJob(QThread):
    """``work(progress)`` in a thread of its own; the signals arrive on the GUI thread.

    The work opens its own connection (SQLCipher connections belong to one thread).
    ``progress(done, total)`` may be called from the work; a total of 0 means "busy,
    no measure". Exactly one of ``succeeded`` and ``failed`` follows.
    """

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)

    _running: set[LongJob] = set()  # noqa: RUF012 - every job of the process, on purpose

    def __init__(self, work: Callable[[Progress], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self.result: Any = None
        self.error: str | None = None
        self.finished.connect(self._forget)

    def start_job(self) -> LongJob:
        LongJob._running.add(self)
        self.start()
        return self

    def run(self) -> None:
        try:
            self.result = self._work(self._report)
        except BaseException as exc:
            self.error = failure_text(exc)
            self.failed.emit(self.error)
            if not isinstance(exc, Exception):
                raise
            return
        self.succeeded.emit(self.result)

    def _report(self, done: int, total: int) -> None:
        self.progressed.emit(int(done), int(total))

    @Slot()
    def _forget(self) -> None:
        LongJob._running.discard(self)

    @classmethod
    def busy(cls) -> bool:
        return any(job.isRunning() for job in cls._running)

    @classmethod
    def wait_all(cls) -> None:
        """Before the program exits: a restore or a new key is never cut off."""
        for job in list(cls._running):
            job.wait()
