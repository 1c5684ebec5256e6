"""A 1366x768 laptop (issue 11, items 1-3, 7, 8, 10 and 12): every page and form fits,
no button is cut off, the window opens inside the screen, the lists show what matters
without scrolling sideways, and an empty or locked register says what to do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QByteArray, QEvent, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QHeaderView, QToolTip, QWidget

from app.storage.interchange_io import import_file
from app.storage.repository import Register
from app.ui import geometry
from app.ui.mainwindow import NAV_CASES, NAV_OVERVIEW, NAV_SIGNALS, MainWindow
from app.ui.session import Session
from tests.gui.helpers_ui import LAPTOP, WIDE, assert_fits, clipped_buttons
from tests.helpers.registers import EXAMPLE, make_register

LONG_NAME = "Mr. dr. Alexandra Wilhelmina van den Berg-Hoogeveen de Jong"


@pytest.fixture
def long_register(tmp_path: Path) -> Any:
    """The example register, recorded by a handler with a very long name."""
    reg = make_register(tmp_path, handler=LONG_NAME)
    import_file(reg, EXAMPLE)
    yield reg
    if reg.conn is not None:
        reg.close()


def open_window(qtbot: Any, reg: Register, size: tuple[int, int] = LAPTOP) -> MainWindow:
    win = MainWindow(Session(reg))
    qtbot.addWidget(win)
    win.show()
    win.resize(*size)  # after showing: the test screen is smaller than a laptop's
    qtbot.waitUntil(lambda: not win.reader.busy, timeout=5000)
    return win


def test_every_page_fits_a_laptop_screen(qtbot: Any, long_register: Register) -> None:
    win = open_window(qtbot, long_register)
    for page in range(win.nav.count()):
        win.show_page(page)
        qtbot.waitUntil(lambda: not win.reader.busy, timeout=5000)
        assert_fits(win)


def test_a_closed_case_with_an_open_deadline_fits(qtbot: Any,
                                                  long_register: Register) -> None:
    win = open_window(qtbot, long_register)
    win.open_case("V-012")  # closed, its bezwaartermijn never recorded as met
    tab = win.tabs.currentWidget()
    assert tab.deadline_label.text().startswith("Openstaande termijn: Bezwaartermijn")
    assert LONG_NAME in tab.handler_label.text()
    for i in range(tab.tabs.count()):
        tab.tabs.setCurrentIndex(i)
        assert_fits(win)
    # the header's facts wrapped onto more lines instead of widening the window
    assert tab.handler_label.geometry().top() > tab.age_label.geometry().top() or (
        tab.handler_label.height() > tab.age_label.height())


def test_intake_and_signal_forms_fit(qtbot: Any, long_register: Register) -> None:
    win = open_window(qtbot, long_register)
    win.new_case()
    assert_fits(win)
    assert win.tabs.currentWidget().scroll_area.horizontalScrollBar().maximum() == 0
    win.show_page(NAV_SIGNALS)
    qtbot.waitUntil(lambda: not win.reader.busy, timeout=5000)
    page = win.signals_page
    page.start_create()
    assert_fits(win)  # Opslaan was cut to "Ops", or out of sight
    save = page.forms["signal_created"].save_button
    assert save.visibleRegion().boundingRect() == save.rect()
    page._cancel_form()
    page.list.setCurrentItem(page.list.topLevelItem(0))
    for kind, *_ in page.STEP_BUTTONS:
        page.start_step(kind)
        assert_fits(win)
    for size in (LAPTOP, WIDE):
        win.resize(*size)
        page.start_create()
        assert clipped_buttons(win) == []


def test_step_forms_fit_the_screen(qtbot: Any, monkeypatch: pytest.MonkeyPatch,
                                   long_register: Register) -> None:
    from app.ui.step_forms import ACTIONS, StepForm

    monkeypatch.setattr(geometry, "available_geometry", lambda _w: QRect(0, 0, *LAPTOP))
    session = Session(long_register)
    number = "V-012"
    state = long_register.case(number).state
    registered = next(e for e in state.effective if e.kind == "registered")
    forms = [StepForm(session, number, kind) for kind in ACTIONS]
    forms.append(StepForm(session, number, "corrected", target=registered.id))
    for form in forms:
        qtbot.addWidget(form)
        form.show()
        QApplication.processEvents()
        frame = form.frameGeometry()
        assert frame.width() <= LAPTOP[0] and frame.height() <= LAPTOP[1], form.windowTitle()
        hint = form.minimumSizeHint()
        assert hint.width() <= LAPTOP[0] and hint.height() <= LAPTOP[1], form.windowTitle()
        assert clipped_buttons(form) == [], form.windowTitle()


# ---------------------------------------------------------------------------- geometry


def test_a_saved_geometry_larger_than_the_screen_is_clamped(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, small_register: Register) -> None:
    screen = QRect(0, 0, *LAPTOP)
    monkeypatch.setattr(geometry, "available_geometry", lambda _w: screen)
    monitor = QWidget()  # the window as it was left on a big monitor, last week
    qtbot.addWidget(monitor)
    monitor.setGeometry(600, 400, 1920, 1200)
    geometry.save_window(monitor, "main")
    saved = geometry.ui_state().value("window/main")
    assert isinstance(saved, QByteArray) and not saved.isEmpty()

    win = MainWindow(Session(small_register))  # today, on the laptop
    qtbot.addWidget(win)
    frame = win.frameGeometry()
    assert screen.contains(frame), frame
    assert win.width() <= LAPTOP[0] and win.height() <= LAPTOP[1]


def test_first_start_without_saved_geometry_fits_the_screen(
        qtbot: Any, monkeypatch: pytest.MonkeyPatch, small_register: Register) -> None:
    screen = QRect(0, 0, *LAPTOP)
    monkeypatch.setattr(geometry, "available_geometry", lambda _w: screen)
    win = MainWindow(Session(small_register))
    qtbot.addWidget(win)
    assert screen.contains(win.frameGeometry())


# ---------------------------------------------------------------------------- lists


def section_right(header: QHeaderView, column: int) -> int:
    return header.sectionViewportPosition(column) + header.sectionSize(column)


@pytest.mark.parametrize("size", [LAPTOP, WIDE])
def test_case_list_shows_every_column_and_tells_the_rest(qtbot: Any,
                                                          small_register: Register,
                                                          size: tuple[int, int]) -> None:
    from app.ui.cases_model import COLUMNS

    win = open_window(qtbot, small_register, size)
    table = win.cases_page.table
    QApplication.processEvents()
    header = table.horizontalHeader()
    deadline = [k for k, _ in COLUMNS].index("next_deadline")
    assert section_right(header, deadline) <= table.viewport().width()
    assert table.horizontalScrollBar().maximum() == 0  # nothing to scroll sideways
    model = table.model()
    for column in range(model.columnCount()):
        assert model.headerData(column, Qt.Orientation.Horizontal,
                                Qt.ItemDataRole.ToolTipRole)
    for row in range(model.rowCount()):
        for column, (key, _title) in enumerate(COLUMNS):
            text = model.index(row, column).data()
            tip = model.index(row, column).data(Qt.ItemDataRole.ToolTipRole) or ""
            if text and key in ("route", "services", "topics", "handler", "next_deadline"):
                parts = text.replace(" – ", " · ").split(" · ")
                assert all(part in tip for part in parts), (key, text, tip)


def test_dashboard_tables_share_their_width(qtbot: Any, small_register: Register) -> None:
    win = open_window(qtbot, small_register, WIDE)
    win.show_page(NAV_OVERVIEW)
    qtbot.waitUntil(lambda: win.overview_page.handler_tree.topLevelItemCount() > 0,
                    timeout=10000)
    page = win.overview_page
    for tree in (page.handler_tree, page.escalation_tree, page.deadline_tree):
        qtbot.waitUntil(lambda t=tree: t.headerItem().toolTip(0) != "", timeout=3000)
        header = tree.header()
        widths = [header.sectionSize(c) for c in range(header.count())]
        assert sum(widths) <= tree.viewport().width() + 1
        assert min(widths) >= 24
        for c in range(header.count()):
            assert tree.headerItem().toolTip(c)
    # a cut cell shows its full text on hover
    tree = page.deadline_tree
    item = tree.topLevelItem(0)
    assert item is not None and item.text(2)
    rect = tree.visualItemRect(item)
    x = tree.header().sectionViewportPosition(2) + 4
    event = QHelpEvent(QEvent.Type.ToolTip, QPoint(x, rect.center().y()),
                       tree.viewport().mapToGlobal(QPoint(x, rect.center().y())))
    QApplication.sendEvent(tree.viewport(), event)
    assert QToolTip.isVisible() and QToolTip.text() == item.text(2)
    QToolTip.hideText()
    # at 1440 pixels the names of handlers are not cut ("Behan", "Be")
    for tree in (page.handler_tree, page.escalation_tree):
        column = 0 if tree is page.handler_tree else 1
        needed = tree.fontMetrics().horizontalAdvance("Behandelaar")
        assert tree.header().sectionSize(column) > needed


def test_sort_arrow_points_down_for_newest_first(qtbot: Any, small_register: Register) -> None:
    from app.ui.style import apply_style

    apply_style(QApplication.instance())
    win = open_window(qtbot, small_register)
    header = win.cases_page.table.horizontalHeader()
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder

    def arrow_rows() -> list[int]:
        column = header.sortIndicatorSection()
        x0 = header.sectionViewportPosition(column)
        image: QImage = header.grab(QRect(x0, 0, header.sectionSize(column),
                                          header.height())).toImage()
        dark = []
        for y in range(image.height()):
            dark.append(sum(1 for x in range(image.width() - 16, image.width())
                            if QColor(image.pixel(x, y)).lightness() < 110))
        widest = dark.index(max(dark))  # the triangle: the dark rows around its base
        top = widest
        while top > 0 and dark[top - 1]:
            top -= 1
        bottom = widest
        while bottom < len(dark) - 1 and dark[bottom + 1]:
            bottom += 1
        return dark[top:bottom + 1]

    rows = arrow_rows()  # the triangle, top to bottom
    assert len(rows) >= 2 and rows[0] > rows[-1]  # wide at the top: it points down
    header.setSortIndicator(header.sortIndicatorSection(), Qt.SortOrder.AscendingOrder)
    rows = arrow_rows()
    assert len(rows) >= 2 and rows[0] < rows[-1]  # oldest first: it points up


# ---------------------------------------------------------------------------- hints


@pytest.fixture
def empty_register(tmp_path: Path) -> Any:
    reg = make_register(tmp_path)
    yield reg
    if reg.conn is not None:
        reg.close()


def test_an_empty_register_says_how_to_start(qtbot: Any, empty_register: Register) -> None:
    win = open_window(qtbot, empty_register)
    table = win.cases_page.table
    assert table.empty_label.isVisible()
    assert table.empty_label.text() == "Nog geen casussen. Nieuwe casus: Ctrl+N"
    win.cases_page.search_edit.setText("toeslag")
    win.cases_page.apply_filters()
    assert table.empty_label.text().startswith("Geen casussen met deze zoekopdracht")
    win.cases_page.reset_filters()
    assert table.empty_label.text() == "Nog geen casussen. Nieuwe casus: Ctrl+N"
    win.new_case_action.trigger()
    assert win.tabs.currentIndex() == 1  # Ctrl+N does what the hint says


def test_a_full_list_shows_no_hint(qtbot: Any, small_register: Register) -> None:
    win = open_window(qtbot, small_register)
    win.show_page(NAV_CASES)
    assert not win.cases_page.table.empty_label.isVisible()


def test_nothing_stands_beside_the_unlock_dialog(qtbot: Any, small_register: Register,
                                                 opener: Any) -> None:
    win = MainWindow(Session(small_register), opener=opener)
    qtbot.addWidget(win)
    win.show()
    win.resize(*LAPTOP)
    win.lock_now()
    qtbot.waitUntil(lambda: win.unlock_dialog is not None and win.unlock_dialog.isVisible(),
                    timeout=3000)
    assert win.locked_page.isVisible()
    assert not win.locked_body.isVisible()  # the dialog says it all
    win.unlock_dialog.reject()
    qtbot.waitUntil(lambda: win.unlock_dialog is None, timeout=3000)
    assert win.locked_body.isVisible()  # without the dialog: the text and the button
    assert win.unlock_button.isVisible()
