"""Merge planning: a bundle is taken whole only if it continues what the receiver holds."""

from __future__ import annotations

import dataclasses
import itertools
import random
from datetime import date
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.model.bundle import Bundle, InvalidBundle, build_manifest
from app.model.canonical import CanonicalEvent, chain, chained
from app.model.eventlog import Event, new_id
from app.model.merge import (
    ChainFork,
    ChainGap,
    DeviceConflict,
    MergeRefused,
    check_bundle,
    plan_merge,
    sort_bundles,
)
from tests.helpers.bundles import (
    DEVICES,
    Receiver,
    canonical_chain,
    device_events,
    make_bundle,
    rehash,
)

ZWL, UTR = DEVICES["ZWL"], DEVICES["UTR"]


@pytest.fixture
def zwl() -> list[CanonicalEvent]:
    return canonical_chain("ZWL", cases=3, steps=2)  # 9 events


def test_a_first_bundle_into_an_empty_register_adds_everything(zwl: list[Any]) -> None:
    r = Receiver("TL")
    plan = plan_merge(make_bundle({"ZWL": (0, zwl[:5])}, source="ZWL"), r.holdings())
    assert plan.new_events == zwl[:5] and plan.known == 0
    head = plan.heads[ZWL]
    assert (head.code, head.head_hash, head.count, head.head_hlc) == (
        "ZWL", zwl[4].hash, 5, zwl[4].hlc)
    assert plan.new_by_device == {ZWL: 5}
    assert plan.touched == {zwl[0].entity_id: "case", zwl[3].entity_id: "case"}
    assert r.known_calls == 1  # one batched lookup, not one query per event


def test_bundles_that_continue_each_other_are_accepted_and_a_repeat_adds_nothing(
        zwl: list[Any]) -> None:
    r = Receiver("TL")
    first = make_bundle({"ZWL": (0, zwl[:5])}, source="ZWL", sequence=1)
    second = make_bundle({"ZWL": (5, zwl[5:])}, source="ZWL", sequence=2)
    r.apply(plan_merge(first, r.holdings()))
    r.apply(plan_merge(second, r.holdings()))
    assert r.held("ZWL") == zwl
    for again in (first, second):
        plan = plan_merge(again, r.holdings())
        assert plan.new_events == [] and plan.heads == {} and plan.known == len(again.events)


def test_a_lost_bundle_is_a_gap_that_asks_for_a_complete_bundle(zwl: list[Any]) -> None:
    r = Receiver("TL")
    r.apply(plan_merge(make_bundle({"ZWL": (0, zwl[:5])}, source="ZWL"), r.holdings()))
    third = make_bundle({"ZWL": (7, zwl[7:])}, source="ZWL", sequence=3)
    with pytest.raises(ChainGap) as info:
        plan_merge(third, r.holdings())
    err = info.value
    assert (err.code, err.device, err.have, err.starts_after) == ("ZWL", ZWL, 5, 7)
    assert "vraag om een volledige bundel (--all)" in str(err)
    assert "ZWL" in str(err) and ZWL in str(err)
    complete = make_bundle({"ZWL": (0, zwl)}, source="ZWL", sequence=4, complete=True)
    plan = plan_merge(complete, r.holdings())
    assert plan.new_events == zwl[5:] and plan.known == 5


def test_a_device_never_seen_must_arrive_from_its_first_event(zwl: list[Any]) -> None:
    with pytest.raises(ChainGap) as info:
        plan_merge(make_bundle({"ZWL": (3, zwl[3:])}, source="TL"), Receiver("TL").holdings())
    assert (info.value.have, info.value.starts_after) == (0, 3)


def test_an_event_rewritten_after_it_was_sent_is_a_fork_naming_it(zwl: list[Any]) -> None:
    r = Receiver("TL")
    r.apply(plan_merge(make_bundle({"ZWL": (0, zwl[:5])}, source="ZWL"), r.holdings()))
    rewritten = zwl[:3] + rehash([zwl[3]._replace(actor="Iemand anders"), *zwl[4:]],
                                 zwl[2].hash)
    with pytest.raises(ChainFork) as info:
        plan_merge(make_bundle({"ZWL": (0, rewritten)}, source="ZWL", complete=True),
                   r.holdings())
    err = info.value
    assert (err.device, err.code, err.event_id) == (ZWL, "ZWL", zwl[3].id)
    assert zwl[3].id in str(err) and "ZWL" in str(err) and ZWL in str(err)


