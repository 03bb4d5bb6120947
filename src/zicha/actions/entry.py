"""The one way data reaches the database: every writer (the data-entry form, an uploaded
workbook, DHIS2's `dataValueSets`, `zicha load`, the checklist editor) opens a `write`, checks
the units it is about to touch with `Write.check_units`, changes data values through
`put_values`, and records every other change with one call:

    with write(user, "checklist") as w:
        w.check_units([(item.org, where)])
        ...                                   # change the row
        w.record("checklist", item.org, period, "成立领导组·检查结果", "未启动", "达标")

`Write.record(kind, unit, period, key, old, new)` does two things for every kind of change:
it refuses the change (`Locked`, 409) when it touches the data of a submitted or approved unit
and period (kinds in `LOCKED_KINDS`), and it puts the change on the write's list for the audit
trail, which is appended, chained, when the write ends. Record the change before or after
changing the row, as is convenient: the write is one transaction, and a refusal rolls it back.
Old and new are text as a person reads them (`None`: absent before, or gone after).

A write is refused before anything is written when the user's role may not write data or a row
lies outside the user's subtree (`Refused`, 403), or lies in a locked unit and period (`Locked`,
409); it bumps the data version once, when it changed something, so that cached computations
are rebuilt. Whatever has to hold for every change of data (scope, submission locks, the audit
trail) is enforced here, and only here.

Locks and submissions meet in the database, not in Python: on PostgreSQL a write holds a share
lock on the rows of the units above the ones it touches (`hold_units`) before it reads the
submissions, and a submission takes the update lock on its unit's row, so one waits for the
other; on SQLite every write transaction takes the database's write lock when it begins.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

import polars as pl
from django.db import connection, transaction

from zicha.actions import audit
from zicha.domain.assessment import MODE_LABELS, AssessmentItem
from zicha.domain.errors import InputError, Problem
from zicha.domain.numbers import plain
from zicha.domain.period import Period, parse_period
from zicha.domain.target import Bound, Revision, target_text
from zicha.storage import bulk
from zicha.storage import models as m

#: the roles that change data (a reviewer reads its subtree and changes no data value)
DATA_ROLES = ("clerk", "admin")
#: the roles that set targets and the assessment method (for the units below their own)
TARGET_ROLES = ("reviewer", "admin")

#: how a write came in: the data-entry form, an uploaded workbook, DHIS2, `zicha load`, the
#: checklist and ledger editor, the targets editor
How = Literal["form", "import", "dataValueSets", "load", "checklist", "targets"]

#: the kinds of change a submission locks: the unit's data (values, registers, narrative,
#: checklist); targets and the assessment method are the reviewer's and are not locked
LOCKED_KINDS = frozenset({"value", "stated", "birth", "death", "checklist", "narrative"})
#: the states of a submission that lock its unit's data
LOCKING_STATES = ("submitted", "approved")


class Refused(PermissionError):
    """The user may not make this write (403): a role that changes no data, or rows for units
    outside its subtree. `problems` names the rows."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


class Locked(Exception):
    """The write would change the data of a submitted or approved unit and period (409).
    `problems` names the rows."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


@dataclass(frozen=True)
class Lock:
    """A submission that locks a unit's subtree for the periods overlapping its own."""

    org: str
    org_name: str
    path: str
    period: str
    start: dt.date
    end: dt.date
    state: str

    def covers(self, unit: m.OrgUnit, period: Period | None) -> bool:
        """Whether this lock holds `unit`'s data for `period` (None: any period)."""
        if not unit.path.startswith(self.path):
            return False
        return period is None or (self.start <= period.end and self.end >= period.start)

    def describe(self) -> str:
        state = "已审核通过" if self.state == "approved" else "已报送、正在审核"
        return f"{self.org_name}{self.period}的数据{state}，已锁定"


