"""The wizard page that asks for the file (or, for the signal forms, the folder).

Whatever is typed ends as a path or a Dutch sentence saying what is wrong with it; an
export never makes a folder, so a typo cannot scatter case data somewhere new.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWizard, QWizardPage

from app.ui.export_wizards.base import ExportWizard
from app.ui.export_wizards.folders import last_folder
from app.ui.text import tr
from app.ui.widgets import buddy_label, plain_label


class PathPage(QWizardPage):
    """The file (or, for the signal forms, the folder) to write to."""

    def __init__(self, wizard: ExportWizard, *, folder: bool, title: str, subtitle: str,
                 caption: str, suffix: str = "", name_filter: str = "") -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.folder_mode = folder
        self.suffix = suffix
        self.caption = caption
        self.name_filter = name_filter
        self.touched = False
        self._default: Path | None = None
        self.setTitle(title)
        self.setSubTitle(subtitle)
        self.edit = QLineEdit(self)
        self.edit.setObjectName("pathEdit")
        self.edit.setAccessibleName(tr("Map") if folder else tr("Bestand"))
        self.edit.textEdited.connect(self._typed)
        self.edit.textChanged.connect(self._changed)
        self.label = buddy_label(tr("&Map:") if folder else tr("&Bestand:"), self.edit, self)
        self.browse = QPushButton(tr("Bl&aderen…"), self)
        self.browse.setAccessibleName(tr("Map kiezen") if folder else tr("Bestand kiezen"))
        self.browse.clicked.connect(self.choose)
        self.note = plain_label("", self, "hint", accessible=tr("Opmerking bij het bestand"))
        self.error = plain_label("", self, "errorMessage", accessible=tr("Fout in het bestand"))
        self.error.hide()
        self.summary = plain_label("", self, "", accessible=tr("Wat er wordt geschreven"))
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice = plain_label("", self, "warningBanner", accessible=tr("Let op"))
        self.notice.hide()
        row = QHBoxLayout()
        row.addWidget(self.label)
        row.addWidget(self.edit, 1)
        row.addWidget(self.browse)
        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addLayout(row)
        layout.addWidget(self.note)
        layout.addWidget(self.error)
        layout.addSpacing(8)
        layout.addWidget(self.summary)
        layout.addWidget(self.notice)
        layout.addStretch(1)
        self.registerField("map*" if folder else "bestand*", self.edit)
        self.setButtonText(QWizard.WizardButton.NextButton, tr("&Opslaan"))

    def set_default(self, path: Path) -> None:
        """Offer ``path`` unless the user chose or typed one."""
        self._default = path
        if not self.touched:
            self.edit.setText(str(path))

    def _typed(self, _text: str) -> None:
        self.touched = True

    def choose(self) -> None:
        current = self.path() or self._default or last_folder()
        if self.folder_mode:
            chosen = self._wizard.ask_folder(self, self.caption, current)
        else:
            chosen = self._wizard.ask_save_file(self, self.caption, current, self.name_filter)
        if chosen is not None:
            self.touched = True
            self.edit.setText(str(chosen))
            self._changed()  # the same path again: the folder may exist by now
        self.edit.setFocus()

    def _resolve(self) -> tuple[Path | None, str | None]:
        """The path the text names and what is wrong with it (a Dutch sentence).

        Whatever is typed ("/", "C:\\", a name with a NUL character, "~nobody",
        a name too long for the file system) ends here as a path or a message: the
        checks below touch the file system, and every error they can raise is
        turned into words instead of a traceback.
        """
        text = self.edit.text().strip()
        if not text:
            return None, None
        try:
            return self._check(text)
        except (OSError, ValueError, RuntimeError):
            return None, tr("Dit is geen bruikbare naam voor een {what}.").format(
                what=tr("map") if self.folder_mode else tr("bestand"))

    def _check(self, text: str) -> tuple[Path | None, str | None]:
        if "\x00" in text:
            raise ValueError("NUL in path")
        p = Path(text).expanduser()
        if not p.is_absolute():
            p = (self._default.parent if self._default and not self.folder_mode
                 else last_folder()) / p
        if self.folder_mode:
            if p.exists() and not p.is_dir():
                return p, tr("Dit is een bestand, geen map.")
            return p, (None if p.is_dir() else _no_folder(p))
        if not p.name or text.endswith(("/", "\\")) or p.is_dir():
            return None, tr("Dit is een map; geef ook een bestandsnaam, bijvoorbeeld "
                            "{example_name}.").format(example_name=self._example_name())
        if not p.suffix:
            p = p.with_name(p.name + self.suffix)
        if p.suffix.lower() != self.suffix:
            return p, tr("De naam moet op {suffix} eindigen.").format(suffix=self.suffix)
        if p.is_dir():
            return p, tr("Dit is een map; geef een bestandsnaam.")
        for folder in p.parents:
            if folder.exists():
                if not folder.is_dir():
                    return p, tr("{folder} is een bestand, geen map.").format(folder=folder)
                break
        p.exists()  # a name too long for the file system raises here, not later
        if not p.parent.is_dir():
            return p, _no_folder(p.parent)  # exports never make folders
        return p, None

    def _example_name(self) -> str:
        return self._default.name if self._default is not None else "export" + self.suffix

    def path(self) -> Path | None:
        """The path to write, or None when the text is empty or names no usable file."""
        return self._resolve()[0]

    def problem(self) -> str | None:
        return self._resolve()[1]

    def _changed(self) -> None:
        p, problem = self._resolve()
        self.error.setText(problem or "")
        self.error.setVisible(bool(problem))
        note = ""
        if p is not None and not problem:
            try:
                note = self._note(p)
            except (OSError, ValueError):
                note = ""
        self.note.setText(note)
        self.note.setVisible(bool(note))
        self.completeChanged.emit()

    def _note(self, p: Path) -> str:
        note = ""
        if self.folder_mode:
            note = tr("Bestanden met dezelfde naam in deze map worden vervangen.")
        elif p.exists():
            note = tr("Dit bestand bestaat al en wordt vervangen.")
        if not self.folder_mode and str(p) != self.edit.text().strip():
            note = (tr("Wordt opgeslagen als {path}.").format(path=p) + " " + note).strip()
        return note

    def isComplete(self) -> bool:
        p, problem = self._resolve()
        return super().isComplete() and p is not None and problem is None

    def initializePage(self) -> None:
        self._changed()
        self.edit.setFocus()

    def clear_data(self) -> None:
        self.summary.clear()
        self.notice.clear()


def _no_folder(folder: Path) -> str:
    """Exports never make folders (a typo would scatter case data somewhere new)."""
    return tr("De map {folder} bestaat niet. Kies een bestaande map met Bladeren…; er wordt "
              "geen map aangemaakt.").format(folder=folder)
