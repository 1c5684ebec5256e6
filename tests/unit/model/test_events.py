"""Event payloads (docs/DOMAIN.md "Events of a case", "Signals", "Codelists").

The payload models are the one gate through which data enters the log, so a handler
relies on them to refuse an incomplete or wrong step with a Dutch message next to the
right field, and to store one canonical form that hashes the same everywhere.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.model.codelists import load_codelists
from app.model.errors import FieldError, ValidationFailed
from app.model.eventlog import payload_hash
from app.model.events import (
    ALL_KINDS,
    CASE_KINDS,
    DATE_FIELD,
    MODELS,
    SIGNAL_KINDS,
    business_date,
    canonical_json,
    parse_any,
    validate_payload,
)
from tests.helpers.model_builders import (
    ALL_KINDS_DOMAIN,
    CASE_KINDS_DOMAIN,
    DATE_OF,
    REQUIRED,
    SIGNAL_KINDS_DOMAIN,
    payload,
)


def refused(kind: str, data: dict[str, Any], **kw: Any) -> list[FieldError]:
    with pytest.raises(ValidationFailed) as info:
        validate_payload(kind, data, **kw)
    errors = info.value.errors
    assert errors, "a refusal must say which field is wrong"
    assert all(isinstance(e, FieldError) for e in errors)
    return errors


def paths(errors: list[FieldError]) -> list[str]:
    return [e.path for e in errors]


def message_at(errors: list[FieldError], path: str) -> str:
    found = [e.message for e in errors if e.path == path]
    assert found, f"no error at {path!r}; got {errors}"
    return found[0]


# --- the kinds themselves -------------------------------------------------------------


def test_every_kind_of_the_domain_is_known() -> None:
    assert set(CASE_KINDS) == set(CASE_KINDS_DOMAIN)
    assert set(SIGNAL_KINDS) == set(SIGNAL_KINDS_DOMAIN)
    assert set(ALL_KINDS) == set(ALL_KINDS_DOMAIN)
    assert set(MODELS) == set(ALL_KINDS_DOMAIN)


@pytest.mark.parametrize("kind", sorted(DATE_OF))
def test_business_date_is_the_first_date_field_of_the_row(kind: str) -> None:
    assert DATE_FIELD[kind] == DATE_OF[kind]
    stored = validate_payload(kind, payload(kind, "2025-04-07"))
    assert business_date(kind, stored) == date(2025, 4, 7)


def test_corrections_have_no_date_of_their_own() -> None:
    assert business_date("corrected", {"target": "x"}) is None
    assert business_date("retracted", {"target": "x"}) is None
    assert business_date("note", {"on": "geen datum"}) is None


# --- required fields: kinds x fields ----------------------------------------------------


@pytest.mark.parametrize("kind", sorted(REQUIRED))
def test_minimal_payload_with_required_fields_validates(kind: str) -> None:
    data = payload(kind)
    stored = validate_payload(kind, data)
    for name in REQUIRED[kind]:
        assert name in stored, f"{kind}: required field {name} lost"
    assert "kind" not in stored


REQUIRED_CASES = [(k, f) for k in sorted(REQUIRED) for f in REQUIRED[k]]


@pytest.mark.parametrize(("kind", "missing"), REQUIRED_CASES,
                         ids=[f"{k}-{f}" for k, f in REQUIRED_CASES])
def test_refused_without_each_required_field(kind: str, missing: str) -> None:
    data = payload(kind)
    del data[missing]
    errors = refused(kind, data)
    assert paths(errors) == [missing]
    assert message_at(errors, missing) == "verplicht veld ontbreekt"


@pytest.mark.parametrize(("kind", "missing"), REQUIRED_CASES,
                         ids=[f"{k}-{f}" for k, f in REQUIRED_CASES])
def test_missing_field_path_carries_the_file_prefix(kind: str, missing: str) -> None:
    data = payload(kind)
    del data[missing]
    errors = refused(kind, data, prefix="cases[3].events[1]")
    assert paths(errors) == [f"cases[3].events[1].{missing}"]


REQUIRED_TEXTS = [
    ("registered", "summary"), ("triaged", "reason"), ("assigned", "handler"),
    ("note", "text"), ("data_requested", "what"), ("consulted", "with"),
    ("opinion_sent", "proposed_solution"), ("escalated", "reason"),
    ("paused", "procedure"), ("paused", "agreed_with"), ("closed", "solution"),
    ("reopened", "reason"), ("story", "text"), ("story_approved", "by"),
    ("signal_linked", "signal"), ("signal_unlinked", "signal"), ("corrected", "reason"),
    ("corrected", "target"), ("retracted", "target"), ("retracted", "reason"),
    ("deadline_met", "deadline"), ("signal_created", "title"),
    ("signal_created", "problem"), ("signal_created", "proposed_solution"),
    ("signal_feedback_given", "to"),
]


@pytest.mark.parametrize(("kind", "name"), REQUIRED_TEXTS,
                         ids=[f"{k}-{f}" for k, f in REQUIRED_TEXTS])
def test_required_text_may_not_be_blank(kind: str, name: str) -> None:
    """Whitespace is stripped, so a blank required text counts as empty."""
    errors = refused(kind, payload(kind, **{name: "   "}))
    assert paths(errors) == [name]
    assert message_at(errors, name) == "mag niet leeg zijn"


def test_unknown_kind_is_refused_in_dutch() -> None:
    errors = refused("afgeschoten", {"on": "2025-01-01"})
    assert errors == [FieldError("kind", "onbekend soort stap 'afgeschoten'")]
    errors = refused("afgeschoten", {}, prefix="cases[0].events[2]")
    assert paths(errors) == ["cases[0].events[2].kind"]


@pytest.mark.parametrize("kind", sorted(REQUIRED))
def test_unknown_fields_are_refused(kind: str) -> None:
    errors = refused(kind, payload(kind, schoenmaat=43))
    assert errors == [FieldError("schoenmaat", "onbekend veld")]


def test_unknown_field_inside_helper_contact_is_refused() -> None:
    data = payload("registered", helper_contact={"name": "Els", "fax": "030"})
    assert refused("registered", data) == [FieldError("helper_contact.fax", "onbekend veld")]


def test_full_registration_as_in_interchange_example() -> None:
    data = {
        "received_on": "2025-03-04", "route": "maatschappelijke_partner",
        "partner_type": "sociaal_raadslieden", "partner_org": "Sociaal Raadslieden Utrecht",
        "helper_contact": {"name": "Els", "email": "els@example.org", "phone": "030"},
        "services": ["dienst_toeslagen"],
        "topics": ["kinderopvangtoeslag", "terugvordering_toeslag"],
        "target_group": "burger", "help_request": "Hulp bij terugvordering.",
        "running_procedures": ["bezwaar", "beslag"], "routes_tried": ["klacht"],
        "claim_band": "5000_20000", "multi_problem": True, "other_bodies": ["gemeente"],
        "urgent": True, "urgency_reason": "Beslag dreigt.", "known_to_service": "nee",
        "consent": "machtiging", "summary": "Terugvordering vastgelopen.",
    }
    stored = validate_payload("registered", data)
    assert stored == data


def test_consulted_uses_with_in_json() -> None:
    stored = validate_payload("consulted", payload("consulted"))
    assert stored["with"] == "Teamleider invordering"
    assert "with_" not in stored


# --- codelists ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "path"),
    [
        ("route", "brievenbus", "route"),
        ("partner_type", "buurman", "partner_type"),
        ("target_group", "ambtenaar", "target_group"),
        ("claim_band", "miljoenen", "claim_band"),
        ("consent", "misschien", "consent"),
    ],
)
def test_unknown_codelist_key_refused(field: str, value: str, path: str) -> None:
    errors = refused("registered", payload("registered", **{field: value}))
    assert path in paths(errors)
    assert f"'{value}' is geen bekende waarde" in message_at(errors, path)


@pytest.mark.parametrize(
    ("field", "values", "path"),
    [
        ("topics", ["inkomstenbelasting", "hondenbelasting"], "topics[1]"),
        ("services", ["gemeente"], "services[0]"),
        ("running_procedures", ["bezwaar", "cassatie"], "running_procedures[1]"),
        ("routes_tried", ["waarzegger"], "routes_tried[0]"),
        ("other_bodies", ["nasa"], "other_bodies[0]"),
    ],
)
def test_unknown_key_in_a_list_names_the_position(field: str, values: list[str],
                                                  path: str) -> None:
    errors = refused("registered", payload("registered", **{field: values}))
    assert paths(errors) == [path]
    assert "is geen bekende waarde" in errors[0].message


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("triaged", "reason_code", "zomaar"),
        ("triaged", "decision", "misschien"),
        ("opinion_sent", "service", "uwv"),
        ("escalated", "level", "koning"),
        ("service_response", "response", "genegeerd"),
        ("closed", "outcome", "onbekend"),
        ("closed", "powers_sufficient", "soms"),
        ("partner_informed", "about", "weer"),
        ("deadline_set", "deadline_kind", "verjaringstermijn"),
        ("deadline_met", "result", "bijna"),
        ("signal_created", "theme", "weer"),
        ("signal_submitted", "recipient", "krant"),
        ("signal_response", "status", "vergeten"),
    ],
)
def test_codelist_and_fixed_list_values_checked(kind: str, field: str, value: str) -> None:
    errors = refused(kind, payload(kind, **{field: value}))
    assert paths(errors) == [field]


def test_referred_to_must_be_a_known_key() -> None:
    data = payload("triaged", decision="doorverwezen", referred_to="kapper")
    assert paths(refused("triaged", data)) == ["referred_to"]


@pytest.mark.parametrize(
    ("route", "partner_type"),
    [
        ("maatschappelijke_partner", "sociaal_raadslieden"),
        ("belastingdienst", "bd_lrh"),
        ("belastingdienst", "bd_stella"),
        ("dienst_toeslagen", "dt_herstel"),
        ("ibtd", "ibtd"),
        ("overig", "nationale_ombudsman"),
        ("overig", "kamerlid"),
    ],
)
def test_partner_type_of_its_own_route_accepted(route: str, partner_type: str) -> None:
    stored = validate_payload("registered", payload("registered", route=route,
                                                    partner_type=partner_type))
    assert (stored["route"], stored["partner_type"]) == (route, partner_type)


@pytest.mark.parametrize(
    ("route", "partner_type"),
    [
        ("belastingdienst", "sociaal_raadslieden"),
        ("maatschappelijke_partner", "bd_lrh"),
        ("dienst_toeslagen", "bd_klachten"),
        ("belastingdienst", "dt_herstel"),
        ("ibtd", "kamerlid"),
        ("overig", "ibtd"),
    ],
)
def test_partner_type_must_belong_to_route(route: str, partner_type: str) -> None:
    errors = refused("registered", payload("registered", route=route,
                                           partner_type=partner_type))
    assert paths(errors) == ["partner_type"]
    assert "route" in errors[0].message


def test_services_one_or_two_and_no_duplicates() -> None:
    assert paths(refused("registered", payload("registered", services=[]))) == ["services"]
    three = ["belastingdienst", "dienst_toeslagen", "belastingdienst"]
    assert paths(refused("registered", payload("registered", services=three))) == [
        "services"]
    dup = refused("registered", payload("registered",
                                        services=["belastingdienst", "belastingdienst"]))
    assert paths(dup) == ["services"]
    both = validate_payload("registered", payload(
        "registered", services=["belastingdienst", "dienst_toeslagen"]))
    assert both["services"] == ["belastingdienst", "dienst_toeslagen"]


def test_topics_at_least_one() -> None:
    errors = refused("registered", payload("registered", topics=[]))
    assert paths(errors) == ["topics"]
    assert "minstens" in errors[0].message


def _codelists_with(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    override = tmp_path / "codelists.toml"
    override.write_text(text, encoding="utf-8")
    return load_codelists(override=override)


def test_extended_codelist_key_accepted_only_with_those_lists(tmp_path: Path) -> None:
    cl = _codelists_with(tmp_path, '[topic]\nitems.box3 = "Box 3"\n'
                                   '[partner_type]\nitems.wijkteam = { label = "Wijkteam",'
                                   ' route = "maatschappelijke_partner" }\n')
    data = payload("registered", topics=["box3"], partner_type="wijkteam")
    stored = validate_payload("registered", data, codelists=cl)
    assert stored["topics"] == ["box3"]
    # without the override the same payload is refused on both keys
    assert sorted(paths(refused("registered", data))) == ["partner_type", "topics[0]"]


def test_inactive_key_stays_valid_for_old_events(tmp_path: Path) -> None:
    cl = _codelists_with(tmp_path, '[topic]\nitems.boete = { label = "Boete", '
                                   'active = false }\n')
    assert "boete" not in cl.keys("topic", active_only=True)
    stored = validate_payload("registered", payload("registered", topics=["boete"]),
                              codelists=cl)
    assert stored["topics"] == ["boete"]


# --- conditional requirements -------------------------------------------------------------


@pytest.mark.parametrize("response", ["deels_overgenomen", "gemotiveerd_afgewezen"])
def test_service_response_summary_required_unless_overgenomen(response: str) -> None:
    errors = refused("service_response", payload("service_response", response=response))
    assert paths(errors) == ["summary"]
    assert "motivering" in errors[0].message
    blank = refused("service_response", payload("service_response", response=response,
                                                summary="  "))
    assert paths(blank) == ["summary"]
    ok = validate_payload("service_response", payload(
        "service_response", response=response, summary="Geen ruimte in de wet."))
    assert ok["summary"] == "Geen ruimte in de wet."


def test_service_response_overgenomen_needs_no_summary() -> None:
    stored = validate_payload("service_response", payload("service_response",
                                                          response="overgenomen"))
    assert "summary" not in stored


def test_triage_referred_to_required_only_when_referred() -> None:
    errors = refused("triaged", payload("triaged", decision="doorverwezen"))
    assert paths(errors) == ["referred_to"]
    assert "doorverwij" in errors[0].message
    ok = validate_payload("triaged", payload("triaged", decision="doorverwezen",
                                             referred_to="juridisch_loket"))
    assert ok["referred_to"] == "juridisch_loket"
    for decision in ("in_behandeling", "niet_in_behandeling"):
        assert "referred_to" not in validate_payload("triaged", payload(
            "triaged", decision=decision))


@pytest.mark.parametrize("consent", [False, None])
def test_pause_needs_citizen_consent_true(consent: Any) -> None:
    errors = refused("paused", payload("paused", citizen_consent=consent))
    assert paths(errors) == ["citizen_consent"]


def test_pause_consent_false_message_is_dutch() -> None:
    errors = refused("paused", payload("paused", citizen_consent=False))
    assert "toestemming" in errors[0].message


@pytest.mark.parametrize("kind", ["bezwaartermijn", "beroepstermijn"])
def test_statutory_deadline_needs_no_due_on(kind: str) -> None:
    stored = validate_payload("deadline_set", payload("deadline_set", deadline_kind=kind,
                                                      start_on="2025-03-22"))
    assert stored["deadline_kind"] == kind
    kept = validate_payload("deadline_set", payload("deadline_set", deadline_kind=kind,
                                                    start_on="2025-03-22",
                                                    due_on="2025-05-06"))
    assert kept["due_on"] == "2025-05-06"


@pytest.mark.parametrize("kind", ["beslistermijn", "betalingstermijn", "overig"])
def test_other_deadlines_need_due_on(kind: str) -> None:
    errors = refused("deadline_set", payload("deadline_set", deadline_kind=kind))
    assert paths(errors) == ["due_on"]
    stored = validate_payload("deadline_set", payload("deadline_set", deadline_kind=kind,
                                                      due_on="2025-06-01"))
    assert stored["due_on"] == "2025-06-01"


def test_deadline_start_may_lie_before_the_step() -> None:
    stored = validate_payload("deadline_set", payload("deadline_set", "2025-04-01",
                                                      start_on="2024-12-31"))
    assert stored["start_on"] == "2024-12-31"


@pytest.mark.parametrize("score", [1, 5, 10, None])
def test_closing_interview_scores_1_to_10_or_null(score: int | None) -> None:
    stored = validate_payload("closing_interview", payload(
        "closing_interview", citizen_score=score, helper_score=score))
    assert stored.get("citizen_score") == score
    assert stored.get("helper_score") == score


@pytest.mark.parametrize("score", [0, 11, -3, 100, 7.5, "acht"])
@pytest.mark.parametrize("field", ["citizen_score", "helper_score"])
def test_closing_interview_scores_outside_scale_refused(field: str, score: Any) -> None:
    errors = refused("closing_interview", payload("closing_interview", **{field: score}))
    assert paths(errors) == [field]


def test_closing_interview_score_message_names_the_scale() -> None:
    errors = refused("closing_interview", payload("closing_interview", citizen_score=11))
    assert errors[0].message == "moet een cijfer van 1 tot en met 10 zijn"


@pytest.mark.parametrize("field", ["citizen_score", "helper_score"])
@pytest.mark.parametrize("value", [True, False, "8"])
def test_closing_interview_score_is_a_number_not_a_boolean_or_text(field: str,
                                                                   value: Any) -> None:
    """A JSON ``true`` must not become the lowest rapportcijfer 1 (regression)."""
    errors = refused("closing_interview", payload("closing_interview", **{field: value}))
    assert paths(errors) == [field]


@pytest.mark.parametrize(
    ("kind", "field", "value"),
    [
        ("closed", "powers_used", ["regiefunctie", "regiefunctie"]),
        ("closed", "grounds", ["coulance", "coulance"]),
        ("signal_created", "services", ["belastingdienst", "belastingdienst"]),
    ],
)
def test_duplicate_list_values_refused(kind: str, field: str, value: list[str]) -> None:
    errors = refused(kind, payload(kind, **{field: value}))
    assert paths(errors) == [field]
    assert "dubbel" in errors[0].message


def test_powers_used_only_the_three_powers() -> None:
    ok = validate_payload("closed", payload(
        "closed", powers_used=["regiefunctie", "doorzettingsmacht", "gegevenstoegang"]))
    assert len(ok["powers_used"]) == 3
    errors = refused("closed", payload("closed", powers_used=["regiefunctie", "magie"]))
    assert paths(errors) == ["powers_used[1]"]


def test_fixed_list_message_is_dutch() -> None:
    """Regression: pydantic's English 'or' must not leak into the Dutch message."""
    errors = refused("closed", payload("closed", outcome="onbekend"))
    assert errors[0].message == ("kies een van: opgelost, deels_opgelost, niet_opgelost "
                                 "of ingetrokken")


