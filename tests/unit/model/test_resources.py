"""The shipped resources are found inside the package, the same way in every install."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import app
from app.export.templating import TemplateProblem, make_environment, render
from app.model import resources
from app.model.codelists import load_codelists

ROOT = Path(__file__).resolve().parents[3]


def test_a_checkout_uses_its_top_level_resources() -> None:
    """The source tree keeps them in ``resources/``; the wheel installs them as
    ``app/resources`` (tests/end2end/test_wheel.py checks that side)."""
    folder = resources.resources_dir()
    assert folder == ROOT / "resources"
    for name in ("codelists.toml", "holidays.toml", "templates/report.html.j2",
                 "icons/casusregister.ico"):
        assert resources.resource(*name.split("/")).is_file(), name
    # no second copy inside the package to drift from this one
    assert not (Path(app.__file__).resolve().parent / "resources").exists()


def test_an_installed_package_uses_its_own_copy(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    installed = tmp_path / "site-packages" / "app" / "resources"
    installed.mkdir(parents=True)
    monkeypatch.setattr(resources, "PACKAGE_RESOURCES", installed)
    assert resources.resources_dir() == installed


def test_a_frozen_bundle_is_the_fallback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundled = tmp_path / "bundle" / "app" / "resources"
    bundled.mkdir(parents=True)
    monkeypatch.setattr(resources, "PACKAGE_RESOURCES", tmp_path / "archief" / "resources")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "bundle"), raising=False)
    assert resources.resources_dir() == bundled


def test_nothing_else_is_searched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A stale copy in the working folder must never be picked up silently."""
    (tmp_path / "resources").mkdir()
    (tmp_path / "resources" / "holidays.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "kapot" / "resources"
    monkeypatch.setattr(resources, "PACKAGE_RESOURCES", missing)
    monkeypatch.setattr(resources, "_CHECKOUT", tmp_path / "geen-checkout")
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert resources.resource("holidays.toml") == missing / "holidays.toml"


def test_a_missing_shipped_template_is_reported_as_that(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    lists = load_codelists()
    monkeypatch.setattr(resources, "PACKAGE_RESOURCES", tmp_path)
    env = make_environment(use_overrides=False, codelists=lists)
    with pytest.raises(TemplateProblem, match=r"Sjabloon 'report\.html\.j2' is niet gevonden"):
        render(env, "report.html.j2", {})