@dataclass
class Write:
    """One write in progress: who writes, by which path, what it changed."""

    user: m.User | None  # None: the administrator at the command line (`zicha load`)
    how: How
    changed: bool = False
    changes: list[audit.Change] = field(default_factory=list, repr=False)
    #: the day of the write: a target changed without a date takes effect from it
    today: dt.date = field(default_factory=dt.date.today)
    _locks: dict[str, list[Lock]] | None = field(default=None, repr=False)
    _held: set[int] = field(default_factory=set, repr=False)
    _above: dict[str, list[Lock]] = field(default_factory=dict, repr=False)

    @property
    def unrestricted(self) -> bool:
        return self.user is None or self.user.role == "admin"

    def may_write(self, unit: m.OrgUnit) -> bool:
        """Whether `unit` lies in the writer's subtree."""
        if self.unrestricted:
            return True
        assert self.user is not None
        org = self.user.org
        return org is not None and unit.path.startswith(org.path)

    def check_units(self, rows: Iterable[tuple[m.OrgUnit, Problem]]) -> None:
        """Refuse the whole write when any (unit, where) lies outside the writer's subtree;
        the refusal names every such row."""
        outside = [where for unit, where in rows if not self.may_write(unit)]
        if outside:
            raise Refused(
                f"有 {len(outside)} 行属于您的管辖范围以外的单位，不能写入；本次未写入任何数据",
                outside,
            )

    def touched(self) -> None:
        """Record that this write changed data (the data version moves when it commits)."""
        self.changed = True

    def lock_on(self, unit: m.OrgUnit, period: Period | None) -> Lock | None:
        """The submission that locks `unit`'s data for `period`, if any."""
        for lock in self._locks_above(unit):
            if lock.covers(unit, period):
                return lock
        return None

    def _locks_above(self, unit: m.OrgUnit) -> list[Lock]:
        """The locks of the units above (and at) `unit`, looked up once per unit."""
        found = self._above.get(unit.path)
        if found is None:
            locks = self._locks_for([unit])
            found = self._above[unit.path] = [
                lock for pk in _path_ids(unit.path) for lock in locks.get(str(pk), ())
            ]
        return found

    def check_open(self, rows: Iterable[tuple[m.OrgUnit, Period | None, Problem]]) -> None:
        """Refuse the whole write (`Locked`) when any (unit, period, where) lies in a locked
        unit and period; the refusal names every such row."""
        rows = list(rows)
        self._locks_for([unit for unit, _, _ in rows])
        locked: list[Problem] = []
        first: Lock | None = None
        for unit, period, where in rows:
            lock = self.lock_on(unit, period)
            if lock is not None:
                first = first or lock
                locked.append(dataclasses.replace(where, message=_joined(where, lock.describe())))
        if first is not None:
            raise Locked(
                f"有 {len(locked)} 行属于已报送或已审核通过的单位和期间（{first.describe()}），"
                "不能修改；本次未写入任何数据",
                locked[:200],
            )

    def record(
        self,
        kind: str,
        unit: m.OrgUnit,
        period: Period | str | None,
        key: str,
        old: str | None,
        new: str | None,
        comment: str = "",
    ) -> None:
        """Record one change made by this write: refused (`Locked`) when `kind` is the unit's
        data and the unit and period are locked; otherwise kept for the audit trail. A change
        from a value to the same value is no change and is not recorded."""
        if old == new:
            return
        when = parse_period(period) if isinstance(period, str) and period else period or None
        if kind in LOCKED_KINDS:
            lock = self.lock_on(unit, when)
            if lock is not None:
                raise Locked(
                    f"{lock.describe()}，不能修改；本次未写入任何数据",
                    [Problem(message=f"{unit.name} {key}")],
                )
        self.changes.append(audit.Change(kind, unit.code, when, key, old, new, comment))
        self.changed = True

    def _locks_for(self, units: Iterable[m.OrgUnit]) -> dict[str, list[Lock]]:
        """The locks on the units above (and at) `units`, keyed by the locking unit's pk; on
        PostgreSQL those units' rows are share-locked first (see the module's notes)."""
        wanted = {pk for u in units for pk in _path_ids(u.path)} - self._held
        if wanted:
            hold_units(wanted)
            self._held |= wanted
            self._locks = None
            self._above.clear()
        if self._locks is None:
            self._locks = {}
            rows = m.Submission.objects.filter(state__in=LOCKING_STATES).values_list(
                "org_id", "org__code", "org__name", "org__path", "period", "start", "end", "state"
            )
            for pk, code, name, path, period, start, end, state in rows:
                self._locks.setdefault(str(pk), []).append(
                    Lock(code, name, path, period, start, end, state)
                )
        return self._locks


