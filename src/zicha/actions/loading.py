"""`zicha load`: a whole workbook into the server's database, all or nothing.

The workbook is read and checked by the same reader as the command line; then, in one transaction,
its org units, values, register rows, targets, assessment method, checklist, narrative and report
header are written. Loading the same workbook again changes nothing: every row is matched with
what is stored (values by unit, element and period; register rows by their whole content, a
unit's month at a time: a month whose row count and digest match what is stored is not read
back) and only differences are written. Register rows are counted by unit, element and month in
the same pass (`RegisterMonth`, what the engine sums), and written in bulk.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from zicha.actions.entry import (
    Cell,
    How,
    MethodItem,
    TargetCell,
    Write,
    bump_data_version,
    put_assessment,
    put_targets,
    put_values,
    write,
)
from zicha.domain.errors import InputError, Problem
from zicha.domain.orgunit import OrgUnit
from zicha.domain.pack import Pack
from zicha.domain.period import Period, month_end, parse_period
from zicha.engine.coverage import SHEET_NAMES
from zicha.engine.dataset import Dataset
from zicha.engine.store import register_conditions
from zicha.packs.registry import get_pack
from zicha.storage import bulk
from zicha.storage import models as m
from zicha.storage.source import PACK_SETTING, pack_id
from zicha.workbook.facts import month_counts
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
    dataset = read_workbook(Path(path), get_pack, progress=progress, rows=True)
    return load_dataset(dataset, user, str(path))


def load_dataset(
    dataset: Dataset, user: m.User | None, display: str, how: How = "load"
) -> LoadSummary:
    """Write a checked dataset into the database (all or nothing), through the one write path
    of `zicha.actions.entry`. The dataset must keep its register rows (`read_workbook(...,
    rows=True)`): the database stores them one by one."""
    missing = [s for s, t in dataset.tallies.items() if t.height and s not in dataset.registers]
    if missing:
        raise ValueError(f"registers read without their rows: {', '.join(missing)}")
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
        orgs = _org_units(dataset, w, summary)
        _values(dataset, orgs, w, summary)
        _registers(get_pack(dataset.pack_id), dataset, orgs, w, summary)
        _targets(dataset, orgs, w, summary)
        _assessment(dataset, orgs, w, summary)
        _checklist(dataset, orgs, w, summary)
        _narrative(dataset, orgs, w, summary)
        if summary.changed:
            w.touched()
    changed = sum(summary.created.values()) + sum(summary.updated.values())
    if changed >= bulk.STATISTICS_ROWS or (changed and not bulk.has_statistics()):
        bulk.analyze()
    return summary


__all__ = ["LoadSummary", "bump_data_version", "load_dataset", "load_workbook"]


# ---------------------------------------------------------------------------------------------


def _org_units(dataset: Dataset, w: Write, summary: LoadSummary) -> dict[str, m.OrgUnit]:
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
    fresh = [code for code in order if code not in stored]
    if fresh:
        # keys taken in the tree's order, so that paths, which name them, exist before the
        # rows: every new unit in one statement
        made: list[m.OrgUnit] = []
        for pk, code in zip(bulk.new_keys(m.OrgUnit, len(fresh)), fresh, strict=True):
            unit = tree.get(code)
            parent = stored.get(unit.parent) if unit.parent else None
            row = m.OrgUnit(
                id=pk,
                code=code,
                name=unit.name,
                kind=unit.kind,
                parent=parent,
                path=f"{parent.path if parent else ''}{pk}/",
            )
            stored[code] = row
            made.append(row)
        m.OrgUnit.objects.bulk_create(made, batch_size=500)
        summary.created["orgunits"] += len(made)
        for row in made:
            w.record("orgunit", row, None, row.code, None, _unit_text(row))
    for code in order:
        if code not in fresh:
            _move(tree.get(code), stored, w, summary)
    return stored


def _move(unit: OrgUnit, stored: dict[str, m.OrgUnit], w: Write, summary: LoadSummary) -> None:
    """A stored unit renamed, or moved under another parent (its subtree's paths follow)."""
    row = stored[unit.code]
    parent = stored.get(unit.parent) if unit.parent else None
    path = f"{parent.path if parent else ''}{row.pk}/"
    if (row.name, row.kind, row.parent_id, row.path) == (
        unit.name,
        unit.kind,
        parent.pk if parent else None,
        path,
    ):
        return
    old_path, old_text = row.path, _unit_text(row)
    row.name, row.kind, row.parent, row.path = unit.name, unit.kind, parent, path
    row.save()
    w.record("orgunit", row, None, row.code, old_text, _unit_text(row))
    if old_path != path:
        subtree = [row.pk]
        for below in m.OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=row.pk):
            below.path = path + below.path[len(old_path) :]
            below.save(update_fields=["path"])
            stored[below.code] = below
            subtree.append(below.pk)
        if m.province_of(old_path) != row.province:
            m.RegisterMonth.objects.filter(org_id__in=subtree).update(province=row.province)
    summary.updated["orgunits"] += 1


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


