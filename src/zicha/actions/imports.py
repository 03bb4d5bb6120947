"""Importing an uploaded workbook (`POST /api/imports`, the 导入 page): an `.xlsx` file or a
`.zip` of CSV files, read by the command line's reader and written all or nothing through the
one write path.

An upload is refused before it is read when it is too large, or when it would unpack to more
than `UNPACKED_LIMIT` (a zip or xlsx bomb); the archive is measured by actually inflating it,
not by the sizes it declares. A clerk's import may only touch its own subtree; only an
administrator changes the org tree, and a data writer's workbook may not change targets or the
assessment method (a reviewer sets those).
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from zicha.actions import county
from zicha.actions.entry import DATA_ROLES, Refused
from zicha.actions.loading import LoadSummary, load_dataset
from zicha.domain.errors import InputError, Problem
from zicha.domain.pack import Pack
from zicha.engine.dataset import Dataset
from zicha.packs.registry import builtin_ids, get_pack
from zicha.storage import models as m
from zicha.storage.source import org_tree, pack_id
from zicha.workbook.reader import read_workbook

MIB = 1024 * 1024
#: the largest upload accepted (bytes); ZICHA_UPLOAD_LIMIT_MB overrides it
UPLOAD_LIMIT = int(float(os.environ.get("ZICHA_UPLOAD_LIMIT_MB", "20")) * MIB)
#: the most an upload may unpack to (bytes), all members together
UNPACKED_LIMIT = int(float(os.environ.get("ZICHA_UNPACKED_LIMIT_MB", "200")) * MIB)
#: the most members an archive may hold
MEMBER_LIMIT = 1000
SUFFIXES = (".xlsx", ".zip")
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Imported:
    """What an import wrote, per kind of row (values, births, deaths, targets, checklist, …)."""

    name: str
    counts: dict[str, int]
    summary: LoadSummary


def import_upload(user: m.User, name: str, size: int, chunks: Iterable[bytes]) -> Imported:
    """Read the uploaded file `name` (its bytes in `chunks`) and import it for `user`.

    Raises `Refused` (403) for a role that writes no data or rows outside the user's subtree,
    `InputError` (400) for anything unusable; either way nothing is written."""
    if user.role not in DATA_ROLES:
        raise Refused("审核员只能查看数据，不能导入数据")
    with received(name, size, chunks) as (path, shown):
        dataset = read_workbook(
            path, resolver(), known=org_tree() if pack_id() else None, rows=True
        )
        return _write(user, dataset, shown)


@contextmanager
def received(name: str, size: int, chunks: Iterable[bytes]) -> Iterator[tuple[Path, str]]:
    """An uploaded `.xlsx` (or `.zip` of CSV files) in a temporary folder, checked against the
    size limits and unpacked: the workbook's path (a file, or the folder of CSV files) and the
    name to show in messages. The folder is removed afterwards."""
    shown = PurePosixPath(name.replace("\\", "/")).name or "上传的文件"
    suffix = PurePosixPath(shown).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(
            [
                Problem(
                    file=shown,
                    found=suffix or "（无扩展名）",
                    expected=".xlsx 工作簿，或装有 CSV 文件（数据.csv 等）的 .zip 压缩包",
                )
            ]
        )
    if size > UPLOAD_LIMIT:
        raise InputError([Problem(file=shown, message=_too_big(size, UPLOAD_LIMIT, "上传文件"))])
    with tempfile.TemporaryDirectory(prefix="zicha-import-") as tmp:
        folder = Path(tmp)
        upload = folder / ("upload" + suffix)
        written = 0
        with upload.open("wb") as out:
            for chunk in chunks:
                written += len(chunk)
                if written > UPLOAD_LIMIT:
                    raise InputError(
                        [Problem(file=shown, message=_too_big(written, UPLOAD_LIMIT, "上传文件"))]
                    )
                out.write(chunk)
        check_archive(upload, shown)
        if suffix == ".zip":
            target = folder / (PurePosixPath(shown).stem or "上传")
            extract_csv_files(upload, target, shown)
        else:
            target = folder / shown
            upload.rename(target)
        yield target, shown


def check_archive(path: Path, shown: str) -> None:
    """Refuse a file that is not a zip container (an .xlsx is one), holds too many members, or
    inflates to more than UNPACKED_LIMIT. Inflates every member to measure it: declared sizes
    can lie."""
    if not zipfile.is_zipfile(path):
        raise InputError(
            [
                Problem(
                    file=shown,
                    message="文件已损坏，或不是 .xlsx 工作簿 / .zip 压缩包",
                    expected="用 Excel 或 WPS 另存为的 .xlsx 文件，或 .zip 压缩包",
                )
            ]
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MEMBER_LIMIT:
                raise InputError(
                    [
                        Problem(
                            file=shown,
                            message=f"压缩包内有 {len(members)} 个文件，超过上限 {MEMBER_LIMIT} 个",
                        )
                    ]
                )
            total = 0
            for info in members:
                total += info.file_size
                if total > UNPACKED_LIMIT:
                    raise _bomb(shown, total)
            total = 0
            for info in members:
                with archive.open(info) as member:
                    while block := member.read(_CHUNK):
                        total += len(block)
                        if total > UNPACKED_LIMIT:
                            raise _bomb(shown, total)
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
        raise InputError(
            [Problem(file=shown, message=f"压缩文件已损坏或无法解压（{exc}）")]
        ) from None


def extract_csv_files(path: Path, folder: Path, shown: str) -> None:
    """The CSV files of a zip, flat into `folder` (sub-folders ignored, names as Windows wrote
    them: GBK names without the UTF-8 flag are read as GBK)."""
    folder.mkdir()
    seen: dict[str, str] = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = _member_name(info)
            base = PurePosixPath(name.replace("\\", "/")).name
            if not base.lower().endswith(".csv") or base.startswith(("._", "~$")):
                continue
            if base in seen:
                raise InputError(
                    [
                        Problem(
                            file=shown,
                            message=f"压缩包内有两个同名文件「{seen[base]}」和「{name}」",
                        )
                    ]
                )
            seen[base] = name
            with archive.open(info) as member, (folder / base).open("wb") as out:
                while block := member.read(_CHUNK):
                    out.write(block)
    if not seen:
        raise InputError(
            [
                Problem(
                    file=shown,
                    message="压缩包里没有 CSV 文件",
                    expected="数据.csv、组织机构.csv 等以工作表命名的 CSV 文件",
                )
            ]
        )


def _member_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def resolver() -> Callable[[str | None], Pack]:
    """Packs by built-in id only (an uploaded workbook never names a folder on the server);
    a workbook that names none is the server's pack."""
    current = pack_id()

    def resolve(pid: str | None) -> Pack:
        if pid and pid.strip() not in builtin_ids():
            known = "、".join(builtin_ids())
            raise InputError([Problem(message=f"未知的业务包「{pid}」，内置业务包有：{known}")])
        return get_pack(pid or current)

    return resolve


