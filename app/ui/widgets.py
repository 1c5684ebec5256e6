"""Small input widgets shared by the intake form, the step forms and the case tab.

Every editor here speaks the same little protocol (``value()``, ``set_value()`` and a
``changed`` signal) so the generic step form can treat a date, a code, a list of codes
and a text alike. Dates are typed the way the office writes them (dd-mm-jjjj), codes
show their Dutch label and carry their stable key as item data, and every field sits in
a ``FieldRow`` that can show a Dutch error or a personal-data warning right under it,
where the handler is looking, instead of in a message box.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QObject,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFontMetrics, QHelpEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QSizePolicy,
    QToolTip,
    QTreeView,
    QTreeWidget,
    QVBoxLayout,
    QWidget,
    QWidgetItem,
)

from app.model.codelists import Codelists
from app.model.dates import nl_date, parse_date
from app.model.dates import today as today_amsterdam
from app.model.lint import KIND_LABELS, is_valid_bsn, lint_text
from app.ui.style import set_tone
from app.ui.text import tr

#: The "error" tone of ``style.STYLESHEET`` as a widget stylesheet, for the step form's
#: banner, which combines it with a background of its own.
ERROR_STYLE = "color: #a4000f;"


def escape_amp(text: str) -> str:
    """Literal text for a widget that reads ``&`` as a mnemonic marker."""
    return text.replace("&", "&&")


class Mnemonics:
    """Hands out unique Alt+letter mnemonics within one window.

    Word-initial letters are preferred (``&Datum``, ``Soort &termijn``), then any
    letter; a label that finds no free letter simply gets none. Letters used by the
    window's buttons are reserved up front.
    """

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self.used: set[str] = {c.lower() for c in reserved}

    def take(self, text: str, *, initial_only: bool = False) -> str:
        """``text`` with an Alt letter marked; ``initial_only``: only a word's first
        letter will do (forms hand those out to every field before any other letter,
        so "Toestemming of machtiging" gets its T before another field takes it as
        a second choice)."""
        plain = escape_amp(text)
        candidates: list[int] = []
        for i, ch in enumerate(plain):
            if ch.isalpha() and ch.isascii() and (i == 0 or not plain[i - 1].isalnum()):
                candidates.append(i)
        if not initial_only:
            candidates += [i for i, ch in enumerate(plain) if ch.isalpha() and ch.isascii()
                           and i not in candidates]
        for i in candidates:
            if plain[i - 1:i] == "&":
                continue
            letter = plain[i].lower()
            if letter not in self.used:
                self.used.add(letter)
                return plain[:i] + "&" + plain[i:]
        return plain


# ---------------------------------------------------------------------------
# Editors


class DateField(QLineEdit):
    """A date typed as dd-mm-jjjj (jjjj-mm-dd and ddmmjjjj are accepted too).

    Up and Down move the date a day, Page Up and Page Down a week, so a handler can
    correct "yesterday" without retyping. ``problem()`` gives the Dutch reason when the
    text is not a date; the form shows it next to the field.
    """

    changed = Signal()

    def __init__(self, value: date | None = None, *, default_today: bool = True,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(tr("dd-mm-jjjj"))
        self.setToolTip(tr("Datum als dd-mm-jjjj. Pijl omhoog of omlaag: een dag later of "
                           "eerder; Page Up of Page Down: een week."))
        self.setMaxLength(10)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("00-00-00000") + 24)
        self.setMaximumWidth(self.fontMetrics().horizontalAdvance("00-00-0000") * 2)
        if value is None and default_today:
            value = today_amsterdam()
        self.set_value(value)
        self.textChanged.connect(lambda _t: self.changed.emit())
        self.editingFinished.connect(self._normalise)

    @staticmethod
    def _parse(text: str) -> date:
        s = text.strip()
        if len(s) == 8 and s.isdigit():
            s = f"{s[:2]}-{s[2:4]}-{s[4:]}"
        return parse_date(s)

    def value(self) -> date | None:
        """The date, or None when empty or not a date (see ``problem``)."""
        if not self.text().strip():
            return None
        try:
            return self._parse(self.text())
        except ValueError:
            return None

    def problem(self) -> str | None:
        if not self.text().strip():
            return None
        try:
            self._parse(self.text())
        except ValueError:
            return tr("geen geldige datum; typ dd-mm-jjjj, bijvoorbeeld 03-04-2025")
        return None

    def set_value(self, value: date | str | None) -> None:
        if isinstance(value, str):
            try:
                self.setText(nl_date(date.fromisoformat(value)))
            except ValueError:
                self.setText(value)
            return
        self.setText(nl_date(value) if value else "")

    def _normalise(self) -> None:
        d = self.value()
        if d is not None and self.text() != nl_date(d):
            self.setText(nl_date(d))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        steps = {Qt.Key.Key_Up: 1, Qt.Key.Key_Down: -1, Qt.Key.Key_PageUp: 7,
                 Qt.Key.Key_PageDown: -7}
        step = steps.get(Qt.Key(event.key()))
        if step is not None and not self.isReadOnly():
            base = self.value() or today_amsterdam()
            self.setText(nl_date(base + timedelta(days=step)))
            return
        super().keyPressEvent(event)


class ChoiceCombo(QComboBox):
    """A drop-down of (key, label) pairs: labels shown, keys returned.

    Without a value it shows a "kies" placeholder, so a required choice is a conscious
    one; an optional choice has a "(niet ingevuld)" entry to clear it again.
    """

    changed = Signal()
    EMPTY = "(niet ingevuld)"

    def __init__(self, choices: Sequence[tuple[str, str]] = (), *, optional: bool = False,
                 placeholder: str = "— kies —", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.optional = optional
        self.setPlaceholderText(tr(placeholder))
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setMinimumContentsLength(12)
        # As wide as its longest label, not the whole form.
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.set_choices(choices)
        self.currentIndexChanged.connect(lambda _i: self.changed.emit())

    def set_choices(self, choices: Sequence[tuple[str, str]]) -> None:
        keep = self.value()
        self.blockSignals(True)
        self.clear()
        if self.optional:
            self.addItem(tr(self.EMPTY), None)
        for key, label in choices:
            self.addItem(label, key)
        self.blockSignals(False)
        idx = self.findData(keep) if keep is not None else -1
        self.setCurrentIndex(idx if idx >= 0 else (0 if self.optional else -1))
        if idx < 0 and keep is not None:
            self.changed.emit()

    def keys(self) -> list[str]:
        return [str(self.itemData(i)) for i in range(self.count())
                if self.itemData(i) is not None]

    def value(self) -> str | None:
        if self.currentIndex() < 0:
            return None
        data = self.currentData()
        return None if data is None else str(data)

    def set_value(self, key: Any) -> None:
        if key is None or key == "":
            self.setCurrentIndex(0 if self.optional else -1)
            return
        idx = self.findData(str(key))
        if idx < 0:
            # A key that is no longer offered (an inactive code) stays valid for old
            # steps: show it so a correction does not silently change it.
            self.addItem(self.missing_label(str(key)), str(key))
            idx = self.count() - 1
        self.setCurrentIndex(idx)

    def missing_label(self, key: str) -> str:
        return key


class CodeCombo(ChoiceCombo):
    """A codelist as a drop-down: Dutch labels shown, stable keys as item data."""

    def __init__(self, list_name: str, codelists: Codelists, *, optional: bool = False,
                 keys: Sequence[str] | None = None, parent: QWidget | None = None) -> None:
        self.list_name = list_name
        self.codelists = codelists
        chosen = list(keys) if keys is not None else codelists.keys(list_name,
                                                                    active_only=True)
        super().__init__([(k, codelists.label(list_name, k)) for k in chosen],
                         optional=optional, parent=parent)

    def set_keys(self, keys: Sequence[str]) -> None:
        self.set_choices([(k, self.codelists.label(self.list_name, k)) for k in keys])

    def missing_label(self, key: str) -> str:
        label = self.codelists.label(self.list_name, key)
        if key in self.codelists.keys(self.list_name, active_only=True):
            return label  # valid, only not offered here (a triage reason of another decision)
        return label + tr(" (vervallen code)")


class CodeChecklist(QWidget):
    """A multi-select codelist as a grid of check boxes, in the list's own order."""

    changed = Signal()

    def __init__(self, list_name: str, codelists: Codelists, *, columns: int = 2,
                 keys: Sequence[str] | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list_name = list_name
        self.codelists = codelists
        self.columns = max(1, columns)
        self.boxes: dict[str, QCheckBox] = {}
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(16)
        self._grid.setVerticalSpacing(2)
        for key in (keys if keys is not None else codelists.keys(list_name, active_only=True)):
            self._add(key)
        self._grid.setColumnStretch(self.columns, 1)

    def _add(self, key: str, inactive: bool = False) -> QCheckBox:
        label = self.codelists.label(self.list_name, key)
        if inactive:
            label += tr(" (vervallen code)")
        box = QCheckBox(escape_amp(label), self)
        box.setAccessibleName(label)
        box.toggled.connect(lambda _on: self.changed.emit())
        n = len(self.boxes)
        self._grid.addWidget(box, n // self.columns, n % self.columns)
        self.boxes[key] = box
        return box

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        for key, box in self.boxes.items():
            box.setAccessibleName(f"{name}: {self.codelists.label(self.list_name, key)}")

    def value(self) -> list[str]:
        return [k for k, box in self.boxes.items() if box.isChecked()]

    def set_value(self, keys: Iterable[str] | None) -> None:
        wanted = list(keys or [])
        for key in wanted:
            if key not in self.boxes:
                self._add(key, inactive=True)
        for key, box in self.boxes.items():
            box.setChecked(key in wanted)

    def focus_target(self) -> QWidget:
        return next(iter(self.boxes.values()), self)

    def focus_widgets(self) -> list[QWidget]:
        return list(self.boxes.values())


class LineField(QLineEdit):
    """One line of free text (names, short descriptions)."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, max_length: int = 300) -> None:
        super().__init__(parent)
        self.setMaxLength(max_length)
        self.textChanged.connect(lambda _t: self.changed.emit())

    def value(self) -> str:
        return self.text().strip()

    def set_value(self, value: Any) -> None:
        self.setText("" if value is None else str(value))


class TextField(QPlainTextEdit):
    """Several lines of free text; Tab moves on to the next field, as in a form."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, lines: int = 3) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._lines = lines
        self.setMinimumHeight(self._height(2))
        self.textChanged.connect(self.changed.emit)

    def _height(self, lines: int) -> int:
        return self.fontMetrics().lineSpacing() * lines + 14

    def sizeHint(self) -> QSize:
        return QSize(360, self._height(self._lines))

    def value(self) -> str:
        return self.toPlainText().strip()

    def set_value(self, value: Any) -> None:
        self.setPlainText("" if value is None else str(value))


class CheckField(QCheckBox):
    """A yes/no field; the box text says what ticking it means."""

    changed = Signal()

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(escape_amp(text), parent)
        self.toggled.connect(lambda _on: self.changed.emit())

    def value(self) -> bool:
        return self.isChecked()

    def set_value(self, value: Any) -> None:
        self.setChecked(bool(value))


class ScoreCombo(ChoiceCombo):
    """A rapportcijfer 1-10, or "niet gevraagd" (stored as no value)."""

    NOT_ASKED = "Niet gevraagd"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__([(str(n), str(n)) for n in range(1, 11)], optional=True,
                         parent=parent)
        self.setItemText(0, tr(self.NOT_ASKED))

    def score(self) -> int | None:
        v = self.value()
        return int(v) if v is not None else None


class ContactField(QWidget):
    """The helper's contact person (P1): name, e-mail and phone on one line each."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        self.edits: dict[str, LineField] = {}
        for key, label in (("name", "Naam"), ("email", "E-mail"), ("phone", "Telefoon")):
            edit = LineField(self)
            edit.setAccessibleName(tr("Contactpersoon aandrager") + f": {label}")
            edit.changed.connect(self.changed.emit)
            form.addRow(tr(label), edit)
            self.edits[key] = edit

    def value(self) -> dict[str, str] | None:
        data = {k: e.value() for k, e in self.edits.items() if e.value()}
        return data or None

    def set_value(self, value: Any) -> None:
        data = value if isinstance(value, dict) else {}
        for key, edit in self.edits.items():
            edit.set_value(data.get(key))

    def focus_target(self) -> QWidget:
        return self.edits["name"]

    def focus_widgets(self) -> list[QWidget]:
        return list(self.edits.values())


# ---------------------------------------------------------------------------
# Rows with inline messages


class FieldRow(QWidget):
    """One field with its hint, personal-data warning and error right under it.

    ``label`` is the form's left-hand label (with a mnemonic whose buddy is the
    editor); the row itself goes in the right-hand column.
    """

    def __init__(self, name: str, text: str, editor: QWidget, *, required: bool = False,
                 mnemonics: Mnemonics | None = None, hint: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.text = text
        #: the editor; every editor has value(), set_value() and a changed signal
        self.editor: Any = editor
        self._required = required
        self._mnemonic_text = escape_amp(text)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setBuddy(self.focus_target())
        self.label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # Line up with the text inside a line edit or next to a check box.
        self.label.setContentsMargins(0, 4, 0, 0)
        editor.setAccessibleName(text)
        editor.setParent(self)

        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        box.addWidget(editor)
        self.hint_label = self._message("note", tr("Toelichting bij ") + text)
        self.warning_label = self._message("fieldWarning", tr("Waarschuwing bij ") + text)
        self.error_label = self._message("error", tr("Fout bij ") + text)
        for lbl in (self.hint_label, self.warning_label, self.error_label):
            box.addWidget(lbl)
        self.set_hint(hint)
        self._render_label()
        if mnemonics is not None:
            self.take_mnemonic(mnemonics)
        # A message about the old value is wrong once the field changes.
        changed = getattr(editor, "changed", None)
        if changed is not None:
            changed.connect(lambda: self.set_error(None))

    def take_mnemonic(self, mnemonics: Mnemonics, *, initial_only: bool = False) -> None:
        """Give the label an Alt letter unless it has one (see ``Mnemonics.take``)."""
        if not self.has_mnemonic():
            self._mnemonic_text = mnemonics.take(self.text, initial_only=initial_only)
            self._render_label()

    def has_mnemonic(self) -> bool:
        return "&" in self._mnemonic_text.replace("&&", "")

    def focus_widgets(self) -> list[QWidget]:
        """The editor's controls in Tab order (a checklist's boxes, a contact's lines)."""
        inner = getattr(self.editor, "focus_widgets", None)
        widgets: list[QWidget] = inner() if callable(inner) else [self.editor]
        return widgets

    def _message(self, tone: str, name: str) -> QLabel:
        lbl = QLabel(self)
        lbl.setWordWrap(True)
        lbl.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        set_tone(lbl, tone)
        lbl.setTextFormat(Qt.TextFormat.PlainText)
        lbl.setAccessibleName(name)
        lbl.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        lbl.hide()
        return lbl

    def focus_target(self) -> QWidget:
        target = getattr(self.editor, "focus_target", None)
        widget: QWidget = target() if callable(target) else self.editor
        return widget

    def _render_label(self) -> None:
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setText(self._mnemonic_text + (" *" if self._required else ""))
        # A plain-text label still honours the & mnemonic when it has a buddy.
        self.label.setBuddy(self.focus_target())

    @property
    def required(self) -> bool:
        return self._required

    def set_required(self, required: bool) -> None:
        if required != self._required:
            self._required = required
            self._render_label()

    def set_hint(self, text: str) -> None:
        self.hint_label.setText(text)
        self.hint_label.setVisible(bool(text) and not self.error_label.text())

    def set_warning(self, text: str | None) -> None:
        self.warning_label.setText(text or "")
        self.warning_label.setVisible(bool(text))

    def set_error(self, text: str | None) -> None:
        self.error_label.setText(text or "")
        self.error_label.setVisible(bool(text))
        # The error says what to do; the hint under it would only repeat it.
        self.hint_label.setVisible(not text and bool(self.hint_label.text()))
        self.editor.setAccessibleDescription(text or "")

    def error(self) -> str:
        return self.error_label.text() if self.error_label.isVisibleTo(self) else ""

    def warning(self) -> str:
        return self.warning_label.text() if self.warning_label.isVisibleTo(self) else ""

    def setEnabled(self, enabled: bool) -> None:
        super().setEnabled(enabled)
        self.label.setEnabled(enabled)


def assign_mnemonics(rows: Sequence[FieldRow], mnemonics: Mnemonics) -> None:
    """Alt letters for a form's rows in the given (reading) order: required rows
    first, and within each kind a word's first letter before any other letter."""
    for group in ([r for r in rows if r.required], [r for r in rows if not r.required]):
        for initial_only in (True, False):
            for row in group:
                row.take_mnemonic(mnemonics, initial_only=initial_only)


def lint_warning(text: str) -> str | None:
    """The Dutch personal-data warning for a free text, or None when it looks clean."""
    findings = lint_text(text)
    if not findings:
        return None
    kinds: list[str] = []
    for f in findings:
        label = KIND_LABELS.get(f.kind, f.kind)
        if label not in kinds:
            kinds.append(label)
    first = findings[0].reason
    more = "" if len(findings) == 1 else tr(" (gevonden: {kinds})").format(
        kinds=", ".join(kinds))
    return tr("Let op, persoonsgegevens? ") + first + more


# ---------------------------------------------------------------------------
# Personal data (P2)

PERSONAL_FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Naam"),
    ("bsn", "BSN"),
    ("phone", "Telefoon"),
    ("email", "E-mail"),
    ("address", "Adres"),
    ("service_reference", "Kenmerk van de dienst"),
)


