"""The console script as a real process: exit codes and output survive the quick exit."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path


def zicha(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zicha.cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_exit_codes_and_output_of_a_real_process(demo_workbook: Path, tmp_path: Path) -> None:
    done = zicha("compute", demo_workbook, "--json")
    assert done.returncode == 0
    assert json.loads(done.stdout)["org_unit"]["code"] == "510001"
    assert zicha("check", demo_workbook).returncode == 1
    missing = zicha("check", tmp_path / "none.xlsx")
    assert missing.returncode == 2
    assert "none.xlsx" in missing.stderr
    assert "Traceback" not in missing.stderr
    usage = zicha("no-such-command")
    assert usage.returncode == 2
    assert zicha("--version").stdout.strip() == "zicha, version 0.1.0"
