"""The register's figures: the one call the CLI, dashboard, workbook and report share.

docs/DOMAIN.md: "nothing computes a figure twice". This streams every case and signal
once from the register, folds it as of the end of the period and hands the fold to the
pure ``MetricsBuilder`` with the register's own norm and targets. A caller that needs
more from the same folds (the workbook's case rows, the report's stories) passes a
visitor instead of folding again; nothing keeps a fold after its visitors have seen it,
so memory stays flat however large the register grows (docs/BENCHMARKS.md).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from app.model.bulk import paused_gc
from app.model.codelists import Codelists
from app.model.errors import UserError
from app.model.eventlog import Event
from app.model.fold import CaseState, SignalState, fold_case, fold_signal
from app.model.limits import date_in_range, date_range_text
from app.model.metrics import MetricsBuilder, MetricSettings
from app.storage.repository import Register

MetricValue = int | float | None
CaseVisitor = Callable[[CaseState], None]
SignalVisitor = Callable[[SignalState], None]


@dataclass(frozen=True)
class Figures:
    start: date
    end: date
    period: dict[str, MetricValue]
    year_to_date: dict[str, MetricValue]
    #: Cases received per ISO week of ``end``'s year, up to ``end`` (for the charts).
    weekly: list[tuple[int, int]] = field(default_factory=list)
    #: What was read to compute them (the workbook's Verantwoording).
    events_read: int = 0
    cases_read: int = 0
    signals_read: int = 0

    def to_json(self) -> dict[str, object]:
        return {"period": {"from": self.start.isoformat(), "to": self.end.isoformat()},
                "metrics": self.period}


def metric_settings(reg: Register) -> MetricSettings:
    s = reg.settings
    return MetricSettings(norm_days=s.leadtime_norm_days,
                          target_belastingdienst=s.target_belastingdienst,
                          target_dienst_toeslagen=s.target_dienst_toeslagen)


def check_period(start: date, end: date) -> None:
    """A period the figures can be computed for: the dates of typed input, in order.

    Outside that range no event can lie, and the year-to-date and lead-time
    arithmetic overflows at the ends of the calendar (fault 6 of #8).
    """
    for d in (start, end):
        if not date_in_range(d):
            raise UserError(f"De periode moet binnen {date_range_text()} liggen; "
                            f"{d.isoformat()} valt erbuiten.")
    if start > end:
        raise UserError(f"De periode is leeg: {start.isoformat()} ligt na {end.isoformat()}.")


def figures(reg: Register, start: date, end: date, *, with_ytd: bool = True,
            grouped: tuple[Sequence[Sequence[Event]], Sequence[Sequence[Event]]] | None = None,
            on_case: CaseVisitor | None = None,
            on_signal: SignalVisitor | None = None) -> Figures:
    """The period's figures and (``with_ytd``) the year to date, from one fold each.

    Reads the register one entity at a time unless the caller already holds every
    entity's events (``grouped``: cases, signals). ``on_case`` and ``on_signal`` see
    each fold as of ``end`` (the fold the figures count) before it is let go; without
    them, cases settled before the period and the year (``iter_entities``) are not
    read at all, and the counts of what was read cover only the rest.
    """
    check_period(start, end)
    entities: Iterable[Sequence[Event]]
    if grouped is not None:
        entities = itertools.chain(*grouped)
    elif on_case is None:
        # Nothing of such a case is counted from this day on; the weekly intake starts
        # on 1 January, which a settled case's steps all precede too.
        entities = reg.iter_entities(settled_before=min(start, date(end.year, 1, 1)))
    else:
        entities = reg.iter_entities()
    return figures_of(entities, start, end, metric_settings(reg), reg.codelists,
                      with_ytd=with_ytd, on_case=on_case, on_signal=on_signal)


def figures_of(entities: Iterable[Sequence[Event]], start: date, end: date,
               settings: MetricSettings, codelists: Codelists, *, with_ytd: bool = True,
               on_case: CaseVisitor | None = None,
               on_signal: SignalVisitor | None = None) -> Figures:
    """``figures`` over any source of per-entity event lists (benchmarks, tests)."""
    check_period(start, end)
    ytd_start = date(end.year, 1, 1)
    builder = MetricsBuilder(end, [start, ytd_start] if with_ytd else [start], settings,
                             codelists)
    events = cases = signals = 0
    # The cyclic collector would walk every short-lived event and fold (app.model.bulk).
    with paused_gc():
        for evs in entities:
            if not evs:
                continue
            events += len(evs)
            if evs[0].entity == "case":
                cases += 1
                state = fold_case(evs, as_of=end)
                builder.add_case(state)
                if on_case is not None:
                    on_case(state)
            else:
                signals += 1
                sig = fold_signal(evs, as_of=end)
                builder.add_signal(sig)
                if on_signal is not None:
                    on_signal(sig)
    period = builder.metrics(start)
    ytd = builder.metrics(ytd_start) if with_ytd else {}
    return Figures(start, end, period, ytd, builder.weekly(), events, cases, signals)
