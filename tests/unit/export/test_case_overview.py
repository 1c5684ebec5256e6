"""The casusoverzicht: personal data only on request (audited), corrections shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.export.case_overview import write_case_overview
from app.export.templating import TemplateProblem
from app.storage import audit
from app.storage.interchange_io import import_file
from app.storage.repository import Register
from tests.helpers.registers import EXAMPLE, make_register, registration


@pytest.fixture
def reg(tmp_path: Path) -> Register:
    register = make_register(tmp_path)
    import_file(register, EXAMPLE)
    yield register
    register.close()


def _actions(reg: Register, action: str) -> list[audit.AuditRow]:
    return [r for r in audit.rows(reg.conn) if r.action == action]


def test_no_personal_data_unless_asked(reg: Register, tmp_path: Path) -> None:
    view = reg.case("V-001")
    out = write_case_overview(reg, view, tmp_path / "casus.html")
    html = out.read_text(encoding="utf-8")
    assert "Voorbeeld Persoon V-001" not in html and "123456782" not in html
    assert "Persoonsgegevens" not in html
    assert f"Casus {view.state.number}" in html
    assert _actions(reg, "print_personal") == []
    [row] = _actions(reg, "export_case_overview")
    assert view.state.number in row.object and str(out) in row.object
    assert row.result == "zonder persoonsgegevens"


def test_personal_data_when_asked_and_the_viewing_is_audited(reg: Register,
                                                             tmp_path: Path) -> None:
    view = reg.case("V-001")
    number = view.state.number
    html = write_case_overview(reg, view, tmp_path / "casus.html",
                               with_personal=True).read_text(encoding="utf-8")
    assert "Voorbeeld Persoon V-001" in html and "123456782" in html
    assert "bevat persoonsgegevens" in html
    [read] = _actions(reg, "print_personal")
    assert read.object == number
    assert "123456782" not in read.object + read.result  # the trail holds no P2 value
    [export] = _actions(reg, "export_case_overview")
    assert export.result == "met persoonsgegevens"


def test_sections_and_helper_contact(reg: Register, tmp_path: Path) -> None:
    view = reg.case("V-008")  # has a helper contact and linked signals
    html = write_case_overview(reg, view, tmp_path / "c.html").read_text(encoding="utf-8")
    for heading in ("Intake", "Tijdlijn", "Termijnen", "Gekoppelde signalen"):
        assert f"<h2>{heading}</h2>" in html
    assert "J. Jansen" in html  # P1 is internal: the meeting may call the helper
    for signal in view.state.signals:
        assert signal in html
    assert "Vertrouwelijk" in html


def _footer(html: str) -> str:
    return re.sub(r"\s+", " ", html[html.index('<footer class="voet">'):html.index("</footer>")])


def test_footer_says_what_the_page_holds(reg: Register, tmp_path: Path) -> None:
    """A page with the helper's contact is not "pseudonymised data": the footer names
    the contact; only a page without P1 and P2 says pseudonymised alone."""
    with_contact = write_case_overview(reg, reg.case("V-008"), tmp_path / "a.html")
    footer = _footer(with_contact.read_text(encoding="utf-8"))
    assert "contactgegevens van de aandrager" in footer and "alleen voor intern" in footer
    assert "zonder persoonsgegevens van de burger" in footer

    number = reg.register_case(registration(summary="Zonder contactpersoon.")).number or ""
    assert "helper_contact" not in registration()
    bare = _footer(write_case_overview(reg, reg.case(number), tmp_path / "b.html")
                   .read_text(encoding="utf-8"))
    assert "Vertrouwelijk: gepseudonimiseerde gegevens" in bare
    assert "contactgegevens" not in bare

    personal = _footer(write_case_overview(reg, reg.case("V-008"), tmp_path / "c.html",
                                           with_personal=True).read_text(encoding="utf-8"))
    assert "bevat persoonsgegevens van de burger en de contactgegevens" in personal
    assert "gepseudonimiseerd" not in personal


def test_corrections_and_retractions_are_shown_as_such(reg: Register, tmp_path: Path) -> None:
    corrected = write_case_overview(reg, reg.case("V-043"), tmp_path / "a.html").read_text(
        encoding="utf-8")
    assert 'class="gecorrigeerd"' in corrected
    assert "Gecorrigeerd: Verkeerde datum.; Tikfout in de correctie." in corrected
    original = next(e for e in reg.case("V-043").events if e.kind == "triaged")
    assert f"was: datum {original.occurred_on.strftime('%d-%m-%Y')}" in corrected
    assert "03-07-2025" in corrected  # the row stands on the date that counts now
    retracted = write_case_overview(reg, reg.case("V-009"), tmp_path / "b.html").read_text(
        encoding="utf-8")
    assert 'class="vervallen"' in retracted
    assert "Vervallen (registratiefout): Dubbel geregistreerd." in retracted
    assert "Correctie</td>" not in corrected + retracted  # not steps of their own


def test_markup_in_case_text_is_escaped(reg: Register, tmp_path: Path) -> None:
    state = reg.register_case(registration(summary="<script>alert('x')</script> <b>vet</b>"))
    html = write_case_overview(reg, reg.case(state.number or ""), tmp_path / "x.html"
                               ).read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<b>vet</b>" not in html
    assert "&lt;script&gt;" in html
    assert not re.search(r"<script", html, re.I)


def test_deadlines_and_story_status(reg: Register, tmp_path: Path) -> None:
    with_deadline = next(r.number for r in reg.list_cases() if reg.case(r.number).state.deadlines)
    html = write_case_overview(reg, reg.case(with_deadline), tmp_path / "d.html").read_text(
        encoding="utf-8")
    assert "<h2>Termijnen</h2>" in html and "Er zijn geen termijnen" not in html
    story = write_case_overview(reg, reg.case("V-012"), tmp_path / "s.html").read_text(
        encoding="utf-8")
    assert "Een alleenstaande ouder liep vast na een terugvordering." in story
    assert "Goedgekeurd door M. de Vries (teamleider)" in story


def test_override_template_is_used_and_a_broken_one_is_refused(reg: Register,
                                                                tmp_path: Path) -> None:
    override = tmp_path / "eigen"
    override.mkdir()
    (override / "case_overview.html.j2").write_text("Eigen: {{ casus.nummer }}",
                                                    encoding="utf-8")
    view = reg.case("V-001")
    out = write_case_overview(reg, view, tmp_path / "e.html", template_dir=override)
    assert out.read_text(encoding="utf-8") == f"Eigen: {view.state.number}"
    (override / "case_overview.html.j2").write_text("{{ casus.numer }}", encoding="utf-8")
    with pytest.raises(TemplateProblem, match="veld dat niet bestaat"):
        write_case_overview(reg, view, tmp_path / "f.html", template_dir=override)
    assert not (tmp_path / "f.html").exists()


def test_a_resolved_case_names_its_route_in_the_shipped_words(reg: Register,
                                                               tmp_path: Path) -> None:
    """Issue 11, item 21: the route is the founding report's 'minnelijk' or 'na
    heroverwegingsverzoek', from the codelist; never 'zonder heroverwegingsverzoek'."""
    seen = set()
    for row in reg.list_cases():
        case = reg.case(row.number)
        if case.state.path is None:
            continue
        html = write_case_overview(reg, case, tmp_path / f"{row.number}.html").read_text(
            encoding="utf-8")
        assert "zonder heroverwegingsverzoek" not in html.lower()
        if (case.state.closing or {}).get("outcome") not in ("opgelost", "deels_opgelost"):
            # a case that was not solved has no route to a solution
            assert "(minnelijk)" not in html and "(na heroverwegingsverzoek)" not in html
            continue
        words = {"zonder_escalatie": "(minnelijk)",
                 "na_escalatie": "(na heroverwegingsverzoek)"}[case.state.path]
        assert words in html, row.number
        seen.add(case.state.path)
    assert seen == {"zonder_escalatie", "na_escalatie"}  # the example has both routes


def test_an_open_deadline_of_a_closed_case_is_an_openstaande_termijn(
        reg: Register, tmp_path: Path) -> None:
    """Issue 11, item 25: one phrase, 'Openstaande termijn'; never 'niet afgemeld'."""
    html = write_case_overview(reg, reg.case("V-012"), tmp_path / "v.html").read_text(
        encoding="utf-8")
    assert "Openstaande termijn; casus afgerond" in html
    for row in reg.list_cases():
        html = write_case_overview(reg, reg.case(row.number), tmp_path / "c.html").read_text(
            encoding="utf-8")
        assert "afgemeld" not in html.lower() and "verstreken" not in html.lower(), row.number
