"""The sex ratio at birth judged against its normal range only where the count can tell: a rule
judged on chance at a strict level (the whole 99.9 % interval outside 103–107)."""

from __future__ import annotations

from fractions import Fraction
from math import comb

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import dataset, tree, values
from zicha.actions.session import workbook_engine
from zicha.domain.pack import Indicator
from zicha.engine.sampling import beyond_chance, indicator_interval, within_chance
from zicha.packs.registry import get_pack

PACK = get_pack(None)
SRB = PACK.indicators["sex_ratio_at_birth"]
ABOVE = next(r for r in PACK.rules if r.id == "sex_ratio_not_above_normal")
BELOW = next(r for r in PACK.rules if r.id == "sex_ratio_not_below_normal")


def exact_upper(k: int, n: int, p: Fraction) -> Fraction:
    return sum((comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k, n + 1)), Fraction(0))


def verdict(boys: int, girls: int) -> str:
    """What the pack's two rules say, the way `check` judges them."""
    for rule, side in ((ABOVE, "high"), (BELOW, "low")):
        value = SRB.factor * boys / girls if girls else None
        bound = float(rule.right)
        broken = value is not None and (value > bound if side == "high" else value < bound)
        if not broken or within_chance(SRB, rule.operator, boys, girls, bound, rule.level):
            continue
        iv = indicator_interval(SRB, boys, girls, rule.level)
        if iv is None or beyond_chance(rule.operator, iv, bound):
            return side
    return ""


def test_the_rules_are_strict() -> None:
    assert (ABOVE.chance, ABOVE.level, ABOVE.right) == (True, 0.999, "107")
    assert (BELOW.chance, BELOW.level, BELOW.right) == (True, 0.999, "103")


@pytest.mark.parametrize(
    ("boys", "girls", "side"),
    [
        (3, 1, ""),  # 300, but four births: chance
        (5, 1, ""),
        (120, 113, ""),  # the seed's 106.2
        (132, 101, ""),  # 130.7 over 233 births: p ≈ 0.07 a side, not beyond chance
        (1130, 870, "high"),  # 129.9 over 2,000 births
        (850, 1000, "low"),  # 85 over 1,850 births
        (1000, 1000, ""),  # 100 over 2,000: within chance of 103
        (10_600, 10_000, ""),  # 106 over 20,600
    ],
)
def test_only_counts_that_can_tell_are_found(boys: int, girls: int, side: str) -> None:
    assert verdict(boys, girls) == side


@given(st.integers(min_value=1, max_value=400), st.integers(min_value=1, max_value=400))
def test_the_strict_interval_is_the_exact_binomial_test(boys: int, girls: int) -> None:
    """Above the range beyond chance ⇔ P(that many boys or more | ratio 107) < 0.0005."""
    n = boys + girls
    p_value = exact_upper(boys, n, Fraction(107, 207))
    if abs(float(p_value) - 0.0005) < 1e-9:
        return  # at the level itself the two may round apart
    assert (verdict(boys, girls) == "high") == (p_value < Fraction(5, 10000))


@given(st.integers(min_value=0, max_value=3000), st.integers(min_value=1, max_value=3000))
def test_the_shortcut_changes_no_verdict(boys: int, girls: int) -> None:
    """`within_chance` only spares computing intervals: never a different verdict."""
    bound = float(ABOVE.right)
    if SRB.factor * boys / girls <= bound:
        return
    iv = indicator_interval(SRB, boys, girls, ABOVE.level)
    assert iv is not None
    if within_chance(SRB, "<=", boys, girls, bound, ABOVE.level):
        assert not beyond_chance("<=", iv, bound)


def test_the_level_is_a_rule_setting() -> None:
    share = Indicator("s", "及时率", "%", "a", "b", 100, 1, "ratio", sampling="share")
    assert within_chance(share, "<=", 9, 10, 50.0, 0.95) is False  # 9 of 10 against ≤ 50 %
    assert within_chance(share, "<=", 6, 10, 50.0, 0.95) is True


ORGS = tree(
    ("X", "测试县", None, "county"),
    ("T", "东乡", "X", "township"),
    ("V", "东一村", "T", "village"),
    ("U", "西乡", "X", "township"),
)
RULES = {ABOVE.id, BELOW.id}


def test_a_village_month_of_few_births_is_no_finding() -> None:
    data = dataset(
        ORGS,
        values=values(
            ("V", "202402", "births", 4),
            ("V", "202402", "births_male", 3),
            ("V", "202402", "births_female", 1),
        ),
    )
    assert [f for f in workbook_engine(PACK, data).check() if f.rule in RULES] == []


def test_a_township_far_out_is_one_finding_listing_the_county_and_the_year() -> None:
    data = dataset(
        ORGS,
        values=values(
            ("T", "2024Q1", "births", 2000),
            ("T", "2024Q1", "births_male", 1130),
            ("T", "2024Q1", "births_female", 870),
            ("U", "2024Q1", "births", 100),
            ("U", "2024Q1", "births_male", 51),
            ("U", "2024Q1", "births_female", 49),
        ),
    )
    (found,) = [f for f in workbook_engine(PACK, data).check() if f.rule in RULES]
    assert (found.rule, found.severity, found.org_unit) == (ABOVE.id, "warning", "T")
    assert {(f_org, p) for f_org, p in (*found.also, (found.org_unit, found.period))} == {
        ("T", "2024Q1"),
        ("T", "2023Oct"),
        ("X", "2024Q1"),
        ("X", "2023Oct"),
    }
    assert "129.89（99.9%置信区间 111.9～150.89），应不超过107" in found.message
