"""Chinese fonts found by family and by file on Windows, macOS and Linux."""

from __future__ import annotations

from pathlib import Path

import pytest

from zicha.reports import fonts
from zicha.reports.fonts import (
    KNOWN_FONTS,
    families_by_file,
    font_folders,
    installed_families,
)


def test_font_folders_of_each_platform() -> None:
    win = font_folders(
        "win32", {"WINDIR": "C:/Windows", "LOCALAPPDATA": "C:/Users/u/AppData/Local"}
    )
    assert [p.as_posix() for p in win] == [
        "C:/Windows/Fonts",
        "C:/Users/u/AppData/Local/Microsoft/Windows/Fonts",
    ]
    mac = font_folders("darwin", {"HOME": "/Users/u"})
    assert "/System/Library/Fonts/Supplemental" in [p.as_posix() for p in mac]
    assert "/Users/u/Library/Fonts" in [p.as_posix() for p in mac]
    linux = font_folders("linux", {"HOME": "/home/u"})
    assert [p.as_posix() for p in linux] == [
        "/usr/local/share/fonts",
        "/usr/share/fonts",
        "/home/u/.local/share/fonts",
        "/home/u/.fonts",
    ]


def test_known_files_of_windows_macos_and_linux() -> None:
    files = [
        Path("C:/Windows/Fonts/simhei.ttf"),
        Path("C:/Windows/Fonts/SIMFANG.TTF"),
        Path("C:/Windows/Fonts/msyh.ttc"),
        Path("/System/Library/Fonts/PingFang.ttc"),
        Path("/System/Library/Fonts/Supplemental/Songti.ttc"),
        Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
        Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
        Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    ]
    assert set(families_by_file(files)) == {
        "SimHei",
        "FangSong",
        "Microsoft YaHei",
        "PingFang SC",
        "Songti SC",
        "Noto Sans CJK SC",
        "Droid Sans Fallback",
    }


def test_every_family_the_issue_names_is_known() -> None:
    known = {f.family for f in KNOWN_FONTS} | {a for f in KNOWN_FONTS for a in f.aliases}
    for name in (
        "SimHei",
        "微软雅黑",
        "等线",
        "宋体",
        "仿宋",
        "楷体",
        "PingFang SC",
        "Hiragino Sans GB",
        "STHeiti",
        "Songti SC",
        "Noto Sans CJK SC",
        "Source Han Sans SC",
        "WenQuanYi Zen Hei",
        "Droid Sans Fallback",
    ):
        assert name in known, name


def test_without_fontconfig_the_font_folders_are_walked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A font installed a minute ago is found by its file: no cache is consulted."""
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "SIMHEI.TTF").write_bytes(b"")
    (tmp_path / "simkai.ttf").write_bytes(b"")
    monkeypatch.setattr(fonts, "fontconfig_families", lambda: None)
    monkeypatch.setattr(fonts, "font_folders", lambda: [tmp_path, tmp_path / "missing"])
    installed_families.cache_clear()
    try:
        found = installed_families()
    finally:
        installed_families.cache_clear()
    # the families with their other names: Word's 黑体 is SimHei
    assert {"SimHei", "黑体", "KaiTi", "楷体"} <= found
    assert "FangSong" not in found


def test_fontconfig_is_the_whole_truth_where_it_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "fontconfig_families", lambda: frozenset({"Noto Sans CJK SC"}))
    monkeypatch.setattr(fonts, "font_folders", lambda: pytest.fail("no walk under fontconfig"))
    installed_families.cache_clear()
    try:
        assert installed_families() == frozenset({"Noto Sans CJK SC"})
    finally:
        installed_families.cache_clear()
