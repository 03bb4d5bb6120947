"""What a computation yields for one org unit and period: plain objects, ready to render."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from zicha.domain.checklist import ChecklistSummary
from zicha.domain.finding import Finding
from zicha.domain.orgunit import OrgUnit
from zicha.domain.pack import Indicator
from zicha.domain.period import Period
from zicha.domain.target import Target

Status = Literal["met", "not_met", "on_track", "at_risk", "no_target", "no_data"]
#: why a unit has no rank: nothing scored, or no scored item with data
Unranked = Literal["no_target", "no_data"]

UNRANKED_LABELS: dict[str, str] = {
    "no_target": "未设目标，不参与排名",
    "no_data": "无数据，不参与排名",
}

STATUS_LABELS: dict[str, str] = {
    "met": "已完成",
    "not_met": "未完成",
    "on_track": "进度正常",
    "at_risk": "进度滞后",
    "no_target": "未设目标",
    "no_data": "无数据",
}


@dataclass(frozen=True)
class Comparison:
    """The same indicator for an earlier period: 同比 (a year before) or 环比 (the period before).

    `change` is in the indicator's unit (‰ points for a rate); `change_pct` is relative.
    """

    period: Period
    value: float | None
    change: float | None
    change_pct: float | None

    @classmethod
    def of(cls, period: Period, now: float | None, before: float | None) -> Comparison:
        """>>> from zicha.domain.period import parse_period
        >>> Comparison.of(parse_period("2023"), 233.0, 221.0).change
        12.0
        """
        if now is None or before is None:
            return cls(period, before, None, None)
        change = now - before
        pct = change / abs(before) if before else None
        return cls(period, before, change, pct)


@dataclass(frozen=True)
class Interval:
    """The range a figure counted from few events could have taken by chance (95 % by default).

    `events` is what the chance is judged on: the events counted (deaths) for a rare-event rate,
    the trials (births) for a share or a split into two parts.
    """

    low: float
    high: float
    events: float
    level: float = 0.95


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator for one org unit and period, with its target and progress.

    `value` is full precision; rounding happens only where it is shown.
    """

    indicator: Indicator
    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    annualized: float | None = None
    target: Target | None = None
    to_date: float | None = None
    elapsed: float | None = None
    projection: float | None = None
    status: Status = "no_target"
    score: float | None = None
    points: float | None = None
    to_date_period: Period | None = None
    judged: float | None = None
    completion: float | None = None
    previous_year: Comparison | None = None
    previous_period: Comparison | None = None
    #: share of a split task due by now (the assessment's 分期比例), in place of time elapsed
    due: float | None = None
    weight: float = 1.0
    veto: bool = False
    #: the chance interval of `value` and of `to_date` (indicators that declare `sampling`)
    interval: Interval | None = None
    to_date_interval: Interval | None = None


@dataclass(frozen=True)
class RankItem:
    indicator: str
    name: str
    status: Status
    score: float | None
    points: float | None


@dataclass(frozen=True)
class RankRow:
    """One unit of a ranking. `rank` is None for a unit that cannot be ranked (`unranked` says
    why: "no_target" when nothing is scored, "no_data" when no scored item has data)."""

    org_unit: OrgUnit
    total: float | None
    max: float | None
    vetoed: bool
    rank: int | None
    items: tuple[RankItem, ...]
    unranked: Unranked | None = None


@dataclass(frozen=True)
class Ranking:
    org_unit: OrgUnit
    period: Period
    rows: tuple[RankRow, ...]


@dataclass(frozen=True)
class Score:
    """The assessment's total and maximum; None for both when nothing is scored (no target, no
    scored checklist item): nothing to score is not zero out of zero.

    >>> Score(None, None).add(4.5, 5.0)
    Score(total=4.5, max=5.0, vetoed=False)
    """

    total: float | None
    max: float | None
    vetoed: bool = False

    def add(self, total: float, most: float, vetoed: bool = False) -> Score:
        """This score with scored items added."""
        return Score((self.total or 0.0) + total, (self.max or 0.0) + most, self.vetoed or vetoed)


@dataclass
class Computation:
    """Everything `zicha compute` reports for one org unit and one period."""

    pack_id: str
    org_unit: OrgUnit
    period: Period
    indicators: list[IndicatorResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    score: Score = field(default_factory=lambda: Score(None, None))
    #: the checklist items (CONTRACT §6); None when the workbook has none
    checklist: ChecklistSummary | None = None

    def result(self, indicator_id: str) -> IndicatorResult:
        for r in self.indicators:
            if r.indicator.id == indicator_id:
                return r
        raise KeyError(indicator_id)
