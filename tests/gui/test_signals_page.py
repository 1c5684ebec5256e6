"""Signalen: create a signal, submit it, record the response and the feedback."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.ui.signals_page import AWAITING, SignalsPage


@pytest.fixture
def page(qtbot: Any, session: Any) -> SignalsPage:
    page = SignalsPage(session)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.reload()
    return page


def row_of(page: SignalsPage, number: str) -> Any:
    for i in range(page.list.topLevelItemCount()):
        item = page.list.topLevelItem(i)
        if item.text(0) == number:
            return item
    return None


def test_create_and_submit_a_signal(qtbot: Any, page: SignalsPage, session: Any) -> None:
    before = page.list.topLevelItemCount()
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    form = page.forms["signal_created"]
    assert page.stack.currentIndex() == 2 and form.isVisible()
    qtbot.keyClicks(form.widgets["title"], "Herinneringsbrief noemt geen betaalregeling")
    qtbot.keyClicks(form.widgets["problem"],
                    "Mensen met een betalingsachterstand weten niet dat een regeling kan.")
    qtbot.keyClicks(form.widgets["proposed_solution"],
                    "Noem de betalingsregeling en het telefoonnummer van de dienst in de brief.")
    theme = form.widgets["theme"]
    theme.setCurrentIndex(theme.findData("dienstverlening"))
    # a required field missing: the form says so and nothing is saved
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert form.message.isVisible() and "Diensten" in form.message.text()
    assert len(session.register.list_signals()) == before
    check = next(c for c in form.widgets["services"].findChildren(type(page.awaiting_only))
                 if "Belastingdienst" in c.text().replace("&", ""))
    check.setChecked(True)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    signals = session.register.list_signals()
    assert len(signals) == before + 1
    number = page.current
    assert number is not None and number.startswith("S-")
    assert row_of(page, number) is not None
    assert page.stack.currentIndex() == 1
    assert "Herinneringsbrief" in page.detail_title.text()
    assert page.list.currentItem().text(0) == number

    # submitted: recipient and external reference
    qtbot.mouseClick(page.step_buttons["signal_submitted"], Qt.MouseButton.LeftButton)
    submit = page.forms["signal_submitted"]
    assert page.step_box.isVisible()
    recipient = submit.widgets["recipient"]
    recipient.setCurrentIndex(recipient.findData("ksms_belastingdienst"))
    qtbot.keyClicks(submit.widgets["external_ref"], "KSMS-2025-0417")
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.mouseClick(submit.save_button, Qt.MouseButton.LeftButton)
    state, _events, _cases = session.register.signal(number)
    assert state.status == "ingediend"
    assert state.submissions[0].payload["recipient"] == "ksms_belastingdienst"
    assert state.submissions[0].payload["external_ref"] == "KSMS-2025-0417"
    assert row_of(page, number).text(2) == "Ingediend"
    assert any("KSMS-2025-0417" in page.history.item(i).text()
               for i in range(page.history.count()))
    assert not page.step_box.isVisible()

    # a response: now the partners wait for feedback, and the page says so
    qtbot.mouseClick(page.step_buttons["signal_response"], Qt.MouseButton.LeftButton)
    response = page.forms["signal_response"]
    response.widgets["status"].setCurrentIndex(response.widgets["status"].findData(
        "in_behandeling"))
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.mouseClick(response.save_button, Qt.MouseButton.LeftButton)
    assert row_of(page, number).text(2) == AWAITING
    assert AWAITING in page.detail_status.text()
    page.awaiting_only.setChecked(True)
    assert row_of(page, number) is not None
    assert all(page.list.topLevelItem(i).text(2) == AWAITING
               for i in range(page.list.topLevelItemCount()))
    page.awaiting_only.setChecked(False)

    # feedback given to the partners: no longer waiting
    qtbot.mouseClick(page.step_buttons["signal_feedback_given"], Qt.MouseButton.LeftButton)
    feedback = page.forms["signal_feedback_given"]
    qtbot.keyClicks(feedback.widgets["to"], "sociaal raadslieden in de regio")
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.mouseClick(feedback.save_button, Qt.MouseButton.LeftButton)
    assert row_of(page, number).text(2) == "Teruggekoppeld"
    assert session.register.signal(number)[0].status == "teruggekoppeld"


def test_link_a_case_and_lint_warning(qtbot: Any, page: SignalsPage, session: Any) -> None:
    page.list.setCurrentItem(page.list.topLevelItem(0))
    number = page.current
    assert number is not None
    _state, _e, cases = session.register.signal(number)
    candidate = next(c.number for c in session.register.list_cases()
                     if c.number not in cases)
    qtbot.keyClicks(page.link_edit, candidate)
    with qtbot.waitSignal(session.case_changed, timeout=2000):
        qtbot.keyClick(page.link_edit, Qt.Key.Key_Return)
    assert candidate in session.register.signal(number)[2]
    shown = [page.case_list.item(i).text() for i in range(page.case_list.count())]
    assert candidate in shown

    page.start_create()
    form = page.forms["signal_created"]
    qtbot.keyClicks(form.widgets["title"], "Bel mevrouw op 06-12345678")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert "persoonsgegevens" in form.message.text()
    assert "Toch" in form.save_button.text()
    qtbot.mouseClick(form.cancel_button, Qt.MouseButton.LeftButton)
    assert form.widgets["title"].text() == ""  # cancelling empties the form


def test_clear_on_lock(qtbot: Any, page: SignalsPage) -> None:
    page.list.setCurrentItem(page.list.topLevelItem(0))
    assert page.detail_title.text()
    page.clear()
    assert page.list.topLevelItemCount() == 0
    assert page.detail_title.text() == "" and page.history.count() == 0


def test_a_title_with_tags_is_shown_as_typed(qtbot: Any, page: SignalsPage,
                                             session: Any) -> None:
    """A title can come from another laptop's bundle: "<b>" in it is text, not markup."""
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    form = page.forms["signal_created"]
    title = "<b>Vet</b> & <i>schuin</i>"
    qtbot.keyClicks(form.widgets["title"], title)
    qtbot.keyClicks(form.widgets["problem"], "Een probleem dat iedereen raakt.")
    qtbot.keyClicks(form.widgets["proposed_solution"], "Een oplossing voor iedereen.")
    theme = form.widgets["theme"]
    theme.setCurrentIndex(theme.findData("dienstverlening"))
    next(c for c in form.widgets["services"].findChildren(type(page.awaiting_only))
         if "Belastingdienst" in c.text().replace("&", "")).setChecked(True)
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert page.detail_title.text() == f"{page.current} – {title}"
    assert page.detail_title.textFormat() == Qt.TextFormat.PlainText
    assert page.detail_status.textFormat() == Qt.TextFormat.PlainText
