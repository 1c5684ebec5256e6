"""The register's figures: streamed case by case, and settled cases left unread.

``figures`` reads one entity at a time and, when nobody needs the folds themselves,
skips the cases settled before the period and the year (``iter_entities``). Both are
optimisations only: every figure must equal the one folded from every event of the
register, for periods across several years.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from app.demo import synthetic_register
from app.storage.figures import figures, figures_of, metric_settings
from app.storage.interchange_io import import_data, import_file
from app.storage.repository import Register
from tests.helpers.registers import EXAMPLE, make_register

PERIODS = [
    (date(2025, 1, 1), date(2025, 12, 31)),
    (date(2025, 11, 3), date(2025, 11, 9)),
    (date(2024, 3, 1), date(2024, 6, 30)),
    (date(2023, 1, 1), date(2025, 12, 31)),
    (date(2023, 12, 25), date(2024, 1, 7)),  # ISO week 1 of 2024 starts on 1 January
]


@pytest.fixture(scope="module")
def reg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Register]:
    """Three years of synthetic cases (most settled long ago) and the example file."""
    r = make_register(tmp_path_factory.mktemp("figures"))
    r.today = lambda: date(2025, 12, 31)
    data = synthetic_register(cases=240, seed=11, start=date(2023, 1, 9),
                              end=date(2025, 12, 19), with_personal=False)
    import_data(r, data, source="test", today=date(2025, 12, 31))
    import_file(r, EXAMPLE)
    yield r
    r.close()


@pytest.mark.parametrize("period", PERIODS, ids=[f"{s}..{e}" for s, e in PERIODS])
def test_streamed_figures_equal_a_fold_of_every_event(reg: Register,
                                                      period: tuple[date, date]) -> None:
    start, end = period
    got = figures(reg, start, end)
    everything = figures_of(reg.iter_entities(), start, end, metric_settings(reg),
                            reg.codelists)
    assert got.period == everything.period
    assert got.year_to_date == everything.year_to_date
    assert got.weekly == everything.weekly


def test_settled_cases_are_not_read_for_this_year(reg: Register) -> None:
    counts = reg.counts()
    got = figures(reg, date(2025, 1, 1), date(2025, 12, 31))
    assert 0 < got.cases_read < counts["cases"] * 3 // 4  # many settled before 2025
    everything = figures(reg, date(2025, 1, 1), date(2025, 12, 31), on_case=lambda s: None)
    assert everything.cases_read == counts["cases"]
    assert everything.events_read == counts["events"]


def test_a_case_reopened_after_years_is_read_again(tmp_path: Path) -> None:
    """The skip reads the projection as of today: a later step unsettles a case."""
    reg = make_register(tmp_path)
    try:
        reg.today = lambda: date(2025, 12, 31)
        import_data(reg, synthetic_register(cases=40, seed=5, start=date(2023, 1, 9),
                                            end=date(2023, 12, 15), with_personal=False),
                    source="test", today=date(2025, 12, 31))
        number = reg.conn.execute(
            "SELECT number FROM cases WHERE status = 'afgerond' ORDER BY number LIMIT 1"
        ).fetchone()[0]
        year = (date(2025, 1, 1), date(2025, 12, 31))
        before = figures(reg, *year)
        reg.append(number, "reopened", {"on": "2025-12-01", "reason": "Nieuwe brief."})
        after = figures(reg, *year)
        assert after.period["open.total"] == before.period["open.total"] + 1
        assert after.cases_read == before.cases_read + 1
    finally:
        reg.close()
