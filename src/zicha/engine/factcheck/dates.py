"""Periods and dates a report names: a period must not end before it starts, and a date must
exist.

"2023年10月1日至2023年3月31日" ends before it starts. An end written without its year takes the
start's, or the next year's when that is the only reading in which the period runs forward
("2023年10月1日至3月31日" is the statistical half-year).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from zicha.domain.factcheck import FactFinding

_SEP = r"\s*(?:至|到|—|–|-|~)\s*"
_CN_DATE = (
    r"(?:(?P<{p}y>\d{{4}})\s*年\s*)?(?P<{p}m>\d{{1,2}})\s*月(?:\s*(?P<{p}d>\d{{1,2}})\s*[日号])?"
)
_ISO_DATE = r"(?P<{p}y>\d{{4}})\s*[-/.]\s*(?P<{p}m>\d{{1,2}})\s*[-/.]\s*(?P<{p}d>\d{{1,2}})"
_RANGES = (
    re.compile(_CN_DATE.format(p="a") + _SEP + _CN_DATE.format(p="b")),
    re.compile(_ISO_DATE.format(p="a") + r"\s*(?:至|到|—|~)\s*" + _ISO_DATE.format(p="b")),
)
_SINGLE = re.compile(
    r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|(?<![\d.])(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})(?![\d])"
)


def _day(y: int, m: int, d: int | None, end: bool) -> date | None:
    """The date, or the first (last) day of the month when the day is left out."""
    try:
        if d is not None:
            return date(y, m, d)
        if not end:
            return date(y, m, 1)
        nxt = date(y + (m == 12), m % 12 + 1, 1)
        return date.fromordinal(nxt.toordinal() - 1)
    except ValueError:
        return None


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def check_dates(sentences: Sequence[str]) -> list[FactFinding]:
    """Periods that end before they start, and dates that do not exist.

    >>> [f.rule for f in check_dates(["自2023年10月1日至2023年3月31日", "2023年10月1日至3月31日"])]
    ['period_reversed']
    >>> [f.rule for f in check_dates(["于2023年2月29日完成"])]
    ['date_impossible']
    """
    out: list[FactFinding] = []
    for index, text in enumerate(sentences):
        for m in _SINGLE.finditer(text):
            y, mo, d = (
                (m.group("y"), m.group("m"), m.group("d"))
                if m.group("y")
                else (m.group("iy"), m.group("im"), m.group("id"))
            )
            if _day(int(y), int(mo), int(d), False) is None:
                out.append(
                    FactFinding(
                        "date_impossible",
                        "error",
                        f"日期「{m.group(0)}」不存在",
                        sentences=(index,),
                    )
                )
        for pattern in _RANGES:
            for m in pattern.finditer(text):
                finding = _range(m, index)
                if finding is not None:
                    out.append(finding)
    return out


def _range(m: re.Match[str], index: int) -> FactFinding | None:
    ay, by = _int(m.group("ay")), _int(m.group("by"))
    am, bm = int(m.group("am")), int(m.group("bm"))
    ad, bd = _int(m.group("ad")), _int(m.group("bd"))
    if ay is None:
        return None  # without the start's year there is nothing to compare
    start = _day(ay, am, ad, False)
    if start is None or not 1 <= bm <= 12:
        return None  # an impossible date is its own finding
    if by is None:
        end = _day(ay, bm, bd, True)
        if end is not None and end < start:
            end = _day(ay + 1, bm, bd, True)
    else:
        end = _day(by, bm, bd, True)
    if end is None or end >= start:
        return None
    return FactFinding(
        "period_reversed",
        "error",
        f"期间「{m.group(0)}」的结束日期（{end.isoformat()}）早于开始日期（{start.isoformat()}）",
        sentences=(index,),
    )
