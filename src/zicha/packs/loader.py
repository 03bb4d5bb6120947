"""Load a pack folder (TOML files) into a `Pack`, with errors naming file, line and field.

A pack folder holds `pack.toml` (id, name, statistical year, timeline) and any of
`elements.toml`, `indicators.toml`, `rules.toml`, `registers.toml`, `report.toml`,
`assessment.toml`, `agreement.toml`, `lexicon.toml` (the words of a report's figures, for the
fact-check), `sources.toml` (the documents it relies on) and `context.toml` (national figures
the report sets beside indicators). Every file is optional except `pack.toml`; tables may
also all sit in `pack.toml`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from zicha.domain.agreement import AgreementWording
from zicha.domain.assessment import MODE_NAMES, AssessmentItem, parse_split
from zicha.domain.errors import InputError, Problem
from zicha.domain.expression import ExpressionError, parse_bound
from zicha.domain.lexicon import UNITS, Identity, Lexicon, Partition, Rate, Term, parse_sum
from zicha.domain.pack import (
    DataElement,
    Indicator,
    Pack,
    ReferenceValue,
    RegisterElement,
    RegisterSpec,
    Source,
    TimelineEntry,
    ValidationRule,
)
from zicha.packs.agreement_schema import read_agreement

PACK_FILES = (
    "pack.toml",
    "elements.toml",
    "indicators.toml",
    "rules.toml",
    "registers.toml",
    "report.toml",
    "assessment.toml",
    "agreement.toml",
    "lexicon.toml",
    "sources.toml",
    "context.toml",
)
#: units of counts: an element in one of them holds whole numbers unless it says `whole = false`
COUNT_UNITS = frozenset(
    {"人", "例", "件", "个", "户", "条", "份", "期", "次", "人次", "架次", "名", "对", "所", "家"}
)
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
#: how an indicator may write a ratio to 100 that a lexicon term writes ":100"
_RATIO_UNITS = ("（女=100）", "(女=100)", "女=100")
PACK_ID_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")


@dataclass
class _Source:
    """The merged tables of a pack folder and where each top-level key came from."""

    folder: Path
    data: dict[str, Any]
    origin: dict[str, tuple[Path, str]]

    def locate(self, table: str, key: str | None = None) -> tuple[str, int | None]:
        """The file and line where `[table.key]` (or `table`) is defined, for messages."""
        path, text = self.origin.get(table, (self.folder / "pack.toml", ""))
        patterns = []
        if key is not None:
            patterns += [
                rf"^\s*\[{re.escape(table)}\.{re.escape(key)}\]",
                rf"^\s*{re.escape(key)}\s*=",
            ]
        patterns += [rf"^\s*\[\[?{re.escape(table)}[\].]", rf"^\s*{re.escape(table)}\s*="]
        for pattern in patterns:
            for number, line in enumerate(text.splitlines(), start=1):
                if re.search(pattern, line):
                    return str(path), number
        return str(path), None


class _Collector:
    def __init__(self, source: _Source) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, table: str, key: str | None, field: str, message: str) -> None:
        file, line = self.source.locate(table, key)
        where = f"{table}.{key}" if key else table
        self.problems.append(
            Problem(
                file=file, row=line, column=f"{where}.{field}" if field else where, message=message
            )
        )


def _version(source: _Source) -> str:
    """A digest of the pack's files: what compiled forms of the pack are cached under."""
    digest = hashlib.sha256()
    for path, text in sorted({(p.name, t) for p, t in source.origin.values()}):
        digest.update(f"{path}\0{text}\0".encode())
    return digest.hexdigest()[:16]


def read_folder(folder: Path) -> _Source:
    """Read and merge every TOML file of a pack folder; TOML syntax errors name file and line."""
    if not folder.is_dir():
        raise InputError([Problem(file=str(folder), message="业务包目录不存在")])
    if not (folder / "pack.toml").is_file():
        raise InputError([Problem(file=str(folder), message="业务包目录中没有 pack.toml")])
    data: dict[str, Any] = {}
    origin: dict[str, tuple[Path, str]] = {}
    problems: list[Problem] = []
    import tomllib  # (a pack kept by `zicha.packs.cache` is not read from TOML at all)

    for name in PACK_FILES:
        path = folder / name
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        try:
            parsed = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            line = getattr(exc, "lineno", None)
            problems.append(Problem(file=str(path), row=line, message=f"TOML 格式错误：{exc}"))
            continue
        for key, value in parsed.items():
            if key in data and isinstance(data[key], dict) and isinstance(value, dict):
                data[key].update(value)
            elif key in data:
                problems.append(Problem(file=str(path), column=key, message="与其他文件重复定义"))
            else:
                data[key] = value
            origin[key] = (path, text)
    if problems:
        raise InputError(problems)
    return _Source(folder=folder, data=data, origin=origin)


