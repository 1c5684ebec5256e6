"""The interchange format (docs/INTERCHANGE.md): planning an import and exporting again.

Import is all or nothing and every error carries its JSON path, so a team lead can fix
a spreadsheet conversion in one pass; export followed by import gives back the same
register. These tests run entirely in memory (``plan_import``/``events_in_memory``).
"""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.model.errors import FieldError, ValidationFailed
from app.model.eventlog import Event, HybridClock
from app.model.fold import fold_case, fold_signal
from app.model.interchange import (
    ExportCase,
    ExportSignal,
    ImportPlan,
    MemoryResolver,
    events_in_memory,
    export_document,
    plan_import,
)
from tests.helpers.model_builders import file_event

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "interchange-2025-small.json"
TODAY = date(2026, 6, 30)
D = date.fromisoformat


def load_example() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def doc(cases: list[Any] | None = None, signals: list[Any] | None = None,
        **extra: Any) -> dict[str, Any]:
    return {"format": "casusregister/interchange", "version": 1,
            "cases": cases if cases is not None else [],
            "signals": signals if signals is not None else [], **extra}


def a_case(ref: str = "A-001", events: list[Any] | None = None, **extra: Any
           ) -> dict[str, Any]:
    if events is None:
        events = [file_event("registered", "2025-03-03"),
                  file_event("triaged", "2025-03-05")]
    return {"ref": ref, "events": events, **extra}


def a_signal(ref: str = "S-01", created_on: str = "2025-04-20",
             cases: list[str] | None = None, events: list[Any] | None = None
             ) -> dict[str, Any]:
    if events is None:
        events = [file_event("signal_created", created_on),
                  file_event("signal_submitted", created_on)]
    return {"ref": ref, "events": events, "cases": cases or []}


def body(kind: str, on: str, **fields: Any) -> dict[str, Any]:
    """A payload in file form without its kind (the inside of a correction)."""
    ev = file_event(kind, on, **fields)
    del ev["kind"]
    return ev


def plan(data: Any, today: date = TODAY) -> ImportPlan:
    return events_in_memory(data, today=today)[1]


def errors_of(data: Any, today: date = TODAY) -> list[FieldError]:
    with pytest.raises(ValidationFailed) as info:
        events_in_memory(data, today=today)
    assert info.value.errors
    return info.value.errors


def by_entity(events: list[Event]) -> dict[str, list[Event]]:
    out: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        out[e.entity_id].append(e)
    return out


def case_events(p: ImportPlan, ref: str) -> list[Event]:
    number = dict(p.new_cases)[ref]
    groups = by_entity([e for e in p.events if e.entity == "case"])
    return next(evs for evs in groups.values()
                if min(evs, key=lambda e: e.hlc).number == number)


def export_plan(p: ImportPlan, with_personal: bool = False) -> dict[str, Any]:
    """What ``export interchange`` writes for a register holding exactly ``p``."""
    groups = by_entity(p.events)
    first = {eid: min(evs, key=lambda e: e.hlc) for eid, evs in groups.items()}
    by_number = {f.number: eid for eid, f in first.items()}
    cases = [ExportCase(ref, groups[by_number[num]], p.personal.get(by_number[num]))
             for ref, num in p.new_cases]
    signals = [ExportSignal(ref, groups[by_number[num]]) for ref, num in p.new_signals]
    return export_document(cases, signals, with_personal=with_personal)


# --- the example file ---------------------------------------------------------------------


def test_example_file_plans_without_errors() -> None:
    p = plan(load_example())
    assert len(p.new_cases) == 44
    assert len(p.new_signals) == 12
    assert p.skipped_cases == [] and p.skipped_signals == []
    assert len({num for _, num in p.new_cases}) == 44
    assert len(by_entity([e for e in p.events if e.entity == "case"])) == 44
    assert len(by_entity([e for e in p.events if e.entity == "signal"])) == 12


def test_example_file_cases_fold_without_violations() -> None:
    p = plan(load_example())
    for ref, _ in p.new_cases:
        state = fold_case(case_events(p, ref))
        assert state.violations == [], ref
        assert state.ref == ref
    for evs in by_entity([e for e in p.events if e.entity == "signal"]).values():
        assert fold_signal(evs).violations == []


def test_example_file_every_signal_link_becomes_a_case_link() -> None:
    data = load_example()
    p = plan(data)
    numbers = dict(p.new_signals)
    for s in data["signals"]:
        for ref in s["cases"]:
            assert numbers[s["ref"]] in fold_case(case_events(p, ref)).signals


def test_export_of_planned_events_round_trips() -> None:
    first = export_plan(plan(load_example()))
    second = export_plan(plan(first))
    assert second == first
    # the export is JSON and carries no ids or clocks of the importing register
    text = json.dumps(first)
    assert "hlc" not in text
    assert all(s["cases"] == [] for s in first["signals"])


