"""The way back at the command line: init's recovery code, recover, passphrase, backup,
restore, seal and the back-off, as a team lead or IT would run them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSPHRASE = "zwolle-kantoor-wachtwoordzin"
NEW = "een-hele-nieuwe-zin-voor-zwolle"


def run(*args: str, passphrase: str | None = PASSPHRASE) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CASUSREGISTER_PASSPHRASE", None)
    if passphrase is not None:
        env["CASUSREGISTER_PASSPHRASE"] = passphrase
    result = subprocess.run([sys.executable, "-m", "app", *args], capture_output=True,
                            text=True, cwd=ROOT, env=env, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def _code(text: str) -> str:
    lines = [ln for ln in text.splitlines() if ln.startswith("Herstelcode: ")]
    assert len(lines) == 1
    return lines[0].removeprefix("Herstelcode: ")


def test_init_prints_the_recovery_code_once_and_recover_uses_it(tmp_path):
    db = tmp_path / "register.db"
    r = run("init", "--db", str(db), "--device", "ZWL", "--handler", "Anna de Vries")
    assert r.returncode == 0, r.stderr
    code = _code(r.stdout)
    assert len(code.split("-")) == 14
    r = run("list", "--db", str(db))
    assert r.returncode == 0 and "Herstelcode" not in r.stdout + r.stderr

    code_file = tmp_path / "herstelcode.txt"
    code_file.write_text(f"Herstelcode: {code}\n")
    new_file = tmp_path / "nieuw.txt"
    new_file.write_text(NEW + "\n")
    r = run("recover", "--db", str(db), "--recovery-code-file", str(code_file),
            "--new-passphrase-file", str(new_file), passphrase=None)
    assert r.returncode == 0, r.stderr
    assert run("list", "--db", str(db)).returncode == 1  # the old passphrase is gone
    assert run("list", "--db", str(db), passphrase=NEW).returncode == 0


def test_init_can_write_the_code_to_a_private_file(tmp_path):
    db, out = tmp_path / "register.db", tmp_path / "code.txt"
    r = run("init", "--db", str(db), "--device", "ZWL", "--handler", "Anna",
            "--recovery-code-out", str(out))
    assert r.returncode == 0, r.stderr
    assert "Herstelcode:" not in r.stdout
    assert out.read_text().startswith("Herstelcode: ")
    assert (out.stat().st_mode & 0o777) == 0o600


def test_init_refuses_a_weak_passphrase_and_needs_a_handler(tmp_path):
    db = tmp_path / "register.db"
    r = run("init", "--db", str(db), "--device", "ZWL", "--handler", "Anna",
            passphrase="wachtwoord123")
    assert r.returncode == 1 and "veelgebruikte" in r.stderr
    assert not db.exists()
    r = run("init", "--db", str(db), "--device", "ZWL")
    assert r.returncode == 2 and "--handler" in r.stderr


def test_passphrase_backup_damage_restore_and_seal(tmp_path):
    db = tmp_path / "register.db"
    assert run("init", "--db", str(db), "--device", "ZWL", "--handler", "Anna").returncode == 0
    new_file = tmp_path / "nieuw.txt"
    new_file.write_text(NEW)
    r = run("passphrase", "--db", str(db), "--new-passphrase-file", str(new_file))
    assert r.returncode == 0, r.stderr
    out = tmp_path / "handmatig.db"
    r = run("backup", "--db", str(db), "--out", str(out), passphrase=NEW)
    assert r.returncode == 0, r.stderr
    assert out.exists() and Path(str(out) + ".keys").exists()

    data = bytearray(db.read_bytes())  # page 1 damaged: damage, never "wrong passphrase"
    data[100] ^= 0xFF
    db.write_bytes(bytes(data))
    r = run("list", "--db", str(db), passphrase=NEW)
    assert r.returncode == 1 and "beschadigd" in r.stderr and "Onjuiste" not in r.stderr
    assert "casusregister restore --from" in r.stderr  # a command that exists
    r = run("restore", "--db", str(db), "--from", str(out), passphrase=NEW)
    assert r.returncode == 0, r.stderr
    assert "teruggezet" in r.stdout
    r = run("verify", "--db", str(db), passphrase=NEW)
    assert r.returncode == 0, r.stdout + r.stderr

    # an older copy put back: behind its seal, read-only until accepted
    older = tmp_path / "ouder.db"
    shutil.copy2(db, older)
    demo = run("demo", "--db", str(db), passphrase=NEW)  # many new events
    assert demo.returncode == 0, demo.stderr
    shutil.copy2(older, db)
    for suffix in ("-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    r = run("list", "--db", str(db), passphrase=NEW)
    assert r.returncode == 0 and "achter op zijn zegel" in r.stderr
    r = run("seal", "--db", str(db), "--accept", "--reason", "oude kopie bewust teruggezet",
            passphrase=NEW)
    assert r.returncode == 0, r.stderr
    r = run("list", "--db", str(db), passphrase=NEW)
    assert r.returncode == 0 and "zegel" not in r.stderr


def test_the_command_line_backs_off_after_failed_unlocks(tmp_path, monkeypatch, capsys):
    from app.cli import common, main
    from app.storage import unlock_log
    from tests.helpers.registers import PASSPHRASE as TEST_PASSPHRASE
    from tests.helpers.registers import make_register

    reg = make_register(tmp_path)
    path = reg.path
    reg.close()
    monkeypatch.setenv("CASUSREGISTER_PASSPHRASE", "dit-is-hem-niet-hoor")
    slept: list[float] = []
    monkeypatch.setattr(common.time, "sleep", slept.append)

    class Before(datetime):  # no time has passed since any failure: the full wait is due
        @classmethod
        def now(cls, tz: Any = None) -> Before:
            return cls(2000, 1, 1)

    # The failures are stamped to the second: on a busy machine the next attempt may
    # start a second later, which would rightly shorten the wait this test counts.
    monkeypatch.setattr(unlock_log, "datetime", Before)
    for _ in range(3):
        assert main(["list", "--db", str(path)]) == 1
    assert slept[:2] == [1, 2]  # 1 s after the first failure, 2 s after the second
    monkeypatch.setenv("CASUSREGISTER_PASSPHRASE", TEST_PASSPHRASE)
    capsys.readouterr()
    assert main(["list", "--db", str(path)]) == 0
    assert slept[-1] == 4 and "wacht 4 s" in capsys.readouterr().err


@pytest.mark.parametrize("args", [["passphrase"], ["recover", "--recovery-code-file", "x"]])
def test_a_new_passphrase_without_a_terminal_is_one_clear_line(tmp_path, args):
    db = tmp_path / "register.db"
    assert run("init", "--db", str(db), "--device", "ZWL", "--handler", "Anna").returncode == 0
    (tmp_path / "x").write_text("AAAA")
    r = run(*args, "--db", str(db))
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1
