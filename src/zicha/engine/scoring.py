"""The assessment method applied: points, deductions, pro-rata, veto, weights, split tasks.

CONTRACT §5: the judged figure is the one the status is judged on (the value for the target's own
period, the projection for a part of it); a range misses by the distance to its nearer bound.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

from zicha.domain.assessment import AssessmentItem, Mode
from zicha.domain.pack import Indicator, Pack
from zicha.domain.period import Period
from zicha.domain.result import Status
from zicha.domain.target import Bound, Target


def assessment_items(pack: Pack, sheet: Iterable[AssessmentItem]) -> dict[str, AssessmentItem]:
    """The pack's default method, overridden item by item by the workbook's sheet."""
    items = {item.key: item for item in pack.assessment}
    items.update({item.key: item for item in sheet})
    return items


def target_points(
    target: Target, item: AssessmentItem | None, indicator: Indicator
) -> float | None:
    """An item's points: the target's own, else the assessment item's, else the pack's.

    >>> from zicha.domain.period import parse_period
    >>> t = Target("510001", parse_period("2010Oct"), "births", Bound("<=", 510.0))
    >>> births = Indicator("births", "出生人数", "人", "births", points=5)
    >>> target_points(t, AssessmentItem("births", points=10), births)
    10
    >>> target_points(t, None, births)
    5
    """
    if target.points is not None:
        return target.points
    if item is not None and item.points is not None:
        return item.points
    return indicator.points


def scoring_mode(item: AssessmentItem | None, bound: Bound | None) -> Mode:
    """How an item is really scored: pro rata only applies to a floor, and an item without a
    method or without a bound is all or nothing.

    >>> scoring_mode(AssessmentItem("x", mode="pro_rata"), Bound("<=", 4.0))
    'all_or_nothing'
    >>> scoring_mode(AssessmentItem("x", mode="pro_rata"), Bound(">=", 80.0))
    'pro_rata'
    """
    if item is None:
        return "all_or_nothing"
    if item.mode == "fixed":
        return "fixed"
    if item.mode == "all_or_nothing" or bound is None:
        return "all_or_nothing"
    if item.mode == "pro_rata" and (not bound.is_floor or bound.value is None):
        return "all_or_nothing"
    return item.mode


def item_score(
    item: AssessmentItem | None,
    points: float | None,
    status: Status,
    judged: float | None,
    bound: Bound | None,
) -> float | None:
    """Points earned by one item (before its weight).

    >>> from zicha.domain.target import Bound
    >>> deduct = AssessmentItem("x", mode="deduct", step=0.1, deduct=0.3)
    >>> item_score(deduct, 10.0, "not_met", 84.75, Bound(">=", 85.0))  # 0.25 short: 3 steps
    9.1
    >>> item_score(AssessmentItem("x", mode="pro_rata"), 15.0, "not_met", 60.0, Bound(">=", 80.0))
    11.25
    """
    if points is None:
        return None
    good = status in ("met", "on_track")
    mode = scoring_mode(item, bound)
    if mode == "fixed":
        assert item is not None
        return points if good else max(0.0, points - (item.deduct or 0.0))
    if mode == "all_or_nothing":
        return points if good else 0.0
    assert item is not None and bound is not None
    if mode == "pro_rata":
        assert bound.value is not None
        if judged is None:
            return 0.0
        if bound.value <= 0:
            return points
        return points * max(0.0, min(1.0, judged / bound.value))
    # deduct: full points less `deduct` for every `step` (or part of one) of the miss
    if good:
        return points
    if judged is None:
        return 0.0
    miss = bound.shortfall(judged)
    step = item.step or 1.0
    # a miss of exactly n steps costs n steps, not n + 1 (the float division may land above n)
    steps = math.ceil(round(miss / step, 9))
    return max(0.0, round(points - steps * (item.deduct or 0.0), 9))


def due_share(split: tuple[float, ...], target: Period, on: date) -> float:
    """The share of a split task due by `on`: whole parts ended plus the running part pro rata.

    The target period is cut into len(split) equal parts (by months when they divide evenly,
    else by days).

    >>> from zicha.domain.period import parse_period
    >>> year = parse_period("2024")
    >>> due_share((4, 3, 3), year, date(2024, 4, 30))  # the first third (Jan–Apr) ends
    0.4
    >>> round(due_share((3, 3, 2, 2), year, date(2024, 6, 30)), 6)
    0.6
    """
    total = float(sum(split))
    bounds = _parts(target, len(split))
    done = 0.0
    for share, (start, end) in zip(split, bounds, strict=True):
        if on >= end:
            done += share
        elif on >= start:
            days = (end - start).days + 1
            done += share * ((on - start).days + 1) / days
    return min(1.0, done / total)


def _parts(target: Period, n: int) -> list[tuple[date, date]]:
    months = [m for m in target.months() if target.contains(m)]
    if months and len(months) % n == 0 and months[0].start == target.start:
        size = len(months) // n
        return [(months[i * size].start, months[(i + 1) * size - 1].end) for i in range(n)]
    days = target.days
    out: list[tuple[date, date]] = []
    start = target.start
    for i in range(n):
        end_offset = round(days * (i + 1) / n) - 1
        end = date.fromordinal(target.start.toordinal() + end_offset)
        out.append((start, end))
        start = date.fromordinal(end.toordinal() + 1)
    return out
