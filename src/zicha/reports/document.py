"""A neutral model of an official document (公文): title, addressee, blocks, signature, date.

The model only says *what* is in the document; the writers (docx, html, markdown) decide how it
looks. It knows nothing about the subject of a report: headings carry their own numbers
("一、", "（一）", "1.", "（1）") and every text is already final.

>>> doc = Document(
...     title="XX乡人民政府关于某项工作自查情况的报告",
...     addressee="XX县人民政府：",
...     blocks=(Heading(1, "一、基本情况"), Paragraph("正文。"), Closing("特此报告。")),
...     signature="XX乡人民政府",
...     date=datetime.date(2024, 3, 31),
... )
>>> format_date_cn(doc.date)
'2024年3月31日'
"""

from __future__ import annotations

import datetime
import math
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

__all__ = [
    "ALIGNS",
    "MARKS",
    "PLACEHOLDER_PREFIX",
    "Attachment",
    "Block",
    "Chart",
    "ChartSeries",
    "Closing",
    "Document",
    "Figure",
    "Heading",
    "Mark",
    "PageBreak",
    "Paragraph",
    "Placeholder",
    "Signatures",
    "Table",
    "format_date_cn",
    "placeholder_text",
    "signature_indent_chars",
    "text_width_chars",
]

Mark: TypeAlias = Literal["good", "warn", "bad"]
MARKS: Final[tuple[str, ...]] = ("good", "warn", "bad")
ALIGNS: Final[tuple[str, ...]] = ("left", "center", "right")
PLACEHOLDER_PREFIX: Final = "待填写："


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading; ``text`` already carries its number.

    Level 1 "一、" (黑体), level 2 "（一）" (楷体), level 3 "1." and level 4 "（1）" (仿宋).
    """

    level: int
    text: str

    def __post_init__(self) -> None:
        if self.level not in (1, 2, 3, 4):
            raise ValueError(f"heading level must be 1..4, got {self.level}")


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A body paragraph; ``indent`` gives the customary two-character first-line indent."""

    text: str
    indent: bool = True


@dataclass(frozen=True, slots=True)
class Placeholder:
    """A place the clerk still has to write; shown as 【待填写：text】 and highlighted."""

    text: str


@dataclass(frozen=True, slots=True)
class Table:
    """A table with a header row.

    ``align`` gives one of "left", "center", "right" per column (default: first column left,
    the others centred). ``marks`` has one entry per body cell: None or "good", "warn", "bad",
    shown as light green, amber or red shading.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str | None = None
    align: tuple[str, ...] | None = None
    marks: tuple[tuple[str | None, ...], ...] | None = None

    def __post_init__(self) -> None:
        n = len(self.columns)
        if n == 0:
            raise ValueError("a table needs at least one column")
        for i, row in enumerate(self.rows):
            if len(row) != n:
                raise ValueError(f"table row {i} has {len(row)} cells, expected {n}")
        if self.align is not None:
            if len(self.align) != n:
                raise ValueError(f"align has {len(self.align)} entries, expected {n}")
            for a in self.align:
                if a not in ALIGNS:
                    raise ValueError(f"unknown alignment {a!r}; use one of {ALIGNS}")
        if self.marks is not None:
            if len(self.marks) != len(self.rows):
                raise ValueError(f"marks has {len(self.marks)} rows, expected {len(self.rows)}")
            for i, mrow in enumerate(self.marks):
                if len(mrow) != n:
                    raise ValueError(f"marks row {i} has {len(mrow)} entries, expected {n}")
                for m in mrow:
                    if m is not None and m not in MARKS:
                        raise ValueError(f"unknown mark {m!r}; use None or one of {MARKS}")

    def column_align(self, col: int) -> str:
        """The alignment of column ``col``."""
        if self.align is not None:
            return self.align[col]
        return "left" if col == 0 else "center"

    def mark(self, row: int, col: int) -> str | None:
        """The mark of body cell (``row``, ``col``), or None."""
        if self.marks is None:
            return None
        return self.marks[row][col]


@dataclass(frozen=True, slots=True)
class Figure:
    """A PNG picture, centred, with its caption below; ``width_mm`` at most the text width."""

    png: bytes
    caption: str
    width_mm: float = 150

    def __post_init__(self) -> None:
        if not self.png.startswith(b"\x89PNG\r\n\x1a\n"):
            raise ValueError("Figure.png must be PNG data")
        if not 0 < self.width_mm <= 156:
            raise ValueError(f"figure width must be in (0, 156] mm, got {self.width_mm}")


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """One series of a chart: a value per category (None: no data, nothing drawn).

    ``kind`` "bar" or "line"; ``color`` an RGB hex such as "4A78B5"; ``point_colors`` (bars
    only) colours single bars, None keeping the series colour; ``labels`` writes each value on
    its point.
    """

    name: str
    values: tuple[float | None, ...]
    kind: Literal["bar", "line"] = "bar"
    color: str = "4A78B5"
    point_colors: tuple[str | None, ...] | None = None
    dashed: bool = False
    marker: bool = False
    labels: bool = False


@dataclass(frozen=True, slots=True)
class Chart:
    """A chart kept as data, so that each medium draws it natively (a Word chart, SVG).

    ``horizontal`` bars run left to right with the first category at the top (lines are only
    allowed in upright charts). ``percent`` shows the values, which are fractions, as per cent.
    ``value_title`` names the value axis ("单位：人").

    >>> c = Chart("逐月出生", ("1月", "2月"), (ChartSeries("当月", (3.0, None)),), "图1  逐月出生")
    >>> c.value_range()
    (0.0, 3.0)
    """

    title: str
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    caption: str
    horizontal: bool = False
    percent: bool = False
    value_title: str | None = None
    width_mm: float = 150
    height_mm: float = 85

    def __post_init__(self) -> None:
        if not self.series:
            raise ValueError("a chart needs at least one series")
        n = len(self.categories)
        for s in self.series:
            if len(s.values) != n:
                raise ValueError(f"series {s.name!r} has {len(s.values)} values, expected {n}")
            if s.point_colors is not None and len(s.point_colors) != n:
                raise ValueError(f"series {s.name!r} has {len(s.point_colors)} point colours")
            if s.kind == "line" and self.horizontal:
                raise ValueError("a horizontal chart has bar series only")
        if not 0 < self.width_mm <= 156:
            raise ValueError(f"chart width must be in (0, 156] mm, got {self.width_mm}")

    def value_range(self) -> tuple[float, float]:
        """The smallest and largest value drawn, with 0 always inside the range."""
        values = [v for s in self.series for v in s.values if v is not None]
        return min([0.0, *values]), max([0.0, *values])

    def _padded_top(self) -> float:
        top = self.value_range()[1]
        if self.percent:
            return max(top, 1.0) * 1.15
        return top * 1.1 if top > 0 else 1.0

    def axis_step(self) -> float:
        """The distance between the value axis' gridlines (at most six of them).

        >>> Chart("t", ("a",), (ChartSeries("s", (233,)),), "").axis_step()
        50.0
        """
        top = self._padded_top()
        if self.percent:
            return 0.2 if top > 0.6 else 0.1
        step = _nice_ceiling(top / 6)
        return step

    def axis_max(self) -> float:
        """A round top for the value axis with room for the labels beyond the longest bar.

        >>> def top(v, pct): return Chart("t", ("a",), (ChartSeries("s", (v,)),), "", percent=pct)
        >>> top(1.0, True).axis_max(), top(0.457, True).axis_max(), top(233, False).axis_max()
        (1.2, 1.2, 300.0)
        """
        step = self.axis_step()
        return round(math.ceil(self._padded_top() / step - 1e-9) * step, 10)


def _nice_ceiling(x: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10ⁿ that is at least ``x`` (x > 0).

    >>> _nice_ceiling(233), _nice_ceiling(0.07), _nice_ceiling(50)
    (250.0, 0.1, 50.0)
    """
    magnitude = 10 ** math.floor(math.log10(x))
    for step in (1, 2, 2.5, 5, 10):
        if step * magnitude >= x * (1 - 1e-12):
            return float(step * magnitude)
    return float(10 * magnitude)  # pragma: no cover - the loop always returns


