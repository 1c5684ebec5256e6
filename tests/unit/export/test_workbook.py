"""The evaluation workbook keeps the docs/DOMAIN.md contract and leaks nothing.

Every check opens the written file again (openpyxl, and the raw zip where openpyxl
would hide something), so what is tested is what an evaluator's Excel reads.
"""

from __future__ import annotations

import json
import re
import stat
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet._writer import create_temporary_file

from app.export import safe_cells, tempfiles
from app.export.workbook import (
    CLASSIFICATION,
    LintStopped,
    case_record,
    cross_tables,
    write_evaluation,
)
from app.model.codelists import load_codelists
from app.model.errors import UserError
from app.storage import audit
from app.storage.figures import figures
from app.storage.interchange_io import import_file
from app.storage.repository import Register
from tests.helpers.disclosure import catalogue_sums, hidden_recomputed
from tests.helpers.registers import (
    EXAMPLE,
    FAST_KDF,
    PASSPHRASE,
    make_register,
    registration,
    triage,
)

SHEETS = ["Overzicht", "Instroom", "Triage", "Behandeling", "Doorlooptijden", "Eindgesprek",
          "Signalen", "Casussen", "Onderwerpen", "Cijfers", "Definities", "Verantwoording"]
Q3 = (date(2025, 7, 1), date(2025, 9, 30))
YEAR = (date(2025, 1, 1), date(2025, 12, 31))
FORMULA_LIKE = ['=HYPERLINK("http://x","y")', "+1", "@SUM(1)", "\t=1", "-1+1"]
DATE_FORMAT = "DD-MM-YYYY"


# ---------------------------------------------------------------------------
# Fixtures: one register from the example file, workbooks written once per module


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def reg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Register]:
    r = make_register(tmp_path_factory.mktemp("register"))
    import_file(r, EXAMPLE)
    yield r
    r.close()


@pytest.fixture(scope="module")
def temp_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("owned") / "tmp"