def _get(
    c: _Collector,
    table: str,
    key: str | None,
    raw: Mapping[str, Any],
    field: str,
    kind: type | tuple[type, ...],
    default: Any = ...,
    choices: tuple[Any, ...] | None = None,
) -> Any:
    if field not in raw:
        if default is ...:
            c.add(table, key, field, "缺少必填字段")
            return None
        return default
    value = raw[field]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        names = {str: "文本", float: "数字", int: "整数", bool: "true 或 false", list: "列表"}
        expected = names.get(kind, "表") if isinstance(kind, type) else "表"
        c.add(table, key, field, f"读到「{value!r}」，应为{expected}")
        return None if default is ... else default
    if choices is not None and value not in choices:
        allowed = "、".join(str(x) for x in choices)
        c.add(table, key, field, f"读到「{value}」，应为 {allowed} 之一")
        return None if default is ... else default
    return value


def _check_unknown(
    c: _Collector, table: str, key: str | None, raw: Mapping[str, Any], known: set[str]
) -> None:
    for field in raw:
        if field not in known:
            c.add(table, key, field, f"未知字段（可用字段：{'、'.join(sorted(known))}）")


def _table(c: _Collector, name: str) -> dict[str, Any]:
    raw = c.source.data.get(name, {})
    if not isinstance(raw, dict):
        c.add(name, None, "", "应为表（[name] 或 [name.id]）")
        return {}
    return raw


def _entries(c: _Collector, table: str) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for key, raw in _table(c, table).items():
        if not ID_PATTERN.match(key):
            c.add(table, key, "", "代码只能由小写字母、数字和下划线组成，且以字母开头")
        if not isinstance(raw, dict):
            c.add(table, key, "", "应为表")
            continue
        out.append((key, raw))
    return out


def _assessment(c: _Collector, raw_items: object) -> list[AssessmentItem]:
    """`[[assessment]]` tables: the pack's default assessment method (CONTRACT §5 columns)."""
    if not isinstance(raw_items, list):
        c.add("assessment", None, "", "应为 [[assessment]] 数组")
        return []
    items: list[AssessmentItem] = []
    for i, raw in enumerate(raw_items):
        label = f"[{i}]"
        if not isinstance(raw, dict):
            c.add("assessment", label, "", "应为表")
            continue
        _check_unknown(
            c,
            "assessment",
            label,
            raw,
            {"indicator", "points", "mode", "step", "deduct", "veto", "weight", "group", "split"},
        )
        mode = _get(c, "assessment", label, raw, "mode", str, "all_or_nothing")
        if mode not in MODE_NAMES:
            c.add("assessment", label, "mode", f"未知计分方式「{mode}」")
            continue
        split = _get(c, "assessment", label, raw, "split", str, None)
        try:
            parsed_split = parse_split(split) if split else None
        except ValueError as err:
            c.add("assessment", label, "split", str(err))
            continue
        items.append(
            AssessmentItem(
                key=_get(c, "assessment", label, raw, "indicator", str) or "",
                points=_get(c, "assessment", label, raw, "points", float, None),
                mode=MODE_NAMES[mode],
                step=_get(c, "assessment", label, raw, "step", float, None),
                deduct=_get(c, "assessment", label, raw, "deduct", float, None),
                veto=_get(c, "assessment", label, raw, "veto", bool, False),
                weight=_get(c, "assessment", label, raw, "weight", float, 1.0),
                group=_get(c, "assessment", label, raw, "group", str, None),
                split=parsed_split,
            )
        )
    return items


