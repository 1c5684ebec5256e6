"""The register API both front doors use: numbering, appends, rules, corrections."""

from __future__ import annotations

from datetime import date

import pytest

from app.demo import synthetic_register
from app.model.errors import RuleViolation, UserError, ValidationFailed
from app.storage import audit
from app.storage.errors import RegisterExists, UnknownCase, WrongPassphrase
from app.storage.interchange_io import import_data
from app.storage.repository import SORT_COLUMNS, CaseQuery, Register
from tests.helpers.registers import (
    FAST_KDF,
    PASSPHRASE,
    make_register,
    registration,
    reopen,
    triage,
)


@pytest.fixture
def reg(tmp_path):
    r = make_register(tmp_path)
    r.today = lambda: date(2025, 12, 31)
    yield r
    r.close()


def test_case_numbers_use_year_device_and_a_growing_sequence(reg):
    a = reg.register_case(registration(received_on="2025-03-04"))
    b = reg.register_case(registration(received_on="2025-12-30"))
    reg.today = lambda: date(2026, 1, 5)
    c = reg.register_case(registration(received_on="2026-01-02"))
    assert [a.number, b.number, c.number] == ["2025-TST-0001", "2025-TST-0002",
                                              "2026-TST-0003"]


def test_refuses_bad_device_code_and_short_passphrase(tmp_path):
    with pytest.raises(UserError, match="apparaatcode"):
        Register.create(tmp_path / "a.db", PASSPHRASE, "zw1", kdf=FAST_KDF)
    with pytest.raises(UserError, match="12 tekens"):
        Register.create(tmp_path / "b.db", "kort", "ZWL", kdf=FAST_KDF)
    assert not (tmp_path / "a.db").exists() and not (tmp_path / "b.db").exists()


def test_create_refuses_to_overwrite(reg):
    with pytest.raises(RegisterExists):
        Register.create(reg.path, PASSPHRASE, "TST", "Tester", kdf=FAST_KDF)


def test_wrong_passphrase_is_one_clear_error_then_right_one_opens(tmp_path):
    r = make_register(tmp_path)
    r.register_case(registration())
    path = r.path
    r.close()
    before = path.read_bytes()
    with pytest.raises(WrongPassphrase, match="Onjuiste wachtwoordzin"):
        Register.open(path, "dit-is-het-niet-hoor")
    with pytest.raises(WrongPassphrase):
        Register.open(path, "ook-niet-goed-hoor")
    assert path.read_bytes() == before  # nothing deleted or changed by failures
    r = Register.open(path, PASSPHRASE)
    actions = [(a.action, a.result) for a in audit.rows(r.conn)]
    assert actions[-3:] == [("unlock_failed", "geweigerd"), ("unlock_failed", "geweigerd"),
                            ("unlock", "ok")]
    assert r.count_cases() == 1
    r.close()


def test_step_is_validated_and_refused_in_dutch(reg):
    case = reg.register_case(registration())
    with pytest.raises(ValidationFailed) as exc:
        reg.append(case.number, "triaged", {"decided_on": "2025-03-06",
                                            "decision": "doorverwezen",
                                            "reason_code": "loopt_elders", "reason": "x"})
    assert exc.value.errors[0].path == "referred_to"
    with pytest.raises(RuleViolation, match="alleen als de casus In behandeling"):
        reg.append(case.number, "opinion_sent", {"sent_on": "2025-03-10",
                                                 "service": "dienst_toeslagen",
                                                 "proposed_solution": "Matigen."})
    assert [e.kind for e in reg.case(case.number).events] == ["registered"]


def test_future_and_pre_intake_dates_refused(reg):
    case = reg.register_case(registration())
    with pytest.raises(RuleViolation, match="toekomst"):
        reg.append(case.number, "triaged", triage(on="2026-01-02"))
    with pytest.raises(RuleViolation, match="vóór de datum van ontvangst"):
        reg.append(case.number, "triaged", triage(on="2025-03-01"))


def test_back_dated_step_is_checked_against_the_whole_sequence(reg):
    n = reg.register_case(registration()).number
    reg.append(n, "triaged", triage())
    reg.append(n, "paused", {"from_on": "2025-04-01", "procedure": "invordering",
                             "citizen_consent": True, "agreed_with": "Teamleider"})
    # a resume dated before the pause would leave the pause running: refused
    with pytest.raises(RuleViolation, match="geen pauze"):
        reg.append(n, "resumed", {"on": "2025-03-20"})
    state = reg.append(n, "resumed", {"on": "2025-04-10"})
    assert state.paused_days() == 9 and not state.pause_running


