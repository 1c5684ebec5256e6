"""The command line: the second front door, for automation, team leads and tests.

No logic lives here: every command parses its arguments, opens the register through
the storage API and prints. Errors a person can fix print one Dutch line on stderr
and exit 1; usage errors exit 2 (argparse); nothing ever prints a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from app import __version__
from app.model.errors import UserError, ValidationFailed

PASSPHRASE_ENV = "CASUSREGISTER_PASSPHRASE"
#: The derived statuses of DOMAIN.md (a fixed list: filters take exactly these).
STATUSES = ("aangemeld", "in_behandeling", "doorverwezen", "niet_in_behandeling", "afgerond")

Handler = Callable[[argparse.Namespace], int]


class CliError(UserError):
    pass


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is geen datum in de vorm JJJJ-MM-DD") from None


# --------------------------------------------------------------------------- passphrase


def read_passphrase(args: argparse.Namespace, *, confirm: bool = False) -> str:
    """From --passphrase-file, then the environment, then a prompt (twice for init)."""
    file = getattr(args, "passphrase_file", None)
    if file:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except OSError as exc:
            raise CliError(f"Kan het wachtwoordbestand {file} niet lezen: "
                           f"{exc.strerror}.") from None
        value = text.rstrip("\r\n")
        if not value:
            raise CliError(f"Het wachtwoordbestand {file} is leeg.")
        return value
    env = os.environ.get(PASSPHRASE_ENV)
    if env:
        return env
    if not sys.stdin or not sys.stdin.isatty():
        raise CliError("Geen wachtwoordzin: gebruik --passphrase-file of de omgevingsvariabele "
                       f"{PASSPHRASE_ENV}.")
    first = getpass.getpass("Wachtwoordzin: ")
    if confirm and getpass.getpass("Herhaal de wachtwoordzin: ") != first:
        raise CliError("De twee wachtwoordzinnen zijn niet gelijk.")
    return first


def _db(args: argparse.Namespace, default: Callable[[], Path] | None = None) -> Path:
    """``--db`` after the command, or before it (``casusregister --db X list``)."""
    from app.storage.paths import default_db

    chosen = getattr(args, "db", None) or getattr(args, "root_db", None)
    return Path(chosen) if chosen else (default or default_db)()


def open_register(args: argparse.Namespace, *, check: bool = True) -> Any:
    """Open with SQLCipher's page check (SECURITY.md: damage is found on open)."""
    from app.storage.repository import Register

    return Register.open(_db(args), read_passphrase(args), check=check)


# --------------------------------------------------------------------------- commands


def cmd_init(args: argparse.Namespace) -> int:
    from app.storage.repository import Register

    path = _db(args)
    reg = Register.create(path, read_passphrase(args, confirm=True), args.device,
                          args.handler or _login_name())
    with reg:
        print(f"Register aangemaakt: {path} (apparaat {reg.settings.device_code}, "
              f"behandelaar {reg.settings.handler}).")
        print("Let op: een vergeten wachtwoordzin is niet te herstellen. Maak back-ups.")
    return 0


