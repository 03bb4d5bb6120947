"""Where packs are found: the built-in ones shipped with zicha, or any folder given by path."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from zicha.domain.errors import InputError, Problem
from zicha.domain.pack import Pack
from zicha.packs.loader import PACK_FILES, load_pack

BUILTIN = Path(__file__).parent / "builtin"
DEFAULT_PACK = "family-planning"


def builtin_folder(pack_id: str) -> Path:
    return BUILTIN / pack_id


def builtin_ids() -> list[str]:
    """Ids of the packs shipped with zicha.

    >>> "family-planning" in builtin_ids()
    True
    """
    return sorted(p.name for p in BUILTIN.iterdir() if (p / "pack.toml").is_file())


@lru_cache(maxsize=32)
def _load_cached(folder: str, stamp: tuple[tuple[str, int, int], ...]) -> Pack:
    return load_pack(Path(folder))


def _stamp(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """What a pack folder's files look like now (name, size, modification time): a pack edited
    on disk is loaded again, not served from the cache under its old path."""
    found = []
    for name in PACK_FILES:
        try:
            st = (folder / name).stat()
        except OSError:
            continue
        found.append((name, st.st_size, st.st_mtime_ns))
    return tuple(found)


def get_pack(id_or_path: str | None) -> Pack:
    """A built-in pack by id, or a pack folder by path; None gives the default pack.

    >>> get_pack(None).id
    'family-planning'
    """
    key = (id_or_path or DEFAULT_PACK).strip()
    folder = builtin_folder(key)
    if (folder / "pack.toml").is_file():
        return _load_cached(str(folder), _stamp(folder))
    path = Path(key)
    if path.is_dir():
        return _load_cached(str(path.resolve()), _stamp(path))
    known = "、".join(builtin_ids())
    raise InputError(
        [Problem(message=f"未知的业务包「{key}」，内置业务包有：{known}，或给出业务包目录路径")]
    )
