"""Start the GUI: the QApplication, Qt's Dutch texts, first run or unlock, the window.

``run_gui`` is what ``casusregister`` without arguments calls. Its pieces are separate
so tests can drive them with a temporary register path and a low key-derivation cost:
``application()`` (the QApplication with style and translations), ``start(Launch)``
(first-run wizard or demo creation, unlock, main window) and ``prepare_demo``.

The unlock dialog comes first and the main window module is imported only after it,
so the program shows its first window quickly (docs/BENCHMARKS.md: start to the unlock
window).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QLibraryInfo, QLocale, QThread, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from app.model.errors import UserError
from app.storage import paths
from app.storage.paths import DEMO_PASSPHRASE
from app.ui.app_dialogs import Creator, FirstRunWizard, Opener, UnlockDialog
from app.ui.style import apply_style

if TYPE_CHECKING:
    from app.storage.crypto import KdfParams
    from app.storage.repository import Register
    from app.ui.mainwindow import MainWindow


@dataclass
class Launch:
    """Where and how to start; tests pass a temporary path and their own opener."""

    path: Path
    demo: bool = False
    opener: Opener | None = None
    creator: Creator | None = None
    demo_passphrase: str = DEMO_PASSPHRASE
    #: the Argon2id cost of keyrings written from the window (tests pass a low one)
    kdf: KdfParams | None = None


def install_translations(app: QApplication) -> list[QTranslator]:
    """Qt's own Dutch texts (OK/Annuleren, Volgende, context menus) - docs/PLATFORM.md."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    installed: list[QTranslator] = []
    for name in ("qtbase", "qt"):
        translator = QTranslator(app)
        if translator.load(QLocale(QLocale.Language.Dutch), name, "_", folder):
            app.installTranslator(translator)
            installed.append(translator)
            break
    QLocale.setDefault(QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands))
    return installed


def application(argv: Sequence[str] | None = None) -> QApplication:
    """The one QApplication, styled and in Dutch."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    app.setApplicationName("Casusregister")
    app.setOrganizationName("Belangenbehartiger")
    apply_style(app)
    if not getattr(app, "_casusregister_translators", None):
        app._casusregister_translators = install_translations(app)  # type: ignore[attr-defined]
    return app


def default_path(demo: bool) -> Path:
    return paths.demo_db() if demo else paths.default_db()


class _DemoBuilder(QThread):
    """Creates and fills the demo register off the GUI thread."""

    def __init__(self, path: Path, passphrase: str) -> None:
        super().__init__()
        self.path = path
        self.passphrase = passphrase
        self.error: BaseException | None = None

    def run(self) -> None:
        from app.storage.demo_register import fill_demo

        try:
            reg, _summary = fill_demo(self.path, self.passphrase)
            reg.close()
        except BaseException as exc:
            self.error = exc


def prepare_demo(path: Path, passphrase: str = DEMO_PASSPHRASE,
                 parent: QWidget | None = None) -> None:
    """Create and fill the demo register (first use of ``--demo``), showing progress."""
    progress = QProgressDialog(parent)
    progress.setWindowTitle("Casusregister – DEMO")
    progress.setLabelText(progress.tr("Het demoregister wordt aangemaakt en gevuld met "
                                      "verzonnen casussen…"))
    progress.setRange(0, 0)
    progress.setCancelButton(None)
    progress.setMinimumDuration(0)
    progress.show()
    builder = _DemoBuilder(path, passphrase)
    loop = QEventLoop()
    builder.finished.connect(loop.quit)
    builder.start()
    if not builder.isFinished():
        loop.exec()
    builder.wait()
    progress.close()
    progress.deleteLater()
    if builder.error is not None:
        raise builder.error


def _prewarm() -> None:
    """Load the register and window code while the handler types the passphrase.

    The unlock window needs none of it (docs/BENCHMARKS.md: start to the unlock window),
    and importing it here, off the GUI thread, keeps "unlock to a filled case list"
    short. Imports only define classes; no widget is made on this thread.
    """

    def load() -> None:
        import app.storage.repository
        import app.ui.mainwindow  # noqa: F401

    threading.Thread(target=load, name="prewarm", daemon=True).start()


def start(launch: Launch) -> MainWindow | None:
    """Everything ``run_gui`` does before the event loop; None when the user stopped."""
    _prewarm()
    register: Register | None = None
    if not launch.path.exists():
        if launch.demo:
            prepare_demo(launch.path, launch.demo_passphrase)
        else:
            register = FirstRunWizard.ask(launch.path, launch.creator)
            if register is None:
                return None
    if register is None:
        register = UnlockDialog.ask(launch.path, launch.opener, demo=launch.demo,
                                    demo_passphrase=launch.demo_passphrase, kdf=launch.kdf)
        if register is None:
            return None

    from app.storage.crypto import DEFAULT_KDF
    from app.ui.mainwindow import MainWindow
    from app.ui.session import Session

    session = Session(register, kdf=launch.kdf or DEFAULT_KDF)
    demo = launch.demo or bool(register.settings.demo)
    window = MainWindow(session, opener=launch.opener, demo=demo,
                        demo_passphrase=launch.demo_passphrase if demo else "",
                        path=launch.path)
    window.show()
    return window


def run_gui(demo: bool = False, db: Path | None = None) -> int:
    """The GUI front door: 0 when closed normally, 1 after an error that was shown."""
    app = application()
    launch = Launch(path=Path(db) if db else default_path(demo), demo=demo)
    try:
        window = start(launch)
    except UserError as exc:
        QMessageBox.critical(None, "Casusregister", str(exc))
        return 1
    if window is None:
        return 0
    return int(app.exec())
