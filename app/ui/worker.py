"""Work off the GUI thread, on a connection of its own: one worker for the whole program.

Lists that touch every row of a table (every open deadline, every signal), the figures
of the Overzicht, the export wizards' previews and writing, the reading of bundles: all
run in a ``Worker`` so the window never waits on them (docs/ARCHITECTURE.md).
SQLCipher connections may not be shared between threads, so a worker opens a Register
of its own (``reopen_for_worker``) in its thread. Its pool has one thread, so that
Register is never used by two jobs at once, and one export runs at a time.

Every request gets a ticket. A result whose ticket is no longer wanted is dropped:
``drop(ticket)`` forgets one request (a page that starts again, a wizard page left
with Back), and a lock (``reset``) forgets them all, so nothing read before a lock can
reappear after it. Work already under way finishes in its thread (an export is
written atomically either way) and its result is thrown away.

Two ways to hold the connection, one design: a page's reader keeps it open between
requests and closes it on a lock; the export worker opens it for each job and closes
it when the job ends (``connection_per_job``). How a failure reads is the worker's
``failure`` function, so a reading page and an export each say it in their own words.

``Request`` is the page side of a request: its ticket, its busy bar and status line,
its Dutch failure line; ``ReaderPage`` is a page with a worker, shared or its own.
``LongJob`` is for the long acts that change files (a backup, a restore, a new key):
one thread each, with progress, never dropped on a lock, and the program waits for a
running one before it exits, so a restore is never cut off halfway.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThread, QThreadPool, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QWidget

from app.model.errors import UserError
from app.model.os_errors import describe_os_error
from app.storage.repository import Register
from app.ui.session import Session

Done = Callable[[Any], None]
Failed = Callable[[UserError], None]
#: What a job calls to say how far it is; the page's callback gets the same arguments.
Report = Callable[..., None]
Job = Callable[[Register, Report], Any]
Progress = Callable[[int, int], None]


def reading_failure(exc: Exception) -> UserError:
    """An unexpected error while reading, in one line (never a traceback, never the
    message: it could quote register content)."""
    return UserError(f"Onverwachte fout bij het lezen ({type(exc).__name__}).")


class _Run(QRunnable):
    def __init__(self, worker: Worker, ticket: int, factory: Callable[[], Register] | None,
                 fn: Job | None) -> None:
        super().__init__()
        self._worker = worker
        self._ticket = ticket
        self._factory = factory
        self._fn = fn
        self.setAutoDelete(True)

    def run(self) -> None:
        self._worker._work(self._ticket, self._factory, self._fn)


class Worker(QObject):
    """Runs ``fn(register, report)`` in one worker thread and hands the result to
    ``done`` (or a ``UserError`` to ``failed``) on the GUI thread, while still wanted."""

    _progressed = Signal(int, object)
    _finished = Signal(int, object, object)

    def __init__(self, session: Session, parent: QObject | None = None, *,
                 connection_per_job: bool = False,
                 failure: Callable[[Exception], UserError] = reading_failure) -> None:
        super().__init__(parent)
        self._session = session
        self._per_job = connection_per_job
        self._failure = failure
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._register: Register | None = None  # touched only by the (single) pool thread
        self._ticket = 0
        self._pending: dict[int, tuple[Done, Failed | None, Report | None]] = {}
        self._closed = False
        self._progressed.connect(self._on_progress)
        self._finished.connect(self._on_finished)
        session.locked.connect(self.reset)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.shutdown)

    # ------------------------------------------------------------------ API (GUI thread)

    def start(self, fn: Job, done: Done, failed: Failed | None = None,
              progress: Report | None = None) -> int:
        """Queue ``fn(register, report)``; its ticket, or 0 when the register is locked."""
        if self._closed or not self._session.is_open:
            return 0
        self._ticket += 1
        self._pending[self._ticket] = (done, failed, progress)
        factory = self._session.register.reopen_for_worker
        self._pool.start(_Run(self, self._ticket, factory, fn))
        return self._ticket

    def submit(self, fn: Callable[[Register], Any], done: Done,
               failed: Failed | None = None) -> int:
        """``start`` for a job that reports no progress."""
        return self.start(lambda reg, _report: fn(reg), done, failed)

    def drop(self, ticket: int) -> None:
        """Forget one request: its result will not be delivered."""
        self._pending.pop(ticket, None)

    def is_pending(self, ticket: int) -> bool:
        return ticket in self._pending

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    @Slot()
    def reset(self) -> None:
        """On lock: forget every pending request and close the worker's connection."""
        self._pending.clear()
        if not self._per_job:
            self._pool.start(_Run(self, 0, None, None))

    @Slot()
    def shutdown(self) -> None:
        """Close the connection and wait for the thread (before the window goes away);
        a running ``LongJob`` (a restore, a new key) is waited for too."""
        if self._closed:
            return
        self.reset()
        self._closed = True
        self._pool.waitForDone()
        LongJob.wait_all()

    def wait(self, msecs: int = 60_000) -> bool:
        """For tests and shutdown: wait until queued work has run."""
        return bool(self._pool.waitForDone(msecs))

    # ------------------------------------------------------------------ worker thread

    def _work(self, ticket: int, factory: Callable[[], Register] | None,
              fn: Job | None) -> None:
        if fn is None:  # the close request
            self._close_register()
            return

        def report(*args: object) -> None:
            with contextlib.suppress(RuntimeError):  # the worker was deleted meanwhile
                self._progressed.emit(ticket, args)

        result: Any = None
        error: UserError | None = None
        try:
            if self._register is None:
                assert factory is not None
                self._register = factory()
            result = fn(self._register, report)
        except UserError as exc:
            error = exc
        except Exception as exc:
            error = self._failure(exc)
        finally:
            if self._per_job:
                self._close_register()
        with contextlib.suppress(RuntimeError):  # the worker was deleted meanwhile
            self._finished.emit(ticket, result, error)

    def _close_register(self) -> None:
        if self._register is not None:
            with contextlib.suppress(Exception):
                self._register.close()
            self._register = None

    # ------------------------------------------------------------------ back on the GUI thread

    @Slot(int, object)
    def _on_progress(self, ticket: int, args: object) -> None:
        callbacks = self._pending.get(ticket)
        if callbacks is not None and callbacks[2] is not None:
            assert isinstance(args, tuple)
            callbacks[2](*args)

    @Slot(int, object, object)
    def _on_finished(self, ticket: int, result: object, error: object) -> None:
        callbacks = self._pending.pop(ticket, None)
        if callbacks is None:
            return  # dropped, or asked for before a lock
        done, failed, _progress = callbacks
        if error is None:
            done(result)
        elif failed is not None:
            failed(error if isinstance(error, UserError) else UserError(str(error)))


