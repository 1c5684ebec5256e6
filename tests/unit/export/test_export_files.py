"""Every export: a private file (0600) in an existing folder, never a folder of its own.

Issue 8 faults 7 and 8, for the workbook, the report, the signal forms (HTML, text and
signalen.xlsx), the case overview and the interchange file, with the umask most
laptops have (022), under which a file made without care is readable by everyone.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

from app.export.case_overview import write_case_overview
from app.export.report import write_report
from app.export.signal_forms import plan_signal_export, write_signal_forms
from app.export.workbook import write_evaluation
from app.storage.files import FolderMissing
from app.storage.interchange_io import export_file, import_file
from app.storage.repository import Register
from tests.helpers.registers import EXAMPLE, make_register

START, END = date(2025, 1, 1), date(2025, 12, 31)
REASON = "testgegevens"


@pytest.fixture(scope="module")
def reg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Register]:
    register = make_register(tmp_path_factory.mktemp("reg"))
    import_file(register, EXAMPLE)
    yield register
    register.close()


@pytest.fixture(autouse=True)
def _umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _exports(reg: Register, temp: Path) -> dict[str, Callable[[Path], list[Path]]]:
    """Each export as "write into this folder", returning the files it wrote."""
    number = reg.list_signals()[0].number
    case = reg.case(reg.list_cases()[0].number)
    return {
        "evaluatie": lambda d: [write_evaluation(reg, START, END, d / "e.xlsx",
                                                 override_lint=REASON, temp_dir=temp).path],
        "rapportage": lambda d: [write_report(reg, START, END, d / "r.html",
                                              override_lint=REASON)],
        "signalen": lambda d: write_signal_forms(
            reg, plan_signal_export(reg, [number], ["html", "txt", "xlsx"]), d,
            override_lint=REASON, temp_dir=temp),
        "casusoverzicht": lambda d: [write_case_overview(reg, case, d / "c.html")],
        "uitwisseling": lambda d: [export_file(reg, d / "x.json") and d / "x.json"],
    }


@pytest.mark.parametrize("kind", ["evaluatie", "rapportage", "signalen", "casusoverzicht",
                                  "uitwisseling"])
def test_every_export_is_private_and_needs_an_existing_folder(reg: Register, tmp_path: Path,
                                                              kind: str) -> None:
    export = _exports(reg, tmp_path / "tmp")[kind]
    missing = tmp_path / "bestaat-niet"
    with pytest.raises(FolderMissing, match="bestaat niet"):
        export(missing)
    assert not missing.exists()

    out = tmp_path / "uit"
    out.mkdir()
    written = export(out)
    assert written and all(p.parent == out for p in written)
    if kind == "signalen":
        assert {p.suffix for p in written} == {".html", ".txt", ".xlsx"}
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in written)  # no temp
    if os.name == "posix":
        for path in written:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
        temp = tmp_path / "tmp"
        if temp.exists():
            assert stat.S_IMODE(temp.stat().st_mode) == 0o700
