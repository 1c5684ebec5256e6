"""The frozen console program ``casusregister-cli``: every command, with its output."""

import sys

from app.launch import cli

sys.exit(cli())
