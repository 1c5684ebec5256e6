"""Signal forms for the Belastingdienst's Klantsignaal Management Systeem (docs/ARCHITECTURE.md).

KSMS's own input form is not public, so the office fills a form of its own. The field
mapping lives in ``FIELDS`` and nowhere else: the printable HTML form, the ``.xlsx``
list and the plain text for pasting into a web form all read it, so a field added
here appears in every format and a label changed here changes everywhere.

Two audiences. An **external** form (the default) is what leaves the office: it
carries the signal, never the handler as contact person (P1) nor the numbers of the
linked cases (pseudonyms of real people's files). An **internal** form adds both, for
the office's own file; it cannot be used to record a submission.

Before anything is written the export checks completeness per format (a form to KSMS
without the human story misses exactly what the office adds, "signalen een menselijk
gezicht geven"; the web form asks for regulation and urgency) and runs the
personal-data lint over every free-text field. A finding stops the export unless the
handler gives a reason, which is audited. Optionally the same action records
``signal_submitted`` for each signal, after the files are on disk, so a failed write
never leaves a submission recorded for a form that does not exist.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from app.export.safe_cells import CellStyle, set_value
from app.export.sheet_layout import a4_landscape, row_height
from app.export.tempfiles import owned_temp_dir
from app.export.templating import (
    TextFinding,
    lint_gate,
    make_environment,
    now_local,
    render,
    short_date,
    write_text_atomic,
)
from app.model.codelists import Codelists
from app.model.errors import UserError
from app.model.events import validate_payload
from app.model.fold import SignalState
from app.model.kinds import Kind
from app.model.lint import lint_text
from app.model.nlformat import date_time
from app.storage.files import atomic_writer, existing_folder
from app.storage.repository import Register

__all__ = [
    "FIELDS",
    "FORMATS",
    "FormField",
    "FormValue",
    "IncompleteSignals",
    "SignalExportPlan",
    "SignalForm",
    "Submission",
    "plan_signal_export",
    "signal_form_texts",
    "write_signal_forms",
]

#: The three formats of docs/ARCHITECTURE.md, with a Dutch name for messages.
FORMATS: dict[str, str] = {
    "html": "afdrukbaar formulier (HTML)",
    "xlsx": "lijst (Excel)",
    "txt": "tekst per veld",
}
ALL_FORMATS: frozenset[str] = frozenset(FORMATS)

_URGENCY = {"laag": "Laag", "midden": "Midden", "hoog": "Hoog"}


# --------------------------------------------------------------------------- the mapping


@dataclass(frozen=True)
class Submission:
    """A submission recorded in the same action as writing the forms."""

    recipient: str
    on: date
    external_ref: str | None = None


@dataclass(frozen=True)
class _Source:
    """Everything a field may read; built once per signal."""

    state: SignalState
    cases: tuple[str, ...]
    organisation: str
    handler: str
    codelists: Codelists
    submission: Submission | None = None

    @property
    def created(self) -> Mapping[str, Any]:
        return self.state.creation

    def latest_submission(self) -> Mapping[str, Any] | None:
        if self.submission is not None:
            s = self.submission
            return {"recipient": s.recipient, "on": s.on.isoformat(),
                    "external_ref": s.external_ref}
        if self.state.submissions:
            return self.state.submissions[-1].payload
        return None


@dataclass(frozen=True)
class FormField:
    """One field of the KSMS form: where its value comes from and where it appears.

    ``required`` names the formats in which an empty value is a completeness problem;
    ``internal_only`` fields never appear on a form that leaves the office; ``free_text``
    fields are linted for personal data before any format is written.
    """

    key: str
    label: str
    section: str
    source: str  # for people: where the value comes from
    get: Callable[[_Source], Any]
    required: frozenset[str] = frozenset()
    internal_only: bool = False
    free_text: bool = False
    multiline: bool = False


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _submitted_text(src: _Source) -> str:
    sub = src.latest_submission()
    if not sub:
        return ""
    who = src.codelists.label("signal_recipient", str(sub.get("recipient", "")))
    # "10-11-2025, Opgenomen in de rapportage aan de Kamer": a recipient label is not
    # always a place one submits "bij"
    return f"{short_date(sub.get('on'))}, {who}"


def _status(src: _Source) -> str:
    status = src.state.status
    if src.submission is not None and status == "concept":
        status = "ingediend"
    return src.codelists.label("signal_status", status)


def _external_ref(src: _Source) -> str:
    sub = src.latest_submission()
    return _text(sub.get("external_ref")) if sub else ""


_ALL = ALL_FORMATS
_FORMS = frozenset({"html", "txt"})  # the forms a person reads or pastes field by field

FIELDS: tuple[FormField, ...] = (
    FormField("nummer", "Signaalnummer", "Signaal", "nummer van het signaal in het register",
              lambda s: s.state.number or "", _ALL),
    FormField("datum", "Datum signaal", "Signaal", "signal_created.created_on",
              lambda s: s.state.created_on, _ALL),
    FormField("organisatie", "Indienende organisatie", "Signaal",
              "instellingen: organisatie", lambda s: s.organisation, _ALL),
    FormField("contactpersoon", "Contactpersoon", "Signaal",
              "instellingen: behandelaar (P1, alleen intern)", lambda s: s.handler, _ALL,
              internal_only=True),
    FormField("titel", "Titel", "Signaal", "signal_created.title",
              lambda s: _text(s.created.get("title")), _ALL, free_text=True),
    FormField("dienst", "Betrokken dienst", "Inhoud", "signal_created.services",
              lambda s: ", ".join(s.codelists.label("service", v)
                                  for v in s.created.get("services") or []), _ALL),
    FormField("thema", "Thema", "Inhoud", "signal_created.theme",
              lambda s: s.codelists.label("signal_theme", _text(s.created.get("theme")))
              if s.created.get("theme") else "", _ALL),
    FormField("regelgeving", "Regelgeving (wet en artikel)", "Inhoud",
              "signal_created.regulation", lambda s: _text(s.created.get("regulation")),
              frozenset({"txt"}), free_text=True),
    FormField("knelpunt", "Knelpunt", "Inhoud", "signal_created.problem",
              lambda s: _text(s.created.get("problem")), _ALL, free_text=True,
              multiline=True),
    FormField("gevolgen", "Gevolgen voor burgers of ondernemers", "Inhoud",
              "signal_created.human_story (geanonimiseerd verhaal)",
              lambda s: _text(s.created.get("human_story")), _FORMS, free_text=True,
              multiline=True),
    FormField("oplossing", "Voorgestelde praktische oplossing", "Inhoud",
              "signal_created.proposed_solution",
              lambda s: _text(s.created.get("proposed_solution")), _ALL, free_text=True,
              multiline=True),
    FormField("aantal_casussen", "Aantal gekoppelde casussen", "Omvang en urgentie",
              "aantal casussen met signal_linked", lambda s: len(s.cases)),
    FormField("omvang", "Geschat aantal betrokkenen", "Omvang en urgentie",
              "signal_created.scope", lambda s: _text(s.created.get("scope")),
              free_text=True),
    FormField("urgentie", "Urgentie", "Omvang en urgentie", "signal_created.urgency",
              lambda s: _URGENCY.get(_text(s.created.get("urgency")), ""),
              frozenset({"txt"})),
    FormField("casusnummers", "Gekoppelde casusnummers", "Omvang en urgentie",
              "casussen met signal_linked (alleen intern)", lambda s: ", ".join(s.cases),
              internal_only=True),
    FormField("status", "Status", "Status", "afgeleid uit de stappen van het signaal",
              _status),
    FormField("ingediend", "Laatste indiening", "Status", "laatste signal_submitted",
              _submitted_text),
    FormField("kenmerk", "KSMS-kenmerk", "Status", "signal_submitted.external_ref",
              _external_ref),
)

_BY_KEY = {f.key: f for f in FIELDS}


@dataclass(frozen=True)
class FormValue:
    """A field's value on one form: ``text`` to print, ``value`` for a typed cell."""

    key: str
    label: str
    section: str
    text: str
    value: str | int | date | None
    multiline: bool


