"""Numbered migrations run one transaction each, after an encrypted backup."""

from __future__ import annotations

import pytest

from app.storage import schema
from app.storage.db import connect
from app.storage.errors import StorageError
from app.storage.paths import backup_dir
from app.storage.repository import Register
from tests.helpers.registers import FAST_KDF, PASSPHRASE, make_register, registration


def test_old_register_is_backed_up_then_migrated(tmp_path):
    db = tmp_path / "oud.db"
    conn = connect(db, PASSPHRASE, kdf_iter=FAST_KDF, create=True)
    schema.migrate(conn, db, backup_dir(db), upto=1)
    conn.execute("INSERT INTO settings (key, value) VALUES ('device_code', '\"OUD\"')")
    conn.execute("INSERT INTO settings (key, value) VALUES ('handler', '\"Oud\"')")
    conn.execute("INSERT INTO settings (key, value) VALUES ('device_id', "
                 "'\"9b2f4a1e-0000-4000-8000-000000000001\"')")
    assert schema.version(conn) == 1
    conn.close()

    reg = Register.open(db, PASSPHRASE, kdf_iter=FAST_KDF)
    assert schema.version(reg.conn) == schema.LATEST == 3
    tables = {r[0] for r in reg.conn.execute("SELECT name FROM sqlite_master")}
    assert "devices" in tables and "device_receipts" not in tables
    reg.register_case(registration())
    reg.close()

    backups = list(backup_dir(db).glob("*voor-migratie-v1*"))
    assert len(backups) == 1
    old = connect(backups[0], PASSPHRASE, kdf_iter=FAST_KDF)
    assert schema.version(old) == 1  # the backup is the register as it was
    old.close()


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
        Register.open(path, PASSPHRASE, kdf_iter=FAST_KDF)


def test_a_failing_migration_changes_nothing(tmp_path, monkeypatch):
    db = tmp_path / "r.db"
    conn = connect(db, PASSPHRASE, kdf_iter=FAST_KDF, create=True)
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
