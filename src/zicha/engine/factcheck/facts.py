"""What a report states about each term, gathered from all its figures.

A term stated twice in one scope and role must be stated the same way: its value is where its
figures' intervals meet. A term not stated may still be known from its parts (a complete
partition) or bounded from below by them. Everything is kept in the term's own unit.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from zicha.domain.factcheck import Figure, Role
from zicha.domain.lexicon import Lexicon, Signed, Term
from zicha.domain.numbers import fmt_trim
from zicha.engine.factcheck.intervals import INF, Interval

#: how many units of the first make one of the second
_CONVERSIONS = {("元", "万元"): 1e-4, ("万元", "元"): 1e4, ("%", "‰"): 10.0, ("‰", "%"): 0.1}


def convert(x: float, unit: str, to: str) -> float:
    """A value in `unit` expressed in `to` (元 ↔ 万元, % ↔ ‰).

    >>> convert(31.75, "万元", "元"), convert(0.5, "%", "‰")
    (317500.0, 5.0)
    """
    if unit == to or not unit or not to:
        return x
    return x * _CONVERSIONS.get((unit, to), 1.0)


def interval_of(fig: Figure, to: str) -> Interval | None:
    """The values a figure allows, in unit `to`; None when it gives no usable bound."""
    if fig.low is None or fig.high is None:
        return None
    return Interval(convert(fig.low, fig.unit, to), convert(fig.high, fig.unit, to))


def step_of(fig: Figure, to: str) -> float:
    """One unit of the figure's last written place, in unit `to` (0 for an exact count)."""
    return abs(convert(fig.step, fig.unit, to))


def show(x: float, decimals: int = 2) -> str:
    """A number for a message: no trailing zeros, ∞ for an open end.

    >>> show(35572.5, 0), show(6.5500001), show(math.inf)
    ('35573', '6.55', '∞')
    """
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return fmt_trim(x, decimals)


def show_interval(i: Interval, decimals: int = 2, unit: str = "") -> str:
    """A computed value, its unit, and its range when it has one.

    >>> show_interval(Interval(35545.8, 35600.1), 0), show_interval(Interval(3.0, 3.0), 2, "人")
    ('35573（35546～35600）', '3人')
    """
    unit = unit_text(unit)
    if math.isinf(i.high):
        return f"{show(i.low, decimals)}{unit}以上"
    mid = show(i.mid, decimals)
    low, high = show(i.low, decimals), show(i.high, decimals)
    return f"{mid}{unit}" if low == high else f"{mid}{unit}（{low}～{high}）"


def unit_text(unit: str) -> str:
    """A unit as written after a number in a message (nothing for a ratio to 100)."""
    return "" if unit == ":100" else unit


def said(fig: Figure) -> str:
    """A figure as the text states it: 6.55‰, 233人, XX人."""
    if fig.value is None:
        return fig.text
    number = show(fig.value, max(fig.decimals, 0) + 2)
    if fig.high is not None and fig.form == "range":
        number = f"{number}～{show(convert(fig.high, fig.unit, fig.unit), fig.decimals + 2)}"
    return f"{number}{unit_text(fig.unit)}{fig.qualifier if fig.form != 'exact' else ''}"


@dataclass(frozen=True)
class Known:
    """What is known of a term in one scope: its interval, the figures it rests on, and the
    largest rounding step among them (in the term's unit); `exact` is False for a bound only."""

    interval: Interval
    figures: tuple[int, ...]
    step: float
    exact: bool = True


