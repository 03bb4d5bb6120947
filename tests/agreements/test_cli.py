"""`zicha agreements` through click's runner: files written, the zip, refusals with exit 2 and
nothing left behind."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.cli.conftest import run
from zicha.cli.main import cli

from .helpers import docx_text

TOWNSHIPS = (
    "510001-XX乡",
    "510002-东河镇",
    "510003-西岭乡",
    "510004-南坝镇",
    "510005-北山乡",
    "510006-中和镇",
)


def said(*args: object) -> tuple[int, str]:
    """Exit code and what the command said on both streams, its lines unwrapped."""
    code, stdout, stderr = run(*(str(a) for a in args))
    return code, (stdout + stderr).replace("\n", "")


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


def test_one_agreement_per_child(seed_workbook: Path, tmp_path: Path) -> None:
    out = tmp_path / "责任书"
    code, stdout, _ = run(
        "agreements", seed_workbook, "--org", "510000", "--period", "2010Oct", "--out", out
    )
    assert code == 0
    assert files_under(out) == ["510001-XX乡-2010年度目标责任书.docx"]
    assert "已写出" in stdout and "XX县2010年度目标责任书 1 份" in stdout
    text = docx_text((out / "510001-XX乡-2010年度目标责任书.docx").read_bytes())
    assert "1.全年出生人口控制在510人以内；" in text


def test_the_period_defaults_to_the_year_of_the_workbooks_period(
    seed_workbook: Path, tmp_path: Path
) -> None:
    # the meta period is 2010OctS1: its statistical year is 2010Oct
    code, _, _ = run("agreements", seed_workbook, "--org", "510000", "--out", tmp_path)
    assert code == 0
    text = docx_text((tmp_path / "510001-XX乡-2010年度目标责任书.docx").read_bytes())
    assert "本责任书考核期为2010年10月1日至2011年9月30日。" in text


def test_a_county_gets_one_agreement_per_township_in_one_zip(
    county_xlsx: Path, tmp_path: Path
) -> None:
    code, stdout, _ = run(
        "agreements",
        county_xlsx,
        "--org",
        "510000",
        "--period",
        "2010Oct",
        "--out",
        tmp_path,
        "--zip",
        "--date",
        "2010年10月8日",
    )
    assert code == 0, stdout
    assert files_under(tmp_path) == ["510000-XX县-2010年度目标责任书.zip"]
    assert "XX县2010年度目标责任书 6 份（已打包）" in stdout
    with zipfile.ZipFile(tmp_path / "510000-XX县-2010年度目标责任书.zip") as z:
        names = z.namelist()
        assert names == [f"{t}-2010年度目标责任书.docx" for t in TOWNSHIPS]
        # names are stored as UTF-8 (the zip's flag 0x800), readable on any system
        assert all(info.flag_bits & 0x800 for info in z.infolist())
        east = docx_text(z.read("510002-东河镇-2010年度目标责任书.docx"))
    # 东河镇's targets: the seed's scaled to its size (demo_county), and the seed's method
    assert "乙方：东河镇人民政府" in east
    assert "5.已婚育龄妇女长效避孕措施落实率达到80%以上。" in east
    assert east.count("2010年10月8日") == 2


def test_without_zip_each_township_has_its_file(county_xlsx: Path, tmp_path: Path) -> None:
    code, _, _ = run(
        "agreements", county_xlsx, "--org", "510000", "--period", "2010Oct", "--out", tmp_path
    )
    assert code == 0
    assert files_under(tmp_path) == sorted(f"{t}-2010年度目标责任书.docx" for t in TOWNSHIPS)


def test_children_without_targets_are_named(county_xlsx: Path, tmp_path: Path) -> None:
    # the county's children are the townships; the villages of 东河镇 have no targets
    code, err = said(
        "agreements", county_xlsx, "--org", "510002", "--period", "2010Oct", "--out", tmp_path / "x"
    )
    assert code == 2
    assert "东河镇的下级单位在2010年10月至2011年9月都没有适用的目标" in err
    assert files_under(tmp_path) == []


def test_an_unknown_org_is_refused(seed_workbook: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, err = said("agreements", seed_workbook, "--org", "999999", "--out", out)
    assert code == 2
    assert "命令行选项 --org：没有这个单位，读到「999999」，应为组织机构表中的单位代码" in err
    assert "未生成任何输出" in err and "Traceback" not in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2010年第五季度", "期间「2010年第五季度」"),
        ("2012", "XX县的下级单位在2012年都没有适用的目标"),
    ],
    ids=["unreadable", "without-targets"],
)
def test_a_period_that_cannot_be_used_is_refused(
    seed_workbook: Path, tmp_path: Path, period: str, message: str
) -> None:
    out = tmp_path / "out"
    code, err = said(
        "agreements", seed_workbook, "--org", "510000", "--period", period, "--out", out
    )
    assert code == 2
    assert message in err
    assert not out.exists()


def test_a_unit_without_children_is_refused(seed_workbook: Path, tmp_path: Path) -> None:
    code, err = said("agreements", seed_workbook, "--org", "510001", "--out", tmp_path / "o")
    assert code == 2
    assert "XX乡没有下级单位" in err


def test_a_bad_date_is_refused(seed_workbook: Path, tmp_path: Path) -> None:
    code, err = said(
        "agreements",
        seed_workbook,
        "--org",
        "510000",
        "--date",
        "2010-02-30",
        "--out",
        tmp_path / "o",
    )
    assert code == 2
    assert "命令行选项 --date" in err and "2010年2月没有30日" in err
    assert not (tmp_path / "o").exists()


def test_a_pack_without_agreement_wording_is_refused(tmp_path: Path) -> None:
    runner = CliRunner()
    assert (
        runner.invoke(
            cli, ["demo", "--pack", "fire-safety", "--out", str(tmp_path / "d")]
        ).exit_code
        == 0
    )
    code, err = said("agreements", tmp_path / "d" / "workbook.xlsx", "--out", tmp_path / "o")
    assert code == 2
    assert "没有目标责任书的措辞" in err and "agreement.toml" in err
    assert not (tmp_path / "o").exists()


def test_a_failed_write_leaves_nothing_behind(county_xlsx: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    # a folder where the fourth file must go: the first three are written, then removed again
    (out / "510004-南坝镇-2010年度目标责任书.docx").mkdir()
    code, err = said(
        "agreements", county_xlsx, "--org", "510000", "--period", "2010Oct", "--out", out
    )
    assert code == 2
    assert "输出路径是一个目录" in err
    assert files_under(out) == ["510004-南坝镇-2010年度目标责任书.docx"]


def test_an_output_path_that_is_a_file_is_refused(seed_workbook: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.docx"
    out.write_bytes(b"mine")
    code, err = said("agreements", seed_workbook, "--org", "510000", "--out", out)
    assert code == 2
    assert "输出路径是一个文件，应为目录" in err
    assert out.read_bytes() == b"mine"


def test_help_is_chinese() -> None:
    code, stdout, _ = run("agreements", "--help")
    assert code == 0
    assert "目标管理责任书" in stdout and "--zip" in stdout
