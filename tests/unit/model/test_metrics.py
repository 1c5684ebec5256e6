"""The metrics catalogue (docs/DOMAIN.md): the fixture's figures and each semantic rule.

The fixture's expected figures were computed independently of this code, so they
guard the catalogue as a whole; the hand-built registers below each pin one rule of
the semantics section (corrections, retractions, reopening, pauses, the as-of fold,
empty sets, rounding) so that a failure names the rule that broke.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.model.codelists import default_codelists, load_codelists
from app.model.eventlog import Event
from app.model.interchange import events_in_memory
from app.model.metrics import (
    MetricSettings,
    compute_metrics,
    metric_definitions,
    metric_keys,
    metric_labels,
    percentile_inc,
    round_half_up,
    weekly_intake,
)

DATA = Path(__file__).resolve().parents[2] / "data"
TODAY = date(2026, 1, 1)
D = date.fromisoformat
TOLERANCE = 0.05

Register = tuple[list[list[Event]], list[list[Event]]]

#: Keys whose value is a median, mean or maximum: null over an empty set.
NULLABLE = {
    "triage.days.median",
    "partner_feedback.first_days.median",
    "cooperation.belastingdienst.response_days.median",
    "cooperation.dienst_toeslagen.response_days.median",
    *(
        f"leadtime.{g}.{s}"
        for g in ("gross", "net")
        for s in ("median_days", "mean_days", "p90_days", "max_days")
    ),
    "interview.citizen.mean",
    "interview.helper.mean",
}


# ---------------------------------------------------------------------------
# Building registers


def group(events: Sequence[Event]) -> Register:
    by: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for e in events:
        by[(e.entity, e.entity_id)].append(e)
    cases = [v for (entity, _), v in by.items() if entity == "case"]
    signals = [v for (entity, _), v in by.items() if entity == "signal"]
    return cases, signals


def register(
    *cases: list[dict[str, Any]], signals: Sequence[list[dict[str, Any]]] = ()
) -> Register:
    """An interchange file of these event lists, turned into events in memory."""
    data = {
        "format": "casusregister/interchange",
        "version": 1,
        "cases": [{"ref": f"C-{i}", "events": evs} for i, evs in enumerate(cases)],
        "signals": [{"ref": f"S-{i}", "events": evs, "cases": []} for i, evs in enumerate(signals)],
    }
    events, _ = events_in_memory(data, today=TODAY)
    return group(events)


def metrics(reg: Register, start: str, end: str, **kw: Any) -> dict[str, Any]:
    return compute_metrics(reg[0], reg[1], D(start), D(end), **kw)


def registered(
    on: str,
    route: str = "maatschappelijke_partner",
    partner_type: str = "sociaal_raadslieden",
    **extra: Any,
) -> dict[str, Any]:
    return {
        "kind": "registered",
        "received_on": on,
        "route": route,
        "partner_type": partner_type,
        "services": ["belastingdienst"],
        "topics": ["inkomstenbelasting"],
        "target_group": "burger",
        "summary": "Vastgelopen casus.",
        **extra,
    }


def triaged(on: str, decision: str = "in_behandeling", **extra: Any) -> dict[str, Any]:
    out = {
        "kind": "triaged",
        "decided_on": on,
        "decision": decision,
        "reason_code": "vastgelopen_casus",
        "reason": "Beoordeeld.",
        **extra,
    }
    if decision == "doorverwezen":
        out.setdefault("referred_to", "bd_lrh")
    return out


def closed(on: str, outcome: str = "opgelost", **extra: Any) -> dict[str, Any]:
    return {
        "kind": "closed",
        "closed_on": on,
        "outcome": outcome,
        "solution": "Opgelost met de dienst.",
        "powers_sufficient": "ja",
        **extra,
    }


def opinion(on: str, service: str = "belastingdienst") -> dict[str, Any]:
    return {
        "kind": "opinion_sent",
        "sent_on": on,
        "service": service,
        "proposed_solution": "Herzien.",
    }


def response(
    on: str, service: str = "belastingdienst", answer: str = "overgenomen"
) -> dict[str, Any]:
    out = {"kind": "service_response", "received_on": on, "service": service, "response": answer}
    if answer != "overgenomen":
        out["summary"] = "Geen ruimte."
    return out


def paused(on: str) -> dict[str, Any]:
    return {
        "kind": "paused",
        "from_on": on,
        "procedure": "invordering",
        "citizen_consent": True,
        "agreed_with": "Teamleider",
    }


def resumed(on: str) -> dict[str, Any]:
    return {"kind": "resumed", "on": on}


def escalated(on: str, level: str = "teamleider") -> dict[str, Any]:
    return {
        "kind": "escalated",
        "on": on,
        "service": "belastingdienst",
        "level": level,
        "reason": "Geen reactie.",
    }


def treated(received: str, decided: str | None = None, **extra: Any) -> list[dict[str, Any]]:
    """A case received and taken into treatment (on the same day unless told)."""
    return [registered(received, **extra), triaged(decided or received)]


def interview(on: str, citizen: int | None = None, helper: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": "closing_interview", "held_on": on}
    if citizen is not None:
        out["citizen_score"] = citizen
    if helper is not None:
        out["helper_score"] = helper
    return out


def signal(
    created: str, *steps: dict[str, Any], theme: str = "dienstverlening"
) -> list[dict[str, Any]]:
    return [
        {
            "kind": "signal_created",
            "created_on": created,
            "title": "Knelpunt",
            "problem": "Brieven zijn onduidelijk.",
            "proposed_solution": "Herschrijven.",
            "theme": theme,
            "services": ["belastingdienst"],
        },
        *steps,
    ]


# ---------------------------------------------------------------------------
# The fixture


@pytest.fixture(scope="module")
def example() -> Register:
    data = json.loads((DATA / "interchange-2025-small.json").read_text(encoding="utf-8"))
    events, _ = events_in_memory(data, today=TODAY)
    return group(events)


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    result: dict[str, Any] = json.loads(
        (DATA / "expected-metrics.json").read_text(encoding="utf-8")
    )
    return result


@pytest.mark.parametrize("period", ["2025", "2025-03", "2025-Q3"])
def test_fixture_periods_match_exactly(
    example: Register, expected: dict[str, Any], period: str
) -> None:
    spec = expected[period]
    got = metrics(example, spec["from"], spec["to"])
    want = spec["metrics"]
    assert set(got) == set(want)
    wrong = {}
    for key, value in want.items():
        if value is None or got[key] is None:
            ok = value is None and got[key] is None
        elif isinstance(value, int):
            ok = got[key] == value and type(got[key]) is int
        else:
            ok = isinstance(got[key], float) and abs(got[key] - value) <= TOLERANCE
        if not ok:
            wrong[key] = (value, got[key])
    assert wrong == {}


def test_key_set_is_the_fixture_key_set(expected: dict[str, Any]) -> None:
    keys = metric_keys()
    assert len(keys) == len(set(keys))
    for spec in expected.values():
        assert set(keys) == set(spec["metrics"])
    assert set(metric_labels()) == set(keys)
    assert set(metric_definitions()) == set(keys)


def test_result_is_in_catalogue_order() -> None:
    assert list(metrics(register(), "2025-01-01", "2025-12-31")) == metric_keys()


def test_labels_and_definitions_are_dutch_and_distinct() -> None:
    labels = metric_labels()
    assert labels["intake.total"] == "Instroom totaal"
    assert labels["intake.by_route.belastingdienst"] == "Instroom via route Belastingdienst"
    assert labels["closed.powers_used.gegevenstoegang"].endswith("Toegang tot gegevens")
    assert "Erf- en schenkbelasting" in labels["intake.by_topic.erf_schenkbelasting"]
    assert len(set(labels.values())) == len(labels)
    definitions = metric_definitions()
    assert all(text.strip() and text.endswith(".") for text in definitions.values())
    assert "20" in definitions["targets.ytd.belastingdienst"]
    custom = metric_definitions(settings=MetricSettings(target_dienst_toeslagen=25))
    assert "25" in custom["targets.ytd.dienst_toeslagen"]


def test_breakdowns_follow_the_codelists(tmp_path: Path) -> None:
    override = tmp_path / "codelists.toml"
    override.write_text('[topic]\nitems.vakantiegeld = "Vakantiegeld"\n', encoding="utf-8")
    cl = load_codelists(override)
    got = compute_metrics([], [], D("2025-01-01"), D("2025-12-31"), codelists=cl)
    assert got["intake.by_topic.vakantiegeld"] == 0
    assert set(got) - set(metric_keys()) == {"intake.by_topic.vakantiegeld"}
    assert set(metric_labels(cl)) == set(got)
    assert metric_labels(cl)["intake.by_topic.vakantiegeld"] == (
        "Instroom met onderwerp Vakantiegeld"
    )


# ---------------------------------------------------------------------------
# Empty sets


def test_empty_register_gives_zeros_and_nulls() -> None:
    got = metrics(register(), "2025-01-01", "2025-12-31")
    assert {k for k, v in got.items() if v is None} == NULLABLE
    counts = {k: v for k, v in got.items() if k not in NULLABLE}
    assert counts.pop("leadtime.norm_days") == 56
    assert set(counts.values()) == {0}
    assert all(type(v) is int for v in counts.values())


def test_a_reversed_period_is_refused() -> None:
    with pytest.raises(ValueError, match="periode"):
        metrics(register(), "2025-03-31", "2025-03-01")


def test_a_single_day_period() -> None:
    reg = register([*treated("2025-03-03"), closed("2025-03-04")])
    assert metrics(reg, "2025-03-04", "2025-03-04")["closed.total"] == 1
    assert metrics(reg, "2025-03-03", "2025-03-03")["intake.total"] == 1
    assert metrics(reg, "2025-03-03", "2025-03-03")["open.total"] == 1


def test_empty_period_in_a_full_register(example: Register) -> None:
    got = metrics(example, "2024-06-01", "2024-06-30")
    assert {k for k, v in got.items() if v is None} == NULLABLE
    assert got["intake.total"] == 0
    assert got["open.total"] == 0


def test_a_period_with_only_open_cases_has_no_lead_times() -> None:
    reg = register(treated("2025-03-03"))
    got = metrics(reg, "2025-03-01", "2025-03-31")
    assert got["open.total"] == 1
    assert got["closed.total"] == 0
    assert got["leadtime.gross.median_days"] is None
    assert got["leadtime.net.max_days"] is None
    assert got["triage.days.median"] == 0.0


# ---------------------------------------------------------------------------
# Percentiles and rounding


@pytest.mark.parametrize(
    ("values", "p", "expected"),
    [
        ([1, 2, 3, 4], "0.9", Decimal("3.7")),
        ([1, 2, 3, 4], "0.5", Decimal("2.5")),
        ([4, 1, 3, 2], "0.9", Decimal("3.7")),
        ([7], "0.9", Decimal("7")),
        ([10, 20], "0.9", Decimal("19")),
        (list(range(1, 12)), "0.9", Decimal("10")),
    ],
)
def test_percentile_inc(values: list[int], p: str, expected: Decimal) -> None:
    assert percentile_inc(values, Decimal(p)) == expected


def test_percentile_of_nothing_is_none() -> None:
    assert percentile_inc([], Decimal("0.5")) is None


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        ("2.25", "0.1", 2.3),
        ("0.25", "0.1", 0.3),
        ("2.35", "0.1", 2.4),
        ("-2.25", "0.1", -2.3),
        ("7.125", "0.01", 7.13),
        ("7.124", "0.01", 7.12),
        ("3", "0.1", 3.0),
    ],
)
def test_round_half_away_from_zero(value: str, places: str, expected: float) -> None:
    assert round_half_up(Decimal(value), Decimal(places)) == expected


def test_lead_time_rounding_and_p90_from_data() -> None:
    # Gross days 1, 2, 3, 4: p90 3.7, median 2.5, mean 2.5.
    cases = [[*treated("2025-03-03"), closed(f"2025-03-0{3 + d}")] for d in (1, 2, 3, 4)]
    got = metrics(register(*cases), "2025-03-01", "2025-03-31")
    assert got["leadtime.gross.p90_days"] == 3.7
    assert got["leadtime.gross.median_days"] == 2.5
    assert got["leadtime.gross.mean_days"] == 2.5
    assert got["leadtime.gross.max_days"] == 4
    # Gross days 0, 0, 0, 1: mean 0.25 rounds half away from zero to 0.3 (round() says 0.2).
    cases = [[*treated("2025-03-03"), closed("2025-03-03")] for _ in range(3)]
    cases.append([*treated("2025-03-03"), closed("2025-03-04")])
    got = metrics(register(*cases), "2025-03-01", "2025-03-31")
    assert got["leadtime.gross.mean_days"] == 0.3
    assert got["leadtime.gross.median_days"] == 0.0


def test_interview_mean_rounds_to_two_decimals_half_away_from_zero() -> None:
    scores = [7] * 7 + [8]  # mean 7.125: 7.13, where round() gives 7.12
    cases = [
        [*treated("2025-03-03"), closed("2025-03-10"), interview("2025-03-12", s, None)]
        for s in scores
    ]
    got = metrics(register(*cases), "2025-03-01", "2025-03-31")
    assert got["interview.citizen.mean"] == 7.13
    assert got["interview.citizen.n"] == 8
    assert got["interview.citizen.score.7"] == 7
    assert got["interview.citizen.score.8"] == 1
    assert got["interview.helper.n"] == 0
    assert got["interview.helper.mean"] is None
    assert got["interview.total"] == 8


# ---------------------------------------------------------------------------
# Intake


def test_two_services_and_topics_count_once_under_each() -> None:
    reg = register(
        [
            registered(
                "2025-03-03",
                services=["belastingdienst", "dienst_toeslagen"],
                topics=["huurtoeslag", "invordering", "boete"],
            )
        ],
        [
            registered(
                "2025-03-04",
                route="dienst_toeslagen",
                partner_type="dt_herstel",
                services=["dienst_toeslagen"],
                target_group="zzp",
                multi_problem=True,
                urgent=True,
            )
        ],
    )
    got = metrics(reg, "2025-03-01", "2025-03-31")
    assert got["intake.total"] == 2
    assert got["intake.by_service.belastingdienst"] == 1
    assert got["intake.by_service.dienst_toeslagen"] == 2
    assert got["intake.by_topic.huurtoeslag"] == 1
    assert got["intake.by_topic.invordering"] == 1
    assert got["intake.by_topic.boete"] == 1
    assert got["intake.by_topic.inkomstenbelasting"] == 1
    assert got["intake.by_route.dienst_toeslagen"] == 1
    assert got["intake.by_partner_type.dt_herstel"] == 1
    assert got["intake.by_target_group.zzp"] == 1
    assert got["intake.multi_problem"] == 1
    assert got["intake.urgent"] == 1


def test_unknown_to_service_only_via_a_societal_partner() -> None:
    reg = register(
        [registered("2025-03-03", known_to_service="nee")],
        [registered("2025-03-03", known_to_service="ja")],
        [
            registered(
                "2025-03-03", route="belastingdienst", partner_type="bd_lrh", known_to_service="nee"
            )
        ],
    )
    assert metrics(reg, "2025-03-01", "2025-03-31")["intake.unknown_to_service"] == 1


def test_intake_uses_the_corrected_received_on() -> None:
    reg = register(
        [
            registered("2025-03-03"),
            {
                "kind": "corrected",
                "target": 0,
                "payload": registered("2025-02-27"),
                "reason": "Tikfout.",
            },
        ]
    )
    assert metrics(reg, "2025-03-01", "2025-03-31")["intake.total"] == 0
    assert metrics(reg, "2025-02-01", "2025-02-28")["intake.total"] == 1


# ---------------------------------------------------------------------------
# Triage


def test_correction_moves_a_triage_decision_out_of_the_period() -> None:
    reg = register(
        [
            registered("2025-03-03"),
            triaged("2025-03-10"),
            {
                "kind": "corrected",
                "target": 1,
                "payload": triaged("2025-04-02", "doorverwezen"),
                "reason": "Verkeerde datum en besluit.",
            },
        ]
    )
    march = metrics(reg, "2025-03-01", "2025-03-31")
    assert march["triage.total"] == 0
    assert march["triage.pending"] == 1
    assert march["triage.days.median"] is None
    april = metrics(reg, "2025-04-01", "2025-04-30")
    assert april["triage.total"] == 1
    assert april["triage.by_decision.doorverwezen"] == 1
    assert april["triage.by_decision.in_behandeling"] == 0
    assert april["triage.referred_to.bd_lrh"] == 1
    assert april["triage.days.median"] == 30.0
    assert april["triage.pending"] == 0


def test_correction_moves_a_triage_decision_into_the_period() -> None:
    reg = register(
        [
            registered("2025-03-03"),
            triaged("2025-04-15"),
            {
                "kind": "corrected",
                "target": 1,
                "payload": triaged("2025-03-20"),
                "reason": "Besluit was eerder.",
            },
        ]
    )
    march = metrics(reg, "2025-03-01", "2025-03-31")
    assert march["triage.total"] == 1
    assert march["triage.days.median"] == 17.0
    assert march["triage.pending"] == 0
    assert metrics(reg, "2025-04-01", "2025-04-30")["triage.total"] == 0


def test_later_correction_wins() -> None:
    reg = register(
        [
            registered("2025-03-03"),
            triaged("2025-03-10"),
            {
                "kind": "corrected",
                "target": 1,
                "payload": triaged("2025-03-11", "niet_in_behandeling"),
                "reason": "Eerste correctie.",
            },
            {
                "kind": "corrected",
                "target": 1,
                "supersedes": 2,
                "payload": triaged("2025-03-12", "doorverwezen", referred_to="ibtd"),
                "reason": "Tweede correctie.",
            },
        ]
    )
    got = metrics(reg, "2025-03-01", "2025-03-31")
    assert got["triage.by_decision.doorverwezen"] == 1
    assert got["triage.by_decision.niet_in_behandeling"] == 0
    assert got["triage.referred_to.ibtd"] == 1
    assert got["triage.days.median"] == 9.0


def test_triage_breakdowns_and_handover() -> None:
    reg = register(
        [
            registered("2025-03-03"),
            triaged("2025-03-05", "doorverwezen", reason_code="loopt_elders", referred_to="ibtd"),
            {"kind": "handover_confirmed", "on": "2025-03-20"},
        ],
        [
            registered("2025-03-03"),
            triaged("2025-03-09", "niet_in_behandeling", reason_code="buiten_taak"),
        ],
        [registered("2025-03-04"), triaged("2025-03-06")],
        [registered("2025-03-30")],
        [registered("2025-03-30"), triaged("2025-04-01")],
    )
    got = metrics(reg, "2025-03-01", "2025-03-31")
    assert got["triage.total"] == 3
    assert got["triage.by_reason.loopt_elders"] == 1
    assert got["triage.by_reason.buiten_taak"] == 1
    assert got["triage.by_reason.vastgelopen_casus"] == 1
    assert got["triage.referred_to.ibtd"] == 1
    assert sum(v for k, v in got.items() if k.startswith("triage.referred_to.")) == 1
    assert got["triage.days.median"] == 2.0  # days 2, 6, 2
    assert got["triage.handover_confirmed"] == 1
    assert got["triage.pending"] == 2  # the April decision is not known at 31 March


def test_partner_feedback_first_informed_in_the_period() -> None:
    reg = register(
        [
            *treated("2025-02-24"),
            {"kind": "partner_informed", "on": "2025-02-26", "about": "ontvangst"},
            {"kind": "partner_informed", "on": "2025-03-05", "about": "tussenstand"},
        ],
        [
            *treated("2025-03-03"),
            {"kind": "partner_informed", "on": "2025-03-04", "about": "triagebesluit"},
            closed("2025-03-20"),
            {"kind": "partner_informed", "on": "2025-03-21", "about": "uitkomst"},
        ],
        [
            *treated("2025-03-03"),
            {"kind": "partner_informed", "on": "2025-03-08", "about": "ontvangst"},
        ],
    )
    got = metrics(reg, "2025-03-01", "2025-03-31")
    assert got["partner_feedback.first_days.median"] == 3.0  # days 1 and 5
    assert got["partner_feedback.outcome_informed"] == 1
    assert metrics(reg, "2025-02-01", "2025-02-28")["partner_feedback.first_days.median"] == 2.0


def test_targets_count_year_to_date_decisions_by_route() -> None:
    reg = register(
        treated("2024-12-20", route="belastingdienst", partner_type="bd_lrh"),
        treated("2025-01-02", route="belastingdienst", partner_type="bd_stella"),
        treated("2025-02-02", route="belastingdienst", partner_type="bd_klachten"),
        [
            registered("2025-02-03", route="belastingdienst", partner_type="bd_lrh"),
            triaged("2025-02-04", "niet_in_behandeling"),
        ],
        treated("2025-02-10", route="dienst_toeslagen", partner_type="dt_klachten"),
        treated("2025-02-10"),
        treated("2025-03-10", route="dienst_toeslagen", partner_type="dt_overig"),
    )
    got = metrics(reg, "2025-02-01", "2025-02-28")
    assert got["targets.ytd.belastingdienst"] == 2
    assert got["targets.ytd.dienst_toeslagen"] == 1
    assert metrics(reg, "2025-12-01", "2025-12-31")["targets.ytd.dienst_toeslagen"] == 2


# ---------------------------------------------------------------------------
# Treatment and cooperation


def test_cooperation_per_service_and_response_days() -> None:
    reg = register(
        [
            *treated("2025-02-03"),
            opinion("2025-02-20"),
            opinion("2025-03-01"),
            opinion("2025-03-02", "dienst_toeslagen"),
            {"kind": "reminder_sent", "on": "2025-03-10", "service": "belastingdienst"},
            response("2025-03-11", answer="deels_overgenomen"),
            response("2025-03-22", "dienst_toeslagen", "gemotiveerd_afgewezen"),
            opinion("2025-03-25"),
            response("2025-03-25"),
        ],
        [*treated("2025-02-03"), response("2025-03-05", "dienst_toeslagen")],
    )
    got = metrics(reg, "2025-03-01", "2025-03-31")
    assert got["treatment.opinions_sent"] == 3
    assert got["cooperation.belastingdienst.opinions"] == 2
    assert got["cooperation.dienst_toeslagen.opinions"] == 1
    assert got["cooperation.belastingdienst.reminders"] == 1
    assert got["cooperation.belastingdienst.adopted"] == 2
    assert got["cooperation.dienst_toeslagen.adopted"] == 1
    assert got["treatment.responses.overgenomen"] == 2
    assert got["treatment.responses.deels_overgenomen"] == 1
    assert got["treatment.responses.gemotiveerd_afgewezen"] == 1
    # Belastingdienst: 03-11 after the latest opinion of 03-01 (10), 03-25 same day (0).
    assert got["cooperation.belastingdienst.response_days.median"] == 5.0
    # Dienst Toeslagen: 20 days; the response without an opinion adds no value.
    assert got["cooperation.dienst_toeslagen.response_days.median"] == 20.0


def test_retracted_events_do_not_count() -> None:
    reg = register(
        [
            *treated("2025-03-03"),
            opinion("2025-03-05"),
            {"kind": "retracted", "target": 2, "reason": "Verkeerde casus."},
            escalated("2025-03-07"),
            closed("2025-03-10"),
            {"kind": "retracted", "target": 5, "reason": "Nog niet afgerond."},
        ]
    )
    got = metrics(reg, "2025-03-01", "2025-03-31")
    assert got["treatment.opinions_sent"] == 0
    assert got["cooperation.belastingdienst.opinions"] == 0
    assert got["treatment.escalations"] == 1
    assert got["treatment.escalations.by_level.teamleider"] == 1
    assert got["closed.total"] == 0
    assert got["open.total"] == 1


# ---------------------------------------------------------------------------
# Closing, reopening and lead times


def test_reopened_and_closed_again_counts_once_with_the_latest_closing() -> None:
    reg = register(
        [
            *treated("2025-01-06", "2025-01-10"),
            closed("2025-02-05", "niet_opgelost", powers_sufficient="nee"),
            {"kind": "reopened", "on": "2025-03-01", "reason": "Nieuwe brief."},
            closed(
                "2025-04-15",
                grounds=["coulance"],
                powers_used=["regiefunctie", "doorzettingsmacht"],
            ),
        ]
    )
    year = metrics(reg, "2025-01-01", "2025-12-31")
    assert year["closed.total"] == 1
    assert year["closed.by_outcome.opgelost"] == 1
    assert year["closed.by_outcome.niet_opgelost"] == 0
    assert year["closed.powers_sufficient.ja"] == 1
    assert year["closed.grounds.coulance"] == 1
    assert year["closed.powers_used.doorzettingsmacht"] == 1
    assert year["closed.powers_used.gegevenstoegang"] == 0
    assert year["leadtime.gross.max_days"] == 99
    assert year["leadtime.within_norm"] == 0
    assert year["open.total"] == 0
    february = metrics(reg, "2025-02-01", "2025-02-28")
    assert february["closed.total"] == 1
    assert february["closed.by_outcome.niet_opgelost"] == 1
    assert february["leadtime.gross.max_days"] == 30
    assert february["leadtime.within_norm"] == 1
    march = metrics(reg, "2025-03-01", "2025-03-31")
    assert march["closed.total"] == 0
    assert march["open.total"] == 1
    assert metrics(reg, "2025-04-01", "2025-04-30")["closed.total"] == 1


def test_resolution_path_and_norm_setting() -> None:
    reg = register(
        [
            *treated("2025-03-03"),
            escalated("2025-03-05", "directeur"),
            {
                "kind": "escalation_response",
                "received_on": "2025-03-06",
                "service": "belastingdienst",
                "response": "overgenomen",
            },
            closed("2025-03-10"),
        ],
        [*treated("2025-03-03"), closed("2025-03-10", "deels_opgelost")],
        [*treated("2025-03-03"), escalated("2025-03-04"), closed("2025-03-10", "ingetrokken")],
        [*treated("2025-01-02"), closed("2025-03-10", "deels_opgelost")],
    )
    got = metrics(reg, "2025-03-01", "2025-03-31")
    assert got["closed.resolved.after_escalation"] == 1
    assert got["closed.resolved.without_escalation"] == 2
    assert got["treatment.escalations.by_level.directeur"] == 1
    assert got["leadtime.within_norm"] == 3
    strict = metrics(reg, "2025-03-01", "2025-03-31", settings=MetricSettings(norm_days=6))
    assert strict["leadtime.norm_days"] == 6
    assert strict["leadtime.within_norm"] == 0
    assert (
        metrics(reg, "2025-03-01", "2025-03-31", settings=MetricSettings(norm_days=7))[
            "leadtime.within_norm"
        ]
        == 3
    )


def test_pause_open_at_closing_ends_at_the_closing() -> None:
    reg = register(
        [
            *treated("2025-03-03"),
            paused("2025-03-05"),
            resumed("2025-03-08"),
            paused("2025-03-11"),
            closed("2025-03-21"),
        ],
        [*treated("2025-03-03"), closed("2025-03-13")],
    )
    got = metrics(reg, "2025-03-01", "2025-03-31")
    assert got["treatment.pauses_started"] == 2
    # Case 1: gross 18, paused 3 + 10, net 5. Case 2: gross 10, net 10.
    assert got["leadtime.gross.max_days"] == 18
    assert got["leadtime.net.max_days"] == 10
    assert got["leadtime.net.mean_days"] == 7.5
    assert got["leadtime.gross.mean_days"] == 14.0
    assert got["open.paused"] == 0


def test_pause_running_at_the_period_end() -> None:
    reg = register(
        [*treated("2025-03-03"), paused("2025-03-25")],
        [*treated("2025-03-03"), paused("2025-03-20"), resumed("2025-03-31")],
        [*treated("2025-03-03"), paused("2025-03-20"), resumed("2025-04-02")],
    )
    got = metrics(reg, "2025-03-01", "2025-03-31")
    assert got["open.total"] == 3
    assert got["open.paused"] == 2  # resumed on `to` is not running at `to`
    assert got["treatment.pauses_started"] == 3
    assert metrics(reg, "2025-04-01", "2025-04-30")["open.paused"] == 1


def test_events_after_the_period_are_ignored() -> None:
    reg = register(
        [*treated("2025-03-03"), closed("2025-04-02"), interview("2025-04-03", 8, 9)],
        [registered("2025-03-30"), triaged("2025-04-01")],
        [registered("2025-04-01")],
    )
    got = metrics(reg, "2025-03-01", "2025-03-31")
    assert got["closed.total"] == 0
    assert got["open.total"] == 1
    assert got["triage.pending"] == 1
    assert got["intake.total"] == 2
    assert got["interview.total"] == 0
    april = metrics(reg, "2025-04-01", "2025-04-30")
    assert april["closed.total"] == 1
    assert april["interview.citizen.score.8"] == 1
    assert april["interview.helper.mean"] == 9.0
    assert april["triage.pending"] == 1


def test_open_age_buckets_boundaries() -> None:
    end = D("2025-12-31")
    ages = [0, 27, 28, 55, 56, 90, 91, 181, 182, 300]
    reg = register(*(treated((end - timedelta(days=a)).isoformat()) for a in ages))
    got = metrics(reg, "2025-12-01", "2025-12-31")
    assert got["open.total"] == 10
    assert [got[f"open.age.{b}"] for b in ("0_4w", "4_8w", "8_13w", "13_26w", "26w_plus")] == [
        2,
        2,
        2,
        2,
        2,
    ]


# ---------------------------------------------------------------------------
# Deadlines


def test_deadlines_overdue_and_due_soon() -> None:
    def deadline(due: str, on: str = "2025-03-03") -> dict[str, Any]:
        return {
            "kind": "deadline_set",
            "on": on,
            "deadline_kind": "beslistermijn",
            "start_on": on,
            "due_on": due,
        }

    reg = register(
        [
            *treated("2025-03-03"),
            deadline("2025-03-30"),
            deadline("2025-03-31"),
            deadline("2025-04-14"),
            deadline("2025-04-15"),
            deadline("2025-03-20"),
            {"kind": "deadline_met", "on": "2025-03-19", "deadline": 6, "result": "gehaald"},
            deadline("2025-03-21"),
            {"kind": "deadline_met", "on": "2025-04-01", "deadline": 8, "result": "verstreken"},
        ],
        [registered("2025-03-03"), deadline("2025-03-10")],
        [registered("2025-03-03"), deadline("2025-03-10"), triaged("2025-03-04", "doorverwezen")],
        [*treated("2025-03-03"), deadline("2025-03-10"), closed("2025-03-05")],
    )
    got = metrics(reg, "2025-03-01", "2025-03-31")
    # 03-30, 03-21 (met only after `to`) and the aangemeld case's 03-10 are overdue.
    assert got["deadlines.overdue"] == 3
    # 03-31 (= to) and 04-14 (= to + 14); 04-15 is one day too late.
    assert got["deadlines.due_next_14d"] == 2


def test_a_statutory_term_is_computed_when_due_on_is_absent() -> None:
    reg = register(
        [
            *treated("2025-03-03"),
            {
                "kind": "deadline_set",
                "on": "2025-03-03",
                "deadline_kind": "bezwaartermijn",
                "start_on": "2025-03-22",
            },
        ]
    )
    # 22-03 + 42 days is Saturday 03-05, then Sunday, then Bevrijdingsdag: 06-05.
    assert metrics(reg, "2025-04-22", "2025-04-22")["deadlines.due_next_14d"] == 1
    assert metrics(reg, "2025-05-07", "2025-05-07")["deadlines.overdue"] == 1
    assert metrics(reg, "2025-05-06", "2025-05-06")["deadlines.overdue"] == 0


# ---------------------------------------------------------------------------
# Signals


def test_signals_counts_and_awaiting_feedback() -> None:
    def resp(on: str, status: str = "in_behandeling") -> dict[str, Any]:
        return {"kind": "signal_response", "received_on": on, "status": status}

    def submitted(on: str, recipient: str = "ksms_belastingdienst") -> dict[str, Any]:
        return {"kind": "signal_submitted", "on": on, "recipient": recipient}

    def feedback(on: str) -> dict[str, Any]:
        return {"kind": "signal_feedback_given", "on": on, "to": "Aandragers"}

    reg = register(
        signals=[
            # Awaiting: a response and no feedback since.
            signal("2025-03-01", submitted("2025-03-02"), resp("2025-03-10")),
            # Feedback on the day of the latest response: not awaiting.
            signal(
                "2025-03-01",
                submitted("2025-03-02", "ibtd"),
                resp("2025-03-10"),
                feedback("2025-03-10"),
                theme="onbedoelde_hardheid",
            ),
            # Feedback before the latest response: awaiting again.
            signal(
                "2025-03-01",
                submitted("2025-03-02"),
                submitted("2025-03-03", "ibtd"),
                resp("2025-03-05", "overgenomen"),
                feedback("2025-03-06"),
                resp("2025-03-20", "niet_overgenomen"),
            ),
            # Closed: not awaiting.
            signal(
                "2025-03-01",
                submitted("2025-03-02"),
                resp("2025-03-10"),
                {"kind": "signal_closed", "on": "2025-03-11"},
            ),
            # The response arrives after `to`: nothing to feed back yet.
            signal("2025-03-01", submitted("2025-03-02"), resp("2025-04-02")),
            # Created before the period.
            signal("2025-02-01", submitted("2025-02-02")),
        ]
    )
    got = metrics(reg, "2025-03-01", "2025-03-31")
    assert got["signals.awaiting_feedback"] == 2
    assert got["signals.created"] == 5
    assert got["signals.by_theme.dienstverlening"] == 4
    assert got["signals.by_theme.onbedoelde_hardheid"] == 1
    assert got["signals.submitted"] == 6
    assert got["signals.submitted.by_recipient.ksms_belastingdienst"] == 4
    assert got["signals.submitted.by_recipient.ibtd"] == 2
    assert got["signals.responses.in_behandeling"] == 3
    assert got["signals.responses.overgenomen"] == 1
    assert got["signals.responses.niet_overgenomen"] == 1
    assert got["signals.feedback_given"] == 2
    april = metrics(reg, "2025-04-01", "2025-04-30")
    assert april["signals.awaiting_feedback"] == 3
    assert april["signals.created"] == 0


# ---------------------------------------------------------------------------
# Weekly intake


def test_weekly_intake_counts_iso_weeks_until_the_date() -> None:
    reg = register(
        [registered("2024-12-30")],  # Monday of ISO week 1 of 2025
        [registered("2025-01-05")],
        [registered("2025-01-06")],
        [registered("2025-01-20"), triaged("2025-01-20")],
        [registered("2025-01-27")],
        [
            registered("2025-01-28"),
            {
                "kind": "corrected",
                "target": 0,
                "payload": registered("2025-01-14"),
                "reason": "Tikfout.",
            },
        ],
    )
    weeks = weekly_intake(reg[0], 2025, D("2025-01-26"))
    assert weeks == [(1, 2), (2, 1), (3, 1), (4, 1)]
    assert len(weekly_intake(reg[0], 2025, D("2025-12-31"))) == 52
    assert len(weekly_intake(reg[0], 2026, D("2026-12-31"))) == 53
    assert weekly_intake(reg[0], 2026, D("2025-12-28")) == []
    assert weekly_intake(reg[0], 2026, D("2025-12-31")) == [(1, 0)]  # ISO week 1 of 2026


def test_weekly_intake_matches_the_intake_total(example: Register) -> None:
    weeks = weekly_intake(example[0], 2025, D("2025-12-28"))
    got = metrics(example, "2024-12-30", "2025-12-28")
    assert sum(n for _, n in weeks) == got["intake.total"]


# ---------------------------------------------------------------------------
# Properties

CL = default_codelists()
ROUTES = CL.keys("route")


@st.composite
def cases(draw: st.DrawFn) -> list[dict[str, Any]]:
    start = date(2025, 1, 1)
    received = start + timedelta(days=draw(st.integers(0, 300)))
    route = draw(st.sampled_from(ROUTES))
    partner_type = draw(st.sampled_from(CL.partner_types_for_route(route)))
    services = draw(
        st.sampled_from(
            [["belastingdienst"], ["dienst_toeslagen"], ["belastingdienst", "dienst_toeslagen"]]
        )
    )
    evs = [
        registered(received.isoformat(), route=route, partner_type=partner_type, services=services)
    ]
    step = draw(st.integers(0, 40))
    decision = draw(
        st.sampled_from(
            [None, "in_behandeling", "in_behandeling", "doorverwezen", "niet_in_behandeling"]
        )
    )
    if decision is None:
        return evs
    decided = received + timedelta(days=step)
    evs.append(triaged(decided.isoformat(), decision))
    if decision == "in_behandeling" and draw(st.booleans()):
        outcome = draw(st.sampled_from(CL.keys("outcome")))
        room = (date(2025, 12, 31) - decided).days
        done = decided + timedelta(days=min(draw(st.integers(0, 120)), room))
        evs.append(closed(done.isoformat(), outcome))
    return evs


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(cases(), max_size=8), st.integers(0, 364), st.integers(0, 120))
def test_totals_equal_the_sums_of_their_breakdowns(
    case_list: list[list[dict[str, Any]]], offset: int, length: int
) -> None:
    start = date(2025, 1, 1) + timedelta(days=offset)
    end = start + timedelta(days=length)
    reg = register(*case_list)
    got = compute_metrics(reg[0], reg[1], start, end)

    def total(prefix: str) -> int:
        return sum(int(v or 0) for k, v in got.items() if k.startswith(prefix))

    assert got["intake.total"] == total("intake.by_route.")
    assert got["intake.total"] == total("intake.by_partner_type.")
    assert got["intake.total"] == total("intake.by_target_group.")
    assert got["intake.total"] <= total("intake.by_service.") <= 2 * got["intake.total"]
    assert got["triage.total"] == total("triage.by_decision.")
    assert got["triage.total"] == total("triage.by_reason.")
    assert got["closed.total"] == total("closed.by_outcome.")
    assert got["closed.total"] == total("closed.powers_sufficient.")
    assert got["open.total"] == total("open.age.")
    assert (got["leadtime.gross.max_days"] is None) == (got["closed.total"] == 0)
    received = sum(1 for c in reg[0] if c[0].occurred_on <= end)
    triaged_ = sum(1 for c in reg[0] for e in c if e.kind == "triaged" and e.occurred_on <= end)
    assert got["triage.pending"] == received - triaged_
