"""The entry point of the evaluation workbook: ``write_evaluation``.

Team leads export it; evaluators open it in Excel to answer the year-one learning
questions (docs/DOMAIN.md, "The evaluation workbook"). Three promises shape it:

- **One source of figures.** Every catalogue figure comes from
  ``app.storage.figures.figures`` (the same call as the CLI and the dashboard), so the
  workbook can never disagree with them. The case rows and cross tables come from the
  very same folds (``on_case``), streamed one case at a time.
- **Nothing leaks.** Only codes, dates, counts and the signal titles leave the
  register: no P1 (helper contacts) and no P2 (citizen data); the signal titles pass
  the personal-data lint (an override is audited). Every value goes through
  ``safe_cells`` so a title like ``=HYPERLINK(...)`` stays text. openpyxl's temp files
  go to the program's own folder (``tempfiles``), the file is written beside its
  target and renamed at the end so a crash never leaves half a workbook, and the
  export is audited. With suppression asked, no published total undoes it
  (``app.model.suppression``).
- **It reads like a report.** Dutch titles, headers and definitions, period and
  year-to-date columns, native charts, Excel tables with filters, frozen headers,
  A4 landscape print setup, and the classification line.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from app.export.tempfiles import owned_temp_dir
from app.export.workbook import record_sheets, reference_sheets, summary_sheets
from app.export.workbook.book import Book
from app.export.workbook.reference_sheets import local_now
from app.model.bulk import paused_gc
from app.model.case_records import CaseRecord, SignalRecord, record_of_case, signal_record
from app.model.errors import UserError
from app.model.fold import CaseState, SignalState
from app.model.lint import KIND_LABELS, lint_text
from app.model.os_errors import describe_os_error
from app.storage.figures import check_period, figures
from app.storage.files import existing_folder
from app.storage.files import replace as replace_file
from app.storage.repository import Register

SHEETS: tuple[str, ...] = (
    "Overzicht",
    "Instroom",
    "Triage",
    "Behandeling",
    "Doorlooptijden",
    "Eindgesprek",
    "Signalen",
    "Casussen",
    "Onderwerpen",
    "Cijfers",
    "Definities",
    "Verantwoording",
)

Progress = Callable[[int, str], None]


class LintStopped(UserError):
    """A signal title would carry personal data into the workbook (docs/DOMAIN.md).

    The message names the signals and the kind of finding, never the text itself:
    messages end up in terminals and logs.
    """

    def __init__(self, findings: list[tuple[str, str]]) -> None:
        self.findings = findings
        listed = "; ".join(f"{number}: {kind}" for number, kind in findings)
        super().__init__(
            "De werkmap is niet gemaakt: de titel van een signaal lijkt persoonsgegevens "
            f"te bevatten ({listed}). Pas de titel aan, of ga door met een reden "
            "(--override-lint REDEN); die reden wordt vastgelegd in de audit."
        )


@dataclass(frozen=True)
class WorkbookSummary:
    """What was written, for the CLI's one line, the GUI's message and the tests."""

    path: Path
    start: date
    end: date
    sheets: tuple[str, ...]
    case_rows: int
    topic_rows: int
    signal_rows: int
    events_read: int
    suppress_below: int | None
    lint_findings: int
    generated_at: datetime
    timings: dict[str, float] = field(default_factory=dict)


def write_sheets(book: Book) -> Workbook:
    """The twelve sheets in their order (looked up on the modules at call time)."""
    summary_sheets.overview(book)
    summary_sheets.intake(book)
    summary_sheets.triage(book)
    summary_sheets.treatment(book)
    summary_sheets.leadtimes(book)
    summary_sheets.interviews(book)
    summary_sheets.signals_sheet(book)
    record_sheets.cases_sheet(book)
    record_sheets.topics_sheet(book)
    reference_sheets.figures_sheet(book)
    reference_sheets.definitions_sheet(book)
    reference_sheets.accountability(book)
    reference_sheets.properties(book)
    return book.wb


def _lint_titles(signals: Sequence[SignalRecord]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for s in signals:
        kinds = sorted({KIND_LABELS.get(f.kind, f.kind) for f in lint_text(s.title)})
        found += [(s.number, kind) for kind in kinds]
    return found


@paused_gc()
def write_evaluation(
    reg: Register,
    start: date,
    end: date,
    out: Path,
    *,
    suppress_below: int | None = None,
    progress: Progress | None = None,
    override_lint: str | None = None,
    temp_dir: Path | None = None,
) -> WorkbookSummary:
    """Write the evaluation workbook of docs/DOMAIN.md for ``[start, end]`` to ``out``.

    ``suppress_below=N`` shows counts from 1 to N-1 as "< N" (with the second cells
    ``app.model.suppression`` adds) and leaves the per-case sheets empty (default: no
    suppression, docs/DOMAIN.md). ``override_lint`` is the audited reason to go on when a
    signal title trips the personal-data lint; without it such a title raises
    ``LintStopped`` and nothing is written. ``temp_dir`` replaces ``paths.temp_dir()``
    for openpyxl's temp files (tests). Raises ``UserError`` for a reversed period, a bad
    suppression value, a name that is not ``.xlsx`` or a file that cannot be written
    (open in Excel, no access). Runs with the cyclic collector paused (app.model.bulk):
    the events, folds and cells are hundreds of thousands of short-lived objects
    without cycles.
    """
    timings: dict[str, float] = {}
    t0 = time.perf_counter()

    def step(percent: int, text: str) -> None:
        if progress is not None:
            progress(percent, text)

    check_period(start, end)
    if suppress_below is not None and suppress_below < 2:
        raise UserError("Afschermen van kleine aantallen kan vanaf 2 (bijvoorbeeld 5).")
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"De werkmap moet op .xlsx eindigen, niet '{out.name}'.")

    step(0, "Stappen lezen en cijfers berekenen")
    cl = reg.codelists
    records: list[CaseRecord] = []
    signal_rows: list[SignalRecord] = []

    destroyed = 0

    def on_case(state: CaseState) -> None:
        nonlocal destroyed
        if state.destroyed:
            destroyed += 1
        elif (r := record_of_case(state, end, cl)) is not None:
            records.append(r)

    def on_signal(state: SignalState) -> None:
        if (s := signal_record(state)) is not None:
            signal_rows.append(s)

    # One fold per case, streamed: it serves the figures and the rows, and only the
    # small records stay behind (no event is held after its case is folded).
    fig = figures(reg, start, end, on_case=on_case, on_signal=on_signal)
    records.sort(key=lambda r: (r.received_on, r.number))
    signal_rows.sort(key=lambda s: s.number)
    devices = reg.device_activity()
    timings["figures"] = time.perf_counter() - t0

    findings = _lint_titles(signal_rows)
    if findings and not override_lint:
        reg.audit("export_evaluation", f"{start}..{end} -> {out}", "gestopt: persoonsgegevens")
        raise LintStopped(findings)
    if findings:
        reg.audit("override_lint", f"export_evaluation {start}..{end}: {override_lint}",
                  f"{len(findings)} bevindingen")
        lint_note = (f"{len(findings)} bevinding(en) in signaaltitels; doorgezet, de reden "
                     "staat in de audit")
    else:
        lint_note = "Geen bevindingen in de signaaltitels"

    generated_at = local_now()
    out = out.expanduser()
    existing_folder(out.parent)  # exports never make folders

    step(45, "Werkmap opbouwen")
    t = time.perf_counter()
    tmp: Path | None = None
    book: Book | None = None
    try:
        with owned_temp_dir(temp_dir):
            try:
                book = Book(reg, fig, records, signal_rows, suppress_below, generated_at,
                            lint_note, devices, destroyed)
                wb = write_sheets(book)
                timings["sheets"] = time.perf_counter() - t
                step(85, "Bestand opslaan")
                t = time.perf_counter()
                fd, name = tempfile.mkstemp(prefix=f".{out.stem}.", suffix=".xlsx.tmp",
                                            dir=out.parent)
                os.close(fd)
                tmp = Path(name)
                wb.save(tmp)
            except BaseException:
                if book is not None:
                    _close_sheets(book.wb)
                raise
            replace_file(tmp, out)
            tmp = None
            timings["save"] = time.perf_counter() - t
    except OSError as exc:
        _audit_failure(reg, start, end, out, exc)
        raise UserError(f"Kan {out} niet schrijven ({describe_os_error(exc)}). Is het "
                        "bestand geopend in Excel?") from None
    except BaseException as exc:
        _audit_failure(reg, start, end, out, exc)
        raise
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)

    reg.audit("export_evaluation", f"{start}..{end} -> {out}",
              "ok" if suppress_below is None else f"ok, afgeschermd onder {suppress_below}")
    timings["total"] = time.perf_counter() - t0
    step(100, "Klaar")
    assert book is not None
    return WorkbookSummary(
        path=out,
        start=start,
        end=end,
        sheets=SHEETS,
        case_rows=len(records) if suppress_below is None else 0,
        topic_rows=book.topic_rows,
        signal_rows=len(signal_rows),
        events_read=fig.events_read,
        suppress_below=suppress_below,
        lint_findings=len(findings),
        generated_at=generated_at,
        timings=timings,
    )


def _close_sheets(wb: Workbook) -> None:
    """Finish every write-only sheet of an abandoned workbook.

    Each sheet holds its temp file open until it is closed; on Windows an open file
    cannot be deleted, so the owned folder could not be emptied of that plain text.
    """
    for ws in wb.worksheets:
        with contextlib.suppress(Exception):
            if not ws.closed:
                ws.close()


def _audit_failure(reg: Register, start: date, end: date, out: Path,
                   exc: BaseException) -> None:
    """Record a failed export; never let the audit hide the original error."""
    with contextlib.suppress(Exception):  # the register itself may be in trouble
        reg.audit("export_evaluation", f"{start}..{end} -> {out}",
                  f"mislukt: {type(exc).__name__}")