@dataclass(frozen=True)
class SignalForm:
    number: str
    title: str
    values: tuple[FormValue, ...]

    def text(self, key: str) -> str:
        return next((v.text for v in self.values if v.key == key), "")


def _fields(internal: bool) -> list[FormField]:
    return [f for f in FIELDS if internal or not f.internal_only]


def _value_of(f: FormField, src: _Source) -> FormValue:
    raw = f.get(src)
    value: str | int | date | None
    if isinstance(raw, date):
        value, text = raw, short_date(raw)
    elif isinstance(raw, int) and not isinstance(raw, bool):
        value, text = raw, str(raw)
    else:
        text = _text(raw)
        value = text or None
    return FormValue(f.key, f.label, f.section, text, value, f.multiline)


def _form(src: _Source, internal: bool) -> SignalForm:
    values = tuple(_value_of(f, src) for f in _fields(internal))
    return SignalForm(src.state.number or "", _text(src.created.get("title")), values)


# --------------------------------------------------------------------------- the plan


class IncompleteSignals(UserError):
    """A submission was asked for while required fields are empty."""


@dataclass
class SignalExportPlan:
    """What the wizard shows before writing: forms, missing fields and lint findings.

    ``problems[number][format]`` lists the Dutch labels of empty required fields;
    ``findings[number]`` holds lint findings per field (``TextFinding.where`` names the
    signal and the field).
    """

    formats: frozenset[str]
    internal: bool
    forms: list[SignalForm]
    problems: dict[str, dict[str, list[str]]]
    findings: dict[str, list[TextFinding]]
    _sources: list[_Source] = field(default_factory=list, repr=False)

    @property
    def numbers(self) -> list[str]:
        return [f.number for f in self.forms]

    @property
    def complete(self) -> bool:
        return not any(self.problems.values())

    @property
    def all_findings(self) -> list[TextFinding]:
        return [f for number in self.numbers for f in self.findings.get(number, [])]

    def problem_lines(self) -> list[str]:
        """One Dutch line per signal and format with missing fields."""
        out = []
        for number, per_format in self.problems.items():
            for fmt, labels in per_format.items():
                out.append(f"{number} ({FORMATS[fmt]}): ontbreekt {', '.join(labels)}")
        return out

    def forms_with(self, submission: Submission | None) -> list[SignalForm]:
        if submission is None:
            return list(self.forms)
        return [_form(_with(src, submission), self.internal) for src in self._sources]


