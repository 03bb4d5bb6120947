"""Targets and the assessment method exchanged: as the workbook's 目标 and 考核办法 sheets
(CONTRACT §1 and §5, read by the command line's reader), as JSON for the API, and as the target
responsibility agreements they become. Every change goes through `zicha.actions.entry`.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from zicha.actions import county
from zicha.actions.agreements import (
    AgreementFile,
    agreement_file,
    agreements_archive,
    signing_date,
)
from zicha.actions.entry import (
    MethodItem,
    Refused,
    TargetCell,
    TargetChange,
    method_fields,
    put_assessment,
    put_targets,
)
from zicha.actions.entry import write as open_write
from zicha.actions.files import safe_file_name
from zicha.actions.imports import received, resolver
from zicha.actions.targets import (
    bound_of,
    check_role,
    current_targets,
    effective_day,
    indicator_of,
    may_set_method,
    method_unit,
)
from zicha.domain.assessment import MODE_LABELS, AssessmentItem
from zicha.domain.errors import InputError, Problem
from zicha.domain.numbers import plain
from zicha.domain.pack import Pack
from zicha.domain.period import Period
from zicha.domain.target import Bound, Target
from zicha.reports.agreement import year_text
from zicha.reports.json_view import period_json
from zicha.storage import models as m
from zicha.storage.source import method_item, org_tree, target_versions
from zicha.workbook import cells
from zicha.workbook.assessment_sheet import assessment_item
from zicha.workbook.cells import CellError
from zicha.workbook.export import write_raw_workbook
from zicha.workbook.reader import read_workbook
from zicha.workbook.sheets import ASSESSMENT, TARGETS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---------------------------------------------------------------------------------------------
# the workbook's sheets


def target_rows(pack: Pack, targets: Iterable[Target], period: Period) -> list[list[str]]:
    """The 目标 sheet: header, then one row per target (indicators by their Chinese names)."""
    rows = [[c.zh for c in TARGETS.columns]]
    for t in targets:
        name = pack.indicators[t.indicator].name if t.indicator in pack.indicators else t.indicator
        rows.append([t.org_unit, period.id, name, t.bound.text(), plain(t.points)])
    return rows


def method_rows(pack: Pack, items: Iterable[AssessmentItem]) -> list[list[str]]:
    """The 考核办法 sheet: header, then one row per item."""
    rows = [[c.zh for c in ASSESSMENT.columns]]
    for item in items:
        ind = pack.indicators.get(item.key)
        rows.append(
            [
                ind.name if ind is not None else item.key,
                plain(item.points),
                MODE_LABELS[item.mode],
                plain(item.step),
                plain(item.deduct),
                "是" if item.veto else "否",
                "" if item.weight == 1.0 else plain(item.weight),
                item.group or "",
                ":".join(plain(x) for x in item.split) if item.split else "",
            ]
        )
    return rows


def export_workbook(user: m.User, unit: m.OrgUnit, year: Period) -> AgreementFile:
    """The targets of `unit` and its children for `year` (as they stand at its end) and the
    assessment method, as a workbook with the 目标 and 考核办法 sheets, ready to be edited and
    uploaded again."""
    check_role(user)
    pack = county.server_pack()
    children = list(m.OrgUnit.objects.filter(parent=unit).order_by("code"))
    current, _ = current_targets([unit, *children], year)
    order = {u.code: i for i, u in enumerate([unit, *children])}
    ids = list(pack.indicators)
    targets = sorted(
        current.values(),
        key=lambda t: (order[t.org_unit], ids.index(t.indicator) if t.indicator in ids else 0),
    )
    items = [method_item(a) for a in m.AssessmentItem.objects.filter(org=method_unit())]
    sheets = {
        "基本信息": [["项目", "内容"], ["pack", pack.id], ["orgunit", unit.code]],
        TARGETS.zh: target_rows(pack, targets, year),
        ASSESSMENT.zh: method_rows(pack, items),
    }
    name = safe_file_name(f"{unit.code}-{unit.name}-{year_text(year)}目标.xlsx")
    with tempfile.TemporaryDirectory(prefix="zicha-targets-") as tmp:
        path = Path(tmp) / "targets.xlsx"
        write_raw_workbook(sheets, path, list(sheets))
        return AgreementFile(name, path.read_bytes(), XLSX_TYPE)


def import_workbook(
    user: m.User,
    name: str,
    size: int,
    chunks: Iterable[bytes],
    effective: str | None = None,
    today: datetime.date | None = None,
) -> list[TargetChange]:
    """Set the targets and the method of an uploaded workbook's 目标 and 考核办法 sheets (other
    sheets are not read), all or nothing: read by the command line's reader with its messages
    (400), refused whole when a row changes the target of a unit the user may not set targets
    of, or changes the method when the user may not (403): a workbook exported from the page
    comes back unchanged whoever uploads it. Changed targets take effect from the day
    `effective` (blank: the default day)."""
    check_role(user)
    day = effective_day(effective)
    with received(name, size, chunks) as (path, shown):
        dataset = read_workbook(path, resolver(), known=org_tree(), only=("targets", "assessment"))
    codes = {t.org_unit for t in dataset.targets}
    units = {u.code: u for u in m.OrgUnit.objects.filter(code__in=codes)}
    visible = set(county.visible_units(user).filter(code__in=codes).values_list("code", flat=True))
    outside = [
        Problem(
            file=shown,
            sheet=TARGETS.zh,
            row=t.row,
            column="单位代码",
            found=t.org_unit,
            message="不在您的管辖范围内",
        )
        for t in dataset.targets
        if t.org_unit not in visible
    ]
    if outside:
        raise Refused(
            f"有 {len(outside)} 行属于您的管辖范围以外的单位，不能导入；本次未写入任何数据",
            outside,
        )
    cells = [
        TargetCell(
            units[t.org_unit],
            t.period,
            t.indicator,
            t.bound,
            t.points,
            day,
            Problem(file=shown, sheet=TARGETS.zh, row=t.row, column="单位代码", found=t.org_unit),
        )
        for t in dataset.targets
    ]
    top = method_unit()
    items = [
        MethodItem(top, item.key, item, Problem(file=shown, sheet=ASSESSMENT.zh))
        for item in dataset.assessment
    ]
    with open_write(user, "targets", today) as w:
        return put_targets(w, cells) + put_assessment(w, items)


# ---------------------------------------------------------------------------------------------
# the API


def change_json(c: TargetChange) -> dict[str, Any]:
    return {
        "kind": c.kind,
        "org_unit": c.unit.code,
        "period": c.period or None,
        "indicator": c.key,
        "old": c.old,
        "new": c.new,
        "valid_from": c.effective.isoformat() if c.effective else None,
    }


def targets_document(user: m.User, org: str | None, period: str | None) -> dict[str, Any]:
    """`GET /api/targets`: the targets set on exactly `period` for `org` and every unit below
    it, as they stand at the period's end, each with its versions."""
    scope = county.resolve(user, org, period)
    unit = county.unit_for(user, scope.org.code)
    pack = county.server_pack()
    subtree = m.OrgUnit.objects.filter(path__startswith=unit.path)
    versions = target_versions(m.Target.objects.filter(org__in=subtree, period=scope.period.id))
    rows = m.Target.objects.filter(org__in=subtree, period=scope.period.id).order_by(
        "org__path", "indicator", "valid_from"
    )
    history: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows.values_list(
        "org__code", "indicator", "valid_from", "removed", "op", "value", "low", "high", "points"
    ):
        code, ind, valid_from, removed, op, value, low, high, points = r
        history.setdefault((code, ind), []).append(
            {
                "valid_from": valid_from.isoformat(),
                "op": None if removed else op,
                "value": value,
                "low": low,
                "high": high,
                "points": points,
            }
        )
    current = [t for t in versions if t.in_force(scope.period.end)]
    return {
        "org_unit": {"code": unit.code, "name": unit.name},
        "period": period_json(scope.period),
        "targets": [
            {
                "org_unit": t.org_unit,
                "indicator": t.indicator,
                "name": pack.indicators[t.indicator].name
                if t.indicator in pack.indicators
                else t.indicator,
                "op": t.bound.op,
                "value": t.bound.value,
                "low": t.bound.low,
                "high": t.bound.high,
                "target": t.bound.text(),
                "points": t.points,
                "versions": history.get((t.org_unit, t.indicator), []),
            }
            for t in current
        ],
    }


