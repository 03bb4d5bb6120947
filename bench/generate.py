"""Generate a province workbook for the benchmark: deterministic, vectorised, fast.

    python bench/generate.py                      # CSV folder, 5,000,000 register rows
    python bench/generate.py --rows 200000        # a small one
    python bench/generate.py --xlsx 1000000       # also the .xlsx with a births sheet of N rows

The CSV folder (`bench/data/province-<rows>/`) holds `meta.csv`, `orgunits.csv` (1 province,
10 counties, 100 townships, 2,000 villages; codes are text with leading zeros), `values.csv`
(population, married women and long-acting users per village at the quarter ends of the
statistical year 2023Oct and its opening 202309; budget per township per month; contraception
due/done per township per statistical quarter) and the two registers `births.csv` and
`deaths.csv` (64 % / 36 % of the rows), dated 2023-10-01..2024-09-30 in mixed accepted forms
(mostly 2024-03-05, some 2024/3/5, some 2024年3月5日), sex as 男/女, M/F or 1/2, order 1–4,
in_policy as 是/否 or 1/0.

The .xlsx (`bench/data/province-births-<N>.xlsx`) holds 基本信息, 组织机构, 数据 and a 出生登记
sheet of N rows, written the way Excel writes it: a shared-string table, dates as date cells
(number + date style) except the rows typed as 2024/3/5 or 2024年3月5日, which stay text, and
birth order as number cells. Its XML is built with polars string expressions a column at a
time, so a million rows take a few seconds rather than the minute xlsxwriter needs.
"""

from __future__ import annotations

import argparse
import time
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"

SEED = 20231001
YEAR_START = date(2023, 10, 1)
YEAR_END = date(2024, 9, 30)
DAYS = (YEAR_END - YEAR_START).days + 1  # 366: February 2024 has 29 days
BIRTH_SHARE = 0.64  # 3.2 M births and 1.8 M deaths in 5 M rows

COUNTIES, TOWNSHIPS_PER_COUNTY, VILLAGES_PER_TOWNSHIP = 10, 10, 20
#: the quarter ends of the statistical year 2023Oct, and its opening (the end of 202309)
STOCK_MONTHS = ("202309", "202312", "202403", "202406", "202409")
MONTHS = tuple(
    f"{y}{m:02d}"
    for y, m in [(2023, 10), (2023, 11), (2023, 12)] + [(2024, m) for m in range(1, 10)]
)
FQUARTERS = ("2023OctQ1", "2023OctQ2", "2023OctQ3", "2023OctQ4")


def csv_folder(rows: int) -> Path:
    return DATA / f"province-{rows}"


def xlsx_path(rows: int) -> Path:
    return DATA / f"province-births-{rows}.xlsx"


def split_rows(rows: int) -> tuple[int, int]:
    """(births, deaths) for a total number of register rows."""
    births = round(rows * BIRTH_SHARE)
    return births, rows - births


# ---------------------------------------------------------------------------------------------
# the province


@dataclass(frozen=True)
class Province:
    orgunits: pl.DataFrame  # code, name, parent, kind
    villages: pl.Series  # village codes
    townships: pl.Series
    weights: np.ndarray  # each village's share of the register rows


def province(rng: np.random.Generator) -> Province:
    code: list[str] = ["01"]
    name: list[str] = ["某省"]
    parent: list[str | None] = [None]
    kind: list[str] = ["省"]
    townships: list[str] = []
    villages: list[str] = []
    for c in range(1, COUNTIES + 1):
        county = f"01{c:02d}"
        code.append(county)
        name.append(f"第{c}县")
        parent.append("01")
        kind.append("县")
        for t in range(1, TOWNSHIPS_PER_COUNTY + 1):
            township = f"{county}{t:02d}"
            townships.append(township)
            code.append(township)
            name.append(f"第{c}县第{t}乡")
            parent.append(county)
            kind.append("乡镇")
            for v in range(1, VILLAGES_PER_TOWNSHIP + 1):
                village = f"{township}{v:03d}"
                villages.append(village)
                code.append(village)
                name.append(f"第{c}县第{t}乡第{v}村")
                parent.append(township)
                kind.append("村")
    weights = rng.lognormal(0.0, 0.5, size=len(villages))
    weights /= weights.sum()
    frame = pl.DataFrame(
        {"code": code, "name": name, "parent": parent, "kind": kind},
        schema={"code": pl.String, "name": pl.String, "parent": pl.String, "kind": pl.String},
    )
    return Province(frame, pl.Series(villages), pl.Series(townships), weights)


