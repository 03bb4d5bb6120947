"""`zicha backup` while a real server takes a stream of writes, `zicha restore` into an empty data
folder (and, on PostgreSQL, an empty database): the restored database is consistent (its audit
chain intact, every stored value the last one its audit entries give, the stream a prefix of
what was written), and a quiet backup restores to the same figures."""

from __future__ import annotations

import multiprocessing as mp
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.server import workers
from tests.server.live import LiveServer, db_args, fresh_database, live_server, zicha

CTX = mp.get_context("spawn")
STREAM = 60  # writes in the stream
BACKUP_AFTER = 20  # the backup starts once this many have landed


def stream_writes(server: LiveServer, token: str, done: list[int], stop: threading.Event) -> None:
    """Births of one village for April 2011: 1, 2, 3, … one write after the other."""
    for n in range(1, STREAM + 1):
        if stop.is_set():
            return
        body = {
            "orgUnit": "51000201",
            "period": "201104",
            "dataValues": [{"dataElement": "births", "value": str(n)}],
        }
        status, _ = server.call("POST", "/api/dataValueSets", body, token)
        assert status == 200
        done.append(n)


def check_restored(data: Path, db: str | None) -> tuple[Any, ...]:
    results: Any = CTX.Queue()
    p = CTX.Process(target=workers.check_restored, args=(str(data), db, results))
    p.start()
    p.join(300)
    out = results.get(timeout=10)
    assert out[1] != "error", out[2]
    return tuple(out[1:])


@pytest.mark.parametrize("portable", [False, True], ids=["native", "portable"])
def test_a_backup_during_writes_restores_consistently(tmp_path: Path, portable: bool) -> None:
    with fresh_database() as db:
        data = tmp_path / "data"
        with live_server(data, db) as server:
            token = server.token("donghe", "zicha-clerk")
            done: list[int] = []
            stop = threading.Event()
            writer = threading.Thread(target=stream_writes, args=(server, token, done, stop))
            writer.start()
            while len(done) < BACKUP_AFTER and writer.is_alive():
                threading.Event().wait(0.02)
            backup = tmp_path / ("county.zip" if portable or db else "county.sqlite3")
            args = ["backup", str(backup), "--data", str(data), *db_args(db)]
            zicha(*args, *(["--portable"] if portable else []))
            writer.join(300)
            assert len(done) == STREAM
        with fresh_database() as db2:
            restored = tmp_path / "restored"
            out = zicha("restore", str(backup), "--data", str(restored), *db_args(db2)).stdout
            assert "变更记录完好" in out
            ok, problem, consistent, stream = check_restored(restored, db2)
    assert ok, problem
    assert consistent, "a stored value differs from the last value its audit entries give"
    # the stream as of one moment: 1…k with nothing after, taken while it ran
    assert stream == list(range(1, len(stream) + 1))
    assert BACKUP_AFTER <= len(stream) <= STREAM


def test_a_restored_server_gives_the_same_figures(tmp_path: Path) -> None:
    with fresh_database() as db:
        data = tmp_path / "data"
        backup = tmp_path / "county.backup"
        with live_server(data, db) as server:
            token = server.token("county", "zicha-county")
            query = "?org=510000&period=2010OctS1"
            before = [
                server.call("GET", p + query, None, token) for p in ("/api/compute", "/api/rank")
            ]
            zicha("backup", str(backup), "--data", str(data), *db_args(db))
        with fresh_database() as db2:
            restored = tmp_path / "restored"
            zicha("restore", str(backup), "--data", str(restored), *db_args(db2))
            refused = zicha(
                "restore", str(backup), "--data", str(restored), *db_args(db2), check=False
            )
            assert refused.returncode == 2
            assert "不是空的" in refused.stderr + refused.stdout
            verified = zicha("audit", "verify", "--data", str(restored), *db_args(db2))
            assert "完好" in verified.stdout
            with live_server(restored, db2, demo=False) as again:
                token = again.token("county", "zicha-county")
                after = [
                    again.call("GET", p + query, None, token) for p in ("/api/compute", "/api/rank")
                ]
    assert after == before
    assert before[0][0] == 200 and before[1][0] == 200
