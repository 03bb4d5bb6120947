"""A bare machine: every system font hidden, LibreOffice absent or present.

The demo is drafted in a fresh process whose fontconfig configuration is empty (no system font
at all), with a fresh matplotlib folder and a home of its own, as on a new server. Its charts
must be there, and when LibreOffice draws them into a PDF, every label must be set in a font
that has the glyphs: the Chinese font that comes with zicha. Without LibreOffice, a PDF is
refused with exit 2 saying what to install.

Skipped where fontconfig or LibreOffice is missing, except on CI (CI=true), where that is a
failure.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from zicha.reports.fonts import bundled_fonts
from zicha.reports.pdf import find_office

ON_CI = os.environ.get("CI") == "true"
C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
SRC = Path(__file__).resolve().parents[1] / "src"


def _need(tool: str | None, what: str) -> None:
    if tool is None:
        if ON_CI:
            pytest.fail(f"{what} is needed for this test (CI=true: it must run)")
        pytest.skip(f"{what} not installed")


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a machine without a single font."""
    root = tmp_path_factory.mktemp("bare")
    empty = root / "fonts.conf"
    empty.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig/>\n',
        encoding="utf-8",
    )
    for sub in ("home", "mpl", "cache", "data"):
        (root / sub).mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("FONTCONFIG", "MPL", "XDG_", "ZICHA_"))
    }
    env.update(
        FONTCONFIG_FILE=str(empty),
        MPLCONFIGDIR=str(root / "mpl"),
        HOME=str(root / "home"),
        XDG_CACHE_HOME=str(root / "cache"),
        XDG_DATA_HOME=str(root / "data"),
        PYTHONPATH=os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH")) if p),
    )
    return env


def _zicha(env: dict[str, str], *args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zicha.cli.main", *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def demo(bare: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bare-demo")
    done = _zicha(bare, "demo", "--out", out)
    assert done.returncode == 0, done.stderr
    return out


def test_no_system_font_is_visible(bare: dict[str, str]) -> None:
    fc_list = shutil.which("fc-list")
    _need(fc_list, "fontconfig (fc-list)")
    assert fc_list is not None
    listed = subprocess.run([fc_list], env=bare, capture_output=True, text=True, check=True)
    assert listed.stdout.strip() == ""


def test_the_demo_is_drafted_with_its_charts(demo: Path) -> None:
    with zipfile.ZipFile(demo / "report.docx") as z:
        names = z.namelist()
        charts = sorted(n for n in names if re.fullmatch(r"word/charts/chart\d+\.xml", n))
        assert charts == ["word/charts/chart1.xml"]
        chart = etree.fromstring(z.read(charts[0]))
        assert "word/embeddings/Microsoft_Excel_Worksheet1.xlsx" in names
    title = "".join(chart.find(f"{C}chart/{C}title").itertext())
    assert title == "累计完成占全年目标的比例与时间进度"
    categories = [v.text for v in chart.iter(f"{C}v")]
    assert "出生人数（≤510）" in categories
    # the chart names its font; Word, WPS and LibreOffice draw it with the machine's 黑体
    assert {el.get("typeface") for el in chart.iter(f"{A}ea")} == {"黑体"}
    html = (demo / "report.html").read_text(encoding="utf-8")
    assert html.count('<svg class="chart"') == 1
    assert (demo / "report-数据核查单.docx").is_file()


def _chart_labels(docx: Path) -> str:
    with zipfile.ZipFile(docx) as z:
        chart = etree.fromstring(z.read("word/charts/chart1.xml"))
    return "".join(t.text or "" for tag in ("t", "v") for t in chart.iter(f"{A}{tag}", f"{C}{tag}"))


def test_chart_labels_are_drawn_with_a_font_that_has_the_glyphs(
    bare: dict[str, str], demo: Path, tmp_path: Path
) -> None:
    _need(find_office(), "LibreOffice (soffice)")
    _need(shutil.which("pdffonts"), "poppler-utils (pdffonts)")
    from fontTools.ttLib import TTFont

    pdf = tmp_path / "报告.pdf"
    done = _zicha(bare, "report", demo / "workbook.xlsx", "--out", pdf)
    assert done.returncode == 0, done.stderr
    listing = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    embedded = {line.split()[0].split("+")[-1] for line in listing.splitlines()[2:]}
    # every font in the PDF is one that came with zicha: nothing was drawn with a fallback
    assert embedded, listing
    assert all(name.startswith(("NotoSansSC", "NotoSerifSC")) for name in embedded), embedded
    assert any(name.startswith("NotoSansSC") for name in embedded)  # the charts' 黑体
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    for label in ("累计完成占全年目标的比例与时间进度", "时间进度49.9%", "出生人数（≤510）"):
        assert label in flat, label
    sans = TTFont(str(bundled_fonts()["Noto Sans SC"]))
    cmap = sans.getBestCmap()
    labels = {ch for ch in _chart_labels(demo / "report.docx") if not ch.isspace()}
    missing = sorted(ch for ch in labels if ord(ch) not in cmap)
    assert missing == []


def test_without_libreoffice_a_pdf_is_refused_saying_what_to_install(
    bare: dict[str, str], demo: Path, tmp_path: Path
) -> None:
    if any(Path("/opt").glob("libreoffice*/program/soffice")):
        pytest.skip("LibreOffice installed under /opt: it would be found there")
    env = {**bare, "PATH": str(tmp_path / "empty-bin")}
    pdf = tmp_path / "x.pdf"
    done = _zicha(env, "report", demo / "workbook.xlsx", "--out", pdf)
    assert done.returncode == 2, done.stderr
    assert "x.pdf" in done.stderr
    assert "LibreOffice" in done.stderr and "libreoffice-writer" in done.stderr
    assert "ZICHA_LIBREOFFICE" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
