"""The UI's words: one way to translate, one way to fill in a value, one for plurals.

Kept free of heavy imports: the unlock dialog and the windowed program's notice use
them before the register code is loaded.

How every text a user reads is written in ``app/ui``:

- ``tr("...")``, this module's function, under the one context "Casusregister";
  never ``self.tr()``. PySide's ``self.tr`` takes the context from the class of the
  object at run time, so a text of a base class is looked up under each subclass's
  name and a translation file would have to hold it once per subclass; it exists only
  on QObjects, so functions, data classes and models would still need a second way.
  One context works everywhere and a translation file holds each text once.
- Values go in with ``.format()`` and named fields: ``tr("Casus {number}")
  .format(number=n)``. The name tells a translator what goes where, and all values are
  filled in at once: a chain of ``.replace("%1", a).replace("%2", b)`` would also
  replace a "%2" that happens to be inside ``a`` (a title, a path a user typed).
  A literal brace in a text is written twice (``{{``).
- Counts use ``%n`` (Qt's own mark for plural forms) through ``plural()``, with the
  Dutch plural in brackets: ``plural(tr("%n dag(en)"), n)``.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication

CONTEXT = "Casusregister"

_PLURAL = re.compile(r"(\w+)\((\w+)\)")


def tr(text: str) -> str:
    """Translatable UI text (the program is Dutch; ``tr`` keeps the door open)."""
    return QCoreApplication.translate(CONTEXT, text)


def plural(text: str, n: int) -> str:
    """Fill in "%n" and pick "dag(en)" -> "dag"/"dagen" (the source texts are Dutch)."""
    text = text.replace("%n", str(n))
    return _PLURAL.sub(lambda m: m.group(1) if n == 1 else m.group(1) + m.group(2), text)


def count_text(n: int, one: str, many: str) -> str:
    """"%n" filled in, in the singular or the plural sentence (where the two sentences
    differ by more than a word's ending)."""
    return (one if n == 1 else many).replace("%n", str(n))
