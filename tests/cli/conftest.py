from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from zicha.cli.main import cli


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(cli, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def demo_workbook(demo_dir: Path) -> Path:
    return demo_dir / "workbook.xlsx"


def run(*args: str) -> tuple[int, str, str]:
    """Run the command line through click's runner: exit code, stdout, stderr."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr
