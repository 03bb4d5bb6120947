"""The server commands of CONTRACT §7: `serve`, `users add`, `load`, `audit verify`, `backup`,
`restore`, `db partition`.

Each takes `--data DIR` and `--db URL` (or `ZICHA_DATA` / `ZICHA_DATABASE_URL`) and sets Django up
through `zicha.web.server.prepare` before it touches the database.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def database_options(func: F) -> F:
    """`--data` and `--db`, shared by every server command."""
    func = click.option(
        "--db",
        "db",
        default=None,
        envvar="ZICHA_DATABASE_URL",
        help="数据库地址（默认：数据目录中的 SQLite），如 postgresql://用户:密码@主机/库名",
    )(func)
    func = click.option(
        "--data",
        "data",
        type=click.Path(path_type=Path),
        default=None,
        envvar="ZICHA_DATA",
        help="数据目录（默认：本机用户数据目录）",
    )(func)
    return func


def register(cli: click.Group, guarded: Callable[[Any], Any], console: Callable[[], Any]) -> None:
    """Add the server commands to the command group."""

    @cli.command()
    @database_options
    @click.option("--host", "host", default="127.0.0.1", show_default=True, help="监听地址")
    @click.option("--port", "port", default=8000, show_default=True, type=int, help="端口")
    @click.option("--demo", "demo", is_flag=True, help="载入示例县的数据并列出示例账号")
    @guarded
    def serve(data: Path | None, db: str | None, host: str, port: int, demo: bool) -> None:
        """启动县级服务器（首次启动时建库）；浏览器打开 http://127.0.0.1:8000 。"""
        from zicha.web.server import prepare
        from zicha.web.server import serve as run

        folder = prepare(data, db)
        out = console()
        if demo:
            from zicha.actions.demo_county import open_demo

            accounts = open_demo()
            out.print("[bold]示例县已载入。示例账号（用户名 / 密码 / 角色 / 单位）：[/bold]")
            for a in accounts:
                out.print(f"  {a.username} / {a.password} / {a.role_name} / {a.org}")
        out.print(f"数据目录：{folder}")
        out.print(f"zicha 服务器已启动：http://{host}:{port}/ （按 Ctrl+C 停止）")
        run(host, port)

    @cli.group()
    def users() -> None:
        """服务器的用户账号。"""

    @users.command("add")
    @click.argument("name")
    @click.option(
        "--role",
        "role",
        required=True,
        help="角色：clerk（填报员）、reviewer（审核员）或 admin（管理员）",
    )
    @click.option("--org", "org", required=True, help="所属单位代码")
    @database_options
    @guarded
    def users_add(name: str, role: str, org: str, data: Path | None, db: str | None) -> None:
        """新增或更新用户；密码从标准输入读一行，或在终端提示输入。"""
        from zicha.web.server import prepare

        prepare(data, db)
        from zicha.actions.accounts import ROLE_NAMES, add_user

        if sys.stdin.isatty():
            password = click.prompt("密码", hide_input=True, confirmation_prompt=True)
        else:
            password = sys.stdin.readline().rstrip("\r\n")
        user, created = add_user(name, role, org, password)
        verb = "已新增" if created else "已更新"
        console().print(f"{verb}用户 {user.username}（{ROLE_NAMES[user.role]}，{user.org}）")

    @cli.command()
    @click.argument("workbook", type=click.Path(path_type=Path))
    @database_options
    @guarded
    def load(workbook: Path, data: Path | None, db: str | None) -> None:
        """以管理员身份把整个工作簿导入服务器数据库（全部成功或全部不导入；重复导入不改变数据）。"""
        from zicha.web.server import prepare

        prepare(data, db)
        from zicha.actions.entry import Locked
        from zicha.actions.loading import load_workbook

        try:
            summary = load_workbook(workbook)
        except Locked as exc:
            refuse(console, exc.message, [str(p) for p in exc.problems])
        out = console()
        if not summary.changed:
            out.print(f"{workbook.name}：与服务器上的数据相同，没有变更。")
            return
        created = "，".join(f"{k} {n}" for k, n in sorted(summary.created.items()) if n)
        updated = "，".join(f"{k} {n}" for k, n in sorted(summary.updated.items()) if n)
        out.print(f"已导入 {workbook.name}。")
        if created:
            out.print(f"  新增：{created}")
        if updated:
            out.print(f"  更新：{updated}")

    @cli.group()
    def audit() -> None:
        """变更记录（审计链）。"""

    @audit.command("verify")
    @database_options
    @guarded
    def audit_verify(data: Path | None, db: str | None) -> None:
        """逐条核对变更记录的哈希链：完好退出码 0；有记录被改动或删除退出码 1，并指出第一条。"""
        from zicha.web.server import prepare

        prepare(data, db)
        from zicha.actions.audit import verify

        verdict = verify()
        out = console()
        if verdict.ok:
            out.print(f"变更记录完好：共 {verdict.entries} 条，哈希链没有断裂。")
            return
        out.print(f"[bold red]变更记录已被篡改[/bold red]：{verdict.problem}。")
        out.print(f"（核对到第 {verdict.entries} 条时发现；此前的记录完好。）")
        sys.exit(1)


