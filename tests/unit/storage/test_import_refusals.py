"""Reading an interchange file and the refusals a handler meets (#8 faults 4-6, #11
items 15-16, #7's re-import line): one clear Dutch reason, nothing written."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.model.errors import RuleViolation, UserError, ValidationFailed
from app.storage import interchange_io
from app.storage.figures import check_period
from app.storage.interchange_io import import_data, import_file, read_json
from tests.helpers.registers import EXAMPLE, make_register, registration, triage

HEAD = {"format": "casusregister/interchange", "version": 1}


@pytest.fixture
def reg(tmp_path):
    r = make_register(tmp_path)
    r.today = lambda: date(2025, 12, 31)
    yield r
    r.close()


def refused_read(path: Path, match: str) -> str:
    with pytest.raises(UserError, match=match) as info:
        read_json(path)
    text = str(info.value)
    assert "\n" not in text
    return text


# --- what is read at all ----------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pijp.json"
    os.mkfifo(fifo)
    refused_read(fifo, "geen gewoon bestand")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero here")
def test_a_device_is_refused_before_it_is_read():
    refused_read(Path("/dev/zero"), "geen gewoon bestand")
    refused_read(Path("/dev/null"), "geen gewoon bestand")


def test_a_folder_and_a_missing_file(tmp_path):
    refused_read(tmp_path, "is een map")
    refused_read(tmp_path / "weg.json", "bestaat niet")


def test_the_size_cap_counts_the_bytes_read(tmp_path, monkeypatch):
    big = tmp_path / "groot.json"
    big.write_text(json.dumps({**HEAD, "cases": [], "x": "y" * 2000}), encoding="utf-8")
    with pytest.raises(UserError, match="te groot: een interchange-bestand is hoogstens "
                                         "1000 bytes"):
        read_json(big, max_bytes=1000)
    assert read_json(big, max_bytes=5000)["x"] == "y" * 2000
    monkeypatch.setattr(interchange_io, "MAX_FILE_BYTES", 1000)
    with pytest.raises(UserError, match="te groot"):
        read_json(big)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux /proc only")
def test_a_file_that_claims_to_be_empty_is_still_counted():
    status = Path("/proc/self/status")  # a regular file whose size says 0
    assert status.stat().st_size == 0
    with pytest.raises(UserError, match="te groot"):
        read_json(status, max_bytes=10)


@pytest.mark.parametrize(("content", "match"), [
    (b"", "is leeg"),
    (b"  \n ", "is leeg"),
    (b"\xff\xfe{\x00}\x00", "geen UTF-8"),
    (b'{"format": ', "geen geldige JSON \\(regel 1, kolom 12: waarde verwacht\\)"),
    (b'{"version": NaN}', "NaN is geen getal in JSON"),
    (b'{"version": -Infinity}', "-Infinity is geen getal in JSON"),
    (b'{"version": 1, "version": 2}', "de sleutel 'version' staat twee keer"),
    (b'{"version": 1' + b"0" * 5000 + b"}", "een getal van 5001 cijfers"),
    (b"[" * 5000 + b"]" * 5000, "te diep genest"),
    (b'{"a":' + b"[" * 500 + b"]" * 500 + b"}", "te diep genest"),
    (b'{"a": "tab\there"}', "besturingsteken in een tekst"),
    (b'{"a": 1} x', "tekst na het einde van de JSON"),
])
def test_bad_json_is_one_dutch_line(tmp_path, content: bytes, match: str):
    path = tmp_path / "fout.json"
    path.write_bytes(content)
    refused_read(path, match)


def test_a_byte_order_mark_is_harmless(tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(HEAD).encode())
    assert read_json(path) == HEAD


def test_a_file_name_cannot_write_to_the_terminal(tmp_path):
    path = tmp_path / "naam\x1b[2J.json"
    path.write_bytes(b"")
    text = refused_read(path, "is leeg")
    assert "\x1b" not in text


def test_a_refused_file_changes_nothing_and_is_audited(reg, tmp_path):
    from app.storage import audit

    path = tmp_path / "leeg.json"
    path.write_bytes(b"")
    before = reg.counts()
    with pytest.raises(UserError):
        import_file(reg, path)
    assert reg.counts() == before
    assert [(a.action, a.object, a.result) for a in audit.rows(reg.conn)][-1] == (
        "import", "leeg.json", "geweigerd")


# --- personal data and references in a file ---------------------------------------------


def _case(ref: str = "A-1", **personal: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {"ref": ref, "events": [{"kind": "registered", **registration()}]}
    if personal:
        entry["personal"] = personal
    return entry


@pytest.mark.parametrize(("personal", "path", "message"), [
    ({"bsn": "123456789"}, "cases[0].personal.bsn", "11-proef"),
    ({"name": "N" * 201}, "cases[0].personal.name", "hoogstens 200 tekens"),
    ({"name": "Jan\nJansen"}, "cases[0].personal.name", "één regel"),
    ({"email": "a\x00@b.nl"}, "cases[0].personal.email", "U+0000"),
    ({"phone": 612345678}, "cases[0].personal.phone", "moet tekst zijn"),
    ({"schoenmaat": "43"}, "cases[0].personal.schoenmaat", "onbekend persoonsgegeven"),
])
def test_personal_data_is_checked_too(reg, personal, path, message):
    with pytest.raises(ValidationFailed) as info:
        import_data(reg, {**HEAD, "cases": [_case(**personal)]})
    assert [e.path for e in info.value.errors] == [path]
    assert message in info.value.errors[0].message
    assert reg.counts()["events"] == 0


def test_a_bsn_is_stored_as_nine_digits(reg):
    import_data(reg, {**HEAD, "cases": [_case(bsn="1234 56 782", address="Straat 1\n"
                                                                  "1234 AB Plaats")]})
    number = reg.case("A-1").state.number
    assert reg.personal(number) == {"bsn": "123456782", "address": "Straat 1\n1234 AB Plaats"}


@pytest.mark.parametrize(("ref", "message"), [
    ("R" * 101, "hoogstens 100 tekens"), ("A\t1", "één regel"), ("A\x07", "U+0007"),
    ("", "verplicht herkomstnummer ontbreekt"), (17, "verplicht herkomstnummer ontbreekt"),
])
def test_a_case_ref_is_one_short_line(reg, ref, message):
    with pytest.raises(ValidationFailed) as info:
        import_data(reg, {**HEAD, "cases": [_case(ref)]})
    assert info.value.errors[0].path == "cases[0].ref"
    assert message in info.value.errors[0].message


def test_a_flag_is_one_line_of_text(reg):
    case = _case()
    case["events"][0]["flag"] = "reden\x1b[31m"
    with pytest.raises(ValidationFailed) as info:
        import_data(reg, {**HEAD, "cases": [case]})
    assert [e.path for e in info.value.errors] == ["cases[0].events[0].flag"]


# --- #11 items 15 and 16 through the register --------------------------------------------


def _closed_case(reg) -> str:
    number = reg.register_case(registration()).number
    reg.append(number, "triaged", triage())
    reg.append(number, "closed", {"closed_on": "2025-04-10", "outcome": "opgelost",
                                  "solution": "Opgelost.", "powers_sufficient": "ja"})
    return number


def test_an_eindgesprek_before_the_closing_is_refused_with_its_date(reg):
    number = _closed_case(reg)
    with pytest.raises(RuleViolation) as info:
        reg.append(number, "closing_interview", {"held_on": "2025-04-05"})
    message = str(info.value)
    assert message.startswith("Eindgesprek kan niet: het eindgesprek van 05-04-2025 ligt "
                              "vóór de afronding")
    assert reg.case(number).state.interviews == []
    reg.append(number, "closing_interview", {"held_on": "2025-04-10", "citizen_score": 8})
    assert len(reg.case(number).state.interviews) == 1


def test_a_refused_escalation_without_motivation_is_not_saved(reg):
    number = reg.register_case(registration()).number
    reg.append(number, "triaged", triage())
    reg.append(number, "escalated", {"on": "2025-03-10", "service": "dienst_toeslagen",
                                     "level": "teamleider", "reason": "Geen reactie."})
    before = reg.counts()
    with pytest.raises(ValidationFailed) as info:
        reg.append(number, "escalation_response", {
            "received_on": "2025-03-20", "service": "dienst_toeslagen",
            "response": "gemotiveerd_afgewezen"})
    assert [e.path for e in info.value.errors] == ["summary"]
    assert reg.counts() == before


# --- #8 fault 6: the period of the figures -----------------------------------------------


@pytest.mark.parametrize(("start", "end", "bad"), [
    (date(1, 1, 1), date(2025, 12, 31), "0001-01-01"),
    (date(2025, 1, 1), date(9999, 12, 31), "9999-12-31"),
    (date(1999, 12, 31), date(2025, 1, 1), "1999-12-31"),
    (date(2025, 1, 1), date(2101, 1, 1), "2101-01-01"),
])
def test_a_period_out_of_range_is_one_clear_line(start, end, bad):
    with pytest.raises(UserError) as info:
        check_period(start, end)
    assert str(info.value) == (f"De periode moet binnen 01-01-2000 t/m 31-12-2100 liggen; "
                               f"{bad} valt erbuiten.")


def test_the_widest_period_is_accepted():
    check_period(date(2000, 1, 1), date(2100, 12, 31))
    with pytest.raises(UserError, match="leeg"):
        check_period(date(2025, 2, 1), date(2025, 1, 1))


# --- #7: a re-import says which steps it did not take -------------------------------------


def test_a_re_import_counts_the_steps_the_register_lacks(reg):
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    first = import_data(reg, example)
    assert first.skipped_steps_note() is None
    same = import_data(reg, example)
    assert len(same.plan.skipped_cases) == 44 and same.steps_not_imported == 0
    assert same.skipped_steps_note() is None  # every step is already there
    grown = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    open_case = next(c for c in grown["cases"]
                     if c["events"][-1]["kind"] not in ("closed", "closing_interview"))
    open_case["events"] += [{"kind": "note", "on": "2025-12-01", "text": "Nieuwe stap."},
                            {"kind": "note", "on": "2025-12-02", "text": "Nog een."}]
    grown["signals"][0]["events"].append({"kind": "signal_closed", "on": "2025-12-30"})
    before = reg.counts()
    result = import_data(reg, grown)
    assert reg.counts() == before
    assert result.steps_not_imported == 3
    note = result.skipped_steps_note()
    assert note is not None and "\n" not in note
    assert note.startswith("Let op: 3 stappen van casussen of signalen die er al in stonden "
                           "zijn niet ingelezen")
    assert "casusregister bundle export" in note and "casusregister bundle import" in note


def test_the_re_import_line_is_printed_by_the_cli(reg, tmp_path, monkeypatch, capsys):
    from app.cli import case_cmds
    from app.cli.main import main

    class Borrowed:
        def __enter__(self):
            return reg

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(case_cmds, "open_register", lambda args: Borrowed())
    doc = {**HEAD, "cases": [_case()]}
    path = tmp_path / "a.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["import", str(path)]) == 0
    doc["cases"][0]["events"].append({"kind": "note", "on": "2025-03-05", "text": "Later."})
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert any(line.startswith("Let op: 1 stap van casussen of signalen die er al in "
                               "stonden is niet ingelezen") for line in out)