def lock_of(unit: m.OrgUnit, period: Period) -> Lock | None:
    """The submission that locks `unit`'s data for `period` now, if any (for showing it: a
    write checks inside its own transaction)."""
    row = (
        m.Submission.objects.filter(
            org_id__in=_path_ids(unit.path),
            state__in=LOCKING_STATES,
            start__lte=period.end,
            end__gte=period.start,
        )
        .select_related("org")
        .order_by("org__path", "start")
        .first()
    )
    if row is None:
        return None
    return Lock(row.org.code, row.org.name, row.org.path, row.period, row.start, row.end, row.state)


def hold_units(ids: Iterable[int]) -> None:
    """Share-lock the rows of these org units until the transaction ends (PostgreSQL): a
    submission of one of them (which takes the row's update lock) waits for this write, and
    this write waits for a submission in progress. SQLite needs none: its writers queue."""
    ids = sorted(set(ids))
    if ids and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {m.OrgUnit._meta.db_table} WHERE id = ANY(%s) ORDER BY id "
                "FOR SHARE",
                [ids],
            )


def _path_ids(path: str) -> list[int]:
    return [int(x) for x in path.split("/") if x]


def _joined(where: Problem, reason: str) -> str:
    return f"{where.message}：{reason}" if where.message else reason


@contextmanager
def write(user: m.User | None, how: How, today: dt.date | None = None) -> Iterator[Write]:
    """Open a write: refuse a role that may not write this way (data for clerks and
    administrators, targets for reviewers and administrators), run the body in one
    transaction, append its changes to the audit trail and bump the data version when anything
    changed. An exception inside rolls everything back, the audit entries with it."""
    if user is not None:
        if how == "targets" and user.role not in TARGET_ROLES:
            raise Refused(TARGETS_BY_REVIEWERS)
        if how != "targets" and user.role not in DATA_ROLES:
            raise Refused(DATA_BY_CLERKS)
    with transaction.atomic():
        w = Write(user, how, today=today or dt.date.today())
        yield w
        audit.append(w.changes, user, how)
        if w.changed:
            bump_data_version()


DATA_BY_CLERKS = "审核员只能查看数据，不能修改数据"
TARGETS_BY_REVIEWERS = "目标和考核办法由审核员或管理员设定，填报员不能修改"


def bump_data_version() -> None:
    """A new data version (in the writer's transaction): cached computations are keyed on it."""
    m.DataVersion.objects.update_or_create(name="data", defaults={"value": uuid.uuid4().hex})


# ---------------------------------------------------------------------------------------------
# data values


@dataclass(frozen=True)
class Cell:
    """One data value to set: `value` None deletes it; `comment` None keeps the stored one."""

    org: m.OrgUnit
    element: str
    period: Period
    value: float | None
    comment: str | None = ""
    stated: bool = False
    where: Problem = field(default_factory=Problem)


@dataclass
class Counts:
    """What `put_values` did, in DHIS2's words."""

    imported: int = 0
    updated: int = 0
    deleted: int = 0
    ignored: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "deleted": self.deleted,
            "ignored": self.ignored,
        }


def number_text(x: float) -> str:
    """A value as DHIS2 writes it, and as the audit trail keeps it: `"233"`, `"6.5"`.

    >>> number_text(233.0), number_text(6.5), number_text(-0.25)
    ('233', '6.5', '-0.25')
    """
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else repr(float(x))