# --- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2025-03-04", " 2025-03-04 ", date(2025, 3, 4)])
def test_dates_accepted_as_iso(value: Any) -> None:
    assert validate_payload("note", payload("note", on=value))["on"] == "2025-03-04"


@pytest.mark.parametrize(
    "value",
    [20250304, 1741046400, 1741046400.0, True, None, "", "2025-3-4", "04-03-2025",
     "2025-02-30", "2025-13-01", "20250304", "2025-03-04Z", "gisteren", [2025, 3, 4],
     {"y": 2025}],
)
def test_dates_must_be_iso_strings(value: Any) -> None:
    errors = refused("note", payload("note", on=value))
    assert paths(errors) == ["on"]
    assert errors[0].message in ("geen geldige datum (JJJJ-MM-DD)", "verplicht veld ontbreekt")


@pytest.mark.parametrize("value", ["1741046400", "2025-03-04T00:00:00", "2025-03-04T00:00",
                                   "2025-W10-2", "2025-063"])
def test_timestamps_and_other_iso_forms_refused(value: str) -> None:
    """Regression: strings pydantic's lax parser would read (a Unix timestamp, an ISO
    datetime, an ISO week or ordinal date) are not YYYY-MM-DD and are refused."""
    errors = refused("note", payload("note", on=value))
    assert errors == [FieldError("on", "geen geldige datum (JJJJ-MM-DD)")]


