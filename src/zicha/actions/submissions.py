"""Submissions (报送审核): a township reports, the county approves or returns it (CONTRACT §7).

    (draft) ──submit──▶ submitted ──approve──▶ approved
                          │   ▲
                   return │   │ submit again
                          ▼   │
                        returned

A unit and period without a row is a draft. A clerk submits its own unit; a reviewer approves or
returns the submissions of units below its own (never its own unit's); an administrator may do
both. Every transition is a compare-and-set (`UPDATE … WHERE state = old`): of two reviewers
deciding at once, one moves the state and the other gets `Conflict` (409). While a submission is
`submitted`, and for good once `approved`, its unit's subtree is locked for every period that
overlaps its own; `zicha.actions.entry` enforces that on every write. Each transition is an
entry of the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.utils import timezone

from zicha.actions import audit, board, county
from zicha.actions.entry import Refused
from zicha.domain.errors import InputError, Problem
from zicha.domain.period import Period
from zicha.storage import models as m

STATES = ("submitted", "returned", "approved")
STATE_NAMES = dict(m.SUBMISSION_STATES) | {"draft": "未报送"}
Verdict = Literal["approve", "return"]


class Conflict(Exception):
    """The submission is not in the state the transition starts from (409): someone moved it
    first, or it was never there."""

    def __init__(self, message: str, state: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.state = state


def submit(user: m.User, org: str | None, period: Period) -> m.Submission:
    """Submit `org`'s report for `period` (a new submission, or a returned one again)."""
    unit = county.unit_for(user, org)
    if user.role == "reviewer":
        raise Refused("审核员不报送数据：由本单位的填报员报送")
    if user.role == "clerk" and unit.pk != user.org_id:
        raise Refused(f"填报员只能报送本单位（{user.org}）的数据")
    with transaction.atomic():
        # the unit's row, locked: a write holding a share lock on it finishes first, and
        # writes that start later see this submission (see zicha.actions.entry)
        m.OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()
        now = timezone.now()
        row = m.Submission.objects.filter(org=unit, period=period.id).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = m.Submission.objects.create(
                        org=unit,
                        period=period.id,
                        start=period.start,
                        end=period.end,
                        state="submitted",
                        submitted_by=user,
                        submitted_at=now,
                        first_submitted_at=now,
                    )
            except IntegrityError:
                raise Conflict(f"{unit.name}{period.label}已经报送", "submitted") from None
            old = None
        elif row.state == "returned":
            moved = m.Submission.objects.filter(pk=row.pk, state="returned").update(
                state="submitted", submitted_by=user, submitted_at=now
            )
            if not moved:
                raise _moved(row)
            old = "returned"
            row.refresh_from_db()
        else:
            raise _moved(row)
        audit.append(
            [audit.Change("submission", unit.code, period, "", old, "submitted")], user, "review"
        )
    return row


def decide(user: m.User, pk: int, verdict: Verdict, comment: str = "") -> m.Submission:
    """Approve or return a submitted report (a return needs a comment saying why)."""
    row = submission_for(user, pk)
    if user.role == "clerk":
        raise Refused("填报员不能审核：由上级单位的审核员审核")
    if user.role == "reviewer" and (
        user.org is None or row.org_id == user.org_id or not row.org.path.startswith(user.org.path)
    ):
        raise Refused("审核员只能审核下级单位的报送，不能审核本单位的报送")
    comment = (comment or "").strip()
    if verdict == "return" and not comment:
        raise InputError([Problem(column="comment", message="退回时请写明原因（comment）")])
    new = "approved" if verdict == "approve" else "returned"
    with transaction.atomic():
        moved = m.Submission.objects.filter(pk=row.pk, state="submitted").update(
            state=new, decided_by=user, decided_at=timezone.now(), comment=comment
        )
        if not moved:
            row.refresh_from_db()
            raise _moved(row)
        period = county.period_of(row.period)
        audit.append(
            [audit.Change("submission", row.org.code, period, "", "submitted", new, comment)],
            user,
            "review",
        )
    row.refresh_from_db()
    return row


def _moved(row: m.Submission) -> Conflict:
    name = STATE_NAMES.get(row.state, row.state)
    return Conflict(
        f"{row.org.name}{row.period}的报送已是「{name}」状态，不能再进行此操作", row.state
    )


def visible(user: m.User, state: str | None = None) -> list[m.Submission]:
    """The submissions of units in the user's subtree (state: one of STATES or `draft`)."""
    if state is not None and state not in (*STATES, "draft"):
        raise InputError(
            [
                Problem(
                    column="state",
                    found=state,
                    expected="submitted、returned、approved 或 draft",
                )
            ]
        )
    rows = m.Submission.objects.filter(org__in=county.visible_units(user)).select_related(
        "org", "submitted_by", "decided_by"
    )
    if state is not None:
        rows = rows.filter(state=state)  # a draft has no row: none
    return list(rows.order_by("-submitted_at", "-id"))


def submission_for(user: m.User, pk: int) -> m.Submission:
    row = (
        m.Submission.objects.filter(pk=pk, org__in=county.visible_units(user))
        .select_related("org")
        .first()
    )
    if row is None:
        raise county.NotInScope(str(pk))
    return row


def state_of(unit: m.OrgUnit, period: Period) -> m.Submission | None:
    return m.Submission.objects.filter(org=unit, period=period.id).first()


def may_decide(user: m.User, row: m.Submission) -> bool:
    if user.role == "admin":
        return True
    return (
        user.role == "reviewer"
        and user.org is not None
        and row.org_id != user.org_id
        and row.org.path.startswith(user.org.path)
    )


def submission_json(row: m.Submission) -> dict[str, Any]:
    """A submission as the API answers it (CONTRACT §7, with who and when beside)."""
    return {
        "id": row.pk,
        "org": row.org.code,
        "org_name": row.org.name,
        "period": row.period,
        "state": row.state,
        "submitted_at": row.submitted_at.isoformat(),
        "submitted_by": row.submitted_by.username if row.submitted_by else None,
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        "decided_by": row.decided_by.username if row.decided_by else None,
        "comment": row.comment,
    }


@dataclass(frozen=True)
class InboxRow:
    """A submission on the reviewer's 审核 page, with its unit's findings and score."""

    submission: m.Submission
    overview: board.Overview | None
    problem: str = ""


def inbox(user: m.User) -> list[InboxRow]:
    """The submissions a reviewer may see, waiting ones first (oldest first: they have waited
    longest), then the decided ones, newest first; each with its unit's findings and score."""
    rows = visible(user)
    waiting = sorted((r for r in rows if r.state == "submitted"), key=lambda r: r.submitted_at)
    decided = [r for r in rows if r.state != "submitted"]
    out = []
    for r in [*waiting, *decided]:
        try:
            scope = county.resolve(user, r.org.code, r.period)
            out.append(InboxRow(r, board.overview(scope)))
        except InputError as exc:
            out.append(InboxRow(r, None, str(exc)))
    return out
