"""Every report zicha drafts passes its own fact-check: the figures it writes agree with each
other, and where they cannot (the data itself is contradictory) the report's data check has
already said so."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from zicha.actions.factchecking import fact_check
from zicha.actions.reporting import write_report
from zicha.actions.session import open_workbook
from zicha.engine.factcheck.narrative import elements_of
from zicha.packs.registry import builtin_folder, builtin_ids, get_pack


def draft(folder: Path, out: Path) -> set[frozenset[str]]:
    """Write the report of a workbook; the elements of each error of its data check."""
    session = open_workbook(folder)
    drafted = write_report(session, None, None, out)
    errors = [f for f in drafted.computation.findings if f.severity == "error"]
    return {frozenset(f.elements) for f in errors}


@pytest.mark.parametrize("suffix", [".md", ".docx"])
@pytest.mark.parametrize("pack_id", builtin_ids())
def test_the_demo_report_of_every_pack(tmp_path: Path, pack_id: str, suffix: str) -> None:
    example = builtin_folder(pack_id) / "example"
    report = tmp_path / f"report{suffix}"
    data_errors = draft(example, report)
    result = fact_check(report, pack=pack_id)
    assert result.figures or pack_id != "family-planning"
    pack = get_pack(pack_id)
    for f in result.findings:
        assert f.severity != "warning", f.message
        if f.severity != "error":
            continue
        elements = set(elements_of(pack, f.terms))
        assert any(elements & e for e in data_errors), (f.message, data_errors)


def test_the_seed_demo_states_exactly_the_contradictions_of_its_data(tmp_path: Path) -> None:
    """The seed's data: 580 done of 509 due, and 514 + 2 + 66 surgeries in parts of 580."""
    report = tmp_path / "report.md"
    draft(builtin_folder("family-planning") / "example", report)
    result = fact_check(report)
    assert sorted(f.rule for f in result.findings if f.severity == "error") == [
        "parts_exceed_whole",
        "rate_over_maximum",
    ]


def consistent_copy(tmp_path: Path) -> Path:
    """The seed's example with its contradictions put right: 600 measures due, the female
    sterilizations counted in the measures done, and no figures stated as the seed had them."""
    folder = tmp_path / "consistent"
    shutil.copytree(builtin_folder("family-planning") / "example", folder)
    path = folder / "数据.csv"
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    fixed = {"应落实避孕节育措施": "600", "已落实避孕节育措施": "582"}
    stated = {"出生率", "人口自然增长率", "政策符合率", "出生人口性别比"}
    out = [rows[0]]
    for row in rows[1:]:
        if row[2] in stated:
            continue
        if row[2] in fixed:
            row[3] = fixed[row[2]]
        out.append(row)
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(out)
    return folder


@pytest.mark.parametrize("suffix", [".md", ".docx"])
def test_a_consistent_workbook_drafts_a_report_without_a_finding(
    tmp_path: Path, suffix: str
) -> None:
    folder = consistent_copy(tmp_path)
    report = tmp_path / f"report{suffix}"
    assert draft(folder, report) == set()
    result = fact_check(report)
    assert len(result.figures) > 60
    assert [f.message for f in result.findings] == []
