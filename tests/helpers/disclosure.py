"""An evaluator with a calculator: what can be recomputed from published totals?

Written apart from ``app.model.suppression`` on purpose: it only knows what an
output prints and which totals the catalogue's semantics make true (docs/DOMAIN.md), and
it solves what it can, over and over: a total with one unknown part gives the part;
parts all known give the total. Tests fail when it recomputes a hidden cell.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence

from app.model.codelists import Codelists

Cell = Hashable
Sum = tuple[Cell, tuple[Cell, ...]]  # (total, parts): total == sum(parts)

AGES = ("0_4w", "4_8w", "8_13w", "13_26w", "26w_plus")


def catalogue_sums(cl: Codelists) -> list[tuple[str, list[str]]]:
    """Totals and the keys that add up to them, from docs/DOMAIN.md's definitions alone."""

    def per(prefix: str, list_name: str) -> list[str]:
        return [f"{prefix}.{k}" for k in cl.keys(list_name)]

    sums = [
        ("intake.total", per("intake.by_route", "route")),
        ("intake.total", per("intake.by_partner_type", "partner_type")),
        ("intake.total", per("intake.by_target_group", "target_group")),
        ("triage.total", per("triage.by_decision", "triage_decision")),
        ("triage.total", per("triage.by_reason", "triage_reason")),
        ("triage.by_decision.doorverwezen", per("triage.referred_to", "referred_to")),
        ("treatment.escalations", per("treatment.escalations.by_level", "escalation_level")),
        ("treatment.opinions_sent", [f"cooperation.{s}.opinions" for s in cl.keys("service")]),
        ("closed.total", per("closed.by_outcome", "outcome")),
        ("closed.total", per("closed.powers_sufficient", "powers_sufficient")),
        ("open.total", [f"open.age.{a}" for a in AGES]),
        ("signals.created", per("signals.by_theme", "signal_theme")),
        ("signals.submitted", per("signals.submitted.by_recipient", "signal_recipient")),
    ]
    for who in ("citizen", "helper"):
        sums.append((f"interview.{who}.n", [f"interview.{who}.score.{n}" for n in range(1, 11)]))
    return sums


def recomputed(shown: Mapping[Cell, int | None], sums: Sequence[Sum]) -> dict[Cell, int]:
    """Every unknown cell (``None`` in ``shown``) that follows from the sums."""
    known = {c: v for c, v in shown.items() if v is not None}
    found: dict[Cell, int] = {}
    progress = True
    while progress:
        progress = False
        for total, parts in sums:
            cells = (total, *parts)
            missing = [c for c in cells if c not in known]
            if len(missing) != 1:
                continue
            (cell,) = missing
            rest = sum(known[p] for p in parts if p in known)
            value = known[total] - rest if cell != total else rest
            known[cell] = found[cell] = value
            progress = True
    return found


def hidden_recomputed(shown: Mapping[Cell, int | None], truth: Mapping[Cell, int],
                      sums: Iterable[Sum]) -> dict[Cell, int]:
    """The hidden cells the sums give back with their true value (must be empty)."""
    got = recomputed(shown, list(sums))
    return {c: v for c, v in got.items() if shown.get(c) is None and truth.get(c) == v}
