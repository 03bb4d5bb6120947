"""Numbers in a sentence with what is written around them: unit, 万/亿, 余/多, 以上/以内.

The scanner is a table of patterns, not a grammar: a number (Arabic, a range, a Chinese numeral
standing directly before a unit, a masked "XX" or a blank "为%"), then an optional 余/多, 万/亿,
a unit from the closed set and a qualifier. Dates, document numbers (〔2010〕6号) and titles in
《》 are blanked out first so that no number in them is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zicha.domain.lexicon import COUNT_UNITS
from zicha.engine.factcheck.numerals import NUMERAL_CHARS, chinese_number

#: units and the words they must not start (人民, 例如, 户口, 对象, 元旦 are no figures)
_UNIT = r"""
    个百分点|个千分点|万元|
    元(?![旦月宵素件器])|
    %|‰|/\s*10\s*万|
    人(?![民员口群次均工事才身家力类们性格间际情权选士])|
    例(?![如外行会次子证])|
    户(?![口籍主外型次数])|
    对(?![象于照比待接应外此其这该本各全口策话手方抗立称等])|
    [:]\s*100(?![\d.])
"""
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,])|\d+(?:\.\d+)?"
_POST = r"及以上|以上|以下|以内|之内|之间|左右|上下"
_TOKEN = re.compile(
    rf"""
    (?:
        (?<![\d.A-Za-z,])(?P<neg>(?<![\d\-~])-|负)?(?P<a>{_NUMBER})(?P<aunit>%|‰|/\s*10\s*万)?
            (?:\s*(?P<sep>-|~|—|至|到)\s*(?P<b>{_NUMBER}))?
      | 百分之(?P<pct>{_NUMBER}|[{NUMERAL_CHARS}]+)
      | (?<!第)(?P<cn>[{NUMERAL_CHARS}]+)(?=\s*(?:余|多)?\s*(?:{_UNIT}))
      | (?<![A-Za-z])(?P<mask>[Xx×*□○]{{1,6}}|_{{2,}})(?=\s*[万亿]?\s*(?:{_UNIT}))
    )
    \s*(?P<mid>余|多)?
    (?:\s*(?P<scale>万|亿)(?!元))?
    (?P<mid2>余|多)?
    (?:\s*(?P<unit>{_UNIT}))?
    (?:\s*(?P<post>{_POST}))?
    """,
    re.VERBOSE,
)
#: a blank where a figure was removed: "计划生育率为%"
_BLANK = re.compile(r"(?<=[为是达占到])\s*(?P<unit>%|‰|万元|个百分点|个千分点)")
#: spans that hold numbers but no figures: dates, periods, document numbers, titles
_NOT_FIGURES = re.compile(
    r"""
    《[^》]*》|〈[^〉]*〉|<[^>]*>
    | [〔\[(（]\s*(?:\d{4}|[X×]{2,4}|20[X×]{2})\s*[〕\])）]\s*\d+\s*号
    | \d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?
    | (?:\d{4}|20[Xx×]{2})\s*[-—~至]\s*(?:\d{4}|20[Xx×]{2})\s*年
    | \d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2}
    | \d{1,2}\s*月\s*\d{1,2}\s*日
    | \d+\s*(?:月份|月|日|号|时|点|分钟|岁|周岁|年度|年|季度|期|次|个(?!百分点|千分点)|名|项|条
              |件|份|张|家|所|村|组|座|篇|天|周|批|届|级|辆|台|套|本|间|栋|处|场|米|平方米
              |公里|吨|架次|人次|例次|户次)
    | 第\s*\d+
    """,
    re.VERBOSE,
)
#: a unit written with a scale, as stored: 万元 stays 万元, 亿元 becomes 万元
_SCALES = {"万": 10_000.0, "亿": 100_000_000.0}
_CJK = re.compile(r"[\u3400-\u9fff]")
#: what may follow a figure written in Chinese numerals (else it is a word: 一人一档)
_AFTER_CHINESE = set("其比较同占以左余多和与及、，,。；;：:）)」”\"'") | {""}


@dataclass(frozen=True)
class Token:
    """One number found in a sentence, with its unit and qualifiers.

    `value` is in `unit` (万 and 亿 applied, 亿元 stored as 万元); `scale` is a 万/亿 written
    without a unit ("31.75万"): the value is left unscaled until the label says the unit.
    `step` is one unit of the last written place, in `unit` (0: an exact count).
    """

    start: int
    end: int
    text: str
    value: float | None
    high: float | None = None
    unit: str = ""
    decimals: int = 0
    step: float = 0.0
    approx: str = ""
    post: str = ""
    scale: str = ""
    masked: bool = False
    chinese: bool = False
    bracketed: bool = False


def blank_out(sentence: str) -> str:
    """The sentence with dates, document numbers and titles replaced by spaces (same length).

    >>> blank_out("2011年3月31日出生233人")
    '          出生233人'
    """
    return _NOT_FIGURES.sub(lambda m: " " * len(m.group(0)), sentence)


def _decimals(number: str) -> int:
    return len(number.split(".", 1)[1]) if "." in number else 0


def _float(number: str) -> float:
    return float(number.replace(",", ""))


def tokens(sentence: str) -> list[Token]:
    """The numbers of a sentence, in order.

    >>> [(t.value, t.unit) for t in tokens("出生233人，出生率6.55‰，征收31.75万元，流动3.5万人")]
    [(233.0, '人'), (6.55, '‰'), (31.75, '万元'), (35000.0, '人')]
    >>> [(t.value, t.unit) for t in tokens("上升0.04个千分点，培训500人次，宣传车15架次")]
    [(0.04, '个千分点')]
    >>> [(t.value, t.high, t.unit) for t in tokens("增长率-0.56‰，负3人，补助20-40元")]
    [(-0.56, None, '‰'), (-3.0, None, '人'), (20.0, 40.0, '元')]
    >>> [(t.value, t.unit, t.masked) for t in tokens("计划生育率为%，出生XX人，死亡三人。")]
    [(None, '%', True), (None, '人', True), (3.0, '人', False)]
    >>> [t.text for t in tokens("二孩妇女2883人，四术，一票否决，一人一档，《2023年规划》")]
    ['2883人']
    """
    scan = blank_out(sentence)
    found: list[Token] = []
    for m in _TOKEN.finditer(scan):
        token = _token(m, scan)
        if token is not None:
            found.append(token)
    for m in _BLANK.finditer(scan):
        if any(t.start <= m.start() < t.end for t in found):
            continue
        unit = m.group("unit")
        found.append(Token(m.start("unit"), m.end(), unit, None, unit=unit, masked=True))
    return sorted(found, key=lambda t: t.start)


def _token(m: re.Match[str], scan: str) -> Token | None:
    end = m.start() + len(m.group(0).rstrip())  # the match may end in spaces it did not need
    unit = m.group("unit") or m.group("aunit") or ""
    unit = re.sub(r"\s+", "", unit)
    scale = m.group("scale") or ""
    approx = m.group("mid") or m.group("mid2") or ""
    post = m.group("post") or ""
    after = scan[end : end + 1]
    start = m.start()
    text = scan[start:end]
    if m.group("mask") is not None:
        if scale and unit == "元":
            unit = "万元"
        return Token(start, end, text, None, unit=unit, masked=True, approx=approx, post=post)
    if m.group("cn") is not None:
        raw = m.group("cn")
        count = chinese_number(raw)
        if count is None or not unit or set(raw) <= set("万亿千百"):
            return None
        if (raw == "一" or not post) and after not in _AFTER_CHINESE and _CJK.match(after):
            return None  # 一人一档, 唯一人选: a word, not a count
        step = 0.0 if unit in COUNT_UNITS else 1.0
        return Token(start, end, text, float(count), unit=unit, step=step, chinese=True)
    if m.group("pct") is not None:
        raw = m.group("pct")
        whole = chinese_number(raw)
        pct = _float(raw) if whole is None else float(whole)
        places = _decimals(raw) if whole is None else 0
        return Token(start, end, text, pct, unit="%", decimals=places, step=10.0**-places)
    a = m.group("a")
    b = m.group("b")
    if not unit and not scale and not approx:
        # a bare number: only where nothing follows that makes it a word (6号, 3月) and it is
        # not a list number ("1. ")
        if _CJK.match(after) and not post:
            return None
        if after == "." or (m.group("sep") is None and scan[m.end("a") : m.end("a") + 1] == "."):
            return None
    dec = max(_decimals(a), _decimals(b) if b else 0)
    value = -_float(a) if m.group("neg") else _float(a)
    high = _float(b) if b else None
    multiplier = 1.0
    if scale and unit == "元":
        unit, multiplier = "万元", (1.0 if scale == "万" else 10_000.0)
        scale = ""
    elif scale and unit:
        multiplier = _SCALES[scale]
        scale = ""
    exact = unit in COUNT_UNITS and multiplier == 1.0 and dec == 0 and not scale
    step = 0.0 if exact else 10.0**-dec * multiplier
    return Token(
        start,
        end,
        text,
        value * multiplier,
        high * multiplier if high is not None else None,
        unit=unit,
        decimals=dec,
        step=step,
        approx=approx,
        post=post,
        scale=scale,
    )