def _login_name() -> str:
    """Without --handler the register names the handler after the login account."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def cmd_import(args: argparse.Namespace) -> int:
    from app.storage.interchange_io import import_file

    with open_register(args) as reg:
        result = import_file(reg, Path(args.file))
    print(result.summary())
    warning = result.warning()
    if warning:
        print(warning)
    for ref in result.plan.skipped_cases:
        print(f"  overgeslagen (al aanwezig): casus {ref}")
    for ref in result.plan.skipped_signals:
        print(f"  overgeslagen (al aanwezig): signaal {ref}")
    return 0


def cmd_export_interchange(args: argparse.Namespace) -> int:
    from app.storage.interchange_io import export_file

    with open_register(args) as reg:
        data = export_file(reg, Path(args.out), with_personal=args.with_personal)
    print(f"{len(data['cases'])} casussen en {len(data['signals'])} signalen geschreven naar "
          f"{args.out}" + (" (met persoonsgegevens)." if args.with_personal else "."))
    return 0


def cmd_export_evaluation(args: argparse.Namespace) -> int:
    from app.export.workbook import write_evaluation
    from app.storage.figures import check_period

    check_period(args.start, args.end)
    with open_register(args) as reg:
        summary = write_evaluation(reg, args.start, args.end, Path(args.out),
                                   suppress_below=args.suppress_below,
                                   override_lint=args.override_lint)
    print(f"Evaluatiewerkmap geschreven naar {summary.path}: {len(summary.sheets)} bladen, "
          f"{summary.case_rows} casussen, {summary.signal_rows} signalen.")
    return 0


def cmd_export_signals(args: argparse.Namespace) -> int:
    from app.export.signal_forms import plan_signal_export, write_signal_forms

    if args.external_ref and not args.submitted_to:
        raise CliError("--external-ref hoort bij --submitted-to.")
    with open_register(args) as reg:
        plan = plan_signal_export(reg, args.signal or None, args.format or ["html,xlsx,txt"],
                                  internal=args.internal)
        for line in plan.problem_lines():
            print(f"  onvolledig: {line}", file=sys.stderr)
        written = write_signal_forms(reg, plan, Path(args.out),
                                     override_lint=args.override_lint,
                                     submitted_to=args.submitted_to,
                                     external_ref=args.external_ref,
                                     single_html=args.one_file)
    print(f"{len(plan.forms)} signalen, {len(written)} bestanden geschreven naar {args.out}"
          + (f"; indiening bij {args.submitted_to} vastgelegd." if args.submitted_to
             else "."))
    return 0


def cmd_export_report(args: argparse.Namespace) -> int:
    from app.export.report import write_report
    from app.storage.figures import check_period

    check_period(args.start, args.end)
    with open_register(args) as reg:
        below = reg.settings.suppress_below if args.suppress_below is None \
            else args.suppress_below
        out = write_report(reg, args.start, args.end, Path(args.out), suppress_below=below,
                           override_lint=args.override_lint)
    print(f"Rapportage geschreven naar {out} (kleine aantallen onder {below} afgeschermd).")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from app.model.codelists import default_codelists
    from app.storage.repository import CaseQuery

    cl = default_codelists()
    with open_register(args) as reg:
        query = CaseQuery(status=args.status, search=args.search or "", sort="number",
                          descending=False, limit=1_000_000)
        rows = reg.list_cases(query)
    if args.json:
        print(json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print("Geen casussen gevonden.")
        return 0
    print(f"{'Nummer':<15} {'Ontvangen':<10}  {'Status':<30} {'Termijn':<10}  Onderwerpen")
    for r in rows:
        status = cl.label("status", r.status)
        if r.phase:
            status += f" – {cl.label('phase', r.phase)}"
        due = r.next_deadline.strftime("%d-%m-%Y") if r.next_deadline else ""
        topics = ", ".join(cl.label("topic", t) for t in r.topics)
        print(f"{r.number:<15} {r.received_on.strftime('%d-%m-%Y'):<10}  {status[:30]:<30} "
              f"{due:<10}  {topics}")
    print(f"{len(rows)} casussen.")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from app.model.describe import case_json, case_text

    if args.with_personal and not args.html:
        _usage_error("show", "--with-personal hoort bij --html")
    with open_register(args) as reg:
        view = reg.case(args.number)
        if args.html:
            return _show_html(reg, view, args)
        if args.json:
            print(json.dumps(case_json(view.state, view.events), ensure_ascii=False, indent=1))
        else:
            print(case_text(view.state, view.events, reg.codelists))
    return 0


def _show_html(reg: Any, view: Any, args: argparse.Namespace) -> int:
    try:
        from app.export.case_overview import write_case_overview
    except ImportError:
        raise CliError("Het casusoverzicht in HTML is nog niet beschikbaar in deze versie."
                       ) from None
    write_case_overview(reg, view, Path(args.html), with_personal=args.with_personal)
    print(f"Casusoverzicht geschreven naar {args.html}.")
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    from app.model.metrics import metric_labels
    from app.storage.figures import check_period, figures

    check_period(args.start, args.end)
    with open_register(args) as reg:
        result = figures(reg, args.start, args.end, with_ytd=False)
        labels = metric_labels(reg.codelists)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, indent=1))
        return 0
    print(f"Kerncijfers {args.start.strftime('%d-%m-%Y')} t/m {args.end.strftime('%d-%m-%Y')}")
    width = max(len(labels.get(k, k)) for k in result.period)
    group = ""
    for key, value in result.period.items():
        head = key.split(".", 1)[0]
        if head != group:
            group = head
            print()
        shown = "–" if value is None else (f"{value:g}".replace(".", ",")
                                           if isinstance(value, float) else str(value))
        print(f"  {labels.get(key, key):<{width}}  {shown:>8}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from app.storage.verify import verify

    with open_register(args, check=False) as reg:  # verify reports damage itself
        report = verify(reg)
    names = {"events": "stappen", "devices": "apparaten", "cases": "casussen",
             "signals": "signalen"}
    checked = ", ".join(f"{v} {names.get(k, k)}" for k, v in report.checked.items())
    if report.ok:
        print(f"Register in orde ({checked}).")
        return 0
    for line in report.problems[:50]:  # the report itself, on stdout
        print(line)
    if len(report.problems) > 50:
        print(f"... en nog {len(report.problems) - 50} problemen")
    print(f"casusregister: fout: het register is NIET in orde: {len(report.problems)} "
          f"problemen gevonden (eerste: {report.problems[0]}).", file=sys.stderr)
    return 1


def cmd_deadline(args: argparse.Namespace) -> int:
    from app.model.deadlines import explain, legal_deadline

    try:
        result = legal_deadline(args.start, 6)
        lines = explain(args.kind, args.start)
    except (ValueError, OverflowError):
        raise CliError(f"Geen termijn te berekenen vanaf {args.start.isoformat()}: de datum "
                       "ligt buiten het bereik van de kalender.") from None
    for line in lines:
        print(line)
    print(result.last_day.isoformat())
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from app.storage.demo_register import fill_demo
    from app.storage.paths import DEMO_PASSPHRASE, demo_db

    path = _db(args, default=demo_db)  # never the handler's own register by default
    try:
        passphrase = read_passphrase(args)
    except CliError:
        passphrase = DEMO_PASSPHRASE  # a demo register needs no secret of its own
    reg, summary = fill_demo(path, passphrase)
    with reg:
        counts = reg.counts()
    print(f"Demoregister {path}: {counts['cases']} casussen, {counts['signals']} signalen, "
          f"{counts['events']} stappen ({summary.rstrip('.')}).")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        # Qt would abort with a core dump; say it plainly instead.
        raise CliError("Geen beeldscherm gevonden (DISPLAY of WAYLAND_DISPLAY is niet gezet). "
                       "Start het programma in een grafische sessie, of gebruik de opdrachten "
                       "(casusregister --help).")
    from app.ui.main import run_gui

    chosen = getattr(args, "root_db", None)
    return int(run_gui(demo=args.demo, db=Path(chosen) if chosen else None))


# --------------------------------------------------------------------------- parser


def _usage_error(command: str, message: str) -> None:
    """A combination argparse cannot express: the same exit 2 and message form."""
    print(f"casusregister {command}: gebruiksfout: {message}", file=sys.stderr)
    raise SystemExit(2)


_ARGPARSE_NL = {
    "usage: ": "gebruik: ",
    "the following arguments are required: %s": "deze argumenten ontbreken: %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "ongeldige keuze: %(value)r (kies uit %(choices)s)",
    "unrecognized arguments: %s": "onbekende argumenten: %s",
    "expected one argument": "verwacht één waarde",
    "invalid %(type)s value: %(value)r": "ongeldige waarde: %(value)r",
    "not allowed with argument %s": "niet samen te gebruiken met %s",
    "show this help message and exit": "toon deze hulp en stop",
    "positional arguments": "argumenten",
    "options": "opties",
    "show program's version number and exit": "toon het versienummer en stop",
    "ambiguous option: %(option)s could match %(matches)s":
        "dubbelzinnige optie: %(option)s kan %(matches)s zijn",
}


def _dutch(message: str) -> str:
    return _ARGPARSE_NL.get(message, message)


class _Parser(argparse.ArgumentParser):
    """argparse with Dutch usage errors (exit 2, no traceback)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: gebruiksfout: {message}\n")