def test_new_events_after_an_old_point_of_the_chain_are_a_fork(zwl: list[Any]) -> None:
    """A laptop restored from an old backup goes on from there: its chain forks."""
    r = Receiver("TL")
    r.apply(plan_merge(make_bundle({"ZWL": (0, zwl[:5])}, source="ZWL"), r.holdings()))
    later = device_events("ZWL", cases=1, steps=1, start_ms=1_800_000_000_000)
    forked = chain(later, zwl[2].hash)
    with pytest.raises(ChainFork) as info:
        plan_merge(make_bundle({"ZWL": (3, forked)}, source="ZWL", sequence=2), r.holdings())
    assert info.value.event_id == forked[0].id
    assert info.value.held_id == zwl[3].id
    assert zwl[3].id in str(info.value)


def test_the_receivers_own_lost_events_come_back_from_the_lead(zwl: list[Any]) -> None:
    r = Receiver("ZWL")
    r.apply(plan_merge(make_bundle({"ZWL": (0, zwl[:3])}, source="ZWL"), r.holdings()))
    plan = plan_merge(make_bundle({"ZWL": (0, zwl)}, source="TL", complete=True), r.holdings())
    assert plan.new_events == zwl[3:]


def other_device_with_code(code: str) -> tuple[str, list[CanonicalEvent]]:
    other = "eeeeeeee-0000-4000-8000-00000000000e"
    return other, chain(device_events(code, cases=1, steps=1, device=other))


def test_the_same_device_code_on_another_laptop_is_refused(zwl: list[Any]) -> None:
    r = Receiver("TL")
    r.apply(plan_merge(make_bundle({"ZWL": (0, zwl[:2])}, source="ZWL"), r.holdings()))
    other, evs = other_device_with_code("ZWL")
    manifest = build_manifest(evs, source_device=other, source_code="ZWL", handler="Bram",
                              sequence=1, codes={other: "ZWL"}, before={})
    with pytest.raises(DeviceConflict, match="ZWL") as info:
        plan_merge(Bundle(manifest, evs), r.holdings())
    assert other in str(info.value) and ZWL in str(info.value)


def test_two_laptops_under_one_code_in_one_bundle_are_refused(zwl: list[Any]) -> None:
    other, evs = other_device_with_code("ZWL")
    events = zwl[:2] + evs
    manifest = build_manifest(events, source_device=DEVICES["TL"], source_code="TL",
                              handler="Lead", sequence=1,
                              codes={ZWL: "ZWL", other: "ZWL"}, before={})
    with pytest.raises(DeviceConflict, match="twee apparaten met de code ZWL"):
        plan_merge(Bundle(manifest, events), Receiver("TL").holdings())


def test_a_device_known_under_another_code_is_refused(zwl: list[Any]) -> None:
    r = Receiver("TL")
    r.codes[ZWL] = "ZWA"
    with pytest.raises(DeviceConflict, match="heet in dit register ZWA"):
        plan_merge(make_bundle({"ZWL": (0, zwl)}, source="ZWL"), r.holdings())


@pytest.mark.parametrize("change", [
    {"events": 8}, {"first_hlc": None}, {"last_hlc": "9" * 13 + ".00000." + ZWL},
    {"personal": 1}, {"span_last_hash": "1" * 64}, {"span_prev_hash": "1" * 64},
    {"span_events": 4}, {"span_device": UTR},
])
def test_a_manifest_that_disagrees_with_the_events_is_refused(
        zwl: list[Any], change: dict[str, Any]) -> None:
    bundle = make_bundle({"ZWL": (0, zwl[:5])}, source="ZWL")
    m = bundle.manifest
    span_changes = {k[5:]: v for k, v in change.items() if k.startswith("span_")}
    top = {k: v for k, v in change.items() if not k.startswith("span_")}
    spans = (dataclasses.replace(m.devices[0], **span_changes),)
    bad = dataclasses.replace(m, devices=spans, **top)
    with pytest.raises(InvalidBundle):
        plan_merge(Bundle(bad, bundle.events), Receiver("TL").holdings())


def test_a_chain_broken_inside_the_bundle_is_refused(zwl: list[Any]) -> None:
    with pytest.raises(InvalidBundle, match=f"onderbroken bij stap {zwl[3].id}"):
        check_bundle(make_bundle({"ZWL": (0, zwl[:2] + zwl[3:5])}, source="ZWL"))


