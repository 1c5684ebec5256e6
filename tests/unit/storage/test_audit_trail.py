"""The audit trail read, filtered, exported and checked (docs/SECURITY.md, BIO 8.15).

Tampering needs the database key and the will to drop the append-only triggers; the
chain and the seal must still tell: a changed, deleted, reordered or cut-off row.
"""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from app.model.errors import UserError
from app.storage import audit
from app.storage.audit import AuditQuery
from app.storage.audit_trail import export_trail, list_trail, verify_trail
from app.storage.repository import Register
from tests.helpers.registers import PASSPHRASE, make_register, reopen


@pytest.fixture
def reg(tmp_path: Path) -> Iterator[Register]:
    r = make_register(tmp_path)
    for i in range(5):
        r.audit("view_personal", f"2025-TST-000{i}")
    yield r
    if r.conn is not None:
        r.close()


def unprotect(reg: Register) -> None:
    reg.conn.execute("DROP TRIGGER audit_no_update")
    reg.conn.execute("DROP TRIGGER audit_no_delete")


def test_an_untouched_trail_checks_out_against_chain_and_seal(reg: Register) -> None:
    check = verify_trail(reg)
    assert check.ok and check.sealed and check.rows == 6
    assert audit.query(reg.conn)[-1].action == "audit_verify"
    assert verify_trail(reg).ok  # its own row is part of the chain


def test_a_changed_row_is_found(reg: Register) -> None:
    unprotect(reg)
    reg.conn.execute("UPDATE audit SET object = '2025-TST-0999' WHERE seq = 3")
    assert "auditregel 3: de inhoud is gewijzigd" in verify_trail(reg).problems


def test_a_deleted_row_is_found(reg: Register) -> None:
    unprotect(reg)
    reg.conn.execute("DELETE FROM audit WHERE seq = 3")
    problems = verify_trail(reg).problems
    assert "auditregel 3 ontbreekt" in problems
    assert "auditregel 4: de keten is onderbroken" in problems


def test_reordered_rows_are_found(reg: Register) -> None:
    unprotect(reg)
    cols = "at, actor, device, action, object, result, prev_hash, hash"
    two = reg.conn.execute(f"SELECT {cols} FROM audit WHERE seq = 2").fetchone()
    three = reg.conn.execute(f"SELECT {cols} FROM audit WHERE seq = 3").fetchone()
    sets = ", ".join(f"{c.strip()} = ?" for c in cols.split(","))
    reg.conn.execute(f"UPDATE audit SET {sets} WHERE seq = 2", three)
    reg.conn.execute(f"UPDATE audit SET {sets} WHERE seq = 3", two)
    problems = verify_trail(reg).problems
    assert "auditregel 2: de keten is onderbroken" in problems


def test_a_row_moved_to_another_place_is_found(reg: Register) -> None:
    unprotect(reg)
    reg.conn.execute("UPDATE audit SET seq = 99 WHERE seq = 2")
    problems = verify_trail(reg).problems
    assert "auditregel 2 ontbreekt" in problems


def test_rows_cut_off_at_the_end_are_found_by_the_seal(reg: Register) -> None:
    unprotect(reg)
    reg.conn.execute("DELETE FROM audit WHERE seq >= 5")
    assert audit.verify_chain(reg.conn) == []  # the chain alone cannot tell
    problems = verify_trail(reg).problems
    assert any("de laatste auditregels ontbreken" in p for p in problems)
    assert reg.read_only  # writing on would re-seal: the seal is the only witness
    reg = reopen(reg)  # and the register opens read-only until the handler chooses
    assert reg.read_only
    assert any("de laatste auditregels ontbreken" in p for p in verify_trail(reg).problems)
    reg.close()


def test_the_register_verify_reports_audit_tampering_too(reg: Register) -> None:
    from app.storage.verify import verify

    unprotect(reg)
    reg.conn.execute("UPDATE audit SET result = 'geweigerd' WHERE seq = 2")
    assert "auditregel 2: de inhoud is gewijzigd" in verify(reg).problems


def test_rows_are_filtered_by_local_day_action_and_actor(reg: Register,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    # 23:30 UTC on 31 December is 00:30 on 1 January in the Netherlands (winter time)
    for at, action in (("2025-12-31T22:59:59Z", "backup"), ("2025-12-31T23:30:00Z", "lock"),
                       ("2026-01-01T22:59:59Z", "unlock"), ("2026-01-01T23:00:00Z", "lock")):
        monkeypatch.setattr(audit, "utc_now_iso", lambda at=at: at)
        reg.audit(action, "register.db")
    monkeypatch.undo()
    day = list_trail(reg, AuditQuery(start=date(2026, 1, 1), end=date(2026, 1, 1)))
    assert [(r.action, r.local_time) for r in day] == [
        ("lock", "01-01-2026 00:30:00"), ("unlock", "01-01-2026 23:59:59")]
    assert [r.action for r in list_trail(reg, AuditQuery(action="lock"))] == ["lock", "lock"]
    reg.update_settings(handler="Bert")
    assert [r.action for r in list_trail(reg, AuditQuery(actor="Bert"))] == []
    reg.audit("lock", "register.db")
    assert [r.action for r in list_trail(reg, AuditQuery(actor="Bert"))] == ["lock"]
    newest = list_trail(reg, AuditQuery(newest_first=True, limit=2))
    assert newest[0].seq > newest[1].seq
    with pytest.raises(UserError, match="periode is leeg"):
        list_trail(reg, AuditQuery(start=date(2026, 1, 2), end=date(2026, 1, 1)))


def test_export_writes_a_private_file_that_is_audited(reg: Register, tmp_path: Path) -> None:
    rows = audit.query(reg.conn)
    out = tmp_path / "audit.json"
    assert export_trail(reg, out) == len(rows)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [r["seq"] for r in doc["rows"]] == [r.seq for r in rows]
    assert doc["rows"][0]["device_code"] == "TST" and doc["rows"][1]["hash"] == rows[1].hash
    assert audit.query(reg.conn)[-1].action == "export_audit"

    reg.audit("seal_accept", "register.db", "=HYPERLINK(\"http://x\")")
    csv_out = tmp_path / "audit.csv"
    export_trail(reg, csv_out, AuditQuery(action="seal_accept"))
    text = csv_out.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("regel;tijd (UTC);tijd (Nederland);wie")
    assert "'=HYPERLINK" in text  # never a formula in a spreadsheet
    assert "\n=" not in text and ";=" not in text and ';"=' not in text
    with pytest.raises(UserError, match=r"\.csv of \.json"):
        export_trail(reg, tmp_path / "audit.txt")
    with pytest.raises(UserError, match="bestaat niet"):
        export_trail(reg, tmp_path / "nergens" / "audit.csv")
    assert PASSPHRASE not in out.read_text(encoding="utf-8")
