"""The windows behind Beheer -> Sleutels en back-ups, and the work they start.

Every act that derives a key from a passphrase (Argon2id: most of a second) or touches
every page (a backup, a restore, a new data key) runs in a ``LongJob``, so the window
never freezes. Acts on the keyring alone (a passphrase change, showing the recovery
code) run on a worker connection of their own while the register stays open.

A restore and a new data key need the register closed everywhere (docs/SECURITY.md):
``Maintenance`` suspends the session (every view clears, as on a lock), waits for the
background reader to close its connection, runs the act in a thread with progress, and
opens the register again with the passphrase the handler just gave. When the act
fails, the old register is still in place (``restore`` checks the backup before it
replaces anything; ``rekey`` keeps a pending slot) and is opened again.

Every dialog opens through a classmethod that tests replace.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QProgressDialog,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.model.errors import UserError
from app.model.nlformat import date_time, number
from app.storage.backup import BackupInfo, list_backups
from app.storage.errors import WrongPassphrase
from app.storage.repository import Register
from app.ui.key_widgets import PassphraseFields, wait_cursor
from app.ui.session import Session, close_on_lock
from app.ui.text import plural, tr
from app.ui.worker import LongJob, Progress, Worker

KIND_LABELS = {
    "dagelijks": "Dagelijks",
    "handmatig": "Handmatig",
    "voor-nieuwe-sleutel": "Voor een nieuwe sleutel",
    "na-nieuwe-sleutel": "Na een nieuwe sleutel",
    "vervangen": "Vervangen register (bewaard bij terugzetten)",
    "voor-sleutels-v2": "Voor de overstap op de sleutelring",
}


def kind_label(label: str) -> str:
    if label in KIND_LABELS:
        return KIND_LABELS[label]
    if label.startswith("voor-migratie"):
        return "Voor het bijwerken van de opslag"
    return label.replace("-", " ").capitalize()


def size_text(size: int) -> str:
    if size < 1_000_000:
        return f"{number(max(1, round(size / 1000)))} kB"
    return f"{number(size / 1_000_000, 1)} MB"


def describe(info: BackupInfo) -> str:
    return f"{date_time(info.made_at)} ({kind_label(info.label).lower()})"


class _WrongCurrent(UserError):
    def __init__(self) -> None:
        super().__init__("De wachtwoordzin is onjuist. Er is niets gewijzigd.")


# --------------------------------------------------------------------------- base

T = TypeVar("T")
D = TypeVar("D", bound=QDialog)


def run_modal(dialog: D, take: Callable[[D], T], forget: Callable[[D], None]) -> T | None:
    """``exec`` the dialog; what ``take`` reads from it when accepted, else None. Then
    ``forget`` clears what it held (a passphrase, a code) and the dialog goes."""
    ok = dialog.exec() == QDialog.DialogCode.Accepted
    value = take(dialog) if ok else None
    forget(dialog)
    dialog.deleteLater()
    return value



class JobDialog(QDialog):
    """A dialog whose OK starts a ``LongJob``: inputs wait, a busy bar moves, a failure
    is shown in the dialog and the handler can try again. With a ``session`` it closes
    when the session locks (a passphrase being typed, a code about to show)."""

    def __init__(self, title: str, parent: QWidget | None = None, *,
                 session: Session | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setModal(True)
        self.job: LongJob | None = None
        self.heading = QLabel(title, self)
        self.heading.setObjectName("pageTitle")
        self.message = QLabel(self)
        self.message.setObjectName("errorMessage")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(tr("Melding"))
        self.message.hide()
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedHeight(8)
        self.busy.setAccessibleName(tr("Bezig"))
        self.busy.hide()
        self.cancel_button = QPushButton(tr("Annuleren"), self)
        self.cancel_button.setAccessibleName(tr("Annuleren"))
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        self.ok_button = QPushButton(self)
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.go)
        self.body = QVBoxLayout()
        buttons = QHBoxLayout()
        buttons.addWidget(self.busy, 1)
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ok_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        layout.setSpacing(10)
        layout.addWidget(self.heading)
        layout.addLayout(self.body)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)
        if session is not None:
            close_on_lock(session, self, self._drop_job)

    def _drop_job(self) -> None:
        """Locked while the job runs: it finishes (a keyring is never cut off halfway)
        but nothing it returns reaches the screen."""
        job, self.job = self.job, None
        if job is not None:
            for signal in (job.progressed, job.succeeded, job.failed):
                with contextlib.suppress(RuntimeError, TypeError):
                    signal.disconnect()

    def set_ok(self, text: str, name: str) -> None:
        self.ok_button.setText(text)
        self.ok_button.setAccessibleName(name)

    def text(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setWordWrap(True)
        self.body.addWidget(label)
        return label

    def passphrase_field(self, label: str = "Uw &wachtwoordzin") -> QLineEdit:
        edit = QLineEdit(self)
        edit.setEchoMode(QLineEdit.EchoMode.Password)
        edit.setAccessibleName(tr("Uw wachtwoordzin"))
        edit.setMinimumWidth(300)
        caption = QLabel(tr(label), self)
        caption.setBuddy(edit)
        form = QFormLayout()
        form.addRow(caption, edit)
        self.body.addLayout(form)
        return edit

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()

    def go(self) -> None:
        """Check the input and start the work (subclasses)."""
        raise NotImplementedError

    def run(self, work: Callable[[Progress], Any], done: Callable[[Any], None]) -> None:
        self.message.hide()
        self._set_waiting(True)
        job = LongJob(work)
        job.progressed.connect(self._progressed)
        job.succeeded.connect(lambda result: self._finished(done, result))
        job.failed.connect(self._failed)
        self.job = job.start_job()

    def _progressed(self, done: int, total: int) -> None:
        self.busy.setRange(0, max(0, total))
        self.busy.setValue(done)

    def _finished(self, done: Callable[[Any], None], result: Any) -> None:
        self._set_waiting(False)
        done(result)

    def _failed(self, text: str) -> None:
        self._set_waiting(False)
        self.show_message(text)

    def _set_waiting(self, waiting: bool) -> None:
        self.busy.setVisible(waiting)
        self.busy.setRange(0, 0)
        self.ok_button.setEnabled(not waiting)
        self.cancel_button.setEnabled(not waiting)
        for edit in self.findChildren(QLineEdit) + self.findChildren(QTreeWidget):
            edit.setEnabled(not waiting)

    def reject(self) -> None:
        if self.job is not None and self.job.isRunning():
            return  # the keyring is being written: wait for it
        super().reject()


# --------------------------------------------------------------------------- passphrase


class ChangePassphraseDialog(JobDialog):
    """Current passphrase, the new one twice: only the keyring is rewritten (instant
    apart from the key derivation), audited by ``change_passphrase``."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(tr("Wachtwoordzin wijzigen"), parent, session=session)
        self.session = session
        self.text(tr(
            "Alleen de sleutelring wordt herschreven; het register zelf blijft zoals het is. "
            "Oudere back-ups openen daarna met de wachtwoordzin die gold toen ze werden "
            "gemaakt, of met de herstelcode."))
        self.current = self.passphrase_field("&Huidige wachtwoordzin")
        self.current.setAccessibleName(tr("Huidige wachtwoordzin"))
        self.fields = PassphraseFields(self, first_label="&Nieuwe wachtwoordzin",
                                       second_label="Herhaal nieu&we wachtwoordzin",
                                       first_name="Nieuwe wachtwoordzin")
        self.body.addWidget(self.fields)
        self.set_ok(tr("Wachtwoordzin wij&zigen"), tr("Wachtwoordzin wijzigen"))
        self.current.setFocus()

    def go(self) -> None:
        if not self.current.text():
            self.show_message(tr("Voer uw huidige wachtwoordzin in."))
            return
        problem = self.fields.problem()
        if problem:
            self.show_message(problem)
            return
        if self.fields.passphrase() == self.current.text():
            self.show_message(tr("De nieuwe wachtwoordzin is dezelfde als de huidige."))
            return
        if not self.session.is_open:
            return
        from app.storage.keys import change_passphrase

        worker = self.session.register.reopen_for_worker()
        current, new, kdf = self.current.text(), self.fields.passphrase(), self.session.kdf

        def work(_progress: Progress) -> None:
            try:
                change_passphrase(worker, new, current=current, kdf=kdf)
            except WrongPassphrase:
                raise _WrongCurrent() from None
            finally:
                worker.close()

        self.run(work, lambda _r: self.accept())

    def done(self, result: int) -> None:
        self.current.clear()
        self.fields.clear()
        super().done(result)

    @classmethod
    def ask(cls, session: Session, parent: QWidget | None = None) -> bool:
        return bool(run_modal(cls(session, parent), lambda d: True, lambda d: None))


