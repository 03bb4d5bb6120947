"""`zicha factcheck` through click's runner: the seed, the formats it reads, exit codes, JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import run

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "township-fp-halfyear-report.txt"


@pytest.fixture(scope="module")
def seed_text(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed without its last line (web clutter), as a reviewer would receive it."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    assert lines[-1].startswith("相關自查报告")
    path = tmp_path_factory.mktemp("seed") / "seed.txt"
    path.write_text("\n".join(lines[:-1]), encoding="utf-8")
    return path


def test_the_seed_gives_its_known_contradictions_as_errors(seed_text: Path) -> None:
    code, out, _ = run("factcheck", seed_text, "--json")
    assert code == 1
    doc = json.loads(out)
    errors = {f["rule"]: f for f in doc["findings"] if f["severity"] == "error"}
    assert set(errors) == {"base_mismatch", "parts_exceed_whole", "rate_over_maximum"}
    assert doc["errors"] == 3 and doc["warnings"] == 0
    # birth rate and natural growth rate: two populations, 233 / 6.55‰ and (233 − 95) / 3.59‰
    base = errors["base_mismatch"]["message"]
    assert "35573" in base and "38440" in base
    # the surgeries: 514 + 2 + 66 = 582 in section (五) against 580 in section (一)
    parts = errors["parts_exceed_whole"]
    assert "582" in parts["message"] and "580" in parts["message"]
    assert len(parts["sentences"]) == 2
    assert any("女扎2例" in s for s in parts["sentences"])
    # 580 done of 509 due: 113.95 %
    assert "580 ÷ 509 = 113.95%" in errors["rate_over_maximum"]["message"]


def test_the_terminal_lists_findings_with_their_sentences(seed_text: Path) -> None:
    code, out, _ = run("factcheck", seed_text)
    assert code == 1
    assert "3 个错误" in out
    assert "原文：" in out and "女扎2例" in out


def test_json_figures_follow_the_contract(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text("出生人口XX人，出生率为6.55‰。", encoding="utf-8")
    code, out, _ = run("factcheck", path, "--json")
    assert code == 0
    doc = json.loads(out)
    masked, rate = doc["figures"]
    assert {"label", "value", "unit", "text", "sentence"} <= set(masked)
    assert masked["value"] is None and masked["unit"] == "人"
    assert rate == rate | {"label": "出生率", "value": 6.55, "unit": "‰", "text": "6.55‰"}
    assert rate["sentence"] == "出生人口XX人，出生率为6.55‰。"
    assert doc["findings"] == []


def test_a_consistent_report_exits_zero(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    path.write_text(
        "# 自查报告\n\n全镇出生**212**人，其中男孩110人、女孩102人。\n", encoding="utf-8"
    )
    code, out, _ = run("factcheck", path)
    assert code == 0
    assert "未发现矛盾" in out


def test_gb18030_text(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_bytes("全镇出生212人，其中男孩110人、女孩104人。".encode("gb18030"))
    code, out, _ = run("factcheck", path, "--json")
    assert code == 1
    assert json.loads(out)["findings"][0]["rule"] == "partition_sum"


def test_markdown_tables(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    path.write_text(
        "| 指标 | 本期 |\n| :--- | ---: |\n| 出生人数（人） | 212 |\n| 出生男婴数（人） | 110 |\n"
        "| 出生女婴数（人） | 104 |\n",
        encoding="utf-8",
    )
    code, out, _ = run("factcheck", path, "--json")
    assert code == 1
    finding = json.loads(out)["findings"][0]
    assert finding["rule"] == "partition_sum"
    assert "表格：出生人数（人）｜本期：212" in finding["sentences"]


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("关于2023年上半年计划生育工作的自查报告")
    document.add_paragraph("上半年全镇应落实避孕节育措施146例。")
    table = document.add_table(rows=3, cols=2)
    for row, cells in zip(
        table.rows,
        (("指标", "本期"), ("已落实避孕节育措施（例）", "158"), ("补救手术（例）", "63")),
        strict=True,
    ):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    path = tmp_path / "r.docx"
    document.save(str(path))
    code, out, _ = run("factcheck", path, "--json")
    assert code == 1
    finding = json.loads(out)["findings"][0]
    assert finding["rule"] == "rate_over_maximum"
    assert "158 ÷ 146 = 108.22%" in finding["message"]


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("old.doc", b"\xd0\xcf\x11\xe0", "另存为 .docx"),
        ("broken.docx", b"not a zip", "不是有效的 Word 文件"),
        ("report.pdf", b"%PDF", "报告文件扩展名 .docx、.txt 或 .md"),
        ("utf16.txt", b"\xff\xfe" + "出生".encode("utf-16-le")[:3], "无法识别文件编码"),
    ],
)
def test_unreadable_files_exit_2_naming_the_file(
    tmp_path: Path, name: str, data: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    code, out, err = run("factcheck", path)
    err = err.replace("\n", "")  # the terminal wraps long lines
    assert code == 2
    assert words in err and name in err
    assert out == "" and "Traceback" not in err


def test_a_missing_file_and_an_unknown_pack_exit_2(tmp_path: Path) -> None:
    code, _, err = run("factcheck", tmp_path / "none.txt")
    assert code == 2 and "文件不存在" in err.replace("\n", "")
    path = tmp_path / "r.txt"
    path.write_text("出生233人。", encoding="utf-8")
    code, _, err = run("factcheck", path, "--pack", "no-such-pack")
    assert code == 2 and "未知的业务包" in err.replace("\n", "")


def test_another_pack_brings_its_own_lexicon(tmp_path: Path) -> None:
    """A pack without a lexicon still checks what the text itself says (其中, periods)."""
    path = tmp_path / "r.txt"
    path.write_text("共接待群众86人，其中咨询52人、办证41人。出生233人。", encoding="utf-8")
    code, out, _ = run("factcheck", path, "--pack", "fire-safety", "--json")
    assert code == 1
    doc = json.loads(out)
    assert doc["pack"] == "fire-safety"
    assert [f["rule"] for f in doc["findings"]] == ["parts_exceed_whole"]
    assert all(f["label"] != "出生人数" for f in doc["figures"])
