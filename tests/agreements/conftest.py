from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from zicha.actions.session import Session, open_workbook
from zicha.cli.main import cli

from .helpers import county_workbook


@pytest.fixture(scope="session")
def seed_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed township's workbook, as `zicha demo` writes it."""
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(cli, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "workbook.xlsx"


@pytest.fixture(scope="session")
def seed(seed_workbook: Path) -> Session:
    return open_workbook(seed_workbook)


@pytest.fixture(scope="session")
def county_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return county_workbook(tmp_path_factory.mktemp("county") / "示例县.xlsx")
