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

    def overdue(self, on: date) -> bool:
        """Not closed, with its deadline before `on` (the period's end)."""
        return (
            self.has_problem
            and not self.closed
            and self.deadline is not None
            and self.deadline < on
        )
