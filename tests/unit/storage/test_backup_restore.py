"""Backups and restore (docs/SECURITY.md: "there is always a way back")."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.storage import audit, backup, keyring
from app.storage.backup import BackupInfo, daily, list_backups, make_backup, to_keep
from app.storage.errors import (
    KeyringProblem,
    ReadOnlyRegister,
    RegisterDamaged,
    RegisterLocked,
    WrongPassphrase,
)
from app.storage.keyring import keyring_path
from app.storage.keys import change_passphrase, rekey
from app.storage.paths import backup_dir
from app.storage.repository import Register
from app.storage.restore import restore
from app.storage.verify import verify
from tests.helpers.registers import FAST_KDF, PASSPHRASE, make_register, registration

NUMBER = "2025-TST-0001"


@pytest.fixture
def reg(tmp_path: Path):
    r = make_register(tmp_path)
    r.register_case(registration(), personal={"name": "Fixture Persoon"})
    yield r
    if r.conn is not None:
        r.close()


def _notes(reg: Register) -> list[str]:
    return [e.payload["text"] for e in reg.case(NUMBER).events if e.kind == "note"]


def test_a_backup_is_an_encrypted_copy_that_opens_with_its_keyring(reg):
    made = make_backup(reg, "test")
    assert made.parent == backup_dir(reg.path)
    assert keyring_path(made).exists()
    assert (made.stat().st_mode & 0o777) == 0o600
    assert (backup_dir(reg.path).stat().st_mode & 0o777) == 0o700
    assert b"Fixture Persoon" not in made.read_bytes()
    assert b"SQLite format 3" not in made.read_bytes()[:16]
    copy = Register.open(made, PASSPHRASE, lock=False, audit_unlock=False)
    assert copy.personal(NUMBER, purpose="test")["name"] == "Fixture Persoon"
    copy.close()
    assert ("backup", made.name) in [(a.action, a.object) for a in audit.rows(reg.conn)]


def test_two_backups_in_one_second_both_stay(reg):
    """A manual backup right after the daily one (or a restore's safety copy) must not
    replace it: each keeps its own file and keyring, and both are listed."""
    when = datetime(2026, 3, 2, 9, 15, 0)
    first = make_backup(reg, "handmatig", when=when)
    reg.append(NUMBER, "note", {"on": "2025-03-05", "text": "Na de eerste back-up."})
    second = make_backup(reg, "handmatig", when=when)
    assert first != second and first.exists() and second.exists()
    assert keyring_path(first).exists() and keyring_path(second).exists()
    listed = {b.path: b.label for b in list_backups(reg.path)}
    assert listed[first] == listed[second] == "handmatig"
    older = Register.open(first, PASSPHRASE, lock=False, audit_unlock=False)
    assert _notes(older) == []  # the first copy is still the first state
    older.close()


def test_a_backup_that_meets_a_bad_page_says_so_and_leaves_nothing(reg, tmp_path):
    for i in range(40):
        reg.append(NUMBER, "note", {"on": "2025-03-05", "text": f"Notitie {i} " + "x" * 300})
    path = reg.path
    reg.close()
    data = bytearray(path.read_bytes())
    pages = len(data) // 4096
    data[4096 * (pages - 2) + 200] ^= 0xFF  # a data page deep in the file
    path.write_bytes(bytes(data))
    r = Register.open(path, PASSPHRASE)
    with pytest.raises(RegisterDamaged, match="beschadigd"):
        make_backup(r, "test")
    assert list_backups(path) == []
    assert not backup_dir(path).exists() or not any(
        p.name.endswith(".tmp") for p in backup_dir(path).iterdir())
    r.close()


def test_rotation_keeps_seven_days_and_four_weeks():
    start = datetime(2026, 9, 1, 9, 0)
    infos = [BackupInfo(Path(f"/b/r-{(start + timedelta(days=d)):%Y%m%d}-090000-dagelijks.db"),
                        start + timedelta(days=d), "dagelijks", 1) for d in range(60)]
    kept = to_keep(infos)
    days = sorted(b.made_at.date() for b in infos if b.path in kept)
    last = start.date() + timedelta(days=59)
    # the last 7 days, plus the newest of each of the 4 latest ISO weeks
    assert days[-7:] == [last - timedelta(days=i) for i in range(6, -1, -1)]
    weeks = {d.isocalendar()[:2] for d in days}
    assert len(weeks) == 4 and len(days) <= 7 + 4


def test_the_first_unlock_of_each_day_makes_one_backup_and_rotates(reg):
    day = datetime(2026, 10, 1, 8, 30)
    for n in range(45):
        now = day + timedelta(days=n)
        assert daily(reg, now) is not None
        assert daily(reg, now + timedelta(hours=3)) is None  # once a day
    backups = list_backups(reg.path)
    assert 7 <= len(backups) <= 11
    assert backups[0].made_at == day + timedelta(days=44)
    for b in backups:
        assert keyring_path(b.path).exists()
    leftovers = {p.name for p in backup_dir(reg.path).iterdir()}
    assert leftovers == {b.path.name for b in backups} | {keyring_path(b.path).name
                                                            for b in backups}


def test_restore_over_a_damaged_register(reg):
    reg.append(NUMBER, "note", {"on": "2025-03-05", "text": "In de back-up."})
    made = make_backup(reg, "test")
    reg.append(NUMBER, "note", {"on": "2025-03-06", "text": "Na de back-up."})
    path = reg.path
    reg.close()
    data = bytearray(path.read_bytes())
    data[4096 * 2 + 100] ^= 0xFF
    path.write_bytes(bytes(data))

    done = restore(path, made, passphrase=PASSPHRASE)
    assert done.set_aside is not None and done.set_aside.exists()
    assert done.missing_sent == 0
    r = Register.open(path, PASSPHRASE)
    assert not r.read_only  # re-sealed for the restored state
    assert _notes(r) == ["In de back-up."]
    assert verify(r).ok
    r.append(NUMBER, "note", {"on": "2025-03-07", "text": "Verder na het terugzetten."})
    r.close()


def test_restore_checks_the_backup_before_touching_anything(reg):
    made = make_backup(reg, "test")
    path = reg.path
    reg.close()
    before = path.read_bytes()
    data = bytearray(made.read_bytes())
    data[4096 * 2 + 100] ^= 0xFF
    made.write_bytes(bytes(data))
    with pytest.raises(RegisterDamaged, match=r"niet in orde|beschadigd"):
        restore(path, made, passphrase=PASSPHRASE)
    assert path.read_bytes() == before
    with pytest.raises(WrongPassphrase):
        restore(path, made, passphrase="niet-de-goede-zin")
    assert path.read_bytes() == before


def test_restore_refuses_while_the_program_has_the_register_open(reg):
    made = make_backup(reg, "test")
    with pytest.raises(RegisterLocked):
        restore(reg.path, made, passphrase=PASSPHRASE)


def test_a_backup_from_before_a_rekey_comes_back_under_todays_key(reg):
    made = make_backup(reg, "test")
    saved = made.with_name("bewaard.db")
    made.rename(saved)  # kept by hand: rekey deletes the backups it knows
    keyring_path(made).rename(keyring_path(saved))
    path = reg.path
    reg.close()
    r = Register.open(path, PASSPHRASE)
    rekey(r, PASSPHRASE, kdf=FAST_KDF)
    key = r.data_key
    r.close()
    restore(path, saved, passphrase=PASSPHRASE)  # the backup's keyring copy gives its key
    r = Register.open(path, PASSPHRASE)
    assert r.data_key == key and r.counts()["cases"] == 1  # re-encrypted under today's key
    assert verify(r).ok
    r.close()
    # after a passphrase change, a backup made under the old key and passphrase needs
    # the recovery code of that time
    r = Register.open(path, PASSPHRASE)
    change_passphrase(r, "de-nieuwe-zin-van-vandaag", kdf=FAST_KDF)
    r.close()
    with pytest.raises(KeyringProblem, match="herstelcode van toen"):
        restore(path, saved, passphrase="de-nieuwe-zin-van-vandaag")


def test_restore_with_the_recovery_code_when_the_passphrase_is_gone(reg):
    code = reg.new_recovery_code
    made = make_backup(reg, "test")
    path = reg.path
    reg.close()
    assert code is not None
    restore(path, made, code=code)
    Register.open_with_recovery_code(path, code).close()


def test_an_older_backup_than_what_was_sent_takes_no_new_step(reg):
    made = make_backup(reg, "test")
    reg.append(NUMBER, "note", {"on": "2025-03-05", "text": "Al verstuurd."})
    sent = reg.own_events()
    keyring.update(reg.keyring_path, lambda k: replace(k, sent_events=sent))
    path = reg.path
    reg.close()
    done = restore(path, made, passphrase=PASSPHRASE)
    assert done.missing_sent == 1
    r = Register.open(path, PASSPHRASE)
    assert r.missing_own_events() == 1
    with pytest.raises(ReadOnlyRegister, match="volledige bundel van de teamleider"):
        r.append(NUMBER, "note", {"on": "2025-03-06", "text": "Zou de keten splitsen."})
    r.close()


def test_backups_and_logs_hold_no_plaintext(tmp_path, monkeypatch):
    for var in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(var, str(tmp_path / var.lower()))
    reg = make_register(tmp_path)
    summary, bsn = "Zonnebloemveld-terugvordering xq7", "111222333"
    reg.register_case(registration(summary=summary), personal={"bsn": bsn})
    made = make_backup(reg, "test")
    reg.close()
    from app.storage.paths import log_dir

    scanned = [made, keyring_path(made), reg.path, keyring_path(reg.path)]
    scanned += [p for p in log_dir().rglob("*") if p.is_file()] if log_dir().exists() else []
    for path in scanned:
        blob = path.read_bytes()
        for needle in (summary, bsn, PASSPHRASE):
            assert needle.encode() not in blob, f"{needle} readable in {path.name}"
    ring = json.loads(keyring_path(made).read_text())
    assert ring["failed_unlocks"] == []
    assert backup.list_backups(reg.path)[0].path == made
