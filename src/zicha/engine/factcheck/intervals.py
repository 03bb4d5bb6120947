"""Closed intervals of the values a stated figure can stand for, and arithmetic on them.

A figure written 6.55 stands for anything from 6.545 to 6.555; an exact count 233 for 233 alone;
"200余人" for 200 and more. Two statements contradict each other only when no value of each
makes them agree: when their intervals do not meet.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

INF = math.inf
#: float noise allowed when intervals are compared
EPS = 1e-9


@dataclass(frozen=True)
class Interval:
    """[low, high]; either end may be infinite.

    >>> Interval(1, 2) + Interval(3, 4)
    Interval(low=4, high=6)
    >>> (Interval(6.545, 6.555) * Interval(1, 1)).meets(Interval(6.55, 6.55))
    True
    """

    low: float
    high: float

    @classmethod
    def point(cls, x: float) -> Interval:
        return cls(x, x)

    @property
    def mid(self) -> float:
        """The middle (the written value of a rounded figure); an end when the other is open."""
        if math.isinf(self.low):
            return self.high
        if math.isinf(self.high):
            return self.low
        return (self.low + self.high) / 2

    @property
    def bounded(self) -> bool:
        return not (math.isinf(self.low) or math.isinf(self.high))

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.low + other.low, self.high + other.high)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.low - other.high, self.high - other.low)

    def __neg__(self) -> Interval:
        return Interval(-self.high, -self.low)

    def scale(self, k: float) -> Interval:
        """k × the interval.

        >>> Interval(1, 2).scale(-2)
        Interval(low=-4, high=-2)
        """
        a, b = self.low * k, self.high * k
        return Interval(min(a, b), max(a, b))

    def __mul__(self, other: Interval) -> Interval:
        products = [_times(a, b) for a in (self.low, self.high) for b in (other.low, other.high)]
        return Interval(min(products), max(products))

    def __truediv__(self, other: Interval) -> Interval | None:
        """None when the divisor may be zero (nothing can be said)."""
        if other.low <= 0 <= other.high:
            return None
        inverse = Interval(_inverse(other.high), _inverse(other.low))
        return self * inverse

    def meets(self, other: Interval) -> bool:
        """Whether the two share a value (within float noise)."""
        tol = EPS * max(1.0, abs(self.mid), abs(other.mid))
        return self.low <= other.high + tol and other.low <= self.high + tol

    def gap(self, other: Interval) -> float:
        """How far apart the two are (0 when they meet).

        >>> Interval(1, 2).gap(Interval(2.5, 3))
        0.5
        """
        if self.meets(other):
            return 0.0
        return max(other.low - self.high, self.low - other.high)

    def intersect(self, other: Interval) -> Interval | None:
        low, high = max(self.low, other.low), min(self.high, other.high)
        return Interval(low, high) if low <= high else None


def total(items: Iterable[Interval]) -> Interval:
    """The sum of intervals.

    >>> total([Interval(1, 1), Interval(2, 3)])
    Interval(low=3.0, high=4.0)
    """
    out = Interval(0.0, 0.0)
    for i in items:
        out = out + i
    return out


def _times(a: float, b: float) -> float:
    if a == 0 or b == 0:
        return 0.0  # 0 × ∞ is 0 here: an exact zero stays zero
    return a * b


def _inverse(x: float) -> float:
    return 0.0 if math.isinf(x) else 1 / x