def _with(src: _Source, submission: Submission) -> _Source:
    return _Source(src.state, src.cases, src.organisation, src.handler, src.codelists,
                   submission)


def _parse_formats(formats: Iterable[str]) -> frozenset[str]:
    # "html,xlsx" as the CLI's --format gives it is accepted as well as {"html", "xlsx"}
    chosen = frozenset(part.strip().lower() for f in formats for part in f.split(",")
                       if part.strip())
    unknown = sorted(chosen - ALL_FORMATS)
    if unknown:
        raise UserError(f"Onbekend formaat {', '.join(unknown)}: kies uit html, xlsx en txt.")
    if not chosen:
        raise UserError("Kies minstens één formaat: html, xlsx of txt.")
    return chosen


def plan_signal_export(reg: Register, numbers: Sequence[str] | None,
                       formats: Iterable[str], *, internal: bool = False
                       ) -> SignalExportPlan:
    """Collect the signals, check completeness per format and lint every free text.

    ``numbers`` None means every signal in the register, oldest first. Nothing is
    written and nothing is audited: this is what the wizard shows before "Opslaan".
    """
    chosen = _parse_formats(formats)
    if numbers is None:
        rows = sorted(reg.list_signals(), key=lambda r: (r.created_on, r.number))
        wanted = [row.number for row in rows]
    else:
        wanted = list(dict.fromkeys(numbers))
    if not wanted:
        raise UserError("Er zijn geen signalen om te exporteren.")
    settings = reg.settings
    sources: list[_Source] = []
    for number in wanted:
        state, _events, cases = reg.signal(number)
        sources.append(_Source(state, tuple(cases), settings.organisation,
                               settings.handler, reg.codelists))
    fields_ = _fields(internal)
    forms: list[SignalForm] = []
    problems: dict[str, dict[str, list[str]]] = {}
    findings: dict[str, list[TextFinding]] = {}
    for src in sources:
        form = _form(src, internal)
        forms.append(form)
        by_key = {v.key: v for v in form.values}
        missing: dict[str, list[str]] = {}
        for fmt in sorted(chosen):
            labels = [f.label for f in fields_ if fmt in f.required
                      and not by_key[f.key].text]
            if labels:
                missing[fmt] = labels
        if missing:
            problems[form.number] = missing
        hits = [TextFinding(f"{form.number}, {f.label}", finding)
                for f in fields_ if f.free_text
                for finding in lint_text(by_key[f.key].text)]
        if hits:
            findings[form.number] = hits
    return SignalExportPlan(chosen, internal, forms, problems, findings, sources)


