"""The one background worker and a page's request: results reach the page on the GUI
thread, a lock drops every result asked for before it, failures read in Dutch."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtWidgets import QLabel, QProgressBar, QWidget

from app.model.errors import UserError
from app.ui.worker import Request, Worker


class Page(QWidget):
    """A shown page with a status line, a busy bar and an error line."""

    def __init__(self, qtbot: Any) -> None:
        super().__init__()
        qtbot.addWidget(self)
        self.status, self.busy, self.error = QLabel(self), QProgressBar(self), QLabel(self)
        self.show()
        self.busy.hide()


def test_a_request_shows_busy_then_hands_over_the_result(qtbot: Any, session: Any) -> None:
    worker = Worker(session)
    page = Page(qtbot)
    status, busy = page.status, page.busy
    request = Request(worker, status, busy=busy)
    got: list[object] = []
    assert request.read(lambda reg: reg.counts(), got.append, text="Bezig met laden…")
    assert request.running and busy.isVisible() and status.text() == "Bezig met laden…"
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    assert got == [session.register.counts()]
    assert not request.running and not busy.isVisible()
    worker.shutdown()


def test_progress_reaches_the_page_with_the_jobs_own_arguments(qtbot: Any,
                                                               session: Any) -> None:
    worker = Worker(session)
    seen: list[tuple[int, str]] = []
    done: list[object] = []

    def job(_reg: Any, report: Any) -> str:
        report(50, "half")
        report(100, "klaar")
        return "ok"

    worker.start(job, done.append, progress=lambda pct, text: seen.append((pct, text)))
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    assert seen == [(50, "half"), (100, "klaar")] and done == ["ok"]
    worker.shutdown()


def test_a_lock_drops_a_result_read_before_it(qtbot: Any, session: Any) -> None:
    worker = Worker(session)
    page = Page(qtbot)
    status, busy = page.status, page.busy
    request = Request(worker, status, busy=busy)
    release = threading.Event()
    got: list[object] = []

    def slow(reg: Any) -> object:
        counts = reg.counts()
        release.wait(10)
        return counts

    request.read(slow, got.append)
    session.lock()  # before the result is back
    release.set()
    assert worker.wait()
    qtbot.wait(50)  # let a (wrongly) queued delivery arrive
    assert got == [] and not request.running and not worker.busy
    assert not request.start(lambda reg, _report: None, got.append)  # locked: nothing runs
    assert status.text() == "Het register is vergrendeld."
    worker.shutdown()


def test_a_dropped_request_is_not_delivered(qtbot: Any, session: Any) -> None:
    worker = Worker(session)
    page = Page(qtbot)
    status, busy = page.status, page.busy
    first = Request(worker, status, busy=busy)
    got: list[object] = []
    first.read(lambda reg: "oud", got.append)
    first.read(lambda reg: "nieuw", got.append)  # starting again drops the first
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    assert worker.wait()
    qtbot.wait(50)
    assert got == ["nieuw"]
    worker.shutdown()


def test_failures_read_in_the_pages_words(qtbot: Any, session: Any) -> None:
    worker = Worker(session)
    page = Page(qtbot)
    status, busy, error = page.status, page.busy, page.error
    request = Request(worker, status, busy=busy, error=error,
                      failure="De lijst kon niet worden gelezen: {error}")
    failed: list[UserError] = []

    def refused(_reg: Any) -> None:
        raise UserError("Geen toegang.")

    request.read(refused, lambda _result: None, text="Laden…", failed=failed.append)
    qtbot.waitUntil(lambda: bool(failed), timeout=10_000)
    assert error.text() == "De lijst kon niet worden gelezen: Geen toegang."
    assert status.text() == "" and not busy.isVisible()

    def broken(_reg: Any) -> None:
        raise KeyError("de inhoud van een casus")  # never shown: it could quote P2 data

    failed.clear()
    request.read(broken, lambda _result: None, failed=failed.append)
    qtbot.waitUntil(lambda: bool(failed), timeout=10_000)
    assert str(failed[0]) == "Onverwachte fout bij het lezen (KeyError)."
    assert "casus" not in error.text()
    worker.shutdown()
