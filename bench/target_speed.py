"""Latency of the 目标设置 page and the targets API on a generated county, one `zicha serve`
process at a time, on SQLite (and PostgreSQL when ZICHA_TEST_DATABASE_URL is set).

    python bench/target_speed.py [--townships 30] [--villages 20] [--saves 20] [--repeat 3]
    scripts/with_postgres.sh .venv/bin/python bench/target_speed.py   # PostgreSQL too

The county of bench/rank_speed.py (T townships × V villages, five targets per township, an
assessment sheet) is loaded with `zicha load` into a fresh data folder per database, with a
reviewer of the county. Then, `--repeat` times and alternating the databases, a fresh
`zicha serve` on a free port of 127.0.0.1, logged in through the login page as a browser does,
is asked in turn:

- the grid of the county (`GET /targets`, T townships × the pack's 39 indicators) once cold and
  5 times warm;
- `--saves` cells saved one after the other (`POST /targets/cell`, a township's births cap, two
  values in turn), each answer carrying the row's total and the passed-down findings;
- every township's births cap at once (`PUT /api/targets`, T rows);
- the agreements of every township in one zip (`GET /api/agreements`).

Reports each run and the median of the runs per database (milliseconds, wall time at the
client); results go to bench/results/target_speed.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

import rank_speed
from server_load import databases, prepared, save, serving

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results"
YEAR = "2023Oct"
PASSWORD = "bench-reviewer"
#: a reviewer of the county
REVIEWER = ("bench", "reviewer", "C", PASSWORD)
TIMEOUT_S = 60
Headers = dict[str, str] | None


class Browser:
    """One keep-alive connection with the session and CSRF cookies of a logged-in browser."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
        self.cookies: dict[str, str] = {}

    def send(
        self, method: str, path: str, body: bytes | None = None, headers: Headers = None
    ) -> tuple[int, bytes, float]:
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=sent)
        response = self.conn.getresponse()
        data = response.read()
        ms = (time.perf_counter() - started) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data, ms

    def form(self, path: str, fields: dict[str, str]) -> tuple[int, bytes, float]:
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": self.cookies["csrftoken"]})
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": self.cookies["csrftoken"],
            "Referer": f"http://{self.conn.host}:{self.conn.port}/",
        }
        return self.send("POST", path, body.encode(), headers)

    def login(self) -> None:
        self.send("GET", "/login")
        status, _, _ = self.form("/login", {"username": "bench", "password": PASSWORD, "next": "/"})
        assert status == 302, "login failed"


def run_once(data: Path, db: str | None, townships: int, saves: int) -> dict[str, Any]:
    with serving(data, db) as port:
        b = Browser(port)
        b.login()
        grid = f"/targets?org=C&period={YEAR}"
        status, page, cold = b.send("GET", grid)
        assert status == 200 and b"target-grid" in page, status
        warm = [b.send("GET", grid)[2] for _ in range(5)]
        cells = []
        for i in range(saves):
            value = "<=300" if i % 2 == 0 else "<=301"
            status, body, ms = b.form(
                "/targets/cell",
                {"org": "T01", "grid_org": "C", "indicator": "births", "period": YEAR}
                | {"value": value, "effective": "2023-10-01", "r": "0", "c": "5"},
            )
            assert status == 200 and b"total-births" in body, (status, body[:300])
            cells.append(ms)
        token_status, token_body, _ = b.send(
            "POST",
            "/api/token",
            json.dumps({"username": "bench", "password": PASSWORD}).encode(),
            {"Content-Type": "application/json"},
        )
        assert token_status == 200
        bearer = {"Authorization": "Bearer " + json.loads(token_body)["token"]}
        rows = [
            {"org_unit": f"T{t:02d}", "indicator": "births", "target": "<=350"}
            for t in range(1, townships + 1)
        ]
        status, body, put_ms = b.send(
            "PUT",
            f"/api/targets?org=C&period={YEAR}",
            json.dumps({"targets": rows}).encode(),
            {"Content-Type": "application/json", **bearer},
        )
        assert status == 200, body[:300]
        status, body, zip_ms = b.send("GET", f"/api/agreements?org=C&period={YEAR}", None, bearer)
        assert status == 200 and body[:2] == b"PK", body[:300]
        return {
            "grid_cold_ms": round(cold, 1),
            "grid_ms": round(statistics.median(warm), 1),
            "cell_ms": round(statistics.median(cells), 1),
            "cell_max_ms": round(max(cells), 1),
            "put_all_ms": round(put_ms, 1),
            "agreements_zip_ms": round(zip_ms, 1),
            "grid_kb": round(len(page) / 1024, 1),
            "zip_kb": round(len(body) / 1024, 1),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--townships", type=int, default=30)
    parser.add_argument("--villages", type=int, default=20)
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sqlite-only", action="store_true")
    options = parser.parse_args(argv)

    county = rank_speed.generate(options.townships, options.villages)
    chosen = databases(options.sqlite_only)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in chosen}
    keys = ("grid_cold_ms", "grid_ms", "cell_ms", "put_all_ms", "agreements_zip_ms")
    with tempfile.TemporaryDirectory(prefix="zicha-bench-") as tmp:
        folders = prepared(county, chosen, tmp, REVIEWER)
        for i in range(options.repeat):
            for name, db in chosen.items():
                result = run_once(folders[name], db, options.townships, options.saves)
                runs[name].append(result)
                shown = "  ".join(f"{k[:-3]} {result[k]:7.1f} ms" for k in keys)
                print(f"  run {i + 1} {name:10} {shown}")
    summary = {
        name: {k: statistics.median(r[k] for r in results) for k in keys}
        for name, results in runs.items()
    }
    for name, s in summary.items():
        print(f"{name}: " + ", ".join(f"{k[:-3]} {v:.1f} ms" for k, v in s.items()))
    save("target_speed.json", options, {"saves": options.saves}, summary, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
