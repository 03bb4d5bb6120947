"""zicha sets polars' allocator up when it is imported first (zicha/__init__.py)."""

from __future__ import annotations

import os
import subprocess
import sys

SHOW = "import zicha, os; print(os.environ.get('_RJEM_MALLOC_CONF'))"


def _shown(env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-c", SHOW], env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_one_arena_without_thread_caches_is_asked_for() -> None:
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    assert _shown(env) == "narenas:1,tcache:false"


def test_a_setting_of_the_callers_own_is_kept() -> None:
    env = {**os.environ, "_RJEM_MALLOC_CONF": "dirty_decay_ms:0"}
    assert _shown(env) == "dirty_decay_ms:0"
