"""The figures a report's text states: per clause, label … number [万/亿] unit [qualifier].

Each number found by the scanner (`tokens`) becomes a `Figure` with the term its label names,
what it is (a fact, a target, last year's figure, a change …), where and when it applies, and
the interval of values its written precision allows. Relations written in the text itself are
kept too: a "其中" list of parts and its whole, "占…的85.4%" and its two figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from zicha.domain.factcheck import Figure, Form, Role, TextDocument, TextTable
from zicha.domain.lexicon import COUNT_UNITS, POINT_UNITS, Lexicon, Term
from zicha.engine.factcheck.intervals import INF
from zicha.engine.factcheck.labels import (
    ANNUALIZED_WORDS,
    COMPARISON,
    DIRECTION,
    LAST_YEAR_WORDS,
    PROJECTION_WORDS,
    QUOTE_WORDS,
    SAID_DIRECTION,
    THIS_YEAR_WORDS,
    LabelIndex,
    Match,
    Scopes,
    compatible,
    ellipsis,
    has_any,
    is_down,
    label_text,
    names_target,
    target_sentence,
)
from zicha.engine.factcheck.normalization import normalize, sentences
from zicha.engine.factcheck.tokens import Token, tokens

_LOWER_BOUND = ("余", "多", "以上", "及以上", "超过", "逾", "多达")
_UPPER_BOUND = ("以下", "不到", "不足")
_ABOUT = ("约", "近", "将近", "接近", "左右", "上下")
_PRE_QUALIFIER = re.compile(r"(约|将近|接近|近|超过|逾|不到|不足|多达)(?:为|达)?\s*$")
_SCALES = {"万": 10_000.0, "亿": 100_000_000.0}


@dataclass(frozen=True)
class Relation:
    """A relation the text writes out: `parts` (a 其中 list: `whole` and its `parts`), `share`
    ("199人，占出生人口233人的85.41%": `parts` = (part, percent), `whole` the base figure, or
    `base_term` when the base is named without a number), or `direction` ("比去年同期(449)有所
    增加" with no number for the change: `whole` this year's figure, `parts` = (last year's,),
    `sign` +1, -1, or 0 for 持平)."""

    kind: Literal["parts", "share", "direction"]
    whole: int | None
    parts: tuple[int, ...]
    base_term: str | None = None
    sign: int = 0


@dataclass
class Extraction:
    """Everything read from one text: sentences, figures and written relations."""

    sentences: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


@dataclass
class _Sentence:
    """What is carried from one figure to the next within a sentence."""

    index: int
    text: str
    target: bool
    last_year: bool
    projection: bool
    quoted: bool
    #: where the sentence's first part ends (its first ；): a sentence that opens with 去年同期
    #: speaks of last year up to there
    first_break: int = 0
    anchor: int | None = None
    pending: int | None = None
    previous: int | None = None
    previous_label: str = ""
    previous_lead: str = ""
    parts: list[int] = field(default_factory=list)
    whole: int | None = None


class Extractor:
    """Reads paragraphs and tables into one `Extraction`, against a pack's lexicon."""

    def __init__(self, lexicon: Lexicon, scopes: Scopes) -> None:
        self.lexicon = lexicon
        self.index = LabelIndex(lexicon)
        self.scopes = scopes
        self.out = Extraction()

    # ------------------------------------------------------------------ paragraphs

    def paragraph(self, text: str) -> None:
        for s in sentences(text):
            self.sentence(s)

    def sentence(self, text: str) -> None:
        first = re.split(r"[，,；;：:]", text, maxsplit=1)[0]
        state = _Sentence(
            index=len(self.out.sentences),
            text=text,
            target=target_sentence(text),
            last_year=has_any(first, LAST_YEAR_WORDS) and COMPARISON.search(first) is None,
            projection=has_any(first, PROJECTION_WORDS),
            quoted=has_any(text, QUOTE_WORDS),
            first_break=min(
                (i for i in (text.find("；"), text.find(";")) if i >= 0), default=len(text)
            ),
        )
        self.out.sentences.append(text)
        end = 0
        found = tokens(text)
        for i, tok in enumerate(found):
            lead = text[end : tok.start]
            end = tok.end
            before = len(self.out.figures)
            self._token(state, tok, lead)
            if len(self.out.figures) > before and self.out.figures[-1].role == "last_year":
                after = text[tok.end : found[i + 1].start if i + 1 < len(found) else len(text)]
                self._direction(self.out.figures[-1], after)
        self._close_parts(state)

    def _direction(self, last: Figure, after: str) -> None:
        """ "比去年同期(449)有所增加": a direction said without a number."""
        clause = re.split(r"[，,；;。]", after, maxsplit=1)[0]
        word = SAID_DIRECTION.search(clause)
        if last.of is None or word is None or DIRECTION.search(after):
            return  # no direction, or one with its number: a change figure
        sign = 0 if word.group(0) == "持平" else (-1 if is_down(word.group(1) or "") else 1)
        self.out.relations.append(Relation("direction", last.of, (last.index,), sign=sign))

    def _token(self, st: _Sentence, tok: Token, lead: str) -> None:
        label = label_text(lead)
        role, sign, of = self._role(st, tok, lead, label)
        direction = DIRECTION.search(lead) if role == "change" else None
        match = self.index.match(label, tok.unit)
        if match is None and st.previous_label and role not in ("change", "last_year"):
            completed = ellipsis(label, st.previous_label)
            if completed is not None:
                match = self.index.match(completed, tok.unit)
        term = match.term if match else None
        scope = self.scopes.scope(label)
        inherit = None
        if role in ("change", "last_year") and of is not None:
            inherit = self.out.figures[of]
        elif term is None and _opens_aside(lead) and st.previous is not None:
            inherit = self.out.figures[st.previous]  # 3.88‰（折合全年7.78‰）
        if inherit is not None and (term is None or role == "change"):
            known = self.lexicon.terms.get(inherit.term or "")
            if known is not None and compatible(tok.unit, known.unit):
                term = known
            scope = inherit.scope
        if tok.chinese and term is None:
            return  # a numeral before a unit with no known label is more likely a word
        unit, value, high, step = _resolve_unit(tok, term, inherit)
        if unit is None:
            return
        figure = self._add(
            tok,
            label,
            term,
            (unit, value, high, step),
            st.index,
            role,
            scope,
            qualifier=direction.group(1) if direction else tok.approx or tok.post,
            sign=sign,
            of=of,
        )
        index = figure.index
        self._relations(st, figure, lead, match)
        if role == "last_year" and of is not None:
            st.pending = index  # "比去年同期(429)增加7人": the change follows
        if role not in ("last_year", "change", "difference", "share"):
            st.anchor = index
        st.previous = index
        st.previous_lead = lead
        if term is not None:
            st.previous_label = label

    def _role(
        self, st: _Sentence, tok: Token, lead: str, label: str
    ) -> tuple[Role, int, int | None]:
        """What the figure says, the direction of a change and the figure it refers to."""
        if st.quoted:
            return "quoted", 0, None
        compare = COMPARISON.search(lead)
        direction = DIRECTION.search(lead)
        if direction and (compare or st.pending is not None):
            down = is_down(direction.group(1))
            st.pending = None
            return "change", (-1 if down else 1), st.anchor
        if compare and st.anchor is not None:
            return "last_year", 0, st.anchor
        if direction and st.anchor is not None and not re.search(r"[比较于]", lead):
            return "change", (-1 if is_down(direction.group(1)) else 1), st.anchor
        if tok.unit in POINT_UNITS:
            return "difference", 0, None
        if has_any(label, PROJECTION_WORDS) or st.projection:
            return "projection", 0, None
        if has_any(label, ANNUALIZED_WORDS):
            return "annualized", 0, None
        if has_any(label, THIS_YEAR_WORDS):
            pass  # 今年死亡人口205人: this year's, whatever the sentence began with
        elif (
            has_any(label, LAST_YEAR_WORDS)
            or (st.last_year and tok.start < st.first_break)
            or self.scopes.is_year_before(label)
        ):
            return "last_year", 0, None
        if tok.unit in ("%", "‰") and ("占" in label or _is_share_tail(st, lead)):
            return "share", 0, None
        if names_target(label) or tok.post in ("以内", "之内", "之间"):
            return "target", 0, None
        if "达到" in label and tok.post in ("以上", "及以上"):
            return "target", 0, None  # 达到85%以上: the wording of a target
        if st.target and (
            tok.post in ("以上", "及以上", "以下") or "达到" in label or tok.high is not None
        ):
            return "target", 0, None
        return "actual", 0, None

    # ------------------------------------------------------------------ relations

    def _relations(self, st: _Sentence, fig: Figure, lead: str, match: Match | None) -> None:
        if fig.role == "share" and fig.value is not None:
            self._share(st, fig, lead)
        if "其中" in lead:
            self._close_parts(st)
            whole = self._whole_before(st, fig)
            if whole is not None:
                st.whole, st.parts = whole, [fig.index]
            return
        if st.whole is None:
            return
        head = self.out.figures[st.whole]
        if (
            fig.role == head.role
            and fig.unit == head.unit
            and (
                fig.term is None
                or head.term is None
                or self.lexicon.is_part(fig.term, head.term)
                or (fig.term == head.term and fig.scope != head.scope)  # 其中一季度出生56人
            )
        ):
            st.parts.append(fig.index)
        elif fig.role not in ("share", "difference", "change", "last_year"):
            self._close_parts(st)

    def _whole_before(self, st: _Sentence, fig: Figure) -> int | None:
        for i in range(fig.index - 1, -1, -1):
            prior = self.out.figures[i]
            if prior.sentence != st.index:
                return None
            if prior.role == fig.role and prior.unit == fig.unit and prior.value is not None:
                return i
        return None

    def _close_parts(self, st: _Sentence) -> None:
        if st.whole is not None and st.parts:
            self.out.relations.append(Relation("parts", st.whole, tuple(st.parts)))
        st.whole, st.parts = None, []

    def _share(self, st: _Sentence, fig: Figure, lead: str) -> None:
        """占出生人口233人的85.41% (base stated), or 占出生人口的85.41% (base named)."""
        label = label_text(lead)
        if "占" in label:
            after = label[label.index("占") + 1 :].rstrip("的 ")
            named = self.index.match(after, "")
            part = st.anchor
            if named is not None and part is not None:
                self.out.relations.append(Relation("share", None, (part, fig.index), named.term.id))
            return
        base = st.previous
        if base is None:
            return
        before = [f for f in self.out.figures[:base] if f.sentence == st.index]
        part = next((f.index for f in reversed(before) if f.role == "actual"), None)
        if part is not None:
            self.out.relations.append(Relation("share", base, (part, fig.index)))

    # ------------------------------------------------------------------ tables

    def cell(
        self,
        sentence: str,
        label: str,
        cell: str,
        role: Role,
        scope: str,
        unit_hint: str,
    ) -> None:
        """One cell of a table: `label` names the row (and column), `role` comes from the
        column's header, `unit_hint` from a unit written in the row's or column's header."""
        index = len(self.out.sentences)
        self.out.sentences.append(sentence)
        for tok in tokens(cell):
            if tok.unit == "" and unit_hint and not tok.scale:
                tok = _with_unit(tok, unit_hint)
            match = self.index.match(label, tok.unit)
            term = match.term if match else None
            if tok.chinese and term is None:
                continue
            unit, value, high, step = _resolve_unit(tok, term, None)
            if unit is None:
                continue
            cell_role = role
            if role == "actual" and (tok.post in ("以内", "之内", "之间") or _symbol(cell)):
                cell_role = "target"
            self._add(tok, label, term, (unit, value, high, step), index, cell_role, scope)

    def _add(
        self,
        tok: Token,
        label: str,
        term: Term | None,
        resolved: tuple[str, float | None, float | None, float],
        sentence: int,
        role: Role,
        scope: str,
        qualifier: str | None = None,
        sign: int = 0,
        of: int | None = None,
    ) -> Figure:
        """A figure from its token, once its label, unit and role are known."""
        unit, value, high, step = resolved
        form, low, top = _bounds(tok, label, value, high, step)
        figure = Figure(
            index=len(self.out.figures),
            label=term.name if term else _said(label),
            term=term.id if term else None,
            value=value,
            unit=unit,
            text=tok.text,
            sentence=sentence,
            role=role,
            form=form,
            low=low,
            high=top,
            decimals=tok.decimals,
            step=step,
            qualifier=tok.approx or tok.post if qualifier is None else qualifier,
            scope=scope,
            said=label,
            sign=sign,
            of=of,
            start=tok.start,
        )
        self.out.figures.append(figure)
        return figure


