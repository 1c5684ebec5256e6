"""Faults found by trying (issue 8 faults 2, 8, 9; issue 10): one Dutch line, exit 1.

In process (``cli.main``) to keep the suite fast; registers come from the test helpers.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import cli
from app.cli import case_cmds, export_cmds, register_cmds
from app.model import codelists, deadlines, resources
from app.storage.db import DatabaseError
from app.storage.repository import Register
from tests.helpers.registers import make_register, registration, reopen


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def no_resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The shipped resources folder as a broken install leaves it: empty."""
    folder = tmp_path / "resources"
    folder.mkdir()
    monkeypatch.setattr(resources, "PACKAGE_RESOURCES", folder)
    deadlines._default_calendar.cache_clear()
    codelists.default_codelists.cache_clear()
    yield folder
    deadlines._default_calendar.cache_clear()
    codelists.default_codelists.cache_clear()


def test_deadline_reports_a_missing_holidays_file_as_that(no_resources: Path, capsys) -> None:
    code = cli.main(["deadline", "--kind", "bezwaartermijn", "--start", "2025-04-01"])
    line = _one_line(capsys)
    assert code == 1
    assert "holidays.toml (feestdagen) ontbreekt" in line and "installeer" in line
    assert "buiten het bereik" not in line


def test_deadline_reports_a_broken_holidays_file_as_that(no_resources: Path, capsys) -> None:
    (no_resources / "holidays.toml").write_text("[[day]\ndate = ", encoding="utf-8")
    assert cli.main(["deadline", "--kind", "beroepstermijn", "--start", "2025-04-01"]) == 1
    assert "holidays.toml (feestdagen) is beschadigd" in _one_line(capsys)


def test_a_missing_codelist_file_is_reported_as_that(no_resources: Path) -> None:
    with pytest.raises(resources.ResourceMissing, match=r"codelists\.toml \(codelijsten\) "
                                                        "ontbreekt"):
        codelists.default_codelists()


def test_deadline_out_of_the_calendar_still_says_so(capsys) -> None:
    assert cli.main(["deadline", "--kind", "bezwaartermijn", "--start", "9999-12-25"]) == 1
    assert "buiten het bereik van de kalender" in _one_line(capsys)


@pytest.mark.parametrize("argv", [
    ["export", "evaluation", "--from", "2025-01-01", "--to", "2025-12-31", "--out", "{m}/e.xlsx"],
    ["export", "report", "--from", "2025-01-01", "--to", "2025-12-31", "--out", "{m}/r.html"],
    ["export", "signals", "--out", "{m}"],
    ["export", "interchange", "--out", "{m}/uit.json"],
    ["show", "2025-TST-0001", "--html", "{m}/casus.html"],
])
def test_an_export_to_a_missing_folder_is_refused_before_anything(
        argv: list[str], tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    def must_not_open(args: object, **kw: object) -> None:
        raise AssertionError("the register was opened for an export that cannot be saved")

    for module in (case_cmds, export_cmds):
        monkeypatch.setattr(module, "open_register", must_not_open)
    missing = tmp_path / "typfout"
    code = cli.main([a.replace("{m}", str(missing)) for a in argv]
                    + ["--db", str(tmp_path / "r.db")])
    assert code == 1
    assert f"De map {missing} bestaat niet" in _one_line(capsys)
    assert not missing.exists()


@pytest.mark.parametrize(("error", "expected"), [
    (OSError(errno.EROFS, "Read-only file system", "/media/stick/e.xlsx"),
     "/media/stick/e.xlsx: de map staat op een schijf die alleen gelezen kan worden."),
    (IsADirectoryError(errno.EISDIR, "Is a directory", "/home/a/uit"),
     "/home/a/uit: dit is een map, geen bestand."),
    (FileNotFoundError(errno.ENOENT, "No such file or directory", "/home/a/in.json"),
     "/home/a/in.json: het bestand of de map bestaat niet."),
    (OSError(errno.ENOSPC, "No space left on device", "/home/a/e.xlsx"),
     "/home/a/e.xlsx: de schijf is vol. Er is niets half geschreven"),
    (DatabaseError("database or disk is full"), "de schijf is vol: de laatste wijziging"),
    (DatabaseError("attempt to write a readonly database"), "alleen gelezen"),
])
def test_operating_system_errors_are_shown_in_dutch(error: Exception, expected: str,
                                                    capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))

    def boom(args: object) -> int:
        raise error

    monkeypatch.setattr(register_cmds, "cmd_verify", boom)
    assert cli.main(["verify", "--db", str(tmp_path / "x.db")]) == 1
    line = _one_line(capsys)
    assert expected in line
    assert "beschadigd" not in line and "No space" not in line and "Read-only" not in line


def test_a_real_os_error_from_an_export_reaches_the_handler_in_dutch(
        tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    reg = make_register(tmp_path)
    reg.register_case(registration())
    monkeypatch.setattr(export_cmds, "open_register", lambda args, **kw: reopen(reg))
    target = tmp_path / "rapportage.html"
    target.mkdir()  # the name chosen is an existing folder
    code = cli.main(["export", "report", "--db", str(reg.path), "--from", "2025-01-01",
                     "--to", "2025-12-31", "--out", str(target)])
    assert code == 1
    assert _one_line(capsys).endswith(f"{target}: dit is een map, geen bestand.")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".rapportage")]


def test_a_full_register_disk_is_reported_as_full_and_changes_nothing(
        tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLITE_FULL, provoked for real: the file may not grow by one page."""
    reg = make_register(tmp_path)
    reg.register_case(registration())
    before = reg.counts()
    pages = reg.conn.execute("PRAGMA page_count").fetchone()[0]
    reg.conn.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DatabaseError) as exc:
        for i in range(500):  # the WAL holds a few pages; the file itself may not grow
            reg.register_case(registration(summary=f"Casus {i}: " + "zorgen " * 60))
            reg.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    # The storage's ROLLBACK after SQLite's own may replace the error; the full disk is
    # then the error it was raised during, and the guard reads the chain.
    assert any("database or disk is full" in str(e)
               for e in (exc.value, exc.value.__context__) if e is not None)
    reg = reopen(reg)
    after = reg.counts()
    assert after["events"] >= before["events"]  # every acknowledged step is there ...
    assert reg.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"  # ... and whole
    reg.close()

    def full(args: object) -> int:
        raise exc.value

    monkeypatch.setattr(register_cmds, "cmd_verify", full)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert cli.main(["verify", "--db", str(tmp_path / "register.db")]) == 1
    line = _one_line(capsys)
    assert "de schijf is vol" in line and "beschadigd" not in line


def test_register_helpers_are_real(tmp_path: Path) -> None:
    """The fault tests above run on a real SQLCipher register, not a stand-in."""
    reg = make_register(tmp_path)
    assert isinstance(reg, Register)
    assert not (tmp_path / "register.db").read_bytes().startswith(b"SQLite format 3")
    reg.close()
