"""Overzicht: the figures are the metric function's, the lists the register's, and a
lock leaves nothing behind.

Every expectation is computed here independently from ``app.storage.figures`` and the
Register's own queries, on the test's connection, never read back from the page.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QWidget

from app.model.fold import fold_case
from app.model.metrics import weekly_intake
from app.storage.figures import figures
from app.storage.repository import CaseQuery
from app.ui import dashboard
from app.ui.charts import SERIES_STYLES, BarChart, LineChart, Series, nice_scale
from app.ui.dashboard import (
    AGE_KEYS,
    FLOW_CARDS,
    LAST_WEEK,
    STOCK_CARDS,
    THIS_WEEK,
    DashboardPage,
    period_of,
)
from app.ui.mainwindow import NAV_OVERVIEW, MainWindow
from tests.gui.conftest import BIG_END, PASSPHRASE, unnamed_controls, visible_texts
from tests.gui.helpers_case import registration

SMALL_TODAY = date(2025, 12, 10)  # a Wednesday in a busy week of the example file


def shown(value: Any, key: str = "") -> str:
    """How a figure reads on a card and in the report (Dutch notation, the catalogue's
    precision: score means 2 decimals, other non-counts 1), written out independently."""
    if value is None:
        return "–"
    if isinstance(value, float) or key.endswith(".mean"):
        places = 2 if key.endswith(".mean") else 1
        whole, frac = f"{value:.{places}f}".split(".")
        return f"{int(whole):,}".replace(",", ".") + "," + frac
    return f"{int(value):,}".replace(",", ".")


def open_page(qtbot: Any, session: Any, today: date) -> DashboardPage:
    session.register.today = lambda: today
    page = DashboardPage(session)
    qtbot.addWidget(page)
    page.resize(1400, 1000)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        page.show()  # showing the page starts the computation
    return page


def chart_has_ink(image: QImage, colour: QColor) -> bool:
    """Whether any pixel of the rendered chart has the series colour (bars drawn)."""
    step = 3
    return any(image.pixelColor(x, y) == colour
               for y in range(0, image.height(), step) for x in range(0, image.width(), step))


# --------------------------------------------------------------------------- figures


@pytest.mark.slow
def test_cards_targets_lists_and_charts_equal_the_register(qtbot: Any,
                                                           big_session: Any) -> None:
    reg = big_session.register
    page = open_page(qtbot, big_session, BIG_END)
    monday = BIG_END - timedelta(days=BIG_END.weekday())
    assert page.kind == THIS_WEEK and page.week_button.isChecked()

    expected = figures(reg, monday, BIG_END)  # computed independently
    assert (page.data.start, page.data.end) == (monday, BIG_END)
    for key, _title, _unit in FLOW_CARDS:
        card = page.cards[key]
        assert card.period_value == expected.period[key], key
        assert card.ytd_value == expected.year_to_date[key], key
        assert card.value_label.text() == shown(expected.period[key], key), key
        assert card.sub_label.text() == \
            f"jaar tot nu: {shown(expected.year_to_date[key], key)}"
    for key, _title, _unit in STOCK_CARDS:
        assert page.cards[key].period_value == expected.period[key], key
        assert page.cards[key].value_label.text() == shown(expected.period[key], key), key
    assert expected.period["intake.total"] > 0 and expected.year_to_date["intake.total"] > 100
    closed = page.cards["closed.total"].detail_label.text()
    assert closed == (f"(deels) opgelost: "
                      f"{expected.period['closed.resolved.without_escalation']} minnelijk, "
                      f"{expected.period['closed.resolved.after_escalation']} "
                      "na heroverwegingsverzoek")
    # submissions are not signals: the card says how many signals were ever submitted
    assert page.cards["signals.submitted"].title == "Indieningen van signalen"
    signals = [s for s in (reg.signal(r.number)[0] for r in reg.list_signals()) if s.creation]
    assert page.cards["signals.submitted"].detail_label.text() == (
        f"signalen ooit ingediend: {sum(1 for s in signals if s.submissions)} "
        f"van {len(signals)}")
    assert "19-12-2025" in page.period_label.text() and "vandaag" in page.period_label.text()
    assert page.period_label.text().startswith("Deze week (week 51): maandag 15-12-2025")

    # targets: words, not colour alone
    for route in ("belastingdienst", "dienst_toeslagen"):
        value = expected.year_to_date[f"targets.ytd.{route}"]
        bar = page.target_bars[route]
        assert bar.text.startswith(f"{value} van 20")
        assert ("doel gehaald" in bar.text) == (value >= 20)
        assert bar.bar.maximum() == 20 and bar.bar.value() == min(value, 20)
        assert f"{value} van 20" in bar.bar.accessibleName()

    # per handler, open escalations and this fortnight's deadlines: from each case's
    # fold (not from the queries the page runs on the projection). A case's handler is
    # the one assigned, else who registered it.
    cases, _signals = reg.grouped_events()
    states = [st for st in (fold_case(evs) for evs in cases) if not st.destroyed]
    open_ = [st for st in states if st.status in ("aangemeld", "in_behandeling")]
    load = Counter((st.handler or st.registered_by, st.status) for st in open_)
    rows = [page.handler_tree.topLevelItem(i)
            for i in range(page.handler_tree.topLevelItemCount())]
    assert rows[-1].text(0) == "Totaal"
    assert [r.text(0) for r in rows[:-1]] == sorted({h for h, _ in load})
    for row in rows[:-1]:
        handler = row.text(0)
        assert int(row.text(1)) == load[handler, "aangemeld"]
        assert int(row.text(2)) == load[handler, "in_behandeling"]
    assert int(rows[-1].text(1)) == sum(st.status == "aangemeld" for st in open_)
    assert int(rows[-1].text(2)) == sum(st.status == "in_behandeling" for st in open_)

    escalated = sorted((st.received_on, st.number) for st in states
                       if st.phase == "geescaleerd")
    assert escalated
    tree = page.escalation_tree
    assert [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())] == \
        [number for _, number in escalated]
    assert f"vandaag: {len(escalated)})" in page.escalation_head.text()
    due = sorted((d.due_on, st.number) for st in open_ for d in st.deadlines
                 if d.met_on is None and d.due_on is not None
                 and d.due_on <= BIG_END + timedelta(days=14))
    assert due
    tree = page.deadline_tree
    assert [(tree.topLevelItem(i).text(0), tree.topLevelItem(i).text(1))
            for i in range(tree.topLevelItemCount())] == \
        [(number, on.strftime("%d-%m-%Y")) for on, number in due]

    # charts: the series they were given, and a real rendering
    weekly = weekly_intake(cases, 2025, BIG_END)
    assert page.intake_chart.categories == tuple(str(w) for w, _ in weekly)
    assert page.intake_chart.values("Instroom") == tuple(n for _, n in weekly)
    assert len(weekly) == 51
    assert page.age_chart.values("Open") == tuple(expected.period[k] for k, _s, _l in AGE_KEYS)
    assert sum(page.age_chart.values("Open")) == expected.period["open.total"]
    assert page.resolved_chart.categories == ("Deze week", "Jaar tot nu")
    for name, key in (("Minnelijk", "closed.resolved.without_escalation"),
                      ("Na heroverwegingsverzoek", "closed.resolved.after_escalation")):
        assert page.resolved_chart.values(name) == (expected.period[key],
                                                    expected.year_to_date[key])
    accent = SERIES_STYLES[0][0]
    for chart in (page.intake_chart, page.age_chart, page.resolved_chart):
        image = chart.grab().toImage()
        assert not image.isNull() and image.width() > 200 and image.height() > 150
        assert chart_has_ink(image, accent), chart.objectName()
        assert chart.accessibleName() and chart.toolTip() == chart.accessibleDescription()
    assert "0 tot 4 weken: " + shown(expected.period["open.age.0_4w"]) in \
        page.age_chart.text_alternative()
    assert f"week 51: {weekly[-1][1]}" in page.intake_chart.text_alternative()


@pytest.mark.slow
def test_last_completed_week(qtbot: Any, big_session: Any) -> None:
    reg = big_session.register
    page = open_page(qtbot, big_session, BIG_END)
    with qtbot.waitSignal(page.loaded, timeout=20000):
        qtbot.mouseClick(page.last_week_button, Qt.MouseButton.LeftButton)
    start, end = date(2025, 12, 8), date(2025, 12, 14)
    assert period_of(LAST_WEEK, BIG_END) == (start, end)
    assert (page.data.start, page.data.end) == (start, end)
    expected = figures(reg, start, end)
    for key, _title, _unit in FLOW_CARDS + STOCK_CARDS:
        assert page.cards[key].period_value == expected.period[key], key
        assert page.cards[key].ytd_value == expected.year_to_date[key], key
    assert page.stock_title.text() == "Stand op 14-12-2025"
    assert page.resolved_chart.categories == ("Vorige week", "Jaar tot nu")
    assert page.period_label.text().startswith("Vorige week (week 50): maandag 08-12-2025 "
                                               "tot en met zondag 14-12-2025")


# --------------------------------------------------------------------------- behaviour


def test_busy_state_then_refresh_on_data_change(qtbot: Any, session: Any) -> None:
    reg = session.register
    page = open_page(qtbot, session, SMALL_TODAY)
    assert not page.busy_bar.isVisible() and page.status_label.text().startswith("Bijgewerkt")
    before = page.cards["intake.total"].period_value

    page.refresh()  # the result can only arrive through the event loop
    assert page.busy and page.busy_bar.isVisible()
    assert page.status_label.text() == "Bezig met berekenen…"
    assert not page.refresh_button.isEnabled()
    qtbot.waitUntil(lambda: not page.busy, timeout=10000)
    assert not page.busy_bar.isVisible() and page.refresh_button.isEnabled()

    # a new case this week: the debounced refresh shows it
    reg.register_case(registration(reg, received_on=SMALL_TODAY.isoformat()))
    with qtbot.waitSignal(page.loaded, timeout=10000):
        session.case_changed.emit("x")
        session.data_changed.emit()  # coalesced with the first into one computation
    assert page.cards["intake.total"].period_value == before + 1
    assert page.cards["intake.total"].period_value == \
        figures(reg, date(2025, 12, 8), SMALL_TODAY).period["intake.total"]


def test_hidden_page_waits_until_shown_and_reuses_unchanged_figures(
        qtbot: Any, session: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    computed: list[str] = []
    real = dashboard.collect
    monkeypatch.setattr(dashboard, "collect",
                        lambda reg, kind: (computed.append(kind), real(reg, kind))[1])
    page = open_page(qtbot, session, SMALL_TODAY)
    assert computed == [THIS_WEEK]
    shown_data = page.data
    page.hide()
    session.data_changed.emit()
    assert not page._timer.isActive() and not page.busy
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.show()
    assert computed == [THIS_WEEK] and page.data is shown_data  # nothing was committed

    # switching period computes the other week once; switching back reuses the first
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.set_period(LAST_WEEK)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.set_period(THIS_WEEK)
    assert computed == [THIS_WEEK, LAST_WEEK]
    assert page.data is shown_data and page.cards["intake.total"].value_label.text() != "…"
    page.set_period(LAST_WEEK)
    page.set_period(THIS_WEEK)  # back again before the first result arrived
    qtbot.waitUntil(lambda: page.data is not None and not page.busy, timeout=10000)
    assert page.data is shown_data and page.kind == THIS_WEEK
    assert all(c.value_label.text() != "…" for c in page.cards.values())
    assert computed == [THIS_WEEK, LAST_WEEK]

    # a commit on the register's own connection makes the figures stale
    session.register.register_case(registration(session.register,
                                                received_on=SMALL_TODAY.isoformat()))
    with qtbot.waitSignal(page.loaded, timeout=10000):
        page.refresh()
    assert computed == [THIS_WEEK, LAST_WEEK, THIS_WEEK]
    assert page.cards["intake.total"].period_value == \
        shown_data.figures.period["intake.total"] + 1


def test_lock_clears_every_figure_and_case_number(qtbot: Any, session: Any) -> None:
    reg = session.register
    numbers = [c.number for c in reg.list_cases(CaseQuery(limit=1000))]
    handler = reg.settings.handler
    page = open_page(qtbot, session, SMALL_TODAY)
    texts = visible_texts([page, *page.findChildren(QWidget)])
    assert any(n in t for t in texts for n in numbers)  # deadline rows show case numbers
    assert any(handler in t for t in texts)
    assert page.intake_chart.has_data and page.target_bars["belastingdienst"].text

    page.refresh()  # a computation in flight when the lock comes
    session.lock()
    page.reader.wait()
    qtbot.waitUntil(lambda: not page.reader.busy, timeout=5000)
    assert page.data is None and not page.busy and not page.busy_bar.isVisible()
    for card in page.cards.values():
        assert card.value_label.text() == "–"
        assert card.period_value is None and card.ytd_value is None
        assert not card.sub_label.text() and not card.detail_label.text()
        assert not card.toolTip()
    for bar in page.target_bars.values():
        assert bar.text == "" and bar.bar.value() == 0
    for tree in (page.handler_tree, page.escalation_tree, page.deadline_tree):
        assert tree.topLevelItemCount() == 0
    for chart in (page.intake_chart, page.age_chart, page.resolved_chart):
        assert not chart.has_data and chart.series == ()
        assert chart.grab().toImage().width() > 0  # the empty state paints too
    assert page.period_label.text() == "" and page.status_label.text() == ""
    texts = visible_texts([page, *page.findChildren(QWidget)])
    assert not [t for t in texts for n in (*numbers, handler) if n in t]
    for chart in (page.intake_chart, page.age_chart, page.resolved_chart):
        assert not any(ch.isdigit() for ch in chart.toolTip() + chart.accessibleName())


def test_in_the_main_window(qtbot: Any, session: Any, opener: Any) -> None:
    session.register.today = lambda: SMALL_TODAY
    win = MainWindow(session, opener=opener)
    qtbot.addWidget(win)
    win.resize(1500, 950)
    win.show()
    qtbot.waitUntil(lambda: not win.reader.busy, timeout=10000)
    assert win.nav.item(NAV_OVERVIEW).text() == "Overzicht"
    assert win.nav.item(NAV_OVERVIEW - 1).text() == "Signalen"
    page = win.overview_page
    assert not page.isVisible()
    with qtbot.waitSignal(page.loaded, timeout=10000):
        win.nav_overview_action.trigger()  # Ctrl+4
    assert win.work.currentWidget() is page and page.isVisible()
    assert page.cards["intake.total"].value_label.text() != "–"
    assert unnamed_controls(page) == []

    # keyboard: Tab reaches the period buttons, the lists and the charts
    page.week_button.setFocus()
    reached = set()
    for _ in range(20):
        reached.add(win.focusWidget())
        qtbot.keyClick(win.focusWidget(), Qt.Key.Key_Tab)
    for w in (page.week_button, page.refresh_button, page.deadline_tree,
              page.intake_chart, page.age_chart, page.resolved_chart):
        assert w in reached, w.accessibleName()
    # within the period choice the arrow keys move (Qt's rule for an exclusive group)
    page.week_button.setFocus()
    with qtbot.waitSignal(page.loaded, timeout=10000):
        qtbot.keyClick(page.week_button, Qt.Key.Key_Right)
    assert page.last_week_button.hasFocus() and page.last_week_button.isChecked()
    assert page.kind == LAST_WEEK

    # Enter on a deadline opens its case
    tree = page.deadline_tree
    number = tree.topLevelItem(0).text(0)
    tree.setCurrentItem(tree.topLevelItem(0))
    with qtbot.waitSignal(page.open_case, timeout=2000) as blocker:
        tree.setFocus()
        qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert blocker.args == [number]
    assert win.nav.currentRow() != NAV_OVERVIEW  # the case opened
    with qtbot.waitSignal(page.loaded, timeout=10000):
        win.show_page(NAV_OVERVIEW)  # showing the page again recomputes it

    win.lock_now()
    assert page.cards["intake.total"].value_label.text() == "–"
    assert page.deadline_tree.topLevelItemCount() == 0
    assert not page.isVisible()

    # unlocking brings the overview back and computes it afresh
    qtbot.waitUntil(lambda: win.unlock_dialog is not None
                    and win.unlock_dialog.isVisible(), timeout=3000)
    qtbot.keyClicks(win.unlock_dialog.passphrase_edit, PASSPHRASE)
    with qtbot.waitSignal(page.loaded, timeout=10000):
        qtbot.mouseClick(win.unlock_dialog.unlock_button, Qt.MouseButton.LeftButton)
    assert win.nav.currentRow() == NAV_OVERVIEW and page.isVisible()
    assert page.cards["open.total"].period_value == \
        session.register.count_cases(CaseQuery(status="in_behandeling"))


# --------------------------------------------------------------------------- charts


def test_chart_scale_text_and_keyboard(qtbot: Any) -> None:
    assert nice_scale(0) == (1.0, 1.0)
    assert nice_scale(7) == (8.0, 2.0)
    assert nice_scale(48) == (60.0, 20.0)
    assert nice_scale(3) == (3.0, 1.0)
    # grayscale: the two first series differ in lightness and in pattern
    (a, _ia, pa), (b, _ib, pb) = SERIES_STYLES[:2]
    assert abs(a.lightness() - b.lightness()) > 60 and pa != pb

    chart = BarChart("Test")
    qtbot.addWidget(chart)
    chart.resize(400, 260)
    chart.show()
    with pytest.raises(ValueError):
        chart.set_data(["a", "b"], [Series("x", (1,))])
    chart.set_data(["a", "b"], [Series("Zonder", (3, 12)), Series("Na", (0, 1))],
                   descriptions=["deze week", "jaar"])
    assert chart.text_alternative() == "Test. deze week: Zonder 3, Na 0; jaar: Zonder 12, Na 1."
    assert chart.accessibleDescription() == chart.text_alternative()
    chart.setFocus()
    qtbot.keyClick(chart, Qt.Key.Key_Right)
    assert chart.current == 0 and chart.accessibleDescription() == "deze week: Zonder 3, Na 0"
    qtbot.keyClick(chart, Qt.Key.Key_End)
    assert chart.current == 1
    assert not chart.grab().toImage().isNull()
    chart.clear()
    assert chart.text_alternative() == "Test: geen gegevens."

    line = LineChart("Instroom", x_title="week")
    qtbot.addWidget(line)
    line.resize(420, 240)
    line.set_data([str(w) for w in range(1, 53)], [Series("Instroom", tuple(range(52)))])
    assert line.point_text(4) == "week 5: 4"
    image = line.grab().toImage()
    assert chart_has_ink(image, SERIES_STYLES[0][0])
    line.set_data(["1"], [Series("Instroom", (2,))])  # a single week draws too
    assert not line.grab().toImage().isNull()