def _register_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PAD", help="het register (standaard: in de gebruikersmap)")
    p.add_argument("--passphrase-file", metavar="BESTAND",
                   help=f"bestand met de wachtwoordzin (anders {PASSPHRASE_ENV} of een vraag)")


def _period_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="start", required=True, type=_iso_date, metavar="DATUM")
    p.add_argument("--to", dest="end", required=True, type=_iso_date, metavar="DATUM")


def _override_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--override-lint", metavar="REDEN",
                   help="ga door ondanks mogelijke persoonsgegevens (wordt gelogd)")


def build_parser() -> argparse.ArgumentParser:
    argparse._ = _dutch  # type: ignore[attr-defined]  # argparse's own texts in Dutch
    parser = _Parser(prog="casusregister",
                     description="Casusregister van de Belangenbehartiger Belastingplichtigen "
                                 "en Toeslaggerechtigden.")
    parser.add_argument("--version", action="version", version=f"casusregister {__version__}")
    parser.add_argument("--demo", action="store_true", help="open het demoregister")
    parser.add_argument("--db", dest="root_db", metavar="PAD",
                        help="het register (mag ook na de opdracht staan)")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="OPDRACHT")

    p = sub.add_parser("init", help="maak een nieuw register")
    _register_args(p)
    p.add_argument("--device", required=True, metavar="CODE",
                   help="apparaatcode: 2 tot 4 hoofdletters, komt in elk casusnummer")
    p.add_argument("--handler", metavar="NAAM", help="naam van de behandelaar")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("import", help="lees een interchange-bestand in")
    _register_args(p)
    p.add_argument("file", metavar="BESTAND")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("export", help="schrijf een export")
    exp = p.add_subparsers(dest="what", parser_class=_Parser, metavar="SOORT", required=True)
    q = exp.add_parser("interchange", help="alle casussen en signalen als JSON")
    _register_args(q)
    q.add_argument("--out", required=True, metavar="BESTAND")
    q.add_argument("--with-personal", action="store_true",
                   help="neem persoonsgegevens op (wordt gelogd)")
    q.set_defaults(func=cmd_export_interchange)

    q = exp.add_parser("evaluation", help="de evaluatiewerkmap (xlsx)")
    _register_args(q)
    _period_args(q)
    q.add_argument("--out", required=True, metavar="BESTAND.xlsx")
    q.add_argument("--suppress-below", type=int, metavar="N",
                   help="aantallen van 1 tot N-1 als '< N' (standaard: niet afschermen)")
    _override_arg(q)
    q.set_defaults(func=cmd_export_evaluation)

    q = exp.add_parser("signals", help="signaalformulieren voor KSMS")
    _register_args(q)
    q.add_argument("--out", required=True, metavar="MAP")
    q.add_argument("--format", action="append", default=None, metavar="html,xlsx,txt",
                   help="een of meer formaten (standaard alle drie)")
    q.add_argument("--signal", action="append", metavar="NUMMER",
                   help="alleen dit signaal (mag vaker); standaard alle signalen")
    q.add_argument("--submitted-to", metavar="ONTVANGER",
                   help="leg meteen de indiening vast (bijvoorbeeld ksms_belastingdienst)")
    q.add_argument("--external-ref", metavar="KENMERK", help="kenmerk van de ontvanger")
    q.add_argument("--internal", action="store_true",
                   help="intern formulier: met contactpersoon en casusnummers")
    q.add_argument("--one-file", action="store_true",
                   help="alle HTML-formulieren in één bestand met paginascheidingen")
    _override_arg(q)
    q.set_defaults(func=cmd_export_signals)

    q = exp.add_parser("report", help="de rapportage (HTML)")
    _register_args(q)
    _period_args(q)
    q.add_argument("--out", required=True, metavar="BESTAND")
    q.add_argument("--suppress-below", type=int, metavar="N",
                   help="aantallen van 1 tot N-1 als '< N' (standaard de instelling, 5)")
    _override_arg(q)
    q.set_defaults(func=cmd_export_report)

    p = sub.add_parser("list", help="toon casussen")
    _register_args(p)
    p.add_argument("--status", choices=STATUSES, metavar="STATUS",
                   help=f"een van: {', '.join(STATUSES)}")
    p.add_argument("--search", metavar="TEKST")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="toon één casus met tijdlijn")
    _register_args(p)
    p.add_argument("number", metavar="NUMMER")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--html", metavar="BESTAND")
    p.add_argument("--with-personal", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("verify", help="controleer integriteit, hashketens en projecties")
    _register_args(p)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("deadline", help="bereken de laatste dag van een wettelijke termijn")
    p.add_argument("--kind", required=True, choices=["bezwaartermijn", "beroepstermijn"])
    p.add_argument("--start", required=True, type=_iso_date, metavar="DATUM",
                   help="dagtekening of bekendmaking (JJJJ-MM-DD)")
    p.set_defaults(func=cmd_deadline)

    p = sub.add_parser("metrics", help="kerncijfers over een periode (METRICS.md)")
    _register_args(p)
    _period_args(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_metrics)

    p = sub.add_parser("demo", help="vul een register met een synthetisch demojaar")
    _register_args(p)
    p.set_defaults(func=cmd_demo)
    return parser


# --------------------------------------------------------------------------- main


def _log_unexpected(exc: BaseException) -> str:
    """Write the traceback frames (not the message: it may hold case data) to the log."""
    try:
        from app.storage.paths import log_dir

        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "casusregister.log"
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {type(exc).__name__}\n")
            fh.write("".join(traceback.format_tb(exc.__traceback__)))
        return str(path)
    except OSError:
        return "(geen logbestand)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Handler | None = getattr(args, "func", None)
    try:
        if func is None:
            return cmd_gui(args)
        return func(args)
    except ValidationFailed as exc:
        count = f" ({len(exc.errors)} fouten)" if len(exc.errors) > 1 else ""
        print(f"casusregister: fout: ongeldige invoer{count}: {exc}", file=sys.stderr)
        return 1
    except UserError as exc:
        print(f"casusregister: fout: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader (``| head``) went away: not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as exc:  # a file the user named: missing folder, no permission, disk full
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"casusregister: fout: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("casusregister: afgebroken.", file=sys.stderr)
        return 1
    except Exception as exc:  # the last guard: never a traceback
        from app.storage.db import DatabaseError

        if isinstance(exc, DatabaseError):
            print(f"casusregister: fout: het register is beschadigd of onleesbaar ({exc}). "
                  "Controleer het met 'casusregister verify' en zet zo nodig een back-up "
                  "terug.", file=sys.stderr)
            return 1
        where = _log_unexpected(exc)
        print(f"casusregister: onverwachte fout ({type(exc).__name__}); details in {where}",
              file=sys.stderr)
        return 1
