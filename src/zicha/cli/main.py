"""`zicha`: the stand-alone command line."""

from __future__ import annotations

import gc
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from zicha import __version__
from zicha.domain.errors import InputError, SetupError

if TYPE_CHECKING:
    from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])

EXIT_FINDINGS = 1
EXIT_INPUT = 2
EXIT_INTERNAL = 3


def _console() -> Console:
    from rich.console import Console

    console = Console(highlight=False, soft_wrap=False)
    if not console.is_terminal:
        # piped or redirected: wide enough that a table of Chinese names is not cut
        console = Console(highlight=False, soft_wrap=False, width=160)
    return console


def _err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def guarded(func: F) -> F:
    """Turn unusable input into exit 2 with the problems listed, never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            err = _err_console()
            count = len(exc.problems)
            what = "无法完成" if isinstance(exc, SetupError) else "无法使用输入"
            err.print(f"[bold red]{what}[/bold red]（{count} 个问题，未生成任何输出）：")
            for p in exc.problems:
                err.print(f"  - {p}", highlight=False, markup=False)
            sys.exit(EXIT_INPUT)
        except OSError as exc:
            from zicha.actions.files import os_error_text

            name = exc.filename or ""
            _err_console().print(
                f"[bold red]无法读写文件[/bold red] {name}：{os_error_text(exc)}",
                markup=True,
                highlight=False,
            )
            sys.exit(EXIT_INPUT)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # an internal fault: say so briefly; details on request
            if os.environ.get("ZICHA_DEBUG"):
                traceback.print_exc()
            _err_console().print(
                f"[bold red]内部错误[/bold red]：{type(exc).__name__}: {exc}\n"
                "这不是输入数据的问题。设置环境变量 ZICHA_DEBUG=1 可显示详细信息。",
                markup=True,
            )
            sys.exit(EXIT_INTERNAL)

    return wrapper  # type: ignore[return-value]


@contextmanager
def reading(path: Path) -> Iterator[Callable[[str], None]]:
    """A progress bar over the workbook's sheets, naming the one being read (terminal only)."""
    if not sys.stderr.isatty():
        yield lambda _sheet: None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from zicha.actions.session import SHEET_COUNT

    err = _err_console()
    if not err.is_terminal:
        yield lambda _sheet: None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(f"正在读取 {path.name}", total=SHEET_COUNT)
        seen: list[str] = []

        def advance(sheet: str) -> None:
            if seen:
                bar.advance(task)
            seen.append(sheet)
            bar.update(task, description=f"正在读取 {path.name}：工作表「{sheet}」")

        yield advance
        bar.update(task, completed=SHEET_COUNT)


#: a workbook smaller than this is computed on one thread (see _threads_for)
SMALL_WORKBOOK_BYTES = 4 * 1024 * 1024


def _threads_for(path: Path) -> None:
    """One polars thread for a small workbook, unless POLARS_MAX_THREADS says otherwise.

    A township's workbook makes some 350 small queries; each hands its work to polars' thread
    pool and waits for it, and on a busy machine every hand-off waits for the scheduler (the
    demo's report: 1.29 s with the pool, 0.77 s without, at a load average of 9 on 2 cores).
    Large workbooks keep every core. Only effective before polars is first imported.
    """
    if "POLARS_MAX_THREADS" in os.environ or "polars" in sys.modules:
        return
    try:
        files = [path] if path.is_file() else [p for p in path.iterdir() if p.is_file()]
        size = sum(f.stat().st_size for f in files)
    except OSError:
        return  # the reader names the problem
    if size < SMALL_WORKBOOK_BYTES:
        os.environ["POLARS_MAX_THREADS"] = "1"


def _open(path: Path) -> Any:
    _threads_for(path)
    from zicha.actions.session import open_workbook

    with reading(path) as progress:
        return open_workbook(path, progress=progress)


