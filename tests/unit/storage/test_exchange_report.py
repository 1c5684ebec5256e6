"""What a bundle import reports and stores, through the quick paths of the merge: rule
violations and conflicts as the fold finds them, payloads that travel byte for byte,
and one key derivation per file."""

from __future__ import annotations

from pathlib import Path

from app.model.events import canonical_json
from app.model.fold import fold_case
from app.storage import bundle_file
from app.storage.crypto import TEST_KDF
from app.storage.exchange import export_bundle, import_bundles
from app.storage.repository import Register
from tests.helpers.registers import TEAM, registration, triage


def _send(reg: Register, path: Path, **kw) -> Path:
    export_bundle(reg, path, kdf=TEST_KDF, **kw)
    return path


def test_two_triages_from_two_laptops_are_reported_as_the_fold_flags_them(team, tmp_path):
    a, b, lead = team["AAA"], team["BBB"], team["TL"]
    n = a.register_case(registration()).number
    import_bundles(b, [_send(a, tmp_path / "a1.bundel")])
    a.append(n, "triaged", triage(on="2025-03-06"))
    b.append(n, "triaged", triage(on="2025-03-07", decision="doorverwezen",
                                  referred_to="bd_klachten"))
    untouched = a.register_case(registration(received_on="2025-03-05")).number
    report = import_bundles(lead, [_send(a, tmp_path / "a2.bundel"),
                                   _send(b, tmp_path / "b1.bundel")])
    assert not report.refused
    state = fold_case(lead.case(n).events)
    assert state.violations  # the second triage breaks the workflow
    assert report.violations == [(n, vid, why) for vid, why in state.violations]
    flagged = {e.id: e.flag for e in lead.case(n).events if e.flag}
    assert set(flagged) == {vid for vid, _ in state.violations}
    assert not any(number == untouched for number, _, _ in report.violations)
    assert report.new_cases == sorted([n, untouched])


def test_payloads_travel_byte_for_byte_and_are_checked_on_the_way(team, tmp_path):
    a, lead = team["AAA"], team["TL"]
    n = a.register_case(registration(summary="Tekst met “aanhalingstekens” en é, ß")).number
    a.append(n, "triaged", triage())
    a.append(n, "note", {"on": "2025-03-07", "text": "Regel één\nregel twee\t\\ / \u2028"})
    out = _send(a, tmp_path / "a.bundel", everything=True)
    texts: dict[str, str] = {}
    bundle = bundle_file.read_bundle(out, TEAM, check_payload=None, texts=texts)
    assert {e.id: texts[e.id] for e in bundle.events} == {
        e.id: canonical_json(e.payload) for e in bundle.events}
    import_bundles(lead, [out])
    query = "SELECT id, payload_json, payload_hash, hash FROM events ORDER BY id"
    mine = [r for r in a.conn.execute(query)]
    theirs = [r for r in lead.conn.execute(query)]
    assert mine == theirs


def test_each_file_is_unlocked_once_although_its_manifest_is_read_first(
        team, tmp_path, monkeypatch):
    a, b, lead = team["AAA"], team["BBB"], team["TL"]
    a.register_case(registration())
    b.register_case(registration())
    files = [_send(a, tmp_path / "a.bundel"), _send(b, tmp_path / "b.bundel")]
    calls: list[bytes] = []
    real = bundle_file.derive_key

    def counting(passphrase, salt, kdf):
        calls.append(salt)
        return real(passphrase, salt, kdf)

    monkeypatch.setattr(bundle_file, "derive_key", counting)
    report = import_bundles(lead, files)
    assert not report.refused and report.new_events == 2
    assert len(calls) == 2 and len(set(calls)) == 2


def test_the_lead_sees_each_laptop_and_its_last_step_here_and_in_the_workbook(
        team, tmp_path):
    from datetime import timedelta

    from openpyxl import load_workbook

    from app.export.workbook import write_evaluation

    a, lead = team["AAA"], team["TL"]
    a.register_case(registration())
    import_bundles(lead, [_send(a, tmp_path / "anna-week-11.bundel")])
    later = lead.today() + timedelta(days=12)
    lines = {line.code: line for line in lead.device_lines(today=later)}
    assert lines["AAA"].text == "apparaat AAA (Anna): laatste stap 12 dagen oud"
    assert lines["AAA"].received_from == "anna-week-11.bundel" and lines["AAA"].stale
    assert lines["AAA"].events == 1 and not lines["AAA"].own
    assert "TL" not in lines  # the lead recorded nothing yet

    lead.today = lambda: later
    out = tmp_path / "evaluatie.xlsx"
    write_evaluation(lead, later - timedelta(days=6), later, out)
    sheet = load_workbook(out, read_only=True)["Verantwoording"]
    texts = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert "apparaat AAA (Anna): laatste stap 12 dagen oud" in texts


def test_a_file_named_twice_is_reported_twice_and_the_first_keeps_its_news(team, tmp_path):
    a, lead = team["AAA"], team["TL"]
    a.register_case(registration())
    out = _send(a, tmp_path / "a.bundel", handover=[a.list_cases()[0].number])
    report = import_bundles(lead, [out, out])
    assert [(f.path.name, f.new_by_device, f.known) for f in report.files] == [
        ("a.bundel", {"AAA": 1}, 0), ("a.bundel", {}, 1)]
    assert report.new_events == 1 and report.handovers == [a.list_cases()[0].number]
