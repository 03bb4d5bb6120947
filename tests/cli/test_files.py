"""Output files: safe names from unit names, all-or-nothing batches, and what the machine
refuses (a file open in Word, a read-only folder) told as exit 2 naming the user's file."""

from __future__ import annotations

import errno
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zicha.actions import files
from zicha.actions.files import (
    MAX_NAME_BYTES,
    WINDOWS_MAX_PATH,
    batch,
    safe_file_name,
    staged,
    write_text,
)
from zicha.domain.errors import SetupError

from .conftest import run

WINDOWS_FORBIDDEN = set('/\\:*?"<>|')
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10))}
RESERVED |= {f"LPT{i}" for i in range(1, 10)}


def _valid_everywhere(name: str, suffix: str) -> None:
    assert name.endswith(suffix)
    stem = name[: -len(suffix)]
    assert stem
    assert not WINDOWS_FORBIDDEN.intersection(name)
    assert all(ord(ch) >= 32 and unicodedata.category(ch) != "Cc" for ch in name)
    assert not stem.endswith((".", " "))
    assert stem.split(".")[0].strip().upper() not in RESERVED
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES


@settings(deadline=None)
@given(st.text(max_size=300), st.sampled_from([".docx", ".md", ".pdf", ".html"]))
def test_any_unit_name_gives_a_valid_file_name(stem: str, suffix: str) -> None:
    name = safe_file_name(stem, suffix)
    _valid_everywhere(name, suffix)
    # a name already safe stays as it is
    assert safe_file_name(name[: -len(suffix)], suffix) == name


@settings(deadline=None)
@given(st.text(alphabet='乡镇街道/\\:*?"<>| .CONnul1', max_size=400))
def test_long_windows_paths_stay_within_max_path(stem: str) -> None:
    folder = Path("C:/Users/统计员/Documents/" + "县" * 120)
    name = safe_file_name(stem, ".docx", folder, windows=True)
    _valid_everywhere(name, ".docx")
    assert len(str(folder.absolute())) + 1 + len(name) <= WINDOWS_MAX_PATH


def test_forbidden_characters_become_their_full_width_twins() -> None:
    assert safe_file_name('城关镇/东区:一"二"<三>|四?*', ".docx") == (
        "城关镇／东区：一＂二＂＜三＞｜四？＊.docx"
    )
    assert safe_file_name("A\\B", ".md") == "A＼B.md"
    assert safe_file_name("nul.txt", ".md") == "_nul.txt.md"
    assert safe_file_name("COM3", ".md") == "_COM3.md"
    # control characters go, runs of spaces become one, trailing dots and spaces go
    assert safe_file_name("乡\t镇\n名  一. ", ".md") == "乡镇名 一.md"


def test_a_long_name_is_cut_at_a_character() -> None:
    name = safe_file_name("很" * 200, ".docx")
    assert len(name.encode("utf-8")) <= 255
    assert name == "很" * 83 + ".docx"  # 83 × 3 bytes + 5 = 254


def test_batch_names_are_unique_where_case_does_not_count(tmp_path: Path) -> None:
    with batch(tmp_path / "out") as b:
        first = b.name("A01-乡", ".md")
        second = b.name("a01-乡", ".md")
        for path in (first, second):
            b.add(path).write_text("x", encoding="utf-8")
    assert (first.name, second.name) == ("A01-乡.md", "a01-乡-2.md")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["A01-乡.md", "a01-乡-2.md"]


def test_a_failed_batch_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "new" / "drafts"
    with pytest.raises(RuntimeError), batch(out) as b:
        b.add(b.name("一", ".md")).write_text("x", encoding="utf-8")
        raise RuntimeError("the second report failed")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_batch_keeps_the_files_that_were_there(tmp_path: Path) -> None:
    (tmp_path / "一.md").write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), batch(tmp_path) as b:
        b.add(b.name("一", ".md")).write_text("new", encoding="utf-8")
        raise RuntimeError("boom")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["一.md"]
    assert (tmp_path / "一.md").read_text(encoding="utf-8") == "old"


