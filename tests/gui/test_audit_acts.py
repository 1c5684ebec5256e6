"""Every sensitive act leaves one audit row (docs/SECURITY.md, BIO 8.15).

Each act of docs/SECURITY.md's table (and of issue 9: destroy, erase a text, a settings
change) is performed through the same functions the GUI and the CLI call, and its row
is read back: time, actor, device, action, object and result, never a passphrase, a
recovery code or a personal-data value.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.storage import audit
from app.storage.audit import AuditRow
from app.storage.repository import Register
from tests.gui.conftest import EXAMPLE, KDF, PASSPHRASE
from tests.helpers.registers import TEAM

NEW_PASSPHRASE = "een-nieuwe-lange-zin-voor-het-team"
NAME, BSN = "Geertruida Zonnebloem", "111222333"


def last(reg: Register, action: str) -> AuditRow:
    found = audit.query(reg.conn, audit.AuditQuery(action=action))
    assert found, f"no audit row for {action}"
    return found[-1]


def test_every_sensitive_act_leaves_its_row(qtbot: Any, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from app.cli.main import main
    from app.export.workbook import write_evaluation
    from app.storage.backup import make_backup
    from app.storage.crypto import TEST_KDF
    from app.storage.exchange import export_bundle, import_bundles, set_exchange_passphrase
    from app.storage.interchange_io import export_file, import_file
    from app.storage.keys import change_passphrase
    from app.storage.retention import destroy, erase_text, purge
    from app.ui.session import Session

    path = tmp_path / "register.db"
    reg = Register.create(path, PASSPHRASE, "TST", "Tester", kdf=KDF)
    code = reg.new_recovery_code or ""
    device = reg.settings.device_id
    reg.today = lambda: date(2030, 1, 1)
    expected: dict[str, str] = {}  # action -> a part of its object

    set_exchange_passphrase(reg, TEAM)  # a setting: audited as changed, never its value
    import_file(reg, EXAMPLE)
    expected["import"] = EXAMPLE.name
    number = reg.list_cases()[0].number
    reg.set_personal(number, {"name": NAME, "bsn": BSN})
    reg.personal(number)
    expected["view_personal"] = number
    reg.update_settings(retention_months=18)
    expected["settings_change"] = "retention_months"
    out = tmp_path / "evaluatie.xlsx"
    write_evaluation(reg, date(2025, 1, 1), date(2025, 12, 31), out, temp_dir=tmp_path / "t")
    expected["export_evaluation"] = "2025-01-01..2025-12-31 -> "
    export_file(reg, tmp_path / "alles.json")
    expected["export_interchange"] = "alles.json"
    reg.create_signal({"created_on": "2025-04-01", "title": f"Terugvordering BSN {BSN}",
                       "problem": "Onduidelijke brieven.", "proposed_solution": "Herschrijven.",
                       "theme": "dienstverlening", "services": ["dienst_toeslagen"]})
    write_evaluation(reg, date(2025, 1, 1), date(2025, 12, 31), tmp_path / "tweede.xlsx",
                     override_lint="titel wordt nog aangepast", temp_dir=tmp_path / "t")
    expected["override_lint"] = "titel wordt nog aangepast"
    backup = make_backup(reg, out=tmp_path / "kopie.db")
    expected["backup"] = "kopie.db"
    week = tmp_path / "week.bundel"
    export_bundle(reg, week, kdf=TEST_KDF)
    handover = tmp_path / "overdracht.bundel"
    export_bundle(reg, handover, handover=[number], kdf=TEST_KDF)
    expected["bundle_export"] = "overdracht.bundel"  # each bundle has its row; the last
    expected["handover_sent"] = number
    import_bundles(reg, [week, handover])  # the merge; here it finds nothing new
    expected["bundle_import"] = "overdracht.bundel"
    expected["handover_received"] = number
    closed = next(r.number for r in reg.list_cases() if r.status == "afgerond")
    note = reg.append(closed, "note", {"on": "2025-12-01", "text": "Tekst met een naam."})
    note_id = next(e.id for e in note.effective if e.kind == "note")
    erase_text(reg, note_id, ["text"], "Naam getypt.")
    expected["erase_text"] = note_id
    destroy(reg, closed, "Archiefwet.")
    expected["destroy"] = closed
    purge(reg)
    expected["purge"] = "casussen"
    change_passphrase(reg, NEW_PASSPHRASE, kdf=KDF)
    expected["passphrase_change"] = path.name
    Session(reg).lock()  # the GUI's lock: closes the register
    expected["lock"] = path.name
    assert reg.conn is None

    with pytest.raises(Exception, match="Onjuiste wachtwoordzin"):
        Register.open(path, "dit-is-niet-de-goede-zin")
    reg = Register.open(path, NEW_PASSPHRASE)
    expected["unlock_failed"] = path.name
    expected["unlock"] = path.name
    try:
        for action, part in expected.items():
            check_row(last(reg, action), part, device)
        assert last(reg, "unlock_failed").result == "geweigerd"
        no_secrets(reg, PASSPHRASE, NEW_PASSPHRASE, TEAM, code, NAME, BSN)
    finally:
        reg.close()

    # A restore puts the backup's own trail back (the replaced register, with the rows
    # made since, is set aside), then adds its row and purges again at once.
    monkeypatch.setenv("CASUSREGISTER_PASSPHRASE", NEW_PASSPHRASE)
    assert main(["restore", "--db", str(path), "--from", str(backup)]) == 0
    reg = Register.open(path, NEW_PASSPHRASE)
    try:
        check_row(last(reg, "restore"), "kopie.db", device)
        assert "vervangen register" in last(reg, "restore").result
        actions = [r.action for r in audit.query(reg.conn)]
        assert actions.index("purge", actions.index("restore")) > actions.index("restore")
        no_secrets(reg, PASSPHRASE, NEW_PASSPHRASE, code, NAME, BSN)
    finally:
        reg.close()


def check_row(row: AuditRow, part: str, device: str) -> None:
    assert part in row.object, row
    assert row.action_label != row.action, row  # the viewer shows it in Dutch
    assert row.actor == "Tester" and row.device == device, row
    assert row.at.endswith("Z") and len(row.at) == 20, row
    assert row.result, row


def no_secrets(reg: Register, *secrets: str) -> None:
    trail = " ".join(f"{r.actor} {r.object} {r.result}" for r in audit.query(reg.conn))
    for secret in secrets:
        assert secret not in trail
    assert audit.verify_chain(reg.conn) == []
