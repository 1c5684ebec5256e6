"""Every message that points to a command names one that exists (issue 8).

A damage message once said "zet een back-up terug met 'casusregister restore'" while
no such command existed. This reads every quoted ``'casusregister ...'`` in the
program's texts and asks the real parser for it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.cli import build_parser

ROOT = Path(__file__).resolve().parents[3]
POINTER = re.compile(r"'casusregister ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)?)")


def _pointers() -> set[str]:
    found: set[str] = set()
    for path in [*(ROOT / "app").rglob("*.py"), *(ROOT / "resources").rglob("*.j2")]:
        found.update(POINTER.findall(path.read_text(encoding="utf-8")))
    return found


def _commands() -> set[str]:
    parser = build_parser()
    names: set[str] = set()
    for action in parser._subparsers._group_actions:  # the top-level commands
        for name, sub in action.choices.items():
            names.add(name)
            nested = sub._subparsers._group_actions if sub._subparsers else []
            for inner in nested:
                names.update(f"{name} {child}" for child in inner.choices)
    return names


def test_the_texts_point_to_commands() -> None:
    pointers = _pointers()
    assert {"restore", "bundle import", "recover"} <= {p.split(" --")[0] for p in pointers}


@pytest.mark.parametrize("pointer", sorted(_pointers()))
def test_every_pointer_names_a_command_that_exists(pointer: str) -> None:
    commands = _commands()
    first = pointer.split()[0]
    groups = {c.split()[0] for c in commands if " " in c}  # bundle, export: need a second word
    if first in groups:
        assert pointer in commands, pointer
    else:
        assert first in commands, pointer
