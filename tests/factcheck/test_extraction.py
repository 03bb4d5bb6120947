"""Reading figures from sentences: labels, units, precision, roles, scopes, masked figures."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zicha.domain.factcheck import Figure, TextDocument, TextTable
from zicha.engine.factcheck.extraction import extract
from zicha.packs.registry import get_pack

LEXICON = get_pack("family-planning").lexicon


def figures(*blocks: str | TextTable) -> list[Figure]:
    return extract(TextDocument("t", tuple(blocks)), LEXICON).figures


def one(text: str) -> Figure:
    found = figures(text)
    assert len(found) == 1, found
    return found[0]


def test_label_number_unit_and_precision() -> None:
    f = one("半年来全乡共出生人口233人。")
    assert (f.term, f.value, f.unit, f.role, f.form) == ("births", 233.0, "人", "actual", "exact")
    assert (f.low, f.high) == (233.0, 233.0)  # a count is exact
    rate = one("出生率为6.55‰。")
    assert rate.term == "birth_rate"
    assert rate.low == pytest.approx(6.545) and rate.high == pytest.approx(6.555)
    money = one("征收社会抚养费31.75万。")  # 万 without 元: the label says 万元
    assert (money.term, money.value, money.unit) == ("fees_collected", 31.75, "万元")
    big = one("全乡流动人口3.5万人。")
    assert (big.value, big.low, big.high) == (35000.0, 34500.0, 35500.0)


def test_the_nearest_longest_label_wins_and_units_choose_between_terms() -> None:
    found = figures("全乡共出生人口233人，其中计内出生人口199人，符合政策生育85.4%。")
    assert [f.term for f in found] == ["births", "births_in_policy", "policy_birth_rate"]


def test_a_missing_unit_comes_from_the_label() -> None:
    assert one("男女性别比106。").unit == ":100"
    assert one("人口出生率6.55。").unit == "‰"
    assert figures("文件编号6号，共3项。") == []


def test_elliptical_labels_take_the_previous_one() -> None:
    due, done = figures("全乡半年应落实避孕节育措施509例，已落实580例。")
    assert (due.term, done.term) == ("contraception_due", "contraception_done")


def test_chinese_numerals_only_directly_before_a_unit() -> None:
    found = figures(
        "全村出生五人，二孩妇女建档，落实四术，实行一票否决和一人一档，补救手术十二例。"
    )
    assert [(f.term, f.value) for f in found] == [("births", 5.0), ("remedial_procedures", 12.0)]


def test_masked_and_blank_figures_are_missing_never_zero() -> None:
    found = figures("出生人口XX人，计划生育率为%，政策外多孩率为____%。")
    assert [(f.term, f.value, f.form) for f in found] == [
        ("births", None, "masked"),
        ("policy_birth_rate", None, "masked"),
        ("out_of_policy_multichild_rate", None, "masked"),
    ]


def test_ranges_approximations_and_targets() -> None:
    fuel = one("补助燃油费20-40元。")
    assert (fuel.form, fuel.low, fuel.high, fuel.value) == ("range", 20.0, 40.0, 20.0)
    many = one("惠及流动人口3000余人。")
    assert (many.form, many.low, many.high) == ("approximate", 3000.0, float("inf"))
    about = one("户籍人口约3.04万人。")
    assert (about.form, about.low, about.high) == ("approximate", None, None)
    cap, floor, band = figures(
        "全年出生人口控制在510人以内，政策符合率达到85%以上，出生人口性别比控制在105-107之间。"
    )
    assert [f.role for f in (cap, floor, band)] == ["target", "target", "target"]
    assert band.form == "range"


def test_last_year_and_changes() -> None:
    this, last, change = figures("全镇出生人口436人，比去年同期(429)增加7人。")
    assert (last.role, last.of, last.unit, last.term) == ("last_year", this.index, "人", "births")
    assert (change.role, change.of, change.sign, change.value) == ("change", this.index, 1, 7.0)
    _, before, points = figures("出生率6.55‰，比去年同期(6.51‰)上升0.04个千分点。")
    assert (before.role, points.role, points.unit) == ("last_year", "change", "个千分点")
    down = figures("政策符合率92.3%，同比下降1.5个百分点。")[1]
    assert (down.role, down.sign) == ("change", -1)


def test_differences_projections_and_annualized_rates_are_not_facts() -> None:
    found = figures(
        "人口自然增长率为3.88‰（折合全年7.78‰），比时间进度低4.2个百分点，预计全年出生467人。"
    )
    assert [f.role for f in found] == ["actual", "annualized", "difference", "projection"]
    assert found[1].term == "natural_growth_rate"


def test_traditional_script_and_full_width_digits() -> None:
    f = one("半年來全鄉共出生人口２３３人。")
    assert (f.term, f.value) == ("births", 233.0)


def test_scopes_keep_other_places_and_months_apart() -> None:
    found = figures("XX乡党委：全乡出生233人，其中石门村出生30人，3月份出生41人，XX乡死亡95人。")
    assert [f.scope for f in found] == ["", "石门村", "3月", ""]


def test_tables_by_column_header() -> None:
    table = TextTable(
        (
            ("指标", "目标", "本期", "预计全年", "分母"),
            ("出生人数（人）", "≤510", "233", "467", "—"),
            ("出生率（‰）", "", "6.55", "13.1", "35573"),
        )
    )
    found = figures(table)
    assert [(f.term, f.role, f.value, f.unit) for f in found] == [
        ("births", "target", 510.0, "人"),
        ("births", "actual", 233.0, "人"),
        ("births", "projection", 467.0, "人"),
        ("birth_rate", "actual", 6.55, "‰"),
        ("birth_rate", "projection", 13.1, "‰"),
    ]


LABELS = ["出生人口", "死亡人数", "已婚妇女", "补救手术", "出生率", "政策符合率", "流出人口"]


@given(
    label=st.sampled_from(LABELS),
    number=st.decimals(min_value=0, max_value=99999, places=2, allow_nan=False),
    filler=st.sampled_from(["", "为", "共计", "达到", "："]),
)
@settings(max_examples=200, deadline=None)
def test_a_labelled_figure_is_read_back(label: str, number: object, filler: str) -> None:
    term = next(t for t in LEXICON.terms.values() if label in t.labels)
    text = f"全乡{label}{filler}{number}{term.unit}。"
    f = one(text)
    assert f.term == term.id
    assert f.value == pytest.approx(float(str(number)))
    assert f.low is not None and f.high is not None and f.low <= f.value <= f.high


WORDS = ["出生", "死亡", "率", "一", "二", "十", "百", "个百分点", "个千分点", "年", "月", "日"]
WORDS += ["男婴", "女婴", "已婚妇女", "无孩", "多孩", "流出", "流入", "流动人口", "《", "》"]
ALPHABET = st.sampled_from(
    [
        *"0123456789.,，。；：、%‰()（）-~至XX×_ 人例户对元万亿余多以上内其中比去年同期增加减少",
        *WORDS,
    ]
)


@given(st.lists(ALPHABET, max_size=60).map("".join))
@settings(max_examples=400, deadline=None)
def test_any_text_reads_without_an_exception(text: str) -> None:
    from zicha.actions.factchecking import fact_check

    result = fact_check(text)
    for f in result.figures:
        assert f.value is None or f.low is None or f.low <= f.high  # type: ignore[operator]
    assert result.errors == sum(1 for f in result.findings if f.severity == "error")


@given(st.text(max_size=80))
@settings(max_examples=300, deadline=None)
def test_any_unicode_reads_without_an_exception(text: str) -> None:
    from zicha.actions.factchecking import fact_check

    fact_check(text)
