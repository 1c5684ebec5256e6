"""Import is all or nothing and idempotent; import(export(x)) == x."""

from __future__ import annotations

import copy
import json

import pytest

from app.model.errors import ValidationFailed
from app.storage import audit
from app.storage.interchange_io import export_data, export_file, import_data, import_file
from app.storage.verify import verify
from tests.helpers.registers import EXAMPLE, make_register, registration


@pytest.fixture
def example():
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def reg(tmp_path):
    r = make_register(tmp_path)
    yield r
    r.close()


def test_import_numbers_cases_by_received_on_and_keeps_refs(reg, example):
    result = import_data(reg, example, source="voorbeeld.json")
    assert len(result.plan.new_cases) == 44 and len(result.plan.new_signals) == 12
    received = {c["ref"]: c["events"][0]["received_on"] for c in example["cases"]}
    numbers = dict(result.plan.new_cases)
    ordered = sorted(received, key=lambda r: numbers[r])
    assert [received[r] for r in ordered] == sorted(received.values())
    view = reg.case("V-041")  # a ref finds its case too
    assert view.state.ref == "V-041" and view.state.number == numbers["V-041"]
    assert verify(reg).ok
    assert ("import", "voorbeeld.json") in [(a.action, a.object) for a in audit.rows(reg.conn)]


def test_second_import_of_the_same_file_adds_nothing(reg, example):
    import_data(reg, example)
    before = reg.counts()
    again = import_data(reg, example)
    assert again.events == 0 and len(again.plan.skipped_cases) == 44
    assert reg.counts() == before


def test_bad_file_changes_nothing_and_names_the_path(reg, example):
    bad = copy.deepcopy(example)
    bad["cases"][3]["events"][1] = {**bad["cases"][3]["events"][1]}
    first = bad["cases"][3]["events"][1]
    date_field = "decided_on" if first["kind"] == "triaged" else next(
        k for k in first if k.endswith("on"))
    first[date_field] = "2024-01-01"
    with pytest.raises(ValidationFailed) as exc:
        import_data(reg, bad)
    assert any(str(e).startswith(f"cases[3].events[1].{date_field}:")
               and "vóór de datum van ontvangst" in str(e) for e in exc.value.errors)
    assert reg.counts() == {"events": 0, "cases": 0, "signals": 0}
    rows = [(a.action, a.result) for a in audit.rows(reg.conn)]
    assert rows[-1] == ("import", "geweigerd")


def test_round_trip_with_personal_data(tmp_path, example):
    a = make_register(tmp_path, "a.db")
    import_data(a, example)
    first = export_data(a, with_personal=True)
    b = make_register(tmp_path, "b.db", device="ANR")
    import_data(b, first)
    second = export_data(b, with_personal=True)
    assert second == first
    assert first["with_personal"] is True
    refs = {c["ref"]: c.get("personal") for c in first["cases"]}
    assert refs["V-001"] == example["cases"][0]["personal"]
    # without the flag nothing personal leaves the register
    plain = export_data(b)
    assert "with_personal" not in plain
    assert all("personal" not in c for c in plain["cases"])
    a.close()
    b.close()


def test_round_trip_keeps_corrections_retractions_and_links(tmp_path, example):
    a = make_register(tmp_path, "a.db")
    import_data(a, example)
    n = a.register_case(registration(received_on="2025-06-02")).number
    a.append(n, "triaged", {"decided_on": "2025-06-03", "decision": "in_behandeling",
                            "reason_code": "vastgelopen_casus", "reason": "Vastgelopen."})
    tri = next(e for e in a.case(n).events if e.kind == "triaged")
    a.correct(tri.id, {"decided_on": "2025-06-04", "decision": "in_behandeling",
                       "reason_code": "spoed_ingrijpende_gevolgen", "reason": "Spoed."},
              "Verkeerde reden")
    note = a.append(n, "note", {"on": "2025-06-05", "text": "Gebeld."})
    note_id = next(e.id for e in a.case(n).events if e.kind == "note")
    a.retract(note_id, "Hoort bij andere casus")
    sig = a.list_signals()[0].number
    a.link_signal(n, sig, a.case(n).state.received_on)
    first = export_data(a)
    mine = next(c for c in first["cases"] if c["ref"] == n)
    kinds = [e["kind"] for e in mine["events"]]
    assert kinds == ["registered", "triaged", "corrected", "note", "retracted",
                     "signal_linked"]
    assert mine["events"][2]["target"] == 1 and mine["events"][4]["target"] == 3
    b = make_register(tmp_path, "b.db", device="ANR")
    import_data(b, first)
    assert export_data(b) == first
    state = b.case(n).state
    assert state.triage and state.triage["reason_code"] == "spoed_ingrijpende_gevolgen"
    assert [e.kind for e in state.log.voided] == ["note"]
    assert len(state.signals) == 1
    a.close()
    b.close()
    del note


