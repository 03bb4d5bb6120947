"""Packs are loaded and compiled once per id and version: the same pack again is the same
object, an edited pack folder is loaded and compiled anew."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from zicha.engine.calculator import compile_pack
from zicha.packs.registry import builtin_folder, load_pack_folder


def test_the_same_pack_is_loaded_and_compiled_once(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    shutil.copytree(builtin_folder("family-planning"), folder)
    first = load_pack_folder(folder)
    assert load_pack_folder(folder) is first
    assert compile_pack(first) is compile_pack(load_pack_folder(folder))


def test_an_edited_pack_folder_is_loaded_again(tmp_path: Path) -> None:
    folder = tmp_path / "pack"
    shutil.copytree(builtin_folder("family-planning"), folder)
    before = load_pack_folder(folder)
    toml = folder / "pack.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace(f'name = "{before.name}"', 'name = "改过的业务包"'), "utf-8")
    stat = toml.stat()
    os.utime(toml, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    after = load_pack_folder(folder)
    assert after.name == "改过的业务包"
    assert after.version != before.version
    assert compile_pack(after) is not compile_pack(before)
