"""The database answers the engine as the workbook does: the same figures and the same findings,
for every unit and indicator, whole months and periods that cut a month. Loads are all or nothing,
and loading the same data again changes nothing."""

from __future__ import annotations

import dataclasses
import math
import tempfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from tests.engine import test_county as county
from tests.factories import births, dataset, deaths, target, tree, values
from zicha.actions import loading
from zicha.actions.demo_county import load_demo_county
from zicha.actions.session import open_workbook, workbook_engine
from zicha.domain.period import parse_period
from zicha.engine.computation import Engine
from zicha.engine.dataset import Dataset
from zicha.packs.demo_county import demo_sheets
from zicha.packs.registry import get_pack
from zicha.reports.json_view import computation_json, finding_json
from zicha.storage import models as m
from zicha.storage.facts import DatabaseFacts
from zicha.storage.source import data_version
from zicha.workbook.export import write_raw_workbook
from zicha.workbook.sheets import SHEETS

TEST_COUNTY_PERIODS = (
    "2023Oct",
    "2023OctS1",
    "2023OctQ2",
    "202401",
    "2024S1",
    "2023-10-01/2024-03-31",
    "2024-01-15/2024-03-10",  # cuts January and March
    "2024-02-03/2024-02-05",  # inside one month
)
#: the periods the slips county is computed for: its report's half-year, a quarter, the month
#: its deaths register stops short of, and a half-year without any data
SLIPS_PERIODS = ("2023OctS1", "2024Q1", "202403", "2025S1")
DEMO_PERIODS = ("2010Oct", "2010OctS1", "2010OctQ1", "201012", "2011Q1", "2010-10-15/2011-02-20")


def same(a: Any, b: Any, where: str = "") -> None:
    """Equal documents; floats equal to 12 significant digits (sums may add in another order)."""
    if isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12), f"{where}: {a} != {b}"
    elif isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), f"{where}: {len(a)} != {len(b)}\n{a}\n{b}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def assert_agree(book: Engine, base: Engine, periods: tuple[str, ...]) -> int:
    """Every unit, every indicator, every period; and the whole check. Returns the number of
    non-null figures compared (so a test can tell it compared something)."""
    figures = 0
    for unit in book.tree:
        for pid in periods:
            period = parse_period(pid)
            a = computation_json(book.compute(unit.code, period))
            b = computation_json(base.compute(unit.code, period))
            same(a, b, f"{unit.code} {pid}")
            figures += sum(1 for i in a["indicators"] if i["value"] is not None)
    same(
        [finding_json(f) for f in book.check()],
        [finding_json(f) for f in base.check()],
        "check",
    )
    return figures


def empty_database() -> None:
    """Remove the demo county (inside the test's transaction, which is rolled back)."""
    for model in (
        m.ApiToken,
        m.DataValue,
        m.Birth,
        m.Death,
        m.RegisterMonth,
        m.RegisterDigest,
        m.RegisterTotal,
        m.Target,
        m.AssessmentItem,
        m.ChecklistItem,
        m.Narrative,
        m.ReportHeader,
        m.User,
        m.Setting,
    ):
        model.objects.all().delete()
    for unit in m.OrgUnit.objects.order_by("-path"):
        unit.delete()


def county_data() -> Dataset:
    return dataset(
        county.ORGS,
        values=county.values(*county.POPULATION, *county.BUDGET, *county.WOMEN),
        births=county.BIRTHS,
        deaths=county.DEATHS,
    )


def database_engine() -> Engine:
    return Engine(get_pack(None), DatabaseFacts(get_pack(None)))


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (m.DataValue, m.Birth, m.Death, m.RegisterMonth, m.RegisterDigest, m.OrgUnit)
    }


# ---------------------------------------------------------------------------------------------


def test_the_test_county_gives_the_same_figures_and_findings(db: Any) -> None:
    empty_database()
    data = county_data()
    loading.load_dataset(data, None, "测试县")
    figures = assert_agree(
        workbook_engine(get_pack(None), data), database_engine(), TEST_COUNTY_PERIODS
    )
    assert figures > 500


