"""Overzicht: the team lead's dashboard.

Key figures for a week and the year to date, progress on the first-year targets
(20 cases taken into treatment from the Belastingdienst and 20 from Dienst Toeslagen),
the work in hand per handler, open escalations, deadlines of this fortnight and three
small charts.

Every figure comes from the one metric function (``app.storage.figures.figures``,
docs/DOMAIN.md: "nothing computes a figure twice"), so the dashboard, the CLI and the
evaluation workbook always agree. The week shown by default is *deze week*: Monday up
to and including today; *vorige week* is the last completed ISO week (the workbook's
default period). Stock figures (open, te triëren, deadlines) are "as of" the last day
of the period.

Reading and folding every event takes seconds at 10,000 cases, so the whole read runs
in the background reader's thread on its own connection, with a visible "bezig" state.
The page recomputes when it is shown and, debounced, when data changes while it is
visible; the figures of each period are kept with the register's data version, so
showing the page again (or switching back to a period) when nothing was committed
costs one small query. On lock it forgets every figure and every case number.

Layout: eight key figures a row on a wide window, four on a laptop's (about 1280
pixels); the page scrolls when it does not fit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from PySide6.QtCore import QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QFont, QFontMetrics, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.model.fold import SignalState
from app.model.metrics import metric_definitions
from app.model.nlformat import NO_VALUE, SOON_DAYS, clock, metric, nl_date, soon_horizon
from app.model.nlformat import weekday_date as nl_weekday_date
from app.model.periods import current_week, last_completed_iso_week
from app.storage.figures import Figures, MetricValue, figures, metric_settings
from app.storage.repository import CaseQuery, CaseRow, DeadlineRow, HandlerLoad, Register
from app.ui import style
from app.ui.charts import BarChart, LineChart, Series
from app.ui.deadlines_page import remaining_text
from app.ui.session import Session
from app.ui.text import tr
from app.ui.widgets import ColumnFitter, busy_bar, list_tree
from app.ui.worker import ReaderPage, Worker

THIS_WEEK = "deze_week"
LAST_WEEK = "vorige_week"
ESCALATIONS_SHOWN = 100
DEBOUNCE_MS = 400
#: Page width from which eight key figures fit in one row (below: four).
WIDE_FROM = 1150
NUMBER_ROLE = int(Qt.ItemDataRole.UserRole) + 1

#: Flow figures: a value for the period and one for the year to date.
FLOW_CARDS: tuple[tuple[str, str, str], ...] = (
    ("intake.total", "Instroom", ""),
    ("triage.total", "Getrieerd", ""),
    ("triage.by_decision.in_behandeling", "In behandeling genomen", ""),
    ("treatment.opinions_sent", "Zienswijzen verstuurd", ""),
    ("treatment.escalations", "Escalaties", ""),
    ("closed.total", "Afgerond", ""),
    ("leadtime.gross.median_days", "Mediane doorlooptijd", "dagen"),
    # one signal can go to several recipients: the figure counts submissions
    ("signals.submitted", "Indieningen van signalen", ""),
)
#: Stock figures: one value, as of the last day of the period.
STOCK_CARDS: tuple[tuple[str, str, str], ...] = (
    ("open.total", "Open (in behandeling)", ""),
    ("triage.pending", "Te triëren", ""),
    ("deadlines.overdue", "Termijnen verlopen", ""),
    ("deadlines.due_next_14d", f"Termijnen binnen {SOON_DAYS} dagen", ""),
    ("signals.awaiting_feedback", "Signalen: wacht op terugkoppeling", ""),
)
AGE_KEYS: tuple[tuple[str, str, str], ...] = (
    ("open.age.0_4w", "0–4 wk", "0 tot 4 weken"),
    ("open.age.4_8w", "4–8 wk", "4 tot 8 weken"),
    ("open.age.8_13w", "8–13 wk", "8 tot 13 weken"),
    ("open.age.13_26w", "13–26 wk", "13 tot 26 weken"),
    ("open.age.26w_plus", "26+ wk", "26 weken of langer"),
)
TARGET_ROUTES: tuple[tuple[str, str], ...] = (
    ("belastingdienst", "Belastingdienst"),
    ("dienst_toeslagen", "Dienst Toeslagen"),
)


# --------------------------------------------------------------------------- data


def period_of(kind: str, today: date) -> tuple[date, date]:
    """Deze week: Monday up to today. Vorige week: the last completed ISO week (the
    Weekexport's default too)."""
    return last_completed_iso_week(today) if kind == LAST_WEEK else current_week(today)


@dataclass(frozen=True)
class DashboardData:
    """Everything the page shows, read in one go in the worker thread."""

    kind: str
    key: tuple[str, date, int]  # period, today and the register's data version
    today: date
    start: date
    end: date
    figures: Figures
    weekly: list[tuple[int, int]]
    handlers: list[HandlerLoad]
    escalated: list[CaseRow]
    escalated_total: int
    deadlines: list[DeadlineRow]
    targets: dict[str, int]
    norm_days: int
    definitions: dict[str, str]
    #: Signals created by the end of the period, and how many of them were submitted
    #: at least once by then (the rest are concepts or closed unsubmitted).
    signals_created: int = 0
    signals_submitted_once: int = 0


def collect(reg: Register, kind: str) -> DashboardData:
    """The dashboard's figures and lists (runs in the worker, on its own connection)."""
    today = reg.today()
    version = reg.data_version()
    start, end = period_of(kind, today)
    created: list[SignalState] = []

    def on_signal(state: SignalState) -> None:
        if state.creation:  # created by the end of the period
            created.append(state)

    # one entity at a time: memory stays flat; the signals' folds are seen on the way
    figs = figures(reg, start, end, on_signal=on_signal)
    weekly = figs.weekly
    settings = reg.settings
    soon = soon_horizon(today)
    return DashboardData(
        kind=kind,
        key=(kind, today, version),
        today=today,
        start=start,
        end=end,
        figures=figs,
        weekly=weekly,
        handlers=reg.open_cases_by_handler(),
        escalated=reg.list_cases(CaseQuery(phase="geescaleerd", sort="received_on",
                                           descending=False, limit=ESCALATIONS_SHOWN)),
        escalated_total=reg.count_cases(CaseQuery(phase="geescaleerd")),
        deadlines=[d for d in reg.open_deadlines() if d.due_on <= soon],
        targets={"belastingdienst": settings.target_belastingdienst,
                 "dienst_toeslagen": settings.target_dienst_toeslagen},
        norm_days=settings.leadtime_norm_days,
        definitions=metric_definitions(reg.codelists, metric_settings(reg)),
        signals_created=len(created),
        signals_submitted_once=sum(1 for s in created if s.submissions),
    )


def collect_if_changed(reg: Register, kind: str,
                       known: tuple[str, date, int] | None) -> DashboardData | None:
    """``collect``, or None when the figures with key ``known`` are still current (no
    commit since, same day): showing the page again then costs one small query instead
    of reading and folding every event (seconds at 10,000 cases)."""
    if known is not None and known == (kind, reg.today(), reg.data_version()):
        return None
    return collect(reg, kind)


def show_value(value: MetricValue, key: str = "") -> str:
    """A figure as every screen and report shows it (``nlformat.metric``)."""
    return metric(key, value)


def as_int(value: MetricValue) -> int:
    return int(value) if value is not None else 0


# --------------------------------------------------------------------------- widgets


def _label(text: str, name: str, parent: QWidget, *, wrap: bool = False) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


class WrapLabel(QLabel):
    """A word-wrapped label that claims the height its text needs at its current width
    (at least ``lines`` lines). A wrapped QLabel deep in grid layouts otherwise gets the
    height of one line and is clipped."""

    def __init__(self, text: str, name: str, parent: QWidget, *, lines: int = 1) -> None:
        super().__init__(text, parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.lines = lines
        self._fit()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def hasHeightForWidth(self) -> bool:
        return False  # the height is managed here, from the width the layout gave

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.minimumHeight())

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self.minimumHeight())

    def _fit(self) -> None:
        fm = QFontMetrics(self.font())
        floor = fm.lineSpacing() * self.lines + 2
        m = self.contentsMargins()
        extra = m.left() + m.right() + 2 * self.margin()
        need = floor
        if self.width() > 20 and self.text():
            # measured from the font, not heightForWidth: that one never answers less
            # than the minimum height set here before
            box = fm.boundingRect(QRect(0, 0, self.width() - extra, 100_000),
                                  int(Qt.TextFlag.TextWordWrap), self.text())
            need = box.height() + m.top() + m.bottom() + 2 * self.margin() + 2
        height = max(floor, need)
        if height != self.minimumHeight():
            self.setMinimumHeight(height)


