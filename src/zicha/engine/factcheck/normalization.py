"""A report's text made uniform before its figures are read: traditional script folded to
simplified, full-width digits, letters and signs made half-width, sentences split.

Folding uses OpenCC (the `opencc` package: the reference converter, phrase-aware, with wheels
for every platform and no download at run time); its `t2s` table leaves simplified text as it
is, so a simplified report is not changed by it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Protocol


class _Converter(Protocol):
    def convert(self, text: str) -> str: ...


@lru_cache(maxsize=1)
def _converter() -> _Converter:
    import opencc  # loaded on first use: the fact-check is the only user

    converter: _Converter = opencc.OpenCC("t2s")
    return converter


def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for i in range(10):
        table[ord("０") + i] = str(i)
    for i in range(26):
        table[ord("Ａ") + i] = chr(ord("A") + i)
        table[ord("ａ") + i] = chr(ord("a") + i)
    signs = {
        "．": ".",
        "％": "%",
        "﹪": "%",
        "＋": "+",
        "－": "-",
        "﹣": "-",
        "−": "-",
        "～": "~",
        "〜": "~",
        "∶": ":",
        "＜": "<",
        "＞": ">",
        "＝": "=",
        "≦": "≤",
        "≧": "≥",
        "＿": "_",
        "＊": "*",
        "\u3000": " ",
        "\u00a0": " ",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u200b": "",
        "\ufeff": "",
    }
    for k, v in signs.items():
        table[ord(k)] = v
    return table


_HALF_WIDTH = _table()


def normalize(text: str) -> str:
    """Simplified script, half-width digits, letters and signs; line ends kept.

    >>> normalize("半年來全鄉共出生人口２３３人，出生率為６．５５‰")
    '半年来全乡共出生人口233人，出生率为6.55‰'
    >>> normalize("二孩、四术、一票否决")
    '二孩、四术、一票否决'
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if any(ord(ch) >= 0x3400 for ch in text):
        text = _converter().convert(text)
    return text.translate(_HALF_WIDTH)


_SENTENCE_END = re.compile(r"[。！？!?]+|\n+")


def sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences, ending at 。！？ or a line end, stripped, empty ones dropped.

    >>> sentences("出生233人。死亡95人！\\n其中男性50人")
    ['出生233人。', '死亡95人！', '其中男性50人']
    """
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(paragraph):
        piece = paragraph[start : m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    rest = paragraph[start:].strip()
    if rest:
        out.append(rest)
    return out
