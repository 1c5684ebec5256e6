"""Retention at the command line: purge personal data, destroy a case, erase a text.

docs/SECURITY.md "personal data does not outlive its purpose": ``purge --dry-run`` lists
what is due without touching it, ``purge`` erases it; ``destroy`` and ``erase-text``
are explicit, reasoned steps. Every act is audited with counts and case numbers, never
with the erased values.
"""

from __future__ import annotations

import argparse
from typing import Any

from app.cli.common import open_register, register_args
from app.model.nlformat import nl_date


def cmd_purge(args: argparse.Namespace) -> int:
    from app.model.codelists import default_codelists
    from app.storage.retention import purge

    cl = default_codelists()
    with open_register(args) as reg:
        result = purge(reg, dry_run=args.dry_run)
    head = (f"Bewaartermijn {result.months} maanden; vandaag {nl_date(result.today)}.")
    print(head)
    if not result.items:
        print("Geen persoonsgegevens die gewist moeten worden.")
        return 0
    rows = [(i.number, cl.label("status", i.status), nl_date(i.since), nl_date(i.due_from),
             str(i.values)) for i in result.items]
    heads = ("Casus", "Status", "Sinds", "Te wissen vanaf", "Gegevens")
    widths = [max(len(r[c]) for r in [heads, *rows]) for c in range(5)]
    for row in [heads, *rows]:
        print("  ".join(f"{v:<{w}}" for v, w in zip(row, widths, strict=True)).rstrip())
    if result.done:
        print(f"{result.values} persoonsgegevens van {len(result.items)} casussen gewist "
              "(vastgelegd in het auditlogboek).")
    else:
        print(f"{result.values} persoonsgegevens van {len(result.items)} casussen zijn aan "
              "de beurt; er is niets gewist (--dry-run).")
    return 0


def cmd_destroy(args: argparse.Namespace) -> int:
    from app.storage.retention import destroy

    with open_register(args) as reg:
        state = destroy(reg, args.number, args.reason)
    print(f"Casus {state.number} is vernietigd: alle stappen en persoonsgegevens zijn gewist; "
          "het nummer blijft staan met de reden (lijst: --status vernietigd).")
    return 0


def cmd_erase_text(args: argparse.Namespace) -> int:
    from app.storage.retention import erase_text

    with open_register(args) as reg:
        state = erase_text(reg, args.event_id, args.field, args.reason)
    fields = ", ".join(args.field)
    print(f"Tekst gewist uit stap {args.event_id} van casus {state.number} ({fields}).")
    return 0


def add_commands(sub: Any, exp: Any) -> None:
    """purge, destroy, erase-text."""
    p = sub.add_parser("purge", help="wis persoonsgegevens na de bewaartermijn")
    register_args(p)
    p.add_argument("--dry-run", action="store_true",
                   help="toon alleen wat gewist zou worden")
    p.set_defaults(func=cmd_purge)

    p = sub.add_parser("destroy", help="vernietig een casus (Archiefwet)")
    register_args(p)
    p.add_argument("number", metavar="NUMMER")
    p.add_argument("--reason", required=True, metavar="TEKST")
    p.set_defaults(func=cmd_destroy)

    p = sub.add_parser("erase-text", help="wis per ongeluk getypte tekst uit een stap")
    register_args(p)
    p.add_argument("event_id", metavar="STAP_ID", help="de id van de stap (show --json)")
    p.add_argument("--field", action="append", required=True, metavar="NAAM",
                   help="het tekstveld (mag vaker), bv. text of summary")
    p.add_argument("--reason", required=True, metavar="TEKST")
    p.set_defaults(func=cmd_erase_text)
