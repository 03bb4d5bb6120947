"""Where a 2号 title breaks: at word boundaries, in the shapes GB/T 9704-2012 allows.

"标题回行时，应当做到词意完整，排列对称，长短适宜，间距恰当，标题排列应当使用梯形或菱形。"
(GB/T 9704-2012, 7.3.2). The title is cut into pieces that may not be broken — the issuing
organ (everything before 关于), a date or period ("2010年10月至2011年3月"), the document type
with its 的 ("的报告"), the words of a small vocabulary of official writing, and runs of other
characters — and every way of setting the pieces on the fewest lines is scored: the cost of
each break (before 关于 is best; inside a period, before 的 or after 和 is poor), a line that is
too short, and the shape (two lines in any proportion; three or more as a trapezoid, long to
short or short to long, or a diamond, never an hourglass).
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from typing import Final

from zicha.reports.document import text_width_chars

__all__ = ["TITLE_WIDTH", "WORDS", "title_lines", "title_pieces"]

#: characters of 2号 (22 pt) on the 156 mm line: 20.1, less a margin for proportional digits
TITLE_WIDTH: Final = 19.0

#: words of official titles (the longest match wins)
_WORD_LIST: Final = """
    人口和计划生育 计划生育 人口 综合治理 工作目标 目标责任 目标 责任 考核 责任制
    自查情况 自查 情况 工作 开展 落实 检查 整改 整改情况 专项 行动 治理 执行 完成 进展 推进
    消防安全 安全生产 安全 消防 卫生 健康 妇幼 监测 人口监测 出生 登记 出生登记 育儿补贴
    补贴 托育 服务 管理 优质服务 先进县 先进单位 创建 省级 县级 流动人口 依法 行政 综合
    有关 问题 相关 事项 财务 纪律 财经纪律 教育 学校 医院 卫生院 社区 乡镇 街道 村
    半年 上半年 下半年 全年 年度 季度 一季度 二季度 三季度 四季度 第一季度 第二季度
    第三季度 第四季度 总结 汇报 报告 通知 意见 请示 批复 决定 方案 办法 规定 制度 通报
    情况报告 工作报告 自查报告 实施 实施方案 贯彻 贯彻落实 政策 政策措施 措施 生育 生育登记
    奖励扶助 特别扶助 扶助 家庭 特殊家庭 计生 计生协会 协会 宣传 宣传教育 信息 统计 数据
    质量 数据质量 核查 督查 考评 评估 指标 任务 任务完成 目标任务 完成情况 执行情况 开展情况