def put_values(w: Write, cells: list[Cell]) -> Counts:
    """Set (or delete) data values: the only code that changes the data-value table.

    The whole batch is checked before anything is written (scope, then locks on the cells that
    would change); values equal to what is stored are left alone (`ignored`), so writing the
    same values again changes nothing, even in a locked period. Every change is recorded."""
    if cells and w.user is not None and w.user.role not in DATA_ROLES:
        raise Refused(DATA_BY_CLERKS)
    w.check_units((c.org, c.where) for c in cells)
    counts = Counts()
    if not cells:
        return counts
    orgs = {c.org.pk for c in cells}
    elements = {c.element for c in cells}
    stored = {
        (v.org_id, v.element, v.period, v.stated): v
        for v in m.DataValue.objects.filter(org__in=orgs, element__in=elements)
    }
    # what each cell finds, then what the batch ends with: (value, comment) or None
    before: dict[tuple[int, str, str, bool], tuple[float, str] | None] = {}
    after: dict[tuple[int, str, str, bool], tuple[float, str] | None] = {}
    first: dict[tuple[int, str, str, bool], Cell] = {}
    #: the spreadsheet row each value comes from (the last row naming it)
    rows: dict[tuple[int, str, str, bool], int | None] = {}
    for c in cells:
        key = (c.org.pk, c.element, c.period.id, c.stated)
        if key not in before:
            old = stored.get(key)
            before[key] = None if old is None else (old.value, old.comment)
            after[key] = before[key]
            first[key] = c
        rows[key] = c.where.row
        now = after[key]
        if c.value is None:
            if now is None:
                counts.ignored += 1
            after[key] = None
            continue
        comment = (now[1] if now is not None else "") if c.comment is None else c.comment
        if now is not None and now == (c.value, comment):
            counts.ignored += 1
        after[key] = (c.value, comment)
    changed_keys = [k for k in before if before[k] != after[k]]
    w.check_open((first[k].org, first[k].period, first[k].where) for k in changed_keys)
    user = w.user
    new: list[m.DataValue] = []
    gone: list[int] = []
    for key in changed_keys:
        c, old, now = first[key], stored.get(key), after[key]
        if now is None:
            assert old is not None
            gone.append(old.pk)
            counts.deleted += 1
        elif old is None:
            new.append(
                m.DataValue(
                    org=c.org,
                    element=c.element,
                    period=c.period.id,
                    start=c.period.start,
                    end=c.period.end,
                    value=now[0],
                    comment=now[1],
                    stated=c.stated,
                    row=rows[key],
                    updated_by=user,
                )
            )
            counts.imported += 1
        else:
            old.value, old.comment, old.row, old.updated_by = now[0], now[1], rows[key], user
            old.save(update_fields=["value", "comment", "row", "updated_by", "updated_at"])
            counts.updated += 1
        was = before[key]
        w.record(
            "stated" if c.stated else "value",
            c.org,
            c.period,
            c.element,
            None if was is None else number_text(was[0]),
            None if now is None else number_text(now[0]),
            comment=(now or was or (0.0, ""))[1],
        )
    if gone:
        m.DataValue.objects.filter(pk__in=gone).delete()
    if new:
        _insert_values(new)
    if changed_keys:
        w.touched()
    return counts


def _insert_values(rows: list[m.DataValue]) -> None:
    """New values in one bulk write (COPY on PostgreSQL): a workbook brings thousands."""
    frame = pl.DataFrame(
        {
            "org": [v.org_id for v in rows],
            "element": [v.element for v in rows],
            "period": [v.period for v in rows],
            "start": [v.start for v in rows],
            "end": [v.end for v in rows],
            "value": [v.value for v in rows],
            "comment": [v.comment for v in rows],
            "stated": [v.stated for v in rows],
            "row": [v.row for v in rows],
            "updated_by": [v.updated_by_id for v in rows],
        },
        schema={
            "org": pl.Int64,
            "element": pl.String,
            "period": pl.String,
            "start": pl.Date,
            "end": pl.Date,
            "value": pl.Float64,
            "comment": pl.String,
            "stated": pl.Boolean,
            "row": pl.Int64,
            "updated_by": pl.Int64,
        },
    )
    bulk.insert_frame(m.DataValue, frame.with_columns(updated_at=pl.lit(bulk.now())))


