"""The workbook's answers to the engine's questions: missing stays missing when periods with and
without data are asked together; whole months and cut months of a register."""

from __future__ import annotations

from tests.factories import births, dataset, tree, values
from zicha.actions.session import workbook_engine
from zicha.domain.period import parse_period
from zicha.packs.registry import get_pack

TOWN = tree(("C", "县", None, "county"), ("T", "乡", "C", "township"))


def test_a_flow_missing_in_one_period_is_null_beside_a_period_with_it() -> None:
    # budget_spent entered for the quarter only, contraception_due for January: in January the
    # budget is missing (null), not 0
    rows = values(("T", "2024Q1", "budget_spent", 3.5), ("T", "202401", "contraception_due", 9))
    data = dataset(TOWN, values=rows)
    periods = [parse_period("202401"), parse_period("2024Q1")]
    engine = workbook_engine(get_pack(None), data)
    table = engine.table(["T"], periods, ["budget_spent", "contraception_completion_rate"])
    got = dict(zip(table["period"], table["val:budget_spent"], strict=True))
    assert got == {"202401": None, "2024Q1": 3.5}
    due = dict(zip(table["period"], table["contraception_due"], strict=True))
    assert due == {"202401": 9, "2024Q1": 9}


def test_register_counts_over_whole_and_cut_months() -> None:
    data = dataset(
        TOWN,
        births=births(
            ("T", "2024-01-10", "M", 1, True),
            ("T", "2024-01-20", "F", 1, True),
            ("T", "2024-02-05", "M", 2, True),
            ("T", "2024-03-30", "F", 3, False),
        ),
    )
    engine = workbook_engine(get_pack(None), data)
    periods = [parse_period(p) for p in ("2024Q1", "2024-01-15/2024-03-29", "202402")]
    table = engine.table(["T", "C"], periods, ["births"])
    got = {(o, p): v for o, p, v in table.select("org_unit", "period", "val:births").rows()}
    # the quarter: all four; 15 January to 29 March: 20 January and 5 February; February: one
    assert got[("T", "2024Q1")] == got[("C", "2024Q1")] == 4
    assert got[("T", "2024-01-15/2024-03-29")] == 2
    assert got[("T", "202402")] == 1


def test_an_element_from_a_register_and_from_entered_values_is_added() -> None:
    """Births entered for November (before the register starts) and counted by the register in
    January and February: a period over both adds them; each month has its own alone."""
    data = dataset(
        TOWN,
        values=values(("T", "202311", "births", 5)),
        births=births(
            ("T", "2024-01-10", "M", 1, True),
            ("T", "2024-01-20", "F", 1, True),
            ("T", "2024-02-05", "M", 2, True),
        ),
    )
    engine = workbook_engine(get_pack(None), data)
    periods = [parse_period(p) for p in ("2023-11-01/2024-02-29", "202311", "202401", "202402")]
    table = engine.table(["T", "C"], periods, ["births"])
    got = {(o, p): v for o, p, v in table.select("org_unit", "period", "val:births").rows()}
    for org in ("T", "C"):
        assert got[(org, "2023-11-01/2024-02-29")] == 5 + 2 + 1
        assert got[(org, "202311")] == 5
        assert got[(org, "202401")] == 2
        assert got[(org, "202402")] == 1
