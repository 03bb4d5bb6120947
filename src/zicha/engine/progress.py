"""Targets against time progress: "时间过半、任务过半" (DOMAIN.md §3).

Progress is judged on the year-to-date figure. A count is expected to grow with time, so a cap
already exceeded is failed and a floor already reached is met, whatever the date. Counts and
per-period rates are projected to the target period's end at the current pace; ratios and levels
are their own projection.
"""

from __future__ import annotations

from dataclasses import dataclass

from zicha.domain.pack import Indicator
from zicha.domain.result import Status
from zicha.domain.target import Bound


@dataclass(frozen=True)
class Judgement:
    status: Status
    projection: float | None
    judged: float | None
    completion: float | None


def projection(indicator: Indicator, to_date: float | None, elapsed: float) -> float | None:
    """The value expected at the target period's end at the current pace.

    >>> from zicha.domain.pack import Indicator
    >>> projection(Indicator("births", "出生人数", "人", "births"), 233.0, 0.5)
    466.0
    """
    if to_date is None:
        return None
    if indicator.kind in ("count", "rate"):
        return to_date / elapsed if elapsed > 0 else None
    return to_date


def _upper(bound: Bound) -> float | None:
    if bound.op in ("<=", "<", "="):
        return bound.value
    if bound.op == "range":
        return bound.high
    return None


def judge(
    indicator: Indicator,
    value: float | None,
    to_date: float | None,
    bound: Bound,
    elapsed: float,
) -> Judgement:
    """Status of one indicator against its bound.

    >>> from zicha.domain.pack import Indicator
    >>> births = Indicator("births", "出生人数", "人", "births")
    >>> judge(births, 233.0, 233.0, Bound("<=", 510.0), 182 / 365).status
    'on_track'
    >>> judge(births, 520.0, 520.0, Bound("<=", 510.0), 0.5).status
    'not_met'
    """
    proj = projection(indicator, to_date, elapsed)
    completion = None
    if indicator.kind == "count" and to_date is not None and bound.op != "range":
        assert bound.value is not None
        completion = to_date / bound.value if bound.value else None
    if value is None or to_date is None:
        return Judgement("no_data", proj, None, completion)
    final = elapsed >= 1.0
    if final:
        status: Status = "met" if bound.satisfied(to_date) else "not_met"
        return Judgement(status, proj, to_date, completion)
    if indicator.kind == "count":
        upper = _upper(bound)
        # settled already; the judged figure of a part of the period is still its projection
        if upper is not None and (to_date > upper or (bound.op == "<" and to_date >= upper)):
            return Judgement("not_met", proj, proj, completion)
        if bound.is_floor and bound.satisfied(to_date):
            return Judgement("met", proj, proj, completion)
    assert proj is not None
    status = "on_track" if bound.satisfied(proj) else "at_risk"
    return Judgement(status, proj, proj, completion)
