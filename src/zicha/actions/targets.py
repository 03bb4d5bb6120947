"""目标设置: the targets a unit passes down to the units below it for a year, and the assessment
method they are scored by, shown as one grid and changed cell by cell.

Every change goes through `zicha.actions.entry` (`put_targets`, `put_assessment`): a reviewer
sets the targets of the units below its own, an administrator anywhere, a clerk never. A target
changed while its year runs takes effect from a day (today by default): the periods that ended
before keep the target they had. The engine scores every unit by one method, the one kept with
the top unit of the tree (where `zicha load` puts a workbook's), so that is the method shown
and changed here.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from zicha.actions import county
from zicha.actions.board import periods_with_data
from zicha.actions.entry import (
    TARGET_ROLES,
    TARGETS_BY_REVIEWERS,
    MethodItem,
    Refused,
    TargetCell,
    TargetChange,
    default_effective,
    may_set_target,
    put_assessment,
    put_targets,
    write,
)
from zicha.domain.assessment import AssessmentItem
from zicha.domain.errors import InputError, Problem
from zicha.domain.finding import Finding
from zicha.domain.orgunit import OrgTree, OrgUnit
from zicha.domain.pack import Indicator, Pack
from zicha.domain.period import Period, fiscal_year_of, parse_period
from zicha.domain.target import Bound, Revision, Target
from zicha.engine import checks
from zicha.storage import models as m
from zicha.storage.source import method_item, target_versions
from zicha.workbook import cells
from zicha.workbook.assessment_sheet import assessment_item
from zicha.workbook.cells import CellError, is_blank
from zicha.workbook.sheets import ASSESSMENT

#: the kinds of period a target grid is for
YEAR_KINDS = ("year", "fyear")


def may_set_targets(user: m.User) -> bool:
    """Whether the user's role sets targets at all (reviewers and administrators)."""
    return user.role in TARGET_ROLES


def check_role(user: m.User) -> None:
    if not may_set_targets(user):
        raise Refused(TARGETS_BY_REVIEWERS)


def target_year(period: Period, start_month: int) -> Period:
    """The year a target grid is for: the period itself when it is a (statistical) year, else
    the statistical year (starting in `start_month`) it starts in.

    >>> from zicha.domain.period import parse_period
    >>> [target_year(parse_period(p), 10).id for p in ("2010OctS1", "2010Oct", "2024")]
    ['2010Oct', '2010Oct', '2024']
    """
    if period.kind in YEAR_KINDS:
        return period
    return fiscal_year_of(period.start, start_month)


def year_of(text: str | None) -> Period:
    """The year asked for (`?period=`), as `target_year` takes it."""
    return target_year(county.period_of(text), county.server_pack().year_start_month)


def method_unit() -> m.OrgUnit:
    """The unit whose assessment method the engine applies: the top of the tree."""
    top = m.OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
    if top is None:
        raise InputError([Problem(message="服务器还没有组织机构：请先用 zicha load 导入工作簿")])
    return top


def may_set_method(user: m.User) -> bool:
    """Whether the user may change the method: an administrator, or a reviewer of the top unit."""
    if user.role == "admin":
        return True
    return user.role == "reviewer" and user.org is not None and user.org.parent_id is None


def effective_day(text: str | None) -> datetime.date | None:
    """The day a change takes effect, as typed (None: the default day)."""
    if text is None or is_blank(text):
        return None
    try:
        return cells.parse_date(text)
    except CellError as err:
        raise cell_error("生效日期", text, err) from None


def cell_error(column: str, text: str, err: CellError) -> InputError:
    """A typed cell that cannot be read, in the command line's words."""
    found = text.strip()
    return InputError(
        [Problem(column=column, found=found, expected=err.expected, message=err.message)]
    )


def indicator_of(pack: Pack, text: str) -> Indicator:
    """An indicator by id or Chinese name (400 naming the text when there is none)."""
    found = pack.indicator_by_name_or_id(text.strip()) if text.strip() else None
    if found is None:
        example = next(iter(pack.indicators.values()))
        raise InputError(
            [
                Problem(
                    column="指标",
                    found=text,
                    expected=f"指标的代码或名称，如 {example.id} 或 {example.name}",
                    message=f"业务包「{pack.name}」中没有这个指标",
                )
            ]
        )
    return found


def bound_of(text: str) -> Bound | None:
    """A target as typed in a cell, read as the 目标 sheet reads it (blank: no target)."""
    if is_blank(text):
        return None
    try:
        return cells.parse_bound(text)
    except CellError as err:
        raise cell_error("目标值", text, err) from None


# ---------------------------------------------------------------------------------------------
# the grid


@dataclass(frozen=True)
class Slot:
    """One unit's target for one indicator: the version in force at the year's end, and every
    version when it was revised during the year."""

    unit: m.OrgUnit
    target: Target | None
    history: tuple[Revision, ...]
    editable: bool


@dataclass(frozen=True)
class Total:
    """What the children's targets of a count add up to: the bound summed (`op`), its sum, and
    how many of the children have such a target."""

    op: str
    value: float
    given: int
    of: int