@dataclass(frozen=True, slots=True)
class Closing:
    """The closing formula, e.g. "特此报告。"."""

    text: str


@dataclass(frozen=True, slots=True)
class PageBreak:
    """Start the next block on a new page."""


@dataclass(frozen=True, slots=True)
class Signatures:
    """The signature blocks of the parties to an agreement, side by side, one line each:
    ("甲方：XX县人民政府", "（盖章）", "负责人（签字）：", "", "2010年10月8日"); an empty line
    leaves room to sign. Kept together on one page."""

    parties: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        if not self.parties:
            raise ValueError("signatures need at least one party")

    @property
    def rows(self) -> int:
        """Lines of the longest block."""
        return max(len(p) for p in self.parties)


Block: TypeAlias = (
    Heading | Paragraph | Placeholder | Table | Figure | Chart | Closing | PageBreak | Signatures
)


@dataclass(frozen=True, slots=True)
class Attachment:
    """An attachment (附件): starts on a new page with its label and centred title."""

    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """A whole official document.

    ``addressee`` ends in a full-width colon ("中共XX县委："); ``signature`` is the issuing
    organ; ``date`` the date of writing (成文日期). ``draft_mark`` (e.g. "征求意见稿") is shown
    at the top of every page while the document is not ready to be sent.
    """

    title: str
    addressee: str | None
    blocks: tuple[Block, ...]
    signature: str | None
    date: datetime.date | None
    attachments: tuple[Attachment, ...] = ()
    subtitle: str | None = None
    draft_mark: str | None = None

    def attachment_label(self, index: int) -> str:
        """The label of attachment ``index`` (0-based): "附件" alone, else "附件1", "附件2"…

        GB/T 9704-2012 numbers attachments only when there are several.
        """
        if len(self.attachments) == 1:
            return "附件"
        return f"附件{index + 1}"


def format_date_cn(date: datetime.date) -> str:
    """A date as written in an official document: Arabic numerals, no zero padding.

    >>> format_date_cn(datetime.date(2024, 3, 1))
    '2024年3月1日'
    """
    return f"{date.year}年{date.month}月{date.day}日"


def placeholder_text(text: str) -> str:
    """The visible text of a placeholder: 【待填写：text】 (kept as is if already bracketed).

    >>> placeholder_text("本期主要做法")
    '【待填写：本期主要做法】'
    """
    t = text.strip()
    if t.startswith("【") and t.endswith("】"):
        return t
    return f"【{PLACEHOLDER_PREFIX}{t}】"


def text_width_chars(text: str) -> float:
    """Width of ``text`` in characters of its font size: CJK and full-width 1, others ½.

    >>> text_width_chars("2011年3月31日")
    6.5
    """
    width = 0.0
    for ch in text:
        width += 1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 0.5
    return width


def signature_indent_chars(signature: str, date_text: str) -> float:
    """How far (in characters) the issuer stands from the right margin.

    The date stands 4 characters in from the right; the issuer is centred over the date
    (GB/T 9704-2012 7.3.5.1, sealed documents), rounded to a quarter character.
    """
    if not date_text:
        return 4.0
    right = 4 + (text_width_chars(date_text) - text_width_chars(signature)) / 2
    return max(0.0, round(right * 4) / 4)
