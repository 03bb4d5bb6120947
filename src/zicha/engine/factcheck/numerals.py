"""Chinese numerals (三百二十一, 两万零五) as numbers. Only used where a numeral stands directly
before a unit: 二孩, 四术 and 一票否决 are words, never figures."""

from __future__ import annotations

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
DIGITS |= {"七": 7, "八": 8, "九": 9}
SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(SMALL_UNITS) + "".join(BIG_UNITS)


def chinese_number(text: str) -> int | None:
    """The value of a Chinese numeral; None when it is not one.

    >>> chinese_number("三百二十一"), chinese_number("十二"), chinese_number("两万零五")
    (321, 12, 20005)
    >>> chinese_number("一二三"), chinese_number("二〇二四"), chinese_number("孩")
    (123, 2024, None)
    """
    if not text or any(ch not in NUMERAL_CHARS for ch in text):
        return None
    if all(ch in DIGITS for ch in text):  # read digit by digit: 二〇二四
        value = 0
        for ch in text:
            value = value * 10 + DIGITS[ch]
        return value
    total = 0  # finished groups of 亿 and 万
    section = 0  # the group below the last 万/亿
    digit: int | None = None
    for ch in text:
        if ch in DIGITS:
            if digit is not None and DIGITS[ch] != 0 and digit != 0:
                return None  # two digits without a unit between them: 三四百
            digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            section += (1 if digit is None else digit) * SMALL_UNITS[ch]
            digit = None
        else:
            section += digit or 0
            big = BIG_UNITS[ch]
            if section == 0:
                return None
            total = (total + section) * big if big > 10_000 else total + section * big
            section = 0
            digit = None
    return total + section + (digit or 0)