# ---------------------------------------------------------------------------------------------
# targets and the assessment method


@dataclass(frozen=True)
class TargetChange:
    """One change of a target or of an item of the assessment method, as the audit trail
    records it: what (`kind`, `key`: the indicator id or the method item's key), whose (`unit`,
    `period`: the target's period id, "" for the method), from what to what (as a reviewer
    writes it; None: there was none, or there is none now) and, for a target, from which day."""

    kind: Literal["target", "assessment"]
    unit: m.OrgUnit
    period: str
    key: str
    old: str | None
    new: str | None
    effective: dt.date | None = None


def record_change(w: Write, change: TargetChange) -> None:
    """The one place every change of a target or of the assessment method passes through, in
    the writer's transaction, after the change is written: into the audit trail, a target's day
    of effect in the entry's comment. Targets and the method are the reviewer's: no submission
    locks them."""
    comment = f"自{change.effective.isoformat()}起适用" if change.effective else ""
    w.record(
        change.kind, change.unit, change.period or None, change.key, change.old, change.new, comment
    )


@dataclass(frozen=True)
class TargetCell:
    """A target to set: from `effective` on (None: `default_effective`) the target of `org`,
    `period` and `indicator` is `bound` with `points` (None: the method's); `bound` None drops
    the target from that day."""

    org: m.OrgUnit
    period: Period
    indicator: str
    bound: Bound | None
    points: float | None = None
    effective: dt.date | None = None
    where: Problem = field(default_factory=Problem)


def default_effective(period: Period, today: dt.date) -> dt.date:
    """The day a change of a target takes effect when none is given: today while its period
    runs (the parts already over keep the target they had), else the period's first day
    (targets set before the year begins, or a closed year's corrected).

    >>> from zicha.domain.period import parse_period
    >>> year, day = parse_period("2010Oct"), dt.date
    >>> default_effective(year, day(2011, 5, 1)), default_effective(year, day(2026, 1, 1))
    (datetime.date(2011, 5, 1), datetime.date(2010, 10, 1))
    """
    if period.start < today <= period.end:
        return today
    return period.start


State = tuple[Bound, float | None] | None


@dataclass
class _Version:
    valid_from: dt.date
    state: State
    row: m.Target | None = None


def _state_of(row: m.Target) -> State:
    if row.removed:
        return None
    return (Bound(row.op, row.value, row.low, row.high), row.points)


def _state_text(state: State) -> str | None:
    return None if state is None else target_text(*state)


def _apply(versions: list[_Version], day: dt.date, new: State) -> tuple[bool, str | None]:
    """Make the target `new` from `day` on in `versions` (sorted by day). Answers whether that
    changed anything, and the text of what it replaced (None: no target)."""
    before = [v for v in versions if v.valid_from < day]
    later = [v for v in versions if v.valid_from >= day]
    prior = before[-1].state if before else None
    at_day = later[0].state if later and later[0].valid_from == day else prior
    dropped = [v for v in later if v.valid_from > day]
    if at_day == new and not dropped:
        return False, None
    kept = list(before)
    if new != prior:
        reuse = later[0].row if later and later[0].valid_from == day else None
        kept.append(_Version(day, new, reuse))
    versions[:] = kept
    old = [_state_text(at_day) or "无"] + [
        Revision(
            v.valid_from, v.state[0] if v.state else None, v.state[1] if v.state else None
        ).text()
        for v in dropped
    ]
    return True, None if old == ["无"] else "；".join(old)


def may_set_target(user: m.User | None, unit: m.OrgUnit) -> bool:
    """Whether `user` may set targets of `unit`: an administrator (or `zicha load`) anywhere, a
    reviewer for the units below its own."""
    if user is None or user.role == "admin":
        return True
    org = user.org
    return (
        user.role in TARGET_ROLES
        and org is not None
        and unit.path.startswith(org.path)
        and unit.pk != org.pk
    )


