"""The pack's rules, each broken on purpose by figures chosen here, and its registers by age."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from tests.factories import births, dataset, deaths, tree, values
from zicha.actions.session import workbook_engine
from zicha.domain.finding import Finding
from zicha.domain.period import parse_period
from zicha.engine.computation import Engine
from zicha.engine.dataset import DEATH_SCHEMA, Dataset
from zicha.packs.registry import get_pack

PACK = get_pack("population-monitoring")
ORGS = tree(("C", "县", None, "county"), ("T", "镇", "C", "township"), ("V", "村", "T", "village"))


def engine(data: Dataset) -> Engine:
    return workbook_engine(PACK, data)


def broken(data: Dataset, rule: str) -> list[tuple[str, str | None, str | None]]:
    """(severity, org unit, period) of every place `check` finds `rule` broken at the village:
    a finding's own place and the others it lists (one problem, one finding)."""
    places = [
        (f.severity, org, period)
        for f in engine(data).check()
        if f.rule == rule
        for org, period in ((f.org_unit, f.period), *f.also)
        if org == "V"
    ]
    return sorted(places, key=lambda p: (p[2] or "", p[1] or ""))


def findings(data: Dataset, rule: str) -> list[Finding]:
    return [f for f in engine(data).check() if f.rule == rule]


# ------------------------------------------------------------------ registers by age


def test_deaths_roll_up_by_age() -> None:
    data = dataset(
        ORGS,
        deaths=deaths(
            ("V", "2025-03-14", "M", 0.0),  # infant and under five
            ("V", "2025-03-20", "F", 0.5),  # six months: infant and under five
            ("V", "2025-08-09", "F", 4.0),  # under five only
            ("V", "2025-08-10", "M", 5.0),  # neither: five is not under five
            ("V", "2025-08-11", "M", 83.0),
        ),
    )
    e = engine(data)
    table = e.table(["V", "T"], [parse_period("202503"), parse_period("202508")])
    rows = {(r["org_unit"], r["period"]): r for r in table.iter_rows(named=True)}
    for org in ("V", "T"):
        assert rows[(org, "202503")]["num:deaths"] == 2
        assert rows[(org, "202508")]["num:deaths"] == 3
    c = e.compute("T", parse_period("2025"))
    assert c.result("deaths").value == 5
    assert c.result("infant_mortality_rate").numerator == 2
    assert c.result("under5_mortality_rate").numerator == 3
    assert c.result("infant_mortality_rate").value is None  # no births entered: no rate, not 0


def test_a_death_without_age_is_a_warning() -> None:
    frame = pl.DataFrame(
        {
            "org_unit": ["V", "V"],
            "date": [date(2025, 5, 2), date(2025, 5, 9)],
            "sex": ["M", "F"],
            "age": [None, 77.0],
            "ref": ["D1", "D2"],
            "row": [2, 3],
        },
        schema=DEATH_SCHEMA,
    )
    data = dataset(ORGS, deaths=frame)
    assert broken(data, "death_ages_known") == [
        ("warning", "V", "2025"),
    ]
    # the death of unknown age counts among all deaths but not among infant deaths
    c = engine(data).compute("V", parse_period("202505"))
    assert c.result("deaths").value == 2
    assert c.result("infant_mortality_rate").numerator == 0


def test_births_roll_up_by_sex_and_order() -> None:
    data = dataset(
        ORGS,
        births=births(
            ("V", "2025-01-03", "M", 1, True),
            ("V", "2025-01-09", "F", 2, True),
            ("V", "2025-01-20", "M", 3, True),
            ("V", "2025-01-28", "M", 4, True),
        ),
    )
    c = engine(data).compute("V", parse_period("202501"))
    assert c.result("births").value == 4
    assert c.result("sex_ratio_at_birth").value == pytest.approx(3 / 1 * 100)
    assert c.result("order3plus_share").value == pytest.approx(2 / 4 * 100)
    assert [f for f in engine(data).check() if f.rule.startswith("births_")] == []


