"""Termijnbewaking: every running deadline of the open cases, most urgent first.

"Concreet gaat het dan bijvoorbeeld om rekening te houden met de wettelijke termijnen
van bezwaar en beroep" (founding report). The page groups the unmet deadlines of cases
that are aangemeld or in behandeling: verlopen first, then those ending within 14
days, then later ones, each with its last day and how it was computed (Awb 6:7-6:9,
Algemene termijnenwet). A deadline that ends inside a pause says plainly that the
pauzeknop does not stop the statutory term (docs/DOMAIN.md).

A recorded last day is never moved when ``holidays.toml`` changes (docs/DOMAIN.md), so a
bezwaartermijn recorded before a decree day was added can be a working day short. The
page recomputes every statutory term with today's calendar and lists those whose
stored last day differs in a group of their own, for the handler to correct.

Reading every open deadline touches a whole table, so it runs in the background
reader's thread; the page shows the result when it arrives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.model.deadlines import PAUSE_WARNING, STATUTORY_WEEKS, compute_due_on, explain
from app.model.nlformat import SOON_DAYS, nl_date, soon_horizon
from app.storage.repository import Register
from app.ui import style
from app.ui.session import Session
from app.ui.text import plural, tr
from app.ui.widgets import ColumnFitter, list_tree
from app.ui.worker import ReaderPage, Request, Worker

GROUPS = ("Verlopen", f"Binnen {SOON_DAYS} dagen", "Later")
#: Shown after the time groups when a recorded last day differs from today's computation.
DIFFERS_GROUP = "Laatste dag wijkt af van de berekening"
PAUSE_TEXT = "⚠ Valt in een pauze: " + PAUSE_WARNING + "."
NUMBER_ROLE = int(Qt.ItemDataRole.UserRole) + 1
INDEX_ROLE = int(Qt.ItemDataRole.UserRole) + 2


@dataclass(frozen=True)
class DeadlineItem:
    """One open deadline, with every text the page shows (computed off the GUI thread)."""

    group: int
    number: str
    kind: str
    kind_label: str
    start_on: date | None
    due_on: date
    days_left: int
    remaining: str
    description: str
    explanation: tuple[str, ...]
    in_pause: bool
    #: The last day today's holiday calendar gives, when it differs from the stored one.
    recomputed: date | None = None

    @property
    def differs(self) -> bool:
        return self.recomputed is not None

    def difference_text(self) -> str:
        if self.recomputed is None:
            return ""
        later = self.recomputed > self.due_on
        return (f"Vastgelegd als {nl_date(self.due_on)}, maar met de feestdagen van nu is de "
                f"laatste dag {nl_date(self.recomputed)}"
                + (" (later)" if later else " (eerder)")
                + ". Corrigeer de stap Termijn vastgelegd in de casus.")


def remaining_text(days: int) -> str:
    if days < 0:
        return plural("⚠ %n dag(en) verlopen", -days)
    if days == 0:
        return "⚠ vandaag de laatste dag"
    return plural("nog %n dag(en)", days)


def collect(reg: Register) -> list[DeadlineItem]:
    """Open deadlines grouped verlopen / binnen 14 dagen / later (runs in the worker)."""
    today = reg.today()
    soon = soon_horizon(today)
    items: list[DeadlineItem] = []
    for row in reg.open_deadlines():
        group = 0 if row.due_on < today else (1 if row.due_on <= soon else 2)
        lines: list[str] = []
        recomputed: date | None = None
        if row.kind in STATUTORY_WEEKS and row.start_on is not None:
            lines = explain(row.kind, row.start_on)
            now = compute_due_on(row.kind, row.start_on)
            if now is not None and now != row.due_on:
                recomputed = now
        else:
            lines = [f"Einddatum ingevoerd bij het vastleggen: {nl_date(row.due_on)} "
                     "(geen wettelijke berekening voor deze soort termijn)."]
        items.append(DeadlineItem(
            group=group,
            number=row.case_number,
            kind=row.kind,
            kind_label=reg.codelists.label("deadline_kind", row.kind),
            start_on=row.start_on,
            due_on=row.due_on,
            days_left=(row.due_on - today).days,
            remaining=remaining_text((row.due_on - today).days),
            description=row.description or "",
            explanation=tuple(lines),
            in_pause=row.in_pause,
            recomputed=recomputed,
        ))
    items.sort(key=lambda i: (i.group, i.due_on, i.number))
    return items


class DeadlinesPage(ReaderPage):
    """The deadline overview; ``open_case(number)`` on Enter or double click."""

    open_case = Signal(str)
    loaded = Signal()

    COLUMNS = ("Casus", "Soort termijn", "Ingangsdatum", "Laatste dag", "Resterend",
               "Omschrijving", "Toelichting")

    def __init__(self, session: Session, reader: Worker | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, reader, parent)
        self.items: list[DeadlineItem] = []
        self.setObjectName("deadlinesPage")
        self.setAccessibleName(tr("Termijnbewaking"))

        title = style.page_title(tr("Termijnbewaking"), self)
        intro = QLabel(tr(
            "Lopende termijnen van casussen die zijn aangemeld of in behandeling zijn. "
            "Verlopen termijnen staan bovenaan, daarna termijnen die binnen {soon_days} dagen "
            "aflopen.").format(soon_days=SOON_DAYS), self)
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        self.refresh_button = QPushButton(tr("Ver&nieuwen"), self)
        self.refresh_button.setAccessibleName(tr("Termijnen vernieuwen"))
        self.refresh_button.clicked.connect(self.reload)
        self.status_label = QLabel(self)
        self.status_label.setObjectName("countLabel")
        self.status_label.setAccessibleName(tr("Aantal termijnen"))
        self.request = Request(self.reader, self.status_label,
                               failure=tr("Termijnen konden niet worden gelezen: {error}"))

        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.status_label)
        head.addSpacing(12)
        head.addWidget(self.refresh_button)

        self.pause_banner = QLabel(self)
        self.pause_banner.setObjectName("warningBanner")
        self.pause_banner.setWordWrap(True)
        self.pause_banner.setAccessibleName(tr("Waarschuwing pauzeknop"))
        self.pause_banner.hide()

        self.differs_banner = QLabel(self)
        self.differs_banner.setObjectName("warningBanner")
        self.differs_banner.setWordWrap(True)
        self.differs_banner.setAccessibleName(tr("Waarschuwing afwijkende termijnen"))
        self.differs_banner.hide()

        self.tree = list_tree(self, "deadlineTree",
                              tr("Lijst van termijnen"), [tr(c) for c in self.COLUMNS], roots=True)
        self.tree.setAlternatingRowColors(False)
        # Number, dates and days keep their width; kind, description and explanation
        # share the rest, and every cut text has its full text as a tooltip.
        ColumnFitter(self.tree, keep=(0, 2, 3, 4))
        self.tree.itemActivated.connect(self._activated)
        self.tree.currentItemChanged.connect(self._show_detail)

        self.detail = QLabel(self)
        self.detail.setObjectName("deadlineDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAccessibleName(tr("Toelichting bij de gekozen termijn"))
        self.detail.setMargin(10)
        detail_frame = QFrame(self)
        detail_frame.setObjectName("notice")
        frame_layout = QVBoxLayout(detail_frame)
        frame_layout.setContentsMargins(0, 0, 0, 0)
        frame_layout.addWidget(self.detail)
        self.detail.setMinimumHeight(self.fontMetrics().height() * 5)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 8)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addWidget(intro)
        layout.addWidget(self.pause_banner)
        layout.addWidget(self.differs_banner)
        layout.addWidget(self.tree, 1)
        layout.addWidget(detail_frame)
        self._show_detail(None)

    # ------------------------------------------------------------------ loading

    def reload(self) -> None:
        if not self.session.is_open:
            return
        self.request.read(collect, self._show, text=tr("Bezig met laden…"))

    def _show(self, items: object) -> None:
        if not self.session.is_open:
            return
        assert isinstance(items, list)
        current = self.tree.currentItem()
        keep = (current.data(0, NUMBER_ROLE), current.text(1)) if current else None
        self.items = items
        self.tree.clear()
        groups: list[QTreeWidgetItem] = []
        bold = style.bold(self.tree.font())
        counts = [sum(1 for i in items if i.group == g) for g in range(len(GROUPS))]
        for g, name in enumerate(GROUPS):
            head = QTreeWidgetItem([f"{tr(name)} ({counts[g]})"])
            head.setFont(0, bold)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            if g == 0 and counts[0]:
                head.setForeground(0, QBrush(style.OVERDUE))
            self.tree.addTopLevelItem(head)
            head.setFirstColumnSpanned(True)
            groups.append(head)
        restore: QTreeWidgetItem | None = None
        warn_bg = QBrush(style.WARNING_BG)
        for index, it in enumerate(items):
            toelichting = it.explanation[0] if it.explanation else ""
            if it.in_pause:
                toelichting = f"{tr(PAUSE_TEXT)} {toelichting}"
            row = QTreeWidgetItem([
                it.number, it.kind_label, nl_date(it.start_on), nl_date(it.due_on),
                it.remaining, it.description, toelichting,
            ])
            row.setData(0, NUMBER_ROLE, it.number)
            row.setData(0, INDEX_ROLE, index)
            row.setToolTip(6, "\n".join(it.explanation))
            if it.group == 0 or it.days_left == 0:
                for col in (3, 4):
                    row.setForeground(col, QBrush(style.OVERDUE))
                    row.setFont(col, bold)
            elif it.group == 1:
                row.setForeground(4, QBrush(style.SOON))
            if it.in_pause:
                for col in range(len(self.COLUMNS)):
                    row.setBackground(col, warn_bg)
                row.setForeground(6, QBrush(style.WARNING_FG))
            groups[it.group].addChild(row)
            if keep and (it.number, it.kind_label) == keep:
                restore = row
        self._show_differences(items, bold)
        for head in groups:
            head.setExpanded(True)
        in_pause = sum(1 for i in items if i.in_pause)
        if in_pause:
            lead = (tr("⚠ 1 termijn valt in een pauze: ") if in_pause == 1 else
                    plural(tr("⚠ %n termijnen vallen in een pauze: "), in_pause))
            self.pause_banner.setText(
                lead + tr(PAUSE_WARNING) + ". "
                + tr("Dien bezwaar of beroep zo nodig toch op tijd in."))
            self.pause_banner.show()
        else:
            self.pause_banner.hide()
        self.status_label.setText(plural(tr("%n lopende termijn(en)"), len(items)))
        if restore is not None:
            self.tree.setCurrentItem(restore)
        else:
            self._show_detail(None)
        self.loaded.emit()

    def _show_differences(self, items: list[DeadlineItem], bold: QFont) -> None:
        """The group and banner of recorded last days that today's calendar disagrees
        with: after the time groups, so their order stays the order of urgency."""
        differing = [(i, it) for i, it in enumerate(items) if it.differs]
        if not differing:
            self.differs_banner.hide()
            return
        head = QTreeWidgetItem([f"{tr(DIFFERS_GROUP)} ({len(differing)})"])
        head.setFont(0, bold)
        head.setForeground(0, QBrush(style.WARNING_FG))
        head.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        self.tree.addTopLevelItem(head)
        head.setFirstColumnSpanned(True)
        for index, it in differing:
            row = QTreeWidgetItem([
                it.number, it.kind_label, nl_date(it.start_on), nl_date(it.due_on),
                it.remaining, it.description, it.difference_text(),
            ])
            row.setData(0, NUMBER_ROLE, it.number)
            row.setData(0, INDEX_ROLE, index)
            row.setToolTip(6, it.difference_text())
            row.setForeground(6, QBrush(style.WARNING_FG))
            head.addChild(row)
        head.setExpanded(True)
        lead = (tr("⚠ 1 vastgelegde termijn wijkt af") if len(differing) == 1 else
                plural(tr("⚠ %n vastgelegde termijnen wijken af"), len(differing)))
        self.differs_banner.setText(
            lead + tr(" van de berekening met de feestdagen van nu (holidays.toml is "
                      "bijgewerkt). Een vastgelegde laatste dag verschuift niet vanzelf: "
                      "corrigeer de stap Termijn vastgelegd; zie de groep onderaan."))
        self.differs_banner.show()

    def clear(self) -> None:
        """On lock: forget every deadline."""
        self.items = []
        self.tree.clear()
        self.pause_banner.clear()
        self.pause_banner.hide()
        self.differs_banner.clear()
        self.differs_banner.hide()
        self.status_label.clear()
        self._show_detail(None)

    # ------------------------------------------------------------------ interaction

    def _item_of(self, row: QTreeWidgetItem | None) -> DeadlineItem | None:
        index = row.data(0, INDEX_ROLE) if row is not None else None
        if not isinstance(index, int) or not 0 <= index < len(self.items):
            return None
        return self.items[index]

    def _show_detail(self, row: QTreeWidgetItem | None, _previous: object = None) -> None:
        item = self._item_of(row)
        if item is None:
            self.detail.setText(tr(
                "Kies een termijn om te zien hoe de laatste dag is berekend. "
                "Enter opent de casus."))
            return
        lines = [f"{item.number} – {item.kind_label}, laatste dag {nl_date(item.due_on)} "
                 f"({item.remaining.replace('⚠ ', '')})"]
        if item.description:
            lines.append(item.description)
        if item.in_pause:
            lines.append(tr(PAUSE_TEXT))
        if item.differs:
            lines.append("⚠ " + item.difference_text())
        lines.extend(item.explanation)
        self.detail.setText("\n".join(lines))

    def _activated(self, row: QTreeWidgetItem, _column: int) -> None:
        number = row.data(0, NUMBER_ROLE)
        if number:
            self.open_case.emit(str(number))