def test_a_period_cutting_a_month_counts_the_rows_themselves(db: Any) -> None:
    # 东一村's births between 15 January and 10 March 2024 in the test county's register:
    # 2024-01-22 (F, 3rd child, out of policy) and 2024-02-29 (M); 2024-01-08 and 2024-03-30
    # lie outside, in the months the period cuts
    empty_database()
    loading.load_dataset(county_data(), None, "测试县")
    c = database_engine().compute(county.V11, parse_period("2024-01-15/2024-03-10"))
    assert c.result("births").value == 2
    assert c.result("births").numerator == 2
    assert c.result("sex_ratio_at_birth").numerator == 1  # one boy
    assert c.result("out_of_policy_multichild_rate").numerator == 1


def test_demo_county_gives_the_same_figures_and_findings(db: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "示例县.xlsx"
        write_raw_workbook(demo_sheets(), path, [s.zh for s in SHEETS])
        session = open_workbook(path)
    figures = assert_agree(session.engine, database_engine(), DEMO_PERIODS)
    assert figures > 500


def test_loading_again_changes_nothing(db: Any) -> None:
    before, version = counts(), data_version()
    load_demo_county()
    assert (counts(), data_version()) == (before, version)
    empty_database()
    loading.load_dataset(county_data(), None, "测试县")
    before, version = counts(), data_version()
    assert before["Birth"] == county.BIRTHS.height and before["RegisterMonth"] > 0
    summary = loading.load_dataset(county_data(), None, "测试县")
    assert not summary.changed
    assert (counts(), data_version()) == (before, version)


def test_a_changed_month_is_compared_row_by_row(db: Any) -> None:
    empty_database()
    data = county_data()
    loading.load_dataset(data, None, "测试县")
    before = counts()
    # one more birth in 东一村 in January 2024, and every row already stored
    extra = births((county.V11, "2024-01-25", "F", 1, True))
    more = pl.concat(
        [county.BIRTHS, extra.with_columns(ref=pl.lit("B9999"), row=pl.lit(99, pl.Int64))]
    )
    bigger = dataset(county.ORGS, values=data.values, births=more, deaths=county.DEATHS)
    summary = loading.load_dataset(bigger, None, "测试县")
    assert summary.created["births"] == 1
    after = counts()
    assert after["Birth"] == before["Birth"] + 1
    assert after["RegisterMonth"] == before["RegisterMonth"]  # the month was counted again
    january = m.RegisterMonth.objects.get(
        org__code=county.V11, element="births_female", start=date(2024, 1, 1)
    )
    # 东一村's girls of January 2024: the birth of 2024-01-22 and the one added
    assert january.value == 2
    # the register's months over every unit: January has one birth more, the others as before
    totals = dict(m.RegisterTotal.objects.filter(sheet="births").values_list("start", "rows"))
    by_month = Counter(d.replace(day=1) for d in more["date"].to_list())
    assert totals == by_month
    assert totals[date(2024, 1, 1)] == 1 + sum(
        1 for d in county.BIRTHS["date"].to_list() if (d.year, d.month) == (2024, 1)
    )
    assert_agree(workbook_engine(get_pack(None), bigger), database_engine(), ("2023Oct",))


@pytest.fixture(params=["while the rows are written", "after the rows were written"])
def failing_load(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """The load fails midway: counting the months fails while the register rows are being
    written, or writing the counts fails after they were."""
    if request.param == "while the rows are written":

        def month_counts(*args: Any, **kwargs: Any) -> pl.DataFrame:
            raise RuntimeError("out of memory")

        monkeypatch.setattr(loading, "month_counts", month_counts)
        return
    insert = loading.bulk.insert_frame

    def insert_frame(model: type[Any], frame: pl.DataFrame) -> int:
        if model is m.RegisterMonth:
            raise RuntimeError("disk full")
        return insert(model, frame)

    monkeypatch.setattr(loading.bulk, "insert_frame", insert_frame)


def test_a_load_failing_midway_writes_nothing(db: Any, failing_load: None) -> None:
    empty_database()
    before, version = counts(), data_version()
    with pytest.raises(RuntimeError):
        loading.load_dataset(county_data(), None, "测试县")
    assert counts() == before
    assert data_version() == version


def test_a_townships_computation_reads_only_its_own_subtree(db: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    empty_database()
    loading.load_dataset(county_data(), None, "测试县")
    township = m.OrgUnit.objects.get(code=county.T2)
    facts = {m.DataValue, m.Birth, m.Death, m.RegisterMonth}
    tables = [model._meta.db_table for model in facts]
    with CaptureQueriesContext(connection) as queries:
        database_engine().compute(county.T2, parse_period("2024-01-15/2024-03-10"))
    read = [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in tables)]
    assert len(read) >= 4  # flows, register months, a cut month's rows, stock levels, values
    for sql in read:
        assert f"'{township.path}" in sql, sql  # each one asks for 西乡's subtree, by its path


# ------------------------------------------------------------------ readable but wrong data

SLIPS_ORGS = tree(
    ("X", "测试县", None, "county"),
    ("T", "东乡", "X", "township"),
    ("V", "东一村", "T", "village"),
    ("U", "西乡", "X", "township"),
    ("W", "南乡", "X", "township"),
)


def slips_data(*extra_deaths: tuple[str, str, str, float]) -> Dataset:
    """A county whose figures are readable but wrong: a fraction of a birth and 130000 万元
    spent by 东乡, 西乡's targets set for 2009Oct, nothing at all from 南乡, and 东一村's deaths
    register, forty deaths a month, stopping in February of a report to 31 March."""
    rows = [
        ("V", (date(2023, month, 1) + timedelta(days=i % 28)).isoformat(), "MF"[i % 2], 70.0)
        for month in (10, 11, 12)
        for i in range(40)
    ] + [
        ("V", (date(2024, month, 1) + timedelta(days=i % 28)).isoformat(), "MF"[i % 2], 70.0)
        for month in (1, 2)
        for i in range(40)
    ]
    data = dataset(
        SLIPS_ORGS,
        values=values(
            ("T", "2024Q1", "births", 233.4),
            ("T", "2024Q1", "budget_spent", 130000),
            ("U", "2024Q1", "births", 12),
        ),
        deaths=deaths(*rows, *extra_deaths),
        targets=[
            target("T", "2023Oct", "budget_spent", ">=31.64"),
            target("U", "2009Oct", "births", "<=510"),
            target("U", "2009Oct", "policy_birth_rate", ">=85"),
        ],
    )
    return dataclasses.replace(data, meta={"period": "2023OctS1"})


def rules_found(engine: Engine, periods: tuple[str, ...]) -> set[str]:
    found = {f.rule for f in engine.check()}
    for unit in engine.tree:
        for pid in periods:
            found |= {f.rule for f in engine.compute(unit.code, parse_period(pid)).findings}
    return found


def test_readable_but_wrong_data_gives_the_same_findings_from_the_database(db: Any) -> None:
    empty_database()
    data = slips_data()
    loading.load_dataset(data, None, "测试县")
    book = workbook_engine(get_pack(None), data)
    base = database_engine()
    assert assert_agree(book, base, SLIPS_PERIODS) > 0
    wanted = {
        "fractional_count",
        "unit_slip",
        "targets_for_no_period",
        "no_target_applies",
        "no_data_in_period",
        "register_gap",
    }
    assert wanted <= rules_found(base, SLIPS_PERIODS)
    # the span of a unit's data named by its first and last register rows, asked of the rows
    c = base.compute("T", parse_period("2025S1"))
    (told,) = [f for f in c.findings if f.rule == "no_data_in_period"]
    assert "2023年10月1日至2024年3月31日" in told.message
    (gap,) = [f for f in base.check() if f.rule == "register_gap"]
    assert (gap.org_unit, gap.period) == ("V", "202403")


def test_a_register_row_dated_outside_every_period_from_the_database(db: Any) -> None:
    """The database keeps no spreadsheet row of a register: its stray row is named by date."""
    empty_database()
    data = slips_data(("V", "2031-03-05", "M", 80.0))
    loading.load_dataset(data, None, "测试县")
    book = workbook_engine(get_pack(None), data)
    base = database_engine()
    for engine in (book, base):
        cov = engine.calc.store.coverage["deaths"]
        assert (cov.start, cov.end, cov.rows) == (date(2023, 10, 1), date(2024, 2, 29), 200)
        assert [d for _, d in cov.strays] == [date(2031, 3, 5)]
    assert book.calc.store.coverage["deaths"].strays == ((202, date(2031, 3, 5)),)

    def stray(engine: Engine) -> list[Any]:
        return [f for f in engine.check() if f.rule == "register_row_outside"]

    (in_book,), (in_base,) = stray(book), stray(base)
    assert "第 202 行（2031-03-05）" in in_book.message
    assert "日期为 2031-03-05 的记录" in in_base.message
    assert dataclasses.replace(in_base, message="") == dataclasses.replace(in_book, message="")
    others = [finding_json(f) for f in book.check() if f.rule != "register_row_outside"]
    same(others, [finding_json(f) for f in base.check() if f.rule != "register_row_outside"])
