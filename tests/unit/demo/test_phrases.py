"""The demo's phrases are a data file shipped with the program (app/demo/phrases.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.demo import phrases
from app.model.resources import ResourceMissing


def test_a_missing_phrases_file_is_named_in_one_dutch_line(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(phrases, "PHRASES_FILE", tmp_path / "phrases.toml")
    with pytest.raises(ResourceMissing, match=r"phrases\.toml .*ontbreekt"):
        phrases._load()


def test_a_damaged_phrases_file_is_named_in_one_dutch_line(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    broken = tmp_path / "phrases.toml"
    broken.write_text("cities = [\n", encoding="utf-8")
    monkeypatch.setattr(phrases, "PHRASES_FILE", broken)
    with pytest.raises(ResourceMissing, match=r"phrases\.toml .*beschadigd"):
        phrases._load()


def test_every_signal_template_names_known_services() -> None:
    services = {s for ts in phrases.SIGNAL_TEMPLATES.values() for t in ts for s in t.services}
    assert services == {"belastingdienst", "dienst_toeslagen"}
    assert all(t.title and t.problem and t.solution
               for ts in phrases.SIGNAL_TEMPLATES.values() for t in ts)


def test_a_phrases_file_that_is_no_utf8_is_named_damaged(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    broken = tmp_path / "phrases.toml"
    broken.write_bytes(b"cities = [\"\xff\"]\n")
    monkeypatch.setattr(phrases, "PHRASES_FILE", broken)
    with pytest.raises(ResourceMissing, match=r"phrases\.toml .*beschadigd"):
        phrases._load()
