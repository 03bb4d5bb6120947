"""Real servers and real processes on a database of their own: a throw-away data folder, and on
PostgreSQL (when `ZICHA_TEST_DATABASE_URL` is set) a database created for the test in the same
cluster and dropped afterwards.

Nothing here touches Django in the test process (it is set up on the test database); every
worker runs in a process of its own (`tests.server.workers`).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

START_TIMEOUT_S = 120


def clean_env(**extra: str) -> dict[str, str]:
    """The environment of a zicha process: none of the test suite's settings."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "ZICHA_DATA", "ZICHA_DATABASE_URL")
    }
    return {**env, "COLUMNS": "200", **extra}


def zicha(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("zicha")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "zicha.cli.main"]
    done = subprocess.run(
        [*command, *args], capture_output=True, text=True, env=clean_env(), timeout=600
    )
    if check and done.returncode != 0:
        raise AssertionError(
            f"zicha {' '.join(args)} → {done.returncode}\n{done.stdout}{done.stderr}"
        )
    return done


@contextmanager
def fresh_database() -> Iterator[str | None]:
    """A database URL of its own (PostgreSQL), or None: SQLite in the data folder."""
    base = os.environ.get("ZICHA_TEST_DATABASE_URL")
    if not base:
        yield None
        return
    import psycopg

    name = f"zicha_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(base, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def db_args(db: str | None) -> list[str]:
    return ["--db", db] if db else []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen[str]
    #: what the server printed while starting (the demo's accounts among it)
    output: list[str]

    def token(self, username: str, password: str) -> str:
        body = self.call("POST", "/api/token", {"username": username, "password": password})[1]
        return str(body["token"])

    def call(
        self, method: str, path: str, body: Any = None, token: str | None = None
    ) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                return r.status, json.loads(r.read() or b"null")
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read() or b"null")


@contextmanager
def live_server(data: Path, db: str | None, demo: bool = True) -> Iterator[LiveServer]:
    """`zicha serve` on a free port until the block ends."""
    port = free_port()
    args = ["serve", "--data", str(data), "--port", str(port), *db_args(db)]
    script = Path(sys.executable).with_name("zicha")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "zicha.cli.main"]
    process = subprocess.Popen(
        [*command, *args, *(["--demo"] if demo else [])],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=clean_env(),
    )
    url = f"http://127.0.0.1:{port}"
    output: list[str] = []
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
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
            raise AssertionError("zicha serve did not answer:\n" + "".join(output))
        yield LiveServer(url, process, output)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def lock_waiters(db: str) -> int:
    """How many sessions of the database wait for a lock held by another (PostgreSQL)."""
    import psycopg

    name = re.sub(r".*/", "", db)
    with psycopg.connect(db, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            [name],
        ).fetchone()
    return int(row[0]) if row else 0