def _agreement(c: _Collector, indicators: Mapping[str, Indicator]) -> AgreementWording | None:
    """`[agreement]`: the wording of the target responsibility agreement, when the pack has it."""
    if "agreement" not in c.source.data:
        return None
    path, text = c.source.origin["agreement"]
    wording, problems = read_agreement(c.source.data["agreement"], path, text, indicators)
    c.problems += problems
    return wording


def _sources(c: _Collector) -> dict[str, Source]:
    """`[sources.<id>]` tables: the documents a pack relies on."""
    out: dict[str, Source] = {}
    fields = {"title", "issuer", "date", "number", "note", "url"}
    for key, raw in _entries(c, "sources"):
        _check_unknown(c, "sources", key, raw, fields)
        out[key] = Source(
            id=key,
            title=_get(c, "sources", key, raw, "title", str) or key,
            issuer=_get(c, "sources", key, raw, "issuer", str, ""),
            date=_get(c, "sources", key, raw, "date", str, ""),
            number=_get(c, "sources", key, raw, "number", str, ""),
            note=_get(c, "sources", key, raw, "note", str, "").strip(),
            url=_get(c, "sources", key, raw, "url", str, ""),
        )
    return out


def _references(c: _Collector, raw_items: object) -> list[ReferenceValue]:
    """`[[context]]` tables: an outside goal (`target`) or level (`value`) for an indicator."""
    if not isinstance(raw_items, list):
        c.add("context", None, "", "应为 [[context]] 数组")
        return []
    out: list[ReferenceValue] = []
    for i, raw in enumerate(raw_items):
        label = f"[{i}]"
        if not isinstance(raw, dict):
            c.add("context", label, "", "应为表")
            continue
        _check_unknown(
            c, "context", label, raw, {"indicator", "label", "source", "target", "value", "compare"}
        )
        target = _get(c, "context", label, raw, "target", str, None)
        value = _get(c, "context", label, raw, "value", float, None)
        bound = None
        if (target is None) == (value is None):
            c.add(
                "context", label, "target", "target（目标，如 <=5）与 value（水平）应恰好给出一个"
            )
        elif target is not None:
            try:
                bound = parse_bound(target)
            except ExpressionError as err:
                c.add("context", label, "target", str(err))
        out.append(
            ReferenceValue(
                indicator=_get(c, "context", label, raw, "indicator", str) or "",
                label=_get(c, "context", label, raw, "label", str) or "",
                source=_get(c, "context", label, raw, "source", str) or "",
                bound=bound,
                value=value,
                compare=_get(c, "context", label, raw, "compare", bool, True),
            )
        )
    return out


