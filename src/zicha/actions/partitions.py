"""`zicha db partition`: PostgreSQL's declarative partitions of the month-grain facts, by the
statistical year of the server's pack and by province (see `zicha.storage.partitions`)."""

from __future__ import annotations

from datetime import date

from django.db import connection

from zicha.domain.errors import InputError, Problem
from zicha.packs.registry import get_pack
from zicha.storage import bulk, partitions
from zicha.storage.partitions import PartitionSummary
from zicha.storage.source import pack_id

#: the statistical year when the server holds no data yet (its pack decides once loaded)
DEFAULT_YEAR_START = 1


def partition_facts(today: date | None = None) -> PartitionSummary:
    """Partition the month-grain facts, or add the partitions they lack; refused (exit 2) on a
    database other than PostgreSQL."""
    if connection.vendor != "postgresql":
        raise InputError(
            [
                Problem(
                    message="分区只用于 PostgreSQL 数据库",
                    found=f"当前数据库为 {connection.vendor}",
                    expected="用 --db postgresql://… 指定 PostgreSQL 数据库；SQLite 无需分区",
                )
            ]
        )
    pid = pack_id()
    start = get_pack(pid).year_start_month if pid is not None else DEFAULT_YEAR_START
    done = partitions.partition(start, today)
    if done.moved:  # rows in new partitions: the planner needs their statistics, as after a load
        bulk.analyze()
    return done


__all__ = ["PartitionSummary", "partition_facts"]