def _bound_json(row: dict[str, Any], where: Problem) -> Bound | None:
    """A row's target: `target` as the sheet writes it, or `op` with `value` (or `low` and
    `high` for a range); null or "" removes the target."""
    if "op" in row and row["op"] not in (None, ""):
        op = str(row["op"]).strip()
        text = f"{row.get('low')}~{row.get('high')}" if op == "range" else f"{op}{row.get('value')}"
        return _bound_text(text, where)
    target = row.get("target")
    if target is None:
        return None
    return _bound_text(str(target), where)


def _bound_text(text: str, where: Problem) -> Bound | None:
    try:
        return bound_of(text)
    except InputError as exc:
        raise InputError([_at(p, where) for p in exc.problems]) from None


def _at(p: Problem, where: Problem) -> Problem:
    """A problem found in a JSON row, placed at that row."""
    return replace(p, sheet=where.sheet, row=where.row)


def _rows(body: Any, key: str) -> list[dict[str, Any]]:
    rows = body.get(key) if isinstance(body, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise InputError(
            [Problem(column=key, message=f"请求体应为 JSON 对象，其中「{key}」为对象的列表")]
        )
    return rows


def put_targets_document(
    user: m.User,
    org: str | None,
    period: str | None,
    body: Any,
    today: datetime.date | None = None,
) -> dict[str, Any]:
    """`PUT /api/targets`: set the targets of the rows (`org_unit`, default `org`; `indicator`;
    `target` or `op`/`value`/`low`/`high`, null removing; `points`) for `period`, from the day
    `effective` (default: the default day). All or nothing."""
    check_role(user)
    scope = county.resolve(user, org, period)
    unit = county.unit_for(user, scope.org.code)
    pack = county.server_pack()
    rows = _rows(body, "targets")
    day = effective_day(str(body.get("effective") or ""))
    subtree = {u.code: u for u in m.OrgUnit.objects.filter(path__startswith=unit.path)}
    visible = set(county.visible_units(user).values_list("code", flat=True))
    problems: list[Problem] = []
    outside: list[Problem] = []
    cells: list[TargetCell] = []
    for n, row in enumerate(rows, start=1):
        where = Problem(sheet="targets", row=n)
        code = str(row.get("org_unit") or unit.code).strip()
        target_unit = subtree.get(code)
        if target_unit is None or code not in visible:
            outside.append(
                Problem(
                    sheet="targets",
                    row=n,
                    column="org_unit",
                    found=code,
                    message="不在您的管辖范围内，或不是所选单位及其下级单位",
                )
            )
            continue
        try:
            ind = indicator_of(pack, str(row.get("indicator") or ""))
            bound = _bound_json(row, where)
            points = _points(row.get("points"), where)
        except InputError as exc:
            problems += [_at(p, where) for p in exc.problems]
            continue
        cells.append(TargetCell(target_unit, scope.period, ind.id, bound, points, day, where))
    if problems:
        raise InputError(problems)
    if outside:
        raise Refused(
            f"有 {len(outside)} 行属于您的管辖范围以外的单位；本次未写入任何数据", outside
        )
    with open_write(user, "targets", today) as w:
        changes = put_targets(w, cells)
    return {"changes": [change_json(c) for c in changes]}


def _points(value: Any, where: Problem) -> float | None:
    if value is None or value == "":
        return None
    try:
        return cells.parse_points(value)
    except CellError as err:
        raise InputError(
            [
                Problem(
                    sheet=where.sheet,
                    row=where.row,
                    column="points",
                    found=str(value),
                    expected=err.expected,
                    message=err.message,
                )
            ]
        ) from None


def method_json(pack: Pack, item: AssessmentItem) -> dict[str, Any]:
    ind = pack.indicators.get(item.key)
    fields = method_fields(item)
    return {
        "indicator": item.key,
        "name": ind.name if ind is not None else item.key,
        **fields,
        "group": item.group,
        "split": fields["split"] or None,
    }


def assessment_document(user: m.User, org: str | None) -> dict[str, Any]:
    """`GET /api/assessment`: the method that scores the units below `org` (the top unit's:
    the engine scores every unit by one method), and the pack's defaults it overrides."""
    county.unit_for(user, org)
    pack = county.server_pack()
    top = method_unit()
    stored = [method_item(a) for a in m.AssessmentItem.objects.filter(org=top)]
    return {
        "org_unit": {"code": top.code, "name": top.name},
        "items": [method_json(pack, i) for i in stored],
        "defaults": [method_json(pack, i) for i in pack.assessment],
    }


def put_assessment_document(user: m.User, org: str | None, body: Any) -> dict[str, Any]:
    """`PUT /api/assessment`: set (or, with `"remove": true`, remove) items of the method, each
    read as the 考核办法 sheet reads a row. All or nothing."""
    check_role(user)
    unit = county.unit_for(user, org)
    top = method_unit()
    if unit.pk != top.pk:
        raise InputError(
            [
                Problem(
                    column="org",
                    found=unit.code,
                    message=f"考核办法由最上级单位设定，请指定 {top.code}（{top.name}）",
                )
            ]
        )
    if not may_set_method(user):
        raise Refused("考核办法由最上级单位的审核员或管理员设定")
    pack = county.server_pack()
    problems: list[Problem] = []
    items: list[MethodItem] = []
    for n, row in enumerate(_rows(body, "items"), start=1):
        where = Problem(sheet="items", row=n)
        try:
            ind = indicator_of(pack, str(row.get("indicator") or ""))
        except InputError as exc:
            problems += [_at(p, where) for p in exc.problems]
            continue
        if row.get("remove") is True:
            items.append(MethodItem(top, ind.id, None, where))
            continue
        cell = {k: v for k, v in row.items() if k not in ("indicator", "name", "remove")}
        if isinstance(cell.get("veto"), bool):
            cell["veto"] = "是" if cell["veto"] else "否"
        item, found = assessment_item(ind.id, cell, "考核办法")
        for key, value, err in found:
            problems.append(
                Problem(
                    sheet="items",
                    row=n,
                    column=key,
                    found=None if value is None else str(value),
                    expected=err.expected,
                    message=err.message,
                )
            )
        if item is not None:
            items.append(MethodItem(top, ind.id, item, where))
    if problems:
        raise InputError(problems)
    with open_write(user, "targets") as w:
        changes = put_assessment(w, items)
    return {"changes": [change_json(c) for c in changes]}


# ---------------------------------------------------------------------------------------------
# agreements


def agreement_download(
    user: m.User,
    org: str | None,
    period: str | None,
    unit: str | None = None,
    date: str | None = None,
) -> AgreementFile:
    """The target responsibility agreements `org` signs with its children for `period`: one
    child's (`unit`) as a .docx, else all of them in one zip. Drafted by `zicha agreements`'
    own functions over the database's engine."""
    check_role(user)
    scope = county.resolve(user, org, period)
    try:
        signed = signing_date(date)
    except InputError as exc:
        raise InputError([replace(p, column="date") for p in exc.problems]) from None
    engine = county.engine()
    if unit:
        child = county.unit_for(user, unit)
        if child.parent_id is None or child.parent.code != scope.org.code:
            raise InputError(
                [
                    Problem(
                        column="unit",
                        found=child.code,
                        message=f"{child.name}不是{scope.org.name}的下级单位",
                    )
                ]
            )
        return agreement_file(engine, child.code, scope.period, signed)
    return agreements_archive(engine, scope.org.code, scope.period, signed)
