"""Signaalformulieren: KSMS forms in HTML, xlsx and text (docs/ARCHITECTURE.md).

The signals are chosen, the formats and the audience set, every form checked for
completeness and personal data, and the submission recorded in the same act when asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.export.signal_forms import (
    FORMATS,
    SignalExportPlan,
    plan_signal_export,
    signal_form_texts,
    write_signal_forms,
)
from app.export.templating import masked
from app.model.dates import nl_date
from app.model.lint import KIND_LABELS
from app.storage.repository import Register, SignalRow
from app.ui import style
from app.ui.export_wizards.base import ExportWizard, Outcome
from app.ui.export_wizards.folders import last_folder
from app.ui.export_wizards.lint_gate import LintGate, gate_rows
from app.ui.export_wizards.path_page import PathPage
from app.ui.export_wizards.run_page import RunPage
from app.ui.export_wizards.runner import ExportRunner, Job, Progress
from app.ui.session import Session
from app.ui.text import count_text, plural, tr
from app.ui.widgets import CodeCombo, DateField, buddy_label, busy_bar, list_tree, plain_label
from app.ui.worker import Request

PAGE_SELECT, PAGE_OPTIONS, PAGE_CHECK, PAGE_FOLDER, PAGE_SIGNAL_RUN = 10, 11, 12, 13, 14

# --------------------------------------------------------------------------- Signaalformulieren


@dataclass(frozen=True)
class SignalResult:
    files: list[Path]
    numbers: list[str]
    recipient: str | None
    external_ref: str | None
    on: date | None
    hlcs: list[str]
    overridden: bool


class SignalSelectPage(QWizardPage):
    COLUMNS = ("Signaal", "Titel", "Status", "Ingediend", "Casussen")

    def __init__(self, wizard: SignalExportWizard, preselect: Sequence[str]) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.preselect = set(preselect)
        self.rows: list[SignalRow] = []
        self.setTitle(tr("Signalen kiezen"))
        self.setSubTitle(tr("Kies de signalen waarvoor u een formulier maakt. Spatie zet een "
                            "vinkje aan of uit."))
        self.tree = list_tree(self, "signalChoice",
                              tr("Signalen om te exporteren"), [tr(c) for c in self.COLUMNS])
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.tree.itemChanged.connect(self._checked)
        self.label = buddy_label(tr("&Kies de signalen:"), self.tree, self)
        self.all_button = QPushButton(tr("&Alles kiezen"), self)
        self.all_button.setAccessibleName(tr("Alle signalen kiezen"))
        self.all_button.clicked.connect(lambda: self.set_all(True))
        self.none_button = QPushButton(tr("&Niets kiezen"), self)
        self.none_button.setAccessibleName(tr("Geen signaal kiezen"))
        self.none_button.clicked.connect(lambda: self.set_all(False))
        self.count = plain_label("", self, "countLabel", wrap=False,
                                 accessible=tr("Aantal gekozen signalen"))
        self.status = plain_label("", self, "hint", accessible=tr("Stand van de lijst"))
        top = QHBoxLayout()
        top.addWidget(self.label)
        top.addStretch(1)
        top.addWidget(self.count)
        buttons = QHBoxLayout()
        buttons.addWidget(self.all_button)
        buttons.addWidget(self.none_button)
        buttons.addStretch(1)
        buttons.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self.request = Request(wizard.runner, self.status,
                               failure=tr("De signalen konden niet worden gelezen: {error}"))

    def initializePage(self) -> None:
        if not self.rows:
            self.load()
        self.tree.setFocus()

    def load(self) -> None:
        self.request.read(lambda reg: reg.list_signals(), self._show,
                          text=tr("Signalen laden…"))

    def _show(self, rows: object) -> None:
        assert isinstance(rows, list)
        cl = self._wizard.session.register.codelists
        self.rows = rows
        self.tree.blockSignals(True)
        self.tree.clear()
        for r in rows:
            status = cl.label("signal_status", r.status)
            if r.awaiting_feedback:
                status += tr(" (wacht op terugkoppeling)")
            item = QTreeWidgetItem([r.number, r.title, status, nl_date(r.submitted_on),
                                    str(r.cases)])
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                          | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked if r.number in self.preselect
                               else Qt.CheckState.Unchecked)
            item.setData(0, Qt.ItemDataRole.UserRole, r.number)
            item.setToolTip(1, r.title)
            item.setTextAlignment(4, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if r.status == "gesloten":
                item.setForeground(2, QBrush(style.MUTED))
            self.tree.addTopLevelItem(item)
        self.tree.blockSignals(False)
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        self.status.setText("" if rows else tr("Er zijn nog geen signalen."))
        self._checked()

    def items(self) -> list[QTreeWidgetItem]:
        found = (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount()))
        return [item for item in found if item is not None]

    def set_checked(self, numbers: Iterable[str]) -> None:
        wanted = set(numbers)
        for item in self.items():
            item.setCheckState(0, Qt.CheckState.Checked
                               if item.data(0, Qt.ItemDataRole.UserRole) in wanted
                               else Qt.CheckState.Unchecked)

    def set_all(self, on: bool) -> None:
        for item in self.items():
            item.setCheckState(0, Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def chosen(self) -> list[str]:
        """The ticked numbers, oldest signal first (the order of the forms)."""
        ticked = {str(i.data(0, Qt.ItemDataRole.UserRole)) for i in self.items()
                  if i.checkState(0) == Qt.CheckState.Checked}
        rows = sorted((r for r in self.rows if r.number in ticked),
                      key=lambda r: (r.created_on, r.number))
        return [r.number for r in rows]

    def chosen_rows(self) -> list[SignalRow]:
        numbers = set(self.chosen())
        return [r for r in self.rows if r.number in numbers]

    def _checked(self, *_args: object) -> None:
        n = len(self.chosen())
        self.count.setText(tr("{n} van {total} gekozen").format(n=n, total=len(self.rows)))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self.chosen())

    def clear_data(self) -> None:
        self.request.drop()
        self.rows = []
        self.tree.clear()
        self.count.clear()
        self.status.clear()


class SignalOptionsPage(QWizardPage):
    def __init__(self, wizard: SignalExportWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle(tr("Vorm en indiening"))
        self.setSubTitle(tr("Kies de formaten en voor wie het formulier is. Leg de indiening "
                            "desgewenst meteen vast."))
        reg = wizard.session.register

        formats = QGroupBox(tr("Formaten"), self)
        self.format_boxes: dict[str, QCheckBox] = {}
        texts = {"html": tr("&HTML: afdrukbaar formulier per signaal"),
                 "xlsx": tr("&Excel-lijst (.xlsx): één regel per signaal"),
                 "txt": tr("Tekst &per veld (.txt): om in een webformulier te plakken")}
        fl = QVBoxLayout(formats)
        for key in ("html", "xlsx", "txt"):
            box = QCheckBox(texts[key], formats)
            box.setAccessibleName(tr("Formaat: {formats}").format(formats=FORMATS[key]))
            self.format_boxes[key] = box
            fl.addWidget(box)
        self.format_boxes["html"].setChecked(True)
        self.single_html = QCheckBox(tr("Alle HTML-formulieren in één bestand (&met "
                                        "pagina-einden)"), formats)
        self.single_html.setAccessibleName(tr("Alle HTML-formulieren in één bestand"))
        single_row = QHBoxLayout()
        single_row.setContentsMargins(24, 0, 0, 0)
        single_row.addWidget(self.single_html)
        fl.addLayout(single_row)

        audience = QGroupBox(tr("Voor wie"), self)
        self.external = QRadioButton(tr("E&xtern: voor indiening, zonder contactpersoon en "
                                        "casusnummers"), audience)
        self.external.setAccessibleName(tr("Extern formulier"))
        self.internal = QRadioButton(tr("&Intern: met contactpersoon en gekoppelde "
                                        "casusnummers"), audience)
        self.internal.setAccessibleName(tr("Intern formulier"))
        self.external.setChecked(True)
        self.external.toggled.connect(self._changed)
        al = QVBoxLayout(audience)
        al.addWidget(self.external)
        al.addWidget(self.internal)

        self.submit_box = QGroupBox(tr("Indiening"), self)
        self.submit = QCheckBox(tr("Indiening vast&leggen in het register"), self.submit_box)
        self.submit.setAccessibleName(tr("Indiening vastleggen"))
        self.submit.toggled.connect(self._changed)
        self.recipient = CodeCombo("signal_recipient", reg.codelists, parent=self.submit_box)
        self.recipient.setAccessibleName(tr("Ontvanger van de indiening"))
        self.recipient.set_value("ksms_belastingdienst")
        self.recipient.changed.connect(self._changed)
        self.reference = QLineEdit(self.submit_box)
        self.reference.setAccessibleName(tr("Extern kenmerk, zoals het KSMS-nummer"))
        self.reference.setPlaceholderText(tr("bijvoorbeeld het KSMS-nummer (optioneel)"))
        self.reference.setMaxLength(100)
        self.reference.textChanged.connect(self._changed)
        self.on_edit = DateField(wizard.today(), parent=self.submit_box)
        self.on_edit.setAccessibleName(tr("Datum van indiening (dd-mm-jjjj)"))
        self.on_edit.changed.connect(self._changed)
        self.submit_error = plain_label("", self.submit_box, "errorMessage",
                                        accessible=tr("Fout bij de indiening"))
        self.submit_error.hide()
        self.reference_hint = plain_label("", self.submit_box, "hint")
        sl = QFormLayout(self.submit_box)
        sl.addRow(self.submit)
        self.recipient_label = buddy_label(tr("&Ontvanger:"), self.recipient, self.submit_box)
        self.reference_label = buddy_label(tr("Extern &kenmerk:"), self.reference, self.submit_box)
        self.on_label = buddy_label(tr("&Datum van indiening:"), self.on_edit, self.submit_box)
        reference_box = QVBoxLayout()
        reference_box.setSpacing(2)
        reference_box.addWidget(self.reference)
        reference_box.addWidget(self.reference_hint)
        sl.addRow(self.recipient_label, self.recipient)
        sl.addRow(self.reference_label, reference_box)
        sl.addRow(self.on_label, self.on_edit)
        sl.addRow(self.submit_error)

        self.format_error = plain_label(tr("Kies minstens één formaat."), self, "errorMessage",
                                        accessible=tr("Fout bij de formaten"))
        self.format_error.hide()
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(formats)
        layout.addWidget(audience)
        layout.addWidget(self.submit_box)
        layout.addWidget(self.format_error)
        layout.addStretch(1)
        for box in self.format_boxes.values():
            box.toggled.connect(self._changed)
        self._changed()

    def formats(self) -> list[str]:
        return [k for k, box in self.format_boxes.items() if box.isChecked()]

    def is_internal(self) -> bool:
        return self.internal.isChecked()

    def submitting(self) -> bool:
        return self.submit.isChecked() and not self.is_internal()

    def problem(self) -> str | None:
        if not self.submitting():
            return None
        if self.recipient.value() is None:
            return tr("Kies de ontvanger.")
        on = self.on_edit.value()
        if on is None:
            return self.on_edit.problem() or tr("Vul de datum van indiening in.")
        if on > self._wizard.today():
            return tr("De datum van indiening ligt in de toekomst.")
        rows = self._wizard.select_page.chosen_rows()
        closed = [r.number for r in rows if r.status == "gesloten"]
        if closed:
            return count_text(
                len(closed),
                tr("Een gesloten signaal kan niet meer worden ingediend: {closed}."),
                tr("Gesloten signalen kunnen niet meer worden ingediend: {closed}."),
            ).format(closed=", ".join(closed)) + " " + tr(
                "Haal het vinkje weg of leg de indiening niet vast.")
        early = [r.number for r in rows if on < r.created_on]
        if early:
            return tr("De datum van indiening ligt vóór de datum van {numbers}.").format(
                numbers=", ".join(early))
        if self.reference.text().strip() and len(rows) > 1:
            return tr("Een extern kenmerk hoort bij één signaal; kies één signaal of laat het "
                      "kenmerk leeg.")
        return None

    def _changed(self, *_args: object) -> None:
        internal = self.is_internal()
        self.submit.setEnabled(not internal)
        self.single_html.setEnabled(self.format_boxes["html"].isChecked())
        on = self.submitting()
        for w in (self.recipient, self.reference, self.on_edit, self.recipient_label,
                  self.reference_label, self.on_label):
            w.setEnabled(on)
        self.reference_hint.setText(tr("Een intern formulier is niet bedoeld voor indiening.")
                                    if internal else tr("Alleen bij één signaal."))
        problem = self.problem()
        self.submit_error.setText(problem or "")
        self.submit_error.setVisible(bool(problem))
        self.format_error.setVisible(not self.formats())
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self.formats()) and self.problem() is None

    def initializePage(self) -> None:
        self._changed()
        self.format_boxes["html"].setFocus()

    def submission(self) -> tuple[str, str | None, date] | None:
        if not self.submitting():
            return None
        recipient = self.recipient.value()
        on = self.on_edit.value()
        assert recipient is not None and on is not None
        return recipient, (self.reference.text().strip() or None), on


SHORT_FORMATS = {"html": "HTML-formulier", "xlsx": "Excel-lijst", "txt": "tekst per veld"}


class SignalCheckPage(QWizardPage):
    """Completeness per format and the personal-data lint, per signal and field."""

    def __init__(self, wizard: SignalExportWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.plan: SignalExportPlan | None = None
        #: the signal text this page put on the clipboard (cleared on lock)
        self._on_clipboard = ""
        self.setTitle(tr("Controle"))
        self.setSubTitle(tr("Per signaal: ontbrekende verplichte velden en mogelijke "
                            "persoonsgegevens in de vrije tekst."))
        self.status = plain_label("", self, "countLabel", accessible=tr("Uitkomst van de controle"))
        self.busy = busy_bar(self, tr("Bezig met controleren"))
        self.tree = list_tree(self, "signalCheck", tr("Controle per signaal"),
                              [tr("Signaal en veld"), tr("Uitkomst")], roots=True)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.setColumnWidth(0, 300)
        self.tree.header().setStretchLastSection(True)
        self.tree.currentItemChanged.connect(self._current_changed)
        self.tree_label = buddy_label(tr("&Controle per signaal:"), self.tree, self)
        self.complete_note = plain_label("", self, "hint",
                                         accessible=tr("Toelichting bij de volledigheid"))
        self.complete_error = plain_label("", self, "errorMessage",
                                          accessible=tr("Indienen niet mogelijk"))
        self.complete_error.hide()
        self.gate = LintGate(self, show_list=False)  # the tree above lists them per field
        self.gate.changed.connect(self._gate_changed)
        self.copy_button = QPushButton(tr("Tekst van het gekozen signaal &kopiëren"), self)
        self.copy_button.setAccessibleName(tr("Platte tekst van het gekozen signaal naar het "
                                              "klembord kopiëren"))
        self.copy_button.clicked.connect(self.copy_text)
        self.copy_status = plain_label("", self, "hint", accessible=tr("Stand van het kopiëren"))
        copy_row = QHBoxLayout()
        copy_row.addWidget(self.copy_button)
        copy_row.addWidget(self.copy_status, 1)
        layout = QVBoxLayout(self)
        layout.setSpacing(6)
        layout.addWidget(self.status)
        layout.addWidget(self.busy)
        layout.addWidget(self.tree_label)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.complete_note)
        layout.addWidget(self.complete_error)
        layout.addWidget(self.gate)
        layout.addLayout(copy_row)
        self.request = Request(wizard.runner, self.status, busy=self.busy,
                               failure=tr("De controle kon niet worden gedaan: {error}"))
        self.copy_request = Request(wizard.runner, self.copy_status)

    def initializePage(self) -> None:
        numbers = self._wizard.select_page.chosen()
        formats = self._wizard.options_page.formats()
        internal = self._wizard.options_page.is_internal()
        self.plan = None
        self.tree.clear()
        self.gate.clear()
        self.complete_note.clear()
        self.complete_error.hide()
        self.copy_status.clear()
        self.request.read(
            lambda reg: plan_signal_export(reg, numbers, formats, internal=internal),
            self._show, text=tr("Controleren…"))
        self._update_copy()
        self.completeChanged.emit()
        self.tree.setFocus()

    def _show(self, plan: object) -> None:
        assert isinstance(plan, SignalExportPlan)
        self.plan = plan
        self.tree.clear()
        bold = style.bold(self.tree.font())
        incomplete = with_findings = 0
        for form in plan.forms:
            problems = plan.problems.get(form.number, {})
            findings = plan.findings.get(form.number, [])
            incomplete += bool(problems)
            with_findings += bool(findings)
            parts = []
            if problems:
                parts.append(count_text(len(problems), tr("onvolledig voor %n formaat"),
                                        tr("onvolledig voor %n formaten")))
            if findings:
                parts.append(count_text(len(findings), tr("⚠ %n mogelijk persoonsgegeven"),
                                        tr("⚠ %n mogelijke persoonsgegevens")))
            outcome = "; ".join(parts) if parts else tr("✓ in orde")
            top = QTreeWidgetItem([form.number, f"{outcome} – {form.title}"])
            top.setToolTip(1, f"{outcome}\n{form.title}")
            top.setData(0, Qt.ItemDataRole.UserRole, form.number)
            top.setFont(0, bold)
            top.setToolTip(0, form.title)
            if findings:
                top.setForeground(1, QBrush(style.OVERDUE))
            self.tree.addTopLevelItem(top)
            for fmt in sorted(plan.formats):
                labels = problems.get(fmt)
                child = QTreeWidgetItem([
                    tr("Volledig voor {format_name}").format(format_name=SHORT_FORMATS[fmt]),
                    tr("ontbreekt: {labels}").format(labels=", ".join(labels)) if labels
                    else tr("✓ volledig")])
                child.setData(0, Qt.ItemDataRole.UserRole, form.number)
                child.setToolTip(1, child.text(1))
                if labels:
                    child.setForeground(1, QBrush(style.SOON))
                top.addChild(child)
            for finding in findings:
                where = finding.where
                prefix = f"{form.number}, "
                field_name = where[len(prefix):] if where.startswith(prefix) else where
                kind = KIND_LABELS.get(finding.finding.kind, finding.finding.kind)
                child = QTreeWidgetItem([
                    tr("⚠ Persoonsgegevens in {field_name}").format(field_name=field_name),
                    f"{kind} ({masked(finding.finding)}): {finding.finding.reason}"])
                child.setData(0, Qt.ItemDataRole.UserRole, form.number)
                child.setForeground(0, QBrush(style.OVERDUE))
                child.setToolTip(1, finding.finding.reason)
                top.addChild(child)
            top.setExpanded(bool(problems) or bool(findings))
        n = len(plan.forms)
        summary = count_text(n, tr("%n signaal gecontroleerd"),
                             tr("%n signalen gecontroleerd"))
        summary += ": " + (tr("alles volledig") if not incomplete
                           else tr("{incomplete} onvolledig").format(incomplete=incomplete))
        summary += ", " + (tr("geen persoonsgegevens gevonden") if not with_findings
                           else tr("{with_findings} met mogelijke persoonsgegevens")
                                .format(with_findings=with_findings))
        self.status.setText(summary + ".")
        if plan.all_findings:
            self.gate.set_findings(gate_rows(plan.all_findings))
        else:
            self.gate.clear()
        if not plan.complete:
            if self._wizard.options_page.submitting():
                self.complete_error.setText(tr(
                    "Indienen kan pas als de verplichte velden zijn ingevuld. Vul ze aan bij "
                    "het signaal, of ga terug en leg de indiening niet vast."))
                self.complete_error.show()
                self.complete_note.clear()
            else:
                self.complete_note.setText(tr(
                    "Ontbrekende verplichte velden worden op het formulier gemarkeerd als "
                    "‘nog in te vullen’."))
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        self._update_copy()
        self.completeChanged.emit()

    def _gate_changed(self) -> None:
        self._update_copy()
        self.completeChanged.emit()

    def _current_changed(self, *_args: object) -> None:
        self._update_copy()

    def current_number(self) -> str | None:
        item = self.tree.currentItem()
        if item is None:
            return None
        value = item.data(0, Qt.ItemDataRole.UserRole)
        return str(value) if value else None

    def _update_copy(self) -> None:
        number = self.current_number()
        ok = self.plan is not None and number is not None and not self.copy_request.running
        if ok and self.plan is not None and self.plan.findings.get(str(number)):
            ok = self.gate.satisfied()
        self.copy_button.setEnabled(ok)

    def copy_text(self) -> None:
        number = self.current_number()
        if self.plan is None or number is None or self.copy_request.running:
            return
        internal = self.plan.internal
        reason = self.gate.reason()

        def job(reg: Register, _progress: Progress) -> tuple[str, str]:
            plan = plan_signal_export(reg, [number], ["txt"], internal=internal)
            texts = signal_form_texts(reg, plan, override_lint=reason)
            return number, texts[number]

        self.copy_request.start(job, self._copied, text=tr("Tekst maken…"),
                                failed=lambda _error: self._update_copy())
        self._update_copy()

    def _copied(self, result: object) -> None:
        assert isinstance(result, tuple)
        number, text = result
        QGuiApplication.clipboard().setText(text)
        self._on_clipboard = text
        self.copy_status.setText(tr("De tekst van {number} staat op het klembord.")
                                 .format(number=number))
        self._update_copy()

    def isComplete(self) -> bool:
        if self.plan is None or not self.gate.satisfied():
            return False
        return self.plan.complete or not self._wizard.options_page.submitting()

    def clear_data(self) -> None:
        self.request.drop()
        self.copy_request.drop()
        # On lock the copied signal text leaves the clipboard too (unless the handler
        # copied something else since). Closing the wizard keeps it: that is when it is
        # pasted into the Klantsignaal Management Systeem.
        copied, self._on_clipboard = self._on_clipboard, ""
        clipboard = QGuiApplication.clipboard()
        if copied and self._wizard.discarded and clipboard.text() == copied:
            clipboard.clear()
        self.plan = None
        self.tree.clear()
        self.gate.clear()
        self.status.clear()
        self.complete_note.clear()
        self.complete_error.clear()
        self.copy_status.clear()


class SignalExportWizard(ExportWizard):
    """Signaalformulieren: KSMS forms in HTML, xlsx and text (docs/ARCHITECTURE.md)."""

    title_text = "Signaalformulieren voor KSMS"

    def __init__(self, session: Session, runner: ExportRunner | None = None,
                 parent: QWidget | None = None, *, numbers: Sequence[str] = ()) -> None:
        super().__init__(session, runner, parent)
        self.select_page = SignalSelectPage(self, numbers)
        self.options_page = SignalOptionsPage(self)
        self.check_page = SignalCheckPage(self)
        self.folder_page = PathPage(
            self, folder=True, title=tr("Map"),
            subtitle=tr("In welke map komen de formulieren?"),
            caption=tr("Map voor de signaalformulieren"))
        self.run_page_ = RunPage(self, before_id=PAGE_FOLDER, title=tr("Formulieren maken"),
                                 running_text=tr("De formulieren worden gemaakt…"),
                                 determinate=False)
        self.setPage(PAGE_SELECT, self.select_page)
        self.setPage(PAGE_OPTIONS, self.options_page)
        self.setPage(PAGE_CHECK, self.check_page)
        self.setPage(PAGE_FOLDER, self.folder_page)
        self.setPage(PAGE_SIGNAL_RUN, self.run_page_)
        self.currentIdChanged.connect(self._page_changed)

    def _page_changed(self, page_id: int) -> None:
        if page_id != PAGE_FOLDER:
            return
        self.folder_page.set_default(last_folder())
        numbers = self.select_page.chosen()
        formats = [FORMATS[f] for f in ("html", "xlsx", "txt")
                   if f in self.options_page.formats()]
        lines = [plural(tr("%n formulier(en)"), len(numbers)) + " ("
                 + (tr("intern") if self.options_page.is_internal() else tr("extern")) + "): "
                 + ", ".join(formats) + "."]
        sub = self.options_page.submission()
        if sub is not None:
            recipient, ref, on = sub
            who = self.session.register.codelists.label("signal_recipient", recipient)
            lines.append(tr("Vastgelegd wordt: ingediend op {on}, ontvanger {who}, voor {numbers}")
                         .format(who=who, on=nl_date(on), numbers=", ".join(numbers))
                         + (tr(" (kenmerk {ref})").format(ref=ref) if ref else "") + ".")
            self.folder_page.setButtonText(QWizard.WizardButton.NextButton,
                                           tr("&Opslaan en indiening vastleggen"))
        else:
            self.folder_page.setButtonText(QWizard.WizardButton.NextButton, tr("&Opslaan"))
        if self.check_page.gate.reason():
            lines.append(tr("U gaat door ondanks mogelijke persoonsgegevens; de reden komt in "
                            "het auditlogboek."))
        self.folder_page.summary.setText("\n".join(lines))

    def override_reason(self, gate_reason: str | None) -> str | None:
        return gate_reason or self.check_page.gate.reason()

    def build_job(self, override: str | None) -> Job:
        numbers = self.select_page.chosen()
        formats = self.options_page.formats()
        internal = self.options_page.is_internal()
        single = (self.options_page.single_html.isChecked()
                  and self.options_page.single_html.isEnabled())
        sub = self.options_page.submission()
        folder = self.folder_page.path()
        assert folder is not None

        def job(reg: Register, _progress: Progress) -> SignalResult:
            # planned afresh: the signals may have changed since the check
            plan = plan_signal_export(reg, numbers, formats, internal=internal)
            files = write_signal_forms(
                reg, plan, folder, override_lint=override,
                submitted_to=sub[0] if sub else None,
                external_ref=sub[1] if sub else None,
                on=sub[2] if sub else None, single_html=single)
            hlcs: list[str] = []
            if sub is not None:
                for number in numbers:
                    _state, events, _cases = reg.signal(number)
                    hlcs += [e.hlc for e in events if e.kind == "signal_submitted"]
            return SignalResult(files, numbers, sub[0] if sub else None,
                                sub[1] if sub else None, sub[2] if sub else None, hlcs,
                                bool(plan.all_findings))
        return job

    def describe(self, result: Any) -> Outcome:
        assert isinstance(result, SignalResult)
        folder = self.folder_page.path()
        lines = [plural(tr("%n bestand(en) geschreven"), len(result.files))
                 + tr(" voor {numbers}.").format(numbers=", ".join(result.numbers))]
        if result.recipient:
            who = self.session.register.codelists.label("signal_recipient", result.recipient)
            lines.append(tr("Indiening vastgelegd bij {who} op {on}").format(
                who=who, on=nl_date(result.on)) + (tr(" (kenmerk {ref})").format(
                    ref=result.external_ref) if result.external_ref else "") + ".")
        note = (tr("De reden om toch door te gaan is vastgelegd in het auditlogboek.")
                if result.overridden else "")
        return Outcome("\n".join(lines), list(result.files), folder, note)

    def after_success(self, result: Any, outcome: Outcome) -> None:
        assert isinstance(result, SignalResult)
        if result.hlcs and self.session.is_open:
            # The register re-reads its chain head in every write: nothing to resync.
            for number in result.numbers:
                self.session.signal_changed.emit(number)
        super().after_success(result, outcome)
