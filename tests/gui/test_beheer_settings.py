"""Beheer -> Instellingen with real widgets: each setting changed through the form and
seen to take effect where it matters (issue 9)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSpinBox

from app.storage import audit
from app.storage.figures import figures, metric_settings
from app.storage.repository import Register
from app.ui.beheer.page import BeheerPage
from app.ui.beheer.settings_tab import AddCodeDialog, SettingsTab
from app.ui.session import Session
from app.ui.worker import Worker
from tests.gui.conftest import KDF, PASSPHRASE, visible_texts
from tests.helpers.registers import registration, triage

#: qtbot keeps only weak references: the pages of the running test live here
PAGES: list[BeheerPage] = []


def settings_tab(qtbot: Any, session: Session) -> SettingsTab:
    page = BeheerPage(session, Worker(session))
    PAGES[:] = [page]
    qtbot.addWidget(page)
    page.resize(1280, 900)
    page.show_tab("SettingsTab")
    with qtbot.waitExposed(page):
        page.show()
    tab = page.tab("SettingsTab")
    assert isinstance(tab, SettingsTab)
    return tab


def type_into(qtbot: Any, widget: Any, text: str) -> None:
    widget.setFocus()
    widget.selectAll() if not isinstance(widget, QSpinBox) else widget.lineEdit().selectAll()
    qtbot.keyClicks(widget if not isinstance(widget, QSpinBox) else widget.lineEdit(), text)


def last_change(reg: Register) -> audit.AuditRow:
    return audit.query(reg.conn, audit.AuditQuery(action="settings_change"))[-1]


def test_handler_name_goes_on_every_new_step(qtbot: Any, session: Session,
                                             small_register: Register) -> None:
    tab = settings_tab(qtbot, session)
    assert tab.handler_edit.text() == "Tester"
    type_into(qtbot, tab.handler_edit, "Marieke de Wit")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert small_register.settings.handler == "Marieke de Wit"
    state = small_register.register_case(registration())
    first = small_register.case(str(state.number)).events[0]
    assert first.actor == "Marieke de Wit"
    row = last_change(small_register)
    assert (row.object, row.result, row.actor) == ("handler", "Tester -> Marieke de Wit",
                                                   "Tester")
    type_into(qtbot, tab.handler_edit, "   ")
    assert not tab.save()
    assert "mag niet leeg zijn" in tab.status.text()
    assert small_register.settings.handler == "Marieke de Wit"


def test_device_code_is_fixed_once_a_case_exists(qtbot: Any, tmp_path: Path) -> None:
    reg = Register.create(tmp_path / "leeg.db", PASSPHRASE, "TST", "Tester", kdf=KDF)
    session = Session(reg)
    tab = settings_tab(qtbot, session)
    assert not tab.device_edit.isReadOnly()
    type_into(qtbot, tab.device_edit, "ams")
    assert tab.save()
    assert reg.settings.device_code == "AMS"
    state = reg.register_case(registration())
    assert str(state.number).startswith("2025-AMS-")
    tab.refresh()
    assert tab.device_edit.isReadOnly()
    assert "Vast" in tab.device_hint.text()
    tab.device_edit.setText("UTR")  # even if forced, the register refuses
    assert not tab.save()
    assert "kan niet meer worden gewijzigd" in tab.status.text()
    assert reg.settings.device_code == "AMS"
    reg.close()


def test_auto_lock_minutes_reach_the_idle_lock(qtbot: Any, session: Session,
                                               small_register: Register, opener: Any) -> None:
    from app.ui.mainwindow import NAV_BEHEER, MainWindow

    window = MainWindow(session, opener=opener)
    qtbot.addWidget(window)
    window.show()
    window.show_page(NAV_BEHEER)
    window.beheer_page.show_tab("SettingsTab")
    tab = window.beheer_page.tab("SettingsTab")
    assert isinstance(tab, SettingsTab)
    assert window.idle.minutes == 10
    type_into(qtbot, tab.spins["auto_lock_minutes"], "3")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)
    assert small_register.settings.auto_lock_minutes == 3
    assert window.idle.minutes == 3 and window.idle.active
    assert window.idle.remaining_seconds() is not None
    assert window.idle.remaining_seconds() <= 180
    window.lock_now()


def test_norm_targets_and_suppression_reach_the_figures_and_exports(
        qtbot: Any, session: Session, small_register: Register) -> None:
    from app.model.metrics import metric_definitions
    from app.ui.export_wizards import ReportExportWizard

    tab = settings_tab(qtbot, session)
    type_into(qtbot, tab.spins["leadtime_norm_days"], "30")
    type_into(qtbot, tab.spins["target_belastingdienst"], "35")
    type_into(qtbot, tab.spins["target_dienst_toeslagen"], "25")
    type_into(qtbot, tab.spins["suppress_below"], "7")
    assert tab.save()
    fig = figures(small_register, date(2025, 1, 1), date(2025, 12, 31)).period
    assert fig["leadtime.norm_days"] == 30
    ms = metric_settings(small_register)
    assert (ms.target_belastingdienst, ms.target_dienst_toeslagen) == (35, 25)
    definition = metric_definitions(small_register.codelists, ms)["leadtime.norm_days"]
    assert "eigen, interne norm" in definition and "nu 30" in definition
    wizard = ReportExportWizard(session)
    qtbot.addWidget(wizard)
    assert wizard.period_page.spin.value() == 7
    objects = {r.object for r in audit.query(small_register.conn,
                                             audit.AuditQuery(action="settings_change"))}
    assert objects == {"leadtime_norm_days", "target_belastingdienst",
                       "target_dienst_toeslagen", "suppress_below"}


def test_retention_months_decide_the_purge(qtbot: Any, session: Session,
                                           small_register: Register) -> None:
    from app.storage.retention import purge

    reg = small_register
    reg.today = lambda: date(2026, 4, 1)
    number = str(reg.register_case(registration(received_on="2025-03-04"),
                                   personal={"name": "Aaltje Visser"}).number)
    reg.append(number, "triaged", triage(on="2025-05-01", decision="niet_in_behandeling"))
    assert number not in [i.number for i in purge(reg, dry_run=True).items]
    tab = settings_tab(qtbot, session)
    type_into(qtbot, tab.spins["retention_months"], "6")
    assert tab.save()
    assert number in [i.number for i in purge(reg, dry_run=True).items]
    assert last_change(reg).result == "12 -> 6"


def test_exchange_passphrase_is_stored_and_never_shown(qtbot: Any, session: Session,
                                                       small_register: Register) -> None:
    tab = settings_tab(qtbot, session)
    assert "Nog niet ingesteld" in tab.exchange_state.text()
    type_into(qtbot, tab.exchange_edit, "te kort")
    type_into(qtbot, tab.exchange_again, "te kort")
    assert not tab.set_exchange()
    assert "minstens 12 tekens" in tab.exchange_status.text()
    secret = "ons team wisselt veilig uit"
    type_into(qtbot, tab.exchange_edit, secret)
    type_into(qtbot, tab.exchange_again, secret + "!")
    assert not tab.set_exchange() and "niet gelijk" in tab.exchange_status.text()
    type_into(qtbot, tab.exchange_again, secret)
    qtbot.mouseClick(tab.exchange_button, Qt.MouseButton.LeftButton)
    assert small_register.settings.exchange_passphrase == secret
    assert tab.exchange_state.text() == "Ingesteld."
    assert tab.exchange_edit.text() == "" and tab.exchange_again.text() == ""
    assert not any(secret in t for t in visible_texts())
    row = last_change(small_register)
    assert (row.object, row.result) == ("exchange_passphrase", "gewijzigd")
    assert secret not in repr(small_register.settings)
    reopened = Register.open(small_register.path, PASSPHRASE, lock=False)
    try:
        assert reopened.settings.exchange_passphrase == secret  # kept in the register
    finally:
        reopened.close()


def test_codelist_additions_hidden_keys_and_where_they_live(
        qtbot: Any, session: Session, small_register: Register,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from app.storage import codelist_overrides

    reg = small_register
    tab = settings_tab(qtbot, session)
    path = codelist_overrides.override_path()
    assert str(path) in tab.codelists_label.text() and "nog niet aangemaakt" in \
        tab.codelists_label.text()
    assert "templates" in tab.templates_label.text()
    tab.list_combo.setCurrentIndex(tab.list_combo.findData("partner_type"))
    monkeypatch.setattr(AddCodeDialog, "ask", lambda self: (
        "wijkteam_noord", "Wijkteam Noord", "maatschappelijke_partner"))
    assert tab.add_code()
    assert reg.codelists.label("partner_type", "wijkteam_noord") == "Wijkteam Noord"
    assert reg.codelists.route_of_partner_type("wijkteam_noord") == "maatschappelijke_partner"
    assert path.exists() and "wijkteam_noord" in path.read_text(encoding="utf-8")
    labels = [tab.codes.topLevelItem(i).text(0) for i in range(tab.codes.topLevelItemCount())]
    assert "Wijkteam Noord" in labels
    # a step may now use it, and then it can only be hidden
    state = reg.register_case(registration(partner_type="wijkteam_noord"))
    assert state.registration["partner_type"] == "wijkteam_noord"
    item = next(tab.codes.topLevelItem(i) for i in range(tab.codes.topLevelItemCount())
                if tab.codes.topLevelItem(i).text(1) == "wijkteam_noord")
    tab.codes.setCurrentItem(item)
    assert tab.remove_button.isEnabled()
    assert not tab.remove_code()
    assert "alleen worden verborgen" in tab.codes_status.text()
    assert tab.toggle_hidden()
    assert "wijkteam_noord" not in reg.codelists.keys("partner_type", active_only=True)
    assert reg.codelists.is_valid("partner_type", "wijkteam_noord")  # old steps stay valid
    # a shipped key is hidden, never deleted
    shipped = next(tab.codes.topLevelItem(i) for i in range(tab.codes.topLevelItemCount())
                   if tab.codes.topLevelItem(i).text(1) == "vrijwilligers")
    tab.codes.setCurrentItem(shipped)
    assert not tab.remove_button.isEnabled()
    assert tab.toggle_hidden()
    assert "vrijwilligers" not in reg.codelists.keys("partner_type", active_only=True)
    actions = [(r.object, r.result) for r in audit.query(
        reg.conn, audit.AuditQuery(action="codelist_change"))]
    assert actions == [("partner_type.wijkteam_noord", "toegevoegd: Wijkteam Noord"),
                       ("partner_type.wijkteam_noord", "verborgen"),
                       ("partner_type.vrijwilligers", "verborgen")]
    # the file loads on its own, as on the next start
    from app.model.codelists import load_codelists

    again = load_codelists(path)
    assert not again["partner_type"].codes["vrijwilligers"].active


def test_an_unused_addition_can_be_deleted_and_bad_keys_are_refused(
        qtbot: Any, session: Session, small_register: Register,
        monkeypatch: pytest.MonkeyPatch) -> None:
    reg = small_register
    tab = settings_tab(qtbot, session)
    tab.list_combo.setCurrentIndex(tab.list_combo.findData("topic"))
    monkeypatch.setattr(AddCodeDialog, "ask", lambda self: ("Fout Sleutel", "Iets", None))
    assert not tab.add_code()
    assert "kleine letters" in tab.codes_status.text()
    monkeypatch.setattr(AddCodeDialog, "ask", lambda self: ("inkomstenbelasting", "Dubbel",
                                                            None))
    assert not tab.add_code() and "bestaat al" in tab.codes_status.text()
    monkeypatch.setattr(AddCodeDialog, "ask", lambda self: ("autobelasting", "Autobelasting",
                                                            None))
    assert tab.add_code()
    item = next(tab.codes.topLevelItem(i) for i in range(tab.codes.topLevelItemCount())
                if tab.codes.topLevelItem(i).text(1) == "autobelasting")
    tab.codes.setCurrentItem(item)
    assert tab.remove_code()
    assert "autobelasting" not in reg.codelists["topic"]


def test_the_add_dialog_suggests_a_key(qtbot: Any, small_register: Register) -> None:
    dialog = AddCodeDialog(small_register.codelists, "partner_type")
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.label_edit, "Schuldhulp Zuid-Oost")
    key, label, route = dialog.values()
    assert (key, label) == ("schuldhulp_zuid_oost", "Schuldhulp Zuid-Oost")
    assert route == "maatschappelijke_partner"
    dialog.label_edit.textEdited.emit("Financiële hulp")  # accents fold away in the key
    assert dialog.key_edit.text() == "financiele_hulp"


def test_locking_clears_the_tab(qtbot: Any, session: Session) -> None:
    tab = settings_tab(qtbot, session)
    assert tab.handler_edit.text() == "Tester"
    session.lock()
    assert tab.handler_edit.text() == "" and tab.codes.topLevelItemCount() == 0
    assert not tab.save_button.isEnabled()


@pytest.mark.parametrize("name", ["SettingsTab", "RetentionTab", "AuditTab"])
def test_every_control_is_named_and_reachable_by_keyboard(qtbot: Any, session: Session,
                                                          name: str) -> None:
    from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton

    from tests.gui.conftest import unnamed_controls

    settings_tab(qtbot, session)
    page = PAGES[0]
    page.show_tab(name)
    tab = page.tab(name)
    qtbot.waitUntil(lambda: page.reader.wait(100) or True)
    assert unnamed_controls(tab) == []
    labels = [w for w in tab.findChildren(QLabel) if w.buddy() is not None]
    assert labels and all("&" in w.text() for w in labels)
    # Alt+letter reaches one control each (and never the window's Alt+V, "Vergrendelen")
    texts = [w.text() for w in labels] + [b.text() for b in tab.findChildren(QPushButton)
                                          + tab.findChildren(QCheckBox)]
    keys = [t[t.index("&") + 1].lower() for t in texts if "&" in t]
    assert len(keys) == len(set(keys)) and "v" not in keys, sorted(keys)


def test_a_refused_value_keeps_the_add_dialog_open_with_what_was_typed(
        qtbot: Any, session: Session, small_register: Register,
        monkeypatch: pytest.MonkeyPatch) -> None:
    reg = small_register
    tab = settings_tab(qtbot, session)
    tab.list_combo.setCurrentIndex(tab.list_combo.findData("topic"))
    seen: list[Any] = []

    def drive(dialog: AddCodeDialog) -> Any:
        seen.append(dialog)
        qtbot.addWidget(dialog)
        dialog.open()
        qtbot.keyClicks(dialog.label_edit, "Autobelasting")
        dialog.key_edit.setText("inkomstenbelasting")  # taken
        qtbot.keyClick(dialog.key_edit, Qt.Key.Key_Return)
        assert dialog.isVisible() and "bestaat al" in dialog.error.text()
        assert dialog.label_edit.text() == "Autobelasting"  # nothing typed is lost
        dialog.key_edit.setText("autobelasting")
        qtbot.keyClick(dialog.key_edit, Qt.Key.Key_Return)
        assert not dialog.isVisible() and dialog.result() == dialog.DialogCode.Accepted
        return dialog.values()

    monkeypatch.setattr(AddCodeDialog, "ask", drive)
    assert tab.add_code()
    assert seen and reg.codelists.label("topic", "autobelasting") == "Autobelasting"
    assert "toegevoegd" in tab.codes_status.text()
