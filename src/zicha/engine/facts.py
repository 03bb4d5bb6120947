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
from zicha.domain.finding import Finding
from zicha.domain.narrative import NarrativeSection
from zicha.domain.orgunit import OrgTree
from zicha.domain.period import Period
from zicha.domain.target import Target
from zicha.engine.dataset import VALUE_SCHEMA

#: a register element's question: (register sheet, row condition or None for every row)
RegisterCount = tuple[str, pl.Expr | None]

#: columns of `Facts.flows` (`Facts.register_counts` has the keys, then a column per element)
PERIOD_SUMS: dict[str, pl.DataType] = {
    "org_unit": pl.String(),
    "period": pl.String(),
    "element": pl.String(),
    "value": pl.Float64(),
}

#: the key columns of `Facts.stocks` (a Float64 column per element follows them)
LEVEL_KEYS: dict[str, pl.DataType] = {"org_unit": pl.String(), "date": pl.Date()}

#: columns of `Facts.register_months`: rows of a register per unit and month (`start`: its first
#: day)
MONTH_ROWS: dict[str, pl.DataType] = {
    "org_unit": pl.String(),
    "start": pl.Date(),
    "rows": pl.Int64(),
}

#: columns of `Facts.register_totals`: rows of a register per month over every unit
MONTH_TOTALS: dict[str, pl.DataType] = {"start": pl.Date(), "rows": pl.Int64()}

#: columns of `Facts.register_rows`: `row` is the spreadsheet row (null where the source keeps
#: none, as the database does: its register rows are matched by their content)
REGISTER_ROWS: dict[str, pl.DataType] = {
    "org_unit": pl.String(),
    "date": pl.Date(),
    "row": pl.Int64(),
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
        """Register rows counted per asked unit (over its subtree) and period, exactly (the
        parts of months a period cuts included), wide: `org_unit`, `period`, then a Float64
        column per element asked. A unit and period has a row wherever a register of the
        elements has any row of the subtree in the period; an element's count there is a
        number, maybe 0, where its own register has any, and null where it has none."""
        ...

    def register_months(self, sheet: str, root: str | None = None) -> pl.DataFrame:
        """How many rows a register holds per unit and month, for the units of `root`'s
        subtree (every unit when None); absent where a unit has no row that month. Columns
        `MONTH_ROWS`."""
        ...

    def register_totals(self, sheet: str) -> pl.DataFrame:
        """How many rows a register holds per month over every unit, by month; months without
        rows absent. Columns `MONTH_TOTALS`."""
        ...

    def register_rows(
        self, sheet: str, first: date, last: date, root: str | None = None
    ) -> pl.DataFrame:
        """The rows of a register dated from `first` to `last`, of `root`'s subtree (every unit
        when None), ordered by row and date. Columns `REGISTER_ROWS`."""
        ...

    def stocks(
        self, orgs: Sequence[str], elements: Sequence[str], dates: Sequence[date]
    ) -> pl.DataFrame:
        """Levels of stock elements at the end of each date: each unit's last value at or
        before the date (the later row of two on one day), summed per asked unit over its
        subtree; wide: `LEVEL_KEYS`, then a Float64 column per element asked. A unit and date
        has a row where any unit below has a level of any element by then; an element's level
        there is null where no unit below has one of it yet."""
        ...

    def entered(self, root: str | None = None) -> pl.DataFrame:
        """Entered values of `root`'s subtree (everything when None), at their own grain, in
        the order they were entered. Columns `ENTERED`."""
        ...

    def stated(self, root: str | None = None) -> pl.DataFrame:
        """Figures stated for indicators (`element` holds the indicator id), like `entered`."""
        ...

    def periods(self) -> list[str]:
        """The id of every period values or statements were entered for, each once."""
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

    def notices(self) -> list[Finding]:
        """What reading the source noticed about it as a whole without refusing it (a hidden
        stale copy of a sheet left unread, a meta key zicha does not use): warnings with no
        unit or period."""
        ...


def own_org(facts: Facts) -> str:
    """The report's own org unit: the one the source names, else the root."""
    code = (facts.own_unit() or "").strip()
    return code if code in facts.tree else facts.tree.root.code