# ---------------------------------------------------------------------------------------------
# registers


def _date_texts() -> pl.Series:
    """Every day of the year in the three accepted forms: [iso × 366, slash × 366, 中文 × 366]."""
    days = [YEAR_START + timedelta(days=i) for i in range(DAYS)]
    iso = [d.isoformat() for d in days]
    slash = [f"{d.year}/{d.month}/{d.day}" for d in days]
    chinese = [f"{d.year}年{d.month}月{d.day}日" for d in days]
    return pl.Series(iso + slash + chinese)


def _pick(table: list[str], index: np.ndarray) -> pl.Series:
    return pl.Series(table).gather(pl.Series(index, dtype=pl.UInt32))


def _common(rng: np.random.Generator, prov: Province, n: int) -> dict[str, np.ndarray]:
    """Village, day, date form and sex form of n register rows."""
    return {
        "village": rng.choice(len(prov.villages), size=n, p=prov.weights),
        "day": rng.integers(0, DAYS, size=n),
        "form": rng.choice(3, size=n, p=[0.85, 0.10, 0.05]),
        "male": (rng.random(n) < 0.53).astype(np.int64),
        "sex_form": rng.choice(4, size=n, p=[0.6, 0.18, 0.18, 0.04]),
    }


#: sex forms: 男/女, M/F, 1/2 (GB/T 2261.1), and a few with a stray space ([form * 2 + male])
_SEX = ["女", "男", "F", "M", "2", "1", "女 ", " 男"]


def births(rng: np.random.Generator, prov: Province, n: int) -> tuple[pl.DataFrame, np.ndarray]:
    """The births register as text columns, and each row's date form (0 ISO, 1 slash, 2 中文)."""
    c = _common(rng, prov, n)
    order = rng.choice(4, size=n, p=[0.50, 0.35, 0.11, 0.04]) + 1
    in_policy = np.where(order <= 2, rng.random(n) < 0.97, rng.random(n) < 0.30)
    flag_form = (rng.random(n) < 0.3).astype(np.int64)  # 0: 是/否, 1: 1/0
    frame = pl.DataFrame(
        {
            "orgunit": prov.villages.gather(pl.Series(c["village"], dtype=pl.UInt32)),
            "date": _date_texts().gather(pl.Series(c["form"] * DAYS + c["day"], dtype=pl.UInt32)),
            "sex": _pick(_SEX, c["sex_form"] * 2 + c["male"]),
            "order": _pick(["1", "2", "3", "4"], order - 1),
            "in_policy": _pick(["否", "是", "0", "1"], flag_form * 2 + in_policy),
            "ref": _refs("B", n),
        }
    )
    return frame, c["form"]


def deaths(rng: np.random.Generator, prov: Province, n: int) -> pl.DataFrame:
    c = _common(rng, prov, n)
    age = np.minimum(rng.gamma(9.0, 8.0, size=n), 105.0).astype(np.int64)
    return pl.DataFrame(
        {
            "orgunit": prov.villages.gather(pl.Series(c["village"], dtype=pl.UInt32)),
            "date": _date_texts().gather(pl.Series(c["form"] * DAYS + c["day"], dtype=pl.UInt32)),
            "sex": _pick(_SEX, c["sex_form"] * 2 + c["male"]),
            "age": pl.Series(age).cast(pl.String),
            "ref": _refs("D", n),
        }
    )


