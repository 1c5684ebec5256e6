"""The weekly evaluation workbook (docs/DOMAIN.md, "The evaluation workbook").

A package because the workbook outgrew one module (issue 12): ``styles`` is its look,
``sheet`` a write-only sheet with its print setup, ``book`` what every sheet shares
(figures, suppression, blocks), ``summary_sheets``, ``record_sheets`` and
``reference_sheets`` the twelve sheets, and ``export`` the entry point. The case
records and cross tables are domain facts and live in ``app.model.case_records``.
"""

from app.export.workbook.export import (
    SHEETS,
    LintStopped,
    WorkbookSummary,
    write_evaluation,
)
from app.export.workbook.sheet import CLASSIFICATION
from app.model.case_records import (
    CaseRecord,
    SignalRecord,
    case_record,
    cross_tables,
    signal_record,
)

__all__ = [
    "CLASSIFICATION",
    "SHEETS",
    "CaseRecord",
    "LintStopped",
    "SignalRecord",
    "WorkbookSummary",
    "case_record",
    "cross_tables",
    "signal_record",
    "write_evaluation",
]
