"""Register sheets read in batches: a large CSV file is streamed block by block, and what comes
out (counts, stray rows, every problem with its row) is what reading it whole gives."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from zicha.actions.session import workbook_engine
from zicha.domain.errors import InputError, Problem
from zicha.domain.period import parse_period
from zicha.engine.dataset import Tallies
from zicha.packs.registry import get_pack
from zicha.workbook import read_workbook, reader, registers, source
from zicha.workbook.sheets import SHEET_BY_KEY

from .helpers import Rows, resolver, write_csv

PACK = get_pack("family-planning")
UNITS = ["510000", "510001", "51000101", "51000102", "510002", "51000201"]


def _orgs() -> Rows:
    return [
        ["代码", "名称", "上级代码", "类型"],
        ["510000", "县", None, "县"],
        ["510001", "甲乡", "510000", "乡镇"],
        ["51000101", "甲村", "510001", "村"],
        ["51000102", "乙村", "510001", "村"],
        ["510002", "乙乡", "510000", "乡镇"],
        ["51000201", "丙村", "510002", "村"],
    ]


def _births(n: int, seed: int = 7) -> list[list[object]]:
    rng = random.Random(seed)
    rows: list[list[object]] = [["单位代码", "出生日期", "性别", "孩次", "政策内", "登记编号"]]
    forms = (
        "{d.year}-{d.month:02d}-{d.day:02d}",
        "{d.year}/{d.month}/{d.day}",
        "{d.year}年{d.month}月{d.day}日",
    )
    for i in range(n):
        day = date(2023, 10, 1) + timedelta(days=rng.randrange(366))
        ref = f"B{i:05d}" if i % 17 else f"B{i:05d}\n续"  # written quoted, over two lines
        rows.append(
            [
                rng.choice(UNITS[2:4] + UNITS[5:]),
                rng.choice(forms).format(d=day),
                rng.choice(["男", "女", "M", "F", "1", "2"]),
                str(rng.randint(1, 4)),
                rng.choice(["是", "否", "1", "0"]),
                ref,
            ]
        )
    return rows


def _folder(tmp: Path, births: list[list[object]]) -> Path:
    sheets: dict[str, Rows] = {
        "基本信息": [["项目", "内容"], ["业务包", PACK.id], ["期间", "2023Oct"]],
        "组织机构": _orgs(),
        "数据": [
            ["单位代码", "期间", "数据项", "数值"],
            ["51000101", "202309", "population", 1000],
        ],
        "出生登记": births,
    }
    return write_csv(tmp, sheets)


def _read(  # type: ignore[no-untyped-def]
    folder: Path,
    streamed: bool,
    monkeypatch: pytest.MonkeyPatch,
    dense: bool | None = None,
    **kw: object,
):
    """The folder read whole or `streamed` in small blocks; its days counted in arrays
    (`dense`), by grouping (not `dense`), or as zicha chooses (None)."""
    with monkeypatch.context() as m:
        if streamed:
            m.setattr(source, "STREAM_BYTES", 0)
            m.setattr(source, "BLOCK_BYTES", 997)
            m.setattr(source, "FIRST_BLOCK_BYTES", 331)  # (a first block of its own size)
        if dense is not None:
            m.setattr(registers, "_DENSE_FILL", 0.0 if dense else float("inf"))
        return read_workbook(folder, resolver(PACK), **kw)


@pytest.mark.parametrize("dense", [True, False], ids=["days in arrays", "days grouped"])
def test_a_streamed_register_counts_what_reading_it_whole_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dense: bool
) -> None:
    births = _births(600)
    births[40][1] = "2031-03-05"  # a typo: dated outside every period of the data
    births[450][1] = "2031/3/9"
    folder = _folder(tmp_path / "b", births)
    whole = _read(folder, False, monkeypatch, dense=not dense)
    streamed = _read(folder, True, monkeypatch, dense=dense)
    rows = _read(folder, False, monkeypatch, rows=True)
    assert not streamed.registers and not whole.registers
    key = ["org_unit", "date"]
    assert_frame_equal(streamed.tallies["births"].sort(key), whole.tallies["births"].sort(key))
    assert streamed.strays["births"].rows() == [
        (births[40][0], date(2031, 3, 5), 41),
        (births[450][0], date(2031, 3, 9), 451),
    ]
    assert streamed.register_height("births") == 600 == rows.registers["births"].height
    # counted by hand from the rows: every birth of each unit and day, and the boys
    frame = rows.registers["births"]
    by_hand = frame.group_by(key).agg(
        pl.len().cast(pl.UInt32).alias("rows"),
        (pl.col("sex") == "M").sum().cast(pl.UInt32).alias("births_male"),
    )
    got = streamed.tallies["births"].select(*key, "rows", "births_male")
    assert_frame_equal(got.sort(key), by_hand.sort(key))
    # the same by month, as the reader added them up (in the arrays or grouped), the strays'
    # months (2031) too
    month = ["org_unit", "start"]
    by_month = (
        frame.group_by("org_unit", pl.col("date").dt.truncate("1mo").alias("start"))
        .agg(
            pl.len().cast(pl.UInt32).alias("rows"),
            (pl.col("sex") == "M").sum().cast(pl.UInt32).alias("births_male"),
        )
        .sort(month)
    )
    assert by_month.filter(pl.col("start").dt.year() == 2031).height == 2
    counts = streamed.tallies["births"].columns[2:]
    for read in (streamed, whole):
        months = read.month_tallies["births"]
        assert months.columns == ["org_unit", "start", *counts]
        got_months = months.select(*month, "rows", "births_male").sort(month)
        assert_frame_equal(got_months, by_month)
    # the engine gives the same figures and the same findings from the tallies as from the rows
    periods = [parse_period(p) for p in ("2023Oct", "2023OctQ2", "202403", "2024-03-10/2024-04-20")]
    orgs = ["510000", "510001", "51000201"]
    counted = workbook_engine(PACK, streamed).table(orgs, periods)
    from_rows = workbook_engine(PACK, rows).table(orgs, periods)
    assert_frame_equal(
        counted.sort("org_unit", "period"),
        from_rows.select(counted.columns).sort("org_unit", "period"),
    )
    outside = [
        f.message
        for f in workbook_engine(PACK, streamed).check()
        if f.rule == "register_row_outside"
    ]
    assert len(outside) == 1 and "第 41 行（2031-03-05）、第 451 行（2031-03-09）" in outside[0]


def test_problems_of_a_streamed_register_are_those_of_reading_it_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    births = _births(500, seed=3)
    births[30][3] = "五"  # a birth order that is no number
    births[420][2] = "未知"  # a sex zicha cannot read
    births[470][5] = births[20][5]  # a register number seen before, many blocks earlier
    births[480][0] = ""  # an org unit missing
    folder = _folder(tmp_path / "p", births)
    with pytest.raises(InputError) as whole:
        _read(folder, False, monkeypatch)
    with pytest.raises(InputError) as streamed:
        _read(folder, True, monkeypatch)
    shown = [str(p) for p in streamed.value.problems]
    assert shown == [str(p) for p in whole.value.problems]
    assert len(shown) == 4
    assert any("第 471 行" in p and "登记编号与第 21 行重复" in p for p in shown)


@pytest.mark.parametrize("dense", [True, False], ids=["days in arrays", "days grouped"])
def test_a_streamed_register_that_is_not_utf8_is_read_again_as_gb18030(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dense: bool
) -> None:
    """The batches counted before the first bytes that are not UTF-8 are counted once: the
    counts of the first reading are dropped with it."""
    rng = random.Random(5)
    births: list[list[object]] = [["orgunit", "date", "sex", "order", "in_policy", "ref"]]
    for i in range(300):  # plain ASCII: the same bytes in UTF-8 and in GB18030
        day = date(2023, 10, 1) + timedelta(days=rng.randrange(366))
        unit = rng.choice(UNITS[2:4] + UNITS[5:])
        births.append([unit, day.isoformat(), rng.choice("MF12"), "1", "1", f"B{i:05d}"])
    births[250][5] = "乙字第250号"  # the first bytes that are not UTF-8 come late in the file
    folder = _folder(tmp_path / "g", births)
    path = folder / "出生登记.csv"
    text = path.read_text(encoding="utf-8")
    assert text.index("乙字") > len(text) // 2
    path.write_bytes(text.encode("gb18030"))
    whole = _read(folder, False, monkeypatch, dense=not dense)
    batches: list[int] = []
    read = source.RawSheet.batches

    def counted(self: source.RawSheet) -> Iterator[source.RawSheet]:
        for batch in read(self):
            batches.append(batch.height)
            yield batch

    with monkeypatch.context() as m:
        m.setattr(source, "_HEAD_BYTES", 2048)  # the top read for the header: UTF-8
        m.setattr(source.RawSheet, "batches", counted)
        streamed = _read(folder, True, monkeypatch, dense=dense)
    assert len(batches) > 3 and batches[-1] == 300  # streamed, then read again whole
    key = ["org_unit", "date"]
    assert_frame_equal(streamed.tallies["births"].sort(key), whole.tallies["births"].sort(key))
    assert streamed.month_tallies["births"]["rows"].sum() == 300
    assert streamed.register_height("births") == 300


def _deaths(n: int, seed: int = 9) -> list[list[object]]:
    rng = random.Random(seed)
    rows: list[list[object]] = [["单位代码", "死亡日期", "性别", "年龄", "登记编号"]]
    for i in range(n):
        day = date(2023, 10, 1) + timedelta(days=rng.randrange(366))
        rows.append(
            [
                rng.choice(UNITS[2:4] + UNITS[5:]),
                day.isoformat(),
                rng.choice(["男", "女"]),
                str(rng.randint(0, 99)),
                f"D{i:05d}",
            ]
        )
    return rows


def _both(tmp: Path, births: list[list[object]], deaths: list[list[object]]) -> Path:
    folder = _folder(tmp, births)
    write_csv(folder, {"死亡登记": deaths})
    return folder


def _read_both(  # type: ignore[no-untyped-def]
    folder: Path, together: bool, monkeypatch: pytest.MonkeyPatch, threads: list[str]
):
    """The folder's registers streamed, read at once (`together`) or one after the other; the
    threads each was read in, then those its last steps ran in, are added to `threads` as
    `read:<thread>` and `finish:<thread>`."""
    scan = registers.RegisterReader.scan

    def spy(self: registers.RegisterReader) -> Callable[[], registers.Register]:
        threads.append(f"read:{threading.current_thread().name}")
        finish = scan(self)

        def spied() -> registers.Register:
            threads.append(f"finish:{threading.current_thread().name}")
            return finish()

        return spied

    with monkeypatch.context() as m:
        m.setattr(reader, "TOGETHER_ROWS", 0 if together else 10**12)
        m.setattr(registers.RegisterReader, "scan", spy)
        return _read(folder, True, monkeypatch)


def test_both_registers_read_at_once_count_what_one_after_the_other_counts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _both(tmp_path / "b", _births(900, seed=13), _deaths(700))
    apart: list[str] = []
    together: list[str] = []
    one = _read_both(folder, False, monkeypatch, apart)
    both = _read_both(folder, True, monkeypatch, together)
    main = threading.main_thread().name
    # one after the other: each read in the caller's thread, its last steps in another (the
    # births' while the deaths are read)
    reads = [t.removeprefix("read:") for t in apart if t.startswith("read:")]
    finishes = [t.removeprefix("finish:") for t in apart if t.startswith("finish:")]
    assert reads == [main, main] and len(finishes) == 2 and main not in finishes
    # at once: each read in a thread of its own, its last steps in that thread
    reads = [t.removeprefix("read:") for t in together if t.startswith("read:")]
    finishes = [t.removeprefix("finish:") for t in together if t.startswith("finish:")]
    assert len(set(reads)) == 2 and main not in reads and sorted(finishes) == sorted(reads)
    key = ["org_unit", "date"]
    for sheet, height in (("births", 900), ("deaths", 700)):
        assert_frame_equal(both.tallies[sheet].sort(key), one.tallies[sheet].sort(key))
        assert both.register_height(sheet) == height == one.register_height(sheet)
        assert int(both.month_tallies[sheet]["rows"].sum()) == height


def test_problems_of_registers_read_at_once_are_listed_as_one_after_the_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each register's problems are collected on their own and added in sheet order, each
    sheet's by row: the list does not depend on which thread found what first."""
    births = _births(600, seed=17)
    births[40][3] = "五"  # a birth order that is no number
    births[550][5] = births[35][5]  # a register number seen before
    deaths = _deaths(500)
    deaths[12][3] = "很老"  # an age that is no number
    deaths[480][4] = deaths[7][4]  # a register number seen before
    deaths[300][0] = "99999999"  # an org unit that is not in the tree
    folder = _both(tmp_path / "p", births, deaths)
    with pytest.raises(InputError) as apart:
        _read_both(folder, False, monkeypatch, [])
    for _ in range(3):
        with pytest.raises(InputError) as together:
            _read_both(folder, True, monkeypatch, [])
        shown = [str(p) for p in together.value.problems]
        assert shown == [str(p) for p in apart.value.problems]
    assert len(shown) == 5
    files = [p.split("，")[0].split("/")[-1] for p in shown]
    assert files == ["出生登记.csv"] * 2 + ["死亡登记.csv"] * 3, shown
    assert "第 41 行" in shown[0] and "登记编号与第 36 行重复" in shown[1]
    assert "登记编号与第 8 行重复" in shown[-1]


