"""Opening a workbook for the commands: read, check, resolve the org unit and period asked for."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from zicha.domain.errors import InputError, Problem
from zicha.domain.pack import Pack
from zicha.domain.period import Period
from zicha.domain.result import Computation
from zicha.engine.computation import Engine
from zicha.engine.dataset import Dataset
from zicha.packs.registry import workbook_pack
from zicha.workbook.cells import CellError
from zicha.workbook.cells import parse_period as parse_cell_period
from zicha.workbook.facts import WorkbookFacts
from zicha.workbook.reader import read_workbook
from zicha.workbook.sheets import SHEETS

#: how many sheets a workbook may hold (for a progress bar over them)
SHEET_COUNT = len(SHEETS)


@dataclass
class Session:
    """A workbook read and checked, with the engine over it."""

    path: Path
    pack: Pack
    dataset: Dataset
    engine: Engine

    def org(self, code: str | None) -> str:
        """The org unit asked for (default: the workbook's `orgunit` meta key, else the root)."""
        code = (code or self.dataset.meta.get("orgunit") or self.dataset.tree.root.code).strip()
        if code not in self.dataset.tree:
            known = "、".join(f"{u.code} {u.name}" for u in list(self.dataset.tree)[:10])
            alike = [u.code for u in self.dataset.tree if u.code.lstrip("0") == code.lstrip("0")]
            told = f"没有这个单位；是否应为「{alike[0]}」？" if alike else "没有这个单位"
            raise InputError(
                [
                    Problem(
                        file=str(self.path),
                        option="--org",
                        found=code,
                        message=told,
                        expected=f"组织机构表中的单位代码（如 {known}）",
                    )
                ]
            )
        return code

    def period(self, text: str | None) -> Period:
        """The period asked for (default: the workbook's `period` meta key)."""
        text = text or self.dataset.meta.get("period")
        if not text:
            raise InputError(
                [
                    Problem(
                        file=str(self.path),
                        option="--period",
                        message="请用 --period 指定期间（如 2010OctS1、2024S1、2024）",
                    )
                ]
            )
        try:
            return parse_cell_period(text, self.pack.year_start_month)
        except CellError as exc:
            raise InputError([Problem(option="--period", message=str(exc))]) from None

    def compute(self, org: str | None, period: str | None) -> Computation:
        return self.engine.compute(self.org(org), self.period(period))


def workbook_engine(pack: Pack, dataset: Dataset) -> Engine:
    """The engine over a workbook's facts (or any dataset built in memory)."""
    return Engine(pack, WorkbookFacts(pack, dataset))


def open_workbook(path: str | Path, progress: Callable[[str], None] | None = None) -> Session:
    """Read a workbook (.xlsx or a CSV folder) all-or-nothing and set up the engine over it."""
    path = Path(path)
    used: list[Pack] = []

    def resolve(pack_id: str | None) -> Pack:
        used.append(workbook_pack(pack_id, path))
        return used[-1]

    dataset = read_workbook(path, resolve, progress=progress)
    pack = used[-1]  # the pack the workbook was read with is the one it is computed with
    return Session(path, pack, dataset, workbook_engine(pack, dataset))
