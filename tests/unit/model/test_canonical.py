"""The canonical form of an event: what bundles carry, checked strictly on arrival."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.model.canonical import (
    _ENCODER,
    FIELDS,
    CanonicalError,
    EventParser,
    _meta_json,
    canonical_line,
    chain,
    chained,
    from_event,
    number_code,
    parse_event,
)
from app.model.errors import FieldError
from app.model.eventlog import ZERO_HASH, event_hash, payload_hash
from app.model.events import canonical_json
from tests.helpers.bundles import DEVICES, device_events
from tests.helpers.model_builders import case_log

ZWL = DEVICES["ZWL"]


def wire(ev: Any) -> dict[str, Any]:
    """What arrives from a bundle: the canonical dict through JSON text and back."""
    return json.loads(canonical_json(ev.to_json()))


@pytest.fixture
def events() -> list[Any]:
    return chain(device_events("ZWL", cases=1, steps=2))


def test_canonical_form_carries_text_identities_hashes_and_no_flag(events: list[Any]) -> None:
    data = wire(events[0])
    assert tuple(data) == tuple(sorted(FIELDS))
    assert "flag" not in data
    assert data["occurred_on"] == "2025-03-03" and data["number"] == "2025-ZWL-0001"
    assert data["prev_hash"] == ZERO_HASH
    assert data["payload_hash"] == payload_hash(data["payload"])
    assert data["hash"] == event_hash(ZERO_HASH, events[0].meta(), data["payload_hash"])
    assert events[1].prev_hash == events[0].hash


def test_round_trip_from_event_to_wire_and_back(events: list[Any]) -> None:
    originals = device_events("UTR", cases=2, steps=1)
    for original, ce in zip(originals, chain(originals), strict=True):
        back = parse_event(wire(ce))
        assert back == ce
        assert back.to_event() == original  # flag None, payload and dates restored


def test_the_same_event_from_the_register_hashes_the_same() -> None:
    log = case_log()
    log.add("note", "2025-03-10", text="Gebeld.")
    ce = chained(log.events[0], ZERO_HASH)
    stored = from_event(log.events[0], payload_hash=ce.payload_hash, prev_hash=ZERO_HASH,
                        hash=ce.hash)
    assert stored == ce


def test_a_destroyed_payload_travels_as_null_and_reads_as_empty(events: list[Any]) -> None:
    ev = events[1].to_event()
    eraser = "0b0e0e0e-0000-4000-8000-00000000000f"
    gone = from_event(ev, payload_hash=events[1].payload_hash, prev_hash=events[1].prev_hash,
                      hash=events[1].hash, erased_by=eraser, destroyed=True)
    data = wire(gone)
    assert data["payload"] is None and data["erased_by"] == eraser
    back = parse_event(data)
    assert back.payload is None and back.to_event().payload == {}


def test_an_erased_text_keeps_its_chain_though_the_payload_no_longer_hashes(
        events: list[Any]) -> None:
    data = wire(events[1])
    data["payload"]["text"] = None
    data["erased_by"] = "0b0e0e0e-0000-4000-8000-00000000000f"
    assert parse_event(data).payload == {"on": "2025-03-10", "text": None}
    data["erased_by"] = None
    with pytest.raises(CanonicalError, match="payload_hash"):
        parse_event(data)


def reason(data: dict[str, Any]) -> str:
    with pytest.raises(CanonicalError) as info:
        parse_event(data)
    return str(info.value)


BAD_FIELDS: list[tuple[str, object, str]] = [
    ("id", "AAAAAAAA-0000-4000-8000-000000000001", "'id' is geen UUID"),
    ("id", 12, "'id' is geen UUID"),
    ("entity_id", "not-a-uuid", "'entity_id' is geen UUID"),
    ("device", "{" + ZWL + "}", "'device' is geen UUID"),
    ("entity", "persoon", "'entity' is niet"),
    ("kind", "verzonnen", "onbekend soort stap"),
    ("kind", None, "onbekend soort stap"),
    ("entity", "signal", "hoort niet bij een signal"),
    ("number", None, "geen casusnummer"),
    ("number", "2025-zwl-0001", "geen casusnummer"),
    ("occurred_on", "2025-02-30", "'occurred_on' is geen datum"),
    ("occurred_on", "20250303", "'occurred_on' is geen datum"),
    ("occurred_on", "２０２５-03-03", "'occurred_on' is geen datum"),
    ("recorded_at", "2025-03-10 09:00:00", "'recorded_at'"),
    ("recorded_at", "", "'recorded_at'"),
    ("hlc", "1735689601000.0." + ZWL, "'hlc' is geen hybride klok"),
    ("hlc", "1735689601000.00000." + DEVICES["UTR"], "niet door het apparaat"),
    ("actor", "Anna\nBram", "'actor' is geen naam"),
    ("actor", "x" * 301, "'actor' is geen naam"),
    ("actor", None, "'actor' is geen naam"),
    ("payload_hash", "AB" * 32, "'payload_hash' is geen sha256"),
    ("prev_hash", "0" * 63, "'prev_hash' is geen sha256"),
    ("prev_hash", None, "'prev_hash' is geen sha256"),
    ("payload_hash", 7, "'payload_hash' is geen sha256"),
    ("hash", None, "'hash' is geen sha256"),
    ("payload", [], "'payload' is geen object"),
    ("payload", None, "'payload' ontbreekt"),
    ("erased_by", "gisteren", "'erased_by'"),
]


@pytest.mark.parametrize(("name", "value", "expected"), BAD_FIELDS)
def test_every_malformed_field_is_refused_with_its_own_reason(
        events: list[Any], name: str, value: object, expected: str) -> None:
    data = wire(events[0])
    data[name] = value
    message = reason(data)
    assert expected in message
    assert events[0].id in message or name == "id"


WARM_BAD: list[tuple[str, object]] = [
    ("id", "AAAAAAAA-0000-4000-8000-000000000001"), ("entity", "signal"),
    ("kind", "signal_closed"), ("kind", "verzonnen"), ("number", "2025-ZWL-0009"),
    ("occurred_on", "2025-03-11"), ("recorded_at", "gisteren"),
    ("hlc", "1735689601000.00000." + DEVICES["UTR"]), ("actor", "Bram"),
    ("payload_hash", "0" * 64), ("prev_hash", "1" * 64), ("hash", "2" * 64),
    ("payload", {"on": "2025-03-10", "text": "Anders."}), ("payload", None),
    ("erased_by", "nee"), ("device", DEVICES["UTR"]),
]


@pytest.mark.parametrize(("name", "value"), WARM_BAD)
def test_a_parser_that_has_seen_a_bundle_refuses_the_same_as_a_fresh_one(
        name: str, value: object) -> None:
    """A parser reading a bundle takes a quick path for events like those it has seen;
    it must refuse exactly what a fresh one refuses, with the same reason."""
    events = chain(device_events("ZWL", cases=1, steps=3))
    warm = EventParser()
    for ev in events[:3]:
        assert warm.parse(wire(ev)) == ev
    data = wire(events[3])
    data[name] = value
    with pytest.raises(CanonicalError) as fresh:
        parse_event(copy.deepcopy(data))
    with pytest.raises(CanonicalError) as seen:
        warm.parse(data)
    assert str(seen.value) == str(fresh.value)
    assert warm.parse(wire(events[3])) == events[3]


def test_number_only_on_the_first_event_of_a_case_or_signal(events: list[Any]) -> None:
    data = wire(events[1])
    data["number"] = "2025-ZWL-0002"
    assert "alleen de eerste stap" in reason(data)


def test_erased_by_must_name_another_event(events: list[Any]) -> None:
    data = wire(events[1])
    data["erased_by"] = data["id"]
    assert "'erased_by'" in reason(data)


def test_missing_and_unknown_keys_are_named(events: list[Any]) -> None:
    data = wire(events[0])
    del data["recorded_at"]
    data["flag"] = "te laat"
    message = reason(data)
    assert "veld 'recorded_at' ontbreekt" in message and "onbekend veld 'flag'" in message
    assert "geen object" in reason([1, 2])  # type: ignore[arg-type]


def test_a_changed_payload_or_changed_metadata_fails_its_hash(events: list[Any]) -> None:
    data = wire(events[1])
    data["payload"]["text"] = "Iets anders."
    assert "payload_hash" in reason(data)
    data = wire(events[1])
    data["actor"] = "Mallory"
    assert "de hash klopt niet" in reason(data)
    data = wire(events[1])
    data["prev_hash"] = "1" * 64
    assert "de hash klopt niet" in reason(data)
    data = wire(events[1])
    data["recorded_at"] = "2030-01-01T00:00:00Z"  # not covered by the hash (docs/ARCHITECTURE.md)
    assert parse_event(data).recorded_at == "2030-01-01T00:00:00Z"


def test_payload_content_goes_through_the_structure_check_given(events: list[Any]) -> None:
    seen: list[tuple[str, Mapping[str, Any]]] = []

    def stand_in(kind: str, payload: Mapping[str, Any]) -> list[FieldError]:
        seen.append((kind, payload))
        return [FieldError("text", "mag niet leeg zijn")] if kind == "note" else []

    parser = EventParser(stand_in)
    assert parser.parse(wire(events[0])) == events[0]
    with pytest.raises(CanonicalError, match=r"payload\.text: mag niet leeg zijn") as info:
        parser.parse(wire(events[1]))
    assert info.value.event_id == events[1].id
    assert [k for k, _ in seen] == ["registered", "note"]
    erased = wire(events[1])
    erased["payload"]["text"] = None
    erased["erased_by"] = "0b0e0e0e-0000-4000-8000-00000000000f"
    assert parser.parse(erased).payload == {"on": "2025-03-10", "text": None}
    assert len(seen) == 2  # an erased payload is not held to its kind's rules


def test_a_signal_is_numbered_as_a_signal() -> None:
    log = case_log()
    ev = log.events[0]
    sig = type(ev)(ev.id, "signal", ev.entity_id, "S-2025-TST-001", "signal_created",
                   date(2025, 3, 3), ev.hlc, ev.actor, ev.device,
                   {"created_on": "2025-03-03", "title": "t", "problem": "p",
                    "proposed_solution": "s", "theme": "dienstverlening",
                    "services": ["belastingdienst"]}, "2025-03-03T10:00:00Z")
    data = wire(chained(sig, ZERO_HASH))
    assert parse_event(data).number == "S-2025-TST-001"
    data["number"] = "2025-TST-0001"
    assert "geen signaalnummer" in reason(data)


def test_number_code() -> None:
    assert number_code("2025-ZWL-0012") == "ZWL"
    assert number_code("S-2025-TL-001") == "TL"
    assert number_code("2025-zwl-0012") is None
    assert number_code(None) is None


actors = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=40)


@settings(max_examples=200, deadline=None)
@given(actor=actors, number=st.sampled_from([None, "2025-ZWL-0001", "S-2025-AB-123"]))
def test_the_fast_metadata_form_equals_the_general_canonical_json(
        actor: str, number: str | None) -> None:
    meta = {"id": DEVICES["UTR"], "entity": "case", "entity_id": DEVICES["APD"],
            "number": number, "kind": "registered", "occurred_on": "2025-03-03",
            "hlc": "1735689601000.00000." + ZWL, "actor": actor, "device": ZWL}
    assert _meta_json(meta) == canonical_json(meta)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8),
                                                                inner, max_size=4),
    max_leaves=8)


@settings(max_examples=50, deadline=None)
@given(payload=st.dictionaries(st.text(max_size=10), json_values, max_size=6))
def test_the_shared_encoder_hashes_payloads_like_the_event_log(payload: dict[str, Any]
                                                              ) -> None:
    assert _ENCODER.encode(payload) == canonical_json(payload)


@settings(max_examples=100, deadline=None)
@given(actor=actors, payload=st.none() | st.dictionaries(st.text(max_size=8), json_values,
                                                         max_size=4),
       erased=st.booleans(), texts=st.lists(actors, min_size=3, max_size=3))
def test_the_hand_written_event_line_equals_the_general_canonical_json(
        actor: str, payload: dict[str, Any] | None, erased: bool, texts: list[str]) -> None:
    """Even values a bundle would refuse (quotes, odd text) serialise identically."""
    ev = chain(device_events("ZWL", cases=1, steps=0))[0]
    ev = ev._replace(actor=actor, payload=payload, recorded_at=texts[0], kind=texts[1],
                     number=None if erased else texts[2],
                     erased_by=DEVICES["UTR"] if erased else None)
    assert canonical_line(ev) == canonical_json(ev.to_json())
