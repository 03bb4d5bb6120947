"""Each finding shows its arithmetic: the figures, the operation, the result computed by hand."""

from __future__ import annotations

from zicha.actions.factchecking import fact_check
from zicha.domain.factcheck import FactFinding


def only(text: str) -> FactFinding:
    result = fact_check(text)
    assert len(result.findings) == 1, [f.message for f in result.findings]
    return result.findings[0]


def test_a_rate_against_its_count_and_base() -> None:
    # 40 boys, 22 girls: 40 / 22 × 100 = 181.82, not 103
    f = only("出生男婴40人、女婴22人，出生人口性别比103。")
    assert f.rule == "rate_mismatch" and f.severity == "error"
    assert "40 ÷ 22 = 181.82" in f.message and "103" in f.message


def test_a_rate_over_100_percent_implied_by_its_counts() -> None:
    # 580 / 509 = 113.95 %
    f = only("应落实避孕节育措施509例，已落实580例。")
    assert f.rule == "rate_over_maximum"
    assert "580 ÷ 509 = 113.95%" in f.message


def test_two_rates_over_two_populations() -> None:
    # 233 / 6.55‰ = 35573; (233 − 95) / 3.59‰ = 38440
    f = only("出生人口233人，出生率6.55‰，死亡人口95人，自然增长率3.59‰。")
    assert f.rule == "base_mismatch"
    assert "233 ÷ 6.55‰ = 35573" in f.message
    assert "(233 − 95) ÷ 3.59‰ = 38440" in f.message


def test_natural_growth_is_birth_less_death_rate() -> None:
    # 5.14 − 3.32 = 1.82, stated 2.12
    f = only("出生率5.14‰，死亡率3.32‰，人口自然增长率2.12‰。")
    assert f.rule == "identity_mismatch"
    assert "5.14 − 3.32 = 1.82‰" in f.message and "2.12‰" in f.message


def test_parts_and_their_whole() -> None:
    f = only("流动人口1863人，其中流出1240人、流入643人。")
    assert f.rule == "partition_sum"
    assert "流出人口 1240 + 流入人口 643 = 1883人" in f.message and "1863人" in f.message


def test_parts_stated_in_another_section() -> None:
    f = only("已落实避孕节育措施580例。\n半年来已落实女扎2例，安环514例，补救66例。")
    assert f.rule == "parts_exceed_whole"
    assert "= 582例" in f.message and "580例" in f.message


def test_a_change_and_its_two_years() -> None:
    f = only("全镇出生人口212人，比去年同期(205)增加9人。")
    assert f.rule == "change_mismatch"
    assert "212人 − 205人 = 7人" in f.message and "9人" in f.message


def test_points_for_a_per_mille_rate() -> None:
    f = only("出生率5.14‰，比去年同期(5.02‰)上升0.12个百分点。")
    assert f.rule == "change_unit"
    assert "5.14‰ − 5.02‰ = 0.12个千分点" in f.message


def test_a_year_end_population_is_only_a_warning() -> None:
    # 186 / 30400 × 1000 = 6.12‰; reports divide by the average population
    f = only("年末总人口30400人，全年出生人口186人，出生率6.38‰。")
    assert (f.rule, f.severity) == ("rate_vs_stand_in", "warning")
    assert "186 ÷ 30400 = 6.12‰" in f.message


def test_a_truncated_last_digit_is_a_note() -> None:
    # 205 / 212 = 96.698…: rounded 96.70, truncated 96.69
    f = only("出生人口212人，其中政策内出生205人，政策符合率96.69%。")
    assert (f.rule, f.severity) == ("rate_mismatch", "note")
    assert "96.7%" in f.message or "96.7" in f.message


def test_a_period_that_ends_before_it_starts() -> None:
    f = only("统计时段为2023年10月1日至2023年3月31日。")
    assert f.rule == "period_reversed"
    assert "2023-03-31" in f.message and "2023-10-01" in f.message


def test_a_masked_figure_is_never_zero() -> None:
    # were XX read as 0, the boys and girls would exceed the births
    assert fact_check("出生人口XX人，其中男孩110人、女孩102人。").findings == ()
