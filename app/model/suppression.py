"""Small-number suppression that a published total cannot undo (docs/ARCHITECTURE.md, issue 11).

Showing a count from 1 to 4 as "< 5" protects nobody when the table's total stands
next to it: route IBTD = 150 - 79 - 40 - 16 - 12 = 3. So suppression works on the
whole output at once, with every sum the output publishes written down as a
``Relation`` (a breakdown and its total, a row or column of a two-way table, the
weighted sum behind a mean score), and hides more than the small counts:

1. **Primary**: every count from 1 to ``below - 1``.
2. **Lines**: in a breakdown, row or column where exactly one cell is hidden, the next
   smallest non-zero cell is hidden too (the rule statistical offices use).
3. **No way back**: whatever the lines rule left, the hidden cells are solved for as an
   evaluator with a spreadsheet would: from every relation at once (exact linear
   algebra) and from what the markers say (a "< 5" lies between 1 and 4, a cell hidden
   to protect another is at least ``below``, a shown 0 is 0). While any hidden cell
   comes out exactly, the next smallest non-zero cell of one of its relations is
   hidden as well.

Secondary cells are not "< 5" (that would be untrue); the output marks them with
``SECONDARY_MARK`` and a footnote. Everything here is pure and deterministic: the same
figures in the same output always hide the same cells.

What it cannot do: zeros are printed (nobody is behind them), so a breakdown whose
every non-zero cell is small and whose total is small too still tells, by bounds
alone, that four "< 5" cells under a "< 5" total are 1 each; such cells are listed in
``Suppression.exposed`` rather than hiding zeros. Whole-number reasoning that combines
relations (a mean over a few scores) is beyond the check, but the weighted sum behind a
printed mean does take part in the linear algebra.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from math import ceil, floor, inf

from app.model.codelists import Codelists

Cell = Hashable

#: How a cell hidden to protect another one is shown (CBS's sign for "geheim").
SECONDARY_MARK = "×"


def secondary_note(below: int) -> str:
    """The footnote under a table with a ``SECONDARY_MARK`` in it."""
    return (f"{SECONDARY_MARK} = afgeschermd (minstens {below}), zodat een klein aantal in "
            "deze tabel niet uit het totaal is terug te rekenen.")


class Unpublished:
    """A sum that holds but is not printed (a row total of a two-way table that counts
    cases under several columns): an unknown, never a cell to hide."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Unpublished({self.name!r})"


@dataclass(frozen=True)
class Relation:
    """``sum(coefficient * cell) == 0`` over the cells of one output.

    ``parts`` are the cells the lines rule looks at (a breakdown's categories, a row of
    a table); the other terms (its total) only take part in solving.
    """

    terms: tuple[tuple[Cell, int], ...]
    parts: tuple[Cell, ...] = ()
    line: bool = True

    @classmethod
    def total_of(cls, total: Cell, parts: Iterable[Cell]) -> Relation:
        """A breakdown whose categories add up to a published total."""
        ps = tuple(parts)
        return cls(((total, -1), *((p, 1) for p in ps)), ps)

    @classmethod
    def line_of(cls, parts: Iterable[Cell], name: str) -> Relation:
        """A row or column of a two-way table whose sum is not printed."""
        ps = tuple(parts)
        return cls(((Unpublished(name), -1), *((p, 1) for p in ps)), ps)

    @classmethod
    def weighted(cls, total: Cell, parts: Iterable[Cell], weights: Iterable[int]
                 ) -> Relation:
        """``total == sum(weight * part)``: the sum of scores behind a mean score."""
        ps = tuple(parts)
        return cls(((total, -1), *zip(ps, weights, strict=True)), ps, line=False)

    @classmethod
    def equal(cls, left: Iterable[Cell], right: Iterable[Cell]) -> Relation:
        """Two families of cells with the same sum (resolved cases two ways)."""
        ls, rs = tuple(left), tuple(right)
        return cls(((*((c, 1) for c in ls), *((c, -1) for c in rs))), ls, line=False)


@dataclass(frozen=True)
class Suppression:
    """Which cells an output hides: ``primary`` as "< below", ``secondary`` marked."""

    below: int
    primary: frozenset[Cell] = frozenset()
    secondary: frozenset[Cell] = frozenset()
    #: Hidden cells still exactly recoverable (only when nothing was left to hide).
    exposed: frozenset[Cell] = field(default_factory=frozenset)

    def hidden(self, cell: Cell) -> bool:
        return cell in self.primary or cell in self.secondary

    def mark(self, cell: Cell) -> str | None:
        """What to print instead of the value, or None to print the value."""
        if cell in self.primary:
            return f"< {self.below}"
        if cell in self.secondary:
            return SECONDARY_MARK
        return None


NO_SUPPRESSION = Suppression(below=0)

