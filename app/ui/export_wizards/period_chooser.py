"""Period presets as radio buttons plus a custom period typed as dd-mm-jjjj.

The presets' dates come from ``app.model.periods``, the same functions the Overzicht
page uses, so "vorige week" is the same week everywhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QRadioButton, QVBoxLayout, QWidget

from app.ui.text import tr
from app.ui.widgets import DateField, buddy_label, plain_label


@dataclass(frozen=True)
class Preset:
    key: str
    text: str  # the radio button's text, with its mnemonic
    accessible: str
    period: tuple[date, date] | None  # None: the custom period


class PeriodChooser(QWidget):
    """Period presets as radio buttons, plus a custom from/to typed as dd-mm-jjjj."""

    changed = Signal()

    def __init__(self, presets: Sequence[Preset], default: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.presets = {p.key: p for p in presets}
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for p in presets:
            button = QRadioButton(p.text, self)
            button.setAccessibleName(p.accessible)
            button.setProperty("preset", p.key)
            self.group.addButton(button)
            self.buttons[p.key] = button
            layout.addWidget(button)
        self.start_edit = DateField(default_today=False, parent=self)
        self.start_edit.setAccessibleName(tr("Eigen periode: van (dd-mm-jjjj)"))
        self.end_edit = DateField(default_today=False, parent=self)
        self.end_edit.setAccessibleName(tr("Eigen periode: tot en met (dd-mm-jjjj)"))
        self.start_label = buddy_label(tr("Va&n"), self.start_edit, self)
        self.end_label = buddy_label(tr("T&ot en met"), self.end_edit, self)
        custom = QHBoxLayout()
        custom.setContentsMargins(26, 0, 0, 0)
        custom.setSpacing(8)
        custom.addWidget(self.start_label)
        custom.addWidget(self.start_edit)
        custom.addSpacing(12)
        custom.addWidget(self.end_label)
        custom.addWidget(self.end_edit)
        custom.addStretch(1)
        layout.addLayout(custom)
        self.error = plain_label("", self, "errorMessage", accessible=tr("Fout in de periode"))
        self.error.setContentsMargins(26, 0, 0, 0)
        self.error.hide()
        layout.addWidget(self.error)
        self.group.buttonToggled.connect(self._toggled)
        self.start_edit.changed.connect(self._edited)
        self.end_edit.changed.connect(self._edited)
        self.buttons[default].setChecked(True)
        self._toggled()

    def key(self) -> str:
        button = self.group.checkedButton()
        return str(button.property("preset")) if button is not None else ""

    def select(self, key: str) -> None:
        self.buttons[key].setChecked(True)

    def is_custom(self) -> bool:
        preset = self.presets.get(self.key())
        return preset is not None and preset.period is None

    def problem(self) -> str | None:
        if not self.is_custom():
            return None
        for edit, name in ((self.start_edit, tr("begindatum")), (self.end_edit, tr("einddatum"))):
            if not edit.text().strip():
                return tr("Vul de {name} in (dd-mm-jjjj).").format(name=name)
            if edit.problem():
                return tr("De {name} is {value}.").format(name=name, value=edit.problem() or "")
        start, end = self.start_edit.value(), self.end_edit.value()
        if start is not None and end is not None and start > end:
            return tr("De begindatum ligt na de einddatum.")
        return None

    def period(self) -> tuple[date, date] | None:
        preset = self.presets.get(self.key())
        if preset is None:
            return None
        if preset.period is not None:
            return preset.period
        if self.problem():
            return None
        start, end = self.start_edit.value(), self.end_edit.value()
        return (start, end) if start and end else None

    def _toggled(self, *_args: object) -> None:
        custom = self.is_custom()
        preset = self.presets.get(self.key())
        if not custom and preset is not None and preset.period is not None:
            # switching to "eigen periode" starts from the last chosen one
            self.start_edit.blockSignals(True)
            self.end_edit.blockSignals(True)
            self.start_edit.set_value(preset.period[0])
            self.end_edit.set_value(preset.period[1])
            self.start_edit.blockSignals(False)
            self.end_edit.blockSignals(False)
        for w in (self.start_edit, self.end_edit, self.start_label, self.end_label):
            w.setEnabled(custom)
        self._edited()

    def _edited(self) -> None:
        problem = self.problem()
        self.error.setText(problem or "")
        self.error.setVisible(bool(problem))
        self.changed.emit()

    def focus_target(self) -> QWidget:
        return self.group.checkedButton() or self
