"""What the end-to-end contestants compute, written once for the DuckDB and polars queries.

Nothing here imports zicha, polars or duckdb: each contestant pays only for its own imports.
`tests/bench/test_e2e.py` checks these periods against zicha's (`bench/steps.py:all_periods`) and
these vocabularies against zicha's cell parsers.

The table: one row per (org unit, period) for every org unit of the tree and every period below,
with a `val:<indicator>` column for each indicator of the family-planning pack that has data in
the generated province (`INDICATORS`); null where zicha gives null (nothing entered, or a zero or
missing denominator).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NoReturn

#: the statistical year (October to September) the benchmark computes
YEAR_START = date(2023, 10, 1)


def _month_start(start: date, months: int) -> date:
    m = start.month - 1 + months
    return date(start.year + m // 12, m % 12 + 1, 1)


def _period(pid: str, start: date, months: int) -> tuple[str, date, date]:
    return pid, start, _month_start(start, months) - timedelta(days=1)


def periods() -> list[tuple[str, date, date]]:
    """(id, first day, last day) of the 24 periods, in zicha's order: the 12 months, the calendar
    quarters and half inside the statistical year, its quarters, halves and the year itself."""
    out = [
        _period(f"{d.year}{d.month:02d}", d, 1)
        for d in (_month_start(YEAR_START, i) for i in range(12))
    ]
    out += [
        _period(f"{d.year}Q{(d.month - 1) // 3 + 1}", d, 3)
        for d in (_month_start(YEAR_START, 3 * i) for i in range(4))
    ]
    out.append(_period("2024S1", date(2024, 1, 1), 6))
    tag = f"{YEAR_START.year}Oct"
    out += [_period(f"{tag}Q{i + 1}", _month_start(YEAR_START, 3 * i), 3) for i in range(4)]
    out += [_period(f"{tag}S{i + 1}", _month_start(YEAR_START, 6 * i), 6) for i in range(2)]
    out.append(_period(tag, YEAR_START, 12))
    return out


#: zicha's vocabularies (`zicha.workbook.cells.SEX` and `FLAG`), matched after trim + lower case
SEX = {"男": "M", "女": "F", "男性": "M", "女性": "F", "m": "M", "f": "F", "1": "M", "2": "F"}
FLAG = {
    "是": True,
    "否": False,
    "y": True,
    "n": False,
    "yes": True,
    "no": False,
    "true": True,
    "false": False,
    "1": True,
    "0": False,
}
#: date forms accepted (strptime; the month and day may be one or two digits)
DATE_FORMS = ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y.%m.%d", "%Y%m%d")
#: the largest birth order and age zicha takes as plausible (`zicha.workbook.cells`)
MAX_ORDER = 20
MAX_AGE = 150

#: the elements counted from the registers (the pack's registers.toml)
BIRTH_ELEMENTS = (
    "births",
    "births_male",
    "births_female",
    "births_in_policy",
    "births_out_policy_order3plus",
)
REGISTER_ELEMENTS = (*BIRTH_ELEMENTS, "deaths")
#: data elements of values.csv by how they aggregate over time (the pack's elements.toml)
FLOWS = ("budget_spent", "contraception_due", "contraception_done")
STOCKS = ("population", "married_women", "long_acting_users")

#: the indicators with data in the generated province, in the pack's order
INDICATORS = (
    "births",
    "deaths",
    "birth_rate",
    "death_rate",
    "natural_growth_rate",
    "sex_ratio_at_birth",
    "policy_birth_rate",
    "out_of_policy_multichild_rate",
    "married_women",
    "long_acting_rate",
    "contraception_done",
    "contraception_completion_rate",
    "budget_spent",
)
#: indicators whose inputs are whole numbers: every contestant must give the same bits. The
#: others sum decimal figures, in an order each engine chooses: equal within `RELATIVE`.
EXACT = tuple(i for i in INDICATORS if i != "budget_spent")
RELATIVE = 1e-12

#: (indicator, numerator, factor, denominator) over the element columns; `avg_population` is
#: (opening population + closing population) / 2 (DOMAIN.md §2). The value is
#: numerator × factor / denominator in that order, null when the denominator is null or 0.
FORMULAS: tuple[tuple[str, str, float, str | None], ...] = (
    ("births", "births", 1.0, None),
    ("deaths", "deaths", 1.0, None),
    ("birth_rate", "births", 1000.0, "avg_population"),
    ("death_rate", "deaths", 1000.0, "avg_population"),
    ("natural_growth_rate", "births - deaths", 1000.0, "avg_population"),
    ("sex_ratio_at_birth", "births_male", 100.0, "births_female"),
    ("policy_birth_rate", "births_in_policy", 100.0, "births"),
    ("out_of_policy_multichild_rate", "births_out_policy_order3plus", 100.0, "births"),
    ("married_women", "married_women", 1.0, None),
    ("long_acting_rate", "long_acting_users", 100.0, "married_women"),
    ("contraception_done", "contraception_done", 1.0, None),
    ("contraception_completion_rate", "contraception_done", 100.0, "contraception_due"),
    ("budget_spent", "budget_spent", 1.0, None),
)


def parse_period(text: str) -> tuple[date, date] | None:
    """(first day, last day) of a period id of values.csv: 202401 (a month), 2024Q1, 2024S1,
    2024 (calendar), 2023Oct, 2023OctQ1, 2023OctS1 (the statistical year from October); None
    for anything else.

    >>> parse_period("2023OctQ2"), parse_period("202313")
    ((datetime.date(2024, 1, 1), datetime.date(2024, 3, 31)), None)
    """
    t = text.strip()
    if len(t) < 4 or not t[:4].isdigit():
        return None
    year, rest = int(t[:4]), t[4:]
    if rest.isdigit() and len(rest) == 2:
        if not 1 <= int(rest) <= 12:
            return None
        _, first, last = _period(t, date(year, int(rest), 1), 1)
        return first, last
    start = date(year, 1, 1)
    if rest.startswith("Oct"):
        start, rest = date(year, 10, 1), rest[3:]
    parts = {"": (0, 12), **{f"Q{i}": (3 * i - 3, 3) for i in range(1, 5)}}
    parts.update({f"S{i}": (6 * i - 6, 6) for i in range(1, 3)})
    if rest not in parts:
        return None
    offset, months = parts[rest]
    _, first, last = _period(t, _month_start(start, offset), months)
    return first, last


def report(t_start: float, t_imported: float, result: dict[str, object]) -> NoReturn:
    """Print the contestant's JSON line: its clock readings (time.perf_counter, the monotonic
    clock its parent reads too), what it computed and its own peak resident set (VmHWM, MiB).
    Then the process ends as zicha's command line ends (`zicha.cli.main.main`), for every
    contestant alike: its output flushed, without tearing its modules down one by one (for
    polars, 0.05–0.1 s)."""
    import json
    import os
    import sys
    import time

    t_done = time.perf_counter()
    hwm = None
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                hwm = int(line.split()[1]) / 1024
    times = {"t_start": t_start, "t_imported": t_imported, "t_done": t_done}
    print(json.dumps({**times, "work_s": t_done - t_imported, "hwm_mb": hwm, **result}))
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


class InputError(Exception):
    """The CSV folder holds something the contestant cannot take (exit 2, as zicha does)."""
