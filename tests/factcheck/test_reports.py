"""A set of short reports written for these tests around realistic figures: consistent ones give
no finding; each of the others has exactly one planted contradiction, and exactly that is found.

The first lines of each file (`# 预期：severity rule`, or `# 预期：无`) say what is expected.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from zicha.actions.factchecking import fact_check

REPORTS = Path(__file__).parent / "reports"
FILES = sorted(REPORTS.glob("*.txt"))

#: every kind of contradiction the fact-check promises to catch, by rule
KINDS = {
    "rate_mismatch",  # a rate against its count and base
    "partition_sum",  # sex, 政策内/外, parity (及以上/多孩), married women by parity, 流出 + 流入
    "parts_exceed_whole",  # other 其中 lists, parts stated in different sections
    "base_mismatch",  # birth and natural growth rates over two different populations
    "identity_mismatch",  # CBR − CDR = NGR
    "change_mismatch",  # this year − last year ≠ the change (size)
    "change_direction",  # … or its direction
    "change_unit",  # % versus 个百分点, ‰ versus 个千分点
    "period_reversed",
    "rate_over_maximum",  # a completion rate over 100 %, stated or implied
    "rate_vs_stand_in",  # a rate against a year-end population: a warning
    "stated_twice",
    "share_mismatch",
}


def expected(path: Path) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("# 预期："):
            continue
        what = line.removeprefix("# 预期：").strip()
        if what != "无":
            severity, rule = what.split()
            found.append((severity, rule))
    return found


def body(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("#"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_exactly_the_planted_contradiction_is_found(path: Path) -> None:
    result = fact_check(body(path))
    found = sorted((f.severity, f.rule) for f in result.findings)
    assert found == sorted(expected(path)), [f.message for f in result.findings]


def test_the_set_covers_every_kind_and_has_consistent_reports() -> None:
    planted = {rule for path in FILES for _, rule in expected(path)}
    assert planted >= KINDS
    consistent = [p for p in FILES if not expected(p)]
    assert len(consistent) >= 5
    assert any(p.stem.startswith("consistent") for p in consistent)


def test_contradictions_are_errors_and_the_rest_is_not() -> None:
    """Planted contradictions are errors; only a stand-in base is a warning, only a last digit
    a note."""
    severities = {rule: severity for path in FILES for severity, rule in expected(path)}
    assert severities.pop("rate_vs_stand_in") == "warning"
    assert {s for s in severities.values()} <= {"error", "note"}
    notes = [p for p in FILES if ("note", "rate_mismatch") in expected(p)]
    assert notes
