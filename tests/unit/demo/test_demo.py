"""The synthetic register (app/demo) that the demo, tests and benchmarks use.

A demo that breaks a workflow rule, carries personal data in free text or differs
between two runs would mislead everyone who builds on it, so this checks the
generator's output against docs/DOMAIN.md on its own terms: a small independent rule
checker rather than the program's fold, so a bug shared by both cannot hide.
"""

from __future__ import annotations

import importlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Any

import pytest

from app.demo import synthetic_register
from app.model.codelists import default_codelists
from tests.helpers.model_builders import DATE_OF

#: Recorded in a register (retention), never part of a file like the demo's.
ERASING_KINDS = ("text_erased", "case_destroyed")

END = date(2025, 12, 19)

# The independent table of the test builders (written from docs/DOMAIN.md, not the app).
SIGNAL_DATE_FIELD = {k: v for k, v in DATE_OF.items() if k.startswith("signal_")
                     and k not in ("signal_linked", "signal_unlinked")}
DATE_FIELD = {k: v for k, v in DATE_OF.items()
              if k not in SIGNAL_DATE_FIELD and k not in ERASING_KINDS}
CASE_KINDS = {*DATE_FIELD, "corrected", "retracted"}
SIGNAL_KINDS = {*SIGNAL_DATE_FIELD, "corrected", "retracted"}
TREATMENT = {
    "data_requested",
    "opinion_sent",
    "reminder_sent",
    "service_response",
    "escalated",
    "escalation_response",
}
LEVELS = ["teamleider", "afdelingshoofd", "directeur", "directeur_generaal"]

# (kind, field) -> codelist; list-valued fields are checked item by item.
CODE_FIELDS: dict[tuple[str, str], str] = {
    ("registered", "route"): "route",
    ("registered", "partner_type"): "partner_type",
    ("registered", "services"): "service",
    ("registered", "topics"): "topic",
    ("registered", "target_group"): "target_group",
    ("registered", "running_procedures"): "running_procedure",
    ("registered", "routes_tried"): "route_tried",
    ("registered", "claim_band"): "claim_band",
    ("registered", "other_bodies"): "other_body",
    ("registered", "known_to_service"): "known_to_service",
    ("registered", "consent"): "consent",
    ("triaged", "decision"): "triage_decision",
    ("triaged", "reason_code"): "triage_reason",
    ("triaged", "referred_to"): "referred_to",
    ("partner_informed", "about"): "informed_about",
    ("data_requested", "service"): "service",
    ("opinion_sent", "service"): "service",
    ("reminder_sent", "service"): "service",
    ("service_response", "service"): "service",
    ("service_response", "response"): "service_response",
    ("escalated", "service"): "service",
    ("escalated", "level"): "escalation_level",
    ("escalation_response", "service"): "service",
    ("escalation_response", "response"): "service_response",
    ("deadline_set", "deadline_kind"): "deadline_kind",
    ("deadline_met", "result"): "deadline_result",
    ("closed", "outcome"): "outcome",
    ("closed", "grounds"): "ground",
    ("closed", "powers_used"): "power",
    ("closed", "powers_sufficient"): "powers_sufficient",
    ("signal_created", "theme"): "signal_theme",
    ("signal_created", "services"): "service",
    ("signal_submitted", "recipient"): "signal_recipient",
    ("signal_response", "status"): "signal_response_status",
}

# Free text that may end up in exports and reports, per event kind.
FREE_TEXT: dict[str, tuple[str, ...]] = {
    "registered": ("summary", "help_request", "urgency_reason"),
    "triaged": ("reason",),
    "handover_confirmed": ("by",),
    "note": ("text",),
    "consulted": ("with", "summary"),
    "data_requested": ("what",),
    "opinion_sent": ("proposed_solution",),
    "service_response": ("summary",),
    "escalated": ("reason",),
    "escalation_response": ("summary",),
    "paused": ("procedure", "agreed_with"),
    "deadline_set": ("description",),
    "deadline_met": ("how",),
    "closed": ("solution", "powers_note"),
    "closing_interview": ("remarks",),
    "reopened": ("reason",),
    "story": ("text",),
    "story_approved": ("note",),
    "corrected": ("reason",),
    "retracted": ("reason",),
    "signal_created": ("title", "problem", "human_story", "proposed_solution", "scope"),
    "signal_response": ("summary",),
    "signal_feedback_given": ("to",),
    "signal_closed": ("reason",),
}