def test_datetime_object_is_not_a_date() -> None:
    from datetime import datetime

    errors = refused("note", payload("note", on=datetime(2025, 3, 4, 0, 0)))
    assert paths(errors) == ["on"]


@pytest.mark.parametrize(("kind", "field"), [("opinion_sent", "reply_due_on"),
                                              ("deadline_set", "start_on"),
                                              ("deadline_set", "due_on")])
def test_other_payload_dates_also_iso_only(kind: str, field: str) -> None:
    errors = refused(kind, payload(kind, **{field: 20250304}))
    assert paths(errors) == [field]


# --- canonical form -----------------------------------------------------------------------


def test_canonical_json_is_sorted_compact_utf8() -> None:
    value = {"b": 1, "a": {"z": [1, 2], "é": "Geëscaleerd"}}
    text = canonical_json(value)
    assert text == '{"a":{"z":[1,2],"é":"Geëscaleerd"},"b":1}'
    assert json.loads(text) == value


def test_stored_payload_is_canonical_and_stable() -> None:
    a = payload("registered", summary="  Aanslag vastgelopen.  ",
                partner_org=" SRV Utrecht ")
    b = dict(reversed(list(a.items())))
    sa, sb = validate_payload("registered", a), validate_payload("registered", b)
    assert sa == sb
    assert canonical_json(sa) == canonical_json(sb)
    assert payload_hash(sa) == payload_hash(sb)
    assert sa["summary"] == "Aanslag vastgelopen."
    assert sa["partner_org"] == "SRV Utrecht"
    # validating the stored form again changes nothing (idempotent)
    assert validate_payload("registered", sa) == sa


