"""The three export wizards of the Export page: Weekexport, Signaalformulieren, Rapportage.

Each wizard is a thin, keyboard-driven front for one export function of ``app.export``
(docs/ARCHITECTURE.md, "Exports"): the functions decide what goes into a file, lint it,
audit it and write it atomically; the wizard asks for the period, the signals, the file
or the folder, shows what will happen and reports what did. Nothing here touches SQL,
openpyxl or jinja2.

One file a part:

- ``base``: what the three wizards share (look, buttons, dialogs, cancel and lock);
- ``path_page`` and ``run_page``: the file or folder to write to, and the writing;
- ``lint_gate``: the personal-data findings and the conscious way past them;
- ``period_chooser``: period presets plus a typed custom period (the periods
  themselves are pure date logic in ``app.model.periods``);
- ``folders``: the folder of the previous export;
- ``runner``: the worker all export work runs in;
- ``week``, ``signals``, ``report``: the three wizards and their own pages.

Threading (docs/ARCHITECTURE.md "GUI"). Every long step (the preview figures, the signal
list and its check, the writing) runs in ``ExportRunner``'s single worker thread, on a
Register of its own that is closed when the step ends. Progress comes back to the GUI
thread through a queued signal. One thread means one export at a time, which the owned
temp folder of ``app.export.tempfiles`` needs. A lock forgets every pending result; the
Export page then closes the wizard and empties it. A write already under way finishes
in its own thread, atomically, as the export functions promise, and its result is
thrown away.

Personal-data lint (docs/DOMAIN.md, docs/SECURITY.md). A finding stops an export until
the text is fixed where it lives (the signal, the case's story) or the handler ticks
"toch doorgaan" and gives a reason. The reason goes to the export function as
``override_lint``, which records it in the audit; the reason is linted too, because the
audit may never hold P2 data.

Dialogs a test cannot click (choosing a file or a folder, opening a folder in the file
manager) are classmethods of ``ExportWizard`` so tests can replace them.
"""

from __future__ import annotations

from app.ui.export_wizards.base import ExportWizard, Outcome
from app.ui.export_wizards.folders import last_folder, remember_folder
from app.ui.export_wizards.lint_gate import LintGate
from app.ui.export_wizards.path_page import PathPage
from app.ui.export_wizards.period_chooser import PeriodChooser, Preset
from app.ui.export_wizards.report import ReportExportWizard
from app.ui.export_wizards.run_page import RunPage
from app.ui.export_wizards.runner import ExportRunner, Job, Progress
from app.ui.export_wizards.signals import SignalExportWizard
from app.ui.export_wizards.week import (
    PAGE_FILE,
    PAGE_PERIOD,
    PAGE_PREVIEW,
    PAGE_RUN,
    WeekExportWizard,
)

__all__ = [
    "PAGE_FILE",
    "PAGE_PERIOD",
    "PAGE_PREVIEW",
    "PAGE_RUN",
    "ExportRunner",
    "ExportWizard",
    "Job",
    "LintGate",
    "Outcome",
    "PathPage",
    "PeriodChooser",
    "Preset",
    "Progress",
    "ReportExportWizard",
    "RunPage",
    "SignalExportWizard",
    "WeekExportWizard",
    "last_folder",
    "remember_folder",
]