# --------------------------------------------------------------------------- writing


def _safe_name(number: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", number) or "signaal"


def _sections(form: SignalForm) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    for v in form.values:
        if not sections or sections[-1]["naam"] != v.section:
            sections.append({"naam": v.section, "velden": []})
        sections[-1]["velden"].append({
            "sleutel": v.key, "label": v.label, "tekst": v.text, "meerregelig": v.multiline,
            "ontbreekt": False,
        })
    return sections


def _context(reg: Register, forms: list[SignalForm], plan: SignalExportPlan,
             fmt: str) -> dict[str, Any]:
    """Plain data for the templates (never the register: see templating.py)."""
    required = {f.key for f in FIELDS if fmt in f.required}
    out_forms = []
    for form in forms:
        sections = _sections(form)
        for section in sections:
            for veld in section["velden"]:
                veld["ontbreekt"] = veld["sleutel"] in required and not veld["tekst"]
        out_forms.append({"nummer": form.number, "titel": form.title, "secties": sections,
                          "velden": [v for s in sections for v in s["velden"]]})
    return {
        "organisatie": reg.settings.organisation,
        "intern": plan.internal,
        "formulieren": out_forms,
        "gemaakt_op": date_time(now_local()),
    }


def _render_html(reg: Register, env: Any, forms: list[SignalForm], plan: SignalExportPlan
                 ) -> str:
    return render(env, "signal_form.html.j2", _context(reg, forms, plan, "html"))


def _render_txt(reg: Register, env: Any, form: SignalForm, plan: SignalExportPlan) -> str:
    return render(env, "signal_form.txt.j2", _context(reg, [form], plan, "txt"))


# Calibri by name: a font without a name prints as a serif in LibreOffice, wider than
# the column widths and row heights were reckoned for.
_HEADER = CellStyle(font=Font(name="Calibri", size=11, bold=True, color="FFFFFF"),
                    fill=PatternFill("solid", fgColor="154273"),
                    alignment=Alignment(vertical="top", wrap_text=True),
                    border=Border(bottom=Side(style="thin", color="154273")))
_BODY = CellStyle(font=Font(name="Calibri", size=11),
                  alignment=Alignment(vertical="top", wrap_text=True))


def _column_width(f: FormField, values: Sequence[FormValue]) -> float:
    """Wide enough for the column's longest short value (up to 28) and for its label's
    longest word; multi-line texts wrap in 42. The whole list then prints across one
    landscape page at a scale that stays readable."""
    if f.multiline:
        return 42.0
    longest = max((len(v.text) for v in values), default=0)
    word = max((len(w) for w in f.label.split()), default=8)
    return float(min(28, max(10, longest + 2, word + 3)))


def _write_xlsx(path: Path, forms: list[SignalForm], plan: SignalExportPlan,
                organisation: str, temp_dir: Path | None) -> Path:
    """One row per signal, one column per field; every string a text cell.

    Printed for a hand-over meeting, so (issue 11, item 34) each row is as high as
    its wrapped texts need (LibreOffice does not measure rows itself), the page is A4
    landscape with every column across it, and the header row repeats on each page.
    """
    fields_ = _fields(plan.internal)
    widths = [_column_width(f, [v for form in forms for v in form.values if v.key == f.key])
              for f in fields_]
    wb = Workbook()
    ws = wb.active
    ws.title = "Signalen"
    for col, f in enumerate(fields_, start=1):
        set_value(ws.cell(row=1, column=col), f.label, _HEADER)
    ws.row_dimensions[1].height = row_height([f.label for f in fields_], widths, bold=True)
    for row, form in enumerate(forms, start=2):
        by_key = {v.key: v for v in form.values}
        values = [by_key[f.key].value for f in fields_]
        for col, value in enumerate(values, start=1):
            set_value(ws.cell(row=row, column=col), value, _BODY)
        height = row_height(values, widths)
        if height is not None:
            ws.row_dimensions[row].height = height
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(fields_))}{len(forms) + 1}"
    a4_landscape(ws, title_rows="1:1",
                 header_right="Intern: bevat contactpersoon en casusnummers"
                 if plan.internal else "")
    props = wb.properties
    props.title = "Signalen voor het Klantsignaal Management Systeem"
    props.creator = organisation
    props.subject = ("Intern: bevat contactpersoon en casusnummers" if plan.internal
                     else "Signalen van de Belangenbehartiger")
    with owned_temp_dir(temp_dir), atomic_writer(path, "wb") as fh:
        wb.save(fh)  # a private file beside the target, renamed into place when whole
    return path


