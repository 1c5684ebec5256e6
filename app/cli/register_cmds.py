"""Commands about the register itself: make it, check it, fill a demo, open the GUI.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from app.cli.common import (
    CliError,
    db_path,
    iso_date,
    open_register,
    read_passphrase,
    register_args,
)


def cmd_init(args: argparse.Namespace) -> int:
    from app.model.passphrase import strength
    from app.storage.repository import Register

    path = db_path(args)
    passphrase = read_passphrase(args, confirm=True)
    out = Path(args.recovery_code_out) if args.recovery_code_out else None
    if out is not None and (out.exists() or not out.parent.is_dir()):
        raise CliError(f"Kan de herstelcode niet naar {out} schrijven: het bestand bestaat al "
                       "of de map bestaat niet.")
    reg = Register.create(path, passphrase, args.device, args.handler)
    with reg:
        code = reg.new_recovery_code or ""
        reg.new_recovery_code = None
        if out is not None:
            write_secret(out, f"Herstelcode: {code}\n")
        print(f"Register aangemaakt: {path} (apparaat {reg.settings.device_code}, "
              f"behandelaar {reg.settings.handler}).")
        print(f"Sterkte van de wachtwoordzin: {strength(passphrase).label}.")
        if out is not None:
            print(f"De herstelcode staat in {out}: print hem, geef hem in een gesloten "
                  "envelop aan de teamleider en verwijder het bestand.")
        else:
            print("Bewaar deze herstelcode op papier bij de teamleider (gesloten envelop); "
                  "hij opent het register als de wachtwoordzin vergeten is en wordt niet "
                  "opnieuw getoond:")
            print(f"Herstelcode: {code}")
    return 0


def write_secret(path: Path, text: str) -> None:
    """A file with a secret in it: created 0600, never over an existing file."""
    from app.storage.files import FILE_MODE

    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def cmd_verify(args: argparse.Namespace) -> int:
    from app.storage.verify import verify

    with open_register(args, backup=False) as reg:  # verify checks every page itself
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
    from app.model.errors import UserError

    try:
        result = legal_deadline(args.start, 6)
        lines = explain(args.kind, args.start)
    except UserError:
        raise  # a missing or broken holidays file says so itself (it is a ValueError too)
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

    path = db_path(args, default=demo_db)  # never the handler's own register by default
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


def add_commands(sub: Any, exp: Any) -> None:
    """init, verify, deadline, demo."""
    p = sub.add_parser("init", help="maak een nieuw register")
    register_args(p)
    p.add_argument("--device", required=True, metavar="CODE",
                   help="apparaatcode: 2 tot 4 hoofdletters, komt in elk casusnummer")
    p.add_argument("--handler", required=True, metavar="NAAM",
                   help="naam van de behandelaar (staat bij elke stap)")
    p.add_argument("--recovery-code-out", metavar="BESTAND",
                   help="schrijf de herstelcode naar dit bestand (0600) in plaats van het scherm")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("verify", help="controleer integriteit, hashketens en projecties")
    register_args(p)
    p.set_defaults(func=cmd_verify)

    p = sub.add_parser("deadline", help="bereken de laatste dag van een wettelijke termijn")
    p.add_argument("--kind", required=True, choices=["bezwaartermijn", "beroepstermijn"])
    p.add_argument("--start", required=True, type=iso_date, metavar="DATUM",
                   help="dagtekening of bekendmaking (JJJJ-MM-DD)")
    p.set_defaults(func=cmd_deadline)

    p = sub.add_parser("demo", help="vul een register met een synthetisch demojaar")
    register_args(p)
    p.set_defaults(func=cmd_demo)
