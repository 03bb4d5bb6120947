"""A pack: everything that defines one kind of work, as plain data.

Data elements, indicators, validation rules, how registers roll up into elements, default
assessment points, and the report's wording. Loaded from TOML by `zicha.packs`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from zicha.domain.agreement import AgreementWording
from zicha.domain.assessment import AssessmentItem
from zicha.domain.lexicon import Lexicon
from zicha.domain.target import Bound

TimeAggregation = Literal["sum", "last"]
IndicatorKind = Literal["count", "level", "rate", "ratio"]
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class DataElement:
    """A named quantity. Flows (`sum`) add up over time; stocks (`last`) hold their last level.
    `whole`: a count of people, cases or documents, which is a whole number.

    >>> DataElement("births", "出生人数", "人").is_stock
    False
    """

    id: str
    name: str
    unit: str = ""
    time_aggregation: TimeAggregation = "sum"
    description: str = ""
    non_negative: bool = True
    whole: bool = False

    @property
    def is_stock(self) -> bool:
        return self.time_aggregation == "last"


@dataclass(frozen=True)
class Indicator:
    """numerator × factor / denominator over data elements.

    `kind` says how the indicator behaves over time:
    - `count`: an additive flow (births): progress is judged as a share of an annual target;
    - `level`: the level of a stock at the period's end: time-free;
    - `rate`: a per-period rate (birth rate ‰): annualized = value × 365 / days;
    - `ratio`: a time-free ratio (sex ratio, conforming rate %).

    >>> Indicator("birth_rate", "出生率", "‰", "births", "avg_population", 1000, 2, "rate").is_ratio
    True
    """

    id: str
    name: str
    unit: str
    numerator: str
    denominator: str | None = None
    factor: float = 1.0
    decimals: int = 0
    kind: IndicatorKind = "count"
    description: str = ""
    points: float | None = None
    small_sample: int | None = None
    #: how the figure arises, for its chance interval (zicha.engine.sampling): `poisson` (rare
    #: events over a base), `share` (a part of the denominator), `parts` (two parts of a whole)
    sampling: Literal["parts", "share", "poisson"] | None = None

    @property
    def is_ratio(self) -> bool:
        return self.denominator is not None


@dataclass(frozen=True)
class ValidationRule:
    """left operator right; a rule whose side is missing is skipped, never judged on zero.

    >>> ValidationRule("parity_sum", "各孩次妇女之和等于已婚妇女", "a + b", "==", "c").severity
    'error'
    """

    id: str
    name: str
    left: str
    operator: str
    right: str
    severity: Severity = "error"
    instruction: str = ""
    tolerance: float = 0.0
    missing: Literal["skip_if_any", "skip_if_all", "never_skip"] = "skip_if_any"
    #: the left side is `indicator(x)` of an indicator with `sampling`: the rule is broken only
    #: when its whole chance interval breaks it (a few events never raise a false alarm)
    chance: bool = False
    #: the confidence level of that interval: 0.999 judges at a strict level (a breach chance
    #: explains with probability below 0.05 %, each side), for rules judged at every unit and
    #: month of a county, where a 95 % interval would still let chance through many times
    level: float = 0.95


@dataclass(frozen=True)
class RegisterElement:
    """One data element counted from a register: rows matching `where` (empty: every row)."""

    element: str
    where: str = ""


@dataclass(frozen=True)
class RegisterSpec:
    """How a register sheet (`births`, `deaths`) rolls up into data values by org unit and month."""

    sheet: str
    elements: tuple[RegisterElement, ...]


@dataclass(frozen=True)
class TimelineEntry:
    date: str
    text: str


@dataclass(frozen=True)
class Source:
    """A document a pack relies on: a definition, a national goal, a standard, a county's method.

    >>> Source("hc2030", "“健康中国2030”规划纲要", "中共中央、国务院", "2016-10-25").citation()
    '《“健康中国2030”规划纲要》（中共中央、国务院，2016年10月25日）'
    """

    id: str
    title: str
    issuer: str = ""
    date: str = ""
    number: str = ""
    #: what the pack takes from it
    note: str = ""
    url: str = ""

    def citation(self) -> str:
        """Title, then issuer, number and date in brackets, as a report cites a document."""
        parts = [p for p in (self.issuer, self.number, date_cn(self.date)) if p]
        return f"《{self.title}》" + (f"（{'，'.join(parts)}）" if parts else "")


def date_cn(text: str) -> str:
    """An ISO date, month or year as an official document writes it (no zero padding).

    >>> date_cn("2025-07-28"), date_cn("2021-03"), date_cn("1958"), date_cn("2019年4月")
    ('2025年7月28日', '2021年3月', '1958年', '2019年4月')
    """
    parts = text.strip().split("-")
    if not all(p.isdigit() for p in parts) or not 1 <= len(parts) <= 3:
        return text.strip()
    return "".join(f"{int(p)}{u}" for p, u in zip(parts, ("年", "月", "日"), strict=False))


@dataclass(frozen=True)
class ReferenceValue:
    """A national (or other outside) figure a report sets beside an indicator, as context: a goal
    (`bound`, e.g. ≤5.0) or a level (`value`, e.g. the national rate of a year), with its source.
    Context only: a reference value never scores or judges a target.
    """

    indicator: str
    label: str
    source: str
    bound: Bound | None = None
    value: float | None = None
    #: whether the report compares the unit's figure with it (a standard amount is only stated)
    compare: bool = True


@dataclass(frozen=True)
class Pack:
    """One kind of work: its vocabulary, checks and wording. Pure data.

    `derived` holds named expressions usable in other expressions (e.g. `avg_population`).
    `report` holds the wording of the report (free-form mapping read by the reports layer).
    """

    id: str
    name: str
    description: str = ""
    historical: bool = False
    year_start_month: int = 1
    elements: Mapping[str, DataElement] = field(default_factory=dict)
    derived: Mapping[str, str] = field(default_factory=dict)
    indicators: Mapping[str, Indicator] = field(default_factory=dict)
    rules: tuple[ValidationRule, ...] = ()
    registers: Mapping[str, RegisterSpec] = field(default_factory=dict)
    timeline: tuple[TimelineEntry, ...] = ()
    report: Mapping[str, object] = field(default_factory=dict)
    #: the pack's default assessment method (a workbook's `assessment` sheet overrides it)
    assessment: tuple[AssessmentItem, ...] = ()
    #: the wording of the target responsibility agreement (`agreement.toml`); None: the pack
    #: issues no agreements
    agreement: AgreementWording | None = None
    #: the words a report uses for the pack's figures (`lexicon.toml`), for the fact-check
    lexicon: Lexicon = field(default_factory=Lexicon)
    #: the documents the pack relies on (its notes), by id
    sources: Mapping[str, Source] = field(default_factory=dict)
    #: outside figures the report sets beside indicators (national goals and levels)
    references: tuple[ReferenceValue, ...] = ()
    path: str | None = None
    #: a digest of the pack's files ("" for a pack built in code)
    version: str = ""

    def indicator_by_name_or_id(self, key: str) -> Indicator | None:
        """Find an indicator by its id or its Chinese name.

        >>> births = Indicator("births", "出生人数", "人", "births")
        >>> p = Pack("x", "X", indicators={"births": births})
        >>> p.indicator_by_name_or_id("出生人数").id
        'births'
        """
        key = key.strip()
        if key in self.indicators:
            return self.indicators[key]
        for ind in self.indicators.values():
            if ind.name == key:
                return ind
        return None

    def display_names(self) -> dict[str, str]:
        """Chinese names for every element, indicator and derived name (`report.derived_names`).

        >>> births = DataElement("births", "出生人数", "人")
        >>> Pack("x", "X", elements={"births": births}).display_names()
        {'births': '出生人数'}
        """
        names = {k: e.name for k, e in self.elements.items()}
        names.update({k: i.name for k, i in self.indicators.items()})
        derived_names = self.report.get("derived_names", {})
        if isinstance(derived_names, Mapping):
            names.update({str(k): str(v) for k, v in derived_names.items()})
        return names

    def expressions(self) -> list[str]:
        """Every expression the pack holds: derived names, indicators' numerators and
        denominators, rules' sides, register filters.

        >>> births = Indicator("birth_rate", "出生率", "‰", "births * 1000", "population")
        >>> Pack("x", "X", derived={"d": "a + b"}, indicators={"b": births}).expressions()
        ['a + b', 'births * 1000', 'population']
        """
        texts = list(self.derived.values())
        for ind in self.indicators.values():
            texts += [ind.numerator, *([ind.denominator] if ind.denominator else [])]
        for rule in self.rules:
            texts += [rule.left, rule.right]
        for spec in self.registers.values():
            texts += [item.where for item in spec.elements if item.where.strip()]
        return texts

    def element_by_name_or_id(self, key: str) -> DataElement | None:
        key = key.strip()
        if key in self.elements:
            return self.elements[key]
        for el in self.elements.values():
            if el.name == key:
                return el
        return None