def register_database(
    cli: click.Group, guarded: Callable[[Any], Any], console: Callable[[], Any]
) -> None:
    """`zicha db partition`."""

    @cli.group("db")
    def db_group() -> None:
        """服务器数据库的维护。"""

    @db_group.command("partition")
    @database_options
    @guarded
    def db_partition(data: Path | None, db: str | None) -> None:
        """（仅 PostgreSQL）把按月汇总的登记数据按统计年度、再按省分区。

        可重复运行：补建新年度、新省的分区，并把默认分区中的行移入。"""
        from zicha.web.server import prepare

        prepare(data, db)
        from zicha.actions.partitions import partition_facts

        summary = partition_facts()
        out = console()
        if summary.converted:
            out.print("已把按月汇总表改为分区表（按统计年度、再按省）。")
        if summary.created:
            shown = "、".join(summary.created[:5]) + ("…" if len(summary.created) > 5 else "")
            out.print(f"新建分区 {len(summary.created)} 个：{shown}")
        else:
            out.print("分区齐全，没有新建。")
        if summary.moved:
            out.print(f"从默认分区移入各自分区 {summary.moved} 行。")
        rows = sum(summary.leaves.values())
        out.print(f"共 {len(summary.leaves)} 个末级分区，{rows} 行。")


def register_backups(
    cli: click.Group, guarded: Callable[[Any], Any], console: Callable[[], Any]
) -> None:
    """`zicha backup FILE` and `zicha restore FILE`."""

    @cli.command()
    @click.argument("file", type=click.Path(path_type=Path))
    @click.option(
        "--portable",
        is_flag=True,
        help="SQLite 也写成通用的逻辑备份（可恢复到 PostgreSQL）",
    )
    @database_options
    @guarded
    def backup(file: Path, portable: bool, data: Path | None, db: str | None) -> None:
        """服务器运行时也可备份：SQLite 用其在线备份接口，PostgreSQL 导出全部数据表。"""
        from zicha.web.server import prepare

        prepare(data, db)
        from zicha.actions.backups import take

        taken = take(file, portable)
        out = console()
        if taken.form == "sqlite":
            out.print(f"已备份到 {file}（SQLite 数据库文件，{file.stat().st_size / 1e6:.1f} MB）。")
        else:
            rows = sum(taken.tables.values())
            out.print(f"已备份到 {file}（逻辑备份：{len(taken.tables)} 张表，{rows} 行）。")

    @cli.command()
    @click.argument("file", type=click.Path(path_type=Path))
    @database_options
    @guarded
    def restore(file: Path, data: Path | None, db: str | None) -> None:
        """把备份恢复到一个空的数据目录（和空的数据库）；恢复后核对变更记录的哈希链。"""
        from zicha.actions import backups

        folder = backups.folder_for(data)
        backups.check_backup(file)
        backups.check_empty(folder, db)
        from zicha.web.server import prepare

        if backups.copy_sqlite(file, folder, db):
            prepare(folder, db)
        else:
            prepare(folder, db, migrate=False)
            backups.load(file)
        verdict = backups.verify_after()
        out = console()
        out.print(f"已恢复到 {folder}。")
        if verdict.ok:
            out.print(f"变更记录完好：共 {verdict.entries} 条。")
        else:
            out.print(f"[bold red]变更记录有问题[/bold red]：{verdict.problem}。")
            sys.exit(1)


def refuse(console: Callable[[], Any], message: str, problems: list[str]) -> None:
    """A write the server refused (a locked period): exit 2 with the rows named."""
    out = console()
    out.print(f"[bold red]未导入[/bold red]：{message}", highlight=False)
    for p in problems[:50]:
        out.print(f"  - {p}", highlight=False, markup=False)
    sys.exit(2)
