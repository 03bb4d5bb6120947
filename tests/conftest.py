"""Hypothesis profiles: in CI (`CI=true`) a fixed, deterministic profile, so that a run fails or
passes the same way every time; on a developer's machine the same without derandomisation, so
that new examples keep being tried. Neither has a deadline: speed is measured in bench/, not
asserted by a test that fails on a busy machine."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

POSTGRES_ONLY = Path(__file__).resolve().parent / "server" / "postgres"

#: packs are kept (`zicha.packs.cache`) in a folder of the test run's own, not in the user's
#: cache folder; removed when the run ends
_PACK_CACHE = tempfile.TemporaryDirectory(prefix="zicha-test-cache-")
os.environ.setdefault("ZICHA_CACHE_DIR", _PACK_CACHE.name)

settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """`tests/server/postgres` belongs to the PostgreSQL pass of `make unit` (where
    ZICHA_TEST_DATABASE_URL is set): the SQLite pass does not collect it, so nothing is skipped."""
    if collection_path == POSTGRES_ONLY and not os.environ.get("ZICHA_TEST_DATABASE_URL"):
        return True
    return None


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    """A copy of the family-planning pack (its TOML files) to change."""
    from zicha.packs.registry import builtin_folder

    folder = tmp_path / "pack"
    shutil.copytree(
        builtin_folder("family-planning"), folder, ignore=shutil.ignore_patterns("example")
    )
    return folder
