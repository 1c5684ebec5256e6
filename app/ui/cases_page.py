"""Casussen: the case list with search, filters and the work-queue presets.

Every filter and the search box end up in one CaseQuery that SQL answers (FTS5 for the
search), through CasesModel's windows; nothing is filtered in Python. The search box
waits 250 ms after the last keystroke so typing a word runs one query, not five.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.model.codelists import default_codelists
from app.model.dates import today as today_amsterdam
from app.model.workflow import DESTROYED
from app.storage.repository import PRESETS, CaseQuery, Register
from app.ui import style
from app.ui.cases_model import COLUMNS, NUMBER_ROLE, CasesModel
from app.ui.session import Session
from app.ui.text import plural, tr
from app.ui.worker import ReaderPage, Worker

SEARCH_DELAY_MS = 250

#: columns whose width follows a typical value; they keep it whatever the window
_SAMPLES = {"number": "2025-DEMO-0000", "received_on": "00-00-0000",
            "next_deadline": "⚠ verlopen 00-00-0000", "age": "0000", "waiting": "0000"}

#: the other columns share the rest of the width in these proportions (characters
#: of the font's average width they would like), never narrower than MIN_CHARS
_SHARES = {"route": 24, "services": 16, "topics": 20, "status": 20, "handler": 14}
MIN_CHARS = 8

#: what the list says when it is empty: a new register, or filters that match nothing
EMPTY_REGISTER = "Nog geen casussen. Nieuwe casus: Ctrl+N"
EMPTY_FILTERED = "Geen casussen met deze zoekopdracht of filters. Filters wissen: Alt+I"


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def share_out(room: int, shares: dict[int, int], mins: dict[int, int]) -> dict[int, int]:
    """Widths in proportion to ``shares`` that add up to ``room``, none below its
    minimum (a column that would fall below it gets its minimum, the others share what
    is left); all minimums when even they do not fit."""
    widths: dict[int, int] = {}
    free = dict(shares)
    left = room
    while free:
        total = sum(free.values())
        pinned = [c for c in free if left * free[c] < mins[c] * total]
        if not pinned:
            break
        for c in pinned:
            widths[c] = mins[c]
            left -= mins[c]
            del free[c]
    order = sorted(free)
    given = 0
    total = sum(free.values())
    for i, c in enumerate(order):
        width = left - given if i == len(order) - 1 else left * free[c] // total
        widths[c] = max(mins[c], width)
        given += widths[c]
    return widths


def preset_counts(reg: Register) -> dict[str, int]:
    """How many cases each work-queue preset holds (runs in the worker thread)."""
    return {key: reg.count_cases(CaseQuery(preset=key)) for key in PRESETS}


class CaseTable(QTableView):
    """The list; Enter opens the current case (also on platforms where Enter does not
    emit ``activated``).

    The columns fill the width the table has: fixed columns (number, dates, days, the
    next deadline) keep the width of their values, the text columns share the rest,
    so "Volgende termijn" is in view without scrolling at 1366 pixels and a cut text
    shows whole in its tooltip. Once the handler drags a column edge, the widths are
    theirs.
    """

    open_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fixed_widths: dict[int, int] = {}
        self.shares: dict[int, int] = {}
        self.min_widths: dict[int, int] = {}  # the header's width
        self.floor = 60  # narrower still, when the headers' widths do not fit
        self.user_widths = False
        self._fitting = False
        self.empty_label = QLabel(self.viewport())
        self.empty_label.setObjectName("hint")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.hide()
        self.horizontalHeader().sectionResized.connect(self._section_resized)

    def _section_resized(self, _index: int, _old: int, _new: int) -> None:
        if not self._fitting:
            self.user_widths = True

    def fit_columns(self) -> None:
        """Share the viewport's width out over the columns (see the class docstring)."""
        if self.user_widths or not self.shares:
            return
        width = self.viewport().width()
        rest = width - sum(self.fixed_widths.values())
        self._fitting = True
        try:
            for column, fixed in self.fixed_widths.items():
                self.setColumnWidth(column, fixed)
            columns = sorted(self.shares)
            mins = {c: self.min_widths.get(c, self.floor) for c in columns}
            if sum(mins.values()) > rest:
                mins = dict.fromkeys(columns, self.floor)
            for column, width in share_out(rest, {c: self.shares[c] for c in columns},
                                           mins).items():
                self.setColumnWidth(column, width)
        finally:
            self._fitting = False

    def show_empty(self, text: str) -> None:
        self.empty_label.setText(text)
        self.empty_label.setAccessibleName(text)
        self.empty_label.setVisible(bool(text))
        self._place_empty()

    def _place_empty(self) -> None:
        self.empty_label.setGeometry(self.viewport().rect().adjusted(20, 20, -20, -20))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_columns()
        self._place_empty()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            number = self.currentIndex().data(NUMBER_ROLE) if self.currentIndex().isValid() \
                else None
            if number:
                self.open_requested.emit(str(number))
                event.accept()
                return
        super().keyPressEvent(event)