def test_round_trip_keeps_every_case_state() -> None:
    """import(export(x)) has the same events: kinds, dates, effective payloads, order."""
    original = plan(load_example())
    again = plan(export_plan(original))
    assert [ref for ref, _ in again.new_cases] == [ref for ref, _ in original.new_cases]
    sig_ref_1 = {num: ref for ref, num in original.new_signals}
    sig_ref_2 = {num: ref for ref, num in again.new_signals}
    for ref, _ in original.new_cases:
        a = fold_case(case_events(original, ref))
        b = fold_case(case_events(again, ref))
        assert (a.status, a.phase, a.path, a.received_on, a.closed_on) == (
            b.status, b.phase, b.path, b.received_on, b.closed_on), ref
        seq_a = [(e.kind, e.on, e.payload) for e in a.effective]
        seq_b = [(e.kind, e.on, e.payload) for e in b.effective]
        assert len(seq_a) == len(seq_b)
        for (ka, oa, pa), (kb, ob, pb) in zip(seq_a, seq_b, strict=True):
            assert (ka, oa) == (kb, ob), ref
            if ka in ("signal_linked", "signal_unlinked"):
                assert sig_ref_1[pa["signal"]] == sig_ref_2[pb["signal"]]
            elif ka != "deadline_met":  # points at an event id of its own register
                assert pa == pb, (ref, ka)
        assert [sig_ref_1[s] for s in a.signals] == [sig_ref_2[s] for s in b.signals]
        assert [(d.kind, d.due_on, d.met_on) for d in a.deadlines] == [
            (d.kind, d.due_on, d.met_on) for d in b.deadlines]


def test_export_writes_corrections_and_retractions_as_positions() -> None:
    exported = export_plan(plan(load_example()))
    meta = [(c["ref"], j, ev) for c in exported["cases"]
            for j, ev in enumerate(c["events"]) if ev["kind"] in ("corrected", "retracted")]
    assert len(meta) == 5  # 4 corrections and 1 retraction in the example
    for _, j, ev in meta:
        assert isinstance(ev["target"], int) and 0 <= ev["target"] < j


def test_export_always_writes_due_on() -> None:
    exported = export_plan(plan(load_example()))
    sets = [ev for c in exported["cases"] for ev in c["events"]
            if ev["kind"] == "deadline_set"]
    assert len(sets) == 10
    assert all("due_on" in ev for ev in sets)


def test_personal_only_when_asked() -> None:
    p = plan(load_example())
    assert p.personal, "the example file carries personal data"
    without = export_plan(p)
    assert "with_personal" not in without
    assert all("personal" not in c for c in without["cases"])
    with_p = export_plan(p, with_personal=True)
    assert with_p["with_personal"] is True
    source = {c["ref"]: c.get("personal") for c in load_example()["cases"]}
    for c in with_p["cases"]:
        if "personal" in c:
            assert c["personal"] == source[c["ref"]]
    # and it reads back, personal data included
    again = plan(with_p)
    assert sorted(map(sorted, (v.items() for v in again.personal.values()))) == sorted(
        map(sorted, (v.items() for v in p.personal.values())))


# --- bad files: each refused with the exact path ------------------------------------------


def _triage_before_receipt(d: dict[str, Any]) -> None:
    d["cases"][0]["events"][1]["decided_on"] = "2025-03-01"


def _wrong_format(d: dict[str, Any]) -> None:
    d["format"] = "excel/export"


def _duplicate_ref(d: dict[str, Any]) -> None:
    d["cases"].append(a_case("A-001"))


def _first_not_registered(d: dict[str, Any]) -> None:
    d["cases"][0]["events"] = [file_event("triaged", "2025-03-05")]


def _target_out_of_range(d: dict[str, Any]) -> None:
    d["cases"][0]["events"].append({"kind": "corrected", "target": 7,
                                    "payload": body("triaged", "2025-03-06"),
                                    "reason": "Tikfout."})


def _retract_target_out_of_range(d: dict[str, Any]) -> None:
    d["cases"][0]["events"].append({"kind": "retracted", "target": -1, "reason": "x"})


def _target_not_a_position(d: dict[str, Any]) -> None:
    d["cases"][0]["events"].append({"kind": "retracted", "target": "1", "reason": "x"})


def _target_is_itself(d: dict[str, Any]) -> None:
    d["cases"][0]["events"].append({"kind": "retracted", "target": 2, "reason": "x"})


def _supersedes_non_correction(d: dict[str, Any]) -> None:
    d["cases"][0]["events"] += [
        file_event("note", "2025-03-06"),
        {"kind": "corrected", "target": 1, "supersedes": 2,
         "payload": body("triaged", "2025-03-06"), "reason": "Tikfout."},
    ]