def test_an_event_carried_twice_is_refused(zwl: list[Any]) -> None:
    events = [*zwl[:3], zwl[1]]
    m = dataclasses.replace(make_bundle({"ZWL": (0, events)}, source="ZWL").manifest)
    with pytest.raises(InvalidBundle, match="twee keer"):
        check_bundle(Bundle(m, events))


def test_a_number_issued_under_another_code_is_refused(zwl: list[Any]) -> None:
    events = rehash([zwl[0]._replace(number="2025-UTR-0001"), *zwl[1:3]], zwl[0].prev_hash)
    with pytest.raises(InvalidBundle, match="niet uitgegeven door apparaat ZWL"):
        check_bundle(make_bundle({"ZWL": (0, events)}, source="ZWL"))


def test_a_bundle_continuing_the_head_at_a_wrong_position_is_refused(zwl: list[Any]) -> None:
    r = Receiver("TL")
    r.apply(plan_merge(make_bundle({"ZWL": (0, zwl[:5])}, source="ZWL"), r.holdings()))
    with pytest.raises(InvalidBundle, match="plaats in de keten"):
        plan_merge(make_bundle({"ZWL": (6, zwl[5:])}, source="ZWL"), r.holdings())


def test_handover_carries_personal_data_of_the_named_cases_only(zwl: list[Any]) -> None:
    number, case_id = zwl[0].number, zwl[0].entity_id
    ok = make_bundle({"ZWL": (0, zwl)}, source="ZWL", complete=True, handover=[number],
                     personal={case_id: {"bsn": "123456782"}})
    assert plan_merge(ok, Receiver("TL").holdings()).personal == {case_id: {"bsn": "123456782"}}
    other = make_bundle({"ZWL": (0, zwl)}, source="ZWL", complete=True, handover=[number],
                        personal={zwl[3].entity_id: {"bsn": "123456782"}})
    with pytest.raises(InvalidBundle, match="niet wordt overgedragen"):
        plan_merge(other, Receiver("TL").holdings())
    missing = make_bundle({"ZWL": (0, zwl[3:])}, source="ZWL", complete=True,
                          handover=[number])
    with pytest.raises(InvalidBundle, match=f"{number} zit niet in de bundel"):
        check_bundle(missing)


def erased_with_eraser(zwl: list[CanonicalEvent], fields: list[str]
                       ) -> tuple[list[CanonicalEvent], CanonicalEvent]:
    """ZWL's events with a note's text erased by a ``text_erased`` at the chain's end."""
    note = zwl[1]
    last = zwl[-1].to_event()
    hlc = f"{int(last.hlc[:13]) + 1000:013d}.00000.{ZWL}"
    eraser_ev = Event(new_id(), "case", note.entity_id, None, "text_erased",
                      date(2025, 3, 11), hlc, "Anna", ZWL,
                      {"on": "2025-03-11", "target": note.id, "fields": fields,
                       "reason": "Per ongeluk een naam getypt."}, "2025-03-11T09:00:00Z")
    eraser = chained(eraser_ev, zwl[-1].hash)
    erased = note._replace(payload={**(note.payload or {}), "text": None},
                           erased_by=eraser.id)
    return [zwl[0], erased, *zwl[2:], eraser], eraser


def test_an_erased_payload_travels_with_its_eraser(zwl: list[Any]) -> None:
    events, eraser = erased_with_eraser(zwl, ["text"])
    plan = plan_merge(make_bundle({"ZWL": (0, events)}, source="ZWL"),
                      Receiver("TL").holdings())
    assert plan.new_events[1].payload == {"on": "2025-03-10", "text": None}
    assert plan.new_events[-1] == eraser


def test_an_erased_payload_must_fit_its_eraser(zwl: list[Any]) -> None:
    events, _ = erased_with_eraser(zwl, ["on"])
    with pytest.raises(InvalidBundle, match="gewiste velden kloppen niet"):
        check_bundle(make_bundle({"ZWL": (0, events)}, source="ZWL"))


