"""Deadlines (报送期限): when the units below a unit must have submitted a period's report, and
who is due, late or done.

A deadline set on a unit applies to its children: the county sets one for 2010OctS1 and every
township must submit by then. A unit is late when the date has passed and its report is neither
submitted nor approved (a returned report is not in), or when its first submission came after
the date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from zicha.actions import audit, county
from zicha.actions.entry import Refused
from zicha.domain.errors import InputError, Problem
from zicha.domain.period import Period
from zicha.storage import models as m
from zicha.workbook.cells import CellError, parse_date

IN = ("submitted", "approved")


def set_deadline(user: m.User, org: str | None, period: Period, due: str) -> m.Deadline:
    """The reviewer or administrator of `org` (or of a unit above it) sets when the units below
    `org` must submit `period`."""
    unit = county.unit_for(user, org)
    if user.role == "clerk":
        raise Refused("报送期限由审核员或管理员设定")
    if not str(due or "").strip():
        raise InputError([Problem(column="due", message="请填写截止日期，如 2011-04-05")])
    try:
        date = parse_date(due)
    except CellError as err:
        raise InputError(
            [Problem(column="due", found=str(due), expected=err.expected, message=err.message)]
        ) from None
    row = m.Deadline.objects.filter(org=unit, period=period.id).first()
    old = row.due.isoformat() if row else None
    row, _ = m.Deadline.objects.update_or_create(
        org=unit,
        period=period.id,
        defaults={"start": period.start, "end": period.end, "due": date, "set_by": user},
    )
    audit.append(
        [audit.Change("deadline", unit.code, period, "", old, date.isoformat())], user, "review"
    )
    return row


def today() -> dt.date:
    return timezone.localdate()


@dataclass(frozen=True)
class Due:
    """One unit's report for one deadline: its state (`draft` when never submitted), whether it
    is late, and the submission."""

    deadline: m.Deadline
    unit: m.OrgUnit
    state: str
    late: bool
    submission: m.Submission | None

    @property
    def days_late(self) -> int:
        """Days past the date (until the first submission, or until today)."""
        until = (
            timezone.localtime(self.submission.first_submitted_at).date()
            if self.submission is not None
            else today()
        )
        return max(0, (until - self.deadline.due).days)


def _status(deadline: m.Deadline, unit: m.OrgUnit, sub: m.Submission | None, on: dt.date) -> Due:
    state = sub.state if sub else "draft"
    if sub is not None and state in IN:
        late = timezone.localtime(sub.first_submitted_at).date() > deadline.due
    else:
        late = on > deadline.due
    return Due(deadline, unit, state, late, sub)


def children_status(deadline: m.Deadline, on: dt.date | None = None) -> list[Due]:
    """Every child of the deadline's unit with its report's state."""
    on = on or today()
    units = list(m.OrgUnit.objects.filter(parent=deadline.org).order_by("code"))
    subs = {
        s.org_id: s
        for s in m.Submission.objects.filter(org__in=units, period=deadline.period).select_related(
            "org"
        )
    }
    return [_status(deadline, u, subs.get(u.pk), on) for u in units]


def set_by_or_below(user: m.User) -> list[m.Deadline]:
    """The deadlines set on units of the user's subtree (what a reviewer follows), latest
    period first."""
    return list(
        m.Deadline.objects.filter(org__in=county.visible_units(user))
        .select_related("org")
        .order_by("-end", "org__path")
    )


def own_status(user: m.User, on: dt.date | None = None) -> list[Due]:
    """The deadlines that apply to the user's own unit (set on its parent), with its state."""
    unit = user.org
    if unit is None or unit.parent_id is None:
        return []
    on = on or today()
    rows = list(
        m.Deadline.objects.filter(org_id=unit.parent_id).select_related("org").order_by("-end")
    )
    subs = {
        s.period: s
        for s in m.Submission.objects.filter(org=unit, period__in=[d.period for d in rows])
    }
    return [_status(d, unit, subs.get(d.period), on) for d in rows]


def late_by_unit(parent: m.OrgUnit, on: dt.date | None = None) -> dict[str, int]:
    """How many deadlines each child of `parent` missed (late now, or submitted late)."""
    counts: dict[str, int] = {}
    for d in m.Deadline.objects.filter(org=parent):
        for due in children_status(d, on):
            counts[due.unit.code] = counts.get(due.unit.code, 0) + int(due.late)
    return counts


def deadline_json(d: m.Deadline, rows: list[Due]) -> dict[str, object]:
    return {
        "org": d.org.code,
        "period": d.period,
        "due": d.due.isoformat(),
        "units": [
            {
                "org": r.unit.code,
                "name": r.unit.name,
                "state": r.state,
                "late": r.late,
                "days_late": r.days_late,
            }
            for r in rows
        ],
    }
