"""Aanmelden: the intake form for a new case.

Every field of the ``registered`` step, grouped the way an intake conversation with a
helper runs (who brings the case, what it is about, what has been tried, is there
spoed), plus the citizen's personal data, which is optional, kept apart from the
case's events and never leaves the register in an evaluation or report.

The form is the generic ``PayloadForm`` of the step forms laid out in groups, so the
intake and a later correction of it validate and behave the same way.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.model.errors import FieldError, UserError, ValidationFailed
from app.ui import style
from app.ui.lint_question import LintQuestion
from app.ui.session import Session
from app.ui.step_forms import (
    INTAKE_GROUPS,
    FormContext,
    PayloadForm,
)
from app.ui.text import tr
from app.ui.widgets import FieldRow, Mnemonics, PersonalFields, chain_tab_order


class IntakeForm(QWidget):
    """Register a new case. Emits ``case_registered(number)`` after saving."""

    case_registered = Signal(str)
    cancelled = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        reg = session.register
        self.setAccessibleName(tr("Nieuwe casus aanmelden"))
        mn = Mnemonics(reserved="anv")  # Aanmelden, Annuleren; the window's Vergrendelen

        outer = QVBoxLayout(self)
        heading = QLabel(tr("Nieuwe casus aanmelden"), self)
        heading.setObjectName("formHeading")
        outer.addWidget(heading)
        intro = QLabel(tr(
            "De Belangenbehartiger neemt casussen aan van maatschappelijke partners, de "
            "Belastingdienst, Dienst Toeslagen en de IBTD. Leg alleen vast wat nodig is; "
            "persoonsgegevens van de burger horen niet in de vrije tekst, maar in het "
            "aparte blok Persoonsgegevens."), self)
        intro.setWordWrap(True)
        outer.addWidget(intro)

        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        style.set_tone(self.banner, "refusal")
        self.banner.setAccessibleName(tr("Foutmelding"))
        self.banner.hide()
        outer.addWidget(self.banner)

        ctx = FormContext(today=reg.today(), partner_orgs=reg.partner_orgs,
                          handler=reg.settings.handler)
        self.form = PayloadForm("registered", reg.codelists, ctx, mnemonics=mn,
                                groups=INTAKE_GROUPS)
        self.personal_box = QGroupBox(tr("Persoonsgegevens van de burger (optioneel)"))
        pbox = QVBoxLayout(self.personal_box)
        note = QLabel(tr("Apart bewaard, alleen op verzoek zichtbaar en nooit in "
                         "evaluaties of rapportages."), self.personal_box)
        note.setWordWrap(True)
        style.set_tone(note, "note")
        pbox.addWidget(note)
        self.personal = PersonalFields(mnemonics=mn, parent=self.personal_box)
        pbox.addWidget(self.personal)
        column = self.form.columns[-1]
        column.insertWidget(column.count() - 1, self.personal_box)

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(self.form)
        outer.addWidget(self.scroll_area, 1)

        foot = QHBoxLayout()
        legend = QLabel(tr("* verplicht · Ctrl+Enter meldt aan"), self)
        style.set_tone(legend, "note")
        foot.addWidget(legend)
        foot.addStretch(1)
        self.save_button = QPushButton(tr("&Aanmelden"), self)
        self.save_button.setToolTip(tr("De casus registreren (Ctrl+Enter)"))
        self.cancel_button = QPushButton(tr("A&nnuleren"), self)
        for b in (self.save_button, self.cancel_button):
            b.setAutoDefault(False)
        foot.addWidget(self.save_button)
        foot.addWidget(self.cancel_button)
        outer.addLayout(foot)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self._cancel)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            sc = QShortcut(QKeySequence(seq), self, self.save)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.question = LintQuestion(self.save_button, tr("&Aanmelden"), tr("Toch &aanmelden"))
        for name, row in self.form.rows.items():
            if self.form.lints(name):
                row.editor.changed.connect(self._texts_changed)
        session.locked.connect(self.reset)
        chain_tab_order([*self.form.focus_widgets(),
                         *(w for r in self.personal.rows.values() for w in r.focus_widgets()),
                         self.save_button, self.cancel_button])
        self.form.rows["received_on"].focus_target().setFocus()

    # -- access for tests and the main window

    def row(self, name: str) -> FieldRow:
        return self.form.rows[name]

    def editor(self, name: str) -> Any:
        return self.form.rows[name].editor

    def show_banner(self, text: str | None, *, question: bool = False) -> None:
        style.set_tone(self.banner, "question" if question else "refusal")
        self.banner.setAccessibleName(tr("Vraag") if question else tr("Foutmelding"))
        self.banner.setText(text or "")
        self.banner.setVisible(bool(text))

    def _texts_changed(self) -> None:
        if self.question.overriding or self.banner.accessibleName() == tr("Vraag"):
            self.question.reset()
            if self.banner.accessibleName() == tr("Vraag"):
                self.show_banner(None)

    # -- actions

    def save(self) -> str | None:
        """Register the case; the new number, or None when something needs fixing."""
        self.show_banner(None)
        self.form.clear_errors()
        for r in self.personal.rows.values():
            r.set_error(None)
        errors = self.form.check()
        personal_problems = self.personal.problems()
        if errors or personal_problems:
            self._show(errors)
            if not errors:
                self.show_banner(tr("Niet aangemeld: verbeter de gemarkeerde velden."))
            return None
        values = self.form.values()
        texts = {n: values.get(n) for n in self.form.rows
                 if self.form.lints(n) and isinstance(values.get(n), str)}
        question = self.question.ask(texts, {n: self.form.rows[n].text for n in texts})
        if question is not None:
            self.show_banner(question, question=True)
            self.save_button.setFocus()
            return None
        personal = {k: v for k, v in self.personal.value().items() if v}
        try:
            state = self.session.register.register_case(values, personal or None)
        except ValidationFailed as exc:
            data_errors = [e for e in exc.errors if e.path in self.form.rows]
            personal_errors = [(e.path, e.message) for e in exc.errors
                               if e.path in self.personal.rows]
            self.personal.show_errors(personal_errors)
            rest = [e for e in exc.errors
                    if e.path not in self.form.rows and e.path not in self.personal.rows]
            self._show(data_errors + rest)
            return None
        except UserError as exc:
            if not self.form.place_rule(exc):
                self.show_banner(str(exc))
            return None
        number = str(state.number)
        self.question.audit(self.session.register, tr("casus {n}, aanmelding").format(n=number))
        self.reset()
        self.session.case_changed.emit(number)
        self.case_registered.emit(number)
        return number

    def _show(self, errors: list[FieldError]) -> None:
        rest = self.form.show_errors(errors)
        self.show_banner("\n".join(rest) if rest else
                         tr("Niet aangemeld: verbeter de gemarkeerde velden."))
        row = self.form.first_error_row()
        if row is None:
            row = next((r for r in self.personal.rows.values() if r.error()), None)
        if row is not None:
            row.focus_target().setFocus()
            self.scroll_area.ensureWidgetVisible(row)

    def _cancel(self) -> None:
        self.reset()
        self.cancelled.emit()

    def reset(self) -> None:
        """Empty the form (after cancelling, saving elsewhere, or locking)."""
        self.show_banner(None)
        self.question.reset()
        self.form.set_values({"received_on": None})
        self.form.editor("received_on").set_value(
            self.session.register.today() if self.session.is_open else None)
        self.form.clear_errors()
        for r in self.form.rows.values():
            r.set_warning(None)
        for key in self.personal.rows:
            self.personal.editor(key).set_value("")
            self.personal.rows[key].set_error(None)
