"""How the program starts: the console command, the windowed program, ``python -m app``.

Three ways in, one ``app.cli.main``:

- ``cli()``: pip's ``casusregister`` command, ``python -m app`` and the frozen
  ``casusregister-cli`` (a console program: every command, with its output);
- ``gui()``: the frozen windowed ``Casusregister`` and pip's ``casusregister-gui``.

A windowed program on Windows has no console: ``sys.stdout`` and ``sys.stderr`` are
None and the first print would crash it (docs/PLATFORM.md). ``gui()`` points stderr at the log
file (the CLI's last guard writes tracebacks without messages there, never case data)
and stdout at the null device. A command's output would vanish there, so the windowed
program given a command says so and names ``casusregister-cli`` instead.

Windows writes redirected output (``> lijst.json``, a pipe into a script) in the ANSI
code page, which cannot hold every character a handler types; ``cli()`` switches
redirected streams to UTF-8 there, so a team lead's script reads the same bytes on every
laptop. A real console needs nothing: Python writes it as Unicode.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

LOG_NAME = "casusregister.log"
#: Set by packaging/smoke.sh only: a file that receives the time the first window showed.
START_PROBE = "CASUSREGISTER_START_PROBE"


def log_path() -> Path:
    from app.storage.paths import log_dir

    return log_dir() / LOG_NAME


def log_file() -> Any:
    """The log, appended, created 0600 in a 0700 folder (POSIX)."""
    from app.storage.files import open_private, private_dir

    path = log_path()
    private_dir(path.parent)
    return open_private(path, "a")


def attach_missing_streams() -> bool:
    """Give a windowed program somewhere to write; True when it had no console."""
    missing = sys.stdout is None or sys.stderr is None
    if sys.stdout is None:
        sys.stdout = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    if sys.stderr is None:
        try:
            sys.stderr = log_file()
        except OSError:
            sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    return missing


def utf8_when_redirected(platform: str | None = None) -> None:
    """Windows: redirected stdout/stderr in UTF-8 instead of the ANSI code page."""
    if (platform or sys.platform) != "win32":
        return
    for stream in (sys.stdout, sys.stderr):
        if stream is None or _is_console(stream):
            continue
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        reconfigure = getattr(stream, "reconfigure", None)
        if encoding != "utf8" and reconfigure is not None:
            reconfigure(encoding="utf-8")


def _is_console(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (OSError, ValueError):
        return False


def cli(argv: Sequence[str] | None = None) -> int:
    from app.cli import main

    attach_missing_streams()
    utf8_when_redirected()
    return main(argv)


def wants_command(args: Sequence[str]) -> bool:
    """Whether the arguments ask for a command (or help, or the version) and not the GUI."""
    from app.cli.main import build_parser

    quiet = io.StringIO()
    try:
        with contextlib.redirect_stdout(quiet), contextlib.redirect_stderr(quiet):
            namespace, rest = build_parser().parse_known_args(list(args))
    except SystemExit:
        return True  # --help, --version or a usage error: all need a console
    return getattr(namespace, "func", None) is not None or bool(rest)


def gui(argv: Sequence[str] | None = None) -> int:
    from app.cli import main

    args = list(sys.argv[1:] if argv is None else argv)
    no_console = attach_missing_streams()
    if no_console and wants_command(args):
        from app.ui.console_notice import use_the_cli

        return use_the_cli(args)
    probe = os.environ.get(START_PROBE)
    if probe:  # packaging/smoke.sh: when is the first window on screen?
        from app.ui.start_probe import install

        install(Path(probe))
    return main(args)


__all__ = ["attach_missing_streams", "cli", "gui", "log_file", "log_path", "utf8_when_redirected",
           "wants_command"]
