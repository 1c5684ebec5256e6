"""Beheer -> Bewaartermijn: purge personal data after the retention, destroy a case.

docs/SECURITY.md "personal data does not outlive its purpose": the preview lists the cases
whose personal data are due (``purge(dry_run=True)``), nothing is erased before the
handler confirms, and a destroyed case (Archiefwet) needs its number, a reason and a
second confirmation. Both run in the page's worker (``Worker``) on its own
connection: a purge or a destruction rewrites pages and merges the search index.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.model.errors import UserError
from app.model.nlformat import nl_date
from app.storage.repository import Register
from app.storage.retention import PurgeResult, destroy, purge
from app.ui.beheer.tab import BeheerTab, say
from app.ui.session import Session
from app.ui.text import tr
from app.ui.worker import Worker


def _preview(reg: Register) -> PurgeResult:
    reg.reload_settings()
    return purge(reg, dry_run=True)


def _purge(reg: Register, only: list[str]) -> PurgeResult:
    reg.reload_settings()  # the handler name and retention as set in the window
    return purge(reg, only=only)  # no more than the confirmed preview


class RetentionTab(BeheerTab):
    def __init__(self, session: Session, reader: Worker,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, reader, parent)
        self.setObjectName("retentionTab")
        self.setAccessibleName(self.title())
        self.result: PurgeResult | None = None
        #: cases the confirmed preview listed, while their purge runs (None otherwise)
        self.purging: int | None = None
        #: a destroy is queued or running: "Vernietigen" waits for it
        self.destroying = False

        # -- purge
        purge_box = QGroupBox(tr("Persoonsgegevens wissen na de bewaartermijn"), self)
        self.explain = QLabel(purge_box)
        self.explain.setObjectName("hint")
        self.explain.setWordWrap(True)
        self.preview_button = QPushButton(tr("Voorbeeld &tonen"), purge_box)
        self.preview_button.setAccessibleName(tr("Voorbeeld van wat gewist wordt"))
        self.preview_button.clicked.connect(self.preview)
        self.purge_button = QPushButton(tr("Persoonsgegevens &wissen…"), purge_box)
        self.purge_button.setAccessibleName(tr("Persoonsgegevens wissen"))
        self.purge_button.clicked.connect(self.purge_now)
        self.list = QTreeWidget(purge_box)
        self.list.setObjectName("purgeList")
        self.list.setAccessibleName(tr("Casussen waarvan de persoonsgegevens gewist "
                                       "worden"))
        self.list.setRootIsDecorated(False)
        self.list.setUniformRowHeights(True)
        self.list.setHeaderLabels([tr("Casus"), tr("Status"), tr("Sinds"),
                                   tr("Te wissen vanaf"), tr("Gegevens")])
        for col, width in enumerate((150, 220, 110, 130)):
            self.list.setColumnWidth(col, width)
        self.purge_status = QLabel(purge_box)
        self.purge_status.setWordWrap(True)
        self.purge_status.setAccessibleName(tr("Melding over het wissen"))
        row = QHBoxLayout()
        row.addWidget(self.preview_button)
        row.addWidget(self.purge_button)
        row.addWidget(self.purge_status, 1)
        pl = QVBoxLayout(purge_box)
        pl.addWidget(self.explain)
        pl.addLayout(row)
        pl.addWidget(self.list, 1)

        # -- destroy
        destroy_box = QGroupBox(tr("Casus vernietigen (Archiefwet)"), self)
        intro = QLabel(tr(
            "Een afgeronde, doorverwezen of niet in behandeling genomen casus kan worden "
            "vernietigd. Alle stappen en persoonsgegevens worden gewist; alleen het "
            "nummer, het jaar en de reden blijven over (in de lijst onder de status "
            "Vernietigd). De casus telt in geen enkel cijfer meer mee. Dit kan niet "
            "ongedaan worden gemaakt en gaat met de bundels naar de andere laptops."),
            destroy_box)
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        self.number_edit = QLineEdit(destroy_box)
        self.number_edit.setAccessibleName(tr("Casusnummer"))
        self.number_edit.setPlaceholderText("2025-ZWL-0001")
        self.number_edit.setMaximumWidth(220)
        self.reason_edit = QLineEdit(destroy_box)
        self.reason_edit.setAccessibleName(tr("Reden van vernietiging"))
        self.reason_edit.setPlaceholderText(tr("bijvoorbeeld: bewaartermijn volgens "
                                               "de selectielijst verstreken"))
        self.destroy_button = QPushButton(tr("Vernieti&gen…"), destroy_box)
        self.destroy_button.setAccessibleName(tr("Casus vernietigen"))
        self.destroy_button.clicked.connect(self.destroy_case)
        self.destroy_status = QLabel(destroy_box)
        self.destroy_status.setWordWrap(True)
        self.destroy_status.setAccessibleName(tr("Melding over het vernietigen"))
        form = QFormLayout()
        for text, widget in ((tr("Casus&nummer"), self.number_edit),
                             (tr("&Reden"), self.reason_edit)):
            label = QLabel(text, destroy_box)
            label.setBuddy(widget)
            form.addRow(label, widget)
        drow = QHBoxLayout()
        drow.addWidget(self.destroy_button)
        drow.addWidget(self.destroy_status, 1)
        dl = QVBoxLayout(destroy_box)
        dl.addWidget(intro)
        dl.addLayout(form)
        dl.addLayout(drow)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(purge_box, 1)
        layout.addWidget(destroy_box)

        session.settings_changed.connect(self.refresh_if_shown)
        self._buttons()

    def title(self) -> str:
        return tr("Bewaartermijn")

    # ------------------------------------------------------------------ reading

    def refresh(self) -> None:
        if not self.session.is_open:
            return
        months = self.session.register.settings.retention_months
        self.explain.setText(tr(
            "Persoonsgegevens (naam, BSN, telefoon, e-mail, adres, kenmerk van de dienst) "
            "worden {months} maanden na de afronding gewist, of na het triagebesluit bij een "
            "doorverwezen of niet in behandeling genomen casus (instelling "
            "Bewaartermijn). Een heropende of nog niet getrieerde casus houdt ze. De "
            "cijfers veranderen niet. Back-ups bewaren gewiste gegevens tot ze vervallen "
            "(hoogstens ongeveer vijf weken).").format(months=months))
        self._buttons()

    def preview(self) -> None:
        say(self.purge_status, tr("Bezig met zoeken…"), None)
        self.preview_button.setEnabled(False)
        self.reader.submit(_preview, self._show, self._failed)

    def _show(self, result: Any) -> None:
        assert isinstance(result, PurgeResult)
        self.result = result
        cl = self.session.register.codelists if self.session.is_open else None
        self.list.clear()
        for item in result.items:
            status = cl.label("status", item.status) if cl else item.status
            row = QTreeWidgetItem([item.number, status, nl_date(item.since),
                                   nl_date(item.due_from), str(item.values)])
            row.setTextAlignment(4, Qt.AlignmentFlag.AlignRight)
            self.list.addTopLevelItem(row)
        if result.done:
            text = tr("{values} persoonsgegevens van {cases} casussen gewist (vastgelegd in het "
                      "auditlogboek).")
            previewed, self.purging = self.purging, None
            if previewed is not None and previewed != len(result.items):
                text += " " + tr(
                    "Het overzicht toonde {previewed} casussen; de andere waren niet meer aan "
                    "de beurt en zijn niet gewist. Bekijk opnieuw wat aan de beurt is."
                ).format(previewed=previewed)
            self.list.clear()
        elif result.items:
            text = tr("{values} persoonsgegevens van {cases} casussen zijn aan de beurt. Er is nog "
                      "niets gewist.")
        else:
            text = tr("Er zijn geen persoonsgegevens die gewist moeten worden.")
        say(self.purge_status, text.format(values=result.values, cases=len(result.items)),
            True if result.done else None)
        self._buttons()

    def _failed(self, error: UserError) -> None:
        self.purging = None
        say(self.purge_status, str(error), False)
        self._buttons()

    def _buttons(self) -> None:
        open_ = self.session.is_open
        self.preview_button.setEnabled(open_ and self.purging is None)
        self.purge_button.setEnabled(open_ and self.purging is None and self.result is not None
                                     and not self.result.done and bool(self.result.items))
        for w in (self.number_edit, self.reason_edit):
            w.setEnabled(open_)
        self.destroy_button.setEnabled(open_ and not self.destroying)

    # ------------------------------------------------------------------ acts

    def confirm(self, title: str, text: str) -> bool:
        """Ask before anything is erased (tests patch this)."""
        answer = QMessageBox.question(
            self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def purge_now(self) -> bool:
        if (self.result is None or self.result.done or not self.result.items
                or not self.session.is_open or self.purging is not None):
            return False
        shown = [i.entity_id for i in self.result.items]
        if not self.confirm(tr("Persoonsgegevens wissen"), tr(
                "De persoonsgegevens van {cases} casussen worden gewist. Dit kan niet ongedaan "
                "worden gemaakt. Doorgaan?").format(cases=len(shown))):
            return False
        if not self.reader.submit(lambda reg: _purge(reg, shown), self._purged, self._failed):
            return False
        self.purging = len(shown)
        self._buttons()
        self.purge_status.setText(tr("Bezig met wissen…"))
        return True

    def _purged(self, result: Any) -> None:
        self._show(result)
        self.session.data_changed.emit()

    def destroy_case(self) -> bool:
        number = self.number_edit.text().strip()
        reason = self.reason_edit.text().strip()
        if not self.session.is_open or self.destroying:
            return False
        if not number or not reason:
            say(self.destroy_status, tr("Vul het casusnummer en de reden in."), False)
            (self.number_edit if not number else self.reason_edit).setFocus()
            return False
        if not self.confirm(tr("Casus vernietigen"), tr(
                "Casus {number} vernietigen? Alle stappen en persoonsgegevens worden gewist; "
                "alleen het nummer, het jaar en de reden blijven over. Dit kan niet "
                "ongedaan worden gemaakt.").format(number=number)):
            return False

        def job(reg: Register) -> str:
            reg.reload_settings()
            return str(destroy(reg, number, reason).number)

        if not self.reader.submit(job, self._destroyed, self._destroy_failed):
            return False
        self.destroying = True  # until it finished: no second destroy from a refresh
        self._buttons()
        say(self.destroy_status, tr("Bezig met vernietigen…"), None)
        return True

    def _destroyed(self, number: Any) -> None:
        self.destroying = False
        say(self.destroy_status, tr("Casus {number} is vernietigd.").format(number=number), True)
        self.number_edit.clear()
        self.reason_edit.clear()
        self._buttons()
        self.session.case_changed.emit(str(number))
        self.session.data_changed.emit()

    def _destroy_failed(self, error: UserError) -> None:
        self.destroying = False
        say(self.destroy_status, str(error), False)
        self._buttons()

    def clear(self) -> None:
        self.result = None
        self.purging = None  # the worker drops what was queued on a lock
        self.destroying = False
        self.list.clear()
        for label in (self.explain, self.purge_status, self.destroy_status):
            label.clear()
        self.number_edit.clear()
        self.reason_edit.clear()
        self._buttons()
