"""Which packs a workbook may name, and that a pack is the same from reading to computing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from zicha.cli.main import cli
from zicha.domain.errors import InputError
from zicha.packs.registry import builtin_folder, get_pack, load_pack_folder, workbook_pack

EXAMPLE = builtin_folder("family-planning") / "example"


def _workbook(folder: Path, pack: str) -> Path:
    """The demo's CSV workbook with its `业务包` meta key set to `pack`."""
    shutil.copytree(EXAMPLE, folder)
    meta = folder / "基本信息.csv"
    lines = meta.read_text(encoding="utf-8").splitlines()
    lines = [f"业务包,{pack}" if line.startswith("业务包,") else line for line in lines]
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _own_pack(folder: Path, factor: int, decimals: int) -> Path:
    """A copy of the built-in pack under the same id, with the birth rate's factor and decimals
    changed."""
    shutil.copytree(
        builtin_folder("family-planning"), folder, ignore=shutil.ignore_patterns("example")
    )
    ind = folder / "indicators.toml"
    text = ind.read_text(encoding="utf-8")
    start = text.index("[indicators.birth_rate]")
    head, tail = text[:start], text[start:]
    tail = tail.replace("factor = 1000", f"factor = {factor}", 1)
    tail = tail.replace("decimals = 2", f"decimals = {decimals}", 1)
    ind.write_text(head + tail, encoding="utf-8")
    return folder


def _compute(book: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["compute", str(book), "--json"])
    return result.exit_code, result.stdout + result.stderr


def test_a_workbook_naming_a_pack_folder_is_computed_with_that_pack(tmp_path: Path) -> None:
    _own_pack(tmp_path / "本县业务包", 100, 4)
    book = _workbook(tmp_path / "book", "本县业务包")
    code, out = _compute(book)
    assert code == 0, out
    doc = json.loads(out)
    rate = next(i for i in doc["indicators"] if i["id"] == "birth_rate")
    # read with the folder's pack and computed with it too: not the built-in one of the same id
    average = (35504 + 35642) / 2
    assert rate["decimals"] == 4
    assert rate["value"] == pytest.approx(233 / average * 100, rel=1e-12)
    assert get_pack(None).indicators["birth_rate"].factor == 1000


@pytest.mark.parametrize("named", ["/etc", "../elsewhere", "sub/../../elsewhere", "nowhere"])
def test_a_workbook_cannot_load_a_pack_from_anywhere(tmp_path: Path, named: str) -> None:
    _own_pack(tmp_path / "elsewhere", 1000, 2)
    inside = tmp_path / "dir"
    inside.mkdir()
    book = _workbook(inside / "book", named)
    code, out = _compute(book)
    assert code == 2, out
    assert "业务包" in out and "Traceback" not in out


def test_workbook_pack_refuses_paths_outside_its_folder(tmp_path: Path) -> None:
    _own_pack(tmp_path / "p", 1000, 2)
    (tmp_path / "w").mkdir()
    with pytest.raises(InputError):
        workbook_pack("../p", tmp_path / "w" / "a.xlsx")
    with pytest.raises(InputError):
        workbook_pack(str(tmp_path / "p"), tmp_path / "w" / "a.xlsx")
    assert workbook_pack("p", tmp_path / "a.xlsx").path == str((tmp_path / "p").resolve())


def test_get_pack_takes_ids_only(tmp_path: Path) -> None:
    _own_pack(tmp_path / "p", 1000, 2)
    with pytest.raises(InputError):
        get_pack(str(tmp_path / "p"))
    assert load_pack_folder(tmp_path / "p").id == "family-planning"


def test_a_pack_whose_expression_does_not_parse_is_refused_when_loaded(tmp_path: Path) -> None:
    folder = _own_pack(tmp_path / "坏业务包", 1000, 2)
    ind = folder / "indicators.toml"
    ind.write_text(
        ind.read_text(encoding="utf-8").replace(
            'numerator = "births"', 'numerator = "births * (deaths"', 1
        ),
        encoding="utf-8",
    )
    book = _workbook(tmp_path / "book", "坏业务包")
    code, out = _compute(book)
    assert code == 2, out
    assert "indicators.births.numerator" in out and "Traceback" not in out
    lint = CliRunner().invoke(cli, ["packs", "lint", str(folder)])
    assert lint.exit_code == 1
    assert "indicators.births.numerator" in lint.stdout


def test_a_builtin_pack_is_read_once_per_process() -> None:
    """The server asks for its pack on every request: a built-in pack is part of the installed
    program and is not read again."""
    assert get_pack("family-planning") is get_pack("family-planning")
    assert get_pack(None) is get_pack("family-planning")