def test_export_file_is_written_whole_and_audited(reg, example, tmp_path):
    import_data(reg, example)
    out = tmp_path / "export.json"
    export_file(reg, out)
    assert json.loads(out.read_text(encoding="utf-8"))["format"] == "casusregister/interchange"
    assert not list(out.parent.glob(".export.json.*"))  # no temp file left behind
    assert ("export_interchange", str(out)) in [(a.action, a.object)
                                                for a in audit.rows(reg.conn)]


def test_signal_cases_may_name_a_case_already_in_the_register(reg, example):
    import_data(reg, {"format": "casusregister/interchange", "version": 1,
                      "cases": [example["cases"][0]]})
    ref = example["cases"][0]["ref"]
    extra = {"format": "casusregister/interchange", "version": 1, "signals": [
        {"ref": "S-99", "events": [{"kind": "signal_created", "created_on": "2025-12-01",
                                    "title": "Later signaal", "problem": "Knelpunt.",
                                    "proposed_solution": "Oplossing.", "theme": "overig",
                                    "services": ["belastingdienst"]}],
         "cases": [ref]}]}
    import_data(reg, extra)
    state = reg.case(ref).state
    assert len(state.signals) == 1
    assert verify(reg).ok


def test_import_file_errors_are_one_clear_line(reg, tmp_path):
    from app.model.errors import UserError

    broken = tmp_path / "kapot.json"
    broken.write_text('{"format": "casusregister/interchange", "version": 1, "cases": [',
                      encoding="utf-8")
    with pytest.raises(UserError, match="geen geldige JSON"):
        import_file(reg, broken)
    newer = tmp_path / "nieuw.json"
    newer.write_text(json.dumps({"format": "casusregister/interchange", "version": 7}),
                     encoding="utf-8")
    with pytest.raises(ValidationFailed, match="nieuwer"):
        import_file(reg, newer)
    binary = tmp_path / "plaatje.json"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe")
    with pytest.raises(UserError):
        import_file(reg, binary)


def test_a_corrected_first_event_keeps_the_source_ref(reg):
    created = {"kind": "signal_created", "created_on": "2025-04-01", "title": "Oud",
               "problem": "Knelpunt.", "proposed_solution": "Oplossing.", "theme": "overig",
               "services": ["belastingdienst"]}
    fixed = {k: v for k, v in created.items() if k != "kind"} | {"title": "Nieuw"}
    doc = {"format": "casusregister/interchange", "version": 1, "signals": [
        {"ref": "S-77", "events": [created, {"kind": "corrected", "target": 0,
                                             "payload": fixed, "reason": "Titel"}]}]}
    import_data(reg, doc)
    row = reg.list_signals()[0]
    assert (row.ref, row.title) == ("S-77", "Nieuw")
    assert import_data(reg, doc).plan.skipped_signals == ["S-77"]  # still idempotent


def _case(ref, received="2025-03-04"):
    return {"ref": ref, "events": [registration(received_on=received) | {"kind": "registered"}]}


SIGNAL = {"kind": "signal_created", "created_on": "2025-04-01", "title": "Signaal",
          "problem": "Knelpunt.", "proposed_solution": "Oplossing.", "theme": "overig",
          "services": ["belastingdienst"]}


