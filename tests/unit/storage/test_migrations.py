"""Migrations: numbered schema steps after a backup, and the move to Keys v2.

The fixture ``tests/data/legacy/register-v1.db`` was made by the release before
Keys v2 (passphrase-keyed, schema v2, wide event rows); its migration must keep every
hash and every figure.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
import sqlcipher3

from app.model import recovery
from app.storage import keyring, schema
from app.storage.crypto import TEST_KDF
from app.storage.db import connect_legacy
from app.storage.errors import StorageError
from app.storage.eventrows import uuid_text
from app.storage.keyring import keyring_path
from app.storage.paths import backup_dir
from app.storage.repository import Register
from app.storage.verify import verify
from tests.helpers.registers import PASSPHRASE, make_register, registration

LEGACY = Path(__file__).resolve().parents[2] / "data" / "legacy" / "register-v1.db"
LEGACY_PASSPHRASE = "oude-wachtwoordzin-v1"
LEGACY_KDF_ITER = 1000  # registers made cheaply by these tests; the fixture uses the default


def _legacy_rows(path: Path) -> dict[str, tuple[str, str, str, str]]:
    conn = sqlcipher3.connect(str(path))
    conn.execute(f"PRAGMA key = '{LEGACY_PASSPHRASE}'")
    rows = {r[0]: tuple(r[1:]) for r in conn.execute(
        "SELECT id, hash, prev_hash, payload_hash, hlc FROM events")}
    conn.close()
    return rows


def test_the_first_release_fixture_is_migrated_without_changing_a_hash(tmp_path):
    db = tmp_path / "register.db"
    shutil.copy2(LEGACY, db)
    before = _legacy_rows(db)
    assert not keyring_path(db).exists()

    reg = Register.open(db, LEGACY_PASSPHRASE, kdf=TEST_KDF)
    try:
        code = reg.new_recovery_code
        assert code and recovery.decode(code) == reg.data_key  # shown once, to print
        assert schema.version(reg.conn) == schema.LATEST
        stored = {uuid_text(r[0]): tuple(bytes(x).hex() for x in r[1:]) for r in reg.conn.execute(
            "SELECT id, hash, prev_hash, payload_hash FROM events")}
        assert {k: v[:3] for k, v in before.items()} == stored  # not one hash recomputed
        assert {e.id: e.hlc for e in reg.all_events()} == {k: v[3] for k, v in before.items()}
        report = verify(reg)
        assert report.ok, report.problems
        assert reg.counts() == {"events": 341, "cases": 44, "signals": 12}
        for entity, table in (("case", "cases"), ("signal", "signals")):
            tails = [int(n.rsplit("-", 1)[1]) for (n,) in reg.conn.execute(
                f"SELECT number FROM {table} WHERE number LIKE '%-OUD-%'")]
            assert reg.last_sequence(entity) == max(tails)  # new numbers go on from there
        assert reg.personal("2025-OUD-0001")["bsn"] == "111222333"
        actions = [a for (a,) in reg.conn.execute("SELECT action FROM audit")]
        assert "migrate_keys" in actions
    finally:
        reg.close()

    # the passphrase no longer keys the file: the keyring does
    with pytest.raises(sqlcipher3.DatabaseError):
        _legacy_rows(db)
    ring = keyring.read(keyring_path(db))
    assert ring.register_salt == db.read_bytes()[:16]
    # the backup made first is the register as it was, under its old passphrase
    saved = list(backup_dir(db).glob("*voor-sleutels-v2.db"))
    assert len(saved) == 1 and _legacy_rows(saved[0]) == before
    # and the recovery code opens the migrated register without the passphrase
    again = Register.open_with_recovery_code(db, code)
    assert again.counts()["cases"] == 44
    again.close()


def test_a_migration_interrupted_before_the_rekey_finishes_on_the_next_unlock(tmp_path,
                                                                               monkeypatch):
    db = tmp_path / "register.db"
    shutil.copy2(LEGACY, db)
    from app.storage import unlock

    def crash(conn, key):
        raise KeyboardInterrupt  # the laptop went off between keyring and rekey

    monkeypatch.setattr(unlock, "rekey", crash)
    with pytest.raises(KeyboardInterrupt):
        Register.open(db, LEGACY_PASSPHRASE, kdf=TEST_KDF)
    assert keyring_path(db).exists()  # written first
    monkeypatch.undo()
    reg = Register.open(db, LEGACY_PASSPHRASE)
    assert reg.counts()["cases"] == 44 and reg.new_recovery_code
    reg.close()
    reg = Register.open(db, LEGACY_PASSPHRASE)  # and from now on the ordinary way
    assert reg.new_recovery_code is None
    reg.close()


def _old_schema(db: Path, upto: int) -> None:
    """A first-release register at an older schema version."""
    conn = sqlcipher3.connect(str(db), isolation_level=None)
    conn.execute(f"PRAGMA key = '{LEGACY_PASSPHRASE}'")
    conn.execute(f"PRAGMA kdf_iter = {LEGACY_KDF_ITER}")
    conn.execute("PRAGMA journal_mode = WAL")
    schema.migrate(conn, db, backup_dir(db), upto=upto)
    conn.execute("INSERT INTO settings (key, value) VALUES ('device_code', '\"OUD\"')")
    conn.execute("INSERT INTO settings (key, value) VALUES ('handler', '\"Oud\"')")
    conn.execute("INSERT INTO settings (key, value) VALUES ('device_id', "
                 "'\"9b2f4a1e-0000-4000-8000-000000000001\"')")
    conn.close()


def test_old_schema_is_backed_up_then_migrated(tmp_path):
    db = tmp_path / "oud.db"
    _old_schema(db, upto=1)
    reg = Register.open(db, LEGACY_PASSPHRASE, kdf=TEST_KDF, legacy_kdf_iter=LEGACY_KDF_ITER)
    assert schema.version(reg.conn) == schema.LATEST == 4
    tables = {r[0] for r in reg.conn.execute("SELECT name FROM sqlite_master")}
    assert "devices" in tables and "device_receipts" not in tables
    reg.register_case(registration())
    reg.close()

    # the schema backup is made after the keys moved: it opens with the keyring copy
    backups = list(backup_dir(db).glob("*voor-migratie-v1*.db"))
    assert len(backups) == 1 and keyring_path(backups[0]).exists()
    old = Register.open(backups[0], LEGACY_PASSPHRASE, lock=False, audit_unlock=False)
    old.close()  # opening migrated the copy; it opened at all with the same passphrase


def signal(created_on: str) -> dict[str, object]:
    return {"created_on": created_on, "title": "Herberekening",
            "problem": "Terugvorderingen na herberekening zonder uitleg.",
            "proposed_solution": "Uitleg in de beschikking.",
            "theme": "dienstverlening", "services": ["dienst_toeslagen"]}


def test_numbering_goes_on_after_the_move_to_kept_sequences(tmp_path):
    """Version 4 keeps the last sequence per number prefix instead of scanning every
    number; a register migrated to it must go on where it was, across years, and not
    count a colleague's sequence as its own."""
    reg = make_register(tmp_path)
    reg.today = lambda: date(2026, 12, 31)
    reg.register_case(registration(received_on="2025-03-04"))
    reg.register_case(registration(received_on="2026-01-05"))
    reg.create_signal(signal("2025-04-01"))
    reg.conn.execute("DROP TRIGGER events_number_seq")
    reg.conn.execute("DROP TABLE number_seq")
    reg.conn.execute("PRAGMA user_version = 3")
    reg.close()

    reg = Register.open(tmp_path / "register.db", PASSPHRASE)
    reg.today = lambda: date(2026, 12, 31)
    assert schema.version(reg.conn) == 4
    assert len(list(backup_dir(reg.path).glob("*voor-migratie-v3*.db"))) == 1
    assert reg.register_case(registration(received_on="2025-06-01")).number == "2025-TST-0003"
    assert reg.create_signal(signal("2026-02-01")).number == "S-2026-TST-002"
    reg.close()