# ------------------------------------------------------------------ breakdowns and identities


@pytest.mark.parametrize(
    ("rows", "rule"),
    [
        ([("births", 10), ("births_male", 6), ("births_female", 5)], "births_sex_le_total"),
        ([("births", 10), ("births_male", 6), ("births_female", 3)], "births_sex_eq_total"),
        (
            [("births", 10), ("births_order1", 5), ("births_order2", 3), ("births_order3plus", 3)],
            "births_order_le_total",
        ),
        (
            [("births", 10), ("births_order1", 5), ("births_order2", 3), ("births_order3plus", 1)],
            "births_order_eq_total",
        ),
        ([("births", 10), ("births_registered_on_time", 11)], "registered_on_time_le_births"),
        ([("births", 10), ("births_in_hospital", 11)], "hospital_births_le_births"),
        ([("infant_deaths", 2), ("under5_deaths", 1)], "infant_le_under5_deaths"),
        ([("under5_deaths", 3), ("deaths", 2)], "under5_le_deaths"),
        ([("maternal_deaths", 1), ("deaths", 0)], "maternal_le_deaths"),
        (
            [("subsidy_applications", 40), ("subsidy_reviewed_on_time", 41)],
            "subsidy_reviewed_le_applications",
        ),
    ],
)  # fmt: skip
def test_each_breakdown_is_an_error_when_broken(rows: list[tuple[str, float]], rule: str) -> None:
    data = dataset(ORGS, values=values(*[("V", "2025", e, v) for e, v in rows]))
    assert broken(data, rule) == [("error", "V", "2025")]
    # and the same figures, put right, break nothing
    fixed = {
        "births_sex_le_total": [("births_female", 4)],
        "births_sex_eq_total": [("births_female", 4)],
        "births_order_le_total": [("births_order3plus", 2)],
        "births_order_eq_total": [("births_order3plus", 2)],
        "registered_on_time_le_births": [("births_registered_on_time", 10)],
        "hospital_births_le_births": [("births_in_hospital", 10)],
        "infant_le_under5_deaths": [("under5_deaths", 2)],
        "under5_le_deaths": [("deaths", 3)],
        "maternal_le_deaths": [("deaths", 1)],
        "subsidy_reviewed_le_applications": [("subsidy_reviewed_on_time", 40)],
    }[rule]
    merged = dict(rows) | dict(fixed)
    data = dataset(ORGS, values=values(*[("V", "2025", e, v) for e, v in merged.items()]))
    assert broken(data, rule) == []


STOCKS = [
    ("V", "202412", "population", 2000),
    ("V", "202512", "population", 1990),
    ("V", "202412", "children_under3", 60),
    ("V", "202512", "children_under3", 58),
]


def test_children_paid_within_those_who_could_be_eligible() -> None:
    # 60 under three at the start of the year and 20 born in it: at most 80 could be paid
    ok = values(*STOCKS, ("V", "2025", "births", 20), ("V", "2025", "subsidy_children_paid", 80))
    assert broken(dataset(ORGS, values=ok), "subsidy_paid_le_eligible") == []
    over = values(*STOCKS, ("V", "2025", "births", 20), ("V", "2025", "subsidy_children_paid", 81))
    assert broken(dataset(ORGS, values=over), "subsidy_paid_le_eligible") == [
        ("warning", "V", "2025")
    ]
    # coverage over 100 % is no finding by itself: children who turned three were paid too
    c = engine(dataset(ORGS, values=ok)).compute("V", parse_period("2025"))
    assert c.result("subsidy_coverage").value == pytest.approx(80 / 58 * 100)


