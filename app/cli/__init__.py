"""The command line: the second front door, for automation, team leads and tests.

``casusregister`` with no command opens the GUI; every command lives in a small module
of this package (``register_cmds``, ``case_cmds``, ``export_cmds``) and shares the
passphrase, path and error handling of ``common``.
"""

from app.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