def load_pack(folder: Path) -> Pack:
    """Load one pack folder.

    >>> from zicha.packs.registry import builtin_folder
    >>> load_pack(builtin_folder("family-planning")).year_start_month
    10
    """
    source = read_folder(folder)
    c = _Collector(source)
    head = _table(c, "pack")
    _check_unknown(
        c,
        "pack",
        None,
        head,
        {"id", "name", "description", "historical", "year_start_month", "timeline"},
    )
    pack_id = _get(c, "pack", None, head, "id", str) or ""
    if pack_id and not PACK_ID_PATTERN.match(pack_id):
        c.add("pack", None, "id", "业务包代码只能由小写字母、数字和连字符组成")
    name = _get(c, "pack", None, head, "name", str) or ""
    year_start = _get(c, "pack", None, head, "year_start_month", int, 1)
    if not 1 <= year_start <= 12:
        c.add("pack", None, "year_start_month", "应为 1 至 12 的月份")
        year_start = 1
    timeline: list[TimelineEntry] = []
    for i, raw in enumerate(_get(c, "pack", None, head, "timeline", list, [])):
        if isinstance(raw, dict) and isinstance(raw.get("date"), str | object):
            timeline.append(TimelineEntry(str(raw.get("date", "")), str(raw.get("text", ""))))
        else:
            c.add("pack", None, f"timeline[{i}]", "应为含 date 与 text 的表")

    elements: dict[str, DataElement] = {}
    for key, raw in _entries(c, "elements"):
        _check_unknown(
            c,
            "elements",
            key,
            raw,
            {"name", "unit", "aggregation", "description", "non_negative", "whole"},
        )
        unit = _get(c, "elements", key, raw, "unit", str, "")
        elements[key] = DataElement(
            id=key,
            name=_get(c, "elements", key, raw, "name", str) or key,
            unit=unit,
            whole=_get(c, "elements", key, raw, "whole", bool, unit in COUNT_UNITS),
            time_aggregation=_get(
                c, "elements", key, raw, "aggregation", str, "sum", choices=("sum", "last")
            ),
            description=_get(c, "elements", key, raw, "description", str, ""),
            non_negative=_get(c, "elements", key, raw, "non_negative", bool, True),
        )

    derived: dict[str, str] = {}
    for key, raw in _table(c, "derived").items():
        if not isinstance(raw, str):
            c.add("derived", key, "", "应为表达式文本")
            continue
        if key in elements:
            c.add("derived", key, "", "与数据项代码重名")
        derived[key] = raw

    indicators: dict[str, Indicator] = {}
    for key, raw in _entries(c, "indicators"):
        _check_unknown(
            c,
            "indicators",
            key,
            raw,
            {
                "name",
                "unit",
                "numerator",
                "denominator",
                "factor",
                "decimals",
                "kind",
                "description",
                "points",
                "small_sample",
                "sampling",
            },
        )
        kind = _get(
            c,
            "indicators",
            key,
            raw,
            "kind",
            str,
            "count",
            choices=("count", "level", "rate", "ratio"),
        )
        denominator = _get(c, "indicators", key, raw, "denominator", str, None)
        if kind in ("rate", "ratio") and denominator is None:
            c.add("indicators", key, "denominator", f"{kind} 类指标必须有分母")
        indicators[key] = Indicator(
            id=key,
            name=_get(c, "indicators", key, raw, "name", str) or key,
            unit=_get(c, "indicators", key, raw, "unit", str, ""),
            numerator=_get(c, "indicators", key, raw, "numerator", str) or "null",
            denominator=denominator,
            factor=_get(c, "indicators", key, raw, "factor", float, 1.0),
            decimals=_get(c, "indicators", key, raw, "decimals", int, 0),
            kind=kind,
            description=_get(c, "indicators", key, raw, "description", str, ""),
            points=_get(c, "indicators", key, raw, "points", float, None),
            small_sample=_get(c, "indicators", key, raw, "small_sample", int, None),
            sampling=_get(
                c,
                "indicators",
                key,
                raw,
                "sampling",
                str,
                None,
                choices=("parts", "share", "poisson"),
            ),
        )

    rules: list[ValidationRule] = []
    raw_rules = source.data.get("rules", [])
    if not isinstance(raw_rules, list):
        c.add("rules", None, "", "应为 [[rules]] 数组")
        raw_rules = []
    seen_rules: set[str] = set()
    for i, raw in enumerate(raw_rules):
        label = f"[{i}]"
        if not isinstance(raw, dict):
            c.add("rules", label, "", "应为表")
            continue
        rid = _get(c, "rules", label, raw, "id", str) or f"rule_{i}"
        if rid in seen_rules:
            c.add("rules", label, "id", f"规则代码「{rid}」重复")
        seen_rules.add(rid)
        _check_unknown(
            c,
            "rules",
            label,
            raw,
            {
                "id",
                "name",
                "left",
                "operator",
                "right",
                "severity",
                "instruction",
                "tolerance",
                "missing",
                "chance",
                "level",
            },
        )
        level = _get(c, "rules", label, raw, "level", float, 0.95)
        if not 0.5 < level < 1:
            c.add("rules", label, "level", "置信水平应大于 0.5、小于 1，如 0.95 或 0.999")
            level = 0.95
        rules.append(
            ValidationRule(
                id=rid,
                name=_get(c, "rules", label, raw, "name", str) or rid,
                left=_get(c, "rules", label, raw, "left", str) or "null",
                operator=_get(
                    c,
                    "rules",
                    label,
                    raw,
                    "operator",
                    str,
                    choices=("==", "!=", "<", "<=", ">", ">="),
                )
                or "==",
                right=_get(c, "rules", label, raw, "right", str) or "null",
                severity=_get(
                    c, "rules", label, raw, "severity", str, "error", choices=("error", "warning")
                ),
                instruction=_get(c, "rules", label, raw, "instruction", str, ""),
                tolerance=_get(c, "rules", label, raw, "tolerance", float, 0.0),
                missing=_get(
                    c,
                    "rules",
                    label,
                    raw,
                    "missing",
                    str,
                    "skip_if_any",
                    choices=("skip_if_any", "skip_if_all", "never_skip"),
                ),
                chance=_get(c, "rules", label, raw, "chance", bool, False),
                level=level,
            )
        )

    registers: dict[str, RegisterSpec] = {}
    for sheet, raw in _table(c, "registers").items():
        if not isinstance(raw, dict):
            c.add("registers", sheet, "", "应为表")
            continue
        items = _get(c, "registers", sheet, raw, "elements", list, [])
        specs: list[RegisterElement] = []
        for j, item in enumerate(items):
            if not isinstance(item, dict) or not isinstance(item.get("element"), str):
                c.add("registers", sheet, f"elements[{j}]", "应为含 element（及可选 where）的表")
                continue
            specs.append(RegisterElement(item["element"], str(item.get("where", ""))))
        registers[sheet] = RegisterSpec(sheet=sheet, elements=tuple(specs))

    report = source.data.get("report", {})
    if not isinstance(report, dict):
        c.add("report", None, "", "应为表")
        report = {}
    assessment = _assessment(c, source.data.get("assessment", []))
    agreement = _agreement(c, indicators)
    lexicon = _lexicon(c, indicators)
    sources = _sources(c)
    references = _references(c, source.data.get("context", []))
    if c.problems:
        raise InputError(c.problems)
    return Pack(
        id=pack_id,
        name=name,
        description=_get(c, "pack", None, head, "description", str, "").strip(),
        historical=_get(c, "pack", None, head, "historical", bool, False),
        year_start_month=year_start,
        elements=elements,
        derived=derived,
        indicators=indicators,
        rules=tuple(rules),
        registers=registers,
        timeline=tuple(timeline),
        report=cast(dict[str, object], report),
        assessment=tuple(assessment),
        agreement=agreement,
        lexicon=lexicon,
        sources=sources,
        references=tuple(references),
        path=str(folder),
        version=_version(source),
    )