def put_targets(w: Write, cells: list[TargetCell]) -> list[TargetChange]:
    """Set targets from a day on: the only code that changes the target table.

    Each cell says "from this day on, the target is this": the versions starting on or after
    that day give way to it, earlier ones stay, so the periods that ended before keep the
    target they were set. A cell that changes nothing is left alone: setting the same targets
    again changes nothing. The whole batch is checked first: a day outside the target's period
    (400), a role that sets no targets or a unit not below the writer's own (403) refuse it."""
    if not cells:
        return []
    stored: dict[tuple[int, str, str], list[m.Target]] = {}
    for row in m.Target.objects.filter(
        org__in={c.org.pk for c in cells},
        period__in={c.period.id for c in cells},
        indicator__in={c.indicator for c in cells},
    ).order_by("valid_from"):
        stored.setdefault((row.org_id, row.period, row.indicator), []).append(row)
    versions: dict[tuple[int, str, str], list[_Version]] = {}
    changes: list[tuple[TargetCell, TargetChange]] = []
    wrong_days: list[Problem] = []
    for c in cells:
        key = (c.org.pk, c.period.id, c.indicator)
        day = c.effective or default_effective(c.period, w.today)
        if not c.period.start <= day <= c.period.end:
            wrong_days.append(
                Problem(
                    sheet=c.where.sheet,
                    row=c.where.row,
                    column="生效日期",
                    found=day.isoformat(),
                    expected=f"{c.period.label}之内的日期（{c.period.start}至{c.period.end}）",
                )
            )
            continue
        if key not in versions:
            versions[key] = [_Version(r.valid_from, _state_of(r), r) for r in stored.get(key, [])]
        new: State = None if c.bound is None else (c.bound, c.points)
        changed, old = _apply(versions[key], day, new)
        if changed:
            change = TargetChange(
                "target", c.org, c.period.id, c.indicator, old, _state_text(new), day
            )
            changes.append((c, change))
    if wrong_days:
        raise InputError(wrong_days)
    if changes and w.user is not None and w.user.role not in TARGET_ROLES:
        raise Refused(
            "目标由审核员或管理员设定，填报员的工作簿不能修改目标；本次未写入任何数据",
            [Problem(sheet="目标", message="工作簿中的目标与服务器上的不同")],
        )
    outside = [c.where for c, _ in changes if not may_set_target(w.user, c.org)]
    if outside:
        raise Refused(
            f"有 {len(outside)} 个目标属于本单位或管辖范围以外的单位：审核员只能为本单位以下的"
            "单位设定目标；本次未写入任何数据",
            outside,
        )
    first = {(c.org.pk, c.period.id, c.indicator): c for c in reversed(cells)}
    for key, now in versions.items():
        _save_versions(w, stored.get(key, []), now, first[key])
    for _, change in changes:
        record_change(w, change)
    return [change for _, change in changes]


def _save_versions(
    w: Write, stored: list[m.Target], versions: list[_Version], cell: TargetCell
) -> None:
    """Write the versions of one target (`cell` names it) where they differ from `stored`."""
    keep = {v.row.pk for v in versions if v.row is not None}
    gone = [r.pk for r in stored if r.pk not in keep]
    if gone:
        m.Target.objects.filter(pk__in=gone).delete()
    for v in versions:
        bound, points = v.state if v.state is not None else (Bound("<="), None)
        fields = {
            "removed": v.state is None,
            "op": "" if v.state is None else bound.op,
            "value": bound.value,
            "low": bound.low,
            "high": bound.high,
            "points": points,
        }
        row = v.row
        if row is None:
            m.Target.objects.create(
                org=cell.org,
                period=cell.period.id,
                start=cell.period.start,
                end=cell.period.end,
                indicator=cell.indicator,
                valid_from=v.valid_from,
                updated_by=w.user,
                **fields,
            )
        elif any(getattr(row, k) != x for k, x in fields.items()):
            for k, x in fields.items():
                setattr(row, k, x)
            row.updated_by = w.user
            row.save()


