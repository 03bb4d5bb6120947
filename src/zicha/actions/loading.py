"""`zicha load`: a whole workbook into the server's database, all or nothing.

The workbook is read and checked by the same reader as the command line; then, in one transaction,
its org units, values, register rows, targets, assessment method, checklist, narrative and report
header are written. Loading the same workbook again changes nothing: every row is matched with
what is stored (values by unit, element and period; register rows by unit and registration
number, or by their content when they have none) and only differences are written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zicha.actions.entry import Cell, How, Write, bump_data_version, put_values, write
from zicha.domain.errors import InputError, Problem
from zicha.domain.period import Period, parse_period
from zicha.engine.dataset import Dataset
from zicha.packs.registry import get_pack
from zicha.storage import models as m
from zicha.storage.source import PACK_SETTING, pack_id
from zicha.workbook.reader import read_workbook


@dataclass
class LoadSummary:
    """What a load changed, per kind of row."""

    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated)

    def as_dict(self) -> dict[str, dict[str, int]]:
        return {"created": dict(self.created), "updated": dict(self.updated)}


def load_workbook(
    path: str | Path, user: m.User | None = None, progress: Callable[[str], None] | None = None
) -> LoadSummary:
    """Read `path` and write it into the database in one transaction."""
    dataset = read_workbook(Path(path), get_pack, progress=progress)
    return load_dataset(dataset, user, str(path))


def load_dataset(
    dataset: Dataset, user: m.User | None, display: str, how: How = "load"
) -> LoadSummary:
    """Write a checked dataset into the database (all or nothing), through the one write path
    of `zicha.actions.entry`."""
    current = pack_id()
    if current is not None and current != dataset.pack_id:
        raise InputError(
            [
                Problem(
                    file=display,
                    sheet="基本信息",
                    column="pack",
                    found=dataset.pack_id,
                    expected=f"本服务器使用的业务包「{current}」",
                )
            ]
        )
    summary = LoadSummary()
    with write(user, how) as w:
        m.Setting.objects.update_or_create(key=PACK_SETTING, defaults={"value": dataset.pack_id})
        orgs = _org_units(dataset, summary)
        _values(dataset, orgs, w, summary)
        _registers(dataset, orgs, summary)
        _targets(dataset, orgs, summary)
        _assessment(dataset, orgs, summary)
        _checklist(dataset, orgs, summary)
        _narrative(dataset, orgs, summary)
        if summary.changed:
            w.touched()
    return summary


__all__ = ["LoadSummary", "bump_data_version", "load_dataset", "load_workbook"]


# ---------------------------------------------------------------------------------------------


def _org_units(dataset: Dataset, summary: LoadSummary) -> dict[str, m.OrgUnit]:
    stored = {u.code: u for u in m.OrgUnit.objects.all()}
    tree = dataset.tree
    if stored and tree.root.code not in stored:
        roots = [u for u in stored.values() if u.parent_id is None]
        raise InputError(
            [
                Problem(
                    sheet="组织机构",
                    column="代码",
                    found=tree.root.code,
                    expected=f"本服务器的最上级单位「{roots[0]}」或它下面的单位"
                    if roots
                    else "已有的单位",
                )
            ]
        )
    order = [tree.root.code, *tree.descendants(tree.root.code)]
    for code in order:
        unit = tree.get(code)
        parent = stored.get(unit.parent) if unit.parent else None
        row = stored.get(code)
        if row is None:
            row = m.OrgUnit.objects.create(code=code, name=unit.name, parent=parent, kind=unit.kind)
            row.path = f"{parent.path if parent else ''}{row.pk}/"
            row.save(update_fields=["path"])
            stored[code] = row
            summary.created["orgunits"] += 1
            continue
        path = f"{parent.path if parent else ''}{row.pk}/"
        if (row.name, row.kind, row.parent_id, row.path) != (
            unit.name,
            unit.kind,
            parent.pk if parent else None,
            path,
        ):
            old_path = row.path
            row.name, row.kind, row.parent, row.path = unit.name, unit.kind, parent, path
            row.save()
            if old_path != path:  # moved: its subtree's paths follow
                for below in m.OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=row.pk):
                    below.path = path + below.path[len(old_path) :]
                    below.save(update_fields=["path"])
                    stored[below.code] = below
            summary.updated["orgunits"] += 1
    return stored


def _values(dataset: Dataset, orgs: dict[str, m.OrgUnit], w: Write, summary: LoadSummary) -> None:
    periods: dict[str, Period] = {}
    cells: list[Cell] = []
    for stated, frame in ((False, dataset.values), (True, dataset.stated)):
        for row in frame.iter_rows(named=True):
            pid = row["period"]
            period = periods.get(pid)
            if period is None:
                period = periods[pid] = parse_period(pid)
            cells.append(
                Cell(
                    orgs[row["org_unit"]],
                    row["element"],
                    period,
                    row["value"],
                    row["comment"] or "",
                    stated,
                    Problem(sheet="数据", row=row["row"]),
                )
            )
    counts = put_values(w, cells)
    summary.created["values"] += counts.imported
    summary.updated["values"] += counts.updated


_REGISTERS: dict[str, tuple[type[m.Birth] | type[m.Death], tuple[str, ...]]] = {
    "births": (m.Birth, ("date", "sex", "order", "in_policy", "ref")),
    "deaths": (m.Death, ("date", "sex", "age", "ref")),
}


def _registers(dataset: Dataset, orgs: dict[str, m.OrgUnit], summary: LoadSummary) -> None:
    """Register rows not stored yet are added (matched on their whole content, so a row loaded
    twice is stored once, and two identical births stay two)."""
    for sheet, frame in dataset.registers.items():
        model, cols = _REGISTERS[sheet]
        text = [i + 1 for i, c in enumerate(cols) if c in ("sex", "ref")]
        stored = Counter(
            _register_key(r, text) for r in model.objects.values_list("org__code", *cols)
        )
        incoming = Counter(
            _register_key(r, text) for r in frame.select("org_unit", *cols).iter_rows()
        )
        new: list[Any] = []
        for key, count in incoming.items():
            for _ in range(max(0, count - stored.get(key, 0))):
                new.append(model(org=orgs[key[0]], **dict(zip(cols, key[1:], strict=True))))
        model.objects.bulk_create(new, batch_size=5000)
        summary.created[sheet] += len(new)


def _register_key(row: tuple[Any, ...], text: list[int]) -> tuple[Any, ...]:
    """A register row as stored: blank text is "" in the database."""
    return tuple(("" if v is None else v) if i in text else v for i, v in enumerate(row))


def _targets(dataset: Dataset, orgs: dict[str, m.OrgUnit], summary: LoadSummary) -> None:
    existing = {(t.org_id, t.period, t.indicator): t for t in m.Target.objects.all()}
    for t in dataset.targets:
        org = orgs[t.org_unit]
        fields = {
            "start": t.period.start,
            "end": t.period.end,
            "op": t.bound.op,
            "value": t.bound.value,
            "low": t.bound.low,
            "high": t.bound.high,
            "points": t.points,
        }
        _upsert(
            m.Target,
            existing.get((org.pk, t.period.id, t.indicator)),
            fields,
            summary,
            "targets",
            org=org,
            period=t.period.id,
            indicator=t.indicator,
        )


def _assessment(dataset: Dataset, orgs: dict[str, m.OrgUnit], summary: LoadSummary) -> None:
    """The workbook's assessment method belongs to its root unit (it scores the units below)."""
    root = orgs[dataset.tree.root.code]
    existing = {a.key: a for a in m.AssessmentItem.objects.filter(org=root)}
    for position, item in enumerate(dataset.assessment):
        fields = {
            "points": item.points,
            "mode": item.mode,
            "step": item.step,
            "deduct": item.deduct,
            "veto": item.veto,
            "weight": item.weight,
            "group": item.group or "",
            "split": ":".join(_num(x) for x in item.split) if item.split else "",
            "position": position,
        }
        _upsert(
            m.AssessmentItem,
            existing.get(item.key),
            fields,
            summary,
            "assessment",
            org=root,
            key=item.key,
        )


