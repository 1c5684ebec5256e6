"""The parser speaks Dutch without changing argparse for anyone else in the process."""

from __future__ import annotations

import argparse

import pytest

from app.cli import build_parser, main


def test_help_is_dutch_throughout(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("gebruik: casusregister")
    for english in ("usage:", "show this help", "show program's version", "options:",
                    "positional arguments"):
        assert english not in out
    assert "toon het versienummer en stop" in out


def test_usage_errors_are_dutch_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main_exit(["list", "--status", "weg"]) == 2
    err = capsys.readouterr().err
    assert "ongeldige keuze: 'weg'" in err and "invalid choice" not in err
    assert main_exit(["export", "evaluation", "--to", "2025-01-01"]) == 2
    assert "deze argumenten ontbreken: --from, --out" in capsys.readouterr().err


def test_argparse_itself_is_left_alone(capsys: pytest.CaptureFixture[str]) -> None:
    build_parser()
    plain = argparse.ArgumentParser(prog="ander")
    with pytest.raises(SystemExit):
        plain.parse_args(["--onbekend"])
    assert "unrecognized arguments: --onbekend" in capsys.readouterr().err


@pytest.mark.parametrize("before", [True, False])
def test_global_options_work_before_and_after_the_command(
        before: bool, tmp_path: pytest.TempPathFactory,
        capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "leeg.txt"  # type: ignore[operator]
    secret.write_text("")
    db = tmp_path / "r.db"  # type: ignore[operator]
    opts = ["--db", str(db), "--passphrase-file", str(secret)]
    argv = [*opts, "list"] if before else ["list", *opts]
    assert main(argv) == 1
    # the (empty) passphrase file was read, wherever the option stood
    assert f"Het wachtwoordbestand {secret} is leeg." in capsys.readouterr().err


def main_exit(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as stop:
        return int(stop.code or 0)


def test_list_never_cuts_a_status(tmp_path, monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    from app.cli import case_cmds
    from app.storage.repository import Register
    from tests.helpers.registers import PASSPHRASE, make_register, registration, triage

    reg = make_register(tmp_path)
    reg.register_case(registration())
    number = reg.register_case(registration()).number
    reg.append(number, "triaged", triage(decision="niet_in_behandeling",
                                         reason_code="buiten_taak"))
    path = reg.path
    reg.close()
    # the test register has a low key-derivation cost; the command opens it that way
    monkeypatch.setattr(case_cmds, "open_register",
                        lambda args, **kw: Register.open(path, PASSPHRASE))
    assert main(["list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any("Niet in behandeling genomen" in line for line in lines)
    assert any(line.split("  ")[2].strip().startswith("Aangemeld (te tri") for line in lines[1:])
