"""The pack as data: CONTRACT §8's ids, calendar years, its notes (sources) and reference values,
and what `packs lint` says of sources, context and rules judged on chance."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from zicha.domain.errors import InputError
from zicha.packs.lint import lint_folder, lint_pack
from zicha.packs.loader import load_pack
from zicha.packs.registry import builtin_folder, get_pack

PACK = get_pack("population-monitoring")

CONTRACT_ELEMENTS = {
    "population",
    "births",
    "births_male",
    "births_female",
    "births_registered_on_time",
    "infant_deaths",
    "under5_deaths",
    "maternal_deaths",
    "children_under3",
    "subsidy_children_paid",
    "subsidy_amount_paid",
    "nursery_places",
}
CONTRACT_INDICATORS = {
    "birth_rate",
    "sex_ratio_at_birth",
    "birth_registration_timeliness",
    "infant_mortality_rate",
    "under5_mortality_rate",
    "maternal_mortality_rate",
    "subsidy_coverage",
    "nursery_places_per_1000",
}


def test_the_contract_ids_and_their_definitions() -> None:
    assert set(PACK.elements) >= CONTRACT_ELEMENTS
    assert set(PACK.indicators) >= CONTRACT_INDICATORS
    stocks = {e.id for e in PACK.elements.values() if e.is_stock}
    assert {"population", "children_under3", "nursery_places"} <= stocks
    ind = PACK.indicators
    assert (ind["infant_mortality_rate"].numerator, ind["infant_mortality_rate"].denominator) == (
        "infant_deaths",
        "births",
    )
    assert ind["infant_mortality_rate"].factor == 1000
    assert ind["maternal_mortality_rate"].factor == 100000
    assert ind["birth_registration_timeliness"].denominator == "births"
    assert ind["subsidy_coverage"].denominator == "closing(children_under3)"
    assert (ind["nursery_places_per_1000"].denominator, ind["nursery_places_per_1000"].factor) == (
        "population",
        1000,
    )
    assert ind["birth_rate"].kind == "rate" and ind["birth_rate"].denominator == "avg_population"
    deaths = {e.element: e.where for e in PACK.registers["deaths"].elements}
    assert deaths["infant_deaths"] == "age < 1" and deaths["under5_deaths"] == "age < 5"
    assert "deaths" in deaths
    births = {e.element for e in PACK.registers["births"].elements}
    assert {"births", "births_male", "births_female"} <= births


def test_calendar_years_and_current_work() -> None:
    assert PACK.year_start_month == 1
    assert not PACK.historical


def test_lint_is_clean() -> None:
    assert lint_pack(PACK) == []


def test_every_reference_value_cites_a_source_of_the_notes() -> None:
    assert PACK.references
    for ref in PACK.references:
        assert ref.indicator in PACK.indicators
        assert ref.source in PACK.sources
        assert (ref.bound is None) != (ref.value is None)
    cited = {ref.source for ref in PACK.references}
    assert cited <= set(PACK.sources)


def test_the_notes_name_every_document() -> None:
    for source in PACK.sources.values():
        assert source.title and source.issuer and source.note, source.id
    titles = {s.title for s in PACK.sources.values()}
    for title in (
        "育儿补贴制度实施方案",
        "育儿补贴制度管理规范（试行）",
        "“健康中国2030”规划纲要",
        "中国儿童发展纲要（2021—2030年）",
        "中华人民共和国国民经济和社会发展第十四个五年规划和2035年远景目标纲要",
        "中华人民共和国户口登记条例",
        "全国妇幼卫生调查制度",
    ):
        assert title in titles
    # the county documents the indicator set was drawn from
    counties = [s for s in PACK.sources.values() if "县" in s.note or "区" in s.issuer]
    assert len(counties) >= 3
    numbers = {s.number for s in PACK.sources.values() if s.number}
    assert {"国发〔2021〕16号", "国办发〔2019〕15号", "国卫指导发〔2016〕72号"} <= numbers
    # every national figure a rule states comes from a source the notes name
    notes = " ".join(s.note for s in PACK.sources.values())
    for figure in ("3600元", "30个工作日", "4.0‰", "14.3/10万", "103至107"):
        assert figure in notes


def test_the_subsidy_standard_is_only_stated() -> None:
    (standard,) = [r for r in PACK.references if r.indicator == "subsidy_per_child"]
    assert (standard.value, standard.compare, standard.source) == (3600, False, "subsidy_plan")


# ------------------------------------------------------------------ what lint and the loader say


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    folder = tmp_path / "pm"
    shutil.copytree(builtin_folder("population-monitoring"), folder)
    return folder


def test_a_context_entry_needs_a_goal_or_a_level(copy: Path) -> None:
    (copy / "context.toml").write_text(
        '[[context]]\nindicator = "birth_rate"\nlabel = "x"\nsource = "nbs_2024"\n'
        'target = "<=7"\nvalue = 6.77\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        load_pack(copy)
    assert "target（目标，如 <=5）与 value（水平）应恰好给出一个" in str(err.value)


def test_lint_finds_unknown_sources_and_indicators(copy: Path) -> None:
    (copy / "context.toml").write_text(
        '[[context]]\nindicator = "no_such"\nlabel = "x"\nsource = "nowhere"\nvalue = 1\n',
        encoding="utf-8",
    )
    messages = {(m.where, m.message) for m in lint_folder(copy)}
    assert ("context[0]", "未知指标「no_such」") in messages
    assert ("context[0]", "未知资料来源「nowhere」（见 sources.toml）") in messages


def test_lint_checks_rules_judged_on_chance(copy: Path) -> None:
    rules = (copy / "rules.toml").read_text(encoding="utf-8")
    rules += (
        '\n[[rules]]\nid = "bad_chance"\nname = "x"'
        '\nleft = "indicator(birth_registration_timeliness)"'
        '\noperator = "<="\nright = "100"\nchance = true\n'
        '\n[[rules]]\nid = "bad_side"\nname = "y"\nleft = "births"\noperator = "<="\nright = "1"'
        "\nchance = true\n"
    )
    (copy / "rules.toml").write_text(rules, encoding="utf-8")
    messages = {(m.where, m.message) for m in lint_folder(copy) if m.severity == "error"}
    assert messages == {
        (
            "rules.bad_chance.chance",
            "指标「birth_registration_timeliness」没有声明 sampling，无法计算置信区间",
        ),
        ("rules.bad_side.chance", "按置信区间判断的规则，左边应恰好是 indicator(指标)"),
    }