def _supersedes_correction_of_other_target(d: dict[str, Any]) -> None:
    d["cases"][0]["events"] += [
        file_event("note", "2025-03-06"),
        {"kind": "corrected", "target": 2, "payload": body("note", "2025-03-07"),
         "reason": "x"},
        {"kind": "corrected", "target": 1, "supersedes": 3,
         "payload": body("triaged", "2025-03-06"), "reason": "x"},
    ]


def _correction_of_a_correction(d: dict[str, Any]) -> None:
    d["cases"][0]["events"] += [
        {"kind": "corrected", "target": 1, "payload": body("triaged", "2025-03-06"),
         "reason": "x"},
        {"kind": "corrected", "target": 2, "payload": body("triaged", "2025-03-07"),
         "reason": "x"},
    ]


def _correction_payload_invalid(d: dict[str, Any]) -> None:
    d["cases"][0]["events"].append({"kind": "corrected", "target": 1,
                                    "payload": body("triaged", "2025-03-06",
                                                    decision="misschien"),
                                    "reason": "x"})


def _deadline_met_non_deadline(d: dict[str, Any]) -> None:
    d["cases"][0]["events"].append(file_event("deadline_met", "2025-03-06", deadline=1))


def _unknown_signal_ref(d: dict[str, Any]) -> None:
    d["cases"][0]["events"].append(file_event("signal_linked", "2025-03-06",
                                              signal="S-99"))


def _unknown_case_ref(d: dict[str, Any]) -> None:
    d["signals"] = [a_signal("S-01", cases=["A-001", "B-404"])]


def _invalid_bsn(d: dict[str, Any]) -> None:
    d["cases"][0]["personal"] = {"name": "Iemand", "bsn": "123456789"}


def _unknown_personal_key(d: dict[str, Any]) -> None:
    d["cases"][0]["personal"] = {"name": "Iemand", "geboortedatum": "1980-01-01"}


def _non_object_event(d: dict[str, Any]) -> None:
    d["cases"][0]["events"].insert(1, "triaged op 5 maart")


def _future_event(d: dict[str, Any]) -> None:
    d["cases"][0]["events"][1]["decided_on"] = "2026-07-01"  # the day after TODAY


def _unknown_kind(d: dict[str, Any]) -> None:
    d["cases"][0]["events"].append({"kind": "gebeld", "on": "2025-03-06"})


def _signal_kind_in_case(d: dict[str, Any]) -> None:
    d["cases"][0]["events"].append(file_event("signal_submitted", "2025-03-06"))


def _date_as_number(d: dict[str, Any]) -> None:
    d["cases"][0]["events"].append({"kind": "note", "on": 20250306, "text": "Gebeld."})


def _missing_field(d: dict[str, Any]) -> None:
    del d["cases"][0]["events"][1]["reason"]


def _unknown_top_level(d: dict[str, Any]) -> None:
    d["exported_by"] = "Excel"


def _unknown_case_member(d: dict[str, Any]) -> None:
    d["cases"][0]["status"] = "afgerond"


def _missing_ref(d: dict[str, Any]) -> None:
    del d["cases"][0]["ref"]


def _no_events(d: dict[str, Any]) -> None:
    d["cases"][0]["events"] = []


def _signal_with_personal(d: dict[str, Any]) -> None:
    d["signals"] = [a_signal() | {"personal": {"name": "x"}}]


def _signal_first_not_created(d: dict[str, Any]) -> None:
    d["signals"] = [a_signal(events=[file_event("signal_submitted", "2025-04-20")])]


def _signal_step_after_closed(d: dict[str, Any]) -> None:
    d["signals"] = [a_signal(events=[file_event("signal_created", "2025-04-20"),
                                     file_event("signal_closed", "2025-04-21"),
                                     file_event("signal_submitted", "2025-04-22")])]


def _treatment_before_triage(d: dict[str, Any]) -> None:
    d["cases"][0]["events"] = [file_event("registered", "2025-03-03"),
                               file_event("opinion_sent", "2025-03-04")]


def _cases_not_a_list(d: dict[str, Any]) -> None:
    d["cases"] = {"A-001": {}}


def _flag_not_text(d: dict[str, Any]) -> None:
    d["cases"][0]["events"][1]["flag"] = True