def _check_submission(reg: Register, plan: SignalExportPlan, submitted_to: str,
                      external_ref: str | None, on: date) -> Submission:
    if plan.internal:
        raise UserError("Een intern formulier (met contactpersoon en casusnummers) is niet "
                        "bedoeld voor indiening; maak een extern formulier.")
    if not reg.codelists.is_valid("signal_recipient", submitted_to):
        keys = ", ".join(reg.codelists.keys("signal_recipient", active_only=True))
        raise UserError(f"Onbekende ontvanger '{submitted_to}': kies uit {keys}.")
    if external_ref and len(plan.forms) > 1:
        raise UserError("Een extern kenmerk hoort bij één signaal; exporteer dat signaal "
                        "apart om het kenmerk vast te leggen.")
    if on > reg.today():
        raise UserError(f"De datum van indiening {short_date(on)} ligt in de toekomst.")
    for src in plan._sources:
        number = src.state.number
        if src.state.closed_on is not None:
            raise UserError(f"Signaal {number} is gesloten en kan niet meer worden ingediend.")
        if on < src.state.created_on:
            raise UserError(f"De datum van indiening {short_date(on)} ligt vóór de datum "
                            f"van signaal {number} ({short_date(src.state.created_on)}).")
    if not plan.complete:
        raise IncompleteSignals(
            "De signalen zijn niet ingediend en er is niets geschreven: verplichte velden "
            "ontbreken (" + "; ".join(plan.problem_lines()) + ").")
    data = {"on": on.isoformat(), "recipient": submitted_to, "external_ref": external_ref}
    validate_payload(Kind.SIGNAL_SUBMITTED, data, reg.codelists)
    return Submission(submitted_to, on, external_ref or None)


