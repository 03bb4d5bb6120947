"""Checks of the figures a report states against each other, each finding with its arithmetic.

- a term stated twice must be stated the same way;
- a rate against its own count and base (every reading of it in the lexicon), and a rate that
  cannot exceed 100 % (stated, or implied by its count and base);
- rates over the same base (birth, death and natural growth rates over one average population)
  must imply bases that can be equal; an identity between rates (CBR − CDR = NGR) must hold;
- the parts of a partition must add up to the whole, or at least not exceed it, and so must a
  "其中" list written in the text; "占…的 N%" must be the share it says.

A rate checked against a stated year-end population is only a warning (reports divide by the
average population). A difference that one unit in the last written place explains (rounding
or truncation) is a note, never an error.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from zicha.domain.factcheck import FactFinding, FactSeverity, Figure
from zicha.domain.lexicon import Lexicon, Rate, Signed, show_sum
from zicha.engine.factcheck.extraction import Relation
from zicha.engine.factcheck.facts import (
    Facts,
    Known,
    convert,
    interval_of,
    said,
    show,
    show_interval,
    step_of,
    unit_text,
)
from zicha.engine.factcheck.intervals import EPS, Interval


def judge(stated: Interval, expected: Interval, step: float) -> FactSeverity | None:
    """None when the two can agree; a note when they differ by no more than one unit in the
    last written place (rounding or truncation), else an error.

    >>> judge(Interval(85.35, 85.45), Interval(85.408, 85.408), 0.1) is None
    True
    >>> judge(Interval(85.395, 85.405), Interval(85.408, 85.408), 0.01)
    'note'
    >>> judge(Interval(85.25, 85.35), Interval(85.408, 85.408), 0.1)
    'error'
    """
    if stated.meets(expected):
        return None
    if step > 0 and stated.gap(expected) <= step / 2 + EPS * max(1.0, abs(expected.mid)):
        return "note"
    return "error"


def _said(facts: Facts, known: Known) -> str:
    return "、".join(dict.fromkeys(said(facts.figures[i]) for i in known.figures))


def stated_twice(facts: Facts) -> list[FactFinding]:
    """The same term, scope and role stated twice must be stated the same way."""
    out: list[FactFinding] = []
    for (term, _scope, role), figs in facts.groups.items():
        if role not in ("actual", "last_year"):
            continue
        unit = facts.term(term).unit
        exact = [f for f in figs if f.form in ("exact", "range") and f.low is not None]
        if len(exact) < 2:
            continue
        first = exact[0]
        first_i = interval_of(first, unit)
        assert first_i is not None
        for other in exact[1:]:
            other_i = interval_of(other, unit)
            assert other_i is not None
            step = max(step_of(first, unit), step_of(other, unit))
            severity = judge(first_i, other_i, step)
            if severity is None:
                continue
            which = "去年同期的" if role == "last_year" else ""
            out.append(
                FactFinding(
                    "stated_twice",
                    severity,
                    f"{which}{facts.term(term).name}前后说法不一致：一处为{said(first)}，"
                    f"另一处为{said(other)}"
                    + ("（末位差异，可能是四舍五入或截尾造成）" if severity == "note" else ""),
                    (first.index, other.index),
                    (term,),
                )
            )
    return out


def _expected(facts: Facts, r: Rate, scope: str) -> tuple[Known, Known, Interval, str] | None:
    """A reading of a rate from its stated count and base (or a stand-in for the base)."""
    num = facts.total(r.numerator, scope)
    if num is None:
        return None
    den = facts.total(r.denominator, scope)
    stand_in = ""
    if den is None:
        for s in r.stand_ins:
            k = facts.value(s, scope)
            if k is not None and k.exact:
                den, stand_in = k, s
                break
    if den is None:
        return None
    quotient = num.interval / den.interval
    if quotient is None:
        return None
    return num, den, quotient.scale(r.factor), stand_in


def _formula(facts: Facts, r: Rate, scope: str, value: Interval, stand_in: str) -> str:
    unit = unit_text(facts.term(r.rate).unit)
    den = [(1, stand_in)] if stand_in else list(r.denominator)
    names = facts.lexicon.names()
    return (
        f"{show_sum(r.numerator, names)} ÷ {show_sum(tuple(den), names)} = "
        f"{facts.sum_text(r.numerator, scope)} ÷ {facts.sum_text(den, scope)} = "
        f"{show_interval(value, 2, unit)}"
    )


def rates(facts: Facts, scope: str) -> list[FactFinding]:
    """Each stated rate against its count and base; rates over their maximum."""
    out: list[FactFinding] = []
    lexicon = facts.lexicon
    for rate_id in dict.fromkeys(r.rate for r in lexicon.rates):
        readings = lexicon.readings(rate_id)
        term = facts.term(rate_id)
        unit = unit_text(term.unit)
        known = facts.stated(rate_id, scope)
        maximum = next((r.maximum for r in readings if r.maximum is not None), None)
        over: FactSeverity = next((r.over for r in readings if r.maximum is not None), "error")
        evaluated = [(r, e) for r in readings if (e := _expected(facts, r, scope)) is not None]
        if known is None:
            for r, (num, den, value, stand_in) in evaluated:
                if stand_in or maximum is None or value.low <= maximum + EPS:
                    continue
                out.append(
                    FactFinding(
                        "rate_over_maximum",
                        over,
                        f"{term.name} = {_formula(facts, r, scope, value, stand_in)}，"
                        f"超过{show(maximum)}{unit}，不可能",
                        num.figures + den.figures,
                        (rate_id, *(t for _, t in r.numerator + r.denominator)),
                    )
                )
                break
            continue
        if maximum is not None and known.interval.low > maximum + EPS:
            out.append(
                FactFinding(
                    "rate_over_maximum",
                    over,
                    f"所述{term.name}{_said(facts, known)}超过{show(maximum)}{unit}，不可能",
                    known.figures,
                    (rate_id,),
                )
            )
        direct = [(r, e) for r, e in evaluated if not e[3]]
        stand = [(r, e) for r, e in evaluated if e[3]]
        if direct:
            verdicts = [judge(known.interval, e[2], known.step) for _, e in direct]
            if any(v is None for v in verdicts):
                continue
            r, (num, den, value, stand_in) = min(
                direct, key=lambda item: known.interval.gap(item[1][2])
            )
            severity: FactSeverity = "note" if "note" in verdicts else "error"
            out.append(
                FactFinding(
                    "rate_mismatch",
                    severity,
                    f"{term.name} = {_formula(facts, r, scope, value, stand_in)}，"
                    f"与所述{_said(facts, known)}不符"
                    + ("（末位差异，可能是截尾而非四舍五入）" if severity == "note" else ""),
                    known.figures + num.figures + den.figures,
                    (rate_id, *(t for _, t in r.numerator + r.denominator)),
                )
            )
        elif stand:
            if any(judge(known.interval, e[2], known.step) is None for _, e in stand):
                continue
            r, (num, den, value, stand_in) = stand[0]
            out.append(
                FactFinding(
                    "rate_vs_stand_in",
                    "warning",
                    f"{term.name}按所述{facts.term(stand_in).name}计算 = "
                    f"{_formula(facts, r, scope, value, stand_in)}，与所述{_said(facts, known)}"
                    f"不符；若所述率按平均人口计算则可能无误，请核对所用人口",
                    known.figures + num.figures + den.figures,
                    (rate_id, stand_in),
                )
            )
    return out


def shared_bases(facts: Facts, scope: str) -> list[FactFinding]:
    """Rates over one base (not stated) must imply bases that can be equal."""
    groups: dict[tuple[Signed, ...], list[tuple[Rate, Known, Known, Interval, Interval]]]
    groups = defaultdict(list)
    seen: set[str] = set()
    for r in facts.lexicon.rates:
        if r.rate in seen:
            continue
        seen.add(r.rate)  # the first reading of a rate names its base
        known = facts.stated(r.rate, scope)
        num = facts.total(r.numerator, scope)
        if known is None or not known.exact or num is None:
            continue
        if facts.total(r.denominator, scope) is not None:
            continue  # a stated base: `rates` checks each rate against it
        implied = num.interval.scale(r.factor) / known.interval
        wide = Interval(known.interval.low - known.step / 2, known.interval.high + known.step / 2)
        loose = num.interval.scale(r.factor) / wide
        if implied is None or loose is None:
            continue
        groups[r.denominator].append((r, known, num, implied, loose))
    out: list[FactFinding] = []
    names = facts.lexicon.names()
    for key, items in groups.items():
        base = show_sum(key, names)
        for i, (ra, ka, na, ia, la) in enumerate(items):
            for rb, kb, nb, ib, lb in items[i + 1 :]:
                if ia.meets(ib):
                    continue
                severity: FactSeverity = "note" if la.meets(lb) else "error"
                out.append(
                    FactFinding(
                        "base_mismatch",
                        severity,
                        f"{facts.term(ra.rate).name}{_said(facts, ka)}与"
                        f"{facts.term(rb.rate).name}{_said(facts, kb)}所用的{base}不可能相同："
                        f"{_implied(facts, ra, ka, ia, base, scope)}；"
                        f"{_implied(facts, rb, kb, ib, base, scope)}",
                        ka.figures + kb.figures + na.figures + nb.figures,
                        (ra.rate, rb.rate, *(t for _, t in key)),
                    )
                )
    return out


def _implied(facts: Facts, r: Rate, k: Known, value: Interval, base: str, scope: str) -> str:
    """按出生率，平均人口 = 233 ÷ 6.55‰ = 35573（35545～35600）"""
    return (
        f"按{facts.term(r.rate).name}，{base} = {facts.sum_text(r.numerator, scope)} ÷ "
        f"{_said(facts, k)} = {show_interval(value, 0)}"
    )


def identities(facts: Facts, scope: str) -> list[FactFinding]:
    """A rate that equals a sum of other rates (natural growth = birth rate − death rate)."""
    out: list[FactFinding] = []
    names = facts.lexicon.names()
    for ident in facts.lexicon.identities:
        left = facts.stated(ident.left, scope)
        right = facts.total(ident.right, scope)
        if left is None or right is None or not left.exact:
            continue
        step = max(left.step, right.step)
        severity = judge(left.interval, right.interval, step)
        if severity is None:
            continue
        unit = unit_text(facts.term(ident.left).unit)
        out.append(
            FactFinding(
                "identity_mismatch",
                severity,
                f"{show_sum(ident.right, names)} = {facts.sum_text(ident.right, scope, False)} = "
                f"{show_interval(right.interval, 2, unit)}，与所述{names[ident.left]}"
                f"{_said(facts, left)}不符",
                left.figures + right.figures,
                (ident.left, *(t for _, t in ident.right)),
            )
        )
    return out


def partitions(facts: Facts, scope: str) -> list[FactFinding]:
    """Parts of a whole add up to it (complete partitions), or never exceed it."""
    out: list[FactFinding] = []
    names = facts.lexicon.names()
    reported: list[set[int]] = []
    for p in facts.lexicon.partitions:
        whole = facts.stated(p.whole, scope)
        if whole is None or not whole.exact:
            continue
        unit = unit_text(facts.term(p.whole).unit)
        parts = [(x, facts.at_least(x, scope)) for x in p.parts]
        given = [(x, k) for x, k in parts if k is not None]
        if not given:
            continue
        terms = (p.whole, *(x for x, _ in given))
        figures = whole.figures + tuple(i for _, k in given for i in k.figures)
        if any(set(figures) <= seen for seen in reported):
            continue  # the same figures, grouped another way (一孩 + 二孩及以上)
        reported.append(set(figures))
        sum_text = " + ".join(
            f"{names[x]}{' ' if k.exact else '至少 '}{show(k.interval.low)}" for x, k in given
        )
        step = max([whole.step, *(k.step for _, k in given)])
        if p.complete and len(given) == len(parts) and all(k.exact for _, k in given):
            total = Interval(
                sum(k.interval.low for _, k in given), sum(k.interval.high for _, k in given)
            )
            severity = judge(whole.interval, total, step)
            if severity is not None:
                out.append(
                    FactFinding(
                        "partition_sum",
                        severity,
                        f"{sum_text} = {show_interval(total, 2, unit)}，"
                        f"不等于所述{names[p.whole]}{_said(facts, whole)}",
                        figures,
                        terms,
                    )
                )
            continue
        low = sum(k.interval.low for _, k in given)
        severity = judge(whole.interval, Interval(low, low), step)
        if severity is not None and low > whole.interval.high:
            out.append(
                FactFinding(
                    "parts_exceed_whole",
                    severity,
                    f"{sum_text} = {show(low)}{unit}，超过所述{names[p.whole]}"
                    f"{_said(facts, whole)}：部分之和不能大于总数",
                    figures,
                    terms,
                )
            )
    return out


def written_parts(
    figures: Sequence[Figure], relations: Sequence[Relation], covered: set[int]
) -> list[FactFinding]:
    """A "其中" list written in the text never exceeds its whole (unless a partition finding
    already covers the same figures)."""
    out: list[FactFinding] = []
    for rel in relations:
        if rel.kind != "parts" or rel.whole is None:
            continue
        whole = figures[rel.whole]
        parts = [figures[i] for i in rel.parts]
        if whole.high is None or any(p.low is None for p in parts):
            continue
        if {rel.whole, *rel.parts} <= covered:
            continue
        low = sum(p.low or 0.0 for p in parts)
        step = max([whole.step, *(p.step for p in parts)])
        severity = judge(Interval(whole.low or 0.0, whole.high), Interval(low, low), step)
        if severity is None or low <= whole.high:
            continue
        unit = unit_text(whole.unit)
        listed = " + ".join(
            f"{p.label}{f'（{p.scope}）' if p.scope else ''} {said(p)}" for p in parts
        )
        out.append(
            FactFinding(
                "parts_exceed_whole",
                severity,
                f"其中所列{listed} = {show(low)}{unit}，超过{whole.label}{said(whole)}",
                (rel.whole, *rel.parts),
                tuple(t for t in (whole.term, *(p.term for p in parts)) if t),
            )
        )
    return out


def _base(
    facts: Facts, rel: Relation, part: Figure
) -> tuple[Interval, str, tuple[int, ...]] | None:
    """The base of a share in the part's unit: the figure written after 占, or the term it
    names; with its text and figures."""
    if rel.whole is not None:
        base = facts.figures[rel.whole]
        stated = interval_of(base, part.unit)
        return (stated, said(base), (base.index,)) if stated is not None else None
    if rel.base_term is None:
        return None
    k = facts.value(rel.base_term, part.scope)
    if k is None or not k.exact:
        return None
    unit = facts.term(rel.base_term).unit
    low, high = convert(k.interval.low, unit, part.unit), convert(k.interval.high, unit, part.unit)
    text = f"{facts.term(rel.base_term).name} {show(k.interval.mid)}"
    return Interval(low, high), text, k.figures


def shares(facts: Facts, relations: Sequence[Relation]) -> list[FactFinding]:
    """ "199人，占出生人口233人的85.41%": the percentage is the part over the base."""
    out: list[FactFinding] = []
    for rel in relations:
        if rel.kind != "share":
            continue
        part, pct = facts.figures[rel.parts[0]], facts.figures[rel.parts[1]]
        base = _base(facts, rel, part)
        part_i, pct_i = interval_of(part, part.unit), interval_of(pct, pct.unit)
        if base is None or part_i is None or pct_i is None:
            continue
        base_i, base_text, base_ids = base
        ratio = part_i / base_i
        if ratio is None:
            continue
        expected = ratio.scale(1000.0 if pct.unit == "‰" else 100.0)
        severity = judge(pct_i, expected, pct.step)
        if severity is None:
            continue
        out.append(
            FactFinding(
                "share_mismatch",
                severity,
                f"{said(part)} ÷ {base_text} = {show_interval(expected, 2, pct.unit)}，"
                f"与所述{said(pct)}不符",
                (part.index, *base_ids, pct.index),
                tuple(t for t in (part.term, rel.base_term) if t),
            )
        )
    return out


def check_facts(
    figures: Sequence[Figure], relations: Sequence[Relation], lexicon: Lexicon
) -> list[FactFinding]:
    """Every check of this module over one text's figures."""
    facts = Facts(figures, lexicon)
    out = stated_twice(facts)
    for scope in facts.scopes:
        out += rates(facts, scope)
        out += shared_bases(facts, scope)
        out += identities(facts, scope)
        out += partitions(facts, scope)
    covered = {i for f in out for i in f.figures}
    out += written_parts(figures, relations, covered)
    out += shares(facts, relations)
    return out


__all__ = ["check_facts", "convert", "judge"]
