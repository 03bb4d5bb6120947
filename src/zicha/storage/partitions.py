"""PostgreSQL's declarative partitioning of the month-grain facts (`RegisterMonth`).

The table is cut by statistical year (RANGE on `start`, the month's first day) and, inside each
year, by province (LIST on `province`, the unit just below the root, see
`models.province_of`):

    storage_registermonth                      RANGE (start)
    ├── storage_registermonth_2023oct          FOR VALUES FROM (2023-10-01) TO (2024-10-01),
    │   │                                      LIST (province)
    │   ├── storage_registermonth_2023oct_p2   FOR VALUES IN (2)
    │   ├── …                                  one per province
    │   └── storage_registermonth_2023oct_p0   DEFAULT (the root's own rows, a new province)
    └── storage_registermonth_other            DEFAULT (a year without its partition)

so a township's question for one year reads one leaf: PostgreSQL prunes the others from the
bounds on `start` and `province` that `zicha.storage.facts` puts in its queries. The default
partitions mean no insert ever fails for want of a partition.

Nothing here runs by itself: `partition` is called by `zicha db partition` (PostgreSQL only; a
SQLite database, and a PostgreSQL one never partitioned, keep the plain table the migrations
made). The first call turns the plain table into the partitioned one in one transaction (the
rows copied, the old table dropped); every call adds the partitions of the years present and
the next one, and of every province, moving rows out of the default partitions into them. The
table keeps its name, columns and the sequence of its keys, so the ORM and the loader write it as
before; its primary key and unique constraint gain the partition key (`start`, `province`), as
PostgreSQL requires, which changes nothing since a unit has one province.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction

from zicha.domain.period import fiscal_year_of
from zicha.storage import models as m

TABLE = m.RegisterMonth._meta.db_table
#: the default partitions: of the whole table (a year without its own), and of each year
OTHER_YEARS = f"{TABLE}_other"
OTHER_PROVINCES = "p0"


class NotPostgres(RuntimeError):
    """Declarative partitioning is PostgreSQL's: another database keeps its plain table."""