BAD_FILES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("triage-before-received", _triage_before_receipt, "cases[0].events[1].decided_on",
     "vóór"),
    ("wrong-format", _wrong_format, "format", "casusregister/interchange"),
    ("duplicate-ref", _duplicate_ref, "cases[1].ref", "A-001"),
    ("first-not-registered", _first_not_registered, "cases[0].events[0].kind",
     "registered"),
    ("corrected-target-out-of-range", _target_out_of_range, "cases[0].events[2].target",
     "7"),
    ("retracted-target-negative", _retract_target_out_of_range,
     "cases[0].events[2].target", "-1"),
    ("target-not-a-position", _target_not_a_position, "cases[0].events[2].target",
     "positie"),
    ("target-is-itself", _target_is_itself, "cases[0].events[2].target", "2"),
    ("supersedes-non-correction", _supersedes_non_correction,
     "cases[0].events[3].supersedes", "correctie"),
    ("supersedes-other-target", _supersedes_correction_of_other_target,
     "cases[0].events[4].supersedes", "correctie"),
    ("correction-of-correction", _correction_of_a_correction, "cases[0].events[3].target",
     "oorspronkelijke"),
    ("correction-payload-invalid", _correction_payload_invalid,
     "cases[0].events[2].payload.decision", "kies"),
    ("deadline-met-non-deadline", _deadline_met_non_deadline,
     "cases[0].events[2].deadline", "termijn"),
    ("unknown-signal-ref", _unknown_signal_ref, "cases[0].events[2].signal", "S-99"),
    ("unknown-case-ref", _unknown_case_ref, "signals[0].cases[1]", "B-404"),
    ("invalid-bsn", _invalid_bsn, "cases[0].personal.bsn", "11-proef"),
    ("unknown-personal-key", _unknown_personal_key, "cases[0].personal.geboortedatum",
     "onbekend"),
    ("non-object-event", _non_object_event, "cases[0].events[1]", "object"),
    ("future-event", _future_event, "cases[0].events[1].decided_on", "toekomst"),
    ("unknown-kind", _unknown_kind, "cases[0].events[2].kind", "gebeld"),
    ("signal-kind-in-case", _signal_kind_in_case, "cases[0].events[2].kind",
     "signal_submitted"),
    ("date-as-number", _date_as_number, "cases[0].events[2].on", "JJJJ-MM-DD"),
    ("missing-field", _missing_field, "cases[0].events[1].reason", "verplicht"),
    ("unknown-top-level", _unknown_top_level, "exported_by", "onbekend"),
    ("unknown-case-member", _unknown_case_member, "cases[0].status", "onbekend"),
    ("missing-ref", _missing_ref, "cases[0].ref", "herkomstnummer"),
    ("no-events", _no_events, "cases[0].events", "minstens"),
    ("signal-with-personal", _signal_with_personal, "signals[0].personal",
     "persoonsgegevens"),
    ("signal-first-not-created", _signal_first_not_created, "signals[0].events[0].kind",
     "signal_created"),
    ("signal-step-after-closed", _signal_step_after_closed, "signals[0].events[2].on",
     "gesloten"),
    ("treatment-before-triage", _treatment_before_triage, "cases[0].events[1].sent_on",
     "In behandeling"),
    ("cases-not-a-list", _cases_not_a_list, "cases", "lijst"),
    ("flag-not-text", _flag_not_text, "cases[0].events[1].flag", "tekst"),
]


def _good() -> dict[str, Any]:
    return doc([a_case()])


def test_the_good_file_of_the_corpus_is_accepted() -> None:
    p = plan(_good())
    assert p.new_cases == [("A-001", "2025-TST-0001")]


@pytest.mark.parametrize(("mutate", "path", "fragment"),
                         [(m, p, f) for _, m, p, f in BAD_FILES],
                         ids=[name for name, *_ in BAD_FILES])
def test_bad_file_refused_with_its_path(mutate: Callable[[dict[str, Any]], None],
                                        path: str, fragment: str) -> None:
    data = _good()
    mutate(data)
    errors = errors_of(data)
    assert path in [e.path for e in errors], errors
    message = next(e.message for e in errors if e.path == path)
    assert fragment in message


def test_triage_before_receipt_is_the_only_error() -> None:
    data = _good()
    _triage_before_receipt(data)
    assert [e.path for e in errors_of(data)] == ["cases[0].events[1].decided_on"]


@pytest.mark.parametrize(("mutate", "path"), [
    (_wrong_format, "format"), (_duplicate_ref, "cases[1].ref"),
    (_first_not_registered, "cases[0].events[0].kind"),
    (_target_out_of_range, "cases[0].events[2].target"),
    (_supersedes_non_correction, "cases[0].events[3].supersedes"),
    (_deadline_met_non_deadline, "cases[0].events[2].deadline"),
    (_unknown_signal_ref, "cases[0].events[2].signal"),
    (_unknown_case_ref, "signals[0].cases[1]"), (_invalid_bsn, "cases[0].personal.bsn"),
    (_unknown_personal_key, "cases[0].personal.geboortedatum"),
    (_non_object_event, "cases[0].events[1]"),
    (_future_event, "cases[0].events[1].decided_on"),
])
def test_single_mistake_gives_a_single_error(mutate: Callable[[dict[str, Any]], None],
                                             path: str) -> None:
    data = _good()
    mutate(data)
    assert [e.path for e in errors_of(data)] == [path]