def _refs(prefix: str, n: int) -> pl.Series:
    """Registration numbers B00000001…, all distinct."""
    return pl.select(
        pl.concat_str(pl.lit(prefix), (pl.int_range(n) + 1).cast(pl.String).str.zfill(8))
    ).to_series()


# ---------------------------------------------------------------------------------------------
# small sheets


def meta() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "key": ["pack", "title", "issuer", "addressee", "date"],
            "value": [
                "family-planning",
                "某省2023统计年度人口和计划生育工作目标自查情况（基准测试数据）",
                "某省卫生健康委员会",
                "某省人民政府",
                "2024-10-15",
            ],
        }
    )


def values(rng: np.random.Generator, prov: Province, total_births: int) -> pl.DataFrame:
    """Data values: stocks per village at quarter ends, flows per township."""
    nv = len(prov.villages)
    # a birth rate near 12.5 ‰: population in proportion to each village's births
    population = prov.weights * total_births / 0.0125 + 500
    parts: list[pl.DataFrame] = []
    level = population.copy()
    for k, month in enumerate(STOCK_MONTHS):
        if k:
            level = level * (1 + rng.normal(0.001, 0.002, size=nv))
        married = level * rng.uniform(0.18, 0.22, size=nv)
        stocks = {
            "population": level,
            "married_women": married,
            "long_acting_users": married * rng.uniform(0.55, 0.75, size=nv),
        }
        for element, x in stocks.items():
            parts.append(_value_rows(prov.villages, month, element, np.round(x)))
    nt = len(prov.townships)
    for month in MONTHS:
        spent = np.round(rng.uniform(0.5, 4.0, size=nt), 2)
        parts.append(_value_rows(prov.townships, month, "budget_spent", spent))
    for quarter in FQUARTERS:
        due = rng.integers(200, 600, size=nt).astype(np.float64)
        done = np.floor(due * rng.uniform(0.9, 1.05, size=nt))
        parts.append(_value_rows(prov.townships, quarter, "contraception_due", due))
        parts.append(_value_rows(prov.townships, quarter, "contraception_done", done))
    return pl.concat(parts)


def _value_rows(orgs: pl.Series, period: str, element: str, x: np.ndarray) -> pl.DataFrame:
    value = pl.Series(x)
    text = pl.select(
        pl.when(value == value.round(0))
        .then(value.cast(pl.Int64).cast(pl.String))
        .otherwise(value.cast(pl.String))
    ).to_series()
    n = len(orgs)
    return pl.DataFrame(
        {
            "orgunit": orgs,
            "period": [period] * n,
            "element": [element] * n,
            "value": text,
            "comment": pl.Series([None] * n, dtype=pl.String),
        }
    )


# ---------------------------------------------------------------------------------------------
# writing


def write_csv_folder(rows: int, seed: int = SEED, out: Path | None = None) -> Path:
    """The CSV workbook folder with `rows` register rows; returns the folder."""
    folder = out or csv_folder(rows)
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    prov = province(rng)
    n_births, n_deaths = split_rows(rows)
    meta().write_csv(folder / "meta.csv")
    prov.orgunits.write_csv(folder / "orgunits.csv")
    values(rng, prov, n_births).write_csv(folder / "values.csv")
    births(rng, prov, n_births)[0].write_csv(folder / "births.csv")
    deaths(rng, prov, n_deaths).write_csv(folder / "deaths.csv")
    (folder / "SIZE").write_text(f"{rows}\n")  # written last: the folder is complete
    return folder


