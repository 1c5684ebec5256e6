"""Exchange bundles at the command line: a handler's week to the team lead, the team
lead's merged register back to every laptop, a case handed over (docs/ARCHITECTURE.md)."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from app.cli.common import CliError, open_register, read_secret_file, register_args


def _exchange_passphrase(args: argparse.Namespace, reg: Any) -> str | None:
    """--exchange-passphrase-file, else the one kept in the register, else asked once."""
    from app.storage.exchange import stored_passphrase

    file = getattr(args, "exchange_passphrase_file", None)
    if file:
        return read_secret_file(file, f"bestand met de uitwisselingswachtwoordzin ({file})")
    if stored_passphrase(reg) is not None:
        return None
    if sys.stdin and sys.stdin.isatty():
        first = getpass.getpass("Uitwisselingswachtwoordzin van het team: ")
        if getpass.getpass("Herhaal de uitwisselingswachtwoordzin: ") != first:
            raise CliError("De twee uitwisselingswachtwoordzinnen zijn niet gelijk.")
        return first
    return None  # the exchange module says what is missing


def cmd_bundle_export(args: argparse.Namespace) -> int:
    from app.storage.exchange import export_bundle

    out = Path(args.out)
    if not out.parent.is_dir():
        raise CliError(f"De map {out.parent} bestaat niet; er is niets geschreven.")
    if out.exists():
        raise CliError(f"{out} bestaat al; kies een andere naam.")
    with open_register(args) as reg:
        result = export_bundle(reg, out, everything=args.all, handover=args.handover or (),
                               passphrase=_exchange_passphrase(args, reg))
    kind = ("overdrachtsbundel" if result.handover else
            "volledige bundel" if result.complete else "bundel")
    per = ", ".join(f"{code} {n}" for code, n in sorted(result.devices.items())) or "geen"
    print(f"{kind.capitalize()} {result.sequence} geschreven naar {out}: {result.events} "
          f"stappen ({per}), {result.size // 1024} kB.")
    if result.handover:
        print(f"Met de persoonsgegevens van: {', '.join(result.handover)}. De ontvanger "
              "legt 'Toegewezen' aan zichzelf vast.")
    return 0


def cmd_bundle_import(args: argparse.Namespace) -> int:
    from app.storage.exchange import import_bundles

    with open_register(args) as reg:
        report = import_bundles(reg, [Path(f) for f in args.files],
                                passphrase=_exchange_passphrase(args, reg))
    for f in report.files:
        if f.refused:
            print(f"{f.path.name}: geweigerd, er is niets van ingelezen: {f.refused}",
                  file=sys.stderr)
            continue
        per = ", ".join(f"{code} {n}" for code, n in sorted(f.new_by_device.items()))
        print(f"{f.path.name} (van {f.source}, bundel {f.sequence}): "
              f"{sum(f.new_by_device.values())} nieuwe stappen"
              + (f" ({per})" if per else "") + f", {f.known} al aanwezig.")
    _list("Nieuwe casussen", report.new_cases)
    _list("Bijgewerkte casussen", report.updated_cases)
    _list("Nieuwe signalen", report.new_signals)
    _list("Bijgewerkte signalen", report.updated_signals)
    for number, event_id, why in report.violations:
        print(f"  regel geschonden in {number} (stap {event_id[:8]}): {why}")
    for number, target in report.conflicts:
        print(f"  conflict in {number}: twee correcties van stap {target[:8]}; leg een nieuwe "
              "correctie vast die de juiste waarde kiest")
    if report.handovers:
        print(f"Overgedragen casussen (met persoonsgegevens): {', '.join(report.handovers)}. "
              "Leg 'Toegewezen' aan uzelf vast.")
    return 1 if report.refused else 0


def _list(title: str, numbers: list[str]) -> None:
    if not numbers:
        return
    shown = ", ".join(numbers[:12]) + (f" en nog {len(numbers) - 12}" if len(numbers) > 12
                                       else "")
    print(f"{title} ({len(numbers)}): {shown}")


def add_commands(sub: Any, exp: Any) -> None:
    """bundle export, bundle import."""
    p = sub.add_parser("bundle", help="uitwisselen tussen laptops (bundels)")
    bundle = p.add_subparsers(dest="bundle_what", metavar="SOORT", required=True,
                              parser_class=type(p))
    q = bundle.add_parser("export", help="schrijf een bundel voor de teamleider of collega")
    register_args(q)
    q.add_argument("--out", required=True, metavar="BESTAND")
    q.add_argument("--all", action="store_true",
                   help="alles, niet alleen wat sinds de vorige bundel is vastgelegd")
    q.add_argument("--handover", nargs="+", metavar="NUMMER",
                   help="draag deze casussen over (met persoonsgegevens)")
    q.add_argument("--exchange-passphrase-file", metavar="BESTAND")
    q.set_defaults(func=cmd_bundle_export)
    q = bundle.add_parser("import", help="lees bundels in (elk bestand alles of niets)")
    register_args(q)
    q.add_argument("files", nargs="+", metavar="BESTAND")
    q.add_argument("--exchange-passphrase-file", metavar="BESTAND")
    q.set_defaults(func=cmd_bundle_import)
