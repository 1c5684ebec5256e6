"""``python -m app`` behaves exactly like ``casusregister`` (see ``app.launch``)."""

import sys

from app.launch import cli

sys.exit(cli())
