"""Exchange bundles at the command line, as the team would use them (issue 7).

Two laptops and a team lead, each an ``init``-ed register; the laptops ``import`` parts
of the example file, send bundles, and the team lead reads them (several files, out
of order, one twice). The lead's ``metrics --json`` must equal that of one register
that imported the whole file. Bad files are refused one Dutch line each, exit 1, with
nothing changed; a handover carries the named case's personal data to a colleague.

The program runs as a subprocess on real files. Every run unlocks a register with the
real Argon2id (about 0.15 s) and every bundle derives its key once: the scenario is
built once per module and the runs are kept few.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.storage.repository import Register

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "data" / "interchange-2025-small.json"
SECRET = "cli-wachtwoordzin-123"
TEAM = "team-uitwisseling-2025"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CASUSREGISTER_PASSPHRASE"}
    env["PYTHONPATH"] = str(ROOT)
    env["CASUSREGISTER_PASSPHRASE"] = SECRET
    result = subprocess.run([sys.executable, "-m", "app", *args], capture_output=True,
                            text=True, cwd=ROOT, env=env, timeout=120, stdin=subprocess.DEVNULL)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def ok(*args: str) -> str:
    r = run(*args)
    assert r.returncode == 0, r.stderr
    return r.stdout


def split_example() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Three parts (laptop A's first and second week, laptop B), each signal with all
    the cases it links: cases tied by a signal stay on one laptop."""
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    parent = {c["ref"]: c["ref"] for c in data["cases"]}

    def root(ref: str) -> str:
        while parent[ref] != ref:
            ref = parent[ref]
        return ref

    for signal in data["signals"]:
        refs = signal["cases"]
        for ref in refs[1:]:
            parent[root(ref)] = root(refs[0])
    groups = sorted({root(ref) for ref in parent})
    part_of = {group: i % 3 for i, group in enumerate(groups)}
    parts: list[dict[str, Any]] = [
        {"format": data["format"], "version": data["version"], "cases": [], "signals": []}
        for _ in range(3)]
    for case in data["cases"]:
        parts[part_of[root(case["ref"])]]["cases"].append(case)
    for signal in data["signals"]:
        parts[part_of[root(signal["cases"][0])]]["signals"].append(signal)
    assert all(p["cases"] for p in parts)
    return parts[0], parts[1], parts[2]


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("team")
    paths = {name: folder / f"{name}.db" for name in ("anna", "bram", "lead", "whole")}
    for name, code, handler in (("anna", "ZWL", "Anna de Vries"), ("bram", "UTR", "Bram Jansen"),
                                ("lead", "TL", "Teamleider Tom"), ("whole", "ALL", "Alles")):
        ok("init", "--db", str(paths[name]), "--device", code, "--handler", handler)
    a1, b, a2 = split_example()
    parts = {}
    for name, part in (("a1", a1), ("a2", a2), ("b", b)):
        parts[name] = folder / f"deel-{name}.json"
        parts[name].write_text(json.dumps(part), encoding="utf-8")
    team_file = folder / "team.txt"
    team_file.write_text(TEAM + "\n", encoding="utf-8")
    wrong_file = folder / "fout.txt"
    wrong_file.write_text("een-andere-wachtwoordzin\n", encoding="utf-8")
    ok("import", "--db", str(paths["whole"]), str(EXAMPLE))
    ok("import", "--db", str(paths["anna"]), str(parts["a1"]))
    out = ok("bundle", "export", "--db", str(paths["anna"]), "--out", str(folder / "a1.bundel"),
             "--exchange-passphrase-file", str(team_file))
    assert out.startswith("Bundel 1 geschreven naar")
    ok("import", "--db", str(paths["anna"]), str(parts["a2"]))
    ok("bundle", "export", "--db", str(paths["anna"]), "--out", str(folder / "a2.bundel"))
    ok("import", "--db", str(paths["bram"]), str(parts["b"]))
    ok("bundle", "export", "--db", str(paths["bram"]), "--out", str(folder / "b1.bundel"),
       "--exchange-passphrase-file", str(team_file))
    return {**paths, "folder": folder, "team": team_file, "wrong": wrong_file}


def events_of(db: Path) -> list[tuple[Any, ...]]:
    with Register.open(db, SECRET, lock=False, audit_unlock=False) as reg:
        return reg.conn.execute(
            "SELECT id, hash, flag, payload_json FROM events ORDER BY id").fetchall()


