"""Strict typed input (#8 fault 5): no coercion, dates 2000-2100, text limits, no
control characters. The same gate serves the GUI's forms, the CLI and interchange
files, so a handler relies on it to refuse, in Dutch and next to the field, what the
register could not store or show faithfully.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.model.errors import FieldError, ValidationFailed
from app.model.events import MODELS, validate_payload
from app.model.limits import (
    FIRST_DATE,
    LAST_DATE,
    LINE_MAX,
    MAX_TEXT,
    REF_MAX,
    SUMMARY_MAX,
    shown,
    text_problem,
)
from tests.helpers.model_builders import REQUIRED, payload


def refused(kind: str, data: dict[str, Any]) -> list[FieldError]:
    with pytest.raises(ValidationFailed) as info:
        validate_payload(kind, data)
    return info.value.errors


# --- no type coercion -------------------------------------------------------------------


@pytest.mark.parametrize("value", ["yes", "ja", "true", "1", 1, 0, 1.0, "", None, [True]])
@pytest.mark.parametrize("field", ["multi_problem", "urgent"])
def test_a_yes_no_field_takes_only_true_or_false(field: str, value: Any) -> None:
    errors = refused("registered", payload("registered", **{field: value}))
    assert [e.path for e in errors] == [field]
    assert errors[0].message.startswith("moet ja of nee zijn")


@pytest.mark.parametrize("value", [True, False])
def test_true_and_false_are_kept(value: bool) -> None:
    stored = validate_payload("registered", payload("registered", urgent=value,
                                                    multi_problem=value))
    assert stored["urgent"] is value and stored["multi_problem"] is value


@pytest.mark.parametrize("value", ["yes", 1, "true"])
def test_citizen_consent_is_not_coerced_either(value: Any) -> None:
    errors = refused("paused", payload("paused", citizen_consent=value))
    assert [e.path for e in errors] == ["citizen_consent"]


@pytest.mark.parametrize("value", ["5", "05", 5.0, "5.0", True])
def test_a_score_is_a_json_integer(value: Any) -> None:
    errors = refused("closing_interview", payload("closing_interview", citizen_score=value))
    assert [e.path for e in errors] == ["citizen_score"]


@pytest.mark.parametrize(("kind", "field", "value"), [
    ("note", "text", 12), ("assigned", "handler", 3.5), ("registered", "summary", True),
    ("registered", "services", "belastingdienst"), ("registered", "topics", ("boete",)),
    ("registered", "helper_contact", "Els"), ("signal_created", "title", ["Titel"]),
])
def test_texts_and_lists_are_not_coerced(kind: str, field: str, value: Any) -> None:
    errors = refused(kind, payload(kind, **{field: value}))
    assert [e.path for e in errors] == [field]


# --- dates ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01",
                                   "0205-03-04"])
@pytest.mark.parametrize(("kind", "field"), [
    ("registered", "received_on"), ("note", "on"), ("deadline_set", "start_on"),
    ("deadline_set", "due_on"), ("opinion_sent", "reply_due_on"),
    ("signal_created", "created_on"),
])
def test_every_date_field_lies_between_2000_and_2100(kind: str, field: str,
                                                      value: str) -> None:
    errors = refused(kind, payload(kind, **{field: value}))
    assert errors == [FieldError(field, f"datum {value} ligt buiten 01-01-2000 t/m "
                                        "31-12-2100")]


def test_the_first_and_last_day_of_the_range_are_accepted() -> None:
    for d in (FIRST_DATE, LAST_DATE):
        stored = validate_payload("deadline_set", payload("deadline_set", "2025-03-10",
                                                          deadline_kind="overig",
                                                          start_on=d.isoformat(),
                                                          due_on=d.isoformat()))
        assert stored["start_on"] == stored["due_on"] == d.isoformat()


def test_a_date_object_out_of_range_is_refused_too() -> None:
    errors = refused("note", payload("note", on=date(1999, 12, 31)))
    assert [e.path for e in errors] == ["on"]


# --- text lengths -----------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "field", "limit"), [
    ("registered", "summary", SUMMARY_MAX), ("note", "text", MAX_TEXT),
    ("registered", "partner_org", LINE_MAX), ("assigned", "handler", LINE_MAX),
    ("signal_created", "title", LINE_MAX), ("registered", "ref", REF_MAX),
    ("corrected", "target", REF_MAX),
])
def test_every_text_has_a_limit_and_the_message_names_it(kind: str, field: str,
                                                         limit: int) -> None:
    ok = validate_payload(kind, payload(kind, **{field: "x" * limit}))
    assert len(ok[field]) == limit
    errors = refused(kind, payload(kind, **{field: "x" * (limit + 1)}))
    assert errors == [FieldError(field, f"is te lang: hoogstens {limit} tekens")]


def test_every_field_that_takes_text_has_a_limit() -> None:
    """Walks every field of every kind: a field that stores a short text refuses a text
    longer than the longest limit, so a new field cannot forget its limit."""
    takes_text = []
    for kind in REQUIRED:
        for attr, info in MODELS[kind].model_fields.items():
            name = info.alias or attr
            if name == "kind":
                continue
            try:
                stored = validate_payload(kind, payload(kind, **{name: "x"}))
            except ValidationFailed:
                continue  # a code, a date, a number: not free text
            if stored.get(name) != "x":
                continue
            takes_text.append((kind, name))
            errors = refused(kind, payload(kind, **{name: "x" * (MAX_TEXT + 1)}))
            assert [e.path for e in errors] == [name], (kind, name)
            assert errors[0].message.startswith("is te lang: hoogstens"), (kind, name)
    assert len(takes_text) > 40  # the walk found the texts (and did not skip them all)


def test_the_limit_counts_after_trimming() -> None:
    stored = validate_payload("assigned", payload("assigned",
                                                  handler="  " + "x" * LINE_MAX + "\t "))
    assert stored["handler"] == "x" * LINE_MAX


# --- control characters and surrogates --------------------------------------------------


@pytest.mark.parametrize("ch", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f",
                                "\x85", "\x9f", "\r"])
@pytest.mark.parametrize(("kind", "field"), [("note", "text"), ("assigned", "handler"),
                                             ("registered", "summary"),
                                             ("registered", "ref")])
def test_control_characters_are_refused_in_every_text(kind: str, field: str,
                                                      ch: str) -> None:
    errors = refused(kind, payload(kind, **{field: f"Voor{ch}na"}))
    assert [e.path for e in errors] == [field]
    assert f"besturingsteken (U+{ord(ch):04X}" in errors[0].message


def test_free_text_keeps_line_breaks_and_tabs() -> None:
    stored = validate_payload("note", payload("note", text="Eerste regel\n\tTweede regel"))
    assert stored["text"] == "Eerste regel\n\tTweede regel"


def test_a_windows_line_end_is_a_line_end() -> None:
    stored = validate_payload("note", payload("note", text="Een\r\nTwee"))
    assert stored["text"] == "Een\nTwee"


@pytest.mark.parametrize("text", ["Naam\nTweede", "Naam\tTab"])
def test_a_one_line_field_has_no_line_breaks_or_tabs(text: str) -> None:
    errors = refused("assigned", payload("assigned", handler=text))
    assert errors == [FieldError("handler", "mag geen tab of regeleinde bevatten (dit veld "
                                            "is één regel)")]


@pytest.mark.parametrize(("kind", "field"), [("note", "text"), ("assigned", "handler"),
                                             ("registered", "summary")])
def test_a_lone_surrogate_is_refused(kind: str, field: str) -> None:
    errors = refused(kind, payload(kind, **{field: "voor\ud800na"}))
    assert [e.path for e in errors] == [field]
    assert "losse surrogaat" in errors[0].message


def test_an_unknown_codelist_key_is_shown_safely_in_the_message() -> None:
    errors = refused("registered", payload("registered", route="\x1b[2J" + "x" * 500))
    message = errors[0].message
    assert "\x1b" not in message and "\\x1b" in message
    assert len(message) < 150


def test_text_problem_and_shown() -> None:
    assert text_problem("gewoon", multiline=False) is None
    assert text_problem("a\nb", multiline=True) is None
    assert text_problem("a\x00b", multiline=True) == "bevat een besturingsteken (U+0000 NUL)"
    assert shown("a\nb") == "a\\nb"
    assert shown("x" * 100, 10) == "x" * 9 + "…"
    assert shown(10 ** 5000).startswith("een getal van ongeveer 500")


# --- item 15 of #11: a refused escalation needs the service's reasons -------------------


def test_a_refused_escalation_needs_its_motivation() -> None:
    errors = refused("escalation_response", payload("escalation_response",
                                                    response="gemotiveerd_afgewezen"))
    assert [e.path for e in errors] == ["summary"]
    assert "motivering" in errors[0].message and "heroverwegingsverzoek" in errors[0].message
    assert refused("escalation_response", payload(
        "escalation_response", response="gemotiveerd_afgewezen", summary="   "))
    ok = validate_payload("escalation_response", payload(
        "escalation_response", response="gemotiveerd_afgewezen",
        summary="De directeur ziet geen ruimte."))
    assert ok["summary"] == "De directeur ziet geen ruimte."


@pytest.mark.parametrize("response", ["overgenomen", "deels_overgenomen"])
def test_an_escalation_followed_in_whole_or_part_needs_no_motivation(response: str) -> None:
    stored = validate_payload("escalation_response", payload("escalation_response",
                                                             response=response))
    assert "summary" not in stored