@dataclass(frozen=True)
class MethodItem:
    """An item of the assessment method `org` scores the units below it by: `item` (None
    removes the item `key`)."""

    org: m.OrgUnit
    key: str
    item: AssessmentItem | None
    where: Problem = field(default_factory=Problem)


def method_fields(item: AssessmentItem) -> dict[str, object]:
    """An item as the assessment table stores it."""
    return {
        "points": item.points,
        "mode": item.mode,
        "step": item.step,
        "deduct": item.deduct,
        "veto": item.veto,
        "weight": item.weight,
        "group": item.group or "",
        "split": ":".join(plain(x) for x in item.split) if item.split else "",
    }


def method_text(row: m.AssessmentItem | None) -> str | None:
    """An item of the method in a line, for the audit trail."""
    if row is None:
        return None
    mode = MODE_LABELS.get(row.mode, row.mode)
    parts = [f"{plain(row.points)}分" if row.points is not None else "默认分值", mode]
    if row.step is not None or row.deduct is not None:
        parts.append(f"每{plain(row.step)}扣{plain(row.deduct)}")
    if row.veto:
        parts.append("一票否决")
    if row.weight != 1.0:
        parts.append(f"权重{plain(row.weight)}")
    if row.group:
        parts.append(f"分组{row.group}")
    if row.split:
        parts.append(f"分期{row.split}")
    return "，".join(parts)


def put_assessment(w: Write, items: list[MethodItem]) -> list[TargetChange]:
    """Set (or remove) items of an assessment method: the only code that changes the method.

    Items equal to what is stored are left alone; new items go after the unit's last one. The
    whole batch is checked first: a role that sets no method, or a unit outside the writer's
    subtree, refuses it (403)."""
    if not items:
        return []
    items = list({(i.org.pk, i.key): i for i in items}.values())  # the last of each key
    stored = {
        (a.org_id, a.key): a
        for a in m.AssessmentItem.objects.filter(org__in={i.org.pk for i in items})
    }
    plans: list[tuple[MethodItem, m.AssessmentItem | None, dict[str, object] | None]] = []
    for i in items:
        row = stored.get((i.org.pk, i.key))
        if i.item is None:
            if row is not None:
                plans.append((i, row, None))
            continue
        wanted = method_fields(i.item)
        if row is None or any(getattr(row, k) != x for k, x in wanted.items()):
            plans.append((i, row, wanted))
    if plans and w.user is not None and w.user.role not in TARGET_ROLES:
        raise Refused(
            "考核办法由审核员或管理员设定，填报员的工作簿不能修改考核办法；本次未写入任何数据",
            [Problem(sheet="考核办法", message="工作簿中的考核办法与服务器上的不同")],
        )
    w.check_units((i.org, i.where) for i, _, _ in plans)
    changes: list[TargetChange] = []
    last: dict[int, int] = {}
    for i, row, fields in plans:
        old = method_text(row)
        if fields is None:
            assert row is not None
            row.delete()
            new_row: m.AssessmentItem | None = None
        elif row is None:
            if i.org.pk not in last:
                top = (
                    m.AssessmentItem.objects.filter(org=i.org)
                    .order_by("-position")
                    .values_list("position", flat=True)
                    .first()
                )
                last[i.org.pk] = -1 if top is None else top
            last[i.org.pk] += 1
            new_row = m.AssessmentItem.objects.create(
                org=i.org, key=i.key, position=last[i.org.pk], updated_by=w.user, **fields
            )
        else:
            for k, x in fields.items():
                setattr(row, k, x)
            row.updated_by = w.user
            row.save()
            new_row = row
        change = TargetChange("assessment", i.org, "", i.key, old, method_text(new_row))
        changes.append(change)
        record_change(w, change)
    return changes
