"""Which term a label names, and what the words around a figure say about it.

A figure's label is the text before it in its clause ("半年来全乡共出生人口" before 233人). The
term is the lexicon label that ends nearest to the figure with only filler words after it (为,
共计, 达到, 控制在 …), the longest when two end together: 计内出生人口 wins over 出生人口. A label
can also say that a figure is a target (控制在…以内), a projection (预计), an annualized rate
(折合全年), last year's figure (去年同期) or a change from it (比去年同期增加), and where or when it
applies (石门乡, 3月).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from zicha.domain.lexicon import Lexicon, Term

#: words that may stand between a label and its figure (出生人口共计233人)
FILLERS = sorted(
    (
        "控制在",
        "稳定在",
        "保持在",
        "分别为",
        "分别是",
        "共计",
        "合计",
        "总计",
        "累计",
        "达到",
        "约为",
        "均为",
        "仅为",
        "只有",
        "共有",
        "已达",
        "增至",
        "降至",
        "提高到",
        "提高至",
        "下降到",
        "下降至",
        "上升到",
        "上升至",
        "降低到",
        "降低至",
        "实现",
        "完成",
        "为",
        "是",
        "达",
        "共",
        "计",
        "有",
        "约",
        "仅",
        "只",
        "已",
        "了",
        "在",
        "的",
        "数",
        "总数",
        "人数",
        "例数",
        "户数",
        "总量",
        "占",
        "近",
        "超过",
        "逾",
        "不到",
        "不足",
        "不超过",
        "不低于",
        "不少于",
        "不高于",
        "控制",
        "≤",
        "≥",
        "<",
        ">",
        "=",
        ":",
        "：",
        "累计达",
        "共计达",
        "总数为",
    ),
    key=len,
    reverse=True,
)
_FILLERS_BY_FIRST: dict[str, list[str]] = {}
for _word in FILLERS:
    _FILLERS_BY_FIRST.setdefault(_word[0], []).append(_word)

#: words that make a figure a target (in its own label)
TARGET_WORDS = (
    "控制在",
    "控制数",
    "控制目标",
    "不超过",
    "不高于",
    "不低于",
    "不少于",
    "力争",
    "确保",
    "目标",
    "任务数",
    "考核",
    "要求",
    "争取",
    "≤",
    "≥",
    "<",
    ">",
)
#: words that make a whole sentence a statement of targets, for figures qualified by 以上/以下/达到
TARGET_SENTENCE_WORDS = ("目标", "任务", "要求", "确保", "力争", "考核", "争取", "控制在")
PROJECTION_WORDS = ("预计", "预测", "按目前进度", "按此进度", "按现有进度")
ANNUALIZED_WORDS = ("年化", "折合全年", "折算全年", "折合年", "折算成全年")
LAST_YEAR_WORDS = ("去年", "上年", "上一年", "上年度", "前一年")
THIS_YEAR_WORDS = ("今年", "本年", "当年", "本期", "今年以来")
QUOTE_WORDS = ("所述",)
#: a comparison with the same period of an earlier year
COMPARISON = re.compile(
    r"(?:比|较|与|和)\s*(?:去年|上年度|上一年|上年|前一年|\d{4}\s*年|20XX年|往年)\s*(?:同期)?"
    r"|同比|(?:比|较)\s*同期"
)
DIRECTION = re.compile(
    r"(增加|增长|上升|提高|上涨|增多|多出|多|减少|下降|降低|回落|下滑|减|少)了?\s*[)）]?\s*$"
)
#: a direction said without a number after it ("有所增加", "持平")
SAID_DIRECTION = re.compile(r"持平|(增加|增长|上升|提高|上涨|增多|减少|下降|降低|回落|下滑)")
DOWN_WORDS = ("减少", "下降", "降低", "回落", "下滑", "减", "少")
_CLOSED_ASIDE = re.compile(r"[（(][^（()）]*[)）]")
_STRONG_BOUNDARY = '，,；;、。！？（(【[“"「'
_WEAK_BOUNDARY = "：:"
_PLACE = re.compile(r"((?:[Xx×]{1,4}|[\u4e00-\u9fff]{2})(?:乡|镇|街道|社区|村))")
_OWN_PLACE = re.compile(r"((?:[Xx×]{1,4}|[\u4e00-\u9fff]{2})(?:乡|镇|街道))")
_OWN_WORDS = "全我本该各每此"
#: how far into a report its opening names the report's own half-year or quarter, and the words
#: of a sentence that names the report itself (关于2023年上半年…工作的自查报告)
OPENING = 300
_REPORT_WORDS = ("报告", "自查", "总结", "工作", "情况")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_MONTH_RANGE = re.compile(r"\d{1,2}\s*(?:月\s*\d{0,2}\s*日?)?\s*(?:-|~|—|至|到)\s*\d{1,2}\s*月")
_MONTH = re.compile(r"(?<![\d年])(\d{1,2}|[一二三四五六七八九十]{1,2})\s*月(?:份)?(?![\d日底末])")
_QUARTER = re.compile(r"(第?[一二三四1-4]\s*季度|上半年|下半年)")


def only_filler(text: str) -> bool:
    """Whether `text` is made of filler words only (or nothing).

    >>> only_filler(" 为"), only_filler("共计达"), only_filler("补助")
    (True, True, False)
    """
    rest = text.strip()
    while rest:
        for word in FILLERS:
            if rest.startswith(word):
                rest = rest[len(word) :].strip()
                break
        else:
            return False
    return True


def compatible(unit: str, term_unit: str) -> bool:
    """Whether a figure written in `unit` can state a term kept in `term_unit`.

    >>> compatible("", "人"), compatible("万元", "元"), compatible("个千分点", "‰")
    (True, True, True)
    >>> compatible("人", "例"), compatible("%", ":100")
    (False, False)
    """
    if not unit or unit == term_unit:
        return True
    money = {"元", "万元"}
    rates = {"%", "‰", "个百分点", "个千分点"}
    return ({unit, term_unit} <= money) or ({unit, term_unit} <= rates and term_unit in "%‰")


@dataclass(frozen=True)
class Match:
    term: Term
    start: int
    end: int


class LabelIndex:
    """The lexicon's labels by their text, for finding the term a label names."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.by_label: dict[str, list[Term]] = {}
        for t in lexicon.terms.values():
            for label in t.labels:
                self.by_label.setdefault(label, []).append(t)
        self.lengths = sorted({len(label) for label in self.by_label}, reverse=True)

    def match(self, text: str, unit: str) -> Match | None:
        """The term `text` names for a figure in `unit`: the label that ends nearest to the
        figure with only filler after it, the longest of those; None when there is none, or
        when two terms tie for a figure without a unit.

        >>> from zicha.domain.lexicon import Lexicon, Term
        >>> births = Term("births", "出生人数", "人", ("出生人口", "出生"))
        >>> inside = Term("in_policy", "政策内出生", "人", ("计内出生人口",))
        >>> idx = LabelIndex(Lexicon({"births": births, "in_policy": inside}))
        >>> idx.match("其中计内出生人口", "人").term.id, idx.match("半年来共出生人口为", "").term.id
        ('in_policy', 'births')
        >>> idx.match("主动落实一例补救手术补助营养费", "元") is None
        True
        """
        for end in filler_ends(text):
            for size in self.lengths:
                if size > end:
                    continue
                terms = [
                    t
                    for t in self.by_label.get(text[end - size : end], ())
                    if compatible(unit, t.unit)
                ]
                if not terms:
                    continue
                if len({t.id for t in terms}) > 1:
                    return None
                return Match(terms[0], end - size, end)
        return None