@pytest.mark.parametrize("version", [2, 17])
def test_newer_version_refused_saying_so(version: int) -> None:
    errors = errors_of({"format": "casusregister/interchange", "version": version,
                        "cases": []})
    assert [e.path for e in errors] == ["version"]
    assert "nieuwer" in errors[0].message
    assert "bij" in errors[0].message  # tells the user to update the program


@pytest.mark.parametrize("version", [None, "1", 1.0, True, 0, -1])
def test_missing_or_odd_version_refused(version: Any) -> None:
    data = {"format": "casusregister/interchange", "cases": []}
    if version is not None:
        data["version"] = version
    errors = errors_of(data)
    assert [e.path for e in errors] == ["version"]
    assert "nieuwer" not in errors[0].message


@pytest.mark.parametrize("data", [[], "casusregister", None, 42])
def test_not_an_object_refused(data: Any) -> None:
    assert errors_of(data)


def test_many_errors_reported_in_one_pass() -> None:
    data = doc([a_case("A-001"), a_case("A-002")])
    _invalid_bsn(data)
    data["cases"][1]["events"][1]["decided_on"] = "2025-02-01"
    data["cases"][1]["events"].append({"kind": "retracted", "target": 9, "reason": "x"})
    paths = {e.path for e in errors_of(data)}
    assert {"cases[0].personal.bsn", "cases[1].events[2].target"} <= paths


def test_error_in_one_case_writes_nothing() -> None:
    data = doc([a_case("A-001"), a_case("A-002")])
    _future_event(data)
    with pytest.raises(ValidationFailed):
        events_in_memory(data, today=TODAY)


def test_event_on_today_is_not_in_the_future() -> None:
    data = _good()
    data["cases"][0]["events"][1]["decided_on"] = TODAY.isoformat()
    assert len(plan(data).events) == 2


def test_future_date_inside_a_correction_names_the_payload_field() -> None:
    data = _good()
    data["cases"][0]["events"].append({"kind": "corrected", "target": 1,
                                       "payload": body("triaged", "2026-07-02"),
                                       "reason": "x"})
    assert [e.path for e in errors_of(data)] == ["cases[0].events[2].payload.decided_on"]


def test_supersedes_must_point_at_an_earlier_correction() -> None:
    data = _good()
    data["cases"][0]["events"] += [
        {"kind": "corrected", "target": 1, "supersedes": 3,
         "payload": body("triaged", "2025-03-06"), "reason": "x"},
        {"kind": "corrected", "target": 1, "payload": body("triaged", "2025-03-07"),
         "reason": "x"},
    ]
    assert "cases[0].events[2].supersedes" in [e.path for e in errors_of(data)]


# --- corrections in a file ----------------------------------------------------------------


def test_correction_in_file_uses_positions_and_highest_position_wins() -> None:
    data = _good()
    data["cases"][0]["events"] += [
        {"kind": "corrected", "target": 1, "supersedes": None,
         "payload": body("triaged", "2025-03-06"), "reason": "Datum."},
        {"kind": "corrected", "target": 1, "supersedes": 2,
         "payload": body("triaged", "2025-03-07", decision="doorverwezen",
                         referred_to="bd_lrh"), "reason": "Besluit."},
    ]
    p = plan(data)
    evs = case_events(p, "A-001")
    triage = evs[1]
    c1, c2 = evs[2], evs[3]
    assert c1.payload["target"] == triage.id and "supersedes" not in c1.payload
    assert c2.payload["supersedes"] == c1.id
    assert c2.occurred_on == D("2025-03-07")  # a correction takes its new payload's date
    state = fold_case(evs)
    assert state.status == "doorverwezen"
    assert state.triaged_on == D("2025-03-07")


def test_retraction_in_file_voids_its_target() -> None:
    data = _good()
    data["cases"][0]["events"] += [file_event("note", "2025-03-09"),
                                   {"kind": "retracted", "target": 2, "reason": "Dubbel."}]
    evs = case_events(plan(data), "A-001")
    assert evs[3].payload["target"] == evs[2].id
    assert "note" not in [e.kind for e in fold_case(evs).effective]


def test_retraction_in_file_takes_its_targets_date() -> None:
    data = _good()
    data["cases"][0]["events"] += [file_event("note", "2025-03-09"),
                                   {"kind": "retracted", "target": 2, "reason": "Dubbel."}]
    evs = case_events(plan(data), "A-001")
    assert evs[3].occurred_on == D("2025-03-09")