#: commands that keep running (a server): the others end within seconds
LONG_RUNNING = frozenset({"serve"})


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zicha")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """zicha（自查）：用本单位的数据计算指标、核查数字、对照目标和时间进度，起草自查报告。"""
    if ctx.invoked_subcommand not in LONG_RUNNING:
        # A command imports polars, lxml and python-docx, drafts and ends the process. The
        # cyclic garbage collector would walk every object of those libraries several times
        # over while they load (a tenth of a report's time) and has nothing to free that
        # reference counting does not free already. (Turned on again when the command ends, for
        # a caller that goes on, such as a test.)
        gc.disable()
        ctx.call_on_close(gc.enable)


@cli.command()
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=Path("zicha-demo"),
    show_default=True,
    help="输出目录",
)
@click.option("--pack", "pack_id", default="family-planning", show_default=True, help="业务包")
@guarded
def demo(out: Path, pack_id: str) -> None:
    """写出内置示例（种子乡镇）的工作簿、指标、核查结果和报告。"""
    from zicha.actions.demo import run_demo
    from zicha.reports.terminal import print_computation

    result = run_demo(out, pack_id)
    console = _console()
    print_computation(console, result.computation)
    console.print()
    console.print("[bold]已写出：[/bold]")
    for path in result.files:
        console.print(f"  {path}")


@cli.command()
@click.argument("pack", required=False, default=None)
@click.option(
    "--out", "out", type=click.Path(path_type=Path), required=True, help="输出的 .xlsx 文件"
)
@guarded
def template(pack: str | None, out: Path) -> None:
    """写出业务包的空白工作簿：表头、下拉选项和填表说明。"""
    from zicha.actions.templates import write_blank_workbook

    written = write_blank_workbook(pack, out)
    _console().print(f"已写出空白工作簿：{written}")


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
@guarded
def check(workbook: Path, as_json: bool) -> None:
    """读取并核查整个工作簿，列出发现的问题。有错误时退出码为 1。"""
    from zicha.actions.checking import check_workbook
    from zicha.reports.json_view import finding_json
    from zicha.reports.terminal import print_findings

    session = _open(workbook)
    report = check_workbook(session)
    if as_json:
        doc = {
            "workbook": str(workbook),
            "pack": session.pack.id,
            "read": report.counts,
            "coverage": report.coverage_json(),
            "errors": report.errors,
            "warnings": report.warnings,
            "findings": [finding_json(f) for f in report.findings],
        }
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        console = _console()
        console.print(f"已读取 {workbook.name}（业务包 {session.pack.id}）：{report.read_zh}")
        print_findings(console, report.findings)
    if report.errors:
        sys.exit(EXIT_FINDINGS)


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option(
    "--org", "org", default=None, help="单位代码（默认：基本信息表的单位代码，或最上级单位）"
)
@click.option("--period", "period", default=None, help="期间，如 2010OctS1、2024S1、2024Q1、202401")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（CONTRACT §3）")
@click.option("--all", "show_all", is_flag=True, help="也列出既无数据也无目标的指标")
@guarded
def compute(
    workbook: Path, org: str | None, period: str | None, as_json: bool, show_all: bool
) -> None:
    """计算一个单位、一个期间的全部指标、目标进度、得分和核查结果。"""
    from zicha.reports.json_view import computation_json
    from zicha.reports.terminal import print_computation

    session = _open(workbook)
    result = session.compute(org, period)
    if as_json:
        click.echo(json.dumps(computation_json(result), ensure_ascii=False, indent=2))
    else:
        print_computation(_console(), result, show_all)


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option(
    "--org", "org", default=None, help="单位代码（默认：基本信息表的单位代码，或最上级单位）"
)
@click.option("--period", "period", default=None, help="期间，如 2010OctS1、2024S1、2024")
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    required=True,
    help="输出文件：.docx、.html、.md 或 .pdf；与 --each-child 同用时为输出目录",
)
@click.option(
    "--template",
    "template",
    type=click.Path(path_type=Path),
    default=None,
    help="Word 模板（.docx），默认使用内置的公文格式模板",
)
@click.option(
    "--each-child", "each_child", is_flag=True, help="为每个下级单位各写一份报告，--out 为目录"
)
@click.option(
    "--format", "fmt", default=".docx", show_default=True, help="与 --each-child 同用：报告格式"
)
@click.option(
    "--attach-check",
    "attach_check",
    is_flag=True,
    help="把数据核查单也作为附件附在报告之后（数据核查单总是另存在报告旁边）",
)
@guarded
def report(
    workbook: Path,
    org: str | None,
    period: str | None,
    out: Path,
    template: Path | None,
    each_child: bool,
    fmt: str,
    attach_check: bool,
) -> None:
    """起草自查报告（公文格式 Word 文件，或 HTML、Markdown、PDF），并在报告旁边写出数据核查单。"""
    from zicha.actions.reporting import write_child_reports, write_report

    session = _open(workbook)
    if each_child:
        from rich.progress import Progress

        console = _console()
        suffix = fmt if fmt.startswith(".") else f".{fmt}"
        with Progress(
            console=_err_console(), transient=True, disable=not _err_console().is_terminal
        ) as bar:
            children = session.dataset.tree.children(session.org(org))
            task = bar.add_task("正在起草下级单位报告", total=len(children))
            drafted = write_child_reports(
                session,
                org,
                period,
                out,
                suffix,
                template,
                progress=lambda _name: bar.advance(task),
                attach_check=attach_check,
            )
        for d in drafted:
            console.print(f"已写出：{d.path}" + _draft_note(d.errors), markup=False)
        return
    drafted_one = write_report(session, org, period, out, template, attach_check)
    c = drafted_one.computation
    # plain lines: the one command that must be quick does without the terminal library
    click.echo(
        f"已写出 {c.org_unit.name}{c.period.label}自查报告：{drafted_one.path}"
        + _draft_note(drafted_one.errors)
    )
    click.echo(f"数据核查单：{drafted_one.check_path}")


def _draft_note(errors: int) -> str:
    if not errors:
        return ""
    return f"（数据核查单列出 {errors} 个需更正的问题，更正前报告标为「征求意见稿」）"


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--org", "org", default=None, help="上级单位代码：对其全部下级单位排名")
@click.option("--period", "period", default=None, help="期间，如 2010OctS1、2024")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（CONTRACT §5）")
@click.option(
    "--out",
    "out",
    type=click.Path(path_type=Path),
    default=None,
    help="另存为 Excel 排名表（.xlsx）",
)
@guarded
def rank(
    workbook: Path, org: str | None, period: str | None, as_json: bool, out: Path | None
) -> None:
    """对一个单位的全部下级单位按考核办法计分并排名；一票否决的单位排在最后。"""
    from zicha.actions.ranking import rank_children, write_ranking
    from zicha.reports.json_view import ranking_json
    from zicha.reports.terminal import ranking_table

    session = _open(workbook)
    ranking = rank_children(session, org, period)
    if out is not None:
        write_ranking(ranking, out)
    if as_json:
        click.echo(json.dumps(ranking_json(ranking), ensure_ascii=False, indent=2))
        return
    console = _console()
    console.print(ranking_table(ranking))
    if out is not None:
        console.print(f"已写出排名表：{out}")


@cli.command()
@click.argument("workbook", type=click.Path(path_type=Path))
@click.option("--org", "org", default=None, help="签发单位代码：与其每个下级单位各签一份责任书")
@click.option(
    "--period",
    "period",
    default=None,
    help="目标年度，如 2010Oct、2024（默认：基本信息表期间所在的年度）",
)
@click.option("--out", "out", type=click.Path(path_type=Path), required=True, help="输出目录")
@click.option("--zip", "as_zip", is_flag=True, help="把全部责任书打包为一个 .zip 文件")
@click.option(
    "--date", "date", default=None, help="签订日期，如 2010-10-08（默认留空，签订时手写）"
)
@guarded
def agreements(
    workbook: Path,
    org: str | None,
    period: str | None,
    out: Path,
    as_zip: bool,
    date: str | None,
) -> None:
    """为每个下级单位起草目标管理责任书（公文格式 Word 文件）：目标、计分办法、一票否决、签章。"""
    from zicha.actions.agreements import write_agreements
    from zicha.reports.agreement import year_text

    session = _open(workbook)
    drafts, written = write_agreements(session, org, period, out, as_zip, date)
    console = _console()
    for path in written:
        console.print(f"已写出：{path}", markup=False)
    count = len(drafts.files)
    console.print(
        f"{drafts.issuer.name}{year_text(drafts.period)}目标责任书 {count} 份"
        + ("（已打包）" if as_zip else ""),
        markup=False,
    )
    if drafts.without_targets:
        names = "、".join(u.name for u in drafts.without_targets)
        console.print(f"没有适用目标、未起草责任书的下级单位：{names}", markup=False)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出（CONTRACT §9）")
@click.option("--pack", "pack_id", default=None, help="业务包（其术语表用于识别数字的含义）")
@click.option("--figures", "show_figures", is_flag=True, help="也列出读到的全部数字")
@guarded
def factcheck(file: Path, as_json: bool, pack_id: str | None, show_figures: bool) -> None:
    """核查一份报告（.docx、.txt、.md）所述数字之间是否矛盾。有错误时退出码为 1。"""
    from zicha.actions.factchecking import fact_check
    from zicha.reports.factcheck_view import factcheck_json, print_factcheck

    result = fact_check(file, pack=pack_id)
    if as_json:
        click.echo(json.dumps(factcheck_json(result), ensure_ascii=False, indent=2))
    else:
        print_factcheck(_console(), result, show_figures)
    if result.errors:
        sys.exit(EXIT_FINDINGS)


@cli.group()
def packs() -> None:
    """业务包：列出、查看、检查。"""


@packs.command("list")
@guarded
def packs_list() -> None:
    """列出内置业务包。"""
    from rich.table import Table

    from zicha.packs.registry import builtin_ids, get_pack

    table = Table(header_style="bold")
    for col in ("代码", "名称", "统计年度起始月", "指标数", "说明"):
        table.add_column(col)
    for pack_id in builtin_ids():
        p = get_pack(pack_id)
        label = "（历史）" if p.historical and "历史" not in p.name else ""
        table.add_row(
            p.id,
            p.name + label,
            str(p.year_start_month),
            str(len(p.indicators)),
            p.description.splitlines()[0] if p.description else "",
        )
    _console().print(table)


@packs.command("show")
@click.argument("pack_id")
@guarded
def packs_show(pack_id: str) -> None:
    """显示业务包的数据项、指标、校验规则。"""
    from zicha.packs.registry import named_pack
    from zicha.reports.pack_view import print_pack

    print_pack(_console(), named_pack(pack_id))


@packs.command("lint")
@click.argument("path", type=click.Path(path_type=Path))
@guarded
def packs_lint(path: Path) -> None:
    """检查业务包目录：每个表达式能否解析、每个引用是否存在。有错误时退出码为 1。"""
    from zicha.packs.lint import lint_folder
    from zicha.packs.registry import builtin_folder

    folder = path if path.exists() else builtin_folder(str(path))
    messages = lint_folder(folder)
    console = _console()
    for m in messages:
        console.print(str(m), markup=False)
    errors = sum(1 for m in messages if m.severity == "error")
    console.print(f"{folder}：{errors} 个错误，{len(messages) - errors} 个提示")
    if errors:
        sys.exit(EXIT_FINDINGS)


def _register_server_commands() -> None:
    from zicha.cli.server import register, register_backups, register_database

    register(cli, guarded, _console)
    register_backups(cli, guarded, _console)
    register_database(cli, guarded, _console)


_register_server_commands()


def main() -> None:
    """The console script. Once the command is done and its output flushed, the process ends
    without tearing down every module one by one: nothing is left to write, and the teardown of
    polars and lxml takes longer than many commands themselves."""
    try:
        code = cli.main(prog_name="zicha", standalone_mode=False)
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.ClickException as exc:
        exc.show()
        code = exc.exit_code
    except click.exceptions.Abort:
        _err_console().print("已取消。")
        code = 1
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
