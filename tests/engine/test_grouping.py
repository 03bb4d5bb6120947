"""One problem, one finding: a rule broken at a township is not found again in the county's
total and in the statistical year around it, unless something else is wrong up there."""

from __future__ import annotations

from tests.factories import dataset, tree, values
from zicha.actions.session import workbook_engine
from zicha.domain.period import parse_period
from zicha.engine.validation import Violation, group_violations
from zicha.packs.registry import get_pack

ORGS = tree(
    ("X", "测试县", None, "county"),
    ("T", "东乡", "X", "township"),
    ("U", "西乡", "X", "township"),
)
Q1, YEAR = parse_period("2024Q1"), parse_period("2023Oct")


def _places(grouped: list[tuple[Violation, tuple[Violation, ...]]]) -> dict[str, set[str]]:
    return {v.message: {w.message for w in also} for v, also in grouped}


def test_coarser_places_that_miss_by_no_more_are_listed_under_the_finest() -> None:
    town = Violation("T", Q1, "东乡", 2.0)
    county = Violation("X", Q1, "县", 2.0)
    year = Violation("T", YEAR, "年", 2.0)
    both = Violation("X", YEAR, "县年", 2.0)
    grouped = group_violations([county, year, town, both], ORGS, adds_up=True)
    assert _places(grouped) == {"东乡": {"年", "县", "县年"}}


def test_a_coarser_place_that_misses_by_more_is_its_own_problem() -> None:
    town = Violation("T", Q1, "东乡", 2.0)
    county = Violation("X", Q1, "县", 7.0)  # 5 more than the township explains
    assert _places(group_violations([town, county], ORGS, adds_up=True)) == {
        "东乡": set(),
        "县": set(),
    }
    # a rule that does not add up over units (a ratio) cannot tell: the county shows the
    # township's problem
    assert _places(group_violations([town, county], ORGS)) == {"东乡": {"县"}}


def test_two_townships_share_the_county() -> None:
    t = Violation("T", Q1, "东乡", 2.0)
    u = Violation("U", Q1, "西乡", 3.0)
    county = Violation("X", Q1, "县", 5.0)
    grouped = group_violations([county, t, u], ORGS, adds_up=True)
    assert _places(grouped) == {"东乡": {"县"}, "西乡": {"县"}}


def test_a_stock_carried_into_later_months_is_one_problem() -> None:
    march, april, may = (parse_period(p) for p in ("202403", "202404", "202405"))
    grouped = group_violations(
        [Violation("T", april, "4月"), Violation("T", march, "3月"), Violation("T", may, "5月")],
        ORGS,
    )
    assert _places(grouped) == {"3月": {"4月", "5月"}}


def test_a_test_that_needs_events_shows_its_longest_period_first() -> None:
    grouped = group_violations(
        [Violation("T", Q1, "季"), Violation("T", YEAR, "年")], ORGS, prefer="coarsest"
    )
    assert _places(grouped) == {"年": {"季"}}


def test_the_county_alone_is_found_where_no_township_is_wrong() -> None:
    """Each township's parts are incomplete (skipped), their sums up the tree are not."""
    data = dataset(
        ORGS,
        values=values(
            ("T", "2024Q1", "contraception_due", 10),
            ("T", "2024Q1", "contraception_done", 8),
            ("U", "2024Q1", "contraception_due", 10),
            ("U", "2024Q1", "contraception_done", 9),
            ("X", "2024Q1", "contraception_done", 5),  # the county adds its own
        ),
    )
    found = [
        f for f in workbook_engine(get_pack(None), data).check() if f.rule == "measures_done_le_due"
    ]
    assert [(f.org_unit, f.period) for f in found] == [("X", "2024Q1")]
    assert found[0].also == (("X", "2023Oct"),)
    assert "22" in found[0].message and "20" in found[0].message
