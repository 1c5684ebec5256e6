"""The command line's entry point: one parser made of the command modules, one guard.

No logic lives here: every command parses its arguments, opens the register through
the storage API and prints. Errors a person can fix print one Dutch line on stderr
and exit 1; usage errors exit 2 (argparse); nothing ever prints a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence

from app import __version__
from app.cli import (
    audit_cmds,
    bundle_cmds,
    case_cmds,
    export_cmds,
    key_cmds,
    register_cmds,
    retention_cmds,
)
from app.cli.common import Handler, Parser
from app.model.errors import UserError, ValidationFailed
from app.model.os_errors import os_error_line, sqlite_os_problem


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="casusregister",
                    description="Casusregister van de Belangenbehartiger Belastingplichtigen "
                                "en Toeslaggerechtigden.")
    parser.add_argument("--version", action="version", version=f"casusregister {__version__}",
                        help="toon het versienummer en stop")
    parser.add_argument("--demo", action="store_true", help="open het demoregister")
    parser.add_argument("--db", dest="root_db", metavar="PAD",
                        help="het register (mag ook na de opdracht staan)")
    parser.add_argument("--passphrase-file", dest="root_passphrase_file", metavar="BESTAND",
                        help="bestand met de wachtwoordzin (mag ook na de opdracht staan)")
    sub = parser.add_subparsers(dest="command", parser_class=Parser, metavar="OPDRACHT")
    p = sub.add_parser("export", help="schrijf een export")
    exp = p.add_subparsers(dest="what", parser_class=Parser, metavar="SOORT", required=True)
    for module in (register_cmds, case_cmds, export_cmds, key_cmds, bundle_cmds,
                   retention_cmds, audit_cmds):
        module.add_commands(sub, exp)
    return parser


def _log_unexpected(exc: BaseException) -> str:
    """Write the traceback frames (not the message: it may hold case data) to the log."""
    try:
        from app.launch import log_file, log_path

        with log_file() as fh:
            fh.write(f"--- {type(exc).__name__}\n")
            fh.write("".join(traceback.format_tb(exc.__traceback__)))
        return str(log_path())
    except OSError:
        return "(geen logbestand)"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Handler | None = getattr(args, "func", None)
    try:
        if func is None:
            return register_cmds.cmd_gui(args)
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
        print(f"casusregister: fout: {os_error_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("casusregister: afgebroken.", file=sys.stderr)
        return 1
    except Exception as exc:  # the last guard: never a traceback
        from app.storage.db import DatabaseError

        if isinstance(exc, DatabaseError) and (problem := sqlite_os_problem(exc)):
            print(f"casusregister: fout: {problem}", file=sys.stderr)
            return 1
        if isinstance(exc, DatabaseError):
            print(f"casusregister: fout: het register is beschadigd of onleesbaar ({exc}). "
                  "Controleer het met 'casusregister verify' en zet zo nodig een back-up "
                  "terug.", file=sys.stderr)
            return 1
        where = _log_unexpected(exc)
        print(f"casusregister: onverwachte fout ({type(exc).__name__}); details in {where}",
              file=sys.stderr)
        return 1
