"""The pack cache (`zicha.packs.cache`): a pack is read, linted and parsed once, then taken from
the cache, and only while its files and zicha's code are what made it; an entry that is damaged,
foreign or in a folder others may write to is never used."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from zicha.domain import expression, grammar
from zicha.domain.errors import InputError
from zicha.domain.pack import Pack
from zicha.packs import cache
from zicha.packs.loader import PACK_FILES
from zicha.packs.registry import _load_linted


@pytest.fixture
def where(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("ZICHA_CACHE_DIR", str(folder))
    return folder


def _counted(folder: Path) -> tuple[Callable[[], Pack], list[int]]:
    """A build of the pack (read and linted) that counts its calls."""
    calls: list[int] = []

    def build() -> Pack:
        calls.append(1)
        return _load_linted(folder)

    return build, calls


def _entries(where: Path) -> list[Path]:
    return sorted((where / "packs").glob("*.pickle"))


def test_a_pack_is_built_once_then_taken_from_the_cache(where: Path, pack_dir: Path) -> None:
    build, calls = _counted(pack_dir)
    first = cache.cached_pack(pack_dir, PACK_FILES, build)
    second = cache.cached_pack(pack_dir, PACK_FILES, build)
    assert calls == [1]
    assert second == first and second is not first
    [entry] = _entries(where)
    # the entry holds every expression of the pack, parsed as the parser parses it
    kept, parsed = pickle.loads(entry.read_bytes())
    assert kept == first
    assert sorted(parsed) == sorted(set(first.expressions()))
    assert len(parsed) > 40
    for text, node in parsed.items():
        assert node == grammar.expression(text)
    # … and `parse` gives them
    text = first.indicators["birth_rate"].numerator
    expression.parse.cache_clear()
    assert expression.parse(text) is not None and expression.parse(text) == parsed[text]


def test_a_changed_file_makes_a_new_entry(where: Path, pack_dir: Path) -> None:
    build, calls = _counted(pack_dir)
    before = cache.cached_pack(pack_dir, PACK_FILES, build)
    indicators = pack_dir / "indicators.toml"
    text = indicators.read_text(encoding="utf-8")
    start = text.index("[indicators.birth_rate]")
    changed = text[:start] + text[start:].replace("decimals = 2", "decimals = 3", 1)
    indicators.write_text(changed, encoding="utf-8")
    after = cache.cached_pack(pack_dir, PACK_FILES, build)
    assert calls == [1, 1]
    assert before.indicators["birth_rate"].decimals == 2
    assert after.indicators["birth_rate"].decimals == 3
    assert len(_entries(where)) == 2
    # the old files again: the first entry, not a third
    indicators.write_text(text, encoding="utf-8")
    assert cache.cached_pack(pack_dir, PACK_FILES, build) == before
    assert calls == [1, 1]


def test_a_damaged_entry_is_made_again(where: Path, pack_dir: Path) -> None:
    build, calls = _counted(pack_dir)
    first = cache.cached_pack(pack_dir, PACK_FILES, build)
    [entry] = _entries(where)
    for damage in (b"", b"not a pickle", entry.read_bytes()[:100], pickle.dumps(["a", 1])):
        entry.write_bytes(damage)
        assert cache.cached_pack(pack_dir, PACK_FILES, build) == first
    assert len(calls) == 5
    assert pickle.loads(entry.read_bytes())[0] == first  # made again, whole


class _Planted:
    """What a foreign entry could hold: unpickling it would call `Path.touch`."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return Path.touch, (self.marker,)


def test_an_entry_that_would_call_a_function_is_refused(
    where: Path, pack_dir: Path, tmp_path: Path
) -> None:
    build, calls = _counted(pack_dir)
    first = cache.cached_pack(pack_dir, PACK_FILES, build)
    [entry] = _entries(where)
    marker = tmp_path / "called"
    entry.write_bytes(pickle.dumps((_Planted(marker), {})))
    assert cache.cached_pack(pack_dir, PACK_FILES, build) == first
    assert not marker.exists()
    assert len(calls) == 2


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions (Windows: the profile's own)")
def test_a_folder_others_may_write_to_is_not_used(where: Path, pack_dir: Path) -> None:
    build, calls = _counted(pack_dir)
    cache.cached_pack(pack_dir, PACK_FILES, build)
    (where / "packs").chmod(0o777)
    cache.cached_pack(pack_dir, PACK_FILES, build)
    cache.cached_pack(pack_dir, PACK_FILES, build)
    assert len(calls) == 3
    assert (where / "packs").stat().st_mode & 0o777 == 0o777  # left as it is, not written to
    assert len(_entries(where)) == 1


def test_the_cache_folder_is_private(where: Path, pack_dir: Path) -> None:
    build, _ = _counted(pack_dir)
    cache.cached_pack(pack_dir, PACK_FILES, build)
    if os.name != "nt":
        assert (where / "packs").stat().st_mode & 0o777 == 0o700
        assert _entries(where)[0].stat().st_mode & 0o077 == 0


def test_turned_off(monkeypatch: pytest.MonkeyPatch, pack_dir: Path, tmp_path: Path) -> None:
    monkeypatch.setenv("ZICHA_CACHE_DIR", "")
    assert cache.cache_folder() is None
    build, calls = _counted(pack_dir)
    cache.cached_pack(pack_dir, PACK_FILES, build)
    cache.cached_pack(pack_dir, PACK_FILES, build)
    assert len(calls) == 2
    monkeypatch.setenv("ZICHA_CACHE_DIR", "relative/folder")  # (as `~` is without a home)
    assert cache.cache_folder() is None


def test_a_refused_pack_is_not_kept(where: Path, pack_dir: Path) -> None:
    indicators = pack_dir / "indicators.toml"
    text = indicators.read_text(encoding="utf-8")
    indicators.write_text(text.replace('"births', '"no_such_element', 1), encoding="utf-8")
    build, calls = _counted(pack_dir)
    for _ in range(2):
        with pytest.raises(InputError, match="no_such_element"):
            cache.cached_pack(pack_dir, PACK_FILES, build)
    assert len(calls) == 2
    assert _entries(where) == []


def test_few_entries_are_kept(where: Path, pack_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache, "_KEPT", 2)
    build, _ = _counted(pack_dir)
    notes = pack_dir / "pack.toml"
    text = notes.read_text(encoding="utf-8")
    for i in range(4):
        notes.write_text(text + f"\n# {i}\n", encoding="utf-8")
        cache.cached_pack(pack_dir, PACK_FILES, build)
    assert len(_entries(where)) == 2


_RUN = """
import sys
from zicha.domain.expression import parse
from zicha.engine.calculator import compile_pack
from zicha.packs.registry import get_pack

pack = get_pack(None)
compile_pack(pack)
for text in pack.expressions():
    parse(text)
print("lark" in sys.modules)
"""


def test_a_run_with_the_pack_cached_does_not_load_the_parser(where: Path) -> None:
    env = {**os.environ, "ZICHA_CACHE_DIR": str(where)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", _RUN], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert runs == ["True", "False"]
