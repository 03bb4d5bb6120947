"""The data-entry form (数据填报): the pack's data elements by month for one unit, and saving one
cell of it through the one write path.

The columns are the months of the chosen period and, when the period is longer than a month,
the period itself (a half-year's figure entered as a whole, as the seed township reports it).
"""

from __future__ import annotations

from dataclasses import dataclass

from zicha.actions import county
from zicha.actions.entry import DATA_ROLES, Cell, Lock, Refused, lock_of, put_values, write
from zicha.domain.errors import InputError, Problem
from zicha.domain.pack import DataElement
from zicha.domain.period import Period
from zicha.storage import models as m
from zicha.workbook.cells import CellError, is_blank, parse_number
from zicha.workbook.values_sheet import element_parser


@dataclass(frozen=True)
class GridCell:
    element: str
    period: Period
    value: float | None
    comment: str = ""


@dataclass(frozen=True)
class GridRow:
    element: DataElement
    cells: tuple[GridCell, ...]


@dataclass(frozen=True)
class Grid:
    """The pack's elements (rows) by periods (columns) for one unit."""

    unit: m.OrgUnit
    period: Period
    columns: tuple[Period, ...]
    rows: tuple[GridRow, ...]
    editable: bool
    #: the submission that locks the grid's unit and period, if any
    lock: Lock | None = None


def columns_of(period: Period) -> tuple[Period, ...]:
    """The months of `period`, then the period itself when it is longer than a month.

    >>> from zicha.domain.period import parse_period
    >>> [p.id for p in columns_of(parse_period("2024Q1"))]
    ['202401', '202402', '202403', '2024Q1']
    >>> [p.id for p in columns_of(parse_period("202402"))]
    ['202402']
    """
    months = [p for p in period.months() if period.contains(p)]
    if len(months) == 1 and months[0].id == period.id:
        return (period,)
    return (*months, period)


def may_write(user: m.User) -> bool:
    return user.role in DATA_ROLES


def grid(user: m.User, unit: m.OrgUnit, period: Period) -> Grid:
    """The grid of `unit` (already resolved in the user's scope) for `period`."""
    pack = county.server_pack()
    columns = columns_of(period)
    ids = [p.id for p in columns]
    stored = {
        (element, pid): (value, comment)
        for element, pid, value, comment in m.DataValue.objects.filter(
            org=unit, stated=False, period__in=ids
        ).values_list("element", "period", "value", "comment")
    }
    rows = []
    for element in pack.elements.values():
        cells = []
        for p in columns:
            value, comment = stored.get((element.id, p.id), (None, ""))
            cells.append(GridCell(element.id, p, value, comment))
        rows.append(GridRow(element, tuple(cells)))
    lock = lock_of(unit, period)
    return Grid(unit, period, columns, tuple(rows), may_write(user) and lock is None, lock)


@dataclass(frozen=True)
class Saved:
    """A cell after saving: its value (None: now empty) and whether anything changed."""

    unit: m.OrgUnit
    cell: GridCell
    changed: bool


def save_cell(user: m.User, org: str | None, element: str, period: str, text: str) -> Saved:
    """Save one cell typed into the form: blank deletes the value.

    `NotInScope` (404) for a unit outside the user's subtree, `Refused` (403) for a role that
    writes no data, `InputError` (400) with the command line's message for an unknown element,
    a period that does not parse or a value that is not a number."""
    unit = county.unit_for(user, org)
    if not may_write(user):
        raise Refused("审核员只能查看数据，不能修改数据")
    when = county.period_of(period)
    pack = county.server_pack()
    try:
        key = element_parser(pack)(element)
    except CellError as err:
        problem = Problem(
            column="数据项", found=element, expected=err.expected, message=err.message
        )
        raise InputError([problem]) from None
    if not key.startswith("E:"):
        raise InputError([Problem(column="数据项", found=element, message="这是指标，不是数据项")])
    element_id = key[2:]
    value: float | None = None
    if not is_blank(text):
        try:
            value = parse_number(text)
        except CellError as err:
            raise InputError(
                [
                    Problem(
                        column="数值",
                        found=text.strip(),
                        expected=err.expected,
                        message=err.message,
                    )
                ]
            ) from None
    with write(user, "form") as w:
        counts = put_values(w, [Cell(unit, element_id, when, value, None)])
    comment = (
        m.DataValue.objects.filter(org=unit, element=element_id, period=when.id, stated=False)
        .values_list("comment", flat=True)
        .first()
    )
    return Saved(
        unit,
        GridCell(element_id, when, value, comment or ""),
        bool(counts.imported or counts.updated or counts.deleted),
    )
