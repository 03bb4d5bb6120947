"""The `[agreement]` table of a pack (`agreement.toml`): the wording of the target
responsibility agreement, checked field by field.

Every problem names the file, the line and the field (`agreement.scoring.deduct`), says what was
found and what was expected; a placeholder a template may not use is a problem too, so that a
misspelt `{ponits}` is caught when the pack loads rather than printed in an agreement.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from string import Formatter
from typing import Any, cast

from zicha.domain.agreement import (
    CLAUSE_FIELDS,
    COMMON_FIELDS,
    GROUP_FIELDS,
    MISS_KINDS,
    PARTY_FIELDS,
    SECTION_CONTENTS,
    SIGNATURE_FIELDS,
    TARGET_FIELDS,
    AgreementSection,
    AgreementWording,
    ScoringWording,
    SectionContent,
)
from zicha.domain.errors import Problem

__all__ = ["read_agreement"]

_TOP = {
    "title",
    "preamble",
    "parties",
    "blank_date",
    "signatures",
    "party_names",
    "targets",
    "scoring",
    "veto",
    "sections",
}
_SCORING_TEXTS = (
    "all_or_nothing",
    "deduct",
    "pro_rata",
    "fixed",
    "veto_note",
    "weight_note",
    "split_note",
    "group",
    "other_group",
)
_SCORING_REQUIRED = ("all_or_nothing", "deduct", "pro_rata", "fixed")
_SECTION_FIELDS = {"heading", "content", "intro", "paragraphs"}


@dataclass
class _Reader:
    path: Path
    text: str
    problems: list[Problem] = field(default_factory=list)

    # -- where a field is written ----------------------------------------------------------

    def line(self, where: tuple[str | int, ...]) -> int | None:
        """The line of a field: `("scoring", "deduct")`, `("sections", 2, "intro")`."""
        lines = self.text.splitlines()
        start = 0
        tables = [str(p) for p in where[:-1] if not isinstance(p, int)]
        index = next((p for p in where if isinstance(p, int)), None)
        header = r"^\s*\[\[?\s*agreement" + "".join(rf"\.{re.escape(t)}" for t in tables)
        seen = -1
        for number, text in enumerate(lines):
            if re.match(header + r"\s*\]\]?\s*(#.*)?$", text):
                seen += 1
                if index is None or seen == index:
                    start = number
                    break
        last = where[-1]
        if isinstance(last, int):
            return start + 1
        key = re.compile(rf"^\s*(\"{re.escape(last)}\"|'{re.escape(last)}'|{re.escape(last)})\s*=")
        for number in range(start, len(lines)):
            if key.match(lines[number]):
                return number + 1
        return start + 1 if start else None

    def add(self, where: tuple[str | int, ...], message: str) -> None:
        name = "agreement" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where)
        self.problems.append(
            Problem(file=str(self.path), row=self.line(where), column=name, message=message)
        )

    # -- typed fields ----------------------------------------------------------------------

    def template(
        self,
        raw: Mapping[str, Any],
        where: tuple[str | int, ...],
        allowed: Collection[str],
        default: str | None = None,
    ) -> str:
        key = where[-1]
        assert isinstance(key, str)
        if key not in raw:
            if default is None:
                self.add(where, "缺少必填字段")
                return ""
            return default
        return self.check_text(raw[key], where, allowed)

    def check_text(
        self, value: object, where: tuple[str | int, ...], allowed: Collection[str]
    ) -> str:
        if not isinstance(value, str):
            self.add(where, f"读到「{value!r}」，应为文本")
            return ""
        try:
            names = [f for _, f, _, _ in Formatter().parse(value) if f is not None]
        except ValueError as err:
            self.add(
                where, f"花括号不成对（{err}）：占位符应写成 {{名称}}，花括号本身写成 {{{{ }}}}"
            )
            return ""
        for name in names:
            if name not in allowed:
                known = "、".join("{" + a + "}" for a in sorted(allowed))
                self.add(where, f"未知占位符「{{{name}}}」，可用：{known}")
        return value

    def lines(
        self, value: object, where: tuple[str | int, ...], allowed: Collection[str]
    ) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.add(where, f"读到「{value!r}」，应为文本列表")
            return ()
        return tuple(self.check_text(v, where, allowed) for v in value)

    def table(self, raw: Mapping[str, Any], key: str) -> dict[str, Any]:
        value = raw.get(key, {})
        if not isinstance(value, dict):
            self.add((key,), f"读到「{value!r}」，应为表（[agreement.{key}]）")
            return {}
        return value

    def unknown(
        self, raw: Mapping[str, Any], known: Collection[str], where: tuple[str | int, ...]
    ) -> None:
        for key in raw:
            if key not in known:
                self.add((*where, key), f"未知字段（可用字段：{'、'.join(sorted(known))}）")


def _scoring(r: _Reader, raw: Mapping[str, Any]) -> ScoringWording:
    r.unknown(raw, {*_SCORING_TEXTS, "miss", "step_units"}, ("scoring",))
    texts: dict[str, str] = {}
    for key in _SCORING_TEXTS:
        allowed = GROUP_FIELDS if key == "group" else CLAUSE_FIELDS
        default = None if key in _SCORING_REQUIRED else ("{group}" if key == "group" else "")
        texts[key] = r.template(raw, ("scoring", key), allowed, default)
    miss = raw.get("miss", {})
    if not isinstance(miss, dict):
        r.add(("scoring", "miss"), f"读到「{miss!r}」，应为表（[agreement.scoring.miss]）")
        miss = {}
    r.unknown(miss, MISS_KINDS, ("scoring", "miss"))
    words = {k: r.template(miss, ("scoring", "miss", k), (), None) for k in MISS_KINDS}
    units = raw.get("step_units", {})
    if not isinstance(units, dict):
        r.add(("scoring", "step_units"), f"读到「{units!r}」，应为表")
        units = {}
    step_units = {
        str(k): r.check_text(v, ("scoring", "step_units", str(k)), ()) for k, v in units.items()
    }
    return ScoringWording(
        all_or_nothing=texts["all_or_nothing"],
        deduct=texts["deduct"],
        pro_rata=texts["pro_rata"],
        fixed=texts["fixed"],
        veto_note=texts["veto_note"],
        weight_note=texts["weight_note"],
        split_note=texts["split_note"],
        group=texts["group"],
        other_group=texts["other_group"],
        miss=words,
        step_units=step_units,
    )


def _sections(r: _Reader, raw: object) -> tuple[AgreementSection, ...]:
    if not isinstance(raw, list) or not raw:
        r.add(("sections",), "应为至少一个 [[agreement.sections]] 表")
        return ()
    out: list[AgreementSection] = []
    for i, section in enumerate(raw):
        if not isinstance(section, dict):
            r.add(("sections", i), "应为表")
            continue
        r.unknown(section, _SECTION_FIELDS, ("sections", i))
        heading = r.template(section, ("sections", i, "heading"), COMMON_FIELDS)
        content = section.get("content", "text")
        if content not in SECTION_CONTENTS:
            r.add(
                ("sections", i, "content"),
                f"读到「{content}」，应为 {'、'.join(SECTION_CONTENTS)} 之一",
            )
            continue
        intro = r.template(section, ("sections", i, "intro"), COMMON_FIELDS, "")
        paragraphs: tuple[str, ...] = ()
        if "paragraphs" in section:
            paragraphs = r.lines(
                section["paragraphs"], ("sections", i, "paragraphs"), COMMON_FIELDS
            )
        if content == "text" and not paragraphs and not intro:
            r.add(("sections", i, "paragraphs"), 'content = "text" 的部分应有 paragraphs')
        out.append(AgreementSection(heading, cast(SectionContent, content), intro, paragraphs))
    return tuple(out)


def read_agreement(
    raw: object, path: Path, text: str, indicators: Collection[str]
) -> tuple[AgreementWording | None, list[Problem]]:
    """The pack's agreement wording from its `[agreement]` table, and the problems found.

    `indicators` are the pack's indicator ids: `[agreement.targets]` may word only those.
    """
    r = _Reader(path, text)
    if not isinstance(raw, dict):
        r.add(("agreement",), "应为表（[agreement]）")
        return None, r.problems
    r.unknown(raw, _TOP, ())
    title = r.template(raw, ("title",), COMMON_FIELDS)
    preamble = r.template(raw, ("preamble",), COMMON_FIELDS)
    veto = r.template(raw, ("veto",), CLAUSE_FIELDS)
    blank_date = r.template(raw, ("blank_date",), (), "　　年　　月　　日")
    parties = r.lines(raw["parties"], ("parties",), COMMON_FIELDS) if "parties" in raw else ()
    signatures: list[tuple[str, ...]] = []
    blocks = raw.get("signatures", [])
    if not isinstance(blocks, list):
        r.add(("signatures",), "应为每方一个文本列表的列表")
        blocks = []
    for block in blocks:
        signatures.append(r.lines(block, ("signatures",), SIGNATURE_FIELDS))
    party_names = {
        str(kind): r.check_text(v, ("party_names", str(kind)), PARTY_FIELDS)
        for kind, v in r.table(raw, "party_names").items()
    }
    phrases: dict[str, str] = {}
    for key, value in r.table(raw, "targets").items():
        if key not in indicators:
            r.add(("targets", key), f"业务包没有代码为「{key}」的指标")
            continue
        phrases[key] = r.check_text(value, ("targets", key), TARGET_FIELDS)
    scoring = _scoring(r, r.table(raw, "scoring"))
    sections = _sections(r, raw.get("sections"))
    if r.problems:
        return None, r.problems
    wording = AgreementWording(
        title=title,
        preamble=preamble,
        sections=sections,
        scoring=scoring,
        veto=veto,
        parties=parties,
        party_names=party_names,
        target_phrases=phrases,
        signatures=tuple(signatures),
        blank_date=blank_date,
    )
    return wording, []