def test_the_lead_reads_out_of_order_with_a_repeat_and_holds_the_whole(team):
    f = team["folder"]
    r = run("bundle", "import", "--db", str(team["lead"]), str(f / "b1.bundel"),
            str(f / "a2.bundel"), str(f / "a1.bundel"), str(f / "b1.bundel"),
            "--exchange-passphrase-file", str(team["team"]))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    read = [line for line in lines if ".bundel (van " in line]
    # sorted by source device and sequence: UTR (twice, as given), then ZWL 1 and 2
    assert [line.split(" ")[0] for line in read] == ["b1.bundel", "b1.bundel", "a1.bundel",
                                                     "a2.bundel"]
    bram = len(json.loads((team["folder"] / "deel-b.json").read_text())["cases"])
    assert read[0].startswith("b1.bundel (van UTR, bundel 1): ")
    assert " 0 al aanwezig." in read[0] and f"({bram} " not in read[0]
    new_b = int(read[0].split(": ")[1].split(" ")[0])
    assert read[1] == f"b1.bundel (van UTR, bundel 1): 0 nieuwe stappen, {new_b} al aanwezig."
    assert read[2].startswith("a1.bundel (van ZWL, bundel 1): ")
    assert read[3].startswith("a2.bundel (van ZWL, bundel 2): ")
    assert any(line.startswith("Nieuwe casussen (44): 2025-UTR-") for line in lines)
    assert any(line.startswith("Nieuwe signalen (12): ") for line in lines)

    whole = json.loads(ok("metrics", "--db", str(team["whole"]), "--from", "2025-01-01",
                          "--to", "2025-12-31", "--json"))
    lead = json.loads(ok("metrics", "--db", str(team["lead"]), "--from", "2025-01-01",
                         "--to", "2025-12-31", "--json"))
    assert lead == whole
    assert whole["metrics"]["intake.total"] == 44


def test_every_bad_file_is_refused_in_one_dutch_line_with_nothing_changed(team):
    f = team["folder"]
    before = events_of(team["lead"])
    random_bytes = f / "ruis.bundel"
    random_bytes.write_bytes(os.urandom(300))
    workbook = f / "werkmap.xlsx"
    workbook.write_bytes(b"PK\x03\x04" + os.urandom(200))
    plain = f / "kopie.sqlite"
    with contextlib.closing(sqlite3.connect(plain)) as conn:
        conn.execute("CREATE TABLE events (id TEXT)")
        conn.commit()
    cut = f / "afgebroken.bundel"
    cut.write_bytes((f / "a2.bundel").read_bytes()[:-40])
    r = run("bundle", "import", "--db", str(team["lead"]), str(random_bytes), str(workbook),
            str(plain), str(team["anna"]), str(cut), str(f / "a1.bundel"),
            "--exchange-passphrase-file", str(team["wrong"]))
    assert r.returncode == 1
    refused = r.stderr.splitlines()
    assert len(refused) == 6, r.stderr
    assert all(": geweigerd, er is niets van ingelezen: " in line for line in refused)
    by_file = {line.split(":", 1)[0]: line for line in refused}
    assert "geen uitwisselingsbundel" in by_file["ruis.bundel"]
    assert "zip- of Excelbestand" in by_file["werkmap.xlsx"]
    assert "SQLite-database" in by_file["kopie.sqlite"]
    assert "geen uitwisselingsbundel" in by_file["anna.db"]  # an encrypted register
    assert "uitwisselingswachtwoordzin klopt niet" in by_file["a1.bundel"]
    # the cut file's header is whole: with the wrong passphrase that is what it says
    assert "uitwisselingswachtwoordzin klopt niet" in by_file["afgebroken.bundel"]
    assert r.stdout == ""
    assert events_of(team["lead"]) == before

    # with the team's passphrase (kept in the register since the first import) the cut
    # file is damaged, and still nothing changes
    r = run("bundle", "import", "--db", str(team["lead"]), str(cut))
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and "beschadigd of onvolledig" in r.stderr
    assert events_of(team["lead"]) == before


def test_a_handover_carries_the_case_and_its_personal_data_to_a_colleague(team):
    f = team["folder"]
    with Register.open(team["anna"], SECRET, lock=False, audit_unlock=False) as reg:
        rows = reg.list_cases()
        number = next(r.number for r in rows if reg.personal(r.number, purpose="test"))
        bsn = reg.personal(number, purpose="test")["bsn"]
    out = ok("bundle", "export", "--db", str(team["anna"]), "--out", str(f / "over.bundel"),
             "--handover", number)
    assert out.startswith("Overdrachtsbundel 3 geschreven naar")
    assert f"Met de persoonsgegevens van: {number}." in out
    assert bsn.encode() not in (f / "over.bundel").read_bytes()
    out = ok("bundle", "import", "--db", str(team["bram"]), str(f / "over.bundel"))
    assert f"Overgedragen casussen (met persoonsgegevens): {number}." in out
    with Register.open(team["bram"], SECRET, lock=False, audit_unlock=False) as reg:
        assert reg.case(number).state.number == number  # the number is kept
        assert reg.personal(number, purpose="test")["bsn"] == bsn
        others = [r.number for r in reg.list_cases() if r.number.startswith("2025-ZWL-")
                  and r.number != number]
        assert others and all(reg.personal(n, purpose="test") == {} for n in others)