def write_xlsx(rows: int, seed: int = SEED, out: Path | None = None) -> Path:
    """An .xlsx with the small sheets and a births sheet of `rows` rows; returns its path."""
    path = out or xlsx_path(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed + 1)
    prov = province(rng)
    frame, form = births(rng, prov, rows)
    iso = pl.Series(form == 0)
    day = frame["date"].str.to_date("%Y-%m-%d", strict=False)
    serial = day.cast(pl.Int32) + 25569  # Excel's serial day: 1970-01-01 is 25569
    birth_cells: list[tuple[str, pl.Series, pl.Series | None]] = [
        ("单位代码", frame["orgunit"], None),
        # ISO-typed rows become date cells (what Excel makes of them); the other forms stay text
        (
            "出生日期",
            pl.select(pl.when(iso).then(None).otherwise(frame["date"])).to_series(),
            pl.select(pl.when(iso).then(serial)).to_series().cast(pl.Float64),
        ),
        ("性别", frame["sex"], None),
        ("孩次", pl.Series([None] * rows, dtype=pl.String), frame["order"].cast(pl.Float64)),
        ("政策内", frame["in_policy"], None),
        ("登记编号", frame["ref"], None),
    ]
    small = {
        "基本信息": meta(),
        "组织机构": prov.orgunits.rename(
            {"code": "代码", "name": "名称", "parent": "上级代码", "kind": "类型"}
        ),
        "数据": values(rng, prov, rows).rename(
            {"orgunit": "单位代码", "period": "期间", "element": "数据项", "value": "数值"}
        ),
    }
    sheets: list[tuple[str, list[tuple[str, pl.Series, pl.Series | None]]]] = [
        (name, [(c, df[c], None) for c in df.columns]) for name, df in small.items()
    ]
    sheets.append(("出生登记", birth_cells))
    _XlsxWriter(path).write(sheets)
    return path


