""""Toch opslaan?": the question before free text with personal data is saved.

The personal-data lint (docs/DOMAIN.md, "Personal data classes") warns while a handler
types, but a warning alone let a BSN slip into a case's log, where a correction cannot
remove it (the original step stays). So every form that saves free text (a step, a
correction, the intake, a signal) asks once before saving what the lint flags: the
first press of Opslaan lists the findings and turns the button into "Toch opslaan";
a second press with the same texts saves, and the register's audit trail records that
the handler went on, with the same action the exports use for a lint override. Any
change to a flagged text asks again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtWidgets import QAbstractButton

from app.model.lint import KIND_LABELS, FieldFinding, lint_fields
from app.storage.repository import Register
from app.ui.text import tr

AUDIT_ACTION = "override_lint"


class LintQuestion:
    """Asks once per set of flagged texts; ``audit`` records a yes after the save."""

    def __init__(self, button: QAbstractButton, save_text: str, override_text: str) -> None:
        self.button = button
        self.save_text = save_text
        self.override_text = override_text
        self.findings: list[FieldFinding] = []
        self._asked: tuple[tuple[str, str], ...] | None = None

    def ask(self, texts: Mapping[str, str | None], labels: Mapping[str, str]) -> str | None:
        """The question to show before saving ``texts``, or None to save now.

        None when nothing is flagged, or when the handler was already asked about
        exactly these texts (the second press, on "Toch opslaan").
        """
        findings = lint_fields(texts)
        if not findings:
            self.reset()
            return None
        flagged = {f.field for f in findings}
        signature = tuple(sorted((k, str(v)) for k, v in texts.items() if k in flagged))
        self.findings = findings
        if signature == self._asked:
            return None
        self._asked = signature
        self.button.setText(self.override_text)
        lines = [tr("Let op: mogelijk persoonsgegevens in de vrije tekst.")]
        for f in findings:
            name = labels.get(f.field, f.field)
            lines.append(f"• {name}: “{f.finding.text}” – {f.finding.reason}")
        lines.append(tr(
            "Toch opslaan? Pas de tekst aan, of kies ‘{b}’: dat wordt vastgelegd in het "
            "auditlogboek. Een latere correctie haalt de tekst niet uit het logboek.").format(
                b=self.override_text.replace("&", "")))
        return "\n".join(lines)

    @property
    def overriding(self) -> bool:
        """Whether the next save goes on despite findings (the handler said yes)."""
        return self._asked is not None and bool(self.findings)

    def reset(self) -> None:
        """Forget the question (a flagged text changed, or the form was emptied)."""
        if self._asked is not None:
            self.button.setText(self.save_text)
        self._asked = None
        self.findings = []

    def audit(self, reg: Register, what: str) -> None:
        """Record in the audit trail that ``what`` was saved despite the findings."""
        if not self.overriding:
            return
        audit_override(reg, what, self.findings)
        self.reset()


def audit_override(reg: Register, what: str, findings: Sequence[FieldFinding]) -> None:
    """Record that ``what`` was saved despite ``findings`` (for an act that saves in a
    worker, after the dialog that asked is gone)."""
    kinds = sorted({KIND_LABELS.get(f.finding.kind, f.finding.kind) for f in findings})
    reg.audit(AUDIT_ACTION, f"{what}: {len(findings)} waarschuwing(en) "
                            f"({', '.join(kinds)})", "toch opgeslagen")
