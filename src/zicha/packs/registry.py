"""Where packs are found: the built-in ones shipped with zicha by id, or a pack folder.

A workbook names its pack in the `pack` meta key. It may name a built-in pack, or a pack folder
inside the workbook's own folder (`业务包/my-pack`): never an absolute path, never a folder
above its own, so that a workbook cannot make zicha read files from anywhere.

Every pack is linted when it is loaded: an expression that does not parse or a reference that
does not resolve is refused at once, naming the file and the field, not met later as a fault in
the middle of a computation.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path, PurePath

from zicha.domain.errors import InputError, Problem
from zicha.domain.pack import Pack
from zicha.packs.cache import cached_pack
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
    return list(_builtin_ids())


@lru_cache(maxsize=1)
def _builtin_ids() -> tuple[str, ...]:
    return tuple(sorted(p.name for p in BUILTIN.iterdir() if (p / "pack.toml").is_file()))


@lru_cache(maxsize=32)
def _builtin(pack_id: str) -> Pack:
    """A built-in pack, read once per process: it is part of the installed program (the server
    asks for it on every request)."""
    return _load_checked(builtin_folder(pack_id))


@lru_cache(maxsize=32)
def _load_cached(folder: str, stamp: tuple[tuple[str, int, int], ...]) -> Pack:
    return cached_pack(Path(folder), PACK_FILES, lambda: _load_linted(Path(folder)))


def _load_linted(folder: Path) -> Pack:
    from zicha.packs.lint import lint_pack  # (not needed for a pack kept by `zicha.packs.cache`)

    pack = load_pack(folder)
    errors = [m for m in lint_pack(pack) if m.severity == "error"]
    if errors:
        raise InputError(
            [
                Problem(file=str(folder), column=m.where, message=f"业务包有误：{m.message}")
                for m in errors
            ]
        )
    return pack


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


def _load_checked(folder: Path) -> Pack:
    """A pack folder loaded and linted, once for as long as its files stay as they are."""
    return _load_cached(str(folder), _stamp(folder))


def load_pack_folder(folder: str | Path) -> Pack:
    """A pack folder given explicitly (a command-line argument), loaded and linted once.

    >>> load_pack_folder(builtin_folder("family-planning")).id
    'family-planning'
    """
    path = Path(folder)
    if not (path / "pack.toml").is_file():
        raise InputError([Problem(file=str(path), message="不是业务包目录（其中没有 pack.toml）")])
    return _load_checked(path.resolve())


def get_pack(pack_id: str | None) -> Pack:
    """A built-in pack by id; None gives the default pack. Never a path.

    >>> get_pack(None).id
    'family-planning'
    """
    key = (pack_id or DEFAULT_PACK).strip()
    if key in _builtin_ids():
        return _builtin(key)
    known = "、".join(builtin_ids())
    raise InputError([Problem(message=f"未知的业务包「{key}」，内置业务包有：{known}")])


def named_pack(id_or_folder: str | None) -> Pack:
    """What a user names on the command line: a built-in id, or a pack folder by path.

    >>> named_pack(str(builtin_folder("family-planning"))).id
    'family-planning'
    """
    key = (id_or_folder or "").strip()
    if key and key not in builtin_ids() and Path(key).is_dir():
        return load_pack_folder(key)
    return get_pack(key or None)


def workbook_pack(pack: str | None, workbook: str | Path) -> Pack:
    """The pack a workbook's `pack` meta key names: a built-in id, or a pack folder inside the
    workbook's own folder (a relative path without `..`).

    >>> workbook_pack(None, "/tmp/a.xlsx").id
    'family-planning'
    """
    key = (pack or "").strip()
    if not key or key in builtin_ids():
        return get_pack(key or None)
    home = Path(workbook).resolve().parent
    relative = PurePath(key.replace("\\", "/"))
    known = "、".join(builtin_ids())
    if relative.is_absolute() or relative.drive or ".." in relative.parts:
        raise InputError(
            [
                Problem(
                    message=f"业务包「{key}」：工作簿只能使用内置业务包（{known}），"
                    "或工作簿所在文件夹中的业务包目录（写相对路径，不能含「..」）"
                )
            ]
        )
    folder = (home / relative).resolve()
    if not folder.is_relative_to(home) or not (folder / "pack.toml").is_file():
        raise InputError(
            [
                Problem(
                    message=f"未知的业务包「{key}」：内置业务包有 {known}；"
                    "工作簿所在文件夹中也没有这个业务包目录"
                )
            ]
        )
    return _load_checked(folder)