def _checklist(dataset: Dataset, orgs: dict[str, m.OrgUnit], summary: LoadSummary) -> None:
    existing: dict[tuple[int, str, str, int], m.ChecklistItem] = {}
    seen: Counter[tuple[int, str, str]] = Counter()
    for c in m.ChecklistItem.objects.order_by("position", "id"):
        base = (c.org_id, c.period, c.item)
        existing[(*base, seen[base])] = c
        seen[base] += 1
    seen.clear()
    for position, item in enumerate(dataset.checklist):
        org = orgs[item.org_unit]
        base = (org.pk, item.period.id, item.item)
        nth = seen[base]
        seen[base] += 1
        fields = {
            "start": item.period.start,
            "end": item.period.end,
            "requirement": item.requirement,
            "result": item.result,
            "problem": item.problem,
            "action": item.action,
            "owner": item.owner,
            "deadline": item.deadline,
            "closed": item.closed,
            "closed_on": item.closed_on,
            "points": item.points,
            "position": position,
        }
        _upsert(
            m.ChecklistItem,
            existing.get((*base, nth)),
            fields,
            summary,
            "checklist",
            org=org,
            period=item.period.id,
            item=item.item,
        )


def _narrative(dataset: Dataset, orgs: dict[str, m.OrgUnit], summary: LoadSummary) -> None:
    """Narrative and report header belong to the workbook's own unit (meta `orgunit`, else the
    root) and its period; they replace what was stored for that unit when they differ."""
    code = dataset.meta.get("orgunit") or dataset.tree.root.code
    org = orgs[code]
    period = dataset.meta.get("period", "")
    if period:
        period = parse_period(period).id
    wanted = [(n.section, n.text) for n in dataset.narrative]
    have = list(m.Narrative.objects.filter(org=org, period=period).values_list("section", "text"))
    if wanted and wanted != have:
        m.Narrative.objects.filter(org=org, period=period).delete()
        m.Narrative.objects.bulk_create(
            m.Narrative(org=org, period=period, section=s, text=t, position=i)
            for i, (s, t) in enumerate(wanted)
        )
        summary.updated["narrative"] += 1
    header = {k: v for k, v in dataset.meta.items() if k not in ("pack",)}
    stored = dict(m.ReportHeader.objects.filter(org=org).values_list("key", "value"))
    for key, value in header.items():
        if stored.get(key) != value:
            m.ReportHeader.objects.update_or_create(org=org, key=key, defaults={"value": value})
            summary.updated["header"] += 1


def _upsert(
    model: Any, row: Any, fields: dict[str, Any], summary: LoadSummary, kind: str, **keys: Any
) -> None:
    if row is None:
        model.objects.create(**keys, **fields)
        summary.created[kind] += 1
        return
    if any(getattr(row, k) != v for k, v in fields.items()):
        for k, v in fields.items():
            setattr(row, k, v)
        row.save()
        summary.updated[kind] += 1


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)
