"""The command line as a subprocess: exit codes, one clear line, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "tests" / "data" / "interchange-2025-small.json"
SECRET = "cli-wachtwoordzin-123"


def run(*args: str, passphrase: str | None = SECRET, stdin: str | None = None,
        env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CASUSREGISTER_PASSPHRASE"}
    env["PYTHONPATH"] = str(ROOT)
    if passphrase is not None:
        env["CASUSREGISTER_PASSPHRASE"] = passphrase
    env.update(env_extra or {})
    result = subprocess.run([sys.executable, "-m", "app", *args], capture_output=True,
                            text=True, cwd=ROOT, env=env, input=stdin, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "register.db"
    r = run("init", "--db", str(path), "--device", "ZWL", "--handler", "Anna de Vries")
    assert r.returncode == 0, r.stderr
    assert "Register aangemaakt" in r.stdout
    r = run("import", "--db", str(path), str(EXAMPLE))
    assert r.returncode == 0, r.stderr
    assert "44 casussen en 12 signalen ingelezen" in r.stdout
    return path


def test_version():
    r = run("--version", passphrase=None)
    assert r.returncode == 0 and r.stdout.startswith("casusregister ")


def test_list_json_has_the_documented_fields(db):
    r = run("list", "--db", str(db), "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    assert len(rows) == 44
    assert set(rows[0]) == {"number", "ref", "status", "phase", "received_on", "route",
                            "partner_type", "services", "topics", "handler",
                            "next_deadline"}
    assert rows[0]["number"] == "2025-ZWL-0001"
    by_ref = {row["ref"]: row for row in rows}
    assert by_ref["V-044"]["next_deadline"] == "2025-06-02"  # rolls past Hemelvaart
    assert by_ref["V-041"]["status"] == "afgerond"


def test_list_filters_by_status_and_search(db):
    r = run("list", "--db", str(db), "--status", "aangemeld", "--json")
    assert {row["status"] for row in json.loads(r.stdout)} == {"aangemeld"}
    r = run("list", "--db", str(db), "--search", "randgeval", "--json")
    assert sorted(row["ref"] for row in json.loads(r.stdout)) == ["V-041", "V-042", "V-043",
                                                                 "V-044"]
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    expected = sorted(c["ref"] for c in example["cases"]
                      if c["events"][0].get("partner_org") == "Juridisch Loket Den Haag")
    r = run("list", "--db", str(db), "--search", "juridisch loket", "--json")
    assert sorted(row["ref"] for row in json.loads(r.stdout)) == expected
    r = run("list", "--db", str(db), "--status", "klaar")
    assert r.returncode == 2 and "ongeldige keuze: 'klaar'" in r.stderr


def test_show_json_and_text(db):
    r = run("show", "--db", str(db), "V-043", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["case"]["ref"] == "V-043"
    assert data["case"]["triaged_on"] == "2025-07-03"  # second correction wins
    kinds = [e["kind"] for e in data["events"]]
    assert kinds.count("corrected") == 2
    assert {"id", "occurred_on", "hlc", "flag"} <= set(data["events"][0])
    r = run("show", "--db", str(db), "V-041")
    assert r.returncode == 0 and "Tijdlijn:" in r.stdout and "Heropend" in r.stdout


def test_verify_ok(db):
    r = run("verify", "--db", str(db))
    assert r.returncode == 0 and "Register in orde" in r.stdout


def test_wrong_passphrase_exit_1_one_line(db):
    r = run("list", "--db", str(db), passphrase="helemaal-niet-goed")
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        "casusregister: fout: Onjuiste wachtwoordzin: het register kon niet worden geopend."]


def test_passphrase_file_and_missing_passphrase(db, tmp_path):
    f = tmp_path / "pw.txt"
    f.write_text(SECRET + "\n", encoding="utf-8")
    r = run("list", "--db", str(db), "--passphrase-file", str(f), passphrase=None)
    assert r.returncode == 0, r.stderr
    r = run("list", "--db", str(db), passphrase=None, stdin="")
    assert r.returncode == 1 and "--passphrase-file" in r.stderr


def test_unknown_case_and_missing_register(db, tmp_path):
    r = run("show", "--db", str(db), "2025-ZWL-9999")
    assert r.returncode == 1 and "bestaat niet" in r.stderr
    r = run("list", "--db", str(tmp_path / "nergens.db"))
    assert r.returncode == 1 and "Geen register gevonden" in r.stderr


def test_usage_errors_exit_2():
    assert run("list", "--onzin", passphrase=None).returncode == 2
    r = run("deadline", "--kind", "bezwaartermijn", "--start", "22-03-2025", passphrase=None)
    assert r.returncode == 2 and "JJJJ-MM-DD" in r.stderr
    assert run("init", passphrase=None).returncode == 2  # --device is required


def test_deadline_prints_explanation_and_last_day():
    r = run("deadline", "--kind", "bezwaartermijn", "--start", "2025-03-22", passphrase=None)
    assert r.returncode == 0
    lines = r.stdout.strip().splitlines()
    assert lines[-1] == "2025-05-06"
    assert lines[0] == ("6 weken na 22-03-2025: 03-05 is een zaterdag, 04-05 een zondag, "
                        "05-05 Bevrijdingsdag; laatste dag dinsdag 06-05-2025")
    assert any("6:9" in line for line in lines)


def test_bad_import_file_names_the_path_and_changes_nothing(db, tmp_path):
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    for case in data["cases"]:
        case["ref"] = "NIEUW-" + case["ref"]
    data["cases"][2]["events"][0]["route"] = "postduif"
    bad = tmp_path / "fout.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    before = json.loads(run("list", "--db", str(db), "--json").stdout)
    r = run("import", "--db", str(db), str(bad))
    assert r.returncode == 1
    assert "cases[2].events[0].route" in r.stderr and "postduif" in r.stderr
    after = json.loads(run("list", "--db", str(db), "--json").stdout)
    assert after == before


def test_export_interchange_round_trip(db, tmp_path):
    out = tmp_path / "export.json"
    r = run("export", "interchange", "--db", str(db), "--out", str(out))
    assert r.returncode == 0, r.stderr
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert len(exported["cases"]) == 44 and "with_personal" not in exported
    other = tmp_path / "ander.db"
    assert run("init", "--db", str(other), "--device", "AMS", "--handler", "Bram").returncode == 0
    assert run("import", "--db", str(other), str(out)).returncode == 0
    again = tmp_path / "again.json"
    assert run("export", "interchange", "--db", str(other), "--out", str(again)).returncode == 0
    assert json.loads(again.read_text(encoding="utf-8")) == exported


def test_init_refuses_bad_device_code(tmp_path):
    r = run("init", "--db", str(tmp_path / "x.db"), "--device", "zwolle", "--handler", "Bram")
    assert r.returncode == 1 and "apparaatcode" in r.stderr
    assert not (tmp_path / "x.db").exists()


@pytest.mark.parametrize("period", ["2025-03", "2025-Q3", "2025"])
def test_metrics_json_equals_the_independent_figures(db, period):
    expected = json.loads((ROOT / "tests" / "data" / "expected-metrics.json")
                          .read_text(encoding="utf-8"))[period]
    r = run("metrics", "--db", str(db), "--from", expected["from"], "--to", expected["to"],
            "--json")
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert got["period"] == {"from": expected["from"], "to": expected["to"]}
    assert set(got["metrics"]) == set(expected["metrics"])
    for key, value in expected["metrics"].items():
        if value is None or got["metrics"][key] is None:
            assert got["metrics"][key] == value, key
        else:
            assert got["metrics"][key] == pytest.approx(value, abs=0.05), key


def test_metrics_text_and_an_empty_period(db):
    r = run("metrics", "--db", str(db), "--from", "2025-07-01", "--to", "2025-09-30")
    assert r.returncode == 0 and "Instroom totaal" in r.stdout
    r = run("metrics", "--db", str(db), "--from", "2025-09-30", "--to", "2025-07-01")
    assert r.returncode == 1 and "De periode is leeg" in r.stderr


def test_demo_fills_a_register_once(tmp_path):
    path = tmp_path / "demo.db"
    r = run("demo", "--db", str(path), passphrase=None, stdin="")
    assert r.returncode == 0, r.stderr
    # the simulated year plus the eight showcase cases of today
    assert "158 casussen, 12 signalen" in r.stdout
    again = run("demo", "--db", str(path), passphrase="demo-register")
    assert again.returncode == 0 and "158 casussen, 12 signalen" in again.stdout
    assert "0 casussen en 0 signalen ingelezen" in again.stdout  # idempotent
    listed = json.loads(run("list", "--db", str(path), "--json",
                            passphrase="demo-register").stdout)
    assert {row["status"] for row in listed} >= {"aangemeld", "in_behandeling", "afgerond",
                                                 "doorverwezen"}
    phases = {row["phase"] for row in listed if row["status"] == "in_behandeling"}
    assert phases >= {"geescaleerd", "wacht_op_reactie", "pauzeknop_actief"}
    assert all(row["number"].split("-")[1] == "DEMO" for row in listed)
    assert run("verify", "--db", str(path), passphrase="demo-register").returncode == 0


def test_export_signals_report_and_case_overview(db, tmp_path):
    out = tmp_path / "ksms"
    r = run("export", "signals", "--db", str(db), "--out", str(out), "--format", "html,txt",
            "--signal", "S-2025-ZWL-001")
    assert r.returncode == 1 and f"De map {out} bestaat niet" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and not out.exists()  # no folder made
    out.mkdir()
    r = run("export", "signals", "--db", str(db), "--out", str(out), "--format", "html,txt",
            "--signal", "S-2025-ZWL-001")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["signaal-S-2025-ZWL-001.html",
                                                     "signaal-S-2025-ZWL-001.txt"]
    r = run("export", "signals", "--db", str(db), "--out", str(out), "--format", "pdf")
    assert r.returncode == 1 and "Onbekend formaat pdf" in r.stderr
    r = run("export", "signals", "--db", str(db), "--out", str(out), "--external-ref", "X1")
    assert r.returncode == 1 and "--submitted-to" in r.stderr
    report = tmp_path / "rapportage.html"
    r = run("export", "report", "--db", str(db), "--from", "2025-01-01", "--to",
            "2025-12-31", "--out", str(report))
    assert r.returncode == 0, r.stderr
    html = report.read_text(encoding="utf-8")
    assert "Rapportage" in html and "<script" not in html.lower()
    example = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    for case in example["cases"]:
        for value in (case.get("personal") or {}).values():
            assert value not in html
    overview = tmp_path / "v001.html"
    r = run("show", "--db", str(db), "V-001", "--html", str(overview))
    assert r.returncode == 0, r.stderr
    assert "Voorbeeld Persoon V-001" not in overview.read_text(encoding="utf-8")
    r = run("show", "--db", str(db), "V-001", "--html", str(overview), "--with-personal")
    assert "Voorbeeld Persoon V-001" in overview.read_text(encoding="utf-8")


def test_export_evaluation_workbook(db, tmp_path):
    import openpyxl

    out = tmp_path / "evaluatie.xlsx"
    r = run("export", "evaluation", "--db", str(db), "--from", "2025-07-01", "--to",
            "2025-09-30", "--out", str(out))
    assert r.returncode == 0, r.stderr
    wb = openpyxl.load_workbook(out, read_only=True)
    assert wb.sheetnames[0] == "Overzicht" and "Casussen" in wb.sheetnames
    expected = json.loads((ROOT / "tests" / "data" / "expected-metrics.json")
                          .read_text(encoding="utf-8"))["2025-Q3"]["metrics"]
    rows = {row[0]: row for row in wb["Cijfers"].iter_rows(values_only=True)
            if len(row) > 2 and row[0]}
    assert rows["intake.total"][2] == expected["intake.total"]
    assert rows["closed.total"][2] == expected["closed.total"]
    wb.close()
    r = run("export", "evaluation", "--db", str(db), "--from", "2025-07-01", "--to",
            "2025-09-30", "--out", str(tmp_path / "evaluatie.csv"))
    assert r.returncode == 1 and ".xlsx" in r.stderr


def test_db_may_stand_before_the_command(db):
    r = run("--db", str(db), "list", "--json")
    assert r.returncode == 0, r.stderr
    assert len(json.loads(r.stdout)) == 44


def test_demo_never_fills_the_handlers_own_register(tmp_path):
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "XDG_STATE_HOME": str(tmp_path / "state"),
           "XDG_CONFIG_HOME": str(tmp_path / "config")}
    r = run("demo", passphrase=None, stdin="", env_extra=env)
    assert r.returncode == 0, r.stderr
    folder = tmp_path / "data" / "Casusregister"
    assert (folder / "demo-register.db").exists()
    assert not (folder / "register.db").exists()


def test_damage_is_found_on_open_and_reported_by_verify(db, tmp_path):
    import shutil

    copy = tmp_path / "kopie.db"
    r = run("verify", "--db", str(db))  # checkpoint through a clean open and close
    shutil.copy2(db, copy)
    shutil.copy2(db.with_name(db.name + ".keys"), copy.with_name(copy.name + ".keys"))
    data = bytearray(copy.read_bytes())
    assert len(data) > 4096 * 60
    data[4096 * 59 + 100] ^= 0xFF  # a data page (the schema pages come first)
    copy.write_bytes(bytes(data))
    # the day's first unlock makes a backup, which reads and authenticates every page
    r = run("list", "--db", str(copy))
    assert r.returncode == 1
    assert len(r.stderr.strip().splitlines()) == 1 and "beschadigd" in r.stderr
    r = run("verify", "--db", str(copy))
    assert r.returncode == 1
    assert "HMAC verification failed for page 60" in r.stdout
    assert len(r.stderr.strip().splitlines()) == 1 and "NIET in orde" in r.stderr


def test_a_bad_file_is_reported_on_one_line(db, tmp_path):
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["cases"][0]["ref"] = "NIEUW-1"
    data["cases"][0]["events"][0]["route"] = "postduif"
    data["cases"][0]["events"][0]["topics"] = []
    data["cases"] = data["cases"][:1]
    data["signals"] = []
    bad = tmp_path / "fout.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    r = run("import", "--db", str(db), str(bad))
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "(2 fouten)" in lines[0]
    assert "cases[0].events[0].route" in lines[0] and "cases[0].events[0].topics" in lines[0]


def test_usage_errors_are_in_dutch_and_exit_2(db):
    r = run("show", "--db", str(db), "V-001", "--with-personal")
    assert r.returncode == 2 and "--with-personal hoort bij --html" in r.stderr
    r = run("list", "--db", str(db), "--onzin")
    assert r.returncode == 2 and "onbekende argumenten: --onzin" in r.stderr
    r = run("init", "--db", str(db))
    assert r.returncode == 2 and "deze argumenten ontbreken: --device, --handler" in r.stderr
    r = run("deadline", "--kind", "bezwaartermijn", "--start", "9999-12-25", passphrase=None)
    assert r.returncode == 1 and "buiten het bereik" in r.stderr


def test_deadline_beyond_the_shipped_decree_days_warns():
    r = run("deadline", "--kind", "bezwaartermijn", "--start", "2031-04-11", passphrase=None)
    assert r.returncode == 0
    assert "voor 2031 is nog geen besluit gelijkstelling opgenomen" in r.stdout
    assert "Staatscourant" in r.stdout


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland check")
def test_the_gui_without_a_screen_is_one_clear_line():
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "app", "--demo"], capture_output=True,
                            text=True, cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)},
                            timeout=60)
    assert result.returncode == 1
    assert "Geen beeldscherm gevonden" in result.stderr
    assert "Traceback" not in result.stderr
