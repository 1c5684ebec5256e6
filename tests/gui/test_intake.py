"""The intake form: every registered field, inline Dutch validation, the personal-data
lint on the summary, optional personal data with the 11-proef."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.storage import audit
from app.ui.intake import IntakeForm
from tests.gui.helpers_case import (
    VALID_BSN,
    click_check,
    days_ago,
    fill,
    new_case,
    reg,  # noqa: F401 (fixture)
    session,  # noqa: F401 (fixture)
)

ALL_FIELDS = [
    "received_on", "route", "partner_type", "partner_org", "helper_contact", "services",
    "topics", "target_group", "help_request", "running_procedures", "routes_tried",
    "claim_band", "multi_problem", "other_bodies", "urgent", "urgency_reason",
    "known_to_service", "consent", "summary",
]


def make_form(qtbot, session) -> IntakeForm:  # noqa: F811
    form = IntakeForm(session)
    qtbot.addWidget(form)
    return form


def test_register_a_case_after_fixing_inline_errors(qtbot, reg, session):  # noqa: F811
    form = make_form(qtbot, session)
    assert set(ALL_FIELDS) <= set(form.form.rows)
    fill(qtbot, form.editor("received_on"), days_ago(reg, 3))
    fill(qtbot, form.editor("route"), "maatschappelijke_partner")
    fill(qtbot, form.editor("partner_type"), "financiele_hulpverlening")
    fill(qtbot, form.editor("partner_org"), "Schuldhulp Zwolle")
    fill(qtbot, form.editor("helper_contact"), {"name": "J. de Vries",
                                                 "email": "j.devries@schuldhulp.nl"})
    fill(qtbot, form.editor("services"), ["belastingdienst"])
    fill(qtbot, form.editor("target_group"), "zzp")
    fill(qtbot, form.editor("help_request"), "Hulp bij een betalingsregeling.")
    fill(qtbot, form.editor("running_procedures"), ["bezwaar", "dwanginvordering"])
    fill(qtbot, form.editor("routes_tried"), ["belastingtelefoon"])
    fill(qtbot, form.editor("claim_band"), "5000_20000")
    fill(qtbot, form.editor("other_bodies"), ["uwv"])
    fill(qtbot, form.editor("multi_problem"), True)
    fill(qtbot, form.editor("known_to_service"), "ja")
    fill(qtbot, form.editor("consent"), "machtiging")
    fill(qtbot, form.personal.editor("name"), "Jan Jansen")
    fill(qtbot, form.personal.editor("bsn"), VALID_BSN)

    # Topics and summary forgotten: refused, each message next to its field.
    assert form.save() is None
    assert "kies er minstens 1" in form.row("topics").error()
    assert form.row("summary").error()
    assert form.banner.isVisibleTo(form)
    assert reg.counts()["cases"] == 0

    fill(qtbot, form.editor("topics"), ["invordering", "betalingsregeling"])
    fill(qtbot, form.editor("summary"), "Zzp'er met schuld; betalingsregeling afgewezen.")
    with qtbot.waitSignal(form.case_registered) as sig:
        form.save()
    number = sig.args[0]
    assert number.startswith(f"{days_ago(reg, 3).year}-TST-")
    assert form.row("topics").error() == "" and form.row("summary").error() == ""
    state = reg.case(number).state
    r = state.registration
    assert r["partner_type"] == "financiele_hulpverlening"
    assert r["topics"] == ["invordering", "betalingsregeling"]
    assert r["running_procedures"] == ["bezwaar", "dwanginvordering"]
    assert r["helper_contact"] == {"name": "J. de Vries",
                                   "email": "j.devries@schuldhulp.nl"}
    assert r["multi_problem"] is True and r["known_to_service"] == "ja"
    assert r["claim_band"] == "5000_20000" and r["consent"] == "machtiging"
    assert "urgency_reason" not in r
    assert state.received_on == days_ago(reg, 3)
    # Personal data went to the separate table, not into the event.
    assert reg.personal(number) == {"name": "Jan Jansen", "bsn": VALID_BSN}
    assert "Jan Jansen" not in str(r)


def test_partner_types_follow_the_route(qtbot, reg, session):  # noqa: F811
    form = make_form(qtbot, session)
    fill(qtbot, form.editor("route"), "dienst_toeslagen")
    assert form.editor("partner_type").keys() == ["dt_klachten", "dt_herstel", "dt_overig"]
    assert form.editor("partner_type").itemText(1) == "Herstel Toeslagen"
    fill(qtbot, form.editor("route"), "ibtd")
    assert form.editor("partner_type").keys() == ["ibtd"]
    assert form.editor("partner_type").value() == "ibtd"  # the only choice


def test_urgency_reason_only_when_urgent(qtbot, reg, session):  # noqa: F811
    form = make_form(qtbot, session)
    assert not form.row("urgency_reason").isEnabled()
    click_check(qtbot, form.editor("urgent"))
    assert form.editor("urgent").isChecked()
    assert form.row("urgency_reason").isEnabled()


def test_lint_warning_for_a_bsn_in_the_summary(qtbot, reg, session):  # noqa: F811
    form = make_form(qtbot, session)
    fill(qtbot, form.editor("summary"), "Burger met BSN 123456782 loopt vast.")
    warning = form.row("summary").warning()
    assert "BSN" in warning
    assert form.row("summary").warning_label.isVisibleTo(form)
    # The handler fixes it; the warning goes away.
    fill(qtbot, form.editor("summary"), "Burger loopt vast.")
    assert form.row("summary").warning() == ""


def test_invalid_bsn_is_refused_inline(qtbot, reg, session):  # noqa: F811
    form = make_form(qtbot, session)
    fill(qtbot, form.personal.editor("bsn"), "123456789")
    assert "11-proef" in form.personal.rows["bsn"].error()
    for name, value in (("route", "belastingdienst"), ("partner_type", "bd_lrh"),
                        ("services", ["belastingdienst"]), ("topics", ["boete"]),
                        ("target_group", "burger"), ("summary", "Boete na late aangifte.")):
        fill(qtbot, form.editor(name), value)
    assert form.save() is None
    assert reg.counts()["cases"] == 0
    fill(qtbot, form.personal.editor("bsn"), VALID_BSN)
    assert form.personal.rows["bsn"].error() == ""
    assert form.save() is not None


def test_partner_org_completer_and_cancel(qtbot, reg, session):  # noqa: F811
    new_case(reg, partner_org="Sociaal Raadslieden Utrecht")
    new_case(reg, partner_org="Schuldhulp Zwolle")
    form = make_form(qtbot, session)
    comp = form.editor("partner_org").completer()
    assert comp is not None
    assert set(comp.model().stringList()) == {"Sociaal Raadslieden Utrecht",
                                              "Schuldhulp Zwolle"}
    fill(qtbot, form.editor("summary"), "Iets")
    with qtbot.waitSignal(form.cancelled):
        qtbot.mouseClick(form.cancel_button, Qt.MouseButton.LeftButton)
    assert form.editor("summary").value() == ""
    assert not [r for r in audit.rows(reg.conn) if r.action == "view_personal"]
