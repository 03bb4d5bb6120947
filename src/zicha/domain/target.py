"""Targets: a bound on an indicator for an org unit and a period, worth some points."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

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
            return f"{_num(self.low)}～{_num(self.high)}"
        symbol = {"<=": "≤", "<": "<", ">=": "≥", ">": ">", "=": "="}[self.op]
        return f"{symbol}{_num(self.value)}"


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


@dataclass(frozen=True)
class Target:
    """A bound on an indicator for an org unit over a period, with points (None: use the pack's)."""

    org_unit: str
    period: Period
    indicator: str
    bound: Bound
    points: float | None = None
    source: str | None = None
