"""Commands for the way back: backups, restore, the seal, passphrase and keys.

docs/SECURITY.md's promises "there is always a way back" and "a wrong passphrase opens
nothing and harms nothing" at the command line: a team lead or IT can recover a
handler's register with the recovery code, put a backup back, or accept a register
that lost its last writes, each in one command that leaves a row in the audit.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from app.cli.common import (
    CliError,
    db_path,
    open_register,
    read_passphrase,
    read_secret_file,
    register_args,
)


def _read_secret_file(file: str, what: str) -> str:
    return read_secret_file(file, f"bestand met de {what} ({file})")


def new_passphrase(args: argparse.Namespace) -> str:
    """From --new-passphrase-file, or asked twice at a terminal."""
    from app.model.passphrase import problems, strength

    if getattr(args, "new_passphrase_file", None):
        value = _read_secret_file(args.new_passphrase_file, "nieuwe wachtwoordzin")
    elif sys.stdin and sys.stdin.isatty():
        value = getpass.getpass("Nieuwe wachtwoordzin: ")
        if getpass.getpass("Herhaal de nieuwe wachtwoordzin: ") != value:
            raise CliError("De twee wachtwoordzinnen zijn niet gelijk.")
    else:
        raise CliError("Geef de nieuwe wachtwoordzin met --new-passphrase-file.")
    refused = problems(value)
    if refused:
        raise CliError(refused[0])
    print(f"Sterkte van de nieuwe wachtwoordzin: {strength(value).label}.")
    return value


def cmd_backup(args: argparse.Namespace) -> int:
    from app.storage.backup import make_backup, rotate

    with open_register(args, backup=False) as reg:
        made = make_backup(reg, out=Path(args.out) if args.out else None)
        if not args.out:
            rotate(reg.path)
    print(f"Back-up gemaakt: {made} (met de sleutelring ernaast).")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from app.storage.backup import finish_restore
    from app.storage.restore import restore

    path = db_path(args)
    code = (_read_secret_file(args.recovery_code_file, "herstelcode")
            if args.recovery_code_file else None)
    passphrase = None if code else read_passphrase(args)
    done = restore(path, Path(args.source), passphrase=passphrase, code=code)
    # the restored register's first open: re-sealed, audited, purge run again
    from app.storage.repository import Register

    reg = (Register.open_with_recovery_code(path, code) if code
           else Register.open(path, passphrase or ""))
    with reg:
        finish_restore(reg, done.backup.name, done.set_aside)
    print(f"Back-up {done.backup.name} teruggezet ({done.events} eigen stappen).")
    if done.set_aside:
        print(f"Het vervangen register staat in {done.set_aside}.")
    if done.missing_sent:
        print(f"Let op: deze back-up mist {done.missing_sent} eigen stappen die al in een "
              "bundel naar de teamleider zijn gegaan. Lees eerst de volledige bundel van de "
              "teamleider in; tot dan legt dit register geen nieuwe stappen vast.")
    return 0


def cmd_seal(args: argparse.Namespace) -> int:
    if not args.accept:
        raise CliError("Gebruik 'seal --accept --reason TEKST' om de huidige stand van het "
                       "register te aanvaarden.")
    with open_register(args, backup=False) as reg:
        if not reg.read_only:
            print("Het register loopt niet achter op zijn zegel; er is niets te aanvaarden.")
            return 0
        reg.accept_seal(args.reason)
    print("De huidige stand is aanvaard en opnieuw verzegeld (vastgelegd in het "
          "auditlogboek).")
    return 0


def cmd_passphrase(args: argparse.Namespace) -> int:
    from app.storage.keys import change_passphrase

    with open_register(args, backup=False) as reg:
        change_passphrase(reg, new_passphrase(args))
    print("De wachtwoordzin is gewijzigd. Oude back-ups openen met de wachtwoordzin die gold "
          "toen ze werden gemaakt, of met de herstelcode.")
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    from app.storage.keys import recover

    code = _read_secret_file(args.recovery_code_file, "herstelcode")
    passphrase = new_passphrase(args)
    with recover(db_path(args), code, passphrase):
        pass
    print("Het register is geopend met de herstelcode en heeft een nieuwe wachtwoordzin. "
          "Maak daarna een nieuwe sleutel ('casusregister rekey') als de herstelcode in "
          "verkeerde handen kan zijn gekomen.")
    return 0


def cmd_rekey(args: argparse.Namespace) -> int:
    from app.cli.register_cmds import write_secret
    from app.storage.keys import rekey

    out = Path(args.recovery_code_out) if args.recovery_code_out else None
    if out is not None and (out.exists() or not out.parent.is_dir()):
        raise CliError(f"Kan de herstelcode niet naar {out} schrijven: het bestand bestaat al "
                       "of de map bestaat niet.")
    passphrase = read_passphrase(args)
    from app.storage.repository import Register

    with Register.open(db_path(args), passphrase, lock=True) as reg:
        code = rekey(reg, passphrase)
    print("Het register heeft een nieuwe gegevenssleutel. Oudere back-ups zijn verwijderd; "
          "er is een nieuwe back-up gemaakt.")
    if out is not None:
        write_secret(out, f"Herstelcode: {code}\n")
        print(f"De nieuwe herstelcode staat in {out}.")
    else:
        print("De oude herstelcode werkt niet meer. Bewaar de nieuwe bij de teamleider:")
        print(f"Herstelcode: {code}")
    return 0


def add_commands(sub: Any, exp: Any) -> None:
    """backup, restore, seal, passphrase, recover, rekey."""
    p = sub.add_parser("backup", help="maak een versleutelde back-up (met sleutelring)")
    register_args(p)
    p.add_argument("--out", metavar="BESTAND", help="waar (standaard: de map met back-ups)")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="zet een back-up terug (het huidige register blijft "
                                       "bewaard)")
    register_args(p)
    p.add_argument("--from", dest="source", required=True, metavar="BESTAND")
    p.add_argument("--recovery-code-file", metavar="BESTAND",
                   help="open met de herstelcode in plaats van de wachtwoordzin")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("seal", help="aanvaard een register dat achterloopt op zijn zegel")
    register_args(p)
    p.add_argument("--accept", action="store_true", required=True)
    p.add_argument("--reason", required=True, metavar="TEKST")
    p.set_defaults(func=cmd_seal)

    p = sub.add_parser("passphrase", help="wijzig de wachtwoordzin")
    register_args(p)
    p.add_argument("--new-passphrase-file", metavar="BESTAND")
    p.set_defaults(func=cmd_passphrase)

    p = sub.add_parser("recover", help="wachtwoordzin vergeten: open met de herstelcode")
    register_args(p)
    p.add_argument("--recovery-code-file", required=True, metavar="BESTAND")
    p.add_argument("--new-passphrase-file", metavar="BESTAND")
    p.set_defaults(func=cmd_recover)

    p = sub.add_parser("rekey", help="nieuwe gegevenssleutel en herstelcode")
    register_args(p)
    p.add_argument("--recovery-code-out", metavar="BESTAND")
    p.set_defaults(func=cmd_rekey)
