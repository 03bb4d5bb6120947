"""The bundled example's figures, each computed here by hand from the example's own rows.

The example is XX镇 (610100) in calendar year 2025: five villages (东山村 610101, 西河村 610102,
南岭村 610103, 北坪村 610104, 镇区社区 610105), a births register of 205 rows and a deaths
register of 235 rows. Two register deaths are children: a boy aged 0 in 南岭村 on 2025-03-14
(an infant death, and an under-five death) and a girl aged 4 in 东山村 on 2025-08-09 (an
under-five death only).
"""

from __future__ import annotations

import pytest

from zicha.actions.session import Session
from zicha.domain.period import parse_period
from zicha.domain.result import Computation
from zicha.engine.sampling import poisson_interval

REL = 1e-12

# 常住人口 of each village at the end of 2024 and of each quarter of 2025 (数据 sheet)
POPULATION = {
    "202412": (7420, 6180, 5960, 4870, 6850),
    "202503": (7408, 6170, 5949, 4862, 6854),
    "202506": (7403, 6165, 5944, 4857, 6864),
    "202509": (7398, 6162, 5940, 4853, 6873),
    "202512": (7389, 6155, 5934, 4848, 6880),
}
# 3岁以下婴幼儿数 at the end of 2024 and of each quarter of 2025
UNDER3 = {
    "202412": (156, 130, 124, 98, 141),
    "202506": (154, 128, 122, 97, 140),
    "202509": (153, 128, 122, 96, 139),
    "202512": (152, 127, 121, 96, 139),
}


def compute(example: Session, org: str, period: str) -> Computation:
    return example.engine.compute(org, parse_period(period))


def value(c: Computation, indicator: str) -> float | None:
    return c.result(indicator).value


def test_village_month_with_the_infant_death(example: Session) -> None:
    """南岭村, March 2025. Births register: 2025-03-08 男 2孩, 2025-03-17 女 1孩,
    2025-03-27 男 3孩. Deaths register: five deaths, aged 72, 80, 0, 90 and 66."""
    c = compute(example, "610103", "202503")
    assert value(c, "births") == 3
    assert value(c, "deaths") == 5
    # the population on 28 February is still the level entered for the end of 2024
    average = (5960 + 5949) / 2
    assert value(c, "birth_rate") == pytest.approx(3 / average * 1000, rel=REL)
    assert value(c, "death_rate") == pytest.approx(5 / average * 1000, rel=REL)
    assert value(c, "natural_growth_rate") == pytest.approx((3 - 5) / average * 1000, rel=REL)
    assert c.result("birth_rate").annualized == pytest.approx(3 / average * 1000 * 365 / 31)
    assert value(c, "sex_ratio_at_birth") == pytest.approx(2 / 1 * 100, rel=REL)
    assert value(c, "order3plus_share") == pytest.approx(1 / 3 * 100, rel=REL)
    # the death at age 0 is an infant death and an under-five death
    imr = c.result("infant_mortality_rate")
    assert (imr.numerator, imr.denominator) == (1, 3)
    assert imr.value == pytest.approx(1 / 3 * 1000, rel=REL)
    assert value(c, "under5_mortality_rate") == pytest.approx(1 / 3 * 1000, rel=REL)
    # one death among three births: the rate could be anything from 8.4‰ to 1857‰
    low, high = poisson_interval(1)
    assert imr.interval is not None
    assert imr.interval.low == pytest.approx(low / 3 * 1000, rel=1e-9)
    assert imr.interval.high == pytest.approx(high / 3 * 1000, rel=1e-9)
    assert (round(imr.interval.low, 1), round(imr.interval.high, 1)) == (8.4, 1857.2)
    # maternal deaths are entered for the township's year only: missing here, never zero
    assert value(c, "maternal_mortality_rate") is None
    # quarter-entered figures do not count in a month
    assert value(c, "birth_registration_timeliness") is None
    small = {f.elements for f in c.findings if f.rule == "small_sample"}
    assert ("births", "infant_deaths") in small


def test_township_quarter_with_the_death_at_age_four(example: Session) -> None:
    """XX镇, 2025Q3: births by village 13 + 11 + 10 + 8 + 11, deaths 12 + 9 + 9 + 8 + 11; the
    girl aged 4 died in 东山村 on 9 August; nobody under 1 died."""
    c = compute(example, "610100", "2025Q3")
    births = 13 + 11 + 10 + 8 + 11
    deaths = 12 + 9 + 9 + 8 + 11
    assert value(c, "births") == births == 53
    assert value(c, "deaths") == deaths == 49
    average = (sum(POPULATION["202506"]) + sum(POPULATION["202509"])) / 2
    assert average == (31233 + 31226) / 2
    assert value(c, "birth_rate") == pytest.approx(53 / average * 1000, rel=REL)
    assert value(c, "natural_growth_rate") == pytest.approx((53 - 49) / average * 1000, rel=REL)
    # 28 boys and 25 girls were born in the quarter
    assert value(c, "sex_ratio_at_birth") == pytest.approx(28 / 25 * 100, rel=REL)
    assert value(c, "infant_mortality_rate") == 0
    assert value(c, "under5_mortality_rate") == pytest.approx(1 / 53 * 1000, rel=REL)
    # two 南岭村 births of the quarter were registered after a month
    assert value(c, "birth_registration_timeliness") == pytest.approx(51 / 53 * 100, rel=REL)
    assert value(c, "hospital_delivery_rate") == pytest.approx(100.0, rel=REL)
    # the first subsidy batch: 96 + 80 + 78 + 55 + 90 children, 1,320,000 元
    paid = 96 + 80 + 78 + 55 + 90
    under3 = sum(UNDER3["202509"])
    assert (paid, under3) == (399, 638)
    coverage = c.result("subsidy_coverage")
    assert coverage.value == pytest.approx(399 / 638 * 100, rel=REL)
    # 273 of 365 days elapsed; nothing was paid before July, so the year to date is the quarter
    assert coverage.to_date == pytest.approx(399 / 638 * 100, rel=REL)
    assert coverage.elapsed == pytest.approx(273 / 365, rel=REL)
    assert coverage.projection == pytest.approx(399 / 638 * 100 / (273 / 365), rel=REL)
    assert coverage.status == "at_risk"  # 83.6 % projected against ≥90 %
    reviewed = 117 + 95 + 92 + 66 + 110
    applications = 120 + 98 + 95 + 70 + 112
    assert value(c, "subsidy_review_timeliness") == pytest.approx(
        reviewed / applications * 100, rel=REL
    )
    amount = 314400 + 264900 + 254400 + 185400 + 300900
    assert amount == 1_320_000
    assert value(c, "subsidy_per_child") == pytest.approx(amount / paid, rel=REL)


