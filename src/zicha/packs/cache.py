"""Packs kept ready between runs, in the user's cache folder.

A pack is read from its TOML files, linted, and its expressions parsed (lark) the first time a
run asks for it; the result is stored, and the next run takes it from there: a millisecond or
two instead of the 30–40 ms the TOML, the parser and the lint take, paid by every command.

An entry is named by a digest of everything it was made from: the pack's folder and the bytes
of its files, zicha's version, Python's, and the size and time of the modules of zicha's domain
and packs (whose classes an entry holds, and whose code made it). Change any of them, and a new
entry is made: an entry is never stale. Entries are read with an unpickler that builds nothing
but classes of `zicha.domain` and plain values, and only from a folder that belongs to the user
and that no one else may write to; an entry that cannot be read is made again. Where the cache
folder cannot be written, packs are read from their files each time, as without a cache.

`ZICHA_CACHE_DIR` names another folder; set to nothing, it turns the cache off.
"""

from __future__ import annotations

import functools
import hashlib
import io
import os
import pickle
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import zicha
from zicha.domain import expression
from zicha.domain.expression import ExpressionError, Node
from zicha.domain.pack import Pack

#: what an entry holds, and how: a new format is a new name, never a misread entry
_FORMAT = "zicha pack cache 1"
#: entries kept, the newest (one per pack, its files and zicha's version)
_KEPT = 32


def cache_folder() -> Path | None:
    """The folder packs are kept in: `ZICHA_CACHE_DIR`, else the platform's user cache folder
    (`~/.cache/zicha`, `%LOCALAPPDATA%\\zicha\\Cache`); None when turned off or unknown."""
    configured = os.environ.get("ZICHA_CACHE_DIR")
    if configured is not None:
        folder = Path(configured) if configured.strip() else None
    else:
        from platformdirs import user_cache_dir

        folder = Path(user_cache_dir("zicha", appauthor=False))
    # (without a home folder, `~` is left as it is: a folder named so in the working folder)
    return folder if folder is not None and folder.is_absolute() else None


def cached_pack(folder: Path, files: tuple[str, ...], build: Callable[[], Pack]) -> Pack:
    """The pack of `folder` (whose files are `files`): from the cache when it holds one made
    from the same files by the same code, else `build()` (which reads and lints it, and may
    refuse it), then kept."""
    where = cache_folder()
    if where is None:
        return build()
    try:
        entry = where / "packs" / f"{_digest(folder, files)}.pickle"
    except OSError:
        return build()
    found = _read(entry)
    if found is not None:
        expression.remember(found[1])
        return found[0]
    pack = build()
    parsed: dict[str, Node] = {}
    for text in pack.expressions():
        try:
            parsed[text] = expression.parse(text)
        except ExpressionError:
            continue  # (a linted pack's expressions parse: parsed again when asked, and refused)
    _write(entry, (pack, parsed))
    return pack


def _digest(folder: Path, files: tuple[str, ...]) -> str:
    digest = hashlib.sha256(f"{_FORMAT}\0{zicha.__version__}\0{sys.version}\0".encode())
    digest.update(_code_stamp())
    digest.update(f"{folder.resolve()}\0".encode())
    for name in files:
        try:
            data = (folder / name).read_bytes()
        except FileNotFoundError:
            digest.update(f"{name}\0-\0".encode())
            continue
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


@functools.cache
def _code_stamp() -> bytes:
    """The name, size and modification time of each module of zicha's domain and packs."""
    root = Path(zicha.__file__).parent
    found = []
    for package in ("domain", "packs"):
        for path in sorted((root / package).glob("*.py")):
            st = path.stat()
            found.append(f"{package}/{path.name}\0{st.st_size}\0{st.st_mtime_ns}")
    return "\0".join(found).encode()


def _private(folder: Path) -> bool:
    """Whether only the user can write to `folder` (on Windows, the user's own profile folders
    are, by their permissions)."""
    if os.name == "nt":
        return True
    st = folder.stat()
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


class _Unpickler(pickle.Unpickler):
    """Builds classes of `zicha.domain` and the values pickle writes itself, nothing else: an
    entry cannot call a function, whoever wrote it."""

    def find_class(self, module: str, name: str) -> type:
        if module.startswith("zicha.domain.") and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type) and found.__module__ == module:
                return found
        raise pickle.UnpicklingError(f"{module}.{name}: not a class a pack entry holds")


def _read(entry: Path) -> tuple[Pack, dict[str, Node]] | None:
    try:
        if not _private(entry.parent):
            return None
        data = entry.read_bytes()
    except OSError:
        return None
    try:
        found = _Unpickler(io.BytesIO(data)).load()
    except Exception:  # (a damaged entry, of whatever kind, is made again)
        return None
    if (
        isinstance(found, tuple)
        and len(found) == 2
        and isinstance(found[0], Pack)
        and isinstance(found[1], dict)
    ):
        return found[0], found[1]
    return None


def _write(entry: Path, value: tuple[Pack, dict[str, Node]]) -> None:
    """Keep an entry (written whole, then renamed: a reader never sees half of one), and no
    more than `_KEPT` of them, the newest."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _private(entry.parent):
            return
        handle, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, entry)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        entries = sorted(entry.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime_ns)
        for old in entries[:-_KEPT]:
            old.unlink(missing_ok=True)
    except OSError:
        return  # packs are read from their files next time too
