"""Titles break at word boundaries, in the shapes GB/T 9704-2012 allows."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zicha.reports.document import text_width_chars
from zicha.reports.title import TITLE_WIDTH, title_lines, title_pieces

DEMO = "中共XX乡委员会关于2010年10月至2011年3月人口和计划生育综合治理工作目标自查情况的报告"


def _allowed_shape(widths: list[float]) -> bool:
    if len(widths) < 3:
        return True
    steps = [b - a for a, b in itertools.pairwise(widths)]
    rising = all(s >= -1 for s in steps)
    falling = all(s <= 1 for s in steps)
    peak = widths.index(max(widths))
    diamond = all(s >= -1 for s in steps[:peak]) and all(s <= 1 for s in steps[peak:])
    return rising or falling or diamond


def test_the_demo_title_breaks_between_words_in_a_diamond() -> None:
    lines = title_lines(DEMO)
    assert lines == (
        "中共XX乡委员会关于",
        "2010年10月至2011年3月人口和计划生育",
        "综合治理工作目标自查情况的报告",
    )
    widths = [text_width_chars(line) for line in lines]
    assert widths[1] > widths[0] and widths[1] > widths[2]  # short, long, short


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        # the issuer alone on the first line, 关于 starting the second (上短下长)
        (
            "XX县人民政府办公室关于开展2024年度人口监测数据质量核查的通知",
            ("XX县人民政府办公室关于开展", "2024年度人口监测数据质量核查的通知"),
        ),
        (
            "城关镇中心卫生院2024年度消防安全自查报告",
            ("城关镇中心卫生院", "2024年度消防安全自查报告"),
        ),
        ("XX乡人民政府关于消防安全工作的报告", ("XX乡人民政府关于消防安全工作的报告",)),
    ],
)
def test_titles_of_other_kinds(title: str, lines: tuple[str, ...]) -> None:
    assert title_lines(title) == lines


def test_never_inside_an_issuer_a_number_or_a_fixed_phrase() -> None:
    pieces = title_pieces(DEMO)
    assert "中共XX乡委员会" in pieces
    assert "人口和计划生育" in pieces
    assert "的报告" in pieces
    for line in title_lines(DEMO):
        assert not line.startswith(("的", "和", "委员会", "0", "1"))


cjk = st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)
words = st.sampled_from(["关于", "工作", "自查情况", "人口和计划生育", "2024年上半年", "、", "和"])
titles = st.lists(st.one_of(st.text(cjk, min_size=1, max_size=6), words), max_size=14).map(
    lambda parts: "".join(parts) + "的报告"
)


@settings(deadline=None)  # a loaded machine is no failure: speed is measured in bench/
@given(titles)
def test_lines_keep_every_character_fit_the_width_and_the_shape(title: str) -> None:
    lines = title_lines(title)
    assert "".join(lines) == title
    assert all(line for line in lines)
    for line in lines:
        assert text_width_chars(line) <= TITLE_WIDTH
    widths = [text_width_chars(line) for line in lines]
    if len(lines) <= 4:
        assert _allowed_shape(widths), lines


@settings(deadline=None)
@given(titles)
def test_as_few_lines_as_the_width_allows_or_one_more(title: str) -> None:
    lines = title_lines(title)
    fewest = -(-text_width_chars(title) // TITLE_WIDTH)
    assert fewest <= len(lines) <= fewest + 2
