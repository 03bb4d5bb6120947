"""Indicators over the value store: one wide frame per batch of org units and periods."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace

import polars as pl

from zicha.domain.expression import Node, Ref, children, parse, references
from zicha.domain.pack import Indicator, Pack
from zicha.domain.period import Period
from zicha.engine.evaluation import compile_expr
from zicha.engine.facts import Facts, RegisterCount
from zicha.engine.store import ValueStore, register_conditions


def column_of(ref: Ref) -> str:
    """The frame column that holds a reference's value.

    >>> column_of(Ref("population", "opening")), column_of(Ref("birth_rate", "indicator"))
    ('opening:population', 'val:birth_rate')
    """
    if ref.variant == "opening":
        return f"opening:{ref.name}"
    if ref.variant == "indicator":
        return f"val:{ref.name}"
    return ref.name


def expand(node: Node, derived: Mapping[str, Node]) -> Node:
    """Replace bare references to derived names by their definitions.

    >>> from zicha.domain.expression import unparse
    >>> unparse(expand(parse("births / avg"), {"avg": parse("(a + b) / 2")}))
    'births / ((a + b) / 2)'
    """
    if isinstance(node, Ref):
        if node.variant is None and node.name in derived:
            return expand(derived[node.name], derived)
        return node
    if not children(node):
        return node
    changes: dict[str, object] = {}
    for f in fields(node):
        value = getattr(node, f.name)
        if isinstance(value, tuple):
            changes[f.name] = tuple(expand(v, derived) for v in value)
        elif f.name in ("left", "right", "operand"):
            changes[f.name] = expand(value, derived)
    return replace(node, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class CompiledIndicator:
    indicator: Indicator
    numerator: Node
    denominator: Node | None

    @property
    def refs(self) -> frozenset[Ref]:
        refs = references(self.numerator)
        if self.denominator is not None:
            refs |= references(self.denominator)
        return refs

    def columns(self) -> list[pl.Expr]:
        ind = self.indicator
        num = compile_expr(self.numerator, column_of)
        cols = [num.alias(f"num:{ind.id}")]
        if self.denominator is None:
            cols.append(pl.lit(None, dtype=pl.Float64).alias(f"den:{ind.id}"))
        else:
            cols.append(compile_expr(self.denominator, column_of).alias(f"den:{ind.id}"))
        return cols

    def value(self) -> pl.Expr:
        ind = self.indicator
        num = pl.col(f"num:{ind.id}")
        if self.denominator is None:
            return (num * ind.factor).alias(f"val:{ind.id}")
        den = pl.col(f"den:{ind.id}")
        return (
            pl.when(den.is_null() | (den == 0))
            .then(None)
            .otherwise(num * ind.factor / den)
            .alias(f"val:{ind.id}")
        )


@dataclass(frozen=True)
class CompiledPack:
    """A pack's expressions parsed, expanded and compiled: made once per pack id and version."""

    derived: Mapping[str, Node]
    indicators: Mapping[str, CompiledIndicator]
    registers: Mapping[str, RegisterCount]


_compiled: dict[tuple[str, str], CompiledPack] = {}
_compiled_lock = threading.Lock()


def compile_pack(pack: Pack) -> CompiledPack:
    """The compiled form of a pack, cached by id and version (a pack made in code, without a
    version, is compiled each time).

    >>> from zicha.packs.registry import get_pack
    >>> compile_pack(get_pack(None)) is compile_pack(get_pack(None))
    True
    """
    key = (pack.id, pack.version)
    if pack.version:
        with _compiled_lock:
            hit = _compiled.get(key)
        if hit is not None:
            return hit
    derived = {k: parse(v) for k, v in pack.derived.items()}
    indicators: dict[str, CompiledIndicator] = {}
    for ind in pack.indicators.values():
        den = expand(parse(ind.denominator), derived) if ind.denominator else None
        indicators[ind.id] = CompiledIndicator(ind, expand(parse(ind.numerator), derived), den)
    compiled = CompiledPack(derived, indicators, register_conditions(pack))
    if pack.version:
        with _compiled_lock:
            compiled = _compiled.setdefault(key, compiled)
    return compiled


class Calculator:
    """Computes element values and indicators for any org units and periods of one source."""

    def __init__(self, pack: Pack, facts: Facts) -> None:
        self.pack = pack
        compiled = compile_pack(pack)
        self.store = ValueStore(pack, facts, compiled.registers)
        self.derived = compiled.derived
        self.indicators = compiled.indicators

    def compile(self, text: str) -> Node:
        """Parse an expression and expand the pack's derived names in it."""
        return expand(parse(text), self.derived)

    def compile_raw(self, node: Node) -> Node:
        return expand(node, self.derived)

    def table(
        self,
        orgs: Sequence[str],
        periods: Sequence[Period],
        indicator_ids: Iterable[str] | None = None,
        extra: Iterable[Node] = (),
    ) -> pl.DataFrame:
        """One row per (org unit, period): element columns, then num:/den:/val: per indicator.

        `extra` expressions may reference `indicator(x)`; every indicator they need is computed.
        """
        ids = list(self.indicators) if indicator_ids is None else list(indicator_ids)
        extra = list(extra)
        for node in extra:
            ids += [r.name for r in references(node) if r.variant == "indicator"]
        ids = [i for i in dict.fromkeys(ids) if i in self.indicators]
        refs: set[Ref] = set()
        for i in ids:
            refs |= self.indicators[i].refs
        for node in extra:
            refs |= {r for r in references(node) if r.variant != "indicator"}
        frame = self.store.element_frame(orgs, periods, refs)
        if ids:
            frame = frame.with_columns([c for i in ids for c in self.indicators[i].columns()])
            frame = frame.with_columns([self.indicators[i].value() for i in ids])
        return frame
