"""Which Chinese fonts a machine has, for the PDF: Windows, macOS and Linux, by family and by file.

A .docx names the official fonts (仿宋_GB2312, 黑体, …) and Word finds them on the clerk's PC; a
PDF is drawn by LibreOffice with the fonts of the machine that drafts it. So zicha looks for the
Chinese fonts that machine has:

- **by family**, in the system's own font registry: fontconfig (``fc-list``, what LibreOffice
  uses on Linux; it rescans folders that changed, so a font installed a minute ago is found) and
  the Windows registry (``HKLM``/``HKCU …\\Windows NT\\CurrentVersion\\Fonts``);
- **by file**, in the platform's font folders, for the well-known files of
  :data:`KNOWN_FONTS` (``simhei.ttf``, ``PingFang.ttc``, ``NotoSansCJK-Regular.ttc``, …): no
  cache is consulted, so a font is found even when every cache predates it;
- and the font that comes with zicha: Noto Sans SC and Noto Serif SC of the
  ``pylopdf-fonts-zh-cn`` package (SIL Open Font License), so that a bare server with no
  Chinese font at all still draws every character.

Where fontconfig answers, it is the whole truth about the system's fonts (LibreOffice sees
exactly those), and the font folders are not walked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Final, Literal

__all__ = [
    "BUNDLED_PACKAGE",
    "KNOWN_FONTS",
    "FontFace",
    "Style",
    "bundled_fonts",
    "families_by_file",
    "font_folders",
    "fontconfig_families",
    "installed_families",
    "windows_registry_families",
]

Style = Literal["song", "hei", "kai", "fang"]

#: the Python package that brings a Chinese font with zicha (OFL-1.1; see docs/decisions.md)
BUNDLED_PACKAGE: Final = "pylopdf_fonts_zh_cn"


@dataclass(frozen=True, slots=True)
class FontFace:
    """A Chinese font family: its name as LibreOffice knows it, other names, its files."""

    family: str
    style: Style
    files: tuple[str, ...]
    aliases: tuple[str, ...] = ()


# file names are compared in lower case
KNOWN_FONTS: Final[tuple[FontFace, ...]] = (
    # Windows (a Chinese Windows has all of these; an English one the first four)
    FontFace("SimSun", "song", ("simsun.ttc", "simsun.ttf"), ("宋体", "NSimSun", "新宋体")),
    FontFace("SimHei", "hei", ("simhei.ttf",), ("黑体",)),
    FontFace("Microsoft YaHei", "hei", ("msyh.ttc", "msyh.ttf"), ("微软雅黑",)),
    FontFace("DengXian", "hei", ("deng.ttf",), ("等线",)),
    FontFace("FangSong", "fang", ("simfang.ttf",), ("仿宋",)),
    FontFace("KaiTi", "kai", ("simkai.ttf",), ("楷体",)),
    # the official fonts themselves, as government PCs have them installed
    FontFace("仿宋_GB2312", "fang", ("仿宋_gb2312.ttf",), ("FangSong_GB2312",)),
    FontFace("楷体_GB2312", "kai", ("楷体_gb2312.ttf",), ("KaiTi_GB2312",)),
    FontFace(
        "方正小标宋简体", "song", ("方正小标宋简体.ttf", "fzxbsjw.ttf"), ("FZXiaoBiaoSong-B05S",)
    ),
    FontFace("STZhongsong", "song", ("stzhongs.ttf",), ("华文中宋",)),
    FontFace("STSong", "song", ("stsong.ttf",), ("华文宋体",)),
    FontFace("STFangsong", "fang", ("stfangso.ttf",), ("华文仿宋",)),
    FontFace("STKaiti", "kai", ("stkaiti.ttf",), ("华文楷体",)),
    # macOS
    FontFace("PingFang SC", "hei", ("pingfang.ttc",), ("苹方-简",)),
    FontFace("Hiragino Sans GB", "hei", ("hiragino sans gb.ttc", "hiragino sans gb w3.ttc")),
    FontFace(
        "STHeiti", "hei", ("stheiti light.ttc", "stheiti medium.ttc"), ("Heiti SC", "华文黑体")
    ),
    FontFace("Songti SC", "song", ("songti.ttc",), ("宋体-简",)),
    FontFace("Kaiti SC", "kai", ("kaiti.ttc",), ("楷体-简",)),
    # Linux and free fonts anywhere
    FontFace(
        "Noto Serif CJK SC",
        "song",
        ("notoserifcjk-regular.ttc", "notoserifcjksc-regular.otf", "notoserifcjk-vf.ttc"),
    ),
    FontFace(
        "Noto Sans CJK SC",
        "hei",
        ("notosanscjk-regular.ttc", "notosanscjksc-regular.otf", "notosanscjk-vf.ttc"),
    ),
    FontFace("Source Han Serif SC", "song", ("sourcehanserifsc-regular.otf", "sourcehanserif.ttc")),
    FontFace("Source Han Sans SC", "hei", ("sourcehansanssc-regular.otf", "sourcehansans.ttc")),
    FontFace("FandolFang", "fang", ("fandolfang-regular.otf",)),
    FontFace("FandolSong", "song", ("fandolsong-regular.otf",)),
    FontFace("FandolKai", "kai", ("fandolkai-regular.otf",)),
    FontFace("FandolHei", "hei", ("fandolhei-regular.otf",)),
    FontFace("AR PL UKai CN", "kai", ("ukai.ttc",)),
    FontFace("AR PL UMing CN", "song", ("uming.ttc",)),
    FontFace("WenQuanYi Zen Hei", "hei", ("wqy-zenhei.ttc",), ("文泉驿正黑",)),
    FontFace("WenQuanYi Micro Hei", "hei", ("wqy-microhei.ttc",), ("文泉驿微米黑",)),
    FontFace("Droid Sans Fallback", "hei", ("droidsansfallbackfull.ttf", "droidsansfallback.ttf")),
    # what zicha brings (BUNDLED_PACKAGE)
    FontFace("Noto Serif SC", "song", ("notoserifsc-regular.otf",)),
    FontFace("Noto Sans SC", "hei", ("notosanssc-regular.otf",)),
)


def font_folders(platform: str | None = None, env: Mapping[str, str] | None = None) -> list[Path]:
    """The folders fonts are installed in on ``platform`` (default: this one).

    >>> [str(p) for p in font_folders("win32", {"WINDIR": "C:/Windows"})]
    ['C:/Windows/Fonts']
    """
    platform = platform or sys.platform
    env = os.environ if env is None else env
    home = Path(env.get("HOME") or env.get("USERPROFILE") or "~")
    if platform.startswith("win"):
        folders = [Path(env.get("WINDIR") or env.get("SystemRoot") or "C:/Windows") / "Fonts"]
        if env.get("LOCALAPPDATA"):
            folders.append(Path(env["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
        return folders
    if platform == "darwin":
        return [
            Path("/System/Library/Fonts"),
            Path("/System/Library/Fonts/Supplemental"),
            Path("/Library/Fonts"),
            home / "Library" / "Fonts",
        ]
    data_dirs = (env.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share").split(":")
    folders = [Path(d) / "fonts" for d in data_dirs if d]
    data_home = env.get("XDG_DATA_HOME") or str(home / ".local" / "share")
    return [*folders, Path(data_home) / "fonts", home / ".fonts"]


def _walk(folders: Iterable[Path]) -> Iterator[Path]:
    for folder in folders:
        for root, _dirs, files in os.walk(folder):
            for name in files:
                yield Path(root) / name


def families_by_file(files: Iterable[Path]) -> dict[str, Path]:
    """The :data:`KNOWN_FONTS` families among ``files``, each with its file.

    >>> found = families_by_file([Path("C:/Windows/Fonts/SIMHEI.TTF"), Path("/x/arial.ttf")])
    >>> {family: path.name for family, path in found.items()}
    {'SimHei': 'SIMHEI.TTF'}
    """
    by_name = {f: face.family for face in KNOWN_FONTS for f in face.files}
    found: dict[str, Path] = {}
    for path in files:
        family = by_name.get(path.name.lower())
        if family is not None:
            found.setdefault(family, path)
    return found


def fontconfig_families() -> frozenset[str] | None:
    """Family names fontconfig knows (every name of every family), or None without fc-list."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        out = subprocess.run(
            [fc_list, ":", "family"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    families: set[str] = set()
    for line in out.splitlines():
        families.update(name.strip() for name in line.split(",") if name.strip())
    return frozenset(families)


def windows_registry_families() -> frozenset[str]:
    """Font names in the Windows registry ("SimHei (TrueType)" → "SimHei"); empty elsewhere."""
    if not sys.platform.startswith("win"):
        return frozenset()
    import winreg  # only on Windows

    key_path = r"SOFTWARE\Microsoft\Windows NT\CurrentVersion\Fonts"
    names: set[str] = set()
    for hive in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            key = winreg.OpenKey(hive, key_path)
        except OSError:
            continue
        with key:
            index = 0
            while True:
                try:
                    value_name, _value, _kind = winreg.EnumValue(key, index)
                except OSError:
                    break
                index += 1
                base = value_name.split("(")[0].strip()
                names.update(part.strip() for part in base.split("&") if part.strip())
    return frozenset(names)


def bundled_fonts() -> dict[str, Path]:
    """The fonts that came with zicha: {"Noto Sans SC": path, "Noto Serif SC": path} (or {})."""
    try:
        import pylopdf_fonts_zh_cn as bundled
    except ImportError:
        return {}
    found = {"Noto Sans SC": bundled.sans_path(), "Noto Serif SC": bundled.serif_path()}
    return {family: path for family, path in found.items() if path.is_file()}


def _with_aliases(families: Iterable[str]) -> set[str]:
    """Families plus the other names of the known ones (SimHei ⇒ 黑体 and back)."""
    names = set(families)
    for face in KNOWN_FONTS:
        if face.family in names or names.intersection(face.aliases):
            names.add(face.family)
            names.update(face.aliases)
    return names


@lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """Every Chinese-capable family the system offers (bundled fonts not included).

    fontconfig's answer where it has one; elsewhere the Windows registry and the known files in
    the font folders.
    """
    from_fontconfig = fontconfig_families()
    if from_fontconfig is not None:
        return frozenset(_with_aliases(from_fontconfig))
    names = set(windows_registry_families())
    names.update(families_by_file(_walk(font_folders())))
    return frozenset(_with_aliases(names))