class CasesPage(ReaderPage):
    """The list of cases; emits ``open_case(number)`` and ``new_case_requested``."""

    open_case = Signal(str)
    new_case_requested = Signal()
    counts_updated = Signal()

    def __init__(self, session: Session, reader: Worker | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, reader, parent)
        self.codelists = default_codelists()
        self.setObjectName("casesPage")
        self.setAccessibleName(tr("Casussen"))
        self._applying = False

        self.model = CasesModel(session, self)
        self.model.total_changed.connect(self._show_total)

        # -- search row
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("caseSearch")
        self.search_edit.setPlaceholderText(
            tr("Casusnummer, samenvatting, onderwerp of aandragende organisatie"))
        self.search_edit.setAccessibleName(tr("Zoeken in casussen"))
        self.search_edit.setClearButtonEnabled(True)
        search_label = QLabel(tr("&Zoeken"), self)
        search_label.setBuddy(self.search_edit)
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_filters)
        self.search_edit.textChanged.connect(self.search_timer.start)
        self.search_edit.returnPressed.connect(self._search_now)

        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        self.count_label.setAccessibleName(tr("Aantal casussen"))

        self.new_button = QPushButton(tr("&Nieuwe casus…"), self)
        self.new_button.setAccessibleName(tr("Nieuwe casus aanmelden"))
        self.new_button.setToolTip(tr("Een nieuwe casus aanmelden (Ctrl+N)"))
        self.new_button.clicked.connect(self.new_case_requested)


        # -- presets (the work queues), exclusive buttons with counts
        self.preset_group = QButtonGroup(self)
        self.preset_group.setExclusive(True)
        self.preset_buttons: dict[str | None, QPushButton] = {}
        preset_row = QHBoxLayout()
        preset_row.setSpacing(6)
        mnemonics = {None: "Al&le casussen", "te_trieren": "&Te triëren",
                     "mijn_werkvoorraad": "&Mijn werkvoorraad",
                     "wacht_op_reactie": "&Wacht op reactie dienst",
                     "open_escalaties": "Open &escalaties",
                     "termijn_14": "Termijn &binnen 14 dagen"}
        for key in (None, *PRESETS):
            label = mnemonics.get(key) or PRESETS.get(key or "", "")
            button = QPushButton(tr(label), self)
            button.setObjectName("presetButton")
            button.setCheckable(True)
            button.setProperty("preset", key or "")
            button.setProperty("baseText", tr(label))
            button.setAccessibleName(tr(label).replace("&", ""))
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            self.preset_group.addButton(button)
            self.preset_buttons[key] = button
            preset_row.addWidget(button)
        preset_row.addStretch(1)
        self.preset_buttons[None].setChecked(True)
        self.preset_group.buttonToggled.connect(self._preset_toggled)

        # -- filters
        self._labels: dict[QComboBox, str] = {}
        self.status_combo = self._code_combo("status", tr("&Status"),
                                             tr("Alle statussen"))
        # Destroyed cases (Archiefwet) only under their own filter (docs/DOMAIN.md).
        destroyed = self.status_combo.findData(DESTROYED)
        if destroyed >= 0:
            self.status_combo.setItemData(destroyed, tr(
                "Vernietigde casussen (Archiefwet): alleen nummer, jaar en reden zijn "
                "bewaard"), Qt.ItemDataRole.ToolTipRole)
        self.phase_combo = self._code_combo("phase", tr("&Fase"), tr("Alle fasen"))
        self.route_combo = self._code_combo("route", tr("&Route"), tr("Alle routes"))
        self.service_combo = self._code_combo("service", tr("&Dienst"),
                                              tr("Beide diensten"))
        self.handler_combo = QComboBox(self)
        self.handler_combo.setAccessibleName(tr("Behandelaar"))
        self.handler_combo.addItem(tr("Alle behandelaars"), None)
        self.handler_combo.currentIndexChanged.connect(self.apply_filters)
        self._labels[self.handler_combo] = tr("Be&handelaar")

        self.date_check = QCheckBox(tr("&Ontvangen tussen"), self)
        self.date_check.setAccessibleName(tr("Filter op datum van ontvangst"))
        today = today_amsterdam()
        self.date_from = QDateEdit(_qdate(date(today.year, 1, 1)), self)
        self.date_to = QDateEdit(_qdate(today), self)
        for edit, name in ((self.date_from, tr("Ontvangen vanaf")),
                           (self.date_to, tr("Ontvangen tot en met"))):
            edit.setDisplayFormat("dd-MM-yyyy")
            edit.setCalendarPopup(True)
            edit.setAccessibleName(name)
            edit.setEnabled(False)
            edit.dateChanged.connect(self.apply_filters)
        self.date_check.toggled.connect(self._dates_toggled)

        self.clear_button = QPushButton(tr("Filters w&issen"), self)
        self.clear_button.setAccessibleName(tr("Filters wissen"))
        self.clear_button.clicked.connect(self.reset_filters)

        search_row = QHBoxLayout()
        search_row.setSpacing(6)
        search_row.addWidget(search_label)
        search_row.addWidget(self.search_edit, 1)
        search_row.addSpacing(12)
        search_row.addWidget(self.count_label)
        search_row.addSpacing(12)
        search_row.addWidget(self.new_button)

        filters = QGridLayout()
        filters.setHorizontalSpacing(6)
        filters.setVerticalSpacing(6)
        places = {self.status_combo: (0, 0), self.phase_combo: (0, 2),
                  self.route_combo: (0, 4), self.service_combo: (1, 0),
                  self.handler_combo: (1, 2)}
        for combo, (r, c) in places.items():
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
            caption = QLabel(self._labels[combo], self)
            caption.setBuddy(combo)
            filters.addWidget(caption, r, c)
            filters.addWidget(combo, r, c + 1, Qt.AlignmentFlag.AlignLeft)
        dates = QHBoxLayout()
        dates.setSpacing(6)
        dates.addWidget(self.date_from)
        dates.addWidget(QLabel(tr("en"), self))
        dates.addWidget(self.date_to)
        filters.addWidget(self.date_check, 1, 4)
        filters.addLayout(dates, 1, 5)
        filters.setColumnStretch(6, 1)
        filters.addWidget(self.clear_button, 1, 7)
        for col in (0, 2, 4):
            filters.setColumnMinimumWidth(col + 1, 0)
        filter_row = filters

        # -- the table
        self.table = CaseTable(self)
        self.table.setObjectName("caseTable")
        self.table.setAccessibleName(tr("Lijst van casussen"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(
            self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        # A cut header shows its beginning, not a middle piece.
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        avg = self.fontMetrics().averageCharWidth()
        head_font = style.bold(header.font())
        head_metrics = QFontMetrics(head_font)
        bold_metrics = QFontMetrics(style.bold(self.font()))  # an overdue deadline is bold
        for i, (key, _) in enumerate(COLUMNS):
            title = str(self.model.headerData(i, Qt.Orientation.Horizontal))
            widest = max(head_metrics.horizontalAdvance(t) for t in title.split("\n")) + 28
            sample = _SAMPLES.get(key)
            if sample:
                metrics = bold_metrics if key == "next_deadline" else self.fontMetrics()
                self.table.fixed_widths[i] = max(metrics.horizontalAdvance(sample) + 14,
                                                 widest)
            else:
                self.table.shares[i] = _SHARES.get(key, 14)
                self.table.min_widths[i] = max(MIN_CHARS * avg + 12, widest)
        self.table.floor = MIN_CHARS * avg + 12
        self.table.fit_columns()
        header.setSortIndicator(1, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        self.table.activated.connect(self._activated)
        self.table.open_requested.connect(self.open_case)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(8)
        layout.addLayout(search_row)
        layout.addLayout(preset_row)
        layout.addLayout(filter_row)
        layout.addWidget(self.table, 1)
        self._show_total(0)

    # ------------------------------------------------------------------ building

    def _code_combo(self, list_name: str, label: str, everything: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setAccessibleName(label.replace("&", ""))
        combo.addItem(everything, None)
        for code in self.codelists[list_name]:
            if code.active:
                combo.addItem(code.label, code.key)
        combo.currentIndexChanged.connect(self.apply_filters)
        self._labels[combo] = label
        return combo

    # ------------------------------------------------------------------ the query

    def current_query(self) -> CaseQuery:
        preset_button = self.preset_group.checkedButton()
        preset = str(preset_button.property("preset")) if preset_button else ""
        dates = self.date_check.isChecked()
        base = self.model.query
        return replace(
            base,
            status=self.status_combo.currentData(),
            phase=self.phase_combo.currentData(),
            route=self.route_combo.currentData(),
            service=self.service_combo.currentData(),
            handler=self.handler_combo.currentData(),
            received_from=_pydate(self.date_from.date()) if dates else None,
            received_to=_pydate(self.date_to.date()) if dates else None,
            search=self.search_edit.text().strip(),
            preset=preset or None,
        )

    def apply_filters(self) -> None:
        """Run the query now (the debounce timer and every filter end up here)."""
        if self._applying or not self.session.is_open:
            return
        self.search_timer.stop()
        self.model.set_query(self.current_query())

    def _search_now(self) -> None:
        self.apply_filters()
        if self.model.rowCount():
            self.table.setFocus()
            self.table.selectRow(0)

    def _preset_toggled(self, button: QPushButton, checked: bool) -> None:
        if checked:
            self.apply_filters()

    def _dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.apply_filters()

    def reset_filters(self) -> None:
        """Back to every case, newest first (search text included)."""
        self._applying = True
        try:
            self.search_edit.clear()
            for combo in (self.status_combo, self.phase_combo, self.route_combo,
                          self.service_combo, self.handler_combo):
                combo.setCurrentIndex(0)
            self.date_check.setChecked(False)
            self.preset_buttons[None].setChecked(True)
        finally:
            self._applying = False
        self.search_timer.stop()
        self.apply_filters()

    # ------------------------------------------------------------------ session life

    def reload(self) -> None:
        """After unlocking: fill the handler list and show every case."""
        self._fill_handlers()
        self.reset_filters()
        self.update_preset_counts()

    def refresh(self) -> None:
        """After a change (a step recorded, an import): re-read, keep place and selection."""
        if not self.session.is_open:
            return
        current = self.current_number()
        self._fill_handlers()
        self.model.refresh()
        self.update_preset_counts()
        if current:
            self.select_number(current)

    def clear(self) -> None:
        """On lock: no case data, no search text, no handler names."""
        self.search_timer.stop()
        self._applying = True
        try:
            self.search_edit.clear()
            self.handler_combo.clear()
            self.handler_combo.addItem(tr("Alle behandelaars"), None)
        finally:
            self._applying = False
        self.model.clear()
        for button in self.preset_buttons.values():
            button.setText(str(button.property("baseText")))

    def show_handler(self, handler: str) -> bool:
        """Every case of one handler: the link from the Overzicht's work per handler (in
        a merged register, each laptop's cases under its handler)."""
        idx = self.handler_combo.findData(handler)
        if idx < 0:
            return False
        self.reset_filters()
        self.handler_combo.setCurrentIndex(idx)
        return True

    def _fill_handlers(self) -> None:
        current = self.handler_combo.currentData()
        self._applying = True
        try:
            self.handler_combo.clear()
            self.handler_combo.addItem(tr("Alle behandelaars"), None)
            for name in self.session.register.handlers():
                self.handler_combo.addItem(name, name)
            idx = self.handler_combo.findData(current) if current else 0
            self.handler_combo.setCurrentIndex(max(0, idx))
        finally:
            self._applying = False

    def update_preset_counts(self) -> None:
        """The counts on the preset buttons, counted in the background reader's thread."""
        if self.session.is_open:
            self.reader.submit(preset_counts, self._show_preset_counts)

    def _show_preset_counts(self, counts: object) -> None:
        if not self.session.is_open or not isinstance(counts, dict):
            return
        for key, button in self.preset_buttons.items():
            if key in counts:
                button.setText(f"{button.property('baseText')} ({counts[key]})")
        self.counts_updated.emit()

    def _show_total(self, total: int) -> None:
        if not self.session.is_open:
            self.count_label.setText("")
            self.table.show_empty("")
            return
        if total == 0:
            self.count_label.setText(tr("Geen casussen gevonden"))
            self.table.show_empty(tr(EMPTY_FILTERED) if self.filtering()
                                  else tr(EMPTY_REGISTER))
        else:
            self.count_label.setText(plural(tr("%n casus(sen)"), total))
            self.table.show_empty("")

    def filtering(self) -> bool:
        """Whether a search, filter or work queue narrows the list."""
        q = self.model.query
        return q != CaseQuery(sort=q.sort, descending=q.descending, limit=q.limit,
                              offset=q.offset)

    # ------------------------------------------------------------------ navigation

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def current_number(self) -> str | None:
        idx = self.table.currentIndex()
        return self.model.number_at(idx.row()) if idx.isValid() else None

    def select_number(self, number: str) -> bool:
        row = self.model.row_of(number)
        if row < 0:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def _activated(self, index: QModelIndex) -> None:
        number = self.model.number_at(index.row())
        if number:
            self.open_case.emit(number)

