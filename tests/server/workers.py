"""What the race tests run in processes of their own, each with its own database connection.

A worker can be made to stop right after a given SQL statement and wait (`pause`): that holds
its transaction open at the point that matters, so that the other process runs into it for
real (the parent checks, on PostgreSQL, that the other one is waiting for a lock). Nothing is
imported from Django at the top: a worker sets its own settings first.
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.synchronize import Event
from typing import Any

PERIOD = "2010OctS1"
WAIT_S = 60


@dataclass
class Pause:
    """Stop after the first statement matching `pattern`: set `reached`, wait for `go`."""

    pattern: str
    reached: Event
    go: Event


def setup(data: str, db: str | None, migrate: bool = False) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "zicha.web.settings"
    os.environ["ZICHA_DATA"] = data
    if db:
        os.environ["ZICHA_DATABASE_URL"] = db
    else:
        os.environ.pop("ZICHA_DATABASE_URL", None)
    from zicha.web.server import prepare

    prepare(data, db, migrate=migrate)


def prepare_county(data: str, db: str | None) -> None:
    """The demo county, a second county reviewer, migrated."""
    setup(data, db, migrate=True)
    from zicha.actions.accounts import add_user
    from zicha.actions.demo_county import load_demo_county

    load_demo_county()
    add_user("county2", "reviewer", "510000", "zicha-county")


def submit_all(data: str, db: str | None, orgs: list[str], periods: list[str]) -> list[int]:
    """Submissions of the given units and periods, made by an administrator."""
    setup(data, db)
    from zicha.actions import submissions
    from zicha.domain.period import parse_period
    from zicha.storage import models as m

    admin = m.User.objects.get(username="admin")
    return [submissions.submit(admin, org, parse_period(p)).pk for org in orgs for p in periods]


def act(
    data: str,
    db: str | None,
    task: str,
    args: dict[str, Any],
    started: Event,
    pause: Pause | None,
    results: Any,
    unheld: bool = False,
) -> None:
    """Run one task; put (task, outcome, detail) on `results`: outcome `ok`, `conflict`
    (a state that moved), `locked` or `error`."""
    try:
        setup(data, db)
        from django.db import connection

        from zicha.actions import entry, form, submissions
        from zicha.domain.period import parse_period
        from zicha.storage import models as m

        if unheld:  # the share lock taken away: what the race test shows is needed
            entry.hold_units = lambda ids: None  # type: ignore[assignment]
        tasks: dict[str, Callable[[], Any]] = {
            "approve": lambda: (
                submissions.decide(
                    m.User.objects.get(username=args["user"]), args["pk"], "approve"
                ).state
            ),
            "submit": lambda: (
                submissions.submit(
                    m.User.objects.get(username="donghe"), "510002", parse_period(PERIOD)
                ).state
            ),
            "write": lambda: (
                form.save_cell(
                    m.User.objects.get(username="donghe"),
                    "51000201",
                    "deaths",
                    "201101",
                    args["value"],
                ).changed
            ),
        }
        m.User.objects.filter(username="donghe").exists()  # connected before the start signal

        def hook(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            result = execute(sql, params, many, context)
            if pause is not None and not pause.reached.is_set() and re.search(pause.pattern, sql):
                pause.reached.set()
                pause.go.wait(WAIT_S)
            return result

        started.set()
        with connection.execute_wrapper(hook):
            try:
                outcome = ("ok", tasks[task]())
            except submissions.Conflict as exc:
                outcome = ("conflict", exc.state)
            except entry.Locked as exc:
                outcome = ("locked", exc.message)
        results.put((task, *outcome))
    except Exception:  # the parent shows what went wrong
        results.put((task, "error", traceback.format_exc()))


def inspect(data: str, db: str | None, results: Any) -> None:
    """What the database holds after a race: the audit chain's verdict and the entries of the
    value and the submission the races are about."""
    try:
        setup(data, db)
        from zicha.actions import audit
        from zicha.storage import models as m

        verdict = audit.verify()
        entries = [
            (e.seq, e.kind, e.org, e.element, e.new)
            for e in m.AuditEntry.objects.filter(
                kind__in=["value", "submission"], org__in=["51000201", "510002"]
            )
            .exclude(path="load")
            .order_by("seq")
        ]
        value = (
            m.DataValue.objects.filter(org__code="51000201", element="deaths", period="201101")
            .values_list("value", flat=True)
            .first()
        )
        states = dict(m.Submission.objects.values_list("pk", "state"))
        results.put(("inspect", verdict.ok, verdict.problem, entries, value, states))
    except Exception:
        results.put(("inspect", "error", traceback.format_exc()))


def check_restored(data: str, db: str | None, results: Any) -> None:
    """A restored database: its audit chain, and whether every stored value is the last value
    its audit entries give (the data and the trail tell the same story)."""
    try:
        setup(data, db)
        from zicha.actions import audit
        from zicha.actions.entry import number_text
        from zicha.storage import models as m

        verdict = audit.verify()
        last: dict[tuple[str, str, str], str | None] = {}
        for e in m.AuditEntry.objects.filter(kind="value").order_by("seq"):
            last[(e.org, e.element, e.period)] = e.new
        stored = {
            (code, element, period): number_text(value)
            for code, element, period, value in m.DataValue.objects.filter(
                stated=False
            ).values_list("org__code", "element", "period", "value")
        }
        present = {k: v for k, v in last.items() if v is not None}
        stream = sorted(
            int(e.new)
            for e in m.AuditEntry.objects.filter(org="51000201", element="births", period="201104")
            if e.new is not None
        )
        results.put(("restored", verdict.ok, verdict.problem, present == stored, stream))
    except Exception:
        results.put(("restored", "error", traceback.format_exc()))