def test_deadline_met_reference_becomes_the_event_id() -> None:
    data = _good()
    data["cases"][0]["events"] += [
        file_event("deadline_set", "2025-03-06", deadline_kind="beslistermijn",
                   due_on="2025-04-30"),
        file_event("deadline_met", "2025-04-01", deadline=2),
    ]
    evs = case_events(plan(data), "A-001")
    assert evs[3].payload["deadline"] == evs[2].id
    [d] = fold_case(evs).deadlines
    assert (d.met_on, d.result) == (D("2025-04-01"), "gehaald")


def _history_case() -> dict[str, Any]:
    return a_case("A-001", [
        file_event("registered", "2025-03-03"),
        file_event("triaged", "2025-03-05"),
        file_event("deadline_set", "2025-03-06", deadline_kind="beslistermijn",
                   due_on="2025-04-30"),
        file_event("deadline_met", "2025-04-01", deadline=2),
        {"kind": "corrected", "target": 3, "reason": "Te laat.",
         "payload": body("deadline_met", "2025-04-02", deadline=2, result="verstreken")},
        {"kind": "corrected", "target": 1, "payload": body("triaged", "2025-03-06"),
         "reason": "Datum."},
        {"kind": "corrected", "target": 1, "supersedes": 5,
         "payload": body("triaged", "2025-03-07"), "reason": "Datum."},
        {"kind": "retracted", "target": 6, "reason": "Toch niet."},
    ])


def test_history_with_corrections_round_trips() -> None:
    data = doc([_history_case()])
    p = plan(data)
    state = fold_case(case_events(p, "A-001"))
    assert state.violations == []
    # the retracted correction falls back to the one it superseded
    assert state.triaged_on == D("2025-03-06")
    [d] = state.deadlines
    assert (d.met_on, d.result) == (D("2025-04-02"), "verstreken")
    exported = export_plan(p)
    assert exported["cases"][0]["events"][4]["payload"]["deadline"] == 2
    assert exported["cases"][0]["events"][6]["supersedes"] == 5
    assert export_plan(plan(exported)) == exported


def test_corrected_signal_link_points_at_the_signal_number() -> None:
    case = a_case()
    case["events"] += [
        file_event("signal_linked", "2025-05-01", signal="S-01"),
        {"kind": "corrected", "target": 2, "reason": "Datum.",
         "payload": body("signal_linked", "2025-05-02", signal="S-01")},
    ]
    p = plan(doc([case], [a_signal("S-01")]))
    number = dict(p.new_signals)["S-01"]
    assert fold_case(case_events(p, "A-001")).signals == [number]


# --- flags --------------------------------------------------------------------------------


def test_flagged_events_not_refused_for_rule_violations() -> None:
    data = _good()
    data["cases"][0]["events"] += [
        {**file_event("triaged", "2025-03-07", decision="niet_in_behandeling"),
         "flag": "tweede triagebesluit na samenvoegen"},
        {**file_event("handover_confirmed", "2025-03-08"), "flag": "niet doorverwezen"},
    ]
    evs = case_events(plan(data), "A-001")
    assert [e.flag for e in evs] == [None, None, "tweede triagebesluit na samenvoegen",
                                     "niet doorverwezen"]
    assert len(fold_case(evs).violations) == 2  # still reported for review


def test_same_rule_violation_without_flag_is_refused() -> None:
    data = _good()
    data["cases"][0]["events"].append(file_event("triaged", "2025-03-07"))
    assert [e.path for e in errors_of(data)] == ["cases[0].events[2].decided_on"]


def test_flag_does_not_excuse_an_invalid_payload() -> None:
    data = _good()
    data["cases"][0]["events"].append({**file_event("note", "2025-03-07", text=""),
                                       "flag": "x"})
    assert [e.path for e in errors_of(data)] == ["cases[0].events[2].text"]


def test_flag_round_trips() -> None:
    data = _good()
    data["cases"][0]["events"].append({**file_event("triaged", "2025-03-07"),
                                       "flag": "samengevoegd"})
    exported = export_plan(plan(data))
    assert exported["cases"][0]["events"][2]["flag"] == "samengevoegd"
    assert "flag" not in exported["cases"][0]["events"][1]
    assert export_plan(plan(exported)) == exported


# --- deadlines ----------------------------------------------------------------------------


def test_due_on_computed_for_bezwaartermijn_without_due_on() -> None:
    """17-04-2025 + 6 weeks = Thursday 29-05-2025, Hemelvaartsdag; Friday 30-05 is the
    decree day after it, then a weekend: the last day is Monday 02-06-2025."""
    data = _good()
    data["cases"][0]["events"].append(file_event(
        "deadline_set", "2025-04-23", deadline_kind="bezwaartermijn", start_on="2025-04-17"))
    evs = case_events(plan(data), "A-001")
    assert evs[2].payload["due_on"] == "2025-06-02"
    assert fold_case(evs).deadlines[0].due_on == D("2025-06-02")


