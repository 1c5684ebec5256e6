"""The wheel as a new user gets it: built, installed into a fresh venv, run elsewhere.

Marked ``wheel`` and left out of the normal run (about a minute: a build, a venv and
an install of PySide6 from the package cache); ``.ci/run`` runs it as its own step:
``python -m pytest -m wheel tests/end2end/test_wheel.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.wheel

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = {"codelists.toml", "holidays.toml", "templates/base.html.j2",
             "templates/report.html.j2", "templates/signal_form.html.j2",
             "templates/signal_form.txt.j2", "templates/case_overview.html.j2",
             "templates/print.css", "icons/casusregister.png", "icons/casusregister.ico"}


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None,
         timeout: int = 600) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{cmd}: {result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the built wheel (and its dependencies) installed."""
    base = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(base), str(ROOT)],
         cwd=ROOT)
    [wheel] = base.glob("casusregister-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
    assert {f"app/resources/{name}" for name in RESOURCES} <= names
    assert "app/demo/phrases.toml" in names
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=base)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    _run([str(bindir / "python"), "-m", "pip", "install", "-q", str(wheel)], cwd=base)
    return bindir


def test_the_sdist_carries_the_resources(tmp_path: Path) -> None:
    code = ("import sys; from setuptools import build_meta; "
            "print(build_meta.build_sdist(sys.argv[1]))")
    name = _run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT).stdout.split()[-1]
    with tarfile.open(tmp_path / name) as tar:
        members = {m.split("/", 1)[1] for m in tar.getnames() if "/" in m}
    # An sdist keeps the source tree's layout (the top-level resources/ folder); the
    # wheel built from it maps that folder to app/resources (see ``installed``).
    assert {f"resources/{name}" for name in RESOURCES} <= members
    assert "app/demo/phrases.toml" in members


def test_the_installed_program_runs_its_commands_from_another_folder(
        installed: Path, tmp_path: Path) -> None:
    work = tmp_path / "elders"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update({"CASUSREGISTER_PASSPHRASE": "wiel-wachtwoordzin-2025",
                "XDG_DATA_HOME": str(tmp_path / "data"),
                "XDG_STATE_HOME": str(tmp_path / "state"),
                "XDG_CONFIG_HOME": str(tmp_path / "config"),
                "PATH": f"{installed}{os.pathsep}{env.get('PATH', '')}"})
    exe = str(installed / "casusregister")

    def cli(*args: str) -> str:
        return _run([exe, *args], cwd=work, env=env, timeout=300).stdout

    # the program comes from the venv, not from this checkout
    where = _run([str(installed / "python"), "-c", "import app; print(app.__file__)"],
                 cwd=work, env=env).stdout
    assert str(ROOT) not in where and "site-packages" in where

    assert cli("--version").startswith("casusregister ")
    assert "Register aangemaakt" in cli("init", "--db", "register.db", "--device", "WHL",
                                        "--handler", "Wiel")
    assert "Demoregister" in cli("demo", "--db", "demo.db")
    cli("export", "report", "--db", "demo.db", "--from", "2025-01-01", "--to", "2025-12-31",
        "--out", "rapportage.html", "--override-lint", "demo")
    assert "Rapportage" in (work / "rapportage.html").read_text(encoding="utf-8")
    (work / "ksms").mkdir()
    cli("export", "signals", "--db", "demo.db", "--out", "ksms", "--format", "html,txt,xlsx",
        "--override-lint", "demo")
    assert (work / "ksms" / "signalen.xlsx").stat().st_size > 0
    assert list((work / "ksms").glob("signaal-*.txt"))
    number = json.loads(cli("list", "--db", "demo.db", "--json"))[0]["number"]
    cli("show", "--db", "demo.db", number, "--html", "casus.html")
    assert number in (work / "casus.html").read_text(encoding="utf-8")
    out = cli("deadline", "--kind", "bezwaartermijn", "--start", "2025-04-01")
    assert out.strip().splitlines()[-1] == "2025-05-13"
