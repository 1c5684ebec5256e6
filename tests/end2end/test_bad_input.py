"""The bad-input corpus (tests/data/bad, issue #8): every file refused by
``casusregister import`` with one Dutch line, exit 1, no traceback, nothing written.

Every file goes through the CLI's own entry point in-process (with the register
opened once, to keep the suite fast); a sample, and the things that cannot live in
git (a FIFO, a device, a folder), go through a real subprocess.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.registers import EXAMPLE, make_register

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "data" / "bad"
SECRET = "corpus-wachtwoordzin-42"
#: Words of pydantic's, json's and Python's own English messages.
ENGLISH = ("Input should", "Field required", "Extra inputs", "Value error", "valid ",
           "Expecting", "Exceeds the limit", "Traceback", "Error", "unable to")


def _table() -> dict[str, str]:
    text = (BAD / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `([^`]+)` \| .*? \| `([^`]+)` \|$", text, re.M))


TABLE = _table()


def test_the_readme_lists_every_file_and_there_are_enough():
    files = {p.name for p in BAD.iterdir() if p.name != "README.md"}
    assert files == set(TABLE)
    assert len(files) >= 60


def assert_one_dutch_refusal(code: int, out: str, err: str, fragment: str) -> None:
    assert code == 1, (code, out, err)
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("casusregister: fout: "), err
    assert fragment in lines[0], (fragment, err)
    assert not any(word in lines[0] for word in ENGLISH), err
    assert not any(ch < " " for ch in lines[0]), "a control character reached stderr"
    assert out == ""


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    from app.storage.interchange_io import import_file

    reg = make_register(tmp_path_factory.mktemp("corpus"))
    import_file(reg, EXAMPLE)
    yield reg
    reg.close()


@pytest.fixture
def cli(register, monkeypatch, capsys):
    """``casusregister ARGS`` in this process, on the register opened once."""
    from app.cli import case_cmds
    from app.cli.main import main

    class Borrowed:
        def __enter__(self) -> Any:
            return register

        def __exit__(self, *exc: object) -> bool:
            return False

    monkeypatch.setattr(case_cmds, "open_register", lambda args: Borrowed())

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.mark.parametrize("name", sorted(TABLE))
def test_every_bad_file_is_refused_in_one_dutch_line(name, cli, register):
    before = register.counts()
    code, out, err = cli("import", str(BAD / name))
    assert_one_dutch_refusal(code, out, err, TABLE[name])
    assert register.counts() == before


def test_the_corpus_files_are_one_fault_away_from_a_good_file(cli, register, tmp_path):
    """The base document itself imports: each file fails for its own reason only."""
    doc = json.loads((BAD / "event-unknown-field.json").read_text(encoding="utf-8"))
    del doc["cases"][0]["events"][1]["schoenmaat"]
    good = tmp_path / "goed.json"
    good.write_text(json.dumps(doc), encoding="utf-8")
    before = register.counts()
    code, out, err = cli("import", str(good))
    assert (code, err) == (0, "")
    assert "1 casussen en 1 signalen ingelezen" in out
    assert register.counts()["events"] > before["events"]


def test_a_file_over_the_size_cap(cli, register, tmp_path, monkeypatch):
    from app.storage import interchange_io

    monkeypatch.setattr(interchange_io, "MAX_FILE_BYTES", 4096)
    big = tmp_path / "groot.json"
    big.write_bytes((BAD / "note-20001-characters.json").read_bytes())
    code, out, err = cli("import", str(big))
    assert_one_dutch_refusal(code, out, err, "te groot: een interchange-bestand is "
                                             "hoogstens 4096 bytes")


# --- a real subprocess, as a user runs it -------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CASUSREGISTER_PASSPHRASE"}
    env["PYTHONPATH"] = str(ROOT)
    env["CASUSREGISTER_PASSPHRASE"] = SECRET
    return subprocess.run([sys.executable, "-m", "app", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli-corpus") / "register.db"
    assert run("init", "--db", str(path), "--device", "ZWL", "--handler", "Anna").returncode == 0
    assert run("import", "--db", str(path), str(EXAMPLE)).returncode == 0
    return path


def _everything(db: Path, tmp_path: Path) -> Any:
    out = tmp_path / "alles.json"
    assert run("export", "interchange", "--db", str(db), "--out", str(out)).returncode == 0
    return json.loads(out.read_text(encoding="utf-8"))


SAMPLE = ["nested-5000-deep.json", "integer-5000-digits.json", "date-9999-12-31-start-on.json",
          "escape-sequence-in-note.json"]


def test_a_sample_and_the_special_files_through_a_subprocess(db, tmp_path):
    before = _everything(db, tmp_path)
    cases: list[tuple[str, str]] = [(str(BAD / name), TABLE[name]) for name in SAMPLE]
    cases.append((str(tmp_path), "is een map, geen bestand"))
    if Path("/dev/zero").exists():
        cases.append(("/dev/zero", "geen gewoon bestand"))
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pijp.json"
        os.mkfifo(fifo)
        cases.append((str(fifo), "geen gewoon bestand"))
    for path, fragment in cases:
        r = run("import", "--db", str(db), path)
        assert_one_dutch_refusal(r.returncode, r.stdout, r.stderr, fragment)
    assert _everything(db, tmp_path) == before


@pytest.mark.parametrize("command", [["metrics"], ["export", "report", "--out", "r.html"],
                                     ["export", "evaluation", "--out", "e.xlsx"]])
@pytest.mark.parametrize(("start", "end", "bad"), [("0001-01-01", "2025-12-31", "0001-01-01"),
                                                   ("2025-01-01", "9999-12-31", "9999-12-31"),
                                                   ("1999-12-31", "2000-01-31", "1999-12-31")])
def test_figures_for_a_period_out_of_range_are_one_clear_line(cli, tmp_path, command, start,
                                                              end, bad):
    args = [*command[:-1], str(tmp_path / command[-1])] if "--out" in command else command
    code, out, err = cli(*args, "--from", start, "--to", end)
    assert_one_dutch_refusal(code, out, err, f"De periode moet binnen 01-01-2000 t/m "
                                             f"31-12-2100 liggen; {bad} valt erbuiten.")
    assert not list(tmp_path.iterdir())


def test_metrics_out_of_range_through_a_subprocess(db):
    r = run("metrics", "--db", str(db), "--from", "0001-01-01", "--to", "9999-12-31")
    assert_one_dutch_refusal(r.returncode, r.stdout, r.stderr, "0001-01-01 valt erbuiten")
