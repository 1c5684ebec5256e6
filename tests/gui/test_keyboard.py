"""Keyboard only (issue 11, items 4 and 5): the wheel leaves closed drop-downs alone,
Tab walks every form in the order a person reads it, and every Alt letter opens one
control only."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from app.ui.intake import IntakeForm
from app.ui.mainwindow import MainWindow
from tests.gui.helpers_ui import clashes, tab_stops, walk_tabs


def owner(widget: QWidget | None, candidates: list[QWidget]) -> QWidget | None:
    """The candidate that is ``widget`` or contains it (a combo's inner line edit)."""
    while widget is not None and widget not in candidates:
        widget = widget.parentWidget()
    return widget


@pytest.fixture
def window(qtbot: Any, session: Any, opener: Any) -> MainWindow:
    win = MainWindow(session, opener=opener)
    qtbot.addWidget(win)
    win.resize(1366, 768)
    with qtbot.waitActive(win):
        win.show()
        win.activateWindow()
    qtbot.waitUntil(lambda: not win.reader.busy, timeout=5000)
    return win


def test_intake_tab_chain_follows_the_screen(qtbot: Any, window: MainWindow) -> None:
    window.new_case()
    form = window.tabs.currentWidget()
    assert isinstance(form, IntakeForm)
    expected = tab_stops([*form.form.focus_widgets(),
                          *(w for r in form.personal.rows.values() for w in r.focus_widgets()),
                          form.save_button, form.cancel_button])
    start = form.form.rows["received_on"].editor
    walked = [owner(w, expected) for w in walk_tabs(qtbot, start, len(expected) - 1)]
    assert walked == expected


def test_from_doelgroep_tab_reaches_samenvatting(qtbot: Any, window: MainWindow) -> None:
    window.new_case()
    form = window.tabs.currentWidget()
    assert isinstance(form, IntakeForm)
    target_group = form.form.rows["target_group"].editor
    walked = walk_tabs(qtbot, target_group, 1)
    assert walked[1] is form.form.rows["summary"].editor
    assert form.form.rows["summary"].label.text().startswith("Sa&menvatting")


# ---------------------------------------------------------------------------- step forms


def case_for(reg: Any, kind: str) -> str:
    """A case of the example register that offers ``kind`` as its next step."""
    from app.storage.repository import CaseQuery

    rows = reg.list_cases(CaseQuery(limit=100))
    for row in rows:
        if kind in reg.case(row.number).state.next_steps:
            return str(row.number)
    return str(rows[0].number)


def step_kinds() -> list[str]:
    from app.ui.step_forms import ACTIONS

    return sorted(ACTIONS)


@pytest.mark.parametrize("kind", step_kinds())
def test_step_form_tab_chain_and_alt_letters(qtbot: Any, session: Any, kind: str) -> None:
    from app.ui.step_forms import StepForm

    reg = session.register
    form = StepForm(session, case_for(reg, kind), kind)
    qtbot.addWidget(form)
    with qtbot.waitActive(form):
        form.show()
        form.activateWindow()
    assert form.form is not None
    expected = tab_stops([*form.form.focus_widgets(),
                          *(form.deadlines.focus_widgets() if form.deadlines else []),
                          form.save_button, form.cancel_button])
    walked = [owner(w, expected) for w in walk_tabs(qtbot, expected[0], len(expected))]
    assert walked[:len(expected)] == expected
    assert walked[len(expected)] is expected[0]  # round again, no trap, nothing skipped
    assert clashes(form) == {}
    for row in form.form.rows.values():
        if row.required and row.isVisible():
            assert row.has_mnemonic(), row.text


def test_correction_and_retraction_forms(qtbot: Any, session: Any) -> None:
    from app.ui.step_forms import StepForm

    reg = session.register
    number = case_for(reg, "closed")
    state = reg.case(number).state
    registered = next(e for e in state.effective if e.kind == "registered")
    for kind, target in (("corrected", registered.id), ("retracted", state.effective[-1].id)):
        form = StepForm(session, number, kind, target=target)
        qtbot.addWidget(form)
        form.show()
        assert clashes(form) == {}
        assert form.reason_row is not None and form.reason_row.has_mnemonic()


# ---------------------------------------------------------------------------- the window


def window_states(window: MainWindow) -> Any:
    """Every page and view of the main window a handler can be in; yields its name."""
    from app.ui.mainwindow import NAV_CASES, NAV_SIGNALS

    for page in range(window.nav.count()):
        window.show_page(page)
        yield f"page {page}"
    window.show_page(NAV_CASES)
    number = case_for(window.session.register, "reopened")
    window.open_case(number)
    tab = window.tabs.currentWidget()
    for i in range(tab.tabs.count()):
        tab.tabs.setCurrentIndex(i)
        if tab.tabs.currentWidget() is tab.personal_page:
            tab.show_personal()
        yield f"case tab {tab.tabs.tabText(i)}"
    window.new_case()
    yield "intake"
    window.show_page(NAV_SIGNALS)
    page = window.signals_page
    page.start_create()
    yield "new signal"
    page._cancel_form()
    page.list.setCurrentItem(page.list.topLevelItem(0))
    for kind in page.STEP_BUTTONS:
        page.start_step(kind[0])
        yield f"signal step {kind[0]}"
    page._cancel_form()


def test_alt_letters_are_unique_in_every_state_of_the_window(qtbot: Any,
                                                             window: MainWindow) -> None:
    seen = []
    for state in window_states(window):
        QApplication.processEvents()
        assert clashes(window) == {}, state
        seen.append(state)
    assert len(seen) > 10


def test_case_buttons_do_not_share_alt_a_with_afdrukken(qtbot: Any,
                                                        window: MainWindow) -> None:
    window.open_case(case_for(window.session.register, "service_response"))
    tab = window.tabs.currentWidget()
    assert "service_response" in tab.step_buttons
    letters = {k: v for k, v in clashes(window).items()}
    assert letters == {}
    assert tab.print_button.text() == "&Afdrukken…"
    assert all("&A" not in b.text() and "&a" not in b.text()
               for b in tab.step_buttons.values())


# ---------------------------------------------------------------------------- the wheel


def wheel(widget: QWidget, steps: int = -1) -> None:
    """Turn the mouse wheel over ``widget`` (negative: towards the user, scrolling down)."""
    pos = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(pos, QPointF(widget.mapToGlobal(pos.toPoint())), QPoint(),
                        QPoint(0, 120 * steps), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_scrolls_the_form_past_a_closed_drop_down(qtbot: Any,
                                                            window: MainWindow) -> None:
    window.new_case()
    form = window.tabs.currentWidget()
    assert isinstance(form, IntakeForm)
    consent = form.form.rows["consent"].editor
    bar = form.scroll_area.verticalScrollBar()
    assert bar.maximum() > 0  # the intake scrolls at 1366x768
    bar.setValue(bar.maximum() // 2)
    form.scroll_area.ensureWidgetVisible(consent)
    before_value, before_scroll = consent.value(), bar.value()
    form.form.rows["summary"].editor.setFocus()
    wheel(consent)
    assert consent.value() == before_value  # "(niet ingevuld)" stays
    assert bar.value() != before_scroll  # the form scrolled instead

    consent.setFocus()
    qtbot.waitUntil(consent.hasFocus, timeout=2000)
    wheel(consent)
    assert consent.value() != before_value  # a focused drop-down does take the wheel


def test_the_wheel_leaves_an_unfocused_date_filter_alone(qtbot: Any,
                                                         window: MainWindow) -> None:
    page = window.cases_page
    page.date_check.setChecked(True)
    date_from = page.date_from
    before = date_from.date()
    page.search_edit.setFocus()
    wheel(date_from, 1)
    assert date_from.date() == before
    assert date_from.focusPolicy() != Qt.FocusPolicy.WheelFocus


def test_ctrl_enter_saves_a_new_signal(qtbot: Any, window: MainWindow) -> None:
    from app.ui.mainwindow import NAV_SIGNALS

    reg = window.session.register
    before = len(reg.list_signals())
    window.show_page(NAV_SIGNALS)
    page = window.signals_page
    page.start_create()
    form = page.forms["signal_created"]
    qtbot.keyClicks(form.widgets["title"], "Herinneringen zonder termijn")
    qtbot.keyClicks(form.widgets["problem"], "De herinnering noemt geen termijn.")
    qtbot.keyClicks(form.widgets["proposed_solution"], "Noem de termijn in elke brief.")
    box = form.widgets["services"].findChildren(QAbstractButton)[0]
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(reg.list_signals()) == before + 1, timeout=3000)