def test_due_on_computed_for_beroepstermijn_too() -> None:
    data = _good()
    data["cases"][0]["events"].append(file_event(
        "deadline_set", "2025-03-24", deadline_kind="beroepstermijn", start_on="2025-03-22"))
    assert case_events(plan(data), "A-001")[2].payload["due_on"] == "2025-05-06"


def test_given_due_on_is_kept() -> None:
    data = _good()
    data["cases"][0]["events"].append(file_event(
        "deadline_set", "2025-04-23", deadline_kind="bezwaartermijn", start_on="2025-04-17",
        due_on="2025-05-29"))
    assert case_events(plan(data), "A-001")[2].payload["due_on"] == "2025-05-29"


def test_due_on_computed_inside_a_corrected_deadline() -> None:
    data = _good()
    data["cases"][0]["events"] += [
        file_event("deadline_set", "2025-04-23", deadline_kind="bezwaartermijn",
                   start_on="2025-04-10"),
        {"kind": "corrected", "target": 2, "reason": "Verkeerde dagtekening.",
         "payload": body("deadline_set", "2025-04-23", deadline_kind="bezwaartermijn",
                         start_on="2025-04-17")},
    ]
    evs = case_events(plan(data), "A-001")
    assert evs[3].payload["payload"]["due_on"] == "2025-06-02"
    assert fold_case(evs).deadlines[0].due_on == D("2025-06-02")


# --- signal links -------------------------------------------------------------------------


def _links(evs: list[Event]) -> list[Event]:
    return [e for e in evs if e.kind == "signal_linked"]


def test_signal_cases_become_links_dated_the_later_date() -> None:
    data = doc([a_case("A-001"),  # received 2025-03-03, before the signal
                a_case("A-002", [file_event("registered", "2025-05-10")])],
               [a_signal("S-01", "2025-04-20", cases=["A-001", "A-002"])])
    p = plan(data)
    number = dict(p.new_signals)["S-01"]
    assert p.links == 2
    [l1] = _links(case_events(p, "A-001"))
    [l2] = _links(case_events(p, "A-002"))
    assert (l1.occurred_on, l1.payload) == (D("2025-04-20"),
                                           {"on": "2025-04-20", "signal": number})
    assert (l2.occurred_on, l2.payload) == (D("2025-05-10"),
                                           {"on": "2025-05-10", "signal": number})
    assert fold_case(case_events(p, "A-002")).signals == [number]


def test_link_already_in_the_case_is_not_added_twice() -> None:
    case = a_case("A-001")
    case["events"].append(file_event("signal_linked", "2025-04-25", signal="S-01"))
    data = doc([case], [a_signal("S-01", "2025-04-20", cases=["A-001"])])
    p = plan(data)
    links = _links(case_events(p, "A-001"))
    assert len(links) == 1
    assert links[0].occurred_on == D("2025-04-25")
    assert links[0].payload["signal"] == dict(p.new_signals)["S-01"]
    assert p.links == 0


def test_case_listed_twice_in_a_signal_is_linked_once() -> None:
    data = doc([a_case("A-001")], [a_signal("S-01", cases=["A-001", "A-001"])])
    assert len(_links(case_events(plan(data), "A-001"))) == 1


def test_export_writes_links_in_the_case_and_empty_signal_cases() -> None:
    data = doc([a_case("A-001")], [a_signal("S-01", cases=["A-001"])])
    exported = export_plan(plan(data))
    assert exported["signals"][0]["cases"] == []
    last = exported["cases"][0]["events"][-1]
    assert last == {"kind": "signal_linked", "on": "2025-04-20", "signal": "S-01"}
    again = plan(exported)
    assert again.links == 0
    assert len(_links(case_events(again, "A-001"))) == 1


# --- numbering, refs and resolvers --------------------------------------------------------


def test_numbering_in_order_of_received_on_ties_in_file_order() -> None:
    data = doc([
        a_case("C", [file_event("registered", "2025-06-01")]),
        a_case("A", [file_event("registered", "2025-02-01")]),
        a_case("B1", [file_event("registered", "2025-04-01")]),
        a_case("B2", [file_event("registered", "2025-04-01")]),
        a_case("OLD", [file_event("registered", "2024-12-31")]),
    ])
    assert plan(data).new_cases == [
        ("OLD", "2024-TST-0001"), ("A", "2025-TST-0002"), ("B1", "2025-TST-0003"),
        ("B2", "2025-TST-0004"), ("C", "2025-TST-0005")]


def test_signals_numbered_by_created_on() -> None:
    data = doc([], [a_signal("S-late", "2025-09-01"), a_signal("S-early", "2025-02-01"),
                    a_signal("S-tie", "2025-09-01")])
    assert plan(data).new_signals == [("S-early", "S-2025-TST-001"),
                                      ("S-late", "S-2025-TST-002"),
                                      ("S-tie", "S-2025-TST-003")]


