"""A pack's agreement wording (`agreement.toml`) is loaded through the pack schema: every
problem names the file, the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from zicha.domain.errors import InputError, Problem
from zicha.packs.loader import load_pack
from zicha.packs.registry import builtin_ids, get_pack


def spoil(folder: Path, old: str, new: str) -> int:
    """Replace `old` by `new` in agreement.toml; the 1-based line where it was."""
    path = folder / "agreement.toml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return line


def problems(folder: Path) -> list[Problem]:
    with pytest.raises(InputError) as err:
        load_pack(folder)
    return err.value.problems


def test_the_builtin_wording_loads() -> None:
    wording = get_pack("family-planning").agreement
    assert wording is not None
    assert [s.content for s in wording.sections] == ["targets", "scoring", "veto", "text", "text"]
    assert wording.target_phrases["births"] == "全年出生人口{bound}"
    assert wording.scoring.miss["floor"] == "低"


def test_every_builtin_pack_with_figures_has_agreement_wording() -> None:
    for pack_id in builtin_ids():
        pack = get_pack(pack_id)
        if pack.indicators:
            assert pack.agreement is not None, pack_id


def test_an_unknown_placeholder_names_file_line_and_field(pack_dir: Path) -> None:
    line = spoil(pack_dir, "得{points}分；每{miss}", "得{ponits}分；每{miss}")
    [p] = problems(pack_dir)
    assert p.file == str(pack_dir / "agreement.toml")
    assert p.row == line
    assert p.column == "agreement.scoring.deduct"
    assert p.message is not None and "未知占位符「{ponits}」" in p.message
    assert "{points}" in p.message  # and says which ones may be used


def test_an_unknown_field_is_named(pack_dir: Path) -> None:
    line = spoil(pack_dir, 'title = "', 'titel = "')
    found = {(p.column, p.row) for p in problems(pack_dir)}
    assert ("agreement.titel", line) in found
    assert any(column == "agreement.title" for column, _ in found)  # now missing


def test_a_phrase_for_an_indicator_the_pack_lacks(pack_dir: Path) -> None:
    line = spoil(pack_dir, 'births = "全年出生人口{bound}"', 'birth = "全年出生人口{bound}"')
    [p] = problems(pack_dir)
    assert (p.column, p.row) == ("agreement.targets.birth", line)
    assert p.message == "业务包没有代码为「birth」的指标"


def test_a_bad_section_content_names_the_section(pack_dir: Path) -> None:
    line = spoil(pack_dir, 'content = "scoring"', 'content = "points"')
    [p] = problems(pack_dir)
    assert (p.column, p.row) == ("agreement.sections[1].content", line)
    assert "targets、scoring、veto、text" in (p.message or "")


def test_a_missing_clause_is_named(pack_dir: Path) -> None:
    spoil(pack_dir, 'fixed = "{name}（{points}分）', 'fixd = "{name}（{points}分）')
    columns = {p.column: p.message for p in problems(pack_dir)}
    assert columns["agreement.scoring.fixed"] == "缺少必填字段"
    assert "agreement.scoring.fixd" in columns


def test_an_unpaired_brace_is_explained(pack_dir: Path) -> None:
    spoil(pack_dir, "本责任书考核期为{span}。", "本责任书考核期为{span。")
    [p] = problems(pack_dir)
    assert p.column == "agreement.sections[4].paragraphs"
    assert "花括号不成对" in (p.message or "")


def test_a_pack_without_the_file_issues_no_agreements(pack_dir: Path) -> None:
    (pack_dir / "agreement.toml").unlink()
    assert load_pack(pack_dir).agreement is None