#: Figures that are not counts, and the count each rests on: a median or mean over a
#: hidden number of cases would give that number (or its cases) away, so it is hidden
#: with it.
VALUE_BASIS: dict[str, str] = {
    "triage.days.median": "triage.total",
    "interview.citizen.mean": "interview.citizen.n",
    "interview.helper.mean": "interview.helper.n",
    **{f"leadtime.{kind}.{stat}": "closed.total"
       for kind in ("gross", "net") for stat in ("median_days", "mean_days", "p90_days",
                                                 "max_days")},
}


def suppress(values: Mapping[Cell, int | None], relations: Sequence[Relation],
             below: int, *, fixed: Mapping[Cell, int | None] | None = None) -> Suppression:
    """Decide which cells of one output to hide.

    ``values`` holds every count the output prints (None: printed as empty). ``fixed``
    holds numbers the relations need that are printed as they are or not at all (None)
    and are never hidden by this function, such as the sum of scores behind a printed
    mean. A cell in a relation but in neither mapping counts as not printed.
    """
    if below <= 1:
        return Suppression(below=below)
    counts = {c: v for c, v in values.items() if isinstance(v, int)}
    primary = {c for c, v in counts.items() if 0 < v < below}
    secondary: set[Cell] = set()
    fixed = fixed or {}
    order = {c: i for i, c in enumerate(counts)}

    def candidates(rel: Relation, *, parts_only: bool) -> list[Cell]:
        cells = rel.parts if parts_only else tuple(c for c, _ in rel.terms)
        found = [c for c in cells if c in counts and counts[c] > 0
                 and c not in primary and c not in secondary]
        return sorted(found, key=lambda c: (counts[c], order[c]))

    for _ in range(len(counts) + 1):
        changed = False
        # The lines rule: one hidden cell in a line gets a second one.
        for rel in relations:
            if not rel.line:
                continue
            hidden = [c for c in rel.parts if c in primary or c in secondary]
            if len(hidden) == 1:
                found = candidates(rel, parts_only=True)
                if found:
                    secondary.add(found[0])
                    changed = True
        if changed:
            continue
        # No way back: solve for the hidden cells; hide more where one comes out.
        exposed = recoverable(counts, fixed, relations, primary, secondary, below)
        if not exposed:
            return Suppression(below, frozenset(primary), frozenset(secondary))
        used: set[int] = set()
        for cell in sorted(exposed, key=lambda c: order.get(c, len(order))):
            options = [(i, r) for i, r in enumerate(relations)
                       if i not in used and any(c == cell for c, _ in r.terms)]
            options.sort(key=lambda ir: sum(1 for c, _ in ir[1].terms
                                            if c in primary or c in secondary))
            for i, rel in options:
                found = (candidates(rel, parts_only=True)
                         or candidates(rel, parts_only=False))
                if found:
                    secondary.add(found[0])
                    used.add(i)
                    changed = True
                    break
        if not changed:
            return Suppression(below, frozenset(primary), frozenset(secondary),
                               frozenset(exposed))
    raise AssertionError("suppression did not settle")  # pragma: no cover


# ---------------------------------------------------------------------------
# Solving for hidden cells, as an evaluator could


def recoverable(values: Mapping[Cell, int | None], fixed: Mapping[Cell, int | None],
                relations: Sequence[Relation], primary: Iterable[Cell],
                secondary: Iterable[Cell], below: int) -> set[Cell]:
    """The hidden cells whose exact value follows from what is printed.

    The evaluator knows every printed count, every relation, and what the markers say:
    a "< 5" is 1 to 4, a cell hidden to protect another is at least ``below`` (else it
    would read "< 5"), a sum that is not printed is at least 0. Two attacks, on each
    group of hidden cells that relations tie together: linear algebra (a cell whose unit
    vector lies in the row space of the relations restricted to the unknowns comes out
    whatever the values) and bounds narrowed through the relations until they meet
    (1 + a hidden cell of at least 5 = 6 gives the 1 away). Whole-number reasoning that
    combines relations (as a mean with a few scores allows) is beyond both.
    """
    hidden = set(primary) | set(secondary)
    if not hidden:
        return set()
    known: dict[Cell, int] = {}
    for c, v in values.items():
        if c not in hidden and isinstance(v, int):
            known[c] = v
    for c, v in fixed.items():
        if isinstance(v, int):
            known[c] = v
    rows: list[tuple[list[tuple[Cell, int]], int]] = []
    for rel in relations:
        terms = [(c, k) for c, k in rel.terms if c not in known]
        if terms:
            rows.append((terms, -sum(k * known[c] for c, k in rel.terms if c in known)))
    out: set[Cell] = set()
    for group in _groups(rows):
        unknowns = list(dict.fromkeys(c for terms, _ in group for c, _ in terms))
        out |= _linear(group, unknowns) & hidden
        out |= _bounds(group, unknowns, set(primary), set(secondary), below) & hidden
    return out