def test_stored_payload_leaves_out_absent_optionals_and_is_json() -> None:
    stored = validate_payload("opinion_sent", payload("opinion_sent", reply_due_on=None))
    assert "reply_due_on" not in stored
    assert json.loads(json.dumps(stored)) == stored
    assert all(not isinstance(v, date) for v in stored.values())


@pytest.mark.parametrize("kind", sorted(REQUIRED))
def test_every_kind_canonical_roundtrip(kind: str) -> None:
    stored = validate_payload(kind, payload(kind))
    again = validate_payload(kind, json.loads(canonical_json(stored)))
    assert canonical_json(again) == canonical_json(stored)


def test_parse_any_uses_kind_as_discriminator() -> None:
    model = parse_any({"kind": "note", "on": "2025-03-04", "text": "x"})
    assert type(model) is MODELS["note"]
    with pytest.raises(ValidationFailed) as info:
        parse_any({"kind": "bestaat_niet"})
    assert info.value.errors
    with pytest.raises(ValidationFailed) as info:
        parse_any({"kind": "note", "on": "2025-03-04"})
    assert paths(info.value.errors) == ["text"]


# --- robustness ---------------------------------------------------------------------------

_FIELD_NAMES = sorted({f for fields in REQUIRED.values() for f in fields} | {
    "due_on", "summary", "referred_to", "citizen_score", "helper_score", "helper_contact",
    "supersedes", "powers_used", "grounds", "reply_due_on", "ref", "kind",
})

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**12, max_value=10**12),
    st.floats(allow_nan=True), st.text(max_size=12),
    st.sampled_from(["2025-03-04", "2025-13-01", "belastingdienst", "in_behandeling",
                     "doorverwezen", "bezwaartermijn", "overig", "1741046400", " "]),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(_FIELD_NAMES) | st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from([*ALL_KINDS_DOMAIN, "onbekend", ""]),
    base=st.booleans(),
    data=st.dictionaries(st.sampled_from(_FIELD_NAMES) | st.text(max_size=6), _values,
                         max_size=8),
)
def test_validate_payload_only_ever_raises_validation_failed(
        kind: str, base: bool, data: dict[str, Any]) -> None:
    body = {**payload(kind), **data} if base and kind in REQUIRED else data
    try:
        stored = validate_payload(kind, body)
    except ValidationFailed as exc:
        assert exc.errors
        assert all(isinstance(e.path, str) and e.message for e in exc.errors)
        return
    # accepted: the stored form is canonical JSON and validates to itself
    assert json.loads(canonical_json(stored)) == stored
    assert validate_payload(kind, stored) == stored