@dataclass(frozen=True)
class Row:
    """One indicator of the grid: its method item (stored, else the pack's default), the unit's
    own target, the children's, their total and the finding when they do not add up."""

    indicator: Indicator
    method: AssessmentItem | None
    method_stored: bool
    own: Slot
    children: tuple[Slot, ...]
    total: Total | None
    passed_down: Finding | None


@dataclass(frozen=True)
class TargetGrid:
    """The targets `unit` passes down to its children for `year`, and the method."""

    unit: m.OrgUnit
    year: Period
    children: tuple[m.OrgUnit, ...]
    rows: tuple[Row, ...]
    method_unit: m.OrgUnit
    method_editable: bool
    effective: datetime.date
    today: datetime.date

    @property
    def running(self) -> bool:
        """Whether the year has begun and not ended: a change then takes effect from a day."""
        return self.year.start < self.today <= self.year.end


def target_grid(
    user: m.User, unit: m.OrgUnit, year: Period, today: datetime.date | None = None
) -> TargetGrid:
    """The grid of `unit` (resolved in the user's scope) for `year`."""
    check_role(user)
    pack = county.server_pack()
    children = tuple(m.OrgUnit.objects.filter(parent=unit).order_by("code"))
    current, history = current_targets([unit, *children], year)
    top = method_unit()
    stored = {a.key: a for a in m.AssessmentItem.objects.filter(org=top).order_by("position", "id")}
    defaults = {item.key: item for item in pack.assessment}
    tree = _tree(unit, children)
    rows = []
    for ind in pack.indicators.values():

        def slot(u: m.OrgUnit, ind: Indicator = ind) -> Slot:
            key = (u.code, ind.id)
            return Slot(u, current.get(key), history.get(key, ()), may_set_target(user, u))

        own = slot(unit)
        kids = tuple(slot(c) for c in children)
        row_method = stored.get(ind.id)
        method = method_item(row_method) if row_method is not None else defaults.get(ind.id)
        total = _total(ind, own.target, [k.target for k in kids])
        rows.append(
            Row(
                ind,
                method,
                row_method is not None,
                own,
                kids,
                total,
                passed_down(pack, tree, own.target, [k.target for k in kids]),
            )
        )
    when = today or datetime.date.today()
    return TargetGrid(
        unit,
        year,
        children,
        tuple(rows),
        top,
        may_set_method(user),
        default_effective(year, when),
        when,
    )


def current_targets(
    units: list[m.OrgUnit], year: Period
) -> tuple[dict[tuple[str, str], Target], dict[tuple[str, str], tuple[Revision, ...]]]:
    """The targets of `units` set on `year`: the version in force at its end, and the history
    of those revised during it, both by (unit code, indicator)."""
    versions = target_versions(m.Target.objects.filter(org__in=units, period=year.id))
    current = {(t.org_unit, t.indicator): t for t in versions if t.in_force(year.end)}
    history = {(t.org_unit, t.indicator): t.revisions for t in versions if t.revisions}
    return current, history


def _tree(unit: m.OrgUnit, children: tuple[m.OrgUnit, ...]) -> OrgTree:
    return OrgTree.build(
        [
            OrgUnit(unit.code, unit.name, None, unit.kind),
            *(OrgUnit(c.code, c.name, unit.code, c.kind) for c in children),
        ]
    )


def _total(ind: Indicator, own: Target | None, children: list[Target | None]) -> Total | None:
    """The children's targets of a count summed, on the unit's own bound (a cap or a floor), or
    on the children's when the unit has none."""
    if ind.kind != "count" or not children:
        return None
    ops = [t.bound.op for t in children if t is not None and t.bound.value is not None]
    op = own.bound.op if own is not None else (ops[0] if ops else None)
    if op not in ("<=", "<", ">=", ">"):
        return None
    parts = [t.bound.value for t in children if t is not None and t.bound.op == op]
    if not parts:
        return None
    return Total(op, sum(v for v in parts if v is not None), len(parts), len(children))


def passed_down(
    pack: Pack, tree: OrgTree, own: Target | None, children: list[Target | None]
) -> Finding | None:
    """The engine's "targets passed down" finding for one indicator, when the children's
    targets do not add up to the unit's own."""
    if own is None:
        return None
    given = [own, *(t for t in children if t is not None)]
    found = checks.targets_passed_down(pack, tree, given)
    return found[0] if found else None


# ---------------------------------------------------------------------------------------------
# changing it


@dataclass(frozen=True)
class SavedTarget:
    """A target cell after saving: its unit's slot, the row it belongs to (in the grid it was
    typed into), the grid, and what changed."""

    slot: Slot
    row: Row
    grid: TargetGrid
    changes: list[TargetChange]


