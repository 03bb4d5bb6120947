"""zicha end to end, through its public API, from the CSV workbook folder to the indicator table.

    python bench/e2e_zicha.py FOLDER      # one JSON line: clock readings, rows, peak memory

`read_workbook(folder)` with every check zicha makes (the workbook is refused, exit 2, on any
problem) → `workbook_engine(pack, dataset)` → `engine.table(every org unit, every period, the
indicators)`: the 13 indicators the other contestants compute (those the generated province has
data for, `e2e_spec.INDICATORS`) for the 2,111 units and 24 periods, materialised as a polars
DataFrame (with the element, numerator and denominator columns zicha computes them from).
"""

from __future__ import annotations

import time

T_START = time.perf_counter()

import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
if str(BENCH.parent / "src") not in sys.path:
    sys.path.insert(0, str(BENCH.parent / "src"))  # zicha without `pip install -e .`
import e2e_spec as spec  # noqa: E402


def compute(folder: Path, phases: dict[str, float] | None = None) -> Any:
    """zicha's whole table (a polars DataFrame), as `steps.py zicha_engine` computes it;
    `phases` gets the seconds of reading, building the engine and computing the table."""
    from steps import all_periods

    from zicha.actions.session import workbook_engine
    from zicha.packs.registry import get_pack
    from zicha.workbook.reader import read_workbook

    t0 = time.perf_counter()
    dataset = read_workbook(folder, get_pack)
    pack = get_pack(dataset.pack_id)
    t1 = time.perf_counter()
    engine = workbook_engine(pack, dataset)
    t2 = time.perf_counter()
    table = engine.table([u.code for u in dataset.tree], all_periods(pack), spec.INDICATORS)
    if phases is not None:
        phases.update(read_s=t1 - t0, engine_s=t2 - t1, table_s=time.perf_counter() - t2)
    return table


def table(folder: Path) -> Any:
    """The columns the other contestants compute: (org_unit, period, val:<indicator>…)."""
    return compute(folder).select("org_unit", "period", *(f"val:{i}" for i in spec.INDICATORS))


def main() -> None:
    folder = Path(sys.argv[1])
    from zicha.actions.session import workbook_engine  # noqa: F401
    from zicha.domain.errors import InputError
    from zicha.packs.registry import get_pack  # noqa: F401
    from zicha.workbook.reader import read_workbook  # noqa: F401

    t_imported = time.perf_counter()
    phases: dict[str, float] = {}
    try:
        result = compute(folder, phases)
    except InputError as err:
        print(err, file=sys.stderr)
        raise SystemExit(2) from None
    spec.report(
        T_START, t_imported, {"rows": result.height, "columns": result.width, "phases": phases}
    )


if __name__ == "__main__":
    main()