def test_a_signal_already_imported_still_links_its_new_cases(reg):
    head = {"format": "casusregister/interchange", "version": 1}
    import_data(reg, head | {"signals": [{"ref": "S-1", "events": [SIGNAL], "cases": []}]})
    result = import_data(reg, head | {"cases": [_case("A"), _case("B")], "signals": [
        {"ref": "S-1", "events": [SIGNAL], "cases": ["A", "B"]}]})
    assert result.plan.skipped_signals == ["S-1"]
    number = reg.list_signals()[0].number
    for ref in ("A", "B"):
        state = reg.case(ref).state
        assert state.signals == [number]
        link = next(e for e in state.effective if e.kind == "signal_linked")
        assert link.on.isoformat() == "2025-04-01"  # the later of created_on and received_on
    assert verify(reg).ok


def test_a_signal_may_name_a_case_by_its_number(reg):
    head = {"format": "casusregister/interchange", "version": 1}
    import_data(reg, head | {"cases": [_case("V-1")]})
    number = reg.case("V-1").state.number
    import_data(reg, head | {"signals": [{"ref": "S-2", "events": [SIGNAL],
                                          "cases": [number]}]})
    assert len(reg.case(number).state.signals) == 1


def test_an_imported_approval_by_the_importer_is_not_a_four_eyes_breach(reg):
    """Imported events carry the importer as actor: the source's author is unknown."""
    head = {"format": "casusregister/interchange", "version": 1}
    case = _case("V-9")
    case["events"] += [{"kind": "story", "on": "2025-03-05", "text": "Een verhaal."},
                       {"kind": "story_approved", "on": "2025-03-06",
                        "by": reg.settings.handler}]
    import_data(reg, head | {"cases": [case]})
    assert not reg.case("V-9").state.violations
    # recorded by hand, the same person cannot approve their own story
    n = reg.register_case(registration()).number
    reg.append(n, "story", {"on": "2025-03-05", "text": "Mijn verhaal."})
    from app.model.errors import RuleViolation

    with pytest.raises(RuleViolation, match="vier ogen"):
        reg.append(n, "story_approved", {"on": "2025-03-06", "by": reg.settings.handler})


def test_import_warns_about_personal_data_in_free_text(reg, example):
    result = import_data(reg, example)
    assert result.findings == []  # the example is clean
    head = {"format": "casusregister/interchange", "version": 1}
    case = _case("P-1")
    case["events"][0]["summary"] = "Mevrouw met BSN 123456782 belde."
    case["events"].append({"kind": "note", "on": "2025-03-05",
                           "text": "Bereikbaar op 06-12345678."})
    result = import_data(reg, head | {"cases": [case]})
    number = reg.case("P-1").state.number
    assert result.findings == [(number, "summary", "BSN"), (number, "text", "telefoonnummer")]
    warning = result.warning()
    assert warning and "2 mogelijke persoonsgegevens" in warning
    assert "123456782" not in warning  # the warning itself holds no personal data


def test_a_signal_in_a_file_does_not_link_a_destroyed_case(reg):
    """A tombstone takes no step: a file's signal that names a destroyed case is
    imported without the link, and the case stays a tombstone in every chain."""
    from datetime import date

    from app.storage.retention import destroy
    from tests.helpers.registers import triage

    head = {"format": "casusregister/interchange", "version": 1}
    import_data(reg, head | {"cases": [_case("V-9")]})
    number = reg.case("V-9").state.number
    reg.append(number, "triaged", triage())
    reg.append(number, "closed", {"closed_on": "2025-04-01", "outcome": "opgelost",
                                  "solution": "Beslag opgeheven.", "powers_sufficient": "ja"})
    reg.today = lambda: date(2027, 1, 1)
    destroy(reg, number, "Archiefwet: bewaartermijn verstreken.")
    result = import_data(reg, head | {"signals": [{"ref": "S-3", "events": [SIGNAL],
                                                   "cases": [number]}]})
    assert result.plan.links == 0
    view = reg.case(number)
    assert view.state.status == "vernietigd" and view.state.signals == []
    assert [e.kind for e in view.events][-1] == "case_destroyed"
    assert verify(reg).ok
