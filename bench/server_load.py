"""Latency of `GET /api/compute` for one township of a 30-township county under 32 concurrent
clients, on one `zicha serve` process, on SQLite and on PostgreSQL.

    python bench/server_load.py [--townships 30] [--villages 20] [--clients 32]
                                [--requests 40] [--repeat 3]
    scripts/with_postgres.sh .venv/bin/python bench/server_load.py   # PostgreSQL too

Generates the county of bench/rank_speed.py (T townships × V villages, monthly figures for the
statistical year 2023Oct, targets and an assessment sheet), loads it with `zicha load` into a
fresh data folder per database (SQLite in the folder; PostgreSQL at ZICHA_TEST_DATABASE_URL when
set), adds a clerk of the first township, then, `--repeat` times and alternating the databases,
starts a fresh `zicha serve` on a free port of 127.0.0.1, warms it with a few requests (the first
builds the engine) and lets `--clients` threads, each on its own keep-alive connection, send
`--requests` requests each for `/api/compute?org=T01&period=2023OctS1`. The load is bounded in
count and time (every request has a 30 s time-out) and goes to 127.0.0.1 only.

Reports p50/p95/p99 and throughput per run and the median of the runs per database; the target
(the server issue) is p95 under 100 ms. Results go to bench/results/server_load.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import rank_speed

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
TARGET_P95_MS = 100.0
PERIOD = "2023OctS1"
TIMEOUT_S = 30
PASSWORD = "bench-clerk"


def zicha() -> list[str]:
    script = Path(sys.executable).with_name("zicha")
    return [str(script)] if script.exists() else [sys.executable, "-m", "zicha.cli.main"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment() -> dict[str, str]:
    drop = ("DJANGO_SETTINGS_MODULE", "ZICHA_DATA", "ZICHA_DATABASE_URL")
    return {k: v for k, v in os.environ.items() if k not in drop}


#: who the benchmark logs in as: user name, role, unit, password (the clerk of the first township)
CLERK = ("bench", "clerk", "T01", PASSWORD)


def prepare(
    county: Path, data: Path, db: str | None, account: tuple[str, str, str, str] = CLERK
) -> None:
    """Load the county and add the benchmark's account (`CLERK` unless told)."""
    args = ["--data", str(data), *(["--db", db] if db else [])]
    started = time.perf_counter()
    subprocess.run([*zicha(), "load", str(county), *args], check=True, env=environment())
    print(f"  loaded in {time.perf_counter() - started:.1f} s")
    user, role, org, password = account
    subprocess.run(
        [*zicha(), "users", "add", user, "--role", role, "--org", org, *args],
        input=password + "\n",
        text=True,
        check=True,
        env=environment(),
        stdout=subprocess.DEVNULL,
    )


def prepared(
    county: Path,
    chosen: dict[str, str | None],
    tmp: str,
    account: tuple[str, str, str, str] = CLERK,
) -> dict[str, Path]:
    """A data folder under `tmp` for each database of `chosen`, loaded with the county and
    the account (`prepare`)."""
    folders = {}
    for name, db in chosen.items():
        folders[name] = Path(tmp) / name
        print(f"{name}: loading {county.name}")
        prepare(county, folders[name], db, account)
    return folders


def databases(sqlite_only: bool) -> dict[str, str | None]:
    """The databases to measure, by name: SQLite, and PostgreSQL at ZICHA_TEST_DATABASE_URL
    when it is set (scripts/with_postgres.sh) unless `sqlite_only`."""
    found: dict[str, str | None] = {"sqlite": None}
    pg = os.environ.get("ZICHA_TEST_DATABASE_URL")
    if pg and not sqlite_only:
        found["postgresql"] = pg
    return found


def request(conn: http.client.HTTPConnection, path: str, headers: dict[str, str]) -> int:
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