@lru_cache(maxsize=8)
def _cached(seed: int = 2025, cases: int = 150, end: date = END) -> str:
    return json.dumps(synthetic_register(seed=seed, cases=cases, end=end))


def register(seed: int = 2025, cases: int = 150, end: date = END) -> dict[str, Any]:
    """A fresh copy each time, so one test cannot change what another sees."""
    data: dict[str, Any] = json.loads(_cached(seed, cases, end))
    return data


def effective(events: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """(position, event) of the steps as they stand after corrections and retractions."""
    retracted = {e["target"] for e in events if e["kind"] == "retracted"}
    latest: dict[int, dict[str, Any]] = {}
    for e in events:
        if e["kind"] == "corrected":
            latest[e["target"]] = e["payload"]  # the highest position wins
    out = []
    for i, e in enumerate(events):
        if e["kind"] in ("corrected", "retracted") or i in retracted:
            continue
        if i in latest:
            e = {"kind": e["kind"], **latest[i]}
        out.append((i, e))
    return out


def business_date(e: dict[str, Any], events: list[dict[str, Any]], fields: dict[str, str]) -> str:
    if e["kind"] == "corrected":
        return str(e["payload"][fields[events[e["target"]]["kind"]]])
    if e["kind"] == "retracted":
        return business_date(events[e["target"]], events, fields)
    return str(e[fields[e["kind"]]])


def check_case(case: dict[str, Any], end: date) -> list[str]:
    """Every rule of docs/DOMAIN.md's table, on the effective steps sorted by (date, position)."""
    problems: list[str] = []
    events = case["events"]
    ref = case["ref"]
    received = events[0]["received_on"]
    dates = [business_date(e, events, DATE_FIELD) for e in events]
    if dates != sorted(dates):
        problems.append(f"{ref}: events not in date order")
    steps = sorted(effective(events), key=lambda p: (p[1][DATE_FIELD[p[1]["kind"]]], p[0]))
    status: str | None = None
    pause = False
    interview_allowed = False
    story_seen = False
    handlers: set[str] = set()
    levels: dict[str, int] = {}
    for pos, e in steps:
        kind = e["kind"]
        d = e[DATE_FIELD[kind]]
        where = f"{ref}.events[{pos}] {kind}"
        if d < received or d > end.isoformat():
            problems.append(f"{where}: date {d} outside {received}..{end}")
        if status is None:
            if kind != "registered":
                problems.append(f"{where}: first step is not registered")
            status = "aangemeld"
            continue
        if kind == "registered":
            problems.append(f"{where}: registered twice")
        elif kind == "triaged":
            if status != "aangemeld":
                problems.append(f"{where}: triaged while {status}")
            status = e["decision"]
            interview_allowed = status == "doorverwezen"
            if status == "doorverwezen" and not e.get("referred_to"):
                problems.append(f"{where}: referral without referred_to")
        elif kind == "handover_confirmed":
            if status != "doorverwezen":
                problems.append(f"{where}: handover while {status}")
        elif kind in TREATMENT:
            if status != "in_behandeling":
                problems.append(f"{where}: treatment step while {status}")
            if (
                kind == "service_response"
                and e["response"] != "overgenomen"
                and not e.get("summary")
            ):
                problems.append(f"{where}: summary missing")
            if kind == "escalated":
                rank = LEVELS.index(e["level"])
                if rank <= levels.get(e["service"], -1):
                    problems.append(f"{where}: escalation level does not rise")
                levels[e["service"]] = rank
        elif kind == "paused":
            if status != "in_behandeling" or pause:
                problems.append(f"{where}: paused while {status}, pause={pause}")
            if e["citizen_consent"] is not True or not e["agreed_with"]:
                problems.append(f"{where}: pause without consent or agreement")
            pause = True
        elif kind == "resumed":
            if status != "in_behandeling" or not pause:
                problems.append(f"{where}: resumed while {status}, pause={pause}")
            pause = False
        elif kind == "closed":
            if status != "in_behandeling":
                problems.append(f"{where}: closed while {status}")
            status = "afgerond"
            pause = False
            interview_allowed = True
        elif kind == "closing_interview":
            if status not in ("afgerond", "doorverwezen") or not interview_allowed:
                problems.append(f"{where}: interview while {status}, allowed={interview_allowed}")
            interview_allowed = False
            for score in (e.get("citizen_score"), e.get("helper_score")):
                if score is not None and not 1 <= score <= 10:
                    problems.append(f"{where}: score {score}")
        elif kind == "reopened":
            if status != "afgerond":
                problems.append(f"{where}: reopened while {status}")
            status = "in_behandeling"
            interview_allowed = False
        elif kind == "assigned":
            handlers.add(e["handler"])
        elif kind == "story":
            story_seen = True
        elif kind == "story_approved":
            if not story_seen:
                problems.append(f"{where}: approval without story")
            if e["by"] in handlers:
                problems.append(f"{where}: approved by a handler of the case")
        elif kind == "deadline_set":
            needs_due = e["deadline_kind"] not in ("bezwaartermijn", "beroepstermijn")
            if needs_due != ("due_on" in e):
                problems.append(f"{where}: due_on present={'due_on' in e}")
        elif kind == "deadline_met":
            target = events[e["deadline"]]
            if target["kind"] != "deadline_set" or target["on"] > d:
                problems.append(f"{where}: does not follow a deadline_set")
    return problems


def check_signal(signal: dict[str, Any], end: date) -> list[str]:
    problems: list[str] = []
    events = signal["events"]
    dates = [business_date(e, events, SIGNAL_DATE_FIELD) for e in events]
    if dates != sorted(dates) or dates[-1] > end.isoformat():
        problems.append(f"{signal['ref']}: dates out of order or after end")
    steps = [e for _, e in effective(events)]
    if steps[0]["kind"] != "signal_created":
        problems.append(f"{signal['ref']}: does not start with signal_created")
    kinds = [e["kind"] for e in steps]
    if kinds.count("signal_created") != 1:
        problems.append(f"{signal['ref']}: signal_created not exactly once")
    if "signal_closed" in kinds and kinds.index("signal_closed") != len(kinds) - 1:
        problems.append(f"{signal['ref']}: steps after signal_closed")
    if (
        "signal_response" in kinds
        and "signal_submitted" not in kinds[: kinds.index("signal_response")]
    ):
        problems.append(f"{signal['ref']}: response before submission")
    return problems


def free_texts(reg: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for group in ("cases", "signals"):
        for item in reg[group]:
            for i, e in enumerate(item["events"]):
                fields = [(e, f) for f in FREE_TEXT.get(e["kind"], ())]
                if e["kind"] == "corrected":
                    target_kind = item["events"][e["target"]]["kind"]
                    fields += [(e["payload"], f) for f in FREE_TEXT.get(target_kind, ())]
                for holder, name in fields:
                    value = holder.get(name)
                    if value:
                        yield f"{item['ref']}.events[{i}].{name}", value


# --- tests --------------------------------------------------------------------------


def test_shape_and_refs() -> None:
    reg = register()
    assert reg["format"] == "casusregister/interchange"
    assert reg["version"] == 1
    assert len(reg["cases"]) == 150
    assert len(reg["signals"]) == 12
    assert [c["ref"] for c in reg["cases"]] == [f"D-{i:04d}" for i in range(1, 151)]
    assert [s["ref"] for s in reg["signals"]] == [f"S-{i:02d}" for i in range(1, 13)]
    for case in reg["cases"]:
        assert set(case) <= {"ref", "events", "personal"}
        assert case["events"][0]["kind"] == "registered"
        assert {e["kind"] for e in case["events"]} <= CASE_KINDS
    for signal in reg["signals"]:
        assert {e["kind"] for e in signal["events"]} <= SIGNAL_KINDS
    received = [c["events"][0]["received_on"] for c in reg["cases"]]
    assert received == sorted(received), "refs follow the order of receipt"


def test_same_arguments_same_register() -> None:
    assert synthetic_register() == synthetic_register()
    a = synthetic_register(
        cases=40, signals=3, seed=9, start=date(2024, 3, 1), end=date(2024, 9, 30)
    )
    b = synthetic_register(
        cases=40, signals=3, seed=9, start=date(2024, 3, 1), end=date(2024, 9, 30)
    )
    assert json.dumps(a) == json.dumps(b)


def test_different_seeds_differ() -> None:
    assert synthetic_register(seed=1) != synthetic_register(seed=2)
    assert register(seed=1)["cases"][0] != register(seed=2)["cases"][0]


def test_global_random_untouched() -> None:
    import random

    random.seed(12345)
    expected = random.random()
    random.seed(12345)
    synthetic_register(cases=20)
    assert random.random() == expected


def test_every_event_kind_appears() -> None:
    reg = register()
    case_kinds = Counter(e["kind"] for c in reg["cases"] for e in c["events"])
    signal_kinds = Counter(e["kind"] for s in reg["signals"] for e in s["events"])
    assert set(case_kinds) == CASE_KINDS, CASE_KINDS - set(case_kinds)
    assert set(signal_kinds) >= SIGNAL_KINDS - {"retracted"}
    all_kinds = set(default_codelists().keys("event_kind")) - set(ERASING_KINDS)
    assert all_kinds <= set(case_kinds) | set(signal_kinds)


def test_every_variant_of_the_main_steps_appears() -> None:
    reg = register()
    events = [e for c in reg["cases"] for e in c["events"]]

    def values(kind: str, field: str) -> set[Any]:
        return {e[field] for e in events if e["kind"] == kind and field in e}

    assert values("triaged", "decision") == {
        "in_behandeling",
        "doorverwezen",
        "niet_in_behandeling",
    }
    assert values("partner_informed", "about") == {
        "ontvangst",
        "triagebesluit",
        "tussenstand",
        "uitkomst",
    }
    assert values("deadline_set", "deadline_kind") >= {
        "bezwaartermijn",
        "beslistermijn",
        "betalingstermijn",
    }
    assert values("deadline_met", "result") == {"gehaald", "verstreken"}
    assert values("service_response", "response") == {
        "overgenomen",
        "deels_overgenomen",
        "gemotiveerd_afgewezen",
    }
    assert len(values("escalated", "level")) >= 3
    assert values("closed", "outcome") >= {"opgelost", "deels_opgelost", "niet_opgelost"}
    assert any(e["kind"] == "corrected" and "supersedes" in e for e in events)
    scores = [e["citizen_score"] for e in events if e["kind"] == "closing_interview"]
    assert None in scores
    assert sum(1 for s in scores if s is not None and 6 <= s <= 9) > len(scores) / 2


def test_mix_of_routes_and_decisions() -> None:
    reg = register(cases=2000)
    routes = Counter(c["events"][0]["route"] for c in reg["cases"])
    assert 0.48 < routes["maatschappelijke_partner"] / 2000 < 0.62
    assert 0.19 < routes["belastingdienst"] / 2000 < 0.31
    assert 0.08 < routes["dienst_toeslagen"] / 2000 < 0.16
    assert routes["ibtd"] < routes["overig"] < routes["dienst_toeslagen"]
    decisions = Counter(
        e["decision"] for c in reg["cases"] for e in c["events"] if e["kind"] == "triaged"
    )
    total = sum(decisions.values())
    assert 0.70 < decisions["in_behandeling"] / total < 0.80
    assert 0.14 < decisions["doorverwezen"] / total < 0.22
    assert 0.04 < decisions["niet_in_behandeling"] / total < 0.10
    months = Counter(c["events"][0]["received_on"][5:7] for c in reg["cases"])
    assert months["03"] > months["08"], "spring is busier than the summer holidays"


def test_codelist_values_are_valid() -> None:
    cl = default_codelists()
    reg = register()
    bad = []
    for group in ("cases", "signals"):
        for item in reg[group]:
            payloads = [e for e in item["events"]]
            payloads += [
                {"kind": item["events"][e["target"]]["kind"], **e["payload"]}
                for e in item["events"]
                if e["kind"] == "corrected"
            ]
            for e in payloads:
                for (kind, field), list_name in CODE_FIELDS.items():
                    if e["kind"] != kind or field not in e:
                        continue
                    value = e[field]
                    for v in value if isinstance(value, list) else [value]:
                        if not cl.is_valid(list_name, v):
                            bad.append((item["ref"], kind, field, v))
    assert bad == []


def test_partner_type_belongs_to_route_and_topics_fit_services() -> None:
    cl = default_codelists()
    toeslagen = {
        "huurtoeslag",
        "zorgtoeslag",
        "kinderopvangtoeslag",
        "kindgebonden_budget",
        "terugvordering_toeslag",
        "herstel_toeslagen",
    }
    for case in register(cases=1000)["cases"]:
        reg = case["events"][0]
        assert cl.route_of_partner_type(reg["partner_type"]) == reg["route"]
        assert 1 <= len(reg["services"]) <= 2
        assert len(set(reg["services"])) == len(reg["services"])
        assert 1 <= len(reg["topics"]) <= 3
        assert len(set(reg["topics"])) == len(reg["topics"])
        if toeslagen & set(reg["topics"]):
            assert "dienst_toeslagen" in reg["services"]
        if reg["urgent"]:
            assert reg["urgency_reason"]
        assert reg["summary"]


def test_rule_checker_catches_violations() -> None:
    """The checker below must be able to fail, or its silence proves nothing."""
    reg = register()
    treated = next(
        c
        for c in reg["cases"]
        if any(e["kind"] == "opinion_sent" for e in c["events"])
        and not any(e["kind"] in ("corrected", "retracted") for e in c["events"])
    )
    assert check_case(treated, END) == []

    early = json.loads(json.dumps(treated))
    opinion = next(e for e in early["events"] if e["kind"] == "opinion_sent")
    opinion["sent_on"] = early["events"][0]["received_on"]
    assert any("treatment step while aangemeld" in p for p in check_case(early, END))

    late = json.loads(json.dumps(treated))
    late["events"].append({"kind": "note", "on": "2026-01-05", "text": "Te laat."})
    assert any("outside" in p for p in check_case(late, END))

    twice = json.loads(json.dumps(treated))
    triage = next(e for e in twice["events"] if e["kind"] == "triaged")
    twice["events"].append(
        dict(triage, decided_on=twice["events"][-1][DATE_FIELD[twice["events"][-1]["kind"]]])
    )
    assert any("triaged while" in p for p in check_case(twice, END))

    resumed = json.loads(json.dumps(treated))
    last = resumed["events"][-1]
    resumed["events"].append({"kind": "resumed", "on": last[DATE_FIELD[last["kind"]]]})
    assert any("resumed while" in p for p in check_case(resumed, END))


def test_workflow_rules_hold() -> None:
    reg = register()
    problems = [p for c in reg["cases"] for p in check_case(c, END)]
    problems += [p for s in reg["signals"] for p in check_signal(s, END)]
    assert problems == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_workflow_rules_hold_for_other_seeds(seed: int) -> None:
    reg = register(seed=seed, cases=600)
    assert {e["kind"] for c in reg["cases"] for e in c["events"]} == CASE_KINDS
    problems = [p for c in reg["cases"] for p in check_case(c, END)]
    problems += [p for s in reg["signals"] for p in check_signal(s, END)]
    assert problems == []


def test_pauses_end_every_way() -> None:
    """Some pauses are resumed, some end with the closing, some still run at the end."""
    resumed = by_closing = running = 0
    for case in register(cases=1000)["cases"]:
        pause = False
        for _, e in effective(case["events"]):
            if e["kind"] == "paused":
                pause = True
            elif e["kind"] == "resumed":
                pause, resumed = False, resumed + 1
            elif e["kind"] == "closed" and pause:
                pause, by_closing = False, by_closing + 1
        running += pause
    assert resumed and by_closing and running


def test_corrections_and_retractions() -> None:
    reg = register()
    corrections = retractions = 0
    for case in reg["cases"]:
        events = case["events"]
        for i, e in enumerate(events):
            if e["kind"] == "corrected":
                corrections += 1
                target = events[e["target"]]
                assert e["target"] < i
                assert target["kind"] not in ("corrected", "retracted")
                assert "kind" not in e["payload"]
                assert set(e["payload"]) >= set(target) - {"kind"}
                assert e["reason"]
                if "supersedes" in e:
                    first = events[e["supersedes"]]
                    assert first["kind"] == "corrected"
                    assert first["target"] == e["target"]
                    assert e["supersedes"] < i
            if e["kind"] == "retracted":
                retractions += 1
                assert events[e["target"]]["kind"] in ("note", "reminder_sent")
                assert e["reason"]
    assert corrections >= 3
    assert retractions >= 2


def test_signals() -> None:
    reg = register()
    refs = {c["ref"]: c["events"][0]["received_on"] for c in reg["cases"]}
    recipients = set()
    for signal in reg["signals"]:
        created = signal["events"][0]
        assert created["kind"] == "signal_created"
        for field in ("title", "problem", "proposed_solution", "theme", "services"):
            assert created[field]
        assert created["urgency"] in ("laag", "midden", "hoog")
        assert 1 <= len(signal["cases"]) <= 6
        assert len(set(signal["cases"])) == len(signal["cases"])
        for ref in signal["cases"]:
            assert refs[ref] <= created["created_on"]
        recipients |= {e["recipient"] for e in signal["events"] if e["kind"] == "signal_submitted"}
    submitted = sum(
        any(e["kind"] == "signal_submitted" for e in s["events"]) for s in reg["signals"]
    )
    assert submitted > len(reg["signals"]) / 2
    assert recipients


def test_case_level_links_point_at_existing_signals() -> None:
    reg = register()
    created = {s["ref"]: s["events"][0]["created_on"] for s in reg["signals"]}
    for case in reg["cases"]:
        linked: set[str] = set()
        for e in case["events"]:
            if e["kind"] == "signal_linked":
                assert e["on"] >= created[e["signal"]]
                linked.add(e["signal"])
            if e["kind"] == "signal_unlinked":
                assert e["signal"] in linked
                linked.discard(e["signal"])


def test_signal_count_scales_with_a_large_register() -> None:
    reg = synthetic_register(cases=1500, with_personal=False)
    assert len(reg["signals"]) == 125
    assert reg["signals"][0]["ref"] == "S-001"
    # an explicit count above the default mix is taken as given
    assert len(synthetic_register(cases=1500, signals=200)["signals"]) == 200
    assert synthetic_register(cases=30, signals=4)["signals"].__len__() == 4
    assert synthetic_register(cases=30, signals=0)["signals"] == []


def bsn_ok(bsn: str) -> bool:
    """The 11-proef, written out here rather than borrowed from the code under test."""
    if len(bsn) != 9 or not bsn.isdigit():
        return False
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(w * int(d) for w, d in zip(weights, bsn, strict=True)) % 11 == 0


def test_personal_data_on_about_a_third() -> None:
    reg = register(cases=1000)
    with_p = [c["personal"] for c in reg["cases"] if "personal" in c]
    assert 0.25 < len(with_p) / 1000 < 0.42
    assert reg.get("with_personal") is True
    for p in with_p:
        assert set(p) == {"name", "bsn", "phone", "email", "address", "service_reference"}
        assert bsn_ok(p["bsn"]), p["bsn"]
        assert p["email"].endswith(".example")


def test_without_personal_the_rest_is_identical() -> None:
    full = synthetic_register(cases=60)
    bare = synthetic_register(cases=60, with_personal=False)
    assert all("personal" not in c for c in bare["cases"])
    assert "with_personal" not in bare
    for c in full["cases"]:
        c.pop("personal", None)
    full.pop("with_personal")
    assert full == bare


def test_no_personal_data_in_free_text() -> None:
    reg = register()
    texts = list(free_texts(reg))
    assert len(texts) > 500
    names = {c["personal"]["name"] for c in reg["cases"] if "personal" in c}
    names |= {
        c["events"][0]["helper_contact"]["name"]
        for c in reg["cases"]
        if "helper_contact" in c["events"][0]
    }
    for where, text in texts:
        assert not any(n in text for n in names), where
        assert not re.search(r"\d{6,}", text), (where, text)
        assert "@" not in text, (where, text)
    try:
        lint = importlib.import_module("app.model.lint")
    except ImportError:
        return
    findings = [(where, text, lint.lint_text(text)) for where, text in texts]
    assert [f for f in findings if f[2]] == []


def test_valid_for_the_interchange_importer() -> None:
    """When the importer's validator is there, the demo year must pass it whole."""
    try:
        interchange = importlib.import_module("app.model.interchange")
    except ImportError:
        pytest.skip("app.model.interchange not available")
    validate = getattr(interchange, "events_in_memory", None)
    if validate is None:
        pytest.skip("no whole-file validator in app.model.interchange")
    events, plan = validate(register(), today=END)
    assert len(plan.new_cases) == 150
    assert len(events) > 150 * 10


def test_multi_year_range() -> None:
    end = date(2027, 12, 17)
    reg = register(cases=3000, end=end)
    years = Counter(c["events"][0]["received_on"][:4] for c in reg["cases"])
    assert set(years) == {"2025", "2026", "2027"}
    assert min(years.values()) > 600
    problems = [p for c in reg["cases"] for p in check_case(c, end)]
    problems += [p for s in reg["signals"] for p in check_signal(s, end)]
    assert problems == []


@pytest.mark.slow
def test_ten_thousand_cases() -> None:
    reg = synthetic_register(cases=10_000, with_personal=False)
    assert len(reg["cases"]) == 10_000
    assert reg["cases"][-1]["ref"] == "D-10000"
    per_case = sum(len(c["events"]) for c in reg["cases"]) / 10_000
    assert 10 <= per_case <= 14, per_case
    problems = [p for c in reg["cases"] for p in check_case(c, END)]
    problems += [p for s in reg["signals"] for p in check_signal(s, END)]
    assert problems == []


# --- the showcase: what a trainee must see on the day the demo ends -------------------


@lru_cache(maxsize=2)
def _showcase_cached(end: date = END) -> str:
    return json.dumps(synthetic_register(cases=60, end=end, showcase=True))


def test_showcase_adds_cases_and_leaves_the_simulation_alone() -> None:
    plain = synthetic_register(cases=60, end=END)
    shown = json.loads(_showcase_cached())
    assert shown["cases"][:60] == json.loads(json.dumps(plain["cases"]))
    extra = shown["cases"][60:]
    assert [c["ref"] for c in extra] == [f"T-0{i}" for i in range(1, 9)]
    assert shown == json.loads(json.dumps(synthetic_register(cases=60, end=END,
                                                             showcase=True)))
    problems = [p for c in extra for p in check_case(c, END)]
    assert problems == []
    texts = [(w, t) for w, t in free_texts({"cases": extra, "signals": []})]
    lint = importlib.import_module("app.model.lint")
    assert [(w, t) for w, t in texts if lint.lint_text(t)] == []
    # relative to the end: a showcase for another day has other dates
    later = json.loads(_showcase_cached(date(2026, 3, 13)))
    assert later["cases"][-1]["events"][0]["received_on"] > "2026-01-01"
    # too short a range for the showcase: none
    short = synthetic_register(cases=5, start=date(2025, 12, 1), end=END, showcase=True)
    assert len(short["cases"]) == 5