def test_an_erased_correction_must_have_its_replacement_text_erased(zwl: list[Any]) -> None:
    """A correction's text sits inside its replacement payload (``payload.text``): a
    bundle that claims it erased while the name is still there is refused."""
    note, last = zwl[1], zwl[-1]
    base = int(last.hlc[:13])
    fix = chained(Event(new_id(), "case", note.entity_id, None, "corrected", date(2025, 3, 11),
                        f"{base + 1000:013d}.00000.{ZWL}", "Anna", ZWL,
                        {"target": note.id, "reason": "Tikfout.",
                         "payload": {"on": "2025-03-10", "text": "Gesprek met Piet Jansen."}},
                        "2025-03-11T09:00:00Z"), last.hash)
    eraser = chained(Event(new_id(), "case", note.entity_id, None, "text_erased",
                           date(2025, 3, 11), f"{base + 2000:013d}.00000.{ZWL}", "Anna", ZWL,
                           {"on": "2025-03-11", "target": fix.id, "fields": ["payload.text"],
                            "reason": "Per ongeluk een naam getypt."},
                           "2025-03-11T09:00:00Z"), fix.hash)
    assert fix.payload is not None
    still_there = fix._replace(erased_by=eraser.id)
    with pytest.raises(InvalidBundle, match="gewiste velden kloppen niet"):
        check_bundle(make_bundle({"ZWL": (0, [*zwl, still_there, eraser])}, source="ZWL"))
    erased = fix._replace(payload={**fix.payload, "payload": {**fix.payload["payload"],
                                                              "text": None}},
                          erased_by=eraser.id)
    check_bundle(make_bundle({"ZWL": (0, [*zwl, erased, eraser])}, source="ZWL"))


def test_an_erased_payload_whose_eraser_is_nowhere_is_refused(zwl: list[Any]) -> None:
    events, eraser = erased_with_eraser(zwl, ["text"])
    r = Receiver("TL")
    with pytest.raises(MergeRefused, match=f"gewist door stap {eraser.id}"):
        plan_merge(make_bundle({"ZWL": (0, events[:-1])}, source="ZWL"), r.holdings())
    r.events[eraser.id] = eraser  # the receiver already holds the erasing event
    plan = plan_merge(make_bundle({"ZWL": (0, events[:-1])}, source="ZWL"), r.holdings())
    assert len(plan.new_events) == len(zwl)


def test_the_lead_passes_every_laptop_on(zwl: list[Any]) -> None:
    utr = canonical_chain("UTR", cases=2, steps=1)
    lead = Receiver("TL")
    lead.apply(plan_merge(make_bundle({"ZWL": (0, zwl[:5])}, source="ZWL"), lead.holdings()))
    lead.apply(plan_merge(make_bundle({"UTR": (0, utr)}, source="UTR"), lead.holdings()))
    apd = Receiver("APD")
    everything = make_bundle({"UTR": (0, lead.held("UTR")), "ZWL": (0, lead.held("ZWL"))},
                             source="TL", sequence=1, complete=True)
    apd.apply(plan_merge(everything, apd.holdings()))
    assert apd.held("ZWL") == zwl[:5] and apd.held("UTR") == utr
    lead.apply(plan_merge(make_bundle({"ZWL": (5, zwl[5:])}, source="ZWL", sequence=2),
                          lead.holdings()))
    week = make_bundle({"ZWL": (5, lead.held("ZWL")[5:])}, source="TL", sequence=2)
    plan = plan_merge(week, apd.holdings())
    assert [e.id for e in plan.new_events] == [e.id for e in zwl[5:]]


def test_new_events_are_planned_in_hlc_order_across_devices(zwl: list[Any]) -> None:
    utr = canonical_chain("UTR", cases=2, steps=1)
    plan = plan_merge(make_bundle({"ZWL": (0, zwl), "UTR": (0, utr)}, source="TL"),
                      Receiver("TL").holdings())
    assert [e.hlc for e in plan.new_events] == sorted(e.hlc for e in zwl + utr)


def test_bundle_files_sort_by_source_device_and_sequence(zwl: list[Any]) -> None:
    bundles = [make_bundle({"ZWL": (0, zwl[:1])}, source=code, sequence=seq)
               for code in ("ZWL", "APD", "UTR") for seq in (3, 1, 2)]
    random.Random(7).shuffle(bundles)
    order = [(b.manifest.source_code, b.manifest.sequence)
             for b in sort_bundles(bundles, lambda b: b.manifest)]
    assert order == [(c, s) for c in ("APD", "UTR", "ZWL") for s in (1, 2, 3)]


# ---------------------------------------------------------------------------
# Random chains cut into bundles


