"""The checks that belong to the moment data arrives: how the figures were entered.

A register and an entered value for the same element, unit and month (the register is used), a
negative count, a fraction of a count, a parent reporting what its children report, a flow
entered for a period and for its parts. They look only at the entered values of a subtree, so a
source answers them for any unit without reading the rest of the tree, and they give the same
findings whichever source the values come from.
"""

from __future__ import annotations

import polars as pl

from zicha.domain.finding import Finding
from zicha.domain.orgunit import OrgTree
from zicha.domain.pack import Pack
from zicha.engine import checks, slips
from zicha.engine.coverage import SHEET_NAMES
from zicha.engine.store import closure_frame


def register_conflicts(pack: Pack, entered: pl.DataFrame) -> list[Finding]:
    """An entered value a register supersedes (`superseded`): both give the same figure."""
    sheet_of = {
        item.element: sheet for sheet, spec in pack.registers.items() for item in spec.elements
    }
    out: list[Finding] = []
    for row in entered.filter(pl.col("superseded")).sort("row").iter_rows(named=True):
        element = row["element"]
        sheet = sheet_of[element]
        name = pack.elements[element].name
        out.append(
            Finding(
                rule="register_conflict",
                severity="error",
                message=(
                    f"「数据」第 {row['row']} 行填报了{name}（{row['period']}），"
                    f"而{SHEET_NAMES.get(sheet, sheet)}中已有该单位同期的记录，两者重复；"
                    f"计算使用登记汇总数，请删除该行或删除相应登记"
                ),
                elements=(element,),
                org_unit=row["org_unit"],
                period=row["period"],
            )
        )
    return out


def arrival_findings(
    pack: Pack, tree: OrgTree, entered: pl.DataFrame, closure: pl.DataFrame | None = None
) -> list[Finding]:
    """Every finding about how the values of `entered` (`zicha.engine.facts.ENTERED`) were
    entered, in a fixed order: register conflicts, negative counts, fractional counts, double
    counting up the tree, periods stated twice.

    >>> from zicha.domain.orgunit import OrgUnit
    >>> from zicha.packs.registry import get_pack
    >>> from zicha.engine.facts import ENTERED
    >>> t = OrgTree.build([OrgUnit("1", "乡")])
    >>> rows = [("1", "births", "202401", None, None, -1.0, None, 2, False)]
    >>> frame = pl.DataFrame(rows, schema=ENTERED, orient="row")
    >>> [f.rule for f in arrival_findings(get_pack(None), t, frame)]
    ['negative_value']
    """
    closure = closure_frame(tree) if closure is None else closure
    return [
        *register_conflicts(pack, entered),
        *checks.negative_values(pack, entered),
        *slips.fractional_counts(pack, entered),
        *checks.double_counting(pack, entered, tree, closure),
        *checks.nested_periods(pack, entered),
    ]
