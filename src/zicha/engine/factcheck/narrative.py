"""The clerk's own paragraphs of a workbook (the `narrative` sheet), fact-checked.

Their figures are checked against each other, as any report's, and each figure that states one
of the pack's indicators is compared with the value computed from the data: a paragraph that
says 236 births where the data gives 233 is an error of the data check. Notes (a last digit)
stay out of the data check: they are not failures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from zicha.domain.expression import parse, references
from zicha.domain.factcheck import FactCheck, FactFinding, Figure, TextDocument
from zicha.domain.finding import Finding
from zicha.domain.narrative import NarrativeSection
from zicha.domain.pack import Pack
from zicha.domain.period import Period
from zicha.engine.factcheck import check_text
from zicha.engine.factcheck.consistency import judge
from zicha.engine.factcheck.facts import convert, show, unit_text
from zicha.engine.factcheck.intervals import Interval
from zicha.engine.factcheck.normalization import normalize, sentences

SHEET = "文字材料"


def elements_of(pack: Pack, terms: Sequence[str]) -> tuple[str, ...]:
    """The data elements behind lexicon terms (through the indicators they state).

    >>> from zicha.packs.registry import get_pack
    >>> elements_of(get_pack(None), ["policy_birth_rate"])
    ('births', 'births_in_policy')
    """
    found: set[str] = set()
    for t in terms:
        term = pack.lexicon.terms.get(t)
        if t in pack.elements:
            found.add(t)
        if term is None or term.indicator is None:
            continue
        ind = pack.indicators[term.indicator]
        for text in (ind.numerator, ind.denominator):
            if text:
                found.update(r.name for r in references(parse(text)) if r.name in pack.elements)
    return tuple(sorted(found))


def section_of_sentences(narrative: Sequence[NarrativeSection]) -> list[str]:
    """The section each sentence of the narrative comes from, in the fact-check's order."""
    out: list[str] = []
    for part in narrative:
        out += [part.section] * len(sentences(normalize(part.text)))
    return out


def check_narrative(pack: Pack, narrative: Sequence[NarrativeSection]) -> FactCheck:
    """The narrative's figures, checked against each other."""
    document = TextDocument(SHEET, tuple(part.text for part in narrative))
    return check_text(document, pack.lexicon)


def _where(sections: Sequence[str], sentence: int) -> str:
    section = sections[sentence] if sentence < len(sections) else ""
    return f"「{SHEET}」「{section}」" if section else f"「{SHEET}」"


def narrative_findings(
    pack: Pack,
    narrative: Sequence[NarrativeSection],
    org: str,
    period: Period | None,
    row: Callable[[], Mapping[str, object]] | None = None,
) -> list[Finding]:
    """Findings of the narrative for the data check: its contradictions, and its figures against
    the computed ones when `row` is given (it answers an engine table row, `val:<indicator>`,
    and is asked only when a figure states an indicator)."""
    if not narrative or not any(part.text.strip() for part in narrative):
        return []
    fc = check_narrative(pack, narrative)
    sections = section_of_sentences(narrative)
    pid = period.id if period is not None else None
    out: list[Finding] = []
    for f in fc.findings:
        if f.severity == "note":
            continue
        first = fc.sentences_of(f)[0] if fc.sentences_of(f) else 0
        out.append(
            Finding(
                f"narrative_{f.rule}",
                f.severity,
                f"{_where(sections, first)}：{f.message}（原文：{fc.excerpt(f, first, 60)}）",
                elements_of(pack, f.terms),
                org,
                pid,
            )
        )
    stating = [f for f in fc.figures if f.term and pack.lexicon.terms[f.term].indicator]
    if row is not None and period is not None and stating:
        out += _against_data(pack, fc, sections, org, period, row())
    return out


def _against_data(
    pack: Pack,
    fc: FactCheck,
    sections: Sequence[str],
    org: str,
    period: Period,
    row: Mapping[str, object],
) -> list[Finding]:
    out: list[Finding] = []
    for fig in fc.figures:
        computed = _computed(pack, fig, period, row)
        if computed is None or fig.low is None or fig.high is None:
            continue
        value, unit, what = computed
        stated = Interval(convert(fig.low, fig.unit, unit), convert(fig.high, fig.unit, unit))
        step = abs(convert(fig.step, fig.unit, unit))
        if judge(stated, Interval.point(value), step) != "error":
            continue
        assert fig.term is not None
        term = pack.lexicon.terms[fig.term]
        finding = FactFinding("narrative_mismatch", "error", "", (fig.index,), (fig.term,))
        decimals = pack.indicators[term.indicator or ""].decimals
        out.append(
            Finding(
                "narrative_mismatch",
                "error",
                f"{_where(sections, fig.sentence)}所述{what}{term.name}为{fig.text}，"
                f"按填报数据计算为{show(value, max(decimals, 0))}{unit_text(unit)}"
                f"（原文：{fc.excerpt(finding, fig.sentence, 60)}）",
                elements_of(pack, (fig.term,)),
                org,
                period.id,
            )
        )
    return out


def _computed(
    pack: Pack, fig: Figure, period: Period, row: Mapping[str, object]
) -> tuple[float, str, str] | None:
    """The computed value a narrative figure states (its own period's figure, or the rate
    annualized), its unit, and a word for what was compared."""
    if fig.term is None or fig.scope or fig.value is None or fig.form == "masked":
        return None
    term = pack.lexicon.terms.get(fig.term)
    if term is None or term.indicator is None:
        return None
    ind = pack.indicators.get(term.indicator)
    value = row.get(f"val:{term.indicator}")
    if ind is None or not isinstance(value, float):
        return None
    unit = term.unit
    if fig.role == "actual":
        return value, unit, ""
    if fig.role == "annualized" and ind.kind == "rate":
        return value * 365 / period.days, unit, "折合全年的"
    return None
