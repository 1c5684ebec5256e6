"""The one jinja2 environment behind every HTML and text export (docs/ARCHITECTURE.md).

Why it looks the way it does:

- **Sandboxed** (``ImmutableSandboxedEnvironment``): the office may edit the templates
  in its config folder, and a template is code. The sandbox keeps an edited template
  from reaching Python internals or changing the data it is given; the exports also
  hand templates plain dicts and strings only, never the register, so a template
  cannot read personal data that the export did not decide to show.
- **Autoescape on** for everything except ``*.txt.j2``: case and signal texts are typed
  by people and imported from files; a ``<script>`` in a signal title must print as
  text. Plain-text forms are pasted into a web form, where ``&lt;`` would be wrong.
- **StrictUndefined**: a misspelt field in an edited template must stop the export
  with a clear Dutch message, not print a form with an empty box that nobody notices
  until KSMS asks what the knelpunt was.
- **User override first**: ``config_dir()/templates`` is searched before the shipped
  ``resources/templates``, file by file, so an office can restyle one template and
  keep the rest.

Dutch filters: ``datum`` (dd-mm-jjjj), ``datum_lang`` (1 januari 2025), ``label``
(codelist key -> Dutch label), ``getal`` (1.234 / 12,5) and ``klein`` (the "< 5"
small-number suppression of public output).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from jinja2 import (
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    pass_context,
)
from jinja2.exceptions import SecurityError
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment

from app.model.codelists import Codelists, default_codelists
from app.model.dates import now_local
from app.model.errors import UserError
from app.model.lint import KIND_LABELS, Finding, mask_bsn
from app.model.nlformat import MONTHS, long_date, nl_date, number
from app.model.resources import resource
from app.storage.files import existing_folder
from app.storage.files import write_text_atomic as write_private_text
from app.storage.paths import config_dir

__all__ = [
    "MONTHS",
    "PersonalDataFound",
    "TemplateProblem",
    "TextFinding",
    "default_override_dir",
    "format_number",
    "lint_gate",
    "long_date",
    "make_environment",
    "masked",
    "now_local",
    "render",
    "short_date",
    "suppress",
    "write_text_atomic",
]

class TemplateProblem(UserError):
    """A template could not be rendered; ``str(exc)`` says which file and why, in Dutch."""


def default_override_dir() -> Path:
    """Where an office keeps its own versions of the shipped templates."""
    return config_dir() / "templates"


def shipped_dir() -> Path:
    return resource("templates")


# --------------------------------------------------------------------------- filters


# The Dutch formatting itself lives in app.model.nlformat, shared with the GUI and the
# CLI; these names are the exports' vocabulary for it.
short_date = nl_date
format_number = number


def suppress(value: Any, below: int) -> str:
    """A count as public output may show it: 1 to ``below - 1`` becomes "< below".

    Zero stays 0 (nothing happened is not a person), and ``below`` of 1 or less turns
    suppression off. Anything that is not a count is formatted, not suppressed.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        return format_number(value)
    if below > 1 and 0 < value < below:
        return f"< {below}"
    return format_number(value)


def _label_filter(codelists: Codelists) -> Callable[[Any, str], str]:
    def label(value: Any, list_name: str) -> str:
        if value is None or value == "":
            return ""
        if isinstance(value, list | tuple):
            return ", ".join(label(v, list_name) for v in value)
        try:
            return codelists.label(list_name, str(value))
        except (KeyError, ValueError):
            return str(value)
    return label


@pass_context
def _klein(ctx: Context, value: Any, below: int | None = None) -> str:
    """``{{ n | klein }}`` uses the report's ``onderdrukking`` setting unless given."""
    limit = below if below is not None else ctx.get("onderdrukking", 0)
    return suppress(value, int(limit) if isinstance(limit, int) else 0)


# --------------------------------------------------------------------------- environment


def _autoescape(name: str | None) -> bool:
    """Escape everything except plain-text templates (on by default, also for strings)."""
    return not (name or "").lower().endswith((".txt.j2", ".txt"))


def make_environment(override_dir: Path | None = None, *,
                     codelists: Codelists | None = None,
                     use_overrides: bool = True) -> ImmutableSandboxedEnvironment:
    """The sandboxed environment: the override folder (if any) before the shipped one.

    ``override_dir`` defaults to ``config_dir()/templates``; tests inject a folder of
    their own. ``use_overrides=False`` renders with the shipped templates only.
    """
    paths: list[str] = []
    if use_overrides:
        folder = override_dir if override_dir is not None else default_override_dir()
        if folder.is_dir():
            paths.append(str(folder))
    paths.append(str(shipped_dir()))
    env = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader(paths, encoding="utf-8"),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["datum"] = short_date
    env.filters["datum_lang"] = long_date
    env.filters["getal"] = format_number
    env.filters["label"] = _label_filter(codelists or default_codelists())
    env.filters["klein"] = _klein
    return env


