"""Retention (docs/SECURITY.md "does not outlive its purpose"): purge, destroy, erase a text.

Purge dates are tried one day before, on and one day after the boundary for each of
the three starting dates (closing, referral, not taken) and across the 29th of
February. Erasure is checked in the file itself: every page decrypted and searched.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from app.model.errors import RuleViolation, UserError
from app.model.fold import fold_case
from app.model.metrics import compute_metrics, weekly_intake
from app.model.retention import add_months, purge_from
from app.storage import audit
from app.storage.figures import figures
from app.storage.repository import CaseQuery, Register
from app.storage.retention import destroy, erase_text, purge
from app.storage.verify import verify
from tests.helpers.pages import pages_holding
from tests.helpers.registers import make_register, registration, triage

BSN = "111222333"  # passes the 11-proef
NAME = "Wilhelmina Pietersen-Vos"
LATER = date(2030, 1, 1)


@pytest.fixture
def reg(tmp_path: Path) -> Iterator[Register]:
    r = make_register(tmp_path)
    r.today = lambda: LATER  # every date below is in the past
    yield r
    if r.conn is not None:
        r.close()


def closing(on: str, solution: str = "Aanslag verminderd.") -> dict[str, Any]:
    return {"closed_on": on, "outcome": "opgelost", "solution": solution,
            "powers_sufficient": "ja"}


def new_case(reg: Register, received: str = "2025-03-04", name: str = NAME,
             **changes: Any) -> str:
    state = reg.register_case(registration(received_on=received, **changes),
                              personal={"name": name, "bsn": BSN})
    return str(state.number)


def case_ended(reg: Register, how: str, on: str, received: str = "2025-03-04",
               name: str = NAME, **changes: Any) -> str:
    number = new_case(reg, received, name, **changes)
    if how == "afgerond":
        reg.append(number, "triaged", triage(on=received))
        reg.append(number, "closed", closing(on))
    elif how == "doorverwezen":
        reg.append(number, "triaged", triage(on=on, decision="doorverwezen",
                                             referred_to="bd_lrh"))
    else:
        reg.append(number, "triaged", triage(on=on, decision="niet_in_behandeling"))
    return number


def has_personal(reg: Register, number: str) -> bool:
    return bool(reg.personal(number))


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(("start", "months", "anniversary"), [
    (date(2025, 3, 10), 12, date(2026, 3, 10)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),   # the 29th plus 12 months is the 28th
    (date(2024, 2, 29), 48, date(2028, 2, 29)),   # ... unless the year is a leap year
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2023, 1, 31), 13, date(2024, 2, 29)),
    (date(2025, 8, 31), 18, date(2027, 2, 28)),
    (date(2025, 12, 15), 1, date(2026, 1, 15)),
])
def test_calendar_months_end_on_a_shorter_months_last_day(start: date, months: int,
                                                          anniversary: date) -> None:
    assert add_months(start, months) == anniversary
    assert purge_from(start, months) == anniversary + timedelta(days=1)


# --------------------------------------------------------------------------- purge


@pytest.mark.parametrize("how", ["afgerond", "doorverwezen", "niet_in_behandeling"])
@pytest.mark.parametrize(("today", "purged"), [
    (date(2026, 3, 9), False),   # a day before the anniversary
    (date(2026, 3, 10), False),  # the anniversary: still kept
    (date(2026, 3, 11), True),   # the day after: purged
])
def test_purge_around_the_boundary(reg: Register, how: str, today: date,
                                   purged: bool) -> None:
    number = case_ended(reg, how, "2025-03-10")
    reg.today = lambda: today
    preview = purge(reg, dry_run=True)
    assert [i.number for i in preview.items] == ([number] if purged else [])
    assert has_personal(reg, number)  # a dry run erases nothing
    result = purge(reg)
    assert result.done and len(result.items) == (1 if purged else 0)
    assert has_personal(reg, number) is not purged
    if purged:
        item = result.items[0]
        assert (item.since, item.due_from, item.values) == (date(2025, 3, 10),
                                                            date(2026, 3, 11), 2)


@pytest.mark.parametrize("how", ["afgerond", "doorverwezen"])
def test_purge_across_the_29th_of_february(reg: Register, how: str) -> None:
    number = case_ended(reg, how, "2024-02-29", received="2024-02-01")
    reg.today = lambda: date(2025, 2, 28)
    assert purge(reg).items == []
    assert has_personal(reg, number)
    reg.today = lambda: date(2025, 3, 1)
    assert [i.number for i in purge(reg).items] == [number]
    assert not has_personal(reg, number)


def test_purge_uses_the_effective_dates(reg: Register) -> None:
    """A corrected closing or triage date moves the purge; the original does not."""
    closed = case_ended(reg, "afgerond", "2025-06-30")
    close_step = next(e for e in reg.case(closed).events if e.kind == "closed")
    reg.correct(close_step.id, closing("2025-04-01"), "Datum verkeerd overgenomen.")
    referred = case_ended(reg, "doorverwezen", "2025-06-30")
    triage_step = next(e for e in reg.case(referred).events if e.kind == "triaged")
    reg.correct(triage_step.id, triage(on="2025-04-01", decision="doorverwezen",
                                       referred_to="bd_lrh"), "Datum verkeerd.")
    reg.today = lambda: date(2026, 4, 2)
    assert sorted(i.number for i in purge(reg).items) == sorted([closed, referred])


def test_reopened_and_untriaged_cases_are_kept(reg: Register) -> None:
    reopened = case_ended(reg, "afgerond", "2025-03-10")
    reg.append(reopened, "reopened", {"on": "2025-04-01", "reason": "Niet uitgevoerd."})
    waiting = new_case(reg)
    treated = new_case(reg)
    reg.append(treated, "triaged", triage())
    reg.today = lambda: date(2029, 12, 31)
    assert purge(reg).items == []
    for number in (reopened, waiting, treated):
        assert has_personal(reg, number)


def test_purge_follows_the_retention_setting_and_leaves_figures_alone(reg: Register
                                                                       ) -> None:
    number = case_ended(reg, "afgerond", "2025-03-10")
    other = case_ended(reg, "afgerond", "2025-09-10")
    reg.update_settings(retention_months=6)
    reg.today = lambda: date(2025, 9, 11)
    before = figures(reg, date(2025, 1, 1), date(2025, 12, 31)).period
    result = purge(reg)
    assert [i.number for i in result.items] == [number]
    assert has_personal(reg, other)
    assert figures(reg, date(2025, 1, 1), date(2025, 12, 31)).period == before
    assert verify(reg).ok


def test_purge_is_audited_with_counts_never_values(reg: Register) -> None:
    case_ended(reg, "afgerond", "2025-03-10")
    case_ended(reg, "niet_in_behandeling", "2025-03-10")
    reg.today = lambda: date(2026, 6, 1)
    purge(reg)
    row = audit.query(reg.conn, audit.AuditQuery(action="purge"))[-1]
    assert row.object == "2 casussen"
    assert "4 persoonsgegevens gewist" in row.result and "12 maanden" in row.result
    text = " ".join(f"{r.object} {r.result}" for r in audit.query(reg.conn))
    assert NAME not in text and BSN not in text


# --------------------------------------------------------------------------- erasure in the file


def test_an_erased_text_is_gone_from_the_file(reg: Register) -> None:
    number = new_case(reg, summary="Aanslag ZWARTEKOOL vastgelopen.")
    reg.append(number, "triaged", triage())
    reg.append(number, "note", {"on": "2025-03-07", "text": "Burger belde, BSN 123456782 "
                                                           "en naam KOOLMEES genoemd."})
    note = next(e for e in reg.case(number).events if e.kind == "note")
    for i in range(20):  # every step rewrites the case's projection row and index entry
        reg.append(number, "partner_informed", {"on": "2025-03-08", "about": "tussenstand",
                                                "how": f"telefonisch {i}"})
    reg.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    key = reg.data_key
    assert pages_holding(reg.path, key, "KOOLMEES"), "the scan must see a stored text"

    erase_text(reg, note.id, ["text"], "Naam en BSN per ongeluk getypt.")
    assert pages_holding(reg.path, key, "KOOLMEES") == []
    assert pages_holding(reg.path, key, "123456782") == []
    wal = reg.path.with_name(reg.path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    assert pages_holding(reg.path, key, "ZWARTEKOOL"), "other text stays"
    assert verify(reg).ok

    registered = reg.case(number).events[0]
    erase_text(reg, registered.id, ["summary"], "Naam van een bedrijf in de samenvatting.")
    assert pages_holding(reg.path, key, "ZWARTEKOOL") == []
    assert pages_holding(reg.path, key, "zwartekool") == []  # nor the search index
    assert reg.list_cases(CaseQuery(search="ZWARTEKOOL")) == []
    assert verify(reg).ok


def test_erasing_a_correction_keeps_the_clean_version(reg: Register) -> None:
    """The usual case: a note was corrected to remove a BSN; the original keeps it
    until its text is erased, and the corrected text stays."""
    number = new_case(reg)
    reg.append(number, "note", {"on": "2025-03-05", "text": "BSN 123456782 gebeld."})
    note = next(e for e in reg.case(number).events if e.kind == "note")
    reg.correct(note.id, {"on": "2025-03-05", "text": "Burger gebeld."}, "BSN weg.")
    state = erase_text(reg, note.id, ["text"], "BSN in het origineel.")
    eff = next(e for e in state.effective if e.id == note.id)
    assert eff.payload["text"] == "Burger gebeld."
    events = reg.case(number).events
    original = next(e for e in events if e.id == note.id)
    assert original.payload == {"on": "2025-03-05", "text": None}
    erased = next(e for e in events if e.kind == "text_erased")
    assert erased.payload["target"] == note.id and erased.payload["fields"] == ["text"]
    correction = next(e for e in events if e.kind == "corrected")
    erase_text(reg, correction.id, ["text", "reason"], "Ook de correctie.")
    fixed = next(e for e in reg.case(number).events if e.id == correction.id)
    assert fixed.payload["payload"]["text"] is None and fixed.payload["reason"] is None
    assert verify(reg).ok


def test_erasing_a_step_and_its_correction_is_all_or_nothing(reg: Register) -> None:
    """"Tekst wissen" on a step and its correction at once: when one version is refused
    neither is erased, so the handler never sees the name gone in one place only."""
    from app.storage.retention import erase_texts

    number = new_case(reg)
    reg.append(number, "note", {"on": "2025-03-05", "text": "BSN 123456782 gebeld."})
    note = next(e for e in reg.case(number).events if e.kind == "note")
    reg.correct(note.id, {"on": "2025-03-05", "text": "Piet Jansen gebeld."}, "Naam.")
    correction = next(e for e in reg.case(number).events if e.kind == "corrected")
    before = reg.case(number).events
    with pytest.raises(UserError, match="geen tekstveld"):
        erase_texts(reg, {note.id: ["text"], correction.id: ["text", "partner_org"]},
                    "Naam en BSN.")
    assert reg.case(number).events == before
    erase_texts(reg, {note.id: ["text"], correction.id: ["text"]}, "Naam en BSN.")
    events = reg.case(number).events
    assert [e.kind for e in events].count("text_erased") == 2
    assert next(e for e in events if e.id == note.id).payload["text"] is None
    assert next(e for e in events if e.id == correction.id).payload["payload"]["text"] is None
    assert verify(reg).ok


def test_erase_text_refuses_what_is_no_free_text(reg: Register) -> None:
    number = new_case(reg)
    first = reg.case(number).events[0]
    with pytest.raises(RuleViolation, match="geen tekstveld"):
        erase_text(reg, first.id, ["route"], "x")
    with pytest.raises(UserError, match="leeg of al gewist"):
        erase_text(reg, first.id, ["help_request"], "x")
    erase_text(reg, first.id, ["summary"], "x")
    with pytest.raises(UserError, match="leeg of al gewist"):
        erase_text(reg, first.id, ["summary"], "x")
    with pytest.raises(UserError, match="reden"):
        erase_text(reg, first.id, ["partner_org"], "  ")
    with pytest.raises(UserError, match="bestaat niet"):
        erase_text(reg, "00000000-0000-4000-8000-000000000000", ["text"], "x")
    erased = next(e for e in reg.case(number).events if e.kind == "text_erased")
    with pytest.raises(RuleViolation, match="onherroepelijk"):
        reg.retract(erased.id, "Toch niet.")
    with pytest.raises(RuleViolation, match="onherroepelijk"):
        reg.correct(erased.id, dict(erased.payload), "Toch niet.")


def test_two_erasures_of_one_step_both_hold(reg: Register) -> None:
    number = new_case(reg, help_request="Hulp bij BSN 123456782.",
                      urgency_reason="Beslag op loon van KOOLMEES.", urgent=True)
    first = reg.case(number).events[0]
    erase_text(reg, first.id, ["help_request"], "BSN.")
    erase_text(reg, first.id, ["urgency_reason"], "Naam.")
    stored = reg.case(number).events[0].payload
    assert stored["help_request"] is None and stored["urgency_reason"] is None
    later = [e for e in reg.case(number).events if e.kind == "text_erased"][-1]
    row = reg.conn.execute("SELECT erased_by FROM events WHERE number = ?",
                           (number,)).fetchone()
    assert audit_id(row[0]) == later.id  # the latest erasure, whose fields are null
    assert verify(reg).ok


def audit_id(raw: bytes) -> str:
    from app.storage.eventrows import uuid_text

    return uuid_text(bytes(raw))


# --------------------------------------------------------------------------- destroy


def test_destroy_leaves_a_tombstone_in_no_figure(reg: Register) -> None:
    kept = case_ended(reg, "afgerond", "2025-05-01", name="Anna Bakker")
    gone = case_ended(reg, "afgerond", "2025-05-02", summary="Loonbeslag MEERKOET.")
    reg.append(gone, "note", {"on": "2025-05-02", "text": "Notitie KOOLMEES."})
    kept_events = reg.case(kept).events
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    with_both = figures(reg, start, end).period
    assert with_both["intake.total"] == 2

    state = destroy(reg, gone, "Archiefwet: bewaartermijn verstreken.")
    assert (state.status, state.number, state.destroyed_reason) == (
        "vernietigd", gone, "Archiefwet: bewaartermijn verstreken.")
    assert state.destroyed_on == LATER and state.received_on.year == 2025
    assert verify(reg).ok
    # every figure as if the case had never been there
    alone = compute_metrics([kept_events], [], start, end)
    assert figures(reg, start, end).period == alone
    cases, _ = reg.grouped_events()
    assert sum(n for _, n in weekly_intake(cases, 2025, end)) == 1
    # the list: not by default, under its own filter
    assert [r.number for r in reg.list_cases()] == [kept]
    tomb = reg.list_cases(CaseQuery(status="vernietigd"))
    assert [(r.number, r.status) for r in tomb] == [(gone, "vernietigd")]
    assert reg.personal(gone) == {}
    reg.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for text in ("KOOLMEES", NAME, "MEERKOET", "meerkoet", "Terugvordering na herberekening"):
        holders = pages_holding(reg.path, reg.data_key, text)
        if text == "Terugvordering na herberekening":
            assert holders, "the kept case still has its summary"
            continue
        assert holders == [], text
    row = audit.query(reg.conn, audit.AuditQuery(action="destroy"))[-1]
    assert row.object == gone and row.result.startswith("vernietigd")


def test_only_a_case_that_left_the_office_is_destroyed(reg: Register) -> None:
    number = new_case(reg)
    reg.append(number, "triaged", triage())
    with pytest.raises(RuleViolation, match="in behandeling"):
        destroy(reg, number, "Archiefwet.")
    with pytest.raises(UserError, match="reden"):
        destroy(reg, number, "")
    reg.append(number, "closed", closing("2025-03-10"))
    destroy(reg, number, "Archiefwet.")
    with pytest.raises(UserError, match="al vernietigd"):
        destroy(reg, number, "Archiefwet.")
    with pytest.raises(RuleViolation, match="vernietigd"):
        reg.append(number, "note", {"on": "2025-03-11", "text": "Nog iets."})
    with pytest.raises(UserError, match="vernietigd"):
        reg.set_personal(number, {"name": NAME})
    with pytest.raises(UserError, match="vernietigd"):
        erase_text(reg, reg.case(number).events[0].id, ["summary"], "x")


def test_destroyed_cases_leave_the_interchange_export(reg: Register) -> None:
    from app.storage.interchange_io import export_data

    kept = case_ended(reg, "afgerond", "2025-05-01")
    gone = case_ended(reg, "afgerond", "2025-05-02")
    note = reg.append(kept, "note", {"on": "2025-05-01", "text": "Tekst KOOLMEES."})
    note_id = next(e.id for e in note.effective if e.kind == "note")
    erase_text(reg, note_id, ["text"], "Naam.")
    destroy(reg, gone, "Archiefwet.")
    doc = export_data(reg)
    assert [c["ref"] for c in doc["cases"]] == [kept]
    kinds = [e["kind"] for e in doc["cases"][0]["events"]]
    assert "text_erased" not in kinds
    exported_note = next(e for e in doc["cases"][0]["events"] if e["kind"] == "note")
    assert exported_note["text"] == "[tekst gewist]"
    assert "KOOLMEES" not in str(doc)


def test_a_fold_as_of_any_date_keeps_the_tombstone(reg: Register) -> None:
    number = case_ended(reg, "niet_in_behandeling", "2025-03-06")
    destroy(reg, number, "Archiefwet.")
    events = reg.case(number).events
    for as_of in (None, date(2025, 3, 5), date(2025, 12, 31)):
        state = fold_case(events, as_of)
        assert state.status == "vernietigd" and state.registration == {}
        assert state.next_steps == []


def test_purge_runs_while_a_restored_laptop_waits_for_its_own_steps(reg: Register) -> None:
    """After a restore that lacks steps already sent, no new step may be recorded (its
    chain would fork), but the purge that follows the restore records none."""
    from app.storage.errors import ReadOnlyRegister

    number = case_ended(reg, "afgerond", "2025-03-10")
    reg.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES "
                     "('awaiting_own_events', '1000')")
    reg.reload_settings()
    reg.today = lambda: date(2026, 6, 1)
    with pytest.raises(ReadOnlyRegister):
        reg.append(number, "note", {"on": "2025-03-11", "text": "x"})
    assert [i.number for i in purge(reg).items] == [number]
    assert not has_personal(reg, number)


def test_the_workbook_counts_destroyed_cases_and_shows_none(reg: Register,
                                                           tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from app.export.workbook import write_evaluation

    kept = case_ended(reg, "afgerond", "2025-05-01")
    gone = case_ended(reg, "afgerond", "2025-05-02")
    destroy(reg, gone, "Archiefwet.")
    out = tmp_path / "evaluatie.xlsx"
    write_evaluation(reg, date(2025, 1, 1), date(2025, 12, 31), out, temp_dir=tmp_path / "t")
    wb = load_workbook(out, read_only=True)
    rows = {r[0]: r[1] for r in wb["Verantwoording"].iter_rows(values_only=True)
            if len(r) > 1 and r[0]}
    assert rows["Vernietigde casussen (in geen cijfer)"] == 1
    assert rows["Casussen gelezen"] == 2
    numbers = {c for row in wb["Casussen"].iter_rows(values_only=True) for c in row
               if isinstance(c, str) and c.startswith("2025-TST-")}
    assert numbers == {kept}
    wb.close()


def test_a_tombstone_is_not_printed(reg: Register, tmp_path: Path) -> None:
    from app.export.case_overview import write_case_overview

    number = case_ended(reg, "niet_in_behandeling", "2025-03-06")
    destroy(reg, number, "Archiefwet.")
    with pytest.raises(UserError, match="vernietigd"):
        write_case_overview(reg, reg.case(number), tmp_path / "o.html")
    assert not (tmp_path / "o.html").exists()
