"""Checklist items (检查事项) and the rectification ledger (整改台账): the parts of a
self-inspection that are not figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from zicha.domain.period import Period

Result = Literal["达标", "未达标", "推进中", "未启动"]
RESULTS: tuple[Result, ...] = ("达标", "未达标", "推进中", "未启动")


@dataclass(frozen=True)
class ChecklistItem:
    """One checked item of one org unit for one period (CONTRACT §6).

    >>> from zicha.domain.period import parse_period
    >>> half = parse_period("2010OctS1")
    >>> item = ChecklistItem("510001", half, "成立创建工作领导组", result="达标")
    >>> item.compliant, item.has_problem
    (True, False)
    """

    org_unit: str
    period: Period
    item: str
    requirement: str = ""
    result: Result = "达标"
    problem: str = ""
    action: str = ""
    owner: str = ""
    deadline: date | None = None
    closed: bool | None = None
    closed_on: date | None = None
    points: float | None = None
    row: int | None = None

    @property
    def compliant(self) -> bool:
        return self.result == "达标"

    @property
    def has_problem(self) -> bool:
        """A problem is an item not compliant, or one with a problem written down."""
        return not self.compliant or bool(self.problem.strip())

    @property
    def is_closed(self) -> bool:
        """A problem put right (整改完成 是)."""
        return self.has_problem and bool(self.closed)

    @property
    def closed_late(self) -> bool:
        """Put right, but after its deadline (逾期整改).

        >>> from zicha.domain.period import parse_period
        >>> late = ChecklistItem("1", parse_period("2025"), "x", result="未达标", closed=True,
        ...                      deadline=date(2025, 6, 30), closed_on=date(2025, 7, 2))
        >>> late.closed_late, late.overdue(date(2025, 12, 31))
        (True, False)
        """
        return (
            self.is_closed
            and self.deadline is not None
            and self.closed_on is not None
            and self.closed_on > self.deadline
        )

    def overdue(self, on: date) -> bool:
        """Not closed, with its deadline before `on` (the period's end)."""
        return (
            self.has_problem
            and not self.closed
            and self.deadline is not None
            and self.deadline < on
        )


@dataclass(frozen=True)
class ChecklistSummary:
    """The checklist items of an org unit (and every unit below it) for a period, counted.

    `as_of` is the period's end: a problem is overdue when it is not closed and its deadline is
    before that day. `score` and `max` are the points of the scored items (`None` when no item
    carries points): a scored item earns its points when `达标`, none otherwise.

    >>> from zicha.domain.period import parse_period
    >>> p = parse_period("2025S1")
    >>> rows = (
    ...     ChecklistItem("1", p, "成立领导组", points=2),
    ...     ChecklistItem("1", p, "灭火器有效", result="未达标", problem="3具过期",
    ...                   deadline=date(2025, 5, 31), points=3),
    ...     ChecklistItem("1", p, "培训", result="未达标", closed=True),
    ... )
    >>> s = ChecklistSummary(p.end, rows, score=2.0, max=5.0)
    >>> s.items, s.compliant, s.problems, s.closed, s.overdue, s.rectification_rate
    (3, 1, 2, 1, 1, 0.5)
    """

    as_of: date
    rows: tuple[ChecklistItem, ...] = ()
    score: float | None = None
    max: float | None = None

    @property
    def items(self) -> int:
        return len(self.rows)

    @property
    def compliant(self) -> int:
        return sum(1 for r in self.rows if r.compliant)

    @property
    def problems(self) -> int:
        return sum(1 for r in self.rows if r.has_problem)

    @property
    def closed(self) -> int:
        """Problems put right (items without a problem are not counted)."""
        return sum(1 for r in self.rows if r.is_closed)

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.rows if r.overdue(self.as_of))

    @property
    def in_progress(self) -> int:
        return sum(1 for r in self.rows if r.result == "推进中")

    @property
    def not_started(self) -> int:
        return sum(1 for r in self.rows if r.result == "未启动")

    @property
    def rectification_rate(self) -> float | None:
        """closed / problems; None when there is no problem."""
        problems = self.problems
        return self.closed / problems if problems else None

    def is_overdue(self, row: ChecklistItem) -> bool:
        return row.overdue(self.as_of)
