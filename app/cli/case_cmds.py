"""Commands that read or write cases: interchange files, the list, one case, the figures.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from app.cli.common import (
    STATUSES,
    CliError,
    open_register,
    out_path,
    period_args,
    register_args,
    usage_error,
)
from app.model.nlformat import metric, nl_date


def cmd_import(args: argparse.Namespace) -> int:
    from app.storage.interchange_io import import_file

    with open_register(args) as reg:
        result = import_file(reg, Path(args.file))
    print(result.summary())
    for line in (result.warning(), result.skipped_steps_note()):
        if line:
            print(line)
    for ref in result.plan.skipped_cases:
        print(f"  overgeslagen (al aanwezig): casus {ref}")
    for ref in result.plan.skipped_signals:
        print(f"  overgeslagen (al aanwezig): signaal {ref}")
    return 0


def cmd_export_interchange(args: argparse.Namespace) -> int:
    from app.storage.interchange_io import export_file

    out = out_path(args.out)
    with open_register(args) as reg:
        data = export_file(reg, out, with_personal=args.with_personal)
    print(f"{len(data['cases'])} casussen en {len(data['signals'])} signalen geschreven naar "
          f"{args.out}" + (" (met persoonsgegevens)." if args.with_personal else "."))
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
    table = []
    for r in rows:
        status = cl.label("status", r.status)
        if r.phase:
            status += f" – {cl.label('phase', r.phase)}"
        due = nl_date(r.next_deadline)
        topics = ", ".join(cl.label("topic", t) for t in r.topics)
        table.append((r.number, nl_date(r.received_on), status, due, topics))
    # Columns as wide as their widest value: a status is never cut mid-word.
    heads = ("Nummer", "Ontvangen", "Status", "Termijn", "Onderwerpen")
    widths = [max(len(row[i]) for row in [heads, *table]) for i in range(4)]
    for row in [heads, *table]:
        print("  ".join(f"{cell:<{w}}" for cell, w in zip(row[:4], widths, strict=True))
              + "  " + row[4])
    print(f"{len(rows)} casussen.")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from app.model.describe import case_json, case_text

    if args.with_personal and not args.html:
        usage_error("show", "--with-personal hoort bij --html")
    if args.html:
        out_path(args.html)  # a folder that does not exist: refused before the unlock
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
    write_case_overview(reg, view, out_path(args.html), with_personal=args.with_personal)
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
    print(f"Kerncijfers {nl_date(args.start)} t/m {nl_date(args.end)}")
    width = max(len(labels.get(k, k)) for k in result.period)
    group = ""
    for key, value in result.period.items():
        head = key.split(".", 1)[0]
        if head != group:
            group = head
            print()
        print(f"  {labels.get(key, key):<{width}}  {metric(key, value):>8}")
    return 0


def add_commands(sub: Any, exp: Any) -> None:
    """import, export interchange, list, show, metrics."""
    p = sub.add_parser("import", help="lees een interchange-bestand in")
    register_args(p)
    p.add_argument("file", metavar="BESTAND")
    p.set_defaults(func=cmd_import)

    q = exp.add_parser("interchange", help="alle casussen en signalen als JSON")
    register_args(q)
    q.add_argument("--out", required=True, metavar="BESTAND")
    q.add_argument("--with-personal", action="store_true",
                   help="neem persoonsgegevens op (wordt gelogd)")
    q.set_defaults(func=cmd_export_interchange)

    p = sub.add_parser("list", help="toon casussen")
    register_args(p)
    p.add_argument("--status", choices=STATUSES, metavar="STATUS",
                   help=f"een van: {', '.join(STATUSES)}")
    p.add_argument("--search", metavar="TEKST")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="toon één casus met tijdlijn")
    register_args(p)
    p.add_argument("number", metavar="NUMMER")
    fmt = p.add_mutually_exclusive_group()
    fmt.add_argument("--json", action="store_true")
    fmt.add_argument("--html", metavar="BESTAND")
    p.add_argument("--with-personal", action="store_true")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("metrics", help="kerncijfers over een periode (docs/DOMAIN.md)")
    register_args(p)
    period_args(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_metrics)
