"""The register's figures: the one call the CLI, dashboard, workbook and report share.

METRICS.md: "nothing computes a figure twice". This reads every event once and hands
them to the pure metric function with the register's own norm and targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.model.errors import UserError
from app.model.eventlog import Event
from app.model.limits import date_in_range, date_range_text
from app.model.metrics import (
    FoldedRegister,
    MetricSettings,
    fold_register,
    metrics_from_fold,
)
from app.storage.repository import Register

MetricValue = int | float | None


@dataclass(frozen=True)
class Figures:
    start: date
    end: date
    period: dict[str, MetricValue]
    year_to_date: dict[str, MetricValue]

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
            grouped: tuple[list[list[Event]], list[list[Event]]] | None = None) -> Figures:
    check_period(start, end)
    cases, signals = grouped or reg.grouped_events()
    return figures_from_fold(reg, fold_register(cases, signals, end), start, with_ytd=with_ytd)


def figures_from_fold(reg: Register, folded: FoldedRegister, start: date, *,
                      with_ytd: bool = True) -> Figures:
    """Period and year to date from one fold (they end on the same day)."""
    settings = metric_settings(reg)
    period = metrics_from_fold(folded, start, settings, reg.codelists)
    ytd_start = date(folded.end.year, 1, 1)
    if not with_ytd:
        ytd = {}
    elif ytd_start == start:
        ytd = dict(period)
    else:
        ytd = metrics_from_fold(folded, ytd_start, settings, reg.codelists)
    return Figures(start, folded.end, period, ytd)