def test_walk_through_a_case_status_and_phase(reg):
    n = reg.register_case(registration()).number
    assert reg.case(n).state.status == "aangemeld"
    s = reg.append(n, "triaged", triage())
    assert (s.status, s.phase) == ("in_behandeling", "onderzoek")
    s = reg.append(n, "opinion_sent", {"sent_on": "2025-03-20", "service": "dienst_toeslagen",
                                       "proposed_solution": "Terugvordering matigen."})
    assert s.phase == "wacht_op_reactie"
    s = reg.append(n, "service_response", {"received_on": "2025-04-02",
                                           "service": "dienst_toeslagen",
                                           "response": "gemotiveerd_afgewezen",
                                           "summary": "Geen ruimte in de wet."})
    assert s.phase == "onderzoek"
    s = reg.append(n, "escalated", {"on": "2025-04-05", "service": "dienst_toeslagen",
                                    "level": "teamleider", "reason": "Onvoldoende motivering"})
    assert s.phase == "geescaleerd"
    s = reg.append(n, "closed", {"closed_on": "2025-05-01", "outcome": "opgelost",
                                 "solution": "Terugvordering gematigd.",
                                 "powers_sufficient": "ja"})
    assert (s.status, s.path) == ("afgerond", "na_escalatie")
    row = reg.list_cases(CaseQuery(search=n))[0]
    assert row.status == "afgerond" and row.phase is None


def test_correction_supersedes_the_current_one_and_may_move_a_date(reg):
    n = reg.register_case(registration()).number
    reg.append(n, "triaged", triage(on="2025-03-06"))
    original = next(e for e in reg.case(n).events if e.kind == "triaged")
    reg.correct(original.id, triage(on="2025-03-07"), "Verkeerde datum")
    s = reg.correct(original.id, triage(on="2025-03-09"), "Tikfout")
    first, second = s.log.corrections
    assert second.payload["supersedes"] == first.id
    assert "supersedes" not in first.payload
    assert s.triaged_on == date(2025, 3, 9) and not s.log.conflicts
    stored = reg.list_cases(CaseQuery(search=n))[0]
    assert stored.status == "in_behandeling"


def test_correction_that_would_break_a_rule_is_refused(reg):
    n = reg.register_case(registration()).number
    reg.append(n, "triaged", triage(on="2025-03-06"))
    reg.append(n, "opinion_sent", {"sent_on": "2025-03-10", "service": "dienst_toeslagen",
                                   "proposed_solution": "Matigen."})
    tri = next(e for e in reg.case(n).events if e.kind == "triaged")
    with pytest.raises(RuleViolation):
        reg.correct(tri.id, triage(on="2025-03-12"), "Te laat")
    assert reg.case(n).state.triaged_on == date(2025, 3, 6)


def test_retraction_voids_a_step_and_first_step_cannot_be_retracted(reg):
    n = reg.register_case(registration()).number
    s = reg.append(n, "note", {"on": "2025-03-05", "text": "Gebeld met de aandrager."})
    note = next(e for e in reg.case(n).events if e.kind == "note")
    s = reg.retract(note.id, "Verkeerde casus")
    assert [e.id for e in s.log.voided] == [note.id]
    assert "note" not in [e.kind for e in s.effective]
    with pytest.raises(RuleViolation, match="al vervallen"):
        reg.retract(note.id, "nogmaals")
    first = reg.case(n).events[0]
    with pytest.raises(RuleViolation, match="eerste stap"):
        reg.retract(first.id, "weg ermee")


def test_deadline_due_on_is_computed_and_stored(reg):
    n = reg.register_case(registration()).number
    s = reg.append(n, "deadline_set", {"on": "2025-03-05", "deadline_kind": "bezwaartermijn",
                                       "start_on": "2025-03-22"})
    assert s.deadlines[0].due_on == date(2025, 5, 6)
    stored = next(e for e in reg.case(n).events if e.kind == "deadline_set")
    assert stored.payload["due_on"] == "2025-05-06"
    assert reg.open_deadlines()[0].due_on == date(2025, 5, 6)
    dl = stored.id
    reg.append(n, "deadline_met", {"on": "2025-04-01", "deadline": dl, "result": "gehaald"})
    assert reg.open_deadlines() == []


def test_signals_link_and_unlink(reg):
    n = reg.register_case(registration()).number
    sig = reg.create_signal({"created_on": "2025-04-01", "title": "Herberekening",
                             "problem": "Terugvorderingen na herberekening zonder uitleg.",
                             "proposed_solution": "Uitleg in de beschikking.",
                             "theme": "dienstverlening", "services": ["dienst_toeslagen"]})
    assert sig.number == "S-2025-TST-001"
    s = reg.link_signal(n, sig.number, date(2025, 4, 2))
    assert s.signals == [sig.number]
    with pytest.raises(RuleViolation, match="al aan deze casus"):
        reg.link_signal(n, sig.number, date(2025, 4, 3))
    _, _, cases = reg.signal(sig.number)
    assert cases == [n]
    s = reg.unlink_signal(n, sig.number, date(2025, 4, 3))
    assert s.signals == []
    reg.append_signal(sig.number, "signal_submitted", {"on": "2025-04-05",
                                                       "recipient": "ksms_belastingdienst"})
    assert reg.list_signals()[0].status == "ingediend"


