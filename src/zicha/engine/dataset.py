"""What one workbook holds once it has been read and checked: typed, resolved, nothing raw.

The engine's input from a workbook; it lives in the engine because its frames are polars frames,
which the domain does not import.

Values and register rows are kept as polars frames so that a province's five million register rows
never become five million Python objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from zicha.domain.assessment import AssessmentItem
from zicha.domain.checklist import ChecklistItem
from zicha.domain.finding import Finding
from zicha.domain.narrative import NarrativeSection
from zicha.domain.orgunit import OrgTree
from zicha.domain.target import Target

#: columns of `Dataset.values` (and of `Dataset.stated`, where `element` holds an indicator id)
VALUE_SCHEMA: dict[str, pl.DataType] = {
    "org_unit": pl.String(),
    "element": pl.String(),
    "period": pl.String(),
    "start": pl.Date(),
    "end": pl.Date(),
    "value": pl.Float64(),
    "comment": pl.String(),
    "row": pl.Int64(),
}

#: columns of the `births` register
BIRTH_SCHEMA: dict[str, pl.DataType] = {
    "org_unit": pl.String(),
    "date": pl.Date(),
    "sex": pl.String(),  # "M" or "F"
    "order": pl.Int64(),
    "in_policy": pl.Boolean(),
    "ref": pl.String(),
    "row": pl.Int64(),
}

#: columns of the `deaths` register
DEATH_SCHEMA: dict[str, pl.DataType] = {
    "org_unit": pl.String(),
    "date": pl.Date(),
    "sex": pl.String(),
    "age": pl.Float64(),
    "ref": pl.String(),
    "row": pl.Int64(),
}


def empty_values() -> pl.DataFrame:
    return pl.DataFrame(schema=VALUE_SCHEMA)


@dataclass
class Dataset:
    """One workbook, read and checked.

    `values` holds entered data values (element ids resolved, periods parsed); `stated` holds
    figures the clerk stated for an indicator (element column = indicator id), which the engine
    compares with what it computes; `registers` maps a register sheet (`births`, `deaths`) to its
    rows.
    """

    source: str
    pack_id: str
    tree: OrgTree
    meta: dict[str, str] = field(default_factory=dict)
    values: pl.DataFrame = field(default_factory=empty_values)
    stated: pl.DataFrame = field(default_factory=empty_values)
    registers: dict[str, pl.DataFrame] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    narrative: list[NarrativeSection] = field(default_factory=list)
    #: the county's assessment method; empty: every item all-or-nothing at the pack's points
    assessment: list[AssessmentItem] = field(default_factory=list)
    checklist: list[ChecklistItem] = field(default_factory=list)
    #: what reading noticed without refusing (a hidden copy of a sheet left unread, a meta key
    #: zicha does not use): warning findings about the workbook itself
    notices: list[Finding] = field(default_factory=list)
