"""Termijnbewaking: grouping, the computed last day and the pause warning."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import Qt

from app.model.deadlines import PAUSE_WARNING, POSTING_NOTE, compute_due_on
from app.storage.repository import CaseQuery
from app.ui.deadlines_page import DIFFERS_GROUP, DeadlinesPage
from tests.gui.conftest import visible_texts


def pause_with_deadline(reg: Any) -> str:
    """Start a pause on an open case and record a bezwaartermijn that ends inside it."""
    case = next(c for c in reg.list_cases(CaseQuery(status="in_behandeling", limit=100))
                if c.phase != "pauzeknop_actief")
    today = reg.today()
    reg.append(case.number, "paused", {
        "from_on": today.isoformat(), "procedure": "invordering van de aanslag",
        "citizen_consent": True, "agreed_with": "teamleider Invordering"})
    reg.append(case.number, "deadline_set", {
        "on": today.isoformat(), "deadline_kind": "bezwaartermijn",
        "start_on": (today - timedelta(days=7)).isoformat(),
        "description": "bezwaar tegen de naheffing"})
    return case.number


def test_deadline_inside_a_pause_shows_the_warning(qtbot: Any, session: Any) -> None:
    number = pause_with_deadline(session.register)
    page = DeadlinesPage(session)
    qtbot.addWidget(page)
    page.resize(1200, 600)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.reload()
    assert page.pause_banner.isVisible()
    assert PAUSE_WARNING in page.pause_banner.text()
    ours = [i for i in page.items if i.number == number]
    assert len(ours) == 1 and ours[0].in_pause
    texts = visible_texts([page.tree])
    assert any(PAUSE_WARNING in t and number not in t for t in texts)

    # groups: verlopen first, then within 14 days, then later
    heads = [page.tree.topLevelItem(i).text(0) for i in range(page.tree.topLevelItemCount())]
    assert [h.split(" (")[0] for h in heads] == ["Verlopen", "Binnen 14 dagen", "Later"]
    today = session.register.today()
    for item in page.items:
        expected = 0 if item.due_on < today else (1 if (item.due_on - today).days <= 14
                                                   else 2)
        assert item.group == expected
    assert [i.group for i in page.items] == sorted(i.group for i in page.items)

    # the row explains the computed last day; the detail adds the Awb 6:9 note
    later = page.tree.topLevelItem(ours[0].group)
    row = next(later.child(i) for i in range(later.childCount())
               if later.child(i).text(0) == number)
    assert row.text(3) == ours[0].due_on.strftime("%d-%m-%Y")
    assert "6 weken na" in row.text(6) and PAUSE_WARNING in row.text(6)
    page.tree.setCurrentItem(row)
    assert POSTING_NOTE in page.detail.text()
    assert PAUSE_WARNING in page.detail.text()
    with qtbot.waitSignal(page.open_case, timeout=1000) as blocker:
        page.tree.setFocus()
        qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    assert blocker.args == [number]


def test_no_pause_no_banner_and_clear(qtbot: Any, session: Any) -> None:
    page = DeadlinesPage(session)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.reload()
    assert not page.pause_banner.isVisible()
    assert not page.differs_banner.isVisible()  # the example's terms agree with today's
    assert not any(i.differs for i in page.items)
    assert page.items and page.items[0].group == 0  # the example has overdue terms
    assert "⚠" in page.tree.topLevelItem(0).child(0).text(4)
    assert "lopende termijn" in page.status_label.text()
    page.clear()
    assert page.tree.topLevelItemCount() == 0 and page.items == []


def test_recorded_last_day_that_differs_from_todays_computation_is_listed(
        qtbot: Any, session: Any) -> None:
    """A bezwaartermijn recorded before 02-01-2026 was in holidays.toml kept 02-01 as
    its last day; today's calendar gives 05-01-2026. The stored day is not moved, so the
    page lists it for the handler to correct; a term that agrees is not listed."""
    reg = session.register
    case = next(c for c in reg.list_cases(CaseQuery(status="in_behandeling", limit=100)))
    start = date(2025, 11, 20)
    assert compute_due_on("bezwaartermijn", start) == date(2026, 1, 5)
    reg.append(case.number, "deadline_set", {
        "on": reg.today().isoformat(), "deadline_kind": "bezwaartermijn",
        "start_on": start.isoformat(), "due_on": "2026-01-02",
        "description": "vastgelegd met het oude feestdagenbestand"})
    reg.append(case.number, "deadline_set", {
        "on": reg.today().isoformat(), "deadline_kind": "beroepstermijn",
        "start_on": start.isoformat(), "description": "goed berekend"})
    page = DeadlinesPage(session)
    qtbot.addWidget(page)
    page.resize(1366, 700)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.reload()

    differing = [i for i in page.items if i.differs]
    assert [(i.number, i.kind, i.due_on, i.recomputed) for i in differing] == [
        (case.number, "bezwaartermijn", date(2026, 1, 2), date(2026, 1, 5))]
    assert page.differs_banner.isVisible()
    assert "wijkt af" in page.differs_banner.text()

    heads = [page.tree.topLevelItem(i) for i in range(page.tree.topLevelItemCount())]
    assert heads[-1].text(0) == f"{DIFFERS_GROUP} (1)"
    row = heads[-1].child(0)
    assert (row.text(0), row.text(3)) == (case.number, "02-01-2026")
    assert "05-01-2026" in row.text(6) and "Corrigeer" in row.text(6)
    page.tree.setCurrentItem(row)
    assert "05-01-2026" in page.detail.text()
    assert "vastgelegd met het oude feestdagenbestand" in page.detail.text()
    with qtbot.waitSignal(page.open_case, timeout=1000) as blocker:
        page.tree.setFocus()
        qtbot.keyClick(page.tree, Qt.Key.Key_Return)
    assert blocker.args == [case.number]
