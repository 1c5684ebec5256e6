"""The rapportage: suppression, approved stories only, lint gate, no P1/P2, templates."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from app.export.report import approved_stories, write_report
from app.export.templating import PersonalDataFound, TemplateProblem, suppress
from app.model.errors import UserError
from app.model.events import FIELD_LABELS
from app.storage import audit
from app.storage.figures import figures
from app.storage.interchange_io import import_file
from app.storage.repository import Register
from tests.helpers.colleague import Colleague
from tests.helpers.disclosure import AGES, catalogue_sums, hidden_recomputed
from tests.helpers.registers import EXAMPLE, make_register

START, END = date(2025, 1, 1), date(2025, 12, 31)
BSN = "111222333"  # passes the 11-proef
APPROVED_STORY = "Een alleenstaande ouder liep vast na een terugvordering."
# P2 of the fixture, P1 of the fixture's helpers, the approver and the handler.
FORBIDDEN = ("Voorbeeld Persoon", "123456782", "J. Jansen", "j.jansen@voorbeeld.invalid",
             "030 123 4567", "M. de Vries", "Tester")


@pytest.fixture
def reg(tmp_path: Path) -> Register:
    register = make_register(tmp_path)
    import_file(register, EXAMPLE)
    yield register
    register.close()


def _report(reg: Register, tmp_path: Path, name: str = "rapportage.html", *,
            start: date = START, end: date = END, **kw: Any) -> str:
    return write_report(reg, start, end, tmp_path / name, **kw).read_text(encoding="utf-8")


def _cell(html: str, caption: str, label: str, column: int = 0) -> str:
    """The text in row ``label`` of the table captioned ``caption``."""
    start = html.index(f"<caption>{caption}</caption>")
    table = html[start:html.index("</table>", start)]
    row = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', table, re.S)
    assert row, f"{label} not in {caption}"
    cells = re.findall(r'<td class="getal">([^<]*)</td>', row.group(1))
    return unescape(cells[column])


def _story(reg: Register, case: str, text: str, *, approve: bool, on: str = "2025-11-20"
           ) -> None:
    reg.append(case, "story", {"on": on, "text": text})
    if approve:
        # four eyes: approved on a colleague's laptop, back by bundle
        Colleague("M. de Vries (teamleider)").approve(reg, case, on)


def test_suppress_helper() -> None:
    assert [suppress(n, 5) for n in (0, 1, 4, 5, 12, 1234)] == [
        "0", "< 5", "< 5", "5", "12", "1.234"]
    assert suppress(3, 0) == suppress(3, 1) == "3"
    assert suppress(None, 5) == "–"
    assert suppress(7.25, 5) == "7,25"  # not a count: formatted, never suppressed


def test_small_counts_are_suppressed_in_tables_and_key_figures(reg: Register,
                                                               tmp_path: Path) -> None:
    figs = figures(reg, START, END).period
    html = _report(reg, tmp_path)
    outcomes = {"Opgelost": "opgelost", "Deels opgelost": "deels_opgelost",
                "Niet opgelost": "niet_opgelost", "Ingetrokken": "ingetrokken"}
    seen = set()
    for label, key in outcomes.items():
        n = figs[f"closed.by_outcome.{key}"]
        shown = _cell(html, "Uitkomst van afgeronde casussen", label)
        assert shown == ("< 5" if 0 < n < 5 else str(n)), (label, n, shown)
        seen.add("small" if 0 < n < 5 else "exact")
    assert seen == {"small", "exact"}  # the fixture has both kinds
    assert _cell(html, "Instroom naar route", "Totaal") == str(figs["intake.total"])
    zero_routes = [k for k in ("ibtd", "overig") if figs[f"intake.by_route.{k}"] == 0]
    assert zero_routes, "fixture should have an empty route"
    labels = {"ibtd": "IBTD", "overig": "Overig"}
    assert _cell(html, "Instroom naar route", labels[zero_routes[0]]) == "0"
    # scores 1-10 table: every cell is 0, a number >= 5 or "< 5"
    for score in range(1, 11):
        for col in (0, 1):
            value = _cell(html, "Verdeling van de rapportcijfers", str(score), col)
            assert value in ("0", "< 5", "×") or int(value) >= 5
    # nowhere in a table does a bare 1 to 4 appear
    for cell in re.findall(r'<td class="getal">([^<]*)</td>', html):
        assert unescape(cell).strip() not in {"1", "2", "3", "4"}, cell


def test_suppression_is_configurable(reg: Register, tmp_path: Path) -> None:
    figs = figures(reg, START, END).period
    n = figs["closed.by_outcome.deels_opgelost"]
    assert 0 < n < 5
    off = _report(reg, tmp_path, "uit.html", suppress_below=0)
    assert _cell(off, "Uitkomst van afgeronde casussen", "Deels opgelost") == str(n)
    assert "niet afgeschermd" in off
    ten = _report(reg, tmp_path, "tien.html", suppress_below=10)
    n8 = figs["closed.by_outcome.opgelost"]
    assert 5 <= n8 < 10
    assert _cell(ten, "Uitkomst van afgeronde casussen", "Opgelost") == "< 10"
    assert 'als "&lt; 10"' in ten
    with pytest.raises(UserError):
        write_report(reg, START, END, tmp_path / "x.html", suppress_below=-1)


def test_only_approved_stories_appear(reg: Register, tmp_path: Path) -> None:
    _story(reg, "V-001", "Concept: een zzp'er zonder antwoord op zijn brieven.", approve=False)
    # approved once, then rewritten without a new approval: the approved text stays
    _story(reg, "V-002", "Goedgekeurde versie over een gezin met huurtoeslag.", approve=True,
           on="2025-11-01")
    _story(reg, "V-002", "Nieuwe, nog niet gelezen versie.", approve=False, on="2025-11-05")
    html = _report(reg, tmp_path)
    assert APPROVED_STORY in html
    assert "Goedgekeurde versie over een gezin met huurtoeslag." in html
    assert "Concept: een zzp" not in html
    assert "Nieuwe, nog niet gelezen versie." not in html
    assert html.count('class="verhaal"') == 2
    # the approval date decides the report: the fixture's story was approved in October
    cases, _ = reg.grouped_events()
    assert [s.text for s in approved_stories(cases, date(2025, 7, 1), date(2025, 9, 30))] == []


def test_story_with_a_bsn_stops_the_report_unless_overridden(reg: Register,
                                                             tmp_path: Path) -> None:
    _story(reg, "V-003", f"Een vader (BSN {BSN}) kreeg geen uitstel.", approve=True)
    out = tmp_path / "rapportage.html"
    with pytest.raises(PersonalDataFound) as exc:
        write_report(reg, START, END, out)
    assert "Verhaal" in str(exc.value) and "BSN" in str(exc.value)
    assert BSN not in str(exc.value)
    assert not out.exists()
    write_report(reg, START, END, out, override_lint="Nummer is verzonnen, gecontroleerd")
    html = out.read_text(encoding="utf-8")
    assert "bewust overschreven" in html
    rows = list(audit.rows(reg.conn))
    [override] = [r for r in rows if r.action == "override_lint"]
    assert "Nummer is verzonnen, gecontroleerd" in override.result
    assert BSN not in override.object + override.result
    export = [r for r in rows if r.action == "export_report"][-1]
    assert "2025-01-01" in export.object and str(out) in export.object
    assert "overschreven" in export.result


def _signal(reg: Register, *, submit: bool, **changes: Any) -> str:
    data: dict[str, Any] = {"created_on": "2025-06-01", "title": "Brieven onbegrijpelijk",
                            "problem": "Onduidelijke brieven.",
                            "proposed_solution": "Herschrijven.", "theme": "dienstverlening",
                            "services": ["belastingdienst"]}
    data.update(changes)
    number = reg.create_signal(data).number or ""
    if submit:
        reg.append_signal(number, "signal_submitted", {"on": "2025-06-02",
                                                       "recipient": "rapportage_kamer"})
    return number


def test_signal_texts_are_linted_too(reg: Register, tmp_path: Path) -> None:
    number = _signal(reg, submit=True, title="Bel 06-12345678 voor uitleg")
    with pytest.raises(PersonalDataFound, match=f"Signaal {number}, Titel"):
        write_report(reg, START, END, tmp_path / "r.html")


def test_submitted_signals_only_with_their_human_story(reg: Register, tmp_path: Path) -> None:
    """A concept is the office's draft: it stays out. A submitted signal brings its
    anonymised human story, which is linted like every other text."""
    concept = _signal(reg, submit=False, title="Nog een concept over aanmaningen")
    story = "Een gezin kreeg drie aanmaningen voor een schuld die al was betaald."
    submitted = _signal(reg, submit=True, title="Aanmaningen na betaling", human_story=story)
    html = _report(reg, tmp_path)
    assert "Nog een concept over aanmaningen" not in html and concept not in html
    assert "Aanmaningen na betaling" in html and story in html
    assert "Gevolgen voor burgers of ondernemers." in html
    assert "ingediend: opgenomen in de rapportage aan de Kamer" in html
    assert "Nog niet ingediend" not in html
    # every signal in the report was submitted: each has an "ingediend" step
    articles = re.findall(r'<article class="signaal">(.*?)</article>', html, re.S)
    assert articles and all("ingediend: " in a for a in articles)
    assert any(submitted in a for a in articles)

    reg.create_signal({"created_on": "2025-06-03", "title": "Ander signaal",
                       "problem": "x", "proposed_solution": "y", "theme": "overig",
                       "services": ["belastingdienst"],
                       "human_story": "Mevrouw belde vanaf 06-12345678."})
    _report(reg, tmp_path, name="zonder-concept.html")  # a concept's story is not linted
    leaky = _signal(reg, submit=True, title="Nog een", human_story="Bel 06-12345678.")
    with pytest.raises(PersonalDataFound,
                       match=f"Signaal {leaky}, Gevolgen voor burgers of ondernemers"):
        write_report(reg, START, END, tmp_path / "r.html")


def test_no_personal_data_no_contacts_no_case_numbers(reg: Register, tmp_path: Path) -> None:
    html = _report(reg, tmp_path)
    for value in FORBIDDEN:
        assert value not in html, value
    assert not re.search(r"(?<!S-)\b2025-TST-\d{4}\b", html)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # the signal title, escaped
    assert "<script" not in html.lower()
    assert not re.search(r"\b(src|href)=|url\(|@import", html)


def test_report_structure_and_audit(reg: Register, tmp_path: Path) -> None:
    html = _report(reg, tmp_path)
    for heading in ("1 Proces", "2 Sturing", "3 Impact", "4 Verhalen", "5 Signalen",
                    "6 Leervragen", "7 Verantwoording"):
        assert f"<h2>{heading}</h2>" in html
    assert "onafhankelijk van de Belastingdienst en Dienst Toeslagen" in html
    assert "Rapportage over 2025" in html and "In het eerste jaar" in html
    assert "Zijn de bevoegdheden van de Belangenbehartiger afdoende?" in html
    assert "@page" in html and "A4" in html
    # what became of each signal: the fixture's VS-02 was adopted and fed back
    assert "reactie: overgenomen" in html and "teruggekoppeld aan aandragers" in html
    # one phrase for a deadline not yet closed (issue 11, item 25)
    assert "afgemeld" not in html.lower() and "verstreken" not in html.lower()
    rows = [r for r in audit.rows(reg.conn) if r.action == "export_report"]
    assert len(rows) == 1 and "kleine aantallen onder 5" in rows[0].result


def test_half_year_report_shows_year_to_date(reg: Register, tmp_path: Path) -> None:
    html = _report(reg, tmp_path, start=date(2025, 7, 1), end=date(2025, 12, 31))
    assert "Rapportage tweede halfjaar 2025" in html
    assert "Jaar tot en met <span class=\"datum\">31-12-2025</span>" in html
    assert "In het eerste jaar" not in html
    with pytest.raises(UserError, match="periode is leeg"):
        write_report(reg, END, START, tmp_path / "x.html")


def test_user_override_template_and_strict_undefined(reg: Register, tmp_path: Path) -> None:
    override = tmp_path / "eigen"
    override.mkdir()
    (override / "report.html.j2").write_text(
        "<p>Eigen opmaak: {{ titel }}, {{ kerncijfers[0].waarde }}</p>", encoding="utf-8")
    html = _report(reg, tmp_path, template_dir=override)
    assert html.startswith("<p>Eigen opmaak: Rapportage over 2025, 44</p>")

    (override / "report.html.j2").write_text("{{ tabellen.instroom_routes.titel }}",
                                             encoding="utf-8")
    out = tmp_path / "kapot.html"
    with pytest.raises(TemplateProblem, match="veld dat niet bestaat") as exc:
        write_report(reg, START, END, out, template_dir=override)
    assert "eigen sjabloon" in str(exc.value)
    assert not out.exists()
    assert len([r for r in audit.rows(reg.conn) if r.action == "export_report"]) == 1


# --------------------------------------------------------------------------- suppression
# What a reader of the HTML can add up: every table whose rows are a codelist and whose
# total is printed (in the table or elsewhere in the report), read from the HTML alone.

BREAKDOWNS = {  # caption -> (key prefix, codelist, total key)
    "Instroom naar route": ("intake.by_route", "route", "intake.total"),
    "Instroom naar soort aandrager": ("intake.by_partner_type", "partner_type",
                                      "intake.total"),
    "Instroom naar doelgroep": ("intake.by_target_group", "target_group", "intake.total"),
    "Triagebesluiten": ("triage.by_decision", "triage_decision", "triage.total"),
    "Redenen van het triagebesluit": ("triage.by_reason", "triage_reason", "triage.total"),
    "Doorverwezen naar": ("triage.referred_to", "referred_to",
                          "triage.by_decision.doorverwezen"),
    "Heroverwegingsverzoeken (escalaties) naar niveau": (
        "treatment.escalations.by_level", "escalation_level", "treatment.escalations"),
    "Uitkomst van afgeronde casussen": ("closed.by_outcome", "outcome", "closed.total"),
    "Waren de bevoegdheden toereikend?": ("closed.powers_sufficient", "powers_sufficient",
                                          "closed.total"),
    "Signalen aangemaakt, naar thema": ("signals.by_theme", "signal_theme",
                                        "signals.created"),
    "Indieningen van signalen, naar ontvanger": ("signals.submitted.by_recipient",
                                           "signal_recipient", "signals.submitted"),
}


def _rows(html: str, caption: str) -> dict[str, list[str]]:
    start = html.index(f"<caption>{caption}</caption>")
    table = html[start:html.index("</table>", start)]
    return {unescape(label): [unescape(c) for c in re.findall(r'<td class="getal">([^<]*)</td>',
                                                              cells)]
            for label, cells in re.findall(r'<th scope="row">([^<]*)</th>(.*?)</tr>',
                                           table, re.S)}


def _number(text: str) -> int | None:
    """A printed count as a reader takes it: hidden ("< 5", "×") is unknown."""
    text = text.replace(".", "")
    return int(text) if text.isdigit() else None


def _published(reg: Register, html: str) -> dict[tuple[int, str], int | None]:
    """(column, key) -> the count the report prints (None: hidden)."""
    cl = reg.codelists
    out: dict[tuple[int, str], int | None] = {}
    for caption, (prefix, list_name, total) in BREAKDOWNS.items():
        rows = _rows(html, caption)
        labels = {cl.label(list_name, k): k for k in cl.keys(list_name)}
        columns = len(next(iter(rows.values())))
        for col in range(columns):
            for key in cl.keys(list_name):  # a category left out has no cases: 0
                out.setdefault((col, f"{prefix}.{key}"), 0)
            for label, cells in rows.items():
                if label in labels:
                    out[(col, f"{prefix}.{labels[label]}")] = _number(cells[col])
                elif label.startswith("Totaal"):
                    out[(col, total)] = _number(cells[col])
    scores = _rows(html, "Verdeling van de rapportcijfers")
    for label, cells in scores.items():
        out[(0, f"interview.citizen.score.{label}")] = _number(cells[0])
        out[(0, f"interview.helper.score.{label}")] = _number(cells[1])
    # the number of scores given: the total of each score distribution
    interviews = _rows(html, "Eindgesprekken")
    for who in ("citizen", "helper"):
        label = f"{FIELD_LABELS[f'{who}_score']}: aantal gegeven"
        assert label in interviews, (label, list(interviews))  # never filter on a stale label
        out[(0, f"interview.{who}.n")] = _number(interviews[label][0])
    ages = _rows(html, "Hoe lang casussen in behandeling al openstaan")
    for age, cells in zip(AGES, ages.values(), strict=True):  # youngest first
        for col, text in enumerate(cells):
            out[(col, f"open.age.{age}")] = _number(text)
    open_now = next(iter(_rows(html, "Werkvoorraad aan het eind van de periode").values()))
    for col, text in enumerate(open_now):  # the first row: in behandeling
        out[(col, "open.total")] = _number(text)
    return out


# The first half year: a score distribution with one small count (the helper's, 3 times 8)
# whose printed total would give it back.
@pytest.mark.parametrize("period", [(START, END), (date(2025, 7, 1), date(2025, 9, 30)),
                                    (date(2025, 1, 1), date(2025, 6, 30))],
                         ids=["year", "q3-with-ytd", "h1-one-small-score"])
@pytest.mark.parametrize("below", [5, 10])
def test_no_hidden_count_can_be_recomputed_from_a_printed_total(
        reg: Register, tmp_path: Path, period: tuple[date, date], below: int) -> None:
    html = _report(reg, tmp_path, f"r{below}.html", start=period[0], end=period[1],
                   suppress_below=below)
    figs = figures(reg, *period)
    shown = _published(reg, html)
    columns = sorted({col for col, _ in shown})
    truth = {(col, key): (figs.period if col == 0 else figs.year_to_date).get(key)
             for col, key in shown}
    assert any(v is None for v in shown.values())  # something is hidden
    sums = [((col, total), tuple((col, p) for p in parts))
            for col in columns for total, parts in catalogue_sums(reg.codelists)]
    for (cell, parts) in sums:  # the evaluator's sums are true for these figures
        if truth.get(cell) is not None and all(truth.get(p) is not None for p in parts):
            assert truth[cell] == sum(truth[p] for p in parts), cell
    assert hidden_recomputed(shown, {c: v for c, v in truth.items() if v is not None},
                             sums) == {}
    # every printed count is the figure itself, or hidden: never altered
    for cell, value in shown.items():
        assert value is None or value == truth[cell], cell
    if "×" in html:
        assert "× = afgeschermd" in html  # the footnote under its table
