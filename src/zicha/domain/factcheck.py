"""A report's text and the figures it states: what the fact-check reads and what it finds.

The text is a sequence of blocks (paragraphs and tables) as a file holds them; each figure is a
number with its unit and its label as the text states it, kept with the precision it was written
in; each finding names the figures it is about and shows its arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: what a figure says: a fact of the report's period, a target, a projection, an annualized
#: rate, a figure of the same period a year before, a change from it, a share of another figure,
#: a difference from something else (个百分点 below time progress), a figure quoted from
#: elsewhere, or a year-to-date figure (a table's 累计 column)
Role = Literal[
    "actual",
    "target",
    "projection",
    "annualized",
    "last_year",
    "change",
    "share",
    "difference",
    "quoted",
    "to_date",
]
#: how a figure is written: exact (to its last digit), approximate (余, 多, 以上: a bound),
#: a range (30-40), or masked/blank (XX人, 为%): missing, never zero
Form = Literal["exact", "approximate", "range", "masked"]
FactSeverity = Literal["error", "warning", "note"]


@dataclass(frozen=True)
class TextTable:
    """A table of a report: rows of cell texts, the header row first when there is one.

    >>> TextTable((("指标", "数值"), ("出生人数", "233"))).rows[1][1]
    '233'
    """

    rows: tuple[tuple[str, ...], ...]


#: one block of a report's text, in the order of the file
Block = str | TextTable


@dataclass(frozen=True)
class TextDocument:
    """A report's text as read from a file: paragraphs (str) and tables, in order.

    >>> TextDocument("a.txt", ("出生人口233人。",)).blocks[0]
    '出生人口233人。'
    """

    source: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Figure:
    """One figure a report states.

    `value` is the number as written, in `unit` (None when masked); `low`/`high` bound the true
    value it can stand for: half a unit in its last place for a rounded figure, nothing for an
    exact count, the bounds of a range or an approximation (None where open). `term` is the
    lexicon term its label names (None when the label is unknown); `label` is that term's name,
    or the label as written. `of` points to the figure a change or a last year's figure belongs
    to; `sign` is the direction of a change (+1 up, -1 down).

    >>> f = Figure(0, "出生人数", "births", 233.0, "人", "233人", 0, "actual", "exact", 233, 233)
    >>> f.value, f.is_number
    (233.0, True)
    """

    index: int
    label: str
    term: str | None
    value: float | None
    unit: str
    text: str
    sentence: int
    role: Role = "actual"
    form: Form = "exact"
    low: float | None = None
    high: float | None = None
    decimals: int = 0
    #: the size of one unit in the last written place, in `unit` (0.01 for 6.55, 0.1万 = 1000 人
    #: for 3.5万人; 0 for an exact count)
    step: float = 0.0
    qualifier: str = ""
    scope: str = ""
    said: str = ""
    sign: int = 0
    of: int | None = None
    #: where the figure's text starts in its sentence
    start: int = 0

    @property
    def is_number(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class FactFinding:
    """Something the stated figures cannot all be (error), are unlikely to be or are only under
    an assumption (warning), or differ in by a last digit that rounding explains (note).

    >>> FactFinding("parts_exceed_whole", "error", "…", (0, 1)).severity
    'error'
    """

    rule: str
    severity: FactSeverity
    message: str
    figures: tuple[int, ...] = ()
    terms: tuple[str, ...] = ()
    #: sentences the finding is about besides those of its figures (a period's dates)
    sentences: tuple[int, ...] = ()


@dataclass(frozen=True)
class FactCheck:
    """A report's text checked: its sentences, the figures it states and the findings."""

    source: str
    sentences: tuple[str, ...]
    figures: tuple[Figure, ...]
    findings: tuple[FactFinding, ...]
    #: the pack whose lexicon named the figures
    pack: str = ""

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    def sentences_of(self, finding: FactFinding) -> list[int]:
        """The sentences a finding is about, in the order of the text."""
        found = {self.figures[i].sentence for i in finding.figures} | set(finding.sentences)
        return sorted(found)

    def excerpt(self, finding: FactFinding, sentence: int, width: int = 90) -> str:
        """The part of a sentence that holds the finding's figures (all of it when short).

        >>> f = Figure(0, "出生人数", "births", 233.0, "人", "233人", 0, start=30)
        >>> fc = FactCheck("t", ("一" * 30 + "233人" + "二" * 80,), (f,), ())
        >>> fc.excerpt(FactFinding("r", "error", "", (0,)), 0)
        '…一一一一一一一一一一一一一一一一一一一一一一一一233人二二二二二二二二二二二二…'
        """
        text = self.sentences[sentence]
        if len(text) <= width:
            return text
        spots = [
            (f.start, f.start + len(f.text))
            for i in finding.figures
            if (f := self.figures[i]).sentence == sentence
        ]
        if not spots:
            return text[: width - 1] + "…"
        low = max(0, min(a for a, _ in spots) - 24)
        high = min(len(text), max(b for _, b in spots) + 12)
        return ("…" if low else "") + text[low:high] + ("…" if high < len(text) else "")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")

    @property
    def notes(self) -> int:
        return sum(1 for f in self.findings if f.severity == "note")
