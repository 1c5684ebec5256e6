"""purge, destroy, erase-text and audit at the command line (in process, through main).

What a team lead's script sees: a table or JSON on stdout, one Dutch line on stderr
with exit 1 for a mistake, exit 2 for a usage error, and nothing changed by a refusal.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import pytest

from app.cli.main import main
from tests.helpers.registers import PASSPHRASE, make_register, registration, triage

NAME = "Hendrika Kortenaer"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A register with one case closed in 2024 (its personal data long due) and one open."""
    monkeypatch.setenv("CASUSREGISTER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    reg = make_register(tmp_path)
    try:
        closed = reg.register_case(registration(received_on="2024-02-01"),
                                   personal={"name": NAME})
        reg.append(str(closed.number), "triaged", triage(on="2024-02-02"))
        reg.append(str(closed.number), "note", {"on": "2024-02-03", "text": "Naam: Kortenaer."})
        reg.append(str(closed.number), "closed", {
            "closed_on": "2024-02-29", "outcome": "opgelost", "solution": "Opgelost.",
            "powers_sufficient": "ja"})
        opened = reg.register_case(registration(), personal={"name": "Iemand Anders"})
        reg.append(str(opened.number), "triaged", triage())
    finally:
        reg.close()
    return tmp_path / "register.db"


def run(capsys: Any, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's usage errors
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_purge_lists_then_erases(db: Path, capsys: Any) -> None:
    code, out, _ = run(capsys, "purge", "--db", str(db), "--dry-run")
    assert code == 0
    assert "2024-TST-0001" in out and "29-02-2024" in out and "01-03-2025" in out
    assert "er is niets gewist (--dry-run)" in out
    assert "2025-TST-0002" not in out  # open: kept
    code, out, _ = run(capsys, "purge", "--db", str(db))
    assert code == 0 and "1 persoonsgegevens van 1 casussen gewist" in out
    code, out, _ = run(capsys, "purge", "--db", str(db))
    assert "Geen persoonsgegevens die gewist moeten worden." in out
    code, out, _ = run(capsys, "audit", "--db", str(db), "--action", "purge", "--json")
    rows = json.loads(out)
    assert [r["object"] for r in rows] == ["1 casussen", "0 casussen"]
    assert NAME not in out


def test_destroy_and_the_vernietigd_filter(db: Path, capsys: Any) -> None:
    code, _, err = run(capsys, "destroy", "--db", str(db), "2025-TST-0002", "--reason", "x")
    assert code == 1 and "kan niet worden vernietigd" in err and len(err.splitlines()) == 1
    code, _, err = run(capsys, "destroy", "--db", str(db), "2024-TST-0001")
    assert code == 2 and "--reason" in err
    code, out, _ = run(capsys, "destroy", "--db", str(db), "2024-TST-0001", "--reason",
                       "Archiefwet: termijn verstreken.")
    assert code == 0 and "is vernietigd" in out
    code, out, _ = run(capsys, "list", "--db", str(db), "--json")
    assert [c["number"] for c in json.loads(out)] == ["2025-TST-0002"]
    code, out, _ = run(capsys, "list", "--db", str(db), "--status", "vernietigd")
    assert "2024-TST-0001" in out and "Vernietigd" in out
    code, out, _ = run(capsys, "show", "--db", str(db), "2024-TST-0001", "--json")
    shown = json.loads(out)
    assert shown["case"]["status"] == "vernietigd" and "Kortenaer" not in out
    code, out, _ = run(capsys, "verify", "--db", str(db))
    assert code == 0


def test_erase_text_by_event_id(db: Path, capsys: Any) -> None:
    code, out, _ = run(capsys, "show", "--db", str(db), "2024-TST-0001", "--json")
    note = next(e for e in json.loads(out)["events"] if e["kind"] == "note")
    code, _, err = run(capsys, "erase-text", "--db", str(db), note["id"], "--field", "on",
                       "--reason", "x")
    assert code == 1 and "geen tekstveld" in err and len(err.splitlines()) == 1
    code, out, _ = run(capsys, "erase-text", "--db", str(db), note["id"], "--field", "text",
                       "--reason", "Naam getypt.")
    assert code == 0 and "Tekst gewist" in out
    code, out, _ = run(capsys, "show", "--db", str(db), "2024-TST-0001", "--json")
    assert "Kortenaer" not in out
    code, _, err = run(capsys, "erase-text", "--db", str(db), note["id"], "--field", "text",
                       "--reason", "Nog eens.")
    assert code == 1 and "leeg of al gewist" in err


def test_audit_lists_checks_and_exports(db: Path, capsys: Any, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "audit", "--db", str(db))
    assert code == 0 and "Register aangemaakt" in out and "Ontgrendeld" in out
    code, out, _ = run(capsys, "audit", "--db", str(db), "--action", "unlock", "--json")
    rows = json.loads(out)
    assert rows and {r["action"] for r in rows} == {"unlock"}
    assert all(r["device_code"] == "TST" and r["actor"] == "Tester" for r in rows)
    code, _, err = run(capsys, "audit", "--db", str(db), "--action", "inloggen")
    assert code == 2 and "onbekende handeling" in err
    code, _, err = run(capsys, "audit", "--db", str(db), "--from", "2025-02-01",
                       "--to", "2025-01-01")
    assert code == 1 and "periode is leeg" in err
    code, out, _ = run(capsys, "audit", "verify", "--db", str(db))
    assert code == 0 and "Auditlogboek in orde" in out and "zegel" in out
    target = tmp_path / "audit.csv"
    code, out, _ = run(capsys, "audit", "export", "--db", str(db), "--out", str(target))
    assert code == 0 and target.exists()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    code, _, err = run(capsys, "audit", "export", "--db", str(db), "--out",
                       str(tmp_path / "audit.xlsx"))
    assert code == 2 and ".csv of .json" in err


def test_audit_verify_fails_on_a_changed_row(db: Path, capsys: Any) -> None:
    from app.storage.repository import Register

    reg = Register.open(db, PASSPHRASE)
    try:
        reg.conn.execute("DROP TRIGGER audit_no_update")
        reg.conn.execute("UPDATE audit SET actor = 'Iemand anders' WHERE seq = 1")
    finally:
        reg.close()
    code, out, err = run(capsys, "audit", "verify", "--db", str(db))
    assert code == 1
    assert "auditregel 1: de inhoud is gewijzigd" in out
    assert "NIET in orde" in err and len(err.splitlines()) == 1
