"""The windowed program asked for a command: say where commands work.

The frozen ``Casusregister`` is a windowed program; on Windows it has no console, so a
command's output (``Casusregister list``) would vanish without a trace. Rather than
run it unseen, it names the console program beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QApplication, QMessageBox

from app.ui.text import tr


def use_the_cli(args: Sequence[str]) -> int:
    """Say it in a message box; exit code 2, as for any command-line usage error."""
    if QApplication.instance() is None:
        QApplication([])
    box = QMessageBox(QMessageBox.Icon.Information, tr("Casusregister"), tr(
        "Dit programma opent het venster van Casusregister. Opdrachten zoals '{args}' "
        "werken in het consoleprogramma ernaast: open een opdrachtprompt in de "
        "programmamap en typ bijvoorbeeld: casusregister-cli --help").format(args=" ".join(args)))
    box.setAccessibleName(tr("Opdrachten werken in casusregister-cli"))
    box.exec()
    return 2
