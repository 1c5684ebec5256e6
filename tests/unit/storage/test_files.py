"""Private, atomic files: modes on POSIX, the Windows branches faked, a full disk."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from app.storage import files
from app.storage.files import FolderMissing, atomic_writer, existing_folder, private_dir

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _umask() -> object:
    old = os.umask(0o022)  # what most laptops have: without care, files become 0644
    yield
    os.umask(old)


@posix_only
def test_files_are_0600_and_new_folders_0700(tmp_path: Path) -> None:
    (tmp_path / "bestaand").mkdir(mode=0o755)
    folder = private_dir(tmp_path / "bestaand" / "a" / "b")
    assert _mode(tmp_path / "bestaand" / "a") == 0o700 and _mode(folder) == 0o700
    assert _mode(tmp_path / "bestaand") == 0o755  # a folder we did not make is left alone
    files.write_text_atomic(folder / "x.txt", "regel\n")
    assert _mode(folder / "x.txt") == 0o600
    with files.open_private(folder / "log.txt", "a") as fh:
        fh.write("x\n")
    assert _mode(folder / "log.txt") == 0o600


def test_windows_skips_the_mode_bits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chmods: list[object] = []
    monkeypatch.setattr(files, "_WINDOWS", True)
    monkeypatch.setattr(files.os, "chmod", lambda *a, **k: chmods.append(a))
    private_dir(tmp_path / "nieuw" / "map")
    (tmp_path / "f").write_text("x", encoding="utf-8")
    files.restrict(tmp_path / "f")
    assert chmods == []  # the profile folder's ACL protects them there (docs/INSTALL.md)
    assert (tmp_path / "nieuw" / "map").is_dir()


def _flaky_replace(monkeypatch: pytest.MonkeyPatch, failures: int) -> list[int]:
    calls: list[int] = []
    real = os.replace

    def replace(src: object, dst: object) -> None:
        calls.append(1)
        if len(calls) <= failures:
            raise PermissionError(13, "Access is denied")  # WinError 5/32: held open
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(files.os, "replace", replace)
    monkeypatch.setattr(files.time, "sleep", lambda s: None)
    return calls


def test_windows_waits_out_a_reader_holding_the_target(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "_WINDOWS", True)
    calls = _flaky_replace(monkeypatch, failures=3)
    target = tmp_path / "sleutels.keys"
    target.write_text("oud", encoding="utf-8")
    files.write_text_atomic(target, "nieuw")
    assert target.read_text(encoding="utf-8") == "nieuw" and len(calls) == 4


def test_windows_gives_up_on_a_file_held_open_for_good(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "_WINDOWS", True)
    calls = _flaky_replace(monkeypatch, failures=1000)
    target = tmp_path / "werkmap.xlsx"
    target.write_text("oud", encoding="utf-8")
    with pytest.raises(PermissionError):
        files.write_text_atomic(target, "nieuw")
    assert len(calls) == 20
    assert target.read_text(encoding="utf-8") == "oud"
    assert [p.name for p in tmp_path.iterdir()] == ["werkmap.xlsx"]  # no temp file left


def test_posix_does_not_retry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "_WINDOWS", False)
    calls = _flaky_replace(monkeypatch, failures=1)
    with pytest.raises(PermissionError):
        files.write_text_atomic(tmp_path / "x", "nieuw")
    assert len(calls) == 1


def test_a_full_disk_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "rapportage.html"
    target.write_text("de vorige versie", encoding="utf-8")
    with pytest.raises(OSError) as exc, atomic_writer(target, "wb") as fh:
        fh.write(b"<html>half")  # type: ignore[arg-type]
        raise OSError(errno.ENOSPC, "No space left on device")
    assert exc.value.errno == errno.ENOSPC
    assert target.read_text(encoding="utf-8") == "de vorige versie"
    assert [p.name for p in tmp_path.iterdir()] == ["rapportage.html"]


def test_text_is_utf8_with_newline_line_ends(tmp_path: Path) -> None:
    with atomic_writer(tmp_path / "t.txt", "w") as fh:
        fh.write("één\nregel\n")  # type: ignore[arg-type]
    assert (tmp_path / "t.txt").read_bytes() == "één\nregel\n".encode()


def test_an_export_folder_must_exist_and_is_never_made(tmp_path: Path) -> None:
    assert existing_folder(tmp_path) == tmp_path
    with pytest.raises(FolderMissing, match="bestaat niet"):
        existing_folder(tmp_path / "typfout" / "uit")
    assert not (tmp_path / "typfout").exists()
    (tmp_path / "bestand").write_text("x", encoding="utf-8")
    with pytest.raises(FolderMissing, match="geen map"):
        existing_folder(tmp_path / "bestand")