class PersonalFields(QWidget):
    """The citizen's personal data (P2): kept apart from the case's events.

    The BSN is checked with the 11-proef as it is typed. When editing a stored BSN
    the field stays empty (the stored one is only shown masked); leaving it empty
    keeps the stored value.
    """

    changed = Signal()

    def __init__(self, mnemonics: Mnemonics | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.rows: dict[str, FieldRow] = {}
        self._keep_bsn = False
        for key, label in PERSONAL_FIELDS:
            edit = LineField(self, max_length=200 if key != "address" else 300)
            row = FieldRow(key, label, edit, parent=self)
            edit.changed.connect(self.changed.emit)
            self.form.addRow(row.label, row)
            self.rows[key] = row
        if mnemonics is not None:
            assign_mnemonics(list(self.rows.values()), mnemonics)
        bsn = self.editor("bsn")
        bsn.setMaxLength(11)
        bsn.changed.connect(self._check_bsn)

    def editor(self, key: str) -> LineField:
        ed = self.rows[key].editor
        assert isinstance(ed, LineField)
        return ed

    def _check_bsn(self) -> None:
        text = self.editor("bsn").value()
        digits = "".join(ch for ch in text if ch.isdigit())
        if text and len(digits) >= 8 and not is_valid_bsn(text):
            self.rows["bsn"].set_error(tr("geen geldig BSN: voldoet niet aan de 11-proef"))
        elif text and len(digits) < 8 and not self.editor("bsn").hasFocus():
            self.rows["bsn"].set_error(tr("een BSN heeft 9 cijfers"))
        else:
            self.rows["bsn"].set_error(None)

    def problems(self) -> dict[str, str]:
        text = self.editor("bsn").value()
        if text and not is_valid_bsn(text):
            msg = tr("geen geldig BSN: voldoet niet aan de 11-proef")
            self.rows["bsn"].set_error(msg)
            return {"bsn": msg}
        return {}

    def set_stored(self, data: dict[str, str], masked_bsn: str) -> None:
        """Fill for editing; the stored BSN is shown masked as a placeholder only."""
        for key, _label in PERSONAL_FIELDS:
            if key != "bsn":
                self.editor(key).set_value(data.get(key, ""))
        self._keep_bsn = bool(data.get("bsn"))
        self.editor("bsn").setPlaceholderText(
            tr("ongewijzigd: {masked}").format(masked=masked_bsn) if masked_bsn else "")

    def value(self) -> dict[str, str]:
        """Entered values; an empty BSN is left out when a stored one is kept."""
        out = {key: self.editor(key).value() for key, _label in PERSONAL_FIELDS}
        if self._keep_bsn and not out["bsn"]:
            out.pop("bsn")
        return out

    def show_errors(self, errors: Iterable[tuple[str, str]]) -> None:
        for key, msg in errors:
            if key in self.rows:
                self.rows[key].set_error(msg)


# ---------------------------------------------------------------------------
# A layout that wraps buttons onto the next line


class FlowLayout(QLayout):
    """Lays widgets out left to right and wraps them, like words in a paragraph."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6,
                 line_spacing: int | None = None) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._line_spacing = spacing if line_spacing is None else line_spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def addWidget(self, widget: QWidget) -> None:
        self.addChildWidget(widget)
        self.addItem(QWidgetItem(widget))

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._do_layout(QRect(0, 0, width, 0), test_only=True)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._do_layout(rect, test_only=False)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def _do_layout(self, rect: QRect, test_only: bool) -> int:
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        x, y, line_height = area.x(), area.y(), 0
        for item in self._items:
            widget = item.widget()
            if widget is not None and widget.isHidden():
                continue
            hint = item.sizeHint()
            if isinstance(widget, QLabel) and widget.wordWrap() and widget.text():
                # A word-wrapping label stays on one line while that fits, and wraps
                # only when it is wider than the whole line.
                m = widget.contentsMargins()
                natural = (widget.fontMetrics().horizontalAdvance(widget.text())
                           + m.left() + m.right() + 2 * widget.margin() + 4)
                width = min(natural, area.width()) if area.width() > 0 else natural
                hint = QSize(width, widget.heightForWidth(width))
            next_x = x + hint.width() + self._spacing
            if next_x - self._spacing > area.right() + 1 and line_height > 0:
                x = area.x()
                y += line_height + self._line_spacing
                next_x = x + hint.width() + self._spacing
                line_height = 0
            if not test_only:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x = next_x
            line_height = max(line_height, hint.height())
        return y + line_height - rect.y() + m.bottom()


def chain_tab_order(widgets: Iterable[QWidget]) -> None:
    """Tab visits ``widgets`` in the order given (the order a person reads the form).

    Qt's default chain is the order in which widgets were made, which for forms built
    from a model is the model's field order, not the screen's: from Doelgroep, Tab
    jumped past the required Samenvatting.
    """
    previous: QWidget | None = None
    for widget in widgets:
        if previous is not None and widget is not previous:
            QWidget.setTabOrder(previous, widget)
        previous = widget


class ColumnFitter(QObject):
    """The columns of a small list share its width by what they need.

    Qt's "resize to contents" plus one stretching column squeezed the stretching
    column to nothing on a laptop ("Behan", "Be"). Here every column first gets the
    width of its widest cell or header; columns in ``keep`` (case numbers, dates)
    keep it, the others grow or shrink together in proportion when the list is
    wider or narrower than that. Every header, and on hover every cell, shows its
    full text as a tooltip, so a cut text can still be read.
    """

    #: rows measured for a column's width; a longer text further down is cut and
    #: keeps its tooltip (measuring thousands of rows would stall the window)
    SAMPLE = 200

    def __init__(self, view: QTreeView, keep: Iterable[int] = ()) -> None:
        super().__init__(view)
        self.view = view
        self.keep = set(keep)
        header = view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.viewport().installEventFilter(self)
        self._cells: list[int] | None = None
        # Refit (and add tooltips) once after the rows of a refill have arrived.
        self._later = QTimer(self)
        self._later.setSingleShot(True)
        self._later.setInterval(0)
        self._later.timeout.connect(self.refresh)
        model = view.model()
        for changed in (model.rowsInserted, model.rowsRemoved, model.modelReset,
                        model.dataChanged):
            changed.connect(self._later.start)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        elif event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            # A cell without a tooltip of its own shows its full text: asked for on
            # hover, so a list of thousands of rows costs nothing to fill.
            index = self.view.indexAt(event.pos())
            if index.isValid():
                tip = index.data(Qt.ItemDataRole.ToolTipRole) or index.data()
                if tip:
                    QToolTip.showText(event.globalPos(), str(tip), self.view.viewport())
                    return True
        return False

    def refresh(self) -> None:
        self._cells = None  # the rows changed: measure again
        if isinstance(self.view, QTreeWidget):
            head = self.view.headerItem()
            for c in range(self.view.columnCount()):
                if not head.toolTip(c):
                    head.setToolTip(c, head.text(c).replace("\n", " "))
            # A row with text in its first column only ("Geen open escalaties", a
            # group heading) runs across the row instead of being cut off.
            for i in range(self.view.topLevelItemCount()):
                item = self.view.topLevelItem(i)
                if item is not None and not any(item.text(c) for c in
                                                range(1, self.view.columnCount())):
                    item.setFirstColumnSpanned(True)
        self.fit()

    def needs(self) -> list[int]:
        header = self.view.header()
        cells = self._cell_needs()
        return [max(cells[c], header.sectionSizeHint(c)) for c in range(header.count())]

    def _cell_needs(self) -> list[int]:
        """The widest cell per column; a row with text in its first column only (a
        group heading, "Geen open escalaties") may run across the others. Measured
        once per change of the rows, not on every resize."""
        if self._cells is None or len(self._cells) != self.view.header().count():
            self._cells = self._measure()
        return self._cells

    def _measure(self) -> list[int]:
        count = self.view.header().count()
        if not isinstance(self.view, QTreeWidget):
            return [self.view.sizeHintForColumn(c) for c in range(count)]
        need = [0] * count
        fonts: dict[str, QFontMetrics] = {}
        stack = [self.view.topLevelItem(i) for i in range(self.view.topLevelItemCount())]
        indent = self.view.indentation() if self.view.rootIsDecorated() else 0
        measured = 0
        while stack and measured < self.SAMPLE:
            item = stack.pop()
            if item is None:
                continue
            stack.extend(item.child(i) for i in range(item.childCount()))
            if not any(item.text(c) for c in range(1, count)):
                continue
            measured += 1
            for c in range(count):
                font = item.font(c)
                key = font.key()
                metrics = fonts.get(key)
                if metrics is None:
                    metrics = fonts[key] = QFontMetrics(font)
                extra = 12 + (indent * 2 if c == 0 else 0)
                need[c] = max(need[c], metrics.horizontalAdvance(item.text(c)) + extra)
        return need

    def _wrap_headers(self, wrap: bool) -> None:
        """Headers wider than their column's cells on two lines when the list is
        narrow ("In\nbehandeling")."""
        if not isinstance(self.view, QTreeWidget):
            return
        head = self.view.headerItem()
        cells = self._cell_needs() if wrap else []
        header = self.view.header()
        for c in range(self.view.columnCount()):
            text = head.text(c).replace("\n", " ")
            if wrap and " " in text and header.sectionSizeHint(c) > cells[c] + 10:
                middle = len(text) // 2
                spaces = [i for i, ch in enumerate(text) if ch == " "]
                cut = min(spaces, key=lambda i: abs(i - middle))
                text = text[:cut] + "\n" + text[cut + 1:]
            if head.text(c) != text:
                head.setText(c, text)

    def fit(self) -> None:
        width = self.view.viewport().width()
        self._wrap_headers(False)
        need = self.needs()
        if not need or width <= 0:
            return
        if sum(need) > width:
            self._wrap_headers(True)
            need = self.needs()
        fixed = sum(n for c, n in enumerate(need) if c in self.keep)
        flexible = [c for c in range(len(need)) if c not in self.keep]
        room = max(0, width - fixed)
        widths = list(need)
        if sum(need[c] for c in flexible) > room:
            # Too narrow: short columns get what they need, long ones share the rest
            # equally (one long explanation no longer squeezes "Soort" to "Bez…").
            left, todo = room, sorted(flexible, key=lambda c: need[c])
            while todo:
                fair = left // len(todo)
                c = todo.pop(0)
                widths[c] = max(24, min(need[c], fair) if todo else left)
                left -= widths[c]
        else:
            total = sum(need[c] for c in flexible) or 1
            given = 0
            for i, c in enumerate(flexible):  # wider: each grows in proportion
                widths[c] = (room - given if i == len(flexible) - 1
                             else need[c] * room // total)
                given += widths[c]
        for c, w in enumerate(widths):
            self.view.setColumnWidth(c, w)


def plain_label(text: str, parent: QWidget, name: str = "", *, accessible: str = "",
                wrap: bool = True) -> QLabel:
    """A label that shows its text as it is: register content (a title, a path, a
    message) is never read as rich text, so a "<" in it cannot change the page."""
    label = QLabel(text, parent)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    if accessible:
        label.setAccessibleName(accessible)
    return label


def list_tree(parent: QWidget, name: str, accessible: str, headers: Sequence[str], *,
              roots: bool = False, uniform: bool = True) -> QTreeWidget:
    """A read-only list of rows (one chosen at a time): the lists of the pages, the
    wizards and Beheer. ``roots`` shows the branch lines of rows with children."""
    tree = QTreeWidget(parent)
    if name:
        tree.setObjectName(name)
    tree.setAccessibleName(accessible)
    tree.setColumnCount(len(headers))
    tree.setHeaderLabels(list(headers))
    tree.setRootIsDecorated(roots)
    tree.setUniformRowHeights(uniform)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    return tree


def buddy_label(text: str, widget: QWidget, parent: QWidget) -> QLabel:
    """The label of a field, whose mnemonic (``&``) moves the focus to ``widget``."""
    label = QLabel(text, parent)
    label.setBuddy(widget)
    label.setContentsMargins(0, 0, 3, 0)  # the last letter never touches the field
    return label


def busy_bar(parent: QWidget, accessible: str) -> QProgressBar:
    """The thin, hidden "bezig…" bar of pages whose work runs in the worker."""
    bar = QProgressBar(parent)
    bar.setObjectName("busyBar")
    bar.setRange(0, 0)
    bar.setTextVisible(False)
    bar.setMaximumHeight(8)
    bar.setAccessibleName(accessible)
    bar.hide()
    return bar
