"""The CLI's last guards: one Dutch line and exit 1 for every failure, never a traceback."""

from __future__ import annotations

import pytest

from app import cli
from app.cli import register_cmds
from app.storage.db import DatabaseError


@pytest.mark.parametrize(("error", "expected"), [
    (DatabaseError("database disk image is malformed"), "beschadigd of onleesbaar"),
    (PermissionError(13, "Permission denied", "/alleen-lezen/uit.html"),
     "/alleen-lezen/uit.html: geen toestemming"),
    (RuntimeError("iets onverwachts"), "onverwachte fout (RuntimeError)"),
])
def test_failures_become_one_line(monkeypatch, capsys, tmp_path, error, expected):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))

    def boom(args):
        raise error

    monkeypatch.setattr(register_cmds, "cmd_verify", boom)
    code = cli.main(["verify", "--db", str(tmp_path / "x.db")])
    err = capsys.readouterr().err
    assert code == 1
    assert expected in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert "iets onverwachts" not in err  # messages may hold case data: not printed