def test_a_file_open_in_word_is_named_with_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "自查报告.docx"
    target.write_text("old", encoding="utf-8")

    def locked(src: object, dst: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(src), None, str(dst))

    monkeypatch.setattr(files.os, "replace", locked)
    with pytest.raises(SetupError) as caught:
        write_text(target, "new")
    (problem,) = caught.value.problems
    assert problem.file == str(target)  # the user's file, not the temporary one
    assert "Word" in str(problem) and "关闭" in str(problem)
    assert [p.name for p in tmp_path.iterdir()] == ["自查报告.docx"]  # no temporary file left
    assert target.read_text(encoding="utf-8") == "old"


def test_a_read_only_folder_is_named_with_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".x.tmp"))

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)
    with pytest.raises(SetupError) as caught, staged(tmp_path / "报告.md"):
        pass
    text = str(caught.value)
    assert str(tmp_path / "报告.md") in text
    assert ".x.tmp" not in text
    assert "换一个可以写入的文件夹" in text


def test_a_full_disk_is_said_in_chinese(tmp_path: Path) -> None:
    target = tmp_path / "r.md"
    with pytest.raises(SetupError, match="磁盘空间已满") as caught, staged(target) as tmp:
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp))
    assert caught.value.problems[0].file == str(target)
    assert list(tmp_path.iterdir()) == []


def test_cli_exits_2_when_the_report_is_open_in_word(
    demo_workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "自查报告.docx"
    out.write_bytes(b"held by Word")
    real_open = Path.open

    def held(self: Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        if self == out and "+" in mode:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, mode, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", held)
    code, _, err = run("report", demo_workbook, "--out", out)
    assert code == 2
    assert "自查报告.docx" in err and "Word" in err
    assert "Traceback" not in err and "内部错误" not in err
    assert out.read_bytes() == b"held by Word"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["自查报告.docx"]


def test_cli_exits_2_for_a_read_only_folder(
    demo_workbook: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> str:
        raise PermissionError(errno.EROFS, "Read-only file system", str(tmp_path))

    monkeypatch.setattr(files.tempfile, "mkdtemp", refuse)
    out = tmp_path / "drafts"
    county = ("--org", "510000", "--period", "2010OctS1")
    code, _, err = run("report", demo_workbook, *county, "--each-child", "--out", out)
    assert code == 2, err
    assert "drafts" in err and "内部错误" not in err
    assert not out.exists()


def _county_session(*towns: tuple[str, str]) -> object:
    from tests.factories import dataset, tree, values
    from zicha.actions.session import Session, workbook_engine
    from zicha.packs.registry import get_pack

    org = tree(("C", "县", None, "county"), *((c, n, "C", "township") for c, n in towns))
    data = dataset(org, values=values(*((c, "2024S1", "births", 10) for c, _ in towns)))
    pack = get_pack(None)
    return Session(Path("县.xlsx"), pack, data, workbook_engine(pack, data))


def test_each_child_names_are_safe_everywhere(tmp_path: Path) -> None:
    from zicha.actions.reporting import write_child_reports

    session = _county_session(("01", '东区/西区:"一"*'), ("02", "CON"), ("03", "乡" * 120))
    drafted = write_child_reports(session, "C", "2024S1", tmp_path / "out", ".md")  # type: ignore[arg-type]
    names = [d.path.name for d in drafted]
    assert names[:2] == ["01-东区／西区：＂一＂＊.md", "02-CON.md"]
    for d in drafted:
        _valid_everywhere(d.path.name, ".md")
        assert d.check_path is not None
        _valid_everywhere(d.check_path.name, ".md")
    assert len(list((tmp_path / "out").iterdir())) == 6


def test_a_failing_batch_of_reports_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zicha.actions import reporting

    session = _county_session(("01", "甲乡"), ("02", "乙乡"))
    real = reporting.render_to
    calls: list[Path] = []

    def fail_on_the_third(doc: object, path: Path, template: object) -> None:
        calls.append(path)
        if len(calls) == 3:
            raise RuntimeError("the second township's report failed")
        real(doc, path, template)  # type: ignore[arg-type]

    monkeypatch.setattr(reporting, "render_to", fail_on_the_third)
    with pytest.raises(RuntimeError):
        reporting.write_child_reports(session, "C", "2024S1", tmp_path / "drafts", ".md")  # type: ignore[arg-type]
    assert len(calls) == 3
    assert list(tmp_path.iterdir()) == []