def filler_ends(text: str) -> list[int]:
    """Where a label may end: the positions from which only filler words follow, nearest to
    the figure (the end of the text) first.

    >>> filler_ends("出生人口共计"), filler_ends("补助")
    ([6, 5, 4], [2])
    """
    n = len(text)
    ok = [False] * (n + 1)
    ok[n] = True
    for p in range(n - 1, -1, -1):
        if text[p].isspace():
            ok[p] = ok[p + 1]
            continue
        ok[p] = any(
            ok[p + len(w)] for w in _FILLERS_BY_FIRST.get(text[p], ()) if text.startswith(w, p)
        )
    return [p for p in range(n, -1, -1) if ok[p]]


def label_text(lead: str) -> str:
    """The label in the text before a figure: its clause, without closed asides in brackets.

    >>> label_text("，其中计内出生人口"), label_text("政策符合率（计划生育率）达到")
    ('其中计内出生人口', '政策符合率达到')
    >>> label_text("，按填报数据计算，出生率："), label_text("（折合全年")
    ('出生率：', '折合全年')
    """
    text = _CLOSED_ASIDE.sub("", lead)
    cut = max(text.rfind(ch) for ch in _STRONG_BOUNDARY)
    return text[cut + 1 :].strip()


def ellipsis(current: str, previous: str) -> str | None:
    """Complete a label that leaves out what the previous one said: 已落实 after
    应落实避孕节育措施 is 已落实避孕节育措施.

    >>> ellipsis("已落实", "全乡半年应落实避孕节育措施")
    '已落实避孕节育措施'
    >>> ellipsis("女婴", "出生男婴") is None
    True
    """
    for size in range(len(current), 1, -1):
        tail = current[-size:]
        pos = previous.rfind(tail)
        if pos >= 0:
            rest = previous[pos + size :]
            return current + rest if rest else None
    return None


