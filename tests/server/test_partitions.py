"""PostgreSQL's declarative partitions of the month-grain facts (`zicha db partition`): the same
figures with and without them, a one-year question pruned to one partition, no insert refused.

Here what holds on both databases (on SQLite the command is refused and the table stays as the
migrations made it); the partitioned cases are in `tests/server/postgres/`, which only the
PostgreSQL pass of `make unit` collects.
"""

from __future__ import annotations

from typing import Any

from click.testing import CliRunner
from django.db import connection

from tests.engine import test_county as county
from tests.server.test_facts import (
    county_data,
    empty_database,
)
from zicha.actions import loading
from zicha.storage import models as m
from zicha.storage import partitions


def loaded_county() -> int:
    empty_database()
    loading.load_dataset(county_data(), None, "测试县")
    return m.RegisterMonth.objects.count()


def test_the_province_of_a_unit_is_the_unit_below_the_root(db: Any) -> None:
    loaded_county()
    units = {u.code: u for u in m.OrgUnit.objects.all()}
    t1 = units[county.T1]
    assert units[county.V11].province == units[county.ENT].province == t1.pk
    assert t1.province == t1.pk  # a unit below the root is its own province
    assert units[county.COUNTY].province == units[county.COUNTY].pk  # the root: its own key
    # every month counted carries its unit's province
    for org, province in m.RegisterMonth.objects.values_list("org_id", "province").distinct():
        assert province == m.province_of(m.OrgUnit.objects.get(pk=org).path)


def test_the_partition_command(db: Any) -> None:
    from zicha.cli.main import cli

    loaded_county()
    result = CliRunner().invoke(cli, ["db", "partition"])
    if connection.vendor == "sqlite":
        assert result.exit_code == 2, result.output
        assert "分区只用于 PostgreSQL 数据库" in result.output
        assert "当前数据库为 sqlite" in result.output
        assert not partitions.is_partitioned()
        return
    assert result.exit_code == 0, result.output
    assert "已把按月汇总表改为分区表" in result.output
    assert partitions.is_partitioned()
    again = CliRunner().invoke(cli, ["db", "partition"])
    assert again.exit_code == 0, again.output
    assert "分区齐全，没有新建" in again.output
