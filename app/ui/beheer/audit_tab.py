"""Beheer -> Audit: who did what, when, on which laptop (docs/SECURITY.md, BIO 8.15).

A privacy officer filters the trail by period, action and person, checks it (the hash
chain and the seal's audit head: ``audit_trail.verify_trail``) and exports what the
filter shows as CSV or JSON. The trail grows with every unlock, so it is read in the
page's worker and only the newest ``SHOWN`` rows of a filter are put in the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QStandardPaths, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.model.dates import today as today_amsterdam
from app.model.errors import UserError
from app.storage import audit
from app.storage.audit import ACTION_LABELS, AuditQuery, AuditRow, TrailCheck
from app.storage.audit_trail import export_trail, verify_trail
from app.storage.repository import Register
from app.ui.beheer.tab import BeheerTab, say
from app.ui.session import Session
from app.ui.text import tr
from app.ui.worker import Worker

SHOWN = 2000


@dataclass(frozen=True)
class TrailView:
    rows: list[AuditRow]
    total: int
    actions: list[str]
    actors: list[str]
    codes: dict[str, str]


def read_trail(reg: Register, q: AuditQuery) -> TrailView:
    """The newest rows of a filter and what the filters can offer (in the worker)."""
    newest = AuditQuery(q.start, q.end, q.action, q.actor, newest_first=True, limit=SHOWN)
    return TrailView(audit.query(reg.conn, newest), audit.count(reg.conn, q),
                     audit.actions(reg.conn), audit.actors(reg.conn),
                     audit.device_codes(reg.conn))


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class AuditTab(BeheerTab):
    def __init__(self, session: Session, reader: Worker,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, reader, parent)
        self.setObjectName("auditTab")
        self.setAccessibleName(self.title())
        self.view: TrailView | None = None
        self._filling = False

        today = today_amsterdam()
        self.period_check = QCheckBox(tr("&Periode van"), self)
        self.period_check.setAccessibleName(tr("Filter op periode"))
        self.date_from = QDateEdit(_qdate(date(today.year, 1, 1)), self)
        self.date_to = QDateEdit(_qdate(today), self)
        for edit, name in ((self.date_from, tr("Vanaf")),
                           (self.date_to, tr("Tot en met"))):
            edit.setDisplayFormat("dd-MM-yyyy")
            edit.setCalendarPopup(True)
            edit.setAccessibleName(name)
            edit.setEnabled(False)
        # Each arrow press or typed digit changes the date: read the trail once the
        # handler pauses, not once per keystroke (a large trail is a full read).
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(300)
        self._settle.timeout.connect(self.reload)
        for edit in (self.date_from, self.date_to):
            edit.dateChanged.connect(self._settle.start)
        #: the latest read asked for; an older answer arriving late is dropped
        self._asked = 0
        self.period_check.toggled.connect(self._period_toggled)
        self.action_combo = QComboBox(self)
        self.action_combo.setAccessibleName(tr("Handeling"))
        self.action_combo.setMinimumContentsLength(24)
        self.action_combo.currentIndexChanged.connect(self.reload)
        self.actor_combo = QComboBox(self)
        self.actor_combo.setAccessibleName(tr("Wie"))
        self.actor_combo.setMinimumContentsLength(14)
        self.actor_combo.currentIndexChanged.connect(self.reload)
        action_label = QLabel(tr("&Handeling"), self)
        action_label.setBuddy(self.action_combo)
        actor_label = QLabel(tr("&Wie"), self)
        actor_label.setBuddy(self.actor_combo)
        filters = QHBoxLayout()
        filters.addWidget(self.period_check)
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel(tr("tot en met"), self))
        filters.addWidget(self.date_to)
        filters.addSpacing(12)
        filters.addWidget(action_label)
        filters.addWidget(self.action_combo)
        filters.addSpacing(12)
        filters.addWidget(actor_label)
        filters.addWidget(self.actor_combo)
        filters.addStretch(1)

        self.table = QTreeWidget(self)
        self.table.setObjectName("auditTable")
        self.table.setAccessibleName(tr("Regels van het auditlogboek"))
        self.table.setRootIsDecorated(False)
        self.table.setUniformRowHeights(True)
        self.table.setAlternatingRowColors(True)
        self.table.setHeaderLabels([tr("Regel"), tr("Tijd"), tr("Wie"),
                                    tr("Apparaat"), tr("Handeling"),
                                    tr("Object"), tr("Resultaat")])
        for col, width in enumerate((60, 150, 140, 80, 230, 330)):
            self.table.setColumnWidth(col, width)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")
        self.count_label.setAccessibleName(tr("Aantal regels"))

        self.verify_button = QPushButton(tr("&Keten controleren"), self)
        self.verify_button.setAccessibleName(tr("Auditlogboek controleren"))
        self.verify_button.clicked.connect(self.check)
        self.export_button = QPushButton(tr("&Exporteren…"), self)
        self.export_button.setAccessibleName(tr("Auditlogboek exporteren"))
        self.export_button.clicked.connect(self.export)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(tr("Melding over het auditlogboek"))
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QHBoxLayout()
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.status, 1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addLayout(filters)
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

        self._enable(False)

    def title(self) -> str:
        return tr("Audit")

    # ------------------------------------------------------------------ reading

    def refresh(self) -> None:
        self.reload()

    def _period_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        self.reload()

    def query(self) -> AuditQuery:
        on = self.period_check.isChecked()
        return AuditQuery(
            start=_pydate(self.date_from.date()) if on else None,
            end=_pydate(self.date_to.date()) if on else None,
            action=self.action_combo.currentData() or None,
            actor=self.actor_combo.currentData() or None)

    def reload(self) -> None:
        if self._filling or not self.session.is_open:
            return
        q = self.query()
        if q.start is not None and q.end is not None and q.start > q.end:
            self._say(tr("De periode is leeg: de begindatum ligt na de einddatum."), False)
            return
        self._settle.stop()
        self._asked += 1
        asked = self._asked
        self.reader.submit(lambda reg: (asked, read_trail(reg, q)), self._show, self._failed)

    def _show(self, answer: Any) -> None:
        asked, view = answer
        if asked != self._asked:
            return  # the filters changed meanwhile: a newer read is on its way
        assert isinstance(view, TrailView)
        self.view = view
        self._filling = True
        try:
            self._fill_combo(self.action_combo, tr("Alle handelingen"),
                             [(a, ACTION_LABELS.get(a, a)) for a in view.actions])
            self._fill_combo(self.actor_combo, tr("Iedereen"),
                             [(a, a) for a in view.actors])
        finally:
            self._filling = False
        self.table.clear()
        items = []
        for r in view.rows:
            item = QTreeWidgetItem([str(r.seq), r.local_time, r.actor,
                                    view.codes.get(r.device, r.device[:8]), r.action_label,
                                    r.object, r.result])
            item.setToolTip(4, r.action)
            item.setToolTip(5, r.object)
            item.setTextAlignment(0, Qt.AlignmentFlag.AlignRight)
            items.append(item)
        self.table.addTopLevelItems(items)
        shown = len(view.rows)
        self.count_label.setText(
            tr("{total} regels (nieuwste eerst)").format(total=view.total)
            if shown == view.total else
            tr("De nieuwste {shown} van {total} regels; verfijn de filters of exporteer voor de "
               "rest.").format(shown=shown, total=view.total))
        self._enable(True)

    def _fill_combo(self, combo: QComboBox, everything: str,
                    entries: list[tuple[str, str]]) -> None:
        current = combo.currentData()
        combo.clear()
        combo.addItem(everything, None)
        for key, label in entries:
            combo.addItem(label, key)
        combo.setCurrentIndex(max(0, combo.findData(current)) if current else 0)

    def _failed(self, error: UserError) -> None:
        self._say(str(error), False)
        self._enable(self.session.is_open)

    def _say(self, text: str, ok: bool | None) -> None:
        say(self.status, text, ok)

    def _enable(self, on: bool) -> None:
        for w in (self.period_check, self.action_combo, self.actor_combo,
                  self.verify_button, self.export_button):
            w.setEnabled(on)
        if not on:
            self.date_from.setEnabled(False)
            self.date_to.setEnabled(False)

    # ------------------------------------------------------------------ acts

    def check(self) -> None:
        if not self.session.is_open:
            return
        self._say(tr("Bezig met controleren…"), None)

        def job(reg: Register) -> TrailCheck:
            reg.reload_settings()
            return verify_trail(reg)

        self.reader.submit(job, self._checked, self._failed)

    def _checked(self, check: Any) -> None:
        assert isinstance(check, TrailCheck)
        if check.cut and self.session.is_open:
            # This window's own connection must stop writing too: each commit re-seals,
            # and the seal is the only witness of the rows that were cut off.
            # (The reader's own register stopped in ``verify_trail``.) The banner, the
            # title and the step buttons follow the read-only state.
            reg = self.session.register
            reg.behind_seal = [*reg.behind_seal, *check.cut]
            self.session.state_changed.emit()
        if check.ok:
            seal = (tr("de laatste regel klopt met het zegel") if check.sealed else
                    tr("er is geen zegel om de laatste regel mee te vergelijken"))
            self._say(tr("✓ Het auditlogboek is in orde: {rows} regels, {seal}.")
                      .format(rows=check.rows, seal=seal), True)
        else:
            first = "; ".join(check.problems[:5])
            more = (tr(" (en nog {more})").format(more=len(check.problems) - 5)
                    if len(check.problems) > 5 else "")
            self._say(tr("⚠ Het auditlogboek is NIET in orde: {first}{more}. Bewaar het register "
                         "zoals het is en meld het aan de teamleider.")
                                  .format(first=first, more=more), False)
        self.reload()

    def choose_file(self) -> Path | None:
        """Where to write (tests patch this)."""
        folder = Path(QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation) or Path.home())
        name, _ = QFileDialog.getSaveFileName(
            self, tr("Auditlogboek exporteren"), str(folder / "auditlogboek.csv"),
            tr("CSV (*.csv);;JSON (*.json)"))
        return Path(name) if name else None

    def export(self) -> None:
        if not self.session.is_open:
            return
        out = self.choose_file()
        if out is None:
            return
        q = self.query()
        self._say(tr("Bezig met exporteren…"), None)

        def job(reg: Register) -> tuple[Path, int]:
            reg.reload_settings()
            return out, export_trail(reg, out, q)

        self.reader.submit(job, self._exported, self._failed)

    def _exported(self, result: Any) -> None:
        out, n = result
        self._say(tr("{n} regels geschreven naar {out} (alleen voor u leesbaar).")
                  .format(n=n, out=out), True)
        self.reload()

    def clear(self) -> None:
        self.view = None
        self.table.clear()
        self.count_label.clear()
        self.status.clear()
        self._filling = True
        try:
            self.action_combo.clear()
            self.actor_combo.clear()
        finally:
            self._filling = False
        self._enable(False)
