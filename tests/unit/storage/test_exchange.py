"""Exchange bundles between registers (docs/ARCHITECTURE.md, issue 7): the union, idempotent and
order-free, chains that must continue, handover with P2, and refusals that write
nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.model.merge import ChainFork, DeviceConflict
from app.storage import audit
from app.storage.bundle_file import (
    DamagedBundle,
    NewerBundleVersion,
    NotABundle,
    WrongExchangePassphrase,
)
from app.storage.crypto import TEST_KDF
from app.storage.exchange import (
    NoExchangePassphrase,
    export_bundle,
    import_bundles,
    set_exchange_passphrase,
)
from app.storage.keyring import keyring_path
from app.storage.repository import Register
from app.storage.verify import verify
from tests.helpers.registers import (
    PASSPHRASE,
    TEAM,
    make_register,
    registration,
    team_member,
    triage,
)


def _send(reg: Register, folder: Path, name: str, **kw) -> Path:
    out = folder / name
    export_bundle(reg, out, kdf=TEST_KDF, **kw)
    return out


def _rows(reg: Register) -> list[tuple[object, ...]]:
    return reg.conn.execute(
        "SELECT id, hash, flag, payload_json FROM events ORDER BY id").fetchall()


def _projections(reg: Register) -> list[list[tuple[object, ...]]]:
    return [reg.conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
            for t in ("cases", "signals", "deadlines", "case_signal")]


def test_the_lead_holds_the_union_with_numbers_and_actors_kept(team, tmp_path):
    a, b, lead = team["AAA"], team["BBB"], team["TL"]
    na = a.register_case(registration()).number
    a.append(na, "triaged", triage())
    nb = b.register_case(registration(received_on="2025-03-05")).number
    for reg, name in ((a, "a1.bundel"), (b, "b1.bundel")):
        _send(reg, tmp_path, name)
    report = import_bundles(lead, [tmp_path / "b1.bundel", tmp_path / "a1.bundel"])
    assert not report.refused
    assert sorted(report.new_cases) == sorted([na, nb]) == ["2025-AAA-0001", "2025-BBB-0001"]
    assert lead.case(na).state.triage is not None
    assert lead.case(na).events[0].actor == "Anna" and lead.case(nb).events[0].actor == "Bram"
    assert verify(lead).ok
    # the same bundles again change nothing
    before = _rows(lead)
    again = import_bundles(lead, [tmp_path / "a1.bundel", tmp_path / "b1.bundel"])
    assert again.new_events == 0 and _rows(lead) == before
    # receipts: per device the last event and when, from which bundle
    activity = {d.device_code: d for d in lead.device_activity()}
    assert activity["AAA"].events == 2 and activity["AAA"].received_at
    row = lead.conn.execute("SELECT received_from FROM devices WHERE code = 'AAA'").fetchone()
    assert row[0] == "a1.bundel"
    actions = [r.action for r in audit.rows(lead.conn)]
    assert actions.count("bundle_import") == 4  # every file read is audited, new or not


def test_a_then_b_equals_b_then_a_and_the_lead_sends_everyone_back(team, tmp_path):
    a, b, lead = team["AAA"], team["BBB"], team["TL"]
    n = a.register_case(registration()).number
    a.append(n, "triaged", triage())
    b.register_case(registration(received_on="2025-03-05"))
    fa, fb = _send(a, tmp_path, "a.bundel"), _send(b, tmp_path, "b.bundel")
    other = team_member(tmp_path, "TLB", "Tweede teamleider")
    import_bundles(lead, [fa, fb])
    import_bundles(other, [fb])
    import_bundles(other, [fa])
    assert _projections(lead) == _projections(other)
    # lead -> A gives A the cases of B; A's own events are already there
    back = _send(lead, tmp_path, "terug.bundel", everything=True)
    report = import_bundles(a, [back])
    assert report.new_cases == ["2025-BBB-0001"] and not report.refused
    assert _projections(a)[0] == _projections(lead)[0]
    # the hlc rule: A never issues a stamp below one it received
    received = max(e.hlc.split(".", 2)[:2] for e in b.all_events())
    a.append(n, "note", {"on": "2025-03-07", "text": "Na de bundel."})
    mine = next(e for e in a.case(n).events if e.kind == "note")
    assert mine.hlc.split(".", 2)[:2] > received
    other.close()


def test_only_what_is_new_travels_and_files_out_of_order_are_sorted(team, tmp_path):
    a, lead = team["AAA"], team["TL"]
    n = a.register_case(registration()).number
    first = _send(a, tmp_path, "1.bundel")
    a.append(n, "triaged", triage())
    second = _send(a, tmp_path, "2.bundel")
    from app.storage.bundle_file import read_manifest

    assert read_manifest(second, TEAM).events == 1  # only the triage
    report = import_bundles(lead, [second, first])  # given out of order
    assert not report.refused and lead.case(n).state.triage is not None


def test_a_lost_bundle_is_a_gap_that_writes_nothing_until_it_arrives(team, tmp_path):
    a, lead = team["AAA"], team["TL"]
    n = a.register_case(registration()).number
    first = _send(a, tmp_path, "1.bundel")
    a.append(n, "triaged", triage())
    second = _send(a, tmp_path, "2.bundel")
    a.append(n, "note", {"on": "2025-03-07", "text": "Nog een stap."})
    third = _send(a, tmp_path, "3.bundel")
    import_bundles(lead, [first])
    before = _rows(lead)
    report = import_bundles(lead, [third])
    assert len(report.refused) == 1 and "vraag om een volledige bundel (--all)" in \
        str(report.refused[0].refused)
    assert _rows(lead) == before
    report = import_bundles(lead, [third, second])  # the gap is filled in the same go
    assert not report.refused and len(lead.case(n).events) == 3


def test_a_rewritten_chain_is_a_fork_naming_the_device_and_the_event(team, tmp_path):
    a, lead = team["AAA"], team["TL"]
    n = a.register_case(registration()).number
    import_bundles(lead, [_send(a, tmp_path, "1.bundel")])
    a.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "kopie.db"  # an old copy of the laptop, used again
    shutil.copy2(a.path, copy)
    shutil.copy2(keyring_path(a.path), keyring_path(copy))
    a.append(n, "triaged", triage())
    import_bundles(lead, [_send(a, tmp_path, "2.bundel")])
    forked = Register.open(copy, PASSPHRASE, lock=False)
    forked.accept_seal("test: een oude kopie")
    forked.append(n, "note", {"on": "2025-03-06", "text": "Op de oude kopie."})
    bad = _send(forked, tmp_path, "vork.bundel")
    forked.close()
    note_id = next(e.id for e in Register.open(copy, PASSPHRASE, lock=False).case(n).events
                   if e.kind == "note")
    before = _rows(lead)
    with pytest.raises(ChainFork) as refused:
        from app.storage.bundle_file import read_bundle
        from app.storage.exchange import merge

        merge(lead, read_bundle(bad, TEAM, check_payload=None), "vork.bundel")
    assert "AAA" in str(refused.value) and note_id in str(refused.value)
    assert _rows(lead) == before


def test_one_device_code_on_two_laptops_is_refused(team, tmp_path):
    lead = team["TL"]
    team["AAA"].register_case(registration())
    import_bundles(lead, [_send(team["AAA"], tmp_path, "a.bundel")])
    (tmp_path / "ander").mkdir()
    impostor = team_member(tmp_path / "ander", "AAA", "Iemand anders")
    impostor.register_case(registration())
    report = import_bundles(lead, [_send(impostor, tmp_path, "ander.bundel")])
    assert report.refused and "AAA" in str(report.refused[0].refused)
    impostor.close()
    from app.storage.bundle_file import read_bundle
    from app.storage.exchange import merge

    with pytest.raises(DeviceConflict):
        merge(lead, read_bundle(tmp_path / "ander.bundel", TEAM, check_payload=None), "x")


@pytest.mark.parametrize("damage", ["wrong_passphrase", "not_a_bundle", "sqlite", "xlsx",
                                    "truncated", "altered", "newer", "empty"])
def test_every_bad_bundle_is_refused_with_its_own_reason_and_nothing_written(
        team, tmp_path, damage):
    a, lead = team["AAA"], team["TL"]
    a.register_case(registration())
    good = _send(a, tmp_path, "goed.bundel")
    data = bytearray(good.read_bytes())
    bad = tmp_path / "slecht.bundel"
    expected: type[Exception] = DamagedBundle
    if damage == "wrong_passphrase":
        bad.write_bytes(data)
        expected = WrongExchangePassphrase
        set_exchange_passphrase(lead, "een-andere-teamzin-2025")
    elif damage == "not_a_bundle":
        bad.write_bytes(b"willekeurige bytes " * 50)
        expected = NotABundle
    elif damage == "sqlite":
        shutil.copy2(lead.path, bad)
        expected = NotABundle
    elif damage == "xlsx":
        bad.write_bytes(b"PK\x03\x04" + bytes(200))
        expected = NotABundle
    elif damage == "truncated":
        bad.write_bytes(data[: len(data) - 40])
    elif damage == "altered":
        data[len(data) // 2] ^= 0x01
        bad.write_bytes(data)
    elif damage == "newer":
        import hashlib

        data[11:13] = (2).to_bytes(2, "big")
        size = int.from_bytes(data[13:17], "big")
        data[17 + size:49 + size] = hashlib.sha256(bytes(data[:17 + size])).digest()
        bad.write_bytes(data)
        expected = NewerBundleVersion
    elif damage == "empty":
        bad.write_bytes(b"")
        expected = NotABundle
    before = _rows(lead), _projections(lead)
    report = import_bundles(lead, [bad])
    assert len(report.refused) == 1
    reason = str(report.refused[0].refused)
    assert reason == str(_raise(expected, bad, lead))  # its own reason, as the file layer says
    assert (_rows(lead), _projections(lead)) == before


def _raise(kind: type[Exception], path: Path, reg: Register) -> Exception:
    from app.storage.bundle_file import read_bundle
    from app.storage.exchange import stored_passphrase

    try:
        read_bundle(path, stored_passphrase(reg) or TEAM, check_payload=None)
    except kind as exc:
        return exc
    raise AssertionError(f"{kind.__name__} not raised")


def test_handover_carries_the_p2_of_the_named_cases_only(team, tmp_path):
    a, b, lead = team["AAA"], team["BBB"], team["TL"]
    summary = "Zonnebloemveld-terugvordering xq7 vastgelopen"
    kept = a.register_case(registration(summary=summary),
                           personal={"name": "Piet Overdracht", "bsn": "111222333"}).number
    other = a.register_case(registration(), personal={"name": "Blijft Hier"}).number
    a.append(kept, "triaged", triage())
    out = _send(a, tmp_path, "overdracht.bundel", handover=[kept])
    blob = out.read_bytes()
    for needle in (summary, "111222333", "Piet Overdracht", "Blijft Hier"):
        assert needle.encode() not in blob  # nothing readable in the file
    report = import_bundles(b, [out])
    assert report.handovers == [kept]
    assert b.personal(kept)["bsn"] == "111222333"
    assert b.personal(other) == {}
    actions = {(r.action, r.object) for r in audit.rows(b.conn)}
    assert ("handover_received", kept) in actions
    assert ("handover_sent", kept) in {(r.action, r.object) for r in audit.rows(a.conn)}
    # the case keeps its number; the new handler assigns it to themself; both keep working
    b.append(kept, "assigned", {"on": "2025-03-07", "handler": "Bram"})
    a.append(kept, "note", {"on": "2025-03-07", "text": "Nog even doorgegeven."})
    report = import_bundles(lead, [_send(a, tmp_path, "a.bundel"), _send(b, tmp_path,
                                                                           "b.bundel")])
    assert not report.refused
    state = lead.case(kept).state
    assert state.handler == "Bram" and len(lead.case(kept).events) == 4
    assert lead.personal(kept) == {}  # the normal bundles carry no P2


def test_concurrent_corrections_are_both_kept_and_listed_as_a_conflict(team, tmp_path):
    a, b, lead = team["AAA"], team["BBB"], team["TL"]
    n = a.register_case(registration()).number
    triage_id = a.append(n, "triaged", triage()).effective[-1].id
    import_bundles(b, [_send(a, tmp_path, "a1.bundel")])
    a.correct(triage_id, triage(reason="Volgens Anna."), "typfout")
    b.correct(triage_id, triage(reason="Volgens Bram."), "typfout")
    fa, fb = _send(a, tmp_path, "a2.bundel"), _send(b, tmp_path, "b1.bundel")
    report = import_bundles(lead, [fa, fb])
    assert report.conflicts and report.conflicts[0][0] == n
    other = team_member(tmp_path, "TLB", "Tweede")
    import_bundles(other, [fb, fa])
    assert _projections(other) == _projections(lead)
    assert [r[2] for r in _rows(other)] == [r[2] for r in _rows(lead)]  # flags too
    other.close()


def test_the_exchange_passphrase_is_asked_once_and_kept(tmp_path):
    reg = make_register(tmp_path)
    with pytest.raises(NoExchangePassphrase):
        export_bundle(reg, tmp_path / "x.bundel", kdf=TEST_KDF)
    export_bundle(reg, tmp_path / "x.bundel", passphrase=TEAM, kdf=TEST_KDF)
    export_bundle(reg, tmp_path / "y.bundel", kdf=TEST_KDF)  # kept in the register
    with pytest.raises(Exception, match="12"):
        export_bundle(reg, tmp_path / "z.bundel", passphrase="kort", kdf=TEST_KDF)
    reg.close()


def test_a_watermark_moves_only_when_the_file_is_whole(team, tmp_path, monkeypatch):
    a = team["AAA"]
    a.register_case(registration())
    from app.storage import exchange

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exchange, "write_bundle", broken)
    with pytest.raises(OSError):
        export_bundle(a, tmp_path / "vol.bundel", kdf=TEST_KDF)
    monkeypatch.undo()
    from app.storage.bundle_file import read_manifest

    out = _send(a, tmp_path, "daarna.bundel")
    assert read_manifest(out, TEAM).events == 1 and read_manifest(out, TEAM).sequence == 1


def test_a_step_recorded_while_a_bundle_is_written_goes_in_the_next_one(team, tmp_path,
                                                                        monkeypatch):
    """The GUI exports on a worker connection while the handler records steps on the
    window's: the bundle must describe exactly the events it carries, so the lead takes
    it and the next one continues it."""
    from app.storage import exchange

    a, lead = team["AAA"], team["TL"]
    number = a.register_case(registration()).number
    window = Register.open(a.path, PASSPHRASE, lock=False, audit_unlock=False)
    read_rows = exchange._canonical_rows

    def rows_then_a_step(reg, after_seq):
        out = read_rows(reg, after_seq)
        window.append(number, "triaged", triage())  # committed by the other connection
        return out

    monkeypatch.setattr(exchange, "_canonical_rows", rows_then_a_step)
    first = _send(a, tmp_path, "a1.bundel")
    monkeypatch.setattr(exchange, "_canonical_rows", read_rows)
    window.close()
    assert not import_bundles(lead, [first]).refused
    assert lead.case(number).state.triage is None
    second = _send(a, tmp_path, "a2.bundel")
    assert not import_bundles(lead, [second]).refused
    assert lead.case(number).state.triage is not None
    assert lead.counts() == a.counts()


def test_a_handover_of_a_case_destroyed_here_brings_no_personal_data_back(team, tmp_path):
    """A laptop that has not yet heard of the destruction hands the case over: the
    tombstone stays a tombstone, without the name or BSN it carried."""
    from app.storage.retention import destroy

    a, b = team["AAA"], team["BBB"]
    number = a.register_case(registration(),
                             personal={"name": "Piet Vernietigd", "bsn": "111222333"}).number
    a.append(number, "triaged", triage())
    a.append(number, "closed", {"closed_on": "2025-04-01", "outcome": "opgelost",
                                "solution": "Beslag opgeheven.", "powers_sufficient": "ja"})
    assert not import_bundles(b, [_send(a, tmp_path, "a1.bundel")]).refused
    destroy(b, number, "Archiefwet: bewaartermijn verstreken.")
    assert b.personal(number) == {}
    report = import_bundles(b, [_send(a, tmp_path, "a2.bundel", handover=[number])])
    assert not report.refused
    assert b.personal(number) == {}
    assert b.case(number).state.status == "vernietigd"
    assert verify(b).ok