class Facts:
    """The figures of a report, by term, scope and role."""

    def __init__(self, figures: Sequence[Figure], lexicon: Lexicon) -> None:
        self.figures = list(figures)
        self.lexicon = lexicon
        self.groups: dict[tuple[str, str, Role], list[Figure]] = defaultdict(list)
        for f in figures:
            if f.term is not None and f.value is not None and f.term in lexicon.terms:
                self.groups[(f.term, f.scope, f.role)].append(f)
        self.scopes = sorted({scope for _, scope, _ in self.groups})

    def term(self, term: str) -> Term:
        return self.lexicon.terms[term]

    def stated(self, term: str, scope: str, role: Role = "actual") -> Known | None:
        """Where the term's stated figures meet; None when they do not (the term is stated two
        ways: `stated_twice` says so, and no other check builds on either)."""
        unit = self.term(term).unit
        figs = [f for f in self.groups.get((term, scope, role), []) if f.form != "masked"]
        usable = [(f, i) for f in figs if (i := interval_of(f, unit)) is not None]
        if not usable:
            return None
        exact = [(f, i) for f, i in usable if f.form in ("exact", "range")]
        chosen = exact or usable
        meet: Interval | None = chosen[0][1]
        for _, i in chosen[1:]:
            meet = meet.intersect(i) if meet is not None else None
        if meet is None:
            return None
        ids = tuple(f.index for f, _ in chosen)
        step = max(step_of(f, unit) for f, _ in chosen)
        bounded = all(f.form != "approximate" for f, _ in chosen)
        return Known(meet, ids, step, bounded)

    def value(self, term: str, scope: str, depth: int = 0) -> Known | None:
        """The term as stated, or as the sum of a complete partition whose parts are all known."""
        known = self.stated(term, scope)
        if known is not None and known.exact:
            return known
        if depth > 3:
            return known
        for p in self.lexicon.partitions:
            if p.whole != term or not p.complete:
                continue
            parts = [self.value(x, scope, depth + 1) for x in p.parts]
            if all(k is not None and k.exact for k in parts):
                present = [k for k in parts if k is not None]
                return _sum_known(present)
        return known

    def at_least(self, term: str, scope: str, depth: int = 0) -> Known | None:
        """The term as known, or a lower bound from the parts stated of any of its partitions."""
        known = self.value(term, scope)
        if known is not None or depth > 3:
            return known
        best: Known | None = None
        for p in self.lexicon.partitions:
            if p.whole != term:
                continue
            parts = [k for x in p.parts if (k := self.at_least(x, scope, depth + 1)) is not None]
            if not parts:
                continue
            low = sum(k.interval.low for k in parts)
            bound = Known(
                Interval(low, INF),
                tuple(i for k in parts for i in k.figures),
                max(k.step for k in parts),
                exact=False,
            )
            if best is None or bound.interval.low > best.interval.low:
                best = bound
        return best

    def total(self, terms: Iterable[Signed], scope: str) -> Known | None:
        """A signed sum of terms, each known exactly; None when one is not."""
        parts: list[Known] = []
        result = Interval(0.0, 0.0)
        for sign, term in terms:
            k = self.value(term, scope)
            if k is None or not k.exact:
                return None
            parts.append(k)
            result = result + (k.interval if sign > 0 else -k.interval)
        return Known(
            result,
            tuple(i for k in parts for i in k.figures),
            max((k.step for k in parts), default=0.0),
        )

    def sum_text(self, terms: Iterable[Signed], scope: str, bracket: bool = True) -> str:
        """A sum of terms as the figures that state them: (233 − 95)."""
        pieces: list[str] = []
        items = list(terms)
        for i, (sign, term) in enumerate(items):
            k = self.value(term, scope)
            number = show(k.interval.mid, 2) if k is not None else self.term(term).name
            if i == 0:
                pieces.append(number if sign > 0 else f"−{number}")
            else:
                pieces.append(f"{'+' if sign > 0 else '−'} {number}")
        text = " ".join(pieces)
        return f"({text})" if len(items) > 1 and bracket else text


def _sum_known(parts: Sequence[Known]) -> Known:
    total = Interval(0.0, 0.0)
    for k in parts:
        total = total + k.interval
    return Known(
        total,
        tuple(i for k in parts for i in k.figures),
        max((k.step for k in parts), default=0.0),
    )
