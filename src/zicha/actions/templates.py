"""`zicha template`: a blank workbook for a pack."""

from __future__ import annotations

from pathlib import Path

from zicha.actions.files import write_with
from zicha.domain.errors import InputError, Problem
from zicha.packs.registry import named_pack
from zicha.workbook.template import write_template


def write_blank_workbook(pack_id: str | None, out: Path) -> Path:
    if out.suffix.lower() != ".xlsx":
        raise InputError([Problem(file=str(out), message="空白工作簿应保存为 .xlsx 文件")])
    pack = named_pack(pack_id)
    write_with(out, lambda tmp: write_template(pack, tmp))
    return out
