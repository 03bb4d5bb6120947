"""The example's report: the caution of small numbers, the national figures beside the town's own
with their sources, and the whole text against its golden file."""

from __future__ import annotations

import os
from pathlib import Path

from zicha.actions.reporting import draft
from zicha.actions.session import Session
from zicha.engine.sampling import binomial_interval, poisson_interval
from zicha.reports.markdown_writer import render_markdown

GOLDEN = Path(__file__).parents[1] / "golden" / "population-report.md"


def text(example: Session, org: str = "610100", period: str = "2025") -> str:
    doc, _ = draft(example, org, period, charts=False)
    return render_markdown(doc)


def test_the_report_text_matches_golden(example: Session) -> None:
    got = text(example)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(got, encoding="utf-8")
    assert got == GOLDEN.read_text(encoding="utf-8")


def test_mortality_sentences_say_how_little_one_death_says(example: Session) -> None:
    report = text(example)
    low, high = poisson_interval(1)
    # 1 / 205 × 1000 = 4.88‰; 0.0253 / 205 × 1000 = 0.12‰; 5.5716 / 205 × 1000 = 27.18‰
    assert (f"{low / 205 * 1000:.2f}", f"{high / 205 * 1000:.2f}") == ("0.12", "27.18")
    assert (
        "婴儿死亡率控制在5‰以内，全年活产205人，婴儿死亡1人，婴儿死亡率为4.88‰（仅基于1例，"
        "95%置信区间为0.12‰～27.18‰，例数少，受偶然因素影响大，不宜单独据此评判工作成效），已完成目标。"
    ) in report
    low2, high2 = poisson_interval(2)
    assert (f"{low2 / 205 * 1000:.2f}", f"{high2 / 205 * 1000:.2f}") == ("1.18", "35.24")
    assert "死亡率为9.76‰（仅基于2例，95%置信区间为1.18‰～35.24‰" in report
    assert "未完成目标" in report
    # a figure from many registrations carries no caution
    assert "及时率为97.07%，已完成目标。" in report


def test_national_figures_stand_beside_the_towns_with_their_sources(example: Session) -> None:
    report = text(example)
    assert (
        "婴儿死亡率：本镇2025年为4.88‰（1例，95%置信区间0.12‰～27.18‰）；2030年国家目标为5.0‰以下"
        "（《“健康中国2030”规划纲要》），2025年国家目标为5.2‰以下（《健康儿童行动提升计划（2021—2025年）》），"
        "2024年全国水平为4.0‰（《2024年我国卫生健康事业发展统计公报》）。与2030年国家目标、2025年国家目标和"
        "2024年全国水平的差异均在偶然波动范围内。"
    ) in report
    # 107 boys, 98 girls: the boys' share 107/205, its exact interval mapped onto boys per 100 girls
    p_low, p_high = binomial_interval(107, 205)
    low, high = 100 * p_low / (1 - p_low), 100 * p_high / (1 - p_high)
    assert f"出生人口性别比：本镇2025年为109.2（205例，95%置信区间{low:.1f}～{high:.1f}）" in report
    # figures of many events are compared plainly: 130 places for 31,206 people = 4.17 a thousand
    assert "每千人口拥有3岁以下婴幼儿托位数：本镇2025年为4.17个" in report
    assert "未达到“十四五”期末（2025年）国家目标，高于2020年全国水平。" in report
    assert "国家基础标准（每孩每年）为3600元（《育儿补贴制度实施方案》）。" in report
    assert "《“健康中国2030”规划纲要》（中共中央、国务院，2016年10月25日）" in report


def test_a_village_report_keeps_to_its_own_figures(example: Session) -> None:
    report = text(example, "610103", "2025")
    # 南岭村: one infant death among 39 births
    assert "婴儿死亡率：本村2025年为25.64‰（1例" in report
    assert "孕产妇死亡率：本期缺少数据" in report  # entered for the town only: missing, not zero


def test_the_report_passes_its_own_fact_check(example: Session, tmp_path: Path) -> None:
    from zicha.actions.factchecking import fact_check

    out = tmp_path / "report.md"
    out.write_text(text(example), encoding="utf-8")
    result = fact_check(out, pack="population-monitoring")
    assert list(result.findings) == []
    # a rate per 100,000 live births is read as one, not as a ‰ rate or a count of 10万
    maternal = [f for f in result.figures if f.label == "孕产妇死亡率"]
    assert {(f.value, f.unit) for f in maternal} >= {(0.0, "/10万"), (14.5, "/10万")}
