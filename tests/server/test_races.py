"""Races, with real concurrency: worker processes with connections of their own, on a database
of their own (SQLite, and PostgreSQL when the suite runs there).

A worker stops right after the statement that matters (holding its transaction open) until the
other worker has run into it: on PostgreSQL the test sees the other session waiting for a lock
(`pg_stat_activity`) before it lets the first one go; on SQLite the other one waits for the
database's write lock. So each test plays the race out, not two calls one after the other.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.server import workers
from tests.server.live import fresh_database, lock_waiters
from tests.server.workers import Pause

CTX = mp.get_context("spawn")
SQLITE_GRACE_S = 0.5  # SQLite cannot be asked who waits: the other worker gets this long


@pytest.fixture
def county(tmp_path: Path) -> Iterator[tuple[str, str | None]]:
    with fresh_database() as db:
        data = str(tmp_path / "data")
        run_in_process(workers.prepare_county, data, db)
        yield data, db


def run_in_process(func: Any, *args: Any) -> None:
    p = CTX.Process(target=func, args=args)
    p.start()
    p.join(300)
    assert p.exitcode == 0


def submitted(data: str, db: str | None, orgs: list[str], periods: list[str]) -> list[int]:
    results: Any = CTX.Queue()
    run_in_process(_submit_into, data, db, orgs, periods, results)
    pks: list[int] = results.get(timeout=10)
    return pks


def _submit_into(
    data: str, db: str | None, orgs: list[str], periods: list[str], results: Any
) -> None:
    results.put(workers.submit_all(data, db, orgs, periods))


def wait_blocked(db: str | None, started: Any) -> bool:
    """Until the second worker waits for the first one's lock: True when seen (PostgreSQL)."""
    assert started.wait(60)
    if db is None:
        time.sleep(SQLITE_GRACE_S)
        return True
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if lock_waiters(db) >= 1:
            return True
        time.sleep(0.02)
    return False


def race(
    data: str,
    db: str | None,
    first: tuple[str, dict[str, Any], str],
    second: tuple[str, dict[str, Any]],
    unheld: bool = False,
) -> tuple[dict[str, tuple[Any, ...]], bool]:
    """`first` runs until just after a statement matching its pattern and holds; `second` starts
    and runs into it; once it waits, `first` goes on. Returns each worker's outcome and whether
    the second was seen waiting."""
    # one queue per worker: which of them reports first is up to the scheduler
    results1: Any = CTX.Queue()
    results2: Any = CTX.Queue()
    reached, go = CTX.Event(), CTX.Event()
    s1, s2 = CTX.Event(), CTX.Event()
    task1, args1, pattern = first
    task2, args2 = second
    p1 = CTX.Process(
        target=workers.act, args=(data, db, task1, args1, s1, Pause(pattern, reached, go), results1)
    )
    p2 = CTX.Process(target=workers.act, args=(data, db, task2, args2, s2, None, results2, unheld))
    p1.start()
    try:
        assert reached.wait(120), "the first worker never reached its statement"
        p2.start()
        waited = wait_blocked(db, s2)
    finally:
        go.set()
    p1.join(120)
    if p2.pid is not None:
        p2.join(120)
    outcomes: dict[str, tuple[Any, ...]] = {}
    for results in (results1, results2):
        try:
            out = results.get(timeout=30)
        except queue.Empty:
            continue
        assert out[1] != "error", out[2]
        outcomes[out[0] if out[0] not in outcomes else out[0] + "2"] = out[1:]
    return outcomes, waited


def inspect(data: str, db: str | None) -> tuple[Any, ...]:
    results: Any = CTX.Queue()
    p = CTX.Process(target=workers.inspect, args=(data, db, results))
    p.start()
    p.join(120)
    out = results.get(timeout=10)
    assert out[1] != "error", out[2]
    return tuple(out[1:])


def test_two_reviewers_approve_at_once(county: tuple[str, str | None]) -> None:
    data, db = county
    (pk,) = submitted(data, db, ["510002"], [workers.PERIOD])
    outcomes, waited = race(
        data,
        db,
        ("approve", {"user": "county", "pk": pk}, r'UPDATE "storage_submission"'),
        ("approve", {"user": "county2", "pk": pk}),
    )
    assert waited, "the second reviewer never waited for the first"
    assert sorted(o[0] for o in outcomes.values()) == ["conflict", "ok"]
    assert outcomes["approve"] == ("ok", "approved")  # the one that held the row won
    assert outcomes["approve2"] == ("conflict", "approved")  # the loser: 409, already moved
    ok, problem, entries, _, states = inspect(data, db)
    assert ok, problem
    assert states[pk] == "approved"
    assert [e[4] for e in entries if e[1] == "submission"] == ["submitted", "approved"]


