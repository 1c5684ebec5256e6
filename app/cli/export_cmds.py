"""The exports for others: the evaluation workbook, KSMS signal forms, the report.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from app.cli.common import (
    CliError,
    open_register,
    out_path,
    override_arg,
    period_args,
    register_args,
)


def cmd_export_evaluation(args: argparse.Namespace) -> int:
    from app.export.workbook import write_evaluation
    from app.storage.figures import check_period

    check_period(args.start, args.end)
    out = out_path(args.out)
    with open_register(args) as reg:
        summary = write_evaluation(reg, args.start, args.end, out,
                                   suppress_below=args.suppress_below,
                                   override_lint=args.override_lint)
    print(f"Evaluatiewerkmap geschreven naar {summary.path}: {len(summary.sheets)} bladen, "
          f"{summary.case_rows} casussen, {summary.signal_rows} signalen.")
    return 0


def cmd_export_signals(args: argparse.Namespace) -> int:
    from app.export.signal_forms import plan_signal_export, write_signal_forms

    if args.external_ref and not args.submitted_to:
        raise CliError("--external-ref hoort bij --submitted-to.")
    out = out_path(args.out, folder=True)
    with open_register(args) as reg:
        plan = plan_signal_export(reg, args.signal or None, args.format or ["html,xlsx,txt"],
                                  internal=args.internal)
        for line in plan.problem_lines():
            print(f"  onvolledig: {line}", file=sys.stderr)
        written = write_signal_forms(reg, plan, out,
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
    out_file = out_path(args.out)
    with open_register(args) as reg:
        below = reg.settings.suppress_below if args.suppress_below is None \
            else args.suppress_below
        out = write_report(reg, args.start, args.end, out_file, suppress_below=below,
                           override_lint=args.override_lint)
    print(f"Rapportage geschreven naar {out} (kleine aantallen onder {below} afgeschermd).")
    return 0


def add_commands(sub: Any, exp: Any) -> None:
    """export evaluation, signals, report."""
    _period_export(exp, "evaluation", "de evaluatiewerkmap (xlsx)", "BESTAND.xlsx",
                   "(standaard: niet afschermen)", cmd_export_evaluation)

    q = exp.add_parser("signals", help="signaalformulieren voor KSMS")
    register_args(q)
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
    override_arg(q)
    q.set_defaults(func=cmd_export_signals)

    _period_export(exp, "report", "de rapportage (HTML)", "BESTAND",
                   "(standaard de instelling, 5)", cmd_export_report)


def _period_export(exp: Any, name: str, help_text: str, out: str, below_default: str,
                   func: Any) -> None:
    """An export of a period that may hide small counts (the workbook, the report)."""
    q = exp.add_parser(name, help=help_text)
    register_args(q)
    period_args(q)
    q.add_argument("--out", required=True, metavar=out)
    q.add_argument("--suppress-below", type=int, metavar="N",
                   help=f"aantallen van 1 tot N-1 als '< N' {below_default}")
    override_arg(q)
    q.set_defaults(func=func)
