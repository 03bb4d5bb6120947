"""Ranking a unit's children by their assessment score (CONTRACT §5)."""

from __future__ import annotations

from zicha.domain.period import Period
from zicha.domain.result import Computation, Ranking, RankItem, RankRow
from zicha.engine.computation import Engine


def rank_rows(computations: list[Computation]) -> tuple[RankRow, ...]:
    """Order by score; a vetoed unit ranks after every unit that is not; equal totals share a
    rank (1, 2, 2, 4).

    Totals are compared after rounding to 1e-9 so that float noise does not split a tie.
    """
    ordered = sorted(
        computations,
        key=lambda c: (c.score.vetoed, -round(c.score.total, 9), c.org_unit.code),
    )
    rows: list[RankRow] = []
    previous: tuple[bool, float] | None = None
    rank = 0
    for position, c in enumerate(ordered, start=1):
        key = (c.score.vetoed, round(c.score.total, 9))
        if key != previous:
            rank = position
            previous = key
        items = tuple(
            RankItem(r.indicator.id, r.indicator.name, r.status, r.score, r.points)
            for r in c.indicators
            if r.target is not None
        )
        rows.append(RankRow(c.org_unit, c.score.total, c.score.max, c.score.vetoed, rank, items))
    return tuple(rows)


def rank(engine: Engine, org: str, period: Period) -> Ranking:
    """Score every child of `org` for `period` and rank them."""
    children = [u.code for u in engine.tree.children(org)]
    computations = engine.compute_many(children, period) if children else []
    return Ranking(engine.tree.get(org), period, rank_rows(computations))
