"""A synthetic, reproducible register for the demo, the tests and the benchmarks.

Real cases may never leave the office (AVG and fiscal secrecy), yet a newcomer needs a
full register to see what the program does (``casusregister --demo``), the test suite
needs a year that touches every rule, and the benchmarks need 10,000 or 100,000 cases
that behave like the real thing. One generator serves all three, so the demo, the
tests and the figures in docs/BENCHMARKS.md look at the same kind of data.

The result is an interchange dict (docs/INTERCHANGE.md), not rows in a register: the
importer is the one front door that validates and numbers cases, so demo data passes
exactly the checks a real import gets, and no second way of writing events exists.

Design choices worth knowing:

- Everything is drawn from one ``random.Random(seed)``, never the global generator,
  so the same arguments give the same register and a failing test or a benchmark
  figure can be reproduced. Personal data (P2) comes from a second generator derived
  from the same seed, so asking for it or not leaves every case otherwise identical.
- A case is simulated forward in time, one step after the other. A step that would
  fall after ``end`` stops the case there: late cases are simply still running, which
  gives the open, paused and pending cases a real register has on any given day.
- Every case follows the workflow rules of docs/DOMAIN.md on its date-sorted events, and
  each event list is in date order, so the file order and the importer's
  ``(date, position)`` order agree.
- Free text is composed from phrase lists without names, digits that could read as a
  BSN, phone number, postcode or birth date: the personal-data lint must find
  nothing, and a demo that trips it would teach the wrong habit.

Where things are: ``register.py`` (the entry point), ``generator.py`` (one case, one
signal), ``showcase.py`` (the open cases of the demo's last day), ``people.py``
(fictional contacts and P2), ``draws.py`` (weights), ``phrases.toml`` (the Dutch words,
read by ``phrases.py``), ``timeline.py`` and ``eventlists.py`` (dates and step lists).
The demo is not the domain: ``app/model`` never imports it; the storage layer's demo
register (``storage/demo_register.py``), the tests and the benchmarks do.
"""

from app.demo.register import synthetic_register

__all__ = ["synthetic_register"]
