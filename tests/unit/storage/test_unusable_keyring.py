"""A keyring that cannot serve its register (damaged, or copied from another register)
never stands between the handler and the recovery code (docs/SECURITY.md: the code opens
the register without the keyring)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.model import recovery
from app.storage.keyring import keyring_path
from app.storage.keys import recover, set_aside_unusable_keyring
from app.storage.repository import Register
from tests.helpers.registers import FAST_KDF, PASSPHRASE, make_register

NEW = "zeven groene kikkers op een vlot"


def _made(tmp_path: Path, name: str = "register.db", device: str = "TST") -> tuple[Path, str]:
    reg = make_register(tmp_path, name, device=device)
    code = reg.new_recovery_code
    assert code is not None
    reg.close()
    return tmp_path / name, code


@pytest.mark.parametrize("how", ["garbage", "foreign"])
def test_an_unusable_keyring_is_set_aside_and_the_code_recovers(tmp_path: Path,
                                                               how: str) -> None:
    path, code = _made(tmp_path)
    ring = keyring_path(path)
    if how == "garbage":
        ring.write_text("{kapot")
    else:
        other, _ = _made(tmp_path, "ander.db", "AND")
        shutil.copy2(keyring_path(other), ring)
    before = ring.read_bytes()
    # ``recover`` sets the unusable keyring aside itself (the CLI and the GUI alike)
    recover(path, code, NEW, kdf=FAST_KDF).close()
    [aside] = path.parent.glob(f"{ring.name}.onbruikbaar-*")
    assert aside.read_bytes() == before  # kept, not deleted
    assert (aside.stat().st_mode & 0o777) == 0o600
    Register.open(path, NEW).close()


def test_a_good_keyring_or_a_wrong_code_changes_nothing(tmp_path: Path) -> None:
    path, code = _made(tmp_path)
    _other, other_code = _made(tmp_path, "ander.db", "AND")
    before = keyring_path(path).read_bytes()
    assert set_aside_unusable_keyring(path, code) is None  # the keyring fits
    keyring_path(path).write_text("{kapot")
    assert set_aside_unusable_keyring(path, other_code) is None  # not this register's
    assert set_aside_unusable_keyring(path, "geen code") is None
    assert keyring_path(path).read_text() == "{kapot"
    keyring_path(path).write_bytes(before)
    Register.open(path, PASSPHRASE).close()
    assert recovery.decode(code)


def test_file_errors_are_told_in_dutch_not_in_the_c_librarys_english(tmp_path):
    """A folder where a keyring, a bundle or a register should be: the same Dutch words
    on every laptop, never "Is a directory" or the system's own language."""
    from app.storage import keyring
    from app.storage.bundle_file import BundleIOError, read_header
    from app.storage.errors import KeyringProblem
    from app.storage.unlock import check_file

    folder = tmp_path / "map"
    folder.mkdir()
    messages = []
    for call, kind in ((lambda: keyring.read(folder), KeyringProblem),
                       (lambda: read_header(folder), BundleIOError),
                       (lambda: check_file(folder / "x" / "register.db"), Exception)):
        with pytest.raises(kind) as caught:
            call()
        messages.append(str(caught.value))
    assert "dit is een map" in messages[0] and "dit is een map" in messages[1]
    for text in messages:
        assert "directory" not in text.lower() and "errno" not in text.lower()
