"""The agreement between XX县 and the seed township XX乡: its text as a golden file, its nine
targets in words, and its PDF."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from zicha.actions.agreements import agreement_file
from zicha.actions.session import Session
from zicha.domain.period import parse_period
from zicha.reports.pdf import docx_to_pdf, find_office

from .helpers import docx_text

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "agreement-510001.txt"
ON_CI = os.environ.get("CI") == "true"

#: the seed's targets (目标.csv) as the agreement must word them, in the sheet's order
SEED_TARGETS = (
    "全年出生人口控制在510人以内",
    "人口自然增长率控制在5‰以内",
    "政策符合率达到85%以上",
    "政策外多孩率控制在4%以内",
    "出生人口性别比控制在105～107之间",
    "已婚育龄妇女长效避孕措施落实率达到80%以上",
    "全年计划生育财政投入达到31.64万元以上",
    "当年违规生育案件查处率达到80%以上",
    "往年度违规生育未处理案件查处率达到40%以上",
)


@pytest.fixture(scope="module")
def seed_docx(seed: Session) -> bytes:
    made = agreement_file(seed.engine, "510001", parse_period("2010Oct"), date(2010, 10, 8))
    assert made.name == "510001-XX乡-2010年度目标责任书.docx"
    assert made.data.startswith(b"PK")
    assert made.media_type == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    return made.data


def test_seed_agreement_matches_golden(seed_docx: bytes) -> None:
    text = docx_text(seed_docx)
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_seed_agreement_reads_its_nine_targets(seed_docx: bytes) -> None:
    lines = docx_text(seed_docx).splitlines()
    start = lines.index("一、目标任务")
    numbered = [line for line in lines[start:] if re.match(r"^\d+\.", line)][:9]
    expected = [f"{i}.{t}{'。' if i == 9 else '；'}" for i, t in enumerate(SEED_TARGETS, start=1)]
    assert numbered == expected


def test_seed_agreement_parties_scoring_and_veto(seed_docx: bytes) -> None:
    lines = docx_text(seed_docx).splitlines()
    assert lines[0] == "2010年度人口和计划生育目标管理责任书"
    assert "甲方：XX县人民政府" in lines[1:4] and "乙方：XX乡人民政府" in lines[1:4]
    # full marks: the points of the nine items of 考核办法.csv, 10+10+15+10+10+10+5+5+5
    assert any("满分80分" in line for line in lines)
    # deduction per step, in the indicator's unit: 15 points, −0.3 per 0.1 percentage point
    assert (
        "3.政策符合率（15分）：政策符合率达到85%以上的，得15分；每低0.1个百分点扣0.3分，扣完为止。"
        in lines
    )
    # a range misses by its nearer bound
    assert any("每偏离控制范围1个点扣0.5分" in line for line in lines)
    # pro rata (长效避孕措施落实率, 按比例得分)
    assert any(
        line.startswith("1.长效避孕措施落实率（10分）") and "比例计分" in line for line in lines
    )
    # the one veto item of the method
    veto = lines.index("三、一票否决")
    assert lines[veto + 1].startswith("政策外多孩率未达到“控制在4%以内”要求的，实行一票否决")
    # both signature blocks, dated
    assert lines.count("负责人（签字）：") == 2
    assert lines.count("2010年10月8日") == 2


def test_seed_agreement_without_a_date_leaves_it_to_be_written(seed: Session) -> None:
    made = agreement_file(seed.engine, "510001", parse_period("2010Oct"))
    lines = docx_text(made.data).splitlines()
    assert lines.count("　　年　　月　　日") == 2
    assert not any(re.search(r"\d+年\d+月\d+日$", line) for line in lines[-12:])


def test_seed_agreement_renders_as_pdf(seed_docx: bytes, tmp_path: Path) -> None:
    tools = [t for t in ("pdfinfo", "pdftotext") if shutil.which(t) is None]
    if find_office() is None or tools:
        message = f"LibreOffice and poppler are needed: missing {tools or ['soffice']}"
        if ON_CI:
            pytest.fail(message + " (CI=true: this test must run)")
        pytest.skip(message)
    source = tmp_path / "agreement.docx"
    source.write_bytes(seed_docx)
    pdf = tmp_path / "agreement.pdf"
    docx_to_pdf(source, pdf)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))  # type: ignore[union-attr]
    assert 2 <= pages <= 5
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    for phrase in SEED_TARGETS:
        assert phrase in flat, phrase
    # the signature blocks side by side: both parties on one line of the last page
    last = text.split("\f")[pages - 1]
    # (pdftotext may set a space between Latin letters and Chinese)
    assert re.search(r"甲方：XX\s?县人民政府\s{2,}乙方：XX\s?乡人民政府", last)
    # the last page holds body text too, not the signatures alone
    assert "生效" in re.sub(r"\s+", "", last)
