"""Helpers for the case-tab, step-form and intake tests (imported, not a conftest).

Modal dialogs cannot be driven from a test while ``exec()`` blocks, so the tests
replace ``StepForm.run`` with a driver that builds the real form non-modally, lets
the test fill it with real key clicks and setters, and presses Save (pytest-qt's
advice for modal dialogs).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox

from app.model.dates import nl_date
from app.storage.crypto import TEST_KDF
from app.storage.repository import Register
from app.ui.session import Session
from app.ui.step_forms import StepForm
from app.ui.widgets import (
    CheckField,
    ChoiceCombo,
    CodeChecklist,
    ContactField,
    DateField,
    LineField,
    ScoreCombo,
    TextField,
)

PASSPHRASE = "een-lange-wachtwoordzin"
VALID_BSN = "123456782"


def make_register(tmp_path: Path) -> Register:
    return Register.create(tmp_path / "r.db", PASSPHRASE, "TST", "Tester", kdf=TEST_KDF)


def days_ago(reg: Register, n: int) -> date:
    return reg.today() - timedelta(days=n)


def registration(reg: Register, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "received_on": days_ago(reg, 60).isoformat(),
        "route": "maatschappelijke_partner",
        "partner_type": "sociaal_raadslieden",
        "partner_org": "Sociaal Raadslieden Utrecht",
        "services": ["dienst_toeslagen"],
        "topics": ["kinderopvangtoeslag"],
        "target_group": "burger",
        "summary": "Terugvordering na herberekening; betalingsregeling vastgelopen.",
    }
    data.update(overrides)
    return data


def new_case(reg: Register, personal: Mapping[str, str] | None = None,
             **overrides: Any) -> str:
    state = reg.register_case(registration(reg, **overrides), personal)
    assert state.number is not None
    return state.number


def triaged_case(reg: Register, **overrides: Any) -> str:
    number = new_case(reg, **overrides)
    reg.append(number, "triaged", {"decided_on": days_ago(reg, 58).isoformat(),
                                   "decision": "in_behandeling",
                                   "reason_code": "vastgelopen_casus",
                                   "reason": "Vastgelopen na bezwaar."})
    return number


def fill(qtbot: Any, editor: Any, value: Any) -> None:
    """Enter a value the way a handler would: typing text, picking codes."""
    if isinstance(editor, DateField):
        editor.clear()
        text = nl_date(value) if isinstance(value, date) else str(value)
        qtbot.keyClicks(editor, text)
    elif isinstance(editor, (LineField, TextField)):
        editor.clear()
        qtbot.keyClicks(editor, str(value))
    elif isinstance(editor, ScoreCombo):
        editor.set_value(None if value is None else str(value))
    elif isinstance(editor, ChoiceCombo):
        editor.set_value(value)
    elif isinstance(editor, CodeChecklist):
        for key in value:
            box = editor.boxes[key]
            if not box.isChecked():
                click_check(qtbot, box)
    elif isinstance(editor, CheckField):
        if editor.isChecked() != bool(value):
            click_check(qtbot, editor)
    elif isinstance(editor, ContactField):
        for key, text in value.items():
            qtbot.keyClicks(editor.edits[key], text)
    else:  # pragma: no cover - a new editor type needs a line here
        raise TypeError(type(editor))


def click_check(qtbot: Any, box: QCheckBox) -> None:
    """Click the box's indicator, as a handler would."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def fill_form(qtbot: Any, form: StepForm, values: Mapping[str, Any]) -> None:
    for name, value in values.items():
        fill(qtbot, form.row(name).editor, value)


class FormDriver:
    """Replaces ``StepForm.run``: each call builds the real form and hands it to the
    next queued filler; the filler may save itself (returning the result) or leave
    saving to the driver."""

    def __init__(self, monkeypatch: Any, qtbot: Any) -> None:
        self.qtbot = qtbot
        self.queue: list[Callable[[StepForm], bool | None]] = []
        self.forms: list[StepForm] = []
        driver = self

        def run(cls: type[StepForm], session: Session, number: str, kind: str,
                parent: Any = None, *, target: str | None = None,
                preset: Mapping[str, Any] | None = None) -> bool:
            form = cls(session, number, kind, parent, target=target, preset=preset)
            qtbot.addWidget(form)
            driver.forms.append(form)
            filler = driver.queue.pop(0)
            result = filler(form)
            if result is None:
                result = form.save()
            form.close()
            return bool(result)

        monkeypatch.setattr(StepForm, "run", classmethod(run))

    def then(self, values: Mapping[str, Any] | None = None,
             check: Callable[[StepForm], bool | None] | None = None) -> FormDriver:
        """Queue a filler: type ``values``, then run ``check`` (or save)."""

        def filler(form: StepForm) -> bool | None:
            fill_form(self.qtbot, form, values or {})
            return check(form) if check else None

        self.queue.append(filler)
        return self


@pytest.fixture
def reg(tmp_path: Path) -> Any:
    register = make_register(tmp_path)
    yield register
    if register.conn is not None:
        register.close()


@pytest.fixture
def session(reg: Register, qapp: Any) -> Session:
    return Session(reg)
