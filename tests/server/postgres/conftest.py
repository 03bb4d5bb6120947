"""Tests that only mean something on PostgreSQL. `tests/conftest.py` leaves this folder out
unless `ZICHA_TEST_DATABASE_URL` names a PostgreSQL server (the second pass of `make unit`, through
scripts/with_postgres.sh); collected on another database they fail rather than pass vacuously."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _on_postgres() -> Iterator[None]:
    assert connection.vendor == "postgresql", (
        "tests/server/postgres runs on PostgreSQL: "
        "scripts/with_postgres.sh .venv/bin/pytest tests/server"
    )
    yield