def has_any(text: str, words: tuple[str, ...]) -> bool:
    """Whether any of the words occurs in the text.

    >>> has_any("全年出生人口控制在", TARGET_WORDS), has_any("出生人口", TARGET_WORDS)
    (True, False)
    """
    return _alternatives(words).search(text) is not None


@lru_cache(maxsize=64)
def _alternatives(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))


#: nouns that hold a target word without stating a target (企业目标责任书签订率)
_NOT_TARGETS = re.compile(r"目标责任[书制状]?|目标考核办法|考核办法|考核细则|目标管理")


def names_target(label: str) -> bool:
    """Whether a label says its figure is a target.

    >>> names_target("全年出生人口控制在"), names_target("企业目标责任书签订率")
    (True, False)
    """
    return has_any(_NOT_TARGETS.sub("", label), TARGET_WORDS)


def target_sentence(text: str) -> bool:
    """Whether a sentence states targets (for figures qualified by 以上, 以下 or 达到)."""
    return has_any(_NOT_TARGETS.sub("", text), TARGET_SENTENCE_WORDS)


def is_down(word: str) -> bool:
    return word in DOWN_WORDS


@dataclass(frozen=True)
class Scopes:
    """The report's own place and year, against which a label's place and year are judged."""

    own_place: str | None
    own_year: str | None
    own_part: str | None = None

    @classmethod
    def of(cls, text: str) -> Scopes:
        """The first township-level place named, the year named most often (latest on a tie),
        and the half-year or quarter the opening names (a half-year report's 上半年), or the only
        one the text names.

        >>> s = Scopes.of("中共XX县委：\\nXX乡2023年上半年工作自查报告\\n…2023年…2022年")
        >>> s.own_place, s.own_year, s.own_part
        ('XX乡', '2023', '上半年')
        >>> Scopes.of("一季度出生56人，上半年共出生117人。").own_part is None
        True
        >>> Scopes.of("一、上半年全镇出生212人。二、下步工作……").own_part
        '上半年'
        """
        place = _OWN_PLACE.search(text)
        years = Counter(_YEAR.findall(text))
        own_year = max(years, key=lambda y: (years[y], y)) if years else None
        own_part = None
        for line in re.split(r"[\n。]", text[:OPENING]):
            part = _QUARTER.search(line)
            if part and has_any(line, _REPORT_WORDS):
                own_part = part.group(1).replace(" ", "")
                break
        named = {m.group(1).replace(" ", "") for m in _QUARTER.finditer(text)}
        if own_part is None and len(named) == 1:
            own_part = named.pop()  # a text naming one part of the year only is about it
        return cls(place.group(1) if place else None, own_year, own_part)

    def is_year_before(self, label: str) -> bool:
        """Whether a label names the year before the report's own (2022年 in a 2023 report).

        >>> Scopes(None, "2023").is_year_before("2022年出生人口")
        True
        >>> Scopes(None, None).is_year_before("2022年")
        False
        """
        if self.own_year is None:
            return False
        before = str(int(self.own_year) - 1)
        return any(m.group(1) == before for m in _YEAR.finditer(label))

    def scope(self, label: str) -> str:
        """Where and when a label says its figure applies; "" for the report's own unit and
        period.

        >>> s = Scopes("XX乡", "2023")
        >>> s.scope("XX乡有已婚妇女"), s.scope("其中石门村出生"), s.scope("3月份出生")
        ('', '石门村', '3月')
        >>> s.scope("2021年出生"), s.scope("2023年1-6月出生"), s.scope("半年来全乡出生")
        ('2021年', '', '')
        >>> s.scope("2022年出生")  # the year before: last year's figure, not another scope
        ''
        """
        parts: list[str] = []
        for m in _PLACE.finditer(label):
            name = m.group(1)
            level = 2 if name.endswith(("街道", "社区")) else 1
            if name == self.own_place or name[-level - 1] in _OWN_WORDS:
                continue  # 全乡, 我镇, 本村: the report's own unit
            parts.append(name)
        before = str(int(self.own_year) - 1) if self.own_year else None
        for m in _YEAR.finditer(label):
            if m.group(1) not in (self.own_year, before):
                parts.append(f"{m.group(1)}年")
        rest = _MONTH_RANGE.sub(" ", label)
        parts += [f"{m.group(1)}月" for m in _MONTH.finditer(rest)]
        for m in _QUARTER.finditer(rest):
            part = m.group(1).replace(" ", "")
            if part != self.own_part:
                parts.append(part)
        return "|".join(parts)