def write_signal_forms(reg: Register, plan: SignalExportPlan, out_dir: Path, *,
                       override_lint: str | None = None, submitted_to: str | None = None,
                       external_ref: str | None = None, on: date | None = None,
                       single_html: bool = False, template_dir: Path | None = None,
                       temp_dir: Path | None = None) -> list[Path]:
    """Write the planned forms into ``out_dir``; return the files written.

    Order of work, and why: check the submission and the lint (refuse before anything
    exists), render every file in memory (a broken template writes nothing), write the
    files, and only then record ``signal_submitted`` per signal and audit the export.
    ``single_html`` puts every HTML form in one file with page breaks.
    ``template_dir`` replaces the user's override folder (tests); ``temp_dir`` the
    folder openpyxl streams through.
    """
    submission = (_check_submission(reg, plan, submitted_to, external_ref,
                                     on or reg.today()) if submitted_to else None)
    numbers = ", ".join(plan.numbers)
    overridden = lint_gate(reg, f"Signaalformulieren {numbers}", plan.all_findings,
                           override_lint)
    forms = plan.forms_with(submission)
    env = make_environment(template_dir, codelists=reg.codelists)
    rendered: dict[Path, str] = {}
    if "html" in plan.formats:
        if single_html:
            rendered[out_dir / "signalen.html"] = _render_html(reg, env, forms, plan)
        else:
            for form in forms:
                rendered[out_dir / f"signaal-{_safe_name(form.number)}.html"] = _render_html(
                    reg, env, [form], plan)
    if "txt" in plan.formats:
        for form in forms:
            rendered[out_dir / f"signaal-{_safe_name(form.number)}.txt"] = _render_txt(
                reg, env, form, plan)
    existing_folder(out_dir)  # checked, linted and rendered: now the folder must be there
    written = [write_text_atomic(path, text) for path, text in rendered.items()]
    if "xlsx" in plan.formats:
        written.append(_write_xlsx(out_dir / "signalen.xlsx", forms, plan,
                                   reg.settings.organisation, temp_dir))
    if submission is not None:
        _record_submissions(reg, plan, submission)
    reg.audit("export_signals",
              f"{len(forms)} signalen ({numbers}; {', '.join(sorted(plan.formats))}; "
              f"{'intern' if plan.internal else 'extern'}) naar {out_dir}",
              ("ingediend bij " + submission.recipient if submission else "ok")
              + ("; persoonsgegevenswaarschuwing overschreven" if overridden else ""))
    return written


def _record_submissions(reg: Register, plan: SignalExportPlan, submission: Submission
                        ) -> None:
    data: dict[str, Any] = {"on": submission.on.isoformat(),
                            "recipient": submission.recipient}
    if submission.external_ref:
        data["external_ref"] = submission.external_ref
    done: list[str] = []
    for number in plan.numbers:
        try:
            reg.append_signal(number, Kind.SIGNAL_SUBMITTED, data)
        except UserError as exc:
            already = f" (wel vastgelegd voor {', '.join(done)})" if done else ""
            raise UserError(f"De formulieren zijn geschreven, maar de indiening van {number} "
                            f"kon niet worden vastgelegd{already}: {exc}") from None
        done.append(number)


def signal_form_texts(reg: Register, plan: SignalExportPlan, *,
                      override_lint: str | None = None,
                      template_dir: Path | None = None) -> dict[str, str]:
    """The plain-text form per signal number, for the GUI's clipboard.

    The clipboard is an export like any file, so the same lint gate applies and the
    copy is audited; no file is written.
    """
    numbers = ", ".join(plan.numbers)
    lint_gate(reg, f"Signaaltekst {numbers}", plan.all_findings, override_lint)
    env = make_environment(template_dir, codelists=reg.codelists)
    texts = {form.number: _render_txt(reg, env, form, plan) for form in plan.forms}
    reg.audit("export_signals", f"{len(texts)} signalen ({numbers}; tekst) naar klembord")
    return texts
