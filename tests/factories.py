"""Letter-keyed test factories (in the style of DHIS2's): Datasets built directly, no workbook.

>>> ds = dataset(
...     tree(("A", "县", None, "county"), ("B", "乡", "A", "township")),
...     values=values(("B", "202401", "budget_spent", 2.5)),
...     births=births(("B", "2024-02-29", "F", 1, True)),
... )
>>> ds.values["row"].to_list(), ds.registers["births"]["date"].to_list()
([2], [datetime.date(2024, 2, 29)])
"""

from __future__ import annotations

from datetime import date

import polars as pl

from zicha.domain.assessment import AssessmentItem
from zicha.domain.checklist import ChecklistItem
from zicha.domain.expression import parse_bound
from zicha.domain.orgunit import OrgTree, OrgUnit
from zicha.domain.period import parse_period
from zicha.domain.target import Target
from zicha.engine.dataset import BIRTH_SCHEMA, DEATH_SCHEMA, VALUE_SCHEMA, Dataset, empty_values

PACK_ID = "family-planning"

OrgSpec = tuple[str, str, str | None, str]
ValueRow = tuple[str, str, str, float]
BirthRow = tuple[str, str, str, int, bool]
DeathRow = tuple[str, str, str, float]


def tree(*specs: OrgSpec) -> OrgTree:
    """Org units from `(code, name, parent, kind)`; exactly one has parent None."""
    return OrgTree.build([OrgUnit(code, name, parent, kind) for code, name, parent, kind in specs])


def values(*rows: ValueRow, first_row: int = 2) -> pl.DataFrame:
    """A `values` frame from `(org, period_id, element, value)`: rows numbered 2, 3, …"""
    periods = [parse_period(r[1]) for r in rows]
    return pl.DataFrame(
        {
            "org_unit": [r[0] for r in rows],
            "element": [r[2] for r in rows],
            "period": [p.id for p in periods],
            "start": [p.start for p in periods],
            "end": [p.end for p in periods],
            "value": [float(r[3]) for r in rows],
            "comment": [None] * len(rows),
            "row": list(range(first_row, first_row + len(rows))),
        },
        schema=VALUE_SCHEMA,
    )


def stated(*rows: ValueRow, first_row: int = 2) -> pl.DataFrame:
    """Figures the clerk stated for indicators: `(org, period_id, indicator, value)`."""
    return values(*rows, first_row=first_row)


def births(*rows: BirthRow) -> pl.DataFrame:
    """A births register from `(org, "2024-03-05", "M"/"F", order, in_policy)`."""
    return pl.DataFrame(
        {
            "org_unit": [r[0] for r in rows],
            "date": [date.fromisoformat(r[1]) for r in rows],
            "sex": [r[2] for r in rows],
            "order": [r[3] for r in rows],
            "in_policy": [r[4] for r in rows],
            "ref": [f"B{i:04d}" for i in range(1, len(rows) + 1)],
            "row": list(range(2, len(rows) + 2)),
        },
        schema=BIRTH_SCHEMA,
    )


def deaths(*rows: DeathRow) -> pl.DataFrame:
    """A deaths register from `(org, "2024-03-05", "M"/"F", age)`."""
    return pl.DataFrame(
        {
            "org_unit": [r[0] for r in rows],
            "date": [date.fromisoformat(r[1]) for r in rows],
            "sex": [r[2] for r in rows],
            "age": [float(r[3]) for r in rows],
            "ref": [f"D{i:04d}" for i in range(1, len(rows) + 1)],
            "row": list(range(2, len(rows) + 2)),
        },
        schema=DEATH_SCHEMA,
    )


def target(
    org: str, period_id: str, indicator: str, bound: str, points: float | None = None
) -> Target:
    """A target row: `target("B", "2023Oct", "births", "<=510")`."""
    return Target(org, parse_period(period_id), indicator, parse_bound(bound), points)


def dataset(
    org_tree: OrgTree,
    *,
    values: pl.DataFrame | None = None,
    births: pl.DataFrame | None = None,
    deaths: pl.DataFrame | None = None,
    targets: list[Target] | tuple[Target, ...] = (),
    stated: pl.DataFrame | None = None,
    assessment: list[AssessmentItem] | tuple[AssessmentItem, ...] = (),
    checklist: list[ChecklistItem] | tuple[ChecklistItem, ...] = (),
) -> Dataset:
    """A Dataset of the family-planning pack; registers present only when given."""
    registers: dict[str, pl.DataFrame] = {}
    if births is not None:
        registers["births"] = births
    if deaths is not None:
        registers["deaths"] = deaths
    return Dataset(
        source="<factories>",
        pack_id=PACK_ID,
        tree=org_tree,
        values=values if values is not None else empty_values(),
        stated=stated if stated is not None else empty_values(),
        registers=registers,
        targets=list(targets),
        assessment=list(assessment),
        checklist=list(checklist),
    )
