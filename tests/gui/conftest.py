"""GUI fixtures: real SQLCipher registers (low key-derivation cost), real widgets.

``small_path`` is the example interchange file in a fresh register per test (0.1 s);
``big_path`` is a 2,000-case synthetic register built once per test session (about
8 s) and opened read-mostly by the tests that need scale.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.storage.crypto import TEST_KDF
from app.storage.interchange_io import import_data, import_file
from app.storage.repository import Register

PASSPHRASE = "correct horse battery staple"
KDF = TEST_KDF  # Argon2id at test cost (docs/ARCHITECTURE.md allows it for tests)
EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "interchange-2025-small.json"
BIG_CASES = 2000
BIG_SEED = 7
BIG_START = date(2025, 1, 6)
BIG_END = date(2025, 12, 19)


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path_factory: pytest.TempPathFactory,
                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the user's real data, config or log folders."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))


@pytest.fixture
def opener() -> Any:
    """Register.open with the tests' low key-derivation cost."""
    return functools.partial(Register.open)


@pytest.fixture
def creator() -> Any:
    return functools.partial(Register.create, kdf=KDF)


def make_small(path: Path) -> Path:
    reg = Register.create(path, PASSPHRASE, "TST", "Tester", kdf=KDF)
    try:
        import_file(reg, EXAMPLE)
    finally:
        reg.close()
    return path


@pytest.fixture
def small_path(tmp_path: Path) -> Path:
    return make_small(tmp_path / "register.db")


@pytest.fixture
def small_register(small_path: Path) -> Iterator[Register]:
    reg = Register.open(small_path, PASSPHRASE)
    yield reg
    if reg.conn is not None:
        reg.close()


@pytest.fixture
def session(qtbot: Any, small_register: Register) -> Any:
    from app.ui.session import Session

    return Session(small_register)


@pytest.fixture(scope="session")
def big_data() -> dict[str, Any]:
    from app.demo import synthetic_register

    return synthetic_register(cases=BIG_CASES, seed=BIG_SEED, start=BIG_START, end=BIG_END,
                              with_personal=False)


@pytest.fixture(scope="session")
def big_path(tmp_path_factory: pytest.TempPathFactory, big_data: dict[str, Any]) -> Path:
    path = tmp_path_factory.mktemp("big") / "register.db"
    reg = Register.create(path, PASSPHRASE, "TST", "Tester", kdf=KDF)
    try:
        import_data(reg, big_data, source="test", today=BIG_END)
    finally:
        reg.close()
    return path


@pytest.fixture
def big_register(big_path: Path) -> Iterator[Register]:
    reg = Register.open(big_path, PASSPHRASE)
    yield reg
    if reg.conn is not None:
        reg.close()


@pytest.fixture
def big_session(qtbot: Any, big_register: Register) -> Any:
    from app.ui.session import Session

    return Session(big_register)


def visible_texts(widgets: Any = None) -> list[str]:
    """Every text a person could read in a visible widget (labels, fields, lists,
    tables, combo boxes, tab titles, window titles)."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QApplication,
        QComboBox,
        QLabel,
        QLineEdit,
        QPlainTextEdit,
        QTabBar,
        QTextEdit,
    )

    out: list[str] = []
    for w in widgets if widgets is not None else QApplication.allWidgets():
        if not w.isVisible():
            continue
        if w.isWindow():
            out.append(w.windowTitle())
        if isinstance(w, (QLabel, QLineEdit, QAbstractButton)):
            out.append(w.text())
        if isinstance(w, (QPlainTextEdit, QTextEdit)):
            out.append(w.toPlainText())
        if isinstance(w, QComboBox):
            out.extend(w.itemText(i) for i in range(w.count()))
        if isinstance(w, QTabBar):
            out.extend(w.tabText(i) for i in range(w.count()))
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            out.extend(_model_texts(w.model()))
        out.append(w.toolTip())
        out.append(w.accessibleName())
    return [t for t in out if t]


def _model_texts(model: Any, parent: Any = None) -> list[str]:
    from PySide6.QtCore import QModelIndex, Qt

    parent = QModelIndex() if parent is None else parent
    try:
        columns = model.columnCount(parent)
        tree = True
    except TypeError:  # list models keep columnCount and hasChildren private
        columns, tree = 1, False
    texts: list[str] = []
    for r in range(model.rowCount(parent)):
        for c in range(columns):
            idx = model.index(r, c, parent)
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.data(idx, role)
                if value:
                    texts.append(str(value))
        first = model.index(r, 0, parent)
        if tree and model.hasChildren(first):
            texts.extend(_model_texts(model, first))
    return texts


def unnamed_controls(root: Any) -> list[str]:
    """Visible, focusable controls under ``root`` without an accessible name."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QWidget

    def internal(w: Any) -> bool:  # the line edit inside a combo box or date field
        p = w.parentWidget()
        while p is not None:
            if isinstance(p, (QComboBox, QAbstractSpinBox)):
                return True
            p = p.parentWidget()
        return False

    missing = []
    for w in root.findChildren(QWidget):
        if (w.focusPolicy() == Qt.FocusPolicy.NoFocus or not w.isVisible() or internal(w)
                or w.objectName().startswith("qt_")):
            continue
        name = w.accessibleName()
        if not name and isinstance(w, QAbstractButton):
            name = w.text()
        if not name:
            missing.append(f"{type(w).__name__} {w.objectName()}".strip())
    return missing


def mnemonic_letters(root: Any) -> list[str]:
    """The Alt+letter of every visible button and label under ``root`` (they must be
    unique within a window, or Alt+letter picks the wrong one)."""
    from PySide6.QtWidgets import QAbstractButton, QLabel

    out = []
    for w in root.findChildren(QAbstractButton) + root.findChildren(QLabel):
        text = w.text()
        if w.isVisible() and "&" in text.replace("&&", ""):
            out.append(text[text.replace("&&", "  ").index("&") + 1].lower())
    return out
