"""``python -m app`` behaves exactly like the ``casusregister`` command."""

import sys

from app.cli import main

sys.exit(main())
