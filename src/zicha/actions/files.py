"""Writing output files all-or-nothing: a failed command leaves no partial file behind."""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

from zicha.domain.errors import InputError, Problem


@contextlib.contextmanager
def staged(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; it replaces `path` only if the block succeeds.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> with staged(d / "a.txt") as tmp:
    ...     _ = tmp.write_text("ok")
    >>> (d / "a.txt").read_text()
    'ok'
    """
    path = Path(path)
    if path.exists() and path.is_dir():
        raise InputError([Problem(file=str(path), message="输出路径是一个目录，应为文件")])
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.exists():
        raise InputError([Problem(file=str(path), message=f"输出目录「{parent}」不存在")])
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_bytes(path: Path, data: bytes) -> None:
    with staged(path) as tmp:
        tmp.write_bytes(data)


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))


def write_with(path: Path, writer: Callable[[Path], None]) -> None:
    """Let `writer` write the file at a temporary path, then move it into place."""
    with staged(path) as tmp:
        writer(tmp)


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_file_name(name: str, limit: int = 120) -> str:
    """A file name that every system accepts: no path separators, no characters Windows
    refuses, no control characters, no leading or trailing dots and spaces, at most `limit`
    characters (the extension kept).

    >>> safe_file_name("510001-XX乡/东 片区:2010年度目标责任书.docx")
    '510001-XX乡_东 片区_2010年度目标责任书.docx'
    >>> safe_file_name(" ..隐藏. ")
    '隐藏'
    """
    text = _UNSAFE.sub("_", unicodedata.normalize("NFC", name)).strip(" .")
    if len(text) > limit:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) < 10:
            text = stem[: limit - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            text = text[:limit].rstrip(" .")
    return text or "_"
