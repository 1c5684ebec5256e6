"""Forms for the steps of a case, built from the event models themselves.

There are two dozen kinds of step and each is a pydantic model in
``app.model.events``. Writing two dozen dialogs by hand would let the forms and the
models drift apart, so ``PayloadForm`` reads a model's fields in order and picks an
editor for each from its type: a date field for dates, a drop-down for a codelist
key (``FIELD_CODELIST``) or a fixed choice, check boxes for a list of codes, a check
box for yes/no, a rapportcijfer drop-down for scores and a one- or multi-line text
field depending on the text's maximum length. Labels come from ``FIELD_LABELS``.

On top of that generic form sit the few behaviours the office's work needs: the
computed bezwaar- or beroepstermijn shown live with its explanation, the service's
written reasons required when a zienswijze is not taken over, escalation levels in
their order, the citizen's consent for the pauzeknop, a second person for approving
a story, and choices among the case's own open deadlines and the register's signals.

Saving validates with ``validate_payload`` (the same gate the register uses) and
shows each Dutch message under its field; what only the register can judge (the
workflow rules) comes back as a banner. Free text is linted for personal data as it
is typed: a warning the handler can act on, never a block.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.model.codelists import Codelists
from app.model.dates import nl_date
from app.model.deadlines import (
    PAUSE_WARNING,
    STATUTORY_WEEKS,
    compute_due_on,
    explain,
    falls_in_pause,
)
from app.model.describe import FIELD_CODELIST, details
from app.model.errors import FieldError, RuleViolation, UserError, ValidationFailed
from app.model.events import DATE_FIELD, FIELD_LABELS, MODELS, kind_label, validate_payload
from app.model.fold import CaseState, Effective
from app.model.recording import approval_problem
from app.ui.geometry import clamp_to_screen, fit_size
from app.ui.lint_question import LintQuestion
from app.ui.session import Session, close_on_lock
from app.ui.text import tr
from app.ui.widgets import (
    ERROR_STYLE,
    CheckField,
    ChoiceCombo,
    CodeChecklist,
    CodeCombo,
    ContactField,
    DateField,
    FieldRow,
    LineField,
    Mnemonics,
    ScoreCombo,
    TextField,
    assign_mnemonics,
    chain_tab_order,
    lint_warning,
)

# ---------------------------------------------------------------------------
# Texts

INTROS: dict[str, str] = {
    "registered": "De aanmelding van de casus door de aandrager.",
    "triaged": (
        "Triage: neemt de Belangenbehartiger de casus in behandeling, wordt de casus "
        "doorverwezen naar een andere helper of een onderdeel van de dienst, of wordt "
        "hij niet in behandeling genomen?"),
    "handover_confirmed": (
        "Warme overdracht: de casus is aangekomen bij de partij waarnaar is doorverwezen."),
    "assigned": "Wie behandelt de casus vanaf nu?",
    "note": "Een notitie bij de casus. Geen namen, BSN of adressen in de tekst.",
    "partner_informed": "De aandrager is op de hoogte gebracht.",
    "data_requested": (
        "Gegevens opgevraagd bij de dienst (toegang tot gegevens die met de casus "
        "samenhangen)."),
    "consulted": "Overleg over de casus, binnen of buiten de dienst.",
    "opinion_sent": (
        "De zienswijze: de oplossing die de Belangenbehartiger de dienst voorstelt. "
        "Volgt de dienst die niet, dan moet de dienst schriftelijk motiveren waarom."),
    "reminder_sent": "Een rappel aan de dienst die nog niet heeft gereageerd.",
    "service_response": (
        "De reactie van de dienst op de zienswijze. Is de zienswijze niet volledig "
        "overgenomen, dan legt u de schriftelijke motivering van de dienst vast."),
    "escalated": (
        "Een heroverwegingsverzoek binnen de dienst (doorzettingsmacht): niveau voor "
        "niveau, van teamleider tot directeur-generaal."),
    "escalation_response": "De reactie van de dienst op het heroverwegingsverzoek.",
    "paused": (
        "De pauzeknop: een lopende procedure bij de dienst wordt gepauzeerd zolang de "
        "casus in behandeling is, alleen als de burger daarmee instemt. Wettelijke "
        "termijnen (bezwaar, beroep) lopen door: de pauzeknop schort ze niet op."),
    "resumed": "De pauze eindigt: de gepauzeerde procedure loopt weer.",
    "deadline_set": (
        "Een termijn om te bewaken. Bezwaar- en beroepstermijnen rekent het register uit "
        "(Awb en Algemene termijnenwet); voor andere termijnen vult u de laatste dag in."),
    "deadline_met": "Is de termijn gehaald, of verlopen?",
    "closed": (
        "De casus afronden: de uitkomst, de oplossing, de gebruikte ruimte en "
        "bevoegdheden, en of die bevoegdheden toereikend waren."),
    "closing_interview": (
        "Het eindgesprek: hoe ervaren burger en aandrager het proces? Een rapportcijfer "
        "van 1 tot en met 10, of 'niet gevraagd'."),
    "reopened": "De afgeronde casus gaat opnieuw in behandeling.",
    "story": (
        "Een geanonimiseerd verhaal voor de rapportage: gebaseerd op de casus, maar niet "
        "herleidbaar tot de persoon. Een ander keurt het goed (vier ogen)."),
    "story_approved": (
        "Vier ogen: een ander dan wie het verhaal schreef keurt het goed. Alleen "
        "goedgekeurde verhalen komen in een rapportage."),
    "signal_linked": "Koppel de casus aan een signaal.",
    "signal_unlinked": "Maak de koppeling met een signaal ongedaan.",
}

#: What a handler does, as the button and the form say it (an infinitive); the step
#: it records keeps its own name ("Termijn vastgelegd") in the timeline.
ACTIONS: dict[str, str] = {
    "triaged": "Triëren",
    "handover_confirmed": "Warme overdracht bevestigen",
    "assigned": "Toewijzen",
    "note": "Notitie maken",
    "partner_informed": "Aandrager informeren",
    "data_requested": "Gegevens opvragen",
    "consulted": "Overleg vastleggen",
    "opinion_sent": "Zienswijze versturen",
    "reminder_sent": "Rappel versturen",
    "service_response": "Reactie op zienswijze vastleggen",
    "escalated": "Heroverweging vragen (escaleren)",
    "escalation_response": "Reactie op heroverweging vastleggen",
    "paused": "Pauzeknop inzetten",
    "resumed": "Pauzeknop beëindigen",
    "deadline_set": "Termijn vastleggen",
    "deadline_met": "Termijn afsluiten",
    "closed": "Afronden",
    "closing_interview": "Eindgesprek vastleggen",
    "reopened": "Heropenen",
    "story": "Verhaal schrijven",
    "story_approved": "Verhaal goedkeuren",
    "signal_linked": "Signaal koppelen",
    "signal_unlinked": "Signaal ontkoppelen",
}


def action_label(kind: str, codelists: Codelists | None = None) -> str:
    """The action that records a step of ``kind`` ("Termijn vastleggen")."""
    action = ACTIONS.get(kind)
    return tr(action) if action else kind_label(kind, codelists)


#: (kind, field) -> label, where the general FIELD_LABELS would be unclear.
LABELS: dict[tuple[str, str], str] = {
    ("service_response", "summary"): "Motivering van de dienst",
    ("escalation_response", "summary"): "Motivering van de dienst",
    ("deadline_set", "on"): "Vastgelegd op",
    ("story_approved", "by"): "Goedgekeurd door",
    ("handover_confirmed", "by"): "Bevestigd door",
    ("triaged", "reason"): "Toelichting op het besluit",
    ("escalated", "reason"): "Reden van het verzoek",
    ("reopened", "reason"): "Reden van heropenen",
    ("deadline_met", "how"): "Toelichting",
    # "Onderwerp" would clash with the case's Onderwerpen (the topics).
    ("partner_informed", "about"): "Waarover",
}

#: (kind, field) -> text of a check box.
CHECK_TEXTS: dict[tuple[str, str], str] = {
    ("paused", "citizen_consent"): "De burger stemt in met het pauzeren",
    ("registered", "multi_problem"): "Er spelen meerdere problemen tegelijk",
    ("registered", "urgent"): "Deze casus heeft spoed",
}

#: (kind, field) -> a hint shown under the field.
HINTS: dict[tuple[str, str], str] = {
    ("registered", "summary"): (
        "Kort en zonder persoonsgegevens (geen naam, BSN, adres of geboortedatum)."),
    ("registered", "partner_org"): "Kies een bekende organisatie of typ een nieuwe.",
    ("registered", "services"): "Eén of beide diensten.",
    ("deadline_set", "start_on"): (
        "Dagtekening, bekendmaking, voldoening of inhouding; mag vóór de ontvangst "
        "liggen."),
    ("paused", "procedure"): "Welke procedure staat stil, bijvoorbeeld de dwanginvordering.",
    ("paused", "agreed_with"): "Wie bij de dienst stemde in met de pauze.",
    ("consulted", "with"): "Met wie (functie of afdeling, geen namen van burgers).",
    ("partner_informed", "how"): "Telefoon, e-mail of brief.",
}

#: free-text fields the personal-data lint leaves alone (P1 contact details).
NO_LINT = {"helper_contact"}

#: Intake groups: columns of (title, fields).
INTAKE_GROUPS: list[list[tuple[str, list[str]]]] = [
    [
        ("Aanmelding", ["received_on", "route", "partner_type", "partner_org",
                        "helper_contact"]),
        ("Casus", ["services", "topics", "target_group", "summary", "help_request"]),
    ],
    [
        ("Achtergrond", ["running_procedures", "routes_tried", "other_bodies",
                         "claim_band", "known_to_service", "consent", "multi_problem"]),
        ("Spoed", ["urgent", "urgency_reason"]),
    ],
]

#: checklist columns per field (long lists get more columns; "Al geprobeerd" has a
#: long label that made the intake wider than a 1366-pixel screen in two columns).
CHECK_COLUMNS: dict[str, int] = {"topics": 3, "services": 2, "routes_tried": 1}

SKIP = {"kind", "ref"}

# ---------------------------------------------------------------------------
# Field specification from the model


@dataclass(frozen=True)
class FieldSpec:
    name: str  # stored name (the alias, e.g. "with")
    attr: str  # model attribute name
    category: str  # date code codes text line bool score contact deadline signal
    required: bool
    list_name: str | None = None
    choices: tuple[str, ...] = ()
    default: Any = None


def _strip(tp: Any) -> Any:
    origin = get_origin(tp)
    if origin is Annotated:
        return _strip(get_args(tp)[0])
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        return _strip(args[0]) if len(args) == 1 else tp
    return tp


def _max_length(info: FieldInfo) -> int | None:
    for meta in info.metadata:
        value = getattr(meta, "max_length", None)
        if isinstance(value, int):
            return value
    return None


def field_specs(kind: str) -> list[FieldSpec]:
    """The editable fields of a kind, in the model's (and the form's) order."""
    out: list[FieldSpec] = []
    for attr, info in MODELS[kind].model_fields.items():
        if attr in SKIP:
            continue
        name = info.alias or attr
        base = _strip(info.annotation)
        required = info.is_required()
        list_name = FIELD_CODELIST.get(name)
        choices: tuple[str, ...] = ()
        if base is date:
            category = "date"
        elif base is bool:
            category = "bool"
        elif base is int:
            category = "score"
        elif get_origin(base) is list:
            category = "codes"
            inner = _strip(get_args(base)[0])
            if get_origin(inner) is Literal:
                choices = tuple(str(a) for a in get_args(inner))
        elif get_origin(base) is Literal:
            category = "code"
            choices = tuple(str(a) for a in get_args(base))
        elif isinstance(base, type) and issubclass(base, BaseModel):
            category = "contact"
        elif name == "deadline":
            category = "deadline"
        elif name == "signal":
            category = "signal"
        elif list_name:
            category = "code"
        else:
            category = "text" if (_max_length(info) or 0) >= 1000 else "line"
        default = None if required else info.default
        out.append(FieldSpec(name, attr, category, required, list_name, choices,
                             default if isinstance(default, str) else None))
    return out


def field_label(kind: str, name: str) -> str:
    return LABELS.get((kind, name)) or FIELD_LABELS.get(name, name)


# ---------------------------------------------------------------------------
# Context a form needs from the register


@dataclass
class FormContext:
    today: date
    state: CaseState | None = None
    signals: Sequence[tuple[str, str]] = ()  # (number, title) of every signal
    handler: str = ""
    handlers: Sequence[str] = ()
    partner_orgs: Callable[[str], list[str]] | None = None
    correcting: Effective | None = None
    preset: Mapping[str, Any] = field(default_factory=dict)
    device: str = ""  # this laptop's device id (four eyes)

    @classmethod
    def for_case(cls, session: Session, state: CaseState | None) -> FormContext:
        reg = session.register
        return cls(
            today=reg.today(),
            state=state,
            signals=[(s.number, s.title) for s in reg.list_signals()],
            handler=reg.settings.handler,
            handlers=reg.handlers(),
            partner_orgs=reg.partner_orgs,
            device=reg.settings.device_id,
        )


def deadline_choice_label(kind_text: str, due: date | None, description: str | None,
                          set_on: date) -> str:
    text = kind_text + (tr(" t/m {d}").format(d=nl_date(due)) if due else "")
    if description:
        text += f" – {description}"
    return text + tr(" (vastgelegd {d})").format(d=nl_date(set_on))


# ---------------------------------------------------------------------------
# The generic form


class PayloadForm(QWidget):
    """The fields of one kind of step, with inline errors and personal-data warnings."""

    changed = Signal()

    def __init__(self, kind: str, codelists: Codelists, context: FormContext, *,
                 mnemonics: Mnemonics | None = None,
                 groups: list[list[tuple[str, list[str]]]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.codelists = codelists
        self.ctx = context
        self.mnemonics = mnemonics or Mnemonics()
        self.specs = {s.name: s for s in field_specs(kind)}
        self.rows: dict[str, FieldRow] = {}
        self.group_boxes: dict[str, QGroupBox] = {}
        for spec in self.specs.values():
            self.rows[spec.name] = self._make_row(spec)
            if spec.default is not None:
                self.rows[spec.name].editor.set_value(spec.default)
        #: field names in the order they stand on screen (and Tab visits them)
        self.order: list[str] = []
        self._lay_out(groups)
        # Alt letters: required fields first, in reading order, so the fields a
        # handler must fill always get one (Samenvatting had none); within each, a
        # word's first letter for every field before any other letter.
        assign_mnemonics([self.rows[n] for n in self.order], self.mnemonics)
        for name, row in self.rows.items():
            editor = row.editor
            editor.changed.connect(self.changed.emit)
            if self.lints(name):
                editor.changed.connect(
                    lambda n=name: self._lint(n))
        self._tailor()
        chain_tab_order(self.focus_widgets())

    # -- building

    def _make_editor(self, spec: FieldSpec) -> QWidget:
        cl = self.codelists
        optional = not spec.required
        if spec.category == "date":
            first = spec.name == DATE_FIELD.get(self.kind)
            return DateField(self.ctx.today if first else None, default_today=False)
        if spec.category == "bool":
            return CheckField(tr(CHECK_TEXTS.get((self.kind, spec.name), "Ja")))
        if spec.category == "score":
            return ScoreCombo()
        if spec.category == "contact":
            return ContactField()
        if spec.category == "codes":
            if spec.list_name:
                return CodeChecklist(spec.list_name, cl,
                                     columns=CHECK_COLUMNS.get(spec.name, 2))
            raise ValueError(f"no codelist for {spec.name}")
        if spec.category == "code":
            if spec.list_name and spec.list_name in cl:
                keys = cl.keys(spec.list_name, active_only=True)
                if spec.choices:
                    keys = [k for k in keys if k in spec.choices] or list(spec.choices)
                return CodeCombo(spec.list_name, cl, optional=optional, keys=keys)
            return ChoiceCombo([(c, c) for c in spec.choices], optional=optional)
        if spec.category in ("deadline", "signal"):
            return ChoiceCombo([], optional=optional)
        if spec.category == "text":
            lines = {"summary": 4, "solution": 4, "proposed_solution": 4, "text": 5,
                     "powers_note": 2, "remarks": 2, "description": 2, "how": 2}
            return TextField(lines=lines.get(spec.name, 3))
        return LineField()

    def _make_row(self, spec: FieldSpec) -> FieldRow:
        editor = self._make_editor(spec)
        label = tr(field_label(self.kind, spec.name))
        hint = tr(HINTS.get((self.kind, spec.name), ""))
        return FieldRow(spec.name, label, editor, required=spec.required, hint=hint,
                        parent=self)

    def _form(self, wrap: bool = False) -> QFormLayout:
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # In narrow columns a long field (a grid of check boxes) moves under its label.
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows if wrap
                              else QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setVerticalSpacing(8)
        return form

    def _lay_out(self, groups: list[list[tuple[str, list[str]]]] | None) -> None:
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        if not groups:
            form = self._form()
            for name, row in self.rows.items():
                form.addRow(row.label, row)
                self.order.append(name)
            outer.addLayout(form)
            return
        self.columns: list[QVBoxLayout] = []
        for column in groups:
            col = QVBoxLayout()
            col.setSpacing(10)
            for title, names in column:
                box = QGroupBox(tr(title), self)
                form = self._form(wrap=True)
                box.setLayout(form)
                for name in names:
                    if name in self.rows:
                        form.addRow(self.rows[name].label, self.rows[name])
                        self.order.append(name)
                col.addWidget(box)
                self.group_boxes[title] = box
            col.addStretch(1)
            outer.addLayout(col, 1)
            self.columns.append(col)
        rest = [n for n in self.rows if n not in self.order]
        if rest:
            box = QGroupBox(tr("Overig"), self)
            form = self._form()
            box.setLayout(form)
            for name in rest:
                form.addRow(self.rows[name].label, self.rows[name])
                self.order.append(name)
            self.columns[-1].insertWidget(self.columns[-1].count() - 1, box)

    def focus_widgets(self) -> list[QWidget]:
        """Every control of the form in screen order (for the Tab chain)."""
        return [w for name in self.order for w in self.rows[name].focus_widgets()]

    # -- access

    def editor(self, name: str) -> Any:
        return self.rows[name].editor

    def values(self) -> dict[str, Any]:
        """The payload as entered: empty fields left out, dates as ISO text."""
        out: dict[str, Any] = {}
        for name, spec in self.specs.items():
            row = self.rows[name]
            if not row.isEnabled() and spec.category not in ("signal",):
                continue
            ed = row.editor
            value: Any
            if spec.category == "date":
                d = ed.value()
                value = d.isoformat() if d else (ed.text().strip() or None)
            elif spec.category == "score":
                value = ed.score()
            else:
                value = ed.value()
            if value in (None, "") or (value == [] and not spec.required):
                continue
            out[name] = value  # an empty required list: "kies er minstens 1"
        if self.kind == "deadline_set" and self._statutory():
            out.pop("due_on", None)  # the register computes it, as it always does
        return out

    def set_values(self, payload: Mapping[str, Any]) -> None:
        # Route first: it decides which partner types are offered.
        order = sorted(self.specs, key=lambda n: 0 if n == "route" else 1)
        for name in order:
            spec = self.specs[name]
            ed = self.rows[name].editor
            value = payload.get(name)
            if value is None and spec.default is not None:
                value = spec.default
            if spec.category == "bool":
                ed.set_value(bool(value))
            elif spec.category == "score":
                ed.set_value(str(value) if value is not None else None)
            else:
                ed.set_value(value)
        self._refresh_dependents()

    # -- messages

    def clear_errors(self) -> None:
        for row in self.rows.values():
            row.set_error(None)

    def show_errors(self, errors: Sequence[FieldError]) -> list[str]:
        """Put each error under its field; return the messages that found no field."""
        rest: list[str] = []
        for err in errors:
            head = err.path.split(".")[0].split("[")[0]
            if head == "payload":
                head = err.path.split(".")[1].split("[")[0] if "." in err.path else head
            row = self.rows.get(head)
            if row is None:
                rest.append(str(err))
                continue
            old = row.error()
            row.set_error(err.message if not old or err.message in old
                          else f"{old}; {err.message}")
        return rest

    def first_error_row(self) -> FieldRow | None:
        return next((r for r in self.rows.values() if r.error()), None)

    def lints(self, name: str) -> bool:
        return self.specs[name].category in ("text", "line") and name not in NO_LINT

    def _lint(self, name: str) -> None:
        value = self.rows[name].editor.value()
        self.rows[name].set_warning(lint_warning(value) if value else None)

    def warnings(self) -> dict[str, str]:
        return {n: r.warning() for n, r in self.rows.items() if r.warning()}

    # -- checks before the register is asked

    def check(self) -> list[FieldError]:
        """Date problems, the case's own dates and the payload's validation."""
        errors: list[FieldError] = []
        for name, spec in self.specs.items():
            if spec.category == "date":
                problem = self.rows[name].editor.problem()
                if problem:
                    errors.append(FieldError(name, problem))
        date_name = DATE_FIELD.get(self.kind)
        if date_name in self.rows:
            on = self.rows[date_name].editor.value()
            state = self.ctx.state
            if on is not None and on > self.ctx.today:
                errors.append(FieldError(date_name, tr("deze datum ligt in de toekomst")))
            elif (on is not None and state is not None and self.kind != "registered"
                  and on < state.received_on):
                errors.append(FieldError(date_name, tr(
                    "ligt vóór de datum van ontvangst ({d})").format(
                        d=nl_date(state.received_on))))
        errors += self._four_eyes()
        try:
            validate_payload(self.kind, self.values(), self.codelists)
        except ValidationFailed as exc:
            seen = {e.path for e in errors}
            errors += [e for e in exc.errors if e.path not in seen]
        # The model checks rules across fields only once every field is valid; say
        # everything at once instead of one message per attempt.
        seen = {e.path.split(".")[0].split("[")[0] for e in errors}
        values = self.values()
        for name, row in self.rows.items():
            if (name not in seen and row.required and row.isEnabled()
                    and self.specs[name].category not in ("bool", "codes")
                    and name not in values and not (name == "due_on" and self._statutory())):
                errors.append(FieldError(name, tr("verplicht veld ontbreekt")))
        if (self.kind == "paused" and "citizen_consent" not in seen
                and not self.editor("citizen_consent").value()):
            errors.append(FieldError("citizen_consent", tr(
                "de pauzeknop mag alleen met toestemming van de burger")))
        return errors

    # -- tailored behaviour per kind

    def _tailor(self) -> None:
        k = self.kind
        state = self.ctx.state
        if "service" in self.rows and state is not None:
            self._default_service()
        if k == "registered":
            self.editor("route").changed.connect(self._route_changed)
            self.editor("urgent").changed.connect(self._refresh_dependents)
            self._partner_org_completer()
        elif k == "triaged":
            self.editor("decision").changed.connect(self._refresh_dependents)
        elif k in ("service_response", "escalation_response"):
            self.editor("response").changed.connect(self._refresh_dependents)
        elif k == "deadline_set":
            for name in ("deadline_kind", "start_on"):
                self.editor(name).changed.connect(self._refresh_dependents)
            self.editor("due_on").changed.connect(self._pause_warning)
        elif k == "escalated":
            self.editor("service").changed.connect(self._escalation_level)
            self.editor("level").changed.connect(self._escalation_warning)
            self._escalation_level()
        elif k == "deadline_met":
            self._deadline_choices()
        elif k in ("signal_linked", "signal_unlinked"):
            self._signal_choices()
        elif k == "story_approved":
            self._story_writer()
        elif k == "assigned":
            comp = QCompleter(list(self.ctx.handlers), self)
            comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            self.editor("handler").setCompleter(comp)
        for name, value in self.ctx.preset.items():
            if name in self.rows:
                self.rows[name].editor.set_value(value)
        self._refresh_dependents()

    def _default_service(self) -> None:
        state = self.ctx.state
        assert state is not None
        services = list(state.registration.get("services", []))
        preferred: str | None = services[0] if len(services) == 1 else None
        if self.kind in ("service_response", "reminder_sent", "escalation_response"):
            wanted = "escalated" if self.kind == "escalation_response" else "opinion_sent"
            for eff in reversed(state.effective):
                if eff.kind == wanted:
                    preferred = str(eff.payload.get("service", "")) or preferred
                    break
        if preferred:
            self.editor("service").set_value(preferred)

    def _refresh_dependents(self) -> None:
        k = self.kind
        if k == "registered":
            urgent = bool(self.editor("urgent").value())
            self.rows["urgency_reason"].setEnabled(urgent)
        elif k == "triaged":
            decision = self.editor("decision").value()
            referred = decision == "doorverwezen"
            self.rows["referred_to"].setEnabled(referred)
            self.rows["referred_to"].set_required(referred)
            self._triage_reasons(decision)
        elif k == "service_response":
            response = self.editor("response").value()
            needs = response is not None and response != "overgenomen"
            self.rows["summary"].set_required(needs)
            self.rows["summary"].set_hint(
                tr("Verplicht: de dienst neemt de zienswijze niet volledig over en moet "
                   "schriftelijk motiveren waarom.") if needs else "")
        elif k == "escalation_response":
            # docs/DOMAIN.md: written reasons when the service does not follow (item 15)
            needs = self.editor("response").value() == "gemotiveerd_afgewezen"
            self.rows["summary"].set_required(needs)
            self.rows["summary"].set_hint(
                tr("Verplicht: de dienst wijst het heroverwegingsverzoek af en moet "
                   "schriftelijk motiveren waarom.") if needs else "")
        elif k == "deadline_set":
            self._deadline_computation()

    # triaged

    def _triage_reasons(self, decision: str | None) -> None:
        """Only the reasons that fit the decision (``Codelists.triage_reasons_for``)."""
        combo = self.editor("reason_code")
        keys = self.codelists.triage_reasons_for(decision)
        current = combo.value()
        if self.ctx.correcting is not None and current and current not in keys:
            keys = [*keys, current]  # a stored reason stays until the handler changes it
        if keys != combo.keys():
            combo.set_keys(keys)
        self.rows["reason_code"].set_hint(
            "" if decision else tr("Kies eerst het besluit; dan ziet u de redenen die "
                                   "erbij passen."))

    # registered

    def _route_changed(self) -> None:
        route = self.editor("route").value()
        combo = self.editor("partner_type")
        keys = (self.codelists.partner_types_for_route(route) if route
                else self.codelists.keys("partner_type", active_only=True))
        combo.set_keys(keys)
        if len(keys) == 1:
            combo.set_value(keys[0])

    def _partner_org_completer(self) -> None:
        if self.ctx.partner_orgs is None:
            return
        lookup = self.ctx.partner_orgs
        model = QStringListModel(lookup(""), self)
        comp = QCompleter(model, self)
        comp.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        comp.setFilterMode(Qt.MatchFlag.MatchContains)
        self.editor("partner_org").setCompleter(comp)
        self.partner_org_model = model

        def update(text: str) -> None:
            if len(text) >= 2:
                found = lookup(text)
                if found and found != model.stringList():
                    model.setStringList(sorted(set(model.stringList()) | set(found)))

        self.editor("partner_org").textEdited.connect(update)

    # deadline_set

    def _statutory(self) -> bool:
        return self.editor("deadline_kind").value() in STATUTORY_WEEKS

    def _deadline_computation(self) -> None:
        row = self.rows["due_on"]
        due_ed = self.editor("due_on")
        start = self.editor("start_on").value()
        kind = self.editor("deadline_kind").value()
        statutory = kind in STATUTORY_WEEKS
        due_ed.setReadOnly(statutory)
        row.set_required(not statutory and kind is not None)
        if statutory:
            due_ed.setToolTip(tr("Berekend uit de begindatum (Awb 6:7, 6:8 en de Algemene "
                                 "termijnenwet)."))
            if start is not None:
                due = compute_due_on(str(kind), start)
                due_ed.set_value(due)
                row.set_hint(tr("Berekend: ") + "\n".join(explain(str(kind), start)))
            else:
                due_ed.set_value(None)
                row.set_hint(tr("Vul de begindatum in; de laatste dag wordt berekend."))
        else:
            due_ed.setToolTip("")
            row.set_hint(tr("Vul de laatste dag in: alleen bezwaar- en beroepstermijnen "
                            "worden berekend.") if kind is not None else "")
        self._pause_warning()

    def _pause_warning(self) -> None:
        state = self.ctx.state
        due = self.editor("due_on").value()
        if state is None or due is None or not state.pauses:
            self.rows["due_on"].set_warning(None)
            return
        spans = [(p.start, p.end) for p in state.pauses]
        inside = falls_in_pause(due, spans)
        self.rows["due_on"].set_warning(
            tr("Deze termijn valt in een pauze: {w}.").format(w=PAUSE_WARNING)
            if inside else None)

    # escalated

    def _previous_level(self) -> tuple[int, str, date] | None:
        state = self.ctx.state
        service = self.editor("service").value()
        if state is None or service is None:
            return None
        best: tuple[int, str, date] | None = None
        for eff in state.effective:
            if eff.kind != "escalated" or eff.payload.get("service") != service:
                continue
            if self.ctx.correcting is not None and eff.id == self.ctx.correcting.id:
                continue
            level = str(eff.payload.get("level", ""))
            rank = self.codelists.level_rank(level)
            if best is None or rank >= best[0]:
                best = (rank, level, eff.on)
        return best

    def _escalation_level(self) -> None:
        prev = self._previous_level()
        keys = self.codelists.keys("escalation_level")
        combo = self.editor("level")
        row = self.rows["level"]
        if prev is None:
            row.set_hint(tr("Niveaus van laag naar hoog: {levels}.").format(
                levels=" < ".join(self.codelists.label("escalation_level", k) for k in keys)))
            if combo.value() is None and self.ctx.correcting is None:
                combo.set_value(keys[0])
        else:
            rank, level, on = prev
            row.set_hint(tr("Eerder geëscaleerd bij deze dienst tot {level} ({d}).").format(
                level=self.codelists.label("escalation_level", level), d=nl_date(on)))
            if self.ctx.correcting is None:
                combo.set_value(keys[min(rank + 1, len(keys) - 1)])
        self._escalation_warning()

    def _escalation_warning(self) -> None:
        prev = self._previous_level()
        level = self.editor("level").value()
        if prev is None or level is None:
            self.rows["level"].set_warning(None)
            return
        if self.codelists.level_rank(level) <= prev[0]:
            self.rows["level"].set_warning(tr(
                "Dit niveau is niet hoger dan het vorige heroverwegingsverzoek."))
        else:
            self.rows["level"].set_warning(None)

    # deadline_met

    def _deadline_choices(self) -> None:
        state = self.ctx.state
        combo = self.editor("deadline")
        choices: list[tuple[str, str]] = []
        current = self.ctx.correcting.payload.get("deadline") if self.ctx.correcting else None
        if state is not None:
            for d in sorted(state.deadlines, key=lambda d: (d.due_on or d.set_on)):
                if d.met_on is None or d.event_id == current:
                    choices.append((d.event_id, deadline_choice_label(
                        self.codelists.label("deadline_kind", d.kind), d.due_on,
                        d.description, d.set_on)))
        combo.set_choices(choices)
        if len(choices) == 1:
            combo.set_value(choices[0][0])
        if not choices:
            self.rows["deadline"].set_hint(tr("Deze casus heeft geen open termijnen."))

    # signals

    def _signal_choices(self) -> None:
        state = self.ctx.state
        linked = list(state.signals) if state is not None else []
        titles = dict(self.ctx.signals)
        combo = self.editor("signal")
        if self.kind == "signal_linked":
            choices = [(n, f"{n} – {t}") for n, t in self.ctx.signals if n not in linked]
        else:
            choices = [(n, f"{n} – {titles.get(n, '')}".rstrip(" –")) for n in linked]
        if self.ctx.correcting is not None:
            current = str(self.ctx.correcting.payload.get("signal", ""))
            if current and current not in dict(choices):
                choices.append((current, f"{current} – {titles.get(current, '')}"))
            self.rows["signal"].setEnabled(False)
            self.rows["signal"].set_hint(tr("Het signaal zelf kan niet worden gecorrigeerd; "
                                            "ontkoppel het en koppel een ander."))
        combo.set_choices(choices)
        if not choices:
            self.rows["signal"].set_hint(
                tr("Er zijn nog geen signalen om te koppelen; maak er een op de pagina "
                   "Signalen.") if self.kind == "signal_linked" else "")
        elif len(choices) == 1:
            combo.set_value(choices[0][0])

    # story_approved

    def story_writer(self) -> str | None:
        state = self.ctx.state
        if state is None or not state.stories:
            return None
        return state.stories[-1].event.actor

    def _story_writer(self) -> None:
        writer = self.story_writer()
        if writer:
            self.rows["by"].set_hint(tr(
                "Het verhaal is geschreven door {w}; een ander keurt het goed (vier ogen)."
            ).format(w=writer))
            if (self.ctx.handler and self.ctx.handler.casefold() != writer.casefold()
                    and self.ctx.correcting is None):
                self.editor("by").set_value(self.ctx.handler)

    def _four_eyes(self) -> list[FieldError]:
        """The model's four-eyes rule for a new approval, asked before saving (the
        register asks again; a correction is judged by the fold, and its refusal lands
        under ``by`` too)."""
        state = self.ctx.state
        if self.kind != "story_approved" or state is None or self.ctx.correcting is not None:
            return []
        on, by = self.editor("on").value(), str(self.editor("by").value() or "")
        if on is None or not by:
            return []
        problem = approval_problem(state, by, on, self.ctx.device)
        return [FieldError("by", problem)] if problem else []

    def place_rule(self, refusal: UserError) -> bool:
        """Put a refusal of the register under the field it names, if the form has it."""
        target = refusal.field if isinstance(refusal, RuleViolation) else ""
        if target not in self.rows:
            return False
        self.rows[target].set_error(str(refusal))
        return True


# ---------------------------------------------------------------------------
# The dialog

QUESTION_STYLE = ("color: #5c3b00; background: #fff3cd; border: 1px solid #e0c46c; "
                  "border-radius: 3px; padding: 6px;")
BANNER_STYLE = (ERROR_STYLE + " background: #fde7e9; border: 1px solid #e8a3aa; "
                "border-radius: 3px; padding: 6px;")


class OpenDeadlines(QGroupBox):
    """Closing a case: whether each of its open deadlines was met or has lapsed.

    A closed case leaves Termijnbewaking and every work queue, so a deadline still
    open at the closing would drop out of sight without a word. The handler knows at
    this moment how it ended; each answer is recorded as a "Termijn gehaald of
    verlopen" step on the closing date, which also keeps the figures on deadlines
    right.
    """

    def __init__(self, state: CaseState, codelists: Codelists, mnemonics: Mnemonics,
                 today: date, parent: QWidget | None = None) -> None:
        super().__init__(tr("Openstaande termijnen"), parent)
        self.rows: dict[str, FieldRow] = {}
        self.set_on: dict[str, date] = {}
        form = QFormLayout(self)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        note = QLabel(tr("De casus verdwijnt na het afronden uit Termijnbewaking. Zeg per "
                         "termijn of hij is gehaald of verlopen; dat wordt vastgelegd op de "
                         "datum van afronding."), self)
        note.setWordWrap(True)
        form.addRow(note)
        for d in sorted(state.deadlines, key=lambda d: (d.due_on or d.set_on, d.set_on)):
            if d.met_on is not None:
                continue
            text = deadline_choice_label(codelists.label("deadline_kind", d.kind), d.due_on,
                                         d.description, d.set_on)
            combo = CodeCombo("deadline_result", codelists)
            hint = ""
            if d.due_on is not None and d.due_on >= today:
                hint = tr("Deze termijn loopt nog. Gehaald: wat binnen de termijn moest, is "
                          "gedaan (bijvoorbeeld het bezwaar is ingediend).")
            row = FieldRow(d.event_id, text, combo, required=True, hint=hint, parent=self)
            row.take_mnemonic(mnemonics)
            form.addRow(row.label, row)
            self.rows[d.event_id] = row
            self.set_on[d.event_id] = d.set_on

    def check(self) -> list[FieldError]:
        return [FieldError(eid, tr("kies gehaald of verlopen"))
                for eid, row in self.rows.items() if row.editor.value() is None]

    def results(self, closed_on: date) -> list[dict[str, Any]]:
        """The ``deadline_met`` payloads to record after the closing."""
        return [{"on": max(closed_on, self.set_on[eid]).isoformat(), "deadline": eid,
                 "result": row.editor.value()} for eid, row in self.rows.items()]

    def focus_widgets(self) -> list[QWidget]:
        return [w for row in self.rows.values() for w in row.focus_widgets()]


class StepForm(QDialog):
    """One step of a case: record it, correct an earlier one, or let one lapse.

    ``kind`` is a case kind to record a new step, ``"corrected"`` with ``target`` to
    correct a step (the same form, filled with the step's current data, plus a
    reason), or ``"retracted"`` with ``target`` to let a step lapse (a reason only).
    """

    def __init__(self, session: Session, number: str, kind: str,
                 parent: QWidget | None = None, *, target: str | None = None,
                 preset: Mapping[str, Any] | None = None) -> None:
        super().__init__(parent)
        self.session = session
        reg = session.register
        self.view = reg.case(number)
        self.state = self.view.state
        self.number = self.state.number or number
        self.kind = kind
        self.target_id = target
        self.mode = {"corrected": "correct", "retracted": "retract"}.get(kind, "append")
        self.target: Effective | None = None
        if self.mode != "append":
            if target is None:
                raise ValueError("a correction or retraction needs a target")
            self.target = next((e for e in self.state.effective if e.id == target), None)
            if self.target is None:
                raise UserError(tr("Deze stap bestaat niet (meer) in de casus."))
        self.form_kind = self.target.kind if (self.mode == "correct" and self.target) else kind
        self.saved = False
        #: the id of the step this form recorded (after saving a new step)
        self.saved_id: str | None = None

        mn = Mnemonics(reserved="oa")
        label = kind_label(self.form_kind, reg.codelists)
        title = {
            "append": action_label(self.form_kind, reg.codelists),
            "correct": tr("Corrigeren: {label}").format(label=label),
            "retract": tr("Laten vervallen: {label}").format(
                label=kind_label(self.target.kind, reg.codelists) if self.target else ""),
        }[self.mode]
        self.setWindowTitle(tr("Casus {n} – {t}").format(n=self.number, t=title))
        self.setAccessibleName(self.windowTitle())
        self.setModal(True)

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        heading = QLabel(title, self)
        heading.setStyleSheet("font-size: 13pt; font-weight: 600;")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        intro_text = {
            "append": INTROS.get(kind, ""),
            "correct": tr("Pas de gegevens van deze stap aan en zeg waarom. De oorspronkelijke "
                          "stap blijft in het logboek staan, met uw correctie erbij."),
            "retract": tr("Een stap die ten onrechte is vastgelegd laat u vervallen. Hij blijft "
                          "zichtbaar als vervallen, met de reden."),
        }[self.mode]
        self.intro = QLabel(tr(intro_text), self)
        self.intro.setWordWrap(True)
        self.intro.setStyleSheet("color: #333333;")
        layout.addWidget(self.intro)

        self.banner = QLabel(self)
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.setAccessibleName(tr("Foutmelding"))
        self.banner.hide()
        layout.addWidget(self.banner)

        # The reason of a correction is required: its Alt letter comes before the
        # fields', which are many for the intake.
        self.reason_row: FieldRow | None = None
        if self.mode != "append":
            reason_label = (tr("Reden van de correctie") if self.mode == "correct"
                            else tr("Reden van vervallen"))
            self.reason_row = FieldRow("correction_reason", reason_label, TextField(lines=2),
                                       required=True, mnemonics=mn, parent=self)

        self.form: PayloadForm | None = None
        self.scroll_area: QScrollArea | None = None
        self.deadlines: OpenDeadlines | None = None
        if self.mode == "retract":
            assert self.target is not None
            layout.addWidget(self._summary_of(self.target))
        else:
            ctx = FormContext.for_case(session, self.state)
            ctx.correcting = self.target if self.mode == "correct" else None
            ctx.preset = dict(preset or {})
            groups = INTAKE_GROUPS if self.form_kind == "registered" else None
            self.form = PayloadForm(self.form_kind, reg.codelists, ctx, mnemonics=mn,
                                    groups=groups, parent=self)
            if self.mode == "correct" and self.target is not None:
                self.form.set_values(self.target.payload)
            if self.form_kind == "registered":
                # The whole intake: too tall for a laptop screen without scrolling.
                self.scroll_area = QScrollArea(self)
                self.scroll_area.setWidgetResizable(True)
                self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
                self.scroll_area.setWidget(self.form)
                layout.addWidget(self.scroll_area, 1)
            else:
                layout.addWidget(self.form, 1)
                # Hints and warnings appear while typing: make room after each edit.
                self.form.changed.connect(lambda: QTimer.singleShot(0, self._fit))
            if (self.mode == "append" and kind == "closed"
                    and any(d.met_on is None for d in self.state.deadlines)):
                self.deadlines = OpenDeadlines(self.state, reg.codelists, mn, reg.today(), self)
                layout.addWidget(self.deadlines)

        if self.reason_row is not None:
            reason_form = QFormLayout()
            reason_form.addRow(self.reason_row.label, self.reason_row)
            frame = QFrame(self)
            frame.setFrameShape(QFrame.Shape.StyledPanel)
            frame.setLayout(reason_form)
            layout.addWidget(frame)

        buttons = QDialogButtonBox(self)
        self.save_button = QPushButton(tr("&Opslaan"), self)
        self.save_button.setToolTip(tr("Opslaan (Ctrl+Enter)"))
        self.cancel_button = QPushButton(tr("&Annuleren"), self)
        for b in (self.save_button, self.cancel_button):
            b.setAutoDefault(False)
            b.setDefault(False)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        foot = QHBoxLayout()
        legend = QLabel(tr("* verplicht · Ctrl+Enter slaat op · Esc annuleert"), self)
        legend.setStyleSheet("color: #555555;")
        foot.addWidget(legend)
        foot.addStretch(1)
        foot.addWidget(buttons)
        layout.addLayout(foot)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(seq), self, self.save)
        self.question = LintQuestion(self.save_button, tr("&Opslaan"), tr("Toch &opslaan"))
        if self.form is not None:
            for name, row in self.form.rows.items():
                if self.form.lints(name):
                    row.editor.changed.connect(self._texts_changed)
        if self.reason_row is not None:
            self.reason_row.editor.changed.connect(self._texts_changed)
        # Auto-lock: no case text may stay on screen, not even in an open form.
        close_on_lock(session, self)

        chain_tab_order([*(self.form.focus_widgets() if self.form else []),
                         *(self.deadlines.focus_widgets() if self.deadlines else []),
                         *(self.reason_row.focus_widgets() if self.reason_row else []),
                         self.save_button, self.cancel_button])
        self._size()
        first = (self.reason_row if self.mode == "retract" else
                 next((self.form.rows[n] for n in self.form.order), None)
                 if self.form else None)
        if first is not None:
            first.focus_target().setFocus()

    def _size(self) -> None:
        if self.form is None:
            fit_size(self, 560, 320)
        elif self.scroll_area is not None:
            fit_size(self, min(self.form.sizeHint().width() + 40, 1280), 860)
        else:
            fit_size(self, max(600, min(self.sizeHint().width(), 1000)),
                     self.sizeHint().height())

    def _fit(self) -> None:
        """Grow to the height the layout needs at the current width.

        Word-wrapped hints and messages need more height as they appear; a top-level
        window does not follow height-for-width by itself.
        """
        if self.scroll_area is not None:
            return
        needed = self.heightForWidth(self.width())
        if needed > self.height():
            fit_size(self, self.width(), min(needed, 900))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit()
        clamp_to_screen(self)  # now with the window frame the system added

    def _summary_of(self, eff: Effective) -> QWidget:
        box = QGroupBox(tr("De stap"), self)
        form = QFormLayout(box)
        cl = self.session.register.codelists
        form.addRow(tr("Datum"), QLabel(nl_date(eff.on), box))
        form.addRow(tr("Stap"), QLabel(kind_label(eff.kind, cl), box))
        for lbl, value in details(eff.kind, eff.payload, cl):
            v = QLabel(value, box)
            v.setWordWrap(True)
            v.setTextFormat(Qt.TextFormat.PlainText)
            form.addRow(lbl, v)
        return box

    # -- saving

    def show_banner(self, text: str | None, *, question: bool = False) -> None:
        self.banner.setStyleSheet(QUESTION_STYLE if question else BANNER_STYLE)
        self.banner.setAccessibleName(tr("Vraag") if question else tr("Foutmelding"))
        self.banner.setText(text or "")
        self.banner.setVisible(bool(text))
        if self.isVisible():
            self._fit()

    def _texts_changed(self) -> None:
        if self.question.overriding or self.banner.isVisible():
            self.question.reset()
            if self.banner.accessibleName() == tr("Vraag"):
                self.show_banner(None)

    def _free_texts(self) -> tuple[dict[str, str | None], dict[str, str]]:
        """The free texts this save would put in the log, with their labels."""
        texts: dict[str, str | None] = {}
        labels: dict[str, str] = {}
        if self.form is not None:
            values = self.form.values()
            for name, row in self.form.rows.items():
                if self.form.lints(name) and isinstance(values.get(name), str):
                    texts[name] = values[name]
                    labels[name] = row.text
        if self.reason_row is not None:
            texts["correction_reason"] = self.reason_row.editor.value()
            labels["correction_reason"] = self.reason_row.text
        return texts, labels

    def save(self) -> bool:
        """Validate, write through the register, announce the change. True on success."""
        if self.saved:  # the step is in; only a deadline answer failed (banner)
            self.accept()
            return True
        reg = self.session.register
        self.show_banner(None)
        errors: list[FieldError] = []
        if self.form is not None:
            self.form.clear_errors()
            errors += self.form.check()
        if self.deadlines is not None:
            errors += self.deadlines.check()
        reason = ""
        if self.reason_row is not None:
            self.reason_row.set_error(None)
            reason = self.reason_row.editor.value()
            if not reason:
                errors.append(FieldError("correction_reason", tr(
                    "verplicht: zeg waarom deze stap wordt gecorrigeerd" if self.mode ==
                    "correct" else "verplicht: zeg waarom deze stap vervalt")))
        if errors:
            self._show(errors)
            return False
        question = self.question.ask(*self._free_texts())
        if question is not None:
            self.show_banner(question, question=True)
            self.save_button.setFocus()
            return False
        before = {e.id for e in self.state.effective}
        try:
            if self.mode == "append":
                assert self.form is not None
                state = reg.append(self.number, self.kind, self.form.values())
            elif self.mode == "correct":
                assert self.form is not None and self.target_id is not None
                reg.correct(self.target_id, self.form.values(), reason)
            else:
                assert self.target_id is not None
                reg.retract(self.target_id, reason)
        except ValidationFailed as exc:
            self._show(exc.errors)
            return False
        except UserError as exc:
            if not (self.form is not None and self.form.place_rule(exc)):
                self.show_banner(str(exc))
            else:
                self._focus_error()
            return False
        self.saved = True
        if self.mode == "append":
            self.saved_id = next((e.id for e in state.effective if e.id not in before
                                  and e.kind == self.kind), None)
        self.question.audit(reg, self._audit_object())
        failed = self._record_deadlines()
        self.session.case_changed.emit(self.number)
        if failed:
            # The closing is recorded: the form now only tells what is left, and
            # closes on Save or Escape (``run`` reports the saved step either way).
            self.show_banner(failed)
            self.save_button.setText(tr("Sluiten"))
            self.save_button.setFocus()
            return True
        self.accept()
        return True

    def _audit_object(self) -> str:
        label = kind_label(self.form_kind, self.session.register.codelists)
        if self.mode == "append":
            return tr("casus {n}, stap {k}").format(n=self.number, k=label)
        what = tr("correctie") if self.mode == "correct" else tr("vervallen")
        return tr("casus {n}, {w} van {k}").format(n=self.number, w=what, k=label)

    def _record_deadlines(self) -> str | None:
        """After a closing: the answers about its open deadlines. None when all saved."""
        if self.deadlines is None or self.form is None:
            return None
        closed_on = self.form.editor("closed_on").value() or self.session.register.today()
        problems: list[str] = []
        for payload in self.deadlines.results(closed_on):
            try:
                self.session.register.append(self.number, "deadline_met", payload)
            except UserError as exc:
                problems.append(str(exc))
        if not problems:
            return None
        return tr("De casus is afgerond, maar niet elke termijn is afgesloten: {p}. Leg "
                  "dat vast met ‘Termijn afsluiten’.").format(p="; ".join(problems))

    def _show(self, errors: Sequence[FieldError]) -> None:
        rest: list[str] = []
        for err in errors:
            own_reason = err.path == "correction_reason" or (
                err.path == "reason" and (self.form is None or "reason" not in self.form.rows))
            if own_reason and self.reason_row is not None:
                self.reason_row.set_error(err.message)
            elif self.deadlines is not None and err.path in self.deadlines.rows:
                self.deadlines.rows[err.path].set_error(err.message)
            elif self.form is not None:
                rest += self.form.show_errors([err])
            else:
                rest.append(str(err))
        if rest:
            self.show_banner("\n".join(rest))
        elif errors:
            self.show_banner(tr("Niet opgeslagen: verbeter de gemarkeerde velden."))
        self._fit()
        self._focus_error()

    def _focus_error(self) -> None:
        row = self.form.first_error_row() if self.form is not None else None
        if row is None and self.deadlines is not None:
            row = next((r for r in self.deadlines.rows.values() if r.error()), None)
        if row is None and self.reason_row is not None and self.reason_row.error():
            row = self.reason_row
        if row is not None:
            row.focus_target().setFocus()
            if self.scroll_area is not None:
                self.scroll_area.ensureWidgetVisible(row)

    def row(self, name: str) -> FieldRow:
        """The row of a field (``correction_reason``: the reason of a correction or
        retraction; a deadline's event id: the question about that deadline when
        closing)."""
        if name == "correction_reason" and self.reason_row is not None:
            return self.reason_row
        if self.deadlines is not None and name in self.deadlines.rows:
            return self.deadlines.rows[name]
        assert self.form is not None
        return self.form.rows[name]

    # -- the way in

    @classmethod
    def run(cls, session: Session, number: str, kind: str, parent: QWidget | None = None,
            *, target: str | None = None, preset: Mapping[str, Any] | None = None) -> bool:
        """Open the form modally; True when a step was saved. Tests patch this."""
        dlg = cls(session, number, kind, parent, target=target, preset=preset)
        dlg.exec()
        return dlg.saved
