"""The engine's fact interface: the questions the engine asks of a source of facts.

Two sources answer them: the workbook (`zicha.workbook.facts`, frames in memory) and the
database (`zicha.storage.facts`, a few GROUP BY queries over month-grain facts and the org-unit
path). Neither imports the engine: they satisfy `Facts` by their shape.

Every question is asked in bulk, for many org units (each meaning its whole subtree) and many
periods or dates at once. Answers are long polars frames; a row is absent where nothing was
entered, never zero (missing is not zero).

A value counts in every period that contains its own period and in none shorter. A register
(births, deaths) is counted by a pack's row conditions; the engine passes them with the question
as polars expressions over the register's columns (`None`: every row), because counting is the
pack's business, not the source's. A source may count from monthly sums it keeps for whole
months, but must count the rows themselves in the parts of months a period cuts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Protocol

import polars as pl

from zicha.domain.assessment import AssessmentItem
from zicha.domain.checklist import ChecklistItem
from zicha.domain.dataset import VALUE_SCHEMA, NarrativeSection
from zicha.domain.orgunit import OrgTree
from zicha.domain.period import Period
from zicha.domain.target import Target

#: a register element's question: (register sheet, row condition or None for every row)
RegisterCount = tuple[str, pl.Expr | None]

#: columns of `Facts.flows` and `Facts.register_counts`
PERIOD_SUMS: dict[str, pl.DataType] = {
    "org_unit": pl.String(),
    "period": pl.String(),
    "element": pl.String(),
    "value": pl.Float64(),
}

#: columns of `Facts.stocks`
LEVELS: dict[str, pl.DataType] = {
    "org_unit": pl.String(),
    "date": pl.Date(),
    "element": pl.String(),
    "value": pl.Float64(),
}

#: columns of `Facts.entered` and `Facts.stated`: values at the grain they were entered;
#: `row` is the spreadsheet row they came from (null when typed in a form); `superseded` marks
#: an entered value that a register gives for the same element, org unit and month (the register
#: is used)
ENTERED: dict[str, pl.DataType] = {**VALUE_SCHEMA, "superseded": pl.Boolean()}


class Facts(Protocol):
    """What the engine asks of a source of facts."""

    @property
    def tree(self) -> OrgTree:
        """The whole org tree (units outside a user's scope are named as parents)."""
        ...

    def flows(
        self, orgs: Sequence[str], elements: Sequence[str], periods: Sequence[Period]
    ) -> pl.DataFrame:
        """Entered values of flow elements summed per asked unit (over its subtree), element
        and period: every value whose own period lies inside the period, less the superseded
        ones. Columns `PERIOD_SUMS`."""
        ...

    def register_counts(
        self,
        orgs: Sequence[str],
        counts: Mapping[str, RegisterCount],
        periods: Sequence[Period],
    ) -> pl.DataFrame:
        """Register rows counted per asked unit (over its subtree), element and period, exactly
        (the parts of months a period cuts included). An element has a row, maybe 0, wherever
        its register has any row of the subtree in the period. Columns `PERIOD_SUMS`."""
        ...

    def register_span(self, sheet: str) -> tuple[date, date] | None:
        """The first and last day of the months a register covers (None: no row at all).
        Inside them the register is complete: no row means nothing happened."""
        ...

    def stocks(
        self, orgs: Sequence[str], elements: Sequence[str], dates: Sequence[date]
    ) -> pl.DataFrame:
        """Levels of stock elements at the end of each date: each unit's last value at or
        before the date (the later row of two on one day), summed per asked unit over its
        subtree; absent where no unit below has a value yet. Columns `LEVELS`."""
        ...

    def entered(self, root: str | None = None) -> pl.DataFrame:
        """Entered values of `root`'s subtree (everything when None), at their own grain, in
        the order they were entered. Columns `ENTERED`."""
        ...

    def stated(self, root: str | None = None) -> pl.DataFrame:
        """Figures stated for indicators (`element` holds the indicator id), like `entered`."""
        ...

    def targets(self) -> list[Target]:
        """Every target."""
        ...

    def assessment(self) -> list[AssessmentItem]:
        """The assessment method's items (empty: the pack's default method)."""
        ...

    def checklist(self) -> list[ChecklistItem]:
        """Every checklist item, in the order entered."""
        ...

    def narrative(self, org: str) -> list[NarrativeSection]:
        """The paragraphs written for `org`'s report."""
        ...

    def report_header(self, org: str) -> dict[str, str]:
        """The keys of `org`'s report (title, issuer, date, period, …)."""
        ...

    def own_unit(self) -> str | None:
        """The unit whose report the facts were gathered for (a workbook's own unit; None:
        the root)."""
        ...