def test_many_approvals_at_once_move_each_submission_once(county: tuple[str, str | None]) -> None:
    """Four reviewers' processes on six submissions, all started together (no pause): each
    submission is approved exactly once, the others get 409."""
    data, db = county
    pks = submitted(data, db, ["510003", "510004", "510005"], ["2010OctS1", "2010OctS2"])
    results: Any = CTX.Queue()
    procs = []
    starts = []
    for user in ("county", "county2", "county", "county2"):
        for pk in pks:
            started = CTX.Event()
            starts.append(started)
            procs.append(
                CTX.Process(
                    target=workers.act,
                    args=(data, db, "approve", {"user": user, "pk": pk}, started, None, results),
                )
            )
    for p in procs:
        p.start()
    for p in procs:
        p.join(300)
    outs = [results.get(timeout=30) for _ in procs]
    assert all(o[1] != "error" for o in outs), [o[2] for o in outs if o[1] == "error"]
    assert sorted(o[1] for o in outs).count("ok") == len(pks)
    assert sum(o[1] == "conflict" for o in outs) == len(procs) - len(pks)
    ok, problem, _, _, states = inspect(data, db)
    assert ok, problem
    assert {states[pk] for pk in pks} == {"approved"}


def test_a_write_that_holds_its_check_lands_before_the_submission(
    county: tuple[str, str | None],
) -> None:
    """The write has read the submissions (none) and holds; the submission has to wait for it,
    so the value lands before the lock, and the submission locks what the write left."""
    data, db = county
    outcomes, waited = race(
        data,
        db,
        ("write", {"value": "41"}, r'FROM "storage_submission"'),
        ("submit", {}),
    )
    assert waited, "the submission never waited for the write"
    assert outcomes["write"] == ("ok", True)
    assert outcomes["submit"] == ("ok", "submitted")
    ok, problem, entries, value, _ = inspect(data, db)
    assert ok, problem
    assert value == 41
    kinds = [e[1] for e in entries]
    assert kinds == ["value", "submission"]  # the write's entry first, then the lock


def test_a_write_racing_a_submission_is_refused(county: tuple[str, str | None]) -> None:
    """The submission is made and holds (not yet committed); the write starts, has to wait for
    it, then sees it and is refused: never a changed value in a submitted period."""
    data, db = county
    before = inspect(data, db)[3]
    outcomes, waited = race(
        data,
        db,
        ("submit", {}, r'INSERT INTO "storage_submission"'),
        ("write", {"value": "42"}),
    )
    assert waited, "the write never waited for the submission"
    assert outcomes["submit"] == ("ok", "submitted")
    assert outcomes["write"][0] == "locked"
    ok, problem, entries, value, _ = inspect(data, db)
    assert ok, problem
    assert value == before
    assert [e[1] for e in entries] == ["submission"]


def test_without_the_share_lock_the_race_is_lost(county: tuple[str, str | None]) -> None:
    """The same race with the write's share lock taken away. On PostgreSQL the write no longer
    waits, reads no submission and changes a value of the submitted period: this is what the
    share lock in `zicha.actions.entry` prevents. On SQLite the write still waits (its
    transaction takes the database's write lock when it begins) and is refused: SQLite needs no
    share lock."""
    data, db = county
    if db is None:
        outcomes, waited = race(
            data,
            db,
            ("submit", {}, r'INSERT INTO "storage_submission"'),
            ("write", {"value": "43"}),
            unheld=True,
        )
        assert waited
        assert outcomes["write"][0] == "locked"
        return
    results: Any = CTX.Queue()
    reached, go = CTX.Event(), CTX.Event()
    s1, s2 = CTX.Event(), CTX.Event()
    pause = Pause(r'INSERT INTO "storage_submission"', reached, go)
    p1 = CTX.Process(target=workers.act, args=(data, db, "submit", {}, s1, pause, results))
    p2 = CTX.Process(
        target=workers.act, args=(data, db, "write", {"value": "43"}, s2, None, results, True)
    )
    p1.start()
    assert reached.wait(120)
    p2.start()
    p2.join(120)  # it does not wait for the submission
    go.set()
    p1.join(120)
    outs = {o[0]: o[1:] for o in (results.get(timeout=30), results.get(timeout=30))}
    assert outs["write"] == ("ok", True)
    assert outs["submit"] == ("ok", "submitted")
    _, _, entries, value, _ = inspect(data, db)
    assert value == 43
    assert [e[1] for e in entries] == ["value", "submission"]