def save_target(
    user: m.User,
    org: str | None,
    grid_org: str | None,
    year_text: str | None,
    indicator: str,
    text: str,
    effective: str | None = None,
    today: datetime.date | None = None,
) -> SavedTarget:
    """Save one cell of the grid: `text` is the target as the 目标 sheet takes it (blank
    removes it), for `org`, from the day `effective` (blank: the default day).

    `NotInScope` (404) for a unit outside the user's subtree, `Refused` (403) for a clerk or for
    a reviewer's own unit, `InputError` (400) with the command line's message for a target, an
    indicator or a day that cannot be read."""
    check_role(user)
    unit = county.unit_for(user, org)
    grid_unit = county.unit_for(user, grid_org) if grid_org else unit
    year = year_of(year_text)
    ind = indicator_of(county.server_pack(), indicator)
    bound = bound_of(text)
    day = effective_day(effective)
    now = current_targets([unit], year)[0].get((unit.code, ind.id))
    cell = TargetCell(unit, year, ind.id, bound, now.points if now is not None else None, day)
    with write(user, "targets", today) as w:
        changes = put_targets(w, [cell])
    grid = target_grid(user, grid_unit, year, today)
    row = next(r for r in grid.rows if r.indicator.id == ind.id)
    slot = next((s for s in (row.own, *row.children) if s.unit.pk == unit.pk), None)
    if slot is None:  # a unit that is not in this grid
        current, history = current_targets([unit], year)
        key = (unit.code, ind.id)
        slot = Slot(unit, current.get(key), history.get(key, ()), True)
    return SavedTarget(slot, row, grid, changes)


#: the method's fields the grid edits, by the assessment sheet's column keys
METHOD_FIELDS = ("points", "mode", "step", "deduct", "veto", "split")


@dataclass(frozen=True)
class SavedMethod:
    item: AssessmentItem | None
    stored: bool
    changes: list[TargetChange]


def save_method(user: m.User, indicator: str, fields: Mapping[str, str]) -> SavedMethod:
    """Save one indicator's item of the method from the grid: `fields` by the sheet's column
    keys (points, mode, step, deduct, veto, split; weight and group when given, else kept). All
    blank removes the item (the pack's default applies again). Read as the 考核办法 sheet is
    read, with its messages."""
    check_role(user)
    pack = county.server_pack()
    ind = indicator_of(pack, indicator)
    top = method_unit()
    if not may_set_method(user):
        raise Refused("考核办法由最上级单位的审核员或管理员设定")
    stored = m.AssessmentItem.objects.filter(org=top, key=ind.id).first()
    cell: dict[str, object] = {}
    if stored is not None:
        cell.update(weight=stored.weight, group=stored.group or None)
    cell.update({k: v for k, v in fields.items() if k in (*METHOD_FIELDS, "weight", "group")})
    if is_blank(cell.get("veto")):
        cell["veto"] = "否"
    typed = [k for k in METHOD_FIELDS if not is_blank(cell.get(k)) and cell[k] != "否"]
    item: AssessmentItem | None = None
    if typed:
        item, problems = assessment_item(ind.id, cell, "目标设置")
        if item is None:
            raise InputError(
                [
                    Problem(
                        column=ASSESSMENT.column(k).zh,
                        found=None if found is None or is_blank(found) else str(found),
                        expected=err.expected,
                        message=err.message,
                    )
                    for k, found, err in problems
                ]
            )
    with write(user, "targets") as w:
        changes = put_assessment(w, [MethodItem(top, ind.id, item)])
    if item is None:
        default = next((i for i in pack.assessment if i.key == ind.id), None)
        return SavedMethod(default, False, changes)
    return SavedMethod(item, True, changes)


def copy_last_year(
    user: m.User, org: str | None, year_text: str | None, today: datetime.date | None = None
) -> tuple[Period, list[TargetChange]]:
    """Copy the targets `org` and its children had for the year before into `year`, where the
    year has none yet for that unit and indicator, in force from the year's first day. Only the
    targets the user may set are copied."""
    check_role(user)
    unit = county.unit_for(user, org)
    year = year_of(year_text)
    last = year.previous_year()
    units = [unit, *m.OrgUnit.objects.filter(parent=unit).order_by("code")]
    before, _ = current_targets(units, last)
    have = set(
        m.Target.objects.filter(org__in=units, period=year.id).values_list("org__code", "indicator")
    )
    by_code = {u.code: u for u in units}
    cells_ = [
        TargetCell(by_code[code], year, ind, t.bound, t.points, year.start)
        for (code, ind), t in before.items()
        if (code, ind) not in have and may_set_target(user, by_code[code])
    ]
    with write(user, "targets", today) as w:
        return last, put_targets(w, cells_)


def target_years(unit: m.OrgUnit, pack: Pack) -> list[Period]:
    """The years a grid may be opened on for `unit`: those its subtree has targets for, and
    those its data falls in, latest first."""
    ids = set(
        m.Target.objects.filter(org__path__startswith=unit.path)
        .values_list("period", flat=True)
        .distinct()
    )
    years = {p.id: p for p in (parse_period(i) for i in ids) if p.kind in YEAR_KINDS}
    for p in periods_with_data(unit):
        y = target_year(p, pack.year_start_month)
        years.setdefault(y.id, y)
    return sorted(years.values(), key=lambda p: p.start, reverse=True)
