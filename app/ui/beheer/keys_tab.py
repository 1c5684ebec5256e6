"""Beheer -> Sleutels en back-ups: the way back, in the window (docs/SECURITY.md, Keys v2).

The list shows this register's backups (newest first: when, what kind, how big) with
"Nu een back-up maken" and "Terugzetten…"; below, the passphrase, the recovery code
and a new data key. After the register was opened with its recovery code (the audit's
last key act is ``recover`` or ``recovery_code``), a new key is offered prominently:
the code that was used may have been seen by others, and only a new key revokes it.

Long acts run in threads (``app.ui.worker.LongJob``); a restore and a new key close
the register everywhere first (``key_dialogs.Maintenance``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.model.nlformat import date_time, nl_date
from app.storage.backup import BackupInfo, finish_restore, list_backups
from app.storage.paths import backup_dir
from app.storage.repository import Register
from app.ui import style
from app.ui.beheer.key_dialogs import (
    ChangePassphraseDialog,
    Maintenance,
    RekeyDialog,
    RestoreDialog,
    ShowRecoveryCodeDialog,
    describe,
    kind_label,
    missing_text,
    size_text,
)
from app.ui.beheer.tab import BeheerTab
from app.ui.key_widgets import RecoveryCodeDialog
from app.ui.session import Session
from app.ui.text import tr
from app.ui.widgets import list_tree
from app.ui.worker import LongJob, Progress, Worker

#: audit actions that mean the recovery code opened the register, and the one that
#: revokes it
RECOVERY_ACTS = ("recover", "recovery_code")
REKEY_ACT = "rekey"


def last_key_act(reg: Register) -> tuple[str, str] | None:
    """(action, UTC time) of the latest use of the recovery code or new key, if any.
    Read in the worker: the audit grows with every unlock."""
    from app.storage import audit

    last: tuple[str, str] | None = None
    for row in audit.rows(reg.conn):
        if row.action in (*RECOVERY_ACTS, REKEY_ACT):
            last = (row.action, row.at)
    return last


class KeysTab(BeheerTab):
    def __init__(self, session: Session, reader: Worker,
                 parent: QWidget | None = None) -> None:
        super().__init__(session, reader, parent)
        self.setObjectName("keysTab")
        self.setAccessibleName(self.title())
        self.backups: list[BackupInfo] = []
        self.recovery_used_at: str | None = None
        self.job: LongJob | None = None
        self.maintenance: Maintenance | None = None

        # -- backups
        backups_box = QGroupBox(tr("Back-ups"), self)
        self.folder_hint = QLabel(backups_box)
        self.folder_hint.setObjectName("hint")
        self.folder_hint.setWordWrap(True)
        self.folder_hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_hint.setAccessibleName(tr("Over de back-ups en hun map"))
        self.list = list_tree(backups_box, "backupList", tr("Back-ups van dit register"),
                              [tr("Gemaakt op"), tr("Soort"), tr("Grootte")])
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.list.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.list.itemActivated.connect(lambda *_: self.restore_selected())
        self.backup_button = QPushButton(tr("Nu een &back-up maken"), backups_box)
        self.backup_button.setAccessibleName(tr("Nu een back-up maken"))
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button = QPushButton(tr("&Terugzetten…"), backups_box)
        self.restore_button.setAccessibleName(tr("Gekozen back-up terugzetten"))
        self.restore_button.clicked.connect(self.restore_selected)
        self.progress = QProgressBar(backups_box)
        self.progress.setObjectName("backupProgress")
        self.progress.setAccessibleName(tr("Voortgang van de back-up"))
        self.progress.setMaximumWidth(260)
        self.progress.hide()
        self.backup_status = QLabel(backups_box)
        self.backup_status.setWordWrap(True)
        self.backup_status.setAccessibleName(tr("Melding over back-ups"))
        self.backup_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout()
        row.addWidget(self.backup_button)
        row.addWidget(self.restore_button)
        row.addWidget(self.progress)
        row.addStretch(1)
        bl = QVBoxLayout(backups_box)
        bl.addWidget(self.folder_hint)
        bl.addWidget(self.list, 1)
        bl.addLayout(row)
        bl.addWidget(self.backup_status)

        # -- keys
        keys_box = QGroupBox(tr("Wachtwoordzin, herstelcode en sleutel"), self)
        self.recovery_notice = QLabel(keys_box)
        self.recovery_notice.setObjectName("warningBanner")
        self.recovery_notice.setWordWrap(True)
        self.recovery_notice.hide()
        self.passphrase_button = QPushButton(tr("&Wachtwoordzin wijzigen…"), keys_box)
        self.passphrase_button.setAccessibleName(tr("Wachtwoordzin wijzigen"))
        self.passphrase_button.clicked.connect(self.change_passphrase)
        self.code_button = QPushButton(tr("&Herstelcode tonen…"), keys_box)
        self.code_button.setAccessibleName(tr("Herstelcode tonen"))
        self.code_button.clicked.connect(self.show_recovery_code)
        self.rekey_button = QPushButton(tr("&Nieuwe sleutel maken…"), keys_box)
        self.rekey_button.setAccessibleName(tr("Nieuwe sleutel maken"))
        self.rekey_button.clicked.connect(self.make_new_key)
        explain = QLabel(tr(
            "Een nieuwe wachtwoordzin herschrijft alleen de sleutelring. De herstelcode "
            "ziet u opnieuw nadat u uw wachtwoordzin hebt ingevoerd. Een nieuwe sleutel "
            "versleutelt het hele register opnieuw en geeft een nieuwe herstelcode: doe dat "
            "nadat de herstelcode is gebruikt of in verkeerde handen kan zijn gekomen."),
            keys_box)
        explain.setObjectName("hint")
        explain.setWordWrap(True)
        self.keys_status = QLabel(keys_box)
        self.keys_status.setWordWrap(True)
        self.keys_status.setAccessibleName(tr("Melding over sleutels"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.passphrase_button)
        buttons.addWidget(self.code_button)
        buttons.addWidget(self.rekey_button)
        buttons.addStretch(1)
        kl = QVBoxLayout(keys_box)
        kl.addWidget(self.recovery_notice)
        kl.addLayout(buttons)
        kl.addWidget(explain)
        kl.addWidget(self.keys_status)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(backups_box, 1)
        layout.addWidget(keys_box)

        session.backups_changed.connect(self.refresh_if_shown)
        session.state_changed.connect(self._update_buttons)
        self._update_buttons()

    def title(self) -> str:
        return tr("Sleutels en back-ups")

    # ------------------------------------------------------------------ reading

    def refresh(self) -> None:
        """The backups folder (a directory listing: cheap) and, in the worker, the
        audit's last key act."""
        if not self.session.is_open:
            return
        path = self.session.register.path
        self.folder_hint.setText(tr(
            "Bij het eerste ontgrendelen van elke dag maakt het programma een versleutelde "
            "back-up, met de sleutelring ernaast. Bewaard worden de nieuwste van elk van de "
            "laatste 7 dagen en 4 weken. Map: {backup_dir}").format(backup_dir=backup_dir(path)))
        current = self.selected()
        self.backups = list_backups(path)
        self.list.clear()
        for info in self.backups:
            item = QTreeWidgetItem([date_time(info.made_at), kind_label(info.label),
                                    size_text(info.size)])
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setToolTip(0, info.path.name)
            self.list.addTopLevelItem(item)
            if current is not None and info.path == current.path:
                self.list.setCurrentItem(item)
        first = self.list.topLevelItem(0)
        if self.list.currentItem() is None and first is not None:
            self.list.setCurrentItem(first)
        if not self.backups:
            self.backup_status.setText(tr("Er is nog geen back-up van dit register."))
        self.reader.submit(last_key_act, self._key_act_read)
        self._update_buttons()

    def _key_act_read(self, act: object) -> None:
        used = None
        if isinstance(act, tuple) and act[0] in RECOVERY_ACTS:
            used = str(act[1])
        self.recovery_used_at = used
        if used:
            self.recovery_notice.setText(tr(
                "Het register is op {day} geopend met de herstelcode. Maak nu een nieuwe "
                "sleutel: dan werkt de gebruikte herstelcode niet meer en krijgt u een "
                "nieuwe.").format(day=nl_date(used[:10])))
            self.recovery_notice.show()
            self.rekey_button.setDefault(True)
            # the offered new key stands out (the office's blue, as the navigation's)
            style.set_tone(self.rekey_button, "prominent")
        else:
            self.recovery_notice.hide()
            self.rekey_button.setDefault(False)
            style.set_tone(self.rekey_button, None)
        self._update_buttons()

    def selected(self) -> BackupInfo | None:
        item = self.list.currentItem()
        if item is None:
            return None
        index = self.list.indexOfTopLevelItem(item)
        return self.backups[index] if 0 <= index < len(self.backups) else None

    def clear(self) -> None:
        self.list.clear()
        self.backups = []
        self.backup_status.clear()
        self.keys_status.clear()
        self.recovery_notice.hide()
        self._update_buttons()

    def _update_buttons(self) -> None:
        open_ = self.session.is_open
        busy = LongJob.busy()
        read_only = self.session.read_only
        self.backup_button.setEnabled(open_ and not busy)
        self.restore_button.setEnabled(open_ and not busy and self.selected() is not None)
        for button in (self.passphrase_button, self.code_button):
            button.setEnabled(open_)
        self.rekey_button.setEnabled(open_ and not busy and not read_only)
        self.rekey_button.setToolTip(tr(
            "Kan niet zolang het register alleen te lezen is: zet eerst een back-up terug "
            "of aanvaard de huidige stand.") if read_only else "")

    def _say(self, label: QLabel, text: str, error: bool = False) -> None:
        style.set_tone(label, "alert" if error else None)
        label.setText(text)

    # ------------------------------------------------------------------ backups

    def backup_now(self) -> None:
        if not self.session.is_open or LongJob.busy():
            return
        worker = self.session.register.reopen_for_worker()
        rotate_after = not self.session.read_only

        def work(progress: Progress) -> Any:
            from app.storage.backup import make_backup, rotate

            try:
                made = make_backup(worker, "handmatig", progress=progress)
                if rotate_after:  # never while the way back may be an older backup
                    rotate(worker.path)
                return made
            finally:
                worker.close()

        self.progress.setRange(0, 0)
        self.progress.show()
        self._say(self.backup_status, tr("Bezig met de back-up…"))
        job = LongJob(work)
        job.progressed.connect(self._progressed)
        job.succeeded.connect(self._backup_made)
        job.failed.connect(self._backup_failed)
        self.job = job.start_job()
        self._update_buttons()

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(0, total))
        self.progress.setValue(done)

    def _backup_made(self, made: object) -> None:
        self.progress.hide()
        self.job = None
        name = getattr(made, "name", str(made))
        self._say(self.backup_status, tr("Back-up gemaakt: {name} (met de sleutelring "
                                         "ernaast).").format(name=name))
        self.session.backups_changed.emit()
        self.refresh()

    def _backup_failed(self, text: str) -> None:
        self.progress.hide()
        self.job = None
        self._say(self.backup_status, tr("Er is geen back-up gemaakt: {problem}")
                                      .format(problem=text), error=True)
        self._update_buttons()

    def restore_selected(self) -> None:
        info = self.selected()
        if info is None or not self.session.is_open or LongJob.busy():
            return
        passphrase = RestoreDialog.ask(self.session, info, self)
        if passphrase is None or not self.session.is_open:
            return
        from app.storage.restore import restore

        path = self.session.register.path

        def work(progress: Progress) -> Any:
            return restore(path, info.path, passphrase=passphrase, progress=progress)

        def finish(reg: Register, done: Any) -> None:
            finish_restore(reg, done.backup.name, done.set_aside)

        self.maintenance = Maintenance(self.session, self.reader, self,
                                       tr("De back-up van {backup} wordt teruggezet…")
                                       .format(backup=describe(info)))
        self.maintenance.run(passphrase, work, finish,
                             lambda reg, done, error: self._restored(info, reg, done, error))

    def _restored(self, info: BackupInfo, reg: Register | None, done: Any,
                  error: str) -> None:
        self.maintenance = None
        if done is None:
            self._say(self.backup_status, tr(
                "Er is niets teruggezet: {error}").format(error=error), error=True)
        elif error:
            self._say(self.backup_status, error, error=True)
        else:
            lines = [tr("De back-up van {backup} is teruggezet.").format(backup=describe(info))]
            if done.set_aside is not None:
                lines.append(tr("Het vervangen register is bewaard als {name}.")
                             .format(name=done.set_aside.name))
            if done.missing_sent:
                lines.append(missing_text(done.missing_sent))
            self._say(self.backup_status, " ".join(lines))
        self.session.backups_changed.emit()
        self.session.state_changed.emit()
        self.refresh_if_shown()

    # ------------------------------------------------------------------ keys

    def change_passphrase(self) -> None:
        if not self.session.is_open:
            return
        if ChangePassphraseDialog.ask(self.session, self):
            self._say(self.keys_status, tr(
                "De wachtwoordzin is gewijzigd. Oudere back-ups openen met de wachtwoordzin "
                "die gold toen ze werden gemaakt, of met de herstelcode."))

    def show_recovery_code(self) -> None:
        if not self.session.is_open:
            return
        code = ShowRecoveryCodeDialog.ask(self.session, self)
        if code is None or not self.session.is_open:
            return
        reg = self.session.register
        RecoveryCodeDialog.show_code(code, reg.path, reg.settings.device_code,
                                     handler=reg.settings.handler, confirm=False,
                                     title=tr("Herstelcode"), session=self.session,
                                     parent=self)

    def make_new_key(self) -> None:
        if not self.session.is_open or LongJob.busy() or self.session.read_only:
            return
        passphrase = RekeyDialog.ask(self.session, self)
        if passphrase is None or not self.session.is_open:
            return
        from app.storage.keys import rekey

        reg = self.session.register
        path, kdf = reg.path, self.session.kdf
        owner = (reg.settings.device_code, reg.settings.handler)

        def work(progress: Progress) -> str:
            progress(0, 0)
            reg = Register.open(path, passphrase, lock=True)  # closed everywhere else now
            try:
                return rekey(reg, passphrase, kdf=kdf)
            finally:
                reg.close()

        self.maintenance = Maintenance(self.session, self.reader, self, tr(
            "Het register krijgt een nieuwe sleutel. Dit kan even duren…"))
        self.maintenance.run(passphrase, work, lambda reg, code: None,
                             lambda reg, code, error: self._rekeyed(path, owner, code, error))

    def _rekeyed(self, path: Path, owner: tuple[str, str], code: Any, error: str) -> None:
        self.maintenance = None
        if code is None:
            self._say(self.keys_status, tr(
                "Er is geen nieuwe sleutel gemaakt: {error}").format(error=error), error=True)
            return
        made = tr("Het register heeft een nieuwe sleutel. De oude herstelcode werkt niet "
                  "meer; oudere back-ups zijn verwijderd en er is een nieuwe gemaakt.")
        if error:  # the new key is made, but the register did not open again
            self._say(self.keys_status, f"{made}\n\n{error}", error=True)
        else:
            self._say(self.keys_status, made)
        self.session.backups_changed.emit()
        if code:  # shown even when the register did not open again: it is the way in
            RecoveryCodeDialog.show_code(
                str(code), path, owner[0], handler=owner[1],
                confirm=True, title=tr("Nieuwe herstelcode"),
                intro=tr("Het register heeft een nieuwe sleutel en dus een nieuwe "
                         "herstelcode. De oude werkt niet meer: laat uw teamleider de "
                         "oude envelop vernietigen. Druk deze af en geef hem in een "
                         "gesloten envelop aan uw teamleider."),
                session=self.session, parent=self)
        self.refresh_if_shown()