def test_a_register_read_again_as_gb18030_while_the_other_is_read_counts_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(5)
    births: list[list[object]] = [["orgunit", "date", "sex", "order", "in_policy", "ref"]]
    for i in range(300):
        day = date(2023, 10, 1) + timedelta(days=rng.randrange(366))
        births.append([rng.choice(UNITS[2:4]), day.isoformat(), "M", "1", "1", f"B{i:05d}"])
    births[250][5] = "乙字第250号"  # not UTF-8 late in the file
    folder = _both(tmp_path / "g", births, _deaths(400))
    path = folder / "出生登记.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    threads: list[str] = []
    batches: list[tuple[str, int]] = []
    read = source.RawSheet.batches

    def counted(self: source.RawSheet) -> Iterator[source.RawSheet]:
        for batch in read(self):
            batches.append((self.name, batch.height))
            yield batch

    with monkeypatch.context() as m:
        m.setattr(source, "_HEAD_BYTES", 2048)  # the top read for the header: UTF-8
        m.setattr(source.RawSheet, "batches", counted)
        both = _read_both(folder, True, monkeypatch, threads)
    assert len([t for t in threads if t.startswith("read:")]) == 2
    read_births = [height for name, height in batches if name == "出生登记"]
    assert len(read_births) > 3 and read_births[-1] == 300  # streamed, then read again whole
    assert int(both.month_tallies["births"]["rows"].sum()) == 300
    assert int(both.month_tallies["deaths"]["rows"].sum()) == 400


