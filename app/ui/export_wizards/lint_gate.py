"""The personal-data gate of an export: what the lint found, and the conscious way past.

A finding stops an export until the text is fixed where it lives, or the handler ticks
"toch doorgaan" and gives a reason. The reason goes to the export as ``override_lint``
and into the audit, so it is linted too: the audit may never hold P2 data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.export.templating import PersonalDataFound, TextFinding, masked
from app.export.workbook import LintStopped
from app.model.errors import UserError
from app.model.lint import KIND_LABELS, lint_text
from app.ui.text import count_text, tr
from app.ui.widgets import buddy_label, list_tree, plain_label

GateRow = tuple[str, str, str]  # where, what was found, why it matters


def gate_rows(findings: Iterable[TextFinding]) -> list[GateRow]:
    """Lint findings as the gate lists them: where, what (masked), why."""
    return [(f.where, f"{KIND_LABELS.get(f.finding.kind, f.finding.kind)} "
                      f"({masked(f.finding)})", f.finding.reason) for f in findings]


def gate_rows_of_error(error: UserError) -> list[GateRow] | None:
    """The findings of an export that stopped on the lint; None for other errors."""
    if isinstance(error, PersonalDataFound):
        return gate_rows(error.findings)
    if isinstance(error, LintStopped):
        return [(tr("Signaal {number}, titel").format(number=number), kind,
                 tr("De titel van het signaal komt in de werkmap."))
                for number, kind in error.findings]
    return None


class LintGate(QFrame):
    """Findings of the personal-data lint and the conscious way past them.

    ``satisfied()`` is true without findings, or when "toch doorgaan" is ticked and a
    reason is given that itself holds no personal data; ``reason()`` is that reason
    (None without findings), to be passed to the export as ``override_lint``.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, show_list: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("lintGate")
        self.show_list = show_list
        self.rows: list[GateRow] = []
        self.banner = plain_label("", self, "warningBanner",
                                  accessible=tr("Waarschuwing: mogelijk persoonsgegevens"))
        self.tree = list_tree(self, "lintFindings",
                              tr("Gevonden persoonsgegevens"), [tr("Waar"), tr("Wat is gevonden")])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        self.tree.setMaximumHeight(self.fontMetrics().height() * 7)
        self.check = QCheckBox(tr("Toch &doorgaan met deze tekst"), self)
        self.check.setAccessibleName(tr("Toch doorgaan ondanks de waarschuwing"))
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("overrideReason")
        self.reason_edit.setAccessibleName(tr("Reden om toch door te gaan"))
        self.reason_edit.setPlaceholderText(tr("bijvoorbeeld: het nummer is een "
                                               "dossiernummer van de dienst, geen BSN"))
        self.reason_edit.setMaxLength(300)
        self.reason_label = buddy_label(tr("&Reden:"), self.reason_edit, self)
        self.reason_hint = plain_label(tr("De reden wordt met uw naam vastgelegd in het "
                                          "auditlogboek."), self, "hint")
        self.problem = plain_label("", self, "errorMessage", accessible=tr("Probleem met de reden"))
        self.problem.setContentsMargins(24, 0, 0, 0)
        self.problem.hide()
        self.tree.setVisible(show_list)
        self.check.toggled.connect(self._update)
        self.reason_edit.textChanged.connect(self._update)

        reason_row = QHBoxLayout()
        reason_row.setContentsMargins(24, 0, 0, 0)
        reason_row.addWidget(self.reason_label)
        reason_row.addWidget(self.reason_edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.banner)
        layout.addWidget(self.tree)
        layout.addWidget(self.check)
        layout.addLayout(reason_row)
        hint_row = QHBoxLayout()
        hint_row.setContentsMargins(24, 0, 0, 0)
        hint_row.addWidget(self.reason_hint, 1)
        layout.addLayout(hint_row)
        layout.addWidget(self.problem)
        self._update()
        self.hide()

    def set_findings(self, rows: Sequence[GateRow], *, what: str = "") -> None:
        self.rows = list(rows)
        self.tree.clear()
        for where, found, why in self.rows:
            item = QTreeWidgetItem([where, found])
            item.setToolTip(0, why)
            item.setToolTip(1, why)
            self.tree.addTopLevelItem(item)
        if self.rows:
            self.banner.setText(
                count_text(len(self.rows),
                           tr("⚠ %n plek in de vrije tekst lijkt persoonsgegevens te bevatten"),
                           tr("⚠ %n plekken in de vrije tekst lijken persoonsgegevens te "
                              "bevatten"))
                + (f" ({what})" if what else "") + ". "
                + ("" if self.show_list else tr("Ze staan hierboven bij het signaal. "))
                + tr("Pas de tekst aan waar hij staat (bij het signaal of het verhaal van de "
                     "casus) en begin opnieuw, of ga bewust door met een reden."))
        self.setVisible(bool(self.rows))
        self._update()

    def clear(self) -> None:
        self.rows = []
        self.tree.clear()
        self.banner.clear()
        self.check.setChecked(False)
        self.reason_edit.clear()
        self.hide()
        self._update()

    def satisfied(self) -> bool:
        if not self.rows:
            return True
        text = self.reason_edit.text().strip()
        return self.check.isChecked() and bool(text) and not lint_text(text)

    def reason(self) -> str | None:
        if not self.rows or not self.satisfied():
            return None
        return self.reason_edit.text().strip()

    def _update(self) -> None:
        on = self.check.isChecked()
        self.reason_edit.setEnabled(on)
        self.reason_label.setEnabled(on)
        text = self.reason_edit.text().strip()
        problem = ""
        if on and text and lint_text(text):
            problem = tr("De reden zelf lijkt persoonsgegevens te bevatten; die horen niet "
                         "in het auditlogboek.")
        elif on and not text:
            problem = tr("Geef een reden om door te gaan.")
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem) and bool(self.rows))
        self.changed.emit()
