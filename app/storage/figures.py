"""The register's figures: the one call the CLI, dashboard, workbook and report share.

METRICS.md: "nothing computes a figure twice". This reads every event once and hands
them to the pure metric function with the register's own norm and targets.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.model.errors import UserError
from app.model.eventlog import Event
from app.model.metrics import MetricSettings, compute_metrics
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
    if start > end:
        raise UserError(f"De periode is leeg: {start.isoformat()} ligt na {end.isoformat()}.")


def figures(reg: Register, start: date, end: date, *, with_ytd: bool = True,
            grouped: tuple[list[list[Event]], list[list[Event]]] | None = None) -> Figures:
    check_period(start, end)
    cases, signals = grouped or reg.grouped_events()
    settings = metric_settings(reg)
    period = compute_metrics(cases, signals, start, end, settings, reg.codelists)
    ytd_start = date(end.year, 1, 1)
    if not with_ytd:
        ytd = {}
    elif ytd_start == start:
        ytd = dict(period)
    else:
        ytd = compute_metrics(cases, signals, ytd_start, end, settings, reg.codelists)
    return Figures(start, end, period, ytd)
