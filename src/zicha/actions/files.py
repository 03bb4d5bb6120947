"""Writing output files all-or-nothing: a failed command leaves no partial file behind.

A file is written beside its place under a temporary name and moved into place when complete;
a batch of files (one report per township) is written into a hidden folder and moved into
place only when every file is complete. What the machine refuses (a file open in Word, a
read-only folder, a full disk) becomes a :class:`SetupError` naming the file the user asked
for, never the temporary one, and saying what to do.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Final

from zicha.domain.errors import InputError, Problem, SetupError

__all__ = [
    "MAX_NAME_BYTES",
    "WINDOWS_MAX_PATH",
    "Batch",
    "batch",
    "os_error_text",
    "safe_file_name",
    "setup_error",
    "staged",
    "write_bytes",
    "write_text",
    "write_with",
]

#: the longest file name (one path component) Linux and macOS allow, in UTF-8 bytes; Windows
#: allows 255 UTF-16 units, which a name of at most 255 UTF-8 bytes never exceeds
MAX_NAME_BYTES: Final = 255
#: the longest whole path Windows programs accept without long-path support (MAX_PATH - 1)
WINDOWS_MAX_PATH: Final = 259

# characters Windows forbids in file names (and "/" everywhere), each by its full-width twin
_FORBIDDEN: Final = str.maketrans(
    {
        "/": "／",
        "\\": "＼",
        ":": "：",
        "*": "＊",
        "?": "？",
        '"': "＂",
        "<": "＜",
        ">": "＞",
        "|": "｜",
    }
)
_RESERVED: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)

_OS_ERRORS: Final[dict[int, str]] = {
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有权限",
    errno.EROFS: "所在位置只读",
    errno.ENOSPC: "磁盘空间已满",
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENAMETOOLONG: "文件名或路径过长",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一部分不是文件夹",
    errno.EBUSY: "文件正被其他程序使用",
}


def os_error_text(exc: OSError) -> str:
    """What went wrong, in Chinese (with the system's own words after it).

    >>> os_error_text(PermissionError(13, "Permission denied"))
    '没有写入权限（Permission denied）'
    """
    reason = _OS_ERRORS.get(exc.errno or 0)
    detail = exc.strerror or str(exc)
    return f"{reason}（{detail}）" if reason else f"无法读写（{detail}）"


def setup_error(exc: OSError, path: Path, writing: bool = True) -> SetupError:
    """The SetupError for ``exc`` met while writing (or reading) ``path``, saying what to do."""
    if writing and isinstance(exc, PermissionError):
        if path.exists() and not path.is_dir():
            advice = (
                "文件可能正在 Word、WPS 或其他程序中打开：请关闭后重试，或用 --out 另存为其他文件名"
            )
        else:
            advice = "请换一个可以写入的文件夹（--out），或请管理员开放写入权限"
        message = f"无法写入：{os_error_text(exc)}。{advice}"
    elif writing:
        message = f"无法写入：{os_error_text(exc)}"
        if exc.errno == errno.ENAMETOOLONG:
            message += "。请换一个较短的文件夹或文件名（--out）"
        elif exc.errno == errno.ENOSPC:
            message += "。请清理磁盘或换一个位置（--out）"
    else:
        message = f"无法读取：{os_error_text(exc)}"
    return SetupError([Problem(file=str(path), message=message)])


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
    try:
        fd, name = tempfile.mkstemp(prefix=f".{path.stem[:40]}.", suffix=path.suffix, dir=parent)
    except OSError as exc:
        raise setup_error(exc, path) from None
    os.close(fd)
    tmp = Path(name)
    try:
        try:
            yield tmp
        except OSError as exc:
            # the writer's own failure on the temporary file: say it of the user's file
            if exc.filename is not None and Path(exc.filename) == tmp:
                raise setup_error(exc, path) from None
            raise
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise setup_error(exc, path) from None
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


# ---------------------------------------------------------------------------------------------
# file names from unit names


def _clip_bytes(text: str, limit: int) -> str:
    """The longest start of ``text`` whose UTF-8 form has at most ``limit`` bytes."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: max(limit, 0)].decode("utf-8", "ignore")


def safe_file_name(
    stem: str, suffix: str | None = None, folder: Path | None = None, windows: bool | None = None
) -> str:
    """A file name for ``stem`` + ``suffix`` that is valid on Windows, macOS and Linux.

    Without ``suffix``, the extension of ``stem`` is kept whole ("….docx").

    Characters Windows forbids become their full-width twins (``/`` → ``／``, ``:`` → ``：``…),
    control characters go, leading and trailing dots and spaces go (no hidden file), a
    reserved device name (``CON``, ``NUL``, ``COM1``…) gets a leading ``_``; the name is cut to
    255 UTF-8 bytes and, on Windows (``windows``, default: this machine) with ``folder`` given,
    so that the whole path stays within 259 characters.

    >>> safe_file_name('510101-城关镇/东区:"一"', ".docx")
    '510101-城关镇／东区：＂一＂.docx'
    >>> safe_file_name("con", ".docx"), safe_file_name("  ..  ", ".md")
    ('_con.docx', '未命名.md')
    >>> safe_file_name("510001-XX乡/东片区:2010年度目标责任书.docx")
    '510001-XX乡／东片区：2010年度目标责任书.docx'
    """
    if suffix is None:
        dot = stem.rfind(".")
        ext = stem[dot:] if dot > 0 else ""
        if ext and len(ext) <= 10 and ext[1:].isalnum():
            stem, suffix = stem[:dot], ext
        else:
            suffix = ""
    windows = sys.platform == "win32" if windows is None else windows
    text = unicodedata.normalize("NFC", stem).translate(_FORBIDDEN)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    text = " ".join(text.split())  # tabs and runs of spaces: one space
    limit = MAX_NAME_BYTES - len(suffix.encode("utf-8"))
    if windows and folder is not None:
        room = WINDOWS_MAX_PATH - len(str(Path(folder).absolute())) - 1 - len(suffix)
        text = text[: max(room, 1)]
    text = _clip_bytes(text, limit).strip(". ")
    if not text:
        text = "未命名"
    if text.split(".")[0].strip().upper() in _RESERVED:
        text = "_" + text
    return text + suffix


# ---------------------------------------------------------------------------------------------
# batches


class Batch:
    """Files of one batch: written into a hidden folder, moved into place together."""

    def __init__(self, folder: Path, staging: Path) -> None:
        self.folder = folder
        self.staging = staging
        self.moves: list[tuple[Path, Path]] = []
        self._taken: set[str] = set()

    def name(self, stem: str, suffix: str) -> Path:
        """A new file of the batch in its folder: a safe name (:func:`safe_file_name`), unique
        in the batch also where case does not count (Windows, macOS). ``suffix`` is kept whole
        when a long stem is cut (so "-数据核查单.docx" tells two files apart)."""
        name = safe_file_name(stem, suffix, self.folder)
        n = 1
        while name.casefold() in self._taken:
            n += 1
            name = safe_file_name(stem, f"-{n}{suffix}", self.folder)
        self._taken.add(name.casefold())
        return self.folder / name

    def add(self, final: Path) -> Path:
        """Where to write the file that will be ``final`` once the batch is complete."""
        self._taken.add(final.name.casefold())
        now = self.staging / f"{len(self.moves) + 1}{final.suffix}"
        self.moves.append((now, final))
        return now

    def commit(self) -> None:
        """Move every written file into place; first make sure none is held by a program."""
        for _, final in self.moves:
            if final.is_file():
                try:
                    with final.open("r+b"):
                        pass
                except OSError as exc:
                    raise setup_error(exc, final) from None
        for now, final in self.moves:
            if now.exists():
                try:
                    os.replace(now, final)
                except OSError as exc:
                    raise setup_error(exc, final) from None


@contextlib.contextmanager
def batch(folder: Path, create: bool = True) -> Iterator[Batch]:
    """A batch of files into ``folder``: all of them, or none.

    ``folder`` is made when missing (``create``; else a missing folder is refused). When the
    block fails, nothing of it is left: not the files, not the hidden folder, not ``folder``
    itself when the batch made it.
    """
    folder = Path(folder) if str(folder) else Path(".")
    if folder.exists() and not folder.is_dir():
        raise InputError([Problem(file=str(folder), message="输出路径已存在且不是文件夹")])
    if not folder.exists() and not create:
        raise InputError([Problem(file=str(folder), message="输出文件夹不存在")])
    made: list[Path] = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        made.append(parent)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".zicha-", dir=folder))
    except OSError as exc:
        _remove_made(made)
        raise setup_error(exc, folder) from None
    b = Batch(folder, staging)
    try:
        yield b
        b.commit()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        _remove_made(made)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remove_made(made: list[Path]) -> None:
    """Remove the folders a failed batch made (innermost first), if nothing else is in them."""
    for path in made:
        with contextlib.suppress(OSError):
            path.rmdir()
