"""Outliers against the same period of earlier years (DOMAIN §5), by hand."""

from __future__ import annotations

import pytest

from tests.factories import dataset, tree, values
from zicha.actions.session import workbook_engine
from zicha.domain.period import parse_period
from zicha.engine.checks import modified_z
from zicha.engine.computation import Engine
from zicha.packs.registry import get_pack

TOWN = tree(("C", "县", None, "county"), ("T", "乡", "C", "township"))


def births(history: list[float], now: float) -> Engine:
    rows = [("T", f"{2019 + i}S1", "births", n) for i, n in enumerate(history)]
    rows.append(("T", "2024S1", "births", now))
    return workbook_engine(get_pack(None), dataset(TOWN, values=values(*rows)))


def test_modified_z_by_hand() -> None:
    # median 11.5; absolute deviations 1.5, 0.5, 0.5, 1.5: MAD 1.0
    assert modified_z(40.0, [10.0, 11.0, 12.0, 13.0]) == pytest.approx(0.6745 * 28.5 / 1.0)
    assert modified_z(5.0, [5.0, 5.0, 5.0]) is None


def test_a_figure_far_from_earlier_years_is_flagged() -> None:
    c = births([100, 104, 98, 102, 101], 180).compute("T", parse_period("2024S1"))
    found = [f for f in c.findings if f.rule == "outlier"]
    assert len(found) == 1
    assert found[0].severity == "warning"
    assert found[0].elements == ("births",)
    # median 101, MAD 1 (deviations 1, 3, 3, 1, 0): z = 0.6745 × 79 = 53.3
    assert "53.3" in found[0].message


def test_an_ordinary_figure_is_not_flagged() -> None:
    c = births([100, 104, 98, 102, 101], 103).compute("T", parse_period("2024S1"))
    assert not [f for f in c.findings if f.rule == "outlier"]


def test_too_few_earlier_years_judge_nothing() -> None:
    c = births([100, 101], 500).compute("T", parse_period("2024S1"))
    assert not [f for f in c.findings if f.rule == "outlier"]