def _groups(rows: list[tuple[list[tuple[Cell, int]], int]]
            ) -> list[list[tuple[list[tuple[Cell, int]], int]]]:
    """Rows that share an unknown, transitively: each group is solved on its own."""
    parent: dict[Cell, Cell] = {}

    def find(c: Cell) -> Cell:
        while parent.setdefault(c, c) != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for terms, _ in rows:
        first = find(terms[0][0])
        for c, _ in terms[1:]:
            parent[find(c)] = first
    groups: dict[Cell, list[tuple[list[tuple[Cell, int]], int]]] = {}
    for row in rows:
        groups.setdefault(find(row[0][0][0]), []).append(row)
    return list(groups.values())


def _linear(rows: Sequence[tuple[list[tuple[Cell, int]], int]],
            unknowns: Sequence[Cell]) -> set[Cell]:
    """Unknowns fixed by the relations alone (reduced row echelon form, exact)."""
    index = {c: i for i, c in enumerate(unknowns)}
    pivots: list[tuple[int, dict[int, Fraction]]] = []
    for terms, _ in rows:
        row: dict[int, Fraction] = {}
        for c, k in terms:
            j = index[c]
            row[j] = row.get(j, Fraction(0)) + k
        row = {j: v for j, v in row.items() if v}
        for col, prow in pivots:  # pivot rows are kept reduced: one pass suffices
            f = row.get(col)
            if f:
                for j, v in prow.items():
                    row[j] = row.get(j, Fraction(0)) - f * v
                row = {j: v for j, v in row.items() if v}
        if not row:
            continue
        col = min(row)
        lead = row[col]
        row = {j: v / lead for j, v in row.items()}
        for i, (pcol, prow) in enumerate(pivots):
            f = prow.get(col)
            if f:
                new = dict(prow)
                for j, v in row.items():
                    new[j] = new.get(j, Fraction(0)) - f * v
                pivots[i] = (pcol, {j: v for j, v in new.items() if v})
        pivots.append((col, row))
    return {unknowns[col] for col, prow in pivots if len(prow) == 1}


def _bounds(rows: Sequence[tuple[list[tuple[Cell, int]], int]], unknowns: Sequence[Cell],
            primary: set[Cell], secondary: set[Cell], below: int) -> set[Cell]:
    """Unknowns whose whole-number bounds, narrowed through the relations, meet."""
    lo: dict[Cell, float] = {}
    hi: dict[Cell, float] = {}
    for c in unknowns:
        if c in primary:
            lo[c], hi[c] = 1, below - 1
        elif c in secondary:
            lo[c], hi[c] = below, inf
        else:
            lo[c], hi[c] = 0, inf
    for _ in range(50):
        moved = False
        for terms, const in rows:
            # sum(k * x) == const: each term lies between const minus the others' extremes.
            # Sums of the finite extremes, and how many are infinite (inf - inf is nan).
            lows = [min(k * lo[c], k * hi[c]) for c, k in terms]
            highs = [max(k * lo[c], k * hi[c]) for c, k in terms]
            low_inf = sum(1 for v in lows if v == -inf)
            high_inf = sum(1 for v in highs if v == inf)
            low_sum = sum(v for v in lows if v != -inf)
            high_sum = sum(v for v in highs if v != inf)
            for (c, k), own_low, own_high in zip(terms, lows, highs, strict=True):
                rest_low = (-inf if low_inf - (own_low == -inf) else
                            low_sum - (own_low if own_low != -inf else 0))
                rest_high = (inf if high_inf - (own_high == inf) else
                             high_sum - (own_high if own_high != inf else 0))
                a = const - rest_high  # the least k * x can be
                b = const - rest_low  # the most
                low, high = (a / k, b / k) if k > 0 else (b / k, a / k)
                if low != -inf and ceil(low - 1e-9) > lo[c]:
                    lo[c], moved = ceil(low - 1e-9), True
                if high != inf and floor(high + 1e-9) < hi[c]:
                    hi[c], moved = floor(high + 1e-9), True
        if not moved:
            break
    return {c for c in unknowns if lo[c] == hi[c]}


# ---------------------------------------------------------------------------
# What the catalogue's figures add up to (docs/DOMAIN.md semantics)


