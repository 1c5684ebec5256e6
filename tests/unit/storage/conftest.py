"""Fixtures shared by the storage tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.storage.repository import Register
from tests.helpers.registers import team_member


@pytest.fixture
def team(tmp_path: Path) -> Iterator[dict[str, Register]]:
    """Two handlers' laptops and the team lead's register, one exchange passphrase."""
    regs = {code: team_member(tmp_path, code, name) for code, name in
            (("AAA", "Anna"), ("BBB", "Bram"), ("TL", "Teamleider"))}
    yield regs
    for reg in regs.values():
        if reg.conn is not None:
            reg.close()
