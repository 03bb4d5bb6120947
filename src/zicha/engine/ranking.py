"""Ranking a unit's children by their assessment score (CONTRACT §5)."""

from __future__ import annotations

from zicha.domain.period import Period
from zicha.domain.result import Computation, Ranking, RankItem, RankRow, Unranked
from zicha.engine.computation import Engine


def unranked(c: Computation) -> Unranked | None:
    """Why a unit cannot be ranked: nothing scored ("no_target"), or no scored item with data
    ("no_data"); None when it can. A unit with nothing to judge is not 0 beside real scores.

    >>> from zicha.domain.orgunit import OrgUnit
    >>> from zicha.domain.period import parse_period
    >>> unranked(Computation("x", OrgUnit("1", "乡"), parse_period("2024")))
    'no_target'
    """
    if c.score.max is None:
        return "no_target"
    scored = [r for r in c.indicators if r.points is not None]
    checked = c.checklist is not None and c.checklist.max is not None
    if scored and not checked and all(r.status == "no_data" for r in scored):
        return "no_data"
    return None


def rank_rows(computations: list[Computation]) -> tuple[RankRow, ...]:
    """Order by score; a vetoed unit ranks after every unit that is not; equal totals share a
    rank (1, 2, 2, 4). Units that cannot be ranked (`unranked`) come last, without a rank.

    Totals are compared after rounding to 1e-9 so that float noise does not split a tie.
    """
    ranked = [c for c in computations if unranked(c) is None]
    ordered = sorted(
        ranked,
        key=lambda c: (c.score.vetoed, -round(c.score.total or 0.0, 9), c.org_unit.code),
    )
    ordered += sorted((c for c in computations if unranked(c)), key=lambda c: c.org_unit.code)
    rows: list[RankRow] = []
    previous: tuple[bool, float] | None = None
    rank = 0
    for position, c in enumerate(ordered, start=1):
        items = tuple(
            RankItem(r.indicator.id, r.indicator.name, r.status, r.score, r.points)
            for r in c.indicators
            if r.target is not None
        )
        why = unranked(c)
        if why is not None:
            rows.append(
                RankRow(c.org_unit, c.score.total, c.score.max, c.score.vetoed, None, items, why)
            )
            continue
        key = (c.score.vetoed, round(c.score.total or 0.0, 9))
        if key != previous:
            rank = position
            previous = key
        rows.append(RankRow(c.org_unit, c.score.total, c.score.max, c.score.vetoed, rank, items))
    return tuple(rows)


def rank(engine: Engine, org: str, period: Period) -> Ranking:
    """Score every child of `org` for `period` and rank them."""
    children = [u.code for u in engine.tree.children(org)]
    computations = engine.compute_many(children, period) if children else []
    return Ranking(engine.tree.get(org), period, rank_rows(computations))
