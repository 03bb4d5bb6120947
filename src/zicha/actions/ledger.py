"""The checklist and its rectification ledger (检查事项与整改台账) on the server: the items of a
unit's subtree for a period, editing one, adding one, all through the one write path.

Fields are parsed by the workbook's own cell parsers, so a date or a result is refused with the
same Chinese message as in a workbook.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zicha.actions import county
from zicha.actions.entry import write
from zicha.domain.errors import InputError, Problem
from zicha.domain.period import Period, parse_period
from zicha.storage import models as m
from zicha.workbook import cells
from zicha.workbook.cells import CellError, is_blank
from zicha.workbook.checklist_sheet import parse_result

#: the fields a form may change, with their Chinese names and parsers
FIELDS: dict[str, tuple[str, Any]] = {
    "item": ("检查事项", cells.parse_text),
    "requirement": ("标准要求", cells.parse_text),
    "result": ("检查结果", parse_result),
    "problem": ("发现问题", cells.parse_text),
    "action": ("整改措施", cells.parse_text),
    "owner": ("责任部门/责任人", cells.parse_text),
    "deadline": ("整改时限", cells.parse_date),
    "closed": ("整改完成", cells.parse_flag),
    "closed_on": ("完成日期", cells.parse_date),
}
TEXT_FIELDS = ("requirement", "problem", "action", "owner")


def items(unit: m.OrgUnit, period: Period) -> list[m.ChecklistItem]:
    """The checklist items of the unit and every unit below it whose period overlaps `period`."""
    return list(
        m.ChecklistItem.objects.filter(
            org__path__startswith=unit.path, start__lte=period.end, end__gte=period.start
        )
        .select_related("org")
        .order_by("org__path", "position", "id")
    )


def item_for(user: m.User, pk: int) -> m.ChecklistItem:
    """An item the user may see (`NotInScope` otherwise)."""
    item = (
        m.ChecklistItem.objects.filter(pk=pk, org__in=county.visible_units(user))
        .select_related("org")
        .first()
    )
    if item is None:
        raise county.NotInScope(str(pk))
    return item


def parse_fields(data: Mapping[str, Any]) -> dict[str, Any]:
    """The fields present in `data`, parsed; InputError naming every bad one."""
    parsed: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, (name, parse) in FIELDS.items():
        if key not in data:
            continue
        raw = data[key]
        if is_blank(raw):
            if key in ("item", "result"):
                problems.append(Problem(column=name, message="不能为空"))
            else:
                parsed[key] = "" if key in TEXT_FIELDS else None
            continue
        try:
            parsed[key] = parse(raw)
        except CellError as err:
            problems.append(Problem(column=name, found=str(raw), message=str(err)))
    if problems:
        raise InputError(problems)
    if parsed.get("closed") is None and parsed.get("closed_on") is not None:
        parsed["closed"] = True
    return parsed


def field_text(v: Any) -> str | None:
    """A field's value as the audit trail keeps it (None: empty).

    >>> field_text(True), field_text(""), field_text(None)
    ('是', None, None)
    """
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "是" if v else "否"
    return str(v)


def update_item(user: m.User, pk: int, data: Mapping[str, Any]) -> m.ChecklistItem:
    """Change the fields of one item given in `data`."""
    item = item_for(user, pk)
    fields = parse_fields(data)
    with write(user, "checklist") as w:
        w.check_units([(item.org, Problem(sheet="检查事项", message=item.item))])
        changed = [k for k, v in fields.items() if getattr(item, k) != v]
        period = parse_period(item.period)
        for key in changed:
            w.record(
                "checklist",
                item.org,
                period,
                f"{item.item}·{FIELDS[key][0]}",
                field_text(getattr(item, key)),
                field_text(fields[key]),
            )
            setattr(item, key, fields[key])
        if changed:
            item.save(update_fields=changed)
    return item


def add_item(
    user: m.User, org: str | None, period: Period, data: Mapping[str, Any]
) -> m.ChecklistItem:
    """A new item for a unit of the user's subtree."""
    unit = county.unit_for(user, org)
    fields = parse_fields({"result": "未启动", **data})
    if "item" not in fields:
        raise InputError([Problem(column="检查事项", message="不能为空")])
    with write(user, "checklist") as w:
        w.check_units([(unit, Problem(sheet="检查事项", message=fields["item"]))])
        w.record(
            "checklist",
            unit,
            period,
            fields["item"],
            None,
            "；".join(
                f"{FIELDS[k][0]}={field_text(v)}"
                for k, v in fields.items()
                if k != "item" and field_text(v) is not None
            )
            or "新增",
        )
        last = m.ChecklistItem.objects.filter(org=unit).order_by("-position").first()
        item = m.ChecklistItem.objects.create(
            org=unit,
            period=period.id,
            start=period.start,
            end=period.end,
            position=(last.position + 1) if last else 0,
            **fields,
        )
    return item
