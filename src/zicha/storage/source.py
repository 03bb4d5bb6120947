"""Reading the database back into the engine's terms.

`load_dataset` gathers what the engine needs for one subtree (its units, their values, register
rows, targets, the assessment method, checklist items, narrative and report header) into a
`Dataset`, with a few queries over the materialized path. `data_version` is the counter every write
bumps, the key of cached computations.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from zicha.domain.assessment import MODE_NAMES, AssessmentItem, parse_split
from zicha.domain.checklist import ChecklistItem
from zicha.domain.dataset import (
    BIRTH_SCHEMA,
    DEATH_SCHEMA,
    VALUE_SCHEMA,
    Dataset,
    NarrativeSection,
)
from zicha.domain.orgunit import OrgTree, OrgUnit
from zicha.domain.period import parse_period
from zicha.domain.target import Bound, Target
from zicha.storage import models as m

PACK_SETTING = "pack"


def pack_id() -> str | None:
    """The pack this server works with (set by the first workbook loaded)."""
    row = m.Setting.objects.filter(key=PACK_SETTING).first()
    return row.value if row else None


def data_version() -> str:
    """The token of the data as it is now ("" before the first write)."""
    row = m.DataVersion.objects.filter(name="data").first()
    return row.value if row else ""


def org_tree() -> OrgTree:
    """The whole org tree."""
    units = [
        OrgUnit(code, name, parent or None, kind)
        for code, name, parent, kind in m.OrgUnit.objects.order_by("path").values_list(
            "code", "name", "parent__code", "kind"
        )
    ]
    return OrgTree.build(units)


def load_dataset(pack: str, root: str | None = None) -> Dataset:
    """Everything the engine needs for `root`'s subtree (the whole tree when None).

    The tree is always whole (ancestors name a unit's parents); facts are read for the subtree.
    """
    tree = org_tree()
    units = m.OrgUnit.objects.all()
    if root is not None:
        path = m.OrgUnit.objects.get(code=root).path
        units = units.filter(path__startswith=path)
    ids = units.values("id")

    values = m.DataValue.objects.filter(org__in=ids).values_list(
        "org__code", "element", "period", "start", "end", "value", "comment", "id", "stated"
    )
    rows = list(values)
    entered = [r[:8] for r in rows if not r[8]]
    stated = [r[:8] for r in rows if r[8]]
    births = m.Birth.objects.filter(org__in=ids).values_list(
        "org__code", "date", "sex", "order", "in_policy", "ref", "id"
    )
    deaths = m.Death.objects.filter(org__in=ids).values_list(
        "org__code", "date", "sex", "age", "ref", "id"
    )
    registers: dict[str, pl.DataFrame] = {}
    birth_rows = list(births)
    if birth_rows:
        registers["births"] = _frame(birth_rows, BIRTH_SCHEMA)
    death_rows = list(deaths)
    if death_rows:
        registers["deaths"] = _frame(death_rows, DEATH_SCHEMA)

    report_org = root or tree.root.code
    meta = report_header(report_org)
    meta["pack"] = pack
    return Dataset(
        source="database",
        pack_id=pack,
        tree=tree,
        meta=meta,
        values=_frame(entered, VALUE_SCHEMA),
        stated=_frame(stated, VALUE_SCHEMA),
        registers=registers,
        targets=targets(ids),
        narrative=narrative(report_org),
        assessment=assessment(),
        checklist=checklist(ids),
    )


def targets(units: Any = None) -> list[Target]:
    """The targets of the given units (a queryset of ids; every unit when None)."""
    rows = m.Target.objects.all() if units is None else m.Target.objects.filter(org__in=units)
    return [
        Target(code, parse_period(period), indicator, Bound(op, value, low, high), points, "目标")
        for code, period, indicator, op, value, low, high, points in rows.order_by(
            "id"
        ).values_list("org__code", "period", "indicator", "op", "value", "low", "high", "points")
    ]


def assessment() -> list[AssessmentItem]:
    """The assessment method's items, in the order of the sheet."""
    return [
        AssessmentItem(
            a.key,
            a.points,
            MODE_NAMES.get(a.mode, "all_or_nothing"),
            a.step,
            a.deduct,
            a.veto,
            a.weight,
            a.group or None,
            parse_split(a.split) if a.split else None,
            "考核办法",
        )
        for a in m.AssessmentItem.objects.all()
    ]


def checklist(units: Any = None) -> list[ChecklistItem]:
    """The checklist items of the given units (every unit when None), in the order entered."""
    rows = m.ChecklistItem.objects.all()
    if units is not None:
        rows = rows.filter(org__in=units)
    return [
        ChecklistItem(
            c.org.code,
            parse_period(c.period),
            c.item,
            c.requirement,
            c.result,
            c.problem,
            c.action,
            c.owner,
            c.deadline,
            c.closed,
            c.closed_on,
            c.points,
            c.row,
        )
        for c in rows.select_related("org")
    ]


def narrative(org: str) -> list[NarrativeSection]:
    """The paragraphs written for `org`'s report."""
    return [NarrativeSection(n.section, n.text) for n in m.Narrative.objects.filter(org__code=org)]


def report_header(org: str) -> dict[str, str]:
    """The `meta` keys of `org`'s report."""
    return dict(m.ReportHeader.objects.filter(org__code=org).values_list("key", "value"))


def _frame(rows: list[Any], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=schema, orient="row")
