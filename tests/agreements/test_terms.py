"""The terms of an agreement in words: targets with and without an assessment item, ranges,
vetoes, weights, split tasks, fixed deductions, party names; small engines from the factories."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import target
from zicha.actions.agreements import agreement_file, agreements_archive
from zicha.domain.assessment import AssessmentItem
from zicha.domain.errors import InputError
from zicha.domain.period import parse_period
from zicha.engine.computation import Engine
from zicha.engine.terms import agreement_terms

from .helpers import docx_text, township_engine

YEAR = parse_period("2010Oct")


def lines_of(engine: Engine, unit: str = "T") -> list[str]:
    made = agreement_file(engine, unit, YEAR, date(2010, 10, 8))
    return docx_text(made.data).splitlines()


def section(lines: list[str], heading: str) -> list[str]:
    """The lines under a numbered heading "N、heading", up to the next one."""
    start = next(i for i, line in enumerate(lines) if line.endswith(f"、{heading}"))
    rest = lines[start + 1 :]
    end = next((i for i, line in enumerate(rest) if line[1:2] == "、"), None)
    return rest[:end]


def test_a_target_without_an_assessment_item_is_all_or_nothing_at_the_packs_points() -> None:
    # no assessment sheet: births scores the pack's 10 points, all or nothing
    engine = township_engine([target("T", "2010Oct", "births", "<=120")])
    lines = lines_of(engine)
    assert "1.全年出生人口控制在120人以内。" in lines
    assert "1.出生人数（10分）：全年出生人口控制在120人以内的，得10分；未完成的，不得分。" in lines
    assert any("满分10分" in line for line in lines)


def test_a_target_without_points_is_agreed_but_not_scored() -> None:
    # deaths has no points in the pack and no item: a target of the agreement, no clause
    engine = township_engine(
        [target("T", "2010Oct", "births", "<=120"), target("T", "2010Oct", "deaths", "<=60")],
        [AssessmentItem("births", points=12, mode="deduct", step=2, deduct=1)],
    )
    lines = lines_of(engine)
    assert "2.死亡人数控制在60人以内。" in lines
    scoring = section(lines, "考核计分")
    assert scoring[0].endswith("满分12分。各项目标计分办法如下：")
    assert scoring[1:] == [
        "1.出生人数（12分）：全年出生人口控制在120人以内的，得12分；每超出2人扣1分，扣完为止。"
    ]


def test_a_range_target_in_words_and_its_deduction() -> None:
    engine = township_engine(
        [target("T", "2010Oct", "sex_ratio_at_birth", "103.5~107")],
        [AssessmentItem("sex_ratio_at_birth", points=8, mode="deduct", step=0.5, deduct=0.25)],
    )
    lines = lines_of(engine)
    assert "1.出生人口性别比控制在103.5～107之间。" in lines
    assert (
        "1.出生人口性别比（8分）：出生人口性别比控制在103.5～107之间的，得8分；"
        "每偏离控制范围0.5个点扣0.25分，扣完为止。"
    ) in lines


def test_one_veto_item_is_one_clause_and_marked_in_its_scoring() -> None:
    engine = township_engine(
        [
            target("T", "2010Oct", "births", "<=120"),
            target("T", "2010Oct", "out_of_policy_multichild_rate", "<=4"),
        ],
        [AssessmentItem("out_of_policy_multichild_rate", points=10, veto=True)],
    )
    lines = lines_of(engine)
    assert section(lines, "一票否决") == [
        "政策外多孩率未达到“控制在4%以内”要求的，实行一票否决，乙方当年考核结果为不合格。"
    ]
    clause = next(line for line in lines if line.startswith("2.政策外多孩率（10分）"))
    assert clause.endswith("未完成的，不得分。本项为一票否决项。")


def test_several_veto_items_are_numbered() -> None:
    engine = township_engine(
        [
            target("T", "2010Oct", "out_of_policy_multichild_rate", "<=4"),
            target("T", "2010Oct", "policy_birth_rate", ">=85"),
        ],
        [
            AssessmentItem("out_of_policy_multichild_rate", points=10, veto=True),
            AssessmentItem("policy_birth_rate", points=15, veto=True),
        ],
    )
    vetoes = section(lines_of(engine), "一票否决")
    assert [v[:2] for v in vetoes] == ["1.", "2."]
    assert "“达到85%以上”" in vetoes[1]


def test_without_veto_items_the_part_is_left_out_and_the_numbers_run_on() -> None:
    engine = township_engine([target("T", "2010Oct", "births", "<=120")])
    headings = [line for line in lines_of(engine) if line[1:2] == "、"]
    assert headings == ["一、目标任务", "二、考核计分", "三、双方责任", "四、附则"]


def test_weight_split_and_fixed_deduction_are_said() -> None:
    engine = township_engine(
        [
            target("T", "2010Oct", "budget_spent", ">=30"),
            target("T", "2010Oct", "births", "<=120"),
        ],
        [
            AssessmentItem("budget_spent", points=10, mode="pro_rata", weight=0.6, split=(4, 3, 3)),
            AssessmentItem("births", points=5, mode="fixed", deduct=2),
        ],
    )
    lines = lines_of(engine)
    assert (
        "1.计划生育财政投入（10分）：全年计划生育财政投入达到30万元以上的，得10分；"
        "未达到的，按实际完成值占目标值的比例计分。本项得分按0.6的权重计入总分。"
        "全年任务按4:3:3的比例分期完成，按应完成的进度考核。"
    ) in lines
    assert "2.出生人数（5分）：全年出生人口控制在120人以内的，得5分；未完成的，扣2分。" in lines
    # full marks weigh each item: 10 × 0.6 + 5
    assert any("满分11分" in line for line in lines)


def test_pro_rata_on_a_cap_is_scored_all_or_nothing_as_the_engine_does() -> None:
    engine = township_engine(
        [target("T", "2010Oct", "births", "<=120")],
        [AssessmentItem("births", points=10, mode="pro_rata")],
    )
    assert any(line.endswith("得10分；未完成的，不得分。") for line in lines_of(engine))


def test_groups_become_subheadings_and_ungrouped_items_come_last() -> None:
    engine = township_engine(
        [
            target("T", "2010Oct", "births", "<=120"),
            target("T", "2010Oct", "policy_birth_rate", ">=85"),
            target("T", "2010Oct", "long_acting_rate", ">=80"),
        ],
        [
            AssessmentItem("births", points=10, group="人口控制"),
            AssessmentItem("policy_birth_rate", points=15, group="人口控制"),
            AssessmentItem("long_acting_rate", points=10),
        ],
    )
    scoring = section(lines_of(engine), "考核计分")
    assert [line for line in scoring if line.startswith("（")] == [
        "（一）人口控制（25分）",
        "（二）其他目标（10分）",
    ]
    assert scoring[-1].startswith("1.长效避孕措施落实率（10分）")


def test_terms_follow_the_order_of_the_targets_sheet() -> None:
    rows = [
        target("T", "2010Oct", "policy_birth_rate", ">=85"),
        target("T", "2010Oct", "births", "<=120"),
    ]
    terms = agreement_terms(township_engine(rows), "T", YEAR)
    assert [t.indicator.id for t in terms] == ["policy_birth_rate", "births"]


def test_a_target_set_on_a_longer_period_applies() -> None:
    # a target for the calendar years 2010–2011 applies to the statistical year inside them
    engine = township_engine([target("T", "2010-01-01/2011-12-31", "births", "<=240")])
    assert "1.全年出生人口控制在240人以内。" in lines_of(engine)


def test_party_names_follow_the_kind_of_unit() -> None:
    engine = township_engine([target("V", "2010Oct", "births", "<=20")])
    lines = lines_of(engine, "V")
    assert "甲方：某乡人民政府" in lines
    assert "乙方：某村村民委员会" in lines


def test_a_unit_without_targets_for_the_period_is_refused_naming_the_periods_it_has() -> None:
    engine = township_engine([target("T", "2011Oct", "births", "<=120")])
    with pytest.raises(InputError) as err:
        agreement_file(engine, "T", YEAR)
    text = str(err.value)
    assert "某乡在2010年10月至2011年9月没有适用的目标" in text
    assert "2011Oct" in text


def test_the_root_signs_with_nobody() -> None:
    engine = township_engine([target("T", "2010Oct", "births", "<=120")])
    with pytest.raises(InputError, match="某县是最上级单位"):
        agreement_file(engine, "C", YEAR)


def test_the_archive_leaves_out_children_without_targets() -> None:
    import io
    import zipfile

    engine = township_engine([target("V", "2010Oct", "births", "<=20")])
    made = agreements_archive(engine, "T", YEAR)
    assert made.name == "T-某乡-2010年度目标责任书.zip"
    assert made.media_type == "application/zip"
    with zipfile.ZipFile(io.BytesIO(made.data)) as z:
        assert z.namelist() == ["V-某村-2010年度目标责任书.docx"]
    with pytest.raises(InputError, match="某县的下级单位在2010年10月至2011年9月都没有适用的目标"):
        agreements_archive(engine, "C", YEAR)