def test_personal_data_is_separate_validated_and_audited(reg):
    n = reg.register_case(registration(), personal={"name": "A. Voorbeeld",
                                                    "bsn": "1234.56.782"}).number
    with pytest.raises(ValidationFailed, match="11-proef"):
        reg.set_personal(n, {"bsn": "123456789"})
    assert reg.personal(n) == {"name": "A. Voorbeeld", "bsn": "123456782"}
    rows = [(a.action, a.object) for a in audit.rows(reg.conn)]
    assert ("view_personal", n) in rows
    assert all("123456782" not in a.object + a.result for a in audit.rows(reg.conn))
    # never inside an event
    assert all("Voorbeeld" not in str(e.payload) for e in reg.case(n).events)


def test_unknown_case_is_a_clear_error(reg):
    with pytest.raises(UnknownCase, match="2025-TST-0099"):
        reg.case("2025-TST-0099")


def test_a_failed_projection_leaves_no_event(reg, monkeypatch):
    n = reg.register_case(registration()).number
    import app.storage.repository as repo

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(repo, "write_case", boom)
    with pytest.raises(RuntimeError):
        reg.append(n, "triaged", triage())
    monkeypatch.undo()
    assert [e.kind for e in reg.case(n).events] == ["registered"]
    s = reg.append(n, "triaged", triage())  # the hash chain is still consistent
    assert s.status == "in_behandeling"
    from app.storage.verify import verify

    assert verify(reg).ok


def test_settings_survive_reopen(tmp_path):
    r = make_register(tmp_path)
    r.update_settings(auto_lock_minutes=5, leadtime_norm_days=60)
    with pytest.raises(UserError):
        r.update_settings(device_id="00000000-0000-4000-8000-000000000000")
    r = reopen(r)
    assert (r.settings.auto_lock_minutes, r.settings.leadtime_norm_days) == (5, 60)
    assert r.settings.device_code == "TST"
    r.close()


def test_age_stops_at_closing_and_sorts_by_it(reg):
    a = reg.register_case(registration(received_on="2025-01-06")).number
    reg.append(a, "triaged", triage(on="2025-01-07"))
    reg.append(a, "closed", {"closed_on": "2025-01-20", "outcome": "opgelost",
                             "solution": "Opgelost.", "powers_sufficient": "ja"})
    b = reg.register_case(registration(received_on="2025-06-01")).number
    today = date(2025, 12, 31)
    rows = {r.number: r for r in reg.list_cases(CaseQuery())}
    assert rows[a].age(today) == 14 and rows[b].age(today) == 213
    oldest_first = [r.number for r in reg.list_cases(CaseQuery(sort="age"))]
    assert oldest_first == [b, a]


def test_a_worker_connection_and_the_main_one_share_one_chain(reg):
    from app.storage.verify import verify

    n = reg.register_case(registration()).number
    worker = reg.reopen_for_worker()
    try:
        for i in range(3):
            worker.append(n, "note", {"on": "2025-03-05", "text": f"Door de worker {i}"})
            reg.append(n, "note", {"on": "2025-03-05", "text": f"Door het scherm {i}"})
    finally:
        worker.close()
    events = reg.case(n).events
    assert len({e.hlc for e in events}) == len(events) == 7
    report = verify(reg)
    assert report.ok, report.problems


def test_a_failed_create_leaves_no_half_made_register(tmp_path, monkeypatch):
    import app.storage.repository as repo
    from app.model.codelists import CodelistError

    broken = tmp_path / "codelists.toml"
    broken.write_text("[route.items\n", encoding="utf-8")
    monkeypatch.setattr(repo, "codelist_override", lambda: broken)
    with pytest.raises(CodelistError):
        Register.create(tmp_path / "r.db", PASSPHRASE, "TST", "Tester", kdf=FAST_KDF)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["codelists.toml"]


def test_a_search_finds_the_same_cases_in_every_order_and_window(tmp_path):
    """A search walks the sort's index when there is one and looks matches up when there
    is none; both must give the cases the full list gives, in its order."""
    reg = make_register(tmp_path)
    import_data(reg, synthetic_register(cases=150, signals=0, seed=5), source="t",
                today=date(2025, 12, 31))
    for word in ("kinderopvang", "betalingsregeling", "Zwolle", "-TST-00"):
        looked_up = {r.number for r in reg.list_cases(
            CaseQuery(search=word, sort="services", limit=1000))}  # no index: lookups
        assert 0 < reg.count_cases(CaseQuery(search=word)) == len(looked_up) < 150
        for sort in SORT_COLUMNS:
            for descending in (True, False):
                everything = [r.number for r in reg.list_cases(
                    CaseQuery(sort=sort, descending=descending, limit=1000))]
                expected = [n for n in everything if n in looked_up]
                found = reg.list_cases(CaseQuery(search=word, sort=sort,
                                                 descending=descending, limit=1000))
                assert [r.number for r in found] == expected, (word, sort)
                window = reg.list_cases(CaseQuery(search=word, sort=sort,
                                                  descending=descending, offset=3, limit=7))
                assert [r.number for r in window] == expected[3:10]
    reg.close()
