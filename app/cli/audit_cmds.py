"""The audit trail at the command line: read it, check it, hand it to an auditor.

docs/SECURITY.md "every sensitive act leaves a trace" (BIO 8.15): a privacy officer or the
team lead reads who did what (``audit``), checks that nothing was changed, removed or
reordered (``audit verify``: the hash chain and the seal's audit head), and takes a
copy (``audit export``). Dates are local (Europe/Amsterdam) days.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from app.cli.common import CliError, iso_date, open_register, register_args, usage_error


def _query(args: argparse.Namespace) -> Any:
    from app.storage.audit import ACTION_LABELS, AuditQuery

    if args.action and args.action not in ACTION_LABELS:
        usage_error("audit", f"onbekende handeling '{args.action}' (bekend: "
                             f"{', '.join(ACTION_LABELS)})")
    if args.start and args.end and args.start > args.end:
        raise CliError(f"De periode is leeg: {args.start.isoformat()} ligt na "
                       f"{args.end.isoformat()}.")
    return AuditQuery(start=args.start, end=args.end, action=args.action, actor=args.actor)


def cmd_audit(args: argparse.Namespace) -> int:
    from app.storage.audit import device_codes
    from app.storage.audit_trail import list_trail

    q = _query(args)
    with open_register(args) as reg:
        found = list_trail(reg, q)
        codes = device_codes(reg.conn)
    if args.json:
        print(json.dumps([{"seq": r.seq, "at": r.at, "local_time": r.local_time,
                           "actor": r.actor, "device": r.device,
                           "device_code": codes.get(r.device), "action": r.action,
                           "object": r.object, "result": r.result, "hash": r.hash}
                          for r in found], ensure_ascii=False, indent=1))
        return 0
    if not found:
        print("Geen auditregels gevonden.")
        return 0
    table = [(str(r.seq), r.local_time, r.actor, codes.get(r.device, r.device[:8]),
              r.action_label, r.object, r.result) for r in found]
    heads = ("Regel", "Tijd", "Wie", "Apparaat", "Handeling", "Object", "Resultaat")
    widths = [max(len(row[i]) for row in [heads, *table]) for i in range(5)]
    for row in [heads, *table]:
        print("  ".join(f"{c:<{w}}" for c, w in zip(row[:5], widths, strict=True))
              + "  " + " · ".join(c for c in row[5:] if c))
    print(f"{len(found)} auditregels.")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    from app.storage.audit_trail import verify_trail

    with open_register(args, backup=False) as reg:
        check = verify_trail(reg)
    if check.ok:
        sealed = ("; de laatste regel klopt met het zegel" if check.sealed
                  else "; er is geen zegel om de laatste regel mee te vergelijken")
        print(f"Auditlogboek in orde ({check.rows} regels{sealed}).")
        return 0
    for line in check.problems[:50]:
        print(line)
    print(f"casusregister: fout: het auditlogboek is NIET in orde: {len(check.problems)} "
          f"problemen gevonden (eerste: {check.problems[0]}).", file=sys.stderr)
    return 1


def cmd_audit_export(args: argparse.Namespace) -> int:
    from app.storage.audit_trail import export_trail

    q = _query(args)
    out = Path(args.out)
    if out.suffix.lower() not in (".csv", ".json"):
        usage_error("audit export", f"--out moet op .csv of .json eindigen, niet '{out.name}'")
    with open_register(args) as reg:
        n = export_trail(reg, out, q)
    print(f"{n} auditregels geschreven naar {out}.")
    return 0


def _filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="start", type=iso_date, metavar="DATUM",
                   help="vanaf deze dag (JJJJ-MM-DD, Nederlandse tijd)")
    p.add_argument("--to", dest="end", type=iso_date, metavar="DATUM",
                   help="tot en met deze dag")
    p.add_argument("--action", metavar="HANDELING", help="alleen deze handeling (bv. unlock)")
    p.add_argument("--actor", metavar="NAAM", help="alleen handelingen van deze persoon")


def add_commands(sub: Any, exp: Any) -> None:
    """audit, audit verify, audit export."""
    p = sub.add_parser("audit", help="toon, controleer of exporteer het auditlogboek")
    register_args(p)
    _filters(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_audit)
    from app.cli.common import Parser

    what = p.add_subparsers(dest="audit_command", parser_class=Parser, metavar="OPDRACHT")
    q = what.add_parser("verify", help="controleer de keten en het zegel van het logboek")
    register_args(q)
    q.set_defaults(func=cmd_audit_verify)
    q = what.add_parser("export", help="schrijf het logboek naar .csv of .json (0600)")
    register_args(q)
    _filters(q)
    q.add_argument("--out", required=True, metavar="BESTAND")
    q.set_defaults(func=cmd_audit_export)