def _opens_aside(lead: str) -> bool:
    """Whether the figure stands in a bracket opened right after the previous figure."""
    stripped = lead.strip()
    return stripped.startswith(("（", "(")) and ")" not in stripped and "）" not in stripped


def _is_share_tail(st: _Sentence, lead: str) -> bool:
    """ "…，占出生人口233人的85.41%": the figure after "的" that closes an 占 clause."""
    return lead.strip() in ("的", "") and "占" in st.previous_lead


def _symbol(cell: str) -> bool:
    return bool(re.match(r"\s*[≤≥<>=]", cell))


def _said(label: str) -> str:
    return label.strip(" ：:，,")


def _with_unit(tok: Token, unit: str) -> Token:
    exact = unit in COUNT_UNITS and tok.decimals == 0
    return replace(tok, unit=unit, step=0.0 if exact else 10.0**-tok.decimals)


def _resolve_unit(
    tok: Token, term: Term | None, inherit: Figure | None
) -> tuple[str | None, float | None, float | None, float]:
    """The figure's unit, value, range end and step once its label is known: a figure written
    without a unit takes its term's (or the figure it belongs to), 万/亿 applied."""
    unit = tok.unit
    value, high, step = tok.value, tok.high, tok.step
    if not unit:
        if term is not None:
            unit = term.unit
        elif inherit is not None:
            unit = inherit.unit
        else:
            return None, None, None, 0.0
        if unit in POINT_UNITS or unit == ":100" or unit in ("%", "‰", "/10万"):
            step = 10.0**-tok.decimals
        else:
            step = 0.0 if unit in COUNT_UNITS and tok.decimals == 0 else 10.0**-tok.decimals
    if tok.scale:
        if unit in ("%", "‰", "/10万", ":100") or unit in POINT_UNITS:
            return None, None, None, 0.0
        k = _SCALES[tok.scale]
        if unit in ("元", "万元"):
            unit, k = "万元", k / 10_000
        value = value * k if value is not None else None
        high = high * k if high is not None else None
        step = 10.0**-tok.decimals * k
    return unit, value, high, step


