"""Beheer -> Instellingen: what a team can change without editing a file.

Every value goes through ``Register.update_settings`` (one audit row per change; the
ranges come from ``app.model.settings``, so the form and the register never disagree)
and the window follows at once (``Session.settings_changed``: the idle lock, the
status bar). The exchange passphrase is set here and never shown back. Codelist
additions are written to the user's own ``codelists.toml`` (see
``app.storage.codelist_overrides`` for why there), the same file a team lead may edit
by hand and hand to every laptop.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.model.codelists import Codelists
from app.model.errors import UserError
from app.model.settings import EXCHANGE_MIN_LENGTH, NUMBERS
from app.storage import codelist_overrides as overrides
from app.ui.beheer.tab import BeheerTab, say
from app.ui.session import Session, close_on_lock
from app.ui.text import plural, tr
from app.ui.worker import Worker


def _hint(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


class SettingsTab(BeheerTab):
    def __init__(self, session: Session, reader: Worker,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, reader, parent)
        self.setObjectName("settingsTab")
        self.setAccessibleName(self.title())

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self._build_settings(body))
        layout.addWidget(self._build_exchange(body))
        layout.addWidget(self._build_codelists(body))
        layout.addWidget(self._build_places(body))
        layout.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setAccessibleName(tr("Instellingen"))
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def title(self) -> str:
        return tr("Instellingen")

    # ------------------------------------------------------------------ building

    def _spin(self, key: str, parent: QWidget) -> QSpinBox:
        bound = NUMBERS[key]
        spin = QSpinBox(parent)
        spin.setRange(bound.low, bound.high)
        if bound.unit:
            spin.setSuffix(f" {bound.unit}")
        spin.setAccessibleName(bound.label)
        spin.setMinimumWidth(140)
        self.spins[key] = spin
        return spin

    def _build_settings(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox(tr("Register"), parent)
        self.spins: dict[str, QSpinBox] = {}
        self.handler_edit = QLineEdit(box)
        self.handler_edit.setAccessibleName(tr("Naam behandelaar"))
        self.handler_edit.setMaxLength(100)
        self.device_edit = QLineEdit(box)
        self.device_edit.setAccessibleName(tr("Apparaatcode"))
        self.device_edit.setMaxLength(4)
        self.device_edit.setMaximumWidth(90)
        self.device_hint = _hint("", box)
        self.handler_edit.setMinimumWidth(320)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        rows: list[tuple[str, QWidget]] = [
            (tr("&Naam behandelaar"), self.handler_edit),
            (tr("&Apparaatcode"), self.device_edit),
            (tr("A&utomatisch vergrendelen na"), self._spin("auto_lock_minutes", box)),
            (tr("Eigen interne nor&m doorlooptijd"),
             self._spin("leadtime_norm_days", box)),
            (tr("Jaardoel Belasting&dienst"), self._spin("target_belastingdienst", box)),
            (tr("Jaardoel Dienst &Toeslagen"),
             self._spin("target_dienst_toeslagen", box)),
            (tr("&Bewaartermijn persoonsgegevens"), self._spin("retention_months", box)),
            (tr("&Kleine aantallen afschermen onder"),
             self._spin("suppress_below", box)),
        ]
        for text, widget in rows:
            label = QLabel(text, box)
            label.setBuddy(widget)
            form.addRow(label, widget)
            if widget is self.device_edit:
                form.addRow("", self.device_hint)
        self.handler_edit.setToolTip(tr("Deze naam staat bij elke stap die u vanaf nu "
                                        "vastlegt."))
        self.spins["leadtime_norm_days"].setToolTip(tr(
            "De eigen, interne norm van het bureau voor de bruto doorlooptijd; geen "
            "wettelijke termijn. Rapportage en werkmap noemen hem zo, met zijn waarde."))
        self.spins["retention_months"].setToolTip(tr(
            "Persoonsgegevens worden zoveel kalendermaanden na afronding of na het "
            "triagebesluit (doorverwezen, niet in behandeling) gewist."))
        self.spins["suppress_below"].setToolTip(tr(
            "De standaard voor de rapportage: aantallen van 1 tot deze waarde worden "
            "afgeschermd."))
        self.save_button = QPushButton(tr("Instellingen &opslaan"), box)
        self.save_button.setAccessibleName(tr("Instellingen opslaan"))
        self.save_button.clicked.connect(self.save)
        self.status = QLabel(box)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(tr("Melding over de instellingen"))
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addWidget(self.status, 1)
        lay = QVBoxLayout(box)
        lay.addLayout(form)
        lay.addLayout(row)
        return box

    def _build_exchange(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox(tr("Uitwisselingswachtwoordzin (bundels)"), parent)
        self.exchange_state = QLabel(box)
        self.exchange_state.setAccessibleName(tr("Stand van de "
                                                 "uitwisselingswachtwoordzin"))
        self.exchange_edit = QLineEdit(box)
        self.exchange_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.exchange_edit.setAccessibleName(tr("Nieuwe uitwisselingswachtwoordzin"))
        self.exchange_again = QLineEdit(box)
        self.exchange_again.setEchoMode(QLineEdit.EchoMode.Password)
        self.exchange_again.setAccessibleName(tr("Herhaal de "
                                                 "uitwisselingswachtwoordzin"))
        self.exchange_button = QPushButton(tr("Wachtwoordzin &instellen"), box)
        self.exchange_button.setAccessibleName(tr("Uitwisselingswachtwoordzin "
                                                  "instellen"))
        self.exchange_button.clicked.connect(self.set_exchange)
        self.exchange_status = QLabel(box)
        self.exchange_status.setWordWrap(True)
        self.exchange_status.setAccessibleName(tr("Melding over de "
                                                  "uitwisselingswachtwoordzin"))
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        for edit in (self.exchange_edit, self.exchange_again):
            edit.setMinimumWidth(320)
        for text, widget in ((tr("Nieuwe &wachtwoordzin"), self.exchange_edit),
                             (tr("&Herhaal"), self.exchange_again)):
            label = QLabel(text, box)
            label.setBuddy(widget)
            form.addRow(label, widget)
        row = QHBoxLayout()
        row.addWidget(self.exchange_button)
        row.addWidget(self.exchange_status, 1)
        lay = QVBoxLayout(box)
        lay.addWidget(_hint(tr(
            "Alle laptops van het team versleutelen hun bundels met dezelfde "
            "uitwisselingswachtwoordzin (minstens {exchange_min_length} tekens). Hij wordt "
            "versleuteld in het register bewaard en nooit meer getoond.")
                .format(exchange_min_length=EXCHANGE_MIN_LENGTH), box))
        lay.addWidget(self.exchange_state)
        lay.addLayout(form)
        lay.addLayout(row)
        return box

    def _build_codelists(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox(tr("Codelijsten"), parent)
        self.list_combo = QComboBox(box)
        self.list_combo.setAccessibleName(tr("Codelijst"))
        self.list_combo.currentIndexChanged.connect(self.fill_codes)
        self.codes = QTreeWidget(box)
        self.codes.setObjectName("codeList")
        self.codes.setAccessibleName(tr("Waarden van de codelijst"))
        self.codes.setRootIsDecorated(False)
        self.codes.setUniformRowHeights(True)
        self.codes.setHeaderLabels([tr("Omschrijving"), tr("Sleutel"),
                                    tr("Stand"), tr("Route")])
        self.codes.setColumnWidth(0, 300)
        self.codes.setColumnWidth(1, 200)
        self.codes.setColumnWidth(2, 150)
        self.codes.setMinimumHeight(200)
        self.codes.currentItemChanged.connect(lambda *_: self._code_buttons())
        self.add_button = QPushButton(tr("Toevoe&gen…"), box)
        self.add_button.setAccessibleName(tr("Waarde toevoegen aan de codelijst"))
        self.add_button.clicked.connect(self.add_code)
        self.hide_button = QPushButton(tr("Ve&rbergen"), box)
        self.hide_button.setAccessibleName(tr("Waarde verbergen of weer tonen"))
        self.hide_button.clicked.connect(self.toggle_hidden)
        self.remove_button = QPushButton(tr("Verwijd&eren"), box)
        self.remove_button.setAccessibleName(tr("Toegevoegde waarde verwijderen"))
        self.remove_button.clicked.connect(self.remove_code)
        self.codes_status = QLabel(box)
        self.codes_status.setWordWrap(True)
        self.codes_status.setAccessibleName(tr("Melding over de codelijsten"))
        caption = QLabel(tr("&Lijst"), box)
        caption.setBuddy(self.list_combo)
        top = QHBoxLayout()
        top.addWidget(caption)
        top.addWidget(self.list_combo, 1)
        buttons = QHBoxLayout()
        for b in (self.add_button, self.hide_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addWidget(self.codes_status, 1)
        lay = QVBoxLayout(box)
        lay.addWidget(_hint(tr(
            "Uitbreidbare lijsten krijgen hier eigen waarden met een Nederlandse "
            "omschrijving. Een waarde die in stappen staat kan alleen worden verborgen "
            "(oude stappen houden hem), niet verwijderd. De aanvullingen staan in het "
            "bestand met eigen codelijsten hieronder: geef dat aan elke laptop van het "
            "team, anders kent een andere laptop de nieuwe waarde niet."), box))
        lay.addLayout(top)
        lay.addWidget(self.codes)
        lay.addLayout(buttons)
        return box

    def _build_places(self, parent: QWidget) -> QGroupBox:
        box = QGroupBox(tr("Eigen sjablonen en codelijsten"), parent)
        self.templates_label = QLabel(box)
        self.codelists_label = QLabel(box)
        for label, name in ((self.templates_label, tr("Map met eigen sjablonen")),
                            (self.codelists_label, tr("Bestand met eigen "
                                                      "codelijsten"))):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setAccessibleName(name)
        form = QFormLayout(box)
        for text, value in ((tr("Sjablonen:"), self.templates_label),
                            (tr("Codelijsten:"), self.codelists_label)):
            form.addRow(QLabel(text, box), value)  # a caption, not a buddy
        return box

    # ------------------------------------------------------------------ reading

    def refresh(self) -> None:
        if not self.session.is_open:
            return
        reg = self.session.register
        s = reg.settings
        self.handler_edit.setText(s.handler)
        self.device_edit.setText(s.device_code)
        fixed = bool(reg.last_sequence("case") or reg.last_sequence("signal"))
        self.device_edit.setReadOnly(fixed)
        self.device_hint.setText(
            tr("Vast: de code staat in de nummers van de casussen en signalen van deze "
               "laptop.") if fixed else
            tr("Kan nog worden gewijzigd tot deze laptop de eerste casus of het eerste "
               "signaal vastlegt (2 tot 4 hoofdletters)."))
        for key, spin in self.spins.items():
            spin.setValue(int(getattr(s, key)))
        self.exchange_state.setText(
            tr("Ingesteld.") if s.exchange_passphrase else
            tr("Nog niet ingesteld: bundels maken en inlezen kan pas daarna."))
        current = self.list_combo.currentData()
        self.list_combo.blockSignals(True)
        self.list_combo.clear()
        for name, title in overrides.extendable(reg.codelists):
            self.list_combo.addItem(title, name)
        index = self.list_combo.findData(current)
        self.list_combo.setCurrentIndex(max(0, index))
        self.list_combo.blockSignals(False)
        self.fill_codes()
        from app.export.templating import default_override_dir

        folder = default_override_dir()
        self.templates_label.setText(str(folder) + (
            "" if folder.is_dir() else tr("  (nog niet aangemaakt)")))
        path = overrides.override_path()
        self.codelists_label.setText(str(path) + (
            "" if path.exists() else tr("  (nog niet aangemaakt)")))
        for w in self._controls():
            w.setEnabled(True)
        self._code_buttons()

    def _controls(self) -> list[QWidget]:
        return [self.handler_edit, self.device_edit, *self.spins.values(), self.save_button,
                self.exchange_edit, self.exchange_again, self.exchange_button,
                self.list_combo, self.codes, self.add_button, self.hide_button,
                self.remove_button]

    def fill_codes(self) -> None:
        self.codes.clear()
        name = self.list_combo.currentData()
        if not self.session.is_open or not name:
            return
        reg = self.session.register
        for row in overrides.rows(reg.codelists, name):
            state = tr("Actief") if row.active else tr("Verborgen")
            if row.added:
                state += tr(" · eigen")
            route = reg.codelists.label("route", row.route) if row.route else ""
            item = QTreeWidgetItem([row.label, row.key, state, route])
            item.setData(0, Qt.ItemDataRole.UserRole, row)
            self.codes.addTopLevelItem(item)
        self._code_buttons()

    def _selected_code(self) -> overrides.CodeRow | None:
        item = self.codes.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def _code_buttons(self) -> None:
        row = self._selected_code()
        self.hide_button.setEnabled(row is not None)
        self.hide_button.setText(tr("Ve&rbergen") if row is None or row.active
                                 else tr("Weer &zichtbaar maken"))
        self.remove_button.setEnabled(row is not None and row.added)

    def clear(self) -> None:
        """Locked: nothing of the register stays on screen."""
        self.handler_edit.clear()
        self.device_edit.clear()
        self.exchange_edit.clear()
        self.exchange_again.clear()
        self.exchange_state.clear()
        for label in (self.status, self.exchange_status, self.codes_status,
                      self.templates_label, self.codelists_label, self.device_hint):
            label.clear()
        self.codes.clear()
        self.list_combo.clear()
        for w in self._controls():
            w.setEnabled(False)

    # ------------------------------------------------------------------ acts

    def changes(self) -> dict[str, object]:
        s = self.session.register.settings
        new: dict[str, object] = {"handler": self.handler_edit.text().strip(),
                                  "device_code": self.device_edit.text().strip().upper()}
        new.update({k: spin.value() for k, spin in self.spins.items()})
        return {k: v for k, v in new.items() if v != getattr(s, k)}

    def save(self) -> bool:
        if not self.session.is_open:
            return False
        changed = self.changes()
        if not changed:
            say(self.status, tr("Er is niets gewijzigd."), True)
            return True
        try:
            self.session.register.update_settings(**changed)
        except UserError as exc:
            say(self.status, str(exc), False)
            return False
        say(self.status, plural(tr("Opgeslagen (%n wijziging(en), vastgelegd in het "
                                   "auditlogboek)."), len(changed)), True)
        self.session.settings_changed.emit()
        self.refresh()
        return True

    def set_exchange(self) -> bool:
        if not self.session.is_open:
            return False
        first, again = self.exchange_edit.text(), self.exchange_again.text()
        if first != again:
            say(self.exchange_status, tr("De twee wachtwoordzinnen zijn niet "
                                                    "gelijk."), False)
            return False
        try:
            self.session.register.update_settings(exchange_passphrase=first)
        except UserError as exc:
            say(self.exchange_status, str(exc), False)
            return False
        self.exchange_edit.clear()
        self.exchange_again.clear()
        say(self.exchange_status, tr("De uitwisselingswachtwoordzin is "
                                                "ingesteld."), True)
        self.refresh()
        return True

    def add_code(self) -> bool:
        name = self.list_combo.currentData()
        if not self.session.is_open or not name:
            return False
        dialog = AddCodeDialog(self.session.register.codelists, name, self,
                               session=self.session)
        # the dialog adds it itself, so a refusal is shown there with what was typed
        dialog.add = lambda key, label, route: overrides.add_code(
            self.session.register, name, key, label, route)
        values = dialog.ask()
        if values is None:
            return False
        key, label, route = values
        done = tr("'{label}' is toegevoegd.").format(label=label)
        if dialog.added:
            return self._codelist_act(lambda: None, done)
        return self._codelist_act(lambda: overrides.add_code(
            self.session.register, name, key, label, route), done)

    def toggle_hidden(self) -> bool:
        row, name = self._selected_code(), self.list_combo.currentData()
        if row is None or not name:
            return False
        return self._codelist_act(lambda: overrides.set_hidden(
            self.session.register, name, row.key, row.active),
            (tr("'{label}' is verborgen.") if row.active else
             tr("'{label}' is weer zichtbaar.")).format(label=row.label))

    def remove_code(self) -> bool:
        row, name = self._selected_code(), self.list_combo.currentData()
        if row is None or not name:
            return False
        return self._codelist_act(lambda: overrides.remove_code(
            self.session.register, name, row.key),
            tr("'{label}' is verwijderd.").format(label=row.label))

    def _codelist_act(self, act: Callable[[], None], done: str) -> bool:
        try:
            act()
        except (UserError, OSError) as exc:
            say(self.codes_status, str(exc), False)
            return False
        say(self.codes_status, done, True)
        self.session.settings_changed.emit()
        self.refresh()
        return True


class AddCodeDialog(QDialog):
    """A new value of an extendable list: its key, Dutch label and (for a partner type)
    its route."""

    def __init__(self, codelists: Codelists, name: str, parent: QWidget | None = None,
                 *, session: Session | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Waarde toevoegen: {title}").format(title=codelists[name].title))
        self.label_edit = QLineEdit(self)
        self.label_edit.setAccessibleName(tr("Omschrijving"))
        self.key_edit = QLineEdit(self)
        self.key_edit.setAccessibleName(tr("Sleutel"))
        self.key_edit.setPlaceholderText(tr("bijvoorbeeld wijkteam_noord"))
        self.route_combo: QComboBox | None = None
        form = QFormLayout()
        for text, widget in ((tr("&Omschrijving"), self.label_edit),
                             (tr("&Sleutel"), self.key_edit)):
            label = QLabel(text, self)
            label.setBuddy(widget)
            form.addRow(label, widget)
        if name == "partner_type":
            self.route_combo = QComboBox(self)
            self.route_combo.setAccessibleName(tr("Route"))
            for code in codelists["route"]:
                if code.active:
                    self.route_combo.addItem(code.label, code.key)
            label = QLabel(tr("&Route"), self)
            label.setBuddy(self.route_combo)
            form.addRow(label, self.route_combo)
        self.label_edit.textEdited.connect(self._suggest_key)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        #: adds the value (the tab sets it); a refusal keeps the dialog open
        self.add: Callable[[str, str, str | None], None] | None = None
        self.added = False
        self.error = QLabel(self)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setObjectName("errorMessage")
        self.error.setAccessibleName(tr("Foutmelding"))
        self.error.hide()
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(_hint(tr("De sleutel staat in de stappen en bestanden en "
                               "verandert nooit; de omschrijving mag later anders."),
                            self))
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        if session is not None:
            close_on_lock(session, self)

    def _suggest_key(self, text: str) -> None:
        plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        self.key_edit.setText(re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")[:40])

    def _ok(self) -> None:
        if self.add is not None and not self.added:
            try:
                self.add(*self.values())
            except (UserError, OSError) as exc:
                self.error.setText(str(exc))
                self.error.show()
                self.key_edit.setFocus()
                return
            self.added = True
        self.accept()

    def values(self) -> tuple[str, str, str | None]:
        route = self.route_combo.currentData() if self.route_combo is not None else None
        return self.key_edit.text().strip(), self.label_edit.text().strip(), route

    def ask(self) -> tuple[str, str, str | None] | None:
        """Modal; tests patch this."""
        if self.exec() != QDialog.DialogCode.Accepted:
            return None
        return self.values()


__all__ = ["AddCodeDialog", "SettingsTab"]
