"""A small workbook is computed on one polars thread; a large one keeps every core."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from zicha.cli.main import SMALL_WORKBOOK_BYTES

PROBE = (
    "import os, sys; from pathlib import Path; from zicha.cli.main import _threads_for; "
    "_threads_for(Path(sys.argv[1])); print(os.environ.get('POLARS_MAX_THREADS'))"
)


def _threads(path: Path, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "POLARS_MAX_THREADS"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)],
        env={**environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def test_small_large_and_chosen(tmp_path: Path) -> None:
    small = tmp_path / "small.xlsx"
    small.write_bytes(b"x" * 1000)
    large = tmp_path / "large.xlsx"
    with large.open("wb") as f:
        f.truncate(SMALL_WORKBOOK_BYTES + 1)
    folder = tmp_path / "csv"
    folder.mkdir()
    for name in ("数据.csv", "出生登记.csv"):
        with (folder / name).open("wb") as f:
            f.truncate(SMALL_WORKBOOK_BYTES // 2 + 1)
    assert _threads(small) == "1"
    assert _threads(large) == "None"
    assert _threads(folder) == "None"  # the folder's files together are large
    assert _threads(small, POLARS_MAX_THREADS="2") == "2"  # the user's choice stands
    assert _threads(tmp_path / "missing.xlsx") == "None"
