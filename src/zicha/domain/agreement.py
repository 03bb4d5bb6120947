"""The target responsibility agreement (目标管理责任书): its terms and a pack's wording for it.

A county (or a township) signs one agreement with each unit below it: the unit's targets for the
year, how the assessment method scores each of them, the veto items. The terms are data taken from
the targets and the assessment method; every sentence around them comes from the pack
(`agreement.toml`), never from code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:  # a pack holds its agreement wording: the pack module imports this one
    from zicha.domain.assessment import AssessmentItem
    from zicha.domain.pack import Indicator
    from zicha.domain.target import Target

SectionContent = Literal["targets", "scoring", "veto", "text"]
SECTION_CONTENTS: Final[tuple[str, ...]] = ("targets", "scoring", "veto", "text")

#: how a shortfall is measured, by the kind of bound: keys of `[agreement.scoring.miss]`
MISS_KINDS: Final[tuple[str, ...]] = ("cap", "floor", "range", "exact")

#: placeholders every template of the agreement may use
COMMON_FIELDS: Final = frozenset(
    {
        "issuer",
        "org",
        "party_a",
        "party_b",
        "year",
        "period",
        "span",
        "start",
        "end",
        "total",
        "count",
    }
)
#: placeholders of a target's phrase (`[agreement.targets]`)
TARGET_FIELDS: Final = frozenset({"name", "bound", "unit"})
#: placeholders of a scoring clause, its notes and the veto clause
CLAUSE_FIELDS: Final = COMMON_FIELDS | frozenset(
    {"name", "target", "bound", "points", "step", "deduct", "miss", "weight", "split"}
)
#: placeholders of a party's name (`[agreement.party_names]`)
PARTY_FIELDS: Final = frozenset({"name", "code"})
#: placeholders of a signature line
SIGNATURE_FIELDS: Final = COMMON_FIELDS | frozenset({"date"})
#: placeholders of a group heading of the scoring section
GROUP_FIELDS: Final = COMMON_FIELDS | frozenset({"group", "points"})


@dataclass(frozen=True)
class Term:
    """One target of an agreement and how the assessment method scores it.

    `item` is the assessment item of the indicator (None: no item, all-or-nothing); `points` the
    target's points, else the item's, else the indicator's (None: not scored).

    >>> from zicha.domain.pack import Indicator
    >>> from zicha.domain.period import parse_period
    >>> from zicha.domain.target import Bound, Target
    >>> births = Indicator("births", "出生人数", "人", "births")
    >>> t = Target("510001", parse_period("2010Oct"), "births", Bound("<=", 510.0))
    >>> Term(births, t, None, 10.0).weighted_points
    10.0
    """

    indicator: Indicator
    target: Target
    item: AssessmentItem | None
    points: float | None

    @property
    def weight(self) -> float:
        return self.item.weight if self.item is not None else 1.0

    @property
    def veto(self) -> bool:
        return self.item is not None and self.item.veto

    @property
    def weighted_points(self) -> float | None:
        """The points the item adds to the full marks (points × weight)."""
        return None if self.points is None else self.points * self.weight


@dataclass(frozen=True)
class AgreementSection:
    """One numbered part of the agreement: `content` says what fills it.

    - `targets`: the numbered list of the unit's targets in words;
    - `scoring`: one clause per scored target, from the assessment method;
    - `veto`: one clause per veto item (the part is left out when there is none);
    - `text`: the pack's own `paragraphs`.

    `intro` is an optional paragraph under the heading.
    """

    heading: str
    content: SectionContent
    intro: str = ""
    paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScoringWording:
    """The clauses of the scoring part, one template per mode of the assessment method.

    `miss` words a shortfall by kind of bound (`cap`, `floor`, `range`, `exact`); `step_units`
    words the unit of a step by the indicator's unit ("%" → "个百分点"), the unit itself
    otherwise.
    """

    all_or_nothing: str
    deduct: str
    pro_rata: str
    fixed: str
    veto_note: str = ""
    weight_note: str = ""
    split_note: str = ""
    group: str = "{group}"
    other_group: str = ""
    miss: Mapping[str, str] = field(default_factory=dict)
    step_units: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AgreementWording:
    """Every sentence of a pack's agreement (`agreement.toml`). Placeholders in braces.

    `parties` are the lines under the title naming the parties; `party_names` names a party by
    its org unit's kind ("乡镇" → "{name}人民政府"), the unit's own name otherwise;
    `target_phrases` words each indicator's target ("全年出生人口{bound}"), "{name}{bound}"
    otherwise; `signatures` holds each party's signature block, line by line; `blank_date` is
    the date line left for the signing when no date is given.
    """

    title: str
    preamble: str
    sections: tuple[AgreementSection, ...]
    scoring: ScoringWording
    veto: str
    parties: tuple[str, ...] = ()
    party_names: Mapping[str, str] = field(default_factory=dict)
    target_phrases: Mapping[str, str] = field(default_factory=dict)
    signatures: tuple[tuple[str, ...], ...] = ()
    blank_date: str = "　　年　　月　　日"