@pytest.fixture(scope="module")
def q3(reg: Register, temp_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "evaluatie-q3.xlsx"
    write_evaluation(reg, *Q3, out, temp_dir=temp_folder)
    return out


@pytest.fixture(scope="module")
def year(reg: Register, temp_folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "evaluatie-2025.xlsx"
    write_evaluation(reg, *YEAR, out, temp_dir=temp_folder)
    return out


@pytest.fixture(scope="module")
def q3_book(q3: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(q3)


def header_index(ws: Any, row: int = 1) -> dict[str, int]:
    return {c.value: c.column for c in ws[row] if c.value is not None}


def table_rows(ws: Any, name: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Header and data cells of an Excel table, read back through its ref."""
    table = ws.tables[name]
    rows = list(ws[table.ref])
    header = [c.value for c in rows[0]]
    return header, [tuple(rows[i]) for i in range(1, len(rows))]


def cijfers(book: openpyxl.Workbook) -> dict[str, tuple[Any, Any]]:
    header, rows = table_rows(book["Cijfers"], "Cijfers")
    key, p, y = header.index("Sleutel"), header.index("Periode"), header.index("Jaar tot nu")
    return {r[key].value: (r[p].value, r[y].value) for r in rows}


def sheet_xml(path: Path) -> dict[str, str]:
    """Sheet name -> its worksheet XML, following the workbook's relationships."""
    with zipfile.ZipFile(path) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        targets = {m.group(1): m.group(2) for m in re.finditer(
            r'<Relationship[^>]*Id="([^"]+)"[^>]*Target="([^"]+)"', rels)}
        targets.update({m.group(2): m.group(1) for m in re.finditer(
            r'<Relationship[^>]*Target="([^"]+)"[^>]*Id="([^"]+)"', rels)})
        out = {}
        for m in re.finditer(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', wb):
            target = targets[m.group(2)].lstrip("/")
            target = target if target.startswith("xl/") else f"xl/{target}"
            out[m.group(1)] = z.read(target).decode()
        return out


def chart_kinds(path: Path) -> dict[str, list[str]]:
    """Sheet name -> the chart types drawn on it (lineChart, barChart ...)."""
    kinds: dict[str, list[str]] = {}
    with zipfile.ZipFile(path) as z:
        names = set(z.namelist())
        wb = z.read("xl/workbook.xml").decode()
        order = re.findall(r'<sheet [^>]*name="([^"]+)"', wb)
        for i, sheet in enumerate(order, 1):
            rels_name = f"xl/worksheets/_rels/sheet{i}.xml.rels"
            if rels_name not in names:
                continue
            for drawing in re.findall(r'Target="([^"]*drawing[^"]*)"', z.read(rels_name).decode()):
                d = drawing.split("/")[-1]
                d_rels = f"xl/drawings/_rels/{d}.rels"
                for chart in re.findall(r'Target="([^"]*chart[^"]*)"', z.read(d_rels).decode()):
                    xml = z.read(f"xl/charts/{chart.split('/')[-1]}").decode()
                    kinds.setdefault(sheet, []).extend(re.findall(r"<(?:c:)?(\w+Chart)>", xml))
    return kinds


# ---------------------------------------------------------------------------
# The contract of docs/DOMAIN.md


def test_every_sheet_is_there_in_order(q3_book: openpyxl.Workbook) -> None:
    assert q3_book.sheetnames == SHEETS


@pytest.mark.parametrize("period", [Q3, YEAR], ids=["q3", "year"])
def test_cijfers_equal_figures_for_the_period_and_year_to_date(
        reg: Register, q3: Path, year: Path, period: tuple[date, date]) -> None:
    book = openpyxl.load_workbook(q3 if period == Q3 else year)
    expected = figures(reg, *period)
    written = cijfers(book)
    assert list(written) == list(expected.period)  # every key, catalogue order
    for key, (p, y) in written.items():
        assert p == expected.period[key], key
        assert y == expected.year_to_date[key], key
        for value in (p, y):
            assert value is None or isinstance(value, int | float), key


def test_overview_figures_come_from_the_same_call(reg: Register,
                                                  q3_book: openpyxl.Workbook) -> None:
    expected = figures(reg, *Q3)
    ws = q3_book["Overzicht"]
    rows = {r[0].value: (r[1].value, r[2].value) for r in ws.iter_rows(max_col=3)
            if isinstance(r[0].value, str)}
    assert rows["Instroom totaal"] == (expected.period["intake.total"],
                                       expected.year_to_date["intake.total"])
    assert rows["Afgerond totaal"] == (expected.period["closed.total"],
                                       expected.year_to_date["closed.total"])
    texts = [c.value for row in ws.iter_rows(max_row=6) for c in row if c.value]
    assert CLASSIFICATION in texts
    assert any("01-07-2025 t/m 30-09-2025" in str(t) for t in texts)


def test_cross_tables_add_up_to_the_catalogue(reg: Register) -> None:
    start, end = Q3
    cases, _ = reg.grouped_events()
    records = [r for evs in cases if (r := case_record(evs, end, reg.codelists))]
    crosses = cross_tables(records, start, end)
    fig = figures(reg, start, end)
    for i, values in enumerate((fig.period, fig.year_to_date)):
        for s in reg.codelists.keys("service"):
            got = sum(n for (_, svc), n in crosses.route_service[i].items() if svc == s)
            assert got == values[f"intake.by_service.{s}"]
        for t in reg.codelists.keys("topic"):
            got = sum(n for (_, topic), n in crosses.partner_topic[i].items() if topic == t)
            assert got == values[f"intake.by_topic.{t}"]
        for d in reg.codelists.keys("triage_decision"):
            got = sum(n for (dec, _), n in crosses.decision_route[i].items() if dec == d)
            assert got == values[f"triage.by_decision.{d}"]


def test_instroom_route_table_totals_match(reg: Register, q3_book: openpyxl.Workbook) -> None:
    expected = figures(reg, *Q3)
    ws = q3_book["Instroom"]
    totals = [r for r in ws.iter_rows() if r[0].value == "Totaal"]
    route_total = [c.value for c in totals[0] if c.value is not None][1:]
    services = reg.codelists.keys("service")
    assert route_total == [
        *[expected.period[f"intake.by_service.{s}"] for s in services],
        expected.period["intake.total"],
        *[expected.year_to_date[f"intake.by_service.{s}"] for s in services],
        expected.year_to_date["intake.total"],
    ]


CASE_COLUMNS = [
    "Casusnummer", "Ontvangen op", "Route", "Soort aandrager", "Betreft Belastingdienst",
    "Betreft Dienst Toeslagen", "Doelgroep", "Multiproblematiek", "Spoed",
    "Bekend bij de dienst", "Ordegrootte vordering", "Triagedatum", "Triagebesluit",
    "Reden triagebesluit", "Doorverwezen naar", "Eerste zienswijze", "Laatste reactie dienst",
    "Hoogste escalatieniveau", "Dagen gepauzeerd", "Afgerond op", "Uitkomst", "Oplosroute",
    "Bevoegdheid Regiefunctie", "Bevoegdheid Doorzettingsmacht",
    "Bevoegdheid Toegang tot gegevens", "Bevoegdheden toereikend",
    "Bruto doorlooptijd (dagen)", "Netto doorlooptijd (dagen)", "Rapportcijfer burger",
    "Rapportcijfer aandrager",
]


def test_casussen_has_the_columns_of_metrics_md_one_row_per_case(
        q3_book: openpyxl.Workbook, example: dict[str, Any]) -> None:
    header, rows = table_rows(q3_book["Casussen"], "Casussen")
    assert header == CASE_COLUMNS
    received = [c["events"][0]["received_on"] for c in example["cases"]]
    assert len(rows) == sum(1 for r in received if r <= Q3[1].isoformat())
    numbers = [r[0].value for r in rows]
    assert len(set(numbers)) == len(numbers)
    assert all(re.fullmatch(r"\d{4}-[A-Z]{2,4}-\d{4,}", n) for n in numbers)


def test_casussen_holds_codes_dates_and_numbers_only(reg: Register,
                                                     q3_book: openpyxl.Workbook) -> None:
    """No free text: every string is a case number, Ja/Nee or a codelist label."""
    cl = reg.codelists
    labels = {cl.label(name, key) for name in cl.names() for key in cl.keys(name)}
    header, rows = table_rows(q3_book["Casussen"], "Casussen")
    for row in rows:
        for c in row[1:]:
            if isinstance(c.value, str):
                assert c.value in labels | {"Ja", "Nee"}, (header[c.column - 1], c.value)
            assert not isinstance(c.value, list | dict)


def test_dates_are_date_cells_and_counts_are_numbers(q3_book: openpyxl.Workbook) -> None:
    ws = q3_book["Casussen"]
    header, rows = table_rows(ws, "Casussen")
    for name in ("Ontvangen op", "Triagedatum", "Eerste zienswijze", "Afgerond op"):
        col = header.index(name)
        cells = [r[col] for r in rows if r[col].value is not None]
        assert cells, name
        for c in cells:
            assert c.is_date and isinstance(c.value, datetime), name
            assert c.number_format == DATE_FORMAT
    for name in ("Dagen gepauzeerd", "Bruto doorlooptijd (dagen)", "Rapportcijfer burger"):
        col = header.index(name)
        values = [r[col].value for r in rows if r[col].value is not None]
        assert values and all(isinstance(v, int) for v in values), name
        assert all(r[col].data_type == "n" for r in rows if r[col].value is not None)
    figures_ws = q3_book["Cijfers"]
    _, rows = table_rows(figures_ws, "Cijfers")
    total = next(r for r in rows if r[0].value == "intake.total")
    assert total[2].data_type == "n" and isinstance(total[2].value, int)
    median = next(r for r in rows if r[0].value == "leadtime.gross.median_days")
    assert median[2].number_format == "0.0"


def test_onderwerpen_has_one_row_per_case_and_topic(q3_book: openpyxl.Workbook,
                                                    example: dict[str, Any]) -> None:
    header, rows = table_rows(q3_book["Onderwerpen"], "Onderwerpen")
    assert header == ["Casusnummer", "Onderwerp"]
    expected = sum(len(set(c["events"][0]["topics"])) for c in example["cases"]
                   if c["events"][0]["received_on"] <= Q3[1].isoformat())
    assert len(rows) == expected
    _, cases = table_rows(q3_book["Casussen"], "Casussen")
    assert {r[0].value for r in rows} == {r[0].value for r in cases}


def test_tables_filters_and_frozen_headers(q3_book: openpyxl.Workbook) -> None:
    for sheet, name, freeze in (("Casussen", "Casussen", "B2"),
                                ("Onderwerpen", "Onderwerpen", "A2"),
                                ("Cijfers", "Cijfers", "C5")):
        ws = q3_book[sheet]
        table = ws.tables[name]
        assert table.tableStyleInfo is not None and table.tableStyleInfo.name
        assert table.autoFilter is not None and table.autoFilter.ref == table.ref
        assert ws.freeze_panes == freeze
        header, _ = table_rows(ws, name)
        assert [c.name for c in table.tableColumns] == header
    assert "Signaallijst" in q3_book["Signalen"].tables


def test_charts_are_native_excel_charts(q3: Path) -> None:
    kinds = chart_kinds(q3)
    assert "lineChart" in kinds["Overzicht"]
    for sheet in ("Instroom", "Behandeling", "Doorlooptijden"):
        assert "barChart" in kinds[sheet], sheet


def test_print_setup_and_classification_in_every_header(q3: Path) -> None:
    for name, xml in sheet_xml(q3).items():
        assert 'orientation="landscape"' in xml, name
        assert 'fitToPage="1"' in xml and 'fitToHeight="0"' in xml, name
        wide = re.search(r'fitToWidth="(\d+)"', xml)
        assert wide, name
        # Casussen (30 columns) spreads over several readable pages, not one at 2 pt.
        assert (int(wide.group(1)) > 1) == (name == "Casussen"), name
        assert CLASSIFICATION in xml, name  # the printed page header


def test_document_properties_carry_the_classification(q3_book: openpyxl.Workbook) -> None:
    props = q3_book.properties
    assert "01-07-2025 t/m 30-09-2025" in props.title
    assert "01-07-2025 t/m 30-09-2025" in props.subject
    for text in (props.keywords, props.description, props.category):
        assert CLASSIFICATION in text
    assert props.language == "nl-NL"


def test_verantwoording_accounts_for_the_run(reg: Register, q3_book: openpyxl.Workbook) -> None:
    import app

    ws = q3_book["Verantwoording"]
    values = {r[0].value: r[1] for r in ws.iter_rows(max_col=2) if r[0].value}
    assert values["Programma"].value == f"Casusregister {app.__version__}"
    assert values["Register (bestand)"].value == reg.path.name
    assert values["Periode van"].value == datetime(2025, 7, 1)
    assert values["Periode van"].number_format == DATE_FORMAT
    assert values["Afscherming kleine aantallen"].value.startswith("Geen")
    assert values["Stappen gelezen"].value == reg.counts()["events"]
    assert values["Casussen gelezen"].value == reg.counts()["cases"]
    device_rows = [r for r in ws.iter_rows() if isinstance(r[0].value, str)
                   and r[0].value.endswith("(dit register)")]
    assert len(device_rows) == 1
    assert device_rows[0][0].value.startswith(reg.settings.device_code)
    assert isinstance(device_rows[0][2].value, datetime)  # last event made


def test_export_is_audited(reg: Register, q3: Path) -> None:
    rows = [(a.action, a.object, a.result) for a in audit.rows(reg.conn)]
    assert ("export_evaluation", f"2025-07-01..2025-09-30 -> {q3}", "ok") in rows


# ---------------------------------------------------------------------------
# Safety: text stays text, nothing personal leaves the register


def test_fixture_signal_titles_stay_text(q3_book: openpyxl.Workbook,
                                         example: dict[str, Any]) -> None:
    titles = {s["events"][0]["title"] for s in example["signals"]
              if s["events"][0]["created_on"] <= Q3[1].isoformat()}
    header, rows = table_rows(q3_book["Signalen"], "Signaallijst")
    col = header.index("Titel")
    written = {r[col].value: r[col] for r in rows}
    assert set(written) == titles
    for probe in ('=HYPERLINK("http://voorbeeld.invalid","klik")',
                  "+31 procent meer aanmaningen <script>alert(1)</script>"):
        assert written[probe].data_type == "s"
        assert written[probe].value == probe


def test_no_formula_anywhere_in_the_file(q3: Path) -> None:
    for name, xml in sheet_xml(q3).items():
        assert "<f>" not in xml and "<f " not in xml, name


def _codelists_with_formula_label(tmp_path: Path) -> Any:
    override = tmp_path / "codelists.toml"
    override.write_text('[topic]\nitems.overig = "=1+2"\n', encoding="utf-8")
    return load_codelists(override)


def test_formula_like_values_come_out_as_unchanged_text(tmp_path: Path) -> None:
    """Signal titles from handlers and codelist labels edited by the office are data."""
    reg = Register.create(tmp_path / "r.db", PASSPHRASE, "TST", "Tester", kdf=FAST_KDF,
                          codelists=_codelists_with_formula_label(tmp_path))
    try:
        reg.today = lambda: date(2025, 6, 30)
        case = reg.register_case(registration(received_on="2025-03-04", topics=["overig"]))
        reg.append(case.number or "", "triaged", triage())
        for title in FORMULA_LIKE:
            reg.create_signal({"created_on": "2025-04-01", "title": title,
                               "problem": "Onduidelijke brieven.",
                               "proposed_solution": "Brief herschrijven.",
                               "theme": "dienstverlening", "services": ["dienst_toeslagen"]})
        out = tmp_path / "x.xlsx"
        write_evaluation(reg, date(2025, 3, 1), date(2025, 6, 30), out,
                         temp_dir=tmp_path / "tmp")
    finally:
        reg.close()
    book = openpyxl.load_workbook(out)
    header, rows = table_rows(book["Signalen"], "Signaallijst")
    col = header.index("Titel")
    cells = {r[col].value: r[col] for r in rows}
    # The register trims the leading tab of "\t=1" on input (payload validation),
    # so the workbook must show the "=1" it holds: as text.
    stored = [t.strip() for t in FORMULA_LIKE]
    assert set(cells) == set(stored)
    for title in stored:
        assert cells[title].data_type == "s"
        assert cells[title].value == title
        assert cells[title].quotePrefix  # editing the cell in Excel keeps it text
    _, topics = table_rows(book["Onderwerpen"], "Onderwerpen")
    assert [(r[1].value, r[1].data_type) for r in topics] == [("=1+2", "s")]
    for name, xml in sheet_xml(out).items():
        assert "<f>" not in xml and "<f " not in xml, name


def _personal_values(example: dict[str, Any]) -> set[str]:
    """Every P1 and P2 value of the example file, and the free text of its cases."""
    values: set[str] = set()
    for case in example["cases"]:
        values.update(str(v) for v in (case.get("personal") or {}).values() if v)
        for ev in case["events"]:
            contact = ev.get("helper_contact") or {}
            values.update(str(v) for v in contact.values() if v)
            for key in ("partner_org", "summary", "help_request", "reason", "text",
                        "proposed_solution", "solution", "remarks", "agreed_with", "what",
                        "how", "by", "urgency_reason", "powers_note", "description"):
                value = ev.get(key)
                if isinstance(value, str) and len(value) >= 12:
                    values.add(value)
    for signal in example["signals"]:
        for ev in signal["events"]:
            for key in ("problem", "human_story", "proposed_solution", "summary", "to"):
                value = ev.get(key)
                if isinstance(value, str) and len(value) >= 12:
                    values.add(value)
    return values


def test_no_personal_data_or_case_free_text_anywhere(q3: Path, year: Path,
                                                     example: dict[str, Any]) -> None:
    needles = _personal_values(example)
    assert {"123456782", "J. Jansen", "j.jansen@voorbeeld.invalid", "030 123 4567",
            "Voorbeeld Persoon V-001"} <= needles
    for path in (q3, year):
        book = openpyxl.load_workbook(path)
        for ws in book:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str):
                        hits = [n for n in needles if n in c.value]
                        assert not hits, (ws.title, c.coordinate, hits)
        with zipfile.ZipFile(path) as z:
            for member in z.namelist():
                text = z.read(member).decode("utf-8", errors="replace")
                hits = [n for n in needles if n in text]
                assert not hits, (member, hits)


# ---------------------------------------------------------------------------
# Files: owned temp folder, atomic write


def test_openpyxl_temp_files_land_in_the_owned_folder_which_is_emptied(
        reg: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "owned"
    folder.mkdir()
    stale = folder / "openpyxl.stale"
    stale.write_text("plaintext from a crashed run", encoding="utf-8")
    made: list[Path] = []
    import openpyxl.worksheet._writer as writer_module

    def recording(suffix: str = "") -> str:
        name = create_temporary_file(suffix)
        made.append(Path(name))
        return name

    monkeypatch.setattr(writer_module, "create_temporary_file", recording)
    write_evaluation(reg, *Q3, tmp_path / "w.xlsx", temp_dir=folder)
    assert len(made) == len(SHEETS)  # one stream per sheet
    assert all(p.parent == folder for p in made)
    assert folder.is_dir() and list(folder.iterdir()) == []
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert (tmp_path / "w.xlsx").exists()


def test_owned_temp_dir_restores_tempfile_and_empties_on_error(tmp_path: Path) -> None:
    import tempfile

    before = tempfile.tempdir
    with pytest.raises(RuntimeError), tempfiles.owned_temp_dir(tmp_path / "t") as folder:
        assert tempfile.gettempdir() == str(folder)
        (folder / "x").write_text("geheim", encoding="utf-8")
        (folder / "sub").mkdir()
        (folder / "sub" / "y").write_text("geheim", encoding="utf-8")
        raise RuntimeError("kapot")
    assert tempfile.tempdir == before
    assert list((tmp_path / "t").iterdir()) == []


def test_a_failed_save_leaves_no_partial_file_and_keeps_the_old_one(
        reg: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "evaluatie.xlsx"
    out.write_bytes(b"the previous workbook")
    folder = tmp_path / "owned"

    def broken_save(self: openpyxl.Workbook, filename: str) -> None:
        Path(filename).write_bytes(b"PK\x03\x04 half a zip")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken_save)
    with pytest.raises(UserError, match=r"Kan .* niet schrijven"):
        write_evaluation(reg, *Q3, out, temp_dir=folder)
    assert out.read_bytes() == b"the previous workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["evaluatie.xlsx", "owned"]
    assert list(folder.iterdir()) == []
    new = tmp_path / "nieuw.xlsx"
    with pytest.raises(UserError):
        write_evaluation(reg, *Q3, new, temp_dir=folder)
    assert not new.exists()
    results = [(a.action, a.result) for a in audit.rows(reg.conn)]
    assert ("export_evaluation", "mislukt: OSError") in results


def test_a_crash_while_building_leaves_nothing(reg: Register, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from app.export.workbook import reference_sheets

    def crash(book: Any) -> None:
        raise RuntimeError("kapot")

    monkeypatch.setattr(reference_sheets, "accountability", crash)
    with pytest.raises(RuntimeError):
        write_evaluation(reg, *Q3, tmp_path / "e.xlsx", temp_dir=tmp_path / "owned")
    assert [p.name for p in tmp_path.iterdir()] == ["owned"]
    assert list((tmp_path / "owned").iterdir()) == []


# ---------------------------------------------------------------------------
# Edges: empty period, suppression, lint, arguments, progress


def test_an_empty_register_gives_a_valid_workbook(tmp_path: Path) -> None:
    reg = make_register(tmp_path)
    try:
        out = tmp_path / "leeg.xlsx"
        summary = write_evaluation(reg, date(2025, 1, 6), date(2025, 1, 12), out,
                                   temp_dir=tmp_path / "tmp")
    finally:
        reg.close()
    assert summary.case_rows == 0 and summary.signal_rows == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == SHEETS
    values = cijfers(book)
    assert values["intake.total"] == (0, 0)
    assert values["leadtime.gross.median_days"] == (None, None)
    header, rows = table_rows(book["Casussen"], "Casussen")
    assert header == CASE_COLUMNS
    assert all(c.value is None for r in rows for c in r)  # one empty data row


def test_an_empty_period_in_a_full_register(reg: Register, tmp_path: Path) -> None:
    out = tmp_path / "wk.xlsx"
    write_evaluation(reg, date(2025, 1, 6), date(2025, 1, 12), out, temp_dir=tmp_path / "t")
    values = cijfers(openpyxl.load_workbook(out))
    assert values["intake.total"][0] == 0


def test_suppression_hides_small_counts_and_case_rows(reg: Register, tmp_path: Path) -> None:
    out = tmp_path / "afgeschermd.xlsx"
    summary = write_evaluation(reg, *Q3, out, suppress_below=5, temp_dir=tmp_path / "t")
    assert summary.case_rows == 0 and summary.topic_rows == 0
    expected = figures(reg, *Q3)
    book = openpyxl.load_workbook(out)
    values = cijfers(book)
    for key, (p, _) in values.items():
        raw = expected.period[key]
        if (isinstance(raw, int) and 0 < raw < 5 and not key.endswith(("_days", ".median"))
                and not key.endswith(".mean")):
            assert p == "< 5", key
        elif key == "intake.total":
            assert p == raw
    _, rows = table_rows(book["Casussen"], "Casussen")
    assert all(c.value is None for r in rows for c in r)
    ws = book["Verantwoording"]
    text = {r[0].value: r[1].value for r in ws.iter_rows(max_col=2) if r[0].value}
    assert "< 5" in text["Afscherming kleine aantallen"]


def test_suppression_below_two_is_refused(reg: Register, tmp_path: Path) -> None:
    with pytest.raises(UserError):
        write_evaluation(reg, *Q3, tmp_path / "x.xlsx", suppress_below=1)


def test_reversed_period_and_wrong_suffix_are_refused(reg: Register, tmp_path: Path) -> None:
    with pytest.raises(UserError):
        write_evaluation(reg, date(2025, 9, 30), date(2025, 7, 1), tmp_path / "x.xlsx")
    with pytest.raises(UserError, match="xlsx"):
        write_evaluation(reg, *Q3, tmp_path / "x.csv")
    assert list(tmp_path.iterdir()) == []


def test_personal_data_in_a_signal_title_stops_the_export_unless_overridden(
        tmp_path: Path) -> None:
    reg = make_register(tmp_path)
    try:
        reg.today = lambda: date(2025, 6, 30)
        sig = reg.create_signal({"created_on": "2025-04-01",
                                 "title": "Terugvordering bij BSN 123456782",
                                 "problem": "Onduidelijke brieven.",
                                 "proposed_solution": "Brief herschrijven.",
                                 "theme": "dienstverlening", "services": ["dienst_toeslagen"]})
        out = tmp_path / "x.xlsx"
        with pytest.raises(LintStopped) as exc:
            write_evaluation(reg, date(2025, 4, 1), date(2025, 6, 30), out,
                             temp_dir=tmp_path / "t")
        assert sig.number in str(exc.value) and "BSN" in str(exc.value)
        assert "123456782" not in str(exc.value)
        assert not out.exists()
        summary = write_evaluation(reg, date(2025, 4, 1), date(2025, 6, 30), out,
                                   override_lint="titel is openbaar voorbeeld",
                                   temp_dir=tmp_path / "t")
        assert summary.lint_findings == 1 and out.exists()
        actions = [(a.action, a.object) for a in audit.rows(reg.conn)]
        assert ("override_lint",
                "export_evaluation 2025-04-01..2025-06-30: titel is openbaar voorbeeld"
                ) in actions
    finally:
        reg.close()


def test_progress_runs_from_zero_to_hundred(reg: Register, tmp_path: Path) -> None:
    seen: list[tuple[int, str]] = []
    write_evaluation(reg, *Q3, tmp_path / "p.xlsx", progress=lambda p, t: seen.append((p, t)),
                     temp_dir=tmp_path / "t")
    percents = [p for p, _ in seen]
    assert percents[0] == 0 and percents[-1] == 100 and percents == sorted(percents)
    assert all(isinstance(t, str) and t for _, t in seen)


# ---------------------------------------------------------------------------
# safe_cells on its own


@pytest.mark.parametrize("value", [*FORMULA_LIKE, "=1", "\r=1", "gewoon", "a\x00b\x07c", "#N/A",
                                   "-", "=", "#DIV/0!"])
def test_safe_cells_store_strings_as_text(tmp_path: Path, value: str) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("T")
    ws.append([safe_cells.cell(ws, value)])
    wb.save(tmp_path / "t.xlsx")
    c = openpyxl.load_workbook(tmp_path / "t.xlsx")["T"]["A1"]
    assert c.data_type == "s"
    assert c.value == safe_cells.clean_text(value)
    if value in FORMULA_LIKE:
        assert c.value == value


def test_safe_cells_clean_text() -> None:
    assert safe_cells.clean_text("a\x00b\x0bc\ud800d") == "abcd"
    assert safe_cells.clean_text("x\r\ny\rz") == "x\ny\nz"
    long = safe_cells.clean_text("x" * 40_000)
    assert len(long) == safe_cells.MAX_TEXT and long.endswith("…")


def test_safe_cells_types(tmp_path: Path) -> None:
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("T")
    ws.append([safe_cells.cell(ws, v) for v in (date(2025, 1, 2), 3, 2.5, None, True)])
    with pytest.raises(TypeError):
        safe_cells.cell(ws, ["a", "b"])  # type: ignore[arg-type]
    wb.save(tmp_path / "t.xlsx")
    row = next(openpyxl.load_workbook(tmp_path / "t.xlsx")["T"].iter_rows())
    assert row[0].value == datetime(2025, 1, 2) and row[0].number_format == DATE_FORMAT
    assert (row[1].value, row[1].data_type) == (3, "n")
    assert row[2].value == 2.5 and row[3].value is None and row[4].value is True


def _count(value: Any) -> int | None:
    """A printed count as a reader takes it: hidden ("< 5", "×") is unknown."""
    return value if isinstance(value, int) else None


@pytest.mark.parametrize("period", [Q3, YEAR], ids=["q3", "year"])
def test_suppressed_counts_cannot_be_recomputed_from_any_printed_total(
        reg: Register, tmp_path: Path, period: tuple[date, date]) -> None:
    """Issue 11, item 31: the Cijfers sheet prints every total; Instroom prints route x
    service with its column totals. Nothing hidden comes back from them."""
    out = tmp_path / "afgeschermd.xlsx"
    write_evaluation(reg, *period, out, suppress_below=5, temp_dir=tmp_path / "t")
    book = openpyxl.load_workbook(out)
    expected = figures(reg, *period)
    shown: dict[Any, int | None] = {}
    truth: dict[Any, int] = {}
    for key, (p, y) in cijfers(book).items():
        for col, value, real in ((0, p, expected.period[key]),
                                 (1, y, expected.year_to_date[key])):
            if isinstance(real, int) and not key.endswith(("_days", ".median", ".mean")):
                shown[(col, key)] = _count(value)
                truth[(col, key)] = real
                assert value == real or value in ("< 5", "×"), key
                if 0 < real < 5:
                    assert value == "< 5", key
    sums = [((col, total), tuple((col, p) for p in parts))
            for col in (0, 1) for total, parts in catalogue_sums(reg.codelists)]
    # Route x service: each service column adds up to the intake for that service.
    ws = book["Instroom"]
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "Route")
    services = reg.codelists.keys("service")
    routes = {reg.codelists.label("route", k): k for k in reg.codelists.keys("route")}
    n = len(services) + 1
    cases, _ = reg.grouped_events()
    crosses = cross_tables([r for evs in cases if (r := case_record(evs, period[1],
                                                                     reg.codelists))],
                           *period)
    for row in rows[head + 1:head + 1 + len(routes)]:
        route = routes[row[0]]
        for col in (0, 1):
            for i, s in enumerate(services):
                cell = (col, "cross", route, s)
                shown[cell] = _count(row[1 + col * (n + 1) + i])
                truth[cell] = crosses.route_service[col][(route, s)]
    for col in (0, 1):
        for s in services:
            sums.append(((col, f"intake.by_service.{s}"),
                         tuple((col, "cross", r, s) for r in routes.values())))
    assert any(v is None for v in shown.values())
    for total, parts in sums:  # the evaluator's sums hold for these figures
        assert truth[total] == sum(truth[p] for p in parts), total
    assert hidden_recomputed(shown, truth, sums) == {}
    notes = [c for r in rows for c in r if isinstance(c, str) and c.startswith("× = ")]
    marks = [c for r in rows for c in r if c == "×"]
    assert bool(marks) <= bool(notes)  # a secondary mark has its footnote


def test_print_layout_keeps_heads_and_labels_on_paper(q3: Path,
                                                      q3_book: openpyxl.Workbook) -> None:
    """Issue 11, item 34, checked on the file (the PDF LibreOffice makes of it was looked
    at by hand): no header row is lower than its wrapped text, the signal list and the
    case list repeat their head on every page, Casussen prints across several readable
    pages, and the ageing chart labels every bucket."""
    ws = q3_book["Overzicht"]
    head = next(r for r in ws.iter_rows() if r[0].value == "Kerncijfer")
    height = ws.row_dimensions[head[0].row].height
    for cell in head[1:3]:
        lines = str(cell.value).split("\n")
        width = ws.column_dimensions[cell.column_letter].width
        assert all(len(line) <= width for line in lines), cell.value  # no third line
        assert height >= 14 * len(lines)
    signals = q3_book["Signalen"]
    list_head = next(r[0].row for r in signals.iter_rows() if r[0].value == "Nummer")
    assert signals.print_title_rows == f"${list_head}:${list_head}"
    cases = q3_book["Casussen"]
    assert cases.print_title_rows == "$1:$1" and cases.print_title_cols == "$A:$A"
    assert cases.page_setup.fitToWidth > 1 and cases.page_setup.pageOrder == "overThenDown"
    with zipfile.ZipFile(q3) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/")]
    ageing = next(c for c in charts if "Openstaande casussen naar leeftijd" in c)
    category_axis = re.search(r"<(?:c:)?catAx>(.*?)</(?:c:)?catAx>", ageing, re.S)
    value_axis = re.search(r"<(?:c:)?valAx>(.*?)</(?:c:)?valAx>", ageing, re.S)
    assert category_axis and value_axis
    assert re.search(r'<(?:c:)?delete val="0"', category_axis.group(1))
    assert re.search(r'<(?:c:)?tickLblSkip val="1"', category_axis.group(1))
    # the values along the bottom, under their title
    assert re.search(r'<(?:c:)?crosses val="max"', value_axis.group(1))


def test_a_cases_route_reads_in_the_shipped_words(year: Path) -> None:
    """Issue 11, item 21: with the codelists as shipped, a (partly) resolved case's
    Oplosroute is the founding report's 'Minnelijk' or 'Na heroverwegingsverzoek', in the
    Casussen sheet and in the Definities; never the old 'Zonder heroverwegingsverzoek'."""
    book = openpyxl.load_workbook(year)
    header, rows = table_rows(book["Casussen"], "Casussen")
    path, outcome = header.index("Oplosroute"), header.index("Uitkomst")
    paths = [r[path].value for r in rows if r[outcome].value in ("Opgelost", "Deels opgelost")]
    assert set(paths) == {"Minnelijk", "Na heroverwegingsverzoek"}  # the fixture has both
    terms = " ".join(str(c.value) for r in book["Definities"].iter_rows() for c in r
                     if c.value)
    assert "'Minnelijk'" in terms and "'Na heroverwegingsverzoek'" in terms
    everything = " ".join(str(c.value) for ws in book.worksheets for r in ws.iter_rows()
                          for c in r if c.value)
    assert "Zonder heroverwegingsverzoek" not in everything


def test_a_deadline_not_yet_closed_is_an_openstaande_termijn(year: Path) -> None:
    """Issue 11, item 25: 'Openstaande termijn(en)' and 'verlopen', one phrase each, in
    the Definities and in the figures' descriptions; never 'niet afgemeld' or 'verstreken'."""
    book = openpyxl.load_workbook(year)
    terms = " ".join(str(c.value) for r in book["Definities"].iter_rows() for c in r
                     if c.value)
    assert "Openstaande termijn: " in terms and "Termijnen verlopen: " in terms
    everything = " ".join(str(c.value) for ws in book.worksheets for r in ws.iter_rows()
                          for c in r if c.value).lower()
    assert "openstaande termijnen van die casussen" in everything  # deadlines.due_next_14d
    assert "afgemeld" not in everything and "verstreken" not in everything


def test_the_office_words_come_from_its_codelists(tmp_path: Path) -> None:
    """Issue 11, items 21, 22, 29: the resolution paths, the helper's score and the
    services' names are the codelists' words wherever the workbook uses them."""
    override = tmp_path / "codelists.toml"
    override.write_text('[resolution_path]\nitems.zonder_escalatie = "(Deels) minnelijk '
                        'opgelost"\nitems.na_escalatie = "(Deels) opgelost na '
                        'heroverwegingsverzoek"\n', encoding="utf-8")
    cl = load_codelists(override)
    reg = Register.create(tmp_path / "r.db", PASSPHRASE, "TST", "Tester", kdf=FAST_KDF,
                          codelists=cl)
    try:
        import_file(reg, EXAMPLE)
        out = tmp_path / "w.xlsx"
        write_evaluation(reg, *YEAR, out, temp_dir=tmp_path / "t")
    finally:
        reg.close()
    book = openpyxl.load_workbook(out)
    treatment = [r[0].value for r in book["Behandeling"].iter_rows(max_col=1)]
    assert "(Deels) minnelijk opgelost" in treatment
    assert "(Deels) opgelost na heroverwegingsverzoek" in treatment
    overview = [r[0].value for r in book["Overzicht"].iter_rows(max_col=1)]
    assert "(Deels) minnelijk opgelost" in overview
    labels = {r[0].value: r[1].value for r in book["Cijfers"].iter_rows(min_row=5, max_col=2)}
    assert labels["closed.resolved.after_escalation"] == (
        "(Deels) opgelost na heroverwegingsverzoek")
    interview_head = next(r for r in book["Eindgesprek"].iter_rows(values_only=True)
                          if r[0] == "Cijfer")
    assert interview_head[1:5] == ("Rapportcijfer burger", "Rapportcijfer aandrager") * 2
    header, rows = table_rows(book["Casussen"], "Casussen")
    assert header[-1] == "Rapportcijfer aandrager"
    path, outcome = header.index("Oplosroute"), header.index("Uitkomst")
    paths = {r[path].value for r in rows if r[outcome].value in ("Opgelost", "Deels opgelost")}
    assert paths <= {"(Deels) minnelijk opgelost", "(Deels) opgelost na heroverwegingsverzoek"}
    assert paths  # the fixture has resolved cases
    # a case that was not solved has no path to a solution
    assert all(r[path].value is None for r in rows
               if r[outcome].value in ("Niet opgelost", "Ingetrokken"))
    terms = " ".join(str(c.value) for r in book["Definities"].iter_rows() for c in r
                     if c.value)
    for route in cl.keys("route"):
        assert cl.label("route", route) in terms
