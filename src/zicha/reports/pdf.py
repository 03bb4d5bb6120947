"""Convert a .docx to PDF with LibreOffice, using free fonts for the official ones.

The .docx names the official fonts (仿宋_GB2312, 方正小标宋简体, …), which a Linux machine does not
have. LibreOffice is started headless with a throw-away profile whose font replacement table
(Tools ▸ Options ▸ Fonts, ``org.openoffice.Office.Common/Font/Substitution``) maps each official
font to an installed free one, always, so the PDF shows real Chinese glyphs in the intended
style (serif for 仿宋/宋体, sans for 黑体, kai for 楷体) instead of whatever fontconfig guesses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Final
from xml.sax.saxutils import escape

__all__ = [
    "OFFICIAL_FONTS",
    "TIMEOUT_S",
    "PdfFailed",
    "PdfUnavailable",
    "docx_to_pdf",
    "find_office",
    "font_substitutions",
    "installed_font_families",
]

TIMEOUT_S: Final = 120

# official font → free candidates in order of preference (the first installed one is used)
OFFICIAL_FONTS: Final[dict[str, tuple[str, ...]]] = {
    "仿宋_GB2312": ("FandolFang", "Noto Serif CJK SC", "Source Han Serif SC"),
    "仿宋": ("FandolFang", "Noto Serif CJK SC", "Source Han Serif SC"),
    "FangSong": ("FandolFang", "Noto Serif CJK SC", "Source Han Serif SC"),
    # 小标宋 is a heavy song face: a bold or black serif family when one is installed
    "方正小标宋简体": (
        "Noto Serif CJK SC Black",
        "Noto Serif CJK SC SemiBold",
        "Source Han Serif SC Heavy",
        "Noto Serif CJK SC",
        "Source Han Serif SC",
    ),
    "黑体": ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
    "SimHei": ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
    "楷体_GB2312": ("AR PL UKai CN", "FandolKai", "Noto Serif CJK SC"),
    "楷体": ("AR PL UKai CN", "FandolKai", "Noto Serif CJK SC"),
    "KaiTi": ("AR PL UKai CN", "FandolKai", "Noto Serif CJK SC"),
    "宋体": ("Noto Serif CJK SC", "FandolSong", "Source Han Serif SC", "AR PL UMing CN"),
    "SimSun": ("Noto Serif CJK SC", "FandolSong", "Source Han Serif SC", "AR PL UMing CN"),
}


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed, so no PDF can be made."""


class PdfFailed(RuntimeError):
    """LibreOffice ran but did not produce the PDF."""


def find_office() -> str | None:
    """The path of ``soffice`` or ``libreoffice`` on PATH, or None."""
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    return None


@lru_cache(maxsize=1)
def installed_font_families() -> frozenset[str]:
    """Font family names fontconfig knows (empty when fc-list is missing)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return frozenset()
    try:
        out = subprocess.run(
            [fc_list, ":", "family"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return frozenset()
    families: set[str] = set()
    for line in out.splitlines():
        families.update(name.strip() for name in line.split(",") if name.strip())
    return frozenset(families)


def font_substitutions(installed: Iterable[str] | None = None) -> dict[str, str]:
    """Which free font LibreOffice uses for each official font on this machine.

    Only official fonts that are not installed themselves and have an installed substitute are
    listed (e.g. {"仿宋_GB2312": "Noto Serif CJK SC", "黑体": "Noto Sans CJK SC", …}).
    """
    have = frozenset(installed) if installed is not None else installed_font_families()
    result: dict[str, str] = {}
    for official, candidates in OFFICIAL_FONTS.items():
        if official in have:
            continue
        for candidate in candidates:
            if candidate in have:
                result[official] = candidate
                break
    return result


def _registry_xcu(substitutions: dict[str, str]) -> str:
    """registrymodifications.xcu turning on the font replacement table, "Always" replace."""
    items = [
        '<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
        '<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>'
    ]
    for i, (official, free) in enumerate(substitutions.items()):
        items.append(
            '<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">'
            f'<node oor:name="_{i}" oor:op="replace">'
            '<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>'
            '<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
            f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{escape(official)}</value></prop>'
            f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{escape(free)}</value></prop>'
            "</node></item>"
        )
    # no first-start wizard, no tips, no update checks in the throw-away profile
    items.append(
        '<item oor:path="/org.openoffice.Office.Common/Misc">'
        '<prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop>'
        '<prop oor:name="ShowTipOfTheDay" oor:op="fuse"><value>false</value></prop></item>'
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        + "\n".join(items)
        + "\n</oor:items>\n"
    )


def docx_to_pdf(docx: Path, out_pdf: Path) -> None:
    """Convert ``docx`` to ``out_pdf`` with LibreOffice headless (timeout TIMEOUT_S seconds).

    Raises PdfUnavailable when LibreOffice is not installed and PdfFailed (with LibreOffice's
    output) when the conversion fails or times out.
    """
    office = find_office()
    if office is None:
        raise PdfUnavailable(
            "未找到 LibreOffice，无法生成 PDF；请安装 libreoffice-writer 后重试，或改为输出 .docx"
        )
    docx = Path(docx).resolve()
    out_pdf = Path(out_pdf).resolve()
    if not docx.is_file():
        raise FileNotFoundError(docx)
    with tempfile.TemporaryDirectory(prefix="zicha-lo-") as tmp:
        tmpdir = Path(tmp)
        profile = tmpdir / "profile"
        user = profile / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(
            _registry_xcu(font_substitutions()), encoding="utf-8"
        )
        outdir = tmpdir / "out"
        outdir.mkdir()
        cmd = [
            office,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(outdir),
            str(docx),
        ]
        env = dict(os.environ)
        env.setdefault("HOME", str(tmpdir))
        try:
            proc = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                check=False,
                env=env,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfFailed(
                f"LibreOffice 转换超时（{TIMEOUT_S} 秒）：{docx.name}\n{_output(exc.stderr)}"
            ) from exc
        produced = outdir / (docx.stem + ".pdf")
        if proc.returncode != 0 or not produced.is_file():
            raise PdfFailed(
                f"LibreOffice 未能将 {docx.name} 转为 PDF（退出码 {proc.returncode}）：\n"
                f"{proc.stderr.strip() or proc.stdout.strip()}"
            )
        out_pdf.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(produced), str(out_pdf))


def _output(data: str | bytes | None) -> str:
    if data is None:
        return ""
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return data