def _section(text: str, parent: QWidget) -> QLabel:
    label = _label(text, "sectionTitle", parent)
    font = QFont(label.font())
    font.setPointSizeF(label.font().pointSizeF() + 1)
    font.setBold(True)
    label.setFont(font)
    return label


class KeyFigureCard(QFrame):
    """One key figure: a title, a large value, the year to date and a detail line."""

    def __init__(self, key: str, title: str, unit: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.title = title
        self.unit = unit
        self.period_value: MetricValue = None
        self.ytd_value: MetricValue = None
        self.setObjectName("keyCard")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.title_label = WrapLabel(title, "cardTitle", self, lines=2)
        self.value_label = _label(NO_VALUE, "cardValue", self)
        self.sub_label = _label("", "cardSub", self)
        self.detail_label = WrapLabel("", "cardDetail", self, lines=2)
        value_font = QFont(self.font())
        value_font.setPointSizeF(self.font().pointSizeF() * 1.8)
        value_font.setBold(True)
        self.value_label.setFont(value_font)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() - 1))
        for w in (self.sub_label, self.detail_label):
            w.setFont(small)
        # room for two lines of title and two of detail keeps the values of a row in
        # line; a longer text makes its card (and row) taller instead of being clipped
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 6)
        layout.setSpacing(1)
        layout.addWidget(self.title_label)
        layout.addWidget(self.value_label)
        layout.addWidget(self.sub_label)
        layout.addWidget(self.detail_label)
        layout.addStretch(1)
        self.setAccessibleName(title)

    def set_values(self, value: MetricValue, *, ytd: MetricValue = None, sub: str = "",
                   detail: str = "", alert: bool = False, definition: str = "") -> None:
        self.period_value = value
        self.ytd_value = ytd
        self.value_label.setText(show_value(value, self.key))
        self.sub_label.setText(sub)
        self.detail_label.setText(detail)
        for w in (self.value_label, self.detail_label):
            w.setProperty("alert", alert)
            w.style().unpolish(w)
            w.style().polish(w)
        unit = f" {self.unit}" if value is not None and self.unit else ""
        spoken = [f"{self.title}: {show_value(value, self.key)}{unit}"]
        spoken += [t for t in (sub, detail) if t]
        self.setAccessibleName(", ".join(spoken))
        self.setToolTip(definition)

    def set_busy(self) -> None:
        if self.period_value is None and not self.sub_label.text():
            self.value_label.setText("…")

    def set_pending(self) -> None:
        """Another period was chosen: show no figure of the old one meanwhile."""
        self.clear()
        self.value_label.setText("…")

    def clear(self) -> None:
        self.period_value = None
        self.ytd_value = None
        self.value_label.setText(NO_VALUE)
        self.sub_label.clear()
        self.detail_label.clear()
        self.setAccessibleName(self.title)
        self.setToolTip("")


