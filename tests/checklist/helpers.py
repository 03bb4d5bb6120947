"""Checklist items built directly: a county, a township, two villages, and an empty pack."""

from __future__ import annotations

from datetime import date
from typing import Any

from zicha.actions.session import workbook_engine
from zicha.domain.assessment import AssessmentItem
from zicha.domain.checklist import ChecklistItem
from zicha.domain.orgunit import OrgTree, OrgUnit
from zicha.domain.pack import Pack
from zicha.domain.period import parse_period
from zicha.engine.computation import Engine
from zicha.engine.dataset import Dataset

TREE = OrgTree.build(
    [
        OrgUnit("510000", "XX县", None, "县"),
        OrgUnit("510001", "XX乡", "510000", "乡镇"),
        OrgUnit("51000101", "甲村", "510001", "村"),
        OrgUnit("51000102", "乙村", "510001", "村"),
        OrgUnit("510002", "YY镇", "510000", "乡镇"),
    ]
)
PACK = Pack("checks-only", "只有检查事项")


def item(org: str, period: str, text: str, row: int | None = None, **kw: Any) -> ChecklistItem:
    """`item("510001", "2025S1", "成立领导组", result="未达标", deadline="2025-06-29")`."""
    for key in ("deadline", "closed_on"):
        if isinstance(kw.get(key), str):
            kw[key] = date.fromisoformat(kw[key])
    return ChecklistItem(org, parse_period(period), text, row=row, **kw)


def engine(*items: ChecklistItem, assessment: tuple[AssessmentItem, ...] = ()) -> Engine:
    ds = Dataset(
        source="<checklist>",
        pack_id=PACK.id,
        tree=TREE,
        checklist=list(items),
        assessment=list(assessment),
    )
    return workbook_engine(PACK, ds)
