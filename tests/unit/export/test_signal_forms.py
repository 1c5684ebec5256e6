"""Signal forms for KSMS: escaping, text cells, lint gate, completeness, submission."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from app.export.signal_forms import (
    FIELDS,
    IncompleteSignals,
    plan_signal_export,
    signal_form_texts,
    write_signal_forms,
)
from app.export.templating import PersonalDataFound, TemplateProblem
from app.model.errors import UserError
from app.storage import audit
from app.storage.interchange_io import import_file
from app.storage.repository import Register
from tests.helpers.registers import EXAMPLE, make_register

P2_VALUES = ("Voorbeeld Persoon", "123456782")
BSN = "111222333"  # passes the 11-proef


@pytest.fixture
def reg(tmp_path: Path) -> Register:
    register = make_register(tmp_path)
    import_file(register, EXAMPLE)
    yield register
    register.close()


def _signal(reg: Register, **changes: Any) -> str:
    data: dict[str, Any] = {
        "created_on": "2025-11-03",
        "title": "Beslagvrije voet te laag bij samenloop",
        "problem": "Bij samenloop van beslagen wordt de beslagvrije voet te laag berekend.",
        "human_story": "Een moeder met twee kinderen hield na beslag te weinig over.",
        "proposed_solution": "Beslagvrije voet eenmaal centraal berekenen.",
        "theme": "invordering_schulden",
        "services": ["belastingdienst"],
        "regulation": "Invorderingswet 1990, art. 19",
        "scope": "Enkele honderden huishoudens",
        "urgency": "hoog",
    }
    data.update(changes)
    state = reg.create_signal(data)
    assert state.number
    return state.number


def _audit(reg: Register) -> list[audit.AuditRow]:
    return list(audit.rows(reg.conn))


def folder(path: Path) -> Path:
    """Exports write into an existing folder only (they never make one)."""
    path.mkdir(exist_ok=True)
    return path


def _read_all(folder: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*"))
                     if p.suffix in (".html", ".txt"))


def test_markup_from_data_is_escaped_in_html(reg: Register, tmp_path: Path) -> None:
    plan = plan_signal_export(reg, None, {"html"})
    out = tmp_path / "uit"
    write_signal_forms(reg, plan, folder(out), single_html=True, temp_dir=tmp_path / "tmp")
    html = (out / "signalen.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html.lower()  # nor any script of our own
    assert not re.search(r"\b(src|href)=|url\(|@import", html)
    assert "Content-Security-Policy" in html
    # one file, one sheet per signal
    assert html.count('class="blad formulier"') == len(plan.forms) == 12


def test_plain_text_is_not_html_escaped_and_feeds_the_clipboard(reg: Register,
                                                                 tmp_path: Path) -> None:
    rows = reg.list_signals()
    number = next(r.number for r in rows if "<script>" in r.title)
    plan = plan_signal_export(reg, [number], {"txt"})
    paths = write_signal_forms(reg, plan, folder(tmp_path / "uit"))
    text = paths[0].read_text(encoding="utf-8")
    assert "+31 procent meer aanmaningen <script>alert(1)</script>" in text
    assert "&lt;" not in text
    for f in FIELDS:
        if not f.internal_only:
            assert f"{f.label}:\n" in text
    clip = signal_form_texts(reg, plan)
    assert clip == {number: text}
    assert any(r.action == "export_signals" and "klembord" in r.object for r in _audit(reg))


def test_xlsx_strings_are_text_cells_with_the_value_unchanged(reg: Register,
                                                              tmp_path: Path) -> None:
    tricky = ["+1", "@SUM(1)", "-1+1", "=1+1"]
    numbers = [_signal(reg, title=t) for t in tricky]
    numbers.append(next(r.number for r in reg.list_signals() if r.title.startswith("=HYPER")))
    plan = plan_signal_export(reg, numbers, {"xlsx"})
    temp = tmp_path / "tmp"
    paths = write_signal_forms(reg, plan, folder(tmp_path / "uit"), temp_dir=temp)
    assert paths == [tmp_path / "uit" / "signalen.xlsx"]
    assert not any(temp.iterdir())  # openpyxl's streaming files are gone
    ws = load_workbook(paths[0])["Signalen"]
    header = [c.value for c in ws[1]]
    title_col = header.index("Titel") + 1
    titles = {ws.cell(row=r, column=title_col).value: ws.cell(row=r, column=title_col)
              for r in range(2, ws.max_row + 1)}
    for value in [*tricky, '=HYPERLINK("http://voorbeeld.invalid","klik")']:
        assert value in titles, value
        assert titles[value].data_type == "s"
    date_col = header.index("Datum signaal") + 1
    assert ws.cell(row=2, column=date_col).is_date
    count_col = header.index("Aantal gekoppelde casussen") + 1
    assert isinstance(ws.cell(row=2, column=count_col).value, int)
    # one row per signal, one column per external field
    assert ws.max_row == len(numbers) + 1
    assert header == [f.label for f in FIELDS if not f.internal_only]


def test_external_forms_carry_no_contact_no_case_numbers_no_personal_data(
        reg: Register, tmp_path: Path) -> None:
    plan = plan_signal_export(reg, None, {"html", "txt", "xlsx"})
    out = folder(tmp_path / "extern")
    write_signal_forms(reg, plan, out, temp_dir=tmp_path / "tmp")
    text = _read_all(out)
    assert "Contactpersoon" not in text
    assert not re.search(r"(?<!S-)\b2025-TST-\d{4}\b", text)
    for value in P2_VALUES:
        assert value not in text
    ws = load_workbook(out / "signalen.xlsx")["Signalen"]
    cells = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "Contactpersoon" not in cells and "Tester" not in cells
    assert not re.search(r"(?<!S-)\b2025-TST-\d{4}\b", cells)


def test_internal_forms_add_contact_and_case_numbers(reg: Register, tmp_path: Path) -> None:
    plan = plan_signal_export(reg, None, {"html"}, internal=True)
    out = folder(tmp_path / "intern")
    write_signal_forms(reg, plan, out)
    text = _read_all(out)
    assert "Contactpersoon" in text and "Tester" in text
    assert re.search(r"(?<!S-)\b2025-TST-\d{4}\b", text)
    assert "Intern" in text
    for value in P2_VALUES:
        assert value not in text
    with pytest.raises(UserError, match="intern formulier"):
        write_signal_forms(reg, plan, tmp_path / "x", submitted_to="ksms_belastingdienst")


def test_completeness_is_checked_per_format(reg: Register, tmp_path: Path) -> None:
    sparse = reg.list_signals()[0].number  # the fixture's signals have no human story
    full = _signal(reg)
    plan = plan_signal_export(reg, [sparse, full], {"html", "xlsx", "txt"})
    assert full not in plan.problems
    missing = plan.problems[sparse]
    assert missing["html"] == ["Gevolgen voor burgers of ondernemers"]
    assert set(missing["txt"]) == {"Regelgeving (wet en artikel)", "Urgentie",
                                   "Gevolgen voor burgers of ondernemers"}
    assert "xlsx" not in missing
    assert any(sparse in line and "ontbreekt" in line for line in plan.problem_lines())
    # a draft may be printed with the gaps marked ...
    paths = write_signal_forms(reg, plan, folder(tmp_path / "concept"),
                               temp_dir=tmp_path / "tmp")
    html = next(p for p in paths if sparse in p.name and p.suffix == ".html")
    assert "Nog in te vullen" in html.read_text(encoding="utf-8")
    # ... but not submitted
    before = len(reg.signal(sparse)[0].submissions)
    with pytest.raises(IncompleteSignals, match="Gevolgen voor burgers"):
        write_signal_forms(reg, plan, tmp_path / "indienen",
                           submitted_to="ksms_belastingdienst", on=date(2025, 12, 1))
    assert not (tmp_path / "indienen").exists()
    assert len(reg.signal(sparse)[0].submissions) == before


def test_lint_finding_stops_the_export_unless_overridden(reg: Register,
                                                         tmp_path: Path) -> None:
    number = _signal(reg, problem=f"De burger met BSN {BSN} kreeg twee aanmaningen.")
    plan = plan_signal_export(reg, [number], {"html", "txt", "xlsx"})
    [finding] = plan.findings[number]
    assert finding.where == f"{number}, Knelpunt" and finding.finding.kind == "bsn"
    out = tmp_path / "uit"
    with pytest.raises(PersonalDataFound) as exc:
        write_signal_forms(reg, plan, out, temp_dir=tmp_path / "tmp")
    message = str(exc.value)
    assert "Knelpunt" in message and "BSN" in message
    assert BSN not in message  # the message itself must not repeat the identifier
    assert not out.exists()
    assert not any(r.action == "export_signals" for r in _audit(reg))
    with pytest.raises(PersonalDataFound):
        signal_form_texts(reg, plan)  # the clipboard is an export too

    paths = write_signal_forms(reg, plan, folder(out), override_lint="Fictief nummer uit een "
                               "voorbeeldbrief", temp_dir=tmp_path / "tmp")
    assert len(paths) == 3
    rows = _audit(reg)
    override = [r for r in rows if r.action == "override_lint"]
    assert len(override) == 1
    assert "Fictief nummer uit een voorbeeldbrief" in override[0].result
    assert BSN not in override[0].object + override[0].result
    export = [r for r in rows if r.action == "export_signals"][-1]
    assert "overschreven" in export.result


def test_lint_covers_every_free_text_field(reg: Register) -> None:
    number = _signal(reg, title="Contact via j.jansen@voorbeeld.nl",
                     human_story="Zij belde met 06-12345678.",
                     proposed_solution="Zie IBAN NL91ABNA0417164300.",
                     regulation="Postcode 1234 AB 12", scope="geboren 01-02-1980")
    plan = plan_signal_export(reg, [number], {"html"})
    where = {f.where.split(", ", 1)[1] for f in plan.findings[number]}
    assert where == {"Titel", "Gevolgen voor burgers of ondernemers",
                     "Voorgestelde praktische oplossing", "Regelgeving (wet en artikel)",
                     "Geschat aantal betrokkenen"}


def test_submitted_to_records_the_submission_after_writing(reg: Register,
                                                           tmp_path: Path) -> None:
    number = _signal(reg)
    plan = plan_signal_export(reg, [number], {"html", "txt"})
    paths = write_signal_forms(reg, plan, folder(tmp_path / "uit"),
                               submitted_to="ksms_belastingdienst",
                               external_ref="KSMS-2025-0042", on=date(2025, 11, 10))
    state = reg.signal(number)[0]
    [sub] = state.submissions
    assert sub.payload == {"on": "2025-11-10", "recipient": "ksms_belastingdienst",
                           "external_ref": "KSMS-2025-0042"}
    assert state.status == "ingediend"
    txt = next(p for p in paths if p.suffix == ".txt").read_text(encoding="utf-8")
    assert "Status:\nIngediend" in txt
    assert "Laatste indiening:\n10-11-2025, KSMS Belastingdienst" in txt
    assert "KSMS-kenmerk:\nKSMS-2025-0042" in txt
    last = [r for r in _audit(reg) if r.action == "export_signals"][-1]
    assert number in last.object and "ingediend bij ksms_belastingdienst" in last.result


def test_submission_is_checked_before_anything_is_written(reg: Register,
                                                          tmp_path: Path) -> None:
    a, b = _signal(reg), _signal(reg)
    plan = plan_signal_export(reg, [a, b], {"html"})
    out = tmp_path / "uit"
    with pytest.raises(UserError, match="Onbekende ontvanger"):
        write_signal_forms(reg, plan, out, submitted_to="de_buurman")
    with pytest.raises(UserError, match="één signaal"):
        write_signal_forms(reg, plan, out, submitted_to="ibtd", external_ref="X-1")
    with pytest.raises(UserError, match="vóór de datum"):
        write_signal_forms(reg, plan, out, submitted_to="ibtd", on=date(2025, 1, 1))
    closed = next(r.number for r in reg.list_signals() if r.status == "gesloten")
    with pytest.raises(UserError, match="gesloten"):
        write_signal_forms(reg, plan_signal_export(reg, [closed], {"txt"}), out,
                           submitted_to="ibtd")
    assert not out.exists()


def test_formats_and_numbers_are_checked(reg: Register) -> None:
    with pytest.raises(UserError, match="Onbekend formaat pdf"):
        plan_signal_export(reg, None, {"pdf"})
    with pytest.raises(UserError, match="minstens één formaat"):
        plan_signal_export(reg, None, set())
    with pytest.raises(UserError, match="bestaat niet"):
        plan_signal_export(reg, ["S-2099-XX-001"], {"html"})


def test_user_override_template_is_used(reg: Register, tmp_path: Path) -> None:
    override = tmp_path / "eigen"
    override.mkdir()
    (override / "signal_form.txt.j2").write_text(
        "{% for f in formulieren %}EIGEN {{ f.nummer }} {{ f.titel }}{% endfor %}\n",
        encoding="utf-8")
    number = reg.list_signals()[0].number
    plan = plan_signal_export(reg, [number], {"txt", "html"})
    paths = write_signal_forms(reg, plan, folder(tmp_path / "uit"), template_dir=override)
    txt = next(p for p in paths if p.suffix == ".txt").read_text(encoding="utf-8")
    assert txt.startswith(f"EIGEN {number} ")
    html = next(p for p in paths if p.suffix == ".html").read_text(encoding="utf-8")
    assert "Signaalnummer" in html  # templates not overridden come from the program


@pytest.mark.parametrize("body, expected", [
    ("{% for f in formulieren %}{{ f.knelpnt }}{% endfor %}", "veld dat niet bestaat"),
    ("{{ organisatie.__class__.__mro__ }}", "niet is toegestaan"),
    ("{% for f in formulieren %}", "bevat een fout"),
])
def test_broken_override_template_fails_with_a_dutch_error(reg: Register, tmp_path: Path,
                                                           body: str, expected: str) -> None:
    override = tmp_path / "eigen"
    override.mkdir()
    (override / "signal_form.html.j2").write_text(body, encoding="utf-8")
    plan = plan_signal_export(reg, [reg.list_signals()[0].number], {"html", "txt"})
    out = tmp_path / "uit"
    with pytest.raises(TemplateProblem, match=expected) as exc:
        write_signal_forms(reg, plan, out, template_dir=override)
    assert isinstance(exc.value, UserError)
    assert "Er is niets geschreven" in str(exc.value)
    assert not out.exists()  # not even the text forms, which rendered fine


def test_xlsx_prints_landscape_across_one_page_with_rows_as_high_as_their_text(
        reg: Register, tmp_path: Path) -> None:
    """Issue 11, item 34: wrapped texts get their row height (LibreOffice does not
    measure rows), the page is landscape fitted to its width, the header repeats."""
    long = _signal(reg, problem="Bij samenloop van beslagen " * 12,
                   proposed_solution="Eenmaal centraal berekenen.")
    plan = plan_signal_export(reg, [long], {"xlsx"})
    (tmp_path / "uit").mkdir()  # exports never make folders
    path = write_signal_forms(reg, plan, tmp_path / "uit", temp_dir=tmp_path / "tmp")[0]
    ws = load_workbook(path)["Signalen"]
    setup = ws.page_setup
    assert setup.orientation == "landscape" and setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$1:$1"
    header = [c.value for c in ws[1]]
    problem = ws.cell(row=2, column=header.index("Knelpunt") + 1)
    assert problem.alignment.wrap_text
    width = ws.column_dimensions[problem.column_letter].width
    text = problem.value
    lines = -(-len(text) // int(width))  # at least this many lines at ~1 char a unit
    assert ws.row_dimensions[2].height >= 12 * lines  # every line of the text shows
    assert ws.row_dimensions[1].height is None or ws.row_dimensions[1].height >= 15