class TargetBar(QWidget):
    """Progress towards a target, in words ("8 van 20") and as a bar."""

    def __init__(self, route: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.route = route
        self.name = name
        self.value = 0
        self.target = 0
        self.name_label = _label(name, "cardTitle", self)
        self.text_label = _label("", "cardDetail", self)
        self.text_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("targetBar")
        self.bar.setTextVisible(False)
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.name_label)
        top.addStretch(1)
        top.addWidget(self.text_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addWidget(self.bar)
        self.clear()

    @property
    def text(self) -> str:
        return self.text_label.text()

    def set_progress(self, value: int, target: int) -> None:
        self.value = value
        self.target = target
        text = tr("{value} van {target}").format(value=value, target=target)
        if target > 0 and value >= target:
            text += tr(" – doel gehaald ✓")
        self.text_label.setText(text)
        self.bar.setRange(0, max(1, target))
        self.bar.setValue(min(value, max(1, target)))
        spoken = tr("{name}: {text} in behandeling genomen").format(name=self.name, text=text)
        self.bar.setAccessibleName(spoken)
        self.setAccessibleName(spoken)

    def clear(self) -> None:
        self.value = 0
        self.target = 0
        self.text_label.clear()
        self.bar.setRange(0, 1)
        self.bar.setValue(0)
        self.bar.setAccessibleName(self.name)
        self.setAccessibleName(self.name)


def _panel(title: str, parent: QWidget) -> tuple[QFrame, QVBoxLayout, WrapLabel]:
    frame = QFrame(parent)
    frame.setObjectName("dashPanel")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(12, 10, 12, 10)
    layout.setSpacing(6)
    head = WrapLabel(title, "panelTitle", frame)
    layout.addWidget(head)
    return frame, layout, head


def _tree(columns: Sequence[str], name: str, parent: QWidget, *,
          keep: Sequence[int] = ()) -> QTreeWidget:
    tree = list_tree(parent, "", name, list(columns))
    tree.setFixedHeight(150)
    tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    ColumnFitter(tree, keep)  # columns share the width; cut texts have tooltips
    return tree


class DashboardPage(ReaderPage):
    """The Overzicht page; ``open_case(number)`` on Enter or double click in a list."""

    open_case = Signal(str)
    loaded = Signal()
    failed = Signal(str)

    def __init__(self, session: Session, reader: Worker | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, reader, parent)
        self.kind = THIS_WEEK
        self.data: DashboardData | None = None
        self._latest: dict[str, DashboardData] = {}  # per period, until the lock
        self._generation = 0
        self._running = False
        self._again = False
        self.setObjectName("dashboardPage")
        self.setAccessibleName(tr("Overzicht"))

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.refresh)

        # -- header: title, period choice, state, refresh
        title = style.page_title(tr("Overzicht"), self)
        self.week_button = QPushButton(tr("&Deze week"), self)
        self.week_button.setAccessibleName(tr("Periode: deze week, maandag tot en met "
                                              "vandaag"))
        self.last_week_button = QPushButton(tr("Vo&rige week"), self)
        self.last_week_button.setAccessibleName(tr("Periode: vorige week, de laatste "
                                                   "volledige week"))
        self.period_group = QButtonGroup(self)
        self.period_group.setExclusive(True)
        for button, kind in ((self.week_button, THIS_WEEK),
                             (self.last_week_button, LAST_WEEK)):
            button.setObjectName("presetButton")
            button.setCheckable(True)
            button.setProperty("period", kind)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            self.period_group.addButton(button)
        self.week_button.setChecked(True)
        self.period_group.buttonClicked.connect(self._period_clicked)
        self.busy_bar = busy_bar(self, tr("Bezig met berekenen"))
        self.busy_bar.setFixedWidth(90)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("hint")
        self.status_label.setAccessibleName(tr("Stand van het overzicht"))
        self.refresh_button = QPushButton(tr("Ver&nieuwen"), self)
        self.refresh_button.setAccessibleName(tr("Overzicht vernieuwen"))
        self.refresh_button.clicked.connect(self.refresh)
        head = QHBoxLayout()
        head.setSpacing(8)
        head.addWidget(title)
        head.addSpacing(16)
        head.addWidget(self.week_button)
        head.addWidget(self.last_week_button)
        head.addStretch(1)
        head.addWidget(self.busy_bar)
        head.addWidget(self.status_label)
        head.addSpacing(8)
        head.addWidget(self.refresh_button)

        self.period_label = _label("", "hint", self, wrap=True)
        self.period_label.setAccessibleName(tr("Periode van de cijfers"))

        # -- the scrolling content: cards, the team lead's lists, charts
        content = QWidget(self)
        content.setObjectName("dashboardContent")
        self.content = content
        self.flow_title = _section(tr("Kerncijfers"), content)
        self.stock_title = _section(tr("Stand"), content)
        self.targets_title = _section(tr("Doelen eerste jaar"), content)
        self.cards: dict[str, KeyFigureCard] = {}
        for key, text, unit in FLOW_CARDS + STOCK_CARDS:
            self.cards[key] = KeyFigureCard(key, tr(text), tr(unit), content)

        self.targets_panel, tl, self.targets_head = _panel(
            tr("In behandeling genomen, jaar tot nu"), content)
        self.targets_head.setObjectName("cardTitle")
        self.target_bars: dict[str, TargetBar] = {}
        for route, name in TARGET_ROUTES:
            bar = TargetBar(route, tr(name), self.targets_panel)
            self.target_bars[route] = bar
            tl.addWidget(bar)
        tl.addStretch(1)

        # the team lead's view: work in hand today
        self.handlers_panel, hl, self.handler_head = _panel(
            tr("Open casussen per behandelaar (vandaag)"), content)
        self.handler_tree = _tree([tr("Behandelaar"), tr("Aangemeld"),
                                   tr("In behandeling"), tr("Totaal")],
                                  tr("Open casussen per behandelaar"),
                                  self.handlers_panel)
        self.handler_tree.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.handler_tree.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.handler_tree.setToolTip(tr(
            "Aangemeld: nog te triëren. In behandeling: na het triagebesluit "
            "'in behandeling nemen'. Behandelaar: de laatste toewijzing."))
        hl.addWidget(self.handler_tree, 1)
        self.escalation_panel, el, self.escalation_head = _panel(
            tr("Open escalaties"), content)
        self.escalation_tree = _tree([tr("Casus"), tr("Behandelaar"),
                                      tr("Ontvangen")],
                                     tr("Open escalaties"), self.escalation_panel,
                                     keep=(0, 2))
        self.escalation_tree.itemActivated.connect(self._activated)
        self.escalation_note = _label("", "hint", self.escalation_panel, wrap=True)
        self.escalation_note.hide()
        el.addWidget(self.escalation_tree, 1)
        el.addWidget(self.escalation_note)
        self.deadline_panel, dl, self.deadline_head = _panel(
            tr("Termijnen: verlopen en binnen {soon_days} dagen").format(soon_days=SOON_DAYS),
            content)
        self.deadline_tree = _tree([tr("Casus"), tr("Laatste dag"),
                                    tr("Resterend"), tr("Soort")],
                                   tr("Termijnen verlopen en binnen {soon_days} dagen")
                                   .format(soon_days=SOON_DAYS),
                                   self.deadline_panel, keep=(0, 1))
        self.deadline_tree.itemActivated.connect(self._activated)
        dl.addWidget(self.deadline_tree, 1)
        for panel in (self.handlers_panel, self.escalation_panel, self.deadline_panel):
            # widths by share, not by the lists' contents
            panel.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            panel.setMinimumWidth(220)

        # charts
        self.intake_chart = LineChart(tr("Instroom per week"), content,
                                      x_title=tr("week"),
                                      empty_text=tr("Nog geen weken in dit jaar"))
        self.age_chart = BarChart(tr("Open casussen naar leeftijd"), content)
        self.resolved_chart = BarChart(
            tr("(Deels) opgelost: minnelijk of na heroverwegingsverzoek"), content)
        chart_row = QHBoxLayout()
        chart_row.setSpacing(10)
        for chart, name in ((self.intake_chart, "intakeChart"), (self.age_chart, "ageChart"),
                            (self.resolved_chart, "resolvedChart")):
            chart.setObjectName(name)
            chart.setMinimumHeight(205)
            frame = QFrame(content)
            frame.setObjectName("dashPanel")
            fl = QVBoxLayout(frame)
            fl.setContentsMargins(1, 1, 1, 1)
            fl.addWidget(chart)
            chart_row.addWidget(frame, 1)

        self.cards_grid = QGridLayout()
        self.cards_grid.setHorizontalSpacing(10)
        self.cards_grid.setVerticalSpacing(8)
        self.work_grid = QGridLayout()
        self.work_grid.setHorizontalSpacing(10)
        self.work_grid.setVerticalSpacing(8)
        column = QVBoxLayout(content)
        column.setContentsMargins(12, 8, 12, 12)
        column.setSpacing(8)
        column.addLayout(self.cards_grid)
        column.addLayout(self.work_grid)
        column.addLayout(chart_row)
        column.addStretch(1)
        self.wide: bool | None = None
        self._arrange(True)

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setObjectName("dashboardScroll")
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(content)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 0, 0)
        layout.setSpacing(4)
        head_box = QVBoxLayout()
        head_box.setContentsMargins(0, 0, 12, 0)
        head_box.setSpacing(4)
        head_box.addLayout(head)
        head_box.addWidget(self.period_label)
        layout.addLayout(head_box)
        layout.addWidget(self.scroll_area, 1)

        self.setTabOrder(self.week_button, self.last_week_button)
        self.setTabOrder(self.last_week_button, self.refresh_button)
        self.setTabOrder(self.refresh_button, self.handler_tree)
        self.setTabOrder(self.handler_tree, self.escalation_tree)
        self.setTabOrder(self.escalation_tree, self.deadline_tree)
        self.setTabOrder(self.deadline_tree, self.intake_chart)
        self.setTabOrder(self.intake_chart, self.age_chart)
        self.setTabOrder(self.age_chart, self.resolved_chart)

        session.locked.connect(self.clear)
        session.unlocked.connect(self._unlocked)
        session.data_changed.connect(self.schedule_refresh)
        session.case_changed.connect(self.schedule_refresh)
        session.signal_changed.connect(self.schedule_refresh)
        self.clear()

    # ------------------------------------------------------------------ layout

    def _arrange(self, wide: bool) -> None:
        """Eight cards a row on a wide screen, four on a laptop's (about 1280 wide)."""
        if wide == self.wide:
            return
        self.wide = wide
        grid = self.cards_grid
        placed: list[QWidget] = [self.flow_title, self.stock_title, self.targets_title,
                                 self.targets_panel, *self.cards.values()]
        for w in placed:
            grid.removeWidget(w)
        flow = [self.cards[k] for k, _t, _u in FLOW_CARDS]
        stock = [self.cards[k] for k, _t, _u in STOCK_CARDS]
        columns = 8 if wide else 4
        for c in range(8):
            grid.setColumnStretch(c, 1 if c < columns else 0)
        grid.addWidget(self.flow_title, 0, 0, 1, columns)
        for i, card in enumerate(flow):
            grid.addWidget(card, 1 + i // columns, i % columns)
        row = 1 + (len(flow) + columns - 1) // columns
        if wide:  # stand (5 cards) and the targets (3 columns) side by side
            grid.addWidget(self.stock_title, row, 0, 1, len(stock))
            grid.addWidget(self.targets_title, row, len(stock), 1, columns - len(stock))
            for i, card in enumerate(stock):
                grid.addWidget(card, row + 1, i)
            grid.addWidget(self.targets_panel, row + 1, len(stock), 1, columns - len(stock))
        else:  # four cards, then the fifth beside the targets
            grid.addWidget(self.stock_title, row, 0, 1, columns)
            for i, card in enumerate(stock):
                grid.addWidget(card, row + 1 + i // columns, i % columns)
            last = row + 1 + (len(stock) - 1) // columns
            grid.addWidget(self.targets_panel, last, len(stock) % columns or columns,
                           1, columns - (len(stock) % columns))
        self.targets_title.setVisible(wide)
        self._targets_heading()

        work = self.work_grid
        panels = (self.handlers_panel, self.escalation_panel, self.deadline_panel)
        for w in panels:
            work.removeWidget(w)
        if wide:
            for c, (panel, share) in enumerate(zip(panels, (5, 4, 6), strict=True)):
                work.addWidget(panel, 0, c)
                work.setColumnStretch(c, share)
        else:
            work.addWidget(self.handlers_panel, 0, 0)
            work.addWidget(self.escalation_panel, 0, 1)
            work.addWidget(self.deadline_panel, 1, 0, 1, 2)
            for c, share in enumerate((1, 1, 0)):
                work.setColumnStretch(c, share)

    def _targets_heading(self) -> None:
        text = tr("In behandeling genomen, jaar tot nu")
        if not self.wide:
            text = tr("Doelen eerste jaar: ") + text[:1].lower() + text[1:]
            if self.data is not None:
                text += tr(" (tot en met {end})").format(end=nl_date(self.data.end))
        self.targets_head.setText(text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(self.width() >= WIDE_FROM)

    # ------------------------------------------------------------------ refreshing

    @property
    def busy(self) -> bool:
        return self._running

    def schedule_refresh(self, *_args: object) -> None:
        """Data changed: recompute shortly if the page is in view (else when shown)."""
        if self.session.is_open and self.isVisible():
            self._timer.start(DEBOUNCE_MS)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.session.is_open:
            self._timer.start(0)

    def _unlocked(self) -> None:
        if self.isVisible():
            self._timer.start(0)

    def _period_clicked(self) -> None:
        button = self.period_group.checkedButton()
        kind = str(button.property("period")) if button is not None else THIS_WEEK
        if kind != self.kind:
            self.kind = kind
            # nothing of the previous period may stand under the new period's name
            self.data = None
            self._show_period_text(None)
            for card in self.cards.values():
                card.set_pending()
            for bar in self.target_bars.values():
                bar.clear()
            for chart in (self.intake_chart, self.age_chart, self.resolved_chart):
                chart.clear()
            self.refresh()

    def set_period(self, kind: str) -> None:
        """THIS_WEEK or LAST_WEEK (as if the button was clicked)."""
        button = self.week_button if kind == THIS_WEEK else self.last_week_button
        button.setChecked(True)
        self._period_clicked()

    def refresh(self) -> None:
        if not self.session.is_open:
            return
        self._timer.stop()
        if self._running:
            self._again = True
            return
        generation = self._generation
        kind = self.kind
        latest = self._latest.get(kind)
        known = latest.key if latest is not None else None
        self._running = True
        self._set_busy(True)
        ticket = self.reader.submit(lambda reg: collect_if_changed(reg, kind, known),
                                    lambda result: self._done(generation, kind, result),
                                    lambda error: self._failed(generation, str(error)))
        if not ticket:
            self._running = False
            self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.busy_bar.setVisible(busy)
        self.refresh_button.setEnabled(not busy)
        if busy:
            self.status_label.setText(tr("Bezig met berekenen…"))
            for card in self.cards.values():
                card.set_busy()

    def _done(self, generation: int, kind: str, result: object) -> None:
        if generation != self._generation:
            return  # from before a lock
        self._running = False
        self._set_busy(False)
        again, self._again = self._again, False
        if not self.session.is_open:
            return
        if isinstance(result, DashboardData):
            self._latest[kind] = result
        # else None: unchanged since the figures kept for this period
        data = self._latest.get(kind)
        if kind == self.kind and data is not None:
            if data is self.data:  # already on screen: keep selection and scrolling
                self._stamp()
                self.loaded.emit()
            else:
                self._show(data)
        if again or kind != self.kind:
            self.refresh()

    def _failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._running = False
        self._set_busy(False)
        self.status_label.setText(tr("Het overzicht kon niet worden berekend: {message}")
                                  .format(message=message))
        self.failed.emit(message)
        if self._again:
            self._again = False
            self.refresh()

    # ------------------------------------------------------------------ showing

    def _period_name(self, kind: str) -> str:
        return tr("deze week") if kind == THIS_WEEK else tr("vorige week")

    def _show_period_text(self, data: DashboardData | None) -> None:
        if data is None:
            self.period_label.clear()
            return
        week = data.start.isocalendar().week
        start = nl_weekday_date(data.start)
        if data.kind == THIS_WEEK:
            end = tr("vandaag, {end}").format(end=nl_weekday_date(data.end))
            name = tr("Deze week")
        else:
            end = nl_weekday_date(data.end)
            name = tr("Vorige week")
        ytd_start = date(data.end.year, 1, 1)
        self.period_label.setText(
            tr("{name} (week {week}): {start} tot en met {end}. Jaar tot nu: {ytd_start} tot "
               "en met {last_day}. Standen op {last_day}.")
            .format(name=name, week=week, start=start, end=end, ytd_start=nl_date(ytd_start),
                    last_day=nl_date(data.end)))

    def _show(self, data: DashboardData) -> None:
        self.data = data
        period = data.figures.period
        ytd = data.figures.year_to_date
        defs = data.definitions
        name = self._period_name(data.kind)
        self._show_period_text(data)
        self.flow_title.setText(tr("Kerncijfers {name}, met het jaar tot nu")
                                .format(name=name))
        self.stock_title.setText(tr("Stand op {end}").format(end=nl_date(data.end)))
        self.targets_title.setText(tr("Doelen eerste jaar (tot en met {end})")
                                   .format(end=nl_date(data.end)))
        self._targets_heading()

        for key, _text, _unit in FLOW_CARDS:
            card = self.cards[key]
            year = ytd.get(key)
            sub = tr("jaar tot nu: {year}").format(year=show_value(year, key))
            detail = ""
            if key == "closed.total":
                detail = tr("(deels) opgelost: {without} minnelijk, {after} na "
                            "heroverwegingsverzoek") \
                    .format(without=show_value(period.get("closed.resolved.without_escalation")),
                            after=show_value(period.get("closed.resolved.after_escalation")))
            elif key == "signals.submitted":
                detail = tr("signalen ooit ingediend: {submitted} van {created}").format(
                    submitted=show_value(data.signals_submitted_once),
                    created=show_value(data.signals_created))
            elif key == "leadtime.gross.median_days":
                detail = tr("in dagen; norm {norm_days} dagen").format(norm_days=data.norm_days)
                if period.get(key) is None:
                    detail = tr("niets afgerond; norm {norm_days} dagen").format(
                        norm_days=data.norm_days)
            card.set_values(period.get(key), ytd=year, sub=sub, detail=detail,
                            definition=defs.get(key, ""))
        for key, _text, _unit in STOCK_CARDS:
            card = self.cards[key]
            value = period.get(key)
            detail = ""
            alert = False
            if key == "open.total":
                detail = tr("waarvan met pauze: {paused}").format(
                    paused=show_value(period.get("open.paused")))
            elif key == "deadlines.overdue" and as_int(value) > 0:
                detail = tr("⚠ zie Termijnbewaking")
                alert = True
            elif key == "deadlines.due_next_14d":
                detail = tr("t/m {horizon}").format(horizon=nl_date(soon_horizon(data.end)))
            card.set_values(value, ytd=ytd.get(key), detail=detail, alert=alert,
                            definition=defs.get(key, ""))

        for route, bar in self.target_bars.items():
            bar.set_progress(as_int(ytd.get(f"targets.ytd.{route}")),
                             data.targets.get(route, 0))

        self._show_handlers(data)
        self._show_escalations(data)
        self._show_deadlines(data)
        self._show_charts(data)
        self._stamp()
        self.loaded.emit()

    def _stamp(self) -> None:
        self.status_label.setText(tr("Bijgewerkt om {now}")
                                  .format(now=clock(datetime.now())))

    def _show_handlers(self, data: DashboardData) -> None:
        tree = self.handler_tree
        tree.clear()
        bold = style.bold(tree.font())
        total_a = total_b = 0
        for load in data.handlers:
            name = load.handler or tr("(geen behandelaar)")
            row = QTreeWidgetItem([name, str(load.aangemeld), str(load.in_behandeling),
                                   str(load.aangemeld + load.in_behandeling)])
            for c in (1, 2, 3):
                row.setTextAlignment(c, Qt.AlignmentFlag.AlignRight
                                     | Qt.AlignmentFlag.AlignVCenter)
            tree.addTopLevelItem(row)
            total_a += load.aangemeld
            total_b += load.in_behandeling
        if not data.handlers:
            tree.addTopLevelItem(QTreeWidgetItem([tr("Geen open casussen")]))
            return
        total = QTreeWidgetItem([tr("Totaal"), str(total_a), str(total_b),
                                 str(total_a + total_b)])
        for c in range(4):
            total.setFont(c, bold)
            if c:
                total.setTextAlignment(c, Qt.AlignmentFlag.AlignRight
                                       | Qt.AlignmentFlag.AlignVCenter)
        tree.addTopLevelItem(total)

    def _show_escalations(self, data: DashboardData) -> None:
        tree = self.escalation_tree
        tree.clear()
        self.escalation_head.setText(tr("Open escalaties (vandaag: {total})")
                                     .format(total=data.escalated_total))
        for case in data.escalated:
            row = QTreeWidgetItem([case.number, case.handler or "",
                                   nl_date(case.received_on)])
            row.setData(0, NUMBER_ROLE, case.number)
            row.setToolTip(0, tr("Enter of dubbelklik opent de casus"))
            tree.addTopLevelItem(row)
        if not data.escalated:
            tree.addTopLevelItem(QTreeWidgetItem([tr("Geen open escalaties")]))
        hidden = data.escalated_total - len(data.escalated)
        self.escalation_note.setVisible(hidden > 0)
        self.escalation_note.setText(
            tr("De {shown} oudste getoond; alle {total} via Casussen, selectie Open "
               "escalaties.").format(shown=len(data.escalated), total=data.escalated_total)
            if hidden > 0 else "")

    def _show_deadlines(self, data: DashboardData) -> None:
        tree = self.deadline_tree
        tree.clear()
        overdue = sum(1 for d in data.deadlines if d.due_on < data.today)
        self.deadline_head.setText(
            tr("Termijnen vandaag: {overdue} verlopen, {soon} binnen {soon_days} dagen")
            .format(overdue=overdue, soon=len(data.deadlines) - overdue, soon_days=SOON_DAYS))
        bold = style.bold(tree.font())
        for d in data.deadlines:
            days = (d.due_on - data.today).days
            kind = self.session.register.codelists.label("deadline_kind", d.kind)
            row = QTreeWidgetItem([d.case_number, nl_date(d.due_on), remaining_text(days),
                                   kind])
            row.setData(0, NUMBER_ROLE, d.case_number)
            row.setToolTip(0, tr("Enter of dubbelklik opent de casus"))
            row.setToolTip(3, f"{kind}: {d.description}" if d.description else kind)
            if days <= 0:
                for c in (1, 2):
                    row.setForeground(c, QBrush(style.OVERDUE))
                    row.setFont(c, bold)
            else:
                row.setForeground(2, QBrush(style.SOON))
            tree.addTopLevelItem(row)
        if not data.deadlines:
            tree.addTopLevelItem(QTreeWidgetItem([tr("Geen termijnen")]))

    def _show_charts(self, data: DashboardData) -> None:
        period = data.figures.period
        ytd = data.figures.year_to_date
        self.intake_chart.title = tr("Instroom per week, {year}").format(year=data.end.year)
        self.intake_chart.setAccessibleName(self.intake_chart.title)
        self.intake_chart.set_data([str(w) for w, _ in data.weekly],
                                   [Series(tr("Instroom"),
                                           tuple(n for _, n in data.weekly))])
        self.age_chart.title = tr("Open casussen naar leeftijd, op {end}").format(
            end=nl_date(data.end))
        self.age_chart.setAccessibleName(self.age_chart.title)
        self.age_chart.set_data([tr(short) for _k, short, _long in AGE_KEYS],
                                [Series(tr("Open"),
                                        tuple(as_int(period.get(k)) for k, _s, _l in AGE_KEYS))],
                                descriptions=[tr(long) for _k, _s, long in AGE_KEYS])
        name = self._period_name(data.kind)
        # The two routes in the office's words: the codelist the case overview and the
        # workbook's Oplosroute column use too.
        paths = self.session.register.codelists["resolution_path"]
        self.resolved_chart.set_data(
            [name[:1].upper() + name[1:], tr("Jaar tot nu")],
            [Series(paths.label("zonder_escalatie"),
                    (as_int(period.get("closed.resolved.without_escalation")),
                     as_int(ytd.get("closed.resolved.without_escalation")))),
             Series(paths.label("na_escalatie"),
                    (as_int(period.get("closed.resolved.after_escalation")),
                     as_int(ytd.get("closed.resolved.after_escalation"))))])

    # ------------------------------------------------------------------ lock

    def clear(self) -> None:
        """On lock: forget every figure, list and chart; drop work in flight."""
        self._generation += 1
        self._running = False
        self._again = False
        self._timer.stop()
        self.data = None
        self._latest.clear()
        self.busy_bar.hide()
        self.refresh_button.setEnabled(True)
        self.status_label.clear()
        self.period_label.clear()
        self.flow_title.setText(tr("Kerncijfers"))
        self.stock_title.setText(tr("Stand"))
        self.targets_title.setText(tr("Doelen eerste jaar"))
        self._targets_heading()
        for card in self.cards.values():
            card.clear()
        for bar in self.target_bars.values():
            bar.clear()
        for tree in (self.handler_tree, self.escalation_tree, self.deadline_tree):
            tree.clear()
        self.escalation_head.setText(tr("Open escalaties"))
        self.escalation_note.clear()
        self.escalation_note.hide()
        self.deadline_head.setText(tr("Termijnen: verlopen en binnen {soon_days} dagen")
                                   .format(soon_days=SOON_DAYS))
        self.intake_chart.title = tr("Instroom per week")
        self.age_chart.title = tr("Open casussen naar leeftijd")
        for chart in (self.intake_chart, self.age_chart, self.resolved_chart):
            chart.setAccessibleName(chart.title)
            chart.clear()

    # ------------------------------------------------------------------ interaction

    def _activated(self, row: QTreeWidgetItem, _column: int) -> None:
        number = row.data(0, NUMBER_ROLE)
        if number:
            self.open_case.emit(str(number))

