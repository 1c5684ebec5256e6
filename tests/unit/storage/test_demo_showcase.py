"""The demo register as a trainee opens it: every list of the day has something in it.

Imported through the one front door (the interchange importer) into a real register,
with "today" the demo's last day, and read back with the queries the pages use.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from app.demo import synthetic_register
from app.storage.interchange_io import import_data
from app.storage.repository import CaseQuery, Register
from tests.helpers.registers import make_register

END = date(2025, 12, 19)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Register]:
    reg = make_register(tmp_path_factory.mktemp("demo"))
    reg.today = lambda: END  # type: ignore[method-assign]
    data = synthetic_register(cases=150, signals=12, seed=2025, start=date(2024, 12, 19),
                              end=END, showcase=True)
    import_data(reg, data, source="demo", today=END)
    yield reg
    reg.close()


def test_overdue_and_soon_due_deadlines(demo: Register) -> None:
    deadlines = demo.open_deadlines()
    assert any(d.due_on < END for d in deadlines)
    soon = [d for d in deadlines if END <= d.due_on <= END + timedelta(days=14)]
    assert len(soon) >= 2
    assert any(d.in_pause for d in deadlines)  # a term running on during a pause


def test_open_escalations_at_two_levels(demo: Register) -> None:
    levels = set()
    for row in demo.list_cases(CaseQuery(phase="geescaleerd", limit=100)):
        state = demo.case(row.number).state
        levels.add([e.payload["level"] for e in state.effective if e.kind == "escalated"][-1])
    assert {"teamleider", "directeur"} <= levels


def test_waiting_for_a_service_and_paused(demo: Register) -> None:
    assert demo.count_cases(CaseQuery(phase="wacht_op_reactie")) >= 2
    assert demo.count_cases(CaseQuery(phase="pauzeknop_actief")) >= 1


def test_a_conflict_to_resolve(demo: Register) -> None:
    rows = demo.list_cases(CaseQuery(status="in_behandeling", limit=1000))
    conflicted = [r.number for r in rows if demo.case(r.number).state.log.conflicts]
    assert len(conflicted) == 1
    view = demo.case(conflicted[0])
    [conflict] = view.state.log.conflicts
    assert conflict.supersedes is None  # both replace the original
    by_id = {e.id: e for e in view.events}
    target = by_id[conflict.target]
    assert target.kind == "assigned"
    winner, loser = by_id[conflict.winner], by_id[conflict.loser]
    assert winner.kind == loser.kind == "corrected" and winner.hlc > loser.hlc
    assert winner.payload["payload"]["handler"] != loser.payload["payload"]["handler"]
    # the later one counts until a handler resolves the conflict
    assert view.state.handler == winner.payload["payload"]["handler"]


def test_handlers_with_several_open_cases(demo: Register) -> None:
    loads = [h for h in demo.open_cases_by_handler() if h.handler]
    busy = [h for h in loads if h.aangemeld + h.in_behandeling >= 2]
    assert len(busy) >= 3


def test_demo_import_is_deterministic(tmp_path: Path) -> None:
    a = synthetic_register(cases=20, end=END, showcase=True)
    b = synthetic_register(cases=20, end=END, showcase=True)
    assert a == b
