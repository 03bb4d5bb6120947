"""PostgreSQL's declarative partitions of the month-grain facts, partitioned: the same figures
with and without them, a one-year question pruned to one partition, no insert refused."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import polars as pl
from django.db import connection

from tests.engine import test_county as county
from tests.factories import births, dataset, tree
from tests.server.test_facts import TEST_COUNTY_PERIODS, database_engine, same
from tests.server.test_partitions import loaded_county
from zicha.actions import loading
from zicha.actions.partitions import partition_facts
from zicha.domain.period import parse_period
from zicha.engine.dataset import Dataset
from zicha.reports.json_view import computation_json, finding_json
from zicha.storage import models as m
from zicha.storage import partitions

TODAY = date(2024, 11, 20)  # in the statistical year 2024Oct: partitions up to 2025Oct


def everything() -> dict[str, Any]:
    """Every unit's computation for every test period, and the whole check."""
    engine = database_engine()
    out: dict[str, Any] = {
        f"{unit.code} {pid}": computation_json(engine.compute(unit.code, parse_period(pid)))
        for unit in engine.tree
        for pid in TEST_COUNTY_PERIODS
    }
    out["check"] = [finding_json(f) for f in engine.check()]
    return out


def scanned(sql: str, params: list[Any] | None = None) -> set[str]:
    """The partitions of the month-grain facts a query's plan reads."""
    with connection.cursor() as c:
        c.execute("EXPLAIN " + sql, params)
        plan = "\n".join(r[0] for r in c.fetchall())
    return set(re.findall(rf"on ({partitions.TABLE}_\w+)", plan))


def test_partitioned_facts_give_the_same_figures(db: Any) -> None:
    months = loaded_county()
    before = everything()
    summary = partition_facts(TODAY)
    assert summary.converted and partitions.is_partitioned()
    # the county's rows are all in 2023Oct; years 2023Oct, 2024Oct (today's), 2025Oct (next)
    provinces = [u.pk for u in m.OrgUnit.objects.filter(parent__parent=None, parent__isnull=False)]
    assert len(provinces) == 3
    expected = {
        partitions.province_table(y, p)
        for y in ("2023Oct", "2024Oct", "2025Oct")
        for p in provinces
    }
    expected |= {partitions.province_table(y, None) for y in ("2023Oct", "2024Oct", "2025Oct")}
    assert set(summary.leaves) == expected | {partitions.OTHER_YEARS}
    assert summary.moved == months == sum(summary.leaves.values())
    # every month is in its year's partition, in its province's
    for leaf, rows in summary.leaves.items():
        in_2023 = leaf.startswith(partitions.year_table("2023Oct")) and not leaf.endswith("_p0")
        assert (rows > 0) == in_2023, (leaf, rows)
    for p in provinces:
        own = m.RegisterMonth.objects.filter(province=p)
        assert summary.leaves[partitions.province_table("2023Oct", p)] == own.count() > 0
    # the rows moved are known to the planner, as after a load
    with connection.cursor() as c:
        c.execute(
            "SELECT count(*) FROM pg_stats WHERE tablename = %s",
            [partitions.province_table("2023Oct", provinces[0])],
        )
        assert c.fetchone()[0] > 0
    same(before, everything())
    # a second run finds nothing to do
    again = partition_facts(TODAY)
    assert (again.converted, again.created, again.moved) == (False, [], 0)


def test_a_one_year_question_reads_one_partition(db: Any) -> None:
    loaded_county()
    partition_facts(TODAY)
    t2 = m.OrgUnit.objects.get(code=county.T2)
    leaf = partitions.province_table("2023Oct", t2.province)
    one_year = (
        f"SELECT SUM(value) FROM {partitions.TABLE} WHERE start >= %s AND start <= %s "
        "AND province = %s"
    )
    assert scanned(one_year, [date(2023, 10, 1), date(2024, 9, 30), t2.province]) == {leaf}
    # without the province: every province of that year, and no other year
    whole_year = scanned(
        one_year.replace(" AND province = %s", ""), [date(2023, 10, 1), date(2024, 9, 30)]
    )
    assert whole_year == {
        n for n in partitions.leaves() if n.startswith(partitions.year_table("2023Oct"))
    }
    # the township's own question, as the engine asks it: only its province's partitions
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        database_engine().compute(county.T2, parse_period("2023OctQ2"))
    asked = [
        q["sql"] for q in queries.captured_queries if f'FROM "{partitions.TABLE}" v' in q["sql"]
    ]
    assert asked
    for sql in asked:
        read = scanned(sql)
        assert read and all(
            n == partitions.OTHER_YEARS or n.endswith(f"_p{t2.province}") for n in read
        ), read


NORTH, NORTH_VILLAGE = "510400", "510401"


def with_north() -> Dataset:
    """The test county with a new township 北乡, whose village has two births in May 2030."""
    units = [(u.code, u.name, u.parent, u.kind) for u in county.ORGS]
    units += [
        (NORTH, "北乡", county.COUNTY, "township"),
        (NORTH_VILLAGE, "北一村", NORTH, "village"),
    ]
    return dataset(
        tree(*units),
        values=county.values(*county.POPULATION, *county.BUDGET, *county.WOMEN),
        births=pl.concat(
            [
                county.BIRTHS,
                births(
                    (NORTH_VILLAGE, "2030-05-03", "M", 1, True),
                    (NORTH_VILLAGE, "2030-05-09", "F", 2, True),
                ).with_columns(ref=pl.Series(["N1", "N2"]), row=pl.Series([90, 91])),
            ]
        ),
        deaths=county.DEATHS,
    )


def test_no_insert_is_refused_and_a_new_run_moves_rows_in(db: Any) -> None:
    loaded_county()
    partition_facts(TODAY)
    before = everything()
    # a township and a year that have no partition yet: their months go to the defaults
    loading.load_dataset(with_north(), None, "测试县")
    north = m.OrgUnit.objects.get(code=NORTH).province
    leaves = partitions.leaves()
    assert leaves[partitions.OTHER_YEARS] == 5  # May 2030: the 5 elements of the births register
    assert leaves[partitions.province_table("2023Oct", None)] == 0  # 北乡 has no 2023 rows
    summary = partition_facts(TODAY)
    assert partitions.year_table("2029Oct") in summary.created
    assert partitions.province_table("2023Oct", north) in summary.created
    assert summary.moved == 5
    assert summary.leaves[partitions.OTHER_YEARS] == 0
    assert summary.leaves[partitions.province_table("2029Oct", north)] == 5
    assert sum(summary.leaves.values()) == m.RegisterMonth.objects.count()
    after = everything()
    assert after[f"{NORTH} 2023Oct"]["indicators"]  # the new township is computed
    for key, doc in before.items():
        if key != "check":
            same(doc, after[key], key)
