"""Convert a .docx to PDF with LibreOffice, using the machine's Chinese fonts for the official ones.

The .docx names the official fonts (仿宋_GB2312, 方正小标宋简体, …), which most machines do not
have. LibreOffice is started headless with a throw-away profile whose font replacement table
(Tools ▸ Options ▸ Fonts, ``org.openoffice.Office.Common/Font/Substitution``) maps each official
font to a Chinese font the machine has (see :mod:`zicha.reports.fonts`), always, so the PDF
shows real Chinese glyphs in the intended style (serif for 仿宋/宋体, sans for 黑体, kai for
楷体) instead of whatever the system guesses. Where the machine has no Chinese font at all
(a bare Linux server), the fonts that come with zicha are given to LibreOffice through a
fontconfig file of the profile.

LibreOffice is looked for in ``ZICHA_LIBREOFFICE`` (the program or its folder), on ``PATH``
(``soffice``, ``libreoffice``), then in its usual install folders on Windows, macOS and Linux.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from html import escape
from pathlib import Path
from typing import Final

from zicha.reports.fonts import bundled_fonts, installed_families

__all__ = [
    "OFFICE_ENV",
    "OFFICIAL_FONTS",
    "TIMEOUT_S",
    "FontsMissing",
    "PdfFailed",
    "PdfUnavailable",
    "convert_to_pdf",
    "docx_to_pdf",
    "find_office",
    "font_substitutions",
    "fontconfig_file",
    "missing_office_message",
    "office_candidates",
]

TIMEOUT_S: Final = 120
#: the environment variable naming LibreOffice's program (soffice) or its install folder
OFFICE_ENV: Final = "ZICHA_LIBREOFFICE"


_FANG: Final = ("FangSong", "仿宋", "STFangsong", "FandolFang")
_KAI: Final = ("KaiTi", "楷体", "STKaiti", "Kaiti SC", "AR PL UKai CN", "FandolKai")
_SONG: Final = (
    "SimSun",
    "宋体",
    "Songti SC",
    "STSong",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "FandolSong",
    "AR PL UMing CN",
    "Noto Serif SC",
)
_HEI: Final = (
    "SimHei",
    "黑体",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "STHeiti",
    "Hiragino Sans GB",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "FandolHei",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "DengXian",
    "Droid Sans Fallback",
    "Noto Sans SC",
)
# 小标宋 is a heavy song face: a bold or black serif family when one is installed
_TITLE: Final = (
    "Noto Serif CJK SC Black",
    "Noto Serif CJK SC SemiBold",
    "Source Han Serif SC Heavy",
    "STZhongsong",
    "华文中宋",
    *_SONG,
)

# official font → candidates in order of preference (the first one the machine has is used);
# when none of them is there, any Chinese font at all, sans before serif
OFFICIAL_FONTS: Final[dict[str, tuple[str, ...]]] = {
    "仿宋_GB2312": _FANG + _SONG,
    "仿宋": _FANG + _SONG,
    "FangSong": _FANG + _SONG,
    "方正小标宋简体": _TITLE,
    "黑体": _HEI,
    "SimHei": _HEI,
    "楷体_GB2312": _KAI + _SONG,
    "楷体": _KAI + _SONG,
    "KaiTi": _KAI + _SONG,
    "宋体": _SONG,
    "SimSun": _SONG,
}
_ANY_CJK: Final = _HEI + _SONG + _FANG + _KAI


class PdfUnavailable(RuntimeError):
    """LibreOffice is not installed, so no PDF can be made."""


class PdfFailed(RuntimeError):
    """LibreOffice ran but did not produce the PDF."""


class FontsMissing(RuntimeError):
    """The machine has no Chinese font at all, and the one that comes with zicha is missing."""


def office_candidates(
    env: Mapping[str, str] | None = None, platform: str | None = None
) -> list[Path]:
    """Where LibreOffice's program may be on ``platform``, beyond PATH, in order.

    >>> [p.as_posix() for p in office_candidates({"ProgramFiles": "C:/PF"}, "win32")][:1]
    ['C:/PF/LibreOffice/program/soffice.exe']
    """
    env = os.environ if env is None else env
    platform = platform or sys.platform
    if platform.startswith("win"):
        roots = [env.get(k) for k in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")]
        found: list[Path] = []
        for root in dict.fromkeys(r for r in roots if r):
            found.append(Path(root) / "LibreOffice" / "program" / "soffice.exe")
            # older releases: "LibreOffice 5", "LibreOffice 6", …
            found += sorted(Path(root).glob("LibreOffice */program/soffice.exe"), reverse=True)
        return found
    if platform == "darwin":
        home = Path(env.get("HOME") or "~").expanduser()
        return [
            Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
            home / "Applications" / "LibreOffice.app" / "Contents" / "MacOS" / "soffice",
        ]
    # Linux: LibreOffice's own packages install into /opt/libreofficeX.Y
    return sorted(Path("/opt").glob("libreoffice*/program/soffice"), reverse=True)


def _named_office() -> tuple[str, str | None]:
    """(what ``ZICHA_LIBREOFFICE`` says, the program it names or None)."""
    named = os.environ.get(OFFICE_ENV, "").strip().strip('"')
    if not named:
        return "", None
    path = Path(named).expanduser()
    if path.is_dir():
        for sub in (
            "soffice.exe",
            "soffice",
            "program/soffice.exe",
            "program/soffice",
            "Contents/MacOS/soffice",
        ):
            if (path / sub).is_file():
                return named, str(path / sub)
        return named, None
    return named, str(path) if path.is_file() else None


def find_office() -> str | None:
    """LibreOffice's program: ``ZICHA_LIBREOFFICE``, then PATH, then its install folders.

    When ``ZICHA_LIBREOFFICE`` is set, it alone is looked at (None when it names no program:
    :func:`missing_office_message` says so).
    """
    named, program = _named_office()
    if named:
        return program
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in office_candidates():
        if candidate.is_file():
            return str(candidate)
    return None


def missing_office_message() -> str:
    """What to do when :func:`find_office` finds nothing."""
    named, _ = _named_office()
    if named:
        return (
            f"环境变量 {OFFICE_ENV} 指向的「{named}」不是 LibreOffice 程序（soffice），"
            "无法生成 PDF；请改为 soffice 程序或 LibreOffice 安装文件夹的路径"
        )
    if sys.platform.startswith("win"):
        how = "请从 LibreOffice 官网下载安装（Windows 版）"
    elif sys.platform == "darwin":
        how = "请安装 LibreOffice（拖入「应用程序」文件夹）"
    else:
        how = "请安装 LibreOffice（Debian/Ubuntu：sudo apt-get install libreoffice-writer）"
    return (
        f"未找到 LibreOffice，无法生成 PDF。{how}；已安装在其他位置时，"
        f"请用环境变量 {OFFICE_ENV} 指明 soffice 程序的路径。也可以改为输出 .docx，"
        "用 Word 或 WPS 打开后另存为 PDF"
    )


def font_substitutions(
    installed: Iterable[str] | None = None, bundled: Iterable[str] = ()
) -> dict[str, str]:
    """Which Chinese font LibreOffice uses for each official font on this machine.

    Only official fonts that are not installed themselves are listed (e.g. {"仿宋_GB2312":
    "Noto Serif CJK SC", "黑体": "Noto Sans CJK SC", …}). The ``bundled`` fonts (those that come
    with zicha) are used only where the machine has no suitable font of its own.
    """
    have = frozenset(installed) if installed is not None else installed_families()
    extra = frozenset(bundled)
    result: dict[str, str] = {}
    for official, candidates in OFFICIAL_FONTS.items():
        if official in have:
            continue
        choice = next((c for c in (*candidates, *_ANY_CJK) if c in have), None)
        if choice is None:
            choice = next((c for c in (*candidates, *_ANY_CJK) if c in extra), None)
        if choice is not None:
            result[official] = choice
    return result


def fontconfig_file(font_dirs: Iterable[Path], cache: Path) -> str:
    """A fontconfig configuration: the one in force (``FONTCONFIG_FILE`` or the system's) plus
    ``font_dirs``, caching into ``cache``."""
    base = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    dirs = "".join(f"<dir>{escape(str(d))}</dir>" for d in font_dirs)
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>'
        f'<include ignore_missing="yes">{escape(base)}</include>{dirs}'
        f"<cachedir>{escape(str(cache))}</cachedir></fontconfig>\n"
    )


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


def _missing_fonts_message() -> str:
    if sys.platform.startswith("win"):
        how = "请在「设置 ▸ 应用 ▸ 可选功能」中添加中文补充字体"
    elif sys.platform == "darwin":
        how = "请在「字体册」中下载中文字体（如苹方、宋体）"
    else:
        how = (
            "请安装中文字体（Debian/Ubuntu：sudo apt-get install fonts-noto-cjk），"
            "或重新安装 zicha（它会一并安装字体包 pylopdf-fonts-zh-cn）"
        )
    return f"本机没有任何中文字体，PDF 中的汉字无法显示。{how}"


def _fonts_for_office(tmpdir: Path) -> tuple[dict[str, str], dict[str, str]]:
    """The substitution table, and the environment LibreOffice needs to see the fonts in it."""
    system = installed_families()
    bundled = bundled_fonts()
    subs = font_substitutions(system, bundled)
    if not subs and not system.intersection(OFFICIAL_FONTS):
        raise FontsMissing(_missing_fonts_message())
    used = {bundled[f].parent for f in set(subs.values()) - system if f in bundled}
    env: dict[str, str] = {}
    if used:
        if sys.platform.startswith("win") or sys.platform == "darwin":
            raise FontsMissing(_missing_fonts_message())
        conf = tmpdir / "fonts.conf"
        conf.write_text(fontconfig_file(sorted(used), tmpdir / "fontcache"), encoding="utf-8")
        env["FONTCONFIG_FILE"] = str(conf)
    return subs, env


def docx_to_pdf(docx: Path, out_pdf: Path) -> None:
    """Convert ``docx`` to ``out_pdf`` with LibreOffice headless (see :func:`convert_to_pdf`)."""
    convert_to_pdf([(docx, out_pdf)])


def convert_to_pdf(pairs: Sequence[tuple[Path, Path]]) -> None:
    """Convert each (.docx, .pdf) pair with one LibreOffice run (timeout TIMEOUT_S seconds).

    Raises PdfUnavailable when LibreOffice is not installed, FontsMissing when the machine has
    no Chinese font, and PdfFailed (with LibreOffice's output) when the conversion fails or
    times out.
    """
    office = find_office()
    if office is None:
        raise PdfUnavailable(missing_office_message())
    with tempfile.TemporaryDirectory(prefix="zicha-lo-") as tmp:
        tmpdir = Path(tmp)
        subs, font_env = _fonts_for_office(tmpdir)
        profile = tmpdir / "profile"
        user = profile / "user"
        user.mkdir(parents=True)
        (user / "registrymodifications.xcu").write_text(_registry_xcu(subs), encoding="utf-8")
        # inputs under names of their own: two .docx files of one name would give one .pdf
        inputs = tmpdir / "in"
        inputs.mkdir()
        sources: list[Path] = []
        for i, (docx, _) in enumerate(pairs, start=1):
            docx = Path(docx)
            if not docx.is_file():
                raise FileNotFoundError(docx)
            source = inputs / f"{i}.docx"
            shutil.copyfile(docx, source)
            sources.append(source)
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
            *map(str, sources),
        ]
        env = {**os.environ, **font_env}
        env.setdefault("HOME", str(tmpdir))
        names = "、".join(Path(d).name for d, _ in pairs)
        try:
            proc = subprocess.run(
                cmd,
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S * len(sources),
                check=False,
                env=env,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfFailed(
                f"LibreOffice 转换超时（{TIMEOUT_S * len(sources)} 秒）：{names}\n"
                f"{_output(exc.stderr)}"
            ) from exc
        produced = [outdir / (s.stem + ".pdf") for s in sources]
        if proc.returncode != 0 or not all(p.is_file() for p in produced):
            raise PdfFailed(
                f"LibreOffice 未能将 {names} 转为 PDF（退出码 {proc.returncode}）：\n"
                f"{proc.stderr.strip() or proc.stdout.strip()}"
            )
        for made, (_, out_pdf) in zip(produced, pairs, strict=True):
            Path(out_pdf).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(made), str(out_pdf))


def _output(data: str | bytes | None) -> str:
    if data is None:
        return ""
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return data