class ShowRecoveryCodeDialog(JobDialog):
    """The passphrase first (docs/SECURITY.md), then the code; the showing is audited."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(tr("Herstelcode tonen"), parent, session=session)
        self.session = session
        self.code = ""
        self.text(tr(
            "De herstelcode opent het register zonder wachtwoordzin. Voer uw wachtwoordzin "
            "in om hem te zien; dat wordt vastgelegd in het auditlogboek."))
        self.passphrase = self.passphrase_field()
        self.set_ok(tr("&Tonen"), tr("Herstelcode tonen"))
        self.passphrase.setFocus()

    def go(self) -> None:
        if not self.passphrase.text():
            self.show_message(tr("Voer uw wachtwoordzin in."))
            return
        if not self.session.is_open:
            return
        from app.storage.keys import recovery_code

        worker = self.session.register.reopen_for_worker()
        passphrase = self.passphrase.text()

        def work(_progress: Progress) -> str:
            try:
                return str(recovery_code(worker, passphrase))
            except WrongPassphrase:
                raise _WrongCurrent() from None
            finally:
                worker.close()

        self.run(work, self._got)

    def _got(self, code: object) -> None:
        self.code = str(code)
        self.accept()

    def done(self, result: int) -> None:
        self.passphrase.clear()
        super().done(result)

    @classmethod
    def ask(cls, session: Session, parent: QWidget | None = None) -> str | None:
        return run_modal(cls(session, parent), lambda d: d.code,
                         lambda d: setattr(d, "code", ""))


class _ConfirmWithPassphrase(JobDialog):
    """Explains an act that closes the register, and checks the passphrase before
    anything is closed (so a typing error costs nothing)."""

    def __init__(self, session: Session, title: str, paragraphs: list[str], ok: str,
                 ok_name: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent, session=session)
        self.session = session
        self.passphrase = ""
        for paragraph in paragraphs:
            self.text(paragraph)
        self.edit = self.passphrase_field()
        self.set_ok(ok, ok_name)
        self.edit.setFocus()

    def go(self) -> None:
        text = self.edit.text()
        if not text:
            self.show_message(tr("Voer uw wachtwoordzin in."))
            return
        if not self.session.is_open:
            return
        from app.storage.keys import verify_passphrase

        reg = self.session.register  # only its key and keyring path are read

        def work(_progress: Progress) -> str:
            try:
                verify_passphrase(reg, text)
            except WrongPassphrase:
                raise _WrongCurrent() from None
            return text

        self.run(work, self._verified)

    def _verified(self, text: object) -> None:
        self.passphrase = str(text)
        self.accept()

    def done(self, result: int) -> None:
        self.edit.clear()
        super().done(result)


def _forget(dialog: _ConfirmWithPassphrase) -> None:
    dialog.passphrase = ""


class RestoreDialog(_ConfirmWithPassphrase):
    """What a restore does, said before it is done."""

    def __init__(self, session: Session, info: BackupInfo,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, tr("Back-up terugzetten"), [
            tr(
                "De back-up van {backup} komt in de plaats van het huidige register. Wat na dat "
                "moment is vastgelegd, staat daarna niet meer in het register.")
                    .format(backup=describe(info)),
            tr(
                "Er gaat niets verloren: het huidige register wordt eerst bewaard in de map "
                "met back-ups (als 'vervangen register'), en de back-up wordt helemaal "
                "gecontroleerd voordat er iets wordt vervangen. Stappen die al in een bundel "
                "naar de teamleider zijn gegaan, krijgt u terug door daarna de volledige "
                "bundel van de teamleider in te lezen."),
            tr(
                "Het register wordt hiervoor gesloten en daarna met uw wachtwoordzin weer "
                "geopend; geopende casussen worden gesloten."),
        ], tr("&Terugzetten"), tr("Terugzetten"), parent)
        self.info = info

    @classmethod
    def ask(cls, session: Session, info: BackupInfo,
            parent: QWidget | None = None) -> str | None:
        """The checked passphrase when the handler confirmed, else None."""
        return run_modal(cls(session, info, parent), lambda d: d.passphrase, _forget)


class RekeyDialog(_ConfirmWithPassphrase):
    """A new data key and recovery code (docs/SECURITY.md: the only way to revoke a code)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(session, tr("Nieuwe sleutel maken"), [
            tr(
                "Het hele register wordt opnieuw versleuteld met een nieuwe gegevenssleutel, "
                "en u krijgt een nieuwe herstelcode. De oude herstelcode werkt daarna niet "
                "meer."),
            tr(
                "Eerst wordt een back-up gemaakt; na afloop een nieuwe back-up onder de "
                "nieuwe sleutel, en de oudere back-ups worden verwijderd (de oude sleutel "
                "opent ze). Doe dit nadat de herstelcode is gebruikt, of als hij in verkeerde "
                "handen kan zijn gekomen."),
            tr(
                "Het register is hiervoor even gesloten; geopende casussen worden gesloten. "
                "Houd pen en papier of een printer bij de hand voor de nieuwe herstelcode."),
        ], tr("&Nieuwe sleutel maken"), tr("Nieuwe sleutel maken"), parent)

    @classmethod
    def ask(cls, session: Session, parent: QWidget | None = None) -> str | None:
        """The checked passphrase when the handler confirmed, else None."""
        return run_modal(cls(session, parent), lambda d: d.passphrase, _forget)


