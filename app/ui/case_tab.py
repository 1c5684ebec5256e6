"""One case in its own tab: header, intake, timeline with next steps, signals, story
and (on request only) the citizen's personal data.

Everything shown is the fold of the case's events (``Register.case``); the tab never
edits anything itself but opens a ``StepForm`` for each step, correction or
retraction, and refreshes when the session says its case changed. The header holds
no personal data, so a screen seen over a shoulder shows codes and dates only; the
personal data sit behind a button, and each viewing is written to the audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QBrush,
    QDesktopServices,
    QFont,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.model.codelists import Codelists
from app.model.dates import nl_date
from app.model.describe import details, value_text
from app.model.errors import UserError, ValidationFailed
from app.model.eventlog import Event
from app.model.events import ERASING_KINDS, FIELD_LABELS, kind_label
from app.model.fold import CaseState, Effective
from app.model.kinds import OPEN_STATUSES
from app.model.lint import lint_fields, mask_bsn
from app.model.retention import ErasableText, erasable_texts
from app.storage.repository import CaseView, Register
from app.storage.retention import erase_texts as erase_storage
from app.ui import style
from app.ui.lint_question import LintQuestion, audit_override
from app.ui.session import Session, close_on_lock
from app.ui.step_forms import LABELS, StepForm, action_label
from app.ui.text import tr
from app.ui.widgets import (
    PERSONAL_FIELDS,
    FlowLayout,
    Mnemonics,
    PersonalFields,
    lint_warning,
)
from app.ui.worker import Worker

#: Steps that move the case on (status or phase), offered first.
TREATMENT_STEPS = (
    "triaged", "handover_confirmed", "data_requested", "opinion_sent", "reminder_sent",
    "service_response", "escalated", "escalation_response", "paused", "resumed", "closed",
    "closing_interview", "reopened",
)
ADMIN_STEPS = (
    "assigned", "note", "partner_informed", "consulted", "deadline_set", "deadline_met",
    "story", "story_approved", "signal_linked", "signal_unlinked",
)

#: Alt letters in use on the timeline page besides the step buttons' (see _set_buttons)
RESERVED_ON_TIMELINE = "vitgrpaolw"

ID_ROLE = Qt.ItemDataRole.UserRole
STATE_ROLE = Qt.ItemDataRole.UserRole + 1  # "effective" | "voided"



#: what the timeline shows of the registration (the Intake tab shows all of it).
TIMELINE_REGISTERED = ("route", "partner_type", "partner_org", "services", "topics",
                       "urgent", "summary")


def step_details(kind: str, payload: Mapping[str, Any], codelists: Codelists,
                 names: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """``describe.details`` with the step forms' clearer labels (and a short intake)."""
    if kind == "registered":
        payload = {k: v for k, v in payload.items() if k in TIMELINE_REGISTERED}
    rename = {FIELD_LABELS.get(name, name): label
              for (k, name), label in LABELS.items() if k == kind}
    return [(rename.get(label, label), value)
            for label, value in details(kind, payload, codelists, names)]


def _days(n: int) -> str:
    return tr("1 dag") if n == 1 else tr("{n} dagen").format(n=n)