@st.composite
def split_chains(draw: Any) -> dict[str, tuple[list[CanonicalEvent], list[int]]]:
    """Per device a chain and the cut points of its bundles (each bundle non-empty)."""
    codes = draw(st.lists(st.sampled_from(["ZWL", "UTR", "APD"]), min_size=1, max_size=3,
                          unique=True))
    out = {}
    for code in codes:
        cases = draw(st.integers(1, 3))
        steps = draw(st.integers(0, 3))
        evs = canonical_chain(code, cases=cases, steps=steps)
        inner = draw(st.lists(st.integers(1, len(evs) - 1), max_size=3, unique=True)
                     if len(evs) > 1 else st.just([]))
        out[code] = (evs, [0, *sorted(inner), len(evs)])
    return out


def device_bundles(code: str, evs: list[CanonicalEvent], cuts: list[int]) -> list[Bundle]:
    return [make_bundle({code: (a, evs[a:b])}, source=code, sequence=i + 1)
            for i, (a, b) in enumerate(itertools.pairwise(cuts))]


@settings(max_examples=40, deadline=None)
@given(chains=split_chains(), seed=st.integers(0, 1000))
def test_random_chains_in_bundles_merge_in_any_interleaving_with_repeats(
        chains: dict[str, tuple[list[CanonicalEvent], list[int]]], seed: int) -> None:
    rng = random.Random(seed)
    queues = {code: device_bundles(code, evs, cuts) for code, (evs, cuts) in chains.items()}
    r = Receiver("TL")
    applied: list[Bundle] = []
    while any(queues.values()):
        code = rng.choice([c for c, q in queues.items() if q])
        bundle = queues[code].pop(0)
        r.apply(plan_merge(bundle, r.holdings()))
        applied.append(bundle)
        if rng.random() < 0.3:  # a bundle read again changes nothing
            again = rng.choice(applied)
            assert plan_merge(again, r.holdings()).new_events == []
    for code, (evs, _) in chains.items():
        assert r.held(code) == evs
    assert len(r.order) == sum(len(evs) for evs, _ in chains.values())


@settings(max_examples=40, deadline=None)
@given(chains=split_chains(), data=st.data())
def test_random_chains_with_a_lost_bundle_give_a_gap_naming_the_device(
        chains: dict[str, tuple[list[CanonicalEvent], list[int]]], data: Any) -> None:
    candidates = [c for c, (_, cuts) in chains.items() if len(cuts) >= 3]
    assume(candidates)
    code = data.draw(st.sampled_from(candidates))
    evs, cuts = chains[code]
    bundles = device_bundles(code, evs, cuts)
    lost = data.draw(st.integers(0, len(bundles) - 2))
    r = Receiver("TL")
    for bundle in bundles[:lost]:
        r.apply(plan_merge(bundle, r.holdings()))
    with pytest.raises(ChainGap) as info:
        plan_merge(bundles[lost + 1], r.holdings())
    assert (info.value.code, info.value.device) == (code, DEVICES[code])
    assert (info.value.have, info.value.starts_after) == (cuts[lost], cuts[lost + 1])
    assert r.held(code) == evs[:cuts[lost]]  # nothing of the refused bundle was taken


@settings(max_examples=40, deadline=None)
@given(chains=split_chains(), data=st.data())
def test_random_chains_with_a_rewritten_event_give_a_fork_naming_it(
        chains: dict[str, tuple[list[CanonicalEvent], list[int]]], data: Any) -> None:
    code = data.draw(st.sampled_from(sorted(chains)))
    evs, cuts = chains[code]
    bundles = device_bundles(code, evs, cuts)
    received = data.draw(st.integers(1, len(bundles)))
    r = Receiver("TL")
    for bundle in bundles[:received]:
        r.apply(plan_merge(bundle, r.holdings()))
    at = data.draw(st.integers(0, cuts[received] - 1))
    field = data.draw(st.sampled_from(["actor", "occurred_on"]))
    value = "Herschreven" if field == "actor" else "2025-12-31"
    prev = evs[at].prev_hash
    rewritten = evs[:at] + rehash([evs[at]._replace(**{field: value}), *evs[at + 1:]], prev)
    with pytest.raises(ChainFork) as info:
        plan_merge(make_bundle({code: (0, rewritten)}, source=code, complete=True),
                   r.holdings())
    assert (info.value.code, info.value.event_id) == (code, evs[at].id)
    assert evs[at].id in str(info.value)