class AcceptSealDialog(QDialog):
    """"Huidige stand aanvaarden": why, for the audit (``accept_seal``)."""

    def __init__(self, behind: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Huidige stand aanvaarden"))
        self.setAccessibleName(self.windowTitle())
        self.setModal(True)
        heading = QLabel(self.windowTitle(), self)
        heading.setObjectName("pageTitle")
        what = QLabel(tr(
            "Het register loopt achter op wat dit programma het laatst heeft vastgelegd:"
            "\n• {behind}").format(behind="\n• ".join(behind)), self)
        what.setWordWrap(True)
        advice = QLabel(tr(
            "Meestal is een back-up terugzetten de betere keuze: die bevat de stappen die nu "
            "ontbreken. Aanvaardt u de huidige stand, dan werkt u verder zonder die stappen; "
            "voer ze zo nodig opnieuw in. Uw keuze en de reden komen in het auditlogboek."),
            self)
        advice.setWordWrap(True)
        self.reason = QLineEdit(self)
        self.reason.setAccessibleName(tr("Reden"))
        self.reason.setPlaceholderText(tr("bijvoorbeeld: laptop viel uit; de laatste "
                                          "stap opnieuw ingevoerd"))
        self.reason.setMaxLength(300)
        caption = QLabel(tr("&Reden"), self)
        caption.setBuddy(self.reason)
        form = QFormLayout()
        form.addRow(caption, self.reason)
        self.message = QLabel(self)
        self.message.setObjectName("errorMessage")
        self.message.hide()
        cancel = QPushButton(tr("Annuleren"), self)
        cancel.setAccessibleName(tr("Annuleren"))
        cancel.setAutoDefault(False)
        cancel.clicked.connect(self.reject)
        self.ok_button = QPushButton(tr("Stand &aanvaarden"), self)
        self.ok_button.setAccessibleName(tr("Huidige stand aanvaarden"))
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self._ok)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(cancel)
        buttons.addWidget(self.ok_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 16)
        for w in (heading, what, advice):
            layout.addWidget(w)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)
        self.reason.setFocus()

    def _ok(self) -> None:
        if not self.reason.text().strip():
            self.message.setText(tr("Geef een reden op; die komt in het auditlogboek."))
            self.message.show()
            return
        self.accept()

    @classmethod
    def ask(cls, behind: list[str], parent: QWidget | None = None) -> str | None:
        return run_modal(cls(behind, parent), lambda d: d.reason.text().strip(),
                         lambda d: None)


