"""The population-monitoring pack's bundled example, read once for the tests of this folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from zicha.actions.session import Session, open_workbook
from zicha.packs.registry import builtin_folder

PACK = "population-monitoring"
EXAMPLE = builtin_folder(PACK) / "example"


@pytest.fixture(scope="session")
def example() -> Session:
    """The example as CSV files, the way a clerk's folder of sheets is read."""
    return open_workbook(EXAMPLE)


@pytest.fixture(scope="session")
def example_folder() -> Path:
    return EXAMPLE