def _org_ids(orgs: dict[str, m.OrgUnit]) -> pl.DataFrame:
    return pl.DataFrame(
        {"org_unit": list(orgs), "org": [o.pk for o in orgs.values()]},
        schema={"org_unit": pl.String, "org": pl.Int64},
    )


_REGISTERS: dict[str, tuple[type[m.Birth] | type[m.Death], tuple[str, ...]]] = {
    "births": (m.Birth, ("date", "sex", "order", "in_policy", "ref")),
    "deaths": (m.Death, ("date", "sex", "age", "ref")),
}
#: columns a blank cell is stored as "" in (not null)
_TEXT = ("sex", "ref")
#: how register digests are made: polars' row hash, which is stable within one polars version
DIGEST_SCHEME = f"polars-{pl.__version__}"
_GROUP = ["org", "start"]


def _digests(rows: pl.DataFrame) -> pl.DataFrame:
    """(org, start, rows, digest) of register rows carrying a `hash` column: the digest is a sum
    of row hashes, so it does not depend on the order of the rows."""
    return rows.group_by(_GROUP).agg(
        pl.len().cast(pl.Int64).alias("rows"),
        (
            (pl.col("hash") // (1 << 32)).cast(pl.Int64).sum() % (1 << 31) * (1 << 32)
            + (pl.col("hash") % (1 << 32)).cast(pl.Int64).sum() % (1 << 32)
        ).alias("digest"),
    )


def _hashed(frame: pl.DataFrame, cols: tuple[str, ...]) -> pl.DataFrame:
    return frame.with_columns(
        start=pl.col("date").dt.truncate("1mo"),
        hash=pl.struct(["org", *cols]).hash(seed=20231001),
    )


def _registers(
    pack: Pack, dataset: Dataset, orgs: dict[str, m.OrgUnit], w: Write, summary: LoadSummary
) -> None:
    """Register rows not stored yet are added, and their months counted in the same pass.

    Rows are matched on their whole content, so a row loaded twice is stored once and two
    identical births stay two. A unit's month whose rows are all stored already (same count,
    same digest) is not read back at all; only a month that differs is compared row by row.
    """
    w.check_units(
        (orgs[code], Problem(sheet=SHEET_NAMES.get(sheet, sheet), message=f"单位 {code}"))
        for sheet, frame in dataset.registers.items()
        for code in frame["org_unit"].unique().sort()
    )
    ids = _org_ids(orgs)
    conditions = register_conditions(pack)
    sheets = [(sheet, frame) for sheet, frame in dataset.registers.items() if frame.height]
    stored = {sheet: _stored_digests(sheet) for sheet, _ in sheets}
    # a register's rows are written while the next register is compared and counted; the
    # database is used again only once they are (`settle`)
    waiting: list[Callable[[], int]] = []

    def settle() -> None:
        while waiting:
            waiting.pop()()

    months: list[pl.DataFrame] = []
    digests: list[pl.DataFrame] = []
    #: (sheet, start, rows) of the digests a load replaces
    replaced: list[pl.DataFrame] = []
    try:
        for sheet, frame in sheets:
            plan = _plan(sheet, frame, ids, stored[sheet], settle)
            settle()
            # in the order of the (org, date) index: each row lands at the end of it
            added = plan.added.select("org", *plan.cols).sort(pl.col("org") * 100_000 + _day)
            _record_rows(w, plan, added, stored[sheet], orgs)
            waiting.append(bulk.start_insert(plan.model, added))
            summary.created[plan.sheet] += added.height
            counts = {e: c for e, (s, c) in conditions.items() if s == plan.sheet}
            if counts and plan.counted.height:
                counted = month_counts(plan.counted, counts, unit="org")
                months.append(counted.with_columns(sheet=pl.lit(plan.sheet)))
            if plan.digests.height:
                digests.append(plan.digests)
            if plan.replaced.height:
                replaced.append(plan.replaced)
        settle()
    finally:
        # on a failure here, the writing must end before the transaction is rolled back
        for wait in waiting:
            with contextlib.suppress(BaseException):
                wait()
    if months:
        provinces = pl.DataFrame(
            {"org": [o.pk for o in orgs.values()], "province": [o.province for o in orgs.values()]},
            schema={"org": pl.Int64, "province": pl.Int64},
        )
        counted = pl.concat(months).join(provinces, on="org", how="left")
        bulk.insert_frame(m.RegisterMonth, counted.sort("org", "element", "start"))
    if digests:
        # in the order of the (org, sheet, start) index: a unit's months share a page or two
        bulk.insert_frame(m.RegisterDigest, pl.concat(digests).sort("org", "sheet", "start"))
    if digests or replaced:
        _add_totals(pl.concat(digests) if digests else None, replaced)


def _add_totals(digests: pl.DataFrame | None, replaced: list[pl.DataFrame]) -> None:
    """`RegisterTotal` moved by the digests written, less those they replace."""
    parts = [] if digests is None else [digests.select("sheet", "start", "rows")]
    parts += [r.select("sheet", "start", -pl.col("rows")) for r in replaced]
    change = pl.concat(parts).group_by("sheet", "start").agg(pl.col("rows").sum())
    keys = change.select("sheet", "start")
    stored = bulk.fetch_frame(
        f"SELECT sheet, start, rows FROM {m.RegisterTotal._meta.db_table}",
        [],
        {"sheet": pl.String(), "start": pl.Date(), "rows": pl.Int64()},
    ).join(keys, on=["sheet", "start"], how="semi")
    totals = (
        pl.concat([stored, change])
        .group_by("sheet", "start")
        .agg(pl.col("rows").sum())
        .sort("sheet", "start")
    )
    bulk.delete_keys(m.RegisterTotal, stored.select("sheet", "start"))
    bulk.insert_frame(m.RegisterTotal, totals)


def _record_rows(
    w: Write, plan: _Plan, added: pl.DataFrame, stored: pl.DataFrame, orgs: dict[str, m.OrgUnit]
) -> None:
    """The rows added to a register are changes of their units' months: refused as a whole when
    a month is locked, else recorded one entry per unit and month (its row count before and
    after; the registration numbers in the comment when there are a few), so that a province's
    millions of rows make tens of thousands of entries, not millions. Runs while the database
    is free (before the rows are written)."""
    if added.height == 0:
        return
    units = {u.pk: u for u in orgs.values()}
    before = {
        (org, start): n
        for org, start, n in stored.select("org", "start", "rows_stored").iter_rows()
    }
    sheet = SHEET_NAMES.get(plan.sheet, plan.sheet)
    groups = (
        added.with_columns(start=pl.col("date").dt.truncate("1mo"))
        .group_by("org", "start")
        .agg(pl.len().alias("n"), pl.col("ref").filter(pl.col("ref") != "").head(REFS_SHOWN))
        .sort("org", "start")
    )
    months = {d: parse_period(d.strftime("%Y%m")) for d in groups["start"].unique().to_list()}
    w.check_open(
        (units[org], months[start], Problem(sheet=sheet, message=f"单位 {units[org].code}"))
        for org, start in groups.select("org", "start").iter_rows()
    )
    kind = "birth" if plan.sheet == "births" else "death"
    for org, start, n, refs in groups.iter_rows():
        old = before.get((org, start), 0)
        shown = f"：登记编号 {'、'.join(refs)}" if refs and n <= REFS_SHOWN else ""
        w.record(
            kind,
            units[org],
            months[start],
            plan.sheet,
            f"{old} 行" if old else None,
            f"{old + n} 行",
            comment=f"新增 {n} 行{shown}",
        )


#: a unit's month lists the registration numbers it added up to this many
REFS_SHOWN = 20


def _stored_digests(sheet: str) -> pl.DataFrame:
    return bulk.fetch_frame(
        f"SELECT org_id, start, rows, digest, scheme FROM {m.RegisterDigest._meta.db_table} "
        "WHERE sheet = %s",
        [sheet],
        {
            "org": pl.Int64(),
            "start": pl.Date(),
            "rows_stored": pl.Int64(),
            "digest_stored": pl.Int64(),
            "scheme": pl.String(),
        },
    )


_day = pl.col("date").cast(pl.Int32)


@dataclass
class _Plan:
    """What a load writes of one register: rows to add, rows of the months to count (all of
    them: a month that already had rows is counted again from every row), and the digests of
    those months."""

    sheet: str
    model: type[m.Birth] | type[m.Death]
    cols: tuple[str, ...]
    added: pl.DataFrame
    counted: pl.DataFrame
    digests: pl.DataFrame
    #: (sheet, start, rows) of the stored digests replaced (months that differ)
    replaced: pl.DataFrame


def _plan(
    sheet: str,
    frame: pl.DataFrame,
    ids: pl.DataFrame,
    stored: pl.DataFrame,
    settle: Callable[[], None],
) -> _Plan:
    """Compare a register with what is stored (`stored`: its digests); months that differ are
    read back and cleared for a recount, after `settle` (the database is free again)."""
    model, cols = _REGISTERS[sheet]
    rows = _hashed(
        frame.select("org_unit", *cols)
        .with_columns(pl.col(c).fill_null("") for c in _TEXT if c in cols)
        .join(ids, on="org_unit", maintain_order="left")
        .select("org", *cols),
        cols,
    )
    incoming = _digests(rows)
    compared = incoming.join(stored, on=_GROUP, how="left")
    new = compared.filter(pl.col("rows_stored").is_null())
    differ = compared.filter(
        pl.col("rows_stored").is_not_null()
        & (
            (pl.col("rows") != pl.col("rows_stored"))
            | (pl.col("digest") != pl.col("digest_stored"))
            | (pl.col("scheme") != DIGEST_SCHEME)
        )
    )
    added = rows.join(new.select(_GROUP), on=_GROUP, how="semi")
    labels = {"sheet": pl.lit(sheet), "scheme": pl.lit(DIGEST_SCHEME)}
    digests = new.select(*_GROUP, "rows", "digest").with_columns(**labels)
    replaced = differ.select(pl.lit(sheet).alias("sheet"), "start", rows="rows_stored")
    if differ.height == 0:
        return _Plan(sheet, model, cols, added, added, digests, replaced)
    settle()
    kept = _hashed(_stored_rows(model, cols, differ.select(_GROUP)), cols)
    extra = _missing_rows(rows.join(differ.select(_GROUP), on=_GROUP, how="semi"), kept)
    whole = pl.concat([kept, extra.select(kept.columns)])
    keys = differ.select(*_GROUP, sheet=pl.lit(sheet))
    bulk.delete_keys(m.RegisterDigest, keys)
    bulk.delete_keys(m.RegisterMonth, keys)
    return _Plan(
        sheet,
        model,
        cols,
        pl.concat([added, extra.select(added.columns)]),
        pl.concat([added, whole.select(added.columns)]),
        pl.concat([digests, _digests(whole).with_columns(**labels)]),
        replaced,
    )


def _stored_rows(
    model: type[m.Birth] | type[m.Death], cols: tuple[str, ...], groups: pl.DataFrame
) -> pl.DataFrame:
    """The stored rows of the given (org, start) months."""
    table = model._meta.db_table
    names = ", ".join(f'"{model._meta.get_field(c).column}"' for c in cols)
    schema: dict[str, pl.DataType] = {"org": pl.Int64()}
    for c in cols:
        schema[c] = {
            "date": pl.Date(),
            "sex": pl.String(),
            "order": pl.Int64(),
            "in_policy": pl.Boolean(),
            "ref": pl.String(),
            "age": pl.Float64(),
        }[c]
    parts = [
        bulk.fetch_frame(
            f'SELECT org_id, {names} FROM {table} WHERE org_id = %s AND "date" BETWEEN %s AND %s',
            [org, start, month_end(start)],
            schema,
        )
        for org, start in groups.iter_rows()
    ]
    return pl.concat(parts)


def _missing_rows(incoming: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    """The incoming rows the stored ones lack, as many copies of each as are missing."""
    keys = [c for c in incoming.columns if c not in ("hash", "start")]
    have = stored.group_by(keys).agg(pl.len().alias("stored"))
    return (
        incoming.join(have, on=keys, how="left", nulls_equal=True)
        .with_columns(pl.col("stored").fill_null(0))
        .with_columns(n=pl.int_range(pl.len()).over(keys))
        .filter(pl.col("n") >= pl.col("stored"))
        .drop("stored", "n")
    )


def _targets(dataset: Dataset, orgs: dict[str, m.OrgUnit], w: Write, summary: LoadSummary) -> None:
    """The workbook's targets, through the one write path (a target that differs from the one
    in force takes effect as `entry.default_effective` says)."""
    cells = [
        TargetCell(
            orgs[t.org_unit],
            t.period,
            t.indicator,
            t.bound,
            t.points,
            where=Problem(sheet="目标", column="单位代码", found=t.org_unit),
        )
        for t in dataset.targets
    ]
    for change in put_targets(w, cells):
        (summary.created if change.old is None else summary.updated)["targets"] += 1


def _assessment(
    dataset: Dataset, orgs: dict[str, m.OrgUnit], w: Write, summary: LoadSummary
) -> None:
    """The workbook's assessment method belongs to its root unit (it scores the units below)."""
    root = orgs[dataset.tree.root.code]
    items = [
        MethodItem(root, item.key, item, Problem(sheet="考核办法", found=item.key))
        for item in dataset.assessment
    ]
    for change in put_assessment(w, items):
        (summary.created if change.old is None else summary.updated)["assessment"] += 1


def _checklist(
    dataset: Dataset, orgs: dict[str, m.OrgUnit], w: Write, summary: LoadSummary
) -> None:
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
            "row": item.row,
        }
        _upsert(
            m.ChecklistItem,
            existing.get((*base, nth)),
            fields,
            summary,
            "checklist",
            Recorded(w, "checklist", org, item.period, item.item),
            org=org,
            period=item.period.id,
            item=item.item,
        )


def _narrative(
    dataset: Dataset, orgs: dict[str, m.OrgUnit], w: Write, summary: LoadSummary
) -> None:
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
        _record_narrative(w, org, period, have, wanted)
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
            w.record("header", org, None, key, stored.get(key), value)
            m.ReportHeader.objects.update_or_create(org=org, key=key, defaults={"value": value})
            summary.updated["header"] += 1


@dataclass(frozen=True)
class Recorded:
    """Where `_upsert` records the change of one row: the write, the kind of change, the unit,
    the period and the row's key."""

    w: Write
    kind: str
    org: m.OrgUnit
    period: Period | None
    key: str


def _upsert(
    model: Any,
    row: Any,
    fields: dict[str, Any],
    summary: LoadSummary,
    kind: str,
    recorded: Recorded,
    **keys: Any,
) -> None:
    r = recorded
    if row is None:
        r.w.record(r.kind, r.org, r.period, r.key, None, _fields_text(fields, fields))
        model.objects.create(**keys, **fields)
        summary.created[kind] += 1
        return
    changed = {k: v for k, v in fields.items() if getattr(row, k) != v}
    if changed:
        old = {k: getattr(row, k) for k in changed}
        r.w.record(
            r.kind,
            r.org,
            r.period,
            r.key,
            _fields_text(old, changed),
            _fields_text(changed, changed),
        )
        for k, v in fields.items():
            setattr(row, k, v)
        row.save()
        summary.updated[kind] += 1


#: the fields of targets, the method and the checklist as the audit trail names them
FIELD_NAMES = {
    "op": "条件",
    "value": "目标值",
    "low": "下限",
    "high": "上限",
    "points": "分值",
    "mode": "计分方式",
    "step": "每",
    "deduct": "扣分",
    "veto": "一票否决",
    "weight": "权重",
    "group": "分组",
    "split": "分期比例",
    "requirement": "标准要求",
    "result": "检查结果",
    "problem": "发现问题",
    "action": "整改措施",
    "owner": "责任部门/责任人",
    "deadline": "整改时限",
    "closed": "整改完成",
    "closed_on": "完成日期",
}
_QUIET = ("start", "end", "position", "row")


def _fields_text(values: dict[str, Any], shown: dict[str, Any]) -> str:
    """Fields as the audit trail shows them: 「目标值=510；分值=10」 (positions and spans left
    out, they follow from the row's place and period)."""
    parts = [
        f"{FIELD_NAMES.get(k, k)}={_value_text(values[k])}"
        for k in shown
        if k not in _QUIET and values[k] not in (None, "")
    ]
    return "；".join(parts)


def _value_text(v: Any) -> str:
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return _num(v)
    return str(v)


def _unit_text(u: m.OrgUnit) -> str:
    parent = u.parent.code if u.parent_id and u.parent is not None else ""
    return f"{u.name}（{u.kind or '—'}，上级 {parent or '无'}）"


def _record_narrative(
    w: Write,
    org: m.OrgUnit,
    period: str,
    have: list[tuple[str, str]],
    wanted: list[tuple[str, str]],
) -> None:
    """Each section whose paragraphs differ is one change."""

    def by_section(rows: list[tuple[str, str]]) -> dict[str, str]:
        out: dict[str, list[str]] = {}
        for section, text in rows:
            out.setdefault(section, []).append(text)
        return {k: "\n".join(v) for k, v in out.items()}

    old, new = by_section(have), by_section(wanted)
    when = parse_period(period) if period else None
    for section in [*new, *(k for k in old if k not in new)]:
        w.record("narrative", org, when, section, old.get(section), new.get(section))


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)
