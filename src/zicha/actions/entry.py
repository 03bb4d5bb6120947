"""The one way data reaches the database: every writer (the data-entry form, an uploaded
workbook, DHIS2's `dataValueSets`, `zicha load`, the checklist editor) opens a `write`, checks
the units it is about to touch with `Write.check_units`, and changes data values through
`put_values`.

A write is one transaction. It is refused before anything is written when the user's role may
not write data or a row lies outside the user's subtree (`Refused`, 403), and it bumps the data
version once, when it changed something, so that cached computations are rebuilt. Whatever has
to hold for every change of data (scope today; submission locks and the audit trail next) is
enforced here, and only here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

import polars as pl
from django.db import transaction

from zicha.domain.errors import Problem
from zicha.domain.period import Period
from zicha.storage import bulk
from zicha.storage import models as m

#: the roles that change data (a reviewer reads its subtree and changes no data value)
DATA_ROLES = ("clerk", "admin")

#: how a write came in: the data-entry form, an uploaded workbook, DHIS2, `zicha load`, the
#: checklist and ledger editor
How = Literal["form", "import", "dataValueSets", "load", "checklist"]


class Refused(PermissionError):
    """The user may not make this write (403): a role that changes no data, or rows for units
    outside its subtree. `problems` names the rows."""

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


@dataclass
class Write:
    """One write in progress: who writes, by which path, and whether anything changed."""

    user: m.User | None  # None: the administrator at the command line (`zicha load`)
    how: How
    changed: bool = False
    _allowed: set[int] | None = field(default=None, repr=False)

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


@contextmanager
def write(user: m.User | None, how: How) -> Iterator[Write]:
    """Open a write: refuse a role that changes no data, run the body in one transaction, bump
    the data version when anything changed. An exception inside rolls everything back."""
    if user is not None and user.role not in DATA_ROLES:
        raise Refused("审核员只能查看数据，不能修改数据")
    with transaction.atomic():
        w = Write(user, how)
        yield w
        if w.changed:
            bump_data_version()


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


def put_values(w: Write, cells: list[Cell]) -> Counts:
    """Set (or delete) data values: the only code that changes the data-value table.

    The whole batch is checked before anything is written; values equal to what is stored are
    left alone (`ignored`), so writing the same values again changes nothing."""
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
    user = w.user
    new: dict[tuple[int, str, str, bool], m.DataValue] = {}
    changed: dict[int, m.DataValue] = {}
    gone: set[int] = set()
    for c in cells:
        key = (c.org.pk, c.element, c.period.id, c.stated)
        old = new.get(key) or stored.get(key)
        if c.value is None:
            if old is None or old.pk in gone:
                counts.ignored += 1
            elif old.pk is None:
                del new[key]
                counts.imported -= 1
            else:
                gone.add(old.pk)
                changed.pop(old.pk, None)
                counts.deleted += 1
            continue
        if old is None or old.pk in gone:
            comment = c.comment or ""
            new[key] = m.DataValue(
                org=c.org,
                element=c.element,
                period=c.period.id,
                start=c.period.start,
                end=c.period.end,
                value=c.value,
                comment=comment,
                stated=c.stated,
                row=c.where.row,
                updated_by=user,
            )
            counts.imported += 1
            continue
        comment = old.comment if c.comment is None else c.comment
        if (old.value, old.comment) == (c.value, comment):
            counts.ignored += 1
        else:
            old.value, old.comment, old.row, old.updated_by = c.value, comment, c.where.row, user
            if old.pk is not None:
                if old.pk not in changed:
                    counts.updated += 1
                changed[old.pk] = old
    if gone:
        m.DataValue.objects.filter(pk__in=gone).delete()
    if changed:
        for v in changed.values():
            v.save(update_fields=["value", "comment", "row", "updated_by", "updated_at"])
    if new:
        _insert_values(list(new.values()))
    if new or changed or gone:
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
