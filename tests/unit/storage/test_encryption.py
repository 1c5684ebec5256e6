"""Nothing readable at rest (docs/SECURITY.md): real SQLCipher with the default key derivation."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.storage.crypto import TEST_KDF
from app.storage.errors import NotARegister, WrongPassphrase
from app.storage.repository import Register
from app.storage.schema import backup_file
from tests.helpers.registers import PASSPHRASE, registration

SUMMARY = "Zonnebloemveld-terugvordering xq7 vastgelopen"
BSN = "123456782"
NAME = "Hieronymus Zwartjes"


def _files(db: Path) -> list[Path]:
    return [p for p in db.parent.rglob("*") if p.is_file()]


def _assert_no_plaintext(paths: list[Path]) -> None:
    needles = [SUMMARY.encode(), BSN.encode(), NAME.encode(), b"Zonnebloemveld",
               "Zonnebloemveld".encode("utf-16-le")]
    for path in paths:
        blob = path.read_bytes()
        for needle in needles:
            assert needle not in blob, f"{needle!r} readable in {path.name}"


def test_distinctive_strings_are_absent_from_database_wal_and_shm(tmp_path):
    reg = Register.create(tmp_path / "r.db", PASSPHRASE, "ZWL", "Tester")  # default KDF
    n = reg.register_case(registration(summary=SUMMARY),
                          personal={"name": NAME, "bsn": BSN}).number
    reg.append(n, "note", {"on": "2025-03-05", "text": f"{SUMMARY} (notitie)"})
    wal = tmp_path / "r.db-wal"
    shm = tmp_path / "r.db-shm"
    assert wal.exists() and wal.stat().st_size > 0  # committed, not yet checkpointed
    _assert_no_plaintext([tmp_path / "r.db", wal, shm])
    backup = backup_file(reg.conn, reg.path, tmp_path / "backups", "test")
    reg.close()
    _assert_no_plaintext(_files(tmp_path / "r.db"))
    # the backup is the same encrypted register and opens with the same passphrase
    again = Register.open(backup, PASSPHRASE, lock=False, audit_unlock=False)
    assert again.personal(n)["bsn"] == BSN
    again.close()


def test_without_the_key_the_file_is_not_a_database(tmp_path):
    import sqlite3

    reg = Register.create(tmp_path / "r.db", PASSPHRASE, "ZWL", "Tester")
    reg.close()
    plain = sqlite3.connect(tmp_path / "r.db")
    with pytest.raises(sqlite3.DatabaseError):
        plain.execute("SELECT * FROM sqlite_master").fetchall()
    plain.close()
    with pytest.raises(WrongPassphrase):
        Register.open(tmp_path / "r.db", "verkeerde-wachtwoordzin")


def test_a_file_that_is_not_a_register_is_refused(tmp_path):
    junk = tmp_path / "notities.db"
    junk.write_text("dit is geen register\n" * 100)
    with pytest.raises((WrongPassphrase, NotARegister)):
        Register.open(junk, PASSPHRASE)


def test_no_plaintext_in_the_temp_and_log_folders_after_exports(tmp_path, monkeypatch):
    from datetime import date

    from app import cli
    from app.cli import case_cmds
    from app.export.workbook import write_evaluation
    from app.storage import paths

    for var in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    reg = Register.create(tmp_path / "r.db", PASSPHRASE, "ZWL", "Tester", kdf=TEST_KDF)
    n = reg.register_case(registration(summary=SUMMARY), personal={"name": NAME}).number
    reg.create_signal({"created_on": "2025-04-01", "title": SUMMARY, "problem": "Knelpunt.",
                       "proposed_solution": "Oplossing.", "theme": "overig",
                       "services": ["belastingdienst"]})
    write_evaluation(reg, date(2025, 1, 1), date(2025, 12, 31), tmp_path / "e.xlsx")
    reg.close()
    # an unexpected failure writes a log: frames only, never the message
    monkeypatch.setattr(case_cmds, "cmd_list", lambda args: (_ for _ in ()).throw(
        RuntimeError(f"{SUMMARY} {NAME} {BSN}")))
    assert cli.main(["list", "--db", str(tmp_path / "r.db")]) == 1
    temp = paths.temp_dir()
    assert not temp.exists() or not any(temp.iterdir())  # emptied after the export
    logs = [p for p in paths.log_dir().rglob("*") if p.is_file()]
    assert logs  # the failure was logged...
    _assert_no_plaintext(logs)  # ...without case data
    assert n