@contextmanager
def serving(data: Path, db: str | None) -> Iterator[int]:
    """A fresh `zicha serve` on a free port of 127.0.0.1, once it answers; stopped afterwards."""
    port = free_port()
    args = ["--data", str(data), *(["--db", db] if db else [])]
    server = subprocess.Popen(
        [*zicha(), "serve", *args, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment(),
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                if request(probe, "/healthz", {}) == 200:
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("zicha serve did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def run_once(data: Path, db: str | None, clients: int, requests: int, org: str) -> dict[str, Any]:
    with serving(data, db) as port:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
        body = json.dumps({"username": "bench", "password": PASSWORD})
        conn.request("POST", "/api/token", body=body, headers={"Content-Type": "application/json"})
        token = json.loads(conn.getresponse().read())["token"]
        headers = {"Authorization": f"Bearer {token}"}
        path = f"/api/compute?org={org}&period={PERIOD}"
        started = time.perf_counter()
        assert request(conn, path, headers) == 200
        first_ms = (time.perf_counter() - started) * 1000
        for _ in range(5):
            request(conn, path, headers)

        latencies: list[float] = []
        failures: list[int] = []
        lock = threading.Lock()
        gate = threading.Barrier(clients)

        def client() -> None:
            own = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
            mine: list[float] = []
            bad = 0
            gate.wait()
            for _ in range(requests):
                t0 = time.perf_counter()
                status = request(own, path, headers)
                mine.append((time.perf_counter() - t0) * 1000)
                bad += status != 200
            with lock:
                latencies.extend(mine)
                failures.append(bad)

        threads = [threading.Thread(target=client) for _ in range(clients)]
        wall = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - wall
        cuts = statistics.quantiles(latencies, n=100)
        return {
            "requests": len(latencies),
            "failures": sum(failures),
            "first_ms": round(first_ms, 1),
            "p50_ms": round(cuts[49], 1),
            "p95_ms": round(cuts[94], 1),
            "p99_ms": round(cuts[98], 1),
            "max_ms": round(max(latencies), 1),
            "per_second": round(len(latencies) / wall, 1),
        }


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(ROOT), "log", "-1", "--format=%h %s"],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--townships", type=int, default=30)
    parser.add_argument("--villages", type=int, default=20)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=40, help="requests per client and run")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sqlite-only", action="store_true")
    options = parser.parse_args(argv)

    county = rank_speed.generate(options.townships, options.villages)
    chosen = databases(options.sqlite_only)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in chosen}
    with tempfile.TemporaryDirectory(prefix="zicha-bench-") as tmp:
        folders = prepared(county, chosen, tmp)
        for i in range(options.repeat):
            for name, db in chosen.items():
                result = run_once(folders[name], db, options.clients, options.requests, "T01")
                runs[name].append(result)
                print(
                    f"  run {i + 1} {name:10} p50 {result['p50_ms']:7.1f} ms  "
                    f"p95 {result['p95_ms']:7.1f} ms  p99 {result['p99_ms']:7.1f} ms  "
                    f"{result['per_second']:6.1f}/s  failures {result['failures']}  "
                    f"(first request {result['first_ms']:.0f} ms)"
                )
    summary = {
        name: {
            key: statistics.median(r[key] for r in results)
            for key in ("p50_ms", "p95_ms", "p99_ms", "per_second", "first_ms")
        }
        | {"target_p95_ms": TARGET_P95_MS}
        for name, results in runs.items()
    }
    for name, s in summary.items():
        verdict = "met" if s["p95_ms"] < TARGET_P95_MS else "NOT met"
        print(
            f"{name}: median p95 {s['p95_ms']:.1f} ms (target < {TARGET_P95_MS:.0f} ms: "
            f"{verdict}), p50 {s['p50_ms']:.1f} ms, {s['per_second']:.1f} requests/s"
        )
    settings = {"clients": options.clients, "requests_per_client": options.requests}
    save("server_load.json", options, settings, summary, runs)
    return 0


def save(
    name: str, options: Any, settings: dict[str, Any], summary: Any, runs: dict[str, Any]
) -> None:
    """The results of a run of a server benchmark into bench/results/NAME, with when, which
    commit, the machine and the county it ran on."""
    RESULTS.mkdir(exist_ok=True)
    report = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "commit": commit(),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "county": {"townships": options.townships, "villages": options.villages},
        **settings,
        "summary": summary,
        "runs": runs,
    }
    (RESULTS / name).write_text(json.dumps(report, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    sys.exit(main())
