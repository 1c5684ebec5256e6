"""The case list as a Qt model that reads WINDOWS of rows from SQL.

docs/PLATFORM.md: a QSortFilterProxyModel over a lazily fetched model only sees the rows it
already fetched, and loading 100,000 rows to filter them took seconds. So this model
never holds more than what the view has scrolled to: it counts the matches, fetches
``window`` rows at a time with LIMIT/OFFSET (``canFetchMore``/``fetchMore``), and a
click on a header re-queries SQL with another ORDER BY instead of sorting in Python.

Cell texts are computed once per fetched row, so painting stays cheap. Colour never
carries meaning alone: an overdue deadline reads "⚠ verlopen 03-05-2025" in red.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from app.model.codelists import Codelists
from app.model.kinds import OPEN_STATUSES
from app.model.nlformat import SOON_DAYS, nl_date
from app.storage.repository import SORT_COLUMNS, CaseQuery, CaseRow
from app.ui import style
from app.ui.session import Session
from app.ui.text import plural, tr

Index = QModelIndex | QPersistentModelIndex

#: (key in SORT_COLUMNS, header); the order of the columns in the view.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("number", "Nummer"),
    ("received_on", "Ontvangen"),
    ("route", "Route en aandrager"),
    ("services", "Diensten"),
    ("topics", "Onderwerpen"),
    ("status", "Status en fase"),
    ("age", "Leeftijd (dagen)"),
    ("waiting", "Wacht op dienst (dagen)"),
    ("next_deadline", "Volgende termijn"),
    ("handler", "Behandelaar"),
)
assert all(key in SORT_COLUMNS for key, _ in COLUMNS)

#: headers on two lines keep the columns narrow: at 1366 pixels every column,
#: "Volgende termijn" included, has to fit beside the navigation column
HEADER_LINES = {"route": "Route en\naandrager", "status": "Status en\nfase",
                "age": "Leeftijd\n(dagen)", "waiting": "Wacht op\ndienst",
                "next_deadline": "Volgende\ntermijn"}

HEADER_TIPS = {
    "age": ("Dagen sinds ontvangst; bij een afgeronde of doorverwezen casus tot de "
            "afronding of het triagebesluit"),
    "waiting": ("Wacht op dienst (dagen): dagen sinds de zienswijze zonder reactie van de "
                "dienst is verstuurd"),
    "next_deadline": "De eerstvolgende termijn die nog niet is gehaald of verlopen",
}

NUMBER_ROLE = int(Qt.ItemDataRole.UserRole) + 1


def deadline_cell(due: date | None, today: date, is_open: bool
                  ) -> tuple[str, QColor | None, str]:
    """Text, colour and tooltip for the "Volgende termijn" cell."""
    if due is None:
        return "", None, ""
    shown = nl_date(due)
    if not is_open:
        return shown, None, tr("De casus is niet meer open")
    days = (due - today).days
    if days < 0:
        return (tr("⚠ verlopen {shown}").format(shown=shown), style.OVERDUE,
                plural(tr("Termijn verlopen: de laatste dag was %n dag(en) geleden"), -days))
    if days == 0:
        return (tr("⚠ vandaag {shown}").format(shown=shown), style.OVERDUE,
                tr("Vandaag is de laatste dag van de termijn"))
    if days <= SOON_DAYS:
        return (plural(tr("{shown} · nog %n dag(en)"), days).format(shown=shown), style.SOON,
                tr("De termijn loopt binnen {soon_days} dagen af").format(soon_days=SOON_DAYS))
    return shown, None, ""


@dataclass(frozen=True)
class Cells:
    """One fetched row with its texts precomputed."""

    row: CaseRow
    texts: tuple[str, ...]
    tips: tuple[str, ...]
    colours: tuple[QColor | None, ...]
    bold: tuple[bool, ...]


def status_text(row: CaseRow, codelists: Codelists, *, full: bool = False) -> str:
    """The phase of a case in behandeling ("Wacht op reactie dienst"), else its status.

    Phases exist only inside "In behandeling", so the short form names the phase alone
    and keeps the column narrow; ``full`` gives "In behandeling · Onderzoek".
    """
    status = codelists.label("status", row.status)
    phase = codelists.label("phase", row.phase) if row.phase else ""
    text = f"{status} · {phase}" if phase and full else (phase or status)
    if row.urgent and row.status in OPEN_STATUSES:
        text += " · " + tr("spoed")
    return text


def route_text(row: CaseRow, codelists: Codelists) -> str:
    """"Sociaal raadslieden · Rechtswinkel Delft", "Belastingdienst – Stella-team".

    A partner type belongs to one route (docs/DOMAIN.md), so the route is only named where
    the partner's label does not already say it.
    """
    route = codelists.label("route", row.route)
    partner = codelists.label("partner_type", row.partner_type)
    if row.route in ("belastingdienst", "dienst_toeslagen") and route not in partner:
        text = f"{route} – {partner}"
    elif row.route == "ibtd":
        text = route
    else:
        text = partner or route
    if row.partner_org and row.partner_org not in text:
        text += f" · {row.partner_org}"
    return text


def route_tip(row: CaseRow, codelists: Codelists) -> str:
    lines = [f"Route: {codelists.label('route', row.route)}",
             f"Aandrager: {codelists.label('partner_type', row.partner_type)}"]
    if row.partner_org:
        lines.append(f"Organisatie: {row.partner_org}")
    return "\n".join(lines)


def make_cells(row: CaseRow, today: date, codelists: Codelists) -> Cells:
    is_open = row.status in OPEN_STATUSES
    due_text, due_colour, due_tip = deadline_cell(row.next_deadline, today, is_open)
    age = row.age(today)
    waiting = (today - row.waiting_since).days if row.waiting_since else None
    route = route_text(row, codelists)
    status = status_text(row, codelists)
    services = ", ".join(codelists.label("service", s) for s in row.services)
    topics = ", ".join(codelists.label("topic", t) for t in row.topics)
    texts = (
        row.number,
        nl_date(row.received_on),
        route,
        services,
        topics,
        status,
        str(age),
        "" if waiting is None else str(waiting),
        due_text,
        row.handler or "",
    )
    number_tip = (row.number if row.ref == row.number
                  else tr("{number} (herkomstnummer {ref})").format(number=row.number, ref=row.ref))
    if row.flags:
        number_tip += " – " + plural(tr("let op: %n afwijking(en) van de regels"), row.flags)
    status_colour = style.PHASE_COLOURS.get(row.phase or "") or style.STATUS_COLOURS.get(
        row.status)
    tips = (number_tip, "", route_tip(row, codelists), services, topics,
            status_text(row, codelists, full=True),
            tr("Ontvangen op {received_on}").format(received_on=nl_date(row.received_on)),
            (tr("Wacht sinds {waiting_since} op een reactie van de dienst")
             .format(waiting_since=nl_date(row.waiting_since)) if row.waiting_since else ""),
            "\n".join(t for t in (due_text, due_tip) if t), row.handler or "")
    colours: tuple[QColor | None, ...] = (None, None, None, None, None, status_colour, None,
                                          None, due_colour, None)
    overdue = due_colour is style.OVERDUE
    bolds = (False,) * 8 + (overdue, False)
    return Cells(row, texts, tips, colours, bolds)


class CasesModel(QAbstractTableModel):
    """Cases matching a CaseQuery, fetched ``window`` rows at a time from SQL."""

    #: the number of matching cases changed (after a new query or a refresh)
    total_changed = Signal(int)

    def __init__(self, session: Session, parent: QObject | None = None,
                 window: int = 200) -> None:
        super().__init__(parent)
        self._session = session
        self._window = max(1, window)
        self._query = CaseQuery()
        self._cells: list[Cells] = []
        self._total = 0
        self._bold = QFont()
        self._bold.setBold(True)

    # ------------------------------------------------------------------ the query

    @property
    def query(self) -> CaseQuery:
        return self._query

    @property
    def total(self) -> int:
        return self._total

    def set_query(self, query: CaseQuery) -> None:
        """Filter anew (the sort of the current query is kept unless the new one differs)."""
        self._query = replace(query, limit=self._window, offset=0)
        self.reload()

    def reload(self, keep: int = 0) -> None:
        """Re-run the query; ``keep`` rows are fetched at once (to keep the scroll place)."""
        self.beginResetModel()
        self._cells = []
        self._total = 0
        if self._session.is_open:
            reg = self._session.register
            self._total = reg.count_cases(self._query)
            self._cells = self._fetch(0, max(self._window, keep))
        self.endResetModel()
        self.total_changed.emit(self._total)

    def refresh(self) -> None:
        """Re-read after a change, keeping as many rows as are loaded now."""
        self.reload(keep=len(self._cells))

    def clear(self) -> None:
        """Forget every row (on lock)."""
        self.beginResetModel()
        self._cells = []
        self._total = 0
        self.endResetModel()
        self.total_changed.emit(0)

    def _fetch(self, offset: int, limit: int) -> list[Cells]:
        reg = self._session.register
        rows = reg.list_cases(replace(self._query, limit=limit, offset=offset))
        today = reg.today()
        cl = reg.codelists
        return [make_cells(r, today, cl) for r in rows]

    # ------------------------------------------------------------------ lazy fetching

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        if parent.isValid():
            return False
        return len(self._cells) < self._total and self._session.is_open

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self.canFetchMore(parent):
            return
        more = self._fetch(len(self._cells), self._window)
        if not more:  # rows vanished meanwhile: stop asking
            self._total = len(self._cells)
            self.total_changed.emit(self._total)
            return
        first = len(self._cells)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._cells.extend(more)
        self.endInsertRows()

    # ------------------------------------------------------------------ sorting in SQL

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column][0]
        descending = order == Qt.SortOrder.DescendingOrder
        if key == self._query.sort and descending == self._query.descending and self._cells:
            return
        self._query = replace(self._query, sort=key, descending=descending)
        self.reload()

    # ------------------------------------------------------------------ the model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._cells)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._cells):
            return None
        cells = self._cells[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return cells.texts[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            return cells.tips[col] or None
        if role == Qt.ItemDataRole.ForegroundRole:
            return cells.colours[col]
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if cells.bold[col] else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if COLUMNS[col][0] in ("age", "waiting"):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == NUMBER_ROLE:
            return cells.row.number
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        key, title = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return tr(HEADER_LINES.get(key, title))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return tr(title)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = HEADER_TIPS.get(key)
            return tr(tip) if tip else tr(title)  # a narrow column cuts its header
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemNeverHasChildren)

    # ------------------------------------------------------------------ helpers

    def number_at(self, row: int) -> str | None:
        return self._cells[row].row.number if 0 <= row < len(self._cells) else None

    def row_of(self, number: str) -> int:
        return next((i for i, c in enumerate(self._cells) if c.row.number == number), -1)

    def case_row(self, row: int) -> CaseRow | None:
        return self._cells[row].row if 0 <= row < len(self._cells) else None

    def loaded_rows(self) -> list[CaseRow]:
        return [c.row for c in self._cells]
