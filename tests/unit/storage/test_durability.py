"""No work is lost and there is one writer (docs/SECURITY.md), with real processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from app.storage.errors import RegisterLocked
from app.storage.repository import Register
from app.storage.verify import verify
from tests.helpers.registers import PASSPHRASE, make_register, registration

ROOT = Path(__file__).resolve().parents[3]

WRITER = textwrap.dedent("""
    import sys
    from datetime import date
    from pathlib import Path
    from app.storage.repository import Register
    reg = Register.open(Path(sys.argv[1]), sys.argv[2])
    reg.today = lambda: date(2025, 12, 31)
    number = sys.argv[3]
    i = 0
    while True:
        i += 1
        reg.append(number, "note", {"on": "2025-03-05", "text": f"stap {i}"})
        print(i, flush=True)  # acknowledged only after the commit returned
""")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_killed_writer_loses_no_acknowledged_step(tmp_path):
    reg = make_register(tmp_path)
    n = reg.register_case(registration()).number
    path = reg.path
    reg.close()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), PASSPHRASE, n],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    acknowledged = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        acknowledged = int(line)
        if acknowledged >= 40:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()  # the pipe is ours to close (ResourceWarning otherwise)
    lock = path.with_name(path.name + ".lock")
    assert lock.exists()  # left behind by the killed process: must not block us
    reg = Register.open(path, PASSPHRASE)
    texts = [e.payload["text"] for e in reg.case(n).events if e.kind == "note"]
    assert len(texts) >= acknowledged
    assert texts[:acknowledged] == [f"stap {i}" for i in range(1, acknowledged + 1)]
    report = verify(reg)
    assert report.ok, report.problems
    reg.close()


def test_commands_run_beside_the_program_but_a_second_window_is_refused(tmp_path):
    reg = make_register(tmp_path)
    code = ("import sys; from pathlib import Path; from app.cli import main; "
            "sys.exit(main(['list', '--db', sys.argv[1]]))")
    result = subprocess.run(
        [sys.executable, "-c", code, str(reg.path)], capture_output=True, text=True,
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT),
                       "CASUSREGISTER_PASSPHRASE": PASSPHRASE}, timeout=60)
    # commands run beside the program (SQLite's own locking; docs/ARCHITECTURE.md)
    assert result.returncode == 0, result.stderr
    assert "Geen casussen gevonden" in result.stdout
    # a second program window on the same file is refused, naming the holder
    with pytest.raises(RegisterLocked):
        Register.open(reg.path, PASSPHRASE)
    reg.close()
    Register.open(reg.path, PASSPHRASE).close()
