"""`zicha demo`: the bundled example of a pack, written out and carried through every step."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from zicha.actions.files import batch, write_text, write_with
from zicha.actions.reporting import (
    check_sheet,
    check_sheet_path,
    draft,
    template_for,
    write_all,
)
from zicha.actions.session import open_workbook
from zicha.domain.errors import InputError, Problem
from zicha.domain.result import Computation
from zicha.packs.registry import named_pack
from zicha.reports.json_view import computation_json
from zicha.workbook.export import read_csv_folder, write_raw_workbook
from zicha.workbook.sheets import SHEETS


@dataclass
class DemoResult:
    computation: Computation
    files: list[Path] = field(default_factory=list)


def run_demo(out: Path, pack_id: str) -> DemoResult:
    """Write the pack's example workbook into `out`, compute it and write what it yields."""
    pack = named_pack(pack_id)
    example = Path(pack.path or "") / "example"
    if not example.is_dir():
        raise InputError([Problem(message=f"业务包「{pack.id}」没有内置示例")])
    if out.exists() and not out.is_dir():
        raise InputError([Problem(file=str(out), message="输出路径已存在且不是目录")])
    out.mkdir(parents=True, exist_ok=True)
    workbook = out / "workbook.xlsx"
    sheets = read_csv_folder(example)
    order = [s.zh for s in SHEETS]
    write_with(workbook, lambda tmp: write_raw_workbook(sheets, tmp, order))
    session = open_workbook(workbook)
    computation = session.compute(None, None)
    files = [workbook]
    result_json = out / "compute.json"
    write_text(result_json, json.dumps(computation_json(computation), ensure_ascii=False, indent=2))
    files.append(result_json)
    doc, _ = draft(session, None, computation.period)
    sheet = check_sheet(session, computation)
    template = template_for(session, None)
    items = []
    for suffix in (".docx", ".html", ".md"):
        path = out / f"report{suffix}"
        items += [(doc, path), (sheet, check_sheet_path(path))]
    with batch(out) as b:
        write_all(items, template, b)
    files += [path for _, path in items]
    return DemoResult(computation, files)
