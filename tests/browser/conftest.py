"""A real `zicha serve --demo` on a free port in a throw-away data folder, and a real headless
Chromium (Debian's, driven by Playwright; never a downloaded browser)."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.server.live import live_server

CHROMIUM = os.environ.get("ZICHA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass(frozen=True)
class Account:
    username: str
    password: str
    role: str
    org: str


@dataclass
class Server:
    url: str
    accounts: list[Account]
    output: list[str]

    def account(self, role: str) -> Account:
        return next(a for a in self.accounts if a.role == role)


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`zicha serve --demo` in a throw-away data folder, with the accounts it printed."""
    data = tmp_path_factory.mktemp("zicha-serve")
    with live_server(data, None) as live:
        accounts = [
            Account(*found.groups())
            for line in live.output
            if (found := re.match(r"\s+(\S+) / (\S+) / (\S+) / (\S+)", line))
        ]
        yield Server(live.url, accounts, live.output)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless. Missing: skipped on a developer's machine, a failure in CI."""
    if not Path(CHROMIUM).exists() and shutil.which("chromium") is None:
        message = f"没有找到 Chromium（{CHROMIUM}）：请安装 Debian 的 chromium 软件包"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    path = CHROMIUM if Path(CHROMIUM).exists() else str(shutil.which("chromium"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
