"""What every command shares: the passphrase, the register path, dates and usage errors.

A person who mistypes gets one Dutch line (exit 2 for usage, 1 for everything else);
the commands themselves live in small modules beside this one and only parse, call
the storage and export API, and print.
"""

from __future__ import annotations

import argparse
import getpass
import os
import re
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from app.model.errors import UserError
from app.model.kinds import Status
from app.model.os_errors import describe_os_error

PASSPHRASE_ENV = "CASUSREGISTER_PASSPHRASE"
#: The derived statuses of docs/DOMAIN.md (a fixed list: filters take exactly these).
STATUSES: tuple[str, ...] = tuple(Status)

Handler = Callable[[argparse.Namespace], int]


class CliError(UserError):
    pass


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is geen datum in de vorm JJJJ-MM-DD") from None


def read_passphrase(args: argparse.Namespace, *, confirm: bool = False) -> str:
    """From --passphrase-file, then the environment, then a prompt (twice for init)."""
    file = getattr(args, "passphrase_file", None) or getattr(args, "root_passphrase_file", None)
    if file:
        return read_secret_file(file, f"wachtwoordbestand {file}")
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


def read_secret_file(file: str, name: str) -> str:
    """A passphrase or recovery code kept in a file, without the line ends an editor
    adds; ``name`` is the file in Dutch words for the one line of a refusal
    ("wachtwoordbestand X", "bestand met de herstelcode (X)")."""
    try:
        value = Path(file).read_text(encoding="utf-8").strip("\r\n")
    except OSError as exc:
        raise CliError(f"Kan het {name} niet lezen: {describe_os_error(exc)}.") from None
    if not value:
        raise CliError(f"Het {name} is leeg.")
    return value


def db_path(args: argparse.Namespace, default: Callable[[], Path] | None = None) -> Path:
    """``--db`` after the command, or before it (``casusregister --db X list``)."""
    from app.storage.paths import default_db

    chosen = getattr(args, "db", None) or getattr(args, "root_db", None)
    return Path(chosen) if chosen else (default or default_db)()


def open_register(args: argparse.Namespace, *, lock: bool = False, backup: bool = True
                  ) -> Any:
    """Unlock a register for a command, as the GUI does.

    Earlier failed attempts are waited out first (the back-off lives in the keyring,
    so a loop of guesses from a script is as slow as one at the window). Commands run
    beside the GUI (``lock`` only for restore and rekey) and the day's first unlock
    makes the daily backup, which also reads and authenticates every page.
    """
    from app.storage.backup import daily
    from app.storage.errors import RegisterDamaged, StorageError
    from app.storage.repository import Register
    from app.storage.unlock_log import remaining_delay

    path = db_path(args)
    passphrase = read_passphrase(args)
    wait = remaining_delay(path)
    if wait:
        print(f"casusregister: wacht {wait} s na eerdere mislukte pogingen om te ontgrendelen.",
              file=sys.stderr)
        time.sleep(wait)
    reg = Register.open(path, passphrase, lock=lock)
    try:
        announce(reg)
        if backup and not reg.read_only:
            try:
                daily(reg)
            except RegisterDamaged:
                raise  # the copy met a bad page: stop before anything spreads it
            except StorageError as exc:
                print(f"casusregister: waarschuwing: geen dagelijkse back-up: {exc}",
                      file=sys.stderr)
    except BaseException:
        reg.close()
        raise
    return reg


def announce(reg: Any) -> None:
    """What a person must know right after unlocking: a new recovery code (shown once,
    on stderr so it never mixes with a command's output) and a read-only register."""
    if reg.new_recovery_code:
        print("casusregister: het register is overgezet op een eigen gegevenssleutel. Bewaar "
              "deze herstelcode op papier bij de teamleider; hij wordt niet opnieuw getoond.",
              file=sys.stderr)
        print(f"Herstelcode: {reg.new_recovery_code}", file=sys.stderr)
        reg.new_recovery_code = None
    if reg.read_only:
        from app.storage.repository import read_only_message

        print(f"casusregister: waarschuwing: {read_only_message(reg.behind_seal)}",
              file=sys.stderr)


def out_path(value: str, *, folder: bool = False) -> Path:
    """Where an export goes, refused before any work when its folder does not exist.

    The writers refuse too (no export ever makes a folder); checking here first spares
    the handler the wait and the warnings of an export that cannot be saved.
    """
    from app.storage.files import existing_folder

    path = Path(value).expanduser()
    existing_folder(path if folder else path.parent)
    return path


def usage_error(command: str, message: str) -> None:
    """A combination argparse cannot express: the same exit 2 and message form."""
    print(f"casusregister {command}: gebruiksfout: {message}", file=sys.stderr)
    raise SystemExit(2)


#: argparse's English error texts (Python 3.11-3.13) and their Dutch form. They are
#: translated in ``Parser.error`` only, so the standard library stays untouched for
#: every other user in the process.
_ERRORS_NL: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), dutch) for pattern, dutch in (
        (r"^argument (\S+): ", r"argument \1: "),
        (r"the following arguments are required: ", "deze argumenten ontbreken: "),
        (r"invalid choice: (.*) \(choose from (.*)\)", r"ongeldige keuze: \1 (kies uit \2)"),
        (r"unrecognized arguments: ", "onbekende argumenten: "),
        (r"expected one argument", "verwacht één waarde"),
        (r"expected at least one argument", "verwacht minstens één waarde"),
        (r"expected at most one argument", "verwacht hoogstens één waarde"),
        (r"invalid \S+ value: ", "ongeldige waarde: "),
        (r"not allowed with argument ", "niet samen te gebruiken met "),
        (r"one of the arguments (.*) is required", r"een van de argumenten \1 is verplicht"),
        (r"ambiguous option: (\S+) could match (.*)", r"dubbelzinnige optie: \1 kan \2 zijn"),
        (r"ignored explicit argument ", "genegeerde waarde "),
    ))


def dutch_error(message: str) -> str:
    for pattern, dutch in _ERRORS_NL:
        message = pattern.sub(dutch, message)
    return message


class DutchHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: str | None, actions: Any, groups: Any,
                  prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "gebruik: " if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """argparse with Dutch help and usage errors (exit 2, no traceback).

    Every text argparse would write in English is replaced here, on our own parsers:
    the help option, the section titles, the usage prefix and the error messages.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", DutchHelpFormatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumenten"
        self._optionals.title = "opties"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                          help="toon deze hulp en stop")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: gebruiksfout: {dutch_error(message)}\n")


def register_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", metavar="PAD", help="het register (standaard: in de gebruikersmap)")
    p.add_argument("--passphrase-file", metavar="BESTAND",
                   help=f"bestand met de wachtwoordzin (anders {PASSPHRASE_ENV} of een vraag)")


def period_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="start", required=True, type=iso_date, metavar="DATUM")
    p.add_argument("--to", dest="end", required=True, type=iso_date, metavar="DATUM")


def override_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--override-lint", metavar="REDEN",
                   help="ga door ondanks mogelijke persoonsgegevens (wordt gelogd)")