def _sum(c: _Collector, where: str, field: str, text: object, terms: Mapping[str, Term]) -> Any:
    """A sum of term ids ("births - deaths"), every term known."""
    if not isinstance(text, str):
        c.add("lexicon", where, field, f"读到「{text!r}」，应为术语代码或以 + - 连接的术语代码")
        return None
    try:
        parsed = parse_sum(text)
    except ValueError as err:
        c.add("lexicon", where, field, str(err))
        return None
    unknown = [t for _, t in parsed if t not in terms]
    if unknown:
        c.add("lexicon", where, field, f"未定义的术语「{'、'.join(unknown)}」")
        return None
    return parsed


def _lexicon(c: _Collector, indicators: Mapping[str, Indicator]) -> Lexicon:
    """`lexicon.toml`: `[lexicon.terms.ID]` (name, unit, labels, indicator), `[[lexicon.rates]]`,
    `[[lexicon.partitions]]` and `[[lexicon.identities]]`."""
    raw = c.source.data.get("lexicon", {})
    if not isinstance(raw, dict):
        c.add("lexicon", None, "", "应为表")
        return Lexicon()
    _check_unknown(c, "lexicon", None, raw, {"terms", "rates", "partitions", "identities"})
    terms: dict[str, Term] = {}
    raw_terms = raw.get("terms", {})
    if not isinstance(raw_terms, dict):
        c.add("lexicon", "terms", "", "应为表（[lexicon.terms.代码]）")
        raw_terms = {}
    by_label: dict[tuple[str, str], str] = {}
    for key, item in raw_terms.items():
        where = f"terms.{key}"
        if not ID_PATTERN.match(key) or not isinstance(item, dict):
            c.add("lexicon", where, "", "应为表，代码只能由小写字母、数字和下划线组成")
            continue
        _check_unknown(c, "lexicon", where, item, {"name", "unit", "labels", "indicator"})
        unit = _get(c, "lexicon", where, item, "unit", str, choices=UNITS)
        labels = _get(c, "lexicon", where, item, "labels", list, [])
        if not labels or not all(isinstance(x, str) and x.strip() for x in labels):
            c.add("lexicon", where, "labels", "应为非空的文本列表")
            labels = []
        indicator = _get(c, "lexicon", where, item, "indicator", str, None)
        if indicator is not None and indicator not in indicators:
            c.add("lexicon", where, "indicator", f"未定义的指标「{indicator}」")
        elif indicator is not None and indicators[indicator].unit not in ("", unit, *_RATIO_UNITS):
            shown = indicators[indicator].unit
            c.add("lexicon", where, "unit", f"与所述指标「{indicator}」的单位「{shown}」不同")
        for label in labels:
            other = by_label.setdefault((label, unit or ""), key)
            if other != key:
                c.add("lexicon", where, "labels", f"标签「{label}」已用于单位相同的术语「{other}」")
        terms[key] = Term(
            id=key,
            name=_get(c, "lexicon", where, item, "name", str) or key,
            unit=unit or "",
            labels=tuple(x.strip() for x in labels),
            indicator=indicator,
        )

    def items(table: str, known: set[str]) -> list[tuple[str, dict[str, Any]]]:
        listed = raw.get(table, [])
        if not isinstance(listed, list):
            c.add("lexicon", table, "", f"应为 [[lexicon.{table}]] 数组")
            return []
        out: list[tuple[str, dict[str, Any]]] = []
        for i, item in enumerate(listed):
            where = f"{table}[{i}]"
            if not isinstance(item, dict):
                c.add("lexicon", where, "", "应为表")
                continue
            _check_unknown(c, "lexicon", where, item, known)
            out.append((where, item))
        return out

    def term(where: str, field: str, item: Mapping[str, Any], units: tuple[str, ...] = ()) -> Any:
        key = _get(c, "lexicon", where, item, field, str)
        if key is None:
            return None
        if key not in terms:
            c.add("lexicon", where, field, f"未定义的术语「{key}」")
            return None
        if units and terms[key].unit not in units:
            c.add("lexicon", where, field, f"术语「{key}」的单位应为 {'、'.join(units)} 之一")
        return key

    rates: list[Rate] = []
    fields = {"rate", "numerator", "denominator", "factor", "maximum", "over", "stand_ins"}
    for where, item in items("rates", fields):
        rate = term(where, "rate", item, ("%", "‰", ":100"))
        num = _sum(c, where, "numerator", item.get("numerator"), terms)
        den = _sum(c, where, "denominator", item.get("denominator"), terms)
        stand_ins = _get(c, "lexicon", where, item, "stand_ins", list, [])
        for s in stand_ins:
            if s not in terms:
                c.add("lexicon", where, "stand_ins", f"未定义的术语「{s}」")
        if rate is None or num is None or den is None:
            continue
        rates.append(
            Rate(
                rate=rate,
                numerator=num,
                denominator=den,
                factor=_get(c, "lexicon", where, item, "factor", float, 1.0),
                maximum=_get(c, "lexicon", where, item, "maximum", float, None),
                over=_get(c, "lexicon", where, item, "over", str, "error", ("error", "warning")),
                stand_ins=tuple(str(s) for s in stand_ins),
            )
        )

    partitions: list[Partition] = []
    for where, item in items("partitions", {"whole", "parts", "complete"}):
        whole = term(where, "whole", item)
        parts = _get(c, "lexicon", where, item, "parts", list, [])
        unknown = [p for p in parts if p not in terms]
        if unknown or not parts:
            c.add("lexicon", where, "parts", f"应为已定义术语的列表，未定义：{'、'.join(unknown)}")
            continue
        if whole is None:
            continue
        mixed = [p for p in parts if terms[p].unit != terms[whole].unit]
        if mixed:
            c.add("lexicon", where, "parts", f"部分「{'、'.join(mixed)}」与整体的单位不同")
        partitions.append(
            Partition(whole, tuple(parts), _get(c, "lexicon", where, item, "complete", bool, True))
        )

    identities: list[Identity] = []
    for where, item in items("identities", {"left", "right"}):
        left = term(where, "left", item, ("%", "‰"))
        right = _sum(c, where, "right", item.get("right"), terms)
        if left is not None and right is not None:
            identities.append(Identity(left, right))
    return Lexicon(terms, tuple(rates), tuple(partitions), tuple(identities))
