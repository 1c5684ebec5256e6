"""Damage is found, not spread: verify checks cipher, chains, audit and projections."""

from __future__ import annotations

import shutil

import pytest

from app.storage.errors import NotARegister
from app.storage.interchange_io import import_file
from app.storage.repository import Register
from app.storage.verify import verify
from tests.helpers.registers import EXAMPLE, PASSPHRASE, make_register


@pytest.fixture
def reg(tmp_path):
    r = make_register(tmp_path)
    import_file(r, EXAMPLE)
    yield r
    r.close()


def test_a_clean_register_verifies(reg):
    report = verify(reg)
    assert report.ok, report.problems
    assert report.checked["events"] == 341 and report.checked["cases"] == 44


def test_a_tampered_payload_is_detected(reg):
    reg.conn.execute("DROP TRIGGER events_no_update")
    reg.conn.execute(
        "UPDATE events SET payload_json = replace(payload_json, '\"opgelost\"', "
        "'\"niet_opgelost\"') WHERE id = (SELECT id FROM events WHERE kind = 'closed' "
        "AND payload_json LIKE '%\"opgelost\"%' LIMIT 1)")
    report = verify(reg)
    assert not report.ok
    assert any("de inhoud is gewijzigd" in p for p in report.problems)


def test_tampered_metadata_breaks_the_chain(reg):
    reg.conn.execute("DROP TRIGGER events_no_update")
    reg.conn.execute("UPDATE events SET occurred_on = '2025-01-01' WHERE kind = 'triaged' "
                     "AND rowid = (SELECT min(rowid) FROM events WHERE kind = 'triaged')")
    report = verify(reg)
    assert any("gegevens van de stap zijn gewijzigd" in p for p in report.problems)


def test_a_changed_projection_is_detected(reg):
    reg.conn.execute("UPDATE cases SET status = 'afgerond' WHERE status = 'aangemeld'")
    report = verify(reg)
    assert any("projectie casussen" in p for p in report.problems)


def test_a_changed_audit_row_is_detected(reg):
    reg.conn.execute("DROP TRIGGER audit_no_update")
    reg.conn.execute("UPDATE audit SET actor = 'iemand anders' WHERE seq = 1")
    report = verify(reg)
    assert any("auditregel 1" in p for p in report.problems)


def test_events_cannot_be_deleted_or_rewritten(reg):
    from app.storage.db import DatabaseError

    with pytest.raises(DatabaseError, match="append-only"):
        reg.conn.execute("DELETE FROM events")
    with pytest.raises(DatabaseError, match="append-only"):
        reg.conn.execute("UPDATE events SET kind = 'note'")
    # erasing a payload for retention is the one allowed change
    reg.conn.execute("UPDATE events SET payload_json = NULL WHERE kind = 'note'")


def test_a_flipped_byte_in_a_copy_is_found(reg, tmp_path):
    reg.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    copy = tmp_path / "kopie.db"
    shutil.copy2(reg.path, copy)
    shutil.copy2(reg.keyring_path, copy.with_name(copy.name + ".keys"))
    data = bytearray(copy.read_bytes())
    data[4096 * 3 + 100] ^= 0xFF  # a byte inside the fourth page
    copy.write_bytes(bytes(data))
    try:
        damaged = Register.open(copy, PASSPHRASE, lock=False,
                                audit_unlock=False)
    except NotARegister as exc:  # the damaged page was needed to open: refused clearly
        assert "beschadigd" in str(exc) and "restore" in str(exc)
        return
    report = verify(damaged)
    damaged.close()
    assert not report.ok
    assert report.problems[0].startswith("versleuteling: HMAC verification failed for page 4")


def test_verify_reports_cipher_damage_found_while_open(reg, monkeypatch):
    real = reg.conn

    class Damaged:
        def execute(self, sql, *args):
            if "cipher_integrity_check" in sql:
                return iter([("HMAC verification failed for page 4",)])
            return real.execute(sql, *args)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(reg, "conn", Damaged())
    report = verify(reg)
    assert report.problems == ["versleuteling: HMAC verification failed for page 4"]


def test_rebuild_replaces_damaged_projections_with_the_fold(reg):
    from app.storage.repository import CaseQuery

    before = [r.to_json() for r in reg.list_cases(CaseQuery(limit=100))]
    deadlines = reg.open_deadlines()
    reg.conn.execute("UPDATE cases SET status = 'afgerond', summary = 'kapot'")
    reg.conn.execute("DELETE FROM cases_fts")
    assert not verify(reg).ok
    assert reg.rebuild_projections() == {"cases": 44, "signals": 12}
    assert verify(reg).ok
    assert [r.to_json() for r in reg.list_cases(CaseQuery(limit=100))] == before
    assert reg.open_deadlines() == deadlines
    assert [r.ref for r in reg.list_cases(CaseQuery(search="randgeval"))]