def _bounds(
    tok: Token, label: str, value: float | None, high: float | None, step: float
) -> tuple[Form, float | None, float | None]:
    """How the figure is written and the interval of values it allows."""
    if value is None:
        return "masked", None, None
    half = step / 2
    if high is not None:
        return "range", min(value, high) - half, max(value, high) + half
    pre = _PRE_QUALIFIER.search(label)
    words = {tok.approx, tok.post, pre.group(1) if pre else ""}
    if words & set(_ABOUT):
        return "approximate", None, None
    if words & set(_LOWER_BOUND):
        return "approximate", value - half, INF
    if words & set(_UPPER_BOUND):
        return "approximate", 0.0, value + half
    return "exact", value - half, value + half


def extract(document: TextDocument, lexicon: Lexicon) -> Extraction:
    """Every figure of a report's text.

    >>> from zicha.domain.factcheck import TextDocument
    >>> from zicha.packs.registry import get_pack
    >>> doc = TextDocument("t", ("全乡共出生人口233人，其中计内出生人口199人，计划生育率85.4%。",))
    >>> [(f.term, f.value, f.unit) for f in extract(doc, get_pack(None).lexicon).figures]
    [('births', 233.0, '人'), ('births_in_policy', 199.0, '人'), ('policy_birth_rate', 85.4, '%')]
    """
    from zicha.engine.factcheck.tables import read_table  # tables build on this module

    blocks = [b if isinstance(b, TextTable) else normalize(b) for b in document.blocks]
    text = "\n".join(b for b in blocks if isinstance(b, str))
    extractor = Extractor(lexicon, Scopes.of(text))
    for block in blocks:
        if isinstance(block, TextTable):
            read_table(extractor, block)
        else:
            extractor.paragraph(block)
    return extractor.out
