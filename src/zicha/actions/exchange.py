"""DHIS2's `dataValueSets` in and out (CONTRACT §7), so that data moves between zicha and DHIS2.

Out: the values entered for exactly one period, for one unit (and its subtree with
`children`). In: the form DHIS2 clients send, with top-level `orgUnit` and `period` defaults,
string or number values, an empty value deleting; all or nothing, answered by DHIS2's import
summary. Every conflict is collected before anything is written; any conflict writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from zicha.actions import county, metadata
from zicha.actions.entry import (
    DATA_ROLES,
    Cell,
    Counts,
    Locked,
    Refused,
    number_text,
    put_values,
    write,
)
from zicha.domain.errors import InputError, Problem
from zicha.domain.pack import Pack
from zicha.domain.period import Period, PeriodError, parse_period
from zicha.storage import models as m
from zicha.workbook.cells import CellError, is_blank, parse_number
from zicha.workbook.values_sheet import element_parser


def data_value_set(
    user: m.User,
    org: str | None,
    period: str | None,
    children: bool = False,
    uids: bool = False,
) -> dict[str, Any]:
    """`GET /api/dataValueSets`: the values entered for exactly `period`; with `uids`, data
    elements and org units by the UIDs of zicha's DHIS2 metadata instead of their codes. The
    unit may be given by its code or its UID."""
    if not org:
        raise InputError([Problem(column="orgUnit", message="请指定单位（orgUnit=单位代码）")])
    unit = county.unit_for(user, metadata.unit_ids(user).get(org.strip(), org))
    when = county.period_of(period)
    rows = m.DataValue.objects.filter(period=when.id, stated=False)
    rows = rows.filter(org__path__startswith=unit.path) if children else rows.filter(org=unit)
    element_id = (lambda e: metadata.uid("dataElement", e)) if uids else (lambda e: e)
    unit_id = (lambda c: metadata.uid("organisationUnit", c)) if uids else (lambda c: c)
    return {
        "dataValues": [
            {
                "dataElement": element_id(element),
                "period": pid,
                "orgUnit": unit_id(code),
                "value": number_text(value),
                "comment": comment,
            }
            for element, pid, code, value, comment in rows.order_by(
                "org__path", "element"
            ).values_list("element", "period", "org__code", "value", "comment")
        ]
    }


@dataclass(frozen=True)
class ImportSummary:
    """DHIS2's import summary, unwrapped."""

    counts: Counts
    conflicts: list[dict[str, str]]

    @property
    def ok(self) -> bool:
        return not self.conflicts

    def as_json(self) -> dict[str, Any]:
        return {
            "status": "SUCCESS" if self.ok else "ERROR",
            "importCount": self.counts.as_dict(),
            "conflicts": self.conflicts,
        }


def import_data_value_set(user: m.User, body: Any) -> ImportSummary:
    """`POST /api/dataValueSets`. A body that is not a data value set at all is an InputError
    (400); a role that writes no data is `Refused` (403); each unusable value is a conflict."""
    if not isinstance(body, dict) or not isinstance(body.get("dataValues", []), list):
        raise InputError(
            [
                Problem(
                    message='请求体应为 JSON 对象 {"dataValues": [{"dataElement", "period", '
                    '"orgUnit", "value"}]}'
                )
            ]
        )
    if user.role not in DATA_ROLES:
        raise Refused("审核员只能查看数据，不能修改数据")
    pack = county.server_pack()
    cells, conflicts = _cells(user, pack, body)
    if conflicts:
        return ImportSummary(Counts(ignored=len(body.get("dataValues", []))), conflicts)
    try:
        with write(user, "dataValueSets") as w:
            counts = put_values(w, cells)
    except Locked as exc:
        locked = [
            {"object": p.found or "", "value": p.message or exc.message} for p in exc.problems
        ]
        return ImportSummary(Counts(ignored=len(body.get("dataValues", []))), locked)
    return ImportSummary(counts, [])


def _cells(
    user: m.User, pack: Pack, body: dict[str, Any]
) -> tuple[list[Cell], list[dict[str, str]]]:
    default_org = body.get("orgUnit")
    default_period = body.get("period")
    by_name = element_parser(pack)
    element_uids = metadata.element_ids(pack)
    unit_uids = metadata.unit_ids(user)

    def parse_element(text: str) -> str:
        found = element_uids.get(text.strip())
        return f"E:{found}" if found else by_name(text)

    units: dict[str, m.OrgUnit | None] = {}
    periods: dict[str, Period | str] = {}
    cells: list[Cell] = []
    conflicts: list[dict[str, str]] = []

    def conflict(obj: object, message: str) -> None:
        conflicts.append({"object": str(obj), "value": message})

    for i, item in enumerate(body.get("dataValues") or []):
        where = f"第 {i + 1} 个数据值"
        if not isinstance(item, dict):
            conflict(i, f"{where}：应为 JSON 对象")
            continue
        element_text = item.get("dataElement")
        code = item.get("orgUnit") or default_org
        period_text = item.get("period") or default_period
        element: str | None = None
        try:
            key = parse_element(str(element_text or ""))
            if key.startswith("E:"):
                element = key[2:]
            else:
                conflict(element_text, f"{where}：「{element_text}」是指标，不是数据项")
        except CellError as err:
            conflict(element_text, f"{where}：读到「{element_text}」，{err}")
        unit: m.OrgUnit | None = None
        if not code:
            conflict("orgUnit", f"{where}：缺少单位（orgUnit）")
        else:
            code = str(code).strip()
            code = unit_uids.get(code, code)
            if code not in units:
                try:
                    units[code] = county.unit_for(user, code)
                except county.NotInScope:
                    units[code] = None
            unit = units[code]
            if unit is None:
                conflict(code, f"{where}：没有单位「{code}」，或它不在您的管辖范围内")
        period: Period | None = None
        if not period_text:
            conflict("period", f"{where}：缺少期间（period）")
        else:
            ptext = str(period_text).strip()
            if ptext not in periods:
                try:
                    periods[ptext] = parse_period(ptext)
                except PeriodError as err:
                    periods[ptext] = str(err)
            parsed = periods[ptext]
            if isinstance(parsed, str):
                conflict(ptext, f"{where}：{parsed}")
            else:
                period = parsed
        raw = item.get("value")
        value: float | None = None
        if raw is not None and not is_blank(raw):
            if isinstance(raw, bool):
                conflict(raw, f"{where}：读到「{raw}」，应为数字")
                continue
            try:
                value = parse_number(raw)
            except CellError as err:
                conflict(raw, f"{where}：读到「{raw}」，{err}")
                continue
        comment = item.get("comment")
        if element is not None and unit is not None and period is not None:
            cells.append(
                Cell(
                    unit,
                    element,
                    period,
                    value,
                    None if comment is None else str(comment),
                    where=Problem(message=where, found=code),
                )
            )
    return cells, conflicts
