"""A real `zicha serve --demo` on a free port in a throw-away data folder, and a real headless
Chromium (Debian's, driven by Playwright; never a downloaded browser)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

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
START_TIMEOUT_S = 120


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def zicha_command() -> list[str]:
    script = Path(sys.executable).with_name("zicha")
    return [str(script)] if script.exists() else [sys.executable, "-m", "zicha.cli.main"]


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data = tmp_path_factory.mktemp("zicha-serve")
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "ZICHA_DATA", "ZICHA_DATABASE_URL")
    }
    process = subprocess.Popen(
        [*zicha_command(), "serve", "--demo", "--data", str(data), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**env, "COLUMNS": "200"},
    )
    output: list[str] = []
    accounts: list[Account] = []
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            found = re.match(r"\s+(\S+) / (\S+) / (\S+) / (\S+)", line)
            if found:
                accounts.append(Account(*found.groups()))
            if "服务器已启动" in line or time.monotonic() > deadline:
                break
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("zicha serve did not answer:\n" + "".join(output))
        yield Server(url, accounts, output)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


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