# --------------------------------------------------------------------------- the page side


class Request:
    """One thing a page asks of the worker, with the page's busy bar and status line.

    ``start`` drops the page's previous request (its result would be stale), shows the
    busy bar and the status text, and hands the result to ``done`` after hiding the
    bar. A failure hides the bar and shows ``failure`` (``{error}`` filled in) in the
    error label, or the status line when the page has none. ``drop`` forgets the
    request: for a page that empties itself, or a wizard page left with Back.
    """

    LOCKED = "Het register is vergrendeld."

    def __init__(self, worker: Worker, status: QLabel | None = None, *,
                 busy: QWidget | None = None, error: QLabel | None = None,
                 failure: str = "{error}") -> None:
        self.worker = worker
        self.status = status
        self.busy = busy
        self.error = error
        self.failure = failure
        self.ticket = 0
        self._failed: Failed | None = None

    @property
    def running(self) -> bool:
        return self.ticket != 0 and self.worker.is_pending(self.ticket)

    def start(self, fn: Job, done: Done, *, text: str = "", failed: Failed | None = None,
              progress: Report | None = None) -> bool:
        """Ask for ``fn(register, report)``; False (and ``failed`` told) when locked."""
        self.drop()
        self._failed = failed
        if self.error is not None:
            self.error.hide()
        if self.busy is not None:
            self.busy.show()
        if self.status is not None:
            self.status.setText(text)
        self.ticket = self.worker.start(fn, lambda result: self._done(done, result),
                                        self._fail, progress)
        if not self.ticket:
            self._fail(UserError(QCoreApplication.translate("Casusregister", self.LOCKED)))
            return False
        return True

    def read(self, fn: Callable[[Register], Any], done: Done, *, text: str = "",
             failed: Failed | None = None) -> bool:
        """``start`` for a job that reports no progress."""
        return self.start(lambda reg, _report: fn(reg), done, text=text, failed=failed)

    def drop(self) -> None:
        if self.ticket:
            self.worker.drop(self.ticket)
        self.ticket = 0
        if self.busy is not None:
            self.busy.hide()

    def _done(self, done: Done, result: object) -> None:
        self.ticket = 0
        if self.busy is not None:
            self.busy.hide()
        done(result)

    def _fail(self, error: UserError) -> None:
        self.ticket = 0
        if self.busy is not None:
            self.busy.hide()
        label = self.error if self.error is not None else self.status
        if label is not None:
            if label is not self.status and self.status is not None:
                self.status.clear()
            label.setText(self.failure.format(error=error))
            label.show()
        if self._failed is not None:
            self._failed(error)


class ReaderPage(QWidget):
    """A page that reads in a worker: the main window's, shared by every page, or one
    of its own (a page shown alone, as in a test), which it shuts down when it closes."""

    def __init__(self, session: Session, reader: Worker | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._own_reader = reader is None
        self.reader = reader or Worker(session, self)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._own_reader:
            self.reader.shutdown()
        super().closeEvent(event)


# --------------------------------------------------------------------------- long jobs


def failure_text(exc: BaseException) -> str:
    """The one Dutch line a person sees for a failed job (never a traceback)."""
    if isinstance(exc, UserError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"Het bestand kon niet worden gelezen of geschreven ({describe_os_error(exc)})."
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
