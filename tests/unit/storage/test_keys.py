"""Keys v2 (docs/SECURITY.md): the keyring decides a wrong passphrase, damage is damage,
the recovery code is a way back, and a passphrase change touches only the keyring."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from app.model import recovery
from app.storage import audit, keyring
from app.storage.backup import make_backup
from app.storage.errors import (
    KeyringProblem,
    NotARegister,
    RegisterDamaged,
    RegisterExists,
    WrongPassphrase,
)
from app.storage.keyring import keyring_path
from app.storage.keys import change_passphrase, recover, recovery_code, rekey
from app.storage.repository import Register
from app.storage.verify import verify
from tests.helpers.registers import FAST_KDF, PASSPHRASE, make_register, registration

NEW = "een-heel-andere-zin-voor-de-baas"


@pytest.fixture
def reg(tmp_path: Path):
    r = make_register(tmp_path)
    r.register_case(registration(), personal={"bsn": "111222333"})
    yield r
    if r.conn is not None:
        r.close()


def _close(reg: Register) -> Path:
    path = reg.path
    reg.close()
    return path


def _actions(reg: Register) -> list[tuple[str, str]]:
    return [(a.action, a.result) for a in audit.rows(reg.conn)]


def test_create_gives_a_keyring_and_a_recovery_code_once(tmp_path):
    reg = make_register(tmp_path)
    code = reg.new_recovery_code
    assert code is not None and recovery.decode(code) == reg.data_key
    ring = keyring.read(reg.keyring_path)
    assert ring.register_salt == reg.path.read_bytes()[:16]
    assert ring.fits(reg.data_key)
    assert (reg.keyring_path.stat().st_mode & 0o777) == 0o600
    path = _close(reg)
    again = Register.open(path, PASSPHRASE)
    assert again.new_recovery_code is None  # shown once, at creation
    again.close()
    with pytest.raises(RegisterExists):
        make_register(tmp_path)


def test_a_wrong_passphrase_is_decided_by_the_keyring_and_changes_nothing(reg):
    path = _close(reg)
    before = path.read_bytes()
    for wrong in ("dit-is-het-niet-hoor", "ook-niet-goed-hoor"):
        with pytest.raises(WrongPassphrase, match="Onjuiste wachtwoordzin"):
            Register.open(path, wrong)
    assert path.read_bytes() == before  # the register itself was never touched
    assert len(keyring.read(keyring_path(path)).failed_unlocks) == 2
    r = Register.open(path, PASSPHRASE)
    assert _actions(r)[-3:] == [("unlock_failed", "geweigerd"), ("unlock_failed", "geweigerd"),
                                ("unlock", "ok")]
    assert keyring.read(keyring_path(path)).failed_unlocks == ()  # moved into the audit
    r.close()


@pytest.mark.parametrize(("offset", "what"), [(100, "pagina 1"), (3, "begin van het bestand")])
def test_damage_to_page_one_is_damage_never_a_wrong_passphrase(reg, offset, what):
    path = _close(reg)
    data = bytearray(path.read_bytes())
    data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(RegisterDamaged, match=what):
        Register.open(path, PASSPHRASE)
    assert keyring.read(keyring_path(path)).failed_unlocks == ()  # not a failed unlock


def test_another_registers_keyring_is_named_as_such(tmp_path):
    a = make_register(tmp_path, "a.db")
    b = make_register(tmp_path, "b.db", device="BBB")
    a_path, b_path = _close(a), _close(b)
    shutil.copy2(keyring_path(b_path), keyring_path(a_path))
    with pytest.raises(KeyringProblem, match="hoort niet bij dit registerbestand"):
        Register.open(a_path, PASSPHRASE)


@pytest.mark.parametrize("content", [b"", None])
def test_an_empty_or_missing_file_is_never_turned_into_a_register(tmp_path, content):
    path = tmp_path / "register.db"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(NotARegister):
        Register.open(path, PASSPHRASE)
    assert (path.exists() and path.stat().st_size == 0) if content is not None \
        else not path.exists()
    assert not keyring_path(path).exists()


def test_recovery_code_round_trip_and_a_new_passphrase(reg):
    code = reg.new_recovery_code
    assert code is not None
    key = reg.data_key
    path = _close(reg)
    with pytest.raises(Exception, match="controlegroep"):
        Register.open_with_recovery_code(path, code[:-1] + ("A" if code[-1] != "A" else "B"))
    r = recover(path, code.lower().replace("-", " "), NEW, kdf=FAST_KDF)
    assert r.data_key == key  # the same data key: nothing re-encrypted
    assert ("recover", "ok") in _actions(r)
    r.close()
    with pytest.raises(WrongPassphrase):
        Register.open(path, PASSPHRASE)
    Register.open(path, NEW).close()


def test_a_busy_keyring_is_reported_and_never_written_without_its_lock(reg, monkeypatch):
    """Recovery while another program holds the keyring (a rekey writing its pending
    slot): one Dutch line, the keyring untouched, the old passphrase still opens."""
    from contextlib import contextmanager

    from app.storage import keyring as keyring_module

    code = reg.new_recovery_code
    path = _close(reg)
    before = keyring_path(path).read_bytes()

    @contextmanager
    def busy(ring, timeout=10.0):
        raise KeyringProblem("De sleutelring is bezet door een ander programma.")
        yield

    monkeypatch.setattr(keyring_module, "locked", busy)
    with pytest.raises(KeyringProblem, match="bezet"):
        recover(path, code, NEW, kdf=FAST_KDF)
    assert keyring_path(path).read_bytes() == before
    monkeypatch.undo()
    Register.open(path, PASSPHRASE).close()


def test_a_lost_keyring_is_rebuilt_with_the_recovery_code(reg):
    code = reg.new_recovery_code
    assert code is not None
    path = _close(reg)
    keyring_path(path).unlink()
    with pytest.raises(KeyringProblem, match="herstelcode"):
        Register.open(path, PASSPHRASE)
    recover(path, code, NEW, kdf=FAST_KDF).close()
    r = Register.open(path, NEW)
    assert r.counts()["cases"] == 1
    r.close()


def test_a_passphrase_change_rewrites_only_the_keyring(reg, tmp_path):
    key = reg.data_key
    old_backup = make_backup(reg, "test")
    reg.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = reg.path.read_bytes()
    with pytest.raises(WrongPassphrase):
        change_passphrase(reg, NEW, current="niet-de-goede-zin")
    with pytest.raises(Exception, match="minstens 12"):
        change_passphrase(reg, "te-kort", current=PASSPHRASE)
    change_passphrase(reg, NEW, current=PASSPHRASE, kdf=FAST_KDF)
    assert reg.data_key == key
    assert ("passphrase_change", "ok") in _actions(reg)
    reg.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    after = reg.path.read_bytes()
    assert after[:4096] == before[:4096] or after[:16] == before[:16]  # same file, same salt
    path = _close(reg)
    Register.open(path, NEW).close()
    with pytest.raises(WrongPassphrase):
        Register.open(path, PASSPHRASE)
    # an old backup opens with the passphrase valid when it was made
    old = Register.open(old_backup, PASSPHRASE, lock=False, audit_unlock=False)
    assert old.personal("2025-TST-0001", purpose="test")["bsn"] == "111222333"
    old.close()
    with pytest.raises(WrongPassphrase):
        Register.open(old_backup, NEW, lock=False)


def test_the_recovery_code_is_shown_again_only_after_the_passphrase(reg):
    with pytest.raises(WrongPassphrase):
        recovery_code(reg, "niet-de-goede-zin")
    assert recovery_code(reg, PASSPHRASE) == recovery.encode(reg.data_key)
    assert ("show_recovery_code", "ok") in _actions(reg)


def test_rekey_makes_a_new_key_and_code_and_drops_the_old_backups(reg):
    old_code = reg.new_recovery_code
    old_backup = make_backup(reg, "oud")
    path = _close(reg)
    r = Register.open(path, PASSPHRASE)  # holds the one-window lock
    new_code = rekey(r, PASSPHRASE, kdf=FAST_KDF)
    assert new_code != old_code and recovery.decode(new_code) == r.data_key
    assert not old_backup.exists()  # the old key opened it: gone
    # erasures after the new key still zero what they free (docs/SECURITY.md "Erasure")
    assert r.conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    r.register_case(registration(received_on="2025-03-05"))
    assert verify(r).ok
    r.close()
    r = Register.open(path, PASSPHRASE)
    assert r.counts()["cases"] == 2
    r.close()
    assert old_code is not None
    with pytest.raises(KeyringProblem):
        Register.open_with_recovery_code(path, old_code)
    Register.open_with_recovery_code(path, new_code).close()


def test_rekey_refuses_without_the_one_window_lock(reg):
    path = _close(reg)
    r = Register.open(path, PASSPHRASE, lock=False)
    with pytest.raises(Exception, match="nergens anders open"):
        rekey(r, PASSPHRASE, kdf=FAST_KDF)
    r.close()


def test_a_crash_during_rekey_never_leaves_a_register_no_key_opens(reg, monkeypatch):
    path = _close(reg)
    r = Register.open(path, PASSPHRASE)
    from app.storage import keys

    real_update = keyring.update

    def crash_on_promote(p, change, **kw):
        if getattr(change, "__name__", "") == "promote":  # after PRAGMA rekey, before this
            raise KeyboardInterrupt
        return real_update(p, change, **kw)

    monkeypatch.setattr(keys.keyring, "update", crash_on_promote)
    with pytest.raises(KeyboardInterrupt):
        rekey(r, PASSPHRASE, kdf=FAST_KDF)
    monkeypatch.undo()
    r.conn.close()
    r.conn = None
    r.close()
    ring = keyring.read(keyring_path(path))
    assert ring.pending is not None  # the file is under the pending key now
    again = Register.open(path, PASSPHRASE)  # tries the current key, then the pending one
    assert again.counts()["cases"] == 1
    assert ("rekey_finished", "ok") in _actions(again)
    again.close()
    assert keyring.read(keyring_path(path)).pending is None


def test_a_keyring_from_a_newer_program_or_garbage_is_refused_clearly(reg):
    path = _close(reg)
    ring_path = keyring_path(path)
    data = ring_path.read_text()
    ring_path.write_text(data.replace('"version": 1', '"version": 9'))
    with pytest.raises(KeyringProblem, match="nieuwere versie"):
        Register.open(path, PASSPHRASE)
    ring_path.write_text("{niet: json")
    with pytest.raises(KeyringProblem, match="beschadigd"):
        Register.open(path, PASSPHRASE)


def test_the_keyring_holds_no_secret_in_the_clear(tmp_path):
    reg = make_register(tmp_path)
    code = reg.new_recovery_code
    reg.register_case(registration(summary="Zonnebloemveld xq7"), personal={"bsn": "111222333"})
    path = _close(reg)
    blob = keyring_path(path).read_bytes()
    assert code is not None
    for needle in (PASSPHRASE, code, code.replace("-", ""), "111222333", "Zonnebloemveld"):
        assert needle.encode() not in blob
    raw_key = recovery.decode(code)
    assert raw_key not in blob and raw_key.hex().encode() not in blob


def test_the_seal_marks_a_register_behind_its_last_commit_read_only(reg, tmp_path):
    number = "2025-TST-0001"
    reg.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    reg.conn.execute("PRAGMA wal_autocheckpoint = 0")  # later steps stay in the -wal
    shutil.copy2(reg.path, tmp_path / "zonder-wal.db")
    reg.append(number, "note", {"on": "2025-03-05", "text": "Na de kopie vastgelegd."})
    shutil.copy2(reg.keyring_path, tmp_path / "zonder-wal.db.keys")  # the newer seal
    reg.close()
    lost = tmp_path / "zonder-wal.db"  # as if the -wal was deleted after the commit
    r = Register.open(lost, PASSPHRASE)
    assert r.read_only and "ontbreekt" in r.behind_seal[0]
    with pytest.raises(Exception, match="achter op zijn zegel"):
        r.append(number, "note", {"on": "2025-03-06", "text": "Mag niet."})
    assert ("unlock", "alleen lezen") in _actions(r)
    r.accept_seal("WAL kwijt na stroomuitval; stap opnieuw ingevoerd")
    assert not r.read_only
    r.append(number, "note", {"on": "2025-03-06", "text": "Nu wel."})
    assert any(a == "seal_accept" for a, _ in _actions(r))
    r.close()
    Register.open(lost, PASSPHRASE).close()  # sealed again: no longer behind


def test_deleted_events_put_a_register_behind_its_seal(reg):
    reg.append("2025-TST-0001", "note", {"on": "2025-03-05", "text": "Een notitie."})
    reg.conn.execute("DROP TRIGGER events_no_delete")
    reg.conn.execute("DELETE FROM events WHERE kind = 'note'")
    path = _close(reg)
    r = Register.open(path, PASSPHRASE)
    assert r.read_only
    r.close()


def test_an_older_copy_put_back_is_behind_its_seal(reg, tmp_path):
    old = tmp_path / "oud.db"
    reg.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy2(reg.path, old)
    reg.append("2025-TST-0001", "note", {"on": "2025-03-05", "text": "Later."})
    path = _close(reg)
    shutil.copy2(old, path)
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    r = Register.open(path, PASSPHRASE)
    assert r.read_only
    r.close()


def test_a_register_ahead_of_its_seal_is_simply_resealed(reg):
    ring = keyring.read(reg.keyring_path)
    reg.append("2025-TST-0001", "note", {"on": "2025-03-05", "text": "Later."})
    keyring.write(reg.keyring_path, replace(keyring.read(reg.keyring_path), seal=ring.seal))
    path = _close(reg)
    r = Register.open(path, PASSPHRASE)
    assert not r.read_only
    r.close()
