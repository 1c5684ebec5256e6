"""The two dialogs of Beheer -> Uitwisselen: the team's exchange passphrase (typed
twice, never shown) and the choice of cases to hand over."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.model.codelists import Codelists
from app.model.errors import UserError
from app.storage.bundle_file import MIN_EXCHANGE_PASSPHRASE, check_exchange_passphrase
from app.storage.exchange import set_exchange_passphrase
from app.storage.repository import CaseQuery, CaseRow
from app.ui.beheer.exchange_report import ROLE_NUMBER
from app.ui.session import Session
from app.ui.text import tr
from app.ui.widgets import plain_label
from app.ui.worker import Worker

#: How many cases the handover dialog lists (newest first; the search narrows them).
HANDOVER_LIST = 500


# --------------------------------------------------------------------------- dialogs


class PassphraseDialog(QDialog):
    """Set (or change) the team's exchange passphrase: typed twice, never shown."""

    def __init__(self, session: Session, already_set: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("exchangePassphraseDialog")
        self.setWindowTitle(tr("Uitwisselingswachtwoordzin"))
        self.setAccessibleName(self.windowTitle())
        intro = plain_label(tr(
            "De uitwisselingswachtwoordzin versleutelt de bundels tussen de laptops. Het "
            "hele team gebruikt dezelfde; spreek haar mondeling af, niet per e-mail. Ze "
            "wordt versleuteld in dit register bewaard en nooit getoond."), self, "hint")
        self.first = QLineEdit(self)
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setAccessibleName(tr("Nieuwe uitwisselingswachtwoordzin"))
        self.second = QLineEdit(self)
        self.second.setEchoMode(QLineEdit.EchoMode.Password)
        self.second.setAccessibleName(tr("Herhaal de uitwisselingswachtwoordzin"))
        self.error = plain_label("", self, "errorMessage", accessible=tr("Foutmelding"))
        self.error.hide()
        form = QFormLayout()
        form.addRow(tr("&Wachtwoordzin:"), self.first)
        form.addRow(tr("&Herhaal:"), self.second)
        note = plain_label(tr("Minstens {min_exchange_passphrase} tekens.")
                           .format(min_exchange_passphrase=MIN_EXCHANGE_PASSPHRASE), self, "hint")
        if already_set:
            note.setText(note.text() + " " + tr(
                "Er is er al een ingesteld: wijzig haar alleen als het hele team dat doet, "
                "anders kunnen de laptops elkaars bundels niet meer lezen."))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText(tr("&Opslaan"))
        save.setAccessibleName(tr("Uitwisselingswachtwoordzin opslaan"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(tr("Annuleren"))
        cancel.setAccessibleName(tr("Annuleren"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(520)
        self.first.setFocus()

    def save(self) -> None:
        first, second = self.first.text(), self.second.text()
        problem = ""
        try:
            check_exchange_passphrase(first)
        except UserError as exc:
            problem = str(exc)
        if not problem and first != second:
            problem = tr("De twee wachtwoordzinnen zijn niet gelijk.")
        if not problem:
            if not self.session.is_open:
                problem = tr("Het register is vergrendeld.")
            else:
                try:
                    set_exchange_passphrase(self.session.register, first)
                except UserError as exc:
                    problem = str(exc)
        if problem:
            self.error.setText(problem)
            self.error.show()
            self.first.setFocus()
            self.first.selectAll()
            return
        self.clear_fields()
        self.accept()

    def clear_fields(self) -> None:
        self.first.clear()
        self.second.clear()

    def done(self, result: int) -> None:
        self.clear_fields()
        super().done(result)


class HandoverDialog(QDialog):
    """Choose the cases to hand over (their P2 data goes with them, audited)."""

    def __init__(self, reader: Worker, parent: QWidget | None = None, *,
                 codelists: Codelists | None = None) -> None:
        super().__init__(parent)
        self.reader = reader
        self.codelists = codelists
        self.rows: list[CaseRow] = []
        self.setObjectName("handoverDialog")
        self.setWindowTitle(tr("Casus overdragen"))
        self.setAccessibleName(self.windowTitle())
        intro = plain_label(tr(
            "Kies de casussen die een collega overneemt. De overdrachtsbundel bevat alles "
            "wat dit register heeft, plus de persoonsgegevens van precies deze casussen; "
            "het overdragen komt in het auditlogboek. De casus houdt haar nummer."),
            self, "hint")
        self.search = QLineEdit(self)
        # the search matches what each line shows (see ``_loaded``), nothing else
        self.search.setPlaceholderText(tr("Zoek op casusnummer, status of behandelaar"))
        self.search.setAccessibleName(tr("Casussen zoeken"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.list = QListWidget(self)
        self.list.setObjectName("handoverCases")
        self.list.setAccessibleName(tr("Casussen om over te dragen (spatie kiest)"))
        self.list.itemChanged.connect(lambda _item: self._update())
        self.status = plain_label(tr("Casussen worden gelezen…"), self, "hint",
                             accessible=tr("Gekozen casussen"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(tr("&Overdrachtsbundel maken…"))
        self.ok.setAccessibleName(tr("Overdrachtsbundel maken"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(tr("Annuleren"))
        cancel.setAccessibleName(tr("Annuleren"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        find = QLabel(tr("&Zoeken:"), self)
        find.setBuddy(self.search)
        row = QHBoxLayout()
        row.addWidget(find)
        row.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(640, 520)
        self._update()
        self.search.setFocus()
        reader.submit(lambda reg: reg.list_cases(CaseQuery(limit=HANDOVER_LIST)),
                      self._loaded, self._failed)

    def _loaded(self, rows: object) -> None:
        assert isinstance(rows, list)
        self.rows = rows
        self.list.clear()
        for r in rows:
            status = (self.codelists.label("status", r.status) if self.codelists
                      else r.status.replace("_", " "))
            text = f"{r.number}  –  {status}"
            if r.handler:
                text += f"  –  {r.handler}"
            item = QListWidgetItem(text, self.list)
            item.setData(ROLE_NUMBER, r.number)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
        if rows:
            self.list.setCurrentRow(0)
        self._filter(self.search.text())
        self._update()

    def _failed(self, error: UserError) -> None:
        self.status.setText(str(error))

    def _filter(self, text: str) -> None:
        needle = text.strip().lower()
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(needle) and needle not in item.text().lower())

    def numbers(self) -> list[str]:
        return [str(self.list.item(i).data(ROLE_NUMBER)) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]

    def check(self, number: str) -> bool:
        """Tick a case (tests, and a number typed in the search box then Enter)."""
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(ROLE_NUMBER) == number:
                item.setCheckState(Qt.CheckState.Checked)
                return True
        return False

    def _update(self) -> None:
        chosen = self.numbers()
        self.ok.setEnabled(bool(chosen))
        if self.rows or chosen:
            self.status.setText(tr("Gekozen: {chosen}").format(
                chosen=", ".join(chosen) if chosen else tr("nog geen casus (spatie kiest)")))
