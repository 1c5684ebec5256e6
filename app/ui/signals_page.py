"""Signalen: patterns from cases, sent to the services, the legislator or the IBTD.

"Dat vraagt van de Belangenbehartiger om terugkoppeling te geven over wat er met
signalen is gebeurd" (founding report). The page lists every signal with its status
and shows plainly which ones "wachten op terugkoppeling": a response came in and the
partners have not yet been told. The editor records each step as its own event:
aanmaken, indienen (ontvanger, extern kenmerk such as the KSMS number), reactie,
terugkoppeling aan partners, sluiten; and links cases to the signal.

The list is read in the background reader's thread (it touches every signal); one
signal's detail is a single indexed read on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.model.codelists import default_codelists
from app.model.dates import nl_date
from app.model.dates import today as today_amsterdam
from app.model.describe import details
from app.model.errors import UserError, ValidationFailed
from app.model.events import FIELD_LABELS, kind_label
from app.storage.repository import Register, SignalRow
from app.ui import style
from app.ui.lint_question import LintQuestion
from app.ui.session import Session
from app.ui.text import plural, tr
from app.ui.widgets import list_tree, plain_label
from app.ui.worker import ReaderPage, Worker

AWAITING = "⚠ wacht op terugkoppeling"
NUMBER_ROLE = int(Qt.ItemDataRole.UserRole) + 1


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


# --------------------------------------------------------------------------- forms


class StepForm(QWidget):
    """A small form for one step; ``values()`` gives the payload, ``submitted`` fires."""

    submitted = Signal()
    cancelled = Signal()

    def __init__(self, kind: str, heading: str, parent: QWidget | None = None,
                 lint: tuple[str, ...] = ()) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setObjectName(f"form_{kind}")
        self.setAccessibleName(heading.replace("&", ""))
        self._getters: dict[str, Callable[[], Any]] = {}
        self.widgets: dict[str, QWidget] = {}
        self.labels: dict[str, str] = {}
        self._lint = lint

        self.heading = QLabel(heading, self)
        self.heading.setObjectName("pageTitle")
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # Labels above their fields: the form lives in the narrow right-hand pane, and
        # side by side it was wider than the pane (Opslaan was cut off).
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.message = QLabel(self)
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(tr("Melding bij het formulier"))
        self.message.hide()
        self.save_button = QPushButton(tr("&Opslaan"), self)
        self.save_button.setAccessibleName(tr("Opslaan"))
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._save_clicked)
        self.cancel_button = QPushButton(tr("Annuleren"), self)
        self.cancel_button.setAccessibleName(tr("Annuleren"))
        self.cancel_button.clicked.connect(self.cancelled)
        self.question = LintQuestion(self.save_button, tr("&Opslaan"),
                                     tr("Toch &opslaan"))
        # Ctrl+Enter saves here too, as in every other form.
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(seq), self, self._save_clicked)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_button.setToolTip(tr("Opslaan (Ctrl+Enter)"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

    # -- fields
    def _label(self, text: str, widget: QWidget, key: str = "") -> QLabel:
        label = QLabel(text, self)
        label.setBuddy(widget)
        widget.setAccessibleName(text.replace("&", "").rstrip(" *"))
        if key:
            self.labels[key] = text.replace("&", "").rstrip(" *")
        return label

    def add_date(self, key: str, text: str) -> QDateEdit:
        edit = QDateEdit(self)
        edit.setDisplayFormat("dd-MM-yyyy")
        edit.setCalendarPopup(True)
        today = today_amsterdam()
        edit.setDate(_qdate(today))
        edit.setMaximumDate(_qdate(today))
        self.form.addRow(self._label(text, edit, key), edit)
        self._getters[key] = lambda: edit.date().toString("yyyy-MM-dd")
        edit.dateChanged.connect(self._changed)
        self.widgets[key] = edit
        return edit

    def add_line(self, key: str, text: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setPlaceholderText(placeholder)
        self.form.addRow(self._label(text, edit, key), edit)
        self._getters[key] = lambda: edit.text().strip() or None
        self.widgets[key] = edit
        edit.textChanged.connect(self._changed)
        return edit

    def add_text(self, key: str, text: str, placeholder: str = "") -> QPlainTextEdit:
        edit = QPlainTextEdit(self)
        edit.setTabChangesFocus(True)
        edit.setPlaceholderText(placeholder)
        edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 12)
        self.form.addRow(self._label(text, edit, key), edit)
        self._getters[key] = lambda: edit.toPlainText().strip() or None
        self.widgets[key] = edit
        edit.textChanged.connect(self._changed)
        return edit

    def add_combo(self, key: str, text: str, items: list[tuple[str, str | None]]
                  ) -> QComboBox:
        combo = QComboBox(self)
        for label, value in items:
            combo.addItem(label, value)
            combo.setItemData(combo.count() - 1, label, Qt.ItemDataRole.ToolTipRole)
        # As narrow as the pane allows; the open list shows the long labels whole.
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(16)
        combo.currentIndexChanged.connect(self._changed)
        combo.currentIndexChanged.connect(lambda _i: combo.setToolTip(combo.currentText()))
        self.form.addRow(self._label(text, combo, key), combo)
        self._getters[key] = combo.currentData
        self.widgets[key] = combo
        return combo

    def add_checks(self, key: str, text: str, items: list[tuple[str, str]]) -> None:
        box = QWidget(self)
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        checks: list[tuple[QCheckBox, str]] = []
        for label, value in items:
            check = QCheckBox(label, box)
            check.setAccessibleName(f"{text.replace('&', '').rstrip(' *')}: "
                                    f"{label.replace('&', '')}")
            row.addWidget(check)
            check.toggled.connect(self._changed)
            checks.append((check, value))
        row.addStretch(1)
        caption = QLabel(text, self)
        self.labels[key] = text.replace("&", "").rstrip(" *")
        self.form.addRow(caption, box)
        self._getters[key] = lambda: [v for c, v in checks if c.isChecked()]
        self.widgets[key] = box

    # -- values and messages
    def values(self) -> dict[str, Any]:
        return {k: v for k, get in self._getters.items() if (v := get()) not in (None, "")}

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _changed(self) -> None:
        """A field changed: the message about the previous attempt no longer holds."""
        self.question.reset()
        self.show_message("")

    def _save_clicked(self) -> None:
        if self._lint:
            texts = {k: self._getters[k]() for k in self._lint if k in self._getters}
            question = self.question.ask(texts, self.labels)
            if question is not None:
                self.show_message(question)
                return
        self.submitted.emit()

    def reset(self) -> None:
        """Empty every field (after saving, on cancel and on lock)."""
        today = _qdate(today_amsterdam())
        for w in self.widgets.values():
            if isinstance(w, (QLineEdit, QPlainTextEdit)):
                w.clear()
            elif isinstance(w, QDateEdit):
                w.setMaximumDate(today)
                w.setDate(today)
            elif isinstance(w, QComboBox):
                w.setCurrentIndex(0)
            else:
                for check in w.findChildren(QCheckBox):
                    check.setChecked(False)
        self.question.reset()
        self.show_message("")

    def first_field(self) -> QWidget | None:
        return next(iter(self.widgets.values()), None)


def build_forms(parent: QWidget) -> dict[str, StepForm]:
    cl = default_codelists()

    def codes(name: str) -> list[tuple[str, str | None]]:
        return [(c.label, c.key) for c in cl[name] if c.active]

    forms: dict[str, StepForm] = {}
    f = StepForm("signal_created", tr("Nieuw signaal"), parent,
                 lint=("title", "problem", "human_story", "proposed_solution", "regulation",
                       "scope"))
    f.add_date("created_on", tr("&Datum *"))
    f.add_line("title", tr("&Titel *"), tr("Kort en herkenbaar, zonder persoonsgegevens"))
    f.add_text("problem", tr("&Knelpunt *"), tr("Wat loopt er vast, bij wie en hoe vaak?"))
    f.add_text("human_story", tr("&Gevolgen voor burgers of ondernemers"),
               tr("Het menselijke gezicht achter het signaal, geanonimiseerd"))
    f.add_text("proposed_solution", tr("Voorgestelde o&plossing *"),
               tr("Een praktische oplossing voor de uitvoering of de regelgeving"))
    f.add_combo("theme", tr("T&hema *"), codes("signal_theme"))
    f.add_checks("services", tr("Diensten *"),
                 [(tr("&Belastingdienst"), "belastingdienst"),
                  (tr("Dienst To&eslagen"), "dienst_toeslagen")])
    f.add_line("regulation", tr("&Regelgeving"), tr("Wet en artikel, bijvoorbeeld art. 6:7 Awb"))
    f.add_line("scope", tr("Geschatte o&mvang"), tr("Geschat aantal mensen"))
    f.add_combo("urgency", tr("&Urgentie"), [(tr("Niet opgegeven"), None), (tr("Laag"), "laag"),
                                            (tr("Midden"), "midden"), (tr("Hoog"), "hoog")])
    forms[f.kind] = f

    # Each form is headed by the action of its button (issue 11, item 23).
    f = StepForm("signal_submitted", tr("Signaal indienen"), parent)
    f.add_date("on", tr("&Datum *"))
    f.add_combo("recipient", tr("O&ntvanger *"), codes("signal_recipient"))
    f.add_line("external_ref", tr("&Extern kenmerk"),
               tr("Bijvoorbeeld het nummer in het Klantsignaal Management Systeem"))
    forms[f.kind] = f

    f = StepForm("signal_response", tr("Reactie vastleggen"), parent, lint=("summary",))
    f.add_date("received_on", tr("&Datum ontvangen *"))
    f.add_combo("status", tr("S&tatus *"), codes("signal_response_status"))
    f.add_text("summary", tr("Same&nvatting"), tr("Wat doet de ontvanger met het signaal?"))
    forms[f.kind] = f

    f = StepForm("signal_feedback_given", tr("Terugkoppeling geven"), parent)
    f.add_date("on", tr("&Datum *"))
    f.add_line("to", tr("&Aan wie *"), tr("Partners en helpers die het signaal aandroegen"))
    forms[f.kind] = f

    f = StepForm("signal_closed", tr("Signaal sluiten"), parent, lint=("reason",))
    f.add_date("on", tr("&Datum *"))
    f.add_text("reason", tr("R&eden"), tr("Waarom het signaal wordt gesloten"))
    forms[f.kind] = f
    return forms


# --------------------------------------------------------------------------- the page


class SignalsPage(ReaderPage):
    open_case = Signal(str)
    loaded = Signal()

    COLUMNS = ("Nummer", "Titel", "Status", "Ingediend", "Casussen")
    STEP_BUTTONS = (
        # Actions in the infinitive, as on the case tab (issue 11, item 23).
        ("signal_submitted", "Signaal &indienen…",
         "Vastleggen dat het signaal bij een ontvanger is ingediend"),
        ("signal_response", "&Reactie vastleggen…", "De reactie van de ontvanger vastleggen"),
        ("signal_feedback_given", "Terug&koppeling geven…",
         "Vastleggen dat partners en helpers zijn geïnformeerd"),
        ("signal_closed", "Signaal s&luiten…", "Het signaal sluiten"),
    )

    def __init__(self, session: Session, reader: Worker | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, reader, parent)
        self.codelists = default_codelists()
        self.rows: list[SignalRow] = []
        self.current: str | None = None
        self._select_after_load: str | None = None
        self.setObjectName("signalsPage")
        self.setAccessibleName(tr("Signalen"))

        # -- left: the list
        title = style.page_title(tr("Signalen"), self)
        self.new_button = QPushButton(tr("Nieuw &signaal…"), self)
        self.new_button.setAccessibleName(tr("Nieuw signaal"))
        self.new_button.clicked.connect(self.start_create)
        self.awaiting_only = QCheckBox(tr("Alleen &wachtend op terugkoppeling"), self)
        self.awaiting_only.setAccessibleName(tr("Alleen signalen die wachten op "
                                                "terugkoppeling"))
        self.awaiting_only.toggled.connect(self._fill_list)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        self.count_label.setAccessibleName(tr("Aantal signalen"))
        self.list = list_tree(self, "signalList",
                              tr("Lijst van signalen"), [tr(c) for c in self.COLUMNS])
        self.list.setAlternatingRowColors(True)
        header = self.list.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        fm = self.fontMetrics()
        head_fm = QFontMetrics(style.bold(header.font()))
        samples = ("S-2025-ZWL-000", "", AWAITING, "00-00-0000", "000")
        for i, sample in enumerate(samples):
            if sample:
                self.list.setColumnWidth(i, max(fm.horizontalAdvance(sample),
                                                head_fm.horizontalAdvance(self.COLUMNS[i]))
                                         + 28)
        self.list.currentItemChanged.connect(self._current_changed)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.new_button)
        left_layout.addLayout(head)
        filt = QHBoxLayout()
        filt.addWidget(self.awaiting_only)
        filt.addStretch(1)
        filt.addWidget(self.count_label)
        left_layout.addLayout(filt)
        left_layout.addWidget(self.list, 1)

        # -- right: detail, or the create form
        self.stack = QStackedWidget(self)
        self.forms = build_forms(self)
        for kind, form in self.forms.items():
            form.submitted.connect(lambda k=kind: self._save(k))
            form.cancelled.connect(self._cancel_form)

        self.detail = self._build_detail()
        self.empty = QLabel(tr("Kies een signaal in de lijst, of maak een nieuw signaal."),
                            self)
        self.empty.setObjectName("hint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        create_page = QScrollArea(self)
        create_page.setAccessibleName(tr("Nieuw signaal"))
        create_page.setWidgetResizable(True)
        create_page.setFrameShape(QFrame.Shape.NoFrame)
        # The form fits the pane's width (Opslaan was cut off at 1366 pixels).
        create_page.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        holder = QWidget(create_page)
        hl = QVBoxLayout(holder)
        hl.addWidget(self.forms["signal_created"])
        hl.addStretch(1)
        create_page.setWidget(holder)
        self.stack.addWidget(self.empty)      # 0
        self.stack.addWidget(self.detail)     # 1
        self.stack.addWidget(create_page)     # 2

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([560, 440])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.addWidget(splitter)

        session.signal_changed.connect(self._signal_changed)
        session.case_changed.connect(self._case_changed)
        session.data_changed.connect(self.reload)

    def _build_detail(self) -> QWidget:
        scroll = QScrollArea(self)
        scroll.setAccessibleName(tr("Gegevens en verloop van het signaal"))
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget(scroll)
        lay = QVBoxLayout(body)
        lay.setContentsMargins(8, 0, 4, 0)

        # the title can come from another laptop's bundle: shown as typed, never as HTML
        self.detail_title = plain_label("", body, "pageTitle")
        self.detail_status = plain_label("", body)
        self.detail_fields = QLabel(body)
        self.detail_fields.setWordWrap(True)
        self.detail_fields.setTextFormat(Qt.TextFormat.PlainText)
        self.detail_fields.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_fields.setAccessibleName(tr("Gegevens van het signaal"))
        lay.addWidget(self.detail_title)
        lay.addWidget(self.detail_status)
        lay.addWidget(self.detail_fields)

        self.step_buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        for i, (kind, text, tip) in enumerate(self.STEP_BUTTONS):
            b = QPushButton(tr(text), body)
            b.setAccessibleName(tr(text).replace("&", "").rstrip("…"))
            b.setToolTip(tr(tip))
            b.clicked.connect(lambda _=False, k=kind: self.start_step(k))
            grid.addWidget(b, i // 2, i % 2)
            self.step_buttons[kind] = b
        grid.setColumnStretch(2, 1)
        lay.addLayout(grid)

        self.step_box = QGroupBox(body)
        self.step_box.setAccessibleName(tr("Stap vastleggen"))
        box_layout = QVBoxLayout(self.step_box)
        self.step_stack = QStackedWidget(self.step_box)
        for kind, form in self.forms.items():
            if kind != "signal_created":
                self.step_stack.addWidget(form)
        box_layout.addWidget(self.step_stack)
        self.step_box.hide()
        lay.addWidget(self.step_box)

        cases_box = QGroupBox(tr("Gekoppelde casussen"), body)
        cl = QVBoxLayout(cases_box)
        self.case_list = QListWidget(cases_box)
        self.case_list.setAccessibleName(tr("Gekoppelde casussen"))
        self.case_list.setMaximumHeight(self.fontMetrics().height() * 7)
        self.case_list.itemActivated.connect(
            lambda item: self.open_case.emit(item.data(NUMBER_ROLE)))
        cl.addWidget(self.case_list)
        link_row = QHBoxLayout()
        self.link_edit = QLineEdit(cases_box)
        self.link_edit.setPlaceholderText(tr("Casusnummer, bijvoorbeeld 2025-ZWL-0012"))
        link_label = QLabel(tr("&Casus koppelen"), cases_box)
        link_label.setBuddy(self.link_edit)
        self.link_edit.setAccessibleName(tr("Casusnummer om te koppelen"))
        self.link_button = QPushButton(tr("Ko&ppelen"), cases_box)
        self.link_button.setAccessibleName(tr("Casus koppelen"))
        self.link_button.clicked.connect(self._link_case)
        self.link_edit.returnPressed.connect(self._link_case)
        link_row.addWidget(link_label)
        link_row.addWidget(self.link_edit, 1)
        link_row.addWidget(self.link_button)
        cl.addLayout(link_row)
        self.link_message = QLabel(cases_box)
        self.link_message.setObjectName("errorMessage")
        self.link_message.setWordWrap(True)
        self.link_message.hide()
        cl.addWidget(self.link_message)
        lay.addWidget(cases_box)

        history_box = QGroupBox(tr("Verloop"), body)
        hl = QVBoxLayout(history_box)
        self.history = QListWidget(history_box)
        self.history.setAccessibleName(tr("Verloop van het signaal"))
        self.history.setWordWrap(True)
        hl.addWidget(self.history)
        lay.addWidget(history_box, 1)
        scroll.setWidget(body)
        return scroll

    # ------------------------------------------------------------------ loading the list

    def reload(self) -> None:
        if not self.session.is_open:
            return
        self.reader.submit(lambda reg: reg.list_signals(), self._loaded)

    def _loaded(self, rows: object) -> None:
        if not self.session.is_open:
            return
        assert isinstance(rows, list)
        self.rows = rows
        self._fill_list()
        self.loaded.emit()

    def _fill_list(self) -> None:
        keep = self._select_after_load or self.current
        self._select_after_load = None
        self.list.blockSignals(True)
        self.list.clear()
        shown = 0
        awaiting = 0
        select: QTreeWidgetItem | None = None
        for r in self.rows:
            awaiting += r.awaiting_feedback
            if self.awaiting_only.isChecked() and not r.awaiting_feedback:
                continue
            status = self.codelists.label("signal_status", r.status)
            status_tip = status
            if r.response:
                response = self.codelists.label("signal_response_status", r.response).lower()
                status_tip += " – " + tr("laatste reactie: {response}").format(response=response)
            item = QTreeWidgetItem([
                r.number, r.title,
                tr(AWAITING) if r.awaiting_feedback else status,
                nl_date(r.submitted_on), str(r.cases),
            ])
            item.setData(0, NUMBER_ROLE, r.number)
            item.setToolTip(1, f"{r.title}\n{self.codelists.label('signal_theme', r.theme)}")
            item.setToolTip(2, status_tip + (" – " + tr(
                "de partners en helpers zijn nog niet geïnformeerd")
                if r.awaiting_feedback else ""))
            item.setTextAlignment(4, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if r.awaiting_feedback:
                item.setForeground(2, QBrush(style.SOON))
            self.list.addTopLevelItem(item)
            shown += 1
            if r.number == keep:
                select = item
        self.list.blockSignals(False)
        text = tr("1 signaal") if shown == 1 else plural(tr("%n signalen"), shown)
        if awaiting:
            text += " · " + (tr("1 wacht op terugkoppeling") if awaiting == 1 else
                             plural(tr("%n wachten op terugkoppeling"), awaiting))
        self.count_label.setText(text)
        if select is not None:
            self.list.setCurrentItem(select)
            self.show_signal(str(select.data(0, NUMBER_ROLE)))
        elif self.stack.currentIndex() == 1:
            self.current = None
            self.stack.setCurrentIndex(0)

    # ------------------------------------------------------------------ the detail

    def _current_changed(self, item: QTreeWidgetItem | None, _prev: object = None) -> None:
        if item is None:
            return
        self.show_signal(str(item.data(0, NUMBER_ROLE)))

    def show_signal(self, number: str) -> None:
        if not self.session.is_open:
            return
        reg = self.session.register
        try:
            state, _events, cases = reg.signal(number)
        except UserError as exc:
            self.detail_status.setText(str(exc))
            return
        self.current = state.number
        c = state.creation
        cl = reg.codelists
        self.detail_title.setText(f"{state.number} – {c.get('title', '')}")
        status = cl.label("signal_status", state.status)
        if state.awaiting_feedback:
            status += "  ·  " + tr(AWAITING)
            style.set_tone(self.detail_status, "soon")
        else:
            style.set_tone(self.detail_status, None)
        self.detail_status.setText(tr("Status: {status}").format(status=status))
        lines = [f"{tr('Aangemaakt op')}: {nl_date(state.created_on)}"]
        shown = {k: v for k, v in c.items() if k != "title"}
        lines += [f"{label}: {value}" for label, value in details("signal_created", shown, cl)]
        self.detail_fields.setText("\n".join(lines))
        allowed = set(state.next_steps)
        for kind, button in self.step_buttons.items():
            button.setEnabled(kind in allowed)
        self.link_edit.setEnabled(state.closed_on is None)
        self.link_button.setEnabled(state.closed_on is None)
        self.case_list.clear()
        for number_ in cases:
            item = QListWidgetItem(number_)
            item.setData(NUMBER_ROLE, number_)
            item.setToolTip(tr("Enter opent de casus"))
            self.case_list.addItem(item)
        if not cases:
            empty = QListWidgetItem(tr("Nog geen casussen gekoppeld"))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.case_list.addItem(empty)
        self.history.clear()
        if state.log is not None:
            for eff in state.log.effective:
                parts = "; ".join(f"{k}: {v}" for k, v in details(eff.kind, eff.payload, cl)
                                  if eff.kind != "signal_created")
                text = f"{nl_date(eff.on)}  {kind_label(eff.kind)}"
                self.history.addItem(text + (f" – {parts}" if parts else ""))
        if self.stack.currentIndex() != 2:
            self.stack.setCurrentIndex(1)

    # ------------------------------------------------------------------ forms

    def start_create(self) -> None:
        if not self.session.is_open:
            return
        form = self.forms["signal_created"]
        form.reset()
        self.stack.setCurrentIndex(2)
        first = form.first_field()
        if first is not None:
            form.widgets["title"].setFocus()

    def start_step(self, kind: str) -> None:
        form = self.forms[kind]
        form.reset()
        self.step_stack.setCurrentWidget(form)
        self.step_box.show()
        first = form.first_field()
        if first is not None:
            first.setFocus()

    def _cancel_form(self) -> None:
        self.step_box.hide()
        for form in self.forms.values():
            form.reset()
        self.stack.setCurrentIndex(1 if self.current else 0)

    def _save(self, kind: str) -> None:
        if not self.session.is_open:
            return
        reg = self.session.register
        form = self.forms[kind]
        data = form.values()
        try:
            if kind == "signal_created":
                number = reg.create_signal(data).number
            else:
                if self.current is None:
                    return
                number = reg.append_signal(self.current, kind, data).number
        except ValidationFailed as exc:
            form.show_message("\n".join(_field_message(e.path, e.message) for e in exc.errors))
            return
        except UserError as exc:
            form.show_message(str(exc))
            return
        if number:
            form.question.audit(reg, tr("signaal {number}, {step}")
                                     .format(number=number,
                                             step=kind_label(kind, reg.codelists).lower()))
        form.reset()
        self.step_box.hide()
        self.stack.setCurrentIndex(1)
        self._select_after_load = number
        self.current = number
        if number:
            self.show_signal(number)
            self.session.signal_changed.emit(number)

    def _link_case(self) -> None:
        if not self.session.is_open or self.current is None:
            return
        case = self.link_edit.text().strip()
        if not case:
            return
        reg: Register = self.session.register
        try:
            state = reg.link_signal(case, self.current, reg.today())
        except UserError as exc:
            self.link_message.setText(str(exc))
            self.link_message.show()
            return
        self.link_message.hide()
        self.link_edit.clear()
        self.show_signal(self.current)
        if state.number:
            self.session.case_changed.emit(state.number)
        self.session.signal_changed.emit(self.current)

    # ------------------------------------------------------------------ session

    def _signal_changed(self, number: str) -> None:
        if self.current == number and self.stack.currentIndex() == 1:
            self.show_signal(number)
        self.reload()

    def _case_changed(self, _number: str) -> None:
        self.reload()

    def clear(self) -> None:
        """On lock: no titles, no numbers, no half-filled forms."""
        self.rows = []
        self.current = None
        self._select_after_load = None
        self.list.clear()
        self.count_label.clear()
        self.detail_title.clear()
        self.detail_status.clear()
        self.detail_fields.clear()
        self.case_list.clear()
        self.history.clear()
        self.link_edit.clear()
        self.link_message.clear()
        self.link_message.hide()
        for form in self.forms.values():
            form.reset()
        self.step_box.hide()
        self.stack.setCurrentIndex(0)



def _field_message(path: str, message: str) -> str:
    name = FIELD_LABELS.get(path.split(".")[0], path) if path else ""
    return f"{name}: {message}" if name else message