def _write(user: m.User, dataset: Dataset, shown: str) -> Imported:
    if user.role != "admin":
        _check_scope(user, dataset)
        if not dataset.meta.get("orgunit") and user.org is not None:
            # the narrative and report header of a clerk's workbook are its own unit's
            dataset.meta["orgunit"] = user.org.code
    summary = load_dataset(dataset, user, shown, how="import")
    counts: dict[str, int] = {}
    for kind, n in (summary.created + summary.updated).items():
        counts[kind] = n
    return Imported(shown, counts, summary)


def _check_scope(user: m.User, dataset: Dataset) -> None:
    """Every row of a clerk's workbook belongs to a unit of its subtree; its org tree is the
    server's."""
    allowed = set(county.visible_units(user).values_list("code", flat=True))
    outside: list[Problem] = []

    def rows(frame: object, sheet: str) -> None:
        import polars as pl

        assert isinstance(frame, pl.DataFrame)
        if frame.is_empty():
            return
        bad = frame.filter(~pl.col("org_unit").is_in(list(allowed)))
        for code, row in bad.select("org_unit", "row").head(200).iter_rows():
            outside.append(_outside(sheet, row, code))

    rows(dataset.values, "数据")
    rows(dataset.stated, "数据")
    for key, frame in dataset.registers.items():
        rows(frame, "出生登记" if key == "births" else "死亡登记")
    for t in dataset.targets:
        if t.org_unit not in allowed:
            outside.append(_outside("目标", None, t.org_unit))
    for c in dataset.checklist:
        if c.org_unit not in allowed:
            outside.append(_outside("检查事项", c.row, c.org_unit))
    own = dataset.meta.get("orgunit")
    if own and own not in allowed and (dataset.narrative or len(dataset.meta) > 1):
        outside.append(_outside("基本信息", None, own))
    if outside:
        raise Refused(
            f"有 {len(outside)} 行属于您的管辖范围以外的单位，不能导入；本次未写入任何数据",
            outside,
        )
    stored = {u.code: u for u in org_tree()}
    changed = [
        u.code
        for u in dataset.tree
        if u.code not in stored or stored[u.code] != u  # new, renamed or moved
    ]
    if changed:
        listed = "、".join(changed[:10])
        raise Refused(
            f"只有管理员可以修改组织机构（工作簿中与服务器不同的单位：{listed}）",
            [Problem(sheet="组织机构", message=f"单位 {c} 与服务器上的不同") for c in changed[:50]],
        )


def _outside(sheet: str, row: int | None, code: str) -> Problem:
    return Problem(
        sheet=sheet, row=row, column="单位代码", found=code, message="不在您的管辖范围内"
    )


def _too_big(size: int, limit: int, what: str) -> str:
    return f"{what}太大（{size / MIB:.1f} MB），上限为 {limit / MIB:.0f} MB"


def _bomb(shown: str, total: int) -> InputError:
    return InputError(
        [
            Problem(
                file=shown,
                message=f"解压后超过 {UNPACKED_LIMIT / MIB:.0f} MB（已读到 "
                f"{total / MIB:.0f} MB），疑为压缩炸弹，已拒绝",
            )
        ]
    )
