"""The frozen windowed program ``Casusregister``: the GUI (``--demo`` and ``--db`` work)."""

import sys

from app.launch import gui

sys.exit(gui())
