"""A pack's label lexicon: the words a report uses for its figures, and how the figures relate.

Read by the fact-check of a report's text (`zicha factcheck`): a term is one quantity a report
states ("出生人口233人" and "共出生233人" both state `births`), with the labels that name it; rates
say which terms they divide; partitions say which terms add up to a whole; identities say which
rates add up to another. Loaded from a pack's `lexicon.toml` by `zicha.packs`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

#: the closed set of units a stated figure may carry (":100" is a ratio to 100, e.g. a sex ratio;
#: "/10万" a rate per 100,000, e.g. maternal mortality)
UNITS = ("人", "例", "户", "对", "元", "万元", "%", "‰", "/10万", "个百分点", "个千分点", ":100")
#: units of counts of things: an integer stated in them is exact, never rounded
COUNT_UNITS = ("人", "例", "户", "对", "元")
#: units of a difference between two rates, never of a rate itself
POINT_UNITS = ("个百分点", "个千分点")

#: one term of a sum: +1 or -1 and a term id
Signed = tuple[int, str]

_TERM = re.compile(r"\s*([+-])?\s*([a-z][a-z0-9_]*)\s*")


def parse_sum(text: str) -> tuple[Signed, ...]:
    """A sum of term ids such as "births - deaths" as signed terms.

    >>> parse_sum("births - deaths")
    ((1, 'births'), (-1, 'deaths'))
    >>> parse_sum("a +")
    Traceback (most recent call last):
    ...
    ValueError: 应为以 + 或 - 连接的术语代码，读到「a +」
    """
    out: list[Signed] = []
    pos = 0
    while pos < len(text):
        m = _TERM.match(text, pos)
        if m is None or (out and m.group(1) is None):
            raise ValueError(f"应为以 + 或 - 连接的术语代码，读到「{text}」")
        out.append((-1 if m.group(1) == "-" else 1, m.group(2)))
        pos = m.end()
    if not out:
        raise ValueError(f"应为以 + 或 - 连接的术语代码，读到「{text}」")
    return tuple(out)


def show_sum(terms: tuple[Signed, ...], names: Mapping[str, str]) -> str:
    """Signed terms in words.

    >>> show_sum(((1, "births"), (-1, "deaths")), {"births": "出生人数", "deaths": "死亡人数"})
    '出生人数 − 死亡人数'
    """
    parts: list[str] = []
    for i, (sign, term) in enumerate(terms):
        name = names.get(term, term)
        if i == 0:
            parts.append(name if sign > 0 else f"−{name}")
        else:
            parts.append(f"{'+' if sign > 0 else '−'} {name}")
    return " ".join(parts)


@dataclass(frozen=True)
class Term:
    """One quantity a report states, with the labels that name it.

    `indicator` is the pack indicator the term states, when there is one: a workbook's
    narrative figure is compared with that indicator's computed value.

    >>> Term("births", "出生人数", "人", ("出生人口", "出生")).labels[0]
    '出生人口'
    """

    id: str
    name: str
    unit: str
    labels: tuple[str, ...]
    indicator: str | None = None


@dataclass(frozen=True)
class Rate:
    """A rate term as numerator × factor / denominator, both sums of terms.

    `maximum`: the rate cannot exceed it (a share of a whole: 100 %); `over` is the severity of
    a figure over it. `stand_ins`: terms a report may state in place of the denominator (a
    year-end population for an average one): a rate that disagrees with them is only a warning.
    Several `Rate`s for one term are several readings of it; a stated rate is wrong only when
    no reading gives it.

    >>> Rate("birth_rate", ((1, "births"),), ((1, "average_population"),), 1000.0).factor
    1000.0
    """

    rate: str
    numerator: tuple[Signed, ...]
    denominator: tuple[Signed, ...]
    factor: float = 1.0
    maximum: float | None = None
    over: Literal["error", "warning"] = "error"
    stand_ins: tuple[str, ...] = ()


@dataclass(frozen=True)
class Partition:
    """Parts of a whole: when `complete`, the parts add up to the whole; otherwise they only
    never exceed it.

    >>> Partition("births", ("births_male", "births_female"), True).complete
    True
    """

    whole: str
    parts: tuple[str, ...]
    complete: bool = True


@dataclass(frozen=True)
class Identity:
    """A rate that equals a sum of other rates (natural growth = birth rate − death rate)."""

    left: str
    right: tuple[Signed, ...]


@dataclass(frozen=True)
class Lexicon:
    """The terms of a pack and the relations between them. Empty for a pack without one.

    >>> Lexicon().terms
    {}
    """

    terms: Mapping[str, Term] = field(default_factory=dict)
    rates: tuple[Rate, ...] = ()
    partitions: tuple[Partition, ...] = ()
    identities: tuple[Identity, ...] = ()

    def readings(self, term: str) -> tuple[Rate, ...]:
        """The readings of a rate term (none for a count).

        >>> lx = Lexicon(rates=(Rate("r", ((1, "a"),), ((1, "b"),)),))
        >>> len(lx.readings("r")), len(lx.readings("a"))
        (1, 0)
        """
        return tuple(r for r in self.rates if r.rate == term)

    def is_part(self, part: str, whole: str) -> bool:
        """Whether a partition (or a chain of them) puts `part` under `whole`.

        >>> lx = Lexicon(partitions=(Partition("a", ("b",)), Partition("b", ("c",))))
        >>> lx.is_part("c", "a"), lx.is_part("a", "c")
        (True, False)
        """
        seen: set[str] = set()
        todo = [whole]
        while todo:
            current = todo.pop()
            for p in self.partitions:
                if p.whole != current:
                    continue
                if part in p.parts:
                    return True
                todo += [x for x in p.parts if x not in seen]
                seen.update(p.parts)
        return False

    def names(self) -> dict[str, str]:
        return {t.id: t.name for t in self.terms.values()}
