"""One township's `/api/compute` in the 5-million-row province and in a 30-township county cut
from it, and the province's root, from PostgreSQL: the cost of a township must not depend on the
size of the whole.

    scripts/with_postgres.sh .venv/bin/python bench/server_scale.py [--rows 5000000] [--repeat 3]

The province is bench/generate.py's CSV folder (1 province, 10 counties × 10 townships × 20
villages; `--rows` register rows). The county is cut from it: the townships of its first three
counties, put directly under the root, with their villages, values and register rows (30
townships, 631 units, 30 % of the rows). Township 010101 has the very same rows in both, so both
give the same figures and only the size around it differs. The province is loaded a second time
into a database whose month-grain facts are then partitioned (`zicha db partition`: by
statistical year and province).

Each database is loaded once (`zicha load`'s action, timed). Then, `--repeat` rounds alternating
the databases, each measurement in a fresh interpreter: `GET /api/compute?org=…&period=2023OctS1`
through Django's test client (the whole Django stack, middleware, authentication, the view and
the JSON; no socket), as an administrator whose token was taken before the clock starts. Cold:
the first request of the process (the engine built over the database; PostgreSQL's own buffers
stay warm between processes); warm: the same request again with nothing changed (the computation
kept for the data version). The township cold figure is the one that must not grow with the
province.

Each round also records, for the township's cold request, every query it sent and PostgreSQL's
`EXPLAIN (ANALYZE, BUFFERS)` of each: the pages it touched (`Buffers: shared hit + read` of the
plan's top node) are the size-independent measure; the plans go to
bench/results/server_scale_explain.txt, the figures to bench/results/server_scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import polars as pl

# the same province, period, units and paths as bench/server_facts.py (which also puts zicha's
# source on the path)
from server_facts import PERIOD, RESULTS, ROOT_UNIT, TOWNSHIP
from server_facts import _prepare as prepare
from server_facts import run_step as run_facts_step

#: the counties whose townships make the 30-township county
COUNTY_OF = ("0101", "0102", "0103")
USER, PASSWORD = "bench-admin", "bench-admin-pass"


def county_folder(province: Path) -> Path:
    """The 30-township county cut from `province` (written once, beside it)."""
    folder = province.parent / f"county-30-of-{province.name}"
    if (folder / "SIZE").exists():
        return folder
    folder.mkdir(exist_ok=True)
    units = pl.read_csv(province / "orgunits.csv", infer_schema=False)
    towns = units.filter(pl.col("parent").is_in(COUNTY_OF))
    villages = units.filter(pl.col("parent").is_in(towns["code"].implode()))
    root = units.filter(pl.col("code") == ROOT_UNIT).with_columns(
        name=pl.lit("某县"), kind=pl.lit("县")
    )
    kept = pl.concat([root, towns.with_columns(parent=pl.lit(ROOT_UNIT)), villages])
    kept.write_csv(folder / "orgunits.csv")
    codes = kept["code"].implode()
    for name in ("values.csv", "births.csv", "deaths.csv"):
        frame = pl.read_csv(province / name, infer_schema=False)
        frame.filter(pl.col("orgunit").is_in(codes)).write_csv(folder / name)
    (folder / "meta.csv").write_bytes((province / "meta.csv").read_bytes())
    (folder / "SIZE").write_text("county\n")
    return folder


# ---------------------------------------------------------------------------------------------
# steps, each in a fresh interpreter


def step_load(data: str, db: str, folder: str, partition: str = "") -> dict[str, Any]:
    prepare(data, db)
    from zicha.actions.accounts import add_user
    from zicha.actions.loading import load_workbook

    t0 = time.perf_counter()
    load_workbook(folder)
    seconds = time.perf_counter() - t0
    add_user(USER, "admin", ROOT_UNIT, PASSWORD)
    partitioned: dict[str, Any] = {}
    if partition:
        from zicha.actions.partitions import partition_facts

        t1 = time.perf_counter()
        done = partition_facts()
        partitioned = {"partition_s": time.perf_counter() - t1, "leaves": len(done.leaves)}
    from django.db import connection

    with connection.cursor() as c:
        c.execute("SELECT COUNT(*) FROM storage_orgunit")
        units = c.fetchone()[0]
        c.execute("SELECT COUNT(*) FROM storage_registermonth")
        months = c.fetchone()[0]
        c.execute(
            "SELECT (SELECT COUNT(*) FROM storage_birth) + (SELECT COUNT(*) FROM storage_death)"
        )
        rows = c.fetchone()[0]
    return {
        "seconds": seconds,
        "units": units,
        "register_months": months,
        "register_rows": rows,
        **partitioned,
    }


def _client() -> Any:
    from rest_framework.test import APIClient

    client = APIClient()
    answer = client.post("/api/token", {"username": USER, "password": PASSWORD}, format="json")
    assert answer.status_code == 200, answer.content
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {answer.json()['token']}")
    return client


def step_api(data: str, db: str, org: str) -> dict[str, Any]:
    prepare(data, db)
    client = _client()
    url = f"/api/compute?org={org}&period={PERIOD}"
    t0 = time.perf_counter()
    first = client.get(url)
    t1 = time.perf_counter()
    again = client.get(url)
    t2 = time.perf_counter()
    assert first.status_code == 200 and again.status_code == 200, first.content[:500]
    body = first.json()
    values = [i.get("value") for i in body.get("indicators", [])]
    return {
        "cold_s": t1 - t0,
        "warm_s": t2 - t1,
        "indicators": len(values),
        "with_value": sum(v is not None for v in values),
        "figures": {i["id"]: i.get("value") for i in body.get("indicators", [])},
    }


_BUFFERS = re.compile(r"Buffers: shared(?: hit=(\d+))?(?: read=(\d+))?")


def step_explain(data: str, db: str, org: str) -> dict[str, Any]:
    """The queries of a cold computation of `org`, each explained with its real run."""
    prepare(data, db)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zicha.actions import county
    from zicha.domain.orgunit import OrgUnit
    from zicha.domain.period import parse_period
    from zicha.storage import models as m

    scope = county.Scope(m.User(role="admin"), OrgUnit(org, org), parse_period(PERIOD))
    with CaptureQueriesContext(connection) as captured:
        county.compute(scope)
    plans = []
    pages = 0
    with connection.cursor() as c:
        for q in captured.captured_queries:
            sql = q["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            lines = [r[0] for r in c.fetchall()]
            top = next((_BUFFERS.search(x) for x in lines if _BUFFERS.search(x)), None)
            touched = sum(int(g or 0) for g in top.groups()) if top else 0
            pages += touched
            plans.append({"sql": sql, "pages": touched, "plan": lines})
    return {"queries": len(captured.captured_queries), "pages": pages, "plans": plans}


STEPS = {"load": step_load, "api": step_api, "explain": step_explain}


def run_step(*args: str) -> dict[str, Any]:
    return run_facts_step(*args, script=__file__)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "step":
        print(json.dumps(STEPS[argv[1]](*argv[2:]), ensure_ascii=False, default=str))
        return 0
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    import generate
    from server_facts import fresh_postgres, machine, median

    pg = os.environ.get("ZICHA_TEST_DATABASE_URL", "")
    if not pg:
        print("PostgreSQL needed: run under scripts/with_postgres.sh", file=sys.stderr)
        return 2
    province = generate.csv_folder(args.rows)
    if not (province / "SIZE").exists():
        generate.write_csv_folder(args.rows)
    folders = {
        "province": province,
        "province, partitioned": province,
        "county": county_folder(province),
    }
    urls = {"province": pg, "province, partitioned": pg + "_parts", "county": pg + "_county"}
    info = machine()
    loads: dict[str, dict[str, Any]] = {}
    townships: dict[str, list[dict[str, Any]]] = {k: [] for k in folders}
    roots: dict[str, list[dict[str, Any]]] = {k: [] for k in folders}
    explains: dict[str, list[dict[str, Any]]] = {k: [] for k in folders}
    with tempfile.TemporaryDirectory(prefix="zicha-scale-") as tmp:
        data = {k: Path(tmp) / k.replace(", ", "-") for k in folders}
        for name, folder in folders.items():
            data[name].mkdir()
            fresh_postgres(urls[name])
            parts = "partition" if name.endswith("partitioned") else ""
            loads[name] = run_step("load", str(data[name]), urls[name], str(folder), parts)
            print(f"{name}: loaded in {loads[name]['seconds']:.1f} s {loads[name]}", flush=True)
        for r in range(args.repeat):
            for name in folders:
                t = run_step("api", str(data[name]), urls[name], TOWNSHIP)
                root = run_step("api", str(data[name]), urls[name], ROOT_UNIT)
                e = run_step("explain", str(data[name]), urls[name], TOWNSHIP)
                townships[name].append(t)
                roots[name].append(root)
                explains[name].append(e)
                print(
                    f"round {r + 1} {name}: township cold {t['cold_s'] * 1000:.0f} ms, "
                    f"warm {t['warm_s'] * 1000:.1f} ms ({e['queries']} queries, "
                    f"{e['pages']} pages); root cold {root['cold_s'] * 1000:.0f} ms, "
                    f"warm {root['warm_s'] * 1000:.1f} ms",
                    flush=True,
                )
    same = all(
        townships[name][0]["figures"] == townships["county"][0]["figures"] for name in folders
    )
    result: dict[str, Any] = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": info,
        "rows": args.rows,
        "repeat": args.repeat,
        "period": PERIOD,
        "through": "Django test client (GET /api/compute, bearer token), fresh process per run",
        "township": TOWNSHIP,
        "same_figures_in_all": same,
        "loads": loads,
        "summary": {
            name: {
                "township_cold_ms": median(townships[name], "cold_s") * 1000,
                "township_warm_ms": median(townships[name], "warm_s") * 1000,
                "township_queries": explains[name][0]["queries"],
                "township_pages": median(explains[name], "pages"),
                "root_cold_ms": median(roots[name], "cold_s") * 1000,
                "root_warm_ms": median(roots[name], "warm_s") * 1000,
            }
            for name in folders
        },
        "runs": {
            name: {
                "township": [
                    {k: v for k, v in t.items() if k != "figures"} for t in townships[name]
                ],
                "root": [{k: v for k, v in t.items() if k != "figures"} for t in roots[name]],
                "pages": [e["pages"] for e in explains[name]],
            }
            for name in folders
        },
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "server_scale.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    with (RESULTS / "server_scale_explain.txt").open("w", encoding="utf-8") as out:
        for name in folders:
            out.write(f"===== {name}: township {TOWNSHIP}, cold computation, {PERIOD}\n\n")
            for p in explains[name][-1]["plans"]:
                out.write(f"-- {p['pages']} pages\n{p['sql']}\n")
                out.write("\n".join(p["plan"]) + "\n\n")
    for name, s in result["summary"].items():
        print(
            f"{name}: township cold {s['township_cold_ms']:.0f} ms, warm "
            f"{s['township_warm_ms']:.1f} ms, {s['township_queries']} queries touching "
            f"{s['township_pages']:.0f} pages; root cold {s['root_cold_ms']:.0f} ms "
            f"(target < 2000), warm {s['root_warm_ms']:.1f} ms (target < 100)"
        )
    print(f"same figures for {TOWNSHIP} in all three: {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