def test_township_year(example: Session) -> None:
    c = compute(example, "610100", "2025")
    births = 49 + 41 + 39 + 31 + 45
    assert value(c, "births") == births == 205
    assert value(c, "deaths") == 56 + 46 + 45 + 37 + 51 == 235
    average = (sum(POPULATION["202412"]) + sum(POPULATION["202512"])) / 2
    assert average == (31280 + 31206) / 2 == 31243
    assert value(c, "birth_rate") == pytest.approx(205 / 31243 * 1000, rel=REL)
    assert value(c, "death_rate") == pytest.approx(235 / 31243 * 1000, rel=REL)
    assert value(c, "natural_growth_rate") == pytest.approx(-30 / 31243 * 1000, rel=REL)
    assert value(c, "sex_ratio_at_birth") == pytest.approx(107 / 98 * 100, rel=REL)
    assert value(c, "order3plus_share") == pytest.approx(31 / 205 * 100, rel=REL)
    # both register child deaths: one infant (age 0), two under five (ages 0 and 4)
    assert value(c, "infant_mortality_rate") == pytest.approx(1 / 205 * 1000, rel=REL)
    assert value(c, "under5_mortality_rate") == pytest.approx(2 / 205 * 1000, rel=REL)
    assert value(c, "maternal_mortality_rate") == 0
    # six births registered late (1 + 1 + 2 + 1 + 1), one born at home
    assert value(c, "birth_registration_timeliness") == pytest.approx(199 / 205 * 100, rel=REL)
    assert value(c, "hospital_delivery_rate") == pytest.approx(204 / 205 * 100, rel=REL)
    assert value(c, "children_under3") == sum(UNDER3["202512"]) == 635
    paid = 399 + (48 + 40 + 37 + 36 + 44)
    assert paid == 604
    assert value(c, "subsidy_coverage") == pytest.approx(604 / 635 * 100, rel=REL)
    assert value(c, "subsidy_review_timeliness") == pytest.approx(
        (480 + 160) / (495 + 164) * 100, rel=REL
    )
    amount = 1_320_000 + (162000 + 136800 + 124200 + 123300 + 151200)
    assert value(c, "subsidy_amount_paid") == amount == 2_017_500
    assert value(c, "subsidy_per_child") == pytest.approx(2_017_500 / 604, rel=REL)
    places = 20 + 0 + 10 + 0 + 100
    assert value(c, "nursery_places") == places == 130
    assert value(c, "nursery_places_per_1000") == pytest.approx(130 / 31206 * 1000, rel=REL)
    assert value(c, "inclusive_nursery_share") == pytest.approx(110 / 130 * 100, rel=REL)


def test_year_targets_and_score(example: Session) -> None:
    c = compute(example, "610100", "2025")
    status = {r.indicator.id: (r.status, r.score, r.points) for r in c.indicators if r.target}
    assert status == {
        "sex_ratio_at_birth": ("met", 5, 5),  # 109.2 ≤ 110
        "birth_registration_timeliness": ("met", 15, 15),
        "hospital_delivery_rate": ("met", 5, 5),
        "maternal_mortality_rate": ("met", 10, 10),
        "infant_mortality_rate": ("met", 10, 10),  # 4.88‰ ≤ 5‰
        "under5_mortality_rate": ("not_met", 0, 10),  # 9.76‰ > 7‰
        "subsidy_coverage": ("met", 20, 20),
        "subsidy_review_timeliness": ("met", 10, 10),
        "nursery_places_per_1000": ("not_met", pytest.approx(15 * (130 / 31206 * 1000) / 4.5), 15),
    }
    assert c.score.max == 100
    full = 5 + 15 + 5 + 10 + 10 + 0 + 20 + 10  # every item but the places, pro rata
    assert c.score.total == pytest.approx(full + 15 * (130 / 31206 * 1000) / 4.5, rel=REL)
    # the year's figures rest on 1, 2 and 0 deaths and 205 births: each says so
    small = sorted(f.elements for f in c.findings if f.rule == "small_sample")
    assert small == [
        ("births", "infant_deaths"),
        ("births", "maternal_deaths"),
        ("births", "under5_deaths"),
        ("births_female", "births_male"),
    ]
    assert [f for f in c.findings if f.severity == "error"] == []


def test_check_raises_no_false_alarm(example: Session) -> None:
    """Every rule over every unit and period, with village months of 333‰ infant mortality
    among them: nothing the data does not bear out is reported."""
    assert example.engine.check() == []
