"""The county's assessment method (考核办法): how each target turns into points."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Mode = Literal["all_or_nothing", "deduct", "pro_rata", "fixed"]

#: accepted spellings of each mode (CONTRACT §5 and their Chinese names)
MODE_NAMES: dict[str, Mode] = {
    "all_or_nothing": "all_or_nothing",
    "达标得分": "all_or_nothing",
    "deduct": "deduct",
    "按差距扣分": "deduct",
    "pro_rata": "pro_rata",
    "按比例得分": "pro_rata",
    "fixed": "fixed",
    "固定扣分": "fixed",
}


#: the Chinese name of each mode, as the 考核办法 sheet writes it
MODE_LABELS: dict[Mode, str] = {
    "all_or_nothing": "达标得分",
    "deduct": "按差距扣分",
    "pro_rata": "按比例得分",
    "fixed": "固定扣分",
}


@dataclass(frozen=True)
class AssessmentItem:
    """One row of the `assessment` sheet (or of a pack's `assessment.toml`).

    `key` is an indicator id, or a checklist item's text (checklist items may be scored too).
    `weight` multiplies the item's points and score (weighted sub-totals such as 6:4);
    `split` gives the shares of an annual task by part of the year ("4:3:3" by thirds,
    "3:3:2:2" by quarters): progress is judged against the share due, not the time elapsed.

    >>> AssessmentItem("births", points=10, mode="deduct", step=1, deduct=1).mode
    'deduct'
    """

    key: str
    points: float | None = None
    mode: Mode = "all_or_nothing"
    step: float | None = None
    deduct: float | None = None
    veto: bool = False
    weight: float = 1.0
    group: str | None = None
    split: tuple[float, ...] | None = None
    source: str | None = None


def parse_split(text: str) -> tuple[float, ...]:
    """ "4:3:3" → (4.0, 3.0, 3.0); also ：, ／ and - as separators.

    >>> parse_split("4:3:3"), parse_split("3：3：2：2")
    ((4.0, 3.0, 3.0), (3.0, 3.0, 2.0, 2.0))
    """
    parts = [p for p in text.replace("：", ":").replace("／", ":").replace("/", ":").split(":")]
    values = tuple(float(p.strip()) for p in parts if p.strip())
    if len(values) < 2 or any(v < 0 or not math.isfinite(v) for v in values) or sum(values) <= 0:
        raise ValueError(f"分期比例「{text}」应为两个以上非负数，用冒号分隔，如 4:3:3")
    return values
