"""The case list model: windows from SQL, sorting in SQL, Qt's model rules."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from app.storage.repository import CaseQuery
from app.ui import style
from app.ui.cases_model import COLUMNS, NUMBER_ROLE, CasesModel, deadline_cell
from tests.gui.conftest import BIG_CASES


def test_qmodeltester_on_the_small_register(qtmodeltester: Any, session: Any) -> None:
    model = CasesModel(session)
    model.reload()
    assert model.rowCount() == 44
    qtmodeltester.check(model)


def test_qmodeltester_on_the_big_register(qtmodeltester: Any, big_session: Any) -> None:
    model = CasesModel(big_session, window=150)
    model.reload()
    qtmodeltester.check(model)


def test_model_fetches_windows_not_everything(big_session: Any) -> None:
    model = CasesModel(big_session)
    model.reload()
    assert model.total == BIG_CASES
    assert model.rowCount() == 200  # one window, not 2,000 rows
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 400
    expected = big_session.register.list_cases(CaseQuery(limit=400))
    assert [model.data(model.index(r, 0)) for r in range(400)] == [c.number for c in expected]
    assert not model.canFetchMore(model.index(0, 0))  # no children anywhere


def test_sort_requeries_sql(big_session: Any) -> None:
    model = CasesModel(big_session)
    model.reload()
    received = COLUMNS.index(("received_on", "Ontvangen"))
    model.sort(received, Qt.SortOrder.AscendingOrder)
    assert model.query.sort == "received_on" and not model.query.descending
    assert model.rowCount() == 200  # a fresh window, sorted by SQL
    dates = [model.case_row(r).received_on for r in range(200)]  # type: ignore[union-attr]
    assert dates == sorted(dates)
    handler = COLUMNS.index(("handler", "Behandelaar"))
    model.sort(handler, Qt.SortOrder.DescendingOrder)
    names = [model.data(model.index(r, handler)) for r in range(model.rowCount())]
    assert names == sorted(names, reverse=True)


def test_cells_say_in_words_what_the_colour_says(session: Any) -> None:
    today = date(2025, 6, 1)
    text, colour, _tip = deadline_cell(date(2025, 5, 3), today, True)
    assert text == "⚠ verlopen 03-05-2025" and colour == style.OVERDUE
    text, colour, _tip = deadline_cell(today + timedelta(days=5), today, True)
    assert "nog 5 dagen" in text and colour == style.SOON
    text, colour, _tip = deadline_cell(today + timedelta(days=1), today, True)
    assert "nog 1 dag" in text and "dagen" not in text
    text, colour, _tip = deadline_cell(date(2025, 5, 3), today, False)
    assert text == "03-05-2025" and colour is None  # a closed case raises no alarm

    model = CasesModel(session)
    model.reload()
    column = COLUMNS.index(("next_deadline", "Volgende termijn"))
    overdue = [r for r in range(model.rowCount())
               if str(model.data(model.index(r, column))).startswith("⚠ verlopen")]
    assert overdue, "the example file has overdue bezwaartermijnen"
    idx = model.index(overdue[0], column)
    assert model.data(idx, Qt.ItemDataRole.ForegroundRole) == style.OVERDUE
    assert model.data(idx, Qt.ItemDataRole.FontRole).bold()
    assert model.data(model.index(overdue[0], 0), NUMBER_ROLE).startswith("2025-TST-")


def test_clear_forgets_every_row(session: Any) -> None:
    model = CasesModel(session)
    model.reload()
    assert model.rowCount() > 0
    model.clear()
    assert model.rowCount() == 0 and model.total == 0
    session.lock()
    model.reload()  # locked: nothing is read
    assert model.rowCount() == 0 and not model.canFetchMore(QModelIndex())
