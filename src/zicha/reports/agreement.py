"""The target responsibility agreement (目标管理责任书) as a `Document`.

One agreement between an issuing unit (甲方, a county or a township) and one unit below it
(乙方): the year, the numbered targets in words, the scoring clauses of the assessment method,
the veto clauses, the pack's own articles, and both parties' signature blocks. The order of the
parts and every sentence come from the pack (`agreement.toml`); this module only fills them in.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from zicha.domain.agreement import AgreementSection, AgreementWording, Term
from zicha.domain.numbers import fmt_trim
from zicha.domain.orgunit import OrgUnit
from zicha.domain.period import Period
from zicha.domain.target import Bound
from zicha.engine.scoring import scoring_mode
from zicha.reports.document import (
    Block,
    Document,
    Heading,
    Paragraph,
    Signatures,
    format_date_cn,
)
from zicha.reports.self_inspection import cn_number
from zicha.reports.wording import PROSE_UNITS, bound_phrase, fill

__all__ = [
    "AgreementContext",
    "build_agreement",
    "miss_kind",
    "party_name",
    "scoring_clause",
    "target_phrase",
    "year_text",
]


@dataclass(frozen=True)
class AgreementContext:
    """Everything one agreement is drafted from.

    `date` is the signing date; None leaves the pack's blank date line to be written by hand.
    """

    wording: AgreementWording
    issuer: OrgUnit
    party: OrgUnit
    period: Period
    terms: Sequence[Term]
    date: datetime.date | None = None

    @property
    def scored(self) -> list[Term]:
        return [t for t in self.terms if t.points is not None]

    @property
    def total(self) -> float:
        """The full marks: every scored target's points times its weight."""
        return sum(t.weighted_points or 0.0 for t in self.scored)


def _num(x: float) -> str:
    return fmt_trim(x, 4)


def year_text(period: Period) -> str:
    """The year an agreement is for: "2010年度" for a (statistical) year, else the label.

    >>> from zicha.domain.period import parse_period
    >>> year_text(parse_period("2010Oct")), year_text(parse_period("2024")), year_text(
    ...     parse_period("2024S1"))
    ('2010年度', '2024年度', '2024年上半年')
    """
    if period.kind in ("year", "fyear"):
        return f"{period.start.year}年度"
    return period.label


def party_name(names: Mapping[str, str], unit: OrgUnit) -> str:
    """A party's name by its unit's kind (乡镇 → "XX乡人民政府"), else the unit's name.

    >>> names = {"乡镇": "{name}人民政府"}
    >>> party_name(names, OrgUnit("510001", "XX乡", "510000", "乡镇")), party_name(
    ...     names, OrgUnit("51000101", "XX煤矿", "510001", "企业"))
    ('XX乡人民政府', 'XX煤矿')
    """
    template = names.get(unit.kind.strip())
    if not template:
        return unit.name
    return fill(template, {"name": unit.name, "code": unit.code})


def miss_kind(bound: Bound) -> str:
    """How a shortfall is measured: "cap", "floor", "range" or "exact".

    >>> miss_kind(Bound("<=", 510.0)), miss_kind(Bound("range", low=105.0, high=107.0))
    ('cap', 'range')
    """
    if bound.op == "range":
        return "range"
    if bound.is_cap:
        return "cap"
    if bound.is_floor:
        return "floor"
    return "exact"


def target_phrase(wording: AgreementWording, term: Term) -> str:
    """The target in words: "全年出生人口控制在510人以内" (the pack's phrase, else name + bound)."""
    ind = term.indicator
    values = {
        "name": ind.name,
        "bound": bound_phrase(term.target.bound, ind.decimals, ind.unit),
        "unit": ind.unit if ind.unit in PROSE_UNITS else "",
    }
    return fill(wording.target_phrases.get(ind.id, "{name}{bound}"), values)


def _step_unit(wording: AgreementWording, unit: str) -> str:
    word = wording.scoring.step_units.get(unit)
    if word is not None:
        return word
    return unit if unit in PROSE_UNITS else ""


def scoring_clause(wording: AgreementWording, term: Term, common: Mapping[str, str]) -> str:
    """How one target is scored, from the template of its mode, with the veto, weight and
    split notes of its assessment item."""
    s = wording.scoring
    ind, item, bound = term.indicator, term.item, term.target.bound
    mode = scoring_mode(item, bound)
    step = item.step if item is not None and item.step is not None else 1.0
    deduct = item.deduct if item is not None and item.deduct is not None else 0.0
    values = {
        **common,
        "name": ind.name,
        "target": target_phrase(wording, term),
        "bound": bound_phrase(bound, ind.decimals, ind.unit),
        "points": _num(term.points) if term.points is not None else "",
        "step": _num(step) + _step_unit(wording, ind.unit),
        "deduct": _num(deduct),
        "miss": s.miss.get(miss_kind(bound), ""),
        "weight": _num(term.weight),
        "split": ":".join(_num(x) for x in item.split) if item and item.split else "",
    }
    templates = {
        "all_or_nothing": s.all_or_nothing,
        "deduct": s.deduct,
        "pro_rata": s.pro_rata,
        "fixed": s.fixed,
    }
    text = fill(templates[mode], values)
    if term.veto and s.veto_note:
        text += fill(s.veto_note, values)
    if term.weight != 1.0 and s.weight_note:
        text += fill(s.weight_note, values)
    if item is not None and item.split and s.split_note:
        text += fill(s.split_note, values)
    return text


