"""The structural check for exchange bundles (docs/ARCHITECTURE.md "Exchange bundles").

A team lead merging the team's laptops relies on two promises: an event this program
cannot fold is refused with its path, and an event that merely breaks a local limit
(another laptop's codelist key, a long note, an old date, an older rule) is accepted.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.model.errors import FieldError
from app.model.events import check_structure, validate_payload
from app.model.interchange import events_in_memory
from tests.helpers.model_builders import REQUIRED, payload


def ok(kind: str, data: Any, **kw: Any) -> None:
    assert check_structure(kind, data, **kw) == []


def problems(kind: str, data: Any, **kw: Any) -> list[FieldError]:
    found = check_structure(kind, data, **kw)
    assert found, f"{kind}: {data!r} passed the structural check"
    return found


@pytest.mark.parametrize("kind", sorted(REQUIRED))
def test_every_valid_payload_is_structurally_sound(kind: str) -> None:
    ok(kind, validate_payload(kind, payload(kind)))


def test_every_event_of_the_demo_year_is_structurally_sound() -> None:
    """What the strict gate stores, the structural check accepts: nothing the team
    records can be refused on its way to the team lead."""
    from app.demo import synthetic_register

    data = synthetic_register(cases=40, signals=6, seed=7, start=date(2025, 1, 1),
                              end=date(2025, 12, 31))
    events, _plan = events_in_memory(data, today=date(2025, 12, 31))
    kinds = {e.id: e.kind for e in events}
    assert len(events) > 300
    for e in events:
        target = kinds.get(str(e.payload.get("target"))) if e.kind == "corrected" else None
        ok(e.kind, e.payload, target_kind=target)


# --- what a bundle may carry that typed input may not -----------------------------------


def test_an_unknown_codelist_key_is_accepted() -> None:
    data = payload("registered", topics=["box3"], partner_type="wijkteam", route="gemeente")
    ok("registered", data)


def test_local_limits_do_not_apply() -> None:
    ok("note", payload("note", "1999-12-31", text="x" * 50_000))
    ok("registered", payload("registered", summary="s" * 5000, partner_org="o" * 1000))
    ok("deadline_set", payload("deadline_set", start_on="1950-01-01", due_on="2500-01-01"))
    ok("note", payload("note", text="met\x00besturingsteken"))


def test_cross_field_rules_of_a_later_release_do_not_apply() -> None:
    """An escalation refused before item 15 (#11) required a motivation still travels."""
    ok("escalation_response", payload("escalation_response",
                                      response="gemotiveerd_afgewezen"))
    ok("service_response", payload("service_response", response="deels_overgenomen"))
    ok("triaged", payload("triaged", decision="doorverwezen"))  # without referred_to
    ok("registered", payload("registered", services=["a", "b", "c"], topics=[]))
    ok("paused", payload("paused", citizen_consent=False))


def test_erased_free_text_is_null() -> None:
    ok("note", payload("note", text=None))
    ok("registered", payload("registered", summary=None, partner_org=None,
                             helper_contact={"name": None}))


# --- what it refuses --------------------------------------------------------------------


def test_an_unknown_kind() -> None:
    assert problems("afgeschoten", {}) == [FieldError("kind", "onbekend soort stap "
                                                              "'afgeschoten'")]
    assert problems(["note"], {})[0].path == "kind"


@pytest.mark.parametrize("data", [None, [], "tekst", 3])
def test_a_payload_that_is_not_an_object(data: Any) -> None:
    assert [e.path for e in problems("note", data)] == [""]


@pytest.mark.parametrize(("kind", "missing"), [(k, f) for k in sorted(REQUIRED)
                                               for f in REQUIRED[k]])
def test_a_missing_required_field(kind: str, missing: str) -> None:
    data = payload(kind)
    del data[missing]
    assert problems(kind, data) == [FieldError(missing, "verplicht veld ontbreekt")]


def test_an_unknown_field_is_named() -> None:
    assert problems("note", payload("note", schoenmaat=43)) == [
        FieldError("schoenmaat", "onbekend veld")]
    assert problems("registered", payload("registered", helper_contact={"fax": "1"})) == [
        FieldError("helper_contact.fax", "onbekend veld")]


@pytest.mark.parametrize(("kind", "field", "value"), [
    ("registered", "multi_problem", "yes"), ("registered", "urgent", 1),
    ("registered", "multi_problem", None), ("paused", "citizen_consent", "true"),
    ("closing_interview", "citizen_score", "8"), ("closing_interview", "citizen_score", True),
    ("closing_interview", "citizen_score", 8.0), ("closing_interview", "helper_score", 11),
    ("closing_interview", "helper_score", 0), ("note", "text", 12),
    ("note", "text", ["a"]), ("registered", "route", 7), ("registered", "route", ""),
    ("registered", "services", "belastingdienst"), ("registered", "topics", [1]),
    ("registered", "helper_contact", "Els"), ("closed", "outcome", "onbekend"),
    ("closed", "powers_used", ["magie"]), ("triaged", "decision", None),
    ("deadline_met", "deadline", ""), ("signal_linked", "signal", None),
    ("corrected", "payload", "tekst"), ("retracted", "target", 5),
])
def test_wrong_json_types_and_fixed_list_values(kind: str, field: str, value: Any) -> None:
    found = problems(kind, payload(kind, **{field: value}))
    assert [e.path.split("[")[0] for e in found] == [field]


@pytest.mark.parametrize("value", ["2025-02-30", "04-03-2025", "2025-03-04T00:00",
                                   20250304, "0001-01-01", "9999-12-31", "1899-12-31",
                                   "3000-01-01"])
@pytest.mark.parametrize(("kind", "field"), [("note", "on"), ("deadline_set", "start_on"),
                                             ("opinion_sent", "reply_due_on")])
def test_dates_must_be_iso_and_computable(kind: str, field: str, value: Any) -> None:
    assert [e.path for e in problems(kind, payload(kind, **{field: value}))] == [field]


def test_a_lone_surrogate_cannot_be_stored() -> None:
    found = problems("note", payload("note", text="voor\ud800na"))
    assert found == [FieldError("text", "bevat een ongeldig teken (een losse surrogaat)")]


def test_a_correction_is_checked_as_its_target_kind() -> None:
    body = {"target": "id-1", "payload": payload("note", text=None), "reason": "Fout."}
    ok("corrected", body, target_kind="note")
    ok("corrected", {**body, "payload": {"x": 1}})  # the target's kind unknown: an object
    wrong = {**body, "payload": {"on": "gisteren", "text": "x"}}
    assert problems("corrected", wrong, target_kind="note") == [
        FieldError("payload.on", "geen geldige datum (JJJJ-MM-DD)")]
    assert problems("corrected", body, target_kind="retracted")[0].path == "payload"


def test_the_prefix_names_the_event_in_the_bundle() -> None:
    found = problems("note", {"on": "2025-03-10"}, prefix="events[12]")
    assert found == [FieldError("events[12].text", "verplicht veld ontbreekt")]