def test_a_register_counts_its_days_in_arrays_when_its_rows_would_fill_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Arrays of a cell per unit and day (6 units × 366 days × 2 years here) are only worth
    clearing and adding when the rows would fill half of them: fewer are grouped. A streamed
    file's rows are estimated from its size and its top."""
    chosen: list[bool] = []
    read = registers.RegisterReader.read

    def spy(self: registers.RegisterReader) -> registers.Register:
        found = read(self)
        chosen.append(self.days is not None)  # (made once the first batch is read)
        return found

    monkeypatch.setattr(registers.RegisterReader, "read", spy)
    few = _folder(tmp_path / "few", _births(1_800))  # under half of the 4,392 cells
    many = _folder(tmp_path / "many", _births(2_600))  # over half
    for folder in (few, many):
        for streamed in (False, True):
            with monkeypatch.context() as m:
                m.setattr(source, "_HEAD_BYTES", 4096)  # a streamed file's top: ~100 rows
                _read(folder, streamed, monkeypatch)
    assert chosen == [False, False, True, True]


def test_a_streamed_files_rows_are_estimated_from_its_top(tmp_path: Path) -> None:
    folder = _folder(tmp_path / "e", _births(3_000))
    file = folder / "出生登记.csv"
    spec = SHEET_BY_KEY["births"]
    with pytest.MonkeyPatch.context() as m:
        m.setattr(source, "STREAM_BYTES", 0)
        m.setattr(source, "_HEAD_BYTES", 8192)
        raw = source._csv_loader(spec, file, file.name)()
    assert raw.streamed
    assert 2_700 <= raw.expected_rows <= 3_300  # within 10 % of the 3,000 rows
    whole = source._csv_loader(spec, file, file.name)()
    assert not whole.streamed and whole.expected_rows == whole.height == 3_000