def _origin(env: ImmutableSandboxedEnvironment, name: str) -> str:
    """Whether a template came from the office's folder or from the program."""
    loader = env.loader
    if isinstance(loader, FileSystemLoader):
        try:
            _, filename, _ = loader.get_source(env, name)
        except TemplateNotFound:
            return "sjabloon"
        if filename and Path(filename).resolve().is_relative_to(shipped_dir().resolve()):
            return "meegeleverd sjabloon"
        return f"eigen sjabloon ({filename})"
    return "sjabloon"


def render(env: ImmutableSandboxedEnvironment, name: str, context: Mapping[str, Any]) -> str:
    """Render ``name`` or raise TemplateProblem with a Dutch sentence a handler can act on.

    Nothing has been written when this raises: exports render everything first.
    """
    try:
        return env.get_template(name).render(dict(context))
    except TemplateNotFound as exc:
        raise TemplateProblem(
            f"Sjabloon '{exc.name}' is niet gevonden (gezocht in de eigen sjablonenmap en "
            "bij het programma). Er is niets geschreven.") from None
    except TemplateSyntaxError as exc:
        where = f"{exc.filename or exc.name or name}, regel {exc.lineno}"
        raise TemplateProblem(
            f"Het sjabloon {where} bevat een fout: {exc.message}. Herstel het sjabloon of "
            "verwijder het uit de eigen sjablonenmap. Er is niets geschreven.") from None
    except UndefinedError as exc:
        raise TemplateProblem(
            f"Het {_origin(env, name)} '{name}' gebruikt een veld dat niet bestaat "
            f"({exc.message}). Controleer de veldnaam in het sjabloon; een leeg vakje "
            "wordt niet stilzwijgend afgedrukt. Er is niets geschreven.") from None
    except SecurityError as exc:
        raise TemplateProblem(
            f"Het {_origin(env, name)} '{name}' probeert iets wat in een sjabloon niet is "
            f"toegestaan ({exc}). Er is niets geschreven.") from None
    except TemplateError as exc:
        raise TemplateProblem(
            f"Het {_origin(env, name)} '{name}' kon niet worden gevuld: {exc}. "
            "Er is niets geschreven.") from None


def write_text_atomic(path: Path, text: str) -> Path:
    """Write beside the target and rename, so a crash never leaves half a form.

    Private (0600) and into an existing folder only: no folder is made for an export.
    """
    existing_folder(path.parent)
    write_private_text(path, text)  # UTF-8 bytes: the same "\n" line ends on Windows
    return path


# --------------------------------------------------------------------------- lint gate
# Shared by every export of free text (signal forms, report): docs/DOMAIN.md says an export
# that would carry a personal-data finding stops until the text is fixed or the handler
# overrides with a reason, which is audited. One gate keeps the wording and the audit
# row the same for each export.


@dataclass(frozen=True)
class TextFinding:
    """A lint finding with the place it was found, in words a handler recognises."""

    where: str  # "S-2025-ZWL-001, Knelpunt" or "Verhaal 2 (casus 2025-ZWL-0012)"
    finding: Finding


def masked(finding: Finding) -> str:
    """Enough of the hit to find it in the text, never the whole identifier.

    The message goes to a terminal, a dialog and perhaps a ticket; repeating a full
    BSN there would copy the very data the lint is protecting.
    """
    if finding.kind == "bsn":
        return mask_bsn(finding.text)
    text = finding.text.strip()
    if len(text) <= 2:
        return "•" * len(text)
    return text[:2] + "•" * min(len(text) - 2, 12)


class PersonalDataFound(UserError):
    """Free text in an export looks like personal data and no override was given."""

    def __init__(self, what: str, findings: list[TextFinding]) -> None:
        self.what = what
        self.findings = findings
        shown = [f"{f.where}: {KIND_LABELS.get(f.finding.kind, f.finding.kind)} "
                 f"({masked(f.finding)})" for f in findings[:12]]
        more = len(findings) - len(shown)
        listing = "; ".join(shown) + (f"; en nog {more}" if more > 0 else "")
        super().__init__(
            f"{what} is niet geschreven: de vrije tekst bevat mogelijk persoonsgegevens "
            f"({listing}). Haal de gegevens uit de tekst, of ga bewust door met een reden "
            "(--override-lint REDEN); die reden wordt vastgelegd in het auditlogboek.")


class AuditSink(Protocol):
    """What the gate needs of a register: writing one audit row."""

    def audit(self, action: str, obj: str = "", result: str = "ok") -> None: ...


def lint_gate(reg: AuditSink, what: str, findings: list[TextFinding],
              override_reason: str | None) -> bool:
    """Stop on findings unless a reason is given; audit the override. True: overridden."""
    if not findings:
        return False
    reason = (override_reason or "").strip()
    if not reason:
        raise PersonalDataFound(what, findings)
    kinds = sorted({KIND_LABELS.get(f.finding.kind, f.finding.kind) for f in findings})
    reg.audit("override_lint", f"{what}: {len(findings)} waarschuwing(en) ({', '.join(kinds)})",
              f"doorgezet met reden: {reason}")
    return True