def catalogue_relations(cl: Codelists, column: Hashable) -> list[Relation]:
    """The sums that hold between catalogue figures of one column (period or year).

    Each follows from docs/DOMAIN.md: a case has one route, partner type and target group;
    a triage one decision and reason; a referral one destination; a closing one outcome
    and one answer on the powers; an opinion goes to one service; a signal has one
    theme, a submission one recipient; an open case falls in one age bucket; a score is
    1 to 10. Services, topics, grounds and powers count a case under each of several
    keys, so they add up to no total. ``column`` tags the cells: ``(column, key)``.
    """

    def cell(key: str) -> tuple[Hashable, str]:
        return (column, key)

    def per(prefix: str, list_name: str) -> list[tuple[Hashable, str]]:
        return [cell(f"{prefix}.{k}") for k in cl.keys(list_name)]

    services = cl.keys("service")
    rels = [
        Relation.total_of(cell("intake.total"), per("intake.by_route", "route")),
        Relation.total_of(cell("intake.total"), per("intake.by_partner_type", "partner_type")),
        Relation.total_of(cell("intake.total"), per("intake.by_target_group", "target_group")),
        Relation.total_of(cell("triage.total"), per("triage.by_decision", "triage_decision")),
        Relation.total_of(cell("triage.total"), per("triage.by_reason", "triage_reason")),
        Relation.total_of(cell("triage.by_decision.doorverwezen"),
                          per("triage.referred_to", "referred_to")),
        Relation.total_of(cell("treatment.escalations"),
                          per("treatment.escalations.by_level", "escalation_level")),
        Relation.total_of(cell("treatment.opinions_sent"),
                          [cell(f"cooperation.{s}.opinions") for s in services]),
        Relation.line_of(per("treatment.responses", "service_response"),
                         f"{column}:responses"),
        Relation.equal([cell(f"cooperation.{s}.adopted") for s in services],
                       [cell(f"treatment.responses.{r}") for r in ("overgenomen",
                                                                   "deels_overgenomen")]),
        Relation.total_of(cell("closed.total"), per("closed.by_outcome", "outcome")),
        Relation.total_of(cell("closed.total"),
                          per("closed.powers_sufficient", "powers_sufficient")),
        Relation.equal([cell("closed.resolved.without_escalation"),
                        cell("closed.resolved.after_escalation")],
                       [cell("closed.by_outcome.opgelost"),
                        cell("closed.by_outcome.deels_opgelost")]),
        Relation.total_of(cell("open.total"),
                          [cell(f"open.age.{b}") for b in ("0_4w", "4_8w", "8_13w",
                                                           "13_26w", "26w_plus")]),
        Relation.total_of(cell("signals.created"), per("signals.by_theme", "signal_theme")),
        Relation.total_of(cell("signals.submitted"),
                          per("signals.submitted.by_recipient", "signal_recipient")),
        Relation.line_of(per("signals.responses", "signal_response_status"),
                         f"{column}:signal_responses"),
    ]
    for who in ("citizen", "helper"):
        scores = [cell(f"interview.{who}.score.{n}") for n in range(1, 11)]
        rels.append(Relation.total_of(cell(f"interview.{who}.n"), scores))
        rels.append(Relation.weighted(score_sum(column, who), scores, range(1, 11)))
    return rels


def score_sum(column: Hashable, who: str) -> tuple[Hashable, str]:
    """The cell for the sum of scores a printed mean gives away (mean times count)."""
    return (column, f"interview.{who}.score_sum")


def printed_score_sum(figures: Mapping[str, int | float | None], who: str, below: int
                      ) -> int | None:
    """The sum of scores an output gives away by printing a mean, or None: the mean is
    shown as "te weinig" when the count of scores is small (it may be hidden for other
    reasons too; assuming it printed then only hides more)."""
    n = figures.get(f"interview.{who}.n")
    if not isinstance(n, int) or 0 < n < below:
        return None
    return sum(k * int(figures.get(f"interview.{who}.score.{k}") or 0) for k in range(1, 11))


def two_way(cells: Sequence[Sequence[Cell]], row_totals: Sequence[Cell] | None,
            column_totals: Sequence[Cell] | None, name: str) -> list[Relation]:
    """Rows and columns of a two-way table; a ``None`` total side is not a sum that
    holds (or is not printed), so those lines only get the lines rule."""
    rels: list[Relation] = []
    for i, row in enumerate(cells):
        if row_totals is not None:
            rels.append(Relation.total_of(row_totals[i], row))
        else:
            rels.append(Relation.line_of(row, f"{name}:row{i}"))
    for j in range(len(cells[0]) if cells else 0):
        col = [row[j] for row in cells]
        if column_totals is not None:
            rels.append(Relation.total_of(column_totals[j], col))
        else:
            rels.append(Relation.line_of(col, f"{name}:col{j}"))
    return rels


__all__ = [
    "NO_SUPPRESSION",
    "SECONDARY_MARK",
    "VALUE_BASIS",
    "Relation",
    "Suppression",
    "Unpublished",
    "catalogue_relations",
    "printed_score_sum",
    "recoverable",
    "score_sum",
    "secondary_note",
    "suppress",
    "two_way",
]