class CaseTab(QWidget):
    """A case, opened in its own tab of the main window."""

    title_changed = Signal(str)

    def __init__(self, session: Session, number: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.number = number
        self.view: CaseView | None = None
        self.step_buttons: dict[str, QPushButton] = {}
        self._personal: dict[str, str] | None = None
        self.setAccessibleName(tr("Casus {n}").format(n=number))

        outer = QVBoxLayout(self)
        outer.setSpacing(6)
        outer.addWidget(self._build_header())

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName(tr("Onderdelen van de casus"))
        self.intake_page = self._build_intake()
        self.timeline_page = self._build_timeline()
        self.signals_page = self._build_signals()
        self.story_page = self._build_story()
        self.personal_page = self._build_personal()
        self.tabs.addTab(self.intake_page, tr("&Intake"))
        self.tabs.addTab(self.timeline_page, tr("&Tijdlijn"))
        self.tabs.addTab(self.signals_page, tr("Si&gnalen"))
        self.tabs.addTab(self.story_page, tr("Ve&rhaal"))  # Alt+V: Vergrendelen
        self.tabs.addTab(self.personal_page, tr("&Persoonsgegevens"))
        self.tabs.setCurrentWidget(self.timeline_page)
        self.tabs.currentChanged.connect(self._tab_changed)
        outer.addWidget(self.tabs, 1)

        session.case_changed.connect(self._case_changed)
        session.locked.connect(self.clear)
        self.refresh()

    # ------------------------------------------------------------------ building

    def _build_header(self) -> QWidget:
        box = QFrame(self)
        box.setObjectName("caseHeader")
        grid = QVBoxLayout(box)
        grid.setContentsMargins(10, 8, 10, 8)
        grid.setSpacing(2)
        top = QHBoxLayout()
        self.number_label = QLabel(box)
        self.number_label.setObjectName("caseNumber")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.number_label.setAccessibleName(tr("Casusnummer"))
        self.status_label = QLabel(box)
        self.status_label.setWordWrap(True)
        self.status_label.setObjectName("caseStatus")
        self.status_label.setAccessibleName(tr("Status en fase"))
        top.addWidget(self.number_label)
        top.addSpacing(16)
        top.addWidget(self.status_label, 1)
        self.print_button = QPushButton(tr("&Afdrukken…"), box)
        self.print_button.setAccessibleName(tr("Casusoverzicht afdrukken"))
        self.print_button.setToolTip(tr("Het casusoverzicht voor het casusoverleg, als "
                                        "HTML-bestand dat in de browser wordt geopend"))
        self.print_button.clicked.connect(self.print_overview)
        top.addWidget(self.print_button)
        grid.addLayout(top)
        # The facts wrap onto a second line rather than widen the window (a long
        # deadline text and handler name pushed it past a 1366-pixel screen).
        facts_host = QWidget(box)
        facts = FlowLayout(facts_host, spacing=24, line_spacing=2)
        self.age_label = QLabel(facts_host)
        self.age_label.setAccessibleName(tr("Ontvangen en leeftijd"))
        self.deadline_label = QLabel(facts_host)
        self.deadline_label.setAccessibleName(tr("Volgende termijn"))
        self.handler_label = QLabel(facts_host)
        self.handler_label.setAccessibleName(tr("Behandelaar"))
        for lbl in (self.age_label, self.deadline_label, self.handler_label):
            lbl.setWordWrap(True)
            facts.addWidget(lbl)
        grid.addWidget(facts_host)
        self.notice_label = QLabel(box)
        self.notice_label.setWordWrap(True)
        self.notice_label.setAccessibleName(tr("Aandachtspunten"))
        self.notice_label.hide()
        grid.addWidget(self.notice_label)
        return box

    def _build_intake(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.intake_scroll = QScrollArea(page)
        self.intake_scroll.setWidgetResizable(True)
        self.intake_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.intake_body = QWidget()
        self.intake_form = QFormLayout(self.intake_body)
        self.intake_form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.intake_scroll.setWidget(self.intake_body)
        layout.addWidget(self.intake_scroll, 1)
        row = QHBoxLayout()
        self.correct_intake_button = QPushButton(tr("Aanmelding &corrigeren…"), page)
        self.correct_intake_button.clicked.connect(self._correct_intake)
        row.addWidget(self.correct_intake_button)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    def _build_timeline(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        steps_box = QGroupBox(tr("Volgende stap vastleggen"), page)
        sb = QVBoxLayout(steps_box)
        sb.setSpacing(4)
        self.treatment_flow_host = QWidget(steps_box)
        self.treatment_flow = FlowLayout(self.treatment_flow_host)
        self.admin_flow_host = QWidget(steps_box)
        self.admin_flow = FlowLayout(self.admin_flow_host)
        self.treatment_caption = QLabel(tr("Behandeling:"), steps_box)
        self.admin_caption = QLabel(tr("Vastleggen:"), steps_box)
        for cap, host in ((self.treatment_caption, self.treatment_flow_host),
                          (self.admin_caption, self.admin_flow_host)):
            line = QHBoxLayout()
            cap.setMinimumWidth(90)
            cap.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            cap.setContentsMargins(0, 5, 0, 0)
            line.addWidget(cap)
            line.addWidget(host, 1)
            sb.addLayout(line)
        layout.addWidget(steps_box)

        self.timeline = QTreeWidget(page)
        self.timeline.setAccessibleName(tr("Tijdlijn van de casus"))
        self.timeline.setColumnCount(4)
        self.timeline.setHeaderLabels([tr("Datum"), tr("Stap"), tr("Gegevens"), tr("Door")])
        self.timeline.setRootIsDecorated(False)
        self.timeline.setWordWrap(True)
        self.timeline.setUniformRowHeights(False)
        self.timeline.setAlternatingRowColors(True)
        self.timeline.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.timeline.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # A little air between steps (each row is a block of several lines): its rule
        # in style.STYLESHEET picks the timeline by its name.
        self.timeline.setObjectName("caseTimeline")
        header = self.timeline.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.timeline.setColumnWidth(1, 250)
        self.timeline.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.timeline.customContextMenuRequested.connect(self._timeline_context_menu)
        self.timeline.itemSelectionChanged.connect(self._selection_changed)
        layout.addWidget(self.timeline, 1)

        row = QHBoxLayout()
        self.correct_button = QPushButton(tr("Stap c&orrigeren…"), page)
        self.retract_button = QPushButton(tr("Stap laten verva&llen…"), page)
        self.correct_button.clicked.connect(lambda: self._correct(self._selected_id()))
        self.retract_button.clicked.connect(lambda: self._retract(self._selected_id()))
        self.erase_button = QPushButton(tr("Tekst &wissen…"), page)
        self.erase_button.setToolTip(tr("Per ongeluk getypte persoonsgegevens uit deze stap "
                                        "wissen (ook uit de correcties ervan)"))
        self.erase_button.clicked.connect(lambda: self.erase_text(self._selected_id()))
        hint = QLabel(tr("Of: rechtermuisknop (of de menutoets) op een stap."), page)
        style.set_tone(hint, "note")
        row.addWidget(self.correct_button)
        row.addWidget(self.retract_button)
        row.addWidget(self.erase_button)
        row.addWidget(hint)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    def _build_signals(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        intro = QLabel(tr("Signalen waaraan deze casus bijdraagt (Strategie, communicatie en "
                          "onderzoek)."), page)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.signal_list = QTreeWidget(page)
        self.signal_list.setAccessibleName(tr("Gekoppelde signalen"))
        self.signal_list.setHeaderLabels([tr("Signaal"), tr("Titel"), tr("Status")])
        self.signal_list.setRootIsDecorated(False)
        self.signal_list.header().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch)
        self.signal_list.header().setStretchLastSection(False)
        self.signal_list.itemSelectionChanged.connect(self._signal_selection)
        layout.addWidget(self.signal_list, 1)
        row = QHBoxLayout()
        self.link_button = QPushButton(tr("Signaal &koppelen…"), page)
        self.unlink_button = QPushButton(tr("&Ontkoppelen…"), page)
        self.link_button.clicked.connect(lambda: self._open_step("signal_linked"))
        self.unlink_button.clicked.connect(self._unlink_selected)
        row.addWidget(self.link_button)
        row.addWidget(self.unlink_button)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    def _build_story(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.story_status = QLabel(page)
        self.story_status.setWordWrap(True)
        self.story_status.setAccessibleName(tr("Status van het verhaal"))
        layout.addWidget(self.story_status)
        self.story_text = QPlainTextEdit(page)
        self.story_text.setReadOnly(True)
        self.story_text.setAccessibleName(tr("Verhaal (geanonimiseerd)"))
        layout.addWidget(self.story_text, 1)
        row = QHBoxLayout()
        self.story_button = QPushButton(tr("Verhaal &schrijven…"), page)
        self.approve_button = QPushButton(tr("Verhaal goed&keuren…"), page)
        self.story_button.clicked.connect(lambda: self._open_step("story"))
        self.approve_button.clicked.connect(lambda: self._open_step("story_approved"))
        row.addWidget(self.story_button)
        row.addWidget(self.approve_button)
        row.addStretch(1)
        layout.addLayout(row)
        return page

    def _build_personal(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.personal_stack = QStackedWidget(page)
        hidden = QWidget()
        hl = QVBoxLayout(hidden)
        msg = QLabel(tr(
            "Persoonsgegevens van de burger worden alleen getoond als u daarom vraagt. "
            "Elke inzage wordt vastgelegd in het auditlogboek (wie, welke casus, wanneer)."),
            hidden)
        msg.setWordWrap(True)
        hl.addWidget(msg)
        self.show_personal_button = QPushButton(tr("T&oon persoonsgegevens"), hidden)
        self.show_personal_button.clicked.connect(self.show_personal)
        hl.addWidget(self.show_personal_button, 0, Qt.AlignmentFlag.AlignLeft)
        hl.addStretch(1)
        shown = QWidget()
        sl = QVBoxLayout(shown)
        self.personal_form = QFormLayout()
        self.personal_values: dict[str, QLabel] = {}
        for key, label in PERSONAL_FIELDS:
            value = QLabel(shown)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setAccessibleName(tr(label))
            self.personal_form.addRow(tr(label) + ":", value)
            self.personal_values[key] = value
        sl.addLayout(self.personal_form)
        note = QLabel(tr("Het BSN wordt gemaskeerd getoond."), shown)
        style.set_tone(note, "note")
        sl.addWidget(note)
        row = QHBoxLayout()
        self.edit_personal_button = QPushButton(tr("&Bewerken…"), shown)
        self.hide_personal_button = QPushButton(tr("Verb&ergen"), shown)
        self.edit_personal_button.clicked.connect(self.edit_personal)
        self.hide_personal_button.clicked.connect(self.hide_personal)
        row.addWidget(self.edit_personal_button)
        row.addWidget(self.hide_personal_button)
        row.addStretch(1)
        sl.addLayout(row)
        sl.addStretch(1)
        self.personal_stack.addWidget(hidden)
        self.personal_stack.addWidget(shown)
        layout.addWidget(self.personal_stack)
        return page

    # ------------------------------------------------------------------ refreshing

    def _case_changed(self, number: str) -> None:
        if self.view is None:
            if number == self.number:
                self.refresh()
            return
        state = self.view.state
        if number in (self.number, state.number, state.ref):
            self.refresh()

    def refresh(self) -> None:
        """Re-read the case and redraw every part (personal data stay as they are)."""
        if not self.session.is_open:
            self.clear()
            return
        reg = self.session.register
        self.view = reg.case(self.number)
        state = self.view.state
        if state.number:
            self.number = state.number
        self._fill_header(state)
        self._fill_buttons(state)
        self._fill_intake(state)
        self._fill_timeline(state, self.view.events)
        self._fill_signals(state)
        self._fill_story(state)
        if state.destroyed:
            self._fill_tombstone(state)
        self.setAccessibleName(tr("Casus {n}").format(n=self.number))
        self.title_changed.emit(self.number)

    def clear(self) -> None:
        """Drop every piece of case text (auto-lock): nothing readable stays behind."""
        self.view = None
        for lbl in (self.number_label, self.status_label, self.age_label,
                    self.deadline_label, self.handler_label, self.notice_label,
                    self.story_status):
            lbl.clear()
        self.notice_label.hide()
        self._clear_form(self.intake_form)
        self.timeline.clear()
        self.signal_list.clear()
        self.story_text.clear()
        self._set_buttons([])
        self.hide_personal()
        for btn in (self.correct_button, self.retract_button, self.erase_button,
                    self.link_button,
                    self.unlink_button, self.story_button, self.approve_button,
                    self.correct_intake_button, self.show_personal_button):
            btn.setEnabled(False)

    def _today(self) -> date:
        return self.session.register.today()

    def _fill_tombstone(self, state: CaseState) -> None:
        """A destroyed case: number, year and reason, nothing more (docs/DOMAIN.md)."""
        self.number_label.setText(tr("Casus {n}").format(n=state.number))
        self.status_label.setText(tr("Vernietigd"))
        self.age_label.setText(tr("Ontvangen in {y} · vernietigd op {d}").format(
            y=state.received_on.year, d=nl_date(state.destroyed_on)))
        self.deadline_label.clear()
        self.handler_label.clear()
        self.notice_label.setText(tr(
            "Vernietigd (Archiefwet): {r}. Alle stappen en persoonsgegevens zijn gewist; "
            "de casus telt in geen enkel cijfer mee.").format(r=state.destroyed_reason or ""))
        style.set_tone(self.notice_label, "notice")
        self.notice_label.show()
        for btn in (self.print_button, self.correct_intake_button, self.show_personal_button,
                    self.link_button, self.story_button, self.approve_button):
            btn.setEnabled(False)

    def _fill_header(self, state: CaseState) -> None:
        cl = self.session.register.codelists
        if state.destroyed:
            self._fill_tombstone(state)
            return
        self.print_button.setEnabled(True)
        title = tr("Casus {n}").format(n=state.number)
        if state.ref and state.ref != state.number:
            title += tr("  (herkomstnummer {r})").format(r=state.ref)
        self.number_label.setText(title)
        status = cl.label("status", state.status)
        if state.phase:
            status += " – " + cl.label("phase", state.phase)
        self.status_label.setText(status)
        today = self._today()
        if state.closed_on is not None:
            age = tr("Ontvangen {d} · doorlooptijd {n} (afgerond {c})").format(
                d=nl_date(state.received_on), n=_days((state.closed_on - state.received_on).days),
                c=nl_date(state.closed_on))
        else:
            age = tr("Ontvangen {d} · {n} oud").format(
                d=nl_date(state.received_on), n=_days((today - state.received_on).days))
        paused = state.paused_days(today)
        if paused:
            age += tr(" (waarvan {n} gepauzeerd)").format(n=_days(paused))
        self.age_label.setText(age)
        nd = state.next_deadline()
        if nd is not None and nd.due_on is not None:
            left = (nd.due_on - today).days
            when = (tr("vandaag") if left == 0 else
                    tr("nog {n}").format(n=_days(left)) if left > 0 else
                    tr("{n} verlopen").format(n=_days(-left)))
            active = state.status in OPEN_STATUSES
            self.deadline_label.setText(
                (tr("Volgende termijn: {k} t/m {d} ({w})") if active else
                 tr("Openstaande termijn: {k} t/m {d}")).format(
                    k=cl.label("deadline_kind", nd.kind), d=nl_date(nd.due_on), w=when))
            self.deadline_label.setToolTip("" if active else tr(
                "De casus is niet meer open, maar deze termijn is nooit afgesloten: leg "
                "met ‘Termijn afsluiten’ vast of hij is gehaald of verlopen."))
            urgent = active and left <= 7
            style.set_tone(self.deadline_label, "urgent" if urgent else None)
        else:
            self.deadline_label.setText(tr("Geen open termijn"))
            self.deadline_label.setToolTip("")
            style.set_tone(self.deadline_label, None)
        self.handler_label.setText(tr("Behandelaar: {h}").format(
            h=state.handler or state.registered_by))
        notices: list[str] = []
        if state.pause_running:
            start = max(p.start for p in state.pauses if p.end is None)
            notices.append(tr("Pauzeknop actief sinds {d}: wettelijke termijnen lopen door.")
                           .format(d=nl_date(start)))
        if state.registration.get("urgent"):
            notices.append(tr("Spoed."))
        if state.violations:
            notices.append(tr("Ter beoordeling: {n} stap(pen) botsen met de regels na "
                              "samenvoegen (zie de tijdlijn).").format(n=len(state.violations)))
        if state.log.conflicts:
            notices.append(tr("Tegenstrijdige correcties: leg een nieuwe correctie vast die de "
                              "juiste gegevens bevat."))
        self.notice_label.setText("  ".join(notices))
        style.set_tone(self.notice_label, "error" if state.violations or state.log.conflicts
                       else "notice")
        self.notice_label.setVisible(bool(notices))

    def _set_buttons(self, kinds: list[str]) -> None:
        for btn in self.step_buttons.values():
            btn.setParent(None)
            btn.deleteLater()
        self.step_buttons = {}
        for flow in (self.treatment_flow, self.admin_flow):
            while flow.count():
                flow.takeAt(0)
        cl = self.session.register.codelists if self.session.is_open else None
        # Letters taken while the timeline shows: the main window's Vergrendelen, the
        # case's tabs (Intake, Tijdlijn, Signalen, Verhaal, Persoonsgegevens),
        # Afdrukken and the timeline's own buttons (corrigeren, vervallen).
        mn = Mnemonics(reserved=RESERVED_ON_TIMELINE)
        for kind in kinds:
            label = action_label(kind, cl)
            btn = QPushButton(mn.take(label) + "…")
            btn.setAccessibleName(label)
            btn.setToolTip(tr("Legt de stap ‘{step}’ vast").format(
                step=kind_label(kind, cl) if cl else kind))
            btn.clicked.connect(lambda _c=False, k=kind: self._open_step(k))
            if kind in TREATMENT_STEPS:
                self.treatment_flow.addWidget(btn)
            else:
                self.admin_flow.addWidget(btn)
            btn.show()  # a layout would only show it on the next event-loop turn
            self.step_buttons[kind] = btn
        self.treatment_caption.setVisible(any(k in TREATMENT_STEPS for k in kinds))
        self.treatment_flow_host.setVisible(any(k in TREATMENT_STEPS for k in kinds))
        self.admin_caption.setVisible(any(k not in TREATMENT_STEPS for k in kinds))
        self.admin_flow_host.setVisible(any(k not in TREATMENT_STEPS for k in kinds))
        for flow in (self.treatment_flow, self.admin_flow):
            flow.invalidate()

    def _fill_buttons(self, state: CaseState) -> None:
        order = {k: i for i, k in enumerate(TREATMENT_STEPS + ADMIN_STEPS)}
        kinds = sorted(state.next_steps, key=lambda k: order.get(k, 99))
        self._set_buttons(kinds)

    @staticmethod
    def _clear_form(form: QFormLayout) -> None:
        while form.rowCount():
            form.removeRow(0)

    def _fill_intake(self, state: CaseState) -> None:
        cl = self.session.register.codelists
        self._clear_form(self.intake_form)
        reg_payload = state.registration

        def add(label: str, value: str) -> None:
            v = QLabel(value)
            v.setWordWrap(True)
            v.setTextFormat(Qt.TextFormat.PlainText)
            v.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            v.setAccessibleName(label)
            self.intake_form.addRow(QLabel(label + ":"), v)

        if state.destroyed:
            add(tr("Jaar van ontvangst"), str(state.received_on.year))
            add(tr("Vernietigd op"), nl_date(state.destroyed_on))
            add(tr("Reden"), state.destroyed_reason or "")
            self.correct_intake_button.setEnabled(False)
            return
        add(tr("Datum ontvangst"), nl_date(state.received_on))
        for label, value in details("registered", reg_payload, cl):
            add(label, value)
        contact = reg_payload.get("helper_contact") or {}
        if isinstance(contact, Mapping) and any(contact.values()):
            parts = [str(contact[k]) for k in ("name", "email", "phone") if contact.get(k)]
            add(tr("Contactpersoon aandrager"), ", ".join(parts))
        add(tr("Aangemeld door"), state.registered_by)
        if state.triage:
            add(tr("Triagebesluit"), value_text("decision", state.triage.get("decision"), cl)
                + (f" ({nl_date(state.triaged_on)})" if state.triaged_on else ""))
        self.correct_intake_button.setEnabled(True)

    # ------------------------------------------------------------------ timeline

    def _rows(self, state: CaseState, events: list[Event]
              ) -> list[tuple[date, str, Event, Effective | None]]:
        rows: list[tuple[date, str, Event, Effective | None]] = [
            (e.on, e.hlc, e.event, e) for e in state.effective]
        rows += [(e.occurred_on, e.hlc, e, None) for e in state.log.voided]
        rows.sort(key=lambda r: (r[0], r[1]))
        return rows

    def _fill_timeline(self, state: CaseState, events: list[Event]) -> None:
        cl = self.session.register.codelists
        keep = self._selected_id()
        scrolled = self.timeline.verticalScrollBar().value()
        self.timeline.clear()
        names = {e.id: tr("{k} van {d}").format(k=kind_label(e.kind, cl), d=nl_date(e.on))
                 for e in state.effective}
        meta = {e.id: e for e in events if e.kind in ("corrected", "retracted")}
        retraction = {str(e.payload.get("target")): e for e in meta.values()
                      if e.kind == "retracted"}
        erased: dict[str, list[tuple[str, str, str]]] = {}  # target -> (date, fields, why)
        for e in events:
            if e.kind == "text_erased":
                fields = e.payload.get("fields") or []
                gone = ", ".join(FIELD_LABELS.get(str(f).removeprefix("payload."), str(f))
                                 .lower() for f in fields)
                erased.setdefault(str(e.payload.get("target")), []).append(
                    (nl_date(e.occurred_on), gone, str(e.payload.get("reason", ""))))
        violations: dict[str, list[str]] = {}
        for eid, reason in state.violations:
            violations.setdefault(eid, []).append(reason)
        italic = QFont(self.timeline.font())
        italic.setItalic(True)
        italic.setStrikeOut(True)
        for on, _hlc, ev, eff in self._rows(state, events):
            payload = eff.payload if eff is not None else ev.payload
            lines = [f"{k}: {v}" for k, v in step_details(ev.kind, payload, cl, names)]
            step = kind_label(ev.kind, cl)
            item = QTreeWidgetItem([nl_date(on), step, "", ev.actor])
            for col in range(4):
                item.setTextAlignment(col, Qt.AlignmentFlag.AlignLeft
                                      | Qt.AlignmentFlag.AlignTop)
            item.setData(0, ID_ROLE, ev.id)
            item.setData(0, STATE_ROLE, "effective" if eff is not None else "voided")
            if eff is not None and eff.corrections:
                item.setText(1, step + tr(" (gecorrigeerd)"))
                for c in eff.corrections:
                    lines.append(tr("Gecorrigeerd op {d} door {a}: {r}").format(
                        d=nl_date(date.fromisoformat(c.recorded_at[:10])) if c.recorded_at
                        else "", a=c.actor, r=c.payload.get("reason", "")))
                for col in range(4):
                    item.setForeground(col, QBrush(style.CORRECTED))
            if eff is None:
                item.setText(1, step + tr(" (vervallen)"))
                r = retraction.get(ev.id)
                lines.append(tr("Vervallen: {r}").format(
                    r=r.payload.get("reason", "") if r else ""))
                for col in range(4):
                    item.setForeground(col, QBrush(style.VOIDED))
                for col in (0, 1):
                    item.setFont(col, italic)
            fixes = eff.corrections if eff is not None else ()
            for version in (ev, *fixes):
                which = (tr("correctie") if version is not ev else
                         tr("oorspronkelijke versie") if fixes else "")
                for on_day, gone, why in erased.get(version.id, []):
                    what = f"{gone}, {which}" if which else gone
                    lines.append(tr("Tekst gewist op {d} ({f}): {r}").format(
                        d=on_day, f=what, r=why))
            if ev.flag:
                lines.append(tr("Ter beoordeling (samenvoegen): {f}").format(f=ev.flag))
            for reason in violations.get(ev.id, []):
                lines.append(tr("Ter beoordeling: {r}").format(r=reason))
            if ev.id in violations or ev.flag:
                item.setText(1, item.text(1) + tr(" ⚠ ter beoordeling"))
                for col in range(4):
                    item.setBackground(col, QBrush(style.FLAGGED_BG))
            text = "\n".join(lines)
            item.setText(2, text)
            item.setToolTip(2, text)
            item.setToolTip(3, tr("Vastgelegd door {a} op {t}").format(
                a=ev.actor, t=ev.recorded_at.replace("T", " ").rstrip("Z")))
            self.timeline.addTopLevelItem(item)
            if ev.id == keep:
                item.setSelected(True)
        # A redraw (after a correction, say) keeps the handler's place in the timeline.
        self.timeline.doItemsLayout()
        self.timeline.verticalScrollBar().setValue(scrolled)
        self._selection_changed()

    def _event_ids(self) -> set[str]:
        return {e.id for e in self.view.state.effective} if self.view is not None else set()

    def show_step(self, event_id: str) -> None:
        """Select a step in the timeline and scroll it into view."""
        item = self.item_for(event_id)
        if item is None:
            return
        self.timeline.setCurrentItem(item)
        self.timeline.scrollToItem(item, QAbstractItemView.ScrollHint.EnsureVisible)

    def _show_new_step(self, before: set[str], kind: str) -> None:
        """After saving a step: show it in the timeline (the one of ``kind`` when the
        form recorded more, as closing does with the open deadlines)."""
        if self.view is None:
            return
        new = [e for e in self.view.state.effective if e.id not in before]
        if new:
            shown = next((e for e in reversed(new) if e.kind == kind), new[-1])
            self.show_step(shown.id)

    def _selected_item(self) -> QTreeWidgetItem | None:
        items = self.timeline.selectedItems()
        return items[0] if items else None

    def _selected_id(self) -> str | None:
        item = self._selected_item()
        return str(item.data(0, ID_ROLE)) if item is not None else None

    def item_for(self, event_id: str) -> QTreeWidgetItem | None:
        for i in range(self.timeline.topLevelItemCount()):
            item = self.timeline.topLevelItem(i)
            if item is not None and item.data(0, ID_ROLE) == event_id:
                return item
        return None

    def timeline_texts(self) -> list[str]:
        """Each timeline row as one line of text (for tests and screen readers)."""
        out = []
        for i in range(self.timeline.topLevelItemCount()):
            item = self.timeline.topLevelItem(i)
            if item is not None:
                out.append(" | ".join(item.text(c).replace("\n", "; ") for c in range(4)))
        return out

    def _can(self, item: QTreeWidgetItem | None) -> tuple[bool, bool]:
        """(can correct, can retract) for a timeline row."""
        if item is None or self.view is None:
            return False, False
        effective = item.data(0, STATE_ROLE) == "effective"
        eid = item.data(0, ID_ROLE)
        kind = next((e.kind for e in self.view.state.effective if e.id == eid), "")
        if kind in ERASING_KINDS:  # erasing is irrevocable
            return False, False
        return effective, effective and kind != "registered"

    def _selection_changed(self) -> None:
        can_correct, can_retract = self._can(self._selected_item())
        self.correct_button.setEnabled(can_correct)
        self.retract_button.setEnabled(can_retract)
        self.erase_button.setEnabled(self._can_erase(self._selected_item()))

    def _can_erase(self, item: QTreeWidgetItem | None) -> bool:
        """Whether the row's step (or a correction of it) holds free text to erase."""
        if item is None or self.view is None or self.view.state.destroyed:
            return False
        return bool(erasable_texts(self.view.events, str(item.data(0, ID_ROLE))))

    def timeline_menu(self, item: QTreeWidgetItem | None) -> QMenu:
        """The context menu for a timeline row (built apart so tests can use it)."""
        menu = QMenu(self.timeline)
        can_correct, can_retract = self._can(item)
        eid = str(item.data(0, ID_ROLE)) if item is not None else None
        correct = QAction(tr("&Corrigeren…"), menu)
        correct.setEnabled(can_correct)
        correct.triggered.connect(lambda: self._correct(eid))
        retract = QAction(tr("&Laten vervallen…"), menu)
        retract.setEnabled(can_retract)
        retract.triggered.connect(lambda: self._retract(eid))
        erase = QAction(tr("Tekst &wissen…"), menu)
        erase.setEnabled(self._can_erase(item))
        erase.triggered.connect(lambda: self.erase_text(eid))
        menu.addAction(correct)
        menu.addAction(retract)
        menu.addAction(erase)
        return menu

    def _timeline_context_menu(self, pos: QPoint) -> None:
        item = self.timeline.itemAt(pos)
        if item is None:
            return
        self.timeline.setCurrentItem(item)
        menu = self.timeline_menu(item)
        menu.exec(self.timeline.viewport().mapToGlobal(pos))

    # ------------------------------------------------------------------ signals, story

    def _fill_signals(self, state: CaseState) -> None:
        reg = self.session.register
        cl = reg.codelists
        rows = {s.number: s for s in reg.list_signals()}
        self.signal_list.clear()
        for number in state.signals:
            s = rows.get(number)
            item = QTreeWidgetItem([number, s.title if s else "",
                                    cl.label("signal_status", s.status) if s else ""])
            item.setData(0, ID_ROLE, number)
            self.signal_list.addTopLevelItem(item)
        self.signal_list.resizeColumnToContents(0)
        self.link_button.setEnabled("signal_linked" in state.next_steps)
        self._signal_selection()

    def _signal_selection(self) -> None:
        ok = (self.view is not None and "signal_unlinked" in self.view.state.next_steps
              and bool(self.signal_list.selectedItems()))
        self.unlink_button.setEnabled(ok)

    def _unlink_selected(self) -> None:
        items = self.signal_list.selectedItems()
        if items:
            self._open_step("signal_unlinked", {"signal": items[0].data(0, ID_ROLE)})

    def _fill_story(self, state: CaseState) -> None:
        cl = self.session.register.codelists
        self.story_button.setEnabled("story" in state.next_steps)
        self.approve_button.setEnabled("story_approved" in state.next_steps)
        if not state.stories:
            self.story_status.setText(tr(
                "Nog geen verhaal. Een geanonimiseerd verhaal maakt de casus bruikbaar voor de "
                "rapportage aan de Kamer; een ander keurt het goed (vier ogen)."))
            self.story_text.clear()
            return
        latest = state.stories[-1]
        self.story_text.setPlainText(str(latest.payload.get("text", "")))
        written = tr("Verhaal van {d}, geschreven door {a}").format(
            d=nl_date(latest.on), a=latest.event.actor)
        if len(state.stories) > 1:
            written += tr(" (versie {n})").format(n=len(state.stories))
        if state.approved_story is not None and state.approved_story.id == latest.id:
            approval = next((e for e in reversed(state.effective)
                             if e.kind == "story_approved"), None)
            by = approval.payload.get("by", "") if approval else ""
            when = nl_date(approval.on) if approval else ""
            status = tr("Goedgekeurd door {b} op {d}: kan in een rapportage.").format(
                b=by, d=when)
        else:
            status = tr("Nog niet goedgekeurd: een ander dan {a} keurt het goed (vier ogen). "
                        "Alleen goedgekeurde verhalen komen in een rapportage.").format(
                            a=latest.event.actor)
        self.story_status.setText(f"{written}. {status}")
        _ = cl

    # ------------------------------------------------------------------ personal data

    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is not self.personal_page:
            self.hide_personal()

    def show_personal(self) -> None:
        """Read the personal data (audited by the register) and show them, BSN masked."""
        if not self.session.is_open:
            return
        data = self.session.register.personal(self.number)
        self._show_personal_data(data)

    def _show_personal_data(self, data: dict[str, str]) -> None:
        self._personal = dict(data)
        for key, lbl in self.personal_values.items():
            value = data.get(key, "")
            if key == "bsn" and value:
                value = mask_bsn(value)
            lbl.setText(value or tr("(niet vastgelegd)"))
        self.personal_stack.setCurrentIndex(1)

    def hide_personal(self) -> None:
        self._personal = None
        for lbl in self.personal_values.values():
            lbl.clear()
        self.personal_stack.setCurrentIndex(0)
        self.show_personal_button.setEnabled(self.session.is_open)

    def personal_shown(self) -> bool:
        return self._personal is not None

    def edit_personal(self) -> None:
        if self._personal is None:
            return
        new = PersonalDialog.run(self.session, self.number, self._personal, self)
        if new is not None:
            self._show_personal_data(new)
            self.session.case_changed.emit(self.number)

    # ------------------------------------------------------------------ actions

    def _open_step(self, kind: str, preset: Mapping[str, Any] | None = None) -> bool:
        if not self.session.is_open:
            return False
        before = self._event_ids()
        saved = StepForm.run(self.session, self.number, kind, self, preset=preset)
        if saved:
            self._show_new_step(before, kind)
        return saved

    def _correct(self, event_id: str | None) -> bool:
        if not event_id or not self.session.is_open:
            return False
        return StepForm.run(self.session, self.number, "corrected", self, target=event_id)

    def _retract(self, event_id: str | None) -> bool:
        if not event_id or not self.session.is_open:
            return False
        return StepForm.run(self.session, self.number, "retracted", self, target=event_id)

    def erase_text(self, event_id: str | None) -> bool:
        """"Tekst wissen": personal data typed into a free-text field by mistake.

        The handler picks the fields (of the step and of each correction of it) and
        gives a reason; each version gets its own ``text_erased`` step. Run in the
        window's worker: erasing the registration's text merges the search index.
        """
        if not event_id or not self.session.is_open or self.view is None:
            return False
        texts = erasable_texts(self.view.events, event_id)
        if not texts:
            return False
        chosen = EraseTextDialog.ask(texts, self, session=self.session)
        if chosen is None:
            return False
        picks, reason = chosen
        number = self.number
        # the dialog asked before accepting a flagged reason: the yes goes in the audit
        flagged = lint_fields({"reason": reason})
        what = tr("casus {n}, tekst wissen").format(n=number)

        def job(reg: Register) -> str:
            reg.reload_settings()
            erase_storage(reg, picks, reason)  # one transaction for every version
            if flagged:
                audit_override(reg, what, flagged)
            return number

        reader = getattr(self.window(), "reader", None)
        if isinstance(reader, Worker):
            reader.submit(job, self._erased, self._erase_failed)
            return True
        try:
            self._erased(job(self.session.register))
        except UserError as exc:
            self._erase_failed(exc)
            return False
        return True

    def _erased(self, number: Any) -> None:
        self.session.case_changed.emit(str(number))
        self.session.data_changed.emit()

    def _erase_failed(self, error: UserError) -> None:
        QMessageBox.warning(self, tr("Tekst wissen"), str(error))

    def print_overview(self) -> None:
        """"Afdrukken": the casusoverzicht (docs/ARCHITECTURE.md), personal data on request."""
        from app.export.case_overview import write_case_overview

        choice = PrintDialog.ask(self.number, self, session=self.session)
        if choice is None or self.view is None:
            return
        path, with_personal = choice
        try:
            write_case_overview(self.session.register, self.view, path,
                                with_personal=with_personal)
        except UserError as exc:
            QMessageBox.warning(self, tr("Afdrukken"), str(exc))
            return
        PrintDialog.open_file(path)

    def _correct_intake(self) -> None:
        if self.view is None:
            return
        reg = next((e for e in self.view.state.effective if e.kind == "registered"), None)
        if reg is not None:
            self._correct(reg.id)


class PrintDialog(QDialog):
    """Where to write the casusoverzicht, and whether personal data goes in (audited)."""

    def __init__(self, number: str, parent: QWidget | None = None, *,
                 session: Session | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Casusoverzicht {n} afdrukken").format(n=number))
        folder = Path(QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())
        self.path = folder / f"casusoverzicht-{number}.html"
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Het overzicht wordt als HTML-bestand opgeslagen en in de browser "
                          "geopend; druk het daar af of bewaar het als PDF."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.where = QLabel(str(self.path), self)
        self.where.setWordWrap(True)
        self.choose_button = choose = QPushButton(tr("Andere &plek…"), self)
        choose.setAutoDefault(False)  # Enter is OK, also while this button has the focus
        choose.clicked.connect(self._choose)
        row = QHBoxLayout()
        row.addWidget(self.where, 1)
        row.addWidget(choose)
        layout.addLayout(row)
        self.with_personal = QCheckBox(tr("&Met persoonsgegevens (wordt vastgelegd in het "
                                          "auditlogboek)"), self)
        self.with_personal.setAccessibleName(tr("Met persoonsgegevens"))
        layout.addWidget(self.with_personal)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        self.with_personal.setFocus()  # the one choice to make; Enter then writes it
        if session is not None:
            close_on_lock(session, self)

    def _choose(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, tr("Casusoverzicht opslaan"),
                                              str(self.path), tr("HTML (*.html)"))
        if name:
            self.path = Path(name)
            self.where.setText(name)

    @classmethod
    def ask(cls, number: str, parent: QWidget | None = None, *,
            session: Session | None = None) -> tuple[Path, bool] | None:
        dialog = cls(number, parent, session=session)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.path, dialog.with_personal.isChecked()

    @staticmethod
    def open_file(path: Path) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class PersonalDialog(QDialog):
    """Edit the citizen's personal data; the stored BSN is never shown in full."""

    def __init__(self, session: Session, number: str, current: Mapping[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.number = number
        self.current = dict(current)
        self.result_data: dict[str, str] | None = None
        self.setWindowTitle(tr("Casus {n} – persoonsgegevens bewerken").format(n=number))
        self.setAccessibleName(self.windowTitle())
        layout = QVBoxLayout(self)
        mn = Mnemonics(reserved="oa")
        self.fields = PersonalFields(mnemonics=mn, parent=self)
        self.fields.set_stored(dict(current), mask_bsn(current.get("bsn", "")))
        layout.addWidget(self.fields)
        note = QLabel(tr("Laat het BSN leeg om het vastgelegde BSN te houden."), self)
        style.set_tone(note, "note")
        layout.addWidget(note)
        self.banner = QLabel(self)
        style.set_tone(self.banner, "error")
        self.banner.setWordWrap(True)
        self.banner.hide()
        layout.addWidget(self.banner)
        buttons = QDialogButtonBox(self)
        save = buttons.addButton(tr("&Opslaan"), QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = buttons.addButton(tr("&Annuleren"), QDialogButtonBox.ButtonRole.RejectRole)
        save.clicked.connect(self.save)
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, self.save)
        close_on_lock(session, self)
        self.resize(520, 360)

    def save(self) -> bool:
        if self.fields.problems():
            return False
        data = self.fields.value()
        try:
            self.session.register.set_personal(self.number, data)
        except ValidationFailed as exc:
            self.fields.show_errors((e.path, e.message) for e in exc.errors)
            return False
        merged = {**self.current, **data}  # a kept BSN is simply not in ``data``
        self.result_data = {k: v for k, v in merged.items() if v}
        self.accept()
        return True

    @classmethod
    def run(cls, session: Session, number: str, current: Mapping[str, str],
            parent: QWidget | None = None) -> dict[str, str] | None:
        """Open modally; the saved data (for display) or None. Tests patch this."""
        dlg = cls(session, number, current, parent)
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return None
        return dlg.result_data


class EraseTextDialog(QDialog):
    """Which texts to erase from a step and its corrections, and why (irrevocable)."""

    def __init__(self, texts: list[ErasableText], parent: QWidget | None = None, *,
                 session: Session | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Tekst wissen"))
        self.setAccessibleName(self.windowTitle())
        self.texts = texts
        layout = QVBoxLayout(self)
        intro = QLabel(tr(
            "Kies de tekst met persoonsgegevens die per ongeluk is getypt. Gewiste tekst is "
            "voorgoed weg (back-ups bewaren hem tot ze vervallen, hoogstens ongeveer vijf "
            "weken); de stap zelf blijft staan met 'Tekst gewist'."), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.boxes: list[tuple[QCheckBox, ErasableText]] = []
        for t in texts:
            where = (tr("correctie van {d}").format(d=nl_date(date.fromisoformat(
                t.event.recorded_at[:10]))) if t.correction and t.event.recorded_at
                else tr("correctie") if t.correction else tr("oorspronkelijke stap"))
            shown = t.text if len(t.text) <= 90 else t.text[:87] + "…"
            box = QCheckBox(f"{t.label} ({where}): {shown}", self)
            box.setAccessibleName(f"{t.label} ({where})")
            box.setToolTip(t.text)
            box.toggled.connect(self._update)
            layout.addWidget(box)
            self.boxes.append((box, t))
        self.reason = QPlainTextEdit(self)
        self.reason.setAccessibleName(tr("Reden van het wissen"))
        self.reason.setPlaceholderText(tr(
            "Bijvoorbeeld: persoonsgegevens per ongeluk in de notitie getypt (noem ze hier "
            "niet)"))
        self.reason.setFixedHeight(60)
        self.reason.textChanged.connect(self._update)
        self.reason.textChanged.connect(self._reason_changed)
        reason_label = QLabel(tr("&Reden (komt bij de stap 'Tekst gewist'):"), self)
        reason_label.setBuddy(self.reason)
        layout.addWidget(reason_label)
        layout.addWidget(self.reason)
        # the reason stays in the log for good: linted like every other free text
        self.warning = QLabel(self)
        self.warning.setTextFormat(Qt.TextFormat.PlainText)
        self.warning.setWordWrap(True)
        self.warning.hide()
        layout.addWidget(self.warning)
        self.buttons = QDialogButtonBox(self)
        self.ok = self.buttons.addButton(tr("Tekst &wissen"),
                                         QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(tr("&Annuleren"),
                                        QDialogButtonBox.ButtonRole.RejectRole)
        self.question = LintQuestion(self.ok, tr("Tekst &wissen"), tr("Toch &wissen"))
        self.ok.clicked.connect(self._ok)
        cancel.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update()
        self.resize(620, self.sizeHint().height())
        if session is not None:
            close_on_lock(session, self)

    def _update(self) -> None:
        self.ok.setEnabled(any(b.isChecked() for b, _ in self.boxes)
                           and bool(self.reason.toPlainText().strip()))

    def _show_warning(self, text: str | None, tone: str) -> None:
        style.set_tone(self.warning, tone)
        self.warning.setAccessibleName(tr("Vraag") if tone == "question" else tr("Let op"))
        self.warning.setText(text or "")
        self.warning.setVisible(bool(text))

    def _reason_changed(self) -> None:
        self.question.reset()
        text = self.reason.toPlainText().strip()
        self._show_warning(lint_warning(text) if text else None, "fieldWarning")

    def _ok(self) -> None:
        """Personal data in the reason: ask once ("Toch wissen"), like every form."""
        question = self.question.ask({"reason": self.reason.toPlainText().strip()},
                                     {"reason": tr("Reden")})
        if question is not None:
            self._show_warning(question, "question")
            self.ok.setFocus()
            return
        self.accept()

    def choice(self) -> tuple[dict[str, list[str]], str]:
        picks: dict[str, list[str]] = {}
        for box, t in self.boxes:
            if box.isChecked():
                picks.setdefault(t.event.id, []).append(t.field)
        return picks, self.reason.toPlainText().strip()

    @classmethod
    def ask(cls, texts: list[ErasableText], parent: QWidget | None = None, *,
            session: Session | None = None) -> tuple[dict[str, list[str]], str] | None:
        """Modal; the chosen fields per step id and the reason, or None. Tests patch
        this."""
        dialog = cls(texts, parent, session=session)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choice()


__all__ = ["CaseTab", "EraseTextDialog", "PersonalDialog"]
