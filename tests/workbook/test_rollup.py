"""A workbook's register counts and stock levels added up the tree (`zicha.workbook.rollup`),
against the same figures counted by hand from the rows, unit by unit, for random trees, rows,
levels and periods."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import births, dataset, deaths, tree, values
from zicha.domain.orgunit import OrgTree
from zicha.domain.period import Period, parse_period
from zicha.engine.store import register_conditions
from zicha.packs.registry import get_pack
from zicha.workbook.facts import WorkbookFacts, count_of
from zicha.workbook.rollup import TreeSums

PACK = get_pack(None)
FIRST = date(2023, 10, 1)
PERIODS = ["2023Oct", "2023OctQ2", "202401", "202402", "2024Q1", "2024-01-15/2024-03-29", "202410"]
MONTHS = ["202310", "202312", "202401", "202403", "202406", "202409"]
STOCKS = ["population", "married_women"]


@st.composite
def trees(draw: Any) -> OrgTree:
    n = draw(st.integers(1, 9))
    parents = [None] + [f"U{draw(st.integers(0, i - 1))}" for i in range(1, n)]
    return tree(*((f"U{i}", f"单位{i}", parents[i], "") for i in range(n)))


@st.composite
def cases(draw: Any) -> dict[str, Any]:
    org = draw(trees())
    codes = [u.code for u in org]
    unit = st.sampled_from(codes)
    day = st.integers(0, 455).map(lambda d: (FIRST + timedelta(days=d)).isoformat())
    born = draw(
        st.lists(
            st.tuples(unit, day, st.sampled_from("MF"), st.integers(1, 4), st.booleans()),
            max_size=30,
        )
    )
    died = draw(st.lists(st.tuples(unit, day, st.sampled_from("MF"), st.integers(0, 99))))
    levels = draw(
        st.lists(
            st.tuples(unit, st.sampled_from(MONTHS), st.sampled_from(STOCKS), st.integers(0, 500)),
            max_size=15,
        )
    )
    asked = draw(st.lists(st.sampled_from([*codes, "X"]), min_size=1, max_size=6))
    periods = draw(st.lists(st.sampled_from(PERIODS), min_size=1, max_size=4, unique=True))
    return {
        "data": dataset(
            org,
            values=values(*levels),
            births=births(*born) if born else None,
            deaths=deaths(*died) if died else None,
        ),
        "asked": asked,
        "periods": [parse_period(p) for p in periods],
    }


def _below(org: OrgTree, code: str) -> set[str]:
    return {code, *org.descendants(code)}


def _counts_by_hand(case: dict[str, Any]) -> dict[tuple[str, str], dict[str, float | None]]:
    """Each asked unit's and period's count per element: the rows of its subtree in the period
    meeting the condition; None where the element's register has no such row at all."""
    data = case["data"]
    out: dict[tuple[str, str], dict[str, float | None]] = {}
    for code in dict.fromkeys(case["asked"]):
        if code not in data.tree:
            continue
        for period in case["periods"]:
            got: dict[str, float | None] = {}
            for element, (sheet, condition) in register_conditions(PACK).items():
                rows = data.registers.get(sheet, pl.DataFrame())
                if not rows.height:
                    continue
                mine = rows.filter(
                    pl.col("org_unit").is_in(list(_below(data.tree, code)))
                    & pl.col("date").is_between(period.start, period.end)
                )
                counted = mine.select(count_of(condition)).item() if mine.height else None
                got[element] = None if counted is None else float(counted)
            if any(v is not None for v in got.values()):
                out[(code, period.id)] = got
    return out


def _levels_by_hand(
    case: dict[str, Any], days: list[date]
) -> dict[tuple[str, date], dict[str, float | None]]:
    """Each asked unit's level per stock element at the end of each day: the sum over its
    subtree of each unit's last level by then (the later row of two); None where none has one."""
    data = case["data"]
    entered = data.values.sort("end", "row").rows(named=True)
    out: dict[tuple[str, date], dict[str, float | None]] = {}
    for code in dict.fromkeys(case["asked"]):
        if code not in data.tree:
            continue
        for day in days:
            got: dict[str, float | None] = {}
            for element in STOCKS:
                last: dict[str, float] = {}
                for v in entered:
                    if v["element"] == element and v["end"] <= day:
                        last[v["org_unit"]] = v["value"]
                found = [x for u, x in last.items() if u in _below(data.tree, code)]
                got[element] = sum(found) if found else None
            if any(v is not None for v in got.values()):
                out[(code, day)] = got
    return out


def _as_dict(frame: pl.DataFrame, keys: list[str]) -> dict[tuple[Any, ...], dict[str, Any]]:
    out = {}
    for row in frame.rows(named=True):
        key = tuple(row.pop(k) for k in keys)
        assert key not in out, f"{key} twice"
        out[key] = row
    return out


@settings(max_examples=150, deadline=None)
@given(cases())
def test_register_counts_are_the_rows_of_each_subtree_counted_by_hand(case: dict[str, Any]) -> None:
    facts = WorkbookFacts(PACK, case["data"])
    counts = {e: c for e, c in register_conditions(PACK).items() if c[0] in case["data"].registers}
    got = facts.register_counts(case["asked"], counts, case["periods"])
    assert got.columns[:2] == ["org_unit", "period"]
    assert all(got.schema[c] == pl.Float64 for c in got.columns[2:])
    assert _as_dict(got, ["org_unit", "period"]) == _counts_by_hand(case)


@settings(max_examples=150, deadline=None)
@given(cases())
def test_stock_levels_are_each_subtrees_last_levels_added_by_hand(case: dict[str, Any]) -> None:
    facts = WorkbookFacts(PACK, case["data"])
    periods: list[Period] = case["periods"]
    days = sorted({p.end for p in periods} | {p.start - timedelta(days=1) for p in periods})
    got = facts.stocks(case["asked"], STOCKS, days)
    assert got.columns == ["org_unit", "date", *STOCKS]
    assert _as_dict(got, ["org_unit", "date"]) == _levels_by_hand(case, days)


def test_tree_sums_add_each_unit_into_every_unit_above_it() -> None:
    org = tree(
        ("C", "县", None, ""),
        ("T1", "乡", "C", ""),
        ("V1", "村", "T1", ""),
        ("G1", "组", "V1", ""),
        ("T2", "乡", "C", ""),
        ("V2", "村", "T2", ""),
        ("V3", "村", "T2", ""),
    )
    sums = TreeSums(org)
    own = {"C": 1, "T1": 2, "V1": 4, "G1": 8, "T2": 16, "V2": 32, "V3": 64}
    # two columns: the figures, and 1 each (how many units each subtree holds)
    rows = np.array([[own[c], 1] for c in sums.codes], dtype=float)
    summed = dict(zip(sums.codes, sums.up(rows).tolist(), strict=True))
    assert summed == {
        "C": [127, 7],
        "T1": [14, 3],
        "V1": [12, 2],
        "G1": [8, 1],
        "T2": [112, 3],
        "V2": [32, 1],
        "V3": [64, 1],
    }
    codes, places = sums.asked(["V2", "X", "C", "V2"])
    assert codes == ["V2", "C"] and [sums.codes[i] for i in places] == ["V2", "C"]
    assert sums.places(pl.Series(["G1", "nope", "C"])).tolist() == [sums.place["G1"], -1, 0]