@dataclass
class PartitionSummary:
    """What `partition` did."""

    converted: bool = False
    created: list[str] = field(default_factory=list)
    moved: int = 0
    leaves: dict[str, int] = field(default_factory=dict)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def is_partitioned() -> bool:
    """Whether the month-grain facts are a partitioned table (False on SQLite)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as c:
        c.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = c.fetchone()
    return bool(row) and row[0] == "p"


def year_table(year_id: str) -> str:
    return f"{TABLE}_{year_id.lower()}"


def province_table(year_id: str, province: int | None) -> str:
    return f"{year_table(year_id)}_{OTHER_PROVINCES if province is None else f'p{province}'}"


def partition(year_start_month: int, today: date | None = None) -> PartitionSummary:
    """Partition the month-grain facts (the first time) and add the partitions they lack: the
    statistical years (starting in `year_start_month`) of the rows stored, and the year after
    the latest of them (or after `today`'s); for each, every province of the tree."""
    if connection.vendor != "postgresql":
        raise NotPostgres(connection.vendor)
    summary = PartitionSummary()
    with transaction.atomic():
        with connection.cursor() as c:
            c.execute(f"LOCK TABLE {_q(TABLE)} IN ACCESS EXCLUSIVE MODE")
        if not is_partitioned():
            _convert()
            summary.converted = True
        years = _years(year_start_month, today or date.today())
        provinces = sorted({u.province for u in m.OrgUnit.objects.only("path") if u.depth == 1})
        for start, end, year_id in years:
            summary.moved += _add_year(start, end, year_id, provinces, summary.created)
        summary.leaves = leaves()
    return summary


def _convert() -> None:
    """The plain table replaced by a partitioned one holding the same rows, in the default
    partition until `_add_year` moves them to their own."""
    new = f"{TABLE}_partitioned"
    t, n = _q(TABLE), _q(new)
    seq = _q(f"{TABLE}_id_seq")
    with connection.cursor() as c:
        c.execute(f"CREATE TABLE {n} (LIKE {t} INCLUDING DEFAULTS) PARTITION BY RANGE (start)")
        c.execute(
            f"ALTER TABLE {n} ADD CONSTRAINT {_q(new + '_pkey')} PRIMARY KEY (id, start, province)"
        )
        c.execute(
            f"ALTER TABLE {n} ADD CONSTRAINT {_q(new + '_one')} "
            "UNIQUE (org_id, element, start, province)"
        )
        c.execute(f"CREATE TABLE {_q(OTHER_YEARS)} PARTITION OF {n} DEFAULT")
        c.execute(f"INSERT INTO {n} SELECT * FROM {t}")
        c.execute(f"SELECT COALESCE(MAX(id), 0) FROM {t}")
        top = int(c.fetchone()[0])
        # the plain table's keys came from its identity column, dropped with it; a partitioned
        # table takes its keys from a sequence of its own (identity columns on partitioned
        # tables need PostgreSQL 17)
        c.execute(f"DROP TABLE {t}")
        c.execute(f"ALTER TABLE {n} RENAME TO {t}")
        c.execute(f"ALTER TABLE {t} RENAME CONSTRAINT {_q(new + '_pkey')} TO {_q(TABLE + '_pkey')}")
        c.execute(
            f"ALTER TABLE {t} RENAME CONSTRAINT {_q(new + '_one')} TO one_count_per_unit_month"
        )
        c.execute(f"CREATE SEQUENCE {seq} OWNED BY {t}.id")
        c.execute("SELECT setval(%s, %s, %s)", [f"{TABLE}_id_seq", max(top, 1), top > 0])
        c.execute(f"ALTER TABLE {t} ALTER COLUMN id SET DEFAULT nextval('{TABLE}_id_seq')")


def _years(start_month: int, today: date) -> list[tuple[date, date, str]]:
    """(first day, first day of the next, id) of the statistical years of the stored months,
    of `today`'s, and of the year after the latest of them."""
    with connection.cursor() as c:
        c.execute(f"SELECT DISTINCT start FROM {_q(TABLE)}")
        months = [r[0] for r in c.fetchall()]
    years = {p.id: p for p in (fiscal_year_of(d, start_month) for d in [today, *months])}
    latest = max(years.values(), key=lambda p: p.start)
    following = fiscal_year_of(latest.end + timedelta(days=1), start_month)
    years[following.id] = following
    return [
        (p.start, p.end + timedelta(days=1), p.id)
        for p in sorted(years.values(), key=lambda p: p.start)
    ]


def _add_year(
    start: date, end: date, year_id: str, provinces: list[int], created: list[str]
) -> int:
    """The year's partition and its provinces' (those missing made, rows moved into them from
    the default partitions); returns the rows moved."""
    year = year_table(year_id)
    moved = 0
    with connection.cursor() as c:
        c.execute("SELECT to_regclass(%s) IS NOT NULL", [year])
        if not c.fetchone()[0]:
            y = _q(year)
            created.append(year)
            c.execute(
                f"CREATE TABLE {y} (LIKE {_q(TABLE)} INCLUDING DEFAULTS) "
                "PARTITION BY LIST (province)"
            )
            c.execute(f"CREATE TABLE {_q(province_table(year_id, None))} PARTITION OF {y} DEFAULT")
            for p in provinces:
                c.execute(
                    f"CREATE TABLE {_q(province_table(year_id, p))} PARTITION OF {y} "
                    "FOR VALUES IN (%s)",
                    [p],
                )
                created.append(province_table(year_id, p))
            moved += _move(c, OTHER_YEARS, year, "start >= %s AND start < %s", [start, end])
            c.execute(
                f"ALTER TABLE {_q(TABLE)} ATTACH PARTITION {y} FOR VALUES FROM (%s) TO (%s)",
                [start, end],
            )
            return moved
        other = province_table(year_id, None)
        for p in provinces:
            leaf = province_table(year_id, p)
            c.execute("SELECT to_regclass(%s) IS NOT NULL", [leaf])
            if c.fetchone()[0]:
                continue
            c.execute(f"CREATE TABLE {_q(leaf)} (LIKE {_q(TABLE)} INCLUDING DEFAULTS)")
            moved += _move(c, other, leaf, "province = %s", [p])
            c.execute(f"ALTER TABLE {_q(year)} ATTACH PARTITION {_q(leaf)} FOR VALUES IN (%s)", [p])
            created.append(leaf)
    return moved


def _move(c: Any, source: str, target: str, where: str, params: list[Any]) -> int:
    """Rows of `source` matching `where` moved to `target` (not attached yet)."""
    c.execute(
        f"WITH gone AS (DELETE FROM {_q(source)} WHERE {where} RETURNING *) "
        f"INSERT INTO {_q(target)} SELECT * FROM gone",
        params,
    )
    return int(c.rowcount)


def leaves() -> dict[str, int]:
    """Each leaf partition of the month-grain facts and its rows (empty when not partitioned)."""
    if not is_partitioned():
        return {}
    with connection.cursor() as c:
        c.execute(
            "SELECT relid::regclass::text FROM pg_partition_tree(%s) WHERE isleaf ORDER BY 1",
            [TABLE],
        )
        names = [r[0] for r in c.fetchall()]
        out = {}
        for name in names:
            c.execute(f"SELECT COUNT(*) FROM {_q(name)}")
            out[name] = int(c.fetchone()[0])
    return out
