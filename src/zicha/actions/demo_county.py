"""`zicha serve --demo`: load the demo county and its accounts into the database."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from zicha.actions.accounts import ROLE_NAMES, add_user
from zicha.actions.loading import load_workbook
from zicha.packs.demo_county import demo_sheets
from zicha.workbook.export import write_raw_workbook
from zicha.workbook.sheets import SHEETS


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str
    org: str

    @property
    def role_name(self) -> str:
        return ROLE_NAMES[self.role]


ACCOUNTS = (
    DemoAccount("admin", "zicha-admin", "admin", "510000"),
    DemoAccount("county", "zicha-county", "reviewer", "510000"),
    DemoAccount("xxxiang", "zicha-clerk", "clerk", "510001"),
    DemoAccount("donghe", "zicha-clerk", "clerk", "510002"),
)


def load_demo_county() -> list[DemoAccount]:
    """Load the demo county into the database (again: nothing changes) and add its accounts."""
    sheets = demo_sheets()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "示例县.xlsx"
        write_raw_workbook(sheets, path, [s.zh for s in SHEETS])
        load_workbook(path)
    for a in ACCOUNTS:
        add_user(a.username, a.role, a.org, a.password)
    return list(ACCOUNTS)