def test_new_register_needs_no_backup(tmp_path):
    reg = make_register(tmp_path)
    assert schema.version(reg.conn) == schema.LATEST
    assert not backup_dir(reg.path).exists()
    reg.close()


def test_a_register_from_a_newer_program_is_refused(tmp_path):
    reg = make_register(tmp_path)
    reg.conn.execute(f"PRAGMA user_version = {schema.LATEST + 1}")
    path = reg.path
    reg.close()
    with pytest.raises(StorageError, match="Werk het programma bij"):
        Register.open(path, PASSPHRASE)


def test_a_failing_migration_changes_nothing(tmp_path, monkeypatch):
    db = tmp_path / "r.db"
    conn = sqlcipher3.connect(str(db), isolation_level=None)
    conn.execute("PRAGMA key = 'x-wachtwoordzin-x'")
    schema.migrate(conn, db, backup_dir(db), upto=1)

    def broken(c):
        c.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("stroomstoring")

    monkeypatch.setattr(schema, "MIGRATIONS", [schema.MIGRATIONS[0], broken])
    with pytest.raises(RuntimeError):
        schema.migrate(conn, db, backup_dir(db), upto=2)
    assert schema.version(conn) == 1
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in names
    conn.close()


def test_connect_legacy_is_only_for_first_release_files(tmp_path):
    reg = make_register(tmp_path)
    path = reg.path
    reg.close()
    from app.storage.db import KeyDoesNotFit

    with pytest.raises(KeyDoesNotFit):  # a v2 register is keyed with its data key
        connect_legacy(path, PASSPHRASE)