def test_a_record_longer_than_a_block_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A block ends after its last whole record; a record longer than a block (997 bytes here)
    is read again in a longer one, and the next block starts after it."""
    births = _births(300, seed=5)
    births[150][5] = "B-长" + "\n续" * 700  # quoted, over 701 lines: ≈ 2,800 bytes
    folder = _folder(tmp_path / "l", births)
    assert len(births[150][5].encode()) > 2 * 997  # type: ignore[union-attr]
    whole = _read(folder, False, monkeypatch)
    streamed = _read(folder, True, monkeypatch)
    key = ["org_unit", "date"]
    assert_frame_equal(streamed.tallies["births"].sort(key), whole.tallies["births"].sort(key))
    assert streamed.register_height("births") == 300 == whole.register_height("births")
    assert int(streamed.tallies["births"]["rows"].sum()) == 300


@pytest.mark.parametrize("dense", [True, False], ids=["days in arrays", "days grouped"])
def test_the_tally_by_day_is_made_only_when_a_period_cuts_a_month(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dense: bool
) -> None:
    """Whole months are answered from the tally by month; the tally by day is made (once) for
    a period that cuts a month, and gives the same figures as the rows themselves."""
    folder = _folder(tmp_path / "d", _births(900, seed=11))
    read = _read(folder, True, monkeypatch, dense=dense)
    rows = _read(folder, False, monkeypatch, rows=True)
    made: list[str] = []
    asked = Tallies.__getitem__
    monkeypatch.setattr(Tallies, "__getitem__", lambda t, k: made.append(k) or asked(t, k))
    frame = registers._Window.frame
    monkeypatch.setattr(registers._Window, "frame", lambda *a: made.append("arrays") or frame(*a))
    orgs = ["510000", "510001", "51000201"]
    whole = [parse_period(p) for p in ("2023Oct", "2023OctQ2", "202403")]
    engine = workbook_engine(PACK, read)
    assert_frame_equal(
        engine.table(orgs, whole).sort("org_unit", "period"),
        workbook_engine(PACK, rows).table(orgs, whole).sort("org_unit", "period"),
    )
    units = ["51000101", "51000102"]
    for first, last in ((date(2024, 1, 1), date(2024, 3, 31)), (None, None)):
        by_hand = rows.registers["births"].filter(pl.col("org_unit").is_in(units))
        if first is not None and last is not None:
            by_hand = by_hand.filter(pl.col("date").is_between(first, last))
        assert read.register_height("births", units, first, last) == by_hand.height
    assert made == []  # nothing was asked by day
    cut = [parse_period("2024-01-15/2024-03-29")]
    assert_frame_equal(
        engine.table(orgs, cut).sort("org_unit", "period"),
        workbook_engine(PACK, rows).table(orgs, cut).sort("org_unit", "period"),
    )
    assert made[0] == "births"
    # made from the arrays it was counted in (one per statistical year of the data), once
    windows = made.count("arrays")
    assert (windows > 0) == dense
    first, last = date(2024, 1, 15), date(2024, 3, 29)
    by_hand = rows.registers["births"].filter(pl.col("date").is_between(first, last))
    assert read.register_height("births", None, first, last) == by_hand.height
    engine.table(orgs, cut)
    assert made.count("arrays") == windows


def test_a_register_whose_last_steps_fail_lists_only_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sheet whose numbers cannot be read again for their repeats (the file gone meanwhile,
    say), while the next sheet is read: what was found in it is dropped for the reason; the
    other sheet's problems stay, in sheet order."""
    births = _births(300, seed=21)
    births[30][3] = "五"  # a birth order that is no number
    births[200][5] = births[10][5]  # a register number seen before: the sheet is read again
    deaths = _deaths(200)
    deaths[50][3] = "很老"  # an age that is no number
    folder = _both(tmp_path / "f", births, deaths)
    gone = Problem(file="出生登记.csv", message="文件在读取时被移走")

    def fails(self: registers.RegisterReader, repeated: pl.Series) -> None:
        raise InputError([gone])

    threads: list[str] = []
    with monkeypatch.context() as m:
        m.setattr(registers.RegisterReader, "_duplicate_refs", fails)
        with pytest.raises(InputError) as err:
            _read_both(folder, False, monkeypatch, threads)
    shown = [str(p) for p in err.value.problems]
    assert shown[0] == str(gone) and len(shown) == 2, shown
    assert "死亡登记.csv" in shown[1] and "很老" in shown[1]
    finishes = [t.removeprefix("finish:") for t in threads if t.startswith("finish:")]
    assert len(finishes) == 2 and threading.main_thread().name not in finishes
