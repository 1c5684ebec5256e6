"""Search, filters, presets and sorting on the 2,000-case register.

Expectations are computed from the synthetic data itself (no SQL) where the data says
it directly: the search text, the route, the service, the received date.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt

from app.model.fold import fold_case
from app.ui.cases_model import COLUMNS
from app.ui.cases_page import CasesPage


def registration(case: dict[str, Any]) -> dict[str, Any]:
    """The registered payload as it counts now (the latest correction wins)."""
    events = case["events"]
    payload = events[0]
    for ev in events:
        if ev["kind"] == "corrected" and ev["target"] == 0:
            payload = ev["payload"]
    return payload


@pytest.fixture
def page(qtbot: Any, big_session: Any) -> CasesPage:
    page = CasesPage(big_session)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    page.reload()
    return page


def all_rows(page: CasesPage) -> list[Any]:
    model = page.model
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    return model.loaded_rows()


def test_search_is_debounced_and_uses_fts(qtbot: Any, page: CasesPage,
                                          big_data: dict[str, Any]) -> None:
    word = "huurtoeslag"
    expected = set()
    for case in big_data["cases"]:
        reg = registration(case)
        text = " ".join([reg.get("summary", ""), reg.get("partner_org") or "",
                         " ".join(reg.get("topics", []))]).lower()
        if word in text:
            expected.add(case["ref"])
    assert 0 < len(expected) < 2000
    qtbot.keyClicks(page.search_edit, word)
    assert page.search_timer.isActive()  # nothing ran yet: waiting for the last key
    qtbot.waitUntil(lambda: page.model.query.search == word, timeout=3000)
    assert page.model.total == len(expected)
    assert page.count_label.text() == f"{len(expected)} casussen"
    assert {r.ref for r in all_rows(page)} == expected


def test_search_on_a_case_number(qtbot: Any, page: CasesPage) -> None:
    page.search_edit.setText("2025-TST-0123")
    page.apply_filters()
    rows = all_rows(page)
    assert [r.number for r in rows] == ["2025-TST-0123"]
    assert page.count_label.text() == "1 casus"


def test_route_and_service_filters(page: CasesPage, big_data: dict[str, Any]) -> None:
    regs = [registration(c) for c in big_data["cases"]]
    page.route_combo.setCurrentIndex(page.route_combo.findData("dienst_toeslagen"))
    expected = sum(1 for r in regs if r["route"] == "dienst_toeslagen")
    assert page.model.total == expected > 0
    assert all(r.route == "dienst_toeslagen" for r in all_rows(page))

    page.service_combo.setCurrentIndex(page.service_combo.findData("belastingdienst"))
    both = sum(1 for r in regs if r["route"] == "dienst_toeslagen"
               and "belastingdienst" in r["services"])
    assert page.model.total == both
    page.reset_filters()
    assert page.model.total == 2000


def test_received_between(page: CasesPage, big_data: dict[str, Any]) -> None:
    from PySide6.QtCore import QDate

    lo, hi = date(2025, 3, 1), date(2025, 3, 31)
    expected = {c["ref"] for c in big_data["cases"]
                if lo.isoformat() <= registration(c)["received_on"] <= hi.isoformat()}
    page.date_from.setDate(QDate(2025, 3, 1))
    page.date_to.setDate(QDate(2025, 3, 31))
    page.date_check.setChecked(True)
    assert {r.ref for r in all_rows(page)} == expected


def test_presets_and_handler_filter(qtbot: Any, page: CasesPage, big_session: Any,
                                    big_data: dict[str, Any]) -> None:
    reg = big_session.register
    never_triaged = set()
    for case in big_data["cases"]:
        events = case["events"]
        voided = {e["target"] for e in events if e["kind"] == "retracted"}
        if not any(e["kind"] == "triaged" and i not in voided for i, e in enumerate(events)):
            never_triaged.add(case["ref"])
    page.preset_buttons["te_trieren"].click()
    assert {r.ref for r in all_rows(page)} == never_triaged
    qtbot.waitUntil(lambda: "(" in page.preset_buttons["te_trieren"].text(), timeout=5000)
    assert f"({len(never_triaged)})" in page.preset_buttons["te_trieren"].text()
    # The other presets as docs/DOMAIN.md defines them, from each case's fold today
    # (not from the SQL the page runs on the projection).
    cases, _ = reg.grouped_events()
    states = [s for s in (fold_case(evs) for evs in cases) if not s.destroyed]
    today = reg.today()
    name = page.handler_combo.itemData(1)
    reg.update_settings(handler=name)  # "mijn werkvoorraad" is this handler's
    open_ = [s for s in states if s.status in ("aangemeld", "in_behandeling")]
    expected = {
        "wacht_op_reactie": {s.number for s in states if s.phase == "wacht_op_reactie"},
        "open_escalaties": {s.number for s in states if s.phase == "geescaleerd"},
        "termijn_14": {s.number for s in open_ if (d := s.next_deadline()) is not None
                       and d.due_on is not None and d.due_on <= today + timedelta(days=14)},
        "mijn_werkvoorraad": {s.number for s in open_ if s.handler == name},
    }
    for key, numbers in expected.items():
        assert numbers, f"the big register should hold cases for {key}"
        page.preset_buttons[key].click()
        assert {r.number for r in all_rows(page)} == numbers, key
    page.preset_buttons[None].click()
    page.handler_combo.setCurrentIndex(1)
    rows = all_rows(page)
    assert {r.number for r in rows} == {s.number for s in states if s.handler == name}


def test_header_click_sorts_in_sql(qtbot: Any, page: CasesPage,
                                   big_data: dict[str, Any]) -> None:
    column = COLUMNS.index(("received_on", "Ontvangen"))
    page.table.sortByColumn(column, Qt.SortOrder.AscendingOrder)
    received = sorted(registration(c)["received_on"] for c in big_data["cases"])
    shown = [page.model.case_row(r).received_on.isoformat()  # type: ignore[union-attr]
             for r in range(page.model.rowCount())]
    assert shown == received[:len(shown)]
    # filters keep the sort
    page.route_combo.setCurrentIndex(page.route_combo.findData("belastingdienst"))
    assert page.model.query.sort == "received_on" and not page.model.query.descending
    age = COLUMNS.index(("age", "Leeftijd (dagen)"))
    page.table.sortByColumn(age, Qt.SortOrder.DescendingOrder)  # oldest first
    ages = [int(page.model.data(page.model.index(r, age))) for r in
            range(page.model.rowCount())]
    assert ages == sorted(ages, reverse=True)


def test_enter_on_a_row_asks_to_open_the_case(qtbot: Any, page: CasesPage) -> None:
    page.table.setFocus()
    page.table.selectRow(3)
    number = page.model.number_at(3)
    with qtbot.waitSignal(page.open_case, timeout=1000) as blocker:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert blocker.args == [number]


def test_return_in_the_search_box_searches_at_once(qtbot: Any, page: CasesPage) -> None:
    qtbot.keyClicks(page.search_edit, "zorgtoeslag")
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Return)
    assert not page.search_timer.isActive()
    assert page.model.query.search == "zorgtoeslag"
    assert page.table.currentIndex().row() == 0