def _veto_clause(wording: AgreementWording, term: Term, common: Mapping[str, str]) -> str:
    ind = term.indicator
    values = {
        **common,
        "name": ind.name,
        "target": target_phrase(wording, term),
        "bound": bound_phrase(term.target.bound, ind.decimals, ind.unit),
        "points": _num(term.points) if term.points is not None else "",
    }
    return fill(wording.veto, values)


def _numbered(texts: Sequence[str], last: str = "") -> list[Block]:
    """ "1.…" paragraphs; `last` replaces the final mark of the last one ("；" → "。")."""
    blocks: list[Block] = []
    for i, text in enumerate(texts, start=1):
        if last and i == len(texts):
            text = text.rstrip("；;，,。") + last
        blocks.append(Paragraph(f"{i}.{text}"))
    return blocks


def _targets(ctx: AgreementContext) -> list[Block]:
    phrases = [target_phrase(ctx.wording, t) + "；" for t in ctx.terms]
    return _numbered(phrases, last="。")


def _scoring(ctx: AgreementContext, common: Mapping[str, str]) -> list[Block]:
    scored = ctx.scored
    if not any(t.item is not None and t.item.group for t in scored):
        return _numbered([scoring_clause(ctx.wording, t, common) for t in scored])
    groups: dict[str, list[Term]] = {}
    for t in scored:
        group = t.item.group if t.item is not None and t.item.group else ""
        groups.setdefault(group, []).append(t)
    # the terms of no group last, under the pack's heading for them
    ordered = sorted(groups.items(), key=lambda group: not group[0])
    blocks: list[Block] = []
    for n, (group, terms) in enumerate(ordered, start=1):
        name = group or ctx.wording.scoring.other_group
        points = sum(t.weighted_points or 0.0 for t in terms)
        heading = fill(ctx.wording.scoring.group, {**common, "group": name, "points": _num(points)})
        if name:
            blocks.append(Heading(2, f"（{cn_number(n)}）{heading}"))
        blocks += _numbered([scoring_clause(ctx.wording, t, common) for t in terms])
    return blocks


def _veto(ctx: AgreementContext, common: Mapping[str, str]) -> list[Block]:
    clauses = [_veto_clause(ctx.wording, t, common) for t in ctx.terms if t.veto]
    if len(clauses) == 1:
        return [Paragraph(clauses[0])]
    return _numbered(clauses)


def _section_body(
    ctx: AgreementContext, section: AgreementSection, common: Mapping[str, str]
) -> list[Block]:
    if section.content == "targets":
        return _targets(ctx)
    if section.content == "scoring":
        return _scoring(ctx, common)
    if section.content == "veto":
        return _veto(ctx, common)
    return [Paragraph(fill(p, common)) for p in section.paragraphs]


def common_fields(ctx: AgreementContext) -> dict[str, str]:
    """The placeholders every text of the agreement may use."""
    w, p = ctx.wording, ctx.period
    return {
        "issuer": ctx.issuer.name,
        "org": ctx.party.name,
        "party_a": party_name(w.party_names, ctx.issuer),
        "party_b": party_name(w.party_names, ctx.party),
        "year": year_text(p),
        "period": p.label,
        "span": f"{format_date_cn(p.start)}至{format_date_cn(p.end)}",
        "start": format_date_cn(p.start),
        "end": format_date_cn(p.end),
        "total": _num(ctx.total),
        "count": str(len(ctx.terms)),
    }


def build_agreement(ctx: AgreementContext) -> Document:
    """The whole agreement between `ctx.issuer` and `ctx.party` for `ctx.period`."""
    w = ctx.wording
    common = common_fields(ctx)
    blocks: list[Block] = [Paragraph(fill(line, common), indent=False) for line in w.parties]
    blocks.append(Paragraph(fill(w.preamble, common)))
    number = 0
    for section in w.sections:
        body = _section_body(ctx, section, common)
        if not body and not (section.content == "text" and section.intro):
            continue
        number += 1
        blocks.append(Heading(1, f"{cn_number(number)}、{fill(section.heading, common)}"))
        if section.intro:
            blocks.append(Paragraph(fill(section.intro, common)))
        blocks += body
    signed = {**common, "date": format_date_cn(ctx.date) if ctx.date else w.blank_date}
    if w.signatures:
        blocks.append(
            Signatures(tuple(tuple(fill(line, signed) for line in block) for block in w.signatures))
        )
    return Document(
        title=fill(w.title, common),
        addressee=None,
        blocks=tuple(blocks),
        signature=None,
        date=None,
    )