@pytest.mark.parametrize(
    ("children", "amount", "rule"),
    [
        (10, 2999, "subsidy_amount_at_least_a_month"),  # under 300 元 a child: 万元 typed?
        (10, 108001, "subsidy_amount_at_most_three_years"),  # over 10800 元 a child
        (0, 3600, "subsidy_amount_at_most_three_years"),  # money paid, nobody paid
    ],
)
def test_amount_per_child_within_the_national_standard(
    children: int, amount: float, rule: str
) -> None:
    rows = [("V", "2025", "subsidy_children_paid", children)]
    rows.append(("V", "2025", "subsidy_amount_paid", amount))
    assert broken(dataset(ORGS, values=values(*rows)), rule) == [("warning", "V", "2025")]
    # 3000 元 and 108000 元 for ten children are within the bounds
    for fine in (3000, 108000):
        rows = [
            ("V", "2025", "subsidy_children_paid", 10),
            ("V", "2025", "subsidy_amount_paid", fine),
        ]
        assert [
            f for f in engine(dataset(ORGS, values=values(*rows))).check() if f.rule == rule
        ] == []


END = ("2025", "202512")


def test_places_and_stocks() -> None:
    rows = [
        *STOCKS,
        ("V", "202512", "nursery_places", 70),
        ("V", "202512", "nursery_places_inclusive", 71),
    ]
    data = dataset(ORGS, values=values(*rows))
    # the level at the end of December is the level at the end of 2025: both are judged
    assert broken(data, "inclusive_places_le_places") == [("error", "V", p) for p in END]
    assert broken(data, "nursery_places_plausible") == [("warning", "V", p) for p in END]
    too_many = values(("V", "202512", "population", 50), ("V", "202512", "children_under3", 51))
    assert broken(dataset(ORGS, values=too_many), "children_under3_le_population") == [
        ("error", "V", p) for p in END
    ]


def test_births_within_the_children_under_three() -> None:
    # 59 born in the year but only 58 under three at its end (and nobody under five died)
    rows = [*STOCKS, ("V", "2025", "births", 59), ("V", "2025", "under5_deaths", 0)]
    assert broken(dataset(ORGS, values=values(*rows)), "births_within_children_under3") == [
        ("warning", "V", "2025")
    ]


# ------------------------------------------------------------------ chance, not false alarms


def test_mortality_plausibility_is_judged_on_chance() -> None:
    # 2 infant deaths among 20 births: 100‰, but its interval (12.1‰ to 361.2‰) reaches below 30‰
    few = values(("V", "2025", "births", 20), ("V", "2025", "infant_deaths", 2))
    assert broken(dataset(ORGS, values=few), "infant_mortality_plausible") == []
    # 20 among 200 is the same 100‰, and its interval (61.1‰ to 154.4‰) lies above 30‰
    many = values(("V", "2025", "births", 200), ("V", "2025", "infant_deaths", 20))
    found = [f for f in findings(dataset(ORGS, values=many), "infant_mortality_plausible")]
    assert [(f.severity, f.org_unit) for f in found if f.org_unit == "V"] == [("warning", "V")]
    assert "婴儿死亡率为100（95%置信区间 61.08～154.44），应不超过30。" in found[0].message


def test_sex_ratio_outside_the_normal_range_only_beyond_chance() -> None:
    # 30 boys and 20 girls (150) could be chance; 300 boys and 200 girls could not
    few = values(("V", "2025", "births_male", 30), ("V", "2025", "births_female", 20))
    assert broken(dataset(ORGS, values=few), "sex_ratio_not_above_normal") == []
    many = values(("V", "2025", "births_male", 300), ("V", "2025", "births_female", 200))
    assert broken(dataset(ORGS, values=many), "sex_ratio_not_above_normal") == [
        ("warning", "V", "2025")
    ]
    low = values(("V", "2025", "births_male", 180), ("V", "2025", "births_female", 220))
    assert broken(dataset(ORGS, values=low), "sex_ratio_not_below_normal") == [
        ("warning", "V", "2025")
    ]