# --------------------------------------------------------------------------- maintenance


class MaintenanceProgress(QProgressDialog):
    """The progress of a restore or a new key. While the register is suspended it
    cannot be closed (Escape, the window's close button): the window behind it must
    stay unusable until the act has opened the register again."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(label, "", 0, 0, parent)
        self.running = True

    def reject(self) -> None:
        if not self.running:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.running:
            event.ignore()
            return
        super().closeEvent(event)

    def finish(self) -> None:
        self.running = False
        self.close()


class Maintenance(QObject):
    """Close the register everywhere, run ``work`` in a thread with progress, open it
    again with ``passphrase``; ``finish(register, result)`` then runs on the GUI thread
    before the session gets the register back."""

    def __init__(self, session: Session, reader: Worker, host: QWidget,
                 label: str) -> None:
        super().__init__(host)
        self.session = session
        self.reader = reader
        self.host = host
        self.label = label
        self.path = session.path
        self.progress: MaintenanceProgress | None = None
        self.job: LongJob | None = None
        self.error = ""

    def run(self, passphrase: str, work: Callable[[Progress], Any],
            finish: Callable[[Register, Any], None],
            after: Callable[[Register | None, Any, str], None]) -> None:
        """``after(register or None, result, error)`` runs last, with the session
        attached again (or locked, when even the old register did not open)."""
        self.path = self.session.path
        window = self.host.window()
        self.progress = MaintenanceProgress(self.label, window)
        self.progress.setWindowTitle(tr("Casusregister"))
        self.progress.setCancelButton(None)
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.setAccessibleName(self.label)
        self.progress.show()
        self.session.suspend(self.label)
        reader = self.reader

        def in_thread(progress: Progress) -> Any:
            reader.wait(-1)  # its connection (keyed, open on the file) is closed first
            return work(progress)

        job = LongJob(in_thread)
        job.progressed.connect(self._progressed)
        job.succeeded.connect(lambda result: self._reopen(passphrase, finish, after, result))
        job.failed.connect(lambda text: self._reopen(passphrase, None, after, None, text))
        self.job = job.start_job()

    def _progressed(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress.setRange(0, max(0, total))
            self.progress.setValue(done if total else 0)

    def _reopen(self, passphrase: str, finish: Callable[[Register, Any], None] | None,
                after: Callable[[Register | None, Any, str], None], result: Any,
                error: str = "") -> None:
        if self.progress is not None:
            self.progress.setLabelText(tr("Het register wordt weer geopend…"))
        reg: Register | None = None
        assert self.path is not None
        try:
            with wait_cursor():
                reg = Register.open(self.path, passphrase)
            if finish is not None:
                finish(reg, result)
        except UserError as exc:
            error = (error + "\n\n" if error else "") + tr(
                "Het register kon niet weer worden geopend: {problem}").format(problem=exc)
        except Exception as exc:  # the register must not stay suspended
            error = tr("Onverwachte fout ({name}).").format(name=type(exc).__name__)
        if self.progress is not None:
            self.progress.finish()
            self.progress.deleteLater()
            self.progress = None
        self.error = error
        if reg is not None:
            self.session.attach(reg)
        else:
            self.session.resume()
            show_unlock = getattr(self.host.window(), "show_unlock", None)
            if callable(show_unlock):
                show_unlock()
        after(reg, result, error)


# --------------------------------------------------------------------------- damaged register


class RestoreDamagedDialog(JobDialog):
    """From the unlock window, when the register is damaged: choose a backup, give the
    passphrase, and the restore runs in a thread (the register is closed: it never
    opened). ``register`` holds the restored register afterwards."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(tr("Back-up terugzetten"), parent)
        self.path = path
        self.register: Register | None = None
        self.text(tr(
            "Kies de back-up die in de plaats komt van het beschadigde register. Het "
            "beschadigde register wordt bewaard in de map met back-ups, niet verwijderd. "
            "Wat na de back-up is vastgelegd, staat daarna niet meer in het register."))
        self.list = QTreeWidget(self)
        self.list.setAccessibleName(tr("Back-ups"))
        self.list.setRootIsDecorated(False)
        self.list.setHeaderLabels([tr("Gemaakt op"), tr("Soort"), tr("Grootte")])
        self.list.setMinimumHeight(180)
        self.backups = [b for b in list_backups(path) if b.label != "vervangen"]
        for info in self.backups:
            self.list.addTopLevelItem(QTreeWidgetItem(
                [date_time(info.made_at), kind_label(info.label), size_text(info.size)]))
        for col in range(3):
            self.list.resizeColumnToContents(col)
        first = self.list.topLevelItem(0)
        if first is not None:
            self.list.setCurrentItem(first)
        list_label = QLabel(tr("&Back-ups"), self)
        list_label.setBuddy(self.list)
        self.body.addWidget(list_label)
        self.body.addWidget(self.list)
        self.edit = self.passphrase_field()
        self.set_ok(tr("&Terugzetten"), tr("Terugzetten"))
        self.ok_button.setEnabled(bool(self.backups))
        if not self.backups:
            self.show_message(tr("Er zijn geen back-ups van dit register in {folder}. Vraag uw "
                                 "teamleider om hulp.").format(folder=path.parent))
        self.setMinimumWidth(600)
        self.edit.setFocus()

    def selected(self) -> BackupInfo | None:
        item = self.list.currentItem()
        if item is None:
            return None
        return self.backups[self.list.indexOfTopLevelItem(item)]

    def go(self) -> None:
        info = self.selected()
        passphrase = self.edit.text()
        if info is None:
            self.show_message(tr("Kies een back-up."))
            return
        if not passphrase:
            self.show_message(tr("Voer uw wachtwoordzin in."))
            return
        from app.storage.restore import restore

        path, source = self.path, info.path

        def work(progress: Progress) -> Any:
            return restore(path, source, passphrase=passphrase, progress=progress)

        self.run(work, lambda done: self._restored(passphrase, done))

    def _restored(self, passphrase: str, done: Any) -> None:
        from app.storage.backup import finish_restore

        try:
            with wait_cursor():
                reg = Register.open(self.path, passphrase)
                finish_restore(reg, done.backup.name, done.set_aside)
        except UserError as exc:
            self.show_message(tr("De back-up is teruggezet, maar het register opent niet: "
                                 "{problem}").format(problem=exc))
            return
        self.edit.clear()
        self.register = reg
        if done.missing_sent:
            QMessageBox.information(self, self.windowTitle(), missing_text(done.missing_sent))
        self.accept()

    @classmethod
    def ask(cls, path: Path, parent: QWidget | None = None) -> Register | None:
        return run_modal(cls(path, parent), lambda d: d.register, lambda d: None)


def missing_text(missing: int) -> str:

    return plural(
        "Deze back-up mist %n eigen stap(pen) die al in een bundel naar de teamleider "
        "zijn gegaan. Lees eerst de volledige bundel van de teamleider in; tot dan legt "
        "dit register geen nieuwe stappen vast.", missing)