def test_ref_kept_with_the_case_and_number_on_first_event() -> None:
    p = plan(doc([a_case("Excel-17")]))
    evs = case_events(p, "Excel-17")
    assert evs[0].payload["ref"] == "Excel-17"
    assert evs[0].number == "2025-TST-0001"
    assert all(e.number is None for e in evs[1:])
    assert len({e.entity_id for e in evs}) == 1
    assert fold_case(evs).ref == "Excel-17"


def test_events_get_increasing_clocks_in_file_order() -> None:
    data = _good()
    data["cases"][0]["events"].append(file_event("note", "2025-03-04"))  # back-dated
    evs = case_events(plan(data), "A-001")
    assert [e.hlc for e in evs] == sorted(e.hlc for e in evs)
    assert [e.kind for e in fold_case(evs).effective] == ["registered", "note", "triaged"]


@dataclass
class Register(MemoryResolver):
    """A register that already holds some refs."""

    cases: set[str] = field(default_factory=set)
    signals: dict[str, str] = field(default_factory=dict)

    def case_ref_exists(self, ref: str) -> bool:
        return ref in self.cases

    def signal_ref_exists(self, ref: str) -> bool:
        return ref in self.signals

    def existing_signal_number(self, ref: str) -> str | None:
        return self.signals.get(ref)


def _plan_into(data: Any, register: Register) -> ImportPlan:
    clock = HybridClock("33333333-3333-4333-8333-333333333333")
    return plan_import(data, register, clock=clock, actor="import", device=clock.device,
                       recorded_at="", today=TODAY)


def test_second_import_of_a_ref_skips_that_case() -> None:
    data = doc([a_case("A-001"), a_case("A-002")])
    p = _plan_into(data, Register(cases={"A-001"}))
    assert p.skipped_cases == ["A-001"]
    assert [ref for ref, _ in p.new_cases] == ["A-002"]
    assert {e.entity_id for e in p.events} == {case_events(p, "A-002")[0].entity_id}


def test_links_to_signals_and_cases_already_in_the_register() -> None:
    case = a_case("A-002")
    case["events"].append(file_event("signal_linked", "2025-04-25", signal="S-OLD"))
    data = doc([case], [a_signal("S-NEW", cases=["A-OLD"])])
    p = _plan_into(data, Register(cases={"A-OLD"}, signals={"S-OLD": "S-2024-ABC-007"}))
    [link] = _links(case_events(p, "A-002"))
    assert link.payload["signal"] == "S-2024-ABC-007"
    assert p.skipped_cases == []
    assert p.links == 0  # the stored case A-OLD is linked by the storage layer


def test_skipped_signal_is_not_renumbered() -> None:
    data = doc([a_case("A-001")], [a_signal("S-OLD")])
    p = _plan_into(data, Register(signals={"S-OLD": "S-2024-ABC-007"}))
    assert p.skipped_signals == ["S-OLD"]
    assert p.new_signals == []


def test_personal_data_goes_into_the_plan_not_the_events() -> None:
    data = _good()
    data["cases"][0]["personal"] = {"name": "  Jan Jansen ", "bsn": "123456782",
                                    "phone": None}
    p = plan(data)
    evs = case_events(p, "A-001")
    assert p.personal == {evs[0].entity_id: {"name": "Jan Jansen", "bsn": "123456782"}}
    assert "123456782" not in json.dumps([e.payload for e in p.events])


def test_planning_does_not_modify_the_input() -> None:
    data = load_example()
    before = copy.deepcopy(data)
    plan(data)
    assert data == before


def test_numbering_follows_a_corrected_received_on_across_the_year() -> None:
    from app.model.interchange import events_in_memory

    def case(ref: str, received: str) -> dict:
        reg = {"kind": "registered", "received_on": received, "route": "belastingdienst",
               "partner_type": "bd_overig", "services": ["belastingdienst"],
               "topics": ["boete"], "target_group": "burger", "summary": "Samenvatting."}
        return {"ref": ref, "events": [reg]}

    moved = case("B", "2025-01-03")
    fixed = {k: v for k, v in moved["events"][0].items() if k != "kind"}
    moved["events"].append({"kind": "corrected", "target": 0,
                            "payload": fixed | {"received_on": "2024-12-30"},
                            "reason": "Datum van ontvangst verkeerd overgenomen."})
    data = {"format": "casusregister/interchange", "version": 1,
            "cases": [case("A", "2025-01-02"), moved]}
    _events, plan = events_in_memory(data, today=date(2026, 1, 1))
    assert dict(plan.new_cases) == {"B": "2024-TST-0001", "A": "2025-TST-0002"}
