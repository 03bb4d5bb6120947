"""The server suite: the demo county loaded once into the test database, clients per role.

Every test runs in a transaction that is rolled back, so each starts from the same county. Set
`ZICHA_TEST_DATABASE_URL=postgresql://…` to run the suite against PostgreSQL.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rest_framework.test import APIClient

from zicha.actions.accounts import add_user
from zicha.actions.demo_county import ACCOUNTS, load_demo_county
from zicha.workbook.export import write_raw_workbook


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        load_demo_county()
    yield


@pytest.fixture
def api(db: Any) -> APIClient:
    """An API client with no credentials."""
    return APIClient()


def password_of(username: str) -> str:
    if username == "tr":
        return "zicha-tr"
    return next(a.password for a in ACCOUNTS if a.username == username)


def client_for(username: str) -> APIClient:
    """An API client holding a bearer token of a demo account."""
    client = APIClient()
    response = client.post(
        "/api/token", {"username": username, "password": password_of(username)}, format="json"
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {response.json()['token']}")
    return client


@pytest.fixture
def clerk(db: Any) -> APIClient:
    """The seed township's clerk (510001)."""
    return client_for("xxxiang")


@pytest.fixture
def other_clerk(db: Any) -> APIClient:
    """The clerk of 东河镇 (510002)."""
    return client_for("donghe")


@pytest.fixture
def reviewer(db: Any) -> APIClient:
    """The county's reviewer (510000)."""
    return client_for("county")


@pytest.fixture
def admin(db: Any) -> APIClient:
    return client_for("admin")


@pytest.fixture
def township_reviewer(db: Any) -> APIClient:
    """A reviewer of 东河镇 (510002) only, made for the test (user `tr`)."""
    add_user("tr", "reviewer", "510002", "zicha-tr")
    return client_for("tr")


def values_xlsx(rows: list[list[str]]) -> io.BytesIO:
    """A values-only workbook in memory."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "数据.xlsx"
        write_raw_workbook({"数据": [["单位代码", "期间", "数据项", "数值"], *rows]}, path, [])
        data = io.BytesIO(path.read_bytes())
    data.name = "数据.xlsx"
    return data