_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_STYLES = (
    f'<styleSheet xmlns="{_NS}">'
    '<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _escape(text: pl.Expr) -> pl.Expr:
    return (
        text.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )


def _letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


class _XlsxWriter:
    """A minimal SpreadsheetML package: shared strings, one date style, cells with references."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.strings: list[pl.Series] = []
        self.count = 0  # shared strings so far

    def _shared(self, texts: pl.Series) -> pl.Series:
        """Each text's index in the shared-string table (null stays null)."""
        uniques = texts.drop_nulls().unique(maintain_order=True)
        index = texts.cast(pl.Enum(uniques.to_list())).to_physical().cast(pl.Int64) + self.count
        self.strings.append(uniques)
        self.count += len(uniques)
        return index

    def _sheet(self, columns: list[tuple[str, pl.Series, pl.Series | None]]) -> bytes:
        height = len(columns[0][1]) + 1  # with the header
        row = pl.int_range(1, height + 1, eager=True).cast(pl.String)
        cells: list[pl.Series] = []
        for j, (header, texts, numbers) in enumerate(columns):
            ref = _letter(j)
            texts = pl.concat([pl.Series([header]), texts.cast(pl.String)])
            shared = self._shared(texts).cast(pl.String)
            text_cell = pl.format('<c r="{}{}" t="s"><v>{}</v></c>', pl.lit(ref), row, shared)
            if numbers is None:
                cell = text_cell
            else:
                numbers = pl.concat([pl.Series([None], dtype=pl.Float64), numbers])
                style = ' s="1"' if header == "出生日期" else ""
                number = pl.Series(numbers).cast(pl.Int64).cast(pl.String)
                number_cell = pl.format(
                    f'<c r="{{}}{{}}"{style}><v>{{}}</v></c>', pl.lit(ref), row, number
                )
                cell = pl.when(numbers.is_not_null()).then(number_cell).otherwise(text_cell)
            cells.append(pl.select(cell.fill_null("")).to_series())
        body = pl.select(
            pl.format('<row r="{}">', row)
            + pl.concat_str([pl.lit(c) for c in cells])
            + pl.lit("</row>")
        ).to_series()
        last = f"{_letter(len(columns) - 1)}{height}"
        head = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_NS}" '
            f'xmlns:r="{_REL}"><dimension ref="A1:{last}"/><sheetData>'
        )
        return (head + body.str.join("").item() + "</sheetData></worksheet>").encode()

    def _shared_strings(self) -> bytes:
        texts = pl.concat(self.strings) if self.strings else pl.Series([], dtype=pl.String)
        preserve = texts.str.contains(r"^\s|\s$")
        items = pl.select(
            pl.when(preserve)
            .then(pl.format('<si><t xml:space="preserve">{}</t></si>', _escape(pl.lit(texts))))
            .otherwise(pl.format("<si><t>{}</t></si>", _escape(pl.lit(texts))))
        ).to_series()
        head = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<sst xmlns="{_NS}" count="{len(texts)}" uniqueCount="{len(texts)}">'
        )
        return (head + items.str.join("").item() + "</sst>").encode()

    def write(
        self, sheets: list[tuple[str, list[tuple[str, pl.Series, pl.Series | None]]]]
    ) -> None:
        parts = {
            f"xl/worksheets/sheet{i}.xml": self._sheet(c) for i, (_, c) in enumerate(sheets, 1)
        }
        n = len(sheets)
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_CT}.worksheet+xml"/>'
            for i in range(1, n + 1)
        )
        content_types = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
            f"{overrides}</Types>"
        )
        root_rels = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        )
        sheet_list = "".join(
            f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (name, _) in enumerate(sheets, 1)
        )
        workbook = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{_NS}" xmlns:r="{_REL}"><sheets>{sheet_list}</sheets></workbook>'
        )
        rels = "".join(
            f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, n + 1)
        )
        rels += (
            f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{_REL}/sharedStrings" '
            'Target="sharedStrings.xml"/>'
        )
        workbook_rels = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{_PKG}">{rels}</Relationships>'
        )
        tmp = self.path.with_suffix(".tmp")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
            z.writestr("[Content_Types].xml", content_types)
            z.writestr("_rels/.rels", root_rels)
            z.writestr("xl/workbook.xml", workbook)
            z.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
            z.writestr("xl/styles.xml", _STYLES)
            for name, data in parts.items():
                z.writestr(name, data)
            z.writestr("xl/sharedStrings.xml", self._shared_strings())
        tmp.replace(self.path)


# ---------------------------------------------------------------------------------------------


def csv_ready(rows: int) -> bool:
    """Whether the CSV folder for `rows` is there and complete."""
    marker = csv_folder(rows) / "SIZE"
    return marker.is_file() and marker.read_text().strip() == str(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000_000, help="register rows (CSV)")
    parser.add_argument(
        "--xlsx",
        type=int,
        nargs="?",
        const=1_000_000,
        default=None,
        metavar="N",
        help="also write the .xlsx with a births sheet of N rows (default N: 1,000,000)",
    )
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--missing", action="store_true", help="only what is not there yet (default seed only)"
    )
    args = parser.parse_args(argv)
    if args.xlsx is not None and not 1 <= args.xlsx <= 1_048_575:
        parser.error("an .xlsx sheet holds at most 1,048,576 rows (1,048,575 below the header)")
    t0 = time.perf_counter()
    if not (args.missing and csv_ready(args.rows)):
        folder = write_csv_folder(args.rows, args.seed)
        size = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
        took = time.perf_counter() - t0
        print(f"{folder}  ({args.rows:,} register rows, {size:,.0f} MB, {took:.1f} s)")
    if args.xlsx is not None and not (args.missing and xlsx_path(args.xlsx).is_file()):
        t0 = time.perf_counter()
        path = write_xlsx(args.xlsx, args.seed)
        size = path.stat().st_size / 1e6
        took = time.perf_counter() - t0
        print(f"{path}  ({args.xlsx:,} birth rows, {size:,.0f} MB, {took:.1f} s)")


if __name__ == "__main__":
    main()