"""
WORDS: Final[frozenset[str]] = frozenset(_WORD_LIST.split())
_DOC_TYPES: Final = (
    "报告",
    "请示",
    "通知",
    "意见",
    "决定",
    "批复",
    "通报",
    "函",
    "方案",
    "总结",
    "办法",
    "纪要",
)
_PERIOD = re.compile(
    r"(?:\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?|[上下]半年|第?[一二三四1-4]季度|度)?)"
    r"(?:(?:至|—|－|-|~|～)\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?|度)?)?"
)
_ASCII_RUN = re.compile(r"[0-9A-Za-z.%‰]+")
_CONJUNCTIONS: Final = frozenset("和与及、")
_CHAR_BREAK: Final = 12.0  # between two characters of a run of unknown words
_LINE: Final = 4.0
_SHORT_LINE: Final = 6.0
_TOLERANCE: Final = 1.0  # line widths within a character count as equal


@dataclass(frozen=True)
class _Piece:
    text: str
    kind: str  # "issuer", "about", "period", "word", "other", "tail", "conj", "ascii"


def _period_pieces(text: str) -> list[_Piece]:
    """A period is one piece, but may break after 至 (see _cost)."""
    m = re.match(r"(.+?(?:至|—|－|-|~|～))(\d{4}年.*)$", text)
    if m and m.group(1)[:4].isdigit():
        return [_Piece(m.group(1), "period"), _Piece(m.group(2), "period_end")]
    return [_Piece(text, "period")]


def _segment(text: str) -> list[_Piece]:
    """Words of WORDS (longest first), runs of ASCII, conjunctions, and runs of the rest."""
    pieces: list[_Piece] = []
    other = ""
    i = 0
    longest = max(len(w) for w in WORDS)
    while i < len(text):
        ascii_run = _ASCII_RUN.match(text, i)
        period = _PERIOD.match(text, i)
        word = next(
            (text[i : i + n] for n in range(longest, 1, -1) if text[i : i + n] in WORDS), None
        )
        found: list[_Piece] | None = None
        if period and period.group(0) and "年" in period.group(0):
            found, step = _period_pieces(period.group(0)), len(period.group(0))
        elif word is not None:
            found, step = [_Piece(word, "word")], len(word)
        elif ascii_run is not None:
            found, step = [_Piece(ascii_run.group(0), "ascii")], len(ascii_run.group(0))
        elif text[i] in _CONJUNCTIONS:
            found, step = [_Piece(text[i], "conj")], 1
        if found is None:
            other += text[i]
            i += 1
            continue
        if other:
            pieces.append(_Piece(other, "other"))
            other = ""
        pieces += found
        i += step
    if other:
        pieces.append(_Piece(other, "other"))
    return pieces


def title_pieces(title: str) -> list[str]:
    """The pieces a title may break between.

    >>> title_pieces("XX乡关于2010年10月至2011年3月人口和计划生育工作自查情况的报告")[:4]
    ['XX乡', '关于', '2010年10月至', '2011年3月']
    >>> title_pieces("XX乡关于2010年10月至2011年3月人口和计划生育工作自查情况的报告")[4:]
    ['人口和计划生育', '工作', '自查情况', '的报告']
    """
    return [p.text for p in _pieces(title)]


def _pieces(title: str) -> list[_Piece]:
    text = title.strip()
    head: list[_Piece] = []
    tail: list[_Piece] = []
    for doc_type in _DOC_TYPES:
        for ending in (f"的{doc_type}", doc_type):
            if text.endswith(ending) and len(text) > len(ending):
                tail = [_Piece(ending, "tail")]
                text = text[: -len(ending)]
                break
        if tail:
            break
    at = text.find("关于")
    if at > 0:
        # the issuing organs: unbroken, except between organs named one after another
        for organ in re.split(r"(?<=、)", text[:at]):
            if organ:
                head.append(_Piece(organ, "issuer"))
        head.append(_Piece("关于", "about"))
        text = text[at + 2 :]
    elif at == 0:
        head.append(_Piece("关于", "about"))
        text = text[2:]
    return [*head, *_segment(text), *tail]


def _cost(left: _Piece, right: _Piece) -> float:
    """The cost of a line break between two pieces (lower is better)."""
    if right.kind == "about":
        return 0.0
    if left.kind == "issuer" and right.kind == "issuer":
        return 1.0  # between two organs, after their 、
    if left.kind == "about":
        return 5.0
    if right.kind == "period_end":
        return 6.0
    if right.kind == "tail":
        return 6.0
    if right.kind == "conj":
        return 6.0
    if left.kind == "conj":
        return 3.0
    if left.kind in ("period", "period_end") or right.kind == "period":
        return 1.0
    if left.kind == "word" and right.kind == "word":
        return 2.0
    if left.kind == "ascii" or right.kind == "ascii":
        return 4.0
    return 3.0


def _split_long(pieces: list[_Piece], width: float) -> list[_Piece]:
    """A piece longer than a line (a very long organ name) is cut into single characters."""
    out: list[_Piece] = []
    for p in pieces:
        if text_width_chars(p.text) > width:
            out += [_Piece(ch, "char") for ch in p.text]
        else:
            out.append(p)
    return out


def title_lines(title: str, width: float = TITLE_WIDTH) -> tuple[str, ...]:
    """The title's lines: as few as fit, broken where the sense allows, in an allowed shape.

    >>> title_lines("XX乡人民政府关于消防安全工作的报告")
    ('XX乡人民政府关于消防安全工作的报告',)
    >>> for line in title_lines(
    ...     "中共XX乡委员会关于2010年10月至2011年3月人口和计划生育综合治理工作目标自查情况的报告"
    ... ):
    ...     print(line)
    中共XX乡委员会关于
    2010年10月至2011年3月人口和计划生育
    综合治理工作目标自查情况的报告
    """
    text = title.strip()
    total = text_width_chars(text)
    if total <= width:
        return (text,)
    pieces = _split_long(_pieces(text), width)
    best = _best_layout(pieces, width)
    if best is None:
        # no layout of whole words has an allowed shape: let long runs break between characters
        finer: list[_Piece] = []
        for p in pieces:
            if p.kind == "other" and len(p.text) > 1:
                finer += [_Piece(ch, "char") for ch in p.text]
            else:
                finer.append(p)
        best, pieces = _best_layout(finer, width), finer
    if best is None:  # words too long for any allowed shape: filled line by line
        return _greedy(pieces, width)
    bounds = best[1]
    return tuple("".join(p.text for p in pieces[a:b]) for a, b in itertools.pairwise(bounds))


def _break_costs(pieces: list[_Piece]) -> list[float]:
    return [
        _CHAR_BREAK if "char" in (a.kind, b.kind) else _cost(a, b)
        for a, b in itertools.pairwise(pieces)
    ]


def _line_cost(width: float) -> float:
    """Each line costs a little (fewer lines are better); a line of a word or two costs more
    (长短适宜)."""
    return _LINE + (_SHORT_LINE if width < 4 else 0.0)


def _best_layout(pieces: list[_Piece], width: float) -> tuple[float, tuple[int, ...]] | None:
    """The cheapest layout of ``pieces`` in an allowed shape, or None when there is none.

    Dynamic programming over (first piece of the last line, end of the last line, phase): the
    widths of the lines rise, then fall, each step within a character of tolerance — a
    trapezoid either way up or a diamond; two lines in any proportion.
    """
    n = len(pieces)
    widths = [text_width_chars(p.text) for p in pieces]
    costs = _break_costs(pieces)
    edge = list(itertools.accumulate(widths, initial=0.0))

    def span(a: int, b: int) -> float:
        return edge[b] - edge[a]

    # state (start, end, falling) → (cost, previous state)
    State = tuple[int, int, bool]
    best: dict[State, tuple[float, State | None]] = {}
    for end in range(1, n + 1):
        if span(0, end) > width:
            break
        best[(0, end, False)] = (_line_cost(span(0, end)), None)
    for end in range(1, n):
        for start in range(end):
            for falling in (False, True):
                here = best.get((start, end, falling))
                if here is None:
                    continue
                before = span(start, end)
                for nxt in range(end + 1, n + 1):
                    w = span(end, nxt)
                    if w > width:
                        break
                    cost = here[0] + costs[end - 1] + _line_cost(w)
                    moves = []
                    if not falling and w >= before - _TOLERANCE:
                        moves.append(False)
                    if w <= before + _TOLERANCE:
                        moves.append(True)
                    for phase in moves:
                        key = (end, nxt, phase)
                        if key not in best or cost < best[key][0]:
                            best[key] = (cost, (start, end, falling))
    finals = [(v[0], k) for k, v in best.items() if k[1] == n]
    if not finals:
        return None
    total, state = min(finals)
    bounds = [n]
    walk: State | None = state
    while walk is not None:
        bounds.append(walk[0])
        walk = best[walk][1]
    return total, tuple(reversed(bounds))


def _greedy(pieces: list[_Piece], width: float) -> tuple[str, ...]:
    """Fill each line, breaking at the cheapest boundary among those that fit."""
    widths = [text_width_chars(p.text) for p in pieces]
    costs = _break_costs(pieces)
    lines: list[str] = []
    start = 0
    while start < len(pieces):
        end = start + 1
        used = widths[start]
        best_end, best_cost = end, math.inf
        while end <= len(pieces):
            if end == len(pieces):
                best_end = end
                break
            if costs[end - 1] <= best_cost:
                best_end, best_cost = end, costs[end - 1]
            if used + widths[end] > width:
                break
            used += widths[end]
            end += 1
        lines.append("".join(p.text for p in pieces[start:best_end]))
        start = best_end
    return tuple(lines)
