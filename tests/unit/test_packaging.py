"""The frozen program's recipe: two executables, no UPX, a version resource that parses.

The build itself is ``packaging/smoke.sh`` (a step of .ci/run); these checks are quick
and catch a spec edited into something Windows would reject.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path
from typing import Any

import app

ROOT = Path(__file__).resolve().parents[2]


def _winversion() -> Any:
    spec = importlib.util.spec_from_file_location("winversion",
                                                  ROOT / "packaging" / "winversion.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _calls(tree: ast.AST, name: str) -> list[ast.Call]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Name) and n.func.id == name]


def _kw(call: ast.Call, name: str) -> Any:
    for kw in call.keywords:
        if kw.arg == name:
            return ast.literal_eval(kw.value) if isinstance(kw.value, ast.Constant) else kw.value
    return None


def test_the_spec_makes_a_windowed_and_a_console_program_without_upx() -> None:
    tree = ast.parse((ROOT / "build_installer.spec").read_text(encoding="utf-8"))
    exes = {_kw(c, "name"): c for c in _calls(tree, "EXE")}
    assert set(exes) == {"Casusregister", "casusregister-cli"}
    assert _kw(exes["Casusregister"], "console") is False
    assert _kw(exes["casusregister-cli"], "console") is True
    for call in [*exes.values(), *_calls(tree, "COLLECT")]:
        assert _kw(call, "upx") is False
    assert all(_kw(c, "icon") is not None and _kw(c, "version") is not None
               for c in exes.values())


def test_the_version_resource_carries_the_package_version() -> None:
    winversion = _winversion()
    assert winversion.version_tuple("0.1.0") == (0, 1, 0, 0)
    assert winversion.version_tuple("2.10.3.7rc1") == (2, 10, 3, 7)
    text = winversion.version_info_text(app.__version__, name="casusregister-cli",
                                        description="Casusregister (opdrachtregel)")
    [root] = _calls(ast.parse(text), "VSVersionInfo")
    [fixed] = _calls(root, "FixedFileInfo")
    assert ast.literal_eval(_kw(fixed, "filevers")) == winversion.version_tuple(app.__version__)
    strings = {ast.literal_eval(c.args[0]): ast.literal_eval(c.args[1])
               for c in _calls(root, "StringStruct")}
    assert strings["OriginalFilename"] == "casusregister-cli.exe"
    assert strings["ProductVersion"] == app.__version__
    assert "Financiën" in strings["CompanyName"]
