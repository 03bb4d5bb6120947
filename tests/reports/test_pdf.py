"""PDF through LibreOffice: pages, text, page numbers and the free CJK fonts actually embedded.

Skipped when LibreOffice is absent, except on CI (CI=true), where its absence is a failure.
The sample is converted once (one LibreOffice start, a few seconds).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from zicha.reports import pdf as pdf_module
from zicha.reports.fonts import bundled_fonts
from zicha.reports.pdf import (
    OFFICE_ENV,
    FontsMissing,
    PdfFailed,
    PdfUnavailable,
    _registry_xcu,
    docx_to_pdf,
    find_office,
    font_substitutions,
    fontconfig_file,
    missing_office_message,
    office_candidates,
)

from .sample import SAMPLE_TITLE

ON_CI = os.environ.get("CI") == "true"


def _require_tools() -> None:
    missing = [t for t in ("pdfinfo", "pdftotext", "pdffonts") if shutil.which(t) is None]
    if find_office() is None:
        missing.append("soffice (libreoffice-writer)")
    if missing:
        message = f"needed for the PDF test: {', '.join(missing)}"
        if ON_CI:
            pytest.fail(message + " (CI=true: this test must run)")
        pytest.skip(message)


def _run(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=60).stdout


@pytest.fixture(scope="module")
def sample_pdf(sample_docx: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    _require_tools()
    out = tmp_path_factory.mktemp("pdf") / "sample.pdf"
    docx_to_pdf(sample_docx, out)
    return out


def _pages(pdf: Path) -> int:
    match = re.search(r"^Pages:\s+(\d+)", _run("pdfinfo", str(pdf)), re.MULTILINE)
    assert match
    return int(match.group(1))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_pdf_pages_and_text(sample_pdf: Path) -> None:
    pages = _pages(sample_pdf)
    assert 3 <= pages <= 7
    text = _run("pdftotext", "-enc", "UTF-8", str(sample_pdf), "-")
    flat = _squash(text)
    assert _squash(SAMPLE_TITLE) in flat
    assert "特此报告" in flat
    assert "2011年3月31日" in flat
    assert "31.75" in flat  # a table figure
    assert "【待填写：各村出生人口的说明】" in flat
    # every page carries its own "— n —"
    numbers = [int(n) for n in re.findall(r"—\s*(\d+)\s*—", text)]
    assert numbers == list(range(1, pages + 1))


def test_page_numbers_alternate_sides(sample_pdf: Path) -> None:
    """Odd pages: the number at the right; even pages: at the left."""
    for page in (1, 2):
        box = _run("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(sample_pdf), "-")
        words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>(\d+)</word>', box)
        x, y = next((float(x), float(y)) for x, y, t in words if t == str(page) and float(y) > 700)
        assert (x > 297) if page % 2 else (x < 297), (page, x)
        # about 7 mm (≈ 20 pt) below the text block, which ends 35 mm above the page edge
        text_bottom = 841.89 - 35 / 25.4 * 72
        assert 12 <= y - text_bottom <= 28, y - text_bottom


def test_free_cjk_fonts_embedded(sample_pdf: Path) -> None:
    fonts = _run("pdffonts", str(sample_pdf))
    subs = font_substitutions()
    if not subs:
        pytest.skip("no free CJK font installed to substitute")
    # body text (仿宋 → serif) and 黑体 headings (→ sans) both come out as Noto CJK
    assert "NotoSerifCJK" in fonts.replace(" ", "")
    if subs.get("黑体") == "Noto Sans CJK SC":
        assert "NotoSansCJK" in fonts.replace(" ", "")
    assert "DejaVu" not in fonts  # no Latin fallback font for the digits


def test_substitution_table() -> None:
    installed = {"Noto Serif CJK SC", "Noto Sans CJK SC"}
    subs = font_substitutions(installed)
    assert subs["仿宋_GB2312"] == "Noto Serif CJK SC"
    assert subs["黑体"] == "Noto Sans CJK SC"
    assert subs["楷体_GB2312"] == "Noto Serif CJK SC"
    assert subs["方正小标宋简体"] == "Noto Serif CJK SC"
    assert font_substitutions(installed | {"AR PL UKai CN"})["楷体_GB2312"] == "AR PL UKai CN"
    assert "仿宋_GB2312" not in font_substitutions(installed | {"仿宋_GB2312"})
    xcu = _registry_xcu(subs)
    assert "org.openoffice.Office.Common/Font/Substitution/FontPairs" in xcu
    assert '<prop oor:name="ReplaceFont" oor:op="fuse"><value>仿宋_GB2312</value>' in xcu
    assert '<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>' in xcu


def test_missing_libreoffice_is_reported(
    monkeypatch: pytest.MonkeyPatch, sample_docx: Path, tmp_path: Path
) -> None:
    monkeypatch.setattr(pdf_module, "find_office", lambda: None)
    with pytest.raises(PdfUnavailable, match="未找到 LibreOffice"):
        docx_to_pdf(sample_docx, tmp_path / "x.pdf")


def test_failure_carries_stderr(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho 'boom: cannot convert' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf_module, "find_office", lambda: str(fake))
    src = tmp_path / "a.docx"
    src.write_bytes(b"not really a docx")
    with pytest.raises(PdfFailed, match="boom: cannot convert"):
        docx_to_pdf(src, tmp_path / "a.pdf")


# ---------------------------------------------------------------------------------------------
# finding LibreOffice and the fonts, on every platform


def test_libreoffice_named_by_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    program = tmp_path / "LibreOffice" / "program" / "soffice"
    program.parent.mkdir(parents=True)
    program.write_text("")
    monkeypatch.setenv(OFFICE_ENV, str(program))
    assert find_office() == str(program)
    # the install folder will do too
    monkeypatch.setenv(OFFICE_ENV, str(tmp_path / "LibreOffice"))
    assert find_office() == str(program)
    # a variable that names no program is not passed over: nothing is found, and the message
    # says what is wrong with the variable
    monkeypatch.setenv(OFFICE_ENV, str(tmp_path / "nowhere"))
    assert find_office() is None
    assert OFFICE_ENV in missing_office_message() and "nowhere" in missing_office_message()


def test_libreoffice_not_on_path_nor_installed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(OFFICE_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(pdf_module, "office_candidates", lambda: [tmp_path / "soffice"])
    assert find_office() is None
    (tmp_path / "soffice").write_text("")
    assert find_office() == str(tmp_path / "soffice")


def test_usual_install_folders() -> None:
    windows = office_candidates(
        {"ProgramFiles": "C:/Program Files", "ProgramFiles(x86)": "C:/Program Files (x86)"},
        "win32",
    )
    assert [p.as_posix() for p in windows] == [
        "C:/Program Files/LibreOffice/program/soffice.exe",
        "C:/Program Files (x86)/LibreOffice/program/soffice.exe",
    ]
    mac = office_candidates({"HOME": "/Users/clerk"}, "darwin")
    assert [p.as_posix() for p in mac] == [
        "/Applications/LibreOffice.app/Contents/MacOS/soffice",
        "/Users/clerk/Applications/LibreOffice.app/Contents/MacOS/soffice",
    ]


def test_substitutes_on_a_chinese_windows_pc() -> None:
    # what the registry of a Chinese Windows lists (with the Chinese names fonts.py adds)
    installed = {"SimSun", "宋体", "SimHei", "黑体", "FangSong", "仿宋", "KaiTi", "楷体"}
    subs = font_substitutions(installed)
    assert subs["仿宋_GB2312"] == "FangSong"
    assert subs["楷体_GB2312"] == "KaiTi"
    assert subs["方正小标宋简体"] == "SimSun"
    assert "黑体" not in subs and "宋体" not in subs  # installed themselves


def test_substitutes_on_a_mac() -> None:
    installed = {"PingFang SC", "Songti SC", "STFangsong", "Kaiti SC", "STHeiti", "Heiti SC"}
    subs = font_substitutions(installed)
    assert subs["仿宋_GB2312"] == "STFangsong"
    assert subs["黑体"] == "PingFang SC"
    assert subs["楷体"] == "Kaiti SC"
    assert subs["宋体"] == "Songti SC"


def test_bundled_fonts_only_where_the_machine_has_none() -> None:
    bundled = {"Noto Sans SC", "Noto Serif SC"}
    bare = font_substitutions(set(), bundled)
    assert bare["仿宋_GB2312"] == "Noto Serif SC"
    assert bare["方正小标宋简体"] == "Noto Serif SC"
    assert bare["黑体"] == "Noto Sans SC"
    # one Chinese font of its own: the machine's font for everything, never the bundled one
    only_wqy = font_substitutions({"WenQuanYi Zen Hei"}, bundled)
    assert set(only_wqy.values()) == {"WenQuanYi Zen Hei"}
    assert font_substitutions(set(), ()) == {}


def test_the_bundled_fonts_are_installed_with_zicha() -> None:
    fonts = bundled_fonts()
    assert set(fonts) == {"Noto Sans SC", "Noto Serif SC"}
    assert all(path.stat().st_size > 5_000_000 for path in fonts.values())


def test_fontconfig_file_adds_folders_to_the_config_in_force(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FONTCONFIG_FILE", "/etc/empty & odd.conf")
    conf = fontconfig_file([Path("/opt/fonts")], tmp_path)
    assert '<include ignore_missing="yes">/etc/empty &amp; odd.conf</include>' in conf
    assert "<dir>/opt/fonts</dir>" in conf
    assert f"<cachedir>{tmp_path}</cachedir>" in conf


def test_no_chinese_font_at_all_is_told(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(pdf_module, "installed_families", lambda: frozenset({"DejaVu Sans"}))
    monkeypatch.setattr(pdf_module, "bundled_fonts", dict)
    with pytest.raises(FontsMissing, match="中文字体"):
        pdf_module._fonts_for_office(tmp_path)
