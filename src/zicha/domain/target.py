"""Targets: a bound on an indicator for an org unit and a period, worth some points."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from zicha.domain.numbers import plain
from zicha.domain.period import Period

Op = Literal["<=", "<", ">=", ">", "=", "range"]


@dataclass(frozen=True)
class Bound:
    """What a figure must satisfy: a cap, a floor, an exact value or an inclusive range.

    >>> Bound("<=", 510.0).satisfied(467.0)
    True
    >>> Bound("range", low=105.0, high=107.0).shortfall(109.5)
    2.5
    """

    op: Op
    value: float | None = None
    low: float | None = None
    high: float | None = None

    def satisfied(self, x: float) -> bool:
        if self.op == "range":
            assert self.low is not None and self.high is not None
            return self.low <= x <= self.high
        assert self.value is not None
        v = self.value
        if self.op == "<=":
            return x <= v
        if self.op == "<":
            return x < v
        if self.op == ">=":
            return x >= v
        if self.op == ">":
            return x > v
        return math.isclose(x, v, rel_tol=1e-12, abs_tol=1e-12)

    def shortfall(self, x: float) -> float:
        """How far x misses the bound (0 when satisfied); a range misses by its nearer bound.

        >>> Bound(">=", 85.0).shortfall(82.5)
        2.5
        """
        if self.satisfied(x):
            return 0.0
        if self.op == "range":
            assert self.low is not None and self.high is not None
            return self.low - x if x < self.low else x - self.high
        assert self.value is not None
        return abs(x - self.value)

    @property
    def is_cap(self) -> bool:
        return self.op in ("<=", "<")

    @property
    def is_floor(self) -> bool:
        return self.op in (">=", ">")

    def text(self) -> str:
        """The bound as a clerk writes it.

        >>> Bound("range", low=105, high=107).text()
        '105～107'
        """
        if self.op == "range":
            return f"{plain(self.low)}～{plain(self.high)}"
        symbol = {"<=": "≤", "<": "<", ">=": "≥", ">": ">", "=": "="}[self.op]
        return f"{symbol}{plain(self.value)}"


@dataclass(frozen=True)
class Revision:
    """One version of a target: from `valid_from` on, `bound` (None: no target any more) and
    `points`."""

    valid_from: date
    bound: Bound | None
    points: float | None = None

    def text(self) -> str:
        """The version as a reviewer reads it.

        >>> Revision(date(2011, 5, 1), Bound("<=", 480.0), 10.0).text()
        '2011年5月1日起≤480（10分）'
        """
        when = f"{self.valid_from.year}年{self.valid_from.month}月{self.valid_from.day}日起"
        return when + target_text(self.bound, self.points)


def target_text(bound: Bound | None, points: float | None = None) -> str:
    """A target and its own points as a reviewer writes them.

    >>> target_text(Bound(">=", 85.0), 15.0), target_text(None)
    ('≥85（15分）', '不再考核')
    """
    if bound is None:
        return "不再考核"
    return bound.text() + (f"（{plain(points)}分）" if points is not None else "")


@dataclass(frozen=True)
class Target:
    """A bound on an indicator for an org unit over a period, with points (None: use the pack's).

    A target may be revised during its period: each version is a `Target` in force from
    `valid_from` (None: the period's start) until the day before `valid_to` (None: the period's
    end), and every version carries the whole history in `revisions`, oldest first (empty when
    it was never revised). A period is judged by the version in force on its last day.
    """

    org_unit: str
    period: Period
    indicator: str
    bound: Bound
    points: float | None = None
    source: str | None = None
    valid_from: date | None = None
    valid_to: date | None = None
    revisions: tuple[Revision, ...] = ()
    #: the row of the sheet it was read from (None: not read from a sheet)
    row: int | None = None

    def in_force(self, day: date) -> bool:
        """Whether this version applies on `day`.

        >>> from zicha.domain.period import parse_period
        >>> t = Target("510001", parse_period("2010Oct"), "births", Bound("<=", 510.0),
        ...            valid_to=date(2011, 5, 1))
        >>> t.in_force(date(2011, 3, 31)), t.in_force(date(2011, 9, 30))
        (True, False)
        """
        if self.valid_from is not None and day < self.valid_from:
            return False
        return self.valid_to is None or day < self.valid_to

    @property
    def revised(self) -> bool:
        """Whether the target was set or changed after its period had begun."""
        return bool(self.revisions)


def versioned_targets(
    versions: Iterable[tuple[str, Period, str, Revision]], source: str | None = None
) -> list[Target]:
    """Targets from their versions (unit, period, indicator, revision): one `Target` for each
    version that sets a bound, in force until the next version starts, each carrying the whole
    history. Targets come out in the order their first version came in.

    >>> from zicha.domain.period import parse_period
    >>> year = parse_period("2010Oct")
    >>> ts = versioned_targets([
    ...     ("510001", year, "births", Revision(date(2010, 10, 1), Bound("<=", 510.0))),
    ...     ("510001", year, "births", Revision(date(2011, 5, 1), Bound("<=", 480.0))),
    ... ])
    >>> [(t.bound.value, t.valid_from, t.valid_to) for t in ts]
    [(510.0, None, datetime.date(2011, 5, 1)), (480.0, datetime.date(2011, 5, 1), None)]
    """
    groups: dict[tuple[str, str, str], tuple[Period, list[Revision]]] = {}
    for org, period, indicator, revision in versions:
        groups.setdefault((org, period.id, indicator), (period, []))[1].append(revision)
    out: list[Target] = []
    for (org, _, indicator), (period, revisions) in groups.items():
        history = tuple(sorted(revisions, key=lambda r: r.valid_from))
        whole = len(history) == 1 and history[0].valid_from <= period.start
        for i, r in enumerate(history):
            if r.bound is None:
                continue
            until = history[i + 1].valid_from if i + 1 < len(history) else None
            out.append(
                Target(
                    org,
                    period,
                    indicator,
                    r.bound,
                    r.points,
                    source,
                    r.valid_from if r.valid_from > period.start else None,
                    until,
                    () if whole else history,
                )
            )
    return out
